/* intake_app: the intake service's configuration-derived state and the small
 * helpers every command handler of intake shares. Never logs values from the
 * configuration or from requests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "intake_app.h"
#include "log.h"
#include "visits.h"

static intake_app_t s_app;
static int s_ready;

static int s_rules(const config_t *cfg, grading_rules_t *r)
{
    grading_rules_default(r);
    r->important_min = config_get_int(cfg, "intake.grading.important_min", r->important_min);
    r->hard_min = config_get_int(cfg, "intake.grading.hard_min", r->hard_min);
    r->class1_workdays = config_get_int(cfg, "intake.grading.class1_workdays",
                                        r->class1_workdays);
    r->class2_workdays = config_get_int(cfg, "intake.grading.class2_workdays",
                                        r->class2_workdays);
    r->class3_workdays = config_get_int(cfg, "intake.grading.class3_workdays",
                                        r->class3_workdays);
    if (grading_rules_check(r) != 0) {
        log_error("intake.grading.* out of range", "");
        return -1;
    }
    return 0;
}

static int s_calendar(const config_t *cfg)
{
    s_app.cal = calsync_new(config_get_int(cfg, "calendar.check_ms", CALSYNC_CHECK_MS_DEFAULT));
    if (!s_app.cal)
        return -1;
    s_app.calendar_watch = config_get_int(cfg, "intake.calendar_watch", 1) != 0;
    return 0;
}

int intake_app_init(const config_t *cfg, void **app)
{
    const char *hex = config_get(cfg, "crypto.key", NULL);
    if (visits_init(cfg, app) != 0)
        return -1;
    memset(&s_app, 0, sizeof s_app);
    if (!hex || crypto_key_from_hex(hex, s_app.key) != 0 || s_rules(cfg, &s_app.rules) != 0
        || s_calendar(cfg) != 0) {
        visits_fini(*app);
        *app = NULL;
        return -1;
    }
    s_app.rota_per_day = config_get_int(cfg, "intake.rota_per_day", 2);
    if (s_app.rota_per_day < 1 || s_app.rota_per_day > 7)
        s_app.rota_per_day = 2;
    s_ready = 1;
    return 0;
}

void intake_app_fini(void *app)
{
    visits_fini(app);
    calsync_destroy(&s_app.cal);
    memset(s_app.key, 0, sizeof s_app.key);
    s_ready = 0;
}

const intake_app_t *intake_app(void)
{
    return s_ready ? &s_app : NULL;
}

/* ---- helpers -------------------------------------------------------------------- */

int intake_role_is(const cmd_ctx_t *ctx, const char *const *roles)
{
    const char *role = ctx->cmd->actor && ctx->cmd->actor->role ? ctx->cmd->actor->role : "";
    for (size_t i = 0; roles[i]; i++)
        if (strcmp(role, roles[i]) == 0)
            return 1;
    return 0;
}

int intake_district_ok(const cmd_ctx_t *ctx)
{
    const Lianxin__V1__Actor *a = ctx->cmd->actor;
    const char *d = ctx->cmd->district ? ctx->cmd->district : "";
    if (!a || !*d)
        return 0;
    if (a->district == NULL || a->district[0] == '\0')
        return a->role && strcmp(a->role, "admin") == 0;
    return strcmp(a->district, d) == 0;
}

int intake_object_id(const cmd_ctx_t *ctx, int64_t *id)
{
    const char *s = ctx->cmd->object_id;
    char *end = NULL;
    long long v;
    if (!s || !*s || strlen(s) > 18)
        return -1;
    v = strtoll(s, &end, 10);
    if (*end || v <= 0)
        return -1;
    *id = v;
    return 0;
}

int intake_db_fail(tx_t *tx, cmd_result_t *res, const char *what)
{
    db_t *db = tx_db(tx);
    if (db_broken(db))
        return cmd_fail(res, 503, "unavailable", "database unavailable");
    log_error("statement failed", "what=%s sqlstate=%s error=\"%s\"", what, db_sqlstate(db),
              db_error(db));
    return cmd_fail(res, 500, "internal", "internal error");
}

calendar_day_t intake_today(const tx_t *tx)
{
    return calendar_day_of_us(tx_now_us(tx));
}

const char *intake_num(char buf[24], long long v)
{
    snprintf(buf, 24, "%lld", v);
    return buf;
}

int intake_has_text(const char *s)
{
    for (const unsigned char *p = (const unsigned char *) s; p && *p;) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            p++;
        } else if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {
            p += 3;
        } else {
            return 1;
        }
    }
    return 0;
}

int intake_record(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res, const char *type,
                  const ProtobufCMessage *msg, const char *action, const char *object_type,
                  int64_t object_id)
{
    char id[24];
    size_t len = protobuf_c_message_get_packed_size(msg);
    uint8_t *buf = malloc(len ? len : 1);
    int rc = -1;
    if (buf) {
        protobuf_c_message_pack(msg, buf);
        rc = tx_audit(tx, ctx->cmd->district, ctx->cmd->actor, action, object_type,
                      intake_num(id, object_id), buf, len);
        free(buf);
    }
    if (rc == 0 && type)
        rc = tx_event(tx, ctx->cmd->district, type, ctx->cmd->actor, msg);
    if (rc != 0)
        cmd_fail(res, 500, "internal", "internal error");
    return rc;
}

char *intake_ids_text(const int64_t *ids, size_t n)
{
    char *out = malloc(n * 21 + 3), *p = out;
    if (!out)
        return NULL;
    *p++ = '{';
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, i ? ",%lld" : "%lld", (long long) ids[i]);
    *p++ = '}';
    *p = '\0';
    return out;
}

size_t intake_parse_ids(const char *text, int64_t *out, size_t max)
{
    size_t n = 0;
    char *end;
    if (*text == '{')
        text++;
    while (*text && *text != '}' && n < max) {
        out[n++] = strtoll(text, &end, 10);
        if (end == text) {
            n--;
            break;
        }
        text = *end == ',' ? end + 1 : end;
    }
    return n;
}

int intake_parse_month(const char *text, int *year, int *month)
{
    int y, m, used = 0;
    if (!text || strlen(text) != 7 || sscanf(text, "%4d-%2d%n", &y, &m, &used) != 2 || used != 7
        || text[4] != '-' || y < 2000 || y > 2100 || m < 1 || m > 12)
        return -1;
    *year = y;
    *month = m;
    return 0;
}

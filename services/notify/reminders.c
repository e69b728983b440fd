/* reminders: see reminders.h. Loading runs at start; arming and disarming
 * in the consumer's transaction, firing in common/timers' (both on the
 * worker, which owns the calsync copy). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "db.h"
#include "deliveries.h"
#include "dispatch.h"
#include "log.h"
#include "reminders.h"


/* ---- loading ------------------------------------------------------------------------------ */

static int s_names(const json_t *list, char **out, size_t *n, size_t max, const char *what,
                   const char *ev, char *err, size_t errsz)
{
    size_t i;
    json_t *v;
    if (list && (!json_is_array(list) || json_array_size(list) > max)) {
        snprintf(err, errsz, "%s: remind.%s: a list of at most %zu events", ev, what, max);
        return -1;
    }
    json_array_foreach(list, i, v) {
        const char *s = json_string_value(v);
        if (!s || !s[0] || strlen(s) > 64 || !(out[(*n)++] = strdup(s))) {
            snprintf(err, errsz, "%s: remind.%s: an event name (1-64 bytes)", ev, what);
            return -1;
        }
    }
    return 0;
}

/* One rule's "remind" block. */
static int s_remind(reminders_rule_t *x, const rules_rule_t *r, const json_t *j, char *err,
                    size_t errsz)
{
    const json_t *rm = json_object_get(j, "remind"), *wd = json_object_get(rm, "workdays");
    const char *due = json_string_value(json_object_get(rm, "due"));
    x->rule = r;
    x->due = due ? protobuf_c_message_descriptor_get_field_by_name(r->payload, due) : NULL;
    if (!json_is_object(rm) || !x->due || x->due->type != PROTOBUF_C_TYPE_STRING
        || x->due->label == PROTOBUF_C_LABEL_REPEATED) {
        snprintf(err, errsz, "%s: remind.due: a string field of %s", r->event, r->payload->name);
        return -1;
    }
    x->workdays = (int) json_integer_value(wd);
    if (!json_is_integer(wd) || json_integer_value(wd) < -REMINDERS_MAX_WORKDAYS
        || json_integer_value(wd) > REMINDERS_MAX_WORKDAYS) {
        snprintf(err, errsz, "%s: remind.workdays: an integer within +-%d", r->event,
                 REMINDERS_MAX_WORKDAYS);
        return -1;
    }
    if (r->partner || (r->channels & ~REMINDERS_CHANNELS)) {
        snprintf(err, errsz, "%s: a reminder goes by inbox, email and sms only, never to a"
                 " partner's webhook", r->event);
        return -1;
    }
    if (r->role) {
        snprintf(err, errsz, "%s: a reminder names its recipients (resolver ids), not a role",
                 r->event);
        return -1;
    }
    if (!(x->arm[x->narm++] = strdup(r->event)))
        return -1;
    return s_names(json_object_get(rm, "also"), x->arm, &x->narm, REMINDERS_MAX_EVENTS,
                   "also", r->event, err, errsz)
           || s_names(json_object_get(rm, "until"), x->until, &x->nuntil, REMINDERS_MAX_EVENTS,
                      "until", r->event, err, errsz) ? -1 : 0;
}

/* The timer kinds (distinct item kinds); a kind twice for one object type is refused. */
static int s_kinds(reminders_t *rm, char *err, size_t errsz)
{
    for (size_t i = 0; i < rm->n; i++) {
        const rules_rule_t *a = rm->r[i].rule;
        int seen = 0;
        for (size_t k = 0; k < i; k++) {
            const rules_rule_t *b = rm->r[k].rule;
            if (strcmp(a->item_kind, b->item_kind) != 0)
                continue;
            if (strcmp(a->object_type, b->object_type) == 0) {
                snprintf(err, errsz, "%s: item_kind %s twice for object %s", a->event,
                         a->item_kind, a->object_type);
                return -1;
            }
            seen = 1;
        }
        if (!seen)
            rm->kinds[rm->nkinds++] = (timers_kind_t) { .kind = a->item_kind,
                                                        .fire = reminders_fire };
    }
    return 0;
}

reminders_t *reminders_load(const char *path, const ProtobufCMessageDescriptor *const *payloads,
                            size_t npayloads, int check_ms, char *err, size_t errsz)
{
    json_error_t je;
    reminders_t *rm = calloc(1, sizeof *rm);
    json_t *root = path ? json_load_file(path, 0, &je) : NULL;
    if (!root) {
        snprintf(err, errsz, "reminders file unreadable: %s", path ? je.text : "no path");
        goto fail;
    }
    if (!rm || !(rm->rules = rules_load_json(root, path, payloads, npayloads, err, errsz)))
        goto fail;
    const json_t *list = json_object_get(root, "rules");
    for (size_t i = 0; i < rm->rules->n; i++, rm->n++)
        if (s_remind(&rm->r[i], &rm->rules->r[i], json_array_get(list, i), err, errsz) != 0)
            goto fail;
    if (s_kinds(rm, err, errsz) != 0 || !(rm->cal = calsync_new(check_ms)))
        goto fail;
    json_decref(root);
    return rm;
fail:
    json_decref(root);
    reminders_free(rm);
    return NULL;
}

void reminders_free(reminders_t *rm)
{
    if (!rm)
        return;
    for (size_t i = 0; i <= rm->n && i < RULES_MAX; i++) {
        for (size_t k = 0; k < rm->r[i].narm; k++)
            free(rm->r[i].arm[k]);
        for (size_t k = 0; k < rm->r[i].nuntil; k++)
            free(rm->r[i].until[k]);
    }
    calsync_destroy(&rm->cal);
    rules_free(rm->rules);
    free(rm);
}

timers_def_t reminders_timers(const reminders_t *rm)
{
    timers_def_t def = { .table = "notify.reminders", .keys = "source_type, source_id",
                         .kinds = rm ? rm->kinds : NULL, .nkinds = rm ? rm->nkinds : 0 };
    return def;
}

/* ---- routes ------------------------------------------------------------------------------- */

static int s_route(evroute_t *routes, size_t *n, size_t max, const char *type,
                   const ProtobufCMessageDescriptor *payload, evroute_apply_fn *apply,
                   char *err, size_t errsz)
{
    for (size_t i = 0; i < *n; i++) {
        if (strcmp(routes[i].type, type) != 0)
            continue;
        if (routes[i].payload == payload)
            return 0;
        snprintf(err, errsz, "%s: routed with payload %s, a reminder names %s", type,
                 routes[i].payload->name, payload->name);
        return -1;
    }
    if (*n >= max) {
        snprintf(err, errsz, "%s: too many routes", type);
        return -1;
    }
    routes[(*n)++] = (evroute_t) { .type = type, .payload = payload, .apply = apply };
    return 0;
}

int reminders_routes(const reminders_t *rm, evroute_t *routes, size_t *n, size_t max,
                     evroute_apply_fn *apply, char *err, size_t errsz)
{
    for (size_t i = 0; rm && i < rm->n; i++) {
        const reminders_rule_t *x = &rm->r[i];
        for (size_t k = 0; k < x->narm; k++)
            if (s_route(routes, n, max, x->arm[k], x->rule->payload, apply, err, errsz))
                return -1;
        for (size_t k = 0; k < x->nuntil; k++)
            if (s_route(routes, n, max, x->until[k], x->rule->payload, apply, err, errsz))
                return -1;
    }
    return 0;
}

size_t reminders_nevents(const reminders_t *rm)
{
    size_t n = 0;
    for (size_t i = 0; rm && i < rm->n; i++)
        n += rm->r[i].narm + rm->r[i].nuntil;
    return n;
}

/* ---- the arithmetic ----------------------------------------------------------------------- */

int reminders_fire_day(const calendar_t *cal, calendar_day_t due, int workdays,
                       calendar_day_t *out)
{
    if (workdays < -REMINDERS_MAX_WORKDAYS || workdays > REMINDERS_MAX_WORKDAYS)
        return -1;
    if (workdays < 0)
        return calendar_sub_workdays(cal, due, -workdays, out);
    if (workdays > 0)
        return calendar_add_workdays(cal, due, workdays, out);
    *out = due;
    return 0;
}

/* ---- arming, disarming -------------------------------------------------------------------- */

static const char *s_arm_sql =
    "INSERT INTO notify.reminders AS r (district_code, kind, source_type, source_id, id,"
    "  due_on, due_at, recipient_kind, recipient_ids, title, body, email_subject, email_body,"
    "  sms)"
    " VALUES ($1, $2, $3, $4::bigint, nextval('notify.reminder_ids'), $5::date,"
    "  'epoch'::timestamptz + $6::bigint * interval '1 microsecond', $7, $8::bigint[], $9, $10,"
    "  $11, $12, $13)"
    " ON CONFLICT (district_code, kind, source_type, source_id) DO UPDATE SET"
    "  id = CASE WHEN r.due_on = EXCLUDED.due_on THEN r.id ELSE EXCLUDED.id END,"
    "  fired_at = CASE WHEN r.due_on = EXCLUDED.due_on THEN r.fired_at END,"
    "  due_on = EXCLUDED.due_on, due_at = EXCLUDED.due_at,"
    "  recipient_kind = EXCLUDED.recipient_kind, recipient_ids = EXCLUDED.recipient_ids,"
    "  title = EXCLUDED.title, body = EXCLUDED.body, email_subject = EXCLUDED.email_subject,"
    "  email_body = EXCLUDED.email_body, sms = EXCLUDED.sms";

/* $5: a due date (NULL for any): an unfired row of another date is dropped. */
static const char *s_disarm_sql =
    "DELETE FROM notify.reminders WHERE district_code = $1 AND kind = $2 AND source_type = $3"
    "  AND source_id = $4::bigint AND fired_at IS NULL"
    "  AND ($5::date IS NULL OR due_on <> $5::date)";

static int s_disarm(tx_t *tx, const Lianxin__V1__Event *ev, const rules_rule_t *r,
                    const char *oid, const char *date)
{
    const char *p[5] = {ev->district, r->item_kind, r->object_type, oid, date};
    return db_run(tx_db(tx), s_disarm_sql, 5, p);
}

/* The texts and recipients of rule r for the payload, rendered when the
 * reminder is armed: the inbox's always, the e-mail's and the SMS's when
 * the rule names those channels (else their columns are NULL). 0, 1 when
 * there is nobody to remind, -1 when a text does not fit. *ids is
 * malloc'd. */
static int s_texts(const rules_rule_t *r, const json_t *payload, rules_texts_t *t, char **ids)
{
    int64_t v[RULES_MAX_IDS];
    size_t n = rules_recipients(r, payload, v, RULES_MAX_IDS);
    if (n == 0)
        return 1;
    if (rules_render(r, payload, r->channels, t) != 0)
        return -1;
    return (*ids = db_ids_text(v, n)) ? 0 : -1;
}

/* Arms rule x for the event: its row; when the moment has passed (a 7-day
 * reminder of a deadline 5 working days away) or there is no due date or
 * nobody, drops an unfired row of another date instead. */
static int s_arm(tx_t *tx, const Lianxin__V1__Event *ev, const json_t *payload,
                 const reminders_rule_t *x, const calendar_t *cal, const char *oid)
{
    const char *due = json_string_value(json_object_get(payload, x->due->name));
    calendar_day_t d, day;
    if (!due || calendar_day_parse(due, &d) != 0
        || reminders_fire_day(cal, d, x->workdays, &day) != 0)
        return s_disarm(tx, ev, x->rule, oid, NULL);
    int64_t at = calendar_day_start_us(day);
    if (at <= tx_now_us(tx))
        return s_disarm(tx, ev, x->rule, oid, due);
    rules_texts_t t;
    char us[24], *ids = NULL;
    int rc = s_texts(x->rule, payload, &t, &ids);
    if (rc != 0) {
        if (rc < 0)
            log_error("notify reminder text too long", "district=%s producer=%s seq=%lld kind=%s",
                      ev->district, ev->producer, (long long) ev->seq, x->rule->item_kind);
        free(ids);
        return rc < 0 ? -1 : s_disarm(tx, ev, x->rule, oid, NULL);
    }
    unsigned ch = x->rule->channels;
    db_num(us, at);
    const char *p[13] = {ev->district, x->rule->item_kind, x->rule->object_type, oid, due, us,
                         x->rule->rkind, ids, t.title, t.body,
                         ch & RULES_CH_EMAIL ? t.subject : NULL,
                         ch & RULES_CH_EMAIL ? t.email : NULL,
                         ch & RULES_CH_SMS ? t.sms : NULL};
    rc = db_run(tx_db(tx), s_arm_sql, 13, p);
    free(ids);
    return rc;
}

static int s_listed(char *const *names, size_t n, const char *type)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], type) == 0)
            return 1;
    return 0;
}

int reminders_apply(tx_t *tx, const Lianxin__V1__Event *ev, const json_t *payload,
                    reminders_t *rm)
{
    const calendar_t *cal = NULL;
    int rc = 0;
    for (size_t i = 0; rc == 0 && rm && i < rm->n; i++) {
        const reminders_rule_t *x = &rm->r[i];
        int arm = s_listed(x->arm, x->narm, ev->type);
        if (!arm && !s_listed(x->until, x->nuntil, ev->type))
            continue;
        char oid[24];
        db_num(oid, rules_int(payload, x->rule->object_id));
        if (!arm) {
            rc = s_disarm(tx, ev, x->rule, oid, NULL);
            continue;
        }
        if (!rules_match(x->rule, payload))
            continue;
        if (!cal)
            cal = calsync_get(rm->cal, tx_db(tx));
        rc = s_arm(tx, ev, payload, x, cal, oid);
    }
    if (rc != 0)
        log_warn("notify reminder failed", "district=%s producer=%s seq=%lld type=%s sqlstate=%s",
                 ev->district, ev->producer, (long long) ev->seq, ev->type,
                 db_sqlstate(tx_db(tx)));
    return rc;
}

/* ---- firing ------------------------------------------------------------------------------- */

/* The item of the reminder (once: the event key), and the row's id,
 * recipients and external texts for its deliveries. */
static const char *s_fire_sql =
    "WITH r AS (SELECT * FROM notify.reminders WHERE district_code = $1 AND kind = $2"
    "  AND source_type = $3 AND source_id = $4::bigint),"
    " item AS (INSERT INTO notify.items (district_code, id, recipient_kind, recipient_ids, kind,"
    "  title, body, object_type, object_id, source_producer, source_seq, created_at)"
    "  SELECT district_code, nextval('notify.inbox_ids'), recipient_kind, recipient_ids, kind,"
    "   title, body, source_type, source_id::text, 'notify', id, core.clock_now() FROM r"
    "  ON CONFLICT (district_code, source_producer, source_seq, recipient_kind) DO NOTHING)"
    " SELECT id, recipient_kind, recipient_ids::text, email_subject, email_body, sms FROM r";

/* The e-mail and SMS deliveries of a fired reminder (columns of s_fire_sql's
 * row), on the channels its rule names and notify has configured (`on`),
 * keyed as its item: producer 'notify', seq the reminder's id. 0 or -1. */
static int s_deliveries(tx_t *tx, const char *district, PGresult *res, unsigned on)
{
    Lianxin__V1__Event ev = LIANXIN__V1__EVENT__INIT;
    ev.district = (char *) district;
    ev.producer = "notify";
    ev.seq = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    const char *rkind = PQgetvalue(res, 0, 1), *ids = PQgetvalue(res, 0, 2);
    if ((on & RULES_CH_EMAIL) && !PQgetisnull(res, 0, 3) && !PQgetisnull(res, 0, 4)
        && deliveries_enqueue(tx, &ev, "email", rkind, ids, PQgetvalue(res, 0, 3),
                              PQgetvalue(res, 0, 4)) != 0)
        return -1;
    if ((on & RULES_CH_SMS) && !PQgetisnull(res, 0, 5)
        && deliveries_enqueue(tx, &ev, "sms", rkind, ids, NULL, PQgetvalue(res, 0, 5)) != 0)
        return -1;
    return 0;
}

int reminders_fire(tx_t *tx, const timers_row_t *row, void *app)
{
    const dispatch_t *d = app;
    PGresult *res = NULL;
    int rc = -1;
    if (row->nkeys == 2) {
        const char *p[4] = {row->district, row->kind, row->keys[0], row->keys[1]};
        res = db_exec(tx_db(tx), s_fire_sql, 4, p);
    }
    if (res)
        rc = PQntuples(res) == 1 ? s_deliveries(tx, row->district, res, d ? d->enabled : 0) : 0;
    PQclear(res);
    if (rc != 0)
        log_warn("notify reminder not fired", "district=%s kind=%s sqlstate=%s", row->district,
                 row->kind, db_sqlstate(tx_db(tx)));
    return rc;
}

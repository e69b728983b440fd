/* audit_cmd: lianxin-admin's audit-verify and audit-checkpoint, both run as
 * lianxin_auditor (auditor.pg_dsn), the role that reads the trail and alone
 * writes audit.checkpoints. Never prints or logs audit.checkpoint_key. */
#include <stdio.h>
#include <string.h>
#include "admin.h"
#include "audit.h"
#include "audit_anchor.h"
#include "crypto.h"
#include "log.h"
#include "timeutil.h"

#define AUDIT_MAX_AGE_LIMIT_S (366 * 86400)   /* audit.checkpoint_max_age_s, at most */

const char *
admin_dsn_program(const char *command)
{
    return command && strncmp(command, "audit-", 6) == 0 ? "auditor" : "admin";
}

/* Prints the trail's row count after an intact verification. */
static int
s_print_intact(db_t *db, const char *district, int keyed)
{
    const char *p[] = { district };
    PGresult *r = district
        ? db_exec(db, "SELECT count(*) FROM audit.trail WHERE district_code = $1", 1, p)
        : db_exec(db, "SELECT count(*) FROM audit.trail", 0, NULL);
    if (!r) {
        log_error("cannot count audit rows", "error=\"%s\"", db_error(db));
        return ADMIN_ERROR;
    }
    printf("audit trail intact (%s rows)%s\n", PQgetvalue(r, 0, 0),
           keyed ? "" : "; checkpoint signatures not checked (no audit.checkpoint_key)");
    PQclear(r);
    return ADMIN_OK;
}

int
audit_cmd_verify(db_t *db, const admin_opts_t *o)
{
    uint8_t key[AUDIT_KEY_LEN];
    int keyed = audit_anchor_key(o->cfg, key);
    if (keyed < 0)
        return ADMIN_ERROR;
    long long max_age_s = config_get_int(o->cfg, "audit.checkpoint_max_age_s", 0);
    if (max_age_s < 0 || max_age_s > AUDIT_MAX_AGE_LIMIT_S) {
        log_error("audit.checkpoint_max_age_s out of range", "max=%d", AUDIT_MAX_AGE_LIMIT_S);
        return ADMIN_ERROR;
    }
    audit_verify_opts_t opts = {
        .key = keyed ? key : NULL,
        .max_age_us = max_age_s * 1000000LL,
        .now_us = time_real_us(),
    };
    char report[512] = "";
    int rc = audit_verify(db, o->district, &opts, report, sizeof report);
    memset(key, 0, sizeof key);
    if (rc < 0) {
        log_error("cannot verify the audit trail", "error=\"%s\"", report);
        return ADMIN_ERROR;
    }
    if (rc > 0) {
        printf("audit trail broken: %s\n", report);
        return ADMIN_REFUSED;
    }
    return s_print_intact(db, o->district, keyed);
}

int
audit_cmd_checkpoint(db_t *db, const admin_opts_t *o)
{
    uint8_t key[AUDIT_KEY_LEN];
    int keyed = audit_anchor_key(o->cfg, key);
    if (keyed <= 0) {
        if (keyed == 0)
            log_error("audit-checkpoint needs audit.checkpoint_key (64 hex digits)");
        return ADMIN_ERROR;
    }
    char report[512] = "";
    int n = audit_checkpoint(db, key, time_real_us(), stdout, report, sizeof report);
    memset(key, 0, sizeof key);
    if (n == -2) {
        printf("audit trail broken, nothing checkpointed: %s\n", report);
        return ADMIN_REFUSED;
    }
    if (n < 0) {
        log_error("cannot checkpoint the audit trail", "error=\"%s\"", report);
        return ADMIN_ERROR;
    }
    printf("%d checkpoint(s) written\n", n);
    return ADMIN_OK;
}

/* lianxin-admin: the operator's command line (migrate, seed-demo, create-user,
 * create-key, bind-partner, audit-verify, audit-checkpoint, rekey, curve-keygen). Wiring only: parses argv, reads the config,
 * connects, hands over to the command. Never logs the dsn (it may hold a
 * password) or anything a command prints once (keys). */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>
#include "admin.h"
#include "log.h"

static const char *s_usage =
    "usage: lianxin-admin [-c CONFIG] [--dsn DSN] <command> [options]\n"
    "  migrate [--sql-dir DIR]       apply deploy/sql/NNN_*.sql not applied yet, then import\n"
    "                                calendar.dir/<year>.txt for years the database lacks\n"
    "  seed-demo                     create the demo districts and users (idempotent)\n"
    "  create-user --username U --role R [--district D] [--member-id N] [--unit-id N]\n"
    "              [--display-name NAME]   password from LIANXIN_PASSWORD or stdin\n"
    "  create-key --username U --name N    print a new API key for U\n"
    "  bind-partner --username U --name discipline|government   the partner office U\n"
    "                                speaks for (纪委监委, 政府督查室): its referrals only\n"
    "  audit-verify [--district D]   check the audit trail's hash chain, heads and signed\n"
    "                                checkpoints (MACs when audit.checkpoint_key is set)\n"
    "  audit-checkpoint              verify, then sign each district's head into\n"
    "                                audit.checkpoints (key audit.checkpoint_key)\n"
    "  rekey [--batch N] [--max-batches N]  re-seal every sealed value under the current\n"
    "                                key and suite (crypto.*), N rows a transaction; resumable\n"
    "  curve-keygen --name PROGRAM   print a new CURVE key pair as PROGRAM.curve_public and\n"
    "                                PROGRAM.curve_secret lines (no config, no database)\n"
    "database: --dsn, else auditor.pg_dsn (audit-*) or admin.pg_dsn (the rest) of the\n"
    "config (LIANXIN_AUDITOR_PG_DSN, LIANXIN_ADMIN_PG_DSN)\n"
    "exit: 0 done, 1 refused (changed migration, broken audit chain), 2 error\n";

typedef struct option_def {
    const char *flag;
    size_t offset;              /* of the const char * in admin_opts_t */
} option_def_t;

static const option_def_t s_options[] = {
    {"--dsn", offsetof(admin_opts_t, dsn)},
    {"--sql-dir", offsetof(admin_opts_t, sql_dir)},
    {"--username", offsetof(admin_opts_t, username)},
    {"--role", offsetof(admin_opts_t, role)},
    {"--district", offsetof(admin_opts_t, district)},
    {"--member-id", offsetof(admin_opts_t, member_id)},
    {"--unit-id", offsetof(admin_opts_t, unit_id)},
    {"--name", offsetof(admin_opts_t, name)},
    {"--display-name", offsetof(admin_opts_t, display_name)},
    {"--batch", offsetof(admin_opts_t, batch)},
    {"--max-batches", offsetof(admin_opts_t, max_batches)},
};

/* Stores `value` for `flag` when it is one of s_options. 0, or -1 if unknown. */
static int s_set_option(admin_opts_t *o, const char *flag, size_t flaglen, const char *value)
{
    for (size_t i = 0; i < sizeof s_options / sizeof s_options[0]; i++)
        if (strlen(s_options[i].flag) == flaglen
            && strncmp(s_options[i].flag, flag, flaglen) == 0) {
            *(const char **) ((char *) o + s_options[i].offset) = value;
            return 0;
        }
    return -1;
}

/* Parses `--flag value`, `--flag=value`, `-c FILE` and one command word. */
static int s_parse(int argc, char **argv, admin_opts_t *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0) {
            i++;                            /* config_path_from_args reads it */
            continue;
        }
        if (strncmp(a, "--", 2) == 0) {
            const char *eq = strchr(a, '=');
            size_t len = eq ? (size_t) (eq - a) : strlen(a);
            const char *value = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
            if (!value || s_set_option(o, a, len, value) != 0)
                return -1;
        } else if (!o->command) {
            o->command = a;
        } else {
            return -1;
        }
    }
    return o->command ? 0 : -1;
}

static int s_dispatch(db_t *db, const admin_opts_t *o, const char *exe)
{
    if (strcmp(o->command, "migrate") == 0) {
        char dir[PATH_MAX];
        const char *dflt = o->sql_dir ? o->sql_dir : config_get(o->cfg, "admin.sql_dir", NULL);
        if (migrate_default_dir(dflt, exe, dir, sizeof dir) != 0) {
            log_error("no sql directory: give --sql-dir or admin.sql_dir");
            return ADMIN_ERROR;
        }
        int rc = migrate_run(db, dir);
        /* calendar.dir, else deploy/calendar beside deploy/sql, whatever the cwd */
        char cal[PATH_MAX + 16];
        snprintf(cal, sizeof cal, "%s/../calendar", dir);
        if (rc == ADMIN_OK)
            rc = calendar_seed(db, config_get(o->cfg, "calendar.dir", cal));
        if (rc == ADMIN_OK)
            rc = rekey_seal_clear(db, o->cfg);
        return rc;
    }
    if (strcmp(o->command, "seed-demo") == 0)
        return seed_demo(db);
    if (strcmp(o->command, "create-user") == 0)
        return users_cmd_create(db, o);
    if (strcmp(o->command, "create-key") == 0)
        return users_cmd_key(db, o);
    if (strcmp(o->command, "bind-partner") == 0)
        return users_cmd_bind_partner(db, o);
    if (strcmp(o->command, "audit-verify") == 0)
        return audit_cmd_verify(db, o);
    if (strcmp(o->command, "audit-checkpoint") == 0)
        return audit_cmd_checkpoint(db, o);
    if (strcmp(o->command, "rekey") == 0)
        return rekey_cmd(db, o);
    fprintf(stderr, "unknown command: %s\n%s", o->command, s_usage);
    return ADMIN_ERROR;
}

static int s_known(const char *command)
{
    static const char *known[] = {"migrate", "seed-demo", "create-user", "create-key",
                                  "bind-partner",
                                  "audit-verify", "audit-checkpoint", "curve-keygen", "rekey"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(command, known[i]) == 0)
            return 1;
    return 0;
}

/* curve-keygen: a fresh key pair for program o->name, as two config lines
 * on stdout (the secret is for that program's environment only). */
static int s_curve_keygen(const admin_opts_t *o)
{
    char pub[41], sec[41];
    if (!o->name || !*o->name || strlen(o->name) > 31 || strchr(o->name, '.')) {
        fprintf(stderr, "curve-keygen: give --name PROGRAM (bus, gateway, intake...)\n");
        return ADMIN_ERROR;
    }
    if (zmq_curve_keypair(pub, sec) != 0) {
        fprintf(stderr, "curve-keygen: %s\n", zmq_strerror(zmq_errno()));
        return ADMIN_ERROR;
    }
    printf("%s.curve_public = \"%s\"\n%s.curve_secret = \"%s\"\n", o->name, pub, o->name, sec);
    return fflush(stdout) == 0 ? 0 : ADMIN_ERROR;
}

int main(int argc, char **argv)
{
    admin_opts_t o = {0};
    if (s_parse(argc, argv, &o) != 0 || !s_known(o.command)) {
        fputs(s_usage, stderr);
        return ADMIN_ERROR;
    }
    if (strcmp(o.command, "curve-keygen") == 0)
        return s_curve_keygen(&o);
    config_t *cfg = config_load(config_path_from_args(argc, argv));
    if (!cfg)
        return ADMIN_ERROR;
    o.cfg = cfg;
    log_init("admin", config_get(cfg, "log.level", "warn"));
    if (log_clock() != 0) {
        config_destroy(&cfg);
        return ADMIN_ERROR;
    }
    const char *dsn = o.dsn ? o.dsn : config_pg_dsn(cfg, admin_dsn_program(o.command));
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[len > 0 ? len : 0] = '\0';
    int rc = ADMIN_ERROR;
    db_t *db = dsn ? db_new(dsn) : NULL;
    if (!dsn)
        log_error("no database: give --dsn or the command's <program>.pg_dsn");
    else if (!db || db_connect(db) != 0)
        log_error("cannot connect to postgresql", "error=\"%s\"", db ? db_error(db) : "");
    else
        rc = s_dispatch(db, &o, len > 0 ? exe : NULL);
    db_destroy(&db);
    config_destroy(&cfg);
    return rc;
}

/* users: lianxin-admin's user and API key commands over auth.*. Never prints or logs a password, a password hash or a key's hash;
 * a new API key is printed once, on stdout, and only its SHA-256 is stored. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include "admin.h"
#include "audit.h"
#include "authlog.h"
#include "crypto.h"
#include "log.h"

static const char *s_roles[] = {"admin", "office", "leader", "member", "unit", "partner"};

int users_role_valid(const char *role)
{
    for (size_t i = 0; role && i < sizeof(s_roles) / sizeof(s_roles[0]); i++)
        if (strcmp(role, s_roles[i]) == 0)
            return 1;
    return 0;
}

static const char *s_or_null(const char *s)
{
    return s && *s ? s : NULL;
}

int users_insert(db_t *db, const char *district, const char *username, const char *hash,
                 const char *role, const char *display_name, const char *member_id,
                 const char *unit_id, long long *id_out)
{
    const char *p[] = {district, username, hash, role, display_name ? display_name : "",
                       s_or_null(member_id), s_or_null(unit_id)};
    PGresult *r = db_exec(db,
        "INSERT INTO auth.users (district_code, id, username, password_hash, role,"
        " display_name, member_id, unit_id)"
        " VALUES ($1, nextval('auth.user_ids'), $2, $3, $4, $5, $6::bigint, $7::bigint)"
        " RETURNING id", 7, p);
    if (!r)
        return -1;
    if (id_out)
        *id_out = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return 0;
}

int users_new_key(db_t *db, const char *district, long long user_id, const char *name,
                  char key[65])
{
    uint8_t digest[32];
    char hex[2 + 65] = "\\x";
    char uid[24];
    if (crypto_token(key) != 0)
        return -1;
    crypto_sha256(key, strlen(key), digest);
    crypto_hex(digest, sizeof digest, hex + 2);
    snprintf(uid, sizeof uid, "%lld", user_id);
    const char *p[] = {district, hex, uid, name};
    return db_run(db,
        "INSERT INTO auth.api_keys (district_code, key_hash, user_id, name)"
        " VALUES ($1, $2::bytea, $3::bigint, $4)", 4, p);
}

/* ---- the record of a change ---------------------------------------------------- */

/* Runs `change` and records `event` for the user in one transaction: the
 * operator at the console is "local", acting as the installation. 0; 1 when
 * `change` hit a unique key (a name taken); -1 otherwise (rolled back). */
typedef int (s_change_fn)(db_t *db, void *arg, long long *user_id);

static int s_recorded(db_t *db, const char *event, const char *district, const char *username,
                      const char *detail, s_change_fn *change, void *arg)
{
    authlog_event_t ev = {0};
    long long uid = 0;
    tx_t *tx = tx_new("admin");
    if (!tx || tx_begin(tx, db) != 0) {
        tx_destroy(&tx);
        return -1;
    }
    if (change(db, arg, &uid) != 0) {
        int taken = strcmp(db_sqlstate(db), "23505") == 0;
        tx_rollback(tx);
        tx_destroy(&tx);
        return taken ? 1 : -1;
    }
    snprintf(ev.event, sizeof ev.event, "%s", event);
    snprintf(ev.district, sizeof ev.district, "%s", district);
    snprintf(ev.actor_role, sizeof ev.actor_role, "system");
    ev.user_id = uid;
    snprintf(ev.username, sizeof ev.username, "%s", username);
    snprintf(ev.object_type, sizeof ev.object_type, "user");
    snprintf(ev.object_id, sizeof ev.object_id, "%lld", uid);
    snprintf(ev.client, sizeof ev.client, "local");
    snprintf(ev.detail, sizeof ev.detail, "lianxin-admin %s", detail);
    int rc = authlog_record(tx, &ev) == 0 && tx_commit(tx) == 0 ? 0 : -1;
    if (rc != 0)
        tx_rollback(tx);
    tx_destroy(&tx);
    return rc;
}

/* ---- create-user ------------------------------------------------------------ */

/* Reads the new password from LIANXIN_PASSWORD, else the first line of stdin
 * (without echo on a terminal). 0, or -1 when none or too short. */
static int s_read_password(char *out, size_t outsz)
{
    const char *env = getenv("LIANXIN_PASSWORD");
    if (env) {
        snprintf(out, outsz, "%s", env);
    } else {
        struct termios old, quiet;
        int tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
        if (tty) {
            fprintf(stderr, "password: ");
            quiet = old;
            quiet.c_lflag &= ~(tcflag_t) ECHO;
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        }
        char *got = fgets(out, (int) outsz, stdin);
        if (tty) {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
            fprintf(stderr, "\n");
        }
        if (!got)
            out[0] = '\0';
        out[strcspn(out, "\r\n")] = '\0';
    }
    return strlen(out) >= 8 ? 0 : -1;
}

/* 1 when `sql` (one parameter per entry of p) returns a row. -1 on error. */
static int s_exists(db_t *db, const char *sql, int n, const char *const *p)
{
    PGresult *r = db_exec(db, sql, n, p);
    if (!r)
        return -1;
    int found = PQntuples(r) > 0;
    PQclear(r);
    return found;
}

/* Checks the district, member and unit a new user points at. 0 or an exit code. */
static int s_check_refs(db_t *db, const admin_opts_t *o, const char *district)
{
    if (strcmp(o->role, "admin") != 0 || *district) {
        const char *p[] = {district};
        if (s_exists(db, "SELECT 1 FROM core.districts WHERE district_code = $1", 1, p) != 1) {
            log_error("unknown district", "district=%s", district);
            return ADMIN_ERROR;
        }
    }
    if (strcmp(o->role, "member") == 0 || o->member_id) {
        const char *p[] = {district, o->member_id ? o->member_id : ""};
        if (!o->member_id || s_exists(db, "SELECT 1 FROM core.members WHERE district_code = $1"
                                          " AND id::text = $2", 2, p) != 1) {
            log_error("a member user needs --member-id of a member of its district");
            return ADMIN_ERROR;
        }
    }
    if (strcmp(o->role, "unit") == 0 || o->unit_id) {
        const char *p[] = {district, o->unit_id ? o->unit_id : ""};
        if (!o->unit_id || s_exists(db, "SELECT 1 FROM core.units WHERE district_code = $1"
                                        " AND id::text = $2", 2, p) != 1) {
            log_error("a unit user needs --unit-id of a unit of its district");
            return ADMIN_ERROR;
        }
    }
    return 0;
}

/* The display name: --display-name, else a member's own name, else the username. */
static void s_display_name(db_t *db, const admin_opts_t *o, const char *district, char *out,
                           size_t outsz)
{
    snprintf(out, outsz, "%s", o->display_name ? o->display_name : o->username);
    if (o->display_name || !o->member_id)
        return;
    const char *p[] = {district, o->member_id};
    PGresult *r = db_exec(db, "SELECT name FROM core.members WHERE district_code = $1"
                              " AND id::text = $2", 2, p);
    if (r && PQntuples(r) == 1)
        snprintf(out, outsz, "%s", PQgetvalue(r, 0, 0));
    if (r)
        PQclear(r);
}

typedef struct s_create {
    const admin_opts_t *o;
    const char *district, *hash, *display;
    long long id;
} s_create_t;

static int s_create(db_t *db, void *arg, long long *user_id)
{
    s_create_t *c = arg;
    int rc = users_insert(db, c->district, c->o->username, c->hash, c->o->role, c->display,
                          c->o->member_id, c->o->unit_id, &c->id);
    *user_id = c->id;
    return rc;
}

int users_cmd_create(db_t *db, const admin_opts_t *o)
{
    if (!o->username || !*o->username || !users_role_valid(o->role)) {
        log_error("usage: create-user --username U --role "
                  "admin|office|leader|member|unit|partner [--district D]");
        return ADMIN_ERROR;
    }
    const char *district = o->district ? o->district : "";
    if (strcmp(o->role, "admin") != 0 && !*district) {
        log_error("this role needs --district", "role=%s", o->role);
        return ADMIN_ERROR;
    }
    int rc = s_check_refs(db, o, district);
    if (rc != 0)
        return rc;
    char password[256], hash[160];
    if (s_read_password(password, sizeof password) != 0) {
        log_error("password missing or shorter than 8 characters");
        return ADMIN_ERROR;
    }
    rc = crypto_password_hash(password, 0, hash, sizeof hash);
    memset(password, 0, sizeof password);
    if (rc != 0) {
        log_error("password hashing failed");
        return ADMIN_ERROR;
    }
    char display[256], detail[64];
    s_display_name(db, o, district, display, sizeof display);
    s_create_t c = {o, district, hash, display, 0};
    snprintf(detail, sizeof detail, "create-user role=%s", o->role);
    rc = s_recorded(db, "user_created", district, o->username, detail, s_create, &c);
    if (rc != 0) {
        if (rc == 1) {
            log_error("username already taken");
            return ADMIN_REFUSED;
        }
        log_error("cannot create user", "error=\"%s\"", db_error(db));
        return ADMIN_ERROR;
    }
    long long id = c.id;
    printf("created user %s (id %lld, role %s, district %s)\n", o->username, id, o->role,
           *district ? district : "(all)");
    return ADMIN_OK;
}

/* ---- create-key -------------------------------------------------------------- */

typedef struct s_key {
    const char *district;
    long long uid;
    const char *name;
    char *key;
} s_key_t;

static int s_key(db_t *db, void *arg, long long *user_id)
{
    s_key_t *k = arg;
    *user_id = k->uid;
    return users_new_key(db, k->district, k->uid, k->name, k->key);
}

int users_cmd_key(db_t *db, const admin_opts_t *o)
{
    if (!o->username || !o->name || !*o->name) {
        log_error("usage: create-key --username U --name N");
        return ADMIN_ERROR;
    }
    const char *p[] = {o->username};
    PGresult *r = db_exec(db, "SELECT district_code, id FROM auth.users"
                              " WHERE username = $1 AND NOT disabled", 1, p);
    if (!r || PQntuples(r) != 1) {
        log_error(r ? "no such user" : "cannot read users");
        if (r)
            PQclear(r);
        return ADMIN_ERROR;
    }
    char district[64], key[65];
    snprintf(district, sizeof district, "%s", PQgetvalue(r, 0, 0));
    long long uid = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
    PQclear(r);
    s_key_t k = {district, uid, o->name, key};
    if (s_recorded(db, "key_created", district, o->username, "create-key", s_key, &k) != 0) {
        log_error("cannot store the key", "error=\"%s\"", db_error(db));
        return ADMIN_ERROR;
    }
    printf("%s\n", key);
    fprintf(stderr, "api key \"%s\" created for %s; it is shown only this once\n", o->name,
            o->username);
    return ADMIN_OK;
}

typedef struct s_bind {
    const char *username, *partner;
} s_bind_t;

static int s_bind(db_t *db, void *arg, long long *user_id)
{
    const s_bind_t *b = arg;
    const char *p[2] = {b->username, b->partner};
    PGresult *r = db_exec(db, "INSERT INTO supervise.partner_accounts SELECT district_code, id, $2"
                              " FROM auth.users WHERE username = $1 AND role = 'partner'"
                              " ON CONFLICT (district_code, user_id) DO UPDATE SET partner ="
                              " EXCLUDED.partner RETURNING user_id", 2, p);
    int ok = r && PQntuples(r) == 1;
    if (ok)
        *user_id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    if (r)
        PQclear(r);
    return ok ? 0 : -1;
}

int users_cmd_bind_partner(db_t *db, const admin_opts_t *o)
{
    if (!o->username || !o->name
        || (strcmp(o->name, "discipline") != 0 && strcmp(o->name, "government") != 0)) {
        log_error("usage: bind-partner --username U --name discipline|government");
        return ADMIN_ERROR;
    }
    const char *p[] = {o->username};
    PGresult *r = db_exec(db, "SELECT district_code FROM auth.users WHERE username = $1 AND"
                              " role = 'partner'", 1, p);
    if (!r || PQntuples(r) != 1) {
        log_error(r ? "no such partner account" : "cannot read users");
        if (r)
            PQclear(r);
        return ADMIN_ERROR;
    }
    char district[64];
    snprintf(district, sizeof district, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    s_bind_t b = {o->username, o->name};
    if (s_recorded(db, "partner_bound", district, o->username, "bind-partner", s_bind, &b) != 0) {
        log_error("cannot bind the partner", "error=\"%s\"", db_error(db));
        return ADMIN_ERROR;
    }
    fprintf(stderr, "%s now speaks for partner office %s\n", o->username, o->name);
    return ADMIN_OK;
}

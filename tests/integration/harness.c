/* harness: set-up, config, the test database and SQL checks of the
 * integration tests (processes: harness_proc.c; HTTP: harness_http.c). It owns
 * one database and one log directory, both named after its pid, and must
 * never touch another test's, nor send anything anywhere but 127.0.0.1. */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <curl/curl.h>
#include <zmq.h>
#include "audit_anchor.h"
#include "crypto.h"
#include "harness_int.h"
#include "timeutil.h"


/* ---- small helpers ------------------------------------------------------------- */

int64_t harness_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void harness_sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

int harness_ms(const harness_t *self, int ms)
{
    return self && self->valgrind ? ms * 6 : ms;
}

static int s_env(const char *name, char *dst, size_t dstsz)
{
    const char *v = getenv(name);

    if (!v || !v[0]) {
        fprintf(stderr, "harness: environment variable %s is not set; run the integration "
                "tests through `make test` (deploy/local.sh test sets it)\n", name);
        return -1;
    }
    if (strlen(v) >= dstsz) {
        fprintf(stderr, "harness: environment variable %s is too long\n", name);
        return -1;
    }
    strcpy(dst, v);
    return 0;
}

static int s_port_free(int port)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), ok;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0)
        return 0;
    ok = bind(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

int harness__port_open(int port)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), ok;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0)
        return 0;
    ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

/* A block of PORT_BLOCK free ports derived from the pid, so concurrent runs
 * of different tests do not clash; checked by binding each. */
static int s_pick_ports(harness_t *self)
{
    unsigned start = (unsigned)getpid() * 37u % 1000u;

    for (unsigned t = 0; t < 1000; t++) {
        int base = 20000 + (int)((start + t * 7u) % 1000u) * PORT_BLOCK, ok = 1;
        for (int i = 0; i < PORT_BLOCK && ok; i++)
            ok = s_port_free(base + i);
        if (ok) {
            self->port_base = base;
            return 0;
        }
    }
    fprintf(stderr, "harness: no free port block found\n");
    return -1;
}

static void s_random_key(char hex[65])
{
    unsigned char b[32];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    ssize_t got = fd >= 0 ? read(fd, b, sizeof b) : -1;

    if (fd >= 0)
        close(fd);
    if (got != (ssize_t)sizeof b)           /* not secret: a test key */
        for (size_t i = 0; i < sizeof b; i++)
            b[i] = (unsigned char)(rand() ^ (int)i);
    for (size_t i = 0; i < sizeof b; i++)
        sprintf(hex + 2 * i, "%02x", b[i]);
}

/* The environment for children: everything but LIANXIN_*, so nothing in the
 * test's environment overrides the config file (config.h's env rule). */
/* The environment of our programs: ours without LIANXIN_*, plus `extra`
 * (the clock file, so every process of the stack shares one clock). */
static char **s_child_env(char *extra)
{
    size_t n = 0, k = 0;
    char **out;

    while (environ[n])
        n++;
    if (!(out = calloc(n + 2, sizeof *out)))
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "LIANXIN_", 8) != 0)
            out[k++] = environ[i];
    out[k++] = extra;
    return out;
}

/* ---- the clock ----------------------------------------------------------------- */

/* Creates <dir>/clock at the offset that puts business time at
 * $LIANXIN_TEST_CLOCK (RFC 3339; unset or empty: the real time) and attaches
 * this process to it, so the test, the programs it starts and their SQL all
 * read one clock. A second harness in the same process reuses the clock. */
static int s_clock_setup(harness_t *self)
{
    const char *pin = getenv("LIANXIN_TEST_CLOCK");
    int64_t at = 0, offset = 0;

    const char *had = getenv("LIANXIN_CLOCK_FILE");   /* an earlier harness's; run.sh unsets it */

    if (had && *had) {
        snprintf(self->clock_path, sizeof self->clock_path, "%s", had);
        snprintf(self->clock_env, sizeof self->clock_env, "LIANXIN_CLOCK_FILE=%s", had);
        return time_clock_moved(NULL) ? 0 : -1;
    }
    snprintf(self->clock_path, sizeof self->clock_path, "%s/clock", self->dir);
    snprintf(self->clock_env, sizeof self->clock_env, "LIANXIN_CLOCK_FILE=%s", self->clock_path);
    if (pin && *pin && time_parse(pin, &at) != 0) {
        fprintf(stderr, "harness: LIANXIN_TEST_CLOCK=%s is not an RFC 3339 instant\n", pin);
        return -1;
    }
    if (pin && *pin)
        offset = at - time_real_us();
    if (time_clock_create(self->clock_path, offset) != 0
        || setenv("LIANXIN_CLOCK_FILE", self->clock_path, 1) != 0) {
        fprintf(stderr, "harness: clock file %s: %s\n", self->clock_path, strerror(errno));
        return -1;
    }
    if (time_clock_init() != 0 || !time_clock_moved(NULL)) {
        fprintf(stderr, "harness: the test read the clock before harness_new: create the "
                "harness first\n");
        return -1;
    }
    return 0;
}

int harness_clock_advance(harness_t *self, int64_t delta_us)
{
    if (time_clock_advance(self->clock_path, delta_us) != 0) {
        fprintf(stderr, "harness: clock advance by %lld us refused\n", (long long)delta_us);
        return -1;
    }
    return 0;
}

int harness_clock_set(harness_t *self, int64_t instant_us)
{
    return harness_clock_advance(self, instant_us - time_now_us());
}

int harness_clock_pinned(void)
{
    const char *pin = getenv("LIANXIN_TEST_CLOCK");
    return pin && *pin;
}

/* ---- the log tail ---------------------------------------------------------------- */

void harness__print_tail(const harness_t *self, const char *name)
{
    char path[256], buf[6001];
    FILE *f;
    long size;
    size_t got;

    snprintf(path, sizeof path, "%s/%s.log", self->dir, name);
    if (!(f = fopen(path, "r"))) {
        fprintf(stderr, "harness: no log at %s\n", path);
        return;
    }
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, size > 6000 ? size - 6000 : 0, SEEK_SET);
    got = fread(buf, 1, 6000, f);
    buf[got] = '\0';
    fclose(f);
    fprintf(stderr, "harness: ---- last lines of %s ----\n%s\nharness: ---- end of %s ----\n",
            path, buf, name);
}

/* ---- config ------------------------------------------------------------------------- */

static int s_cfg_put(harness_t *self, const char *key, const char *value)
{
    int i;

    if (strlen(key) >= sizeof self->cfg[0].key || strlen(value) >= sizeof self->cfg[0].value)
        return -1;
    for (i = 0; i < self->ncfg; i++)
        if (strcmp(self->cfg[i].key, key) == 0)
            break;
    if (i == self->ncfg) {
        if (self->ncfg == MAX_CFG)
            return -1;
        self->ncfg++;
    }
    strcpy(self->cfg[i].key, key);
    strcpy(self->cfg[i].value, value);
    return 0;
}

static int s_cfg_write(harness_t *self)
{
    FILE *f = fopen(self->config, "w");

    if (!f) {
        fprintf(stderr, "harness: cannot write %s: %s\n", self->config, strerror(errno));
        return -1;
    }
    fprintf(f, "# written by the integration harness for test %s\n", self->test);
    for (int i = 0; i < self->ncfg; i++)
        fprintf(f, "%s = \"%s\"\n", self->cfg[i].key, self->cfg[i].value);
    return fclose(f) == 0 ? 0 : -1;
}

/* The service list of deploy/lianxin.conf.example. 0 or -1 (printed). */
static int s_services(harness_t *self)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/deploy/lianxin.conf.example", self->root);
    config_t *c = config_load(path);
    self->nservices = c ? config_services(c, self->services, HARNESS_MAX_SERVICES) : -1;
    config_destroy(&c);
    if (self->nservices <= 0)
        fprintf(stderr, "harness: no service list (key services) in %s\n", path);
    return self->nservices > 0 ? 0 : -1;
}

/* A fresh CURVE key pair for `program` ("<program>.curve_public/_secret"),
 * so every stack has keys of its own. */
static void s_cfg_keys(harness_t *self, const char *program)
{
    char pub[41], sec[41], key[64];

    if (zmq_curve_keypair(pub, sec) != 0) {
        fprintf(stderr, "harness: zmq_curve_keypair failed (libzmq without CURVE?)\n");
        return;
    }
    snprintf(key, sizeof key, "%.31s.curve_public", program);
    s_cfg_put(self, key, pub);
    snprintf(key, sizeof key, "%.31s.curve_secret", program);
    s_cfg_put(self, key, sec);
}

/* "<program>.pg_dsn": the test database as PostgreSQL role lianxin_<program>
 * (deploy/sql/009), as a deployment gives each program its own role. */
static void s_cfg_dsn(harness_t *self, const char *program)
{
    char key[64], v[sizeof self->dsn + 64];

    snprintf(key, sizeof key, "%.31s.pg_dsn", program);
    snprintf(v, sizeof v, "host=%s port=%s dbname=%s user=lianxin_%.31s",
             self->pghost, self->pgport, self->dbname, program);
    s_cfg_put(self, key, v);
}

/* Each program its own role; lianxin-admin is the owner (self->dsn). */
static void s_cfg_dsns(harness_t *self)
{
    uint8_t key[AUDIT_KEY_LEN];
    char hex[2 * AUDIT_KEY_LEN + 1];

    s_cfg_put(self, "admin.pg_dsn", self->dsn);
    s_cfg_dsn(self, "gateway");
    s_cfg_dsn(self, "auditor");
    for (int i = 0; i < self->nservices; i++)
        s_cfg_dsn(self, self->services[i]);
    if (crypto_random(key, sizeof key) == 0) {
        crypto_hex(key, sizeof key, hex);
        s_cfg_put(self, "audit.checkpoint_key", hex);
    }
}

static void s_cfg_defaults(harness_t *self)
{
    char v[PATH_MAX + 64];
    int b = self->port_base;

    s_cfg_dsns(self);
    snprintf(v, sizeof v, "tcp://127.0.0.1:%d", b + PORT_XSUB);
    s_cfg_put(self, "bus.xsub", v);
    snprintf(v, sizeof v, "tcp://127.0.0.1:%d", b + PORT_XPUB);
    s_cfg_put(self, "bus.xpub", v);
    v[0] = '\0';
    for (int i = 0; i < self->nservices; i++)
        snprintf(v + strlen(v), sizeof v - strlen(v), "%s%s", i ? "," : "", self->services[i]);
    s_cfg_put(self, "services", v);
    for (int i = 0; i < self->nservices; i++) {
        char key[64];
        snprintf(key, sizeof key, "%.31s.endpoint", self->services[i]);
        snprintf(v, sizeof v, "tcp://127.0.0.1:%d", b + PORT_SERVICES + i);
        s_cfg_put(self, key, v);
        snprintf(key, sizeof key, "%.31s.districts", self->services[i]);
        s_cfg_put(self, key, "*");
        s_cfg_keys(self, self->services[i]);
    }
    s_cfg_keys(self, "bus");
    s_cfg_keys(self, "gateway");
    s_cfg_put(self, "gateway.listen", "127.0.0.1");
    snprintf(v, sizeof v, "%d", b + PORT_GATEWAY);
    s_cfg_put(self, "gateway.port", v);
    snprintf(v, sizeof v, "%s/web", self->root);
    s_cfg_put(self, "gateway.web_root", v);
    s_cfg_put(self, "gateway.rate_per_s", "100000");      /* tests that want 429 lower it */
    s_cfg_put(self, "gateway.rate_burst", "100000");
    s_cfg_put(self, "gateway.login_rate_per_min", "1000");
    /* every test talks from 127.0.0.1; test_auth lowers these to see 429 */
    s_cfg_put(self, "gateway.auth_fail_burst", "100000");
    s_cfg_put(self, "gateway.auth_fail_per_min", "1000000");
    /* fast hashes for tests (production: 600000); test_auth raises it */
    s_cfg_put(self, "auth.password_iterations", "10000");
    s_cfg_put(self, "crypto.key", self->key_hex);
    s_cfg_put(self, "log.level", "info");
    /* calendar.missing notices depend on today's date and would add events
     * to every test's streams; test_calendar turns the watch on */
    s_cfg_put(self, "intake.calendar_watch", "0");
    snprintf(v, sizeof v, "%s/deploy/sql", self->root);
    s_cfg_put(self, "admin.sql_dir", v);
    snprintf(v, sizeof v, "%s/deploy/notify/rules.json", self->root);
    s_cfg_put(self, "notify.rules", v);
}

const char *harness_conf(const harness_t *self, const char *key)
{
    for (int i = 0; self && key && i < self->ncfg; i++)
        if (strcmp(self->cfg[i].key, key) == 0)
            return self->cfg[i].value;
    return NULL;
}

int harness_set(harness_t *self, const char *key, const char *value)
{
    if (s_cfg_put(self, key, value) != 0)
        return -1;
    return s_cfg_write(self);
}

/* ---- the database --------------------------------------------------------------------- */

static int s_admin_exec(harness_t *self, const char *sql, int retry_in_use)
{
    for (int attempt = 0; attempt < 40; attempt++) {
        PGconn *c = PQconnectdb(self->admin_dsn);
        PGresult *r;
        int ok, in_use = 0;

        if (PQstatus(c) != CONNECTION_OK) {
            fprintf(stderr, "harness: cannot connect to PostgreSQL (%s): %s", self->admin_dsn,
                    PQerrorMessage(c));
            PQfinish(c);
            return -1;
        }
        r = PQexec(c, sql);
        ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok) {
            const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
            in_use = st && strcmp(st, "55006") == 0;
            if (!in_use || !retry_in_use || attempt == 39)
                fprintf(stderr, "harness: %s: %s", sql, PQerrorMessage(c));
        }
        PQclear(r);
        PQfinish(c);
        if (ok)
            return 0;
        if (!in_use || !retry_in_use)
            return -1;
        harness_sleep_ms(250);          /* the template is busy: another test copies it */
    }
    return -1;
}

static int s_create_db(harness_t *self)
{
    char sql[256];

    if (strchr(self->template_db, '"')) {
        fprintf(stderr, "harness: bad template name\n");
        return -1;
    }
    snprintf(sql, sizeof sql, "CREATE DATABASE \"%s\" WITH TEMPLATE \"%s\" OWNER lianxin",
             self->dbname, self->template_db);
    if (s_admin_exec(self, sql, 1) != 0)
        return -1;
    self->db_created = 1;
    return 0;
}

static void s_drop_db(harness_t *self)
{
    char sql[256];

    if (!self->db_created)
        return;
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)", self->dbname);
    if (s_admin_exec(self, sql, 1) == 0)
        self->db_created = 0;
}

/* Connects (again) when there is no good connection. 0 or -1. */
static int s_sql_connect(harness_t *self)
{
    if (self->conn && PQstatus(self->conn) == CONNECTION_OK)
        return 0;
    PQfinish(self->conn);
    self->conn = PQconnectdb(self->dsn);
    if (PQstatus(self->conn) == CONNECTION_OK)
        return 0;
    fprintf(stderr, "harness: sql connect: %s", PQerrorMessage(self->conn));
    return -1;
}

/* The test's SQL sees the stack's business time in core.clock_now() too. */
static void s_sql_clock(harness_t *self)
{
    char now[40];
    const char *p[1] = {now};

    time_format(time_now_us(), now, sizeof now);
    PQclear(PQexecParams(self->conn, "SELECT set_config('lianxin.now', $1, false)", 1, NULL, p,
                         NULL, NULL, 0));
}

PGresult *harness_sql(harness_t *self, const char *sql, int n, const char *const *params)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        PGresult *r;
        ExecStatusType st;

        if (s_sql_connect(self) != 0)
            return NULL;
        s_sql_clock(self);
        r = PQexecParams(self->conn, sql, n, NULL, params, NULL, NULL, 0);
        st = PQresultStatus(r);
        if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
            return r;
        PQclear(r);
        if (PQstatus(self->conn) == CONNECTION_BAD && attempt == 0)
            continue;               /* PostgreSQL was restarted under us: once more */
        fprintf(stderr, "harness: sql failed: %s  (%s)\n", PQerrorMessage(self->conn), sql);
        return NULL;
    }
    return NULL;
}

long long harness_sql_ll(harness_t *self, const char *sql, int n, const char *const *params)
{
    PGresult *r = harness_sql(self, sql, n, params);
    long long v = -1;

    if (r && PQntuples(r) > 0 && PQnfields(r) > 0 && !PQgetisnull(r, 0, 0))
        v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return v;
}

/* ---- new / destroy ----------------------------------------------------------------------- */

static int s_read_env(harness_t *self)
{
    int bad = 0;

    bad |= s_env("LIANXIN_ROOT", self->root, sizeof self->root);
    bad |= s_env("LIANXIN_BUILD", self->build, sizeof self->build);
    bad |= s_env("LIANXIN_TEST_PGHOST", self->pghost, sizeof self->pghost);
    bad |= s_env("LIANXIN_TEST_PGPORT", self->pgport, sizeof self->pgport);
    bad |= s_env("LIANXIN_TEST_TEMPLATE", self->template_db, sizeof self->template_db);
    bad |= s_env("LIANXIN_PG_CTL", self->pgctl, sizeof self->pgctl);
    bad |= s_env("LIANXIN_DEMO_PARTNER_KEY", self->partner_key, sizeof self->partner_key);
    self->valgrind = getenv("LIANXIN_VALGRIND") && strcmp(getenv("LIANXIN_VALGRIND"), "1") == 0;
    self->keep = getenv("LIANXIN_KEEP_LOGS") && strcmp(getenv("LIANXIN_KEEP_LOGS"), "1") == 0;
    if (self->valgrind && access(VALGRIND_BIN, X_OK) != 0) {
        fprintf(stderr, "harness: LIANXIN_VALGRIND=1 but %s is missing\n", VALGRIND_BIN);
        bad = -1;
    }
    return bad ? -1 : 0;
}

static void s_names(harness_t *self, const char *test_name)
{
    size_t k = 0;

    for (const char *p = test_name; *p && k < sizeof self->test - 1; p++) {
        char c = *p;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        self->test[k++] = ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) ? c : '_';
    }
    self->test[k] = '\0';
    snprintf(self->dir, sizeof self->dir, "/tmp/lianxin-test-%d", (int)getpid());
    snprintf(self->dbname, sizeof self->dbname, "t_%s_%d", self->test, (int)getpid());
    snprintf(self->config, sizeof self->config, "%s/lianxin.conf", self->dir);
    snprintf(self->dsn, sizeof self->dsn, "host=%s port=%s dbname=%s user=lianxin",
             self->pghost, self->pgport, self->dbname);
    snprintf(self->admin_dsn, sizeof self->admin_dsn,
             "host=%s port=%s dbname=postgres user=lianxin connect_timeout=5",
             self->pghost, self->pgport);
}

static int s_seed(harness_t *self)
{
    char out[2048];
    int rc;

    if (harness_clock_pinned()) {   /* one seeded month, the clock's, not the template's too */
        PGresult *r = harness_sql(self, "DELETE FROM intake.rota", 0, NULL);
        if (!r)
            return -1;
        PQclear(r);
    }
    rc = harness_run(self, out, sizeof out, "admin", "seed-demo", NULL);

    if (rc != 0)
        fprintf(stderr, "harness: seed-demo at the test clock failed (%d): %s\n", rc, out);
    return rc == 0 ? 0 : -1;
}

harness_t *harness_new(const char *test_name)
{
    static int curl_ready;
    harness_t *self = calloc(1, sizeof *self);

    if (!self)
        return NULL;
    signal(SIGPIPE, SIG_IGN);
    if (!curl_ready && curl_global_init(CURL_GLOBAL_DEFAULT) == 0)
        curl_ready = 1;
    if (s_read_env(self) != 0 || !(self->envp = s_child_env(self->clock_env))) {
        fprintf(stderr, "harness: test %s cannot run: environment incomplete\n", test_name);
        free(self->envp);
        free(self);
        return NULL;
    }
    s_names(self, test_name);
    s_random_key(self->key_hex);
    if (mkdir(self->dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "harness: mkdir %s: %s\n", self->dir, strerror(errno));
        harness_destroy(&self);
        return NULL;
    }
    if (s_services(self) != 0 || s_clock_setup(self) != 0 || s_pick_ports(self) != 0
        || s_create_db(self) != 0) {
        self->keep = 1;
        harness_destroy(&self);
        return NULL;
    }
    snprintf(self->base_url, sizeof self->base_url, "http://127.0.0.1:%d",
             self->port_base + PORT_GATEWAY);
    s_cfg_defaults(self);
    /* the demo rota of the month the clock is in (a no-op at the real time:
     * the template has it) */
    if (s_cfg_write(self) != 0 || s_seed(self) != 0) {
        self->keep = 1;
        harness_destroy(&self);
        return NULL;
    }
    fprintf(stderr, "harness: test=%s db=%s dir=%s ports=%d-%d%s\n", self->test,
            self->dbname, self->dir, self->port_base, self->port_base + PORT_BLOCK - 1,
            self->valgrind ? " valgrind=1" : "");
    return self;
}

static void s_remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[512];

    if (!d)
        return;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    closedir(d);
    rmdir(dir);
}

void harness_destroy(harness_t **self_p)
{
    harness_t *self = self_p ? *self_p : NULL;

    if (!self)
        return;
    for (int i = 0; i < self->nprocs; i++)
        if (self->procs[i].running) {
            kill(self->procs[i].pid, SIGKILL);
            waitpid(self->procs[i].pid, NULL, 0);
            self->procs[i].running = 0;
        }
    PQfinish(self->conn);
    self->conn = NULL;
    if (getenv("LIANXIN_KEEP_DB") && strcmp(getenv("LIANXIN_KEEP_DB"), "1") == 0)
        fprintf(stderr, "harness: database %s kept (LIANXIN_KEEP_DB=1)\n", self->dbname);
    else
        s_drop_db(self);
    if (self->keep || self->failed || self->db_created)
        fprintf(stderr, "harness: logs kept in %s\n", self->dir);
    else if (self->dir[0])
        s_remove_dir(self->dir);
    free(self->envp);
    free(self);
    *self_p = NULL;
}

/* ---- facts ------------------------------------------------------------------------------- */

const char *harness_dir(const harness_t *self) { return self->dir; }
const char *harness_dbname(const harness_t *self) { return self->dbname; }
const char *harness_dsn(const harness_t *self) { return self->dsn; }
const char *harness_config(const harness_t *self) { return self->config; }
const char *harness_base_url(const harness_t *self) { return self->base_url; }
const char *harness_key_hex(const harness_t *self) { return self->key_hex; }
const char *harness_partner_key(const harness_t *self) { return self->partner_key; }
int harness_valgrind(const harness_t *self) { return self->valgrind; }


/* harness: the shared library of the integration tests and the benchmark.
 * It makes a fresh database from the seeded template, writes a config with
 * ports of its own, starts and stops the real programs, restarts PostgreSQL,
 * and talks HTTP (libcurl) and SQL (libpq) to check what they did. It never
 * skips: a missing environment variable is reported and fails the caller.
 * It must never touch anything but 127.0.0.1 and its own database.
 *
 * Environment (set by deploy/local.sh test): LIANXIN_ROOT, LIANXIN_BUILD,
 * LIANXIN_TEST_PGHOST, LIANXIN_TEST_PGPORT, LIANXIN_TEST_TEMPLATE,
 * LIANXIN_PG_CTL, LIANXIN_DEMO_PARTNER_KEY; optional LIANXIN_TEST_CLOCK (an
 * RFC 3339 instant: the stack's business clock starts there), LIANXIN_VALGRIND=1
 * (services run under valgrind, timeouts longer; tests/valgrind.supp is used
 * when present), LIANXIN_KEEP_LOGS=1 and
 * LIANXIN_KEEP_DB=1 (keep the log directory / the database, for debugging). */
#ifndef LIANXIN_HARNESS_H
#define LIANXIN_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>
#include <libpq-fe.h>

typedef struct harness harness_t;

/* ---- set-up and tear-down --------------------------------------------------- */

/* Reads the environment, creates database t_<test>_<pid> WITH TEMPLATE the
 * template, picks free ports, writes the config into /tmp/lianxin-test-<pid>/.
 * NULL (with the reason printed on stderr) when anything is missing. */
harness_t *harness_new(const char *test_name);

/* Kills whatever still runs (SIGKILL: a test that wants a clean stop calls
 * harness_stop_all first), drops the database, removes the log directory
 * unless something failed or LIANXIN_KEEP_LOGS=1. Idempotent. */
void harness_destroy(harness_t **self_p);

/* Sets a config key for processes started from now on (rewrites the file).
 * 0 or -1. */
int harness_set(harness_t *self, const char *key, const char *value);

/* The value of config key `key` as written for the stack, NULL when unset. */
const char *harness_conf(const harness_t *self, const char *key);

/* ---- processes ---------------------------------------------------------------- */

/* Starts $LIANXIN_BUILD/bin/lianxin-<name> -c <config> (cwd LIANXIN_ROOT,
 * stdout and stderr appended to <dir>/<name>.log) and waits until it is
 * ready: the gateway answers GET /healthz with 200; the bus and the services
 * accept TCP connections on their ports, then a short settle. 0, or -1 when it
 * died or was not ready in time (its log tail is printed). */
int harness_start(harness_t *self, const char *name);

/* Starts the bus, the installation's services (key `services` of
 * deploy/lianxin.conf.example, in that order) and the gateway; then enters
 * the test calendar of the clock's year if there is one (data/). 0 or -1. */
int harness_start_all(harness_t *self);

/* SIGTERM, then waits for the exit. 0 when it exited with status 0; -1
 * otherwise (status and log tail printed; SIGKILL after the timeout). */
int harness_stop(harness_t *self, const char *name);

/* harness_stop (which must succeed) then harness_start. 0 or -1. */
int harness_restart(harness_t *self, const char *name);

/* SIGKILL and reap. 0, or -1 when it was not running. */
int harness_kill(harness_t *self, const char *name);

/* Stops (SIGTERM) every running process, the gateway first and the bus last.
 * Returns how many did not exit 0. */
int harness_stop_all(harness_t *self);

/* 1 when `name` runs; 0 when it never started or has exited (an unexpected
 * exit is reported with the log tail, once). */
int harness_alive(harness_t *self, const char *name);

/* How many started processes have died without being asked to. */
int harness_check_alive(harness_t *self);

pid_t harness_pid(const harness_t *self, const char *name);

/* Runs `$LIANXIN_PG_CTL pg-stop` / `pg-start`. 0 or -1. */
int harness_pg_stop(harness_t *self);
int harness_pg_start(harness_t *self);

/* Runs $LIANXIN_BUILD/bin/lianxin-<prog> -c <config> args... (NULL-terminated),
 * capturing stdout and stderr into `out` (may be NULL). Returns the exit
 * status, or -1 when it could not be run or was killed by a signal. */
int harness_run(harness_t *self, char *out, size_t outsz, const char *prog, ...);

/* ---- facts ------------------------------------------------------------------------- */

const char *harness_dir(const harness_t *self);          /* /tmp/lianxin-test-<pid> */
const char *harness_dbname(const harness_t *self);
const char *harness_dsn(const harness_t *self);          /* of the test database */
const char *harness_config(const harness_t *self);       /* the config file's path */
const char *harness_base_url(const harness_t *self);     /* http://127.0.0.1:<port> */
const char *harness_key_hex(const harness_t *self);      /* crypto.key */
const char *harness_partner_key(const harness_t *self);  /* demo partner1's API key */
int harness_valgrind(const harness_t *self);             /* 1 under LIANXIN_VALGRIND=1 */
/* A timeout scaled for valgrind (x6 under it). */
int harness_ms(const harness_t *self, int ms);
/* Milliseconds on a monotonic clock. */
int64_t harness_now_ms(void);
void harness_sleep_ms(int ms);

/* ---- the clock ------------------------------------------------------------------------
 * Every harness runs its stack on one clock (common/timeutil's test clock,
 * file <dir>/clock): the real time, or the instant $LIANXIN_TEST_CLOCK names
 * (RFC 3339) at harness_new, running on from there. The test, the programs
 * and their SQL (core.clock_now()) all read it through time_now_us(). A test
 * must not read the clock before harness_new. Dates in tests come from it. */

/* Moves business time forward by delta_us (>= 0) for the whole stack, at once.
 * 0 or -1. */
int harness_clock_advance(harness_t *self, int64_t delta_us);
/* Moves business time forward to instant_us (not before now). 0 or -1. */
int harness_clock_set(harness_t *self, int64_t instant_us);
/* 1 when this run is pinned to an instant (LIANXIN_TEST_CLOCK set). */
int harness_clock_pinned(void);

/* ---- HTTP ---------------------------------------------------------------------------- */

typedef struct http_req {
    const char *method;             /* "GET", "POST", "DELETE" */
    const char *path;               /* "/v1/..." */
    const char *token;              /* Authorization: Bearer, or NULL */
    const char *api_key;            /* X-Api-Key, or NULL */
    const char *body;               /* NULL: no body */
    size_t body_len;                /* 0: strlen(body) */
    const char *content_type;       /* NULL: application/json when there is a body */
    long timeout_ms;                /* 0: 30 s (scaled) */
    const char *const *headers;     /* more headers: name, value, ..., NULL; may be NULL */
} http_req_t;

typedef struct http_resp {
    long status;                    /* 0 when no HTTP answer came */
    json_t *json;                   /* the parsed body, or NULL */
    char *raw;                      /* the body, NUL-terminated (never NULL after a call) */
    size_t raw_len;
    double secs;                    /* wall time of the exchange */
    char retry_after[16];           /* the Retry-After header, "" when absent */
    char error[128];                /* curl's error when status is 0 */
} http_resp_t;

/* One exchange with the gateway. 0 when an HTTP answer came (any status),
 * -1 otherwise (resp->error says why). Clear `resp` with http_resp_clear. */
int harness_http(harness_t *self, const http_req_t *req, http_resp_t *resp);
void http_resp_clear(http_resp_t *resp);

/* Shorthands: a GET, and a POST of a JSON text, with a bearer token. */
int harness_get(harness_t *self, const char *path, const char *token, http_resp_t *resp);
int harness_post(harness_t *self, const char *path, const char *token, const char *body,
                 http_resp_t *resp);

/* The error code of an error answer ({"error":{"code":..}}), "" when none. */
const char *http_error_code(const http_resp_t *resp);
/* The code of field `field` in the error answer's "fields", NULL when absent. */
const char *http_error_field(const http_resp_t *resp, const char *field);

/* POST /v1/sessions; returns the token (malloc'd) or NULL (printed). */
char *harness_login(harness_t *self, const char *username, const char *password);

/* ---- concurrent load ---------------------------------------------------------------- */

/* One request of a load run: inputs set by the caller, outputs by the run. */
typedef struct harness_item {
    const char *method;
    const char *path;
    const char *token;
    const char *body;
    long status;                    /* 0: no answer */
    double secs;
    char *resp;                     /* the answer's body (malloc'd; harness_items_free) */
    int64_t done_ms;                /* harness_now_ms() when the answer came */
} harness_item_t;

typedef struct harness_load harness_load_t;

/* Runs `items` from `concurrency` threads (each with its own keep-alive
 * connection) in the background; returns at once. `per_s` > 0 paces the
 * run: item i is not sent before start + i / per_s seconds. NULL on failure. */
harness_load_t *harness_load_start(harness_t *self, harness_item_t *items, size_t n,
                                   int concurrency, int per_s);
/* Sends no more items (those in flight finish); harness_load_wait still
 * follows. Items never sent keep done_ms == 0. */
void harness_load_stop(harness_load_t *load);
/* Items answered (or failed) so far. */
size_t harness_load_done(const harness_load_t *load);
/* Waits for the run to finish and frees it. Idempotent. */
void harness_load_wait(harness_load_t **load_p);
/* Frees the outputs of `n` items. */
void harness_items_free(harness_item_t *items, size_t n);

/* ---- SQL ----------------------------------------------------------------------------- */

/* Runs `sql` with `n` text parameters on the test database (reconnecting when
 * the connection broke). The result (caller PQclear()s) or NULL (printed). */
PGresult *harness_sql(harness_t *self, const char *sql, int n, const char *const *params);

/* The first column of the first row as a number; -1 on error, NULL or no row. */
long long harness_sql_ll(harness_t *self, const char *sql, int n, const char *const *params);

#endif

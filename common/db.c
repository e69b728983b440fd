/* db: one blocking libpq connection for a worker thread or a command-line
 * program (see db.h), with its cache of prepared statements. Tells a lost
 * connection apart from an SQL error. Never logs statement parameters or row
 * data, never runs on the loop thread. */
#include <ctype.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db.h"
#include "log.h"

#define DB_CONNECT_TIMEOUT "3"
#define DB_STMT_BUCKETS 64          /* a power of 2 */

/* One prepared statement of the current connection. Names are never reused
 * within a connection: a dropped (stale) statement may still exist on the
 * server, and re-preparing under its name would fail. */
typedef struct db_stmt {
    struct db_stmt *next;           /* bucket chain */
    uint64_t hash;
    char *sql;
    char name[16];                  /* "lx<seq>" */
} db_stmt_t;

struct db {
    char *conninfo;
    PGconn *conn;
    unsigned generation;
    int broken;                     /* the last failure was the connection's */
    char sqlstate[6];
    char error[256];
    db_stmt_t *stmts[DB_STMT_BUCKETS];
    size_t nstmts;
    unsigned stmt_seq;
};

/* Generations are unique in the process, not only per handle, so that a
 * (generation) alone identifies one connection (lease.c caches by it). */
static atomic_uint s_generations = 0;

/* ---- errors ------------------------------------------------------------- */

/* Copies the first line of `msg` into the handle's error. Server errors
 * (with a SQLSTATE) are cut at the first ": ", where PostgreSQL puts the
 * offending value ("invalid input syntax for type bigint: \"x\""), so that
 * no data reaches the logs. */
static void
s_set_error(db_t *self, const char *msg, int server)
{
    snprintf(self->error, sizeof self->error, "%s", msg ? msg : "");
    self->error[strcspn(self->error, "\n")] = '\0';
    if (server) {
        char *cut = strstr(self->error, ": ");
        if (cut)
            *cut = '\0';
    }
}

/* Records a failed statement: SQLSTATE, message, and whether the
 * connection is gone. */
static void
s_record_failure(db_t *self, const PGresult *res)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (PQstatus(self->conn) == CONNECTION_BAD) {
        self->broken = 1;
        self->sqlstate[0] = '\0';
        s_set_error(self, PQerrorMessage(self->conn), 0);
        return;
    }
    self->broken = 0;
    snprintf(self->sqlstate, sizeof self->sqlstate, "%s", state ? state : "");
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (primary)
        s_set_error(self, primary, 1);
    else
        s_set_error(self, PQerrorMessage(self->conn), 0);
}

/* ---- the statement cache ------------------------------------------------ */

/* FNV-1a, 64 bits: statement texts are short and trusted. */
static uint64_t
s_hash(const char *sql)
{
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *) sql; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return h;
}

static db_stmt_t *
s_stmt_find(const db_t *self, uint64_t hash, const char *sql)
{
    for (db_stmt_t *st = self->stmts[hash & (DB_STMT_BUCKETS - 1)]; st; st = st->next)
        if (st->hash == hash && strcmp(st->sql, sql) == 0)
            return st;
    return NULL;
}

static void
s_stmt_drop(db_t *self, db_stmt_t *victim)
{
    db_stmt_t **pp = &self->stmts[victim->hash & (DB_STMT_BUCKETS - 1)];
    for (; *pp; pp = &(*pp)->next) {
        if (*pp == victim) {
            *pp = victim->next;
            self->nstmts--;
            free(victim->sql);
            free(victim);
            return;
        }
    }
}

/* Forgets every statement: they belonged to a connection that is gone. */
static void
s_stmt_clear(db_t *self)
{
    for (size_t b = 0; b < DB_STMT_BUCKETS; b++) {
        while (self->stmts[b]) {
            db_stmt_t *st = self->stmts[b];
            self->stmts[b] = st->next;
            free(st->sql);
            free(st);
        }
    }
    self->nstmts = 0;
    self->stmt_seq = 0;
}

/* Transaction control has no plan to keep, and must work in any state. */
static int
s_cacheable(const db_t *self, const char *sql)
{
    static const char *const control[] = { "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT",
                                           "RELEASE", "END", "ABORT" };
    if (self->nstmts >= DB_STMT_MAX)
        return 0;
    while (isspace((unsigned char) *sql))
        sql++;
    for (size_t i = 0; i < sizeof control / sizeof *control; i++) {
        size_t n = strlen(control[i]);
        if (strncasecmp(sql, control[i], n) == 0 && !isalnum((unsigned char) sql[n]))
            return 0;
    }
    return 1;
}

/* Prepares `sql` under a fresh name and caches it. The entry, or NULL with
 * *failed set to the failed result (the caller records it) when PostgreSQL
 * refused, or NULL with *failed NULL when memory ran out (run unprepared). */
static db_stmt_t *
s_stmt_prepare(db_t *self, uint64_t hash, const char *sql, PGresult **failed)
{
    *failed = NULL;
    db_stmt_t *st = calloc(1, sizeof *st);
    if (!st || !(st->sql = strdup(sql))) {
        free(st);
        return NULL;
    }
    st->hash = hash;
    snprintf(st->name, sizeof st->name, "lx%u", ++self->stmt_seq);
    PGresult *res = PQprepare(self->conn, st->name, sql, 0, NULL);
    if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
        *failed = res ? res : PQmakeEmptyPGresult(self->conn, PGRES_FATAL_ERROR);
        free(st->sql);
        free(st);
        return NULL;
    }
    PQclear(res);
    st->next = self->stmts[hash & (DB_STMT_BUCKETS - 1)];
    self->stmts[hash & (DB_STMT_BUCKETS - 1)] = st;
    self->nstmts++;
    return st;
}

/* 1 when a prepared statement failed because it no longer fits the server's
 * state: the plan's result type changed (a migration altered a table) or
 * the statement is gone. */
static int
s_stale(const PGresult *res)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    return state && (strcmp(state, "0A000") == 0 || strcmp(state, "26000") == 0);
}

/* ---- lifecycle ---------------------------------------------------------- */

db_t *
db_new(const char *conninfo)
{
    db_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->conninfo = strdup(conninfo ? conninfo : "");
    if (!self->conninfo) {
        free(self);
        return NULL;
    }
    return self;
}

void
db_destroy(db_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    db_t *self = *self_p;
    *self_p = NULL;
    if (self->conn)
        PQfinish(self->conn);
    s_stmt_clear(self);
    free(self->conninfo);
    free(self);
}

/* Connects with connect_timeout and application_name as defaults: they come
 * before the expanded conninfo (a "key=value" string or a URI), so the
 * conninfo's own values win. */
static PGconn *
s_connect(const char *conninfo)
{
    const char *keys[] = { "connect_timeout", "application_name", "dbname", NULL };
    const char *vals[] = { DB_CONNECT_TIMEOUT, program_invocation_short_name, conninfo, NULL };
    return PQconnectdbParams(keys, vals, 1);
}

int
db_connect(db_t *self)
{
    if (!self)
        return -1;
    if (self->conn && !self->broken && PQstatus(self->conn) == CONNECTION_OK)
        return 0;
    if (self->conn) {
        PQfinish(self->conn);
        self->conn = NULL;
    }
    s_stmt_clear(self);
    self->sqlstate[0] = '\0';
    self->conn = s_connect(self->conninfo);
    if (!self->conn || PQstatus(self->conn) != CONNECTION_OK) {
        self->broken = 1;
        s_set_error(self, self->conn ? PQerrorMessage(self->conn) : "out of memory", 0);
        if (self->conn) {
            PQfinish(self->conn);
            self->conn = NULL;
        }
        return -1;
    }
    self->broken = 0;
    self->error[0] = '\0';
    self->generation = atomic_fetch_add(&s_generations, 1) + 1;
    return 0;
}

unsigned
db_generation(const db_t *self)
{
    return self ? self->generation : 0;
}

int
db_broken(const db_t *self)
{
    return self ? self->broken : 1;
}

PGconn *
db_conn(db_t *self)
{
    return self ? self->conn : NULL;
}

/* ---- statements --------------------------------------------------------- */

/* One attempt: through the cache when it can, else unprepared. Returns the
 * result whatever its status (NULL only when libpq had no memory); sets
 * *stale when a cached statement turned out stale (it is dropped). */
static PGresult *
s_attempt(db_t *self, const char *sql, int n, const char *const *values,
          const int *lengths, const int *formats, int binary, int *stale)
{
    uint64_t hash = s_hash(sql);
    db_stmt_t *st = s_stmt_find(self, hash, sql);
    PGresult *failed = NULL;
    *stale = 0;
    if (!st && s_cacheable(self, sql)) {
        st = s_stmt_prepare(self, hash, sql, &failed);
        if (failed)
            return failed;
    }
    if (!st)
        return PQexecParams(self->conn, sql, n, NULL, values, lengths, formats, binary);
    PGresult *res = PQexecPrepared(self->conn, st->name, n, values, lengths, formats, binary);
    if (s_stale(res)) {
        log_warn("prepared statement stale, dropped", "name=%s sqlstate=%s", st->name,
                 PQresultErrorField(res, PG_DIAG_SQLSTATE));
        s_stmt_drop(self, st);
        *stale = 1;
    }
    return res;
}

static PGresult *
s_exec(db_t *self, const char *sql, int n, const char *const *values, const int *lengths,
       const int *formats, int binary)
{
    if (!self || !sql)
        return NULL;
    if (!self->conn) {
        self->broken = 1;
        self->sqlstate[0] = '\0';
        s_set_error(self, "not connected", 0);
        return NULL;
    }
    for (int attempt = 0;; attempt++) {
        int stale = 0;
        PGresult *res = s_attempt(self, sql, n, values, lengths, formats, binary, &stale);
        ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
        if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
            self->sqlstate[0] = '\0';
            return res;
        }
        /* again only outside a transaction: inside, the error aborted it */
        if (stale && attempt == 0 && PQtransactionStatus(self->conn) == PQTRANS_IDLE) {
            PQclear(res);
            continue;
        }
        s_record_failure(self, res);
        PQclear(res);
        return NULL;
    }
}

PGresult *
db_exec_params(db_t *self, const char *sql, int n, const char *const *values,
               const int *lengths, const int *formats)
{
    return s_exec(self, sql, n, values, lengths, formats, 0);
}

PGresult *
db_exec(db_t *self, const char *sql, int n, const char *const *params)
{
    return s_exec(self, sql, n, params, NULL, NULL, 0);
}

PGresult *
db_exec_binary(db_t *self, const char *sql, int n, const char *const *params)
{
    return s_exec(self, sql, n, params, NULL, NULL, 1);
}

int64_t
db_get_int8(const PGresult *res, int row, int col)
{
    const unsigned char *v = (const unsigned char *) PQgetvalue(res, row, col);
    uint64_t u = 0;
    if (PQgetlength(res, row, col) != 8)
        return INT64_MIN;
    for (int i = 0; i < 8; i++)
        u = u << 8 | v[i];
    return (int64_t) u;
}

int
db_run(db_t *self, const char *sql, int n, const char *const *params)
{
    PGresult *res = db_exec(self, sql, n, params);
    if (!res)
        return -1;
    PQclear(res);
    return 0;
}

int
db_run_script(db_t *self, const char *sql)
{
    if (!self || !sql)
        return -1;
    if (!self->conn) {
        self->broken = 1;
        self->sqlstate[0] = '\0';
        s_set_error(self, "not connected", 0);
        return -1;
    }
    PGresult *res = PQexec(self->conn, sql);
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        self->sqlstate[0] = '\0';
        PQclear(res);
        return 0;
    }
    s_record_failure(self, res);
    PQclear(res);
    return -1;
}

int
db_tx_failed(const db_t *self)
{
    return self && self->conn && PQtransactionStatus(self->conn) == PQTRANS_INERROR;
}

size_t
db_prepared(const db_t *self)
{
    return self ? self->nstmts : 0;
}

int
db_ident_ok(const char *s, int dots)
{
    if (!s || !*s || strlen(s) > 63)
        return 0;
    for (; *s; s++) {
        if (*s == '.' && dots-- > 0)
            continue;
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    }
    return 1;
}

const char *
db_sqlstate(const db_t *self)
{
    return self ? self->sqlstate : "";
}

const char *
db_error(const db_t *self)
{
    return self ? self->error : "";
}

/* ---- binary array parameters ------------------------------------------------ */

static void
s_arr_put(db_array_t *a, const void *data, size_t n)
{
    if (a->failed)
        return;
    if (a->len + n > a->cap) {
        size_t cap = a->cap ? a->cap : 256;
        while (cap < a->len + n)
            cap *= 2;
        uint8_t *buf = realloc(a->buf, cap);
        if (!buf) {
            a->failed = 1;
            return;
        }
        a->buf = buf;
        a->cap = cap;
    }
    memcpy(a->buf + a->len, data, n);
    a->len += n;
}

static void
s_arr_u32(db_array_t *a, uint32_t v)
{
    uint8_t be[4] = { (uint8_t) (v >> 24), (uint8_t) (v >> 16), (uint8_t) (v >> 8), (uint8_t) v };
    s_arr_put(a, be, 4);
}

/* The header: one dimension from index 1, its element count (kept up to
 * date by every element added, at offset 12), and the has-nulls flag 0
 * (PostgreSQL works it out from the -1 lengths itself). */
void
db_array_begin(db_array_t *a, uint32_t elem_oid)
{
    a->len = 0;
    a->count = 0;
    a->failed = 0;
    s_arr_u32(a, 1);
    s_arr_u32(a, 0);
    s_arr_u32(a, elem_oid);
    s_arr_u32(a, 0);
    s_arr_u32(a, 1);
}

/* Counts one more element into the header. */
static void
s_arr_counted(db_array_t *a)
{
    if (a->failed || a->len < 20)
        return;
    uint32_t n = (uint32_t) ++a->count;
    uint8_t be[4] = { (uint8_t) (n >> 24), (uint8_t) (n >> 16), (uint8_t) (n >> 8), (uint8_t) n };
    memcpy(a->buf + 12, be, 4);
}

void
db_array_bytes(db_array_t *a, const void *data, size_t n)
{
    s_arr_u32(a, (uint32_t) n);
    s_arr_put(a, data, n);
    s_arr_counted(a);
}

void
db_array_null(db_array_t *a)
{
    s_arr_u32(a, 0xFFFFFFFFu);
    s_arr_counted(a);
}

void
db_array_text(db_array_t *a, const char *s)
{
    if (s)
        db_array_bytes(a, s, strlen(s));
    else
        db_array_null(a);
}

void
db_array_int8(db_array_t *a, int64_t v)
{
    uint8_t be[8];
    uint64_t u = (uint64_t) v;
    for (int i = 7; i >= 0; i--, u >>= 8)
        be[i] = (uint8_t) u;
    db_array_bytes(a, be, 8);
}

void
db_array_free(db_array_t *a)
{
    if (!a)
        return;
    free(a->buf);
    a->buf = NULL;
    a->len = a->cap = a->count = 0;
}

/* ---- text parameters and results ------------------------------------------- */

const char *db_num(char buf[24], long long v)
{
    snprintf(buf, 24, "%lld", v);
    return buf;
}

char *db_ids_text(const int64_t *ids, size_t n)
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

size_t db_parse_ids(const char *text, int64_t *out, size_t max)
{
    size_t n = 0;
    char *end;
    if (!text)
        return 0;
    if (*text == '{')
        text++;
    while (*text && *text != '}' && n < max) {
        long long v = strtoll(text, &end, 10);
        if (end == text)
            break;
        out[n++] = v;
        text = *end == ',' ? end + 1 : end;
    }
    return n;
}

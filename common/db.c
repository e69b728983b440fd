/* db: one blocking libpq connection for a worker thread or a command-line
 * program (see db.h). Tells a lost connection apart from an SQL error.
 * Never logs statement parameters or row data, never runs on the loop thread. */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"

#define DB_CONNECT_TIMEOUT "3"

struct db {
    char *conninfo;
    PGconn *conn;
    unsigned generation;
    int broken;                     /* the last failure was the connection's */
    char sqlstate[6];
    char error[256];
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

PGresult *
db_exec(db_t *self, const char *sql, int n, const char *const *params)
{
    if (!self || !sql)
        return NULL;
    if (!self->conn) {
        self->broken = 1;
        self->sqlstate[0] = '\0';
        s_set_error(self, "not connected", 0);
        return NULL;
    }
    PGresult *res = PQexecParams(self->conn, sql, n, NULL, params, NULL, NULL, 0);
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        self->sqlstate[0] = '\0';
        return res;
    }
    s_record_failure(self, res);
    PQclear(res);
    return NULL;
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

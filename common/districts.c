/* districts: a service's followed districts, fixed or polled from
 * core.districts (see districts.h). The loop owns the known list; the job
 * only reads the table into its own result. Never removes a district. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "districts.h"
#include "log.h"

#define DISTRICTS_NAME_MAX 64

typedef char s_name_t[DISTRICTS_NAME_MAX];

struct districts {
    uv_loop_t *loop;
    txq_t *txq;
    uv_timer_t timer;
    int check_ms;
    districts_added_fn *fn;
    void *arg;
    s_name_t *known;                /* offered to fn, in the order they came */
    size_t nknown;
    int running, dying, closing, polled, failing;
};

/* One read of core.districts, handed to the loop. */
typedef struct {
    districts_t *self;
    char **codes;
    size_t n;
} s_read_t;

/* Offers `district` to fn unless it was offered before. The name is known
 * from then on, whatever fn said: a refusal is not retried (nor logged
 * again). 0 when followed, -1 when invalid or refused. */
static int
s_offer(districts_t *self, const char *district)
{
    for (size_t i = 0; i < self->nknown; i++)
        if (strncmp(self->known[i], district, sizeof self->known[i] - 1) == 0)
            return 0;
    s_name_t *more = realloc(self->known, (self->nknown + 1) * sizeof *more);
    if (!more)
        return -1;                  /* offered again at the next read */
    self->known = more;
    snprintf(self->known[self->nknown++], sizeof *more, "%s", district);
    if (!db_ident_ok(district, 0) || self->fn(district, self->arg) != 0) {
        log_warn("district not followed", "district=%s",
                 db_ident_ok(district, 0) ? district : "(invalid name)");
        return -1;
    }
    if (self->polled)
        log_info("district followed", "district=%s", district);
    return 0;
}

/* ---- the read (worker) -------------------------------------------------- */

static int
s_read_job(db_t *db, void *arg)
{
    s_read_t *rd = arg;
    if (db_connect(db) != 0)
        return -1;
    PGresult *res = db_exec(db, "SELECT district_code FROM core.districts ORDER BY 1", 0, NULL);
    if (!res)
        return -1;
    int rows = PQntuples(res);
    rd->codes = calloc(rows ? (size_t) rows : 1, sizeof *rd->codes);
    for (int i = 0; rd->codes && i < rows; i++)
        if ((rd->codes[rd->n] = strdup(PQgetvalue(res, i, 0))))
            rd->n++;
    PQclear(res);
    return rd->codes && rd->n == (size_t) rows ? 0 : -1;
}

/* ---- the loop side ------------------------------------------------------ */

static void s_on_timer(uv_timer_t *handle);

static void
s_free(districts_t *self)
{
    free(self->known);
    free(self);
}

static void
s_maybe_free(districts_t *self)
{
    if (self->dying && !self->closing && !self->running)
        s_free(self);
}

static void
s_read_free(s_read_t *rd)
{
    for (size_t i = 0; i < rd->n; i++)
        free(rd->codes[i]);
    free(rd->codes);
    free(rd);
}

/* Offers the districts read, and says once when the reads start or stop
 * failing. */
static void
s_read_done(int rc, void *arg)
{
    s_read_t *rd = arg;
    districts_t *self = rd->self;
    self->running = 0;
    if (!self->dying) {
        if (rc != 0 && !self->failing)
            log_warn("districts not read, retrying", "check_ms=%d", self->check_ms);
        for (size_t i = 0; rc == 0 && i < rd->n; i++)
            s_offer(self, rd->codes[i]);
        if (rc == 0 && !self->polled)
            log_info("districts followed", "n=%zu", self->nknown);
        self->polled |= rc == 0;
        self->failing = rc != 0;
        uv_timer_start(&self->timer, s_on_timer, (uint64_t) self->check_ms, 0);
    }
    s_read_free(rd);
    s_maybe_free(self);
}

static void
s_on_timer(uv_timer_t *handle)
{
    districts_t *self = handle->data;
    s_read_t *rd = calloc(1, sizeof *rd);
    if (rd)
        rd->self = self;
    if (!rd || txq_submit(self->txq, s_read_job, s_read_done, rd) != 0) {
        free(rd);
        uv_timer_start(&self->timer, s_on_timer, (uint64_t) self->check_ms, 0);
        return;
    }
    self->running = 1;
}

/* ---- lifecycle ---------------------------------------------------------- */

/* Offers each name of a fixed list. 0, or -1 when one is invalid or refused. */
static int
s_fixed(districts_t *self, const char *list)
{
    char *copy = strdup(list), *save = NULL;
    int rc = copy ? 0 : -1;
    for (char *t = copy ? strtok_r(copy, ", ", &save) : NULL; t && rc == 0;
         t = strtok_r(NULL, ", ", &save))
        rc = s_offer(self, t);
    free(copy);
    return rc;
}

districts_t *
districts_new(uv_loop_t *loop, txq_t *txq, const char *list, int check_ms,
              districts_added_fn *fn, void *arg)
{
    if (!loop || !txq || !list || !fn)
        return NULL;
    districts_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    *self = (districts_t) { .loop = loop, .txq = txq, .fn = fn, .arg = arg,
                            .check_ms = check_ms > 0 ? check_ms : 3000 };
    if (strcmp(list, "*") != 0 && s_fixed(self, list) != 0) {
        s_free(self);
        return NULL;
    }
    if (uv_timer_init(loop, &self->timer) != 0) {
        s_free(self);
        return NULL;
    }
    self->timer.data = self;
    if (strcmp(list, "*") == 0)
        s_on_timer(&self->timer);
    return self;
}

size_t
districts_count(const districts_t *self)
{
    return self ? self->nknown : 0;
}

static void
s_on_close(uv_handle_t *handle)
{
    districts_t *self = handle->data;
    self->closing = 0;
    s_maybe_free(self);
}

void
districts_destroy(districts_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    districts_t *self = *self_p;
    *self_p = NULL;
    self->dying = 1;
    self->closing = 1;
    uv_timer_stop(&self->timer);
    uv_close((uv_handle_t *) &self->timer, s_on_close);
}

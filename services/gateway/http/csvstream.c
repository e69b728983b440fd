/* csvstream: the masked public-opinion log as CSV, a page of rows at a time
 * into an unlinked spool file (mode 0600, under $TMPDIR or /tmp), then sent
 * from that file by MHD. Memory stays at one page whatever the log's size.
 * Never logs row contents, never sends a partial file with a 200: a log cut at
 * gateway.export_max_rows says so in a header and in its last line. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "exports.h"
#include "http/csvstream.h"
#include "log.h"
#include "pgpool.h"
#include "textfmt.h"

/* The layout of textfmt_log_row, then the keyset position of the row
 * (received_at in UTC with microseconds, read back exactly as timestamptz
 * whatever the session's DateStyle). The order matches the index
 * visits_by_room_time read backwards. */
static const char *const SQL_PAGE =
    "SELECT v.id, to_char(v.received_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'),"
    " v.kind, coalesce((SELECT string_agg(m.name, '、' ORDER BY u.ord) FROM"
    "   unnest(v.member_ids) WITH ORDINALITY u(mid, ord) JOIN core.members m"
    "   ON m.district_code = v.district_code AND m.id = u.mid), ''),"
    " v.visitor_name_masked, v.visitor_phone_masked, v.summary, v.category, v.location,"
    " v.on_spot_action, v.promised,"
    " coalesce((SELECT string_agg(i.grade::text, '/' ORDER BY i.id) FROM intake.issues i"
    "   WHERE i.district_code = v.district_code AND i.visit_id = v.id), ''),"
    " to_char(v.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
    " FROM intake.visits v WHERE v.district_code = $1 AND v.workroom_id = $2::bigint"
    " AND ($3::text IS NULL OR v.received_at >= ($3::date)::timestamp AT TIME ZONE 'Asia/Shanghai')"
    " AND ($4::text IS NULL OR v.received_at < ($4::date + 1)::timestamp AT TIME ZONE"
    " 'Asia/Shanghai')"
    " AND ($5::text IS NULL OR (v.received_at, v.id) > ($5::timestamptz, $6::bigint))"
    " ORDER BY v.received_at, v.id LIMIT $7::int";

enum { P_DISTRICT, P_ROOM, P_FROM, P_TO, P_AFTER_AT, P_AFTER_ID, P_LIMIT, P_COUNT };

typedef struct csvstream {
    gw_call_t *call;
    char *param[P_COUNT];           /* owned; NULL is SQL NULL */
    char filename[64];
    int fd;                         /* the spool, -1 once handed to MHD */
    size_t rows;
    size_t max_rows;                /* gateway.export_max_rows */
    size_t page;                    /* rows wanted of the page in flight */
    size_t bytes;
    int pages;
} csvstream_t;

/* ---- the spool ---------------------------------------------------------------------------- */

/* An anonymous file: O_TMPFILE where the file system has it, else a named
 * one unlinked at once. -1 on failure. */
static int s_spool_open(void)
{
    const char *dir = getenv("TMPDIR");
    char path[512];
    if (!dir || !dir[0])
        dir = "/tmp";
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0)
        return fd;
    snprintf(path, sizeof path, "%s/lianxin-csv-XXXXXX", dir);
    fd = mkostemp(path, O_CLOEXEC);
    if (fd >= 0)
        unlink(path);
    return fd;
}

/* Appends `b` to the spool. 0, or -1 (allocation failed earlier, or the
 * write: disk full, I/O error). */
static int s_spool_write(csvstream_t *s, const textbuf_t *b)
{
    if (b->failed)
        return -1;
    for (size_t off = 0; off < b->len;) {
        ssize_t n = write(s->fd, b->data + off, b->len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        off += (size_t) n;
    }
    s->bytes += b->len;
    return 0;
}

/* ---- life --------------------------------------------------------------------------------- */

static void s_free(csvstream_t *s)
{
    for (int i = 0; i < P_COUNT; i++)
        free(s->param[i]);
    if (s->fd >= 0)
        close(s->fd);
    free(s);
}

static int s_set(csvstream_t *s, int k, const char *v)
{
    free(s->param[k]);
    s->param[k] = v ? strdup(v) : NULL;
    return v && !s->param[k] ? -1 : 0;
}

/* Ends the export with an error answer (nothing was sent yet) and a log line. */
static void s_fail(csvstream_t *s, const char *why)
{
    log_warn("log export failed", "district=%s room=%s pages=%d rows=%zu why=\"%s\"",
             s->param[P_DISTRICT], s->param[P_ROOM], s->pages, s->rows, why);
    gw_reply_error(s->call, 503, NULL, "database unavailable", NULL);
    s_free(s);
}

/* The last record of a log cut at its limit, in the reader's language. */
static int s_write_cut_note(csvstream_t *s)
{
    char note[256];
    snprintf(note, sizeof note, "（导出已截断：仅含前 %zu 行，超出导出上限；请缩小日期范围分次导出）",
             s->rows);
    const char *f[1] = {note};
    textbuf_t b;
    textbuf_init(&b);
    textfmt_csv_row(&b, f, 1);
    int rc = s_spool_write(s, &b);
    textbuf_free(&b);
    return rc;
}

/* The last page is in: the spool goes to MHD, which sends it from the fd.
 * `cut`: rows remained past max_rows. */
static void s_finish(csvstream_t *s, int cut)
{
    char disp[96];
    if (cut && s_write_cut_note(s) != 0) {
        s_fail(s, "spool write failed");
        return;
    }
    snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", s->filename);
    const char *h[] = {"Cache-Control", "no-store", "Content-Disposition", disp,
                       cut ? EXPORTS_TRUNCATED_HEADER : NULL, "true", NULL};
    if (cut)
        log_info("log export cut at its limit", "district=%s room=%s rows=%zu",
                 s->param[P_DISTRICT], s->param[P_ROOM], s->rows);
    int fd = s->fd;
    s->fd = -1;
    http_respond_fd(s->call->req, 200, "text/csv; charset=utf-8", fd, s->bytes, h);
    log_debug("log exported", "district=%s room=%s pages=%d rows=%zu bytes=%zu",
              s->param[P_DISTRICT], s->param[P_ROOM], s->pages, s->rows, s->bytes);
    s_free(s);
}

/* ---- pages -------------------------------------------------------------------------------- */

static void s_on_page(PGresult *res, void *arg);

/* Asks for the page after the keyset position: the rows still allowed (at
 * most a page) plus one, which tells whether the log goes on. 0, or -1 when
 * the pool refused (the hold is then undone). */
static int s_fetch(csvstream_t *s)
{
    char limit[24];
    size_t left = s->max_rows - s->rows;
    s->page = left < CSVSTREAM_PAGE_ROWS ? left : CSVSTREAM_PAGE_ROWS;
    snprintf(limit, sizeof limit, "%zu", s->page + 1);
    if (s_set(s, P_LIMIT, limit) != 0)
        return -1;
    gw_call_hold(s->call);
    if (pgpool_query(s->call->gw->pool, SQL_PAGE, P_COUNT, (const char *const *) s->param,
                     s_on_page, s) == 0)
        return 0;
    gw_call_release(s->call);
    return -1;
}

/* Renders the rows of `res` (those wanted: not the look-ahead row) to the
 * spool and moves the keyset past the last one. 0 or -1. */
static int s_render(csvstream_t *s, const PGresult *res)
{
    int n = PQntuples(res), rc;
    if ((size_t) n > s->page)
        n = (int) s->page;
    textbuf_t b;
    textbuf_init(&b);
    for (int i = 0; i < n && !b.failed; i++) {
        const char *f[TEXTFMT_LOG_FIELDS];
        for (int k = 0; k < TEXTFMT_LOG_FIELDS; k++)
            f[k] = PQgetvalue(res, i, k);
        textfmt_log_row(&b, f);
    }
    rc = s_spool_write(s, &b);
    textbuf_free(&b);
    if (rc != 0 || n == 0)
        return rc;
    s->rows += (size_t) n;
    return s_set(s, P_AFTER_AT, PQgetvalue(res, n - 1, TEXTFMT_LOG_FIELDS)) ||
           s_set(s, P_AFTER_ID, PQgetvalue(res, n - 1, 0));
}

static void s_on_page(PGresult *res, void *arg)
{
    csvstream_t *s = arg;
    if (!gw_call_release(s->call)) {
        s_free(s);                  /* the client went away */
        return;
    }
    if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
        s_fail(s, res ? "query failed" : "database unavailable");
        return;
    }
    s->pages++;
    if (s_render(s, res) != 0) {
        s_fail(s, "spool write failed");
        return;
    }
    int more = (size_t) PQntuples(res) > s->page;
    if (!more || s->rows >= s->max_rows) {
        s_finish(s, more);
        return;
    }
    if (s_fetch(s) != 0)
        s_fail(s, "pool refused the query");
}

/* ---- the export --------------------------------------------------------------------------- */

/* The stream with its parameters and the spool holding the BOM and the
 * header record. NULL on failure. */
static csvstream_t *s_new(gw_call_t *call, const char *const p[4], const char *filename)
{
    csvstream_t *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->call = call;
    s->fd = s_spool_open();
    s->max_rows = (size_t) call->gw->set.export_max_rows;
    snprintf(s->filename, sizeof s->filename, "%s", filename);
    int bad = s->fd < 0;
    for (int k = 0; k < 4 && !bad; k++)
        bad = s_set(s, k, p[k]);
    textbuf_t b;
    textbuf_init(&b);
    textfmt_log_header(&b);
    bad = bad || s_spool_write(s, &b) != 0;
    textbuf_free(&b);
    if (bad) {
        log_warn("log export failed", "why=\"cannot make spool\" error=\"%s\"", strerror(errno));
        s_free(s);
        return NULL;
    }
    return s;
}

void csvstream_log(gw_call_t *call, const char *district, const char *room, const char *from,
                   const char *to, const char *filename)
{
    const char *p[4] = {district, room, from, to};
    csvstream_t *s = s_new(call, p, filename);
    if (!s) {
        gw_reply_error(call, 503, NULL, NULL, NULL);
        return;
    }
    if (s_fetch(s) != 0) {
        gw_reply_error(call, 503, NULL, "database unavailable", NULL);
        s_free(s);
    }
}

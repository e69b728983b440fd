/* api_util: see api_util.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api_util.h"

long api_req(harness_t *h, const char *method, const char *path, const char *token,
            const char *body, long want, http_resp_t *r)
{
    http_req_t q = {0};
    q.method = method;
    q.path = path;
    q.token = token;
    q.body = body;
    harness_http(h, &q, r);
    if (r->status != want)
        fprintf(stderr, "%s %s: want %ld, got %ld %s\n", method, path, want, r->status,
                r->raw ? r->raw : "");
    return r->status;
}

long api_status(harness_t *h, const char *method, const char *path, const char *token,
               const char *body)
{
    http_resp_t r;
    http_req_t q = {0};
    q.method = method;
    q.path = path;
    q.token = token;
    q.body = body;
    harness_http(h, &q, &r);
    long st = r.status;
    http_resp_clear(&r);
    return st;
}

int api_post_key(harness_t *h, const char *path, const char *token, const char *body,
                 long want, const char *key, char *out, size_t outsz)
{
    http_resp_t r;
    int ok = api_req(h, "POST", path, token, body, want, &r) == want;
    if (ok && out)
        snprintf(out, outsz, "%s", api_str(r.json, key));
    http_resp_clear(&r);
    return ok;
}

int api_refused(harness_t *h, const char *method, const char *path, const char *token,
                const char *body, long want, const char *code, const char *field)
{
    http_resp_t r;
    int ok = api_req(h, method, path, token, body, want, &r) == want;
    if (ok && code && strcmp(http_error_code(&r), code) != 0)
        ok = 0;
    if (ok && field && !http_error_field(&r, field))
        ok = 0;
    if (!ok && (code || field))
        fprintf(stderr, "%s %s: want error %s on %s: %s\n", method, path, code ? code : "-",
                field ? field : "-", r.raw ? r.raw : "");
    http_resp_clear(&r);
    return ok;
}

const char *api_str(json_t *obj, const char *key)
{
    const char *v = json_string_value(json_object_get(obj, key));
    return v ? v : "";
}

long long api_wait_sql(harness_t *h, const char *sql, long long want, int ms)
{
    return api_wait_sqlp(h, sql, want, ms, 0, NULL);
}

long long api_wait_sqlp(harness_t *h, const char *sql, long long want, int ms, int np,
                       const char *const *params)
{
    int64_t deadline = harness_now_ms() + harness_ms(h, ms);
    long long n = -1;
    while (harness_now_ms() < deadline) {
        n = harness_sql_ll(h, sql, np, params);
        if (n >= want)
            break;
        harness_sleep_ms(100);
    }
    return n;
}

long long api_wait_sql_down(harness_t *h, const char *sql, long long want, int ms, int np,
                            const char *const *params)
{
    int64_t deadline = harness_now_ms() + harness_ms(h, ms);
    long long n = -1;
    while (harness_now_ms() < deadline) {
        n = harness_sql_ll(h, sql, np, params);
        if (n >= 0 && n <= want)
            break;
        harness_sleep_ms(100);
    }
    return n;
}

/* ---- CSV --------------------------------------------------------------------------- */

static int s_csv_push(api_csv_t *c, const char *s, size_t n)
{
    size_t r = c->nrows, f = c->nfields[r];
    if (r >= 4096 || f >= API_CSV_MAX_FIELDS)
        return -1;
    c->field[r][f] = strndup(s, n);
    c->nfields[r]++;
    return c->field[r][f] ? 0 : -1;
}

int api_csv_parse(const char *text, size_t len, api_csv_t *c)
{
    size_t i = 0;
    char *buf = malloc(len + 1);
    memset(c, 0, sizeof *c);
    c->crlf_only = 1;
    if (!buf)
        return -1;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        c->bom = 1;
        i = 3;
    }
    while (i < len) {
        size_t n = 0;
        if (text[i] == '"') {
            for (i++; i < len; i++) {
                if (text[i] == '"' && i + 1 < len && text[i + 1] == '"')
                    buf[n++] = text[i++];
                else if (text[i] == '"')
                    break;
                else
                    buf[n++] = text[i];
            }
            i++;
        } else {
            while (i < len && text[i] != ',' && text[i] != '\r' && text[i] != '\n')
                buf[n++] = text[i++];
        }
        if (s_csv_push(c, buf, n) != 0) {
            free(buf);
            return -1;
        }
        if (i < len && text[i] == ',') {
            i++;
        } else if (i + 1 < len && text[i] == '\r' && text[i + 1] == '\n') {
            i += 2;
            c->nrows++;
        } else if (i < len) {
            c->crlf_only = 0;
            i++;
            c->nrows++;
        } else {
            c->crlf_only = 0;       /* the last record lacks its CRLF */
            c->nrows++;
        }
    }
    free(buf);
    return 0;
}

void api_csv_free(api_csv_t *c)
{
    for (size_t r = 0; r < c->nrows && r < 4096; r++)
        for (size_t f = 0; f < c->nfields[r]; f++)
            free(c->field[r][f]);
    memset(c->nfields, 0, sizeof c->nfields);
    c->nrows = 0;
}

/* ---- iCalendar ------------------------------------------------------------------------ */

int api_ics_unfold(const char *text, size_t len, char **out)
{
    char *o = malloc(len + 1), *p = o;
    size_t start = 0;
    if (!o)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) {
            fprintf(stderr, "ics: bare LF at %zu\n", i);
            free(o);
            return -1;
        }
        if (text[i] == '\r') {
            if (i + 1 >= len || text[i + 1] != '\n') {
                fprintf(stderr, "ics: bare CR at %zu\n", i);
                free(o);
                return -1;
            }
            if (i - start > 75) {
                fprintf(stderr, "ics: line of %zu octets\n", i - start);
                free(o);
                return -1;
            }
            i++;
            start = i + 1;
            if (i + 1 < len && text[i + 1] == ' ') {
                i++;                /* a continuation: drop CRLF and the space */
                continue;
            }
            *p++ = '\n';
            continue;
        }
        *p++ = text[i];
    }
    *p = '\0';
    *out = o;
    return 0;
}

int api_ics_count(const char *unfolded, const char *prefix)
{
    int n = 0;
    size_t pl = strlen(prefix);
    for (const char *line = unfolded; line && *line;) {
        if (strncmp(line, prefix, pl) == 0)
            n++;
        const char *nl = strchr(line, '\n');
        line = nl ? nl + 1 : NULL;
    }
    return n;
}

int api_log_has(harness_t *h, const char *name, const char *needle)
{
    char path[512], *buf;
    snprintf(path, sizeof path, "%s/%s.log", harness_dir(h), name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    buf = calloc(1, 8u << 20);
    size_t n = buf ? fread(buf, 1, (8u << 20) - 1, f) : 0;
    fclose(f);
    int found = buf && n > 0 && memmem(buf, n, needle, strlen(needle)) != NULL;
    free(buf);
    return buf ? found : -1;
}

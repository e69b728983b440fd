/* harness_http: the HTTP side of the integration harness: one exchange with
 * the gateway (libcurl, JSON parsed with jansson), login, and a concurrent
 * load run on threads, each with its own keep-alive connection. Talks only to
 * the harness's own gateway on 127.0.0.1; never forks (children are forked
 * from the main thread only, see harness_proc.c). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <curl/curl.h>
#include "harness_int.h"
#include "timeutil.h"

#define MAX_BODY (16 * 1024 * 1024)

/* ---- one exchange ------------------------------------------------------------------ */

typedef struct sink {
    char *buf;
    size_t len, cap;
    int overflow;
} sink_t;

static size_t s_on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
    sink_t *s = ud;
    size_t n = size * nmemb;

    if (s->len + n + 1 > MAX_BODY) {
        s->overflow = 1;
        return 0;
    }
    if (s->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 1024;
        char *b;
        while (cap < s->len + n + 1)
            cap *= 2;
        if (!(b = realloc(s->buf, cap)))
            return 0;
        s->buf = b;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, ptr, n);
    s->len += n;
    s->buf[s->len] = '\0';
    return n;
}

static size_t s_on_header(char *buf, size_t size, size_t nitems, void *ud)
{
    http_resp_t *r = ud;
    size_t n = size * nitems, k = 0;

    if (n > 12 && strncasecmp(buf, "Retry-After:", 12) == 0) {
        const char *v = buf + 12;
        while (*v == ' ' && v < buf + n)
            v++;
        while (v < buf + n && *v != '\r' && *v != '\n' && k < sizeof r->retry_after - 1)
            r->retry_after[k++] = *v++;
        r->retry_after[k] = '\0';
    }
    return n;
}

static struct curl_slist *s_headers(const http_req_t *req)
{
    struct curl_slist *h = NULL;
    char line[512];

    if (req->token) {
        snprintf(line, sizeof line, "Authorization: Bearer %s", req->token);
        h = curl_slist_append(h, line);
    }
    if (req->api_key) {
        snprintf(line, sizeof line, "X-Api-Key: %s", req->api_key);
        h = curl_slist_append(h, line);
    }
    for (const char *const *x = req->headers; x && x[0] && x[1]; x += 2) {
        snprintf(line, sizeof line, "%s: %s", x[0], x[1]);
        h = curl_slist_append(h, line);
    }
    if (req->body) {
        snprintf(line, sizeof line, "Content-Type: %s",
                 req->content_type ? req->content_type : "application/json");
        h = curl_slist_append(h, line);
    }
    return h;
}

/* One exchange on the easy handle `c` (reset first; its connection cache
 * survives, so a thread's requests reuse one keep-alive connection). */
static int s_exchange(const char *base_url, long timeout_ms, CURL *c, const http_req_t *req,
                      http_resp_t *resp)
{
    struct curl_slist *hdrs = s_headers(req);
    sink_t sink = { 0 };
    char url[1024];
    CURLcode rc;
    size_t blen = req->body ? (req->body_len ? req->body_len : strlen(req->body)) : 0;

    memset(resp, 0, sizeof *resp);
    snprintf(url, sizeof url, "%s%s", base_url, req->path);
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, req->timeout_ms ? req->timeout_ms : timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method ? req->method : "GET");
    if (req->body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)blen);
        if (blen <= 65536)          /* small bodies go at once; big ones may wait for 100 */
            hdrs = curl_slist_append(hdrs, "Expect:");
    } else if (req->method && strcmp(req->method, "POST") == 0) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, s_on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, s_on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, resp);
    rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
    curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &resp->secs);
    curl_slist_free_all(hdrs);
    resp->raw = sink.buf ? sink.buf : strdup("");
    resp->raw_len = sink.len;
    if (resp->raw_len)
        resp->json = json_loadb(resp->raw, resp->raw_len, 0, NULL);
    if (rc != CURLE_OK)
        snprintf(resp->error, sizeof resp->error, "%s", curl_easy_strerror(rc));
    return resp->status > 0 ? 0 : -1;
}

int harness_http(harness_t *self, const http_req_t *req, http_resp_t *resp)
{
    CURL *c = curl_easy_init();
    int rc;

    if (!c) {
        memset(resp, 0, sizeof *resp);
        resp->raw = strdup("");
        snprintf(resp->error, sizeof resp->error, "curl_easy_init failed");
        return -1;
    }
    rc = s_exchange(harness_base_url(self), harness_ms(self, 30000), c, req, resp);
    curl_easy_cleanup(c);
    return rc;
}

void http_resp_clear(http_resp_t *resp)
{
    if (!resp)
        return;
    json_decref(resp->json);
    free(resp->raw);
    memset(resp, 0, sizeof *resp);
}

int harness_get(harness_t *self, const char *path, const char *token, http_resp_t *resp)
{
    http_req_t q = { .method = "GET", .path = path, .token = token };
    return harness_http(self, &q, resp);
}

int harness_post(harness_t *self, const char *path, const char *token, const char *body,
                 http_resp_t *resp)
{
    http_req_t q = { .method = "POST", .path = path, .token = token, .body = body };
    return harness_http(self, &q, resp);
}

const char *http_error_code(const http_resp_t *resp)
{
    const char *code = json_string_value(json_object_get(json_object_get(resp->json, "error"), "code"));
    return code ? code : "";
}

const char *http_error_field(const http_resp_t *resp, const char *field)
{
    json_t *fields = json_object_get(json_object_get(resp->json, "error"), "fields");
    return json_string_value(json_object_get(fields, field));
}

char *harness_login(harness_t *self, const char *username, const char *password)
{
    json_t *body = json_pack("{s:s, s:s}", "username", username, "password", password);
    char *text = json_dumps(body, JSON_COMPACT), *token = NULL;
    http_resp_t r;

    json_decref(body);
    harness_post(self, "/v1/sessions", NULL, text, &r);
    free(text);
    if (r.status == 201 && json_string_value(json_object_get(r.json, "token")))
        token = strdup(json_string_value(json_object_get(r.json, "token")));
    else
        fprintf(stderr, "harness: login %s failed: status %ld %s %s\n", username, r.status,
                r.raw, r.error);
    http_resp_clear(&r);
    return token;
}

/* ---- concurrent load --------------------------------------------------------------------- */

struct harness_load {
    harness_t *h;
    harness_item_t *items;
    size_t n;
    pthread_t *threads;
    int nthreads, per_s;
    int64_t start_ms;
    atomic_size_t next, done;
    atomic_int stop;
};

static void *s_worker(void *arg)
{
    harness_load_t *l = arg;
    CURL *c = curl_easy_init();
    const char *base = harness_base_url(l->h);
    long timeout = harness_ms(l->h, 30000);

    for (size_t i; c && !atomic_load(&l->stop) && (i = atomic_fetch_add(&l->next, 1)) < l->n; ) {
        harness_item_t *it = &l->items[i];
        if (l->per_s > 0) {
            int64_t due = l->start_ms + (int64_t)(i * 1000 / (size_t)l->per_s);
            int64_t now = harness_now_ms();
            if (due > now)
                harness_sleep_ms((int)(due - now));
            if (atomic_load(&l->stop))
                break;
        }
        http_req_t q = { .method = it->method, .path = it->path, .token = it->token,
                         .body = it->body };
        http_resp_t r;
        s_exchange(base, timeout, c, &q, &r);
        it->status = r.status;
        it->secs = r.secs;
        it->resp = r.raw;
        it->done_ms = harness_now_ms();
        r.raw = NULL;
        http_resp_clear(&r);
        atomic_fetch_add(&l->done, 1);
    }
    if (c)
        curl_easy_cleanup(c);
    return NULL;
}

harness_load_t *harness_load_start(harness_t *self, harness_item_t *items, size_t n,
                                   int concurrency, int per_s)
{
    harness_load_t *l = calloc(1, sizeof *l);

    if (!l || concurrency < 1 || !(l->threads = calloc((size_t)concurrency, sizeof(pthread_t)))) {
        free(l);
        return NULL;
    }
    l->h = self;
    l->items = items;
    l->n = n;
    l->per_s = per_s;
    l->start_ms = harness_now_ms();
    atomic_init(&l->next, 0);
    atomic_init(&l->done, 0);
    atomic_init(&l->stop, 0);
    for (int i = 0; i < concurrency; i++) {
        if (pthread_create(&l->threads[i], NULL, s_worker, l) != 0)
            break;
        l->nthreads++;
    }
    if (l->nthreads == 0) {
        free(l->threads);
        free(l);
        return NULL;
    }
    return l;
}

size_t harness_load_done(const harness_load_t *load)
{
    return atomic_load(&((harness_load_t *)load)->done);
}

void harness_load_stop(harness_load_t *load)
{
    if (load)
        atomic_store(&load->stop, 1);
}

void harness_load_wait(harness_load_t **load_p)
{
    harness_load_t *l = load_p ? *load_p : NULL;

    if (!l)
        return;
    for (int i = 0; i < l->nthreads; i++)
        pthread_join(l->threads[i], NULL);
    free(l->threads);
    free(l);
    *load_p = NULL;
}

void harness_items_free(harness_item_t *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(items[i].resp);
        items[i].resp = NULL;
    }
}

/* ---- the test calendar ------------------------------------------------------------------- */

/* The text of file `path` (malloc'd), NULL when absent or unreadable. */
static char *s_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;
    if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0
        && (buf = malloc((size_t) n + 1)) && fread(buf, 1, (size_t) n, f) == (size_t) n)
        buf[n] = '\0';
    else if (buf) {
        free(buf);
        buf = NULL;
    }
    if (f)
        fclose(f);
    return buf;
}

int harness__test_calendar(harness_t *self)
{
    char path[4200], url[32], y[8];
    int year;
    time_ymd(time_now_us(), &year, NULL, NULL);
    snprintf(y, sizeof y, "%d", year);
    snprintf(path, sizeof path, "%s/tests/integration/data/calendar-%d.json", self->root, year);
    const char *p[1] = { y };
    char *body = s_slurp(path);
    if (!body || harness_sql_ll(self, "SELECT count(*) FROM core.calendar_years"
                                      " WHERE year = $1::int", 1, p) != 0) {
        free(body);
        return 0;
    }
    char *token = harness_login(self, "admin", "lianxin-demo");
    snprintf(url, sizeof url, "/v1/calendar/%d", year);
    http_req_t req = { .method = "PUT", .path = url, .token = token, .body = body };
    http_resp_t r;
    int rc = token && harness_http(self, &req, &r) == 0 && r.status == 200 ? 0 : -1;
    if (rc != 0)
        fprintf(stderr, "harness: PUT %s from %s failed: %ld %s\n", url, path,
                token ? r.status : 0L, token ? r.raw : "no admin session");
    else
        fprintf(stderr, "harness: test calendar %d entered through the API\n", year);
    if (token)
        http_resp_clear(&r);
    free(token);
    free(body);
    return rc;
}

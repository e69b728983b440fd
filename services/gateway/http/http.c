/* http: libmicrohttpd on the libuv loop (external epoll, suspend/resume).
 * MHD owns the sockets; this file owns the request objects and the moment
 * an answer is queued. Never blocks, never reads a body past its limit into
 * memory, never lets a suspended connection wait without a kick. */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "http/http.h"
#include "log.h"

struct http_server {
    uv_loop_t *loop;
    struct MHD_Daemon *d;
    uv_poll_t poll;
    uv_timer_t timer;
    http_hooks_t hooks;
    void *arg;
    int port;
    int open_handles;
    int quiesced;
    int destroyed;
    size_t live;
    http_req_t *reqs;               /* live requests, for destroy */
};

struct http_req {
    http_server_t *srv;
    http_req_t *prev, *next;
    struct MHD_Connection *conn;
    char method[16];
    char *path;
    char *query;
    char peer[INET6_ADDRSTRLEN];
    char *body;
    size_t body_len, body_cap, body_limit;
    void *app;
    void (*app_free)(void *);
    struct MHD_Response *resp;      /* answer waiting to be queued */
    int status;
    int64_t t0_us;
    int holds;
    unsigned started : 1, dispatched : 1, suspended : 1, queued : 1, answered : 1,
        overflow : 1, done : 1, bad_path : 1;
};

static int64_t s_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- driving MHD from the loop -------------------------------------------------- */

static void s_on_timer(uv_timer_t *t);

/* Re-arms the timer from MHD_get_timeout. 0 means MHD has work now (a
 * resumed connection, data already read), so the loop comes straight back. */
static void s_arm(http_server_t *self)
{
    MHD_UNSIGNED_LONG_LONG ms;
    if (self->destroyed)
        return;
    if (MHD_get_timeout(self->d, &ms) == MHD_YES)
        uv_timer_start(&self->timer, s_on_timer, ms > 60000 ? 60000 : (uint64_t) ms, 0);
    else
        uv_timer_start(&self->timer, s_on_timer, 1000, 0);
}

static void s_run(http_server_t *self)
{
    if (self->destroyed)
        return;
    MHD_run(self->d);
    s_arm(self);
}

static void s_on_timer(uv_timer_t *t)
{
    s_run(t->data);
}

static void s_on_poll(uv_poll_t *p, int status, int events)
{
    (void) status;
    (void) events;
    s_run(p->data);
}

/* Makes MHD_run happen on the next loop turn (after a resume). */
static void s_kick(http_server_t *self)
{
    if (!self->destroyed)
        uv_timer_start(&self->timer, s_on_timer, 0, 0);
}

/* ---- requests ------------------------------------------------------------------- */

static void s_req_free(http_req_t *req)
{
    if (req->app_free && req->app)
        req->app_free(req->app);
    if (req->resp)
        MHD_destroy_response(req->resp);
    free(req->path);
    free(req->query);
    free(req->body);
    free(req);
}

static void s_unlink(http_req_t *req)
{
    http_server_t *srv = req->srv;
    if (req->prev)
        req->prev->next = req->next;
    else if (srv->reqs == req)
        srv->reqs = req->next;
    if (req->next)
        req->next->prev = req->prev;
    req->prev = req->next = NULL;
}

/* 1 when the raw path (up to '?' or the end) carries a control byte, as
 * itself or percent-encoded ("%00", "%0a", "%7f"): MHD hands the access
 * handler the decoded path, which a NUL would cut short ("/visits/1%00abc"
 * read as "/visits/1"), so it is judged here, before decoding. */
static int s_raw_path_bad(const char *uri)
{
    for (const char *p = uri; *p && *p != '?'; p++) {
        unsigned c = (unsigned char) *p;
        if (c == '%' && isxdigit((unsigned char) p[1]) && isxdigit((unsigned char) p[2])) {
            char hex[3] = {p[1], p[2], '\0'};
            c = (unsigned) strtoul(hex, NULL, 16);
            p += 2;
        }
        if (c < 0x20 || c == 0x7F)
            return 1;
    }
    return 0;
}

/* MHD's URI log callback: the first thing MHD knows of a request, and the
 * only place the raw query string is seen. Its result is the request's
 * context pointer. */
static void *s_on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    http_server_t *srv = cls;
    http_req_t *req = calloc(1, sizeof *req);
    (void) conn;
    if (!req)
        return NULL;
    const char *q = strchr(uri, '?');
    req->query = strdup(q ? q + 1 : "");
    req->bad_path = s_raw_path_bad(uri);
    if (!req->query) {
        free(req);
        return NULL;
    }
    req->srv = srv;
    req->t0_us = s_mono_us();
    req->next = srv->reqs;
    if (srv->reqs)
        srv->reqs->prev = req;
    srv->reqs = req;
    srv->live++;
    return req;
}

static void s_on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                           enum MHD_RequestTerminationCode toe)
{
    http_server_t *srv = cls;
    http_req_t *req = *con_cls;
    (void) conn;
    (void) toe;
    if (!req)
        return;
    *con_cls = NULL;
    req->done = 1;
    s_unlink(req);
    srv->live--;
    if (req->started && srv->hooks.on_done)
        srv->hooks.on_done(req, srv->arg);
    req->conn = NULL;
    if (req->holds == 0)
        s_req_free(req);
}

static void s_peer(http_req_t *req)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    strcpy(req->peer, "unknown");
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *) sa)->sin_addr, req->peer,
                  sizeof req->peer);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *) sa)->sin6_addr, req->peer,
                  sizeof req->peer);
}

/* Queues the stored answer. Only from within the access handler, or on a
 * suspended connection. */
static enum MHD_Result s_queue(http_req_t *req)
{
    enum MHD_Result r = MHD_queue_response(req->conn, (unsigned) req->status, req->resp);
    if (r == MHD_YES) {
        MHD_destroy_response(req->resp);
        req->resp = NULL;
        req->queued = 1;
    }
    return r;
}

static void s_upload(http_server_t *srv, http_req_t *req, const char *data, size_t n)
{
    if (req->overflow || req->answered)
        return;                     /* discarded: answered already */
    if (n > req->body_limit - req->body_len || req->body_len + n < req->body_len) {
        req->overflow = 1;
        free(req->body);
        req->body = NULL;
        req->body_len = req->body_cap = 0;
        srv->hooks.on_overflow(req, srv->arg);
        return;
    }
    if (req->body_len + n + 1 > req->body_cap) {
        size_t cap = req->body_cap ? req->body_cap : 1024;
        while (cap < req->body_len + n + 1)
            cap *= 2;
        if (cap > req->body_limit + 1)
            cap = req->body_limit + 1;
        char *b = realloc(req->body, cap);
        if (!b) {
            http_respond(req, 503, "text/plain", "", 0, NULL);
            return;
        }
        req->body = b;
        req->body_cap = cap;
    }
    memcpy(req->body + req->body_len, data, n);
    req->body_len += n;
    req->body[req->body_len] = '\0';
}

static enum MHD_Result s_first(http_server_t *srv, http_req_t *req, struct MHD_Connection *conn,
                               const char *url, const char *method)
{
    req->started = 1;
    req->conn = conn;
    snprintf(req->method, sizeof req->method, "%s", method);
    req->path = strdup(url);
    if (!req->path)
        return MHD_NO;
    s_peer(req);
    srv->hooks.on_headers(req, srv->arg);
    return req->resp ? s_queue(req) : MHD_YES;
}

static enum MHD_Result s_access(void *cls, struct MHD_Connection *conn, const char *url,
                                const char *method, const char *version,
                                const char *upload_data, size_t *upload_data_size,
                                void **con_cls)
{
    http_server_t *srv = cls;
    http_req_t *req = *con_cls;
    (void) version;
    if (!req)
        return MHD_NO;
    if (!req->started)
        return s_first(srv, req, conn, url, method);
    if (*upload_data_size) {
        s_upload(srv, req, upload_data, *upload_data_size);
        *upload_data_size = 0;
        /* MHD 0.9.75 cannot queue an answer in the middle of a body: rather
         * than read on, the connection is closed (the hooks refuse bodies of
         * unknown length up front, so this is a last line of defence) */
        return req->overflow ? MHD_NO : MHD_YES;
    }
    if (req->resp)
        return s_queue(req);
    if (req->queued || req->dispatched)
        return MHD_YES;
    req->dispatched = 1;
    srv->hooks.on_request(req, srv->arg);
    if (req->resp)
        return s_queue(req);
    if (!req->answered) {
        MHD_suspend_connection(conn);
        req->suspended = 1;
    }
    return MHD_YES;
}

/* ---- answering ------------------------------------------------------------------ */

/* Takes `resp` as the answer of `req`: queued at once when the connection is
 * suspended (then resumed and MHD kicked), else kept for the access handler. */
static int s_answer(http_req_t *req, int status, struct MHD_Response *resp)
{
    if (req->answered || req->done) {
        MHD_destroy_response(resp);
        return -1;
    }
    req->answered = 1;
    req->status = status;
    if (req->srv->quiesced)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    if (!req->suspended) {
        req->resp = resp;
        return 0;
    }
    req->resp = resp;
    s_queue(req);
    req->suspended = 0;
    MHD_resume_connection(req->conn);
    s_kick(req->srv);
    return 0;
}

static void s_add_headers(struct MHD_Response *resp, const char *ctype, const char *const *headers)
{
    if (ctype)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    for (size_t i = 0; headers && headers[i] && headers[i + 1]; i += 2)
        MHD_add_response_header(resp, headers[i], headers[i + 1]);
}

int http_respond(http_req_t *req, int status, const char *ctype, const void *body, size_t len,
                 const char *const *headers)
{
    if (req->answered || req->done)
        return -1;
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, (void *) body, MHD_RESPMEM_MUST_COPY);
    if (!resp) {
        resp = MHD_create_response_from_buffer(0, (void *) "", MHD_RESPMEM_PERSISTENT);
        if (!resp)
            return -1;
        s_answer(req, 500, resp);
        return -1;
    }
    s_add_headers(resp, ctype, headers);
    return s_answer(req, status, resp);
}

int http_respond_fd(http_req_t *req, int status, const char *ctype, int fd, size_t size,
                    const char *const *headers)
{
    if (req->answered || req->done) {
        close(fd);
        return -1;
    }
    struct MHD_Response *resp = MHD_create_response_from_fd((uint64_t) size, fd);
    if (!resp) {
        close(fd);
        return http_respond(req, 500, NULL, "", 0, NULL);
    }
    s_add_headers(resp, ctype, headers);
    return s_answer(req, status, resp);
}

/* ---- accessors ---------------------------------------------------------------------- */

const char *http_req_method(const http_req_t *req) { return req->method; }
const char *http_req_path(const http_req_t *req) { return req->path ? req->path : "/"; }
const char *http_req_query(const http_req_t *req) { return req->query; }
int http_req_path_ok(const http_req_t *req) { return !req->bad_path; }
const char *http_req_peer(const http_req_t *req) { return req->peer; }
int64_t http_req_started_us(const http_req_t *req) { return req->t0_us; }
int http_req_status(const http_req_t *req) { return req->status; }
int http_req_answered(const http_req_t *req) { return req->answered; }
void *http_req_app(const http_req_t *req) { return req->app; }

const char *http_req_header(const http_req_t *req, const char *name)
{
    if (!req->conn || req->done)
        return NULL;
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_req_body(const http_req_t *req, size_t *len)
{
    *len = req->body_len;
    return req->body ? req->body : "";
}

void http_req_set_body_limit(http_req_t *req, size_t limit)
{
    req->body_limit = limit;
}

void http_req_set_app(http_req_t *req, void *app, void (*fn)(void *app))
{
    req->app = app;
    req->app_free = fn;
}

void http_req_hold(http_req_t *req)
{
    req->holds++;
}

int http_req_release(http_req_t *req)
{
    req->holds--;
    if (!req->done)
        return 1;
    if (req->holds == 0)
        s_req_free(req);
    return 0;
}

/* ---- the server ------------------------------------------------------------------------ */

static void s_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char buf[256];
    (void) cls;
    vsnprintf(buf, sizeof buf, fmt, ap);
    for (char *p = buf; *p; p++)
        if (*p == '\n' || *p == '"' || *p == '\\')
            *p = ' ';
    log_warn("http server", "detail=\"%s\"", buf);
}

/* The listening socket, made here so that SO_REUSEADDR is certain (a
 * restart must not wait for TIME_WAIT) and SO_REUSEPORT is not (a second
 * gateway on the same port must fail, not share it). -1 on failure. */
static int s_listen(const http_opts_t *o, int *port)
{
    struct sockaddr_storage ss;
    socklen_t len;
    int one = 1;
    memset(&ss, 0, sizeof ss);
    struct sockaddr_in *a4 = (struct sockaddr_in *) &ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *) &ss;
    if (inet_pton(AF_INET, o->listen, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t) o->port);
        len = sizeof *a4;
    } else if (inet_pton(AF_INET6, o->listen, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t) o->port);
        len = sizeof *a6;
    } else {
        log_error("listen address malformed", "listen=%s", o->listen);
        return -1;
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, (struct sockaddr *) &ss, len) != 0 || listen(fd, 511) != 0) {
        log_error("cannot listen", "listen=%s port=%d error=\"%s\"", o->listen, o->port,
                  strerror(errno));
        close(fd);
        return -1;
    }
    len = sizeof ss;
    getsockname(fd, (struct sockaddr *) &ss, &len);
    *port = ntohs(ss.ss_family == AF_INET ? a4->sin_port : a6->sin6_port);
    return fd;
}

static struct MHD_Daemon *s_start(http_server_t *self, const http_opts_t *o)
{
    int fd = s_listen(o, &self->port);
    if (fd < 0)
        return NULL;
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG, 0, NULL, NULL,
        s_access, self,
        MHD_OPTION_EXTERNAL_LOGGER, s_mhd_log, self,
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket) fd,
        MHD_OPTION_URI_LOG_CALLBACK, s_on_uri, self,
        MHD_OPTION_NOTIFY_COMPLETED, s_on_completed, self,
        MHD_OPTION_CONNECTION_LIMIT, o->max_connections,
        MHD_OPTION_CONNECTION_TIMEOUT, o->connection_timeout_s,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, o->connection_memory,
        MHD_OPTION_END);
    if (!d)
        close(fd);
    return d;
}

http_server_t *http_server_new(uv_loop_t *loop, const http_opts_t *opts,
                               const http_hooks_t *hooks, void *arg)
{
    http_server_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->loop = loop;
    self->hooks = *hooks;
    self->arg = arg;
    self->d = s_start(self, opts);
    if (!self->d) {
        free(self);
        return NULL;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(self->d, MHD_DAEMON_INFO_EPOLL_FD);
    if (!di || uv_poll_init(loop, &self->poll, di->epoll_fd) != 0) {
        MHD_stop_daemon(self->d);
        free(self);
        return NULL;
    }
    uv_timer_init(loop, &self->timer);
    self->poll.data = self->timer.data = self;
    self->open_handles = 2;
    uv_poll_start(&self->poll, UV_READABLE, s_on_poll);
    s_arm(self);
    return self;
}

int http_server_port(const http_server_t *self)
{
    return self->port;
}

void http_server_quiesce(http_server_t *self)
{
    if (!self || self->quiesced)
        return;
    self->quiesced = 1;
    MHD_socket fd = MHD_quiesce_daemon(self->d);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    s_kick(self);
}

size_t http_server_live(const http_server_t *self)
{
    return self ? self->live : 0;
}

static void s_on_closed(uv_handle_t *h)
{
    http_server_t *self = h->data;
    if (--self->open_handles == 0)
        free(self);
}

void http_server_destroy(http_server_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    http_server_t *self = *self_p;
    *self_p = NULL;
    self->quiesced = 1;
    for (http_req_t *r = self->reqs; r; r = r->next)
        if (r->suspended)           /* MHD cannot stop with suspended connections */
            http_respond(r, 503, "text/plain", "", 0, NULL);
    uv_poll_stop(&self->poll);
    self->destroyed = 1;
    MHD_stop_daemon(self->d);
    self->d = NULL;
    uv_close((uv_handle_t *) &self->poll, s_on_closed);
    uv_close((uv_handle_t *) &self->timer, s_on_closed);
}

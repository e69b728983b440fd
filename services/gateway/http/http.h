/* http: GNU libmicrohttpd in external-epoll mode, driven by a libuv loop:
 * MHD's epoll fd under uv_poll, MHD_run on readiness and on a uv_timer set
 * from MHD_get_timeout. A request that cannot be answered at once is
 * suspended and resumed when its answer comes. Knows nothing of the API:
 * routing, auth and JSON are the hooks' business. Never buffers a body
 * beyond the limit its hooks set. */
#ifndef GW_HTTP_H
#define GW_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

typedef struct http_server http_server_t;
typedef struct http_req http_req_t;

typedef struct http_opts {
    const char *listen;             /* "127.0.0.1" or an IPv6 address */
    int port;                       /* 0: any free port (see http_server_port) */
    unsigned max_connections;
    unsigned connection_timeout_s;  /* idle connections are closed after this */
    size_t connection_memory;       /* MHD's per-connection buffer limit */
} http_opts_t;

/* Every hook runs on the loop. A hook answers with http_respond*() at once
 * or later (after http_req_hold), exactly once per request. */
typedef struct http_hooks {
    /* The request line and headers are in: route it, set its body limit
     * (default 0: any body is too large), or answer it now. */
    void (*on_headers)(http_req_t *req, void *arg);
    /* The body passed its limit (only possible for a body of unknown
     * length): answer (413) for the record; MHD cannot send an answer in
     * the middle of a body, so the connection is closed at once. */
    void (*on_overflow)(http_req_t *req, void *arg);
    /* The whole body is in (unless answered already): handle it. */
    void (*on_request)(http_req_t *req, void *arg);
    /* The request is finished (sent, or the connection went away): logs and
     * metrics. Its headers are gone after this returns. */
    void (*on_done)(http_req_t *req, void *arg);
} http_hooks_t;

/* Listens and joins `loop`. NULL on failure (logged). */
http_server_t *http_server_new(uv_loop_t *loop, const http_opts_t *opts,
                               const http_hooks_t *hooks, void *arg);

/* The port actually bound. */
int http_server_port(const http_server_t *self);

/* Stops accepting connections; requests already read are still answered
 * and every later answer closes its connection. */
void http_server_quiesce(http_server_t *self);

/* Requests begun and not yet finished. */
size_t http_server_live(const http_server_t *self);

/* Answers any request still waiting with 503, closes every connection, and
 * frees the server once libuv has closed its handles. Idempotent. */
void http_server_destroy(http_server_t **self_p);

/* ---- the request -------------------------------------------------------- */

const char *http_req_method(const http_req_t *req);
const char *http_req_path(const http_req_t *req);       /* decoded, no query */
const char *http_req_query(const http_req_t *req);      /* raw, "" when none */
/* 0 when the raw path carried a control byte (a NUL cuts the decoded path
 * short: "/visits/1%00abc" would read as "/visits/1"); the caller answers
 * 400 before routing. 1 otherwise. */
int http_req_path_ok(const http_req_t *req);
const char *http_req_peer(const http_req_t *req);       /* "127.0.0.1" */
/* A request header (case-insensitive name), NULL when absent. Only until
 * on_done. */
const char *http_req_header(const http_req_t *req, const char *name);
const char *http_req_body(const http_req_t *req, size_t *len);
int64_t http_req_started_us(const http_req_t *req);      /* CLOCK_MONOTONIC */
int http_req_status(const http_req_t *req);              /* 0 until answered */
int http_req_answered(const http_req_t *req);

void http_req_set_body_limit(http_req_t *req, size_t limit);

/* Per-request data of the hooks' owner, freed with `fn` when the request is
 * freed (after on_done and the last release). */
void http_req_set_app(http_req_t *req, void *app, void (*fn)(void *app));
void *http_req_app(const http_req_t *req);

/* An asynchronous step is pending on `req`: it stays allocated until the
 * matching release. */
void http_req_hold(http_req_t *req);

/* Ends a hold. 1 when the request can still be answered; 0 when it is
 * finished or its connection went away (`req` may then be freed: do not
 * touch it again). */
int http_req_release(http_req_t *req);

/* Answers with `len` bytes of `body` (copied) and extra `headers`, a
 * NULL-terminated list of name, value pairs (may be NULL). 0, or -1 when the
 * request was answered already or memory ran out (then an empty 500 is
 * attempted). */
int http_respond(http_req_t *req, int status, const char *ctype, const void *body, size_t len,
                 const char *const *headers);

/* Answers with `size` bytes read from `fd`, which the response then owns. */
int http_respond_fd(http_req_t *req, int status, const char *ctype, int fd, size_t size,
                    const char *const *headers);

#endif

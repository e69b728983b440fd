/* gw: the types every part of lianxin-gateway shares: its settings, the
 * gateway's handles (pool, auth, command forwarding, metrics, limiters), one
 * call (a request as the gateway sees it) and a route table's row. Never
 * any logic here; reply helpers are in http/reply.c. */
#ifndef GW_GW_H
#define GW_GW_H

#include <limits.h>
#include <stddef.h>
#include <jansson.h>
#include <protobuf-c/protobuf-c.h>
#include <uv.h>
#include "auth/access.h"
#include "config.h"
#include "http/http.h"
#include "jsonpb.h"
#include "pgpool.h"
#include "http/query.h"
#include "http/router.h"

typedef struct auth auth_t;
typedef struct exports exports_t;
typedef struct forward forward_t;
typedef struct metrics metrics_t;
typedef struct ratelimit ratelimit_t;
typedef struct authtx authtx_t;

typedef struct gw_settings {
    char listen[64];
    int port;
    char web_root[PATH_MAX];
    int pg_pool;
    int pg_queue_timeout_ms;
    int command_timeout_ms;
    int session_idle_s;
    int session_max_s;
    int login_max_failures;
    int lockout_s;
    double rate_per_s;
    double rate_burst;
    double login_rate_per_min;
    size_t body_limit;
    unsigned max_connections;
    unsigned connection_timeout_s;
    int shutdown_grace_ms;
    char trusted_proxy[64];
    int auth_fail_burst;            /* failed authentications per address... */
    int auth_fail_per_min;          /* ...and their refill (429 too_many_failures) */
    int auth_negative_ttl_s;        /* a failed token look-up is refused this long */
    int password_iterations;        /* PBKDF2-SHA256 of new password hashes */
    int password_expiry_days;       /* 0: never */
    int login_history_days;         /* at least 180 */
    int api_key_days;               /* default life of a new API key; 0: none */
    int feed_token_days;            /* life of a new feed token; 0: none */
    int exports_per_user;           /* file exports in flight per user (429 beyond) */
    int export_max_rows;            /* rows of a CSV export before it is cut */
    int ics_max_events;             /* events of a duties.ics before it is cut */
} gw_settings_t;

typedef struct gw {
    uv_loop_t *loop;
    gw_settings_t set;
    http_server_t *http;
    pgpool_t *pool;
    auth_t *auth;
    forward_t *fwd;
    metrics_t *metrics;
    ratelimit_t *rl_user;
    ratelimit_t *rl_login;
    ratelimit_t *rl_fail;           /* failed authentications per client address */
    authtx_t *authtx;               /* account changes and their records */
    uv_timer_t *prune_timer;        /* login history retention */
    exports_t *exports;
    int stopping;
} gw_t;

typedef struct gw_route gw_route_t;

/* One request, from its headers to its end; freed with the request. */
typedef struct gw_call {
    gw_t *gw;
    http_req_t *req;
    const gw_route_t *route;
    router_params_t params;
    const char *district;           /* the path's {d}, NULL when none */
    query_t query;
    principal_t who;
    int authed;
    char export_key[96];            /* the slot held (exports.h), "" when none */
} gw_call_t;

typedef void (gw_handler_fn)(gw_call_t *call);

#define GW_BODY_CONFIG ((size_t) -1)    /* the route's limit is gateway.body_limit */

/* A row of a route table (api/<service>.c, routes.c), written with
 * designated initialisers; a field left out is 0 / NULL. `at` comes first:
 * the router reads the table through it. */
struct gw_route {
    router_entry_t at;              /* method, pattern */
    unsigned roles;                 /* ROLE_* bits; 0: no authentication */
    size_t body_limit;              /* bytes; 0: no body; GW_BODY_CONFIG */
    int body_optional;              /* an empty body means {} */
    gw_handler_fn *handler;
    const char *command;            /* "intake.RecordVisit", NULL for reads */
    const ProtobufCMessageDescriptor *request;  /* the command's message */
    const ProtobufCMessageDescriptor *reply;    /* the type of the reply's payload */
    const char *const *required;    /* jsonpb required paths */
    int expired_ok;                 /* open to a session whose password expired */
    const query_param_t *query;     /* the query parameters it takes, typed; {NULL}-ended */
    int export_file;                /* a file export: takes one of the user's export slots */
};

/* A table of route rows: what api/<service>.c exports and routes.c joins. */
typedef struct gw_routes {
    const gw_route_t *rows;
    size_t n;
} gw_routes_t;

/* The gw_routes_t of a file-scope array of rows. */
#define GW_ROUTES(array) {.rows = (array), .n = sizeof (array) / sizeof (array)[0]}

/* ---- http/reply.c ----------------------------------------------------------- */

/* Answers with `body` (the reference is taken) as compact JSON. */
void gw_reply_json(gw_call_t *call, int status, json_t *body);

/* Answers with the error body of `status` (code/message NULL: defaults) and
 * extra headers (NULL-terminated name, value pairs, may be NULL). 503 and
 * 429 answers carry Retry-After (1 s unless the headers name one). */
void gw_reply_error(gw_call_t *call, int status, const char *code, const char *message,
                    const char *const *headers);

/* 400 validation_failed with the decoder's field errors. */
void gw_reply_jsonpb_errors(gw_call_t *call, const jsonpb_errors_t *errs);

/* 400 bad_request naming one field (a query parameter, a cursor). */
void gw_reply_bad_field(gw_call_t *call, const char *field, const char *code);

/* 400 validation_failed naming one body field and its code. */
void gw_reply_invalid(gw_call_t *call, const char *field, const char *code);

/* An empty answer (204). */
void gw_reply_empty(gw_call_t *call, int status);

/* The body as a JSON object: 0 with *out (caller owns it); -1 after
 * answering 400 malformed_json / bad_request. An empty body is {} when the
 * route allows it. */
int gw_call_body_json(gw_call_t *call, json_t **out);

/* The body decoded into the route's `request` message with its `required`
 * paths (jsonpb): 0 with *out (free with protobuf_c_message_free_unpacked),
 * or -1 after answering 400. `wipe`: the JSON copy's strings are zeroed
 * before they are freed (passwords); the caller wipes the message's. */
int gw_call_body_msg(gw_call_t *call, ProtobufCMessage **out, int wipe);

/* Holds the call's request across an asynchronous step; release returns 1
 * when the call can still be answered, 0 when it is gone (do not touch it). */
void gw_call_hold(gw_call_t *call);
int gw_call_release(gw_call_t *call);

/* The client address used for per-address limits: the peer, or the last
 * X-Forwarded-For hop when the peer is gateway.trusted_proxy. */
void gw_call_client(const gw_call_t *call, char *out, size_t outsz);

/* ---- http/pipeline.c: failed authentications per client address --------------- */

/* 1 when the call's client may still try to authenticate; 0 after
 * answering 429 too_many_failures (no database query was made). */
int gw_fail_check(gw_call_t *call);

/* Counts a failed authentication against the call's client. */
void gw_fail_count(gw_call_t *call);

#endif

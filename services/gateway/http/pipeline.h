/* pipeline: the order every request goes through, as http hooks: route
 * (404/405), body headers (400/411/413/415), body, authentication (401/503),
 * rate limit (429), role and district (403), query string (400), handler;
 * and at the end one log line and the metrics. A route flagged
 * ACCESS_FEED_TOKEN called without credentials reads its query first: the
 * feed token is there. Never logs bodies, tokens, keys or query strings. */
#ifndef GW_PIPELINE_H
#define GW_PIPELINE_H

#include <stdint.h>
#include "gw.h"

/* The hooks to give http_server_new, with the gw_t as their argument. */
void pipeline_hooks(http_hooks_t *out);

/* 1 when a Content-Type names JSON: "application/json" with optional
 * parameters, any case. Pure. */
int pipeline_is_json(const char *content_type);

/* A Content-Length value: digits only, no sign, fits 64 bits. 0 or -1. Pure. */
int pipeline_content_length(const char *text, uint64_t *out);

/* Writes a request path fit for a log line: at most `outsz`-1 bytes, any
 * character outside [A-Za-z0-9/._-{}] replaced by '_'. Pure. */
void pipeline_log_path(const char *path, char *out, size_t outsz);

#endif

/* rawhttp: one HTTP/1.1 exchange over a plain socket with the harness's
 * gateway, bytes exactly as the test wrote them (a NUL in a header, a
 * negative Content-Length, a 100 KB header: what libcurl would not send),
 * and the answer's status line, headers and body as they came. Test code
 * only. */
#ifndef LIANXIN_RAWHTTP_H
#define LIANXIN_RAWHTTP_H

#include <stddef.h>
#include "harness.h"

typedef struct rawhttp_resp {
    int status;                     /* 0 when no status line came */
    char *head;                     /* status line and headers, NUL-terminated */
    char *body;                     /* the rest, NUL-terminated (never NULL after a call) */
    size_t body_len;
} rawhttp_resp_t;

/* Sends `len` bytes of `req` to the gateway and reads until the server
 * closes (send "Connection: close") or `timeout_ms` passes. 0 when a status
 * line came, -1 otherwise. Clear `out` with rawhttp_clear. */
int rawhttp_exchange(harness_t *h, const char *req, size_t len, int timeout_ms,
                     rawhttp_resp_t *out);
void rawhttp_clear(rawhttp_resp_t *r);

/* The value of header `name` (case-insensitive) into `out`; NULL when absent. */
const char *rawhttp_header(const rawhttp_resp_t *r, const char *name, char *out, size_t outsz);

/* "GET <path> HTTP/1.1" with Host, Connection: close and, when `token` is
 * set, Authorization: Bearer <token>: a request text (malloc'd). */
char *rawhttp_get_text(const char *path, const char *token);

#endif

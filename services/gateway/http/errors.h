/* errors: the API's error bodies, {"error":{"code","message","fields"}}, and
 * the default machine code of each HTTP status. Pure: no I/O, and never puts
 * a request's values into a message (fields name paths, never contents). */
#ifndef GW_ERRORS_H
#define GW_ERRORS_H

#include <jansson.h>

typedef struct errors_field {
    const char *field;              /* dotted path: "visitor.phone" */
    const char *code;               /* required, wrong_type, too_long ... */
} errors_field_t;

/* The machine code an error of `status` gets when the caller names none:
 * 400 bad_request, 401 unauthenticated, 403 forbidden, 404 not_found, 405
 * method_not_allowed, 409 conflict, 411 length_required, 413
 * body_too_large, 415 unsupported_media_type, 422 unprocessable, 423
 * account_locked, 429 rate_limited, 502 bad_gateway, 503 unavailable;
 * anything else "internal". */
const char *errors_code(int status);

/* A short lower-case message for `status`, used when the caller names none. */
const char *errors_message(int status);

/* A new error body (caller owns the reference). `code` and `message` NULL take
 * the defaults for `status`; `fields` (n of them, may be NULL) are added as an
 * object only when n > 0. A field named twice keeps its first code. NULL only
 * when out of memory. */
json_t *errors_json(int status, const char *code, const char *message,
                    const errors_field_t *fields, int n);

/* The whole body as compact UTF-8 text, malloc'd; NULL when out of memory. */
char *errors_text(int status, const char *code, const char *message,
                  const errors_field_t *fields, int n);

#endif

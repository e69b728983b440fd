/* errors: builds the API's error bodies. Pure; the messages are fixed,
 * short, lower-case English and never echo what the client sent. */

#include <stdlib.h>
#include "http/errors.h"

typedef struct status_info {
    int status;
    const char *code;
    const char *message;
} status_info_t;

static const status_info_t s_statuses[] = {
    {400, "bad_request", "bad request"},
    {401, "unauthenticated", "authentication required"},
    {403, "forbidden", "not allowed"},
    {404, "not_found", "not found"},
    {405, "method_not_allowed", "method not allowed"},
    {409, "conflict", "conflict"},
    {411, "length_required", "content-length required"},
    {413, "body_too_large", "request body too large"},
    {415, "unsupported_media_type", "body must be application/json"},
    {422, "unprocessable", "request cannot be processed"},
    {423, "account_locked", "account locked, try again later"},
    {429, "rate_limited", "too many requests"},
    {502, "bad_gateway", "service answered nonsense"},
    {503, "unavailable", "service unavailable, try again"},
};

static const status_info_t *s_find(int status)
{
    for (size_t i = 0; i < sizeof s_statuses / sizeof s_statuses[0]; i++)
        if (s_statuses[i].status == status)
            return &s_statuses[i];
    return NULL;
}

const char *errors_code(int status)
{
    const status_info_t *si = s_find(status);
    return si ? si->code : "internal";
}

const char *errors_message(int status)
{
    const status_info_t *si = s_find(status);
    return si ? si->message : "internal error";
}

json_t *errors_json(int status, const char *code, const char *message,
                    const errors_field_t *fields, int n)
{
    json_t *err = json_object();
    json_t *root = json_object();
    if (!err || !root)
        goto fail;
    if (json_object_set_new(err, "code", json_string(code ? code : errors_code(status))) ||
        json_object_set_new(err, "message",
                            json_string(message ? message : errors_message(status))))
        goto fail;
    if (n > 0 && fields) {
        json_t *fo = json_object();
        if (!fo || json_object_set_new(err, "fields", fo))
            goto fail;
        for (int i = 0; i < n; i++) {
            if (!fields[i].field || !fields[i].code || json_object_get(fo, fields[i].field))
                continue;
            if (json_object_set_new(fo, fields[i].field, json_string(fields[i].code)))
                goto fail;
        }
    }
    if (json_object_set_new(root, "error", err) == 0)
        return root;
    err = NULL;
fail:
    json_decref(err);
    json_decref(root);
    return NULL;
}

char *errors_text(int status, const char *code, const char *message,
                  const errors_field_t *fields, int n)
{
    json_t *j = errors_json(status, code, message, fields, n);
    if (!j)
        return NULL;
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    return text;
}

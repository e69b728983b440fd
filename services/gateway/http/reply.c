/* reply: how the gateway answers: JSON bodies, the error shape, the
 * asynchronous hold/release of a call. Never puts request values into
 * messages, and never answers a call twice (http.c refuses). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "http/errors.h"
#include "gw.h"

static const char *const s_json_type = "application/json; charset=utf-8";

void gw_reply_json(gw_call_t *call, int status, json_t *body)
{
    static const char *const headers[] = {"Cache-Control", "no-store", NULL};
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (!text) {
        http_respond(call->req, 500, s_json_type, "", 0, headers);
        return;
    }
    http_respond(call->req, status, s_json_type, text, strlen(text), headers);
    free(text);
}

static void s_reply_error_body(gw_call_t *call, int status, char *text,
                               const char *const *extra)
{
    const char *h[16];
    size_t n = 0;
    int has_retry = 0;
    h[n++] = "Cache-Control";
    h[n++] = "no-store";
    for (size_t i = 0; extra && extra[i] && extra[i + 1] && n + 4 < 16; i += 2) {
        if (strcasecmp(extra[i], "Retry-After") == 0)
            has_retry = 1;
        h[n++] = extra[i];
        h[n++] = extra[i + 1];
    }
    if ((status == 503 || status == 429) && !has_retry) {
        h[n++] = "Retry-After";
        h[n++] = "1";
    }
    h[n] = NULL;
    if (!text)
        http_respond(call->req, status, s_json_type, "", 0, h);
    else
        http_respond(call->req, status, s_json_type, text, strlen(text), h);
    free(text);
}

void gw_reply_error(gw_call_t *call, int status, const char *code, const char *message,
                    const char *const *headers)
{
    s_reply_error_body(call, status, errors_text(status, code, message, NULL, 0), headers);
}

void gw_reply_jsonpb_errors(gw_call_t *call, const jsonpb_errors_t *errs)
{
    errors_field_t f[JSONPB_MAX_ERRORS];
    int n = 0;
    for (int i = 0; i < errs->n && i < JSONPB_MAX_ERRORS; i++) {
        f[n].field = errs->e[i].field;
        f[n].code = errs->e[i].code;
        n++;
    }
    s_reply_error_body(call, 400,
                       errors_text(400, "validation_failed", "request is not valid", f, n),
                       NULL);
}

void gw_reply_bad_field(gw_call_t *call, const char *field, const char *code)
{
    errors_field_t f = {field, code};
    s_reply_error_body(call, 400, errors_text(400, "bad_request", "bad request parameter", &f, 1),
                       NULL);
}

void gw_reply_invalid(gw_call_t *call, const char *field, const char *code)
{
    errors_field_t f = {field, code};
    s_reply_error_body(call, 400, errors_text(400, "validation_failed", "validation failed", &f,
                                              1), NULL);
}

void gw_reply_empty(gw_call_t *call, int status)
{
    static const char *const headers[] = {"Cache-Control", "no-store", NULL};
    http_respond(call->req, status, NULL, "", 0, headers);
}

int gw_call_body_json(gw_call_t *call, json_t **out)
{
    size_t len;
    const char *body = http_req_body(call->req, &len);
    json_error_t jerr;
    if (len == 0 && call->route->body_optional) {
        *out = json_object();
        return *out ? 0 : -1;
    }
    json_t *j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!j) {
        gw_reply_error(call, 400, "malformed_json", len ? "body is not valid json"
                                                        : "body required", NULL);
        return -1;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        gw_reply_error(call, 400, "bad_request", "body must be a json object", NULL);
        return -1;
    }
    *out = j;
    return 0;
}

/* Zeroes the top-level string values of `j` (passwords) before jansson
 * frees them. */
static void s_wipe_strings(json_t *j)
{
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v) {
        if (json_is_string(v))
            explicit_bzero((char *) json_string_value(v), json_string_length(v));
    }
}

int gw_call_body_msg(gw_call_t *call, ProtobufCMessage **out, int wipe)
{
    json_t *body;
    jsonpb_errors_t errs;
    memset(&errs, 0, sizeof errs);
    *out = NULL;
    if (gw_call_body_json(call, &body) != 0)
        return -1;
    *out = jsonpb_decode(call->route->request, body, call->route->required, &errs);
    if (wipe)
        s_wipe_strings(body);
    json_decref(body);
    if (*out)
        return 0;
    if (errs.n == 0)
        gw_reply_error(call, 400, "validation_failed", "request is not valid", NULL);
    else
        gw_reply_jsonpb_errors(call, &errs);
    return -1;
}

void gw_call_hold(gw_call_t *call)
{
    http_req_hold(call->req);
}

int gw_call_release(gw_call_t *call)
{
    return http_req_release(call->req);
}

void gw_call_client(const gw_call_t *call, char *out, size_t outsz)
{
    const char *peer = http_req_peer(call->req);
    const char *xff = http_req_header(call->req, "X-Forwarded-For");
    const char *proxy = call->gw->set.trusted_proxy;
    if (proxy[0] && xff && strcmp(peer, proxy) == 0) {
        const char *last = strrchr(xff, ',');
        last = last ? last + 1 : xff;
        while (*last == ' ')
            last++;
        snprintf(out, outsz, "%.45s", last);
        return;
    }
    snprintf(out, outsz, "%s", peer);
}

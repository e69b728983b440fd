/* forward: JSON -> Command -> service -> Reply -> JSON. The conversion is
 * generic over the protobuf-c descriptors of the route's row (its request
 * and its reply); no message has hand-written code here, and no list of
 * message types either. Never logs payloads or actors beyond the user id. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "calendar.pb-c.h"
#include "cmd_client.h"
#include "common.pb-c.h"
#include "http/errors.h"
#include "forward.h"
#include "intake.pb-c.h"
#include "jsonpb.h"
#include "log.h"
#include "notify.pb-c.h"
#include "api/intake.h"

typedef struct fwd_service {
    char name[32];
    cmd_client_t *client;
} fwd_service_t;

struct forward {
    int n;
    fwd_service_t s[FORWARD_MAX_SERVICES];
};

/* ---- the reply ----------------------------------------------------------------- */

static json_t *s_reply_error(const Lianxin__V1__Reply *reply, int status)
{
    errors_field_t f[CMD_MAX_FIELDS];
    int n = 0;
    for (size_t i = 0; i < reply->n_fields && n < CMD_MAX_FIELDS; i++) {
        if (!reply->fields[i])
            continue;
        f[n].field = reply->fields[i]->field;
        f[n].code = reply->fields[i]->code;
        n++;
    }
    const char *code = reply->error_code && *reply->error_code ? reply->error_code : NULL;
    const char *msg = reply->message && *reply->message ? reply->message : NULL;
    return errors_json(status, code, msg, f, n);
}

json_t *forward_reply_json(const Lianxin__V1__Reply *reply,
                           const ProtobufCMessageDescriptor *type, int *status)
{
    int st = reply->status;
    if (st < 200 || st > 599) {
        *status = 502;
        return errors_json(502, "bad_gateway", "service answered nonsense", NULL, 0);
    }
    *status = st;
    if (st < 400 && reply->error_code && *reply->error_code)
        *status = st = 500;             /* a success that names an error: a bug */
    if (st >= 400)
        return s_reply_error(reply, st);
    if (!reply->payload_type || !*reply->payload_type)
        return st == 204 ? NULL : json_object();
    const ProtobufCMessageDescriptor *d =
        type && strcmp(type->name, reply->payload_type) == 0 ? type : NULL;
    ProtobufCMessage *m = d ? protobuf_c_message_unpack(d, NULL, reply->payload.len,
                                                        reply->payload.data) : NULL;
    json_t *j = m ? jsonpb_encode(m) : NULL;
    if (m)
        protobuf_c_message_free_unpacked(m, NULL);
    if (!j) {
        *status = 502;
        return errors_json(502, "bad_gateway", "service answered nonsense", NULL, 0);
    }
    return j;
}

/* ---- sending ------------------------------------------------------------------- */

static fwd_service_t *s_service(forward_t *self, const char *type)
{
    const char *dot = strchr(type, '.');
    size_t len = dot ? (size_t) (dot - type) : strlen(type);
    for (int i = 0; i < self->n; i++)
        if (strlen(self->s[i].name) == len && strncmp(self->s[i].name, type, len) == 0)
            return &self->s[i];
    return NULL;
}

static void s_on_reply(const Lianxin__V1__Reply *reply, int err, void *arg)
{
    gw_call_t *call = arg;
    if (!gw_call_release(call))
        return;
    if (!reply) {
        if (err == UV_ETIMEDOUT)
            log_warn("command timed out", "type=%s", call->route->command);
        gw_reply_error(call, 503, NULL, err == UV_ETIMEDOUT ? "service did not answer in time"
                                                            : "service unavailable", NULL);
        return;
    }
    int status;
    json_t *body = forward_reply_json(reply, call->route->reply, &status);
    if (body)
        gw_reply_json(call, status, body);
    else
        gw_reply_empty(call, status);
}

/* Packs `msg` and sends it as the call's command. 0, or -1 after answering. */
static int s_send(gw_call_t *call, const ProtobufCMessage *msg)
{
    return forward_command(call, call->route->command, msg, s_on_reply);
}

int forward_command(gw_call_t *call, const char *type, const ProtobufCMessage *msg,
                    cmd_reply_fn *fn)
{
    fwd_service_t *svc = call->gw->fwd ? s_service(call->gw->fwd, type) : NULL;
    size_t len = protobuf_c_message_get_packed_size(msg);
    uint8_t *buf = malloc(len ? len : 1);
    if (!svc || !buf) {
        free(buf);
        gw_reply_error(call, 503, NULL, NULL, NULL);
        return -1;
    }
    protobuf_c_message_pack(msg, buf);
    const principal_t *p = &call->who;
    Lianxin__V1__Actor actor = LIANXIN__V1__ACTOR__INIT;
    actor.user_id = p->user_id;
    actor.username = (char *) p->username;
    actor.role = (char *) p->role;
    actor.district = (char *) p->district;
    actor.member_id = p->member_id;
    actor.unit_id = p->unit_id;
    Lianxin__V1__Command cmd = LIANXIN__V1__COMMAND__INIT;
    cmd.type = (char *) type;
    cmd.actor = &actor;
    /* A path without {d} (the installation-wide calendar) commands in the
     * actor's home district: its audit rows join that district's chain, and
     * an admin's ("") is the installation's own chain. */
    cmd.district = (char *) (call->district ? call->district : p->district);
    cmd.payload.data = buf;
    cmd.payload.len = len;
    const char *id = router_param(&call->params, "id");
    if (!id)
        id = router_param(&call->params, "year");
    cmd.object_id = (char *) (id ? id : "");
    gw_call_hold(call);
    int rc = cmd_client_send(svc->client, &cmd, call->gw->set.command_timeout_ms, fn, call);
    free(buf);
    if (rc != 0) {
        gw_call_release(call);
        gw_reply_error(call, 503, NULL, "service unavailable", NULL);
        return -1;
    }
    return 0;
}

void forward_handle(gw_call_t *call)
{
    json_t *body;
    if (gw_call_body_json(call, &body) != 0)
        return;
    forward_handle_json(call, body);
}

void forward_handle_json(gw_call_t *call, json_t *body)
{
    jsonpb_errors_t errs;
    memset(&errs, 0, sizeof errs);
    ProtobufCMessage *msg = jsonpb_decode(call->route->request, body, call->route->required,
                                          &errs);
    json_decref(body);
    if (!msg) {
        if (errs.n == 0)
            gw_reply_error(call, 400, "validation_failed", "request is not valid", NULL);
        else
            gw_reply_jsonpb_errors(call, &errs);
        return;
    }
    s_send(call, msg);
    protobuf_c_message_free_unpacked(msg, NULL);
}

/* ---- life ---------------------------------------------------------------------- */

forward_t *forward_new(uv_loop_t *loop, void *zctx, const config_t *cfg)
{
    char services[FORWARD_MAX_SERVICES][CONFIG_NAME_MAX];
    int n = config_services(cfg, services, FORWARD_MAX_SERVICES);
    forward_t *self = n > 0 ? calloc(1, sizeof *self) : NULL;
    if (!self)
        return NULL;
    for (int i = 0; i < n; i++) {
        char key[64];
        snprintf(key, sizeof key, "%.31s.endpoint", services[i]);
        const char *ep = config_get(cfg, key, NULL);
        fwd_service_t *s = &self->s[self->n];
        snprintf(s->name, sizeof s->name, "%.31s", services[i]);
        curve_client_t keys;        /* the gateway's pair, the service's public key */
        int keyed = curve_client_from_config(cfg, "gateway", services[i], &keys) == 0;
        s->client = keyed && ep && *ep ? cmd_client_new(loop, zctx, ep, &keys) : NULL;
        if (!s->client) {
            log_error("cannot start command client", "service=%s key=%s", services[i], key);
            forward_destroy(&self);
            return NULL;
        }
        self->n++;
    }
    return self;
}

void forward_destroy(forward_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    forward_t *self = *self_p;
    *self_p = NULL;
    for (int i = 0; i < self->n; i++)
        cmd_client_destroy(&self->s[i].client);
    free(self);
}

size_t forward_in_flight(const forward_t *self)
{
    size_t n = 0;
    for (int i = 0; self && i < self->n; i++)
        n += cmd_client_pending(self->s[i].client);
    return n;
}

int forward_timeouts(const forward_t *self, const char **names, uint64_t *counts, int max)
{
    int n = 0;
    for (int i = 0; self && i < self->n && n < max; i++, n++) {
        names[n] = self->s[i].name;
        counts[n] = cmd_client_timeouts(self->s[i].client);
    }
    return n;
}

/* ---- handlers that amend the body ------------------------------------------------------- */

/* Refuses a body that names a field the gateway sets itself. */
static int s_reserved(gw_call_t *call, json_t *body, const char *key)
{
    if (!json_object_get(body, key))
        return 0;
    json_decref(body);
    gw_reply_bad_field(call, key, "unknown_field");
    return -1;
}

void forward_edit(gw_call_t *call)
{
    json_t *body, *present, *v;
    const char *key;
    if (gw_call_body_json(call, &body) != 0 || s_reserved(call, body, "present") != 0)
        return;
    present = json_array();
    json_object_foreach(body, key, v)
        json_array_append_new(present, json_string(key));
    json_object_set_new(body, "present", present);
    forward_handle_json(call, body);
}

void forward_transition(gw_call_t *call)
{
    json_t *body;
    char event[32];
    const char *path = http_req_path(call->req), *slash = strrchr(path, '/');
    if (gw_call_body_json(call, &body) != 0 || s_reserved(call, body, "event") != 0)
        return;
    snprintf(event, sizeof event, "%s", slash ? slash + 1 : "");
    for (char *p = event; *p; p++)
        if (*p == '-')
            *p = '_';
    json_object_set_new(body, "event", json_string(event));
    forward_handle_json(call, body);
}

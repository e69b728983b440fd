/* forward: the write path. A command route's JSON body becomes its protobuf
 * (jsonpb, with the route's required fields), travels as a Command with the
 * caller as actor over cmd_client (one client per service, from
 * `<service>.endpoint`), and the Reply becomes the HTTP answer. Never waits
 * longer than gateway.command_timeout_ms: no answer is 503 with Retry-After. */
#ifndef GW_FORWARD_H
#define GW_FORWARD_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <uv.h>
#include "config.h"
#include "cmd_client.h"
#include "envelope.pb-c.h"
#include "gw.h"

#define FORWARD_MAX_SERVICES 8

/* Clients for the installation's services (config key `services`), each at
 * its `<name>.endpoint` (one endpoint, or several comma-separated). NULL
 * (logged) when the list is missing or longer than FORWARD_MAX_SERVICES, an
 * endpoint is missing, or a client cannot start. */
forward_t *forward_new(uv_loop_t *loop, void *zctx, const config_t *cfg);

/* Answers every pending command with 503 and frees. Idempotent. */
void forward_destroy(forward_t **self_p);

/* The handler of every command route. */
void forward_handle(gw_call_t *call);

/* The same with the body already read (and maybe amended by the caller):
 * `body` (a reference taken) becomes the command's payload. */
void forward_handle_json(gw_call_t *call, json_t *body);

/* An edit route's handler: the body with "present" added, the names of
 * the fields it holds (so the service changes only those); a body naming
 * "present" itself is refused 400 unknown_field. */
void forward_edit(gw_call_t *call);

/* A transition route's handler: the body with "event" set to the path's
 * last segment ('-' read as '_'), so one command serves a machine's events;
 * a body naming "event" itself is refused 400 unknown_field. */
void forward_transition(gw_call_t *call);

/* Sends `msg` as command `type` for the call (actor; the path's district,
 * else the actor's home district; the path's {id}, else its {year}, as
 * object_id) and has `fn` called with the call as its argument; `fn` must start
 * with gw_call_release(call) and answer the call. 0, or -1 after answering
 * 503. */
int forward_command(gw_call_t *call, const char *type, const ProtobufCMessage *msg,
                    cmd_reply_fn *fn);

/* Commands in flight, and per service the count of replies that never came. */
size_t forward_in_flight(const forward_t *self);
int forward_timeouts(const forward_t *self, const char **names, uint64_t *counts, int max);

/* The HTTP answer of a Reply: *status and a new JSON body (NULL for an empty
 * answer, e.g. 204). Errors take the API's error shape with the reply's field
 * errors; a payload is unpacked with `type`, the reply descriptor of the
 * route row that sent the command, and encoded with jsonpb. A reply that
 * makes no sense (a status outside 200-599, a payload_type other than
 * `type`'s name, bytes that do not unpack) answers 502 bad_gateway; a status
 * below 400 with an error code answers 500 with that code. Pure. */
json_t *forward_reply_json(const Lianxin__V1__Reply *reply,
                           const ProtobufCMessageDescriptor *type, int *status);

#endif

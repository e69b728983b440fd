/* cmd: command outcomes, the helpers every service's handlers share (see
 * cmd.h), and the socket helpers both ends of the channel use (cmd_int.h).
 * The client is cmd_client.c, the server cmd_server.c, the group-commit
 * engine cmd_run.c. Never logs payloads, actors or messages; never blocks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "cmd.h"
#include "cmd_int.h"
#include "db.h"
#include "log.h"
#include "roles.h"
#include "textfmt.h"

/* Wire: the client sends [empty delimiter, packed Command]; the ROUTER sees
 * [identity, empty, Command] and answers [identity, empty, packed Reply]. A
 * bare [identity, Command] is accepted too and answered the same way. */

#define CMD_PAYLOAD_MAX (CMD_MAX_MSG - 8192)   /* room for the Reply envelope */
#define CMD_HWM 10000

/* ---- helpers ------------------------------------------------------------- */

/* Copies `src` into `dst` (size > 0), truncating on a UTF-8 character
 * boundary so a cut never yields an invalid string on the wire. */
static void
s_copy(char *dst, size_t size, const char *src)
{
    size_t n = textfmt_utf8_prefix(src, size - 1);
    if (n > 0)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

int
cmd__socket_opts(void *sock)
{
    int64_t maxmsg = CMD_MAX_MSG;
    int linger = 0, hwm = CMD_HWM;
    if (zmq_setsockopt(sock, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg) != 0
        || zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger) != 0
        || zmq_setsockopt(sock, ZMQ_SNDHWM, &hwm, sizeof hwm) != 0
        || zmq_setsockopt(sock, ZMQ_RCVHWM, &hwm, sizeof hwm) != 0)
        return -1;
    return 0;
}

int
cmd__recv_frames(void *sock, zmq_msg_t *parts, int max)
{
    int n = 0;
    for (;;) {
        zmq_msg_t scratch;
        zmq_msg_t *m = n < max ? &parts[n] : &scratch;
        zmq_msg_init(m);
        if (zmq_msg_recv(m, sock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(m);
            return n;
        }
        int more = zmq_msg_more(m);
        if (n >= max)
            zmq_msg_close(m);
        n++;
        if (!more)
            return n;
    }
}

void
cmd__close_frames(zmq_msg_t *parts, int n, int max)
{
    for (int i = 0; i < n && i < max; i++)
        zmq_msg_close(&parts[i]);
}

/* ---- outcome of one command ---------------------------------------------- */

void
cmd__clear_result(cmd_result_t *res)
{
    free(res->payload);
    memset(res, 0, sizeof *res);
}

static void
s_drop_payload(cmd_result_t *res)
{
    free(res->payload);
    res->payload = NULL;
    res->payload_len = 0;
    res->payload_type[0] = '\0';
}

int
cmd_fail(cmd_result_t *res, int status, const char *code, const char *message)
{
    if (!res)
        return -1;
    s_drop_payload(res);
    res->status = status;
    s_copy(res->error_code, sizeof res->error_code, code);
    s_copy(res->message, sizeof res->message, message);
    return -1;
}

int
cmd_field_error(cmd_result_t *res, const char *field, const char *code)
{
    if (!res)
        return -1;
    if (res->error_code[0] == '\0')
        cmd_fail(res, 400, "validation_failed", "validation failed");
    if (res->nfields < 0)
        res->nfields = 0;
    if (res->nfields < CMD_MAX_FIELDS && field && code) {
        s_copy(res->fields[res->nfields].field, sizeof res->fields[0].field, field);
        s_copy(res->fields[res->nfields].code, sizeof res->fields[0].code, code);
        res->nfields++;
    }
    return -1;
}

/* Packs `msg` as the payload; a NULL `msg` means an empty payload. A reply
 * that would not fit in CMD_MAX_MSG is a 500 (-1), never a truncation. */
int
cmd_ok(cmd_result_t *res, int status, const ProtobufCMessage *msg)
{
    if (!res)
        return -1;
    s_drop_payload(res);
    res->status = status;
    res->error_code[0] = res->message[0] = '\0';
    res->nfields = 0;
    if (!msg)
        return 0;
    const char *name = msg->descriptor->name;
    size_t size = protobuf_c_message_get_packed_size(msg);
    if (strlen(name) >= sizeof res->payload_type || size > CMD_PAYLOAD_MAX)
        return cmd_fail(res, 500, "internal", "reply too large");
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf)
        return cmd_fail(res, 503, "unavailable", "out of memory");
    protobuf_c_message_pack(msg, buf);
    res->payload = buf;
    res->payload_len = size;
    s_copy(res->payload_type, sizeof res->payload_type, name);
    return 0;
}

/* ---- what every handler shares ------------------------------------------ */

int
cmd_object_id(const cmd_ctx_t *ctx, int64_t *id)
{
    const char *s = ctx->cmd->object_id;
    char *end = NULL;
    if (!s || *s < '0' || *s > '9' || strlen(s) > 18)
        return -1;
    long long v = strtoll(s, &end, 10);
    if (*end || v <= 0)
        return -1;
    *id = v;
    return 0;
}

int
cmd_db_fail(tx_t *tx, cmd_result_t *res, const char *what)
{
    db_t *db = tx_db(tx);
    if (db_broken(db))
        return cmd_fail(res, 503, "unavailable", "database unavailable");
    log_error("statement failed", "what=%s sqlstate=%s error=\"%s\"", what, db_sqlstate(db),
              db_error(db));
    return cmd_fail(res, 500, "internal", "internal error");
}

int
cmd_record(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res, const char *type,
           const ProtobufCMessage *msg, const char *action, const char *object_type,
           int64_t object_id)
{
    int rc = tx_record(tx, ctx->cmd->district, ctx->cmd->actor, type, msg, action, object_type,
                       object_id);
    if (rc != 0)
        cmd_fail(res, 500, "internal", "internal error");
    return rc;
}

int cmd_fsm_gate(const fsm_t *m, int state, unsigned flags, int event, const cmd_ctx_t *ctx,
                 const void *subject, cmd_result_t *res)
{
    fsm_verdict_t v;
    char msg[200];
    unsigned role = role_bit(ctx->cmd->actor->role);
    if (!role)
        return cmd_fail(res, 403, "forbidden", "role not allowed");
    if (fsm_check(m, state, flags, event, role, subject, &v) == FSM_OK)
        return 0;
    int status = fsm_explain(m, &v, state, event, ctx->cmd->actor->role, msg, sizeof msg);
    return cmd_fail(res, status, fsm_error_code(v.result), msg);
}

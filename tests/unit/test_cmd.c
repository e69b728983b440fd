/* test_cmd: cmd's outcome helpers, a handler row's roles and district (cmd_access),
 * zwatch, a cmd_client against a scripted ROUTER, the cmd_server's loop-side answers
 * (403 from the row before validate runs), and bus pub/sub through a real zmq_proxy,
 * all in one process. Never needs PostgreSQL; binds only 127.0.0.1:* and inproc. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "bus.h"
#include "cmd_client.h"
#include "cmd_server.h"
#include "common.pb-c.h"
#include "envelope.pb-c.h"
#include "zwatch.h"

/* PostgreSQL is never there: port 1 on loopback refuses at once. */
#define NO_DB "host=127.0.0.1 port=1 dbname=none user=none connect_timeout=2"

static int64_t
s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
s_tick(uv_timer_t *t)
{
    (void) t;
}

/* Runs `loop` until *counter reaches `target` or `ms` pass. 1 if reached. */
static int
s_run_until(uv_loop_t *loop, const int *counter, int target, uint64_t ms)
{
    uv_timer_t tick;
    uv_timer_init(loop, &tick);
    uv_timer_start(&tick, s_tick, 5, 5);
    uv_update_time(loop);
    uint64_t end = uv_now(loop) + ms;
    while (*counter < target && uv_now(loop) < end)
        uv_run(loop, UV_RUN_ONCE);
    uv_close((uv_handle_t *) &tick, NULL);
    uv_run(loop, UV_RUN_NOWAIT);
    return *counter >= target;
}

/* Closes whatever is left and checks that every handle was closed. */
static void
s_loop_finish(uv_loop_t *loop)
{
    for (int i = 0; i < 50 && uv_loop_alive(loop); i++)
        uv_run(loop, UV_RUN_NOWAIT);
    assert_int_equal(uv_loop_close(loop), 0);
}

/* ==== pure parts ========================================================= */

static void
test_fail_sets_outcome(void **state)
{
    (void) state;
    cmd_result_t res;
    memset(&res, 0, sizeof res);
    assert_int_equal(cmd_fail(&res, 409, "conflict", "already exists"), -1);
    assert_int_equal(res.status, 409);
    assert_string_equal(res.error_code, "conflict");
    assert_string_equal(res.message, "already exists");
    assert_int_equal(res.nfields, 0);
    assert_null(res.payload);
    assert_int_equal(cmd_fail(&res, 503, NULL, NULL), -1);
    assert_string_equal(res.error_code, "");
    assert_string_equal(res.message, "");
    assert_int_equal(cmd_fail(NULL, 400, "x", "y"), -1);
}

static void
test_fail_truncates_on_char_boundary(void **state)
{
    (void) state;
    cmd_result_t res;
    memset(&res, 0, sizeof res);
    char longcode[200], han[400] = "";
    memset(longcode, 'a', sizeof longcode - 1);
    longcode[sizeof longcode - 1] = '\0';
    for (int i = 0; i < 100; i++)
        strcat(han, "\xe4\xb8\xad");            /* U+4E2D, 3 bytes */
    cmd_fail(&res, 400, longcode, longcode);
    assert_int_equal(strlen(res.error_code), sizeof res.error_code - 1);
    assert_int_equal(strlen(res.message), sizeof res.message - 1);
    cmd_fail(&res, 400, han, han);
    /* 31 and 159 bytes would cut a character: whole characters only. */
    assert_int_equal(strlen(res.error_code), 30);
    assert_int_equal(strlen(res.message), 159);
    assert_memory_equal(res.error_code, han, 30);
}

static void
test_field_error_sets_validation(void **state)
{
    (void) state;
    cmd_result_t res;
    memset(&res, 0, sizeof res);
    assert_int_equal(cmd_field_error(&res, "summary", "required"), -1);
    assert_int_equal(cmd_field_error(&res, "visitor.phone", "invalid"), -1);
    assert_int_equal(res.status, 400);
    assert_string_equal(res.error_code, "validation_failed");
    assert_int_equal(res.nfields, 2);
    assert_string_equal(res.fields[0].field, "summary");
    assert_string_equal(res.fields[0].code, "required");
    assert_string_equal(res.fields[1].field, "visitor.phone");
    assert_string_equal(res.fields[1].code, "invalid");
}

static void
test_field_error_keeps_earlier_error(void **state)
{
    (void) state;
    cmd_result_t res;
    memset(&res, 0, sizeof res);
    cmd_fail(&res, 422, "unprocessable", "unknown workroom");
    cmd_field_error(&res, "workroom_id", "not_found");
    assert_int_equal(res.status, 422);
    assert_string_equal(res.error_code, "unprocessable");
    assert_int_equal(res.nfields, 1);
    assert_string_equal(res.fields[0].field, "workroom_id");
}

static void
test_field_error_limits(void **state)
{
    (void) state;
    cmd_result_t res;
    memset(&res, 0, sizeof res);
    char name[32];
    for (int i = 0; i < CMD_MAX_FIELDS + 5; i++) {
        snprintf(name, sizeof name, "member_ids.%d", i);
        assert_int_equal(cmd_field_error(&res, name, "invalid"), -1);
    }
    assert_int_equal(res.nfields, CMD_MAX_FIELDS);
    assert_string_equal(res.fields[CMD_MAX_FIELDS - 1].field, "member_ids.15");
    char longfield[300];
    memset(longfield, 'f', sizeof longfield - 1);
    longfield[sizeof longfield - 1] = '\0';
    memset(&res, 0, sizeof res);
    cmd_field_error(&res, longfield, "too_long_code_for_the_array_here");
    assert_int_equal(strlen(res.fields[0].field), sizeof res.fields[0].field - 1);
    assert_int_equal(strlen(res.fields[0].code), sizeof res.fields[0].code - 1);
}

static void
test_ok_packs_payload(void **state)
{
    (void) state;
    cmd_result_t res;
    memset(&res, 0, sizeof res);
    cmd_field_error(&res, "x", "required");
    Lianxin__V1__Int64Value v = LIANXIN__V1__INT64_VALUE__INIT;
    v.value = 17;
    assert_int_equal(cmd_ok(&res, 201, &v.base), 0);
    assert_int_equal(res.status, 201);
    assert_string_equal(res.error_code, "");
    assert_int_equal(res.nfields, 0);
    assert_string_equal(res.payload_type, "lianxin.v1.Int64Value");
    assert_non_null(res.payload);
    Lianxin__V1__Int64Value *back =
        lianxin__v1__int64_value__unpack(NULL, res.payload_len, res.payload);
    assert_non_null(back);
    assert_int_equal(back->value, 17);
    lianxin__v1__int64_value__free_unpacked(back, NULL);
    /* A later failure drops the payload. */
    cmd_fail(&res, 503, "unavailable", "commit failed");
    assert_null(res.payload);
    assert_int_equal(res.payload_len, 0);
    assert_string_equal(res.payload_type, "");
}

static void
test_ok_without_message(void **state)
{
    (void) state;
    cmd_result_t res;
    memset(&res, 0, sizeof res);
    assert_int_equal(cmd_ok(&res, 200, NULL), 0);
    assert_int_equal(res.status, 200);
    assert_null(res.payload);
    assert_string_equal(res.payload_type, "");
}

static void
test_ok_refuses_oversized_payload(void **state)
{
    (void) state;
    cmd_result_t res;
    memset(&res, 0, sizeof res);
    char *big = malloc(CMD_MAX_MSG + 1);
    assert_non_null(big);
    memset(big, 'x', CMD_MAX_MSG);
    big[CMD_MAX_MSG] = '\0';
    Lianxin__V1__StringValue s = LIANXIN__V1__STRING_VALUE__INIT;
    s.value = big;
    assert_int_equal(cmd_ok(&res, 200, &s.base), -1);
    assert_int_equal(res.status, 500);
    assert_null(res.payload);
    free(big);
}

/* ==== what a handler row declares (pure) ================================ */

static Lianxin__V1__Actor
s_actor(const char *role, const char *district)
{
    Lianxin__V1__Actor a = LIANXIN__V1__ACTOR__INIT;
    a.user_id = 9;
    a.role = (char *) role;
    a.district = (char *) district;
    return a;
}

/* 0 (allowed) or the status cmd_access answers for `role` of `home` sending
 * a command in `district` to row `h`. */
static int
s_access(const cmd_handler_t *h, const char *role, const char *home, const char *district)
{
    Lianxin__V1__Actor a = s_actor(role, home);
    Lianxin__V1__Command c = LIANXIN__V1__COMMAND__INIT;
    cmd_result_t res;
    memset(&res, 0, sizeof res);
    c.type = (char *) h->type;
    c.district = (char *) district;
    c.actor = role ? &a : NULL;
    if (cmd_access(h, &c, &res) == 0) {
        assert_int_equal(res.status, 0);
        return 0;
    }
    assert_string_equal(res.error_code, "forbidden");
    return res.status;
}

static void
test_access_roles_and_district(void **state)
{
    (void) state;
    /* The roles and district of a row like intake.RecordVisit's. */
    const cmd_handler_t h = { .type = "t.Record", .roles = ROLE_ADMIN | ROLE_OFFICE | ROLE_MEMBER,
                              .flags = CMD_DISTRICT };
    assert_int_equal(s_access(&h, "admin", "", "330303"), 0);        /* city-wide admin */
    assert_int_equal(s_access(&h, "admin", "", "330304"), 0);
    assert_int_equal(s_access(&h, "admin", "330303", "330304"), 403);
    assert_int_equal(s_access(&h, "office", "330303", "330303"), 0);
    assert_int_equal(s_access(&h, "member", "330303", "330303"), 0);
    assert_int_equal(s_access(&h, "office", "330303", "330304"), 403);
    assert_int_equal(s_access(&h, "office", "", "330303"), 403);     /* only admins are city-wide */
    assert_int_equal(s_access(&h, "leader", "330303", "330303"), 403);
    assert_int_equal(s_access(&h, "unit", "330303", "330303"), 403);
    assert_int_equal(s_access(&h, "partner", "330303", "330303"), 403);
    assert_int_equal(s_access(&h, "system", "330303", "330303"), 403);
    assert_int_equal(s_access(&h, NULL, NULL, "330303"), 403);       /* no actor */
    assert_int_equal(s_access(&h, "admin", "", ""), 403);            /* no district */
    assert_int_equal(s_access(&h, "admin", "", NULL), 403);
    /* Without CMD_DISTRICT only the roles count (the calendar's row). */
    const cmd_handler_t cal = { .type = "t.Calendar", .roles = ROLE_ADMIN | ROLE_OFFICE };
    assert_int_equal(s_access(&cal, "admin", "", ""), 0);
    assert_int_equal(s_access(&cal, "office", "330303", "330304"), 0);
    assert_int_equal(s_access(&cal, "member", "330303", "330303"), 403);
    /* A row that declares no roles admits nobody. */
    const cmd_handler_t none = { .type = "t.None" };
    assert_int_equal(s_access(&none, "admin", "", "330303"), 403);
    /* The district rule alone. */
    Lianxin__V1__Actor a = s_actor("admin", NULL);
    assert_true(cmd_district_ok(&a, "330303"));
    a = s_actor("office", "330303");
    assert_true(cmd_district_ok(&a, "330303"));
    assert_false(cmd_district_ok(&a, "3303"));
    assert_false(cmd_district_ok(NULL, "330303"));
}

static void
test_access_names_the_roles(void **state)
{
    (void) state;
    const cmd_handler_t h = { .type = "t.Office", .roles = ROLE_OFFICE | ROLE_ADMIN,
                              .flags = CMD_DISTRICT };
    Lianxin__V1__Actor a = s_actor("leader", "330303");
    Lianxin__V1__Command c = LIANXIN__V1__COMMAND__INIT;
    cmd_result_t res;
    memset(&res, 0, sizeof res);
    c.district = "330303";
    c.actor = &a;
    assert_int_equal(cmd_access(&h, &c, &res), -1);
    assert_int_equal(res.status, 403);
    assert_string_equal(res.message, "only admin, office may send t.Office");
    a = s_actor("office", "330304");
    memset(&res, 0, sizeof res);
    assert_int_equal(cmd_access(&h, &c, &res), -1);
    assert_string_equal(res.message, "not allowed in this district");
}

/* ==== client against a scripted ROUTER =================================== */

enum { SRV_ECHO, SRV_SILENT };

typedef struct {
    void *sock;
    zwatch_t *watch;
    int mode, received;
    int64_t last_budget;
    char last_id[64];
    uint8_t identity[256];
    size_t identity_len;
} fake_srv_t;

typedef struct {
    int calls, err, status;
    char id[64];
} answer_t;

typedef struct {
    uv_loop_t loop;
    void *zctx;
    fake_srv_t srv;
    char endpoint[128];
} chan_t;

static void
s_fake_reply(fake_srv_t *s, const char *id, int status)
{
    Lianxin__V1__Reply r = LIANXIN__V1__REPLY__INIT;
    r.correlation_id = (char *) id;
    r.status = status;
    r.payload_type = "lianxin.v1.Int64Value";
    uint8_t buf[256];
    size_t len = lianxin__v1__reply__pack(&r, buf);
    zmq_send(s->sock, s->identity, s->identity_len, ZMQ_SNDMORE);
    zmq_send(s->sock, "", 0, ZMQ_SNDMORE);
    zmq_send(s->sock, buf, len, 0);
}

static void
s_fake_on_readable(zwatch_t *w, void *sock, void *arg)
{
    (void) w;
    fake_srv_t *s = arg;
    uint8_t buf[4096];
    int id_len = zmq_recv(sock, s->identity, sizeof s->identity, ZMQ_DONTWAIT);
    if (id_len < 0)
        return;
    s->identity_len = (size_t) id_len;
    int delim = zmq_recv(sock, buf, sizeof buf, ZMQ_DONTWAIT);
    int len = zmq_recv(sock, buf, sizeof buf, ZMQ_DONTWAIT);
    assert_int_equal(delim, 0);                 /* [identity, "", Command] */
    assert_true(len > 0);
    Lianxin__V1__Command *c = lianxin__v1__command__unpack(NULL, (size_t) len, buf);
    assert_non_null(c);
    s->received++;
    s->last_budget = c->budget_ms;
    snprintf(s->last_id, sizeof s->last_id, "%s", c->correlation_id);
    if (s->mode == SRV_ECHO)
        s_fake_reply(s, c->correlation_id, 201);
    lianxin__v1__command__free_unpacked(c, NULL);
}

static int
s_chan_setup(void **state)
{
    chan_t *ch = calloc(1, sizeof *ch);
    assert_non_null(ch);
    assert_int_equal(uv_loop_init(&ch->loop), 0);
    ch->zctx = zmq_ctx_new();
    ch->srv.sock = zmq_socket(ch->zctx, ZMQ_ROUTER);
    int linger = 0;
    zmq_setsockopt(ch->srv.sock, ZMQ_LINGER, &linger, sizeof linger);
    assert_int_equal(zmq_bind(ch->srv.sock, "tcp://127.0.0.1:*"), 0);
    size_t len = sizeof ch->endpoint;
    zmq_getsockopt(ch->srv.sock, ZMQ_LAST_ENDPOINT, ch->endpoint, &len);
    ch->srv.watch = zwatch_new(&ch->loop, ch->srv.sock, s_fake_on_readable, &ch->srv);
    assert_non_null(ch->srv.watch);
    *state = ch;
    return 0;
}

static int
s_chan_teardown(void **state)
{
    chan_t *ch = *state;
    zwatch_destroy(&ch->srv.watch);
    assert_null(ch->srv.watch);
    zwatch_destroy(&ch->srv.watch);             /* idempotent */
    zmq_close(ch->srv.sock);
    s_loop_finish(&ch->loop);
    zmq_ctx_term(ch->zctx);
    free(ch);
    return 0;
}

static void
s_on_answer(const Lianxin__V1__Reply *reply, int err, void *arg)
{
    answer_t *a = arg;
    a->calls++;
    a->err = err;
    a->status = reply ? reply->status : 0;
    snprintf(a->id, sizeof a->id, "%s", reply ? reply->correlation_id : "");
}

/* Sends, retrying while the TCP connection is still being set up
 * (ZMQ_IMMEDIATE refuses until then). Returns the last result. */
static int
s_send_when_connected(uv_loop_t *loop, cmd_client_t *c, Lianxin__V1__Command *cmd,
                      int timeout_ms, answer_t *a)
{
    int rc = UV_EAGAIN, never = 0;
    for (int i = 0; i < 400 && rc == UV_EAGAIN; i++) {
        rc = cmd_client_send(c, cmd, timeout_ms, s_on_answer, a);
        if (rc == UV_EAGAIN)
            s_run_until(loop, &never, 1, 5);
    }
    return rc;
}

static void
test_client_gets_reply(void **state)
{
    chan_t *ch = *state;
    cmd_client_t *c = cmd_client_new(&ch->loop, ch->zctx, ch->endpoint, NULL);
    assert_non_null(c);
    Lianxin__V1__Command cmd = LIANXIN__V1__COMMAND__INIT;
    cmd.type = "test.Echo";
    answer_t a1 = { 0 }, a2 = { 0 };
    assert_int_equal(s_send_when_connected(&ch->loop, c, &cmd, 2000, &a1), 0);
    assert_int_equal(cmd.budget_ms, 1800);      /* relative, a tenth less than the wait */
    assert_int_equal(CMD_BUDGET_MS(100000), 100000 - 250);
    assert_int_equal(CMD_BUDGET_MS(5), 4);
    assert_int_equal(cmd_client_send(c, &cmd, 2000, s_on_answer, &a2), 0);
    assert_int_equal(cmd_client_pending(c), 2);
    s_run_until(&ch->loop, &a1.calls, 1, 3000);
    s_run_until(&ch->loop, &a2.calls, 1, 3000);
    assert_int_equal(a1.calls, 1);
    assert_int_equal(a2.calls, 1);
    assert_int_equal(a1.err, 0);
    assert_int_equal(a1.status, 201);
    assert_int_equal(a2.status, 201);
    assert_string_not_equal(a1.id, a2.id);
    assert_int_equal(ch->srv.received, 2);
    assert_int_equal(cmd_client_pending(c), 0);
    assert_int_equal(cmd_client_timeouts(c), 0);
    assert_true(cmd.correlation_id == NULL || cmd.correlation_id[0] == '\0');
    cmd_client_destroy(&c);
    assert_null(c);
    cmd_client_destroy(&c);                     /* idempotent */
    assert_int_equal(a1.calls, 1);              /* nothing called twice */
}

static void
test_client_times_out_and_drops_late_reply(void **state)
{
    chan_t *ch = *state;
    ch->srv.mode = SRV_SILENT;
    cmd_client_t *c = cmd_client_new(&ch->loop, ch->zctx, ch->endpoint, NULL);
    assert_non_null(c);
    Lianxin__V1__Command cmd = LIANXIN__V1__COMMAND__INIT;
    cmd.type = "test.Echo";
    answer_t a = { 0 };
    assert_int_equal(s_send_when_connected(&ch->loop, c, &cmd, 100, &a), 0);
    assert_true(s_run_until(&ch->loop, &a.calls, 1, 3000));
    assert_int_equal(a.err, UV_ETIMEDOUT);
    assert_int_equal(a.status, 0);
    assert_int_equal(cmd_client_timeouts(c), 1);
    assert_int_equal(cmd_client_pending(c), 0);
    /* The server answers too late: the reply is dropped, fn not called again. */
    assert_int_equal(ch->srv.received, 1);
    s_fake_reply(&ch->srv, ch->srv.last_id, 201);
    s_fake_reply(&ch->srv, "not-ours-42", 201);
    int never = 0;
    s_run_until(&ch->loop, &never, 1, 200);
    assert_int_equal(a.calls, 1);
    cmd_client_destroy(&c);
    assert_int_equal(a.calls, 1);
}

static void
test_client_eagain_without_service(void **state)
{
    chan_t *ch = *state;
    /* Nothing listens on port 1: with ZMQ_IMMEDIATE nothing is queued. */
    cmd_client_t *c = cmd_client_new(&ch->loop, ch->zctx, "tcp://127.0.0.1:1", NULL);
    assert_non_null(c);
    Lianxin__V1__Command cmd = LIANXIN__V1__COMMAND__INIT;
    cmd.type = "test.Echo";
    answer_t a = { 0 };
    assert_int_equal(cmd_client_send(c, &cmd, 1000, s_on_answer, &a), UV_EAGAIN);
    int never = 0;
    s_run_until(&ch->loop, &never, 1, 100);
    assert_int_equal(cmd_client_send(c, &cmd, 1000, s_on_answer, &a), UV_EAGAIN);
    assert_int_equal(cmd_client_pending(c), 0);
    assert_int_equal(cmd_client_send(c, &cmd, 0, s_on_answer, &a), UV_EINVAL);
    assert_int_equal(cmd_client_send(c, NULL, 100, s_on_answer, &a), UV_EINVAL);
    cmd_client_destroy(&c);
    assert_int_equal(a.calls, 0);
    assert_null(cmd_client_new(&ch->loop, ch->zctx, "", NULL));
    assert_null(cmd_client_new(&ch->loop, ch->zctx, "nonsense://x", NULL));
}

static void
test_client_destroy_cancels(void **state)
{
    chan_t *ch = *state;
    ch->srv.mode = SRV_SILENT;
    cmd_client_t *c = cmd_client_new(&ch->loop, ch->zctx, ch->endpoint, NULL);
    assert_non_null(c);
    Lianxin__V1__Command cmd = LIANXIN__V1__COMMAND__INIT;
    cmd.type = "test.Echo";
    answer_t a = { 0 };
    assert_int_equal(s_send_when_connected(&ch->loop, c, &cmd, 10000, &a), 0);
    assert_true(s_run_until(&ch->loop, &ch->srv.received, 1, 3000));
    assert_int_equal(a.calls, 0);
    cmd_client_destroy(&c);
    assert_null(c);
    assert_int_equal(a.calls, 1);
    assert_int_equal(a.err, UV_ECANCELED);
}

/* ==== zwatch ============================================================= */

typedef struct {
    zwatch_t *w;
    int got, this_turn, max_turn, turns, destroy_at;
} watch_state_t;

static void
s_on_pair(zwatch_t *w, void *sock, void *arg)
{
    watch_state_t *ws = arg;
    char buf[8];
    if (zmq_recv(sock, buf, sizeof buf, ZMQ_DONTWAIT) < 0)
        return;
    ws->got++;
    ws->this_turn++;
    if (ws->got == ws->destroy_at) {
        assert_ptr_equal(w, ws->w);
        zwatch_destroy(&ws->w);
    }
}

static void
s_on_prepare(uv_prepare_t *p)
{
    watch_state_t *ws = p->data;
    if (ws->this_turn > ws->max_turn)
        ws->max_turn = ws->this_turn;
    if (ws->this_turn > 0)
        ws->turns++;
    ws->this_turn = 0;
}

/* Two PAIR sockets over inproc; `b` is watched. */
static void
s_pair_open(chan_t *ch, void **a, void **b, const char *ep, watch_state_t *ws)
{
    *a = zmq_socket(ch->zctx, ZMQ_PAIR);
    *b = zmq_socket(ch->zctx, ZMQ_PAIR);
    int hwm = 0;
    zmq_setsockopt(*a, ZMQ_SNDHWM, &hwm, sizeof hwm);
    zmq_setsockopt(*b, ZMQ_RCVHWM, &hwm, sizeof hwm);
    assert_int_equal(zmq_bind(*b, ep), 0);
    assert_int_equal(zmq_connect(*a, ep), 0);
    ws->w = zwatch_new(&ch->loop, *b, s_on_pair, ws);
    assert_non_null(ws->w);
}

/* A use of the socket outside the callback (here ZMQ_EVENTS, as a send would)
 * resets the ZMQ_FD signal although a message waits: after zwatch_kick the
 * next turn must read it without blocking in poll. */
static void
test_zwatch_kick_after_edge_consumed(void **state)
{
    chan_t *ch = *state;
    void *a, *b;
    watch_state_t ws = { 0 };
    s_pair_open(ch, &a, &b, "inproc://test-zwatch-kick", &ws);
    uv_run(&ch->loop, UV_RUN_NOWAIT);
    assert_int_equal(zmq_send(a, "x", 1, 0), 1);
    usleep(20000);
    int events = 0;
    size_t len = sizeof events;
    zmq_getsockopt(b, ZMQ_EVENTS, &events, &len);
    assert_true(events & ZMQ_POLLIN);
    zwatch_kick(ws.w);
    uv_timer_t guard;
    uv_timer_init(&ch->loop, &guard);
    uv_timer_start(&guard, s_tick, 1000, 0);
    uv_update_time(&ch->loop);
    uint64_t t0 = uv_now(&ch->loop);
    uv_run(&ch->loop, UV_RUN_ONCE);
    uv_update_time(&ch->loop);
    uint64_t spent = uv_now(&ch->loop) - t0;
    uv_close((uv_handle_t *) &guard, NULL);
    uv_run(&ch->loop, UV_RUN_NOWAIT);
    zwatch_destroy(&ws.w);
    zmq_close(a);
    zmq_close(b);
    assert_int_equal(ws.got, 1);
    assert_true(spent < 500);
}

static void
test_zwatch_fair_cap_per_turn(void **state)
{
    chan_t *ch = *state;
    void *a, *b;
    watch_state_t ws = { 0 };
    s_pair_open(ch, &a, &b, "inproc://test-zwatch-fair", &ws);
    for (int i = 0; i < 600; i++)
        assert_int_equal(zmq_send(a, "m", 1, 0), 1);
    uv_prepare_t prep;
    uv_prepare_init(&ch->loop, &prep);
    prep.data = &ws;
    uv_prepare_start(&prep, s_on_prepare);
    int ok = s_run_until(&ch->loop, &ws.got, 600, 3000);
    s_on_prepare(&prep);
    uv_close((uv_handle_t *) &prep, NULL);
    zwatch_destroy(&ws.w);
    uv_run(&ch->loop, UV_RUN_NOWAIT);
    zmq_close(a);
    zmq_close(b);
    assert_true(ok);
    assert_int_equal(ws.got, 600);
    assert_true(ws.max_turn <= 256);
    assert_true(ws.turns >= 3);
}

static void
test_zwatch_destroy_in_callback(void **state)
{
    chan_t *ch = *state;
    void *a, *b;
    watch_state_t ws = { .destroy_at = 2 };
    s_pair_open(ch, &a, &b, "inproc://test-zwatch-destroy", &ws);
    for (int i = 0; i < 5; i++)
        zmq_send(a, "m", 1, 0);
    int never = 0;
    s_run_until(&ch->loop, &never, 1, 100);
    zmq_close(a);
    zmq_close(b);
    assert_null(ws.w);
    assert_int_equal(ws.got, 2);                /* never called after destroy */
}

/* ==== server: the answers given on the loop ============================== */

typedef struct {
    chan_t *ch;
    txq_t *txq;
    cmd_server_t *srv;
    cmd_client_t *cli;
    int drained;
} srv_fix_t;

static int
s_validate(const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__Int64Value *v = (const Lianxin__V1__Int64Value *) ctx->req;
    if (v->value < 0)
        return cmd_field_error(res, "value", "out_of_range");
    return 0;
}

static int
s_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    (void) tx;
    return cmd_ok(res, 201, ctx->req);
}

/* Counts its calls: a command refused by its row must never get here. */
static int s_office_validated;

static int
s_validate_office(const cmd_ctx_t *ctx, cmd_result_t *res)
{
    s_office_validated++;
    return s_validate(ctx, res);
}

static const cmd_handler_t s_handlers[] = {
    { .type = "test.Do", .request = &lianxin__v1__int64_value__descriptor,
      .roles = ROLES_ANY, .validate = s_validate, .execute = s_execute },
    { .type = "test.Office", .request = &lianxin__v1__int64_value__descriptor,
      .roles = ROLE_OFFICE | ROLE_ADMIN, .flags = CMD_DISTRICT,
      .validate = s_validate_office, .execute = s_execute },
};

/* Every command of these tests comes from an office user of 330303 unless
 * a test says otherwise. */
static Lianxin__V1__Actor s_office_actor = LIANXIN__V1__ACTOR__INIT;

static Lianxin__V1__Actor *
s_office(void)
{
    s_office_actor.user_id = 7;
    s_office_actor.role = "office";
    s_office_actor.district = "330303";
    return &s_office_actor;
}

static void
s_send_value(srv_fix_t *f, const char *type, int64_t value, answer_t *a)
{
    Lianxin__V1__Int64Value v = LIANXIN__V1__INT64_VALUE__INIT;
    v.value = value;
    uint8_t buf[32];
    Lianxin__V1__Command cmd = LIANXIN__V1__COMMAND__INIT;
    cmd.type = (char *) type;
    cmd.district = "330303";
    cmd.actor = s_office();
    cmd.payload.data = buf;
    cmd.payload.len = lianxin__v1__int64_value__pack(&v, buf);
    assert_int_equal(s_send_when_connected(&f->ch->loop, f->cli, &cmd, 5000, a), 0);
}

static int
s_srv_setup(void **state)
{
    s_chan_setup(state);
    srv_fix_t *f = calloc(1, sizeof *f);
    f->ch = *state;
    f->txq = txq_new(&f->ch->loop, NO_DB);
    assert_non_null(f->txq);
    f->srv = cmd_server_new(&f->ch->loop, f->ch->zctx, "inproc://test-cmd-server", NULL,
                            s_handlers, sizeof s_handlers / sizeof s_handlers[0], f->txq,
                            NULL, "test", NULL);
    assert_non_null(f->srv);
    f->cli = cmd_client_new(&f->ch->loop, f->ch->zctx, "inproc://test-cmd-server", NULL);
    assert_non_null(f->cli);
    *state = f;
    return 0;
}

static int
s_srv_teardown(void **state)
{
    srv_fix_t *f = *state;
    cmd_client_destroy(&f->cli);
    cmd_server_destroy(&f->srv);
    assert_null(f->srv);
    cmd_server_destroy(&f->srv);
    txq_destroy(&f->txq);
    *state = f->ch;
    free(f);
    return s_chan_teardown(state);
}

static void
test_server_answers(void **state)
{
    srv_fix_t *f = *state;
    answer_t unknown = { 0 }, bad = { 0 }, invalid = { 0 }, nodb = { 0 };
    s_send_value(f, "test.Nope", 1, &unknown);
    s_send_value(f, "test.Do", -1, &invalid);
    s_send_value(f, "test.Do", 5, &nodb);
    /* A payload that is not an Int64Value (wire type 7 does not exist). */
    Lianxin__V1__Command cmd = LIANXIN__V1__COMMAND__INIT;
    cmd.type = "test.Do";
    cmd.actor = s_office();
    cmd.payload.data = (uint8_t *) "\xff\xff\xff";
    cmd.payload.len = 3;
    assert_int_equal(cmd_client_send(f->cli, &cmd, 5000, s_on_answer, &bad), 0);
    assert_true(s_run_until(&f->ch->loop, &nodb.calls, 1, 8000));
    s_run_until(&f->ch->loop, &bad.calls, 1, 1000);
    assert_int_equal(unknown.status, 404);
    assert_int_equal(bad.status, 400);
    assert_int_equal(invalid.status, 400);
    assert_int_equal(nodb.err, 0);
    assert_int_equal(nodb.status, 503);         /* tx_begin cannot connect */
    cmd_server_stats_t st;
    cmd_server_stats(f->srv, &st);
    assert_int_equal(st.received, 4);
    assert_int_equal(st.rejected, 3);
    assert_int_equal(st.batches, 1);
    assert_int_equal(st.failed, 1);
    assert_int_equal(st.committed, 0);
    assert_int_equal(cmd_client_pending(f->cli), 0);
}

typedef struct {
    int calls, status, nfields;
    char code[32], field[64], fcode[32];
} detail_t;

static void
s_on_detail(const Lianxin__V1__Reply *reply, int err, void *arg)
{
    detail_t *d = arg;
    d->calls++;
    assert_int_equal(err, 0);
    d->status = reply->status;
    d->nfields = (int) reply->n_fields;
    snprintf(d->code, sizeof d->code, "%s", reply->error_code);
    if (reply->n_fields > 0) {
        snprintf(d->field, sizeof d->field, "%s", reply->fields[0]->field);
        snprintf(d->fcode, sizeof d->fcode, "%s", reply->fields[0]->code);
    }
}

static void
test_server_reply_carries_fields(void **state)
{
    srv_fix_t *f = *state;
    Lianxin__V1__Int64Value v = LIANXIN__V1__INT64_VALUE__INIT;
    v.value = -3;
    uint8_t buf[32];
    Lianxin__V1__Command cmd = LIANXIN__V1__COMMAND__INIT;
    cmd.type = "test.Do";
    cmd.actor = s_office();
    cmd.payload.data = buf;
    cmd.payload.len = lianxin__v1__int64_value__pack(&v, buf);
    detail_t d = { 0 };
    assert_int_equal(cmd_client_send(f->cli, &cmd, 3000, s_on_detail, &d), 0);
    assert_true(s_run_until(&f->ch->loop, &d.calls, 1, 3000));
    assert_int_equal(d.status, 400);
    assert_string_equal(d.code, "validation_failed");
    assert_int_equal(d.nfields, 1);
    assert_string_equal(d.field, "value");
    assert_string_equal(d.fcode, "out_of_range");
}

/* Sends test.Office with a value validate refuses (400) as `role` of `home`
 * in `district` (role NULL: no actor), into `d`. */
static void
s_send_office(srv_fix_t *f, const char *role, const char *home, const char *district, detail_t *d)
{
    Lianxin__V1__Actor a = s_actor(role, home);
    Lianxin__V1__Int64Value v = LIANXIN__V1__INT64_VALUE__INIT;
    v.value = -1;
    uint8_t buf[32];
    Lianxin__V1__Command cmd = LIANXIN__V1__COMMAND__INIT;
    cmd.type = "test.Office";
    cmd.district = (char *) district;
    cmd.actor = role ? &a : NULL;
    cmd.payload.data = buf;
    cmd.payload.len = lianxin__v1__int64_value__pack(&v, buf);
    assert_int_equal(cmd_client_send(f->cli, &cmd, 3000, s_on_detail, d), 0);
    assert_true(s_run_until(&f->ch->loop, &d->calls, 1, 3000));
}

/* The row's roles and district are answered 403 before validate runs: a
 * refused actor never reaches validate (which would answer 400 here). */
static void
test_server_forbidden_before_validate(void **state)
{
    srv_fix_t *f = *state;
    detail_t leader = { 0 }, other = { 0 }, anon = { 0 }, nowhere = { 0 }, own = { 0 },
             admin = { 0 };
    s_office_validated = 0;
    s_send_office(f, "leader", "330303", "330303", &leader);
    s_send_office(f, "office", "330304", "330303", &other);
    s_send_office(f, NULL, NULL, "330303", &anon);
    s_send_office(f, "admin", "", "", &nowhere);
    assert_int_equal(s_office_validated, 0);
    s_send_office(f, "office", "330303", "330303", &own);
    s_send_office(f, "admin", "", "330303", &admin);
    detail_t *refused[] = { &leader, &other, &anon, &nowhere };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        assert_int_equal(refused[i]->status, 403);
        assert_string_equal(refused[i]->code, "forbidden");
    }
    assert_int_equal(own.status, 400);          /* admitted: validate answered */
    assert_string_equal(own.fcode, "out_of_range");
    assert_int_equal(admin.status, 400);
    assert_int_equal(s_office_validated, 2);
    cmd_server_stats_t st;
    cmd_server_stats(f->srv, &st);
    assert_int_equal(st.forbidden, 4);
    assert_int_equal(st.rejected, 6);
    assert_int_equal(st.batches, 0);
}

/* A server clock for the budget tests: this host's wall clock moved by
 * `skew_ms` (another host's clock, 3 s off) and stepped `step_ms` further at
 * every reading (time spent queued on the server). */
typedef struct {
    int64_t skew_ms, step_ms, readings;
} skew_clock_t;

static int64_t
s_skew_clock(void *arg)
{
    skew_clock_t *c = arg;
    return s_now_ms() + c->skew_ms + c->step_ms * c->readings++;
}

/* The server's clock 3 s ahead of the gateway's: an absolute deadline
 * (gateway time + 2 s) would be in the past on arrival and every command
 * dropped. The relative budget is measured on the server's clock alone: the
 * command runs (503 here: the test's database is unreachable) and nothing
 * expires. */
static void
test_server_budget_ignores_clock_ahead(void **state)
{
    srv_fix_t *f = *state;
    skew_clock_t clock = { .skew_ms = 3000 };
    cmd_server_set_clock(f->srv, s_skew_clock, &clock);
    answer_t a = { 0 };
    s_send_value(f, "test.Do", 1, &a);          /* budget: 5000 ms */
    assert_true(s_run_until(&f->ch->loop, &a.calls, 1, 8000));
    assert_int_equal(a.err, 0);
    assert_int_equal(a.status, 503);
    cmd_server_stats_t st;
    cmd_server_stats(f->srv, &st);
    assert_int_equal(st.expired, 0);
    assert_int_equal(st.batches, 1);
    assert_true(clock.readings >= 2);           /* on receipt and at batch start */
}

/* The server's clock 3 s behind: an absolute deadline would look 3 s away,
 * and a command that waited past its budget on the server would still run
 * although the gateway had already answered 503. With the budget it is
 * dropped once the server's own clock has moved past receipt + budget (each
 * reading here is 300 ms later: the command waited in the queue). */
static void
test_server_budget_expires_on_own_clock_behind(void **state)
{
    srv_fix_t *f = *state;
    skew_clock_t clock = { .skew_ms = -3000, .step_ms = 300 };
    cmd_server_set_clock(f->srv, s_skew_clock, &clock);
    Lianxin__V1__Int64Value v = LIANXIN__V1__INT64_VALUE__INIT;
    v.value = 1;
    uint8_t buf[32];
    Lianxin__V1__Command cmd = LIANXIN__V1__COMMAND__INIT;
    cmd.type = "test.Do";
    cmd.district = "330303";
    cmd.actor = s_office();
    cmd.payload.data = buf;
    cmd.payload.len = lianxin__v1__int64_value__pack(&v, buf);
    answer_t a = { 0 };
    assert_int_equal(s_send_when_connected(&f->ch->loop, f->cli, &cmd, 200, &a), 0);
    assert_true(s_run_until(&f->ch->loop, &a.calls, 1, 3000));
    assert_int_equal(a.err, UV_ETIMEDOUT);      /* the gateway's 503 */
    cmd_server_stats_t st;
    cmd_server_stats(f->srv, &st);
    assert_int_equal(st.expired, 1);            /* and the service did not run it */
    assert_int_equal(st.batches, 0);
    cmd_server_set_clock(f->srv, NULL, NULL);   /* the default again: it runs */
    answer_t b = { 0 };
    s_send_value(f, "test.Do", 2, &b);
    assert_true(s_run_until(&f->ch->loop, &b.calls, 1, 8000));
    assert_int_equal(b.status, 503);
    cmd_server_stats(f->srv, &st);
    assert_int_equal(st.batches, 1);
}

/* A raw DEALER sends what a cmd_client never would: an expired command and
 * garbage. Neither is answered; both are counted. */
static void
test_server_drops_expired_and_malformed(void **state)
{
    srv_fix_t *f = *state;
    skew_clock_t clock = { .step_ms = 200 };    /* past the 100 ms budget at once */
    cmd_server_set_clock(f->srv, s_skew_clock, &clock);
    void *raw = zmq_socket(f->ch->zctx, ZMQ_DEALER);
    int linger = 0;
    zmq_setsockopt(raw, ZMQ_LINGER, &linger, sizeof linger);
    assert_int_equal(zmq_connect(raw, "inproc://test-cmd-server"), 0);
    Lianxin__V1__Command cmd = LIANXIN__V1__COMMAND__INIT;
    cmd.type = "test.Do";
    cmd.correlation_id = "raw-1";
    cmd.budget_ms = 100;
    uint8_t buf[256];
    size_t len = lianxin__v1__command__pack(&cmd, buf);
    zmq_send(raw, "", 0, ZMQ_SNDMORE);
    zmq_send(raw, buf, len, 0);
    zmq_send(raw, "", 0, ZMQ_SNDMORE);
    zmq_send(raw, "\xff\xff\xff", 3, 0);
    zmq_send(raw, "a", 1, ZMQ_SNDMORE);         /* wrong shape: 3 frames, no delimiter */
    zmq_send(raw, "b", 1, ZMQ_SNDMORE);
    zmq_send(raw, buf, len, 0);
    int never = 0;
    s_run_until(&f->ch->loop, &never, 1, 300);
    char tmp[16];
    int got = zmq_recv(raw, tmp, sizeof tmp, ZMQ_DONTWAIT);
    zmq_close(raw);                             /* before any assert: ctx_term waits for it */
    assert_int_equal(got, -1);
    cmd_server_stats_t st;
    cmd_server_stats(f->srv, &st);
    assert_int_equal(st.received, 3);
    assert_int_equal(st.expired, 1);
    assert_int_equal(st.rejected, 2);
    assert_int_equal(st.batches, 0);
}

static void
s_on_drained(void *arg)
{
    srv_fix_t *f = arg;
    f->drained++;
}

static void
test_server_drain(void **state)
{
    srv_fix_t *f = *state;
    answer_t before = { 0 }, after = { 0 };
    s_send_value(f, "test.Do", 7, &before);
    s_run_until(&f->ch->loop, &before.calls, 1, 5);  /* let it reach the server */
    cmd_server_drain(f->srv, s_on_drained, f);
    assert_int_equal(f->drained, 0);            /* never from inside the call */
    assert_true(s_run_until(&f->ch->loop, &f->drained, 1, 8000));
    assert_int_equal(before.calls, 1);          /* answered before done */
    assert_int_equal(before.status, 503);
    s_send_value(f, "test.Do", 8, &after);
    assert_true(s_run_until(&f->ch->loop, &after.calls, 1, 3000));
    assert_int_equal(after.status, 503);
    assert_int_equal(f->drained, 1);
}

/* ==== bus through a real forwarder ======================================= */

typedef struct {
    void *xsub, *xpub, *ctl;
    char xsub_ep[128], xpub_ep[128];
    pthread_t thread;
} proxy_t;

static void *
s_proxy_main(void *arg)
{
    proxy_t *p = arg;
    zmq_proxy_steerable(p->xsub, p->xpub, NULL, p->ctl);
    return NULL;
}

static void
s_proxy_start(void *zctx, proxy_t *p)
{
    int linger = 0;
    p->xsub = zmq_socket(zctx, ZMQ_XSUB);
    p->xpub = zmq_socket(zctx, ZMQ_XPUB);
    p->ctl = zmq_socket(zctx, ZMQ_PAIR);
    zmq_setsockopt(p->xsub, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(p->xpub, ZMQ_LINGER, &linger, sizeof linger);
    assert_int_equal(zmq_bind(p->xsub, "tcp://127.0.0.1:*"), 0);
    assert_int_equal(zmq_bind(p->xpub, "tcp://127.0.0.1:*"), 0);
    assert_int_equal(zmq_bind(p->ctl, "inproc://test-proxy-ctl"), 0);
    size_t len = sizeof p->xsub_ep;
    zmq_getsockopt(p->xsub, ZMQ_LAST_ENDPOINT, p->xsub_ep, &len);
    len = sizeof p->xpub_ep;
    zmq_getsockopt(p->xpub, ZMQ_LAST_ENDPOINT, p->xpub_ep, &len);
    assert_int_equal(pthread_create(&p->thread, NULL, s_proxy_main, p), 0);
}

static void
s_proxy_stop(void *zctx, proxy_t *p)
{
    void *ctl = zmq_socket(zctx, ZMQ_PAIR);
    zmq_connect(ctl, "inproc://test-proxy-ctl");
    zmq_send(ctl, "TERMINATE", 9, 0);
    pthread_join(p->thread, NULL);
    zmq_close(ctl);
    zmq_close(p->ctl);
    zmq_close(p->xsub);
    zmq_close(p->xpub);
}

typedef struct {
    bus_pub_t *pub;
    int ours, others, bad;
    int64_t last_seq;
} bus_state_t;

static void
s_on_event(const Lianxin__V1__Event *ev, void *arg)
{
    bus_state_t *b = arg;
    if (strcmp(ev->district, "330303") != 0) {
        b->others++;
        return;
    }
    if (strcmp(ev->type, "visit.recorded") != 0 || strcmp(ev->producer, "intake") != 0
        || ev->seq <= b->last_seq)
        b->bad++;
    b->last_seq = ev->seq;
    b->ours++;
}

static void
s_publish(bus_pub_t *pub, const char *district, int64_t seq)
{
    Lianxin__V1__Event ev = LIANXIN__V1__EVENT__INIT;
    ev.district = (char *) district;
    ev.producer = "intake";
    ev.type = "visit.recorded";
    ev.seq = seq;
    uint8_t buf[256];
    size_t len = lianxin__v1__event__pack(&ev, buf);
    assert_int_equal(bus_publish(pub, district, "visit.recorded", buf, len), 0);
}

/* Every tick: garbage under our prefix, another district's event, ours. A
 * slow joiner loses the first ticks; later ones must arrive, filtered. */
static void
s_on_publish_tick(uv_timer_t *t)
{
    bus_state_t *b = t->data;
    static int64_t seq = 0;
    bus_publish(b->pub, "330303", "visit.recorded", "\xff\xff\xff", 3);
    s_publish(b->pub, "310104", ++seq);
    s_publish(b->pub, "330303", ++seq);
}

static void
test_bus_delivers_by_prefix(void **state)
{
    chan_t *ch = *state;
    proxy_t p;
    memset(&p, 0, sizeof p);
    s_proxy_start(ch->zctx, &p);
    bus_state_t b = { 0 };
    b.pub = bus_pub_new(ch->zctx, p.xsub_ep, NULL);
    assert_non_null(b.pub);
    bus_sub_t *sub = bus_sub_new(&ch->loop, ch->zctx, p.xpub_ep, NULL, s_on_event, &b);
    assert_non_null(sub);
    assert_int_equal(bus_sub_subscribe(sub, "330303/"), 0);
    uv_timer_t tick;
    uv_timer_init(&ch->loop, &tick);
    tick.data = &b;
    uv_timer_start(&tick, s_on_publish_tick, 10, 10);
    assert_true(s_run_until(&ch->loop, &b.ours, 5, 5000));
    uv_close((uv_handle_t *) &tick, NULL);
    uv_run(&ch->loop, UV_RUN_NOWAIT);           /* the stack timer is closed here */
    assert_int_equal(b.others, 0);
    assert_int_equal(b.bad, 0);
    assert_int_equal(bus_publish(b.pub, "330303", "x", NULL, BUS_MAX_MSG + 1), -1);
    char longd[300];
    memset(longd, 'd', sizeof longd - 1);
    longd[sizeof longd - 1] = '\0';
    assert_int_equal(bus_publish(b.pub, longd, "x", "", 0), -1);
    bus_sub_destroy(&sub);
    assert_null(sub);
    bus_sub_destroy(&sub);
    bus_pub_destroy(&b.pub);
    assert_null(b.pub);
    bus_pub_destroy(&b.pub);
    s_proxy_stop(ch->zctx, &p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fail_sets_outcome),
        cmocka_unit_test(test_fail_truncates_on_char_boundary),
        cmocka_unit_test(test_field_error_sets_validation),
        cmocka_unit_test(test_field_error_keeps_earlier_error),
        cmocka_unit_test(test_field_error_limits),
        cmocka_unit_test(test_ok_packs_payload),
        cmocka_unit_test(test_ok_without_message),
        cmocka_unit_test(test_ok_refuses_oversized_payload),
        cmocka_unit_test(test_access_roles_and_district),
        cmocka_unit_test(test_access_names_the_roles),
        cmocka_unit_test_setup_teardown(test_zwatch_kick_after_edge_consumed, s_chan_setup,
                                        s_chan_teardown),
        cmocka_unit_test_setup_teardown(test_zwatch_fair_cap_per_turn, s_chan_setup,
                                        s_chan_teardown),
        cmocka_unit_test_setup_teardown(test_zwatch_destroy_in_callback, s_chan_setup,
                                        s_chan_teardown),
        cmocka_unit_test_setup_teardown(test_client_gets_reply, s_chan_setup, s_chan_teardown),
        cmocka_unit_test_setup_teardown(test_client_times_out_and_drops_late_reply,
                                        s_chan_setup, s_chan_teardown),
        cmocka_unit_test_setup_teardown(test_client_eagain_without_service,
                                        s_chan_setup, s_chan_teardown),
        cmocka_unit_test_setup_teardown(test_client_destroy_cancels, s_chan_setup,
                                        s_chan_teardown),
        cmocka_unit_test_setup_teardown(test_server_answers, s_srv_setup, s_srv_teardown),
        cmocka_unit_test_setup_teardown(test_server_reply_carries_fields, s_srv_setup,
                                        s_srv_teardown),
        cmocka_unit_test_setup_teardown(test_server_forbidden_before_validate, s_srv_setup,
                                        s_srv_teardown),
        cmocka_unit_test_setup_teardown(test_server_budget_ignores_clock_ahead, s_srv_setup,
                                        s_srv_teardown),
        cmocka_unit_test_setup_teardown(test_server_budget_expires_on_own_clock_behind,
                                        s_srv_setup, s_srv_teardown),
        cmocka_unit_test_setup_teardown(test_server_drops_expired_and_malformed, s_srv_setup,
                                        s_srv_teardown),
        cmocka_unit_test_setup_teardown(test_server_drain, s_srv_setup, s_srv_teardown),
        cmocka_unit_test_setup_teardown(test_bus_delivers_by_prefix, s_chan_setup,
                                        s_chan_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

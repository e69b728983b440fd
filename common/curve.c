/* curve: CURVE keys, the options of client and server sockets, allow-lists
 * and the ZAP handler thread (see curve.h). Admits only listed keys; never
 * logs a secret key, and logs a refused peer by its public key only. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "curve.h"
#include "log.h"

#define ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define ZAP_FRAMES 7                /* version, id, domain, address, identity, mechanism, key */
#define ZAP_MAX_DOMAINS 4

/* ---- keys ------------------------------------------------------------------ */

int
curve_key_ok(const char *text)
{
    uint8_t bin[32];
    return text && strlen(text) == CURVE_KEY_TEXT && zmq_z85_decode(bin, text) != NULL;
}

/* "<program>.<suffix>" of cfg into out (41 bytes), checked. 0 or -1 (logged). */
static int
s_key_from_config(const config_t *cfg, const char *program, const char *suffix, char *out)
{
    char key[CURVE_NAME_MAX + 16];
    snprintf(key, sizeof key, "%.31s.%s", program ? program : "", suffix);
    const char *v = config_get(cfg, key, NULL);
    if (!curve_key_ok(v)) {
        log_error(v && *v ? "config value is not a curve key" : "missing config key",
                  "key=%s", key);
        return -1;
    }
    memcpy(out, v, CURVE_KEY_TEXT + 1);
    return 0;
}

int
curve_public_from_config(const config_t *cfg, const char *program, char *out)
{
    return s_key_from_config(cfg, program, "curve_public", out);
}

int
curve_pair_from_config(const config_t *cfg, const char *program, curve_pair_t *out)
{
    if (s_key_from_config(cfg, program, "curve_public", out->public_key) != 0
        || s_key_from_config(cfg, program, "curve_secret", out->secret_key) != 0)
        return -1;
    char derived[CURVE_KEY_TEXT + 1];
    if (zmq_curve_public(derived, out->secret_key) != 0
        || strcmp(derived, out->public_key) != 0) {
        log_error("curve keys do not match", "program=%s", program);
        return -1;
    }
    return 0;
}

int
curve_client_from_config(const config_t *cfg, const char *program, const char *server,
                         curve_client_t *out)
{
    if (curve_pair_from_config(cfg, program, &out->own) != 0)
        return -1;
    return curve_public_from_config(cfg, server, out->server_key);
}

/* ---- sockets --------------------------------------------------------------- */

int
curve_client_apply(void *sock, const curve_client_t *keys)
{
    if (!sock || !keys)
        return -1;
    if (zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY, keys->server_key, CURVE_KEY_TEXT) != 0
        || zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY, keys->own.public_key, CURVE_KEY_TEXT) != 0
        || zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, keys->own.secret_key, CURVE_KEY_TEXT) != 0)
        return -1;
    return 0;
}

int
curve_server_apply(void *sock, const curve_server_t *keys)
{
    int on = 1;
    if (!sock || !keys || !keys->domain[0])
        return -1;
    if (zmq_setsockopt(sock, ZMQ_CURVE_SERVER, &on, sizeof on) != 0
        || zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, keys->own.secret_key, CURVE_KEY_TEXT) != 0
        || zmq_setsockopt(sock, ZMQ_ZAP_DOMAIN, keys->domain, strlen(keys->domain)) != 0)
        return -1;
    return 0;
}

/* ---- allow-lists ------------------------------------------------------------ */

typedef struct {
    char name[CURVE_NAME_MAX];
    uint8_t key[32];
} s_entry_t;

struct curve_allow {
    s_entry_t *entries;
    size_t n;
};

curve_allow_t *
curve_allow_new(void)
{
    return calloc(1, sizeof(curve_allow_t));
}

/* 1 when `name` is 1..31 characters of [a-z0-9_-]. */
static int
s_name_ok(const char *name)
{
    size_t len = name ? strlen(name) : 0;
    if (len == 0 || len >= CURVE_NAME_MAX)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9')
              || name[i] == '_' || name[i] == '-'))
            return 0;
    return 1;
}

int
curve_allow_add(curve_allow_t *self, const char *name, const char *z85)
{
    if (!self || !s_name_ok(name) || !curve_key_ok(z85))
        return -1;
    s_entry_t *more = realloc(self->entries, (self->n + 1) * sizeof *more);
    if (!more)
        return -1;
    self->entries = more;
    s_entry_t *e = &self->entries[self->n++];
    snprintf(e->name, sizeof e->name, "%s", name);
    zmq_z85_decode(e->key, z85);
    return 0;
}

int
curve_allow_programs(curve_allow_t *self, const config_t *cfg, const char *names)
{
    char list[16][CONFIG_NAME_MAX];
    int n = config_split(names ? names : "", list, 16);
    if (n <= 0) {
        log_error("no programs to admit", "");
        return -1;
    }
    for (int i = 0; i < n; i++) {
        char pub[CURVE_KEY_TEXT + 1];
        if (curve_public_from_config(cfg, list[i], pub) != 0
            || curve_allow_add(self, list[i], pub) != 0)
            return -1;
    }
    return 0;
}

const char *
curve_allow_find(const curve_allow_t *self, const uint8_t *key)
{
    for (size_t i = 0; self && key && i < self->n; i++)
        if (memcmp(self->entries[i].key, key, 32) == 0)
            return self->entries[i].name;
    return NULL;
}

size_t
curve_allow_count(const curve_allow_t *self)
{
    return self ? self->n : 0;
}

void
curve_allow_destroy(curve_allow_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free((*self_p)->entries);
    free(*self_p);
    *self_p = NULL;
}

/* ---- the ZAP handler -------------------------------------------------------- */

struct curve_zap {
    void *rep;                      /* bound at ZAP_ENDPOINT; the thread's */
    void *ctl, *ctl_peer;           /* PAIR: the owner says stop */
    pthread_t thread;
    int started;
    size_t ndomains;
    char domains[ZAP_MAX_DOMAINS][CURVE_NAME_MAX];
    curve_allow_t *allows[ZAP_MAX_DOMAINS];
    atomic_uint_fast64_t refused;
};

/* The program a request names, NULL to refuse: frames are version "1.0",
 * request id, domain, address, identity, mechanism "CURVE", 32-byte key. */
static const char *
s_decide(curve_zap_t *self, zmq_msg_t *f, int n)
{
    if (n != ZAP_FRAMES || zmq_msg_size(&f[0]) != 3 || memcmp(zmq_msg_data(&f[0]), "1.0", 3) != 0
        || zmq_msg_size(&f[5]) != 5 || memcmp(zmq_msg_data(&f[5]), "CURVE", 5) != 0
        || zmq_msg_size(&f[6]) != 32)
        return NULL;
    for (size_t i = 0; i < self->ndomains; i++)
        if (zmq_msg_size(&f[2]) == strlen(self->domains[i])
            && memcmp(zmq_msg_data(&f[2]), self->domains[i], strlen(self->domains[i])) == 0)
            return curve_allow_find(self->allows[i], zmq_msg_data(&f[6]));
    return NULL;
}

/* Logs a refused request by its domain and public key (Z85). */
static void
s_log_refused(curve_zap_t *self, zmq_msg_t *f, int n)
{
    uint64_t count = atomic_fetch_add(&self->refused, 1) + 1;
    char key[CURVE_KEY_TEXT + 1] = "-", domain[CURVE_NAME_MAX] = "-";
    if (n == ZAP_FRAMES && zmq_msg_size(&f[6]) == 32)
        zmq_z85_encode(key, zmq_msg_data(&f[6]), 32);
    if (n >= 3 && zmq_msg_size(&f[2]) < sizeof domain) {
        memcpy(domain, zmq_msg_data(&f[2]), zmq_msg_size(&f[2]));
        domain[zmq_msg_size(&f[2])] = '\0';
    }
    log_warn("peer refused", "domain=%s key=%s refused=%llu", domain, key,
             (unsigned long long) count);
}

/* Answers one request (reads every frame, answers 200 with the program as
 * User-Id, or 400). */
static void
s_answer(curve_zap_t *self)
{
    zmq_msg_t f[ZAP_FRAMES];
    int n = 0, more = 1;
    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, self->rep, 0) < 0) {
            zmq_msg_close(&m);
            break;
        }
        more = zmq_msg_more(&m);
        if (n < ZAP_FRAMES) {
            zmq_msg_init(&f[n]);
            zmq_msg_move(&f[n], &m);
        }
        zmq_msg_close(&m);
        n++;
    }
    int kept = n < ZAP_FRAMES ? n : ZAP_FRAMES;
    const char *who = s_decide(self, f, n);
    if (!who)
        s_log_refused(self, f, kept);
    zmq_send(self->rep, "1.0", 3, ZMQ_SNDMORE);
    if (kept >= 2)
        zmq_send(self->rep, zmq_msg_data(&f[1]), zmq_msg_size(&f[1]), ZMQ_SNDMORE);
    else
        zmq_send(self->rep, "", 0, ZMQ_SNDMORE);
    zmq_send(self->rep, who ? "200" : "400", 3, ZMQ_SNDMORE);
    zmq_send(self->rep, who ? "OK" : "not admitted", who ? 2 : 12, ZMQ_SNDMORE);
    zmq_send(self->rep, who ? who : "", who ? strlen(who) : 0, ZMQ_SNDMORE);
    zmq_send(self->rep, "", 0, 0);
    for (int i = 0; i < kept; i++)
        zmq_msg_close(&f[i]);
}

static void *
s_thread(void *arg)
{
    curve_zap_t *self = arg;
    zmq_pollitem_t items[] = {
        { .socket = self->rep, .events = ZMQ_POLLIN },
        { .socket = self->ctl_peer, .events = ZMQ_POLLIN },
    };
    for (;;) {
        if (zmq_poll(items, 2, -1) < 0)
            break;
        if (items[1].revents & ZMQ_POLLIN)
            break;
        if (items[0].revents & ZMQ_POLLIN)
            s_answer(self);
    }
    return NULL;
}

/* Binds the REP and the control pair. 0 or -1. */
static int
s_sockets(curve_zap_t *self, void *zctx)
{
    char ctl[64];
    snprintf(ctl, sizeof ctl, "inproc://lianxin-zap-%p", (void *) self);
    int linger = 0;
    self->rep = zmq_socket(zctx, ZMQ_REP);
    self->ctl = zmq_socket(zctx, ZMQ_PAIR);
    self->ctl_peer = zmq_socket(zctx, ZMQ_PAIR);
    if (!self->rep || !self->ctl || !self->ctl_peer
        || zmq_setsockopt(self->rep, ZMQ_LINGER, &linger, sizeof linger) != 0
        || zmq_bind(self->rep, ZAP_ENDPOINT) != 0 || zmq_bind(self->ctl_peer, ctl) != 0
        || zmq_connect(self->ctl, ctl) != 0)
        return -1;
    return 0;
}

curve_zap_t *
curve_zap_new(void *zctx, curve_domain_t *domains, size_t n)
{
    curve_zap_t *self = zctx && n <= ZAP_MAX_DOMAINS ? calloc(1, sizeof *self) : NULL;
    int ok = self != NULL;
    for (size_t i = 0; i < n; i++) {
        if (self && domains[i].name && strlen(domains[i].name) < CURVE_NAME_MAX) {
            snprintf(self->domains[i], CURVE_NAME_MAX, "%s", domains[i].name);
            self->allows[self->ndomains++] = domains[i].allow;
        } else {
            curve_allow_destroy(&domains[i].allow);
            ok = 0;
        }
        domains[i].allow = NULL;
    }
    if (ok && s_sockets(self, zctx) == 0 && pthread_create(&self->thread, NULL, s_thread, self) == 0)
        self->started = 1;
    else
        ok = 0;
    if (!ok) {
        log_error("zap handler failed", "err=\"%s\"", zmq_strerror(zmq_errno()));
        curve_zap_destroy(&self);
    }
    return self;
}

uint64_t
curve_zap_refused(const curve_zap_t *self)
{
    return self ? atomic_load(&((curve_zap_t *) self)->refused) : 0;
}

void
curve_zap_destroy(curve_zap_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    curve_zap_t *self = *self_p;
    *self_p = NULL;
    if (self->started) {
        zmq_send(self->ctl, "", 0, 0);
        pthread_join(self->thread, NULL);
    }
    void *socks[] = { self->rep, self->ctl, self->ctl_peer };
    for (size_t i = 0; i < 3; i++)
        if (socks[i])
            zmq_close(socks[i]);
    for (size_t i = 0; i < self->ndomains; i++)
        curve_allow_destroy(&self->allows[i]);
    free(self);
}

/* lianxin-bus: the XSUB/XPUB forwarder every service publishes to and
 * subscribes from. Wiring only: binds, forwards, stops on SIGINT/SIGTERM.
 * Both sides are CURVE servers with the bus's key pair; its ZAP handler
 * admits on the XSUB side only the publishers' keys (bus.publishers) and on
 * the XPUB side only the subscribers' (bus.subscribers); both lists default
 * to the installation's services. Never looks inside messages and never
 * stores them (the log is bus.events). */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <zmq.h>

#include "bus.h"
#include "config.h"
#include "curve.h"
#include "log.h"

#define CONTROL_ENDPOINT "inproc://lianxin-bus-control"
#define BUS_HWM 100000

typedef struct {
    void *xsub, *xpub, *control;
    int rc;
} proxy_t;

/* Opens a socket of `type` bound at `endpoint` with the bus limits, a CURVE
 * server with `keys`. */
static void *
s_bind(void *zctx, int type, const char *endpoint, const curve_server_t *keys)
{
    void *sock = zmq_socket(zctx, type);
    int64_t maxmsg = BUS_MAX_MSG;
    int linger = 0, hwm = BUS_HWM;
    if (!sock || curve_server_apply(sock, keys) != 0
        || zmq_setsockopt(sock, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg) != 0
        || zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger) != 0
        || zmq_setsockopt(sock, ZMQ_SNDHWM, &hwm, sizeof hwm) != 0
        || zmq_setsockopt(sock, ZMQ_RCVHWM, &hwm, sizeof hwm) != 0
        || zmq_bind(sock, endpoint) != 0) {
        log_error("bind failed", "endpoint=%s err=\"%s\"", endpoint, zmq_strerror(zmq_errno()));
        if (sock)
            zmq_close(sock);
        return NULL;
    }
    return sock;
}

static void *
s_proxy_thread(void *arg)
{
    proxy_t *p = arg;
    p->rc = zmq_proxy_steerable(p->xsub, p->xpub, NULL, p->control);
    return NULL;
}

/* Signals are blocked in every thread (zmq's included, which inherit the
 * mask) and taken here with sigwait, so no zmq call runs in a handler. */
static int
s_run(void *zctx, proxy_t *p, const sigset_t *sigs)
{
    void *ctl = zmq_socket(zctx, ZMQ_PAIR);
    pthread_t thread;
    if (!ctl || zmq_connect(ctl, CONTROL_ENDPOINT) != 0
        || pthread_create(&thread, NULL, s_proxy_thread, p) != 0) {
        log_error("proxy start failed", "");
        if (ctl)
            zmq_close(ctl);
        return -1;
    }
    int sig = 0;
    sigwait(sigs, &sig);
    log_info("stopping", "signal=%d", sig);
    zmq_send(ctl, "TERMINATE", 9, 0);
    pthread_join(thread, NULL);
    zmq_close(ctl);
    if (p->rc != 0)
        log_error("proxy failed", "err=\"%s\"", zmq_strerror(zmq_errno()));
    return p->rc == 0 ? 0 : -1;
}

/* The allow-list of the programs named by config key `key` (default: the
 * installation's services). NULL on failure (logged). */
static curve_allow_t *
s_allow(const config_t *cfg, const char *key)
{
    curve_allow_t *allow = curve_allow_new();
    const char *names = config_get(cfg, key, "");
    if (!*names)
        names = config_get(cfg, "services", "");
    if (!allow || curve_allow_programs(allow, cfg, names) != 0) {
        log_error("bad key list", "key=%s", key);
        curve_allow_destroy(&allow);
    }
    return allow;
}

/* The ZAP handler of both sides. NULL on failure (logged). */
static curve_zap_t *
s_zap(void *zctx, const config_t *cfg)
{
    curve_domain_t domains[] = {
        { .name = CURVE_DOMAIN_BUS_PUB, .allow = s_allow(cfg, "bus.publishers") },
        { .name = CURVE_DOMAIN_BUS_SUB, .allow = s_allow(cfg, "bus.subscribers") },
    };
    if (!domains[0].allow || !domains[1].allow) {
        curve_allow_destroy(&domains[0].allow);
        curve_allow_destroy(&domains[1].allow);
        return NULL;
    }
    return curve_zap_new(zctx, domains, 2);
}

int
main(int argc, char **argv)
{
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    config_t *cfg = config_load(config_path_from_args(argc, argv));
    if (!cfg)
        return 1;
    log_init("bus", config_get(cfg, "log.level", "info"));
    const char *xsub = config_get(cfg, "bus.xsub", "tcp://127.0.0.1:5560");
    const char *xpub = config_get(cfg, "bus.xpub", "tcp://127.0.0.1:5561");

    int rc = 1;
    curve_server_t pub_keys = { .domain = CURVE_DOMAIN_BUS_PUB };
    curve_server_t sub_keys = { .domain = CURVE_DOMAIN_BUS_SUB };
    int keyed = curve_pair_from_config(cfg, "bus", &pub_keys.own) == 0;
    sub_keys.own = pub_keys.own;
    void *zctx = keyed ? zmq_ctx_new() : NULL;
    curve_zap_t *zap = zctx ? s_zap(zctx, cfg) : NULL;
    proxy_t p = { 0 };
    if (zap && (p.xsub = s_bind(zctx, ZMQ_XSUB, xsub, &pub_keys))
        && (p.xpub = s_bind(zctx, ZMQ_XPUB, xpub, &sub_keys))
        && (p.control = zmq_socket(zctx, ZMQ_PAIR))
        && zmq_bind(p.control, CONTROL_ENDPOINT) == 0) {
        log_info("started", "xsub=%s xpub=%s", xsub, xpub);
        rc = s_run(zctx, &p, &sigs) == 0 ? 0 : 1;
    }
    if (p.control)
        zmq_close(p.control);
    if (p.xpub)
        zmq_close(p.xpub);
    if (p.xsub)
        zmq_close(p.xsub);
    curve_zap_destroy(&zap);
    if (zctx)
        zmq_ctx_term(zctx);
    log_info("stopped", "rc=%d", rc);
    config_destroy(&cfg);
    return rc;
}

/* lianxin-bus: the XSUB/XPUB forwarder every service publishes to and
 * subscribes from. Wiring only: binds, forwards, stops on SIGINT/SIGTERM.
 * Never looks inside messages and never stores them (the log is bus.events). */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <zmq.h>

#include "bus.h"
#include "config.h"
#include "log.h"

#define CONTROL_ENDPOINT "inproc://lianxin-bus-control"
#define BUS_HWM 100000

typedef struct {
    void *xsub, *xpub, *control;
    int rc;
} proxy_t;

/* Opens a socket of `type` bound at `endpoint` with the bus limits. */
static void *
s_bind(void *zctx, int type, const char *endpoint)
{
    void *sock = zmq_socket(zctx, type);
    int64_t maxmsg = BUS_MAX_MSG;
    int linger = 0, hwm = BUS_HWM;
    if (!sock || zmq_setsockopt(sock, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg) != 0
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
    void *zctx = zmq_ctx_new();
    proxy_t p = { 0 };
    if (zctx && (p.xsub = s_bind(zctx, ZMQ_XSUB, xsub)) && (p.xpub = s_bind(zctx, ZMQ_XPUB, xpub))
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
    if (zctx)
        zmq_ctx_term(zctx);
    log_info("stopped", "rc=%d", rc);
    config_destroy(&cfg);
    return rc;
}

/* dispatch: see dispatch.h. Runs on the worker inside the consumer's
 * transaction. Never logs titles, bodies or payloads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "db.h"
#include "deliveries.h"
#include "dispatch.h"
#include "items.h"
#include "jsonpb.h"
#include "log.h"


static int s_has_route(const evroute_t *routes, size_t n, const char *type)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(routes[i].type, type) == 0)
            return 1;
    return 0;
}

/* The sender threads of the configured external channels. 0 or -1. */
static int s_senders(dispatch_t *d, const config_t *cfg)
{
    static const char *const names[DISPATCH_NCHANNELS] = {"email", "sms", "webhook"};
    static const unsigned bits[DISPATCH_NCHANNELS] = {RULES_CH_EMAIL, RULES_CH_SMS,
                                                      RULES_CH_WEBHOOK};
    sender_opts_t o = {.dsn = config_pg_dsn(cfg, "notify"), .channels = &d->channels,
                       .cfg = cfg};
    if (channels_config(cfg, &d->channels) != 0
        || policy_quiet_parse(config_get(cfg, "notify.quiet_hours", "22:00-08:00"),
                              &o.quiet) != 0) {
        log_error("notify delivery config refused", "keys=notify.quiet_hours,send_timeout_ms");
        return -1;
    }
    o.retry_max = (int) config_get_int(cfg, "notify.retry_max", 5);
    o.retry_base_ms = config_get_int(cfg, "notify.retry_base_ms", 1000);
    o.retry_cap_ms = config_get_int(cfg, "notify.retry_cap_ms", 600000);
    o.poll_ms = (int) config_get_int(cfg, "notify.deliver_poll_ms", 500);
    if (o.retry_max < 1 || o.retry_max > 50 || o.retry_base_ms < 1 || o.retry_cap_ms < 1
        || o.poll_ms < 10 || !o.dsn) {
        log_error("notify delivery config refused", "keys=notify.retry_*,deliver_poll_ms");
        return -1;
    }
    for (int i = 0; i < DISPATCH_NCHANNELS; i++) {
        if (!bits[i] || !channels_enabled(&d->channels, names[i]))
            continue;
        o.channel = names[i];
        if (!(d->senders[i] = sender_start(&o)))
            return -1;
        d->enabled |= bits[i];
    }
    return 0;
}

/* The route table: the fixed routes, one per rule event type, then the
 * reminders' events (reminders.h). 0 or -1 (logged). */
static int s_routes(dispatch_t *d, const evroute_t *fixed, size_t nfixed, const char *rpath)
{
    char err[512] = "";
    size_t max = nfixed + d->rules->n + reminders_nevents(d->reminders);
    if (!(d->routes = calloc(max, sizeof *d->routes)))
        return -1;
    memcpy(d->routes, fixed, nfixed * sizeof *fixed);
    d->nroutes = nfixed;
    for (size_t i = 0; i < d->rules->n; i++) {
        const rules_rule_t *r = &d->rules->r[i];
        if (s_has_route(d->routes, d->nroutes, r->event))
            continue;
        d->routes[d->nroutes++] = (evroute_t) { .type = r->event, .payload = r->payload,
                                                .apply = dispatch_apply };
    }
    if (reminders_routes(d->reminders, d->routes, &d->nroutes, max, dispatch_apply, err,
                         sizeof err) != 0) {
        log_error("notify reminders refused", "path=%s fault=%s", rpath, err);
        return -1;
    }
    return 0;
}

dispatch_t *dispatch_new(const config_t *cfg, const ProtobufCMessageDescriptor *const *payloads,
                         size_t npayloads, const evroute_t *fixed, size_t nfixed)
{
    char err[512] = "";
    const char *path = config_get(cfg, "notify.rules", "deploy/notify/rules.json");
    const char *rpath = config_get(cfg, "notify.reminders", "deploy/notify/reminders.json");
    dispatch_t *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->rules = rules_load(path, payloads, npayloads, err, sizeof err);
    if (!d->rules) {
        log_error("notify rules refused", "path=%s fault=%s", path, err);
        free(d);
        return NULL;
    }
    d->reminders = reminders_load(rpath, payloads, npayloads,
                                  (int) config_get_int(cfg, "calendar.check_ms",
                                                       CALSYNC_CHECK_MS_DEFAULT), err, sizeof err);
    if (!d->reminders)
        log_error("notify reminders refused", "path=%s fault=%s", rpath, err);
    if (!d->reminders || s_routes(d, fixed, nfixed, rpath) != 0) {
        dispatch_free(d);
        return NULL;
    }
    log_info("notify rules loaded", "path=%s rules=%zu reminders=%zu routes=%zu", path,
             d->rules->n, d->reminders->n, d->nroutes);
    if (s_senders(d, cfg) != 0) {
        dispatch_free(d);
        return NULL;
    }
    return d;
}

void dispatch_free(dispatch_t *d)
{
    if (!d)
        return;
    for (int i = 0; i < DISPATCH_NCHANNELS; i++)
        sender_stop(d->senders[i]);
    rules_free(d->rules);
    reminders_free(d->reminders);
    free(d->routes);
    free(d);
}

/* The e-mail and SMS deliveries of one rule for one event on the channels
 * `on` (the rule's that are configured; texts rendered for them; the inbox
 * item is written already). 0 or -1. */
static int s_external(tx_t *tx, const Lianxin__V1__Event *ev, const rules_rule_t *r,
                      const char *ids, const rules_texts_t *t, unsigned on)
{
    if ((on & RULES_CH_EMAIL)
        && deliveries_enqueue(tx, ev, "email", r->rkind, ids, t->subject, t->email) != 0)
        return -1;
    if ((on & RULES_CH_SMS) && deliveries_enqueue(tx, ev, "sms", r->rkind, ids, NULL, t->sms) != 0)
        return -1;
    return 0;
}

/* A partner rule: the event as JSON to the partner its payload names. */
static int s_partner(tx_t *tx, const Lianxin__V1__Event *ev, const dispatch_t *d,
                     const rules_rule_t *r, json_t *payload)
{
    const char *code = json_string_value(json_object_get(payload, r->partner->name));
    if (!code || !code[0] || !(d->enabled & RULES_CH_WEBHOOK))
        return 0;
    json_t *j = json_pack("{s:s, s:s, s:s, s:I, s:O}", "event", ev->type, "district",
                          ev->district, "producer", ev->producer, "seq", (json_int_t) ev->seq,
                          "payload", payload);
    char *body = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    int rc = body ? deliveries_webhook(tx, ev, code, body) : -1;
    free(body);
    json_decref(j);
    return rc;
}

/* The inbox items of one rule for one event. */
static int s_rule(tx_t *tx, const Lianxin__V1__Event *ev, const dispatch_t *d,
                  const rules_rule_t *r, const json_t *payload)
{
    int64_t ids[RULES_MAX_IDS];
    rules_texts_t t;
    unsigned on = r->role ? 0 : r->channels & d->enabled;
    size_t n = rules_recipients(r, payload, ids, RULES_MAX_IDS);
    if (n == 0)
        return 0;
    if (rules_render(r, payload, on, &t) != 0) {
        log_error("notify text too long", "district=%s producer=%s seq=%lld type=%s",
                  ev->district, ev->producer, (long long) ev->seq, ev->type);
        return -1;
    }
    char *text = r->role ? NULL : db_ids_text(ids, n);
    if (!r->role && !text)
        return -1;
    int rc = items_insert(tx, ev, r->rkind, r->role ? "{0}" : text, r->item_kind, t.title,
                          t.body, r->object_type, rules_int(payload, r->object_id));
    if (rc == 0 && text)
        rc = s_external(tx, ev, r, text, &t, on);
    free(text);
    return rc;
}

int dispatch_apply(tx_t *tx, const Lianxin__V1__Event *ev, const ProtobufCMessage *msg,
                   void *app)
{
    dispatch_t *d = app;
    json_t *payload = jsonpb_encode(msg);
    int rc = payload ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < d->rules->n; i++) {
        const rules_rule_t *r = &d->rules->r[i];
        if (strcmp(r->event, ev->type) == 0 && rules_match(r, payload))
            rc = r->partner ? s_partner(tx, ev, d, r, payload) : s_rule(tx, ev, d, r, payload);
    }
    if (rc == 0)
        rc = reminders_apply(tx, ev, payload, d->reminders);
    json_decref(payload);
    return rc;
}

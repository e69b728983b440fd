/* dispatch: see dispatch.h. Runs on the worker inside the consumer's
 * transaction. Never logs titles, bodies or payloads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "db.h"
#include "dispatch.h"
#include "items.h"
#include "jsonpb.h"
#include "log.h"

#define S_TITLE_MAX 256
#define S_BODY_MAX 2048

static int s_has_route(const evroute_t *routes, size_t n, const char *type)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(routes[i].type, type) == 0)
            return 1;
    return 0;
}

dispatch_t *dispatch_new(const config_t *cfg, const ProtobufCMessageDescriptor *const *payloads,
                         size_t npayloads, const evroute_t *fixed, size_t nfixed)
{
    char err[512] = "";
    const char *path = config_get(cfg, "notify.rules", "deploy/notify/rules.json");
    dispatch_t *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->rules = rules_load(path, payloads, npayloads, err, sizeof err);
    if (!d->rules) {
        log_error("notify rules refused", "path=%s fault=%s", path, err);
        free(d);
        return NULL;
    }
    d->routes = calloc(nfixed + d->rules->n, sizeof *d->routes);
    if (!d->routes) {
        dispatch_free(d);
        return NULL;
    }
    memcpy(d->routes, fixed, nfixed * sizeof *fixed);
    d->nroutes = nfixed;
    for (size_t i = 0; i < d->rules->n; i++) {
        const rules_rule_t *r = &d->rules->r[i];
        if (s_has_route(d->routes, d->nroutes, r->event))
            continue;
        d->routes[d->nroutes++] = (evroute_t) { .type = r->event, .payload = r->payload,
                                                .apply = dispatch_apply };
    }
    log_info("notify rules loaded", "path=%s rules=%zu routes=%zu", path, d->rules->n,
             d->nroutes);
    return d;
}

void dispatch_free(dispatch_t *d)
{
    if (!d)
        return;
    rules_free(d->rules);
    free(d->routes);
    free(d);
}

/* The inbox items of one rule for one event. */
static int s_rule(tx_t *tx, const Lianxin__V1__Event *ev, const rules_rule_t *r,
                  const json_t *payload)
{
    int64_t ids[RULES_MAX_IDS];
    char title[S_TITLE_MAX], body[S_BODY_MAX];
    size_t n = rules_recipients(r, payload, ids, RULES_MAX_IDS);
    if (n == 0)
        return 0;
    if (tmpl_render(r->title, payload, title, sizeof title) != 0
        || tmpl_render(r->body, payload, body, sizeof body) != 0) {
        log_error("notify text too long", "district=%s producer=%s seq=%lld type=%s",
                  ev->district, ev->producer, (long long) ev->seq, ev->type);
        return -1;
    }
    char *text = r->role ? NULL : db_ids_text(ids, n);
    if (!r->role && !text)
        return -1;
    int rc = items_insert(tx, ev, r->rkind, r->role ? "{0}" : text, r->item_kind, title, body,
                          r->object_type, rules_int(payload, r->object_id));
    free(text);
    return rc;
}

int dispatch_apply(tx_t *tx, const Lianxin__V1__Event *ev, const ProtobufCMessage *msg,
                   void *app)
{
    const dispatch_t *d = app;
    json_t *payload = jsonpb_encode(msg);
    int rc = payload ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < d->rules->n; i++) {
        const rules_rule_t *r = &d->rules->r[i];
        if (strcmp(r->event, ev->type) == 0 && rules_match(r, payload))
            rc = s_rule(tx, ev, r, payload);
    }
    json_decref(payload);
    return rc;
}

/* ops: what operators ask of the gateway: GET /healthz, GET /metrics, the
 * bus lag sampler that feeds lianxin_bus_lag_events every 5 s through the
 * pool, and the hourly purge of sessions a day past their end. Never reads
 * anything that names a person. */
#ifndef GW_OPS_H
#define GW_OPS_H

#include "gw.h"

typedef struct ops ops_t;

/* Starts the lag sampler on the gateway's loop. NULL on failure. */
ops_t *ops_new(gw_t *gw);

/* Stops the sampler; freed in the timer's close callback. Idempotent. */
void ops_destroy(ops_t **self_p);

void ops_healthz(gw_call_t *call);
void ops_metrics(gw_call_t *call);

#endif

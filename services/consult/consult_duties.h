/* consult_duties: lianxin-consult's copy of the members' reception duties,
 * kept from intake's rota events only (rota.published with its entries,
 * rota.changed, rota.absent) in consult.duties: the scheduler counts a
 * member on duty as busy that day. Idempotent: an event applied twice
 * leaves the same row. */
#ifndef LIANXIN_CONSULT_DUTIES_H
#define LIANXIN_CONSULT_DUTIES_H

#include "envelope.pb-c.h"
#include "tx.h"

int consult_duties_published(tx_t *tx, const Lianxin__V1__Event *ev, const ProtobufCMessage *msg,
                             void *app);
int consult_duties_changed(tx_t *tx, const Lianxin__V1__Event *ev, const ProtobufCMessage *msg,
                           void *app);
int consult_duties_absent(tx_t *tx, const Lianxin__V1__Event *ev, const ProtobufCMessage *msg,
                          void *app);

#endif

/* authlog: the record of an account event (a login, a failure, a lockout,
 * a logout, a key or password change, a user created...): a row of
 * auth.login_history with the client's address, and an audit.trail row
 * (tx_audit, chained per district) whose digest is the SHA-256 of that
 * row's canonical text, so the history is bound into the chain. Written in
 * the caller's transaction, beside the change it records. Never records a
 * password, a token or a key. Used by lianxin-gateway (through its authtx)
 * and lianxin-admin (create-user, create-key). */
#ifndef LIANXIN_AUTHLOG_H
#define LIANXIN_AUTHLOG_H

#include <stddef.h>
#include <stdint.h>
#include "tx.h"

typedef struct authlog_event {
    char event[32];                 /* login, login_failed, logout, lockout, ... */
    char district[17];              /* the chain: the user's district, "" city-wide */
    int64_t actor_id;               /* who acted; 0 nobody signed in */
    char actor_role[16];            /* "" when nobody: recorded as "anonymous" */
    int64_t user_id;                /* the account concerned; 0 none known */
    char username[65];
    char object_type[16];           /* user, session, api_key, feed_token */
    char object_id[40];
    char client[64];                /* the client's address ("local" for the CLI) */
    char detail[160];               /* no personal data, no secrets */
} authlog_event_t;

/* The canonical text of a history row, what its audit digest covers:
 * "at_us=..\nevent=..\ndistrict=..\nuser_id=..\nusername=..\nclient=..\n
 * detail=..\n". Its length, or -1 when it does not fit `outsz`. Pure;
 * never change it once rows exist. */
int authlog_state_text(const authlog_event_t *ev, int64_t at_us, char *out, size_t outsz);

/* Writes the history row (at the transaction's business time) and buffers
 * the audit row ("auth.<event>") in `tx`'s open transaction. 0 or -1. */
int authlog_record(tx_t *tx, const authlog_event_t *ev);

#endif

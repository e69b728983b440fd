/* authlog: an account event's history row and audit row (see authlog.h),
 * in the caller's transaction. */

#include <stdio.h>
#include "authlog.h"

static const char *const SQL_HISTORY =
    "INSERT INTO auth.login_history (district_code, at, event, user_id, username,"
    " client_addr, detail)"
    " VALUES ($1, 'epoch'::timestamptz + $2::bigint * interval '1 microsecond', $3,"
    " $4::bigint, $5, $6, $7)";

int authlog_state_text(const authlog_event_t *ev, int64_t at_us, char *out, size_t outsz)
{
    int n = snprintf(out, outsz,
                     "at_us=%lld\nevent=%s\ndistrict=%s\nuser_id=%lld\nusername=%s\n"
                     "client=%s\ndetail=%s\n",
                     (long long) at_us, ev->event, ev->district, (long long) ev->user_id,
                     ev->username, ev->client, ev->detail);
    return n < 0 || (size_t) n >= outsz ? -1 : n;
}

int authlog_record(tx_t *tx, const authlog_event_t *ev)
{
    char at[24], uid[24], state[768], action[48];
    int64_t at_us = tx_now_us(tx);
    int len = authlog_state_text(ev, at_us, state, sizeof state);
    if (len < 0)
        return -1;
    const char *p[7] = {ev->district, db_num(at, at_us), ev->event, db_num(uid, ev->user_id),
                        ev->username, ev->client, ev->detail};
    if (db_run(tx_db(tx), SQL_HISTORY, 7, p) != 0)
        return -1;
    Lianxin__V1__Actor actor = LIANXIN__V1__ACTOR__INIT;
    actor.user_id = ev->actor_id;
    actor.role = (char *) (ev->actor_role[0] ? ev->actor_role : "anonymous");
    snprintf(action, sizeof action, "auth.%s", ev->event);
    return tx_audit(tx, ev->district, &actor, action, ev->object_type,
                    ev->object_id[0] ? ev->object_id : "0", state, (size_t) len);
}

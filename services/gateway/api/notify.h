/* inbox: GET /v1/districts/{d}/inbox, the caller's own items in
 * notify.inbox plus the items addressed to the caller's role in the caller's
 * own district (recipient "role:<role>", read state per user from
 * notify.inbox_reads), newest first, keyset-paginated by id. Whose items they
 * are comes from the principal (access_recipient and its role and
 * district), never from the request. */
#ifndef GW_INBOX_H
#define GW_INBOX_H

#include "gw.h"

#define INBOX_LIMIT_DEFAULT 20
#define INBOX_LIMIT_MAX 100

extern const char *const inbox_list_keys[];

void inbox_list(gw_call_t *call);

#endif

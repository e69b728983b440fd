/* api/notify_office: the office's routes of lianxin-notify beyond the inbox:
 * announcements (通知公告: send, list with read counts, one with who has
 * read it and who has not, remind the unread) and contacts (the office's
 * list, masked, and setting anyone's; a member's or unit's own). Commands
 * go to notify (forward.c); reads are built as JSON by the SQL, never
 * showing a clear e-mail or phone (only the masked columns). */
#ifndef GW_API_NOTIFY_OFFICE_H
#define GW_API_NOTIFY_OFFICE_H

#include "gw.h"

extern const gw_routes_t api_notify_office_routes;

#endif

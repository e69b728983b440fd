/* api/notify_office: see api/notify_office.h. */

#include <stdio.h>
#include <string.h>
#include "api/notify_office.h"
#include "forward.h"
#include "inbox_addr.h"
#include "notify.pb-c.h"
#include "reads.h"

#define OFFICE (ROLE_ADMIN | ROLE_OFFICE)
#define ANNOUNCE_BODY_LIMIT 16384       /* 2000 characters and 256 ids, with room */
#define CONTACT_BODY_LIMIT 1024
#define REMIND_BODY_LIMIT 256

/* How many recipients (kind $k, ids of the row) have read any item of the
 * announcement `a`: a read of the notice or of a reminder counts. */
#define SQL_READERS(a)                                                                        \
    "(SELECT count(DISTINCT x.reader_id) FROM notify.items i JOIN notify.reads x"             \
    " ON x.district_code = i.district_code AND x.item_id = i.id"                              \
    " WHERE i.district_code = " a ".district_code AND i.source_producer = 'announce:' || " a  \
    ".id AND x.reader_kind = " a ".recipient_kind)"

static const char *const SQL_LIST =
    "SELECT json_build_object('id', a.id::text, 'title', a.title, 'audience', a.audience,"
    " 'group_id', a.group_id::text, 'recipients', cardinality(a.recipient_ids),"
    " 'read', " SQL_READERS("a") ", 'reminders', a.reminders,"
    " 'created_at', " READS_TS("a.created_at") ", 'reminded_at', " READS_TS("a.reminded_at")
    ")::text, a.id FROM notify.announcements a WHERE a.district_code = $1"
    " AND ($2::bigint IS NULL OR a.id < $2::bigint) ORDER BY a.id DESC LIMIT $3::int";

/* One announcement with each recipient's name and first read (null: not
 * read), the unread first. */
static const char *const SQL_ONE =
    "SELECT json_build_object('id', a.id::text, 'title', a.title, 'body', a.body,"
    " 'audience', a.audience, 'group_id', a.group_id::text, 'reminders', a.reminders,"
    " 'created_at', " READS_TS("a.created_at") ", 'reminded_at', " READS_TS("a.reminded_at") ","
    " 'recipients', (SELECT coalesce(json_agg(json_build_object('recipient_kind',"
    "  a.recipient_kind, 'recipient_id', r.rid::text, 'name', coalesce(m.name, u.name, ''),"
    "  'read_at', " READS_TS("rd.read_at") ") ORDER BY rd.read_at IS NOT NULL, r.rid), '[]')"
    "  FROM unnest(a.recipient_ids) AS r(rid)"
    "  LEFT JOIN core.members m ON a.recipient_kind = 'member'"
    "   AND m.district_code = a.district_code AND m.id = r.rid"
    "  LEFT JOIN core.units u ON a.recipient_kind = 'unit'"
    "   AND u.district_code = a.district_code AND u.id = r.rid"
    "  LEFT JOIN LATERAL (SELECT min(x.read_at) AS read_at FROM notify.items i"
    "   JOIN notify.reads x ON x.district_code = i.district_code AND x.item_id = i.id"
    "   WHERE i.district_code = a.district_code AND i.source_producer = 'announce:' || a.id"
    "   AND x.reader_kind = a.recipient_kind AND x.reader_id = r.rid) rd ON true))::text"
    " FROM notify.announcements a WHERE a.district_code = $1 AND a.id = $2::bigint";

/* The members or units ($2) of the district with their masked contacts. */
static const char *const SQL_CONTACTS =
    "SELECT json_build_object('recipient_kind', $2::text, 'recipient_id', x.id::text,"
    " 'name', x.name, 'email', coalesce(c.email_masked, ''),"
    " 'phone', coalesce(c.phone_masked, ''))::text, x.id"
    " FROM (SELECT id, name FROM core.members WHERE district_code = $1 AND $2 = 'member'"
    "  UNION ALL SELECT id, name FROM core.units WHERE district_code = $1 AND $2 = 'unit') x"
    " LEFT JOIN notify.contacts c ON c.district_code = $1 AND c.recipient_kind = $2"
    "  AND c.recipient_id = x.id AND c.partner = ''"
    " WHERE ($3::bigint IS NULL OR x.id < $3::bigint) ORDER BY x.id DESC LIMIT $4::int";

static const char *const SQL_MINE =
    "SELECT json_build_object('recipient_kind', $2::text, 'recipient_id', $3::text,"
    " 'email', coalesce(c.email_masked, ''), 'phone', coalesce(c.phone_masked, ''))::text"
    " FROM (SELECT 1) AS one LEFT JOIN notify.contacts c ON c.district_code = $1"
    " AND c.recipient_kind = $2 AND c.recipient_id = $3::bigint AND c.partner = ''";

static const char *const s_kinds[] = {"member", "unit", NULL};
static const query_param_t s_page_keys[] = {QP("limit", QP_LIMIT), QP("cursor", QP_CURSOR),
                                            QP_END};
static const query_param_t s_contact_keys[] = {QP_ONE_OF("kind", s_kinds), QP("limit", QP_LIMIT),
                                               QP("cursor", QP_CURSOR), QP_END};
static const query_param_t s_none[] = {QP_END};

static void s_list(gw_call_t *call)
{
    static const reads_spec_t spec = {.sql = SQL_LIST, .cursor_tag = 'a', .key = reads_key_id};
    char cur[24], lim[16];
    int limit;
    const char *p[3] = {reads_district(call), NULL, lim};
    if (reads_page(call, 'a', lim, cur, &p[1], &limit) == 0)
        reads_run(call, &spec, limit, 3, p);
}

static void s_one(gw_call_t *call)
{
    static const reads_spec_t spec = {.sql = SQL_ONE, .single = 1};
    const char *p[2] = {reads_district(call), router_param(&call->params, "id")};
    reads_run(call, &spec, 0, 2, p);
}

static void s_contacts(gw_call_t *call)
{
    static const reads_spec_t spec = {.sql = SQL_CONTACTS, .cursor_tag = 'c',
                                      .key = reads_key_id};
    const char *kind = query_get(&call->query, "kind");
    char cur[24], lim[16];
    int limit;
    const char *p[4] = {reads_district(call), kind && kind[0] ? kind : "member", NULL, lim};
    if (reads_page(call, 'c', lim, cur, &p[2], &limit) == 0)
        reads_run(call, &spec, limit, 4, p);
}

static void s_mine(gw_call_t *call)
{
    static const reads_spec_t spec = {.sql = SQL_MINE, .single = 1};
    const principal_t *w = &call->who;
    inbox_addr_t own;
    char rid[24];
    if (inbox_addr_own(w->role, w->user_id, w->member_id, w->unit_id, &own) != 0) {
        gw_reply_error(call, 403, "forbidden", "没有可设置的接收身份", NULL);
        return;
    }
    snprintf(rid, sizeof rid, "%lld", (long long) own.id);
    const char *p[3] = {reads_district(call), own.kind, rid};
    reads_run(call, &spec, 0, 3, p);
}

#define NOTIFY_CMD(m, path, roles_, limit, type, req, rep)                                   \
    {.at = {.method = m, .pattern = "/v1/districts/{d}" path}, .roles = roles_,               \
     .body_limit = limit, .handler = forward_handle, .command = type, .request = req,         \
     .reply = rep}

static const gw_route_t s_rows[] = {
    NOTIFY_CMD("POST", "/announcements", OFFICE, ANNOUNCE_BODY_LIMIT, "notify.SendAnnouncement",
               &lianxin__v1__send_announcement__descriptor,
               &lianxin__v1__announcement_ref__descriptor),
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/announcements"}, .roles = OFFICE,
     .handler = s_list, .query = s_page_keys},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/announcements/{id}"}, .roles = OFFICE,
     .handler = s_one, .query = s_none},
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/announcements/{id}/remind"},
     .roles = OFFICE, .body_limit = REMIND_BODY_LIMIT, .body_optional = 1,
     .handler = forward_handle, .command = "notify.RemindAnnouncement",
     .request = &lianxin__v1__remind_announcement__descriptor,
     .reply = &lianxin__v1__announcement_ref__descriptor},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/contacts"}, .roles = OFFICE,
     .handler = s_contacts, .query = s_contact_keys},
    NOTIFY_CMD("PUT", "/contacts", OFFICE, CONTACT_BODY_LIMIT, "notify.SetContact",
               &lianxin__v1__set_contact__descriptor, &lianxin__v1__set_contact__descriptor),
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/me/contact"},
     .roles = ROLE_MEMBER | ROLE_UNIT, .handler = s_mine, .query = s_none},
    NOTIFY_CMD("PUT", "/me/contact", ROLE_MEMBER | ROLE_UNIT, CONTACT_BODY_LIMIT,
               "notify.SetContact", &lianxin__v1__set_contact__descriptor,
               &lianxin__v1__set_contact__descriptor),
};

const gw_routes_t api_notify_office_routes = GW_ROUTES(s_rows);

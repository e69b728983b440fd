/* api/notify: the inbox's routes (see api/notify.h). Marking an item read is
 * a plain command row (forward.c); the list is read here, its JSON built by
 * the SQL, and never takes the recipient from the request. */

#include <stdio.h>
#include <string.h>
#include "http/cursor.h"
#include "api/notify.h"
#include "forward.h"
#include "inbox_addr.h"
#include "notify.pb-c.h"
#include "pgtext.h"
#include "reads.h"

#define INBOX_LIMIT_DEFAULT 20
#define INBOX_LIMIT_MAX 100
#define MARK_READ_BODY_LIMIT 1024

/* The caller's own items ($2 = recipient kind, $3 among the recipients:
 * the GIN index items_by_recipient) and the items addressed to their role
 * in the district ($7 = 'role:<role>', NULL for none: items_by_role),
 * merged by id. Read state is a row of notify.reads written when read: the
 * caller's own (reader = the recipient) or, for a role item, the caller's as
 * a user ($8): one leader reading it leaves it unread for the others. */
static const char *const SQL_INBOX =
    "SELECT json_build_object('id', id::text, 'kind', kind, 'title', title, 'body', body,"
    " 'object_type', object_type, 'object_id', object_id,"
    " 'created_at', " READS_TS("created_at") ", 'read_at', " READS_TS("read_at") ")::text, id"
    " FROM ((SELECT i.id, i.kind, i.title, i.body, i.object_type, i.object_id, i.created_at,"
    "   r.read_at"
    "   FROM notify.items i LEFT JOIN notify.reads r ON r.district_code = i.district_code"
    "   AND r.item_id = i.id AND r.reader_kind = $2 AND r.reader_id = $3::bigint"
    "   WHERE i.district_code = $1 AND i.recipient_kind = $2"
    "   AND i.recipient_ids @> ARRAY[$3::bigint] AND $3::bigint > 0"
    "   AND ($4::bool IS NOT TRUE OR r.read_at IS NULL)"
    "   AND ($5::bigint IS NULL OR i.id < $5::bigint)"
    "   ORDER BY i.id DESC LIMIT $6::int)"
    " UNION ALL"
    "  (SELECT i.id, i.kind, i.title, i.body, i.object_type, i.object_id, i.created_at,"
    "   r.read_at"
    "   FROM notify.items i LEFT JOIN notify.reads r ON r.district_code = i.district_code"
    "   AND r.item_id = i.id AND r.reader_kind = 'user' AND r.reader_id = $8::bigint"
    "   WHERE i.district_code = $1 AND i.recipient_kind = $7::text"
    "   AND i.recipient_kind LIKE 'role:%'"
    "   AND ($4::bool IS NOT TRUE OR r.read_at IS NULL)"
    "   AND ($5::bigint IS NULL OR i.id < $5::bigint)"
    "   ORDER BY i.id DESC LIMIT $6::int)) AS u"
    " ORDER BY id DESC LIMIT $6::int";

static const query_param_t s_inbox_keys[] = {
    QP("unread", QP_BOOL), QP("limit", QP_LIMIT), QP("cursor", QP_CURSOR), QP_END};

static void s_key(const PGresult *res, int row, int64_t *a, int64_t *b)
{
    pgtext_int64(PQgetvalue(res, row, 1), a);
    *b = 0;
}

static const reads_spec_t s_list = {.sql = SQL_INBOX, .cursor_tag = 'i', .key = s_key};

static void s_list_items(gw_call_t *call)
{
    const char *v;
    int unread = 0, limit;
    int64_t after = 0, zero = 0;
    char rid[24], uid[24], cur[24], lim[16];
    inbox_addr_t own, role;
    const principal_t *p = &call->who;
    if ((v = query_get(&call->query, "unread")) && query_bool(v, &unread) != 0) {
        gw_reply_bad_field(call, "unread", "invalid");
        return;
    }
    if (query_limit(query_get(&call->query, "limit"), INBOX_LIMIT_DEFAULT, INBOX_LIMIT_MAX,
                    &limit) != 0) {
        gw_reply_bad_field(call, "limit", "out_of_range");
        return;
    }
    if ((v = query_get(&call->query, "cursor")) &&
        (cursor_decode(v, 'i', &after, &zero) != 0 || after <= 0 || zero != 0)) {
        gw_reply_bad_field(call, "cursor", "invalid");
        return;
    }
    int has_role = inbox_addr_role(p->role, p->user_id, p->district, call->district, &role) == 0;
    if (inbox_addr_own(p->role, p->user_id, p->member_id, p->unit_id, &own) != 0)
        own.id = 0;                 /* an account with no address of its own: role items only */
    snprintf(rid, sizeof rid, "%lld", (long long) own.id);
    snprintf(uid, sizeof uid, "%lld", (long long) p->user_id);
    snprintf(cur, sizeof cur, "%lld", (long long) after);
    snprintf(lim, sizeof lim, "%d", limit + 1);
    const char *params[8] = {reads_district(call), own.kind, rid, unread ? "true" : "false",
                             after ? cur : NULL, lim, has_role ? role.kind : NULL,
                             has_role ? uid : NULL};
    reads_run(call, &s_list, limit, 8, params);
}

/* The office's view of the external deliveries of its district, newest
 * first, optionally of one status: what went out, what is waiting, what
 * failed and why (never the address: personal data). */
static const char *const SQL_DELIVERIES =
    "SELECT json_build_object('id', id::text, 'item_id', item_id::text, 'channel', channel,"
    " 'recipient_kind', recipient_kind, 'recipient_id', recipient_id::text, 'status', status,"
    " 'attempts', attempts, 'subject', subject, 'last_error', last_error,"
    " 'next_at', " READS_TS("next_at") ", 'created_at', " READS_TS("created_at") ","
    " 'sent_at', " READS_TS("sent_at") ")::text, id"
    " FROM notify.deliveries WHERE district_code = $1"
    " AND ($2::text IS NULL OR status = $2::text)"
    " AND ($3::bigint IS NULL OR id < $3::bigint)"
    " ORDER BY id DESC LIMIT $4::int";

static const char *const s_statuses[] = {"pending", "sending", "sent", "dead", "digest", NULL};

static const query_param_t s_delivery_keys[] = {
    QP_ONE_OF("status", s_statuses), QP("limit", QP_LIMIT), QP("cursor", QP_CURSOR), QP_END};

static const reads_spec_t s_deliveries = {.sql = SQL_DELIVERIES, .cursor_tag = 'n', .key = s_key};

static void s_list_deliveries(gw_call_t *call)
{
    const char *status = query_get(&call->query, "status"), *v;
    int limit;
    int64_t after = 0, zero = 0;
    char cur[24], lim[16];
    if (query_limit(query_get(&call->query, "limit"), INBOX_LIMIT_DEFAULT, INBOX_LIMIT_MAX,
                    &limit) != 0) {
        gw_reply_bad_field(call, "limit", "out_of_range");
        return;
    }
    if ((v = query_get(&call->query, "cursor")) &&
        (cursor_decode(v, 'n', &after, &zero) != 0 || after <= 0 || zero != 0)) {
        gw_reply_bad_field(call, "cursor", "invalid");
        return;
    }
    snprintf(cur, sizeof cur, "%lld", (long long) after);
    snprintf(lim, sizeof lim, "%d", limit + 1);
    const char *params[4] = {reads_district(call), status && status[0] ? status : NULL,
                             after ? cur : NULL, lim};
    reads_run(call, &s_deliveries, limit, 4, params);
}

/* The caller's own preferences (defaults when never set). */
static const char *const SQL_PREFS =
    "SELECT json_build_object('channels', coalesce(p.channels, '{email,sms}'),"
    " 'digest', coalesce(p.digest, false))::text"
    " FROM (SELECT 1) AS one LEFT JOIN notify.preferences p ON p.district_code = $1"
    " AND p.recipient_kind = $2 AND p.recipient_id = $3::bigint";

static const reads_spec_t s_prefs = {.sql = SQL_PREFS, .single = 1};

static void s_get_prefs(gw_call_t *call)
{
    const principal_t *p = &call->who;
    inbox_addr_t own;
    char rid[24];
    if (inbox_addr_own(p->role, p->user_id, p->member_id, p->unit_id, &own) != 0) {
        gw_reply_error(call, 403, "forbidden", "没有可设置的接收身份", NULL);
        return;
    }
    snprintf(rid, sizeof rid, "%lld", (long long) own.id);
    const char *params[3] = {reads_district(call), own.kind, rid};
    reads_run(call, &s_prefs, 0, 3, params);
}

static const gw_route_t s_rows[] = {
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/inbox"}, .roles = ROLES_ANY,
     .handler = s_list_items, .query = s_inbox_keys},
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/inbox/{id}/read"}, .roles = ROLES_ANY,
     .body_limit = MARK_READ_BODY_LIMIT, .body_optional = 1, .handler = forward_handle,
     .command = "notify.MarkRead", .request = &lianxin__v1__mark_read__descriptor,
     .reply = &lianxin__v1__inbox_ref__descriptor},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/notifications"},
     .roles = ROLE_ADMIN | ROLE_OFFICE, .handler = s_list_deliveries, .query = s_delivery_keys},
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/notifications/{id}/retry"},
     .roles = ROLE_ADMIN | ROLE_OFFICE, .body_limit = MARK_READ_BODY_LIMIT, .body_optional = 1,
     .handler = forward_handle, .command = "notify.RetryDelivery",
     .request = &lianxin__v1__retry_delivery__descriptor,
     .reply = &lianxin__v1__delivery_ref__descriptor},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/me/preferences"}, .roles = ROLES_ANY,
     .handler = s_get_prefs},
    {.at = {.method = "PUT", .pattern = "/v1/districts/{d}/me/preferences"}, .roles = ROLES_ANY,
     .body_limit = MARK_READ_BODY_LIMIT, .handler = forward_handle,
     .command = "notify.SetPreferences", .request = &lianxin__v1__preferences__descriptor,
     .reply = &lianxin__v1__preferences__descriptor},
};

const gw_routes_t api_notify_routes = GW_ROUTES(s_rows);

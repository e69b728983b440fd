/* inbox: the read side of the in-app inbox. Marking an item read is a
 * command to lianxin-notify (forward.c); this file only reads, and never
 * takes the recipient from the request. */

#include <stdio.h>
#include "cursor.h"
#include "inbox.h"
#include "pgtext.h"
#include "reads.h"

static const char *const SQL_INBOX =
    "SELECT id, kind, title, body, object_type, object_id,"
    " (extract(epoch from created_at) * 1000000)::bigint,"
    " (extract(epoch from read_at) * 1000000)::bigint"
    " FROM notify.inbox"
    " WHERE district_code = $1 AND recipient_kind = $2 AND recipient_id = $3::bigint"
    " AND ($4::bool IS NOT TRUE OR read_at IS NULL)"
    " AND ($5::bigint IS NULL OR id < $5::bigint)"
    " ORDER BY id DESC LIMIT $6::int";

const char *const inbox_list_keys[] = {"unread", "limit", "cursor", NULL};

static json_t *s_item(const PGresult *res, int row)
{
    static const char *const names[] = {"id", "kind", "title", "body", "object_type",
                                        "object_id"};
    json_t *o = json_object();
    for (int c = 0; o && c < 6; c++)
        reads_set(o, names[c], pgtext_string_or_null(res, row, c));
    if (o) {
        reads_set(o, "created_at", pgtext_time_or_null(res, row, 6));
        reads_set(o, "read_at", pgtext_time_or_null(res, row, 7));
    }
    return o;
}

static void s_key(const PGresult *res, int row, int64_t *a, int64_t *b)
{
    pgtext_int64(PQgetvalue(res, row, 0), a);
    *b = 0;
}

static const reads_spec_t s_list = {SQL_INBOX, s_item, 0, 'i', s_key};

void inbox_list(gw_call_t *call)
{
    const char *v;
    int unread = 0, limit;
    int64_t after = 0, zero = 0;
    char kind[8], rid[24], cur[24], lim[16];
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
    int64_t id;
    access_recipient(&call->who, kind, &id);
    snprintf(rid, sizeof rid, "%lld", (long long) id);
    snprintf(cur, sizeof cur, "%lld", (long long) after);
    snprintf(lim, sizeof lim, "%d", limit + 1);
    const char *params[6] = {reads_district(call), kind, rid, unread ? "true" : "false",
                             after ? cur : NULL, lim};
    reads_run(call, &s_list, limit, 6, params);
}

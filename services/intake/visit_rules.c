/* visit_rules: what a well-formed RecordVisit is and who may send one.
 * Pure functions over the decoded message; they must never do I/O or read
 * the clock, so unit tests call them directly (tests/unit/test_intake_rules.c). */
#include <stdio.h>
#include <string.h>
#include "timeutil.h"
#include "visit_rules.h"

/* ---- helpers ------------------------------------------------------------- */

static void s_err(visit_errors_t *errs, const char *field, const char *code)
{
    if (errs->n >= VISIT_MAX_ERRORS)
        return;
    snprintf(errs->e[errs->n].field, sizeof errs->e[0].field, "%s", field);
    errs->e[errs->n].code = code;
    errs->n++;
}

/* Length and encoding rule shared by the free-text fields: `max` code points
 * (0: no limit beyond validity); `required` makes an empty or all-blank value
 * an error. */
static void s_text(visit_errors_t *errs, const char *field, const char *s,
                   long max, int required)
{
    size_t len = s ? strlen(s) : 0;
    long chars = visit_utf8_chars(s ? s : "", len);

    if (chars < 0) {
        s_err(errs, field, "invalid");
        return;
    }
    if (required && strspn(s ? s : "", " \t\r\n") == len) {
        s_err(errs, field, "required");
        return;
    }
    if (max > 0 && chars > max)
        s_err(errs, field, "too_long");
}

static int s_enum_known(const ProtobufCEnumDescriptor *desc, int value)
{
    return protobuf_c_enum_descriptor_get_value(desc, value) != NULL;
}

/* ---- public --------------------------------------------------------------- */

long visit_utf8_chars(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    long chars = 0;
    size_t i = 0;

    while (i < len) {
        unsigned c = p[i], need, cp, min;
        if (c < 0x80) { i++; chars++; continue; }
        if (c >= 0xC2 && c <= 0xDF) { need = 1; cp = c & 0x1F; min = 0x80; }
        else if (c >= 0xE0 && c <= 0xEF) { need = 2; cp = c & 0x0F; min = 0x800; }
        else if (c >= 0xF0 && c <= 0xF4) { need = 3; cp = c & 0x07; min = 0x10000; }
        else return -1;
        if (i + need >= len)                /* truncated sequence */
            return -1;
        for (unsigned k = 1; k <= need; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return -1;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return -1;
        i += need + 1;
        chars++;
    }
    return chars;
}

int visit_phone_ok(const char *phone, int *too_long)
{
    return contact_phone_ok(phone, too_long);
}

int visit_rules_member_ok(const Lianxin__V1__Actor *actor, const int64_t *member_ids,
                          size_t n_member_ids)
{
    if (!actor || !actor->role)
        return -1;
    if (strcmp(actor->role, "member") == 0) {
        if (actor->member_id <= 0)
            return -1;
        for (size_t i = 0; i < n_member_ids; i++)
            if (member_ids[i] == actor->member_id)
                return 0;
        return -1;
    }
    return 0;
}

int visit_has_visitor(const Lianxin__V1__RecordVisit *rv)
{
    const Lianxin__V1__Visitor *v = rv->visitor;
    return v && ((v->name && v->name[0]) || (v->phone && v->phone[0]));
}

static void s_check_members(const Lianxin__V1__RecordVisit *rv, visit_errors_t *errs)
{
    char field[64];

    if (rv->n_member_ids == 0) {
        s_err(errs, "member_ids", "required");
        return;
    }
    if (rv->n_member_ids > VISIT_MAX_MEMBERS) {
        s_err(errs, "member_ids", "too_many");
        return;
    }
    for (size_t i = 0; i < rv->n_member_ids; i++) {
        snprintf(field, sizeof field, "member_ids[%zu]", i);
        if (rv->member_ids[i] <= 0) {
            s_err(errs, field, "out_of_range");
            continue;
        }
        for (size_t j = 0; j < i; j++)
            if (rv->member_ids[j] == rv->member_ids[i]) {
                s_err(errs, field, "duplicate");
                break;
            }
    }
}

static void s_check_time(const Lianxin__V1__RecordVisit *rv, int64_t now_us,
                         visit_errors_t *errs, int64_t *received_us)
{
    int64_t us = 0;

    if (!rv->received_at || !rv->received_at[0]) {
        s_err(errs, "received_at", "required");
        return;
    }
    if (time_parse(rv->received_at, &us) != 0) {
        s_err(errs, "received_at", "invalid");
        return;
    }
    if (us > now_us + VISIT_MAX_FUTURE_US) {
        s_err(errs, "received_at", "out_of_range");
        return;
    }
    *received_us = us;
}

static void s_check_visitor(const Lianxin__V1__RecordVisit *rv, visit_errors_t *errs)
{
    const Lianxin__V1__Visitor *v = rv->visitor;
    int too_long = 0;

    if (!v)
        return;
    if (v->name && v->name[0])
        s_text(errs, "visitor.name", v->name, VISIT_MAX_NAME, 0);
    if (v->phone && v->phone[0] && !visit_phone_ok(v->phone, &too_long))
        s_err(errs, "visitor.phone", too_long ? "too_long" : "invalid");
}

static void s_check_enums(const Lianxin__V1__RecordVisit *rv, visit_errors_t *errs)
{
    if (rv->category == LIANXIN__V1__VISIT_CATEGORY__VISIT_CATEGORY_UNSPECIFIED)
        s_err(errs, "category", "required");
    else if (!s_enum_known(&lianxin__v1__visit_category__descriptor, (int)rv->category))
        s_err(errs, "category", "invalid");
    if (!s_enum_known(&lianxin__v1__visit_kind__descriptor, (int)rv->kind))
        s_err(errs, "kind", "invalid");
    if (!s_enum_known(&lianxin__v1__on_spot_action__descriptor, (int)rv->on_spot_action))
        s_err(errs, "on_spot_action", "invalid");
}

int visit_rules_check(const Lianxin__V1__RecordVisit *rv, int64_t now_us,
                      visit_errors_t *errs, int64_t *received_us)
{
    memset(errs, 0, sizeof *errs);
    *received_us = 0;
    if (rv->workroom_id == 0)
        s_err(errs, "workroom_id", "required");
    else if (rv->workroom_id < 0)
        s_err(errs, "workroom_id", "out_of_range");
    s_check_time(rv, now_us, errs, received_us);
    s_check_members(rv, errs);
    s_text(errs, "summary", rv->summary, VISIT_MAX_SUMMARY, 1);
    s_check_enums(rv, errs);
    s_text(errs, "location", rv->location, VISIT_MAX_LOCATION, 0);
    s_text(errs, "promised", rv->promised, VISIT_MAX_PROMISED, 0);
    s_check_visitor(rv, errs);
    return errs->n ? -1 : 0;
}

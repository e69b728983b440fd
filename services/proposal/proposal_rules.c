/* proposal_rules: the pure rules of proposal handling (see proposal_rules.h).
 * No I/O, no clock: the caller passes today and the calendar. */
#include <stdio.h>
#include <string.h>
#include "proposal_rules.h"
#include "textfmt.h"

const char *const proposal_stages[] = {"before", "during", "after", NULL};
const char *const proposal_forms[] = {"visit", "phone", "meeting", NULL};
const char *const proposal_classes[] = {"a", "b", "c", NULL};
const char *const proposal_verdicts[] = {"satisfied", "basically_satisfied", "unsatisfied",
                                         NULL};
const char *const proposal_convert_to[] = {"report", "letter", NULL};

static const char *const s_default_reasons =
    "not_in_scope,no_measures,already_handled,law_or_policy,private_matter";

int proposal_number_format(int year, int number, char *out, size_t outsz)
{
    if (number < 1 || year < 1970 || year > 9999)
        return -1;
    int n = snprintf(out, outsz, "%d-%04d", year, number);
    return n > 0 && (size_t) n < outsz ? 0 : -1;
}

int proposal_due_date(const calendar_t *cal, calendar_day_t assigned_on, int workdays,
                      calendar_day_t *due)
{
    if (workdays < 1 || workdays > PROPOSAL_WORKDAYS_MAX)
        return -1;
    return calendar_add_workdays(cal, assigned_on, workdays, due) < 0 ? -1 : 0;
}

int proposal_handback_open(const calendar_t *cal, calendar_day_t assigned_on,
                           calendar_day_t today)
{
    if (today < assigned_on)
        return 0;
    long n = calendar_workdays_between(cal, assigned_on, today);
    return n >= 0 && n <= PROPOSAL_HANDBACK_WORKDAYS;
}

int proposal_in(const char *v, const char *const *set)
{
    for (size_t i = 0; v && set[i]; i++)
        if (strcmp(v, set[i]) == 0)
            return 1;
    return 0;
}

/* One code of the list: [a-z0-9_]{1,32}. */
static int s_code_ok(const char *s, size_t n)
{
    if (n == 0 || n > 32)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return 0;
    return 1;
}

int proposal_reasons_parse(const char *text, char out[][33], int max)
{
    int n = 0;
    const char *p = text && *text ? text : s_default_reasons;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        size_t len = strcspn(p, ", ");
        if (!s_code_ok(p, len) || n >= max)
            return -1;
        memcpy(out[n], p, len);
        out[n++][len] = '\0';
        p += len;
    }
    return n > 0 ? n : -1;
}

static int s_fault(const char **field, const char **code, const char *f, const char *c)
{
    *field = f;
    *code = c;
    return -1;
}

int proposal_reply_check(const char *cls, const char *text, const char *promised,
                         const char *reason, calendar_day_t today, const char **field,
                         const char **code)
{
    calendar_day_t d;
    if (!proposal_in(cls, proposal_classes))
        return s_fault(field, code, "class", cls && *cls ? "unknown_value" : "required");
    if (!text || !textfmt_has_text(text))
        return s_fault(field, code, "text", "required");
    if (strlen(text) > PROPOSAL_REPLY_TEXT_MAX)
        return s_fault(field, code, "text", "too_long");
    if (reason && strlen(reason) > PROPOSAL_REPLY_REASON_MAX)
        return s_fault(field, code, "reason", "too_long");
    if (strcmp(cls, "b") == 0) {
        if (!promised || !*promised)
            return s_fault(field, code, "promised_date", "required");
        if (calendar_day_parse(promised, &d) != 0)
            return s_fault(field, code, "promised_date", "invalid");
        if (d <= today)
            return s_fault(field, code, "promised_date", "out_of_range");
    }
    if (strcmp(cls, "c") == 0 && (!reason || !textfmt_has_text(reason)))
        return s_fault(field, code, "reason", "required");
    return 0;
}

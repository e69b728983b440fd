/* recipients: the rules of who is told about what, and the words they read.
 * Pure: no I/O, no clock. The texts are Simplified Chinese and must never
 * carry personal data of the public (no visitor names or phones). */
#include <stdio.h>
#include <string.h>
#include "intake.pb-c.h"
#include "timeutil.h"
#include "recipients.h"

static const char *s_labels[] = {
    [LIANXIN__V1__VISIT_CATEGORY__VISIT_CATEGORY_URBAN_CONSTRUCTION] = "城乡建设",
    [LIANXIN__V1__VISIT_CATEGORY__VISIT_CATEGORY_TRANSPORT] = "交通",
    [LIANXIN__V1__VISIT_CATEGORY__VISIT_CATEGORY_EDUCATION] = "教育",
    [LIANXIN__V1__VISIT_CATEGORY__VISIT_CATEGORY_HEALTH] = "医疗卫生",
    [LIANXIN__V1__VISIT_CATEGORY__VISIT_CATEGORY_SOCIAL_SECURITY] = "社会保障",
    [LIANXIN__V1__VISIT_CATEGORY__VISIT_CATEGORY_ENVIRONMENT] = "生态环境",
    [LIANXIN__V1__VISIT_CATEGORY__VISIT_CATEGORY_PUBLIC_SECURITY] = "社会治安",
    [LIANXIN__V1__VISIT_CATEGORY__VISIT_CATEGORY_BUSINESS] = "营商环境",
    [LIANXIN__V1__VISIT_CATEGORY__VISIT_CATEGORY_OTHER] = "其他",
};

static size_t s_add(int64_t *out, size_t n, size_t max, int64_t id)
{
    if (id <= 0 || n >= max)
        return n;
    for (size_t i = 0; i < n; i++)
        if (out[i] == id)
            return n;
    out[n] = id;
    return n + 1;
}

size_t recipients_of_visit(const int64_t *rota, size_t nrota, int64_t head,
                           int64_t *out, size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < nrota; i++)
        n = s_add(out, n, max, rota[i]);
    return s_add(out, n, max, head);
}

const char *recipients_category_label(int category)
{
    size_t n = sizeof s_labels / sizeof s_labels[0];

    if (category < 0 || (size_t)category >= n || !s_labels[category])
        return "其他";
    return s_labels[category];
}

int recipients_visit_body(const char *room_name, const char *received_at, int category,
                          char *out, size_t outsz)
{
    const char *room = room_name && room_name[0] ? room_name : "委员工作室";
    const char *label = recipients_category_label(category);
    int64_t us;
    int year, month, day, n;

    if (received_at && time_parse(received_at, &us) == 0) {
        time_ymd(us, &year, &month, &day);
        n = snprintf(out, outsz, "%s %d月%d日 收到一件%s类诉求", room, month, day, label);
    } else {
        n = snprintf(out, outsz, "%s 收到一件%s类诉求", room, label);
    }
    return (n < 0 || (size_t)n >= outsz) ? -1 : 0;
}


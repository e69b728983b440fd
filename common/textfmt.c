/* textfmt: CSV and iCalendar text, pure. See textfmt.h. */
#include <stdlib.h>
#include <string.h>
#include "textfmt.h"

void textbuf_init(textbuf_t *b)
{
    memset(b, 0, sizeof *b);
}

void textbuf_free(textbuf_t *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

void textbuf_add(textbuf_t *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d) {
            b->failed = 1;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void textbuf_puts(textbuf_t *b, const char *s)
{
    textbuf_add(b, s, strlen(s));
}

/* ---- CSV ------------------------------------------------------------------------ */

void textfmt_csv_field(textbuf_t *b, const char *value)
{
    const char *v = value ? value : "";
    int formula = strchr("=+-@", v[0]) != NULL && v[0] != '\0';
    if (!formula && !strpbrk(v, ",\"\r\n")) {
        textbuf_puts(b, v);
        return;
    }
    textbuf_add(b, "\"", 1);
    if (formula)
        textbuf_add(b, "'", 1);
    for (const char *p = v; *p; p++) {
        if (*p == '"')
            textbuf_add(b, "\"", 1);
        textbuf_add(b, p, 1);
    }
    textbuf_add(b, "\"", 1);
}

void textfmt_csv_row(textbuf_t *b, const char *const *fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            textbuf_add(b, ",", 1);
        textfmt_csv_field(b, fields[i]);
    }
    textbuf_add(b, "\r\n", 2);
}

/* ---- iCalendar ---------------------------------------------------------------------- */

void textfmt_ics_text(textbuf_t *b, const char *value)
{
    for (const char *p = value ? value : ""; *p; p++) {
        switch (*p) {
        case '\\': textbuf_add(b, "\\\\", 2); break;
        case ';': textbuf_add(b, "\\;", 2); break;
        case ',': textbuf_add(b, "\\,", 2); break;
        case '\n': textbuf_add(b, "\\n", 2); break;
        case '\r': break;
        default: textbuf_add(b, p, 1);
        }
    }
}

/* Folds `line` (no CRLF) into lines of at most 75 octets, continuation lines
 * starting with one space, never inside a UTF-8 sequence. */
static void s_fold(textbuf_t *b, const char *line, size_t len)
{
    size_t pos = 0, limit = 75;
    while (len - pos > limit) {
        size_t cut = pos + limit;
        while (cut > pos && ((unsigned char) line[cut] & 0xC0) == 0x80)
            cut--;
        textbuf_add(b, line + pos, cut - pos);
        textbuf_add(b, "\r\n ", 3);
        pos = cut;
        limit = 74;                 /* the leading space counts */
    }
    textbuf_add(b, line + pos, len - pos);
    textbuf_add(b, "\r\n", 2);
}

void textfmt_ics_line(textbuf_t *b, const char *name, const char *value)
{
    textbuf_t line;
    textbuf_init(&line);
    textbuf_puts(&line, name);
    textbuf_add(&line, ":", 1);
    textbuf_puts(&line, value ? value : "");
    if (line.failed)
        b->failed = 1;
    else
        s_fold(b, line.data, line.len);
    textbuf_free(&line);
}

/* ---- the public-opinion log ------------------------------------------------------------ */

static const char *s_label(const char *const map[][2], const char *key)
{
    for (size_t i = 0; key && map[i][0]; i++)
        if (strcmp(map[i][0], key) == 0)
            return map[i][1];
    return key ? key : "";
}

size_t textfmt_utf8_prefix(const char *s, size_t max)
{
    size_t n = s ? strnlen(s, max + 1) : 0;

    if (n <= max)
        return n;
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

int textfmt_has_text(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; p && *p;) {
        if (*p == ' ' || (*p >= '\t' && *p <= '\r'))     /* HT, LF, VT, FF, CR */
            p++;
        else if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80)
            p += 3;
        else
            return 1;
    }
    return 0;
}

const char *textfmt_category_zh(const char *name)
{
    static const char *const map[][2] = {
        {"urban_construction", "城乡建设"}, {"transport", "交通"}, {"education", "教育"},
        {"health", "医疗卫生"}, {"social_security", "社会保障"}, {"environment", "生态环境"},
        {"public_security", "社会治安"}, {"business", "营商环境"}, {"other", "其他"},
        {NULL, NULL},
    };
    return s_label(map, name);
}

const char *textfmt_kind_zh(const char *name)
{
    static const char *const map[][2] = {{"reception", "接待"}, {"home_visit", "走访"}, {NULL, NULL}};
    return s_label(map, name);
}

const char *textfmt_action_zh(const char *name)
{
    static const char *const map[][2] = {
        {"answered", "当场答复"}, {"explained_policy", "政策解释"}, {"referred", "转交办理"},
        {"recorded", "记录待办"}, {NULL, NULL},
    };
    return s_label(map, name);
}

void textfmt_log_header(textbuf_t *b)
{
    static const char *const head[TEXTFMT_LOG_FIELDS] = {
        "编号", "接待时间", "类型", "接待委员", "来访人", "联系电话", "诉求摘要", "类别", "地点",
        "现场处置", "承诺事项", "分级"};
    textbuf_puts(b, "\xEF\xBB\xBF");
    textfmt_csv_row(b, head, TEXTFMT_LOG_FIELDS);
}

void textfmt_log_row(textbuf_t *b, const char *const f[TEXTFMT_LOG_FIELDS])
{
    const char *g[TEXTFMT_LOG_FIELDS];
    for (int k = 0; k < TEXTFMT_LOG_FIELDS; k++)
        g[k] = f[k] ? f[k] : "";
    g[2] = textfmt_kind_zh(g[2]);
    g[7] = textfmt_category_zh(g[7]);
    g[9] = textfmt_action_zh(g[9]);
    textfmt_csv_row(b, g, TEXTFMT_LOG_FIELDS);
}

void textfmt_ics_begin(textbuf_t *b, const char *prodid, const char *name)
{
    textfmt_ics_line(b, "BEGIN", "VCALENDAR");
    textfmt_ics_line(b, "VERSION", "2.0");
    textfmt_ics_line(b, "PRODID", prodid);
    textfmt_ics_line(b, "CALSCALE", "GREGORIAN");
    textfmt_ics_line(b, "METHOD", "PUBLISH");
    textfmt_ics_line(b, "X-WR-CALNAME", name);
    textfmt_ics_line(b, "X-WR-TIMEZONE", "Asia/Shanghai");
    textfmt_ics_line(b, "BEGIN", "VTIMEZONE");
    textfmt_ics_line(b, "TZID", "Asia/Shanghai");
    textfmt_ics_line(b, "BEGIN", "STANDARD");
    textfmt_ics_line(b, "DTSTART", "19700101T000000");
    textfmt_ics_line(b, "TZOFFSETFROM", "+0800");
    textfmt_ics_line(b, "TZOFFSETTO", "+0800");
    textfmt_ics_line(b, "TZNAME", "CST");
    textfmt_ics_line(b, "END", "STANDARD");
    textfmt_ics_line(b, "END", "VTIMEZONE");
}

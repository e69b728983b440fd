/* textfmt: CSV and iCalendar text, pure. */
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

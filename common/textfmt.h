/* textfmt: the text formats of the exports, pure: CSV fields (RFC 4180:
 * quoted when they hold a comma, a quote, CR or LF, or start with a
 * formula character, quotes doubled), the public-opinion log's CSV layout
 * (shared by the gateway's masked export and intake's audited one) and
 * iCalendar content lines (RFC 5545: TEXT escaping, lines folded at 75
 * octets without splitting a UTF-8 character, CRLF). Appends to a growing
 * buffer; never does I/O. */
#ifndef LIANXIN_TEXTFMT_H
#define LIANXIN_TEXTFMT_H

#include <stddef.h>

typedef struct textbuf {
    char *data;
    size_t len, cap;
    int failed;                     /* an allocation failed: the text is incomplete */
} textbuf_t;

void textbuf_init(textbuf_t *b);
void textbuf_free(textbuf_t *b);
void textbuf_add(textbuf_t *b, const char *s, size_t n);
void textbuf_puts(textbuf_t *b, const char *s);

/* One CSV field (no separator). A value starting with = + - @ gets a
 * leading apostrophe inside quotes, so a spreadsheet never runs it. */
void textfmt_csv_field(textbuf_t *b, const char *value);

/* A CSV record of `n` fields, comma-separated, ended by CRLF. */
void textfmt_csv_row(textbuf_t *b, const char *const *fields, size_t n);

/* An iCalendar content line "NAME:value" (value used as is: for TEXT
 * values use textfmt_ics_text), folded at 75 octets, ended by CRLF. */
void textfmt_ics_line(textbuf_t *b, const char *name, const char *value);

/* A TEXT value escaped (backslash, semicolon, comma, newline) into `b`. */
void textfmt_ics_text(textbuf_t *b, const char *value);

/* The head of a calendar published in China Standard Time: BEGIN:VCALENDAR,
 * VERSION, PRODID `prodid`, CALSCALE, METHOD:PUBLISH, X-WR-CALNAME `name`,
 * X-WR-TIMEZONE and the VTIMEZONE of Asia/Shanghai (UTC+8, no daylight
 * saving). The caller writes its VEVENTs and END:VCALENDAR. */
void textfmt_ics_begin(textbuf_t *b, const char *prodid, const char *name);

/* ---- the public-opinion log (民情日志) as CSV ---------------------------------- */

#define TEXTFMT_LOG_FIELDS 12

/* The Chinese label of a visit category, kind or on-spot action JSON name
 * ("transport" -> "交通"); the name itself when unknown. */
const char *textfmt_category_zh(const char *name);

/* The length of the longest prefix of `s` that is at most `max` bytes long
 * and ends on a UTF-8 character boundary: text cut to it never ends in half
 * a character (PostgreSQL refuses such text). */
size_t textfmt_utf8_prefix(const char *s, size_t max);

/* 1 when `s` holds a character other than blanks (space, tab, CR, LF, VT,
 * FF and the ideographic space U+3000): a required text that is not just blanks.
 * 0 for NULL or "". */
int textfmt_has_text(const char *s);
const char *textfmt_kind_zh(const char *name);
const char *textfmt_action_zh(const char *name);

/* The UTF-8 BOM and the header record (编号, 接待时间, ... 分级). */
void textfmt_log_header(textbuf_t *b);

/* One record from the raw fields in header order: id, time, kind, members,
 * visitor name, visitor phone, summary, category, location, action,
 * promised, grades. Kind, category and action are given as JSON names and
 * written as their labels. */
void textfmt_log_row(textbuf_t *b, const char *const f[TEXTFMT_LOG_FIELDS]);

#endif

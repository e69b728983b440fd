/* tmpl: notify's message templates. A template is Simplified Chinese text
 * with named variables, {{field}} or {{field|filter}}, each naming a field
 * of the event's payload message; the filters are md (a YYYY-MM-DD date as
 * "3月10日"), trunc:N (the first N characters), upper, count (the length of
 * a repeated field) and map:NAME (a value looked up in a named map of the
 * rules file, e.g. "district" -> "区级"). Parsing checks every variable
 * against the payload's descriptor, so a template naming an unknown field or
 * filter is refused when notify starts, never rendered as a blank. Pure: no
 * I/O, no clock. */
#ifndef LIANXIN_NOTIFY_TMPL_H
#define LIANXIN_NOTIFY_TMPL_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <protobuf-c/protobuf-c.h>

#define TMPL_MAX_TEXT 4096      /* bytes of one template file */
#define TMPL_MAX_PARTS 64       /* literals and variables of one template */
#define TMPL_UNBOUNDED SIZE_MAX /* tmpl_max_chars of a template with an unbounded variable */

typedef struct tmpl tmpl_t;

/* Parses `text` for payloads of type `desc`; `maps` is the rules file's
 * object of named maps (may be NULL: no map filter allowed). Returns the
 * template, or NULL with the reason in err ("unknown variable 'foo'",
 * "unknown filter 'bar'", "unclosed {{" ...). */
tmpl_t *tmpl_parse(const char *text, const ProtobufCMessageDescriptor *desc, const json_t *maps,
                   char *err, size_t errsz);
void tmpl_free(tmpl_t *t);

/* Renders the template with the payload as JSON (jsonpb_encode of the
 * message) into out, NUL-terminated. 0, or -1 when out is too small. */
int tmpl_render(const tmpl_t *t, const json_t *payload, char *out, size_t outsz);

/* The most characters (Unicode code points) a rendering can have: literal
 * text plus each variable's bound (trunc:N -> N, md -> 6, count -> 4, map ->
 * its longest value, an integer -> 20); TMPL_UNBOUNDED when a string is
 * used without trunc, md or map. SMS templates must stay within one 70
 * character segment. */
size_t tmpl_max_chars(const tmpl_t *t);

/* The number of code points of the UTF-8 text s. */
size_t tmpl_utf8_chars(const char *s);

/* The number of SMS segments a text of `chars` characters takes (70 for
 * one, 67 each beyond, as UCS-2 messages are split). */
size_t tmpl_sms_segments(size_t chars);

#endif

/* tmpl: see tmpl.h. A template is a list of parts, each a literal or a
 * variable (a payload field with at most one filter). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tmpl.h"

enum { F_NONE, F_MD, F_TRUNC, F_UPPER, F_COUNT, F_MAP };

typedef struct part {
    char *lit;                              /* literal text, or NULL for a variable */
    const ProtobufCFieldDescriptor *field;
    int filter;
    size_t arg;                             /* trunc:N */
    json_t *map;                            /* map:NAME (a reference) */
} part_t;

struct tmpl {
    size_t n;
    part_t p[TMPL_MAX_PARTS];
};

size_t tmpl_utf8_chars(const char *s)
{
    size_t n = 0;
    for (; s && *s; s++)
        if (((unsigned char) *s & 0xC0) != 0x80)
            n++;
    return n;
}

size_t tmpl_sms_segments(size_t chars)
{
    if (chars <= 70)
        return 1;
    return (chars + 66) / 67;
}

void tmpl_free(tmpl_t *t)
{
    for (size_t i = 0; t && i < t->n; i++) {
        free(t->p[i].lit);
        json_decref(t->p[i].map);
    }
    free(t);
}

static int s_is_string(const ProtobufCFieldDescriptor *f)
{
    return f->type == PROTOBUF_C_TYPE_STRING || f->type == PROTOBUF_C_TYPE_ENUM;
}

/* The filter text after '|' of one variable into p; 0 or -1 (err set). */
static int s_filter(part_t *p, const char *flt, const json_t *maps, char *err, size_t errsz)
{
    int repeated = p->field->label == PROTOBUF_C_LABEL_REPEATED;
    if (!flt)
        p->filter = F_NONE;
    else if (strcmp(flt, "md") == 0 && s_is_string(p->field))
        p->filter = F_MD;
    else if (strcmp(flt, "upper") == 0 && s_is_string(p->field))
        p->filter = F_UPPER;
    else if (strcmp(flt, "count") == 0 && repeated)
        p->filter = F_COUNT;
    else if (strncmp(flt, "trunc:", 6) == 0 && s_is_string(p->field)) {
        char *end;
        long n = strtol(flt + 6, &end, 10);
        if (*end || n <= 0 || n > 1000) {
            snprintf(err, errsz, "bad trunc '%s'", flt);
            return -1;
        }
        p->filter = F_TRUNC;
        p->arg = (size_t) n;
    } else if (strncmp(flt, "map:", 4) == 0 && s_is_string(p->field)) {
        json_t *m = maps ? json_object_get(maps, flt + 4) : NULL;
        if (!json_is_object(m)) {
            snprintf(err, errsz, "unknown map '%s'", flt + 4);
            return -1;
        }
        p->filter = F_MAP;
        p->map = json_incref(m);
    } else {
        snprintf(err, errsz, "unknown filter '%s' for '%s'", flt, p->field->name);
        return -1;
    }
    if (repeated && p->filter != F_COUNT) {
        snprintf(err, errsz, "list '%s' needs |count", p->field->name);
        return -1;
    }
    return 0;
}

/* One variable "name|filter" (NUL-terminated copy) into p. */
static int s_var(part_t *p, char *spec, const ProtobufCMessageDescriptor *desc,
                 const json_t *maps, char *err, size_t errsz)
{
    char *bar = strchr(spec, '|');
    if (bar)
        *bar++ = '\0';
    p->field = protobuf_c_message_descriptor_get_field_by_name(desc, spec);
    if (!p->field || p->field->type == PROTOBUF_C_TYPE_MESSAGE
        || p->field->type == PROTOBUF_C_TYPE_BYTES) {
        snprintf(err, errsz, "unknown variable '%s' for %s", spec, desc->short_name);
        return -1;
    }
    return s_filter(p, bar, maps, err, errsz);
}

static int s_add(tmpl_t *t, const char *s, size_t len, int var,
                 const ProtobufCMessageDescriptor *desc, const json_t *maps, char *err,
                 size_t errsz)
{
    if (len == 0 && !var)
        return 0;
    if (t->n >= TMPL_MAX_PARTS) {
        snprintf(err, errsz, "more than %d parts", TMPL_MAX_PARTS);
        return -1;
    }
    char *copy = strndup(s, len);
    if (!copy) {
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    part_t *p = &t->p[t->n++];
    if (!var) {
        p->lit = copy;
        return 0;
    }
    int rc = s_var(p, copy, desc, maps, err, errsz);
    free(copy);
    return rc;
}

tmpl_t *tmpl_parse(const char *text, const ProtobufCMessageDescriptor *desc, const json_t *maps,
                   char *err, size_t errsz)
{
    tmpl_t *t = calloc(1, sizeof *t);
    const char *s = text;
    if (!t || !text || strlen(text) > TMPL_MAX_TEXT) {
        snprintf(err, errsz, t ? "template missing or too long" : "out of memory");
        free(t);
        return NULL;
    }
    while (*s) {
        const char *open = strstr(s, "{{");
        if (!open)
            open = s + strlen(s);
        if (s_add(t, s, (size_t) (open - s), 0, desc, maps, err, errsz) != 0)
            goto fail;
        if (!*open)
            break;
        const char *close = strstr(open + 2, "}}");
        if (!close || memchr(open + 2, '{', (size_t) (close - open - 2))) {
            snprintf(err, errsz, "unclosed {{");
            goto fail;
        }
        if (s_add(t, open + 2, (size_t) (close - open - 2), 1, desc, maps, err, errsz) != 0)
            goto fail;
        s = close + 2;
    }
    if (t->n == 0) {
        snprintf(err, errsz, "empty template");
        goto fail;
    }
    return t;
fail:
    tmpl_free(t);
    return NULL;
}

/* ---- rendering ------------------------------------------------------------ */

typedef struct out {
    char *buf;
    size_t len, cap;
    int full;
} out_t;

static void s_put(out_t *o, const char *s, size_t len)
{
    if (o->len + len >= o->cap) {
        o->full = 1;
        return;
    }
    memcpy(o->buf + o->len, s, len);
    o->len += len;
    o->buf[o->len] = '\0';
}

/* The first n code points of s. */
static size_t s_prefix(const char *s, size_t n)
{
    size_t i = 0, chars = 0;
    for (; s[i]; i++) {
        if (((unsigned char) s[i] & 0xC0) != 0x80 && chars++ == n)
            break;
    }
    return i;
}

static void s_render_var(const part_t *p, const json_t *payload, out_t *o)
{
    const json_t *v = json_object_get(payload, p->field->name);
    char num[64];
    const char *s = json_string_value(v);
    if (p->filter == F_COUNT) {
        snprintf(num, sizeof num, "%zu", json_array_size(v));
        s = num;
    } else if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%lld", (long long) json_integer_value(v));
        s = num;
    } else if (json_is_boolean(v))
        s = json_is_true(v) ? "是" : "否";
    if (!s)
        s = "";
    int y, m, d;
    if (p->filter == F_MD && sscanf(s, "%d-%d-%d", &y, &m, &d) == 3) {
        snprintf(num, sizeof num, "%d月%d日", m, d);
        s = num;
    } else if (p->filter == F_MAP) {
        const char *hit = json_string_value(json_object_get(p->map, s));
        if (!hit)
            hit = json_string_value(json_object_get(p->map, "*"));
        s = hit ? hit : s;
    } else if (p->filter == F_UPPER) {
        snprintf(num, sizeof num, "%s", s);
        for (char *c = num; *c; c++)
            if (*c >= 'a' && *c <= 'z')
                *c = (char) (*c - 'a' + 'A');
        s = num;
    }
    s_put(o, s, p->filter == F_TRUNC ? s_prefix(s, p->arg) : strlen(s));
}

int tmpl_render(const tmpl_t *t, const json_t *payload, char *out, size_t outsz)
{
    out_t o = { .buf = out, .cap = outsz };
    if (!t || !out || outsz == 0)
        return -1;
    out[0] = '\0';
    for (size_t i = 0; i < t->n; i++) {
        if (t->p[i].lit)
            s_put(&o, t->p[i].lit, strlen(t->p[i].lit));
        else
            s_render_var(&t->p[i], payload, &o);
    }
    return o.full ? -1 : 0;
}

static size_t s_bound(const part_t *p)
{
    size_t max = 0;
    const char *k;
    json_t *v;
    switch (p->filter) {
    case F_TRUNC: return p->arg;
    case F_MD: return 6;
    case F_COUNT: return 4;
    case F_MAP:
        json_object_foreach(p->map, k, v) {
            size_t n = tmpl_utf8_chars(json_string_value(v));
            max = n > max ? n : max;
        }
        return max;
    default:
        return s_is_string(p->field) ? TMPL_UNBOUNDED : 20;
    }
}

size_t tmpl_max_chars(const tmpl_t *t)
{
    size_t n = 0;
    for (size_t i = 0; t && i < t->n; i++) {
        size_t b = t->p[i].lit ? tmpl_utf8_chars(t->p[i].lit) : s_bound(&t->p[i]);
        if (b == TMPL_UNBOUNDED)
            return TMPL_UNBOUNDED;
        n += b;
    }
    return n;
}

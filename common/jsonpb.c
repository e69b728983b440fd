/* jsonpb: JSON <-> protobuf-c messages, driven only by the descriptors.
 * Decoding builds the message with malloc exactly as protobuf-c's unpacker
 * would, so protobuf_c_message_free_unpacked(msg, NULL) frees it, and collects
 * every field error in one pass. Never trusts the JSON: nesting, array sizes
 * and error counts are bounded, and nothing is asserted about the input. */
#include "jsonpb.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_MEMBER(msg, off) ((void *) ((char *) (msg) + (off)))
#define S_ENCODE_MAX_DEPTH 64       /* unpacked messages may nest deeper than JSON */

/* Errors that have no code of their own use the closest listed one:
 *   an enum name the enum does not know  -> out_of_range
 *   a 64-bit string or base64 that is not well-formed -> wrong_type
 *   a second member of the same oneof    -> too_many */

typedef struct {
    jsonpb_errors_t *errs;
    int failed;                     /* an error was found (even past the limit) */
    int oom;                        /* memory ran out: give up */
    char path[sizeof ((jsonpb_error_t *) 0)->field];
} s_ctx_t;

/* ---- errors and paths ------------------------------------------------------ */

static void
s_error(s_ctx_t *ctx, const char *code)
{
    ctx->failed = 1;
    jsonpb_errors_t *errs = ctx->errs;
    if (errs->n >= JSONPB_MAX_ERRORS)
        return;
    for (int i = 0; i < errs->n; i++)       /* one error per path is enough */
        if (strcmp(errs->e[i].field, ctx->path) == 0)
            return;
    jsonpb_error_t *e = &errs->e[errs->n++];
    snprintf(e->field, sizeof e->field, "%s", ctx->path);
    snprintf(e->code, sizeof e->code, "%s", code);
}

/* Stop walking once the error list is full or memory ran out. */
static int
s_stop(const s_ctx_t *ctx)
{
    return ctx->oom || ctx->errs->n >= JSONPB_MAX_ERRORS;
}

/* Appends ".name" (or "name" at the root) to the path; returns the old
 * length for s_path_pop. A path too long for the buffer is cut short. */
static size_t
s_path_key(s_ctx_t *ctx, const char *name)
{
    size_t len = strlen(ctx->path);
    snprintf(ctx->path + len, sizeof ctx->path - len, "%s%s", len ? "." : "", name);
    return len;
}

static size_t
s_path_index(s_ctx_t *ctx, size_t i)
{
    size_t len = strlen(ctx->path);
    snprintf(ctx->path + len, sizeof ctx->path - len, "[%zu]", i);
    return len;
}

static void
s_path_pop(s_ctx_t *ctx, size_t len)
{
    ctx->path[len] = '\0';
}

/* ---- base64 ------------------------------------------------------------------ */

static const char s_b64_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Standard padded base64 of `n` bytes, as a new malloc'd string. */
static char *
s_b64_encode(const uint8_t *in, size_t n)
{
    char *out = malloc((n + 2) / 3 * 4 + 1), *w = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t) in[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t) in[i + 1] << 8;
        if (i + 2 < n)
            v |= in[i + 2];
        *w++ = s_b64_chars[v >> 18 & 63];
        *w++ = s_b64_chars[v >> 12 & 63];
        *w++ = i + 1 < n ? s_b64_chars[v >> 6 & 63] : '=';
        *w++ = i + 2 < n ? s_b64_chars[v & 63] : '=';
    }
    *w = '\0';
    return out;
}

static int
s_b64_value(char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;    /* standard or URL-safe alphabet */
    if (c == '/' || c == '_') return 63;
    return -1;
}

/* Decodes base64 (either alphabet, padding optional) into out, with a new
 * malloc'd buffer ({0, NULL} when empty, like the unpacker). 0, -1 when
 * malformed, -2 when memory ran out. */
static int
s_b64_decode(const char *in, size_t n, ProtobufCBinaryData *out)
{
    while (n > 0 && in[n - 1] == '=' && n % 4 != 1)
        n--;
    if (n % 4 == 1)
        return -1;
    uint8_t *buf = n ? malloc(n / 4 * 3 + 3) : NULL, *w = buf;
    if (n && !buf)
        return -2;
    uint32_t acc = 0;
    for (size_t i = 0; i < n; i++) {
        int v = s_b64_value(in[i]);
        if (v < 0) {
            free(buf);
            return -1;
        }
        acc = acc << 6 | (uint32_t) v;
        if (i % 4 == 3) {
            *w++ = (uint8_t) (acc >> 16);
            *w++ = (uint8_t) (acc >> 8);
            *w++ = (uint8_t) acc;
        }
    }
    if (n % 4 == 2)
        *w++ = (uint8_t) (acc >> 4);
    else if (n % 4 == 3) {
        *w++ = (uint8_t) (acc >> 10);
        *w++ = (uint8_t) (acc >> 2);
    }
    out->data = buf;
    out->len = (size_t) (w - buf);
    return 0;
}

/* ---- enums --------------------------------------------------------------------- */

/* "VisitCategory" -> "VISIT_CATEGORY_": the prefix protoc style puts on values. */
static void
s_enum_prefix(const char *short_name, char *out, size_t outsz)
{
    size_t n = 0;
    for (size_t i = 0; short_name[i] && n + 3 < outsz; i++) {
        unsigned char c = (unsigned char) short_name[i], next = (unsigned char) short_name[i + 1];
        unsigned char prev = i ? (unsigned char) short_name[i - 1] : 0;
        if (isupper(c) && i > 0
            && (islower(prev) || isdigit(prev) || (isupper(prev) && islower(next))))
            out[n++] = '_';
        out[n++] = (char) toupper(c);
    }
    out[n++] = '_';
    out[n] = '\0';
}

/* The JSON name of one enum value: the value name without the prefix, lower-case. */
static int
s_enum_json_name(const ProtobufCEnumDescriptor *desc, const char *value_name, char *out,
                 size_t outsz)
{
    char prefix[128];
    s_enum_prefix(desc->short_name ? desc->short_name : "", prefix, sizeof prefix);
    size_t plen = strlen(prefix);
    const char *rest = value_name;
    if (strncmp(value_name, prefix, plen) == 0 && value_name[plen] != '\0')
        rest = value_name + plen;
    size_t n = strlen(rest);
    if (n >= outsz)
        return -1;
    for (size_t i = 0; i <= n; i++)
        out[i] = (char) tolower((unsigned char) rest[i]);
    return 0;
}

int
jsonpb_enum_name(const ProtobufCEnumDescriptor *desc, int value, char *out, size_t outsz)
{
    if (!desc || !out)
        return -1;
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(desc, value);
    if (!v)
        return -1;
    return s_enum_json_name(desc, v->name, out, outsz);
}

int
jsonpb_enum_value(const ProtobufCEnumDescriptor *desc, const char *name, int *value)
{
    if (!desc || !name || !value)
        return -1;
    char json_name[128];
    for (unsigned i = 0; i < desc->n_values; i++) {
        const ProtobufCEnumValue *v = &desc->values[i];
        if (strcmp(v->name, name) == 0
            || (s_enum_json_name(desc, v->name, json_name, sizeof json_name) == 0
                && strcmp(json_name, name) == 0)) {
            *value = v->value;
            return 0;
        }
    }
    return -1;
}

/* ---- decoding scalars ------------------------------------------------------------ */

/* Reads a JSON integer, an integral real or a decimal string as a signed
 * value in [lo, hi] (the string form is how 64-bit integers travel).
 * 0, or the error code's name. */
static const char *
s_read_int(const json_t *j, long long lo, long long hi, long long *out)
{
    long long v;
    if (json_is_integer(j))
        v = json_integer_value(j);
    else if (json_is_real(j)) {
        double d = json_real_value(j);
        if (!isfinite(d))
            return "wrong_type";
        if (d < -9223372036854775808.0 || d >= 9223372036854775808.0)
            return "out_of_range";
        v = (long long) d;
        if ((double) v != d)
            return "wrong_type";            /* has a fraction */
    } else if (json_is_string(j)) {
        const char *s = json_string_value(j);
        char *end;
        if (!(isdigit((unsigned char) s[0]) || (s[0] == '-' && isdigit((unsigned char) s[1]))))
            return "wrong_type";
        errno = 0;
        v = strtoll(s, &end, 10);
        if (*end != '\0' || (size_t) (end - s) != json_string_length(j))
            return "wrong_type";
        if (errno == ERANGE)
            return "out_of_range";
    } else
        return "wrong_type";
    if (v < lo || v > hi)
        return "out_of_range";
    *out = v;
    return NULL;
}

/* Like s_read_int for unsigned values in [0, hi]; negative values are out of range. */
static const char *
s_read_uint(const json_t *j, unsigned long long hi, unsigned long long *out)
{
    unsigned long long v;
    if (json_is_string(j) && json_string_value(j)[0] != '-') {   /* "-0", "-5": below */
        const char *s = json_string_value(j);
        char *end;
        if (!isdigit((unsigned char) s[0]))
            return "wrong_type";
        errno = 0;
        v = strtoull(s, &end, 10);
        if (*end != '\0' || (size_t) (end - s) != json_string_length(j))
            return "wrong_type";
        if (errno == ERANGE)
            return "out_of_range";
    } else if (json_is_real(j) && json_real_value(j) >= 9223372036854775808.0) {
        double d = json_real_value(j);      /* integral: every double >= 2^53 is */
        if (!isfinite(d))
            return "wrong_type";
        if (d >= 18446744073709551616.0)
            return "out_of_range";
        v = (unsigned long long) d;
    } else {
        long long sv;
        const char *err = s_read_int(j, 0, LLONG_MAX, &sv);
        if (err)
            return err;
        v = (unsigned long long) sv;
    }
    if (v > hi)
        return "out_of_range";
    *out = v;
    return NULL;
}

/* Reads a number (or "NaN", "Infinity", "-Infinity") as a double. */
static const char *
s_read_double(const json_t *j, double *out)
{
    if (json_is_number(j)) {
        *out = json_number_value(j);
        return NULL;
    }
    const char *s = json_string_value(j);
    if (!s)
        return "wrong_type";
    if (strcmp(s, "NaN") == 0)
        *out = NAN;
    else if (strcmp(s, "Infinity") == 0)
        *out = INFINITY;
    else if (strcmp(s, "-Infinity") == 0)
        *out = -INFINITY;
    else
        return "wrong_type";
    return NULL;
}

/* A copy of a JSON string without embedded NULs, or NULL with *err set. */
static char *
s_read_string(s_ctx_t *ctx, const json_t *j, const char **err)
{
    if (!json_is_string(j)) {
        *err = "wrong_type";
        return NULL;
    }
    const char *s = json_string_value(j);
    size_t n = json_string_length(j);
    if (strlen(s) != n) {
        *err = "wrong_type";
        return NULL;
    }
    char *copy = strdup(s);
    ctx->oom |= copy == NULL;
    return copy;
}

static const char *
s_read_bytes(s_ctx_t *ctx, const json_t *j, ProtobufCBinaryData *out)
{
    if (!json_is_string(j))
        return "wrong_type";
    int rc = s_b64_decode(json_string_value(j), json_string_length(j), out);
    ctx->oom |= rc == -2;
    return rc == -1 ? "wrong_type" : NULL;
}

static const char *
s_read_enum(const ProtobufCFieldDescriptor *f, const json_t *j, int *out)
{
    const ProtobufCEnumDescriptor *ed = f->descriptor;
    if (json_is_string(j))
        return jsonpb_enum_value(ed, json_string_value(j), out) ? "out_of_range" : NULL;
    if (!json_is_integer(j))
        return "wrong_type";
    json_int_t v = json_integer_value(j);
    if (v < INT32_MIN || v > INT32_MAX || !protobuf_c_enum_descriptor_get_value(ed, (int) v))
        return "out_of_range";
    *out = (int) v;
    return NULL;
}

/* ---- decoding messages ------------------------------------------------------------ */

static ProtobufCMessage *s_decode_message(s_ctx_t *ctx, const ProtobufCMessageDescriptor *desc,
                                          const json_t *j, int depth);

/* The size of one element of a repeated field of type `t`. */
static size_t
s_elem_size(ProtobufCType t)
{
    switch (t) {
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64:
        return sizeof (uint64_t);
    case PROTOBUF_C_TYPE_DOUBLE:  return sizeof (double);
    case PROTOBUF_C_TYPE_FLOAT:   return sizeof (float);
    case PROTOBUF_C_TYPE_BOOL:    return sizeof (protobuf_c_boolean);
    case PROTOBUF_C_TYPE_ENUM:    return sizeof (int);
    case PROTOBUF_C_TYPE_STRING:  return sizeof (char *);
    case PROTOBUF_C_TYPE_BYTES:   return sizeof (ProtobufCBinaryData);
    case PROTOBUF_C_TYPE_MESSAGE: return sizeof (ProtobufCMessage *);
    default:                      return sizeof (uint32_t);
    }
}

/* Numbers: reads `j` into the slot of a numeric or bool field. */
static const char *
s_decode_number(const ProtobufCFieldDescriptor *f, const json_t *j, void *slot)
{
    long long i;
    unsigned long long u;
    double d;
    const char *err = NULL;
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
        if (!(err = s_read_int(j, INT32_MIN, INT32_MAX, &i)))
            *(int32_t *) slot = (int32_t) i;
        return err;
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
        if (!(err = s_read_int(j, LLONG_MIN, LLONG_MAX, &i)))
            *(int64_t *) slot = i;
        return err;
    case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32:
        if (!(err = s_read_uint(j, UINT32_MAX, &u)))
            *(uint32_t *) slot = (uint32_t) u;
        return err;
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64:
        if (!(err = s_read_uint(j, ULLONG_MAX, &u)))
            *(uint64_t *) slot = u;
        return err;
    case PROTOBUF_C_TYPE_FLOAT:
        if (!(err = s_read_double(j, &d)) && isfinite(d) && (d > FLT_MAX || d < -FLT_MAX))
            err = "out_of_range";
        if (!err)
            *(float *) slot = (float) d;
        return err;
    case PROTOBUF_C_TYPE_DOUBLE:
        if (!(err = s_read_double(j, &d)))
            *(double *) slot = d;
        return err;
    case PROTOBUF_C_TYPE_BOOL:
        if (!json_is_boolean(j))
            return "wrong_type";
        *(protobuf_c_boolean *) slot = json_is_true(j);
        return NULL;
    default:
        return "wrong_type";
    }
}

/* Reads one value of field `f` from `j` into `slot` (a member, a oneof
 * member or an array element). 0 when the slot was written; -1 after
 * recording an error at the current path. */
static int
s_decode_value(s_ctx_t *ctx, const ProtobufCFieldDescriptor *f, const json_t *j, void *slot,
               int depth)
{
    const char *err = NULL;
    switch (f->type) {
    case PROTOBUF_C_TYPE_ENUM:
        err = s_read_enum(f, j, (int *) slot);
        break;
    case PROTOBUF_C_TYPE_STRING: {
        char *s = s_read_string(ctx, j, &err);
        if (!s)
            break;
        *(char **) slot = s;
        return 0;
    }
    case PROTOBUF_C_TYPE_BYTES:
        err = s_read_bytes(ctx, j, (ProtobufCBinaryData *) slot);
        break;
    case PROTOBUF_C_TYPE_MESSAGE:
        if (!json_is_object(j))
            err = "wrong_type";
        else if (depth + 1 > JSONPB_MAX_DEPTH)
            err = "too_deep";
        else {
            ProtobufCMessage *sub = s_decode_message(ctx, f->descriptor, j, depth + 1);
            *(ProtobufCMessage **) slot = sub;
            return sub ? 0 : -1;
        }
        break;
    default:
        err = s_decode_number(f, j, slot);
    }
    if (err && !ctx->oom)
        s_error(ctx, err);
    return err || ctx->oom ? -1 : 0;
}

/* A JSON array into a repeated field. The array is allocated zeroed and its
 * count set at once, so a half-filled array still frees cleanly. */
static void
s_decode_repeated(s_ctx_t *ctx, ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f,
                  const json_t *j, int depth)
{
    if (!json_is_array(j)) {
        s_error(ctx, "wrong_type");
        return;
    }
    size_t n = json_array_size(j), esz = s_elem_size(f->type);
    if (n > JSONPB_MAX_REPEATED) {
        s_error(ctx, "too_many");
        return;
    }
    if (n == 0)
        return;
    char *arr = calloc(n, esz);
    if (!arr) {
        ctx->oom = 1;
        return;
    }
    *(void **) S_MEMBER(msg, f->offset) = arr;
    *(size_t *) S_MEMBER(msg, f->quantifier_offset) = n;
    for (size_t i = 0; i < n && !s_stop(ctx); i++) {
        size_t mark = s_path_index(ctx, i);
        s_decode_value(ctx, f, json_array_get(j, i), arr + i * esz, depth);   /* null: wrong_type */
        s_path_pop(ctx, mark);
    }
}

/* One "key": value of an object into `msg`. */
static void
s_decode_field(s_ctx_t *ctx, ProtobufCMessage *msg, const char *key, const json_t *j,
               int depth)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(msg->descriptor, key);
    if (!f) {
        s_error(ctx, "unknown_field");
        return;
    }
    if (json_is_null(j))
        return;                             /* null is the same as absent */
    if (f->label == PROTOBUF_C_LABEL_REPEATED) {
        s_decode_repeated(ctx, msg, f, j, depth);
        return;
    }
    uint32_t *oneof_case = NULL;
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
        oneof_case = S_MEMBER(msg, f->quantifier_offset);
        if (*oneof_case != 0) {
            s_error(ctx, "too_many");       /* a second member of the oneof */
            return;
        }
    }
    if (s_decode_value(ctx, f, j, S_MEMBER(msg, f->offset), depth) != 0)
        return;
    if (oneof_case)
        *oneof_case = f->id;
    else if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->type != PROTOBUF_C_TYPE_STRING
             && f->type != PROTOBUF_C_TYPE_MESSAGE)
        *(protobuf_c_boolean *) S_MEMBER(msg, f->quantifier_offset) = 1;
}

/* A JSON object into a new message; NULL only when memory ran out. */
static ProtobufCMessage *
s_decode_message(s_ctx_t *ctx, const ProtobufCMessageDescriptor *desc, const json_t *j,
                 int depth)
{
    ProtobufCMessage *msg = malloc(desc->sizeof_message);
    if (!msg) {
        ctx->oom = 1;
        return NULL;
    }
    protobuf_c_message_init(desc, msg);
    const char *key;
    json_t *value;
    json_object_foreach((json_t *) j, key, value) {
        if (s_stop(ctx))
            break;
        size_t mark = s_path_key(ctx, key);
        s_decode_field(ctx, msg, key, value, depth);
        s_path_pop(ctx, mark);
    }
    return msg;
}

/* Checks that the dotted path `spec`, below the object `obj`, is present
 * and not null; a missing parent makes the whole path missing. Through an
 * array of objects, every element is checked. */
static void
s_require(s_ctx_t *ctx, const json_t *obj, const char *spec)
{
    char seg[128];
    const char *dot = strchr(spec, '.');
    size_t len = dot ? (size_t) (dot - spec) : strlen(spec);
    if (len == 0 || len >= sizeof seg)
        return;
    memcpy(seg, spec, len);
    seg[len] = '\0';
    size_t mark = s_path_key(ctx, seg);
    const json_t *v = json_object_get(obj, seg);
    if (!v || json_is_null(v)) {
        if (dot)                            /* name the whole path asked for */
            s_path_key(ctx, dot + 1);
        s_error(ctx, "required");
    }
    else if (dot && json_is_object(v))
        s_require(ctx, v, dot + 1);
    else if (dot && json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v) && i < JSONPB_MAX_REPEATED; i++) {
            size_t imark = s_path_index(ctx, i);
            if (json_is_object(json_array_get(v, i)))
                s_require(ctx, json_array_get(v, i), dot + 1);
            s_path_pop(ctx, imark);
        }
    }
    s_path_pop(ctx, mark);
}

ProtobufCMessage *
jsonpb_decode(const ProtobufCMessageDescriptor *desc, const json_t *json,
              const char *const *required, jsonpb_errors_t *errs)
{
    jsonpb_errors_t local;
    s_ctx_t ctx = {.errs = errs ? errs : &local};
    ctx.errs->n = 0;
    if (!desc)
        return NULL;
    if (!json_is_object(json)) {
        s_error(&ctx, "wrong_type");        /* at the root: path "" */
        return NULL;
    }
    ProtobufCMessage *msg = s_decode_message(&ctx, desc, json, 0);
    for (size_t i = 0; required && required[i] && !s_stop(&ctx); i++)
        s_require(&ctx, json, required[i]);
    if (ctx.failed || ctx.oom || !msg) {
        protobuf_c_message_free_unpacked(msg, NULL);
        return NULL;
    }
    return msg;
}

/* ---- encoding ------------------------------------------------------------------------ */

static json_t *s_encode_message(const ProtobufCMessage *msg, int depth);

/* The shortest decimal that reads back as the same float, as a JSON number;
 * NaN and the infinities as the strings proto3 JSON uses. */
static json_t *
s_encode_floating(double d, int is_float)
{
    if (isnan(d))
        return json_string("NaN");
    if (isinf(d))
        return json_string(d > 0 ? "Infinity" : "-Infinity");
    if (!is_float)
        return json_real(d);
    char buf[32];
    for (int prec = 6; prec <= 9; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, d);
        if (strtof(buf, NULL) == (float) d)
            break;
    }
    return json_real(strtod(buf, NULL));
}

/* Length of the well-formed UTF-8 sequence at s (n bytes left), 0 if none. */
static size_t
s_utf8_len(const unsigned char *s, size_t n)
{
    size_t len = s[0] < 0x80 ? 1 : (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3
               : (s[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (len <= 1 || len > n)
        return len > n ? 0 : len;
    uint32_t cp = s[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
    return cp < min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ? 0 : len;
}

/* A JSON string for a protobuf string, which need not be valid UTF-8 when it
 * came off the wire: invalid bytes become U+FFFD. */
static json_t *
s_encode_string(const char *s)
{
    if (!s)
        return json_string("");
    json_t *j = json_string(s);
    if (j)
        return j;
    size_t n = strlen(s), w = 0;
    char *fixed = malloc(n * 3 + 1);
    if (!fixed)
        return NULL;
    for (size_t i = 0; i < n;) {
        size_t len = s_utf8_len((const unsigned char *) s + i, n - i);
        if (len == 0) {
            memcpy(fixed + w, "\xEF\xBF\xBD", 3);
            w += 3;
            i++;
        } else {
            memcpy(fixed + w, s + i, len);
            w += len;
            i += len;
        }
    }
    j = json_stringn(fixed, w);
    free(fixed);
    return j;
}

static json_t *
s_encode_value(const ProtobufCFieldDescriptor *f, const void *slot, int depth)
{
    char buf[32];
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
        return json_integer(*(const int32_t *) slot);
    case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32:
        return json_integer(*(const uint32_t *) slot);
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
        snprintf(buf, sizeof buf, "%lld", (long long) *(const int64_t *) slot);
        return json_string(buf);
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64:
        snprintf(buf, sizeof buf, "%llu", (unsigned long long) *(const uint64_t *) slot);
        return json_string(buf);
    case PROTOBUF_C_TYPE_FLOAT:  return s_encode_floating(*(const float *) slot, 1);
    case PROTOBUF_C_TYPE_DOUBLE: return s_encode_floating(*(const double *) slot, 0);
    case PROTOBUF_C_TYPE_BOOL:   return json_boolean(*(const protobuf_c_boolean *) slot);
    case PROTOBUF_C_TYPE_ENUM: {
        char name[128];
        int v = *(const int *) slot;
        if (jsonpb_enum_name(f->descriptor, v, name, sizeof name) == 0)
            return json_string(name);
        return json_integer(v);             /* a value this build does not know */
    }
    case PROTOBUF_C_TYPE_STRING: return s_encode_string(*(char *const *) slot);
    case PROTOBUF_C_TYPE_BYTES: {
        const ProtobufCBinaryData *bd = slot;
        char *b64 = s_b64_encode(bd->data, bd->data ? bd->len : 0);
        json_t *j = b64 ? json_string(b64) : NULL;
        free(b64);
        return j;
    }
    case PROTOBUF_C_TYPE_MESSAGE:
        return s_encode_message(*(ProtobufCMessage *const *) slot, depth + 1);
    }
    return NULL;
}

static json_t *
s_encode_repeated(const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f, int depth)
{
    size_t n = *(const size_t *) S_MEMBER(msg, f->quantifier_offset);
    const char *arr = *(char *const *) S_MEMBER(msg, f->offset);
    size_t esz = s_elem_size(f->type);
    json_t *out = json_array();
    for (size_t i = 0; out && arr && i < n; i++) {
        json_t *v = s_encode_value(f, arr + i * esz, depth);
        if (!v || json_array_append_new(out, v)) {
            json_decref(out);
            out = NULL;
        }
    }
    return out;
}

/* Whether field `f` of `msg` is written: the selected oneof member, a set
 * proto2 optional, a present sub-message, and every other field. */
static int
s_field_present(const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f)
{
    const void *slot = S_MEMBER(msg, f->offset);
    if (f->label == PROTOBUF_C_LABEL_REPEATED)
        return 1;
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
        if (*(const uint32_t *) S_MEMBER(msg, f->quantifier_offset) != f->id)
            return 0;
    } else if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->type != PROTOBUF_C_TYPE_STRING
               && f->type != PROTOBUF_C_TYPE_MESSAGE) {
        if (!*(const protobuf_c_boolean *) S_MEMBER(msg, f->quantifier_offset))
            return 0;
    }
    if (f->type == PROTOBUF_C_TYPE_MESSAGE)
        return *(void *const *) slot != NULL;
    if (f->type == PROTOBUF_C_TYPE_STRING && f->label == PROTOBUF_C_LABEL_OPTIONAL)
        return *(void *const *) slot != NULL;
    return 1;
}

static json_t *
s_encode_message(const ProtobufCMessage *msg, int depth)
{
    if (!msg || !msg->descriptor || depth > S_ENCODE_MAX_DEPTH)
        return NULL;
    const ProtobufCMessageDescriptor *desc = msg->descriptor;
    json_t *obj = json_object();
    for (unsigned i = 0; obj && i < desc->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &desc->fields[i];
        if (!s_field_present(msg, f))
            continue;
        json_t *v = f->label == PROTOBUF_C_LABEL_REPEATED
                        ? s_encode_repeated(msg, f, depth)
                        : s_encode_value(f, S_MEMBER(msg, f->offset), depth);
        if (!v || json_object_set_new(obj, f->name, v)) {
            json_decref(obj);
            obj = NULL;
        }
    }
    return obj;
}

json_t *
jsonpb_encode(const ProtobufCMessage *msg)
{
    return s_encode_message(msg, 0);
}

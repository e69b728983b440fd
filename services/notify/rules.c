/* rules: see rules.h. Parsing the rules file and its templates, and the
 * pure evaluation of a rule against a payload (as jsonpb JSON). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rules.h"

typedef struct ctx {
    const char *dir;                    /* of the rules file */
    const json_t *maps;
    char *err;
    size_t errsz;
} ctx_t;

static char *s_read(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    if (!f)
        return NULL;
    buf = calloc(1, TMPL_MAX_TEXT + 2);
    size_t n = buf ? fread(buf, 1, TMPL_MAX_TEXT + 1, f) : 0;
    fclose(f);
    if (buf && n > TMPL_MAX_TEXT) {
        free(buf);
        return NULL;
    }
    while (buf && n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    return buf;
}

static const ProtobufCMessageDescriptor *
s_payload(const char *name, const ProtobufCMessageDescriptor *const *p, size_t n)
{
    for (size_t i = 0; name && i < n; i++)
        if (strcmp(p[i]->short_name, name) == 0 || strcmp(p[i]->name, name) == 0)
            return p[i];
    return NULL;
}

/* One template file "<dir>/templates/<name>.<channel>.txt"; with `split`,
 * its first line into *head and the rest into *rest. 0 or -1 (err set). */
static int s_template(const ctx_t *c, const rules_rule_t *r, const char *name,
                      const char *channel, int split, tmpl_t **head, tmpl_t **rest)
{
    char path[1024], why[200] = "";
    snprintf(path, sizeof path, "%s/templates/%s.%s.txt", c->dir, name, channel);
    char *text = s_read(path);
    if (!text) {
        snprintf(c->err, c->errsz, "%s: template %s.%s missing or too long", r->event, name,
                 channel);
        return -1;
    }
    char *nl = split ? strchr(text, '\n') : NULL;
    if (split && !nl) {
        snprintf(c->err, c->errsz, "%s: template %s.%s needs a title line and a body", r->event,
                 name, channel);
        free(text);
        return -1;
    }
    if (nl)
        *nl = '\0';
    *head = tmpl_parse(text, r->payload, c->maps, why, sizeof why);
    if (*head && nl)
        *rest = tmpl_parse(nl + 1, r->payload, c->maps, why, sizeof why);
    free(text);
    if (!*head || (nl && !*rest)) {
        snprintf(c->err, c->errsz, "%s: template %s.%s: %s", r->event, name, channel, why);
        return -1;
    }
    return 0;
}

static const ProtobufCFieldDescriptor *s_field(const ctx_t *c, const rules_rule_t *r,
                                               const json_t *name, const char *what)
{
    const ProtobufCFieldDescriptor *f = json_is_string(name)
        ? protobuf_c_message_descriptor_get_field_by_name(r->payload, json_string_value(name))
        : NULL;
    if (!f || f->type == PROTOBUF_C_TYPE_MESSAGE)
        snprintf(c->err, c->errsz, "%s: unknown %s field '%s'", r->event, what,
                 json_is_string(name) ? json_string_value(name) : "?");
    return f;
}

static int s_is_int(const ProtobufCFieldDescriptor *f)
{
    return f->type == PROTOBUF_C_TYPE_INT64 || f->type == PROTOBUF_C_TYPE_INT32
        || f->type == PROTOBUF_C_TYPE_UINT32 || f->type == PROTOBUF_C_TYPE_UINT64
        || f->type == PROTOBUF_C_TYPE_SINT64 || f->type == PROTOBUF_C_TYPE_SINT32;
}

static int s_when(const ctx_t *c, rules_rule_t *r, const json_t *when)
{
    size_t i;
    json_t *w;
    if (json_array_size(when) > RULES_MAX_WHEN) {
        snprintf(c->err, c->errsz, "%s: more than %d conditions", r->event, RULES_MAX_WHEN);
        return -1;
    }
    json_array_foreach(when, i, w) {
        rules_when_t *x = &r->when[r->nwhen++];
        if (!(x->field = s_field(c, r, json_object_get(w, "field"), "condition")))
            return -1;
        const char *eq = json_string_value(json_object_get(w, "equals"));
        const char *ne = json_string_value(json_object_get(w, "not_equals"));
        if (ne && !eq) {
            eq = ne;
            x->negate = 1;
        }
        if (eq && !(x->equals = strdup(eq)))
            return -1;
        if (!eq && !json_is_true(json_object_get(w, "present"))) {
            snprintf(c->err, c->errsz, "%s: a condition needs equals, not_equals or present", r->event);
            return -1;
        }
    }
    return 0;
}

static int s_recipients(const ctx_t *c, rules_rule_t *r, const json_t *rc)
{
    const char *res = json_string_value(json_object_get(rc, "resolver"));
    const char *kind = json_string_value(json_object_get(rc, "kind"));
    const char *role = json_string_value(json_object_get(rc, "role"));
    size_t i;
    json_t *f;
    if (res && strcmp(res, "partner") == 0) {
        r->partner = s_field(c, r, json_object_get(rc, "field"), "partner");
        if (r->partner && r->partner->type != PROTOBUF_C_TYPE_STRING) {
            snprintf(c->err, c->errsz, "%s: partner field not a string", r->event);
            r->partner = NULL;
        }
        snprintf(r->rkind, sizeof r->rkind, "partner");
        return r->partner ? 0 : -1;
    }
    if (res && strcmp(res, "role") == 0 && role
        && (strcmp(role, "office") == 0 || strcmp(role, "leader") == 0)) {
        r->role = 1;
        snprintf(r->rkind, sizeof r->rkind, "role:%s", role);
        return 0;
    }
    if (!res || strcmp(res, "ids") != 0 || !kind
        || (strcmp(kind, "member") != 0 && strcmp(kind, "unit") != 0)) {
        snprintf(c->err, c->errsz, "%s: unknown resolver or kind", r->event);
        return -1;
    }
    snprintf(r->rkind, sizeof r->rkind, "%s", kind);
    r->first = json_is_true(json_object_get(rc, "first"));
    json_t *fields = json_object_get(rc, "fields");
    if (json_array_size(fields) < 1 || json_array_size(fields) > RULES_MAX_FIELDS) {
        snprintf(c->err, c->errsz, "%s: ids needs 1 to %d fields", r->event, RULES_MAX_FIELDS);
        return -1;
    }
    json_array_foreach(fields, i, f) {
        if (!(r->fields[r->nfields] = s_field(c, r, f, "recipient")))
            return -1;
        if (!s_is_int(r->fields[r->nfields++])) {
            snprintf(c->err, c->errsz, "%s: recipient field not an integer", r->event);
            return -1;
        }
    }
    return 0;
}

static int s_channels(const ctx_t *c, rules_rule_t *r, const json_t *chans, const char *tname)
{
    size_t i;
    json_t *ch;
    json_array_foreach(chans, i, ch) {
        const char *s = json_string_value(ch);
        int rc = -1;
        if (s && strcmp(s, "inbox") == 0) {
            r->channels |= RULES_CH_INBOX;
            rc = s_template(c, r, tname, "inbox", 1, &r->title, &r->body);
        } else if (s && strcmp(s, "email") == 0) {
            r->channels |= RULES_CH_EMAIL;
            rc = s_template(c, r, tname, "email", 1, &r->email_subject, &r->email_body);
        } else if (s && strcmp(s, "sms") == 0) {
            r->channels |= RULES_CH_SMS;
            tmpl_t *none = NULL;
            rc = s_template(c, r, tname, "sms", 0, &r->sms, &none);
            size_t max = rc == 0 ? tmpl_max_chars(r->sms) : 0;
            if (rc == 0 && max > RULES_SMS_CHARS) {
                snprintf(c->err, c->errsz, "%s: sms template %s can reach %s%zu characters "
                         "(one segment is %d)", r->event, tname,
                         max == TMPL_UNBOUNDED ? "unbounded " : "",
                         max == TMPL_UNBOUNDED ? (size_t) 0 : max, RULES_SMS_CHARS);
                rc = -1;
            }
        } else if (s && strcmp(s, "webhook") == 0 && r->partner) {
            r->channels |= RULES_CH_WEBHOOK;
            rc = 0;
        } else
            snprintf(c->err, c->errsz, "%s: unknown channel '%s'", r->event, s ? s : "?");
        if (rc != 0)
            return -1;
    }
    if (r->partner && r->channels != RULES_CH_WEBHOOK) {
        snprintf(c->err, c->errsz, "%s: a partner is reached by webhook only", r->event);
        return -1;
    }
    if (!r->partner && !(r->channels & RULES_CH_INBOX)) {
        snprintf(c->err, c->errsz, "%s: the inbox channel is always on", r->event);
        return -1;
    }
    return 0;
}

static int s_rule(const ctx_t *c, rules_rule_t *r, const json_t *j,
                  const ProtobufCMessageDescriptor *const *payloads, size_t npayloads)
{
    const char *ev = json_string_value(json_object_get(j, "event"));
    const char *kind = json_string_value(json_object_get(j, "item_kind"));
    const char *tname = json_string_value(json_object_get(j, "template"));
    const json_t *obj = json_object_get(j, "object");
    const char *otype = json_string_value(json_object_get(obj, "type"));
    if (!ev || !(r->event = strdup(ev))) {
        snprintf(c->err, c->errsz, "a rule without event");
        return -1;
    }
    r->payload = s_payload(json_string_value(json_object_get(j, "payload")), payloads, npayloads);
    if (!r->payload) {
        snprintf(c->err, c->errsz, "%s: unknown payload", ev);
        return -1;
    }
    if (!tname)
        tname = "";
    if (!otype || !(r->item_kind = strdup(kind ? kind : ev))
        || !(r->object_type = strdup(otype))) {
        snprintf(c->err, c->errsz, "%s: object.type is required", ev);
        return -1;
    }
    if (!(r->object_id = s_field(c, r, json_object_get(obj, "id"), "object id")))
        return -1;
    if (!s_is_int(r->object_id)) {
        snprintf(c->err, c->errsz, "%s: object id not an integer", ev);
        return -1;
    }
    if (s_when(c, r, json_object_get(j, "when")) != 0
        || s_recipients(c, r, json_object_get(j, "recipients")) != 0)
        return -1;
    return s_channels(c, r, json_object_get(j, "channels"), tname);
}

/* Rules of one event type must share the payload (the consumer unpacks by type). */
static int s_consistent(const rules_t *rs, char *err, size_t errsz)
{
    for (size_t i = 0; i < rs->n; i++)
        for (size_t k = 0; k < i; k++)
            if (strcmp(rs->r[i].event, rs->r[k].event) == 0
                && rs->r[i].payload != rs->r[k].payload) {
                snprintf(err, errsz, "%s: two payloads for one event", rs->r[i].event);
                return -1;
            }
    return 0;
}

rules_t *rules_load_json(const json_t *root, const char *path,
                         const ProtobufCMessageDescriptor *const *payloads, size_t npayloads,
                         char *err, size_t errsz)
{
    char dir[800];
    rules_t *rs = calloc(1, sizeof *rs);
    if (!rs) {
        snprintf(err, errsz, "rules: out of memory");
        return NULL;
    }
    snprintf(dir, sizeof dir, "%s", path ? path : "");
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    rs->maps = json_incref(json_object_get(root, "maps"));
    ctx_t c = { .dir = dir, .maps = rs->maps, .err = err, .errsz = errsz };
    json_t *list = json_object_get(root, "rules"), *j;
    size_t i;
    if (json_array_size(list) < 1 || json_array_size(list) > RULES_MAX) {
        snprintf(err, errsz, "rules: 1 to %d rules", RULES_MAX);
        goto fail;
    }
    json_array_foreach(list, i, j)
        if (s_rule(&c, &rs->r[rs->n++], j, payloads, npayloads) != 0)
            goto fail;
    if (s_consistent(rs, err, errsz) != 0)
        goto fail;
    return rs;
fail:
    rules_free(rs);
    return NULL;
}

rules_t *rules_load(const char *path, const ProtobufCMessageDescriptor *const *payloads,
                    size_t npayloads, char *err, size_t errsz)
{
    json_error_t je;
    json_t *root = path ? json_load_file(path, 0, &je) : NULL;
    if (!root) {
        snprintf(err, errsz, "rules file unreadable: %s", path ? je.text : "no path");
        return NULL;
    }
    rules_t *rs = rules_load_json(root, path, payloads, npayloads, err, errsz);
    json_decref(root);
    return rs;
}

void rules_free(rules_t *rs)
{
    for (size_t i = 0; rs && i < rs->n; i++) {
        rules_rule_t *r = &rs->r[i];
        for (size_t k = 0; k < r->nwhen; k++)
            free(r->when[k].equals);
        free(r->event);
        free(r->item_kind);
        free(r->object_type);
        tmpl_free(r->title);
        tmpl_free(r->body);
        tmpl_free(r->sms);
        tmpl_free(r->email_subject);
        tmpl_free(r->email_body);
    }
    if (rs)
        json_decref(rs->maps);
    free(rs);
}

/* ---- evaluation ------------------------------------------------------------- */

static long long s_num(const json_t *v)
{
    if (json_is_integer(v))
        return (long long) json_integer_value(v);
    return json_is_string(v) ? strtoll(json_string_value(v), NULL, 10) : 0;
}

long long rules_int(const json_t *payload, const ProtobufCFieldDescriptor *f)
{
    return f ? s_num(json_object_get(payload, f->name)) : 0;
}

static int s_holds(const rules_when_t *w, const json_t *payload)
{
    const json_t *v = json_object_get(payload, w->field->name);
    if (w->equals)
        return (json_is_string(v) && strcmp(json_string_value(v), w->equals) == 0) != w->negate;
    if (json_is_array(v))
        return json_array_size(v) > 0;
    if (json_is_string(v) && w->field->type == PROTOBUF_C_TYPE_STRING)
        return json_string_length(v) > 0;
    if (json_is_boolean(v))
        return json_is_true(v);
    return s_num(v) != 0;
}

int rules_render(const rules_rule_t *r, const json_t *payload, unsigned channels,
                 rules_texts_t *t)
{
    channels &= r->channels;
    if (tmpl_render(r->title, payload, t->title, sizeof t->title) != 0
        || tmpl_render(r->body, payload, t->body, sizeof t->body) != 0)
        return -1;
    if ((channels & RULES_CH_EMAIL)
        && (tmpl_render(r->email_subject, payload, t->subject, sizeof t->subject) != 0
            || tmpl_render(r->email_body, payload, t->email, sizeof t->email) != 0))
        return -1;
    if ((channels & RULES_CH_SMS) && tmpl_render(r->sms, payload, t->sms, sizeof t->sms) != 0)
        return -1;
    return 0;
}

int rules_match(const rules_rule_t *r, const json_t *payload)
{
    for (size_t i = 0; i < r->nwhen; i++)
        if (!s_holds(&r->when[i], payload))
            return 0;
    return 1;
}

static size_t s_add(int64_t *out, size_t n, size_t max, long long id)
{
    if (id <= 0 || n >= max)
        return n;
    for (size_t i = 0; i < n; i++)
        if (out[i] == id)
            return n;
    out[n] = (int64_t) id;
    return n + 1;
}

size_t rules_recipients(const rules_rule_t *r, const json_t *payload, int64_t *out, size_t max)
{
    size_t n = 0, k;
    json_t *e;
    if (r->partner)
        return 0;
    if (r->role) {
        if (max > 0)
            out[0] = 0;
        return max > 0;
    }
    for (size_t i = 0; i < r->nfields && !(r->first && n > 0); i++) {
        const json_t *v = json_object_get(payload, r->fields[i]->name);
        if (!json_is_array(v)) {
            n = s_add(out, n, max, s_num(v));
            continue;
        }
        json_array_foreach(v, k, e) {
            n = s_add(out, n, max, s_num(e));
            if (r->first && n > 0)
                break;
        }
    }
    return n;
}

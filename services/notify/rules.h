/* rules: who hears what, as data. deploy/notify/rules.json holds one rule
 * per (event type, recipients): the payload message, conditions on its
 * fields, a recipients resolver chosen by name, the object the item is
 * about, the channels and the template; the templates are files
 * deploy/notify/templates/<template>.<channel>.txt (tmpl.h). Loading checks
 * everything against the payload descriptors (unknown payload, field,
 * resolver, channel, filter or variable; an SMS template that can exceed
 * one 70-character segment) and refuses the whole set: notify does not
 * start. Adding a rule for a new event is a change of these files.
 * Resolvers:
 *   ids   the int64 fields `fields` (scalars or lists) of the payload, in
 *         order, de-duplicated, ids <= 0 dropped; "first": only the first;
 *         "kind": member or unit; at most RULES_MAX_IDS
 *   role  ONE item for a role of the district ("role": office, leader),
 *         recipient id 0 (each holder reads it for themselves)
 *   partner  the partner office named by the string field "field" (e.g.
 *         ReferralChanged.partner): no inbox item, channels ["webhook"] only;
 *         the body is the event as JSON (dispatch.c)
 * Conditions ("when", all must hold): {"field": f, "equals": "text"},
 * {"field": f, "not_equals": "text"} or {"field": f, "present": true} (a non-empty string or list, a non-zero
 * number). Pure but for reading the files. */
#ifndef LIANXIN_NOTIFY_RULES_H
#define LIANXIN_NOTIFY_RULES_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <protobuf-c/protobuf-c.h>
#include "tmpl.h"

#define RULES_MAX 128          /* rules in the file */
#define RULES_MAX_IDS 128      /* recipients of one rule and event */
#define RULES_MAX_FIELDS 4     /* fields of an ids resolver */
#define RULES_MAX_WHEN 4       /* conditions of a rule */
#define RULES_SMS_CHARS 70     /* one SMS segment (UCS-2) */

enum { RULES_CH_INBOX = 1, RULES_CH_SMS = 2, RULES_CH_EMAIL = 4, RULES_CH_WEBHOOK = 8 };

typedef struct rules_when {
    const ProtobufCFieldDescriptor *field;
    char *equals;                       /* NULL: "present" */
    int negate;                         /* 1: "not_equals" */
} rules_when_t;

typedef struct rules_rule {
    char *event;                        /* "proposal.assigned" */
    const ProtobufCMessageDescriptor *payload;
    char *item_kind;                    /* the inbox item's kind (default: the event) */
    size_t nwhen;
    rules_when_t when[RULES_MAX_WHEN];
    int role;                           /* 1: role resolver */
    const ProtobufCFieldDescriptor *partner; /* partner resolver: the partner code's field */
    char rkind[32];                     /* "member", "unit", "role:office" */
    size_t nfields;
    const ProtobufCFieldDescriptor *fields[RULES_MAX_FIELDS];
    int first;
    char *object_type;                  /* "proposal" */
    const ProtobufCFieldDescriptor *object_id;
    unsigned channels;                  /* RULES_CH_* */
    tmpl_t *title, *body;               /* inbox: first line of the file, the rest */
    tmpl_t *sms;                        /* when channels has RULES_CH_SMS */
    tmpl_t *email_subject, *email_body; /* when channels has RULES_CH_EMAIL */
} rules_rule_t;

typedef struct rules {
    size_t n;
    rules_rule_t r[RULES_MAX];
    json_t *maps;
} rules_t;

/* Loads the rules file `path` and the templates beside it (dir
 * templates/), resolving payload names (short "DutyUpcoming" or full
 * "lianxin.v1.DutyUpcoming") among the `npayloads` descriptors notify
 * knows. NULL with the first fault in err (rule index, event, what). */
rules_t *rules_load(const char *path, const ProtobufCMessageDescriptor *const *payloads,
                    size_t npayloads, char *err, size_t errsz);
/* rules_load of a file already parsed: `root` the file's JSON (not kept),
 * `path` the file it came from (its templates/ folder is beside it). */
rules_t *rules_load_json(const json_t *root, const char *path,
                         const ProtobufCMessageDescriptor *const *payloads, size_t npayloads,
                         char *err, size_t errsz);
void rules_free(rules_t *rs);

/* 1 when every condition of r holds for the payload (as JSON). */
int rules_match(const rules_rule_t *r, const json_t *payload);

/* The recipient ids of r for the payload into out (at most max): for a role
 * rule the single id 0. Returns the count. */
size_t rules_recipients(const rules_rule_t *r, const json_t *payload, int64_t *out, size_t max);

/* A rule's texts for one event, rendered from its templates. */
#define RULES_TITLE_MAX 256
#define RULES_BODY_MAX 2048
typedef struct rules_texts {
    char title[RULES_TITLE_MAX], body[RULES_BODY_MAX];      /* the inbox item's */
    char subject[RULES_TITLE_MAX], email[RULES_BODY_MAX];   /* when `channels` has email */
    char sms[RULES_BODY_MAX];                               /* when `channels` has sms */
} rules_texts_t;

/* Renders r's inbox texts and, among `channels` (RULES_CH_*, within the
 * rule's), its e-mail and SMS texts for the payload into t. 0, or -1 when
 * a text does not fit. */
int rules_render(const rules_rule_t *r, const json_t *payload, unsigned channels,
                 rules_texts_t *t);

/* The integer value of a field of the payload (int64 as string or number);
 * 0 when absent or not a number. */
long long rules_int(const json_t *payload, const ProtobufCFieldDescriptor *f);

#endif

/* jsonpb: JSON <-> protobuf, generic over protobuf-c descriptors, so no
 * message needs hand-written conversion. The JSON names are the .proto field
 * names. Enums are written as the value name without the enum's prefix,
 * lower-cased (VisitCategory VISIT_CATEGORY_TRANSPORT <-> "transport").
 * 64-bit integers are written as strings and read from strings or numbers;
 * bytes are base64. Never trusts its input: depth, lengths and counts are bounded. */
#ifndef LIANXIN_JSONPB_H
#define LIANXIN_JSONPB_H

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>

#define JSONPB_MAX_ERRORS 16
#define JSONPB_MAX_DEPTH 8          /* nesting of messages */
#define JSONPB_MAX_REPEATED 1000    /* elements of one repeated field */

/* The codes jsonpb_decode gives (each field gets at most one: its first):
 *   unknown_field  a key the message does not have
 *   wrong_type     a JSON type the field cannot take (a boolean for a
 *                  number, a number for a string, a non-object for a
 *                  message, null inside an array), a number with a fraction
 *                  for an integer, a string with a NUL byte, and also an
 *                  integer string (how 64-bit integers travel) that is not
 *                  plain decimal ("0x10", "1e3", "+7", " 7") or bytes that
 *                  are not well-formed base64
 *   out_of_range   a number outside the field's type, and also an enum name
 *                  (or number) the enum does not know
 *   required       a path of `required` absent or null
 *   too_deep       a message nested deeper than JSONPB_MAX_DEPTH
 *   too_many       an array longer than JSONPB_MAX_REPEATED, and also a
 *                  second member of the same oneof (named at its own path)
 * The root itself not being an object is wrong_type at the path "". */
typedef struct jsonpb_error {
    char field[128];                /* dotted path: "visitor.phone", "member_ids[2]" */
    char code[24];                  /* one of the codes above */
} jsonpb_error_t;

typedef struct jsonpb_errors {
    int n;                          /* errors recorded (at most JSONPB_MAX_ERRORS) */
    jsonpb_error_t e[JSONPB_MAX_ERRORS];
} jsonpb_errors_t;

/* Builds a new message of type `desc` from the JSON object `json`.
 * `required` is a NULL-terminated list of dotted paths that must be present
 * and not null (NULL: none); a path through an array checks every element.
 * Returns the message (free it with protobuf_c_message_free_unpacked(msg,
 * NULL)), or NULL with every error found (up to JSONPB_MAX_ERRORS) in `errs`
 * (may be NULL). Out of memory also returns NULL, possibly with no error
 * recorded. A JSON null is the same as an absent field. */
ProtobufCMessage *jsonpb_decode(const ProtobufCMessageDescriptor *desc, const json_t *json,
                                const char *const *required, jsonpb_errors_t *errs);

/* Returns a new JSON object for `msg` (caller owns the reference), NULL on
 * allocation failure. Every scalar field is written, zero values included;
 * sub-messages that are absent are omitted. */
json_t *jsonpb_encode(const ProtobufCMessage *msg);

/* The JSON name of an enum value ("transport" for VISIT_CATEGORY_TRANSPORT in
 * VisitCategory) into `out`; 0 or -1. */
int jsonpb_enum_name(const ProtobufCEnumDescriptor *desc, int value, char *out, size_t outsz);

/* The enum value for a JSON name; 0 with *value set, or -1 when unknown. */
int jsonpb_enum_value(const ProtobufCEnumDescriptor *desc, const char *name, int *value);

#endif

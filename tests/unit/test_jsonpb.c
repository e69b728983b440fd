/* test_jsonpb: JSON -> protobuf -> wire -> protobuf -> JSON round trips for
 * every proto3 field type (proto/testing.proto), the RecordVisit body of the
 * API, and every error code with its dotted path. Run it under valgrind:
 * every decoded message is freed with protobuf_c_message_free_unpacked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.pb-c.h"
#include "intake.pb-c.h"
#include "jsonpb.h"
#include "testing.pb-c.h"

#define ALL (&lianxin__v1__test_all__descriptor)
#define VISIT (&lianxin__v1__record_visit__descriptor)

/* ---- helpers --------------------------------------------------------------- */

static json_t *
s_json(const char *text)
{
    json_error_t err;
    json_t *j = json_loads(text, JSON_DECODE_ANY, &err);
    if (!j)
        fail_msg("bad test json at %d: %s", err.position, err.text);
    return j;
}

static void
s_assert_json_equal(const json_t *got, const json_t *want)
{
    if (!json_equal(got, want)) {
        char *g = json_dumps(got, JSON_SORT_KEYS), *w = json_dumps(want, JSON_SORT_KEYS);
        print_error("got:  %s\nwant: %s\n", g, w);
        free(g);
        free(w);
        fail();
    }
}

/* Decodes `text`, which must succeed. */
static ProtobufCMessage *
s_decode(const ProtobufCMessageDescriptor *desc, const char *text, const char *const *required)
{
    jsonpb_errors_t errs;
    json_t *j = s_json(text);
    ProtobufCMessage *msg = jsonpb_decode(desc, j, required, &errs);
    json_decref(j);
    if (!msg) {
        for (int i = 0; i < errs.n; i++)
            print_error("error %s: %s\n", errs.e[i].field, errs.e[i].code);
        fail_msg("decode failed: %s", text);
    }
    assert_int_equal(errs.n, 0);
    return msg;
}

/* Packs and unpacks `msg`, returning the unpacked copy. */
static ProtobufCMessage *
s_wire_copy(const ProtobufCMessage *msg)
{
    size_t len = protobuf_c_message_get_packed_size(msg);
    uint8_t *buf = malloc(len + 1);
    assert_non_null(buf);
    assert_int_equal(protobuf_c_message_pack(msg, buf), len);
    ProtobufCMessage *copy = protobuf_c_message_unpack(msg->descriptor, NULL, len, buf);
    free(buf);
    assert_non_null(copy);
    return copy;
}

/* JSON -> proto -> JSON equals `want`, and so does JSON -> proto -> wire ->
 * proto -> JSON. */
static void
s_round_trip(const ProtobufCMessageDescriptor *desc, const char *in, const char *want_text)
{
    ProtobufCMessage *msg = s_decode(desc, in, NULL);
    json_t *want = s_json(want_text);
    json_t *direct = jsonpb_encode(msg);
    assert_non_null(direct);
    s_assert_json_equal(direct, want);
    ProtobufCMessage *copy = s_wire_copy(msg);
    json_t *via_wire = jsonpb_encode(copy);
    s_assert_json_equal(via_wire, want);
    /* and the output decodes to the same output again */
    char *text = json_dumps(direct, 0);
    ProtobufCMessage *again = s_decode(desc, text, NULL);
    json_t *again_json = jsonpb_encode(again);
    s_assert_json_equal(again_json, want);
    free(text);
    json_decref(again_json);
    json_decref(via_wire);
    json_decref(direct);
    json_decref(want);
    protobuf_c_message_free_unpacked(again, NULL);
    protobuf_c_message_free_unpacked(copy, NULL);
    protobuf_c_message_free_unpacked(msg, NULL);
}

/* Decoding `text` fails with exactly the errors in `want` ("path=code",
 * NULL-terminated), in any order. */
static void
s_errors(const ProtobufCMessageDescriptor *desc, const char *text, const char *const *required,
         const char *const *want)
{
    jsonpb_errors_t errs;
    json_t *j = s_json(text);
    ProtobufCMessage *msg = jsonpb_decode(desc, j, required, &errs);
    json_decref(j);
    if (msg) {
        protobuf_c_message_free_unpacked(msg, NULL);
        fail_msg("decode succeeded: %s", text);
    }
    int n_want = 0, ok = 1;
    char got[JSONPB_MAX_ERRORS][160];
    for (int i = 0; i < errs.n; i++)
        snprintf(got[i], sizeof got[i], "%s=%s", errs.e[i].field, errs.e[i].code);
    for (; want[n_want]; n_want++) {
        int found = 0;
        for (int i = 0; i < errs.n; i++)
            found |= strcmp(got[i], want[n_want]) == 0;
        if (!found) {
            print_error("missing error %s\n", want[n_want]);
            ok = 0;
        }
    }
    if (!ok || n_want != errs.n) {
        for (int i = 0; i < errs.n; i++)
            print_error("got error %s\n", got[i]);
        fail_msg("errors differ for %s", text);
    }
}

#define ERRS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* The JSON of an empty TestAll, with `extra` spliced in front of it. */
#define EMPTY_ALL_TAIL                                                                   \
    "\"r_int32\":[],\"r_int64\":[],\"r_uint32\":[],\"r_uint64\":[],\"r_sint32\":[],"       \
    "\"r_sint64\":[],\"r_fixed32\":[],\"r_fixed64\":[],\"r_sfixed32\":[],"                 \
    "\"r_sfixed64\":[],\"r_bool\":[],\"r_float\":[],\"r_double\":[],\"r_string\":[],"      \
    "\"r_bytes\":[],\"r_enum\":[],\"r_nested\":[]"
#define ZERO_SCALARS                                                                      \
    "\"f_int32\":0,\"f_int64\":\"0\",\"f_uint32\":0,\"f_uint64\":\"0\",\"f_sint32\":0,"   \
    "\"f_sint64\":\"0\",\"f_fixed32\":0,\"f_fixed64\":\"0\",\"f_sfixed32\":0,"             \
    "\"f_sfixed64\":\"0\",\"f_bool\":false,\"f_float\":0.0,\"f_double\":0.0,"              \
    "\"f_string\":\"\",\"f_bytes\":\"\",\"f_enum\":\"unspecified\""

/* ---- round trips ----------------------------------------------------------- */

static void
test_scalars_round_trip(void **state)
{
    (void) state;
    s_round_trip(ALL,
        "{\"f_int32\":-2147483648,\"f_int64\":\"-9223372036854775808\",\"f_uint32\":4294967295,"
        "\"f_uint64\":\"18446744073709551615\",\"f_sint32\":-5,\"f_sint64\":-6,"
        "\"f_fixed32\":7,\"f_fixed64\":\"8\",\"f_sfixed32\":-9,\"f_sfixed64\":\"-10\","
        "\"f_bool\":true,\"f_float\":1.5,\"f_double\":-3.25e100,"
        "\"f_string\":\"张三 \\\"q\\\" \\n\",\"f_bytes\":\"AAEC/w==\",\"f_enum\":\"dark_green\","
        "\"f_nested\":{\"name\":\"n\",\"count\":3,\"inner\":{\"label\":\"l\","
        "\"deeper\":{\"note\":\"x\"}}}}",
        "{\"f_int32\":-2147483648,\"f_int64\":\"-9223372036854775808\",\"f_uint32\":4294967295,"
        "\"f_uint64\":\"18446744073709551615\",\"f_sint32\":-5,\"f_sint64\":\"-6\","
        "\"f_fixed32\":7,\"f_fixed64\":\"8\",\"f_sfixed32\":-9,\"f_sfixed64\":\"-10\","
        "\"f_bool\":true,\"f_float\":1.5,\"f_double\":-3.25e100,"
        "\"f_string\":\"张三 \\\"q\\\" \\n\",\"f_bytes\":\"AAEC/w==\",\"f_enum\":\"dark_green\","
        "\"f_nested\":{\"name\":\"n\",\"count\":3,\"inner\":{\"label\":\"l\","
        "\"deeper\":{\"note\":\"x\"}}}," EMPTY_ALL_TAIL "}");
}

static void
test_zero_values_written(void **state)
{
    (void) state;
    /* every scalar is written, absent sub-messages are not */
    s_round_trip(ALL, "{}", "{" ZERO_SCALARS "," EMPTY_ALL_TAIL "}");
    s_round_trip(&lianxin__v1__test_nested__descriptor, "{\"inner\":{}}",
                 "{\"name\":\"\",\"count\":0,\"inner\":{\"label\":\"\"}}");
}

static void
test_repeated_round_trip(void **state)
{
    (void) state;
    s_round_trip(ALL,
        "{\"r_int32\":[1,-2,3],\"r_int64\":[\"1\",2,\"-3\"],\"r_uint32\":[0,4294967295],"
        "\"r_uint64\":[\"18446744073709551615\",0],\"r_sint32\":[-1,1],\"r_sint64\":[\"-1\"],"
        "\"r_fixed32\":[5],\"r_fixed64\":[\"6\",7],\"r_sfixed32\":[-8],\"r_sfixed64\":[\"-9\"],"
        "\"r_bool\":[true,false,true],\"r_float\":[0.5,-2.25],\"r_double\":[1e-300,2.5],"
        "\"r_string\":[\"a\",\"\",\"委员\"],\"r_bytes\":[\"\",\"AA==\",\"AAE=\",\"AAEC\"],"
        "\"r_enum\":[\"red\",\"blue\",\"unspecified\"],"
        "\"r_nested\":[{\"name\":\"a\"},{},{\"count\":2,\"inner\":{\"label\":\"z\"}}]}",
        "{" ZERO_SCALARS ","
        "\"r_int32\":[1,-2,3],\"r_int64\":[\"1\",\"2\",\"-3\"],\"r_uint32\":[0,4294967295],"
        "\"r_uint64\":[\"18446744073709551615\",\"0\"],\"r_sint32\":[-1,1],\"r_sint64\":[\"-1\"],"
        "\"r_fixed32\":[5],\"r_fixed64\":[\"6\",\"7\"],\"r_sfixed32\":[-8],\"r_sfixed64\":[\"-9\"],"
        "\"r_bool\":[true,false,true],\"r_float\":[0.5,-2.25],\"r_double\":[1e-300,2.5],"
        "\"r_string\":[\"a\",\"\",\"委员\"],\"r_bytes\":[\"\",\"AA==\",\"AAE=\",\"AAEC\"],"
        "\"r_enum\":[\"red\",\"blue\",\"unspecified\"],"
        "\"r_nested\":[{\"name\":\"a\",\"count\":0},{\"name\":\"\",\"count\":0},"
        "{\"name\":\"\",\"count\":2,\"inner\":{\"label\":\"z\"}}]}");
}

static void
test_oneof_round_trip(void **state)
{
    (void) state;
    static const char *const members[][2] = {
        {"\"o_string\":\"选\"", "\"o_string\":\"选\""},
        {"\"o_string\":\"\"", "\"o_string\":\"\""},
        {"\"o_int64\":42", "\"o_int64\":\"42\""},
        {"\"o_int64\":\"0\"", "\"o_int64\":\"0\""},
        {"\"o_nested\":{\"name\":\"m\"}", "\"o_nested\":{\"name\":\"m\",\"count\":0}"},
        {"\"o_bytes\":\"aGk=\"", "\"o_bytes\":\"aGk=\""},
        {"\"o_enum\":\"blue\"", "\"o_enum\":\"blue\""},
    };
    for (size_t i = 0; i < sizeof members / sizeof *members; i++) {
        char in[256], want[2048];
        snprintf(in, sizeof in, "{%s,\"o_nested\":null}", members[i][0]);
        snprintf(want, sizeof want, "{" ZERO_SCALARS "," EMPTY_ALL_TAIL ",%s}", members[i][1]);
        if (strstr(members[i][0], "o_nested"))
            snprintf(in, sizeof in, "{%s}", members[i][0]);
        s_round_trip(ALL, in, want);
    }
    Lianxin__V1__TestAll *m = (Lianxin__V1__TestAll *) s_decode(ALL, "{\"o_int64\":\"7\"}", NULL);
    assert_int_equal(m->choice_case, LIANXIN__V1__TEST_ALL__CHOICE_O_INT64);
    assert_int_equal(m->o_int64, 7);
    protobuf_c_message_free_unpacked(&m->base, NULL);
}

static void
test_number_forms(void **state)
{
    (void) state;
    Lianxin__V1__TestAll *m = (Lianxin__V1__TestAll *) s_decode(ALL,
        "{\"f_int32\":5.0,\"f_int64\":-1e3,\"f_uint64\":\"-0\",\"f_uint32\":\"12\","
        "\"f_double\":\"NaN\",\"f_float\":\"-Infinity\",\"r_double\":[\"Infinity\",7],"
        "\"f_enum\":3,\"r_enum\":[\"TEST_COLOR_RED\",2],\"f_bytes\":\"_-8\"}", NULL);
    assert_int_equal(m->f_int32, 5);
    assert_int_equal(m->f_int64, -1000);
    assert_int_equal(m->f_uint64, 0);
    assert_int_equal(m->f_uint32, 12);
    assert_true(isnan(m->f_double));
    assert_true(isinf(m->f_float) && m->f_float < 0);
    assert_true(isinf(m->r_double[0]) && m->r_double[1] == 7.0);
    assert_int_equal(m->f_enum, LIANXIN__V1__TEST_COLOR__TEST_COLOR_BLUE);
    assert_int_equal(m->r_enum[0], LIANXIN__V1__TEST_COLOR__TEST_COLOR_RED);
    assert_int_equal(m->r_enum[1], LIANXIN__V1__TEST_COLOR__TEST_COLOR_DARK_GREEN);
    assert_int_equal(m->f_bytes.len, 2);                 /* URL-safe, unpadded */
    assert_int_equal(m->f_bytes.data[0], 0xff);
    assert_int_equal(m->f_bytes.data[1], 0xef);
    json_t *j = jsonpb_encode(&m->base);
    assert_string_equal(json_string_value(json_object_get(j, "f_double")), "NaN");
    assert_string_equal(json_string_value(json_object_get(j, "f_float")), "-Infinity");
    assert_string_equal(json_string_value(json_array_get(json_object_get(j, "r_double"), 0)),
                        "Infinity");
    assert_string_equal(json_string_value(json_object_get(j, "f_bytes")), "/+8=");
    json_decref(j);
    protobuf_c_message_free_unpacked(&m->base, NULL);

    /* a float is written as the shortest decimal that reads back the same */
    m = (Lianxin__V1__TestAll *) s_decode(ALL, "{\"f_float\":0.1,\"r_float\":[3.4028234e38]}", NULL);
    j = jsonpb_encode(&m->base);
    assert_true(json_real_value(json_object_get(j, "f_float")) == 0.1);
    assert_true((float) json_real_value(json_array_get(json_object_get(j, "r_float"), 0)) == FLT_MAX);
    json_decref(j);
    protobuf_c_message_free_unpacked(&m->base, NULL);
}

static void
test_null_is_absent(void **state)
{
    (void) state;
    s_round_trip(ALL,
        "{\"f_string\":null,\"f_int64\":null,\"f_nested\":null,\"r_int32\":null,"
        "\"r_nested\":null,\"o_string\":null,\"o_int64\":\"3\",\"f_enum\":null}",
        "{" ZERO_SCALARS "," EMPTY_ALL_TAIL ",\"o_int64\":\"3\"}");
}

static void
test_envelope_round_trip(void **state)
{
    (void) state;
    s_round_trip(&lianxin__v1__event__descriptor,
        "{\"district\":\"330303\",\"producer\":\"intake\",\"seq\":\"12\",\"type\":\"visit.recorded\","
        "\"occurred_at\":1795656600000000,\"actor\":{\"user_id\":\"5\",\"role\":\"office\"},"
        "\"payload\":\"CAE=\"}",
        "{\"district\":\"330303\",\"producer\":\"intake\",\"seq\":\"12\",\"type\":\"visit.recorded\","
        "\"occurred_at\":\"1795656600000000\",\"actor\":{\"user_id\":\"5\",\"username\":\"\","
        "\"role\":\"office\",\"district\":\"\",\"member_id\":\"0\",\"unit_id\":\"0\"},"
        "\"payload\":\"CAE=\"}");
}

/* ---- RecordVisit, the API's body -------------------------------------------- */

static const char *const s_visit_required[] = {
    "workroom_id", "received_at", "member_ids", "summary", "category", NULL,
};

static void
test_record_visit(void **state)
{
    (void) state;
    const char *body =
        "{\"workroom_id\":\"3\",\"received_at\":\"2026-11-26T09:30:00+08:00\","
        "\"member_ids\":[\"1\",2],\"visitor\":{\"name\":\"张三\",\"phone\":\"13812345678\"},"
        "\"summary\":\"路口红绿灯时间太短\",\"category\":\"transport\",\"location\":\"永中街道\","
        "\"on_spot_action\":\"answered\",\"kind\":\"reception\",\"promised\":\"\"}";
    Lianxin__V1__RecordVisit *v =
        (Lianxin__V1__RecordVisit *) s_decode(VISIT, body, s_visit_required);
    assert_int_equal(v->workroom_id, 3);
    assert_string_equal(v->received_at, "2026-11-26T09:30:00+08:00");
    assert_int_equal(v->n_member_ids, 2);
    assert_int_equal(v->member_ids[0], 1);
    assert_int_equal(v->member_ids[1], 2);
    assert_non_null(v->visitor);
    assert_string_equal(v->visitor->name, "张三");
    assert_string_equal(v->visitor->phone, "13812345678");
    assert_int_equal(v->category, LIANXIN__V1__VISIT_CATEGORY__VISIT_CATEGORY_TRANSPORT);
    assert_int_equal(v->on_spot_action, LIANXIN__V1__ON_SPOT_ACTION__ON_SPOT_ACTION_ANSWERED);
    assert_int_equal(v->kind, LIANXIN__V1__VISIT_KIND__VISIT_KIND_RECEPTION);
    assert_string_equal(v->promised, "");
    json_t *out = jsonpb_encode(&v->base);
    json_t *want = s_json(
        "{\"workroom_id\":\"3\",\"received_at\":\"2026-11-26T09:30:00+08:00\","
        "\"member_ids\":[\"1\",\"2\"],\"visitor\":{\"name\":\"张三\",\"phone\":\"13812345678\"},"
        "\"summary\":\"路口红绿灯时间太短\",\"category\":\"transport\",\"location\":\"永中街道\","
        "\"on_spot_action\":\"answered\",\"kind\":\"reception\",\"promised\":\"\"}");
    s_assert_json_equal(out, want);
    json_decref(out);
    json_decref(want);
    protobuf_c_message_free_unpacked(&v->base, NULL);

    /* anonymous: visitor absent or null; kind and on_spot_action omitted */
    v = (Lianxin__V1__RecordVisit *) s_decode(VISIT,
        "{\"workroom_id\":3,\"received_at\":\"2026-11-26\",\"member_ids\":[1],"
        "\"visitor\":null,\"summary\":\"s\",\"category\":\"other\"}", s_visit_required);
    assert_null(v->visitor);
    assert_int_equal(v->kind, 0);
    assert_int_equal(v->category, LIANXIN__V1__VISIT_CATEGORY__VISIT_CATEGORY_OTHER);
    out = jsonpb_encode(&v->base);
    assert_null(json_object_get(out, "visitor"));
    assert_string_equal(json_string_value(json_object_get(out, "kind")), "unspecified");
    json_decref(out);
    protobuf_c_message_free_unpacked(&v->base, NULL);
}

static void
test_record_visit_errors(void **state)
{
    (void) state;
    s_errors(VISIT, "{}", s_visit_required,
             ERRS("workroom_id=required", "received_at=required", "member_ids=required",
                  "summary=required", "category=required"));
    s_errors(VISIT,
             "{\"workroom_id\":null,\"received_at\":\"x\",\"member_ids\":[\"1\",\"a\",null,"
             "\"99999999999999999999\"],\"summary\":\"s\",\"category\":\"weather\","
             "\"visitor\":{\"name\":1,\"email\":\"e\"},\"kind\":\"reception\",\"extra\":true}",
             s_visit_required,
             ERRS("workroom_id=required", "member_ids[1]=wrong_type", "member_ids[2]=wrong_type",
                  "member_ids[3]=out_of_range", "category=out_of_range", "visitor.name=wrong_type",
                  "visitor.email=unknown_field", "extra=unknown_field"));
    /* required paths inside a nested message: absent parent, null parent, empty parent */
    const char *const req_name[] = {"visitor.name", NULL};
    s_errors(VISIT, "{}", req_name, ERRS("visitor.name=required"));
    s_errors(VISIT, "{\"visitor\":null}", req_name, ERRS("visitor.name=required"));
    s_errors(VISIT, "{\"visitor\":{\"phone\":\"1\"}}", req_name, ERRS("visitor.name=required"));
    s_errors(VISIT, "{\"visitor\":{\"name\":null}}", req_name, ERRS("visitor.name=required"));
    ProtobufCMessage *ok = s_decode(VISIT, "{\"visitor\":{\"name\":\"\"}}", req_name);
    protobuf_c_message_free_unpacked(ok, NULL);
}

/* ---- errors ------------------------------------------------------------------- */

static void
test_wrong_types(void **state)
{
    (void) state;
    s_errors(ALL,
             "{\"f_int32\":\"x\",\"f_int64\":\"1.5\",\"f_uint32\":true,\"f_uint64\":\" 1\","
             "\"f_sint32\":1.5,\"f_sint64\":\"+1\",\"f_fixed32\":[1],\"f_fixed64\":\"0x10\","
             "\"f_sfixed32\":{},\"f_sfixed64\":\"\",\"f_bool\":\"true\",\"f_float\":\"1.5\","
             "\"f_double\":false,\"f_string\":5,\"f_bytes\":\"!!!!\",\"f_enum\":true}",
             NULL,
             ERRS("f_int32=wrong_type", "f_int64=wrong_type", "f_uint32=wrong_type",
                  "f_uint64=wrong_type", "f_sint32=wrong_type", "f_sint64=wrong_type",
                  "f_fixed32=wrong_type", "f_fixed64=wrong_type", "f_sfixed32=wrong_type",
                  "f_sfixed64=wrong_type", "f_bool=wrong_type", "f_float=wrong_type",
                  "f_double=wrong_type", "f_string=wrong_type", "f_bytes=wrong_type",
                  "f_enum=wrong_type"));
    s_errors(ALL,
             "{\"f_nested\":\"x\",\"r_int32\":5,\"r_string\":[\"a\",1],\"r_nested\":[{},3],"
             "\"r_bytes\":[\"A\"],\"r_bool\":[null]}",
             NULL,
             ERRS("f_nested=wrong_type", "r_int32=wrong_type", "r_string[1]=wrong_type",
                  "r_nested[1]=wrong_type", "r_bytes[0]=wrong_type", "r_bool[0]=wrong_type"));
}

static void
test_out_of_range(void **state)
{
    (void) state;
    s_errors(ALL,
             "{\"f_int32\":1099511627776,\"f_int64\":\"9223372036854775808\","
             "\"f_uint32\":-1,\"f_uint64\":\"-1\",\"f_sint32\":-2147483649,"
             "\"f_sint64\":-9.3e18,\"f_fixed32\":4294967296,\"f_fixed64\":\"18446744073709551616\","
             "\"f_sfixed32\":\"2147483648\",\"f_sfixed64\":1e19,\"f_float\":1e39,"
             "\"f_enum\":\"purple\",\"r_enum\":[1,99],\"r_uint64\":[-5],\"o_enum\":\"RED\"}",
             NULL,
             ERRS("f_int32=out_of_range", "f_int64=out_of_range", "f_uint32=out_of_range",
                  "f_uint64=out_of_range", "f_sint32=out_of_range", "f_sint64=out_of_range",
                  "f_fixed32=out_of_range", "f_fixed64=out_of_range", "f_sfixed32=out_of_range",
                  "f_sfixed64=out_of_range", "f_float=out_of_range", "f_enum=out_of_range",
                  "r_enum[1]=out_of_range", "r_uint64[0]=out_of_range", "o_enum=out_of_range"));
}

static void
test_unknown_and_nested_paths(void **state)
{
    (void) state;
    s_errors(ALL,
             "{\"bogus\":1,\"f_nested\":{\"name\":\"n\",\"count\":\"x\",\"inner\":{\"deeper\":"
             "{\"note\":5,\"more\":null}}},\"r_nested\":[{},{\"inner\":{\"label\":[]}}],"
             "\"r_int32\":[1,2,\"three\"]}",
             NULL,
             ERRS("bogus=unknown_field", "f_nested.count=wrong_type",
                  "f_nested.inner.deeper.note=wrong_type", "f_nested.inner.deeper.more=unknown_field",
                  "r_nested[1].inner.label=wrong_type", "r_int32[2]=wrong_type"));
    const char *const req[] = {"r_nested.name", "f_nested.inner.label", NULL};
    s_errors(ALL, "{\"r_nested\":[{\"name\":\"a\"},{},{\"name\":null}],\"f_nested\":{}}", req,
             ERRS("r_nested[1].name=required", "r_nested[2].name=required",
                  "f_nested.inner.label=required"));
}

static void
test_oneof_conflict(void **state)
{
    (void) state;
    s_errors(ALL, "{\"o_string\":\"a\",\"o_int64\":\"5\"}", NULL, ERRS("o_int64=too_many"));
    s_errors(ALL, "{\"o_nested\":{},\"o_bytes\":\"\",\"o_enum\":\"red\"}", NULL,
             ERRS("o_bytes=too_many", "o_enum=too_many"));
}

/* {"child":{"child":...{"level":n}}} with `levels` children. */
static char *
s_deep_json(int levels)
{
    size_t size = (size_t) levels * 12 + 32;
    char *s = malloc(size), *w = s;
    assert_non_null(s);
    *w++ = '{';
    for (int i = 0; i < levels; i++)
        w += sprintf(w, "\"child\":{");
    w += sprintf(w, "\"level\":%d", levels);
    for (int i = 0; i <= levels; i++)
        *w++ = '}';
    *w = '\0';
    return s;
}

static void
test_too_deep(void **state)
{
    (void) state;
    char *ok = s_deep_json(JSONPB_MAX_DEPTH);
    ProtobufCMessage *m = s_decode(&lianxin__v1__test_deep__descriptor, ok, NULL);
    Lianxin__V1__TestDeep *d = (Lianxin__V1__TestDeep *) m;
    for (int i = 0; i < JSONPB_MAX_DEPTH; i++)
        d = d->child;
    assert_int_equal(d->level, JSONPB_MAX_DEPTH);
    json_t *enc = jsonpb_encode(m);
    assert_non_null(enc);
    json_decref(enc);
    protobuf_c_message_free_unpacked(m, NULL);
    free(ok);

    char *deep = s_deep_json(JSONPB_MAX_DEPTH + 1), path[256] = "";
    for (int i = 0; i <= JSONPB_MAX_DEPTH; i++)
        strcat(path, i ? ".child" : "child");
    strcat(path, "=too_deep");
    s_errors(&lianxin__v1__test_deep__descriptor, deep, NULL, ERRS(path));
    free(deep);
    deep = s_deep_json(500);                    /* far too deep: one error, no crash */
    s_errors(&lianxin__v1__test_deep__descriptor, deep, NULL, ERRS(path));
    free(deep);
}

static void
test_too_many(void **state)
{
    (void) state;
    json_t *j = json_object(), *arr = json_array();
    for (int i = 0; i < JSONPB_MAX_REPEATED; i++)
        json_array_append_new(arr, json_integer(i));
    json_object_set_new(j, "r_int32", arr);
    jsonpb_errors_t errs;
    Lianxin__V1__TestAll *m = (Lianxin__V1__TestAll *) jsonpb_decode(ALL, j, NULL, &errs);
    assert_non_null(m);
    assert_int_equal(m->n_r_int32, JSONPB_MAX_REPEATED);
    assert_int_equal(m->r_int32[999], 999);
    protobuf_c_message_free_unpacked(&m->base, NULL);
    json_array_append_new(arr, json_integer(1000));
    assert_null(jsonpb_decode(ALL, j, NULL, &errs));
    assert_int_equal(errs.n, 1);
    assert_string_equal(errs.e[0].field, "r_int32");
    assert_string_equal(errs.e[0].code, "too_many");
    json_decref(j);
}

static void
test_error_limit_and_long_paths(void **state)
{
    (void) state;
    json_t *j = json_object();
    char key[16];
    for (int i = 0; i < 40; i++) {
        snprintf(key, sizeof key, "bad%02d", i);
        json_object_set_new(j, key, json_integer(i));
    }
    json_object_set_new(j, "f_string", json_string("fine"));
    jsonpb_errors_t errs;
    assert_null(jsonpb_decode(ALL, j, NULL, &errs));
    assert_int_equal(errs.n, JSONPB_MAX_ERRORS);
    for (int i = 0; i < errs.n; i++)
        assert_string_equal(errs.e[i].code, "unknown_field");
    json_decref(j);

    char long_key[400];
    memset(long_key, 'k', sizeof long_key - 1);
    long_key[sizeof long_key - 1] = '\0';
    j = json_pack("{s:{s:i}}", "f_nested", long_key, 1);
    assert_null(jsonpb_decode(ALL, j, NULL, &errs));
    assert_int_equal(errs.n, 1);
    assert_int_equal(strlen(errs.e[0].field), sizeof errs.e[0].field - 1);   /* cut, not overrun */
    assert_int_equal(strncmp(errs.e[0].field, "f_nested.kkk", 12), 0);
    json_decref(j);
}

static void
test_bad_arguments(void **state)
{
    (void) state;
    jsonpb_errors_t errs;
    json_t *arr = s_json("[1]");
    assert_null(jsonpb_decode(ALL, arr, NULL, &errs));
    assert_int_equal(errs.n, 1);
    assert_string_equal(errs.e[0].field, "");
    assert_string_equal(errs.e[0].code, "wrong_type");
    json_decref(arr);
    assert_null(jsonpb_decode(ALL, NULL, NULL, &errs));
    json_t *obj = s_json("{\"nope\":1}");
    assert_null(jsonpb_decode(NULL, obj, NULL, &errs));
    assert_null(jsonpb_decode(ALL, obj, NULL, NULL));       /* errs is optional */
    json_decref(obj);
    assert_null(jsonpb_encode(NULL));
}

/* ---- encoding what came off the wire ----------------------------------------- */

static void
test_encode_odd_values(void **state)
{
    (void) state;
    Lianxin__V1__TestAll m = LIANXIN__V1__TEST_ALL__INIT;
    m.f_enum = 77;                                  /* a value this build does not know */
    m.f_string = "ok\xff\xe5\xbc";                  /* not UTF-8 */
    m.choice_case = LIANXIN__V1__TEST_ALL__CHOICE_O_NESTED;
    m.o_nested = NULL;                              /* selected but absent: omitted */
    json_t *j = jsonpb_encode(&m.base);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "f_enum")), 77);
    assert_string_equal(json_string_value(json_object_get(j, "f_string")),
                        "ok\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    assert_null(json_object_get(j, "o_nested"));
    json_decref(j);
}

/* ---- enums ---------------------------------------------------------------------- */

static void
test_enum_names(void **state)
{
    (void) state;
    static const char *const categories[] = {
        "unspecified", "urban_construction", "transport", "education", "health",
        "social_security", "environment", "public_security", "business", "other",
    };
    const ProtobufCEnumDescriptor *cat = &lianxin__v1__visit_category__descriptor;
    char name[32];
    int value;
    for (int i = 0; i < 10; i++) {
        assert_int_equal(jsonpb_enum_name(cat, i, name, sizeof name), 0);
        assert_string_equal(name, categories[i]);
        assert_int_equal(jsonpb_enum_value(cat, categories[i], &value), 0);
        assert_int_equal(value, i);
    }
    assert_int_equal(jsonpb_enum_name(cat, 10, name, sizeof name), -1);
    assert_int_equal(jsonpb_enum_name(cat, -1, name, sizeof name), -1);
    assert_int_equal(jsonpb_enum_name(cat, 1, name, 18), -1);   /* "urban_construction" */
    assert_int_equal(jsonpb_enum_name(cat, 1, name, 19), 0);
    const ProtobufCEnumDescriptor *act = &lianxin__v1__on_spot_action__descriptor;
    assert_int_equal(jsonpb_enum_name(act, 2, name, sizeof name), 0);
    assert_string_equal(name, "explained_policy");
    assert_int_equal(jsonpb_enum_value(act, "referred", &value), 0);
    assert_int_equal(value, 3);
    assert_int_equal(jsonpb_enum_name(&lianxin__v1__visit_kind__descriptor, 2, name, sizeof name), 0);
    assert_string_equal(name, "home_visit");
    assert_int_equal(jsonpb_enum_value(cat, "VISIT_CATEGORY_HEALTH", &value), 0);
    assert_int_equal(value, 4);
    value = -5;
    assert_int_equal(jsonpb_enum_value(cat, "Transport", &value), -1);
    assert_int_equal(jsonpb_enum_value(cat, "TRANSPORT", &value), -1);
    assert_int_equal(jsonpb_enum_value(cat, "", &value), -1);
    assert_int_equal(jsonpb_enum_value(cat, "visit_category_transport", &value), -1);
    assert_int_equal(value, -5);
    assert_int_equal(jsonpb_enum_value(NULL, "x", &value), -1);
    assert_int_equal(jsonpb_enum_name(NULL, 0, name, sizeof name), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalars_round_trip),   cmocka_unit_test(test_zero_values_written),
        cmocka_unit_test(test_repeated_round_trip),  cmocka_unit_test(test_oneof_round_trip),
        cmocka_unit_test(test_number_forms),         cmocka_unit_test(test_null_is_absent),
        cmocka_unit_test(test_envelope_round_trip),  cmocka_unit_test(test_record_visit),
        cmocka_unit_test(test_record_visit_errors),  cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_out_of_range),         cmocka_unit_test(test_unknown_and_nested_paths),
        cmocka_unit_test(test_oneof_conflict),       cmocka_unit_test(test_too_deep),
        cmocka_unit_test(test_too_many),             cmocka_unit_test(test_error_limit_and_long_paths),
        cmocka_unit_test(test_bad_arguments),        cmocka_unit_test(test_encode_odd_values),
        cmocka_unit_test(test_enum_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

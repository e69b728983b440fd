/* fuzz_jsonpb: libFuzzer target for jsonpb. Parses the input as JSON, decodes
 * it into lianxin.v1.RecordVisit and lianxin.v1.TestAll, and for every message
 * that decodes checks that encode -> decode -> encode and pack -> unpack ->
 * encode give the same JSON; aborts on any difference. Never writes files.
 * Build and run (clang 14 with libFuzzer; from the checkout; not part of
 * `make all` or `make test`):
 *   make fuzz        (clang -fsanitize=fuzzer,address,undefined, see the Makefile)
 *   mkdir -p build/fuzz/corpus && build/fuzz/fuzz_jsonpb -max_total_time=60 build/fuzz/corpus */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "intake.pb-c.h"
#include "jsonpb.h"
#include "testing.pb-c.h"

static const char *const s_visit_required[] = {
    "workroom_id", "received_at", "member_ids", "summary", "category", "visitor.name", NULL,
};
static const char *const s_all_required[] = {"f_nested.inner.label", "r_nested.name", NULL};

static void
s_check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_jsonpb: %s\n", what);
        abort();
    }
}

/* The JSON of `msg` after a trip through the wire format. */
static json_t *
s_via_wire(const ProtobufCMessage *msg)
{
    size_t len = protobuf_c_message_get_packed_size(msg);
    uint8_t *buf = malloc(len ? len : 1);
    s_check(buf != NULL, "out of memory");
    s_check(protobuf_c_message_pack(msg, buf) == len, "pack length");
    ProtobufCMessage *copy = protobuf_c_message_unpack(msg->descriptor, NULL, len, buf);
    free(buf);
    s_check(copy != NULL, "unpack of a packed message failed");
    json_t *j = jsonpb_encode(copy);
    protobuf_c_message_free_unpacked(copy, NULL);
    return j;
}

static void
s_one(const ProtobufCMessageDescriptor *desc, const json_t *in, const char *const *required)
{
    jsonpb_errors_t errs;
    ProtobufCMessage *msg = jsonpb_decode(desc, in, required, &errs);
    s_check(errs.n >= 0 && errs.n <= JSONPB_MAX_ERRORS, "error count out of bounds");
    if (!msg) {
        s_check(errs.n > 0, "failed without an error");
        return;
    }
    s_check(errs.n == 0, "succeeded with errors");
    json_t *out = jsonpb_encode(msg);
    s_check(out != NULL, "encode failed");
    ProtobufCMessage *again = jsonpb_decode(desc, out, NULL, &errs);
    s_check(again != NULL, "own output does not decode");
    json_t *out2 = jsonpb_encode(again);
    s_check(json_equal(out, out2), "encode/decode/encode differs");
    json_t *wire = s_via_wire(msg);
    s_check(json_equal(out, wire), "pack/unpack/encode differs");
    json_decref(wire);
    json_decref(out2);
    json_decref(out);
    protobuf_c_message_free_unpacked(again, NULL);
    protobuf_c_message_free_unpacked(msg, NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t err;
    json_t *j = json_loadb((const char *) data, size, 0, &err);
    if (!j)
        return 0;
    s_one(&lianxin__v1__record_visit__descriptor, j, s_visit_required);
    s_one(&lianxin__v1__record_visit__descriptor, j, NULL);
    s_one(&lianxin__v1__test_all__descriptor, j, s_all_required);
    s_one(&lianxin__v1__test_all__descriptor, j, NULL);
    json_decref(j);
    return 0;
}

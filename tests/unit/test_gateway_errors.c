/* test_gateway_errors: the error body's shape, {"error":{"code","message",
 * "fields"}}, its defaults per status, and the Reply -> HTTP conversion of
 * command answers (errors with fields, payloads by type, nonsense). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "http/errors.h"
#include "forward.h"
#include "intake.pb-c.h"

static void test_defaults(void **state)
{
    (void) state;
    static const struct { int status; const char *code; } want[] = {
        {400, "bad_request"},     {401, "unauthenticated"},  {403, "forbidden"},
        {404, "not_found"},       {405, "method_not_allowed"}, {409, "conflict"},
        {411, "length_required"}, {413, "body_too_large"},   {415, "unsupported_media_type"},
        {422, "unprocessable"},   {423, "account_locked"},   {429, "rate_limited"},
        {503, "unavailable"},     {500, "internal"},         {418, "internal"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        assert_string_equal(errors_code(want[i].status), want[i].code);
    assert_string_equal(errors_message(404), "not found");
}

static void test_shape_without_fields(void **state)
{
    (void) state;
    json_t *j = errors_json(404, NULL, NULL, NULL, 0);
    assert_non_null(j);
    assert_int_equal(json_object_size(j), 1);
    json_t *e = json_object_get(j, "error");
    assert_true(json_is_object(e));
    assert_string_equal(json_string_value(json_object_get(e, "code")), "not_found");
    assert_string_equal(json_string_value(json_object_get(e, "message")), "not found");
    assert_null(json_object_get(e, "fields"));   /* only for validation errors */
    json_decref(j);
}

static void test_shape_with_fields(void **state)
{
    (void) state;
    errors_field_t f[] = {{"summary", "required"}, {"visitor.phone", "invalid"},
                          {"summary", "too_long"}, {NULL, "x"}};
    char *text = errors_text(400, "validation_failed", "request is not valid", f, 4);
    assert_non_null(text);
    json_error_t err;
    json_t *j = json_loads(text, 0, &err);
    assert_non_null(j);
    json_t *e = json_object_get(j, "error");
    assert_string_equal(json_string_value(json_object_get(e, "code")), "validation_failed");
    json_t *fields = json_object_get(e, "fields");
    assert_int_equal(json_object_size(fields), 2);
    assert_string_equal(json_string_value(json_object_get(fields, "summary")), "required");
    assert_string_equal(json_string_value(json_object_get(fields, "visitor.phone")), "invalid");
    json_decref(j);
    free(text);
}

static void test_reply_error(void **state)
{
    (void) state;
    Lianxin__V1__FieldError f1 = LIANXIN__V1__FIELD_ERROR__INIT, f2 = f1;
    f1.field = "workroom_id";
    f1.code = "not_found";
    f2.field = "member_ids[1]";
    f2.code = "not_found";
    Lianxin__V1__FieldError *fs[] = {&f1, &f2};
    Lianxin__V1__Reply r = LIANXIN__V1__REPLY__INIT;
    r.status = 422;
    r.error_code = "unprocessable";
    r.message = "unknown workroom or members";
    r.n_fields = 2;
    r.fields = fs;
    int status = 0;
    json_t *j = forward_reply_json(&r, NULL, &status);
    assert_int_equal(status, 422);
    json_t *e = json_object_get(j, "error");
    assert_string_equal(json_string_value(json_object_get(e, "code")), "unprocessable");
    json_t *fields = json_object_get(e, "fields");
    assert_string_equal(json_string_value(json_object_get(fields, "member_ids[1]")), "not_found");
    json_decref(j);
    /* an error without a code gets the status's default */
    Lianxin__V1__Reply r2 = LIANXIN__V1__REPLY__INIT;
    r2.status = 403;
    j = forward_reply_json(&r2, NULL, &status);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "code")),
                        "forbidden");
    json_decref(j);
}

static void test_reply_payload(void **state)
{
    (void) state;
    Lianxin__V1__VisitRef ref = LIANXIN__V1__VISIT_REF__INIT;
    ref.id = 17;
    uint8_t buf[32];
    size_t n = lianxin__v1__visit_ref__pack(&ref, buf);
    Lianxin__V1__Reply r = LIANXIN__V1__REPLY__INIT;
    r.status = 201;
    r.payload_type = "lianxin.v1.VisitRef";
    r.payload.data = buf;
    r.payload.len = n;
    int status = 0;
    json_t *j = forward_reply_json(&r, &lianxin__v1__visit_ref__descriptor, &status);
    assert_int_equal(status, 201);
    assert_string_equal(json_string_value(json_object_get(j, "id")), "17");   /* int64 as string */
    json_decref(j);
    r.payload_type = "lianxin.v1.NoSuchType";
    j = forward_reply_json(&r, &lianxin__v1__visit_ref__descriptor, &status);
    assert_int_equal(status, 502);
    json_decref(j);
    uint8_t junk[] = {0xff, 0xff, 0xff};
    r.payload_type = "lianxin.v1.VisitRef";
    r.payload.data = junk;
    r.payload.len = sizeof junk;
    j = forward_reply_json(&r, &lianxin__v1__visit_ref__descriptor, &status);
    assert_int_equal(status, 502);
    json_decref(j);
    Lianxin__V1__Reply bare = LIANXIN__V1__REPLY__INIT;   /* status 0: nonsense */
    j = forward_reply_json(&bare, &lianxin__v1__visit_ref__descriptor, &status);
    assert_int_equal(status, 502);
    json_decref(j);
    bare.status = 204;
    assert_null(forward_reply_json(&bare, &lianxin__v1__visit_ref__descriptor, &status));
    assert_int_equal(status, 204);
    bare.status = 201;                  /* a success naming an error: 500, never 201 */
    bare.error_code = "conflict";
    j = forward_reply_json(&bare, &lianxin__v1__visit_ref__descriptor, &status);
    assert_int_equal(status, 500);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "code")),
                        "conflict");
    json_decref(j);
    r.payload_type = "lianxin.v1.VisitRef";  /* a payload where the row declares no reply */
    r.payload.data = buf;
    r.payload.len = n;
    j = forward_reply_json(&r, NULL, &status);
    assert_int_equal(status, 502);
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),     cmocka_unit_test(test_shape_without_fields),
        cmocka_unit_test(test_shape_with_fields), cmocka_unit_test(test_reply_error),
        cmocka_unit_test(test_reply_payload),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

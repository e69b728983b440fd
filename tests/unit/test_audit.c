/* Unit tests for audit_row_hash: the chain rule of audit.trail. The known
 * answer pins the encoding: changing it would orphan every stored chain. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "audit.h"
#include "audit_anchor.h"
#include "crypto.h"

static const uint8_t s_zero[32];

static audit_row_t
s_row(void)
{
    audit_row_t row = {
        .district = "330303", .seq = 42, .at_us = 1764110400000000LL, .actor_user_id = 7,
        .actor_role = "office", .action = "visit.record", .object_type = "visit",
        .object_id = "17",
    };
    crypto_sha256("state", 5, row.digest);
    return row;
}

static void
s_hex(const uint8_t h[32], char out[65])
{
    crypto_hex(h, 32, out);
}

/* Computed independently (Python hashlib) from the encoding in audit.c. */
static void
test_known_answer(void **state)
{
    (void) state;
    audit_row_t row = s_row();
    uint8_t h[32];
    char hex[65];
    audit_row_hash(s_zero, &row, h);
    s_hex(h, hex);
    assert_string_equal(hex, "e1edea14ecb16647846786f39770175506fbecec4c399c277680b5eaa7083f91");
}

static void
test_deterministic(void **state)
{
    (void) state;
    audit_row_t a = s_row(), b = s_row();
    uint8_t h1[32], h2[32];
    audit_row_hash(s_zero, &a, h1);
    audit_row_hash(s_zero, &b, h2);
    assert_memory_equal(h1, h2, 32);
}

/* Every field, and the previous hash, is covered. */
static void
test_each_field_counts(void **state)
{
    (void) state;
    audit_row_t base = s_row();
    uint8_t h0[32], h[32], prev[32] = { 1 };
    audit_row_hash(s_zero, &base, h0);
    audit_row_hash(prev, &base, h);
    assert_memory_not_equal(h0, h, 32);
    for (int f = 0; f < 9; f++) {
        audit_row_t r = s_row();
        switch (f) {
        case 0: r.district = "330304"; break;
        case 1: r.seq = 43; break;
        case 2: r.at_us += 1; break;
        case 3: r.actor_user_id = 8; break;
        case 4: r.actor_role = "admin"; break;
        case 5: r.action = "visit.update"; break;
        case 6: r.object_type = "report"; break;
        case 7: r.object_id = "18"; break;
        case 8: r.digest[31] ^= 1; break;
        }
        audit_row_hash(s_zero, &r, h);
        assert_memory_not_equal(h0, h, 32);
    }
}

/* Length prefixes: moving bytes between neighbouring fields changes the hash. */
static void
test_no_concatenation_ambiguity(void **state)
{
    (void) state;
    uint8_t h1[32], h2[32];
    audit_row_t a = s_row(), b = s_row();
    a.action = "ab"; a.object_type = "c";
    b.action = "a"; b.object_type = "bc";
    audit_row_hash(s_zero, &a, h1);
    audit_row_hash(s_zero, &b, h2);
    assert_memory_not_equal(h1, h2, 32);
    a = s_row(); b = s_row();
    a.object_type = "visit1"; a.object_id = "7";
    b.object_type = "visit"; b.object_id = "17";
    audit_row_hash(s_zero, &a, h1);
    audit_row_hash(s_zero, &b, h2);
    assert_memory_not_equal(h1, h2, 32);
    a = s_row(); b = s_row();
    a.district = ""; a.actor_role = "";
    b.district = NULL; b.actor_role = NULL;     /* NULL is the empty string */
    audit_row_hash(s_zero, &a, h1);
    audit_row_hash(s_zero, &b, h2);
    assert_memory_equal(h1, h2, 32);
}

/* A chain: each row covers the one before, so changing row 1 changes row 3. */
static void
test_chain(void **state)
{
    (void) state;
    uint8_t h[4][32], g[4][32];
    audit_row_t rows[3];
    for (int i = 0; i < 3; i++) {
        rows[i] = s_row();
        rows[i].seq = i + 1;
    }
    memcpy(h[0], s_zero, 32);
    for (int i = 0; i < 3; i++)
        audit_row_hash(h[i], &rows[i], h[i + 1]);
    assert_memory_not_equal(h[1], h[2], 32);
    assert_memory_not_equal(h[2], h[3], 32);
    rows[0].object_id = "99";
    memcpy(g[0], s_zero, 32);
    for (int i = 0; i < 3; i++)
        audit_row_hash(g[i], &rows[i], g[i + 1]);
    for (int i = 1; i < 4; i++)
        assert_memory_not_equal(h[i], g[i], 32);
}

/* Long fields (beyond the stack buffer) hash like any other. */
static void
test_long_fields(void **state)
{
    (void) state;
    static char big[5000];
    memset(big, 'x', sizeof big - 1);
    audit_row_t a = s_row(), b = s_row();
    a.object_id = big;
    uint8_t h1[32], h2[32], h3[32];
    audit_row_hash(s_zero, &a, h1);
    audit_row_hash(s_zero, &a, h2);
    audit_row_hash(s_zero, &b, h3);
    assert_memory_equal(h1, h2, 32);
    assert_memory_not_equal(h1, h3, 32);
}

/* ---- the checkpoint MAC (audit_anchor.h) ------------------------------------ */

static void
s_ckpt(const uint8_t key[32], const char *district, int64_t seq, int64_t at_us, int flip,
       uint8_t out[32])
{
    uint8_t hash[32];
    crypto_sha256("state", 5, hash);
    hash[31] ^= (uint8_t) flip;
    audit_anchor_mac(key, district, seq, hash, at_us, out);
}

/* Computed independently (Python hmac) from the encoding in audit_anchor.c. */
static void
test_checkpoint_mac_known_answer(void **state)
{
    (void) state;
    uint8_t key[32], mac[32];
    char hex[65];
    for (int i = 0; i < 32; i++)
        key[i] = (uint8_t) i;
    s_ckpt(key, "330303", 42, 1764110400000000LL, 0, mac);
    s_hex(mac, hex);
    assert_string_equal(hex, "a3ea6c6b7ce5db174bf6c2dba7a93acc2df481bd93101a06507628907842d0d8");
}

/* The key, the district, the seq, the hash and the time all count. */
static void
test_checkpoint_mac_fields(void **state)
{
    (void) state;
    uint8_t key[32] = { 1 }, other[32] = { 2 }, m0[32], m[32];
    s_ckpt(key, "330303", 42, 1000, 0, m0);
    s_ckpt(other, "330303", 42, 1000, 0, m);
    assert_memory_not_equal(m0, m, 32);
    s_ckpt(key, "330304", 42, 1000, 0, m);
    assert_memory_not_equal(m0, m, 32);
    s_ckpt(key, "330303", 41, 1000, 0, m);
    assert_memory_not_equal(m0, m, 32);
    s_ckpt(key, "330303", 42, 1000, 1, m);
    assert_memory_not_equal(m0, m, 32);
    s_ckpt(key, "330303", 42, 1001, 0, m);
    assert_memory_not_equal(m0, m, 32);
    s_ckpt(key, "330303", 42, 1000, 0, m);
    assert_memory_equal(m0, m, 32);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_answer),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_each_field_counts),
        cmocka_unit_test(test_no_concatenation_ambiguity),
        cmocka_unit_test(test_chain),
        cmocka_unit_test(test_long_fields),
        cmocka_unit_test(test_checkpoint_mac_known_answer),
        cmocka_unit_test(test_checkpoint_mac_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_sm4: test_keys with crypto.suite = sm4 (SM4-CTR + HMAC-SM3, for
 * installations that must pass a 商用密码 assessment): the same home-visit
 * sealing, rotation, batched and resumable rekey, and removal of the old
 * key, every value sealed with SM4; the legacy AES value is re-sealed into
 * SM4 by rekey. Must never skip. */
#define KEYS_SUITE "sm4"
#include "test_keys.c"

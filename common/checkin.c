/* checkin: see checkin.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "checkin.h"
#include "crypto.h"

#define MAC_HEX 32                  /* 16 bytes of the HMAC, in hex */

static int s_mac(const uint8_t key[32], const char *scope, int64_t id, int64_t exp,
                 char hex[MAC_HEX + 1])
{
    char msg[128];
    uint8_t mac[32];
    int n = snprintf(msg, sizeof msg, "checkin|%s|%lld|%lld", scope, (long long) id,
                     (long long) exp);
    if (n < 0 || (size_t) n >= sizeof msg
        || crypto_hmac_sha256(key, 32, msg, (size_t) n, mac) != 0)
        return -1;
    crypto_hex(mac, MAC_HEX / 2, hex);
    hex[MAC_HEX] = '\0';
    return 0;
}

int checkin_sign(const uint8_t key[32], const char *scope, int64_t id, int64_t expires_s,
                 char out[CHECKIN_TOKEN_MAX])
{
    char hex[MAC_HEX + 1];
    if (s_mac(key, scope, id, expires_s, hex) != 0)
        return -1;
    snprintf(out, CHECKIN_TOKEN_MAX, "%lld.%lld.%s", (long long) id, (long long) expires_s, hex);
    return 0;
}

int checkin_verify(const uint8_t key[32], const char *scope, const char *token, int64_t now_s,
                   int64_t *id)
{
    long long m = 0, exp = 0;
    char given[MAC_HEX + 2] = "", want[MAC_HEX + 1];
    int used = 0;
    if (!token || strlen(token) >= CHECKIN_TOKEN_MAX
        || sscanf(token, "%lld.%lld.%33[0-9a-f]%n", &m, &exp, given, &used) != 3
        || (size_t) used != strlen(token) || strlen(given) != MAC_HEX || m <= 0)
        return -1;
    if (s_mac(key, scope, m, exp, want) != 0 || !crypto_equal(given, want, MAC_HEX)
        || now_s > exp)
        return -1;
    *id = m;
    return 0;
}

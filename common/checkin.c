/* checkin: see checkin.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <qrencode.h>
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

char *checkin_svg(const char *text)
{
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!qr)
        return NULL;
    int w = qr->width, q = 4;
    size_t cap = 256 + (size_t) w * w * 40;
    char *svg = malloc(cap);
    if (svg) {
        size_t o = (size_t) snprintf(svg, cap, "<svg xmlns=\"http://www.w3.org/2000/svg\""
                                     " viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">"
                                     "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>"
                                     "<path fill=\"#000\" d=\"", w + 2 * q, w + 2 * q);
        for (int y = 0; y < w; y++)
            for (int x = 0; x < w; x++)
                if (qr->data[y * w + x] & 1)
                    o += (size_t) snprintf(svg + o, cap - o, "M%d %dh1v1h-1z", x + q, y + q);
        snprintf(svg + o, cap - o, "\"/></svg>");
    }
    QRcode_free(qr);
    return svg;
}

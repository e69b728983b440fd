/* checkin_svg: the QR code of a check-in link as SVG (libqrencode), apart
 * from the tokens (checkin.c) so that only the programs that draw a code
 * link libqrencode (Makefile: LDLIBS_<service>). Declared in checkin.h. */
#include <stdio.h>
#include <stdlib.h>
#include <qrencode.h>
#include "checkin.h"

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

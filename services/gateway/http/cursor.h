/* cursor: the opaque pagination cursor of keyset pagination. A cursor names
 * the last row of a page by two integers (e.g. received_at in microseconds
 * and id) under a one-letter tag naming the list, so a visits cursor is
 * refused by the inbox. Pure. Cursors are not secret and not signed: the
 * values they carry only select rows the caller may read anyway. */
#ifndef GW_CURSOR_H
#define GW_CURSOR_H

#include <stddef.h>
#include <stdint.h>

#define CURSOR_MAX 64               /* encoded length, NUL included */

/* Writes the cursor of (`tag`, a, b) into `out`. 0, or -1 when `out` is
 * too small or `tag` is not a lower-case letter. */
int cursor_encode(char tag, int64_t a, int64_t b, char *out, size_t outsz);

/* Reads a cursor made by cursor_encode with the same `tag`. 0, or -1 when
 * the text is not such a cursor (any other text, any other tag). */
int cursor_decode(const char *text, char tag, int64_t *a, int64_t *b);

#endif

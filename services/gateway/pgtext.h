/* pgtext: reading PostgreSQL's text output format: bigint columns, and
 * bigint[] arrays as JSON. Pure; a value that is not what the column type
 * promises yields an error, never a guess. */
#ifndef GW_PGTEXT_H
#define GW_PGTEXT_H

#include <stdint.h>
#include <jansson.h>

/* A bigint in text form (optional '-', digits). 0, or -1. */
int pgtext_int64(const char *text, int64_t *out);

/* A bigint[] in text form, "{1,2,3}" or "{}", as a JSON array of decimal
 * strings (the API writes 64-bit ids as strings). NULL when malformed
 * (NULL elements, nested arrays, anything but digits) or out of memory. */
json_t *pgtext_id_array(const char *text);

#endif

/* pgtext: reading PostgreSQL's text output format into JSON values: bigint
 * columns, bigint[] arrays, nullable columns. Pure; a value that is not what
 * the column type promises yields an error, never a guess. */
#ifndef GW_PGTEXT_H
#define GW_PGTEXT_H

#include <stdint.h>
#include <jansson.h>
#include <libpq-fe.h>

/* A bigint in text form (optional '-', digits). 0, or -1. */
int pgtext_int64(const char *text, int64_t *out);

/* A bigint[] in text form, "{1,2,3}" or "{}", as a JSON array of decimal
 * strings (the API writes 64-bit ids as strings). NULL when malformed
 * (NULL elements, nested arrays, anything but digits) or out of memory. */
json_t *pgtext_id_array(const char *text);

/* Column `col` of row `row` as a JSON string, or JSON null when SQL NULL. */
json_t *pgtext_string_or_null(const PGresult *res, int row, int col);

/* A bigint id column as a JSON string ("17"), JSON null when SQL NULL or 0. */
json_t *pgtext_id_or_null(const PGresult *res, int row, int col);

/* A microseconds-since-the-epoch bigint column as RFC 3339 in UTC+8, JSON
 * null when SQL NULL. */
json_t *pgtext_time_or_null(const PGresult *res, int row, int col);

#endif

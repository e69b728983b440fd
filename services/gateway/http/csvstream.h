/* csvstream: a room's public-opinion log (民情日志) as CSV without holding
 * it in memory: rows are read a page at a time through the pool (keyset on
 * received_at, id), one page rendered per loop turn into an unlinked spool
 * file, and the file is sent from its descriptor. Never holds more than a
 * page of rows, never blocks the loop waiting for PostgreSQL. */
#ifndef GW_CSVSTREAM_H
#define GW_CSVSTREAM_H

#include "gw.h"

#define CSVSTREAM_PAGE_ROWS 2000

/* Answers `call` with the masked log of room `room` of `district`, visits
 * received from date `from` to date `to` (inclusive, "YYYY-MM-DD", each NULL
 * for no bound, already validated), at most gateway.export_max_rows rows (a log with more is cut
 * there: header X-Lianxin-Truncated: true and a last record saying so), as the
 * attachment `filename`. Every parameter is copied. 503 when the database
 * or the spool fails at any page: nothing is sent before the last page, so
 * a failure never leaves a truncated file behind a 200. */
void csvstream_log(gw_call_t *call, const char *district, const char *room, const char *from,
                   const char *to, const char *filename);

#endif

/* visits: the read side of the 民情日志: GET one visit and the filtered,
 * newest-first, keyset-paginated list, straight from intake.visits joined to
 * core.workrooms. Visitor data is only ever read from the masked columns:
 * this file never touches the sealed ones beyond asking whether they are NULL. */
#ifndef GW_VISITS_H
#define GW_VISITS_H

#include <stdint.h>
#include "gw.h"

#define VISITS_LIMIT_DEFAULT 20
#define VISITS_LIMIT_MAX 100

/* The filters of GET /v1/districts/{d}/visits. */
typedef struct visits_filter {
    int64_t workroom_id;            /* 0: any */
    int has_from, has_to;
    int64_t from_us;                /* received_at >= from */
    int64_t to_us;                  /* received_at < to */
    char category[32];              /* "": any */
    int limit;
    int has_cursor;
    int64_t cursor_at_us, cursor_id;
} visits_filter_t;

/* The query keys of the list route. */
extern const char *const visits_list_keys[];

/* Reads the filters from `q`. `from` and `to` are RFC 3339 or a date (a date
 * as `to` means the end of that day). 0, or -1 with *field the parameter at
 * fault and *code its error (invalid, out_of_range, unknown_value). Pure. */
int visits_parse_filter(const query_t *q, visits_filter_t *f, const char **field,
                        const char **code);

void visits_list(gw_call_t *call);
void visits_get(gw_call_t *call);

#endif

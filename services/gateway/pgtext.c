/* pgtext: conversion of PostgreSQL text-format values (keyset positions,
 * counters, id arrays). Pure. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "pgtext.h"

int pgtext_int64(const char *text, int64_t *out)
{
    if (!text || !*text)
        return -1;
    const char *p = text[0] == '-' ? text + 1 : text;
    if (!*p)
        return -1;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9')
            return -1;
    errno = 0;
    long long v = strtoll(text, NULL, 10);
    if (errno)
        return -1;
    *out = (int64_t) v;
    return 0;
}

json_t *pgtext_id_array(const char *text)
{
    size_t n = text ? strlen(text) : 0;
    if (n < 2 || text[0] != '{' || text[n - 1] != '}')
        return NULL;
    json_t *arr = json_array();
    if (!arr)
        return NULL;
    const char *p = text + 1, *end = text + n - 1;
    while (p < end) {
        size_t len = 0;
        while (p + len < end && p[len] != ',')
            len++;
        char buf[24];
        int64_t v;
        if (len == 0 || len >= sizeof buf)
            goto fail;
        memcpy(buf, p, len);
        buf[len] = '\0';
        if (pgtext_int64(buf, &v) != 0 || json_array_append_new(arr, json_string(buf)) != 0)
            goto fail;
        p += len;
        if (p < end && ++p == end)
            goto fail;              /* a trailing comma */
    }
    return arr;
fail:
    json_decref(arr);
    return NULL;
}

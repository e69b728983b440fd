/* static: the web console's files from gateway.web_root. Only regular files
 * under the root, reached without "..", hidden names or symbolic links that
 * lead outside it, and only the content types listed here. Never lists a
 * directory. */
#ifndef GW_STATIC_H
#define GW_STATIC_H

#include <stddef.h>
#include "gw.h"

/* The relative file of a request path: "/" -> "index.html", "/app.js" ->
 * "app.js". 0, or -1 when the path must not be served: a ".." or "."
 * segment, a segment starting with '.', an empty segment, a backslash, a
 * control character, or more than 255 bytes. Pure. */
int static_resolve(const char *path, char *rel, size_t relsz);

/* The Content-Type of a file name by its extension (html, js, css, svg, png,
 * ico, json, txt), NULL for anything else. Pure. */
const char *static_content_type(const char *name);

/* The handler of GET /... : 200 with the file, 404 otherwise. */
void static_serve(gw_call_t *call);

#endif

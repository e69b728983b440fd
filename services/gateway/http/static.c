/* static: serves the console's files. Resolution is pure (static_resolve),
 * then realpath() confirms the file really lies under the root, so a
 * symbolic link cannot lead out of it. */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "http/static.h"

int static_resolve(const char *path, char *rel, size_t relsz)
{
    if (!path || path[0] != '/' || strlen(path) > 255)
        return -1;
    const char *p = path + 1;
    if (*p == '\0')
        p = "index.html";
    if (strlen(p) + 1 > relsz)
        return -1;
    for (const char *s = p; *s;) {
        size_t n = strcspn(s, "/");
        if (n == 0 || s[0] == '.')
            return -1;              /* empty, ".", "..", hidden */
        for (size_t i = 0; i < n; i++)
            if ((unsigned char) s[i] < 0x20 || s[i] == 0x7f || s[i] == '\\')
                return -1;
        s += n;
        if (*s == '/' && *++s == '\0')
            return -1;              /* a trailing slash names a directory */
    }
    strcpy(rel, p);
    return 0;
}

const char *static_content_type(const char *name)
{
    static const struct { const char *ext, *type; } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".json", "application/json; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"},
    };
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        size_t e = strlen(types[i].ext);
        if (n > e && strcmp(name + n - e, types[i].ext) == 0)
            return types[i].type;
    }
    return NULL;
}

/* Opens `rel` under `root` when its real path lies under the root's real
 * path and it is a regular file. The descriptor, or -1. */
static int s_open(const char *root, const char *rel, size_t *size)
{
    char want[PATH_MAX], real_root[PATH_MAX], real[PATH_MAX];
    struct stat st;
    if (!realpath(root, real_root))
        return -1;
    if (snprintf(want, sizeof want, "%s/%s", real_root, rel) >= (int) sizeof want ||
        !realpath(want, real))
        return -1;
    size_t rl = strlen(real_root);
    if (strncmp(real, real_root, rl) != 0 || real[rl] != '/')
        return -1;
    int fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return -1;
    }
    *size = (size_t) st.st_size;
    return fd;
}

void static_serve(gw_call_t *call)
{
    char rel[256];
    size_t size;
    const char *type;
    int fd;
    if (static_resolve(http_req_path(call->req), rel, sizeof rel) != 0 ||
        !(type = static_content_type(rel)) ||
        (fd = s_open(call->gw->set.web_root, rel, &size)) < 0) {
        gw_reply_error(call, 404, NULL, NULL, NULL);
        return;
    }
    int html = strncmp(type, "text/html", 9) == 0;
    const char *headers[] = {
        "Cache-Control", "no-cache",
        "X-Frame-Options", "DENY",
        "Referrer-Policy", "no-referrer",
        html ? "Content-Security-Policy" : NULL,
        "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        NULL,
    };
    http_respond_fd(call->req, 200, type, fd, size, headers);
}

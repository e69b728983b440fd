/* rawhttp: a plain-socket HTTP client for the tests that must send what a
 * well-behaved client never would, and read every header of the answer
 * (see rawhttp.h). Test code only. */
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include "rawhttp.h"

static int s_connect(harness_t *h)
{
    const char *url = harness_base_url(h);          /* http://127.0.0.1:<port> */
    const char *colon = strrchr(url, ':');
    struct sockaddr_in sa = {.sin_family = AF_INET};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || !colon)
        return -1;
    sa.sin_port = htons((unsigned short) atoi(colon + 1));
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    if (connect(fd, (struct sockaddr *) &sa, sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int s_send_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t) n;
    }
    return 0;
}

/* Reads until EOF or the timeout into a growing buffer. */
static char *s_read_all(int fd, int timeout_ms, size_t *len)
{
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap + 1);
    struct pollfd p = {.fd = fd, .events = POLLIN};
    while (buf && poll(&p, 1, timeout_ms) > 0) {
        if (n == cap) {
            char *grown = realloc(buf, cap * 2 + 1);
            if (!grown)
                break;
            buf = grown;
            cap *= 2;
        }
        ssize_t got = recv(fd, buf + n, cap - n, 0);
        if (got <= 0)
            break;
        n += (size_t) got;
    }
    if (buf)
        buf[n] = '\0';
    *len = n;
    return buf;
}

int rawhttp_exchange(harness_t *h, const char *req, size_t len, int timeout_ms,
                     rawhttp_resp_t *out)
{
    size_t n = 0;
    memset(out, 0, sizeof *out);
    int fd = s_connect(h);
    char *all = NULL;
    if (fd >= 0 && s_send_all(fd, req, len) == 0)
        all = s_read_all(fd, harness_ms(h, timeout_ms), &n);
    else if (fd >= 0)                               /* refused mid-send: read what came */
        all = s_read_all(fd, harness_ms(h, timeout_ms), &n);
    if (fd >= 0)
        close(fd);
    char *end = all ? strstr(all, "\r\n\r\n") : NULL;
    size_t head_len = end ? (size_t) (end - all) : n;
    out->head = strndup(all ? all : "", head_len);
    out->body_len = end ? n - head_len - 4 : 0;
    out->body = malloc(out->body_len + 1);
    if (out->body) {
        memcpy(out->body, end ? end + 4 : "", out->body_len);
        out->body[out->body_len] = '\0';
    }
    if (all && strncmp(all, "HTTP/1.", 7) == 0 && n > 12)
        out->status = atoi(all + 9);
    free(all);
    return out->status ? 0 : -1;
}

void rawhttp_clear(rawhttp_resp_t *r)
{
    free(r->head);
    free(r->body);
    memset(r, 0, sizeof *r);
}

const char *rawhttp_header(const rawhttp_resp_t *r, const char *name, char *out, size_t outsz)
{
    size_t nl = strlen(name);
    for (const char *line = r->head ? strstr(r->head, "\r\n") : NULL; line;
         line = strstr(line + 2, "\r\n")) {
        const char *l = line + 2;
        if (strncasecmp(l, name, nl) == 0 && l[nl] == ':') {
            const char *v = l + nl + 1, *e = strstr(v, "\r\n");
            while (*v == ' ')
                v++;
            size_t vl = e ? (size_t) (e - v) : strlen(v);
            snprintf(out, outsz, "%.*s", (int) vl, v);
            return out;
        }
    }
    return NULL;
}

char *rawhttp_get_text(const char *path, const char *token)
{
    char *text = NULL;
    if (asprintf(&text, "GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n%s%s%s\r\n",
                 path, token ? "Authorization: Bearer " : "", token ? token : "",
                 token ? "\r\n" : "") < 0)
        return NULL;
    return text;
}

/* channels: see channels.h. One CURL easy handle per send (a sender thread
 * sends one delivery at a time; connection reuse is not worth the state). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include "channels.h"
#include "timeutil.h"
#include "crypto.h"
#include "log.h"

#define S_MAIL_MAX 65536

int channels_config(const config_t *cfg, channels_cfg_t *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->smtp_url, sizeof out->smtp_url, "%s", config_get(cfg, "notify.smtp_url", ""));
    snprintf(out->smtp_from, sizeof out->smtp_from, "%s",
             config_get(cfg, "notify.smtp_from", "lianxin@localhost"));
    snprintf(out->sms_url, sizeof out->sms_url, "%s", config_get(cfg, "notify.sms_url", ""));
    snprintf(out->sms_token, sizeof out->sms_token, "%s", config_get(cfg, "notify.sms_token", ""));
    out->timeout_ms = strtol(config_get(cfg, "notify.send_timeout_ms", "10000"), NULL, 10);
    if (out->timeout_ms < 100 || out->timeout_ms > 120000) {
        log_error("notify.send_timeout_ms out of range", "min=100 max=120000");
        return -1;
    }
    return 0;
}

int channels_enabled(const channels_cfg_t *cfg, const char *channel)
{
    if (strcmp(channel, "email") == 0)
        return cfg->smtp_url[0] != '\0';
    if (strcmp(channel, "sms") == 0)
        return cfg->sms_url[0] != '\0';
    return strcmp(channel, "webhook") == 0;
}

int channels_sign(const char *secret, const char *ts, const char *body, char out[65])
{
    size_t nts = strlen(ts), nb = strlen(body);
    char *data = malloc(nts + 1 + nb);
    uint8_t mac[32];
    if (!data)
        return -1;
    memcpy(data, ts, nts);
    data[nts] = '.';
    memcpy(data + nts + 1, body, nb);
    int rc = crypto_hmac_sha256((const uint8_t *) secret, strlen(secret), data, nts + 1 + nb,
                                mac);
    free(data);
    if (rc != 0)
        return -1;
    crypto_hex(mac, sizeof mac, out);
    return 0;
}

/* ---- e-mail ------------------------------------------------------------------ */

typedef struct mail {
    char *text;
    size_t len, off;
} mail_t;

static size_t s_read(char *buf, size_t size, size_t n, void *arg)
{
    mail_t *m = arg;
    size_t want = size * n, left = m->len - m->off;
    if (want > left)
        want = left;
    memcpy(buf, m->text + m->off, want);
    m->off += want;
    return want;
}

/* base64 of s into a malloc'd text. */
static char *s_b64(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(4 * ((n + 2) / 3) + 1);
    if (out)
        EVP_EncodeBlock((unsigned char *) out, (const unsigned char *) s, (int) n);
    return out;
}

/* base64 of s in lines of 76 characters joined by CRLF (RFC 2045): an SMTP
 * line must stay under 1000 octets (RFC 5321), whatever the body's length. */
static char *s_b64_lines(const char *s)
{
    char *flat = s_b64(s);
    if (!flat)
        return NULL;
    size_t n = strlen(flat), k = 0;
    char *out = malloc(n + 2 * (n / 76 + 1) + 1);
    for (size_t i = 0; out && i < n; i += 76) {
        size_t len = n - i < 76 ? n - i : 76;
        if (i > 0) {
            out[k++] = '\r';
            out[k++] = '\n';
        }
        memcpy(out + k, flat + i, len);
        k += len;
    }
    if (out)
        out[k] = '\0';
    free(flat);
    return out;
}

/* The RFC 5322 message: UTF-8 subject (RFC 2047), base64 body. */
static int s_mail_text(const channels_cfg_t *cfg, const channels_msg_t *m, mail_t *mail)
{
    char *subj = s_b64(m->subject ? m->subject : ""), *body = s_b64_lines(m->body);
    mail->text = malloc(S_MAIL_MAX);
    int n = -1;
    if (subj && body && mail->text)
        n = snprintf(mail->text, S_MAIL_MAX,
                     "From: <%s>\r\nTo: <%s>\r\nSubject: =?UTF-8?B?%s?=\r\n"
                     "Message-ID: <%s@lianxin>\r\nIdempotency-Key: %s\r\nMIME-Version: 1.0\r\n"
                     "Content-Type: text/plain; charset=UTF-8\r\n"
                     "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n",
                     cfg->smtp_from, m->address, subj, m->key, m->key, body);
    free(subj);
    free(body);
    if (n < 0 || n >= S_MAIL_MAX)
        return -1;
    mail->len = (size_t) n;
    return 0;
}

static int s_email(CURL *c, const channels_cfg_t *cfg, const channels_msg_t *m,
                   struct curl_slist **rcpt, mail_t *mail)
{
    char from[300];
    if (s_mail_text(cfg, m, mail) != 0)
        return -1;
    snprintf(from, sizeof from, "<%s>", cfg->smtp_from);
    *rcpt = curl_slist_append(NULL, m->address);
    curl_easy_setopt(c, CURLOPT_URL, cfg->smtp_url);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, *rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, s_read);
    curl_easy_setopt(c, CURLOPT_READDATA, mail);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    return *rcpt ? 0 : -1;
}

/* ---- HTTP: SMS gateway and webhooks --------------------------------------------- */

static size_t s_discard(char *p, size_t size, size_t n, void *arg)
{
    (void) p;
    (void) arg;
    return size * n;
}

static struct curl_slist *s_header(struct curl_slist *h, const char *name, const char *value)
{
    char line[700];
    snprintf(line, sizeof line, "%s: %s", name, value);
    return curl_slist_append(h, line);
}

static int s_http(CURL *c, const channels_cfg_t *cfg, const channels_msg_t *m,
                  struct curl_slist **hdr, char **body)
{
    const char *url = strcmp(m->channel, "sms") == 0 ? cfg->sms_url : m->url;
    struct curl_slist *h = s_header(NULL, "Content-Type", "application/json");
    h = s_header(h, "Idempotency-Key", m->key);
    if (strcmp(m->channel, "sms") == 0) {
        char auth[300];
        snprintf(auth, sizeof auth, "Bearer %s", cfg->sms_token);
        h = s_header(h, "Authorization", auth);
        json_t *j = json_pack("{s:s, s:s, s:s}", "phone", m->address, "text", m->body,
                              "request_id", m->key);
        *body = j ? json_dumps(j, JSON_COMPACT) : NULL;
        json_decref(j);
    } else {
        char ts[32], sig[65], val[80];
        /* the real time, never the business clock: the partner compares it
         * with its own wall clock to refuse replays (docs/openapi.yaml) */
        snprintf(ts, sizeof ts, "%lld", (long long) (time_real_us() / 1000000));
        *body = strdup(m->body);
        if (!*body || !m->secret || channels_sign(m->secret, ts, *body, sig) != 0)
            return -1;
        snprintf(val, sizeof val, "v1=%s", sig);
        h = s_header(h, "X-Lianxin-Timestamp", ts);
        h = s_header(h, "X-Lianxin-Signature", val);
    }
    *hdr = h;
    if (!h || !*body || !url || !url[0])
        return -1;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, *body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, s_discard);
    return 0;
}

int channels_send(const channels_cfg_t *cfg, const channels_msg_t *m, char *err, size_t errsz)
{
    CURL *c = curl_easy_init();
    struct curl_slist *list = NULL;
    mail_t mail = {0};
    char *body = NULL;
    int rc = -1;
    snprintf(err, errsz, "cannot build the request");
    if (c) {
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, cfg->timeout_ms);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, cfg->timeout_ms);
        int ok = strcmp(m->channel, "email") == 0 ? s_email(c, cfg, m, &list, &mail)
                                                  : s_http(c, cfg, m, &list, &body);
        CURLcode cc = ok == 0 ? curl_easy_perform(c) : CURLE_FAILED_INIT;
        long code = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
        if (ok == 0 && cc != CURLE_OK)
            snprintf(err, errsz, "%s", curl_easy_strerror(cc));
        else if (ok == 0 && strcmp(m->channel, "email") != 0 && (code < 200 || code > 299))
            snprintf(err, errsz, "http %ld", code);
        else if (ok == 0)
            rc = 0;
    }
    curl_slist_free_all(list);
    free(mail.text);
    free(body);
    if (c)
        curl_easy_cleanup(c);
    return rc;
}

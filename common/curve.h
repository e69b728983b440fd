/* curve: ZeroMQ's own security (CURVE, RFC 26; ZAP, RFC 27) for every link
 * between Lianxin's programs. Each program has a key pair, Z85 text in the
 * config: "<program>.curve_public" and "<program>.curve_secret" (the secret
 * best from the environment, LIANXIN_<PROGRAM>_CURVE_SECRET). A socket that
 * binds is a CURVE server in a ZAP domain; a process with such sockets runs
 * one ZAP handler (its own thread) that admits, per domain, only the public
 * keys of the programs listed for it and names the peer program in the
 * message property "User-Id" ("gateway", "intake"). Never logs a secret. */
#ifndef LIANXIN_CURVE_H
#define LIANXIN_CURVE_H

#include <stddef.h>
#include <stdint.h>
#include "config.h"

#define CURVE_KEY_TEXT 40           /* Z85 text of a 32-byte key */
#define CURVE_NAME_MAX 32           /* a program's name, the User-Id */

/* ZAP domains of the installation's server sockets. */
#define CURVE_DOMAIN_CMD "lianxin.cmd"          /* a service's ROUTER */
#define CURVE_DOMAIN_BUS_PUB "lianxin.bus.pub"  /* the bus's XSUB: publishers */
#define CURVE_DOMAIN_BUS_SUB "lianxin.bus.sub"  /* the bus's XPUB: subscribers */

/* ---- keys (pure) --------------------------------------------------------- */

/* 1 when `text` is a Z85 CURVE key: exactly 40 characters that decode. */
int curve_key_ok(const char *text);

/* A program's own key pair, Z85 text. */
typedef struct curve_pair {
    char public_key[CURVE_KEY_TEXT + 1];
    char secret_key[CURVE_KEY_TEXT + 1];
} curve_pair_t;

/* Reads "<program>.curve_public" and "<program>.curve_secret" from `cfg`;
 * 0, or -1 (logged: which key is missing or not a key) when either is. */
int curve_pair_from_config(const config_t *cfg, const char *program, curve_pair_t *out);

/* Reads "<program>.curve_public" into `out` (41 bytes). 0 or -1 (logged). */
int curve_public_from_config(const config_t *cfg, const char *program, char *out);

/* ---- sockets -------------------------------------------------------------- */

/* A client's keys: its own pair and the public key of the server it
 * connects to. */
typedef struct curve_client {
    curve_pair_t own;
    char server_key[CURVE_KEY_TEXT + 1];
} curve_client_t;

/* `program`'s pair and `server`'s public key from `cfg`. 0 or -1 (logged). */
int curve_client_from_config(const config_t *cfg, const char *program, const char *server,
                             curve_client_t *out);

/* Makes `sock` a CURVE client (before it connects). 0 or -1. */
int curve_client_apply(void *sock, const curve_client_t *keys);

/* A server's keys: its own pair, its ZAP domain, and the one peer program
 * it takes messages from ("gateway"; "" for any peer the domain admits). */
typedef struct curve_server {
    curve_pair_t own;
    char domain[CURVE_NAME_MAX];
    char peer[CURVE_NAME_MAX];
} curve_server_t;

/* Makes `sock` a CURVE server in keys->domain (before it binds). 0 or -1. */
int curve_server_apply(void *sock, const curve_server_t *keys);

/* ---- allow-lists (pure) --------------------------------------------------- */

/* The public keys a ZAP domain admits, each with the program it names. */
typedef struct curve_allow curve_allow_t;

curve_allow_t *curve_allow_new(void);

/* Admits `z85` as program `name` (1..31 characters of [a-z0-9_-]). 0, or -1
 * when the name or the key is malformed, or no memory. */
int curve_allow_add(curve_allow_t *self, const char *name, const char *z85);

/* Admits the public key of each program of `names` (comma- or
 * blank-separated), read from "<name>.curve_public". 0, or -1 (logged) when
 * the list is empty or a key is missing or malformed. */
int curve_allow_programs(curve_allow_t *self, const config_t *cfg, const char *names);

/* The program admitted with the 32-byte binary `key`, NULL when none. */
const char *curve_allow_find(const curve_allow_t *self, const uint8_t *key);

/* Keys admitted. */
size_t curve_allow_count(const curve_allow_t *self);

/* Idempotent; sets *self_p to NULL. */
void curve_allow_destroy(curve_allow_t **self_p);

/* ---- the ZAP handler ---------------------------------------------------- */

typedef struct curve_zap curve_zap_t;

/* A ZAP domain and the keys it admits. */
typedef struct curve_domain {
    const char *name;               /* CURVE_DOMAIN_* */
    curve_allow_t *allow;
} curve_domain_t;

/* Starts the ZAP handler of `zctx` (inproc://zeromq.zap.01) on its own
 * thread, admitting in each of `domains[n]` the keys of its allow-list
 * (every list is taken over, even on failure, and the caller's pointers
 * NULLed). Call before any server socket of `zctx` binds. A request of an
 * unknown domain or another mechanism than CURVE, or with a key not
 * listed, is refused (400). NULL on failure (logged). */
curve_zap_t *curve_zap_new(void *zctx, curve_domain_t *domains, size_t n);

/* Requests refused since start (for logs and tests). */
uint64_t curve_zap_refused(const curve_zap_t *self);

/* Stops the thread and frees; call before zmq_ctx_term. Idempotent; sets
 * *self_p to NULL. */
void curve_zap_destroy(curve_zap_t **self_p);

#endif

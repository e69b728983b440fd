/* config: the settings of one program, read from a `key = value` file and
 * overridden by the environment (LIANXIN_<KEY>, upper-case, '.' -> '_').
 * Never holds anything it was not given; never logs values (keys may be secret). */
#ifndef LIANXIN_CONFIG_H
#define LIANXIN_CONFIG_H

typedef struct config config_t;

/* Loads `path` (NULL: environment only). Lines are `key = value`, `#` starts a
 * comment, blank lines are skipped, values may be double-quoted. Returns NULL
 * (and logs the file and line number) when the file cannot be read or a line
 * is malformed. */
config_t *config_load(const char *path);

/* Frees the config; idempotent, sets *self_p to NULL. */
void config_destroy(config_t **self_p);

/* The value of `key`: the environment's LIANXIN_<KEY> if set, else the file's,
 * else `dflt`. The pointer stays valid until config_destroy. */
const char *config_get(const config_t *self, const char *key, const char *dflt);

/* Like config_get for integers; a value that is not a whole number in range
 * yields `dflt` and a logged warning naming the key. */
long long config_get_int(const config_t *self, const char *key, long long dflt);

/* Sets a value as if read from the file (tests, command-line flags). 0 or -1. */
int config_set(config_t *self, const char *key, const char *value);

/* The libpq connection string of `program` ("gateway", "intake", "admin",
 * "auditor"...): key `<program>.pg_dsn` (LIANXIN_<PROGRAM>_PG_DSN), each
 * program with its own PostgreSQL role (deploy/sql/009_program_roles.sql).
 * There is no shared fallback: NULL (logged, naming the key) when missing
 * or empty. */
const char *config_pg_dsn(const config_t *self, const char *program);

/* ---- lists ------------------------------------------------------------------ */

#define CONFIG_NAME_MAX 32              /* bytes of one name of a list, with the NUL */

/* Splits `text` (a list value: names separated by commas and/or blanks) into
 * `out`, at most `max` names. The number of names, or -1 when a name has
 * CONFIG_NAME_MAX bytes or more, or there are more than `max`. Pure. */
int config_split(const char *text, char (*out)[CONFIG_NAME_MAX], int max);

/* The services of the installation, in start order: the list value of key
 * `services` (deploy/lianxin.conf.example). The number of names; -1 (logged)
 * when the key is missing, empty or malformed. */
int config_services(const config_t *self, char (*out)[CONFIG_NAME_MAX], int max);

/* The path of the config file for this process: `-c PATH` in argv, else
 * $LIANXIN_CONFIG, else NULL. */
const char *config_path_from_args(int argc, char **argv);

#endif

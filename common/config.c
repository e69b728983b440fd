/* config: `key = value` settings from a file, overridden by LIANXIN_<KEY>
 * environment variables. Keeps copies of everything it hands out, so the
 * pointers stay valid until config_destroy. Never logs a value: only keys,
 * file names and line numbers. */
#include "config.h"
#include "log.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_KEY_MAX 128

typedef struct s_entry {
    char *key;
    char *value;
    struct s_entry *next;
} s_entry_t;

struct config {
    s_entry_t *entries;             /* from the file and config_set */
    s_entry_t *env;                 /* copies of environment values handed out */
    pthread_mutex_t env_lock;       /* config_get may run on several threads */
};

/* ---- entries ------------------------------------------------------------- */

static s_entry_t *
s_find(s_entry_t *list, const char *key)
{
    for (; list; list = list->next)
        if (strcmp(list->key, key) == 0)
            return list;
    return NULL;
}

static s_entry_t *
s_push(s_entry_t **list, const char *key, const char *value)
{
    s_entry_t *e = calloc(1, sizeof *e);
    if (!e || !(e->key = strdup(key)) || !(e->value = strdup(value))) {
        if (e)
            free(e->key);
        free(e);
        return NULL;
    }
    e->next = *list;
    *list = e;
    return e;
}

static void
s_free_list(s_entry_t *list)
{
    while (list) {
        s_entry_t *next = list->next;
        free(list->key);
        free(list->value);
        free(list);
        list = next;
    }
}

/* A key is letters, digits, '.', '_' and '-', and not empty. */
static int
s_key_valid(const char *key)
{
    if (!key || !*key || strlen(key) >= S_KEY_MAX)
        return 0;
    for (const char *p = key; *p; p++)
        if (!isalnum((unsigned char) *p) && *p != '.' && *p != '_' && *p != '-')
            return 0;
    return 1;
}

/* ---- parsing --------------------------------------------------------------- */

static char *
s_trim(char *s)
{
    while (isspace((unsigned char) *s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char) s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* Unquotes a double-quoted value in place ("\"" and "\\" are escapes); what
 * follows the closing quote may only be blanks or a comment. 0 or -1. */
static int
s_unquote(char *v)
{
    char *w = v, *r = v + 1;
    for (; *r && *r != '"'; r++) {
        if (*r == '\\' && (r[1] == '"' || r[1] == '\\'))
            r++;
        *w++ = *r;
    }
    if (*r != '"')
        return -1;
    *w = '\0';
    for (r++; isspace((unsigned char) *r); r++)
        ;
    return *r == '\0' || *r == '#' ? 0 : -1;
}

/* Cuts an unquoted value at a '#' that starts a comment (one preceded by a
 * blank), so values such as passwords may still hold a '#'. */
static void
s_strip_comment(char *v)
{
    for (char *p = v; *p; p++)
        if (*p == '#' && p > v && isspace((unsigned char) p[-1])) {
            *p = '\0';
            break;
        }
}

/* Parses one line into the config. 0 for a setting, blank or comment line;
 * -1 when the line is malformed (or memory ran out). */
static int
s_parse_line(config_t *self, char *line)
{
    char *s = s_trim(line);
    if (*s == '\0' || *s == '#')
        return 0;
    char *eq = strchr(s, '=');
    if (!eq)
        return -1;
    *eq = '\0';
    char *key = s_trim(s), *value = s_trim(eq + 1);
    if (!s_key_valid(key))
        return -1;
    if (*value == '"') {
        if (s_unquote(value))
            return -1;
    } else {
        s_strip_comment(value);
        value = s_trim(value);
    }
    return config_set(self, key, value);
}

/* Logs a problem with the file; the name is quoted only when it must be. */
static void
s_log_file(const char *msg, const char *path, const char *kv, int n)
{
    const char *q = strpbrk(path, " \"=") ? "\"" : "";
    log_error(msg, "file=%s%s%s %s=%d", q, path, q, kv, n);
}

static int
s_load_file(config_t *self, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        s_log_file("config file unreadable", path, "errno", errno);
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0, rc = 0;
    while (getline(&line, &cap, f) >= 0) {
        lineno++;
        if (s_parse_line(self, line)) {
            s_log_file("config line malformed", path, "line", lineno);
            rc = -1;
            break;
        }
    }
    free(line);
    fclose(f);
    return rc;
}

/* ---- public API -------------------------------------------------------------- */

config_t *
config_load(const char *path)
{
    config_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    pthread_mutex_init(&self->env_lock, NULL);
    if (path && s_load_file(self, path)) {
        config_destroy(&self);
        return NULL;
    }
    return self;
}

void
config_destroy(config_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    config_t *self = *self_p;
    s_free_list(self->entries);
    s_free_list(self->env);
    pthread_mutex_destroy(&self->env_lock);
    free(self);
    *self_p = NULL;
}

int
config_set(config_t *self, const char *key, const char *value)
{
    if (!self || !s_key_valid(key) || !value)
        return -1;
    s_entry_t *e = s_find(self->entries, key);
    if (!e)
        return s_push(&self->entries, key, value) ? 0 : -1;
    char *copy = strdup(value);
    if (!copy)
        return -1;
    free(e->value);
    e->value = copy;
    return 0;
}

/* The environment's value for `key`, copied into the config so the pointer
 * outlives later setenv calls. A changed value gets a new copy; older copies
 * stay until config_destroy, as callers may still hold them. */
static const char *
s_env_value(config_t *self, const char *key)
{
    char name[S_KEY_MAX + 8] = "LIANXIN_";
    size_t n = 8;
    for (const char *p = key; *p && n < sizeof name - 1; p++)
        name[n++] = *p == '.' || *p == '-' ? '_' : (char) toupper((unsigned char) *p);
    name[n] = '\0';
    const char *found = NULL;
    pthread_mutex_lock(&self->env_lock);
    const char *env = getenv(name);
    if (env) {
        s_entry_t *e = self->env;
        while (e && (strcmp(e->key, key) != 0 || strcmp(e->value, env) != 0))
            e = e->next;
        if (!e)
            e = s_push(&self->env, key, env);
        found = e ? e->value : NULL;
    }
    pthread_mutex_unlock(&self->env_lock);
    return found;
}

const char *
config_get(const config_t *self, const char *key, const char *dflt)
{
    if (!self || !s_key_valid(key))
        return dflt;
    /* The struct is never const at its birth; only the env cache changes. */
    const char *env = s_env_value((config_t *) self, key);
    if (env)
        return env;
    s_entry_t *e = s_find(self->entries, key);
    return e ? e->value : dflt;
}

const char *
config_pg_dsn(const config_t *self, const char *program)
{
    char key[CONFIG_NAME_MAX + 8];
    if (!program || strlen(program) >= CONFIG_NAME_MAX)
        return NULL;
    snprintf(key, sizeof key, "%s.pg_dsn", program);
    const char *dsn = config_get(self, key, NULL);
    if (!dsn || !*dsn) {
        log_error("no database connection string: set the program's own key", "key=%s", key);
        return NULL;
    }
    return dsn;
}

long long
config_get_int(const config_t *self, const char *key, long long dflt)
{
    const char *v = config_get(self, key, NULL);
    if (!v)
        return dflt;
    char *end = NULL;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (end == v || *end != '\0' || errno == ERANGE || isspace((unsigned char) *v)) {
        log_warn("config value not an integer", "key=%s", key);
        return dflt;
    }
    return n;
}

int
config_split(const char *text, char (*out)[CONFIG_NAME_MAX], int max)
{
    int n = 0;
    const char *p = text ? text : "";
    for (;;) {
        p += strspn(p, ", \t");
        if (!*p)
            return n;
        size_t len = strcspn(p, ", \t");
        if (len >= CONFIG_NAME_MAX || n >= max)
            return -1;
        memcpy(out[n], p, len);
        out[n++][len] = '\0';
        p += len;
    }
}

int
config_services(const config_t *self, char (*out)[CONFIG_NAME_MAX], int max)
{
    int n = config_split(config_get(self, "services", ""), out, max);
    if (n <= 0)
        log_error("config: key services must list the installation's services", "max=%d", max);
    return n > 0 ? n : -1;
}

const char *
config_path_from_args(int argc, char **argv)
{
    for (int i = 1; argv && i < argc; i++) {
        if (!argv[i])
            break;
        if (strcmp(argv[i], "-c") == 0 && i + 1 < argc && argv[i + 1])
            return argv[i + 1];
    }
    const char *env = getenv("LIANXIN_CONFIG");
    return env && *env ? env : NULL;
}

/* harness_int: the harness's private state, shared by its files
 * (harness.c: set-up, config, database; harness_proc.c: processes). Tests
 * must never include it: harness.h is their API. */
#ifndef LIANXIN_HARNESS_INT_H
#define LIANXIN_HARNESS_INT_H

#include <limits.h>
#include <sys/types.h>
#include <libpq-fe.h>
#include "config.h"
#include "harness.h"

#define MAX_PROCS 16
#define MAX_CFG 96
#define PORT_BLOCK 10
#define VALGRIND_BIN "/usr/bin/valgrind"

extern char **environ;

typedef struct proc {
    char name[32];
    pid_t pid;
    int running;
} proc_t;

/* Ports in the block: bus, the gateway, then the services' command
 * endpoints in the order of their list. */
enum { PORT_XSUB, PORT_XPUB, PORT_GATEWAY, PORT_SERVICES };
#define HARNESS_MAX_SERVICES (PORT_BLOCK - PORT_SERVICES)

struct harness {
    char test[48], root[PATH_MAX], build[PATH_MAX], pghost[1024], pgport[16];
    char template_db[64], pgctl[PATH_MAX], partner_key[160];
    char dir[96], dbname[96], dsn[PATH_MAX + 256], admin_dsn[PATH_MAX + 256];
    char config[128], base_url[64], key_hex[65];
    int valgrind, keep, failed, db_created, port_base;
    struct { char key[64]; char value[PATH_MAX + 128]; } cfg[MAX_CFG];
    int ncfg;
    proc_t procs[MAX_PROCS];
    int nprocs;
    char **envp;                    /* the environment without LIANXIN_*, plus the clock's */
    char clock_path[128];           /* <dir>/clock: the stack's one clock (timeutil) */
    char clock_env[192];            /* LIANXIN_CLOCK_FILE=<clock_path> */
    PGconn *conn;
    /* the installation's services, in start order: key `services` of
     * deploy/lianxin.conf.example, the list every deployment starts from */
    char services[HARNESS_MAX_SERVICES][CONFIG_NAME_MAX];
    int nservices;
};


/* Internal to the harness's files (harness.c, harness_proc.c). */
void harness__print_tail(const harness_t *self, const char *name);
int harness__port_open(int port);

/* When the business clock is in a year with a test calendar
 * (tests/integration/data/calendar-<year>.json) and core.calendar_years has
 * no row for it, PUTs it through the gateway as the demo admin. 0, or -1
 * (printed) when the PUT fails. */
int harness__test_calendar(harness_t *self);


#endif

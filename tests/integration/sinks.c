/* sinks: see sinks.h. Test support only; never linked into a program. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sinks.h"

int sink_start(harness_t *h, sink_t *k, const char *name, const char *mode, const char *arg)
{
    char script[600], port_file[600], cmd[700];
    snprintf(k->dir, sizeof k->dir, "%s/sink-%s", harness_dir(h), name);
    snprintf(script, sizeof script, "%s/tests/integration/notify_sinks.py", getenv("LIANXIN_ROOT"));
    snprintf(port_file, sizeof port_file, "%s/port", k->dir);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", k->dir);
    if (system(cmd) != 0 || (k->pid = fork()) < 0)
        return -1;
    if (k->pid == 0) {
        execl("/usr/bin/python3", "python3", script, mode, k->dir, arg, (char *) NULL);
        _exit(127);
    }
    for (int i = 0; i < 200; i++) {
        FILE *f = fopen(port_file, "r");
        if (f) {
            int ok = fscanf(f, "%d", &k->port) == 1;
            fclose(f);
            if (ok)
                return 0;
        }
        harness_sleep_ms(50);
    }
    return -1;
}

void sink_stop(sink_t *k)
{
    if (k->pid > 0) {
        kill(k->pid, SIGTERM);
        waitpid(k->pid, NULL, 0);
        k->pid = 0;
    }
}

int sink_count_with(const sink_t *k, const char *text, const char *also)
{
    char path[600], line[8192];
    int n = 0;
    snprintf(path, sizeof path, "%s/log", k->dir);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f))
        n += strstr(line, text) != NULL && (!also || strstr(line, also) != NULL);
    if (f)
        fclose(f);
    return n;
}

int sink_count(const sink_t *k, const char *text)
{
    return sink_count_with(k, text, NULL);
}

int sink_wait(const sink_t *k, const char *text, int want, int wait_ms)
{
    int n = 0;
    for (int waited = 0; waited < wait_ms && (n = sink_count(k, text)) < want; waited += 100)
        harness_sleep_ms(100);
    return n;
}

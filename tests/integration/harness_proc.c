/* harness_proc: the programs under test. Starts them (fork/exec, output to
 * a log per program), waits until they are ready, stops them with SIGTERM and
 * judges the exit status, kills them, restarts PostgreSQL, runs one-shot
 * programs. Children die with the test (PR_SET_PDEATHSIG) and never inherit
 * LIANXIN_* variables that would override the config file. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "harness_int.h"

/* ---- processes ------------------------------------------------------------------------------ */

static proc_t *s_proc(harness_t *self, const char *name, int create)
{
    for (int i = 0; i < self->nprocs; i++)
        if (strcmp(self->procs[i].name, name) == 0)
            return &self->procs[i];
    if (!create || self->nprocs == MAX_PROCS || strlen(name) >= sizeof self->procs[0].name)
        return NULL;
    proc_t *p = &self->procs[self->nprocs++];
    memset(p, 0, sizeof *p);
    strcpy(p->name, name);
    return p;
}

pid_t harness_pid(const harness_t *self, const char *name)
{
    for (int i = 0; i < self->nprocs; i++)
        if (strcmp(self->procs[i].name, name) == 0 && self->procs[i].running)
            return self->procs[i].pid;
    return 0;
}

/* In the child, after fork: only async-signal-safe calls until execve. */
static void s_child(const harness_t *self, int outfd, char *const argv[], char **envp)
{
    pid_t parent = getppid();
    int devnull = open("/dev/null", O_RDONLY);

    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127);
    signal(SIGPIPE, SIG_DFL);
    if (devnull >= 0)
        dup2(devnull, 0);
    dup2(outfd, 1);
    dup2(outfd, 2);
    if (chdir(self->root) != 0)
        _exit(126);
    syscall(SYS_close_range, 3U, ~0U, 0U);
    execve(argv[0], argv, envp);
    _exit(127);
}

/* Forks `argv` with environment `envp` and output appended to `logpath`
 * (after a marker line when `mark`). The pid, or -1. */
static pid_t s_spawn(harness_t *self, const char *logpath, char *const argv[], char **envp,
                     int mark)
{
    int fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    pid_t pid;

    if (fd < 0) {
        fprintf(stderr, "harness: open %s: %s\n", logpath, strerror(errno));
        return -1;
    }
    if (mark)
        dprintf(fd, "---- harness: exec %s ----\n", argv[0]);
    fflush(NULL);
    pid = fork();
    if (pid == 0)
        s_child(self, fd, argv, envp);
    close(fd);
    if (pid < 0)
        fprintf(stderr, "harness: fork: %s\n", strerror(errno));
    return pid;
}

/* Reaps `p` if it has exited. 1 when it exited (status in *status). */
static int s_reaped(proc_t *p, int *status)
{
    if (!p->running)
        return 1;
    if (waitpid(p->pid, status, WNOHANG) == p->pid) {
        p->running = 0;
        return 1;
    }
    return 0;
}

static void s_report_exit(harness_t *self, const proc_t *p, int status, const char *when)
{
    if (WIFEXITED(status))
        fprintf(stderr, "harness: %s (pid %d) exited with status %d %s\n", p->name,
                (int)p->pid, WEXITSTATUS(status), when);
    else if (WIFSIGNALED(status))
        fprintf(stderr, "harness: %s (pid %d) was killed by signal %d %s\n", p->name,
                (int)p->pid, WTERMSIG(status), when);
    harness__print_tail(self, p->name);
    self->failed = 1;
}

static int s_ready(harness_t *self, const proc_t *p)
{
    if (strcmp(p->name, "gateway") == 0) {
        http_resp_t r;
        http_req_t q = { .method = "GET", .path = "/healthz", .timeout_ms = 2000 };
        int ok = harness_http(self, &q, &r) == 0 && r.status == 200;
        http_resp_clear(&r);
        return ok;
    }
    if (strcmp(p->name, "bus") == 0)
        return harness__port_open(self->port_base + PORT_XSUB) && harness__port_open(self->port_base + PORT_XPUB);
    for (int i = 0; i < self->nservices; i++)
        if (strcmp(p->name, self->services[i]) == 0)
            return harness__port_open(self->port_base + PORT_SERVICES + i);
    return 1;                           /* unknown program: the settle only */
}

static int s_wait_ready(harness_t *self, proc_t *p)
{
    int64_t deadline = harness_now_ms() + harness_ms(self, 15000);
    int status = 0;

    while (harness_now_ms() < deadline) {
        if (s_reaped(p, &status)) {
            s_report_exit(self, p, status, "while starting");
            return -1;
        }
        if (s_ready(self, p)) {
            harness_sleep_ms(harness_ms(self, strcmp(p->name, "gateway") ? 300 : 50));
            return 0;
        }
        harness_sleep_ms(50);
    }
    fprintf(stderr, "harness: %s not ready within %d ms\n", p->name, harness_ms(self, 15000));
    harness__print_tail(self, p->name);
    self->failed = 1;
    return -1;
}

int harness_start(harness_t *self, const char *name)
{
    proc_t *p = s_proc(self, name, 1);
    char bin[PATH_MAX + 32], logpath[256], supp[PATH_MAX + 48];
    char *argv[12];
    int k = 0;

    if (!p || p->running) {
        fprintf(stderr, "harness: cannot start %s (%s)\n", name, p ? "running" : "too many");
        return -1;
    }
    snprintf(bin, sizeof bin, "%s/bin/lianxin-%s", self->build, name);
    if (access(bin, X_OK) != 0) {
        fprintf(stderr, "harness: %s is missing: build it first (make)\n", bin);
        self->failed = 1;
        return -1;
    }
    if (self->valgrind) {
        argv[k++] = VALGRIND_BIN;
        argv[k++] = "--leak-check=full";
        argv[k++] = "--errors-for-leak-kinds=definite";
        argv[k++] = "--error-exitcode=99";
        argv[k++] = "--num-callers=30";
        snprintf(supp, sizeof supp, "--suppressions=%s/tests/valgrind.supp", self->root);
        if (access(supp + strlen("--suppressions="), R_OK) == 0)
            argv[k++] = supp;               /* known third-party noise, if any */
    }
    argv[k++] = bin;
    argv[k++] = "-c";
    argv[k++] = self->config;
    argv[k] = NULL;
    snprintf(logpath, sizeof logpath, "%s/%s.log", self->dir, name);
    if ((p->pid = s_spawn(self, logpath, argv, self->envp, 1)) < 0)
        return -1;
    p->running = 1;
    return s_wait_ready(self, p);
}

int harness_start_all(harness_t *self)
{
    if (harness_start(self, "bus") != 0)
        return -1;
    for (int i = 0; i < self->nservices; i++)
        if (harness_start(self, self->services[i]) != 0)
            return -1;
    if (harness_start(self, "gateway") != 0)
        return -1;
    return harness__test_calendar(self);
}

int harness_stop(harness_t *self, const char *name)
{
    proc_t *p = s_proc(self, name, 0);
    int64_t deadline = harness_now_ms() + harness_ms(self, 15000);
    int status = 0;

    if (!p || !p->running) {
        fprintf(stderr, "harness: stop %s: not running\n", name);
        return -1;
    }
    kill(p->pid, SIGTERM);
    while (!s_reaped(p, &status)) {
        if (harness_now_ms() > deadline) {
            fprintf(stderr, "harness: %s did not exit within %d ms of SIGTERM\n", name,
                    harness_ms(self, 15000));
            kill(p->pid, SIGKILL);
            waitpid(p->pid, &status, 0);
            p->running = 0;
            harness__print_tail(self, name);
            self->failed = 1;
            return -1;
        }
        harness_sleep_ms(10);
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    s_report_exit(self, p, status, "after SIGTERM");
    return -1;
}

int harness_restart(harness_t *self, const char *name)
{
    if (harness_stop(self, name) != 0)
        return -1;
    return harness_start(self, name);
}

int harness_kill(harness_t *self, const char *name)
{
    proc_t *p = s_proc(self, name, 0);

    if (!p || !p->running)
        return -1;
    kill(p->pid, SIGKILL);
    waitpid(p->pid, NULL, 0);
    p->running = 0;
    return 0;
}

int harness_stop_all(harness_t *self)
{
    int bad = 0;

    for (int i = self->nprocs - 1; i >= 0; i--)     /* reverse start order */
        if (self->procs[i].running && harness_stop(self, self->procs[i].name) != 0)
            bad++;
    return bad;
}

int harness_alive(harness_t *self, const char *name)
{
    proc_t *p = s_proc(self, name, 0);
    int status = 0;

    if (!p || !p->running)
        return 0;
    if (s_reaped(p, &status)) {
        s_report_exit(self, p, status, "unexpectedly");
        return 0;
    }
    return 1;
}

int harness_check_alive(harness_t *self)
{
    int dead = 0;

    for (int i = 0; i < self->nprocs; i++)
        if (self->procs[i].running && !harness_alive(self, self->procs[i].name))
            dead++;
    return dead;
}

/* ---- other programs --------------------------------------------------------------------------- */

/* Runs argv to completion, output appended to <dir>/<logname>. The
 * pg-ctl script gets the FULL environment (it needs its own LIANXIN_*
 * settings); our programs get the one without LIANXIN_*. Exit status or -1. */
static int s_run_logged(harness_t *self, const char *logname, char *const argv[], int full_env)
{
    char logpath[256];
    pid_t pid;
    int status = 0;

    snprintf(logpath, sizeof logpath, "%s/%s", self->dir, logname);
    pid = s_spawn(self, logpath, argv, full_env ? environ : self->envp, full_env);
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int harness_pg_stop(harness_t *self)
{
    char *argv[] = { self->pgctl, "pg-stop", NULL };
    int rc = s_run_logged(self, "pg.log", argv, 1);

    if (rc != 0)
        fprintf(stderr, "harness: %s pg-stop exited %d (see %s/pg.log)\n", self->pgctl, rc, self->dir);
    return rc == 0 ? 0 : -1;
}

int harness_pg_start(harness_t *self)
{
    char *argv[] = { self->pgctl, "pg-start", NULL };
    int rc = s_run_logged(self, "pg.log", argv, 1);

    if (rc != 0)
        fprintf(stderr, "harness: %s pg-start exited %d (see %s/pg.log)\n", self->pgctl, rc, self->dir);
    return rc == 0 ? 0 : -1;
}

int harness_run(harness_t *self, char *out, size_t outsz, const char *prog, ...)
{
    char bin[PATH_MAX + 32], logname[64], path[256];
    char *argv[32];
    int k = 0, rc;
    va_list ap;
    FILE *f;

    snprintf(bin, sizeof bin, "%s/bin/lianxin-%s", self->build, prog);
    argv[k++] = bin;
    argv[k++] = "-c";
    argv[k++] = self->config;
    va_start(ap, prog);
    for (const char *a; k < 31 && (a = va_arg(ap, const char *)); )
        argv[k++] = (char *)a;
    va_end(ap);
    argv[k] = NULL;
    snprintf(logname, sizeof logname, "run-%s.out", prog);
    snprintf(path, sizeof path, "%s/%s", self->dir, logname);
    unlink(path);
    rc = s_run_logged(self, logname, argv, 0);
    if (out && outsz && (f = fopen(path, "r"))) {
        size_t got = fread(out, 1, outsz - 1, f);
        out[got] = '\0';
        fclose(f);
    } else if (out && outsz) {
        out[0] = '\0';
    }
    return rc;
}

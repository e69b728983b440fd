#!/usr/bin/env bash
# local.sh: the local environment of one checkout: its own PostgreSQL 15
# cluster (var/pg), the programs of build/bin (make run), and the test, bench
# and valgrind runs. Never touches a system cluster, never listens beyond
# 127.0.0.1, and never signals a process it did not start (pid files in var/run).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
SELF="$ROOT/deploy/local.sh"
PGBIN=/usr/lib/postgresql/15/bin
export PATH="$PGBIN:$PATH"
VAR="$ROOT/var"
TEMPLATE=lianxin_test_template
STOP_WAIT_S=15

usage() {
    cat >&2 <<'EOF'
usage: deploy/local.sh COMMAND
  pg-up | pg-start | pg-stop | pg-down   the checkout's PostgreSQL (port $LIANXIN_PG_PORT, default 55432)
  migrate DB                             lianxin-admin migrate against database DB of that cluster
  run                                    PostgreSQL, migrations, demo data, every service; Ctrl-C stops all
  stop                                   stop what `run` started, and PostgreSQL
  test BUILD [NAME...] | bench BUILD | valgrind BUILD
EOF
    exit 2
}

say() { printf 'local: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

# ---- PostgreSQL ----------------------------------------------------------------

# Runs "$@" with every descriptor above 2 closed, so that a long-lived child
# (the postmaster, a service) holds neither our locks nor a caller's pipes.
run_closed() {
    local fd n
    for fd in /proc/"$BASHPID"/fd/*; do
        n=${fd##*/}
        if [ "$n" -gt 2 ] 2>/dev/null; then eval "exec $n>&-"; fi
    done
    exec "$@"
}

# Runs a command as the cluster's owner (postgres when we are root), from a
# directory that user can enter, with no inherited descriptor but 0-2.
as_pg() {
    if is_root; then
        (cd "$PGDIR" && run_closed runuser -u postgres -- "$@")
    else
        (cd "$PGDIR" && run_closed "$@")
    fi
}

# 0 when the postgres user can reach directory $1 (root only: otherwise we own it).
pg_can_reach() {
    ! is_root || runuser -u postgres -- test -x "$1" 2>/dev/null
}

# Sets PGDIR, PGDATA, PGSOCK, PGLOG; makes var/pg (a directory, or a symlink to
# /var/tmp when the postgres user cannot reach the checkout or the socket path
# would pass the 107-byte limit of a unix socket).
pg_locate() {
    if [ ! -d "$VAR" ]; then
        mkdir -p "$VAR"
        chmod 0755 "$VAR"
    fi
    if [ -L "$VAR/pg" ]; then
        PGDIR=$(readlink "$VAR/pg")
    elif [ -d "$VAR/pg" ]; then
        PGDIR="$VAR/pg"
    elif pg_can_reach "$VAR" && [ ${#VAR} -lt 72 ]; then
        PGDIR="$VAR/pg"
    else
        PGDIR="/var/tmp/lianxin-pg-$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)"
        ln -sfn "$PGDIR" "$VAR/pg"
    fi
    mkdir -p "$PGDIR"
    if is_root; then chown postgres:postgres "$PGDIR"; fi
    chmod 0755 "$PGDIR"
    PGDATA="$PGDIR/data"
    PGSOCK="$PGDIR/run"
    PGLOG="$PGDIR/postgres.log"
}

# The port: LIANXIN_PG_PORT, else the one the cluster last started on, else 55432.
pg_port() {
    if [ -n "${LIANXIN_PG_PORT:-}" ]; then
        printf '%s' "$LIANXIN_PG_PORT"
    elif [ -s "$PGDIR/port" ]; then
        cat "$PGDIR/port"
    else
        printf '55432'
    fi
}

pg_running() {
    [ -f "$PGDATA/PG_VERSION" ] && as_pg pg_ctl -D "$PGDATA" status >/dev/null 2>&1
}

# The port of the running cluster, from its postmaster.pid (4th line).
pg_running_port() {
    sed -n 4p "$PGDATA/postmaster.pid"
}

pg_init() {
    [ -f "$PGDATA/PG_VERSION" ] && return 0
    local locale=C
    if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then locale=C.UTF-8; fi
    rm -rf "$PGDATA"
    as_pg mkdir -p "$PGDATA" "$PGSOCK"
    chmod 0700 "$PGDATA"
    chmod 0755 "$PGSOCK"
    say "initdb $PGDATA (locale $locale)"
    if ! as_pg initdb -D "$PGDATA" -U postgres -E UTF8 --locale="$locale" \
            --auth-local=trust --auth-host=scram-sha-256 -N >"$PGDIR/initdb.log" 2>&1; then
        cat "$PGDIR/initdb.log" >&2
        rm -rf "$PGDATA"
        die "initdb failed"
    fi
    echo "include_if_exists = 'lianxin.conf'" >>"$PGDATA/postgresql.conf"
}

# The settings this script owns, rewritten at each start (port, socket).
pg_write_conf() {
    local port=$1
    cat >"$PGDATA/lianxin.conf" <<EOF
# written by deploy/local.sh at each start; edit postgresql.conf instead
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$PGSOCK'
unix_socket_permissions = 0777
max_connections = 200
log_min_messages = warning
log_line_prefix = '%m [%p] %q%u@%d '
EOF
    if is_root; then chown postgres:postgres "$PGDATA/lianxin.conf"; fi
    printf '%s\n' "$port" >"$PGDIR/port"
}

pg_start_now() {
    local port
    port=$(pg_port)
    as_pg mkdir -p "$PGSOCK"
    pg_write_conf "$port"
    if ! as_pg pg_ctl -D "$PGDATA" -l "$PGLOG" -w -t 60 -s start; then
        tail -n 20 "$PGLOG" >&2 || true
        die "postgresql did not start on port $port (busy? set LIANXIN_PG_PORT)"
    fi
    local i
    for i in $(seq 1 100); do
        pg_isready -q -h "$PGSOCK" -p "$port" && return 0
        sleep 0.1
    done
    die "postgresql started but is not ready"
}

psql_su() {
    PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -h "$PGSOCK" -p "$PGPORT_NOW" -U postgres -d postgres "$@"
}

pg_ensure_db() {
    psql_su -c "DO \$\$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'lianxin') THEN
            CREATE ROLE lianxin LOGIN CREATEDB SUPERUSER;
        END IF; END \$\$;"
    if [ "$(psql_su -tAc "SELECT 1 FROM pg_database WHERE datname = 'lianxin'")" != 1 ]; then
        psql_su -c "CREATE DATABASE lianxin OWNER lianxin"
    fi
}

# Creates (first time) and starts the cluster; does nothing when it runs.
# Sets PGPORT_NOW to the port it listens on.
pg_up() {
    pg_locate
    exec 9>"$VAR/.pg.lock"
    flock 9
    pg_init
    if pg_running; then
        PGPORT_NOW=$(pg_running_port)
        if [ -n "${LIANXIN_PG_PORT:-}" ] && [ "$LIANXIN_PG_PORT" != "$PGPORT_NOW" ]; then
            say "cluster already runs on port $PGPORT_NOW: LIANXIN_PG_PORT=$LIANXIN_PG_PORT ignored"
        fi
    else
        pg_start_now
        PGPORT_NOW=$(pg_running_port)
        say "postgresql up: socket $PGSOCK port $PGPORT_NOW"
    fi
    pg_ensure_db
    flock -u 9
}

pg_stop() {
    pg_locate
    exec 9>"$VAR/.pg.lock"
    flock 9
    if pg_running; then
        as_pg pg_ctl -D "$PGDATA" -m fast -w -t 60 -s stop
        [ "${1:-}" = quiet ] || say "postgresql stopped"
    fi
    flock -u 9
}

pg_start() {
    pg_locate
    if [ ! -f "$PGDATA/PG_VERSION" ]; then pg_up; return; fi
    exec 9>"$VAR/.pg.lock"
    flock 9
    pg_running || pg_start_now
    flock -u 9
}

# The DSN of database $1 as role $2 (default lianxin, the owner). The cluster
# trusts its local socket (initdb --auth-local=trust): no password needed.
dsn_of() {
    printf 'host=%s port=%s dbname=%s user=%s' "$PGSOCK" "$PGPORT_NOW" "$1" "${2:-lianxin}"
}

# ---- make run ---------------------------------------------------------------------

# The value of config key $1 as the programs see it: LIANXIN_<KEY>, else the
# last `key = value` of $CONF, else $2.
conf_get() {
    local env value
    env="LIANXIN_$(printf '%s' "$1" | tr 'a-z.-' 'A-Z__')"
    if [ -n "${!env:-}" ]; then printf '%s' "${!env}"; return; fi
    value=$(sed -n "s/^[[:space:]]*${1//./\\.}[[:space:]]*=[[:space:]]*//p" "$CONF" | tail -n 1 |
            sed 's/[[:space:]]\+#.*$//; s/[[:space:]]*$//; s/^"\(.*\)"$/\1/')
    printf '%s' "${value:-$2}"
}

# Sets `<program>.pg_dsn` in $CONF for the owner (admin), the gateway, the
# auditor and each service of `services`: each program its own PostgreSQL role
# (deploy/sql/009_program_roles.sql), pointed at this checkout's cluster.
write_dsns() {
    local prog role
    sed -i '/^[[:space:]]*pg\.dsn[[:space:]]*=/d' "$CONF"
    for prog in admin gateway auditor $(conf_get services "" | tr ',' ' '); do
        role=lianxin_$prog
        [ "$prog" = admin ] && role=lianxin
        sed -i "/^[[:space:]]*${prog}\.pg_dsn[[:space:]]*=/d" "$CONF"
        printf '%s.pg_dsn = %s\n' "$prog" "$(dsn_of lianxin "$role")" >>"$CONF"
    done
}

# A 256-bit key in hex into file $1, made once (umask 077).
ensure_key_file() {
    if [ ! -s "$1" ]; then
        (umask 077; od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$1")
    fi
}

# var/lianxin.conf: made once from the example with a key kept in var/crypto.key
# and a CURVE key pair per program (lianxin-admin curve-keygen, added when
# missing); the DSNs are pointed at this checkout's cluster at every run. The
# audit checkpoint key stays in var/audit.key, out of the config: only
# audit-checkpoint (the auditor) is given it.
ensure_conf() {
    CONF="$VAR/lianxin.conf"
    ensure_key_file "$VAR/crypto.key"
    ensure_key_file "$VAR/audit.key"
    if [ ! -f "$CONF" ]; then
        local key
        key=$(cat "$VAR/crypto.key")
        (umask 077; sed -e "s|^crypto\.key[[:space:]]*=.*|crypto.key = $key|" \
            -e "s|^gateway\.web_root[[:space:]]*=.*|gateway.web_root = $ROOT/web|" \
            -e "s|^#[[:space:]]*admin\.sql_dir[[:space:]]*=.*|admin.sql_dir = $ROOT/deploy/sql|" \
            -e "s|^notify\.rules[[:space:]]*=.*|notify.rules = $ROOT/deploy/notify/rules.json|" \
            "$ROOT/deploy/lianxin.conf.example" >"$CONF")
        say "wrote $CONF"
    fi
    # a var/lianxin.conf made before the key existed takes the example's list
    if ! grep -q '^[[:space:]]*services[[:space:]]*=' "$CONF"; then
        grep '^services[[:space:]]*=' "$ROOT/deploy/lianxin.conf.example" >>"$CONF"
        say "added the example's services list to $CONF"
    fi
    # a service the example lists and var/lianxin.conf does not (one added to the
    # project since): the example's list, and its settings that are missing
    local svc
    for svc in $(sed -n 's/^services[[:space:]]*=[[:space:]]*//p' "$ROOT/deploy/lianxin.conf.example" |
                 tr ',' ' '); do
        conf_get services "" | tr ',' ' ' | tr -s ' ' '\n' | grep -qx "$svc" && continue
        sed -i "s|^[[:space:]]*services[[:space:]]*=.*|$(grep '^services[[:space:]]*=' \
            "$ROOT/deploy/lianxin.conf.example")|" "$CONF"
        grep "^${svc}\.[a-z_.0-9]*[[:space:]]*=" "$ROOT/deploy/lianxin.conf.example" |
            while IFS= read -r line; do
                grep -q "^${line%%[[:space:]]=*}[[:space:]]*=" "$CONF" || printf '%s\n' "$line" >>"$CONF"
            done
        say "added $svc to the services of $CONF"
    done
    write_dsns
    # the CURVE key pairs of the bus, the gateway and each service, made once
    local prog
    for prog in bus gateway $(conf_get services "" | tr ',' ' '); do
        grep -q "^${prog}\.curve_public[[:space:]]*=" "$CONF" && continue
        (umask 077; "$BUILD_DIR/bin/lianxin-admin" curve-keygen --name "$prog" >>"$CONF") ||
            die "curve-keygen failed for $prog"
        say "made the CURVE key pair of $prog in $CONF"
    done
}

# One signed checkpoint of the audit heads, as lianxin_auditor with the key
# of var/audit.key (systemd does this every 15 minutes: docs/operations.md).
audit_checkpoint() {
    LIANXIN_AUDIT_CHECKPOINT_KEY=$(cat "$VAR/audit.key") \
        "$BUILD_DIR/bin/lianxin-admin" -c "$CONF" audit-checkpoint >>"$VAR/log/audit.log" ||
        die "audit-checkpoint failed: see var/log/audit.log"
}

# Refuses to start twice: a pid file whose process is still a lianxin program.
check_not_running() {
    local f pid
    for f in "$VAR"/run/*.pid; do
        [ -e "$f" ] || continue
        pid=$(cat "$f")
        if is_ours "$pid" "$(basename "$f" .pid)"; then
            die "lianxin-$(basename "$f" .pid) already runs (pid $pid): make stop"
        fi
        rm -f "$f"
    done
}

# 0 when pid $1 is alive and runs lianxin-$2.
is_ours() {
    [ -n "$1" ] && [ -r "/proc/$1/cmdline" ] &&
        tr '\0' ' ' <"/proc/$1/cmdline" | grep -q "lianxin-$2"
}

declare -A PIDS=()
declare -a ORDER=()

start_program() {
    local name=$1
    local bin="$BUILD_DIR/bin/lianxin-$name"
    printf '\n---- %s start\n' "$(date -u +%FT%TZ)" >>"$VAR/log/$name.log"
    (run_closed setsid "$bin" -c "$CONF") </dev/null >>"$VAR/log/$name.log" 2>&1 &
    PIDS[$name]=$!
    ORDER+=("$name")
    echo "$!" >"$VAR/run/$name.pid"
    say "started lianxin-$name (pid $!, log var/log/$name.log)"
}

# The bus, the services of config key `services` in their order, the gateway.
start_all() {
    local name
    mkdir -p "$VAR/log" "$VAR/run"
    start_program bus
    for name in $(conf_get services "" | tr ',' ' '); do
        [ -x "$BUILD_DIR/bin/lianxin-$name" ] || die "missing $BUILD_DIR/bin/lianxin-$name: make all"
        start_program "$name"
    done
    start_program gateway
}

# Waits for the gateway's /healthz; fails when a program dies meanwhile.
wait_healthy() {
    local url=$1 i name
    for i in $(seq 1 150); do
        if curl -fsS --max-time 1 "$url/healthz" >/dev/null 2>&1; then return 0; fi
        for name in "${ORDER[@]}"; do
            if ! kill -0 "${PIDS[$name]}" 2>/dev/null || [ "$(proc_state "${PIDS[$name]}")" = Z ]; then
                say "lianxin-$name died at start; its output (var/log/$name.log):"
                awk '/^---- .* start$/ {n = 0; delete l; next} {l[++n] = $0}
                     END {for (i = (n > 20 ? n - 19 : 1); i <= n; i++) print l[i]}' \
                    "$VAR/log/$name.log" >&2
                return 1
            fi
        done
        sleep 0.2
    done
    say "no answer from $url/healthz after 30 s"
    return 1
}

proc_state() {
    sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1
}

# SIGTERM to one child, then up to STOP_WAIT_S for it to exit; reports a
# non-zero exit or a SIGKILL. Returns 0 when it exited 0.
stop_program() {
    local name=$1 pid=${PIDS[$1]} rc=0 done_pid="" sleeper
    kill -TERM "$pid" 2>/dev/null || true
    sleep "$STOP_WAIT_S" &
    sleeper=$!
    while [ -z "${done_pid:-}" ]; do        # a trapped signal interrupts wait: wait again
        rc=0
        wait -n -p done_pid "$pid" "$sleeper" || rc=$?
    done
    if [ "${done_pid:-}" = "$sleeper" ]; then
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        say "lianxin-$name did not exit within ${STOP_WAIT_S}s of SIGTERM: killed"
        rc=1
    else
        kill "$sleeper" 2>/dev/null || true
        wait "$sleeper" 2>/dev/null || true
        if [ "$rc" -ne 0 ]; then say "lianxin-$name exited with status $rc"; fi
    fi
    rm -f "$VAR/run/$name.pid"
    unset "PIDS[$name]"
    return "$rc"
}

stop_all() {
    local i name bad=0
    for ((i = ${#ORDER[@]} - 1; i >= 0; i--)); do
        name=${ORDER[$i]}
        [ -n "${PIDS[$name]:-}" ] || continue
        stop_program "$name" || bad=1
    done
    [ "$bad" -eq 0 ] && say "every program exited 0"
    return "$bad"
}

print_banner() {
    local url=$1
    cat <<EOF

Lianxin is running: $url/   (web console: open it in a browser, log in with a demo login below)
  logs: var/log/*.log    config: var/lianxin.conf    stop: Ctrl-C (or make stop)
EOF
    sed -n '/^demo logins/,/^  office2/p' "$VAR/seed.out"
    if [ -s "$VAR/demo-partner-key" ]; then
        echo "partner1 api key: $(cat "$VAR/demo-partner-key")  (header X-Api-Key)"
    fi
    echo
}

# Records a child that exited on its own while we were waiting.
reap_exited() {
    local pid=$1 rc=$2 name
    for name in "${!PIDS[@]}"; do
        if [ "${PIDS[$name]}" = "$pid" ]; then
            say "lianxin-$name exited with status $rc; see var/log/$name.log"
            unset "PIDS[$name]"
            rm -f "$VAR/run/$name.pid"
        fi
    done
}

cmd_run() {
    BUILD_DIR="$ROOT/${LIANXIN_RUN_BUILD:-build}"
    local b
    for b in admin bus gateway; do
        [ -x "$BUILD_DIR/bin/lianxin-$b" ] || die "missing $BUILD_DIR/bin/lianxin-$b: make all"
    done
    cd "$ROOT"
    mkdir -p "$VAR/run" "$VAR/log"
    check_not_running
    pg_up
    ensure_conf
    "$BUILD_DIR/bin/lianxin-admin" -c "$CONF" migrate
    (umask 077; "$BUILD_DIR/bin/lianxin-admin" -c "$CONF" seed-demo >"$VAR/seed.out")
    audit_checkpoint
    grep -v '^partner1 api key:' "$VAR/seed.out" | sed -n '1,2p' >&2
    local key
    key=$(sed -n 's/^partner1 api key: \([0-9a-f]\{64\}\)$/\1/p' "$VAR/seed.out")
    if [ -n "$key" ]; then (umask 077; printf '%s\n' "$key" >"$VAR/demo-partner-key"); fi
    local host port url
    host=$(conf_get gateway.listen 127.0.0.1)
    case $host in 0.0.0.0|'*'|'') host=127.0.0.1 ;; esac
    port=$(conf_get gateway.port 8080)
    url="http://$host:$port"
    STOPPING=0
    trap 'STOPPING=1' INT TERM
    start_all
    if ! wait_healthy "$url"; then
        stop_all || true
        pg_stop
        exit 1
    fi
    print_banner "$url"
    run_until_signal
    say "stopping"
    local rc=0
    stop_all || rc=1
    pg_stop
    exit "$rc"
}

run_until_signal() {
    local done_pid rc
    while [ "$STOPPING" -eq 0 ] && [ "${#PIDS[@]}" -gt 0 ]; do
        done_pid=""
        rc=0
        wait -n -p done_pid "${PIDS[@]}" || rc=$?
        if [ -n "${done_pid:-}" ]; then reap_exited "$done_pid" "$rc"; fi
    done
}

# make stop: ends the programs a `run` (maybe in another terminal) started.
cmd_stop() {
    local f pid name i files=("$VAR/run/gateway.pid")
    # the gateway first, the bus last: the order `run` uses
    for f in "$VAR"/run/*.pid; do
        case ${f##*/} in gateway.pid|bus.pid) ;; *) files+=("$f") ;; esac
    done
    files+=("$VAR/run/bus.pid")
    for f in "${files[@]}"; do
        [ -e "$f" ] || continue
        name=$(basename "$f" .pid)
        pid=$(cat "$f")
        if is_ours "$pid" "$name"; then
            kill -TERM "$pid" 2>/dev/null || true
            for i in $(seq 1 $((STOP_WAIT_S * 10))); do
                if ! is_ours "$pid" "$name" || [ "$(proc_state "$pid")" = Z ]; then break; fi
                sleep 0.1
            done
            if is_ours "$pid" "$name" && [ "$(proc_state "$pid")" != Z ]; then
                kill -KILL "$pid" 2>/dev/null || true
                say "lianxin-$name did not stop on SIGTERM: killed"
            else
                say "lianxin-$name stopped"
            fi
        fi
        rm -f "$f"
    done
    pg_stop
}

# ---- tests ---------------------------------------------------------------------------

# Drops test databases left by runs that died (t_<name>_<pid> of a dead pid).
drop_stale_test_dbs() {
    local db pid
    for db in $(psql_su -tAc "SELECT datname FROM pg_database WHERE datname ~ '^t_.*_[0-9]+\$'"); do
        pid=${db##*_}
        kill -0 "$pid" 2>/dev/null && continue
        psql_su -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)"
    done
}

# (Re)creates the template database: migrated and seeded. Sets PARTNER_KEY.
make_template() {
    local admin="$BUILD_ABS/bin/lianxin-admin" out
    [ -x "$admin" ] || die "missing $admin"
    drop_stale_test_dbs
    psql_su -c "DROP DATABASE IF EXISTS $TEMPLATE WITH (FORCE)"
    psql_su -c "CREATE DATABASE $TEMPLATE OWNER lianxin"
    "$admin" --dsn "$(dsn_of $TEMPLATE)" migrate 8>&-
    out=$("$admin" --dsn "$(dsn_of $TEMPLATE)" seed-demo 8>&-)
    printf '%s\n' "$out" | sed -n '1,2p' >&2
    PARTNER_KEY=$(printf '%s\n' "$out" | sed -n 's/^partner1 api key: \([0-9a-f]\{64\}\)$/\1/p')
    [ -n "$PARTNER_KEY" ] || die "seed-demo printed no partner key"
}

# test | bench | valgrind on BUILD: a fresh template, the environment, the runs.
cmd_tests() {
    local mode=$1 build=${2:-}
    [ -n "$build" ] || usage
    [ -d "$build" ] || die "no build directory $build"
    BUILD_ABS=$(cd "$build" && pwd -P)
    mkdir -p "$VAR"
    exec 8>"$VAR/.test.lock"
    flock -n 8 || { say "another test run of this checkout is active: waiting"; flock 8; }
    local was_running=0
    pg_locate
    if pg_running; then was_running=1; fi
    pg_up
    make_template
    export LIANXIN_ROOT="$ROOT" LIANXIN_BUILD="$BUILD_ABS" LIANXIN_TEST_PGHOST="$PGSOCK"
    export LIANXIN_TEST_PGPORT="$PGPORT_NOW" LIANXIN_TEST_TEMPLATE="$TEMPLATE"
    export LIANXIN_PG_CTL="$SELF" LIANXIN_DEMO_PARTNER_KEY="$PARTNER_KEY"
    export LIANXIN_PG_PORT="$PGPORT_NOW"
    local rc=0
    case $mode in
        test) "$ROOT/tests/run.sh" "$BUILD_ABS" "${@:3}" 8>&- || rc=$? ;;
        valgrind)
            local names=() t
            for t in ${LIANXIN_VALGRIND_TESTS:-test_visit_inbox test_rota test_visits test_reports}; do names+=("integration/$t"); done
            LIANXIN_VALGRIND=1 "$ROOT/tests/run.sh" "$BUILD_ABS" "${names[@]}" 8>&- || rc=$? ;;
        bench) run_benches || rc=$? ;;
    esac
    # quietly, so that the tally stays the last line of `make test`
    if [ "${LIANXIN_KEEP_PG:-0}" != 1 ] && [ "$was_running" -eq 0 ]; then pg_stop quiet; fi
    exit "$rc"
}

run_benches() {
    local b rc=0 n=0
    for b in "$BUILD_ABS"/tests/bench/bench_*; do
        [ -x "$b" ] || continue
        # LIANXIN_BENCH=bench_x runs that one only
        [ -z "${LIANXIN_BENCH:-}" ] || [ "${b##*/}" = "$LIANXIN_BENCH" ] || continue
        n=$((n + 1))
        printf '==== bench %s\n' "${b##*/}"
        "$b" 8>&- || { rc=$?; say "${b##*/} failed with status $rc"; }
    done
    [ "$n" -gt 0 ] || { say "no benchmarks in $BUILD_ABS/tests/bench"; return 1; }
    return "$rc"
}

# ---- main --------------------------------------------------------------------------------

case ${1:-} in
    pg-up) pg_up; say "postgresql ready: $(dsn_of lianxin)" ;;
    pg-start) pg_start ;;
    pg-stop|pg-down) pg_stop ;;
    migrate)
        [ -n "${2:-}" ] || usage
        pg_up
        "$ROOT/${LIANXIN_RUN_BUILD:-build}/bin/lianxin-admin" --dsn "$(dsn_of "$2")" migrate ;;
    run) cmd_run ;;
    stop) cmd_stop ;;
    test|bench|valgrind) cmd_tests "$1" "${2:-}" "${@:3}" ;;
    *) usage ;;
esac

#!/bin/bash
# compare_visits.sh: bench_visits of another revision and of this tree, in
# one run, alternating (base, this, base, this, ...) so that both see the
# same machine: the figures of a shared machine move with its load, and two
# benches an hour apart say little. Prints each run's group-commit row and,
# per tree, the median of the CPU each PostgreSQL backend group spent per
# recorded visit and notify's share of it (notify / (notify + intake)).
#
#   make bench-compare BASE=<rev> [ROUNDS=2]
#   tests/bench/compare_visits.sh <rev> [rounds]
#
# The base is checked out (detached) and built under var/bench-base/<rev>,
# with its own build; both use the PostgreSQL port of this tree
# (LIANXIN_PG_PORT), one at a time. Exit 0 when every run ran, 2 when one
# could not.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BASE_REV=${1:?usage: compare_visits.sh <base revision> [rounds]}
ROUNDS=${2:-2}
BASE_SHA=$(git -C "$ROOT" rev-parse --verify "$BASE_REV^{commit}")
BASE_DIR="$ROOT/var/bench-base/${BASE_SHA:0:12}"
OUT="$ROOT/var/bench-compare"
mkdir -p "$OUT"

say() { printf 'compare_visits: %s\n' "$*" >&2; }

if [ ! -d "$BASE_DIR/.git" ] && [ ! -f "$BASE_DIR/.git" ]; then
    say "checking out $BASE_REV (${BASE_SHA:0:12}) in $BASE_DIR"
    mkdir -p "$(dirname "$BASE_DIR")"
    git -C "$ROOT" worktree add --detach -f "$BASE_DIR" "$BASE_SHA" >/dev/null
fi
say "building the base"
make -C "$BASE_DIR" --no-print-directory -j2 all >"$OUT/base-build.log" 2>&1 \
    || { say "the base did not build (see $OUT/base-build.log)"; exit 2; }
say "building this tree"
make -C "$ROOT" --no-print-directory -j2 all >"$OUT/this-build.log" 2>&1 \
    || { say "this tree did not build (see $OUT/this-build.log)"; exit 2; }

# one bench_visits of tree $1 into $2; 0 or 2
run_one() {
    (cd "$1" && LIANXIN_BENCH=bench_visits deploy/local.sh bench build) >"$2" 2>&1 \
        || { say "bench_visits failed in $1 (see $2)"; return 2; }
}

# the group-commit column is the first value after the label: print it
first_col() {
    awk -v key="$2" 'index($0, key) == 3 { split(substr($0, 3 + length(key)), v, " "); print v[1] }' "$1"
}

declare -a BASE_ROWS THIS_ROWS
for r in $(seq 1 "$ROUNDS"); do
    for tree in base this; do
        dir=$ROOT; [ "$tree" = base ] && dir=$BASE_DIR
        log="$OUT/$tree-$r.log"
        say "round $r/$ROUNDS: $tree"
        run_one "$dir" "$log" || exit 2
        intake=$(first_col "$log" "cpu us/visit pg (intake)")
        notify=$(first_col "$log" "cpu us/visit pg (notify)")
        rps=$(first_col "$log" "visits req/s")
        p99=$(first_col "$log" "latency p99 (ms)")
        [ -n "$intake" ] && [ -n "$notify" ] || { say "no figures in $log"; exit 2; }
        row="$intake $notify $rps $p99"
        if [ "$tree" = base ]; then BASE_ROWS+=("$row"); else THIS_ROWS+=("$row"); fi
    done
done

printf '\ncompare_visits: bench_visits (group commit), base %s vs this tree (%s), %d rounds, alternating\n' \
    "${BASE_SHA:0:12}" "$(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD || echo +changes)" "$ROUNDS"
printf '  %-6s %-5s %14s %14s %9s %9s %9s\n' tree round "pg intake us" "pg notify us" share "req/s" "p99 ms"
print_rows() {
    local tree=$1; shift
    local i=0 row
    for row in "$@"; do
        i=$((i + 1))
        set -- $row
        awk -v t="$tree" -v r="$i" -v a="$1" -v b="$2" -v c="$3" -v d="$4" 'BEGIN {
            printf "  %-6s %-5s %14.1f %14.1f %8.1f%% %9.0f %9.2f\n", t, r, a, b, 100 * b / (a + b), c, d }'
    done
}
print_rows base "${BASE_ROWS[@]}"
print_rows this "${THIS_ROWS[@]}"
median_share() {
    printf '%s\n' "$@" | awk '{ print 100 * $2 / ($1 + $2), $2 }' | sort -n \
        | awk '{ s[NR] = $1; n[NR] = $2 } END {
            m = (NR % 2) ? s[(NR + 1) / 2] : (s[NR / 2] + s[NR / 2 + 1]) / 2; printf "%.1f", m }'
}
b=$(median_share "${BASE_ROWS[@]}")
t=$(median_share "${THIS_ROWS[@]}")
printf "  notify's share of PostgreSQL's CPU per visit, median: base %s%%, this %s%% (%.2fx)\n" \
    "$b" "$t" "$(awk -v b="$b" -v t="$t" 'BEGIN { print t / b }')"
printf 'BENCH_COMPARE base=%s share_base=%s share_this=%s rounds=%d\n' "${BASE_SHA:0:12}" "$b" "$t" "$ROUNDS"

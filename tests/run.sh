#!/usr/bin/env bash
# run.sh: runs the unit then the integration test binaries of a build, then
# the browser tests (tests/browser/test_*.py, which print cmocka's lines), shows
# their output as it comes, tallies cmocka's summaries and ends with exactly
# "N passed, N failed". Never hides a binary that crashed, hung or printed no
# summary: each such binary counts as one named failure.
#
# usage: tests/run.sh BUILD [NAME...]   NAME: test_x, unit/test_x, integration/test_x
#                                       or browser/test_console
# Exit 0 only when nothing failed and at least one test passed.
#
# The one clock: every test runs at the real time; then the suites that deal
# with dates (LIANXIN_DATED_TESTS) run again at each instant of
# LIANXIN_TEST_PINS, their stack's business clock starting there (the
# harness reads LIANXIN_TEST_CLOCK). LIANXIN_TEST_CLOCK=<RFC 3339> runs the
# whole suite at that instant instead, without the pinned passes;
# LIANXIN_TEST_PINS= (empty) skips them.
set -uo pipefail

BUILD=${1:?usage: tests/run.sh BUILD [NAME...]}
shift
FILTERS=("$@")
TIME_LIMIT=${LIANXIN_TEST_TIMEOUT:-900}
LOG="$BUILD/tests/run.log"
mkdir -p "$BUILD/tests"
: >"$LOG"
export CMOCKA_MESSAGE_OUTPUT=stdout
unset LIANXIN_CLOCK_FILE     # each harness makes its own clock

DEFAULT_PINS="2026-12-31T23:59:30+08:00 2027-02-05T10:00:00+08:00 2028-02-28T23:59:40+08:00"
DEFAULT_DATED="integration/test_rota integration/test_visit_inbox integration/test_reports
               integration/test_visits integration/test_calendar integration/test_proposal
               integration/test_consult integration/test_assess
               integration/test_consult_checkin integration/test_assess_year"
PINS=${LIANXIN_TEST_PINS-$DEFAULT_PINS}
DATED=${LIANXIN_DATED_TESTS:-$DEFAULT_DATED}
if [ -n "${LIANXIN_TEST_CLOCK:-}" ]; then
    PINS=""
    echo "run: every test at business time $LIANXIN_TEST_CLOCK (LIANXIN_TEST_CLOCK)"
fi

passed=0
failed=0
failures=()

# 0 when binary kind/name ($1) is selected by the command line.
selected() {
    local f
    [ "${#FILTERS[@]}" -eq 0 ] && return 0
    for f in "${FILTERS[@]}"; do
        [ "$f" = "$1" ] || [ "$f" = "${1#*/}" ] && return 0
    done
    return 1
}

# Runs test binary $1 under a time limit, line-buffered where that is safe:
# stdbuf preloads a library, which a sanitizer runtime refuses to follow (it
# must come first), so a sanitized binary runs as it is, and so does a browser
# test script (python3 -u is unbuffered already, and the preload would pass to
# the sanitized programs it starts). (Not `ldd | grep -q`: under pipefail,
# grep quitting early can fail the pipeline with SIGPIPE.)
run_limited() {
    local limit=(timeout -k 30 "$TIME_LIMIT")
    case $1 in *.py) "${limit[@]}" "$1"; return ;; esac
    case $(ldd "$1" 2>/dev/null) in
        *libasan*|*libtsan*|*libubsan*) "${limit[@]}" "$1" ;;
        *) stdbuf -oL -eL "${limit[@]}" "$1" ;;
    esac
}

# Reads one binary's output ($2) and its exit status ($3); adds to the tally.
tally() {
    local id=$1 out=$2 rc=$3 p f names
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]\+\) test(s)\.$/\1/p' "$out" | awk '{s += $1} END {print s + 0}')
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]\+\) test(s), listed below:$/\1/p' "$out" |
        awk '{s += $1} END {print s + 0}')
    passed=$((passed + p))
    failed=$((failed + f))
    # the names follow each "listed below:" line, one "[  FAILED  ] name" each
    names=$(awk '/^\[  FAILED  \] [0-9]+ test\(s\), listed below:$/ {list = 1; next}
                 list && /^\[  FAILED  \] / {sub(/^\[  FAILED  \] /, ""); print; next}
                 {list = 0}' "$out")
    while IFS= read -r n; do
        [ -n "$n" ] && failures+=("$id: $n")
    done <<<"$names"
    if [ "$f" -eq 0 ] && [ "$rc" -ne 0 ]; then
        failed=$((failed + 1))
        case $rc in
            124) failures+=("$id: timed out after ${TIME_LIMIT}s") ;;
            *) if grep -q '^\[  FAILED  \] GROUP \(SETUP\|TEARDOWN\)' "$out"; then
                   failures+=("$id: $(grep -o 'GROUP \(SETUP\|TEARDOWN\)' "$out" | head -n 1 |
                                      tr 'A-Z' 'a-z') failed (exit $rc)")
               elif [ "$rc" -gt 128 ]; then
                   failures+=("$id: killed by signal $((rc - 128))")
               else
                   failures+=("$id: exited with status $rc without a cmocka failure")
               fi ;;
        esac
    elif [ "$rc" -eq 0 ] && [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
        failed=$((failed + 1))
        failures+=("$id: printed no cmocka summary")
    fi
    printf -- '---- %s: %d passed, %d failed (exit %d)\n' "$id" "$p" "$f" "$rc" | tee -a "$LOG"
}

run_one() {
    local bin=$1 id=$2 out rc start
    out=$(mktemp)
    start=$SECONDS
    printf '==== %s\n' "$id" | tee -a "$LOG"
    run_limited "$bin" 2>&1 </dev/null | tee "$out" | tee -a "$LOG"
    rc=${PIPESTATUS[0]}
    tally "$id" "$out" "$rc"
    printf -- '     %s took %ds\n' "$id" $((SECONDS - start)) >>"$LOG"
    rm -f "$out"
}

# The tests are the sources tests/<kind>/test_*.c (a binary left in the build
# folder by a test since renamed or removed is not one); a source whose binary
# is missing counts as a failure.
SRC=$(cd "$(dirname "$0")" && pwd)
ran=0
for kind in unit integration; do
    while IFS= read -r src; do
        [ -f "$src" ] || continue
        name=${src##*/}
        name=${name%.c}
        id="$kind/$name"
        bin="$BUILD/tests/$kind/$name"
        selected "$id" || continue
        ran=$((ran + 1))
        if [ ! -x "$bin" ]; then
            failed=$((failed + 1))
            failures+=("$id: not built ($bin)")
            printf -- '---- %s: not built\n' "$id" | tee -a "$LOG"
            continue
        fi
        run_one "$bin" "$id"
    done < <(printf '%s\n' "$SRC/$kind"/test_*.c | LC_ALL=C sort)
done

# the browser tests: the console in headless chromium against a stack of their
# own, at the real time (they take their dates from the server)
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
for script in "$ROOT"/tests/browser/test_*.py; do
    [ -f "$script" ] && [ -x "$script" ] || continue
    id="browser/$(basename "$script" .py)"
    selected "$id" || continue
    ran=$((ran + 1))
    run_one "$script" "$id"
done

# the documents' checks (docs/openapi.yaml and its worked example): scripts
# that print cmocka's lines
for script in "$ROOT"/tests/docs/test_*.py; do
    [ -f "$script" ] && [ -x "$script" ] || continue
    id="docs/$(basename "$script" .py)"
    selected "$id" || continue
    ran=$((ran + 1))
    run_one "$script" "$id"
done

# the dated suites again, each at every pinned instant
for pin in $PINS; do
    for id in $DATED; do
        bin="$BUILD/tests/$id"
        if [ ! -f "$bin" ] || [ ! -x "$bin" ]; then continue; fi
        selected "$id" || continue
        ran=$((ran + 1))
        LIANXIN_TEST_CLOCK=$pin run_one "$bin" "$id@$pin"
    done
done

{
    echo
    if [ "$ran" -eq 0 ]; then
        echo "no test binary found in $BUILD/tests/{unit,integration}${FILTERS:+ matching ${FILTERS[*]}}"
    fi
    if [ "${#failures[@]}" -gt 0 ]; then
        echo "failed tests:"
        printf '  %s\n' "${failures[@]}"
    fi
    echo "$passed passed, $failed failed"
} | tee -a "$LOG"

[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]

#!/usr/bin/env bash
# env-files.sh: the secrets of a deployment, one environment file per program
# (/etc/lianxin/<program>.env, read by that program's systemd unit only), each
# holding only the keys that program needs: the gateway never gets the crypto
# key, only the auditor gets the checkpoint key, each CURVE secret goes to its
# own program; the visitor keys go to the sealing services and lianxin-admin
# (migrate, rekey) only. `make` writes them (new keys), `check` proves a
# directory of them keeps to that rule. Never prints a secret.
#
# usage: deploy/env-files.sh make DIR [SERVICE...]   (default services: intake notify)
#        deploy/env-files.sh check DIR [SERVICE...]
# Environment: LIANXIN_ADMIN_BIN (default /opt/lianxin/bin/lianxin-admin),
# LIANXIN_SEALING_SERVICES (services given LIANXIN_CRYPTO_KEY, default "intake consult").
set -euo pipefail

ADMIN_BIN=${LIANXIN_ADMIN_BIN:-/opt/lianxin/bin/lianxin-admin}
SEALING=${LIANXIN_SEALING_SERVICES:-intake consult}

die() { printf 'env-files: %s\n' "$*" >&2; exit 1; }
upper() { printf '%s' "$1" | tr 'a-z.-' 'A-Z__'; }
hex32() { od -An -tx1 -N32 /dev/urandom | tr -d ' \n'; }

# The visitor keys (the key ring of common/seal.h): the sealing services'
# and lianxin-admin's (migrate seals clear values, rekey re-seals).
crypto_keys() {
    printf '%s\n' LIANXIN_CRYPTO_KEY LIANXIN_CRYPTO_KEYS LIANXIN_CRYPTO_CURRENT LIANXIN_CRYPTO_SUITE
}

# The keys program $1 may hold, one per line (its PG_DSN is optional: only
# when its role logs in with a password).
allowed_keys() {
    local p=$1 P
    P=$(upper "$1")
    case $p in
        admin) echo LIANXIN_ADMIN_PG_DSN; crypto_keys ;;
        auditor) printf '%s\n' LIANXIN_AUDITOR_PG_DSN LIANXIN_AUDIT_CHECKPOINT_KEY ;;
        bus) echo LIANXIN_BUS_CURVE_SECRET ;;
        *) printf '%s\n' "LIANXIN_${P}_CURVE_SECRET" "LIANXIN_${P}_PG_DSN"
           if [[ " $SEALING " == *" $p "* ]]; then crypto_keys; fi ;;
    esac
}

# 0 when program $1 may hold key $2 (no pipe into grep -q: under pipefail an
# early exit of grep would fail the writer with SIGPIPE).
may_hold() {
    local keys
    keys=$(allowed_keys "$1")
    grep -qx "$2" <<<"$keys"
}

# The keys program $1 must hold (a DSN and the ring's optional parts aside).
required_keys() {
    local keys
    keys=$(allowed_keys "$1")
    grep -v '_PG_DSN$\|^LIANXIN_CRYPTO_KEYS$\|^LIANXIN_CRYPTO_CURRENT$\|^LIANXIN_CRYPTO_SUITE$' \
        <<<"$keys" || true
}

programs() {
    printf '%s\n' admin auditor bus gateway "$@"
}

# Writes DIR/<program>.env for every program (mode 0600), new keys throughout.
cmd_make() {
    local dir=$1 p crypto audit line pair
    shift
    [ -x "$ADMIN_BIN" ] || die "no $ADMIN_BIN (set LIANXIN_ADMIN_BIN)"
    mkdir -p "$dir"
    : >"$dir/curve-public.conf"
    crypto=$(hex32)
    audit=$(hex32)
    for p in $(programs "$@"); do
        (umask 077; : >"$dir/$p.env")
        if may_hold "$p" LIANXIN_CRYPTO_KEY; then
            echo "LIANXIN_CRYPTO_KEY=$crypto" >>"$dir/$p.env"
        fi
        if [ "$p" = auditor ]; then
            echo "LIANXIN_AUDIT_CHECKPOINT_KEY=$audit" >>"$dir/$p.env"
        fi
        case $p in admin|auditor) continue ;; esac
        pair=$("$ADMIN_BIN" curve-keygen --name "$p") || die "curve-keygen failed for $p"
        line=$(printf '%s\n' "$pair" | sed -n 's/^[a-z0-9_]*\.curve_secret = "\(.*\)"$/\1/p')
        [ -n "$line" ] || die "curve-keygen gave no secret for $p"
        echo "LIANXIN_$(upper "$p")_CURVE_SECRET='$line'" >>"$dir/$p.env"   # Z85 has no quote
        printf '%s\n' "$pair" | grep '\.curve_public = ' >>"$dir/curve-public.conf"
    done
    printf 'env-files: wrote %s/<program>.env; append %s/curve-public.conf to lianxin.conf\n' \
        "$dir" "$dir" >&2
}

# Fails, naming the file and the key (never its value), when a file holds a
# key its program may not have, lacks one it needs, or is readable by others.
cmd_check() {
    local dir=$1 p f key bad=0 mode
    shift
    for p in $(programs "$@"); do
        f="$dir/$p.env"
        [ -f "$f" ] || { printf 'missing %s\n' "$f"; bad=1; continue; }
        mode=$(stat -c %a "$f")
        case $mode in 600|400) ;; *) printf '%s: mode %s (want 0600)\n' "$f" "$mode"; bad=1 ;; esac
        while IFS= read -r key; do
            [ -n "$key" ] || continue
            if ! may_hold "$p" "$key"; then
                printf '%s: %s does not belong to %s\n' "$f" "$key" "$p"
                bad=1
            fi
        done < <(sed -n 's/^[[:space:]]*\(export[[:space:]]\+\)\{0,1\}\([A-Za-z0-9_]*\)=.*/\2/p' "$f")
        for key in $(required_keys "$p"); do
            grep -q "^$key=" "$f" || { printf '%s: %s missing\n' "$f" "$key"; bad=1; }
        done
    done
    [ "$bad" -eq 0 ] && printf 'env files of %s keep to their programs\n' "$dir"
    return "$bad"
}

case ${1:-} in
    make) [ -n "${2:-}" ] || die "usage: $0 make DIR [SERVICE...]"
          d=$2; shift 2; [ $# -gt 0 ] || set -- intake notify; cmd_make "$d" "$@" ;;
    check) [ -n "${2:-}" ] || die "usage: $0 check DIR [SERVICE...]"
           d=$2; shift 2; [ $# -gt 0 ] || set -- intake notify; cmd_check "$d" "$@" ;;
    *) die "usage: $0 make|check DIR [SERVICE...]" ;;
esac

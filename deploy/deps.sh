#!/usr/bin/env bash
# deps.sh: installs the Debian 12 packages Lianxin needs to build, run and test.
# A fast no-op when everything is installed; never runs apt-get update then,
# and never installs anything when not root (it prints the command instead).
set -euo pipefail

PACKAGES=(
    build-essential pkg-config
    libzmq3-dev libprotobuf-c-dev protobuf-c-compiler libuv1-dev libpq-dev
    postgresql-15 postgresql-contrib
    libmicrohttpd-dev libjansson-dev libssl-dev libcmocka-dev libcurl4-openssl-dev
    wrk valgrind curl
)

# Prints the packages of PACKAGES that dpkg does not report as installed.
missing_packages() {
    local p status
    for p in "${PACKAGES[@]}"; do
        status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
        if [ "$status" != "installed" ]; then
            printf '%s\n' "$p"
        fi
    done
}

mapfile -t missing < <(missing_packages)
if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing packages: ${missing[*]}" >&2
    echo "deps: run as root, or:" >&2
    echo "sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi

echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"

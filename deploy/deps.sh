#!/usr/bin/env bash
# deps.sh: installs the Debian 12 packages Lianxin needs to build, run and test
# (the browser tests' chromium, chromedriver, python3-selenium and CJK fonts,
# and python3-aiosmtpd, the loopback SMTP server of notify's delivery tests,
# among them), then the console's front-end packages (web/package.json, pinned
# by web/package-lock.json) with `npm ci`, and copies the files the console
# serves into web/vendor/. A fast no-op when everything is installed; never
# runs apt-get update then, and never installs anything when not root (it
# prints the command instead).
set -euo pipefail

PACKAGES=(
    build-essential pkg-config
    libzmq3-dev libprotobuf-c-dev protobuf-c-compiler libuv1-dev libpq-dev
    postgresql-15 postgresql-contrib
    libmicrohttpd-dev libjansson-dev libssl-dev libcmocka-dev libcurl4-openssl-dev
    libqrencode-dev
    wrk valgrind curl
    chromium chromium-driver python3-selenium fonts-noto-cjk
    python3-jsonschema python3-yaml
    python3-aiosmtpd
)
# npm comes with Node.js from Debian (package npm) or from elsewhere (nodesource
# ships it inside nodejs): Debian's only when no npm is on the PATH.
if ! command -v npm >/dev/null 2>&1; then
    PACKAGES+=(nodejs npm)
fi

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

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)

# The console's vendored files: npm ci into var/npm (outside the served web
# root), then the one file the console loads copied to web/vendor/. Skipped
# when web/vendor/.lock (a copy of the lock it was made from) matches.
web_deps() {
    local lock="$ROOT/web/package-lock.json" stamp="$ROOT/web/vendor/.lock" dir="$ROOT/var/npm"
    if [ -f "$stamp" ] && cmp -s "$lock" "$stamp" && [ -f "$ROOT/web/vendor/echarts.esm.min.js" ]; then
        return 0
    fi
    command -v npm >/dev/null 2>&1 || { echo "deps: npm is missing" >&2; return 1; }
    echo "deps: npm ci (web/package-lock.json)" >&2
    mkdir -p "$dir" "$ROOT/web/vendor"
    cp "$ROOT/web/package.json" "$lock" "$dir/"
    (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
    cp "$dir/node_modules/echarts/dist/echarts.esm.min.js" "$ROOT/web/vendor/"
    cp "$dir/node_modules/echarts/LICENSE" "$ROOT/web/vendor/echarts.LICENSE.txt"
    cp "$lock" "$stamp"
}

mapfile -t missing < <(missing_packages)
if [ "${#missing[@]}" -eq 0 ]; then
    web_deps
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
web_deps

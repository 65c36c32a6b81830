#!/bin/sh
# Installs the Debian packages the test suite needs, and only those that are missing.
#
# Each package is checked on its own, by a command or a file that does its job, so a
# machine where another package already does that job installs nothing for it: Node.js
# from NodeSource ships its own npm, and Debian's npm would conflict with it.
#
#   sh scripts/system-deps.sh            install what is missing (as root, or with sudo)
#   sh scripts/system-deps.sh --dry-run  only say what would be installed
#
# SYSTEM_DEPS_ROOT prefixes every file checked (the tests point it at a fake tree).
set -eu

root="${SYSTEM_DEPS_ROOT:-}"
dry_run=no
[ "${1:-}" = "--dry-run" ] && dry_run=yes

has_command() { command -v "$1" >/dev/null 2>&1; }
has_file() { [ -e "$root$1" ]; }
has_postgres_server() {
    for pg_ctl in "$root"/usr/lib/postgresql/*/bin/pg_ctl; do
        [ -x "$pg_ctl" ] && return 0
    done
    return 1
}

missing=""
need() { missing="$missing $1"; }

# package                 what does its job
has_file /usr/bin/chromium || need chromium
has_postgres_server || need postgresql
has_command pdftoppm || need poppler-utils
has_command npm || need npm
has_command haproxy || need haproxy
has_file /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || need fonts-dejavu-core
has_file /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf || need fonts-noto-color-emoji

missing="${missing# }"
if [ -z "$missing" ]; then
    echo "system-deps: nothing to install (chromium, postgresql, poppler-utils, npm, haproxy and fonts are there)"
    exit 0
fi

sudo=""
if [ "$(id -u)" != "0" ]; then
    if has_command sudo; then
        sudo="sudo "
    else
        echo "system-deps: need root or sudo to install: $missing" >&2
        exit 1
    fi
fi

echo "system-deps: installing $missing"
if [ "$dry_run" = yes ]; then
    echo "system-deps: would run: ${sudo}apt-get install -y --no-install-recommends $missing"
    exit 0
fi
${sudo}apt-get update -q
# shellcheck disable=SC2086  # one word per package
${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing

#!/usr/bin/env bash
# Install Debian's chromium (and CJK fonts) for the browser tests (tests/test_web*.py) when missing.
# Usage: bash scripts/install_chromium.sh   (needs root or sudo; apt only, no internet downloads)
#
# With PLANQA_FRESH=1 (what .ci/run sets) apt-get runs even when chromium is already there: apt
# leaves an installed package alone, but the package names, the sources and the install command are
# exercised on every CI run, so a change that breaks a fresh machine fails CI.
set -eEuo pipefail

STEP="start"
say() { printf 'install_chromium: %s\n' "$*" >&2; }
on_err() { local rc=$?; say "error: step \"$STEP\" failed (exit $rc): $BASH_COMMAND"; exit "$rc"; }
trap on_err ERR

if [ -x /usr/bin/chromium ] && [ "${PLANQA_FRESH:-}" != 1 ]; then
    say "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
    exit 0
fi

# Off CI, a machine that cannot install it runs the suite without the browser tests (they skip)
cannot() {
    if [ -n "${CI:-}" ]; then say "error: $*"; exit 1; fi
    say "warning: $*; the browser tests will be skipped"; exit 0
}
STEP="find root"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo"; else
        cannot "need root (or password-less sudo) to apt-get install chromium"
    fi
fi
command -v apt-get >/dev/null 2>&1 || cannot "no apt-get here: install chromium by hand"

export DEBIAN_FRONTEND=noninteractive
STEP="apt-get update"
$SUDO apt-get update -qq
STEP="apt-get install chromium fonts-noto-cjk"
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null
STEP="check chromium"
say "$(/usr/bin/chromium --version)"

#!/usr/bin/env bash
# Check that `make run` reaches the page: start it on a free port, wait for HTTP 200, stop it.
# Usage: bash scripts/check_run.sh [VENV]   (CI calls it after `make test`)
set -eEuo pipefail
STEP="start"
say() { printf 'check_run: %s\n' "$*" >&2; }
on_err() { local rc=$?; say "error: step \"$STEP\" failed (exit $rc): $BASH_COMMAND"; exit "$rc"; }
trap on_err ERR
cd "$(dirname "$0")/.."
VENV="${1:-${VENV:-.venv}}"
STEP="pick a port"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
HOME_DIR="$(mktemp -d -t planqa-run.XXXXXX)"
LOG="$HOME_DIR/run.log"
STEP="make run"
start=$(date +%s)
QA_HOME="$HOME_DIR/qa" QA_PORT="$PORT" setsid make run VENV="$VENV" >"$LOG" 2>&1 &
RUN=$!
# setsid: make and the qa serve it starts are one process group, stopped together
# shellcheck disable=SC2329  # called by the EXIT trap
cleanup() { kill -- -"$RUN" 2>/dev/null || true; wait "$RUN" 2>/dev/null || true; rm -rf "$HOME_DIR"; }
trap cleanup EXIT
STEP="wait for the page on 127.0.0.1:$PORT"
for _ in $(seq 1 600); do
    if curl -fs -o /dev/null "http://127.0.0.1:$PORT/"; then
        say "make run reached the page on 127.0.0.1:$PORT in $(( $(date +%s) - start ))s"
        exit 0
    fi
    kill -0 "$RUN" 2>/dev/null || { tail -n 20 "$LOG" >&2; say "error: make run exited before the page came up"; exit 1; }
    sleep 1
done
tail -n 20 "$LOG" >&2
say "error: the page did not come up within 600 s"
exit 1

#!/usr/bin/env bash
# Record the LLM engine on evals/llm-subset.jsonl against the local llama.cpp server (Gemma 3
# 270M) into evals/llm-replay, and its map-reduce briefs of the plans in evals/briefs-llm.jsonl into
# evals/llm-replay-briefs: the recordings CI replays offline (tests/test_llm_replay.py,
# `qa eval --engine llm --replay --record-dir evals/llm-replay`,
# `qa eval --briefs evals/briefs-llm.jsonl --engine llm --replay --record-dir evals/llm-replay-briefs`).
# `make record-llm`.
#
# Steps: install the server and model if needed, ingest the seeds into $QA_HOME, start the
# server on a free port, record into a fresh directory (nothing stale survives), swap it into
# place, stop the server, then replay the new recording once offline as a check.
#
# Environment (defaults in brackets):
#   VENV [.venv]  QA_HOME [.cache/qa-record]  GOLD [evals/llm-subset.jsonl]  RECORD_DIR [evals/llm-replay]
#   BRIEF_GOLD [evals/briefs-llm.jsonl]  BRIEF_RECORD_DIR [evals/llm-replay-briefs]
#   REPORT [reports/eval-llm]  QA_CONTEXT_TOKENS [800]  QA_LLM_VALIDATION_RETRIES [1]
#   QA_LLM_TIMEOUT [900]  PORT [a free one]
# Takes ~30-40 minutes on 2 cores (answers ~20, two briefs ~15) (most of it prompt evaluation by the 270M model).
set -eEuo pipefail
on_err() { local rc=$?; printf "record-llm: error: failed (exit %s): %s\n" "$rc" "$BASH_COMMAND" >&2; exit "$rc"; }
trap on_err ERR

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export VENV="${VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
QA="$VENV/bin/qa"
GOLD="${GOLD:-evals/llm-subset.jsonl}"
RECORD_DIR="${RECORD_DIR:-evals/llm-replay}"
REPORT="${REPORT:-reports/eval-llm}"
BRIEF_GOLD="${BRIEF_GOLD:-evals/briefs-llm.jsonl}"
BRIEF_RECORD_DIR="${BRIEF_RECORD_DIR:-evals/llm-replay-briefs}"
export QA_HOME="${QA_HOME:-$ROOT/.cache/qa-record}"  # .cache/ is git-ignored
export QA_EMBED_CACHE="${QA_EMBED_CACHE:-$ROOT/.cache/test-embeddings.sqlite}"
# small contexts and one validation retry: the model is tiny and the machine has 2 cores
export QA_CONTEXT_TOKENS="${QA_CONTEXT_TOKENS:-800}"
export QA_LLM_VALIDATION_RETRIES="${QA_LLM_VALIDATION_RETRIES:-1}"
export QA_LLM_TIMEOUT="${QA_LLM_TIMEOUT:-900}"
export QA_MODEL="gemma-3-270m"  # the alias scripts/llm_server.sh serves
unset OPENAI_API_KEY QA_REPLAY
PORT="${PORT:-$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
export OPENAI_BASE_URL="http://127.0.0.1:$PORT/v1"

say() { printf 'record-llm: %s\n' "$*" >&2; }

bash scripts/llm_server.sh install
"$VENV/bin/qa" ingest -q seeds/

LOG="$(mktemp -t planqa-record-server.XXXXXX.log)"
PORT="$PORT" bash scripts/llm_server.sh serve >"$LOG" 2>&1 &
SERVER=$!
TMP="$(mktemp -d "$(dirname "$RECORD_DIR")/.llm-replay.XXXXXX")"
BTMP="$(mktemp -d "$(dirname "$BRIEF_RECORD_DIR")/.llm-replay-briefs.XXXXXX")"
cleanup() {
    kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
    rm -rf "$TMP" "$BTMP"
}
trap cleanup EXIT

say "waiting for the model server on $OPENAI_BASE_URL (log: $LOG)"
for _ in $(seq 1 240); do
    if curl -fsS "$OPENAI_BASE_URL/models" >/dev/null 2>&1; then break; fi
    kill -0 "$SERVER" 2>/dev/null || { tail -n 20 "$LOG" >&2; say "error: the server exited"; exit 1; }
    sleep 0.5
done
curl -fsS "$OPENAI_BASE_URL/models" >/dev/null || { say "error: the server did not start"; exit 1; }

say "recording $GOLD into $RECORD_DIR"
"$QA" eval --engine llm --gold "$GOLD" --record-dir "$TMP" --report "$REPORT"
say "recording the briefs of $BRIEF_GOLD into $BRIEF_RECORD_DIR"
"$QA" eval --briefs "$BRIEF_GOLD" --engine llm --record-dir "$BTMP" --report "$REPORT-briefs"
rm -rf "$RECORD_DIR" "$BRIEF_RECORD_DIR"
mv "$TMP" "$RECORD_DIR"
mv "$BTMP" "$BRIEF_RECORD_DIR"
chmod 755 "$RECORD_DIR" "$BRIEF_RECORD_DIR"
kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true

say "replaying $RECORD_DIR offline as a check"
OPENAI_BASE_URL="http://127.0.0.1:9/v1" "$QA" eval --engine llm --replay --gold "$GOLD" \
    --record-dir "$RECORD_DIR" --report "$REPORT-replay"
OPENAI_BASE_URL="http://127.0.0.1:9/v1" "$QA" eval --briefs "$BRIEF_GOLD" --engine llm --replay \
    --record-dir "$BRIEF_RECORD_DIR" --report "$REPORT-briefs-replay"
say "done: commit $RECORD_DIR and $BRIEF_RECORD_DIR (and $GOLD if it changed)"

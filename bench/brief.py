"""Time `qa brief --all` with the extractive engine: cold (empty output folder) and resumed (nothing changed).

    python bench/brief.py [--runs 3] [--home DIR] [--jobs 1]

By default the seeds are ingested into a temporary QA_HOME first (embeddings come from the shared
cache, QA_EMBED_CACHE or <repo>/.cache/test-embeddings.sqlite, so this costs no model time). Each run
starts the real `qa` command in a fresh process, so the numbers include interpreter start-up and
opening the store; the batch's own time (the "in N.Ns" that `qa brief` prints) is shown beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


def qa_bin() -> str:
    beside = Path(sys.executable).parent / "qa"
    return str(beside) if beside.exists() else (shutil.which("qa") or "qa")


def env_for(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    cache = os.environ.get("QA_EMBED_CACHE") or str(ROOT / ".cache" / "test-embeddings.sqlite")
    env.update(QA_HOME=str(home), QA_EMBED_CACHE=cache, QA_DOCS=json.dumps([str(SEEDS)]))
    return env


def run(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    proc = subprocess.run([qa_bin(), *args], env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          timeout=900)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"qa {' '.join(args)} failed ({proc.returncode}): {proc.stderr.strip()}")
    return wall, proc.stdout


def batch_seconds(stdout: str) -> float:
    m = re.search(r"in ([\d.]+)s", stdout)
    return float(m.group(1)) if m else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--home", help="an already ingested QA_HOME (default: a temporary one with the seeds)")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="planqa-bench-brief-"))
    try:
        home = Path(args.home) if args.home else tmp / "home"
        env = env_for(home)
        if not args.home:
            t, _ = run(["ingest", "-q", str(SEEDS)], env)
            print(f"ingested the seeds into {home} in {t:.1f}s (setup, not timed below)")
        cold, cold_batch, warm, warm_batch = [], [], [], []
        for i in range(args.runs):
            out = tmp / f"briefs-{i}"
            t, stdout = run(["brief", "--all", "--out", str(out), "--jobs", str(args.jobs)], env)
            assert "0 failed" in stdout, stdout
            cold.append(t)
            cold_batch.append(batch_seconds(stdout))
            t, stdout = run(["brief", "--all", "--out", str(out), "--jobs", str(args.jobs)], env)
            assert " 0 written" in stdout, f"resumed run rewrote briefs: {stdout}"
            warm.append(t)
            warm_batch.append(batch_seconds(stdout))
        plans = len(list((tmp / "briefs-0").glob("*.md"))) - 1
        print(f"qa brief --all --engine extractive --jobs {args.jobs}: {plans} plans, {args.runs} runs each (median)")
        print(f"  cold     {statistics.median(cold):6.2f}s wall  (batch {statistics.median(cold_batch):.2f}s)")
        print(f"  resumed  {statistics.median(warm):6.2f}s wall  (batch {statistics.median(warm_batch):.2f}s)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

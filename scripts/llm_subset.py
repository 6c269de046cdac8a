"""Write evals/llm-subset.jsonl: the questions `make record-llm` asks the local model.

The full 134 questions take too long with Gemma 3 270M on 2 cores, so the recording covers a
fixed selection BY ID, never by how any engine answers: for every plan, in file order, its
first two targets and its first baseline, fact and unanswerable question (25 questions, 5 of each
plan). Lines are copied verbatim from the gold file.

    python scripts/llm_subset.py [--gold evals/indicators.jsonl] [--out evals/llm-subset.jsonl]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

PER_PLAN = {"target": 2, "baseline": 1, "fact": 1, "unanswerable": 1}


def select(lines: list[str]) -> list[str]:
    """The subset's lines, in gold-file order."""
    taken: dict[tuple[str, str], int] = {}
    out = []
    for line in lines:
        if not line.strip():
            continue
        row = json.loads(line)
        plan, kind = row["id"].split("-")[0], row["kind"]
        limit = PER_PLAN.get(kind, 0)
        if taken.get((plan, kind), 0) < limit:
            taken[(plan, kind)] = taken.get((plan, kind), 0) + 1
            out.append(line)
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--gold", default="evals/indicators.jsonl")
    p.add_argument("--out", default="evals/llm-subset.jsonl")
    args = p.parse_args()
    chosen = select(Path(args.gold).read_text(encoding="utf-8").splitlines())
    Path(args.out).write_text("\n".join(chosen) + "\n", encoding="utf-8")
    print(f"{len(chosen)} questions → {args.out}")


if __name__ == "__main__":
    main()

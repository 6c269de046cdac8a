"""`qa train`: refit the answer scorer on the labelled sets (``make train``) and print its cross-validation."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from qa.cli.common import UserError, retriever_for, settings_for

TRAIN_SETS = ["evals/indicators.jsonl", "evals/holdout.jsonl", "evals/blind.jsonl", "evals/blind2.jsonl"]


def cmd_train(args: argparse.Namespace) -> int:
    try:
        from qa.eval import train
    except ImportError as e:  # scikit-learn is a training extra
        raise UserError(f"training needs scikit-learn: pip install 'planqa[train]' ({e})") from None
    settings = settings_for(args)
    gold = [Path(g) for g in (args.gold or TRAIN_SETS)]
    held_out = [g for g in gold if "blind3" in g.name]
    if held_out:
        raise UserError(f"{held_out[0]} is the set the scorer is measured on, never trained on")
    retriever = retriever_for(settings)
    ds = train.build(gold, settings, retriever)
    model, report = train.train(ds, [g.name for g in gold])
    out = Path(args.out)
    train.write(model, out)
    if args.report:
        Path(args.report).parent.mkdir(parents=True, exist_ok=True)
        Path(args.report).write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    cv, ins = report["cross_validated"], report["in_sample"]
    print(f"scorer → {out}: {report['questions']} questions, {report['candidates']} candidates "
          f"({report['positives']} answers), threshold {report['threshold']:.3f}")
    print(f"  cross-validated by plan: accuracy {cv['accuracy']:.3f}, false abstention {cv['false_abstention']:.3f}"
          f"; in-sample: accuracy {ins['accuracy']:.3f}, false abstention {ins['false_abstention']:.3f}")
    for name, r in report["by_set"].items():
        print(f"  {name}: cv {r['cross_validated']['accuracy']:.3f} · in-sample {r['in_sample']['accuracy']:.3f}",
              file=sys.stdout)
    return 0

"""Validate a labelled set against SPEC.md: keys, kinds, quotes verbatim and unique, values printed."""
import json, re, sys
from pathlib import Path
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
TEXT = {p.name: p.read_bytes().decode("utf-8") for p in SEEDS.glob("*.txt")}
K1 = ["id", "doc", "question", "answer", "value", "unit", "kind", "year", "quote", "difficulty"]
K2 = ["id", "question", "type", "direction", "role", "kind", "docs", "winner", "values", "note"]
def num_in(v, q):
    s = ("%g" % v) if isinstance(v, (int, float)) else str(v)
    cands = {s, str(v)}
    if isinstance(v, float) and v.is_integer(): cands.add(str(int(v)))
    qq = q.replace(",", "").replace(" ", "")
    return any(re.search(r"(?<![\d.])" + re.escape(c) + r"(?![\d])", qq) for c in cands)
def quote_ok(doc, q, where, errs, v=None):
    t = TEXT.get(doc)
    if t is None: errs.append(f"{where}: unknown doc {doc}"); return
    n = t.count(q)
    if n != 1: errs.append(f"{where}: quote occurs {n} times in {doc}: {q}")
    if v is not None and not num_in(v, q): errs.append(f"{where}: value {v} not printed in quote: {q}")
errs = []; ids = set()
for n, line in enumerate(Path(sys.argv[1]).read_text(encoding="utf-8").splitlines(), 1):
    if not line.strip(): continue
    w = f"line {n}"
    try: d = json.loads(line)
    except ValueError as e: errs.append(f"{w}: bad JSON {e}"); continue
    if d.get("id") in ids: errs.append(f"{w}: duplicate id")
    ids.add(d.get("id"))
    if "type" in d:
        if sorted(d) != sorted(K2): errs.append(f"{w}: keys {sorted(d)}"); continue
        if d["type"] not in ("ranking", "pairwise", "all"): errs.append(f"{w}: bad type")
        if set(d["values"]) != set(d["docs"]): errs.append(f"{w}: values must name exactly docs")
        if d["type"] == "all" and (d["direction"] or d["winner"]): errs.append(f"{w}: all needs null direction/winner")
        if d["type"] != "all" and (d["direction"] not in ("max", "min") or d["winner"] not in d["docs"]):
            errs.append(f"{w}: ranking/pairwise need direction and a winner in docs")
        for doc, c in d["values"].items():
            if c is None: continue
            if sorted(c) != sorted(["value", "unit", "qualifier", "year", "quote"]): errs.append(f"{w} {doc}: cell keys")
            quote_ok(doc, c["quote"], f"{w} {doc}", errs, c["value"])
        if d["type"] != "all" and d["winner"] in d["values"]:
            vals = {k: c["value"] for k, c in d["values"].items() if c}
            if d["values"][d["winner"]] is None: errs.append(f"{w}: winner has no value")
            elif vals:
                best = (max if d["direction"] == "max" else min)(vals.values())
                if vals[d["winner"]] != best: errs.append(f"{w}: winner is not the {d['direction']}")
    else:
        if list(d) != K1 and sorted(d) != sorted(K1): errs.append(f"{w}: keys {sorted(d)}"); continue
        if d["kind"] not in ("target", "baseline", "fact", "unanswerable"): errs.append(f"{w}: bad kind")
        if d["difficulty"] not in ("easy", "medium", "hard"): errs.append(f"{w}: bad difficulty")
        if d["kind"] == "unanswerable":
            if d["quote"] != "" or d["answer"] != "文档未提及" or d["value"] is not None: errs.append(f"{w}: unanswerable form")
        else:
            if d["kind"] in ("target", "baseline") and not isinstance(d["value"], (int, float)): errs.append(f"{w}: value must be a number")
            quote_ok(d["doc"], d["quote"], w, errs, d["value"] if d["kind"] in ("target", "baseline") else None)
            if d["kind"] == "fact":
                for part in re.split(r"[、，,；]", d["answer"]):
                    p = re.sub(r"[\s“”\"'《》]", "", part)
                    if p and p not in d["quote"]: errs.append(f"{w}: fact item not in quote: {p}")
print("\n".join(errs) if errs else f"OK ({len(ids)} lines)")
sys.exit(1 if errs else 0)

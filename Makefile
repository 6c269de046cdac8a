# planqa: `make run` opens the page on the embedded defaults; `make test` is what CI runs.
VENV ?= .venv
PY := $(VENV)/bin/python
QA := $(VENV)/bin/qa
# eval gates: each set's own thresholds, set just under its current numbers (README), so a regression fails CI.
# The sets labelled this session were each run once on the engine before (084e9dd) and once on this engine
# before anything was tuned on them: those first runs are in the README, the gates only guard against regressions.
GATE_COMMON := unsupported_shown=0
GATE_indicators ?= answer_accuracy=0.96 citation_accuracy=0.94 recall@5=0.96 abstention_recall=0.95 false_abstention=0.02
GATE_holdout ?= answer_accuracy=0.97 abstention_recall=0.85 false_abstention=0.02
GATE_blind ?= answer_accuracy=0.92 abstention_recall=0.95 false_abstention=0.05
GATE_blind2 ?= answer_accuracy=0.96 abstention_recall=0.95 false_abstention=0.02
GATE_blind3 ?= answer_accuracy=0.92 abstention_recall=0.85 false_abstention=0.03
GATE_outside ?= answer_accuracy=0.92 abstention_recall=0.95 false_abstention=0.01
GATE_analyst ?= answer_accuracy=0.99 abstention_recall=0.95 false_abstention=0.02
GATE_english ?= answer_accuracy=0.95 abstention_recall=1.00 false_abstention=0.02
GATE_describe ?= answer_accuracy=0.75 abstention_recall=0.85
GATE_spoken ?= answer_accuracy=0.94 abstention_recall=1.00 false_abstention=0.04
GATE_traps ?= answer_accuracy=0.98 abstention_recall=0.95 false_abstention=0.01
GATE_keywords ?= answer_accuracy=0.97 abstention_recall=0.95 false_abstention=0.01
GATE_crossplan ?= crossplan_accuracy=0.97 winner_accuracy=0.95 cells_uncited=0
GATE_crossplan2 ?= crossplan_accuracy=1.0 cells_uncited=0
GATE_sealed-describe ?= answer_accuracy=0.88 abstention_recall=0.8
GATE_sealed-crossplan ?= crossplan_accuracy=0.95 cells_uncited=0
GATE_sealed-crossplan3 ?= crossplan_accuracy=1.0 cells_uncited=0
GATE_sealed-crossplan4 ?= crossplan_accuracy=0.95 cells_uncited=0
GATE_sealed-crossplan5 ?= crossplan_accuracy=0.95 cells_uncited=0
GATE_sealed-crossplan6 ?= crossplan_accuracy=0.95 cells_uncited=0
GATE_sealed-crossplan7 ?= crossplan_accuracy=1.0 cells_uncited=0
GATE_sealed-crossplan8 ?= crossplan_accuracy=1.0 cells_uncited=0
GATE_sealed-crossplan9 ?= crossplan_accuracy=1.0 cells_uncited=0
GATE_sealed-crossplan10 ?= crossplan_accuracy=1.0 cells_uncited=0
GATE_sealed-crossplan11 ?= crossplan_accuracy=1.0 cells_uncited=0
GATE_sealed-crossplan12 ?= crossplan_accuracy=0.95 cells_uncited=0
GATE_sealed-crossplan13 ?= crossplan_accuracy=1.00 cells_uncited=0
GATE_sealed-crossplan14 ?= crossplan_accuracy=0.95 cells_uncited=0
GATE_sealed-crossplan15 ?= crossplan_accuracy=0.90 cells_uncited=0
GATE_sealed-crossplan16 ?= crossplan_accuracy=0.95 cells_uncited=0
GATE_sealed-crossplan17 ?= crossplan_accuracy=0.95 cells_uncited=0
GATE_sealed-crossplan18 ?= crossplan_accuracy=0.95 cells_uncited=0
GATE_sealed-crossplan19 ?= crossplan_accuracy=0.95 cells_uncited=0
GATE_sealed-crossplan20 ?= crossplan_accuracy=1.00 cells_uncited=0
GATE_sealed-crossplan21 ?= crossplan_accuracy=0.90 cells_uncited=0
GATE_sealed-crossplan22 ?= crossplan_accuracy=0.85 cells_uncited=0
GATE_sealed-crossplan23 ?= crossplan_accuracy=0.85 cells_uncited=0
GATE_sealed-crossplan25 ?= crossplan_accuracy=1.00 cells_uncited=0
GATE_sealed-crossplan26 ?= crossplan_accuracy=0.80 cells_uncited=0
GATE_sealed-crossplan27 ?= crossplan_accuracy=1.00 cells_uncited=0
GATE_sealed-crossplan28 ?= crossplan_accuracy=1.00 cells_uncited=0
GATE_sealed-crossplan29 ?= crossplan_accuracy=0.90 cells_uncited=0
GATE_sealed-crossplan30 ?= crossplan_accuracy=0.90 cells_uncited=0
GATE_sealed-crossplan31 ?= crossplan_accuracy=0.95 cells_uncited=0
GATE_sealed-crossplan32 ?= crossplan_accuracy=0.90 cells_uncited=0
GATE_sealed-crossplan33 ?= crossplan_accuracy=1.00 cells_uncited=0
GATE_sealed-crossplan34 ?= crossplan_accuracy=0.80 cells_uncited=0
GATE_sealed-crossplan35 ?= crossplan_accuracy=0.95 cells_uncited=0
GATE_sealed-crossplan36 ?= crossplan_accuracy=0.90 cells_uncited=0
GATE_sealed-crossplan37 ?= crossplan_accuracy=0.65 cells_uncited=0
GATE_sealed-crossplan38 ?= crossplan_accuracy=1.0 cells_uncited=0
GATE_sealed-crossplan39 ?= crossplan_accuracy=0.95 cells_uncited=0
GATE_sealed-crossplan24 ?= crossplan_accuracy=0.95 cells_uncited=0
GATE_sealed-mixedA ?= answer_accuracy=0.97 abstention_recall=0.95 false_abstention=0.03
GATE_sealed-mixedB ?= answer_accuracy=0.96 abstention_recall=0.95 false_abstention=0.01
GATE_sealed-mixedC ?= answer_accuracy=1.00 abstention_recall=1.00 false_abstention=0.00
GATE_sealed-mixedD ?= answer_accuracy=0.98 abstention_recall=0.95 false_abstention=0.01
GATE_sealed-mixedE ?= answer_accuracy=0.98 abstention_recall=0.95 false_abstention=0.03
GATE_sealed-mixedF ?= answer_accuracy=0.96 abstention_recall=0.95 false_abstention=0.02
GATE_sealed-mixedG ?= answer_accuracy=0.96 abstention_recall=0.95 false_abstention=0.02
GATE_sealed-mixedH ?= answer_accuracy=0.98 abstention_recall=0.95 false_abstention=0.01
GATE_sealed-mixedI ?= answer_accuracy=0.93 abstention_recall=1.00 false_abstention=0.06
GATE_sealed-mixedJ ?= answer_accuracy=0.96 abstention_recall=0.95 false_abstention=0.02
GATE_sealed-mixedK ?= answer_accuracy=0.96 abstention_recall=0.95 false_abstention=0.06
GATE_sealed-mixedL ?= answer_accuracy=0.95 abstention_recall=0.95 false_abstention=0.03
GATE_sealed-mixedM ?= answer_accuracy=0.90 abstention_recall=0.95 false_abstention=0.06
GATE_sealed-mixedN ?= answer_accuracy=0.95 abstention_recall=0.95 false_abstention=0.10
GATE_sealed-mixedO ?= answer_accuracy=0.96 abstention_recall=1.00 false_abstention=0.01
GATE_sealed-mixedQ ?= answer_accuracy=0.96 abstention_recall=0.95 false_abstention=0.02
GATE_sealed-mixedR ?= answer_accuracy=0.99 abstention_recall=0.95 false_abstention=0.01
GATE_sealed-mixedS ?= answer_accuracy=0.96 abstention_recall=1.00 false_abstention=0.00
GATE_sealed-mixedT ?= answer_accuracy=0.91 abstention_recall=0.95 false_abstention=0.06
GATE_sealed-mixedU ?= answer_accuracy=0.95 abstention_recall=0.95 false_abstention=0.04
GATE_sealed-mixedV ?= answer_accuracy=0.90 abstention_recall=0.95 false_abstention=0.06
GATE_sealed-mixedX ?= answer_accuracy=0.86 abstention_recall=0.95 false_abstention=0.04
GATE_sealed-mixedY ?= answer_accuracy=0.73 abstention_recall=0.85 false_abstention=0.14
GATE_sealed-mixedW ?= answer_accuracy=0.93 abstention_recall=0.95 false_abstention=0.06
GATE_sealed-mixedZ ?= answer_accuracy=0.96 abstention_recall=0.95 false_abstention=0.02
GATE_sealed-mixedAA ?= answer_accuracy=0.95 abstention_recall=0.95 false_abstention=0.06
GATE_sealed-mixedAB ?= answer_accuracy=0.88 abstention_recall=0.85 false_abstention=0.08
GATE_sealed-mixedAC ?= answer_accuracy=0.91 abstention_recall=1.00 false_abstention=0.10
GATE_sealed-mixedAD ?= answer_accuracy=0.95 abstention_recall=1.00 false_abstention=0.06
GATE_sealed-mixedAE ?= answer_accuracy=0.78 abstention_recall=1.00 false_abstention=0.16
GATE_sealed-mixedAF ?= answer_accuracy=0.91 abstention_recall=1.00 false_abstention=0.06
GATE_sealed-mixedAH ?= answer_accuracy=0.96 abstention_recall=0.95 false_abstention=0.04
GATE_sealed-mixedAI ?= answer_accuracy=0.96 abstention_recall=1.00 false_abstention=0.02
GATE_sealed-mixedAJ ?= answer_accuracy=0.96 abstention_recall=0.95 false_abstention=0.02
GATE_sealed-mixedAK ?= answer_accuracy=0.93 abstention_recall=1.00 false_abstention=0.02
GATE_sealed-mixedAL ?= answer_accuracy=0.84 abstention_recall=0.95 false_abstention=0.06
GATE_sealed-mixedAM ?= answer_accuracy=0.93 abstention_recall=0.95 false_abstention=0.06
GATE_sealed-mixedAN ?= answer_accuracy=0.93 abstention_recall=0.95 false_abstention=0.06
GATE_sealed-mixedAO ?= answer_accuracy=0.90 abstention_recall=0.95 false_abstention=0.04
GATE_sealed-mixedAP ?= answer_accuracy=0.93 abstention_recall=0.95 false_abstention=0.04
GATE_sealed-mixedAQ ?= answer_accuracy=0.86 abstention_recall=0.95 false_abstention=0.08
GATE_sealed-mixedAR ?= answer_accuracy=0.96 abstention_recall=0.95 false_abstention=0.02
GATE_sealed-mixedAS ?= answer_accuracy=0.95 abstention_recall=0.95 false_abstention=0.02
GATE_sealed-mixedAT ?= answer_accuracy=0.91 abstention_recall=0.95 false_abstention=0.02
GATE_sealed-mixedAU ?= answer_accuracy=0.99 abstention_recall=0.95 false_abstention=0.01
GATE_sealed-mixedAV ?= answer_accuracy=0.91 abstention_recall=0.95 false_abstention=0.06
GATE_sealed-mixedAG ?= answer_accuracy=0.88 abstention_recall=0.95 false_abstention=0.10
GATE_briefs ?= brief_pass=1.0 summary_targets=4.8 industry_recall=0.88 bare_sector_items=0 citation_exact=1
GATE_briefs_sealed ?= brief_pass=1.0 summary_targets=4.8 industry_recall=0.82 bare_sector_items=0 citation_exact=1
GATE_briefs_sealed2 ?= brief_pass=1.0 summary_targets=4.0 industry_recall=0.85 bare_sector_items=0 citation_exact=1
GATE_briefs_sealed3 ?= brief_pass=1.0 summary_targets=3.6 industry_recall=0.85 bare_sector_items=0 citation_exact=1
GATE_briefs_sealed4 ?= brief_pass=1.0 summary_targets=3.6 industry_recall=0.85 bare_sector_items=0 citation_exact=1
EVAL_SETS ?= indicators holdout blind blind2 blind3 outside analyst english describe spoken traps keywords crossplan crossplan2 \
	sealed-describe sealed-crossplan sealed-mixedA sealed-mixedB sealed-mixedC sealed-mixedD sealed-mixedE sealed-mixedF sealed-mixedG sealed-mixedH sealed-mixedI sealed-mixedJ sealed-mixedK sealed-mixedL sealed-mixedM sealed-mixedN sealed-mixedO sealed-mixedQ sealed-mixedR sealed-mixedS sealed-mixedT sealed-mixedU sealed-mixedV sealed-mixedW sealed-mixedX sealed-mixedY sealed-mixedZ sealed-mixedAA sealed-mixedAB sealed-mixedAC sealed-mixedAD sealed-mixedAE sealed-mixedAF sealed-mixedAG sealed-mixedAH sealed-mixedAI sealed-mixedAJ sealed-mixedAK sealed-mixedAL sealed-mixedAM sealed-mixedAN sealed-mixedAO sealed-mixedAP sealed-mixedAQ sealed-mixedAR sealed-mixedAS sealed-mixedAT sealed-mixedAU sealed-mixedAV \
	sealed-crossplan3 sealed-crossplan4 sealed-crossplan5 sealed-crossplan6 sealed-crossplan7 sealed-crossplan8 sealed-crossplan9 sealed-crossplan10 sealed-crossplan11 sealed-crossplan12 sealed-crossplan13 sealed-crossplan14 sealed-crossplan15 sealed-crossplan16 sealed-crossplan17 sealed-crossplan18 sealed-crossplan19 sealed-crossplan20 sealed-crossplan21 sealed-crossplan22 sealed-crossplan23 sealed-crossplan24 sealed-crossplan25 sealed-crossplan26 sealed-crossplan27 sealed-crossplan28 sealed-crossplan29 sealed-crossplan30 sealed-crossplan31 sealed-crossplan32 sealed-crossplan33 sealed-crossplan34 sealed-crossplan35 sealed-crossplan36 sealed-crossplan37 sealed-crossplan38 sealed-crossplan39
EVAL_HOME ?= .qa-eval

.PHONY: install install-run ingest run test lint eval bench bench-scale bench-scale-large bench-library record-llm

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# what a user needs (every document format); the test tools only for `make test`
install-run: $(PY)
	$(PY) -m pip install -q -e ".[formats,export]"

install: $(PY)
	$(PY) -m pip install -q -e ".[test]"

ingest: install-run
	$(QA) ingest seeds/

run: ingest
	$(QA) serve

lint: install
	$(VENV)/bin/ruff check qa tests bench

eval: install
	QA_HOME=$(EVAL_HOME) $(QA) ingest -q seeds/
	$(foreach n,$(EVAL_SETS),QA_HOME=$(EVAL_HOME) $(QA) eval --gold evals/$(n).jsonl --report reports/eval-$(n) \
	  --fail-under $(GATE_$(n)) $(if $(findstring crossplan,$(n)),,$(GATE_COMMON)) && ) true
	QA_HOME=$(EVAL_HOME) $(QA) eval --briefs evals/briefs.jsonl --report reports/eval-briefs --fail-under $(GATE_briefs)
	QA_HOME=$(EVAL_HOME) $(QA) eval --briefs evals/briefs-sealed.jsonl --report reports/eval-briefs-sealed \
	  --fail-under $(GATE_briefs_sealed)
	QA_HOME=$(EVAL_HOME) $(QA) eval --briefs evals/briefs-sealed2.jsonl --report reports/eval-briefs-sealed2 \
	  --fail-under $(GATE_briefs_sealed2)
	QA_HOME=$(EVAL_HOME) $(QA) eval --briefs evals/briefs-sealed3.jsonl --report reports/eval-briefs-sealed3 \
	  --fail-under $(GATE_briefs_sealed3)
	QA_HOME=$(EVAL_HOME) $(QA) eval --briefs evals/briefs-sealed4.jsonl --report reports/eval-briefs-sealed4 \
	  --fail-under $(GATE_briefs_sealed4)

# Debian chromium for the browser tests is installed when missing (every time with PLANQA_FRESH=1, as in CI)
test: install
	VENV=$(VENV) bash scripts/llm_server.sh install
	bash scripts/install_chromium.sh
	$(PY) -m pytest -q
	$(VENV)/bin/ruff check qa tests bench
	$(MAKE) --no-print-directory eval VENV=$(VENV)

# Record the LLM engine on evals/llm-subset.jsonl against the local llama.cpp server into
# evals/llm-replay (~22 min on 2 cores; commit the result). CI replays it offline (tests/test_llm_replay.py).
record-llm: install
	VENV=$(VENV) bash scripts/record_llm.sh

# every benchmark but the scale runs: 200 plans (15-20 min, `make bench-scale`), over 100,000 chunks
# in one store (30-40 min, `make bench-scale-large`) and a library of 1,000 plans (about an hour, `make bench-library`)
bench: install
	for f in bench/*.py; do case $$f in bench/scale*.py|bench/library.py) ;; *) $(PY) $$f || exit 1;; esac; done

bench-scale: install
	$(PY) bench/scale.py

bench-scale-large: install
	$(PY) bench/scale_large.py

bench-library: install
	$(PY) bench/library.py

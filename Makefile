# planqa: `make run` opens the page on the embedded defaults; `make test` is what CI runs.
VENV ?= .venv
PY := $(VENV)/bin/python
QA := $(VENV)/bin/qa
# eval gate: set just under the measured numbers (README), so a regression fails CI
export QA_EMBED_CACHE ?= $(CURDIR)/.cache/test-embeddings.sqlite
EVAL_THRESHOLDS ?= answer_accuracy=0.95 strict_accuracy=0.95 citation_accuracy=0.94 recall@1=0.82 recall@5=0.96 abstention_recall=0.95 false_abstention=0.03 unsupported_shown=0
# the held-out sets (each labelled after the rules of its time; see README): each its own gate, just under its numbers
HOLDOUT_THRESHOLDS ?= answer_accuracy=0.97 strict_accuracy=0.97 citation_accuracy=0.97 recall@5=0.98 abstention_recall=0.95 false_abstention=0.03 unsupported_shown=0
BLIND_THRESHOLDS ?= answer_accuracy=0.98 strict_accuracy=0.96 citation_accuracy=0.97 recall@5=0.98 abstention_recall=0.95 false_abstention=0.02 unsupported_shown=0
BLIND2_THRESHOLDS ?= answer_accuracy=0.90 strict_accuracy=0.90 citation_accuracy=0.95 recall@5=0.98 abstention_recall=0.95 false_abstention=0.08 unsupported_shown=0
# blind3: never trained or tuned on (0.700 on its first run, 0.688 after this work; see README)
BLIND3_THRESHOLDS ?= answer_accuracy=0.66 abstention_recall=0.95 unsupported_shown=0
# cross-plan questions (winner and every plan's cell; first run 0.629)
CROSSPLAN_THRESHOLDS ?= crossplan_accuracy=0.88 winner_accuracy=0.95 cell_accuracy=0.95 cells_uncited=0

.PHONY: install ingest run test lint eval bench bench-scale bench-scale-large record-llm

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

install: $(PY)
	$(PY) -m pip install -q -e ".[test]"

ingest: install
	$(QA) ingest seeds/

run: ingest
	$(QA) serve

lint: install
	$(VENV)/bin/ruff check qa tests bench

eval: install
	$(QA) eval --gold evals/indicators.jsonl --report reports/eval --fail-under $(EVAL_THRESHOLDS)
	$(QA) eval --gold evals/holdout.jsonl --report reports/eval-holdout --fail-under $(HOLDOUT_THRESHOLDS)
	$(QA) eval --gold evals/blind.jsonl --report reports/eval-blind --fail-under $(BLIND_THRESHOLDS)
	$(QA) eval --gold evals/blind2.jsonl --report reports/eval-blind2 --fail-under $(BLIND2_THRESHOLDS)
	$(QA) eval --gold evals/blind3.jsonl --report reports/eval-blind3 --fail-under $(BLIND3_THRESHOLDS)
	$(QA) eval --gold evals/crossplan.jsonl --report reports/eval-crossplan --fail-under $(CROSSPLAN_THRESHOLDS)

# Debian chromium for the browser tests is installed when missing (every time with PLANQA_FRESH=1, as in CI)
test: install
	VENV=$(VENV) bash scripts/llm_server.sh install
	bash scripts/install_chromium.sh
	$(PY) -m pytest -q
	$(VENV)/bin/ruff check qa tests bench
	QA_HOME=.qa-eval $(QA) ingest -q seeds/
	QA_HOME=.qa-eval $(QA) eval --gold evals/indicators.jsonl --report reports/eval --fail-under $(EVAL_THRESHOLDS)
	QA_HOME=.qa-eval $(QA) eval --gold evals/holdout.jsonl --report reports/eval-holdout --fail-under $(HOLDOUT_THRESHOLDS)
	QA_HOME=.qa-eval $(QA) eval --gold evals/blind.jsonl --report reports/eval-blind --fail-under $(BLIND_THRESHOLDS)
	QA_HOME=.qa-eval $(QA) eval --gold evals/blind2.jsonl --report reports/eval-blind2 --fail-under $(BLIND2_THRESHOLDS)
	QA_HOME=.qa-eval $(QA) eval --gold evals/blind3.jsonl --report reports/eval-blind3 --fail-under $(BLIND3_THRESHOLDS)
	QA_HOME=.qa-eval $(QA) eval --gold evals/crossplan.jsonl --report reports/eval-crossplan --fail-under $(CROSSPLAN_THRESHOLDS)

# Record the LLM engine on evals/llm-subset.jsonl against the local llama.cpp server into
# evals/llm-replay (~22 min on 2 cores; commit the result). CI replays it offline (tests/test_llm_replay.py).
record-llm: install
	VENV=$(VENV) bash scripts/record_llm.sh

# every benchmark but the scale runs: 200 plans (15-20 min, `make bench-scale`) and over 100,000 chunks
# in one store (30-40 min, `make bench-scale-large`)
bench: install
	for f in bench/*.py; do case $$f in bench/scale*.py) ;; *) $(PY) $$f || exit 1;; esac; done

bench-scale: install
	$(PY) bench/scale.py

bench-scale-large: install
	$(PY) bench/scale_large.py

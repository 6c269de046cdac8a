"""`qa eval`: score retrieval and answers against a hand-labelled gold file.

* ``gold``: the gold file, checked line by line, its quotes located in the original files;
* ``judge``: one answer against its question (units, qualifiers, key phrases, citations);
* ``metrics``: the metrics over a group of judged questions, latency percentiles;
* ``report``: ``report.json`` / ``report.md`` and the ``--fail-under`` thresholds;
* ``run``: the run itself, and LLM runs recorded into / replayed from a directory.

The command line is ``qa.cli.evaluate``; evals/README.md has every scoring rule.
"""

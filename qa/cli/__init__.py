"""The `qa` command line (entry point ``qa = "qa.cli:main"``).

* ``command``: the parser, the dispatch and the one-line error handling (``main``);
* ``common``: settings from the environment and flags, ``UserError``, the question check;
* ``documents``: `qa ingest`, `qa search`, `qa ask`;
* ``evaluate``: `qa eval` (the run itself is ``qa.eval``);
* ``briefs``: `qa brief`, `qa compare` (their printing is still in ``qa.brief``);
* ``serve``: `qa serve` (the page is ``qa.web``).
"""

from qa.cli.command import build_parser, main

__all__ = ["build_parser", "main"]

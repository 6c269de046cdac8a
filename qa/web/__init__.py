"""The page (`qa serve`): 问答 / 简报 / 对比 / 评测 tabs over the same functions the CLI uses.

* ``app``: the Gradio Blocks and ``serve`` (binding, login, launch options);
* ``page``: ``Page``, the handlers every tab calls, each input checked before use;
* ``render``: answers, sources, briefs and comparisons as escaped HTML / markdown;
* ``files``: the document files the page may read (inside ``QA_DOCS`` only).

Importing this package imports nothing heavy: gradio is imported when a page is built.
"""

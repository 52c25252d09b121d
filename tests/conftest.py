"""Shared pytest set-up.

The pages are collected by pytest-markdown-docs (``--markdown-docs`` in pyproject's ``addopts``); its glue
for this book (one namespace per page, includes, shown outputs, page rules) is tests/nnbook_docs.py,
loaded for every run by ``-p nnbook_docs``, so that it also serves pages given directly
(``pytest docs/ja/02-perceptron.md``), which a conftest in tests/ would not see.
"""

import os

# Figures never need a screen, in unit tests and docs tests alike.
os.environ.setdefault("MPLBACKEND", "Agg")

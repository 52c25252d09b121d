"""Shared pytest set-up.

The docs-test machinery (every python block of every page in docs/ runs, shown output is checked) lives
in tests/nnbook_docs.py and is loaded for every run by ``-p nnbook_docs`` in pyproject.toml, so that it
also collects pages given directly (``pytest docs/ja/02-perceptron.md``), which a conftest in tests/
would not see.
"""

import os

# Figures never need a screen, in unit tests and docs tests alike.
os.environ.setdefault("MPLBACKEND", "Agg")

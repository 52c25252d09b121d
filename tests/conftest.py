"""Shared pytest set-up.

The pages are collected by pytest-markdown-docs (``--markdown-docs`` in pyproject's ``addopts``); its glue
for this book (one namespace per page, includes, shown outputs, page rules) is tests/nnbook_docs.py,
loaded for every run by ``-p nnbook_docs``, so that it also serves pages given directly
(``pytest docs/ja/02-perceptron.md``), which a conftest in tests/ would not see.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Figures never need a screen, in unit tests and docs tests alike.
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parent.parent


def _build(out: Path, **env) -> Path:
    # Not --strict: .ci/run does the strict build; here the pages only have to exist.
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(out)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    return out


# The built site, once per test run for every test file that looks at it (test_browser.py,
# test_links.py). NNBOOK_SITE_DIR / NNBOOK_OFFLINE_SITE_DIR test a site already built from this tree.
@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    if os.environ.get("NNBOOK_SITE_DIR"):
        return Path(os.environ["NNBOOK_SITE_DIR"]).resolve()
    return _build(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="session")
def offline_site(tmp_path_factory) -> Path:
    """The offline build (NNBOOK_OFFLINE=true), made to be opened from file:// URLs."""
    if os.environ.get("NNBOOK_OFFLINE_SITE_DIR"):
        return Path(os.environ["NNBOOK_OFFLINE_SITE_DIR"]).resolve()
    return _build(tmp_path_factory.mktemp("offline"), NNBOOK_OFFLINE="true")


def pytest_collection_modifyitems(session, config, items):
    """tests/test_notebooks.py first (the order of the rest unchanged): its executions of the chapter
    notebooks fill mkdocs-jupyter's cache, which the builds of test_browser.py and test_links.py then
    reuse, so each chapter runs once per language in a run of the whole suite."""
    items.sort(key=lambda item: item.path.name != "test_notebooks.py")

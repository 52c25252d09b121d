"""hooks/pyodide_run.py: the blocks it marks for a Run button are exactly the ones the docs tests run."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from nnbook_docs import scan_fences

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("pyodide_run", ROOT / "hooks" / "pyodide_run.py")
hook = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hook)

PAGES = sorted((ROOT / "docs").glob("*/*.md"))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_marked_blocks_are_the_tested_python_blocks(path):
    text = path.read_text(encoding="utf-8")
    tested = [f.line for f in scan_fences(text) if f.is_python and f.runs]
    marked = [
        k + 1 for k, line in enumerate(hook.mark_runnable(text).split("\n")) if line.strip().endswith(f".{hook.RUN_CLASS}}}")
    ]
    assert marked == tested


def test_fences_inside_a_longer_fence_are_left_alone():
    text = "````markdown\n```python\nprint(1)\n```\n````\n\n```python\nprint(2)\n```\n\n```{.python .no-run}\nx\n```\n"
    out = hook.mark_runnable(text).split("\n")
    assert out[1] == "```python" and out[6] == "```{.python .nnbook-run}" and out[10] == "```{.python .no-run}"


def test_switch_off_leaves_pages_unchanged(monkeypatch):
    monkeypatch.delenv(hook.SWITCH, raising=False)
    assert hook.on_page_markdown("```python\nx = 1\n```\n", None, None, None) == "```python\nx = 1\n```\n"
    assert hook.on_post_page("<body></body>", None, None) == "<body></body>"


def _worker_functions() -> dict:
    """The output rules the browser's worker runs (Python inside hooks/nnbook-run-worker.js)."""
    import ast

    js = (ROOT / "hooks" / "nnbook-run-worker.js").read_text(encoding="utf-8")
    source = js.split("const RUNNER = `", 1)[1].split("\n`;", 1)[0].replace("\\\\", "\\")
    wanted = [node for node in ast.parse(source).body
              if isinstance(node, ast.FunctionDef) and node.name in {"_norm", "_matches", "_split"}]
    namespace: dict = {}
    exec(compile(ast.Module(body=wanted, type_ignores=[]), "nnbook-run-worker.js", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("expected, actual", [
    ("1\n2\n", "1\n2"), ("1\n2", "1\n3"), ("a\n...\nz", "a\nb\nc\nz"), ("a\n...\nz", "a\nz"),
    ("a\n...", "b"), ("\n\nx  \n\n", "x"), ("x", ""), ("", ""),
])
def test_the_browser_compares_outputs_as_the_docs_tests_do(expected, actual):
    # the worker keeps its own copy of these rules (it runs in Pyodide, without the tests): they must agree
    from nnbook_docs import output_matches

    assert _worker_functions()["_matches"](expected, actual) == output_matches(expected, actual)


@pytest.mark.parametrize("output", [
    "1\n2", "x\nTraceback (most recent call last):\n  ...\nValueError: bad", "Traceback (most recent call last):\n"
    "  File \"f\", line 1\n    y\nKeyError: 'k'\n",
])
def test_the_browser_splits_expected_exceptions_as_the_docs_tests_do(output):
    from nnbook_docs import split_expected

    assert _worker_functions()["_split"](output) == split_expected(output)

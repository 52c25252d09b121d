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

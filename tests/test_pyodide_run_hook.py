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
    tested = [f.line for f in scan_fences(text) if f.runs]  # python fences, and pycon ones (doctests)
    marked = [k + 1 for k, line in enumerate(hook.mark_runnable(text).split("\n")) if f".{hook.RUN_CLASS}" in line]
    assert marked == tested


def test_fences_inside_a_longer_fence_are_left_alone():
    text = "````markdown\n```python\nprint(1)\n```\n````\n\n```python\nprint(2)\n```\n\n```{.python .no-run}\nx\n```\n"
    out = hook.mark_runnable(text).split("\n")
    assert out[1] == "```python" and out[6] == "```{.python .nnbook-run}" and out[10] == "```{.python .no-run}"


def _marks(path: str) -> list[str]:
    text = (ROOT / path).read_text(encoding="utf-8")
    return [line.strip() for line in hook.mark_runnable(text).split("\n") if f".{hook.RUN_CLASS}" in line]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_blocks_the_browser_cannot_reproduce_are_marked(lang):
    # A1: from the first block that loads the digits (scikit-learn) to the end of the page
    a1 = _marks(f"docs/{lang}/a1-digits.md")
    assert hook.SKLEARN_CLASS not in a1[0] and all(hook.SKLEARN_CLASS in m for m in a1[1:]) and len(a1) > 5
    # ch. 7: the three blocks whose checked output shows NumPy's floating-point warnings
    ch7 = _marks(f"docs/{lang}/07-relu-and-sigmoid.md")
    assert sum(hook.FP_CLASS in m for m in ch7) == 3
    assert not any(hook.SKLEARN_CLASS in m for m in ch7)
    # ch. 1's pycon example is runnable too
    assert _marks(f"docs/{lang}/01-roadmap.md") == [f"```{{.pycon .{hook.RUN_CLASS} .{hook.PYCON_CLASS}}}"]
    # every other chapter runs as the page shows
    for page in ("02-perceptron", "09-learning", "11-xor-training"):
        assert not any(hook.FP_CLASS in m or hook.SKLEARN_CLASS in m for m in _marks(f"docs/{lang}/{page}.md"))


def test_floating_point_traps_in_code_are_marked():
    text = "```python\nwith np.errstate(over='raise'):\n    y = np.exp(x)\n```\n"
    assert hook.FP_CLASS in hook.mark_runnable(text)


def test_offline_build_gets_no_buttons_even_with_the_switch_on(monkeypatch, tmp_path):
    monkeypatch.setenv(hook.SWITCH, "1")
    monkeypatch.setenv(hook.OFFLINE, "true")
    assert hook.on_page_markdown("```python\nx = 1\n```\n", None, None, None) == "```python\nx = 1\n```\n"
    html = '<body><div class="nnbook-run highlight"></div></body>'
    assert hook.on_post_page(html, None, None) == html
    hook.on_post_build({"site_dir": str(tmp_path)})
    assert not (tmp_path / hook.ASSET_DIR).exists()


def test_switch_off_leaves_pages_unchanged(monkeypatch):
    monkeypatch.delenv(hook.SWITCH, raising=False)
    assert hook.on_page_markdown("```python\nx = 1\n```\n", None, None, None) == "```python\nx = 1\n```\n"
    assert hook.on_post_page("<body></body>", None, None) == "<body></body>"


def _worker_runner() -> str:
    """The Python text the worker hands to Pyodide: its template literal, as JavaScript reads it (Node.js)."""
    import shutil
    import subprocess

    path = ROOT / "hooks" / "nnbook-run-worker.js"
    js = path.read_text(encoding="utf-8")
    if shutil.which("node") is None:  # the literal holds only \\ and \\n escapes
        return js.split("const RUNNER = `", 1)[1].split("\n`;", 1)[0].replace("\\\\", "\x00").replace("\\n", "\n").replace("\x00", "\\")
    script = js.split("\nlet ready", 1)[0] + "\nprocess.stdout.write(RUNNER);\n"
    return subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True).stdout


def test_the_worker_runner_is_valid_python():
    compile(_worker_runner(), "nnbook-run-worker.js", "exec")


def _worker_functions() -> dict:
    """The output rules the browser's worker runs (Python inside hooks/nnbook-run-worker.js)."""
    import ast

    source = _worker_runner()
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

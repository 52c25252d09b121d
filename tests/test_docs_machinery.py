"""The docs tests must fail when a page is wrong: tiny planted pages, run by pytest-markdown-docs with our
glue (tests/nnbook_docs.py) in a pytest inside pytest, prove each rule and each gap the glue fills.

Most planted pages run together in one pytest session (the ``planted`` fixture: one subprocess, each
page's items are reported separately); the cases that need their own session (collection, one item run
alone, ``--update-outputs``, the caller's NumPy state) use pytester.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

import nnbook_docs as docs

ROOT = Path(__file__).resolve().parent.parent
# Hypothesis' plugin is left out: no planted page uses it, and its terminal summary imports hypothesis,
# whose 73 modules pytest assertion-rewrites again in every session (PYTHONDONTWRITEBYTECODE=1 keeps it
# from caching them; pytester drops what an in-process session imported): 0.5-0.8 CPU s a session.
ADDOPTS = "-p nnbook_docs --markdown-docs --markdown-docs-syntax=superfences -p no:cacheprovider -p no:hypothesispytest -ra"
SOURCE = """\
import math

# --8<-- [start:double]
def double(x):
    return 2 * x
# --8<-- [end:double]

# --8<-- [start:fragile]
def fragile(x):
    return math.sqrt(x)
# --8<-- [end:fragile]
"""
# Records every item's outcome and report text (failure or skip reason) for the planted session.
REPORTER = """\
import json

REPORTS = []


def pytest_runtest_logreport(report):
    if report.when == "call" or not report.passed:
        text = report.longrepr[2] if report.skipped and isinstance(report.longrepr, tuple) else report.longreprtext
        REPORTS.append({"nodeid": report.nodeid, "outcome": report.outcome, "text": text})


def pytest_sessionfinish(session):
    with open("reports.json", "w", encoding="utf-8") as f:
        json.dump(REPORTS, f)
"""


def make_project(path: Path) -> Path:
    """A tiny project: the real mkdocs.yml, our pytest options, a source file with named sections, docs/ja."""
    shutil.copy(ROOT / "mkdocs.yml", path / "mkdocs.yml")
    (path / "pytest.ini").write_text(f"[pytest]\naddopts = {ADDOPTS}\n")
    (path / "src").mkdir()
    (path / "src" / "mod.py").write_text(SOURCE)
    (path / "docs" / "ja").mkdir(parents=True)
    return path


GOOD = """\
    # A page

    ```python
    --8<-- "src/mod.py:double"

    print(double(21))
    ```

    ```{.text .output}
    42
    ```

    !!! note "inside an admonition"

        ```python
        total = double(1) + 1
        print(total)
        ```

        ```{.text .output}
        3
        ```

    === "Tab"

        ```pycon
        >>> total * 2
        6
        ```

    ??? success "Answer"

        ```python
        int("x")
        ```

        ```{.text .output}
        Traceback (most recent call last):
          ...
        ValueError: invalid literal for int() with base 10: 'x'
        ```

    <!-- no-run: pseudo-code -->
    ```{.python .no-run}
    repeat until done: learn()
    ```

    ```python
    for i in range(4):
        print(i)
    ```

    ```{.text .output}
    0
    ...
    3
    ```
    """

PAGES: dict[str, str] = {}  # planted page -> markdown, all run in one session by the `planted` fixture


def plant(name: str, markdown: str) -> str:
    PAGES[name] = textwrap.dedent(markdown)
    return name


@dataclass
class Outcome:
    counts: dict[str, int]  # passed / failed / skipped items of the page
    text: str  # every failure and skip report of the page


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> dict[str, Outcome]:
    project = make_project(tmp_path_factory.mktemp("planted"))
    (project / "conftest.py").write_text(REPORTER)
    for name, markdown in PAGES.items():
        (project / "docs" / "ja" / f"{name}.md").write_text(markdown.replace("@LOG@", str(project / "runs.log")))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tests")}
    subprocess.run([sys.executable, "-m", "pytest", "-q", "docs"], cwd=project, env=env, capture_output=True, timeout=600)
    reports = json.loads((project / "reports.json").read_text(encoding="utf-8"))
    outcomes = {}
    for name in PAGES:
        mine = [r for r in reports if r["nodeid"].startswith(f"docs/ja/{name}.md::")]
        outcomes[name] = Outcome(dict(Counter(r["outcome"] for r in mine)), "\n".join(r["text"] for r in mine))
    outcomes["runs.log"] = (project / "runs.log").read_text() if (project / "runs.log").exists() else ""
    return outcomes


RIGHT = plant("right", GOOD)
WRONG_OUTPUT = plant("wrong-output", GOOD.replace("    42\n", "    41\n"))
WRONG_IN_ADMONITION = plant("wrong-in-admonition", GOOD.replace("        3\n", "        4\n", 1))
CUT_SHORT = plant(
    "cut-short",
    "# t\n\n!!! note\n\n    ```python\n    x = 1\n    ```\n\n\n    ```python\n    print(x + 1)\n    ```\n\n\n\n"
    "    ```{.text .output}\n    3\n    ```\n",
)
WRONG_MESSAGE = plant("wrong-message", GOOD.replace("base 10: 'x'", "base 10: 'y'"))
WRONG_TYPE = plant("wrong-type", GOOD.replace("ValueError: invalid", "TypeError: invalid"))
NO_EXCEPTION = plant("no-exception", GOOD.replace('int("x")', 'int("7")'))
UNEXPECTED = plant("unexpected", GOOD.replace("total = double(1) + 1", "total = doubel(1) + 1"))
IN_INCLUDE = plant("in-include", '# t\n\n```python\nimport math\n--8<-- "src/mod.py:fragile"\n\nfragile(-1)\n```\n')
TYPE_ERROR = plant("type-error", "# t\n\n```python\nopen('@LOG@', 'a').write('ran ')\nlen(5)\n```\n")
EXIT = plant("exit", "# t\n\n```python\nimport sys\nsys.exit(3)\n```\n")
NO_REASON = plant("no-reason", GOOD.replace("    <!-- no-run: pseudo-code -->\n", ""))
EMPTY_REASON = plant("empty-reason", GOOD.replace("no-run: pseudo-code", "no-run:"))
ORPHAN_REASON = plant("orphan-reason", "# t\n\n<!-- no-run: left over -->\n\ntext\n")
MISSPELT = {lang: plant(f"misspelt-{lang}", f"# t\n\n```{lang}\nprint(1)\n```\n") for lang in ("pyhton", "ipython", "Pyton")}
OTHER_LANGUAGES = plant("other-languages", "# t\n\n```bash\npip install nnbook\n```\n\n```text\nplain\n```\n")
DOCTEST = plant("doctest", GOOD.replace("        6\n", "        7\n"))
MISSING_SECTION = plant("missing-section", GOOD.replace("mod.py:double", "mod.py:triple"))
HIDDEN_OUTPUT = plant("hidden-output", "# t\n\n```python\nprint('hidden')\n```\n")
AFTER_PROSE = plant("after-prose", "# t\n\n```python\nx = 1\n```\n\ntext\n\n```{.text .output}\n1\n```\n")
NS_A = plant("ns-a", "# a\n\n```python\nleft_over = 1\n```\n\n```python\nprint(left_over)\n```\n\n```{.text .output}\n1\n```\n")
NS_B = plant("ns-b", "# b\n\n```python\nleft_over\n```\n")
NUMPY_1 = plant("numpy-1", "# a\n\n```python\nimport numpy as np\nnp.set_printoptions(precision=2)\nnp.seterr(all='raise')\n```\n")
NUMPY_2 = plant(
    "numpy-2",
    "# b\n\n```python\nimport numpy as np\nprint(np.array([1 / 3]), np.float64(1) / 0)\n```\n\n"
    "```{.text .output}\nRuntimeWarning: divide by zero encountered in scalar divide\n[0.33333333] inf\n```\n",
)
WARNING_HIDDEN = plant("warning-hidden", "# w\n\n```python\nimport warnings\nwarnings.warn('careful', RuntimeWarning)\n```\n")
WARNING_SHOWN = plant("warning-shown", PAGES[WARNING_HIDDEN] + "\n```{.text .output}\nRuntimeWarning: careful\n```\n")


def test_a_right_page_passes_one_item_per_fence(planted):
    assert planted[RIGHT].counts == {"passed": 6}, planted[RIGHT].text  # 5 runnable fences + page-rules


def test_wrong_output_fails_with_page_and_line(planted):
    assert planted[WRONG_OUTPUT].counts == {"passed": 5, "failed": 1}
    assert "docs/ja/wrong-output.md:9: shown output differs" in planted[WRONG_OUTPUT].text
    assert "-41" in planted[WRONG_OUTPUT].text and "+42" in planted[WRONG_OUTPUT].text


def test_wrong_output_inside_admonition_fails(planted):
    assert planted[WRONG_IN_ADMONITION].counts == {"passed": 5, "failed": 1}
    assert "docs/ja/wrong-in-admonition.md:20: shown output differs" in planted[WRONG_IN_ADMONITION].text


def test_no_fence_inside_an_admonition_is_cut_short(planted):
    """Two blank lines inside an admonition do not end it (they did in mdit-py-plugins' admonition)."""
    fences = docs.scan_fences(PAGES[CUT_SHORT])
    assert [(f.line, f.lang, f.classes, f.body) for f in fences] == [
        (5, "python", [], "x = 1\n"),
        (10, "python", [], "print(x + 1)\n"),
        (16, "text", ["output"], "3\n"),
    ]
    assert planted[CUT_SHORT].counts == {"passed": 2, "failed": 1}
    assert "docs/ja/cut-short.md:16: shown output differs" in planted[CUT_SHORT].text


def test_fences_are_those_the_build_renders():
    """Every page: our parser finds as many fences as Python-Markdown with mkdocs.yml's extensions renders."""
    import markdown

    config = docs.yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=docs._MkDocsLoader)
    names, options = [], {}
    for entry in config["markdown_extensions"]:
        name, conf = next(iter(entry.items())) if isinstance(entry, dict) else (entry, None)
        if name != "pymdownx.snippets":  # includes outside fences are not code blocks
            names.append(name)
            options[name] = conf or {}
    for page in sorted((ROOT / "docs").glob("*/*.md")):
        text = page.read_text(encoding="utf-8")
        html = markdown.markdown(text, extensions=names, extension_configs=options)
        rendered = len(re.findall(r'<div class="(?:[\w-]+ )*highlight">', html))
        assert rendered == len(docs.scan_fences(text)), page


def test_wrong_exception_message_fails(planted):
    assert planted[WRONG_MESSAGE].counts == {"passed": 5, "failed": 1}
    assert "docs/ja/wrong-message.md:37: wrong exception" in planted[WRONG_MESSAGE].text


def test_wrong_exception_type_fails(planted):
    assert planted[WRONG_TYPE].counts == {"passed": 5, "failed": 1}
    assert "wrong exception" in planted[WRONG_TYPE].text


def test_expected_exception_that_does_not_happen_fails(planted):
    assert planted[NO_EXCEPTION].counts == {"passed": 5, "failed": 1}
    assert "ran without one" in planted[NO_EXCEPTION].text


def test_unexpected_exception_fails_and_later_fences_are_not_run(planted):
    outcome = planted[UNEXPECTED]
    assert outcome.counts == {"passed": 2, "failed": 1, "skipped": 3}
    assert "docs/ja/unexpected.md:16: the block raised" in outcome.text and "NameError" in outcome.text
    assert "not run: fence at docs/ja/unexpected.md:15 failed" in outcome.text


def test_error_inside_included_code_names_the_source_file(planted):
    outcome = planted[IN_INCLUDE]
    assert outcome.counts == {"passed": 1, "failed": 1}
    assert "docs/ja/in-include.md:3 (in src/mod.py:10, included): the block raised" in outcome.text
    assert 'File "docs/ja/in-include.md", line 7, in <module>' in outcome.text  # the page's line that called it
    assert 'File "src/mod.py", line 10, in fragile' in outcome.text
    assert "ValueError: math domain error" in outcome.text


def test_a_fence_raising_type_error_runs_once(planted):
    """The library re-runs a runner that raises TypeError (retrying without asyncio_runner): not ours."""
    assert planted[TYPE_ERROR].counts == {"passed": 1, "failed": 1}
    assert "TypeError: object of type 'int' has no len()" in planted[TYPE_ERROR].text
    assert planted["runs.log"] == "ran "


def test_sys_exit_fails_in_one_line(planted):
    assert planted[EXIT].counts == {"passed": 1, "failed": 1}
    assert planted[EXIT].text.strip() == "docs/ja/exit.md:3: the block called sys.exit(3); a page must not exit"


def test_no_run_without_reason_fails(planted):
    assert planted[NO_REASON].counts == {"passed": 5, "failed": 1}
    assert "docs/ja/no-reason.md:43: no-run block without a reason" in planted[NO_REASON].text


def test_empty_reason_fails(planted):
    assert "docs/ja/empty-reason.md:44: no-run block without a reason" in planted[EMPTY_REASON].text


def test_reason_without_fence_fails(planted):
    assert planted[ORPHAN_REASON].counts == {"failed": 1}
    assert "docs/ja/orphan-reason.md:3: no-run reason comment without" in planted[ORPHAN_REASON].text


def test_misspelt_python_fence_fails(planted):
    for lang, page in MISSPELT.items():
        assert planted[page].counts == {"failed": 1}
        assert f"docs/ja/{page}.md:3: fence language {lang.lower()!r} looks like Python" in planted[page].text
    assert planted[OTHER_LANGUAGES].counts == {"passed": 1}


def test_failing_doctest_fails(planted):
    assert planted[DOCTEST].counts == {"passed": 5, "failed": 1}
    assert "pycon example failed" in planted[DOCTEST].text
    assert "docs/ja/doctest.md:27" in planted[DOCTEST].text  # the line of the >>> example


def test_missing_snippet_section_fails(planted):
    assert "docs/ja/missing-section.md:3: cannot expand the snippet include" in planted[MISSING_SECTION].text


def test_printing_without_shown_output_fails(planted):
    assert planted[HIDDEN_OUTPUT].counts == {"passed": 1, "failed": 1}
    assert "prints but the page shows no output" in planted[HIDDEN_OUTPUT].text


def test_output_fence_after_prose_fails(planted):
    assert planted[AFTER_PROSE].counts == {"passed": 1, "failed": 1}
    assert "docs/ja/after-prose.md:9: output fence not directly after" in planted[AFTER_PROSE].text


def test_namespace_is_fresh_per_page_and_shared_within_it(planted):
    assert planted[NS_A].counts == {"passed": 3}
    assert planted[NS_B].counts == {"passed": 1, "failed": 1}
    assert "docs/ja/ns-b.md:4: the block raised" in planted[NS_B].text and "NameError" in planted[NS_B].text


def test_numpy_settings_do_not_leak_into_later_pages(planted):
    assert planted[NUMPY_1].counts == {"passed": 2}
    assert planted[NUMPY_2].counts == {"passed": 2}, planted[NUMPY_2].text


def test_warnings_are_shown_output(planted):
    assert "prints but the page shows no output" in planted[WARNING_HIDDEN].text
    assert planted[WARNING_SHOWN].counts == {"passed": 2}


# ---- cases that need a session of their own ---------------------------------------------------


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    make_project(pytester.path)
    # Not needed here, and slow inside a large test session (its gc passes walk the caller's heap too).
    # pytest.ini, not pytester.makeini (a tox.ini, which make_project's pytest.ini would override).
    (pytester.path / "pytest.ini").write_text(f"[pytest]\naddopts = {ADDOPTS} -p no:unraisableexception\n")
    return pytester


def write(project, markdown: str, name: str = "page.md") -> Path:
    page = project.path / "docs" / "ja" / name
    page.write_text(textwrap.dedent(markdown), encoding="utf-8")
    return page


def test_items_are_pytest_markdown_docs_fences(project):
    write(project, GOOD)
    out = project.runpytest("--collect-only", "-q", "docs/ja/page.md").stdout.str()
    assert "docs/ja/page.md::[CodeFence#1][line:3]" in out
    assert "docs/ja/page.md::[CodeFence#3][line:26]" in out  # the pycon fence inside the tab
    assert "docs/ja/page.md::page-rules" in out
    assert "line:44" not in out  # the no-run fence is not a test


def test_a_fence_run_alone_runs_its_page_so_far(project):
    write(project, "# a\n\n```python\nx = 20\n```\n\n```python\nprint(x + 1)\n```\n\n```{.text .output}\n21\n```\n")
    project.runpytest("docs/ja/page.md::[CodeFence#2][line:7]").assert_outcomes(passed=1)


def test_pages_leave_the_callers_numpy_settings_alone(project):
    write(project, PAGES[NUMPY_1])
    before = np.get_printoptions(), np.geterr()
    project.runpytest("docs/ja/page.md").assert_outcomes(passed=2)
    assert (np.get_printoptions(), np.geterr()) == before


def test_pytest_reports_page_and_line(project):
    """End to end, as a reader runs it: a planted wrong output fails with page:line."""
    write(project, "# t\n\n```python\nprint(1)\n```\n\n```{.text .output}\n2\n```\n", "bad.md")
    result = project.runpytest("docs/ja/bad.md")
    result.assert_outcomes(passed=1, failed=1)
    assert "docs/ja/bad.md:7: shown output differs" in result.stdout.str()
    assert "FAILED docs/ja/bad.md::[CodeFence#1][line:3]" in result.stdout.str()


def test_update_outputs_rewrites_adds_and_removes_fences(project):
    page = write(
        project,
        "# u\n\n!!! note\n\n    ```python\n    print(6 * 7)\n    ```\n\n    ```{.text .output}\n    0\n    ```\n\n"
        "```python\nprint('new')\n```\n\n```python\nx = 1\n```\n\n```{.text .output}\nstale\n```\n\ntext\n",
    )
    project.runpytest("docs/ja/page.md", "--update-outputs").assert_outcomes(passed=1, failed=3)
    assert page.read_text() == (
        "# u\n\n!!! note\n\n    ```python\n    print(6 * 7)\n    ```\n\n    ```{.text .output}\n    42\n    ```\n\n"
        "```python\nprint('new')\n```\n\n```{.text .output}\nnew\n```\n\n```python\nx = 1\n```\n\ntext\n"
    )
    project.runpytest("docs/ja/page.md").assert_outcomes(passed=4)


# ---- GAP 9: a chapter's blocks checked with its notebook's execution -----------------------------

CHAPTER = """\
    # n

    ```python
    print(6 * 7)
    ```

    ```{.text .output}
    42
    ...
    ```

    ```python
    int("x")
    ```

    ```{.text .output}
    Traceback (most recent call last):
      ...
    ValueError: invalid literal for int() with base 10: 'x'
    ```

    ```python
    x = 1
    ```
    """


def _stdout(text: str) -> dict:
    return {"output_type": "stream", "name": "stdout", "text": text}


def _error(ename: str, evalue: str) -> dict:
    return {"output_type": "error", "ename": ename, "evalue": evalue, "traceback": []}


def test_a_notebook_proves_a_block_only_when_every_rule_holds(tmp_path):
    path = tmp_path / "page.md"
    path.write_text(textwrap.dedent(CHAPTER), encoding="utf-8")
    page = docs.Page(path, "page.md", docs.scan_fences(path.read_text(encoding="utf-8")))
    prints, raises, quiet = page.runnable

    def agrees(fence, *outputs):
        return docs.notebook_agrees(page, fence, list(outputs))

    figure = {"output_type": "display_data", "data": {"image/svg+xml": "<svg/>"}}
    value = {"output_type": "execute_result", "data": {"text/plain": "1"}}
    assert agrees(prints, _stdout("42\n"), _stdout("and more\n"), figure)  # `...` matches the rest
    assert agrees(quiet) and agrees(quiet, value)  # a cell's last value is the notebook's, not the page's
    assert not agrees(prints, _stdout("41\n")) and not agrees(prints)
    assert not agrees(quiet, _stdout("1\n"))  # prints what the page does not show
    assert not agrees(quiet, {"output_type": "stream", "name": "stderr", "text": "x.py:1: RuntimeWarning: w\n"})
    assert not agrees(prints, _stdout("42\n"), _error("ValueError", "v"))  # raised what the page does not show
    right = "invalid literal for int() with base 10: 'x'"
    assert agrees(raises, _error("ValueError", right))
    assert not agrees(raises) and not agrees(raises, _error("ValueError", right.replace("x", "y")))
    assert not agrees(raises, _error("TypeError", right))


def test_a_notebook_names_an_exception_as_the_page_does():
    """The kernel gives ``PartError``; the page shows ``nnbook.yours.PartError`` (format_exception_only)."""
    assert docs._same_exception("nnbook.yours.PartError: wrong", _error("PartError", "wrong"))
    assert not docs._same_exception("nnbook.checks.PartError: wrong", _error("PartError", "wrong"))
    assert not docs._same_exception("PartError: wrong", _error("PartError", "wrong"))  # not a builtin
    assert not docs._same_exception("nnbook.yours.Missing: wrong", _error("Missing", "wrong"))
    assert docs._same_exception("KeyError", _error("KeyError", ""))
    assert not docs._same_exception("SyntaxError: invalid syntax", _error("SyntaxError", "invalid syntax"))
    assert not docs._same_exception("ValueError: a\nnote", _error("ValueError", "a"))  # a note: run it here


ROUTES = """\
import json
from pathlib import Path

import nnbook_docs

CELLS = json.loads(Path(__file__).with_name("cells.json").read_text())  # page -> {line: outputs}, or null


def pytest_collection_modifyitems(config, items):
    def cells(name):
        given = CELLS[name]
        return None if given is None else {int(line): {"outputs": outputs} for line, outputs in given.items()}

    pages = {Path(__file__).parent / "docs" / "ja" / name: (lambda name=name: cells(name)) for name in CELLS}
    nnbook_docs.check_with_notebooks(config, items, pages)
"""


def test_blocks_that_their_notebook_proves_are_not_run_again(project):
    """A page's blocks run here only where the notebook's execution cannot prove them, and then fail as
    they always have; a page whose notebook did not run, and --update-outputs, run here."""
    log = project.path / "ran.log"
    record = f"log = __import__('pathlib').Path({str(log)!r}); log.write_text((log.read_text() if log.exists() else '') + 'ran ')"
    marked = textwrap.dedent(CHAPTER).replace("print(6 * 7)", f"{record}; print(6 * 7)")
    for name in ("proven", "wrong", "not-executed"):
        (project.path / "docs" / "ja" / f"{name}.md").write_text(marked, encoding="utf-8")
    wrong = project.path / "docs" / "ja" / "wrong.md"
    wrong.write_text(marked.replace("42\n...\n", "41\n...\n"), encoding="utf-8")
    printed = {"3": [_stdout("42\n")], "12": [_error("ValueError", "invalid literal for int() with base 10: 'x'")], "22": []}
    (project.path / "cells.json").write_text(json.dumps({"proven.md": printed, "wrong.md": printed, "not-executed.md": None}))
    (project.path / "conftest.py").write_text(ROUTES)

    result = project.runpytest("docs/ja/proven.md")
    result.assert_outcomes(passed=4)
    assert not log.exists()
    assert "docs blocks: 3 checked with their chapter notebook's execution, 0 run here again" in result.stdout.str()

    result = project.runpytest("docs/ja/wrong.md")
    result.assert_outcomes(passed=3, failed=1)
    assert "docs/ja/wrong.md:7: shown output differs" in result.stdout.str() and "+42" in result.stdout.str()
    assert "2 checked with their chapter notebook's execution, 1 run here again" in result.stdout.str()
    assert log.read_text() == "ran "

    project.runpytest("docs/ja/not-executed.md").assert_outcomes(passed=4)
    assert log.read_text() == "ran ran "
    project.runpytest("docs/ja/proven.md", "--update-outputs").assert_outcomes(passed=4)
    assert log.read_text() == "ran ran ran "

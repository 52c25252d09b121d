"""The docs tests must fail when a page is wrong: tiny pages prove each rule of tests/nnbook_docs.py."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import nnbook_docs as docs

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A tiny project: the real mkdocs.yml, a source file with a named section, docs/ja."""
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "mod.py").write_text(
        textwrap.dedent(
            """\
            import math

            # --8<-- [start:double]
            def double(x):
                return 2 * x
            # --8<-- [end:double]
            """
        )
    )
    (tmp_path / "docs" / "ja").mkdir(parents=True)
    return tmp_path


def run(project: Path, markdown: str) -> list[str]:
    page = project / "docs" / "ja" / "page.md"
    page.write_text(textwrap.dedent(markdown), encoding="utf-8")
    return docs.run_page(page, root=project).problems


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


def test_a_right_page_passes(project):
    assert run(project, GOOD) == []


def test_wrong_output_fails_with_page_and_line(project):
    problems = run(project, GOOD.replace("    42\n", "    41\n"))
    assert len(problems) == 1
    assert problems[0].startswith("docs/ja/page.md:9: shown output differs")
    assert "-41" in problems[0] and "+42" in problems[0]


def test_wrong_output_inside_admonition_fails(project):
    problems = run(project, GOOD.replace("        3\n", "        4\n", 1))
    assert len(problems) == 1 and "docs/ja/page.md:20:" in problems[0]


def test_wrong_exception_message_fails(project):
    problems = run(project, GOOD.replace("base 10: 'x'", "base 10: 'y'"))
    assert len(problems) == 1 and "wrong exception" in problems[0]


def test_wrong_exception_type_fails(project):
    problems = run(project, GOOD.replace("ValueError: invalid", "TypeError: invalid"))
    assert len(problems) == 1 and "wrong exception" in problems[0]


def test_expected_exception_that_does_not_happen_fails(project):
    problems = run(project, GOOD.replace('int("x")', 'int("7")'))
    assert len(problems) == 1 and "ran without one" in problems[0]


def test_unexpected_exception_fails_with_traceback(project):
    problems = run(project, GOOD.replace("total = double(1) + 1", "total = doubel(1) + 1"))
    assert problems and problems[0].startswith("docs/ja/page.md:16: the block raised")
    assert "NameError" in problems[0]


def test_no_run_without_reason_fails(project):
    problems = run(project, GOOD.replace("    <!-- no-run: pseudo-code -->\n", ""))
    assert len(problems) == 1 and "no-run block without a reason" in problems[0]


def test_empty_reason_fails(project):
    problems = run(project, GOOD.replace("no-run: pseudo-code", "no-run:"))
    assert any("no-run block without a reason" in p for p in problems)


def test_failing_doctest_fails(project):
    problems = run(project, GOOD.replace("        6\n", "        7\n"))
    assert len(problems) == 1 and "pycon example failed" in problems[0]
    assert "docs/ja/page.md:27" in problems[0]  # the line of the >>> example


def test_missing_snippet_section_fails(project):
    problems = run(project, GOOD.replace("mod.py:double", "mod.py:triple"))
    assert problems and "cannot expand the snippet include" in problems[0]


def test_printing_without_shown_output_fails(project):
    problems = run(project, "# t\n\n```python\nprint('hidden')\n```\n")
    assert len(problems) == 1 and "prints but the page shows no output" in problems[0]


def test_output_fence_after_prose_fails(project):
    problems = run(project, "# t\n\n```python\nx = 1\n```\n\ntext\n\n```{.text .output}\n1\n```\n")
    assert len(problems) == 1 and "output fence not directly after" in problems[0]


def test_namespace_is_fresh_per_page(project):
    assert run(project, "# a\n\n```python\nleft_over = 1\n```\n") == []
    problems = run(project, "# b\n\n```python\nleft_over\n```\n")
    assert problems and "NameError" in problems[0]


def test_warnings_are_shown_output(project):
    page = "# w\n\n```python\nimport warnings\nwarnings.warn('careful', RuntimeWarning)\n```\n"
    assert "prints but the page shows no output" in run(project, page)[0]
    assert run(project, page + "\n```{.text .output}\nRuntimeWarning: careful\n```\n") == []


def test_update_outputs_rewrites_the_fence(project):
    page = project / "docs" / "ja" / "page.md"
    page.write_text("# u\n\n!!! note\n\n    ```python\n    print(6 * 7)\n    ```\n\n    ```{.text .output}\n    0\n    ```\n")
    result = docs.run_page(page, root=project)
    docs.rewrite_outputs(page, result.updates)
    assert "    42\n" in page.read_text()
    assert docs.run_page(page, root=project).problems == []


def test_pytest_reports_page_and_line(project):
    """End to end: `pytest <page>` collects the page, fails, and names page:line."""
    (project / "docs" / "ja" / "bad.md").write_text("# t\n\n```python\nprint(1)\n```\n\n```{.text .output}\n2\n```\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tests")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "nnbook_docs", "--rootdir", str(project), "-q", "docs/ja/bad.md"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "docs/ja/bad.md:7: shown output differs" in result.stdout
    assert "docs/ja/bad.md::page" in result.stdout

"""The docs tests must fail when a page is wrong: tiny planted pages, run by pytest-markdown-docs with our
glue (tests/nnbook_docs.py) in a pytest inside pytest (pytester), prove each rule and each gap it fills."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import numpy as np
import pytest

import nnbook_docs as docs

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A tiny project: the real mkdocs.yml, our pytest options, a source file with named sections, docs/ja."""
    shutil.copy(ROOT / "mkdocs.yml", pytester.path / "mkdocs.yml")
    addopts = "-p nnbook_docs --markdown-docs --markdown-docs-syntax=superfences -p no:cacheprovider -ra"
    pytester.makeini(f"[pytest]\naddopts = {addopts}\n")
    (pytester.path / "src").mkdir()
    (pytester.path / "src" / "mod.py").write_text(
        textwrap.dedent(
            """\
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
        )
    )
    (pytester.path / "docs" / "ja").mkdir(parents=True)
    return pytester


def write(project, markdown: str, name: str = "page.md") -> Path:
    page = project.path / "docs" / "ja" / name
    page.write_text(textwrap.dedent(markdown), encoding="utf-8")
    return page


def run(project, markdown: str, *args: str) -> tuple[pytest.RunResult, str]:
    write(project, markdown)
    result = project.runpytest("docs/ja/page.md", *args)
    return result, result.stdout.str()


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


def test_a_right_page_passes_one_item_per_fence(project):
    result, out = run(project, GOOD)
    result.assert_outcomes(passed=6)  # 5 runnable fences (pycon included, no-run not) + page-rules


def test_items_are_pytest_markdown_docs_fences(project):
    write(project, GOOD)
    out = project.runpytest("--collect-only", "-q", "docs/ja/page.md").stdout.str()
    assert "docs/ja/page.md::[CodeFence#1][line:3]" in out
    assert "docs/ja/page.md::[CodeFence#3][line:26]" in out  # the pycon fence inside the tab
    assert "docs/ja/page.md::page-rules" in out
    assert "line:44" not in out  # the no-run fence is not a test


def test_wrong_output_fails_with_page_and_line(project):
    result, out = run(project, GOOD.replace("    42\n", "    41\n"))
    result.assert_outcomes(passed=5, failed=1)
    assert "docs/ja/page.md:9: shown output differs" in out
    assert "-41" in out and "+42" in out


def test_wrong_output_inside_admonition_fails(project):
    result, out = run(project, GOOD.replace("        3\n", "        4\n", 1))
    result.assert_outcomes(passed=5, failed=1)
    assert "docs/ja/page.md:20: shown output differs" in out


def test_no_fence_inside_an_admonition_is_cut_short(project):
    """Two blank lines inside an admonition do not end it (they did in mdit-py-plugins' admonition)."""
    page = "# t\n\n!!! note\n\n    ```python\n    x = 1\n    ```\n\n\n    ```python\n    print(x + 1)\n    ```\n\n\n\n    ```{.text .output}\n    3\n    ```\n"
    fences = docs.scan_fences(page)
    assert [(f.line, f.lang, f.classes, f.body) for f in fences] == [
        (5, "python", [], "x = 1\n"),
        (10, "python", [], "print(x + 1)\n"),
        (16, "text", ["output"], "3\n"),
    ]
    result, out = run(project, page)
    result.assert_outcomes(passed=2, failed=1)
    assert "docs/ja/page.md:16: shown output differs" in out


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


def test_wrong_exception_message_fails(project):
    result, out = run(project, GOOD.replace("base 10: 'x'", "base 10: 'y'"))
    result.assert_outcomes(passed=5, failed=1)
    assert "docs/ja/page.md:37: wrong exception" in out


def test_wrong_exception_type_fails(project):
    result, out = run(project, GOOD.replace("ValueError: invalid", "TypeError: invalid"))
    result.assert_outcomes(passed=5, failed=1)
    assert "wrong exception" in out


def test_expected_exception_that_does_not_happen_fails(project):
    result, out = run(project, GOOD.replace('int("x")', 'int("7")'))
    result.assert_outcomes(passed=5, failed=1)
    assert "ran without one" in out


def test_unexpected_exception_fails_and_later_fences_are_not_run(project):
    result, out = run(project, GOOD.replace("total = double(1) + 1", "total = doubel(1) + 1"))
    result.assert_outcomes(passed=2, failed=1, skipped=3)
    assert "docs/ja/page.md:16: the block raised" in out and "NameError" in out
    assert "not run: fence at docs/ja/page.md:15 failed" in out


def test_error_inside_included_code_names_the_source_file(project):
    page = '# t\n\n```python\nimport math\n--8<-- "src/mod.py:fragile"\n\nfragile(-1)\n```\n'
    result, out = run(project, page)
    result.assert_outcomes(passed=1, failed=1)
    assert "docs/ja/page.md:3 (in src/mod.py:10, included): the block raised" in out
    assert 'File "docs/ja/page.md", line 7, in <module>' in out  # the page's line that called it
    assert 'File "src/mod.py", line 10, in fragile' in out
    assert "ValueError: math domain error" in out


def test_a_fence_raising_type_error_runs_once(project):
    """The library re-runs a runner that raises TypeError (retrying without asyncio_runner): not ours."""
    log = project.path / "runs.log"
    result, out = run(project, f"# t\n\n```python\nopen({str(log)!r}, 'a').write('ran ')\nlen(5)\n```\n")
    result.assert_outcomes(passed=1, failed=1)
    assert "TypeError: object of type 'int' has no len()" in out
    assert log.read_text() == "ran "


def test_sys_exit_fails_in_one_line(project):
    result, out = run(project, "# t\n\n```python\nimport sys\nsys.exit(3)\n```\n")
    result.assert_outcomes(passed=1, failed=1)
    assert "docs/ja/page.md:3: the block called sys.exit(3)" in out
    assert "INTERNALERROR" not in out and "Traceback" not in out


def test_no_run_without_reason_fails(project):
    result, out = run(project, GOOD.replace("    <!-- no-run: pseudo-code -->\n", ""))
    result.assert_outcomes(passed=5, failed=1)
    assert "docs/ja/page.md:43: no-run block without a reason" in out


def test_empty_reason_fails(project):
    result, out = run(project, GOOD.replace("no-run: pseudo-code", "no-run:"))
    assert "no-run block without a reason" in out


def test_reason_without_fence_fails(project):
    result, out = run(project, "# t\n\n<!-- no-run: left over -->\n\ntext\n")
    result.assert_outcomes(failed=1)
    assert "docs/ja/page.md:3: no-run reason comment without" in out


def test_misspelt_python_fence_fails(project):
    for lang in ("pyhton", "ipython", "Pyton"):
        result, out = run(project, f"# t\n\n```{lang}\nprint(1)\n```\n")
        result.assert_outcomes(failed=1)
        assert f"docs/ja/page.md:3: fence language {lang.lower()!r} looks like Python" in out
    result, out = run(project, "# t\n\n```bash\npip install nnbook\n```\n\n```text\nplain\n```\n")
    result.assert_outcomes(passed=1)


def test_failing_doctest_fails(project):
    result, out = run(project, GOOD.replace("        6\n", "        7\n"))
    result.assert_outcomes(passed=5, failed=1)
    assert "pycon example failed" in out and "docs/ja/page.md:27" in out  # the line of the >>> example


def test_missing_snippet_section_fails(project):
    result, out = run(project, GOOD.replace("mod.py:double", "mod.py:triple"))
    assert "docs/ja/page.md:3: cannot expand the snippet include" in out


def test_printing_without_shown_output_fails(project):
    result, out = run(project, "# t\n\n```python\nprint('hidden')\n```\n")
    result.assert_outcomes(passed=1, failed=1)
    assert "prints but the page shows no output" in out


def test_output_fence_after_prose_fails(project):
    result, out = run(project, "# t\n\n```python\nx = 1\n```\n\ntext\n\n```{.text .output}\n1\n```\n")
    result.assert_outcomes(passed=1, failed=1)
    assert "docs/ja/page.md:9: output fence not directly after" in out


def test_namespace_is_fresh_per_page_and_shared_within_it(project):
    write(project, "# a\n\n```python\nleft_over = 1\n```\n\n```python\nprint(left_over)\n```\n\n```{.text .output}\n1\n```\n", "a.md")
    write(project, "# b\n\n```python\nleft_over\n```\n", "b.md")
    result = project.runpytest("docs/ja/a.md", "docs/ja/b.md")
    result.assert_outcomes(passed=4, failed=1)
    assert "docs/ja/b.md:4: the block raised" in result.stdout.str()


def test_a_fence_run_alone_runs_its_page_so_far(project):
    write(project, "# a\n\n```python\nx = 20\n```\n\n```python\nprint(x + 1)\n```\n\n```{.text .output}\n21\n```\n")
    project.runpytest("docs/ja/page.md::[CodeFence#2][line:7]").assert_outcomes(passed=1)


def test_numpy_settings_do_not_leak_into_later_pages(project):
    write(project, "# a\n\n```python\nimport numpy as np\nnp.set_printoptions(precision=2)\nnp.seterr(all='raise')\n```\n", "a.md")
    write(project, "# b\n\n```python\nimport numpy as np\nprint(np.array([1 / 3]), np.float64(1) / 0)\n```\n\n"
          "```{.text .output}\nRuntimeWarning: divide by zero encountered in scalar divide\n[0.33333333] inf\n```\n", "b.md")
    before = np.get_printoptions(), np.geterr()
    project.runpytest("docs/ja/a.md", "docs/ja/b.md").assert_outcomes(passed=4)
    assert (np.get_printoptions(), np.geterr()) == before  # nor into the tests around them


def test_warnings_are_shown_output(project):
    page = "# w\n\n```python\nimport warnings\nwarnings.warn('careful', RuntimeWarning)\n```\n"
    result, out = run(project, page)
    assert "prints but the page shows no output" in out
    result, out = run(project, page + "\n```{.text .output}\nRuntimeWarning: careful\n```\n")
    result.assert_outcomes(passed=2)


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

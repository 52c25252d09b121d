"""hooks/notebook_runs.py: the build's notebook executions side by side, one per chapter when the two
languages' code is the same, and nothing shared that failed.

The builds are small projects of their own, built in a subprocess as a writer builds them (as in
tests/test_serve_mode.py, whose way of serving once the failing-cell test uses).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
from test_serve_mode import SERVE_ONCE

ROOT = Path(__file__).resolve().parent.parent


def _hook():
    spec = importlib.util.spec_from_file_location("nnbook_hook_notebook_runs", ROOT / "hooks" / "notebook_runs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _notebook(*cells: str):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A notebook"),
                                         *(nbformat.v4.new_code_cell(c) for c in cells)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def test_the_code_signature_leaves_out_comments_only():
    hook = _hook()
    ja = _notebook("x = 6007 * 7  # 掛け算\n\nprint(x)")
    en = _notebook("x = 6007 * 7  # multiply\nprint(x)")
    assert hook.code_signature(ja) == hook.code_signature(en)
    assert hook.code_signature(_notebook("print('こんにちは')")) != hook.code_signature(_notebook("print('hello')"))
    assert hook.code_signature(_notebook("x = 1  # a")) != hook.code_signature(_notebook("x = 2  # a"))
    tagged = _notebook("x = 1")
    tagged.cells[1].metadata["tags"] = ["raises-exception"]
    assert hook.code_signature(tagged) != hook.code_signature(_notebook("x = 1"))


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::RuntimeWarning", "ignore::UserWarning")
def test_one_execution_for_the_same_code_unless_an_output_can_quote_the_code(tmp_path):
    hook = _hook()
    jobs = [
        ("ja", _notebook("print(6007 * 7)  # 掛け算"), str(tmp_path)),
        ("en", _notebook("print(6007 * 7)  # multiply"), str(tmp_path)),
        # a warning quotes its source line, comment included: each language runs its own
        ("ja-warn", _notebook("import warnings\nwarnings.warn('w')  # 警告"), str(tmp_path)),
        ("en-warn", _notebook("import warnings\nwarnings.warn('w')  # warning"), str(tmp_path)),
    ]
    results = hook.execute_all(jobs, kernel_name="python3", parallel=2)
    assert [results[k][2] for k in ("ja", "en", "ja-warn", "en-warn")] == ["executed", "shared", "executed", "executed"]
    assert all(results[k][1] is None for k in results)
    assert results["en"][0].cells[1].outputs[0]["text"] == "42049\n"
    assert "# multiply" in results["en"][0].cells[1].source  # its own code, the other language's outputs
    assert "# warning" in results["en-warn"][0].cells[1].outputs[0]["text"]


def _project(path: Path, ja: str, en: str, hooks: tuple[str, ...] = ("notebooks.py", "notebook_runs.py")) -> Path:
    (path / "hooks").mkdir(parents=True)
    for name in hooks:
        shutil.copy(ROOT / "hooks" / name, path / "hooks")
    (path / "src" / "nnbook").mkdir(parents=True)  # the cache key covers the package (hooks/notebooks.py)
    (path / "src" / "nnbook" / "__init__.py").write_text("")
    for lang, cell in (("ja", ja), ("en", en)):
        (path / "docs" / lang).mkdir(parents=True)
        (path / "docs" / lang / "index.md").write_text("# Home\n", encoding="utf-8")
        nbformat.write(_notebook(cell), path / "docs" / lang / "nb.ipynb")
    (path / "mkdocs.yml").write_text(textwrap.dedent("""\
        site_name: t
        docs_dir: docs
        plugins:
          - mkdocs-jupyter:
              include: ["*.ipynb"]
              ignore: ["*.md"]
              execute: true
              allow_errors: false
              kernel_name: python3
              cache: true
        hooks:
        """) + "".join(f"  - hooks/{name}\n" for name in hooks), encoding="utf-8")
    return path


def _run(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=project, capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))


def _build(project: Path, site: Path) -> subprocess.CompletedProcess:
    return _run(project, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site))


def test_the_build_shows_the_shared_execution_in_both_languages(tmp_path):
    project = _project(tmp_path / "p", "print(6007 * 7)  # 掛け算", "print(6007 * 7)  # multiply")
    built = _build(project, tmp_path / "site")
    assert built.returncode == 0, built.stderr
    assert "1 executed, 1 given the outputs of their other language (same code), 0 failed" in built.stderr
    assert built.stderr.count("Cache hit") == 2 and "Converting notebook (execute=True)" not in built.stderr
    for lang in ("ja", "en"):
        page = (tmp_path / "site" / lang / "nb" / "index.html").read_text(encoding="utf-8")
        assert str(6007 * 7) in page
    assert "multiply" in (tmp_path / "site" / "en" / "nb" / "index.html").read_text(encoding="utf-8")


def test_a_failing_cell_still_fails_the_strict_build_after_serving(tmp_path):
    """The failed run is not shared: mkdocs-jupyter executes the notebook again and fails as before; and
    serving first (hooks/serve_mode.py: nothing runs, the pages are cached unexecuted) changes nothing.
    The book's three notebook hooks together, as in mkdocs.yml."""
    hooks = ("notebooks.py", "notebook_runs.py", "serve_mode.py")
    project = _project(tmp_path / "p", "print(1 / 0)  # 失敗", "print(1 / 0)  # fails", hooks)
    served = _run(project, "-c", SERVE_ONCE, str(tmp_path / "serve"))
    assert served.returncode == 0, served.stderr  # serving shows the code; nothing runs
    assert "2 notebook page(s) shown without outputs" in served.stderr
    built = _build(project, tmp_path / "site")
    assert built.returncode != 0
    assert "ZeroDivisionError" in built.stderr
    assert "executed again by mkdocs-jupyter (the run above failed)" in built.stderr


def test_a_build_waits_for_the_notebooks_another_runner_is_executing(tmp_path, monkeypatch):
    """``follow``: a build told (NNBOOK_NOTEBOOK_RUNNER) of a runner that is executing its notebooks into
    the cache waits for that runner's lines instead of executing them itself: a notebook the runner
    finished is shown from the runner's cache entry; one the runner failed is executed by mkdocs-jupyter
    and shown from that execution. The test plays the runner (the test session's is
    tests/nnbook_notebooks.py ``run_executions``): its "execution" of ja prints what the code cannot."""
    from mkdocs_jupyter.plugin import Plugin

    hook = _hook()
    project = _project(tmp_path / "p", "print(6007 * 7)  # 掛け算", "print(6007 * 7)  # multiply")
    plugin = Plugin()
    assert plugin.load_config({"include": ["*.ipynb"], "ignore": ["*.md"], "execute": True, "allow_errors": False,
                               "kernel_name": "python3", "cache": True}) == ([], [])
    options = dict(plugin.config)
    spec = importlib.util.spec_from_file_location("nnbook_hook_notebooks", project / "hooks" / "notebooks.py")
    keys = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(keys)
    from mkdocs_jupyter import plugin as jupyter

    monkeypatch.setattr(jupyter, "_compute_cache_key", jupyter._compute_cache_key)  # undone after
    keys.on_config({"config_file_path": str(project / "mkdocs.yml")})  # the key the build computes
    monkeypatch.chdir(project)  # the cache's place is relative, as the build sees it
    runner = tmp_path / "runner"
    runner.mkdir()
    notebooks = {lang: project / "docs" / lang / "nb.ipynb" for lang in ("ja", "en")}
    jobs = [{"path": str(runner / f"{lang}.ipynb"), "id": lang, "toc_from": str(nb),
             "cache": str(hook.cache_file(nb, options))} for lang, nb in notebooks.items()]
    (runner / "jobs.json").write_text(json.dumps({"notebooks": jobs}), encoding="utf-8")
    progress = runner / hook.PROGRESS
    progress.write_text("", encoding="utf-8")
    build = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                             cwd=project, stderr=subprocess.PIPE, text=True,
                             env=dict(os.environ, NO_MKDOCS_2_WARNING="1", NNBOOK_NOTEBOOK_RUNNER=str(runner)))
    with build:
        log = []
        for line in build.stderr:  # the build has read jobs.json and found no cache entry: it waits
            log.append(line)
            if "waiting for 2 notebook(s) that another process is executing" in line:
                break
        executed = nbformat.read(notebooks["ja"], as_version=4)
        executed.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="from the runner\n")]
        nbformat.write(executed, runner / "nb.ipynb")
        hook.write_cache_entry(notebooks["ja"], runner / "nb.ipynb", options, jobs[0]["cache"])
        with progress.open("a", encoding="utf-8") as out:
            out.write(json.dumps({"path": jobs[0]["path"], "how": "executed", "error": None}) + "\n")
            out.write(json.dumps({"path": jobs[1]["path"], "how": "executed", "error": "boom"}) + "\n")
            out.write(json.dumps({"end": True}) + "\n")
        log += build.stderr.read()
    log = "".join(log)
    assert build.returncode == 0, log
    assert log.count("waiting for 2 notebook(s)") == 1, log
    assert "executing" not in log.replace("another process is executing", "")  # no runner of its own
    assert "en/nb.ipynb: executed again by mkdocs-jupyter (the run above failed)" in log
    assert log.count("Cache hit") == 1 and log.count("Converting notebook (execute=True)") == 1, log
    ja = (tmp_path / "site" / "ja" / "nb" / "index.html").read_text(encoding="utf-8")
    en = (tmp_path / "site" / "en" / "nb" / "index.html").read_text(encoding="utf-8")
    assert "from the runner" in ja and str(6007 * 7) not in ja
    assert str(6007 * 7) in en and "multiply" in en


DEEP = """\
def inner():
    raise ValueError("deep down")


def outer():
    inner()
"""


def _error_output(page: str) -> str:
    """The text of the page's one traceback (an error output's <pre>)."""
    import html
    import re

    blocks = [b for b in re.findall(r"<pre>(.*?)</pre>", page, re.S) if "Traceback" in b]
    assert len(blocks) == 1, blocks
    return html.unescape(re.sub(r"<[^>]+>", "", blocks[0])).strip()


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::RuntimeWarning", "ignore::UserWarning")
def test_an_expected_error_reads_as_on_the_chapter_page(tmp_path, monkeypatch):
    """hooks/notebook_errors.py: a cell that raises from inside a module, executed in a kernel, is written by
    mkdocs-jupyter's conversion (``nb2html``, which hooks/notebook_runs.py's runner calls too; the book's
    own notebook pages, rendered by the runner, are checked in tests/test_browser.py) as the header,
    "  ..." and the last line: no frame, no path of the machine."""
    from mkdocs_jupyter import nbconvert2
    from nbconvert.exporters.html import HTMLExporter

    spec = importlib.util.spec_from_file_location("nnbook_hook_notebook_errors", ROOT / "hooks" / "notebook_errors.py")
    errors = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(errors)
    (tmp_path / "deep.py").write_text(DEEP, encoding="utf-8")
    nb = _notebook("import deep\nprint('前')\ndeep.outer()  # 失敗します")
    nb.cells[1].metadata["tags"] = ["raises-exception"]
    executed, error, _ = _hook().execute_all([("deep", nb, str(tmp_path))], kernel_name="python3", parallel=1)["deep"]
    assert error is None and str(tmp_path) in "".join(executed.cells[1].outputs[-1].traceback)  # IPython's frames
    path = tmp_path / "nb.ipynb"
    nbformat.write(executed, path)
    monkeypatch.setattr(HTMLExporter, "_init_preprocessors", HTMLExporter._init_preprocessors)  # undone after
    errors.install()
    page = nbconvert2.nb2html(str(path))
    assert str(tmp_path) not in page and "deep.py" not in page
    assert _error_output(page) == "Traceback (most recent call last):\n  ...\nValueError: deep down"
    assert executed.cells[1].outputs[-1].ename == "ValueError"  # the executed notebook keeps its outputs

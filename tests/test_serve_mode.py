"""The fast loop's hooks in small projects of their own: hooks/serve_mode.py and hooks/figures.py.

* ``mkdocs serve`` does not execute notebooks: a notebook never executed shows its code under a note;
  once ``mkdocs build`` has executed it, serve shows those outputs; ``mkdocs build --strict`` still
  executes every notebook. That a failing cell still fails it after serving is checked by
  tests/test_notebook_runs.py, in a project with the book's three notebook hooks.
* A figure that fails while drawn in a worker process fails ``mkdocs build --strict``, and the warning
  names the file and line where it failed (a failure planted in a copy of nnbook.plot).

Each project is built in a subprocess, as a writer builds it; serving is one build as ``mkdocs serve``
makes it (``on_startup(command="serve")``), without starting the server.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent

SERVE_ONCE = """
import logging, sys
logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")
from mkdocs.config import load_config
from mkdocs.commands.build import build
config = load_config(site_dir=sys.argv[1])
config.plugins.on_startup(command="serve", dirty=False)
config.site_url = "http://127.0.0.1:8000/"
build(config, serve_url=config.site_url)
config.plugins.on_shutdown()
"""


def _run(project: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=project, capture_output=True, text=True, timeout=300,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1", **(env or {})),
    )


def _build(project: Path, site: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return _run(project, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site), env=env)


def _serve(project: Path, site: Path) -> subprocess.CompletedProcess:
    return _run(project, "-c", SERVE_ONCE, str(site))


# ---------------------------------------------------------------------------------------------
# hooks/serve_mode.py
# ---------------------------------------------------------------------------------------------


def _notebook_project(path: Path, cell: str) -> Path:
    (path / "hooks").mkdir(parents=True)
    shutil.copy(ROOT / "hooks" / "serve_mode.py", path / "hooks")
    (path / "docs" / "en").mkdir(parents=True)
    (path / "docs" / "en" / "index.md").write_text("# Home\n", encoding="utf-8")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A notebook"), nbformat.v4.new_code_cell(cell)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path / "docs" / "en" / "nb.ipynb")
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
          - hooks/serve_mode.py
        """), encoding="utf-8")
    return path


def _page(site: Path) -> str:
    return (site / "en" / "nb" / "index.html").read_text(encoding="utf-8")


OUTPUT = str(6007 * 7)  # printed by the cell, written nowhere in its source
NOTE = "Preview (mkdocs serve)"


def test_serve_does_not_execute_and_says_so_then_shows_the_builds_outputs(tmp_path):
    project = _notebook_project(tmp_path / "p", "print(6007 * 7)")
    served = _serve(project, tmp_path / "serve1")
    assert served.returncode == 0, served.stderr
    assert "1 notebook page(s) shown without outputs" in served.stderr
    assert "Converting notebook" not in served.stderr  # mkdocs-jupyter's INFO lines are left out while serving
    page = _page(tmp_path / "serve1")
    assert NOTE in page and OUTPUT not in page

    built = _build(project, tmp_path / "build")
    assert built.returncode == 0, built.stderr
    assert "execute=True" in built.stderr  # the strict build executes, though serve cached a page
    page = _page(tmp_path / "build")
    assert OUTPUT in page and NOTE not in page

    served = _serve(project, tmp_path / "serve2")
    assert served.returncode == 0, served.stderr
    assert "shown without outputs" not in served.stderr  # the build's executed page, from the cache
    page = _page(tmp_path / "serve2")
    assert OUTPUT in page and NOTE not in page
    assert list((project / ".cache" / "mkdocs-jupyter").glob("*.json")), "serving evicted the executed entry"


# ---------------------------------------------------------------------------------------------
# hooks/figures.py: a failure inside a worker process
# ---------------------------------------------------------------------------------------------

PLANTED = '''

# Planted by tests/test_serve_mode.py: two figures only, one of which fails.
FIGURES = {name: FIGURES[name] for name in ("math-slope",)}
NARROW = set()


@figure("planted-failure")
def _planted_failure() -> Figure:
    raise ValueError("planted in a figure")
'''


def test_a_figure_failing_in_a_worker_fails_the_strict_build_naming_file_and_line(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(ROOT / "src" / "nnbook", project / "src" / "nnbook")
    plot = project / "src" / "nnbook" / "plot.py"
    plot.write_text(plot.read_text(encoding="utf-8") + PLANTED, encoding="utf-8")
    line = plot.read_text(encoding="utf-8").splitlines().index('    raise ValueError("planted in a figure")') + 1
    (project / "hooks").mkdir()
    shutil.copy(ROOT / "hooks" / "figures.py", project / "hooks")
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text("# Home\n\n![slope](assets/figures/math-slope.svg)\n", encoding="utf-8")
    (project / "mkdocs.yml").write_text("site_name: t\nhooks:\n  - hooks/figures.py\n", encoding="utf-8")
    env = {"PYTHONPATH": str(project / "src")}

    built = _build(project, tmp_path / "site", env=env)
    assert built.returncode != 0, built.stderr
    warning = re.search(r"WARNING.*figure 'planted-failure' could not be drawn: (.*)", built.stderr)
    assert warning, built.stderr
    assert warning[1] == f"ValueError: planted in a figure ({plot}:{line})"
    if (os.cpu_count() or 1) > 1:
        assert "ProcessPool" not in built.stderr  # reported as the figure's failure, not as a broken pool
    # The figure that worked was drawn and kept for the next build.
    assert list((project / ".cache" / "nnbook-figures").glob("*/math-slope.svg"))

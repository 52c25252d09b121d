"""MkDocs hook (issue 16, first increment): a Run button on each runnable Python block, run in the browser.

OFF unless the build switch ``NNBOOK_RUN_BUTTONS=1`` is set, so ``mkdocs serve`` and the normal build are
unchanged. With it on:

- ``on_page_markdown`` marks the fences that the docs tests run (tests/nnbook_docs.py: a ```` ```python ````
  fence; ``{.python .no-run}`` fences are shown only; ``pycon`` is not handled yet) with the class
  ``nnbook-run``. Their checked output is the ``{.text .output}`` fence right after them (the class
  ``output`` is already on it), so the browser need not guess which block is code and which is output.
- ``on_post_page`` adds one small script, ``assets/pyodide/nnbook-run.js`` (a few KB), to pages that have
  such blocks. It draws the buttons; nothing else loads until the first click, which starts a Web Worker
  (``nnbook-run-worker.js``) running Pyodide with NumPy and nnbook, one namespace per page.
- ``on_post_build`` copies the interpreter, NumPy's wheel (verified against Pyodide's lock file), nnbook's
  wheel and the licence texts (``tools/pyodide_assets.py``, cached in ``.cache/pyodide/``) and the two
  scripts into ``site/assets/pyodide/``: everything is served by the site itself.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import re
import shutil
from pathlib import Path

log = logging.getLogger("mkdocs.hooks.pyodide_run")

ROOT = Path(__file__).resolve().parent.parent
SWITCH = "NNBOOK_RUN_BUTTONS"
ASSET_DIR = "assets/pyodide"
SCRIPTS = ["nnbook-run.js", "nnbook-run-worker.js"]
RUN_CLASS = "nnbook-run"
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<mark>`{3,}|~{3,})(?P<info>.*)$")


def enabled() -> bool:
    return os.environ.get(SWITCH, "") not in ("", "0")


def mark_runnable(markdown: str) -> str:
    """Give every plain python fence (the ones the docs tests run) the class ``nnbook-run``."""
    out = []
    open_mark: str | None = None
    for line in markdown.split("\n"):
        m = _FENCE.match(line)
        if m:
            mark, info = m["mark"], m["info"].strip()
            if open_mark is None:
                open_mark = mark
                if info in ("python", "py", "python3"):
                    line = f"{m['indent']}{mark}{{.python .{RUN_CLASS}}}"
            elif mark[0] == open_mark[0] and len(mark) >= len(open_mark) and not info:
                open_mark = None
        out.append(line)
    return "\n".join(out)


def on_page_markdown(markdown: str, page, config, files) -> str:
    if not enabled():
        return markdown
    return mark_runnable(markdown)


def _to_root(page) -> str:
    """``../`` per folder of the page's URL (``en/02-perceptron/`` -> ``../../``)."""
    return "../" * (page.url or "").count("/")


def on_post_page(output: str, page, config) -> str:
    if not enabled() or f'class="{RUN_CLASS} ' not in output and f'{RUN_CLASS} highlight' not in output:
        return output
    base = _to_root(page) + ASSET_DIR + "/"
    tag = f'<script src="{base}nnbook-run.js" data-assets="{base}" defer></script>'
    return output.replace("</body>", tag + "\n</body>", 1)


def _assets_module():
    spec = importlib.util.spec_from_file_location("pyodide_assets", ROOT / "tools" / "pyodide_assets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_dist: list[Path] = []


def on_post_build(config) -> None:
    if not enabled():
        return
    if not _dist:
        _dist.append(_assets_module().build(ROOT / ".cache" / "pyodide"))
    dest = Path(config["site_dir"]) / ASSET_DIR
    shutil.copytree(_dist[0], dest, dirs_exist_ok=True)
    for name in SCRIPTS:
        shutil.copy2(Path(__file__).with_name(name), dest / name)
    log.info("pyodide_run: Run buttons on; assets in %s", dest)

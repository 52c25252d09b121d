"""MkDocs hook (issue 16): a Run button on each runnable Python block, run in the browser.

OFF unless the build switch ``NNBOOK_RUN_BUTTONS=1`` is set, so ``mkdocs serve`` and the normal build are
unchanged; the offline build (``NNBOOK_OFFLINE=true``, opened from file://, where a Worker cannot start)
stays without buttons and without the interpreter even when the switch is on. With it on:

- ``on_page_markdown`` marks the fences that the docs tests run (tests/nnbook_docs.py: a ```` ```python ````
  fence, and ``pycon`` fences, run as doctests; ``{.python .no-run}`` fences are shown only) with the
  class ``nnbook-run``; blocks the browser cannot reproduce get a second class (scikit-learn; NumPy's
  floating-point warnings, which WebAssembly cannot raise) and the page says so there. Their checked output is the ``{.text .output}`` fence right after them (the class
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


OFFLINE = "NNBOOK_OFFLINE"
# Blocks the browser cannot run as the page shows them (issue 16, point 3), found at build time:
# scikit-learn is not in the site's Pyodide (A1's data set); such a block, and every block after it on the
# page (running a block runs the ones above it first), gets a note instead of a Run button.
NEEDS_SKLEARN = re.compile(r"^\s*(?:import|from)\s+sklearn\b|\bload_digits\(", re.M)
# WebAssembly has no floating-point exception flags: NumPy sees no overflow, so its warnings
# ("overflow encountered in exp") and np.errstate(...="raise") never fire. Such a block still runs (later
# blocks may need what it defines), and its result says why it differs instead of claiming a mismatch.
FP_FLAGS_OUTPUT = re.compile(r"encountered in |FloatingPointError")
FP_FLAGS_CODE = re.compile(r"errstate\([^)]*[\"']raise[\"']")
SKLEARN_CLASS = "nnbook-run-sklearn"
FP_CLASS = "nnbook-run-fpflags"
PYCON_CLASS = "nnbook-run-pycon"  # a doctest (>>>): the browser runs it as the docs tests do
PYTHON_INFOS = ("python", "py", "python3")


def enabled() -> bool:
    """The switch is on, and this is not the offline (file://) build: a Worker cannot start from file://,
    so that build gets no buttons and no 17 MB of interpreter."""
    if os.environ.get(OFFLINE, "").lower() in ("1", "true", "yes"):
        return False
    return os.environ.get(SWITCH, "") not in ("", "0")


def _fences(lines: list[str]) -> list[tuple[int, int, str, str, str]]:
    """(opening line, closing line, indent, mark, info) of each top-level fence."""
    out = []
    open_at: tuple[int, str, str, str] | None = None
    for k, line in enumerate(lines):
        m = _FENCE.match(line)
        if not m:
            continue
        mark, info = m["mark"], m["info"].strip()
        if open_at is None:
            open_at = (k, mark, m["indent"], info)
        elif mark[0] == open_at[1][0] and len(mark) >= len(open_at[1]) and not info:
            out.append((open_at[0], k, open_at[2], open_at[1], open_at[3]))
            open_at = None
    return out


def mark_runnable(markdown: str) -> str:
    """Give every fence the docs tests run (plain python, and pycon) the class ``nnbook-run``, plus
    ``nnbook-run-sklearn`` or ``nnbook-run-fpflags`` where the browser cannot show the page's output."""
    lines = markdown.split("\n")
    fences = _fences(lines)
    no_sklearn = False
    for n, (start, end, indent, mark, info) in enumerate(fences):
        if info not in PYTHON_INFOS and info != "pycon":
            continue
        code = "\n".join(lines[start + 1:end])
        nxt = fences[n + 1] if n + 1 < len(fences) else None
        shown = "\n".join(lines[nxt[0] + 1:nxt[1]]) if nxt and "output" in nxt[4] else ""
        classes = [".pycon", f".{RUN_CLASS}", f".{PYCON_CLASS}"] if info == "pycon" else [".python", f".{RUN_CLASS}"]
        no_sklearn = no_sklearn or bool(NEEDS_SKLEARN.search(code))
        if no_sklearn:
            classes.append(f".{SKLEARN_CLASS}")
        elif FP_FLAGS_OUTPUT.search(shown) or FP_FLAGS_CODE.search(code):
            classes.append(f".{FP_CLASS}")
        lines[start] = f"{indent}{mark}{{{' '.join(classes)}}}"
    return "\n".join(lines)


def on_page_markdown(markdown: str, page, config, files) -> str:
    if not enabled():
        return markdown
    return mark_runnable(markdown)


def _to_root(page) -> str:
    """``../`` per folder of the page's URL (``en/02-perceptron/`` -> ``../../``)."""
    return "../" * (page.url or "").count("/")


def on_post_page(output: str, page, config) -> str:
    if not enabled() or not re.search(rf'class="[^"]*\b{RUN_CLASS}\b', output):
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

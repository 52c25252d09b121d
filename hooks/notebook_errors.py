"""MkDocs hook: an expected error reads on a notebook page as it reads on its chapter page.

Where an exercise raises on purpose (a cell tagged ``raises-exception``), the chapter page shows what
Python's doctest shows, the header, ``...`` for the frames and the last line::

    Traceback (most recent call last):
      ...
    ValueError: Affine.forward: x must have shape ...

The notebook page showed IPython's whole coloured traceback instead: every frame inside the package
with five lines of its source (chapter 10's ``check(...)``: six frames, about 1500 px), under the build
machine's paths (``File /work/main/src/nnbook/yours.py:641``; on GitHub Pages, the CI runner's
checkout). Here each ``error`` output is given that short traceback when the page is converted: the
header, ``  ...``, and IPython's own last line (the exception's name in its colour, then the message;
``SyntaxError`` and its kin are left as IPython writes them, a caret under the reader's own line and
no frame of the package). The reader's own cell is right above the output, so the frame of the cell
would only repeat its last line; the message is what the exercise is about, and what the chapter
page says. A reader who runs the notebook (Jupyter, Colab) still gets the whole traceback.

Only the HTML changes: the preprocessor works on nbconvert's copy of the notebook while it is
converted, and keeps ``ename`` and ``evalue``; the executed notebooks the test session reads
(tests/nnbook_docs.py, GAP 9) keep the kernel's traceback.

Where: nbconvert's ``HTMLExporter``, the one place both renderings of a page pass through: mkdocs-jupyter
(``convert.nb2html``) when it executes a notebook itself, and hooks/notebook_runs.py's runner process,
which converts its executed notebooks with the same function (it loads this file, as it loads
hooks/nbconvert_templates.py). Upstream: mkdocs-jupyter has no option for error outputs (only
``remove_tag_config``, which drops an output whole) and no way to add a preprocessor (``nb2html`` passes
``preprocessors=[SubCell]`` and reads the user's own nbconvert config); nbconvert has none either, and
jupyter-sphinx declined such an option as too narrow (jupyter/jupyter-sphinx#84). So the exporter's
preprocessors get one more, after the others (after ``ExecutePreprocessor``, which makes the outputs).
hooks/notebooks.py's cache key covers this file: a change here renders the pages again.
"""

from __future__ import annotations

import re

from nbconvert.preprocessors import Preprocessor

HEADER = "Traceback (most recent call last):"
ELIDED = "  ..."
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# IPython writes these without a traceback header: the reader's line with a caret under it.
AS_WRITTEN = ("SyntaxError", "IndentationError", "TabError")


def short_traceback(output) -> list[str]:
    """The traceback lines of the ``error`` output ``output`` as the chapter pages show them."""
    traceback, ename = list(output.get("traceback") or ()), output.get("ename", "")
    if not traceback or ename in AS_WRITTEN:
        return traceback
    last = traceback[-1]
    if not ANSI.sub("", last).lstrip().startswith(ename):  # not IPython's last line: write it from the output
        evalue = output.get("evalue", "")
        last = f"\x1b[31m{ename}\x1b[39m: {evalue}" if evalue else f"\x1b[31m{ename}\x1b[39m"
    return [HEADER, ELIDED, last]


class ShortTracebacks(Preprocessor):
    """Every ``error`` output gets ``short_traceback``; ``ename`` and ``evalue`` stay."""

    def preprocess_cell(self, cell, resources, index):
        for output in cell.get("outputs", ()):
            if output.get("output_type") == "error":
                output["traceback"] = short_traceback(output)
        return cell, resources


def install() -> None:
    """Every ``HTMLExporter`` made in this process runs ``ShortTracebacks`` last."""
    from nbconvert.exporters.html import HTMLExporter

    init = HTMLExporter._init_preprocessors
    if getattr(init, "_nnbook", False):
        return

    def _init_preprocessors(self):
        init(self)
        self.register_preprocessor(ShortTracebacks, enabled=True)

    _init_preprocessors._nnbook = True
    HTMLExporter._init_preprocessors = _init_preprocessors


def on_startup(command: str, dirty: bool) -> None:
    install()

"""MkDocs hook: draw every figure registered in ``nnbook.plot.FIGURES`` into the site at build time.

Each figure ``NAME`` becomes the generated file ``assets/figures/NAME.svg`` (outside the language
folders, so ``../assets/figures/NAME.svg`` resolves from ``docs/ja/*.md`` and ``docs/en/*.md`` alike and
``mkdocs build --strict`` validates the link). Nothing is written into ``docs/``; no image can drift
from the code. Upstream: MkDocs has no built-in way to add generated files other than ``on_files``
(``File.generated``, mkdocs >= 1.6); mkdocs-static-i18n builds each language separately and calls
``on_files`` for each (and ``on_pre_build`` too), so the SVGs are cached here and drawn again only
when a file of ``src/nnbook`` changed: once per build for both languages, and not at all on a
``mkdocs serve`` reload after an edit of a page. They are drawn in one process per core and also kept in
``.cache/nnbook-figures/<fingerprint>/`` (git-ignored), so the next build or ``serve`` of the same code
draws nothing.

Dark mode and phones. The SVGs are drawn with a transparent background (``render_svg(...,
transparent=True)``); ``docs/assets/stylesheets/extra.css`` inverts their lightness under Material's
dark scheme (``[data-md-color-scheme=slate]``): an ``<img>`` keeps the page's CSS out of the SVG, and a
``prefers-color-scheme`` query inside the SVG would follow the system, not Material's toggle. A figure
registered with a narrow layout (``nnbook.plot.NARROW``) is also written as ``NAME.narrow.svg``, and
``on_page_content`` wraps its ``<img>`` in a ``<picture>`` whose ``<source>`` picks that file on
screens narrower than ``NARROW_MEDIA`` (the panels stacked, labels >= 10 px on a 390-px phone).
"""

from __future__ import annotations

import hashlib
import logging
import re
import traceback
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.hooks.figures")

FIGURE_DIR = "assets/figures"
NARROW_MEDIA = "(max-width: 37.5em)"  # 600 px: phones; wider screens get the wide layout
_IMG = re.compile(r'<img\b[^>]*?\bsrc="(?P<src>[^"]*?assets/figures/(?P<name>[a-z0-9-]+)\.svg)"[^>]*>')
CACHE_DIR = Path(__file__).resolve().parent.parent / ".cache" / "nnbook-figures"  # git-ignored
_cache: dict[str, str] = {}
_drawn_from: list[str] = [""]  # the fingerprint of src/nnbook that _cache was drawn from


def _fingerprint() -> str:
    """A hash of every source file of the package: the figures depend on nothing else."""
    import nnbook

    import matplotlib

    h = hashlib.sha256(matplotlib.__version__.encode())  # another matplotlib may draw differently
    for path in sorted(Path(nnbook.__file__).parent.rglob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _problem(exc: BaseException) -> str:
    """``Type: message (file:line)`` of the innermost frame, also for an exception raised in a worker."""
    remote = getattr(exc.__cause__, "tb", "")  # concurrent.futures: the worker's traceback as text
    if remote:
        where = re.findall(r'File "([^"]+)", line (\d+)', remote)
        if where:
            return f"{type(exc).__name__}: {exc} ({where[-1][0]}:{where[-1][1]})"
    frame = traceback.extract_tb(exc.__traceback__)[-1]
    return f"{type(exc).__name__}: {exc} ({frame.filename}:{frame.lineno})"


def _render_all(fingerprint: str) -> dict[str, str]:
    import importlib
    import os

    from nnbook import plot

    # Reload so that `mkdocs serve` picks up edits to src/nnbook/plot.py (watched via `watch: [src]`).
    plot = importlib.reload(plot)
    jobs = [(name, False) for name in sorted(plot.FIGURES)] + [(name, True) for name in sorted(plot.NARROW)]
    # Drawn before: the SVGs of this fingerprint on disk (a new `mkdocs serve` or build starts at once).
    disk = CACHE_DIR / fingerprint[:32]
    drawn = {p.stem: p.read_text(encoding="utf-8") for p in disk.glob("*.svg")} if disk.is_dir() else {}
    todo = [job for job in jobs if (f"{job[0]}.narrow" if job[1] else job[0]) not in drawn]
    workers = min(len(todo), os.cpu_count() or 1)
    results = []  # (key, svg or None, what went wrong)
    if workers > 1:  # matplotlib draws in one thread: one process per core (forked: plot is loaded)
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # Workers call nnbook.plot.render_svg itself: a function of this hook file cannot be pickled
        # (MkDocs loads hooks from a path, not as an importable module).
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [(job, pool.submit(plot.render_svg, job[0], narrow=job[1], transparent=True)) for job in todo]
            for (name, narrow), future in futures:
                try:
                    results.append((f"{name}.narrow" if narrow else name, future.result(), ""))
                except Exception as exc:  # noqa: BLE001 - reported as a warning: `--strict` fails on it
                    results.append((name, None, _problem(exc)))
    else:
        for name, narrow in todo:
            try:
                results.append((f"{name}.narrow" if narrow else name, plot.render_svg(name, narrow=narrow, transparent=True), ""))
            except Exception as exc:  # noqa: BLE001 - reported as a warning: `--strict` fails on it
                results.append((name, None, _problem(exc)))
    for key, svg, problem in results:
        if svg is None:
            log.warning("figure %r could not be drawn: %s", key, problem)
            continue
        drawn[key] = svg
        disk.mkdir(parents=True, exist_ok=True)
        (disk / f"{key}.svg").write_text(svg, encoding="utf-8")
    if CACHE_DIR.is_dir():  # keep only this fingerprint's drawings
        for old in CACHE_DIR.iterdir():
            if old != disk and old.is_dir():
                for f in old.glob("*.svg"):
                    f.unlink()
                old.rmdir()
    return drawn


def on_startup(command: str, dirty: bool) -> None:
    _cache.clear()
    _drawn_from[0] = ""


def on_pre_build(config) -> None:
    # Called for every (re)build and by i18n once per language: draw again only if the code changed.
    fingerprint = _fingerprint()
    if fingerprint != _drawn_from[0]:
        _cache.clear()
        _drawn_from[0] = fingerprint


# After mkdocs-static-i18n's on_files (priority -100): i18n cannot sort generated files into a
# language (their abs_src_path is None) and would fail on them; added afterwards they are shared.
@event_priority(-110)
def on_files(files: Files, config) -> Files:
    if not _cache:
        _cache.update(_render_all(_drawn_from[0] or _fingerprint()))
        log.info("drew %d figure(s) from nnbook.plot", len(_cache))
    for name, svg in _cache.items():
        path = f"{FIGURE_DIR}/{name}.svg"
        existing = files.get_file_from_path(path)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, path, content=svg))
    return files


def on_page_content(html: str, page, config, files) -> str:
    """``<img src=".../NAME.svg">`` of a figure with a narrow layout -> ``<picture>`` with a phone source."""

    def wrap(match: re.Match) -> str:
        name, src = match["name"], match["src"]
        if f"{name}.narrow" not in _cache:
            return match[0]
        narrow_src = src[: -len(".svg")] + ".narrow.svg"
        return f'<picture><source media="{NARROW_MEDIA}" srcset="{narrow_src}">{match[0]}</picture>'

    return _IMG.sub(wrap, html)

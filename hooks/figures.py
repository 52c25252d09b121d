"""MkDocs hook: draw every figure registered in ``nnbook.plot.FIGURES`` into the site at build time.

Each figure ``NAME`` becomes the generated file ``assets/figures/NAME.svg`` (outside the language
folders, so ``../assets/figures/NAME.svg`` resolves from ``docs/ja/*.md`` and ``docs/en/*.md`` alike and
``mkdocs build --strict`` validates the link). Nothing is written into ``docs/``; no image can drift
from the code. Upstream: MkDocs has no built-in way to add generated files other than ``on_files``
(``File.generated``, mkdocs >= 1.6); mkdocs-static-i18n builds each language separately and calls
``on_files`` for each (and ``on_pre_build`` too), so the SVGs are cached here and drawn again only
when a file of ``src/nnbook`` changed: once per build for both languages, and not at all on a
``mkdocs serve`` reload after an edit of a page. They are drawn in one process per core, while the
build reads and renders the pages (``on_pre_build`` starts the workers, ``on_env`` collects the SVGs
before the files are written), and also kept in ``.cache/nnbook-figures/<fingerprint>/`` (git-ignored),
so the next build or ``serve`` of the same code draws nothing.

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
_failed: dict[str, str] = {}  # figure -> what went wrong, for this fingerprint
_state: dict = {"keys": [], "futures": [], "pool": None, "fingerprint": "", "plot": None}


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


def _jobs(plot) -> list[tuple[str, bool]]:
    return [(name, False) for name in sorted(plot.FIGURES)] + [(name, True) for name in sorted(plot.NARROW)]


def _key(job: tuple[str, bool]) -> str:
    return f"{job[0]}.narrow" if job[1] else job[0]


def _start_drawing(fingerprint: str) -> None:
    """Take this fingerprint's SVGs from disk and send the others to worker processes; return at once.

    The workers draw while the build reads and renders the pages (the figures are needed only when the
    files are written, see ``on_env``): on 2 cores the figures no longer delay the first page of
    ``mkdocs serve`` by their whole drawing time.
    """
    import importlib
    import os

    from nnbook import plot

    # Reload so that `mkdocs serve` picks up edits to src/nnbook/plot.py (watched via `watch: [src]`).
    plot = importlib.reload(plot)
    jobs = _jobs(plot)
    _state.update(keys=[_key(job) for job in jobs], futures=[], pool=None, fingerprint=fingerprint)
    disk = CACHE_DIR / fingerprint[:32]
    drawn = {p.stem: p.read_text(encoding="utf-8") for p in disk.glob("*.svg")} if disk.is_dir() else {}
    _cache.update({key: svg for key, svg in drawn.items() if key in _state["keys"]})
    todo = [job for job in jobs if _key(job) not in drawn]
    if not todo:
        return
    workers = min(len(todo), os.cpu_count() or 1)
    if workers > 1:  # matplotlib draws in one thread: one process per core (forked: plot is loaded)
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # Workers call nnbook.plot.render_svg itself: a function of this hook file cannot be pickled
        # (MkDocs loads hooks from a path, not as an importable module).
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        _state["pool"] = pool
        _state["futures"] = [(job, pool.submit(plot.render_svg, job[0], narrow=job[1], transparent=True)) for job in todo]
    else:
        _state["futures"] = [(job, None) for job in todo]
        _state["plot"] = plot


def _finish_drawing() -> None:
    """Wait for the workers (or draw here, on one core); failures are warnings: ``--strict`` fails on them."""
    futures, _state["futures"] = _state["futures"], []
    if not futures:
        return
    disk = CACHE_DIR / _state["fingerprint"][:32]
    for job, future in futures:
        try:
            svg = future.result() if future is not None else _state["plot"].render_svg(job[0], narrow=job[1], transparent=True)
        except Exception as exc:  # noqa: BLE001 - reported as a warning: `--strict` fails on it
            _failed[_key(job)] = _problem(exc)
            continue
        _cache[_key(job)] = svg
        disk.mkdir(parents=True, exist_ok=True)
        (disk / f"{_key(job)}.svg").write_text(svg, encoding="utf-8")
    if _state["pool"] is not None:
        _state["pool"].shutdown()
        _state["pool"] = None
    if CACHE_DIR.is_dir():  # keep only this fingerprint's drawings
        for old in CACHE_DIR.iterdir():
            if old != disk and old.is_dir():
                for f in old.glob("*.svg"):
                    f.unlink()
                old.rmdir()
    log.info("drew %d figure(s) from nnbook.plot", len(futures) - len(_failed))


def on_startup(command: str, dirty: bool) -> None:
    _cache.clear()
    _failed.clear()
    _drawn_from[0] = ""


def on_pre_build(config) -> None:
    # Called for every (re)build and by i18n once per language: draw again only if the code changed.
    fingerprint = _fingerprint()
    if fingerprint != _drawn_from[0]:
        _finish_drawing()  # a drawing of older code still running (a reload during the first build)
        _cache.clear()
        _failed.clear()
        _drawn_from[0] = fingerprint
        _start_drawing(fingerprint)


# After mkdocs-static-i18n's on_files (priority -100): i18n cannot sort generated files into a
# language (their abs_src_path is None) and would fail on them; added afterwards they are shared.
@event_priority(-110)
def on_files(files: Files, config) -> Files:
    # Every figure is a file from here on (links to it validate); the content of one still being drawn
    # is set in on_env, before MkDocs writes the files.
    for key in _state["keys"]:
        path = f"{FIGURE_DIR}/{key}.svg"
        existing = files.get_file_from_path(path)
        if existing is not None:
            files.remove(existing)
        if key not in _failed:
            files.append(File.generated(config, path, content=_cache.get(key, "")))
    return files


@event_priority(-110)
def on_env(env, config, files: Files):
    """After every page is rendered, before the files are written: the drawn SVGs go into their files."""
    _finish_drawing()
    for key in _state["keys"]:
        file = files.get_file_from_path(f"{FIGURE_DIR}/{key}.svg")
        if file is None:
            continue
        if key in _failed:
            log.warning("figure %r could not be drawn: %s", key, _failed[key])
            files.remove(file)
        else:
            file.content_string = _cache[key]
    return env


def on_page_content(html: str, page, config, files) -> str:
    """``<img src=".../NAME.svg">`` of a figure with a narrow layout -> ``<picture>`` with a phone source."""

    def wrap(match: re.Match) -> str:
        name, src = match["name"], match["src"]
        if f"{name}.narrow" not in _state["keys"]:
            return match[0]
        narrow_src = src[: -len(".svg")] + ".narrow.svg"
        return f'<picture><source media="{NARROW_MEDIA}" srcset="{narrow_src}">{match[0]}</picture>'

    return _IMG.sub(wrap, html)


def on_shutdown() -> None:
    if _state["pool"] is not None:  # a serve stopped during its first build
        _state["pool"].shutdown(cancel_futures=True)
        _state["pool"] = None

"""Shared pytest set-up.

The pages are collected by pytest-markdown-docs (``--markdown-docs`` in pyproject's ``addopts``); its glue
for this book (one namespace per page, includes, shown outputs, page rules) is tests/nnbook_docs.py,
loaded for every run by ``-p nnbook_docs``, so that it also serves pages given directly
(``pytest docs/ja/02-perceptron.md``), which a conftest in tests/ would not see.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

# What a test waits for (0 nothing, 1 the notebooks' executions, 2 a built site): one rule for the order
# here and for the units the test workers are handed (tests/nnbook_parallel.py).
from nnbook_parallel import waits_for as _waits_for

# Figures never need a screen, in unit tests and docs tests alike.
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parent.parent


def _build(out: Path, **env) -> Path:
    # Not --strict: .ci/run does the strict build; here the pages only have to exist.
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(out)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    return out


# The built site, once per test run for every test file that looks at it (test_browser.py,
# test_links.py). NNBOOK_SITE_DIR / NNBOOK_OFFLINE_SITE_DIR test a site already built from this tree.
@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    if os.environ.get("NNBOOK_SITE_DIR"):
        return Path(os.environ["NNBOOK_SITE_DIR"]).resolve()
    if "site" in _background:
        return _background["site"].result()
    return _build(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="session")
def offline_site(tmp_path_factory) -> Path:
    """The offline build (NNBOOK_OFFLINE=true), made to be opened from file:// URLs."""
    if os.environ.get("NNBOOK_OFFLINE_SITE_DIR"):
        return Path(os.environ["NNBOOK_OFFLINE_SITE_DIR"]).resolve()
    if "offline_site" in _background:
        return _background["offline_site"].result()
    return _build(tmp_path_factory.mktemp("offline"), NNBOOK_OFFLINE="true")


@pytest.fixture(scope="session")
def notebook_runs():
    """The chapter notebooks' executions started with the session (id -> (executed file or None, error)), or None."""
    return _background["notebooks"].result() if "notebooks" in _background else None


# What the session computes beside the tests (``_start_in_the_background``): "notebooks" (the chapter
# notebooks' executions, for tests/test_notebooks.py), "site", "offline_site" (the builds). Each value
# has ``.result()``: a Future in the process that computes it, a ``_Shared`` in the other workers.
_background: dict = {}


def _computes_shared_work() -> bool:
    """Under pytest-xdist (the full run, tests/nnbook_parallel.py) the first worker computes the
    notebooks' executions and the builds for every worker; without xdist, this process does."""
    return os.environ.get("PYTEST_XDIST_WORKER", "gw0") == "gw0"


def _shared_dir(base: Path) -> Path:
    """Where the computing worker leaves its results: the run's directory, above each worker's own."""
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared-work"


class _Shared:
    """A result of the background work that another worker computes: waits for the file it writes."""

    def __init__(self, path: Path):
        self.path = path

    def result(self, timeout: float = 1800):
        import json
        import time

        deadline = time.monotonic() + timeout
        while not self.path.exists():
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.path.stem}: no result from worker gw0 after {timeout:.0f} s")
            time.sleep(0.2)
        data = json.loads(self.path.read_text("utf-8"))
        if data["error"] is not None:
            raise RuntimeError(f"{self.path.stem}, computed by worker gw0, failed:\n{data['error']}")
        value = data["value"]
        return Path(value) if data["kind"] == "path" else {k: tuple(v) for k, v in value.items()}


def _publish(path: Path, future) -> None:
    """Write a finished Future's result (a site's path, or the notebooks' id -> (file, error)) for the
    other workers; an exception is written as its text, which their fixtures raise."""
    import json
    import traceback

    exc = future.exception()
    value = None if exc else future.result()
    data = {"error": "".join(traceback.format_exception(exc)) if exc else None,
            "kind": "path" if isinstance(value, Path) else "results",
            "value": str(value) if isinstance(value, Path) else value}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    tmp.replace(path)  # atomic: a waiting worker never reads half a file




@pytest.hookimpl(trylast=True)  # after the tmp_path plugin's own configure
def pytest_configure(config):
    """Chapter 11's sweeps run once per test run (src/nnbook/_runcache.py): the docs tests and the
    notebooks' kernels, in every worker, read back what the first of them computed. Set here, before
    the workers and the kernels start, so that they all inherit it; a new directory for every run."""
    base = Path(str(config._tmp_path_factory.getbasetemp()))
    os.environ.setdefault("NNBOOK_RUN_CACHE", str(_shared_dir(base) / "run-cache"))


@pytest.hookimpl(trylast=True)  # after -k/-m have deselected: start only what the selected tests need
def pytest_collection_modifyitems(session, config, items):
    """The tests that need the chapter notebooks executed or the site built run last (the order of the
    rest unchanged), and those computations start now, beside the other tests: on 2 cores the kernels
    and the builds run while the page and unit tests run here. The notebooks are executed once (the
    same runner as the build's, hooks/notebook_runs.py), and their pages go into mkdocs-jupyter's cache,
    so the builds that follow reuse those executions: each chapter runs once per language in a run of
    the whole suite, or once for both when its code is the same but for comments."""
    _check_pages_with_their_notebooks(config, items)
    items.sort(key=_waits_for)
    if not config.getoption("collectonly"):
        _start_in_the_background(items, Path(str(config._tmp_path_factory.getbasetemp())))


def _check_pages_with_their_notebooks(config, items) -> None:
    """A chapter whose notebook this run executes (its test in tests/test_notebooks.py is selected) is
    not run a second time by its page's docs items: they read each block's outputs from that execution
    (tests/nnbook_docs.py, GAP 9), so each chapter's code runs once per language per run."""
    import functools

    import nnbook_docs
    import nnbook_notebooks as nbgen

    wanted = set(_notebooks_wanted(items))
    if not wanted:
        return
    tools = functools.cache(lambda: (nnbook_docs.SnippetExpander(nnbook_docs.snippet_options()), nbgen.settings()))

    def cells(page, lang):
        import nbformat

        path, _ = _background["notebooks"].result()[f"{lang}/{page.stem}"]
        if path is None:
            return None
        expander, s = tools()
        return nbgen.cells_of_fences(page, lang, nbformat.read(path, as_version=4), expander=expander, s=s)

    pages = {page: functools.partial(cells, page, lang) for lang, page, _ in nbgen.all_notebooks() if f"{lang}/{page.stem}" in wanted}
    nnbook_docs.check_with_notebooks(config, items, pages)


def _notebooks_wanted(items) -> list[str]:
    """The chapter notebooks (``lang/NN-name``) whose test in tests/test_notebooks.py is selected."""
    return [item.callspec.id for item in items if getattr(item, "originalname", "") == "test_notebook_runs_in_a_fresh_kernel"]


def _uses(items, fixture: str) -> bool:
    return any(fixture in getattr(item, "fixturenames", ()) and item.path.name != "test_notebooks.py" for item in items)


def _start_in_the_background(items, base: Path) -> None:
    import threading
    from concurrent.futures import Future

    import nnbook_notebooks as nbgen

    _background.clear()
    wanted = _notebooks_wanted(items)
    builds = [name for name, env in (("site", "NNBOOK_SITE_DIR"), ("offline_site", "NNBOOK_OFFLINE_SITE_DIR"))
              if _uses(items, name) and not os.environ.get(env)]
    if not wanted and not builds:
        return
    names = ["notebooks"] * bool(wanted) + builds
    shared = _shared_dir(base)
    if not _computes_shared_work():
        _background.update({name: _Shared(shared / f"{name}.json") for name in names})
        return
    jobs, options = nbgen.executions(wanted, base / "notebook-runs") if wanted else ([], None)
    futures = {name: Future() for name in names}
    _background.update(futures)
    if os.environ.get("PYTEST_XDIST_WORKER"):
        for name, future in futures.items():
            future.add_done_callback(lambda f, path=shared / f"{name}.json": _publish(path, f))

    def build(name):
        try:
            env = {"NNBOOK_OFFLINE": "true"} if name == "offline_site" else {}
            if name == "site" and wanted:
                env[nbgen._hook("notebook_runs").FOLLOW] = str(base / "notebook-runs")
            futures[name].set_result(_build(base / name, **env))
        except BaseException as exc:  # noqa: BLE001 - the fixture that waits for it reports it
            futures[name].set_exception(exc)

    def work():
        # The site's build starts as soon as the chapters' executions have: it renders the pages
        # meanwhile and waits for each notebook that this runner writes into the cache (it names the
        # runner's workdir: hooks/notebook_runs.py, ``follow``). The offline build comes after both, when
        # every notebook it needs is in the cache.
        site = threading.Thread(target=build, args=("site",), daemon=True) if "site" in builds else None
        if wanted:
            try:
                futures["notebooks"].set_result(nbgen.run_executions(
                    jobs, options, base / "notebook-runs", started=site.start if site else None))
            except BaseException as exc:  # noqa: BLE001
                futures["notebooks"].set_exception(exc)
        if site is not None:
            if site.ident is None:  # no runner was started (no notebook wanted, or it failed to start)
                site.start()
            site.join()
        for name in builds:
            if name != "site":
                build(name)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    _threads.append(thread)


_threads: list = []


def pytest_sessionfinish(session):
    """The computing worker may run out of tests before the others have their builds: it stays until its
    background work is done, so that they are not left waiting for a process that has gone."""
    for thread in _threads:
        thread.join()

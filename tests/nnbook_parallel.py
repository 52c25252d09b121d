"""The full test run in two processes: how many workers, and which tests stay together.

pytest-xdist runs the tests in worker processes (``-n auto --dist loadscope`` in pyproject's
``addopts``); this plugin, loaded for every run with ``-p nnbook_parallel`` (a conftest in tests/ would
not be seen in time, nor when only pages are given), fills what xdist cannot know about this book:

- How many workers. The whole suite (``pytest`` with no paths, or a directory) runs in one worker per
  core, at most 4; a run of named files or tests (``pytest docs/ja/02-perceptron.md``) stays in this
  process, where starting workers would cost more than it saves. ``-n 0`` always turns it off.
- What stays together. A page's code blocks share one namespace and run top to bottom, so all the items
  of a page go to one worker, in order; so do the other tests of a test file, which share its
  module-scoped fixtures. The tests that wait for a built site or the notebooks' executions are handed
  out one by one (they are the long tail of the run, and every worker can take some): tests/conftest.py
  sorts them last and has one worker compute those builds and executions for all. A chapter page that
  waits for its notebook's execution (tests/nnbook_docs.py, GAP 9) still goes to one worker whole.

xdist's own grouping (``--dist loadgroup`` and the ``xdist_group`` mark) does not work with pytest 9.2:
it appends the group to ``item._nodeid``, which pytest no longer reads, so every test became its own
unit. Here the workers write each test's unit into a file, and a ``--dist loadscope`` scheduler whose
units are read from it hands them out (``pytest_xdist_make_scheduler``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

MAX_WORKERS = 4
UNITS_FILE = "xdist-units.json"  # in the run's base temporary directory, above each worker's own


@pytest.hookimpl(tryfirst=True)  # before xdist's own, which counts the cores
def pytest_xdist_auto_num_workers(config) -> int:
    whole = config.args_source == pytest.Config.ArgsSource.TESTPATHS or any(
        Path(arg.split("::")[0]).is_dir() for arg in config.args
    )
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(cores, MAX_WORKERS) if whole and cores > 1 else 0


def waits_for(item) -> int:
    """0: needs nothing that the run computes beside the tests; 1: the notebooks' executions; 2: a built
    site (tests/conftest.py runs the tests in this order and computes those beside the others)."""
    names = getattr(item, "fixturenames", ())
    notebooks = (item.path.name == "test_notebooks.py" or "notebook_runs" in names or "executed" in names
                 or getattr(item, "nnbook_waits_for_notebooks", False))  # a chapter page's (tests/nnbook_docs.py, GAP 9)
    if not notebooks and ("site" in names or "offline_site" in names):
        return 2
    return 1 if notebooks else 0


def _waits_for_shared_work(item) -> bool:
    return waits_for(item) > 0


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    """In a worker: each test's unit (its file, or the test alone when it waits for shared work)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:
        return
    units = {item.nodeid: item.nodeid if _waits_for_shared_work(item) and item.path.suffix != ".md"
             else item.path.relative_to(config.rootpath).as_posix() for item in items}
    path = Path(str(config._tmp_path_factory.getbasetemp())).parent / f"{worker}-{UNITS_FILE}"
    path.write_text(json.dumps(units), encoding="utf-8")


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    base = Path(str(config._tmp_path_factory.getbasetemp()))

    class BookUnits(LoadScopeScheduling):
        """loadscope with this book's units, read from what the workers wrote when they collected."""

        _units: dict | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self._units is None:
                found = sorted(base.glob(f"*-{UNITS_FILE}"))
                self._units = json.loads(found[0].read_text("utf-8")) if found else {}
            return self._units.get(nodeid) or super()._split_scope(nodeid)

    return BookUnits(config, log)

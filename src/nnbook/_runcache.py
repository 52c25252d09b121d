"""A memo for the book's longest experiments, used only inside one run of the book's own tests.

Chapter 11's pages train hundreds of small networks with ``sweep_xor``; one run of the tests may execute
those pages several times (the notebooks' kernels of both languages; the docs tests too when the pages are
run without their notebooks, or with ``--update-outputs``). The test session
(tests/conftest.py) sets ``NNBOOK_RUN_CACHE`` to a new directory of its own: then a sweep is computed
the first time (same seeds, same code) and read back the other times in that run. When the variable is
not set (a reader, the command line, a build outside the tests), nothing is read or written. The three trainings of
chapter 11's loss-curve figure are kept the same way (``nnbook.plot._xor_losses``): the figure is drawn
by the site's build, the chapter's kernels and the tests.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

_PLAIN = (str, int, float, bool, type(None))


def key(*parts: object) -> str | None:
    """A file name for ``parts`` (plain values only), or None: not cached."""
    if not os.environ.get("NNBOOK_RUN_CACHE"):
        return None
    flat = []
    for part in parts:
        items = sorted(part.items()) if isinstance(part, dict) else [part]
        for item in items:
            values = item if isinstance(item, (tuple, list)) else (item,)
            if not all(isinstance(v, _PLAIN) for v in values):
                return None
        flat.append(repr(items))
    return hashlib.sha256("\n".join(flat).encode()).hexdigest()[:32]


def load(name: str | None):
    if name is None:
        return None
    path = Path(os.environ["NNBOOK_RUN_CACHE"]) / f"{name}.pickle"
    return pickle.loads(path.read_bytes()) if path.exists() else None


def save(name: str | None, value: object) -> None:
    if name is None:
        return
    folder = Path(os.environ["NNBOOK_RUN_CACHE"])
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f"{name}.{os.getpid()}.tmp"
    tmp.write_bytes(pickle.dumps(value))
    tmp.replace(folder / f"{name}.pickle")  # whole or absent, for a process that reads it without the lock


def once(name: str | None, compute: Callable[[], T]) -> T:
    """``compute()``, or what a process of this run already computed for ``name``. While one process
    computes it, another that needs it waits (a lock file) and reads it back, so that two kernels started
    side by side (the two languages of chapter 11) do not both compute it. ``name`` None: ``compute()``."""
    if name is None:
        return compute()
    done = load(name)
    if done is not None:
        return done
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock, at worst computed twice
        fcntl = None
    folder = Path(os.environ["NNBOOK_RUN_CACHE"])
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{name}.lock", "w") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        done = load(name)
        if done is None:
            done = compute()
            save(name, done)
    return done

"""How many NumPy calls does one training step make? (appendix A2, "Where the time goes")

Counts the calls into NumPy of one step of the XOR network (2-4-1, sigmoid, binary cross-entropy,
SGD with momentum 0.9, four samples, full batch) inside ``nnbook.train``, the way appendix A2's
benchmark times it: the calls of ``train(..., epochs=2)`` minus those of ``train(..., epochs=1)``, so
that what ``train`` does once per call cancels out.

A call is counted once, at the outermost level, whatever NumPy does inside it:

- a NumPy function or array method called from Python (``np.asarray``, ``x.all()``, ``np.errstate``'s
  methods ...), seen by ``sys.setprofile``;
- a ufunc run by a function or by an operator on arrays (``x @ W``, ``a + b``, ``-x``, ``np.exp(x)``),
  seen by ``__array_ufunc__`` / ``__array_function__`` of an ndarray subclass that every array of the
  step is a view of (``np.asarray`` is swapped for a version that keeps the subclass while counting).

Two warm-up epochs, uncounted, make the optimizer's velocities exist, as in every later step.

    python benchmarks/count_numpy_calls.py          # the total, by NumPy name and by nnbook caller
"""

from __future__ import annotations

import collections
import os
import sys
from collections.abc import Callable

import numpy as np

NUMPY_DIR = os.path.dirname(np.__file__)
HERE = os.path.abspath(__file__)
CHECK_FILES = ("checks.py", "_checks.py")  # where the package keeps its input, result and update checks


class _Counter:
    """Counts outermost NumPy calls while ``active``; ``depth`` > 0 means "inside a counted call"."""

    def __init__(self) -> None:
        self.by_name: collections.Counter[str] = collections.Counter()
        self.by_caller: collections.Counter[str] = collections.Counter()
        self.depth = 0
        self.active = False
        self._stack: list[bool] = []

    def note(self, name: str) -> None:
        if not self.active or self.depth:
            return
        self.by_name[name] += 1
        frame = sys._getframe(1)
        while frame.f_code.co_filename in (HERE, __file__) or frame.f_code.co_filename.startswith(NUMPY_DIR):
            frame = frame.f_back
        self.by_caller[f"{os.path.basename(frame.f_code.co_filename)}:{frame.f_code.co_name}"] += 1

    def profile(self, frame, event, arg) -> None:
        if event == "call":
            code = frame.f_code
            # NumPy's Python functions; not the dispatchers of C functions (multiarray.py, *_dispatcher),
            # which __array_function__ counts as the function itself
            numpy_code = (
                code.co_filename.startswith(NUMPY_DIR)
                and not code.co_name.endswith("_dispatcher")
                and not code.co_filename.endswith("multiarray.py")
            )
            self._enter(numpy_code, getattr(code, "co_qualname", code.co_name))
        elif event == "c_call":
            owner = getattr(arg, "__self__", None)
            modules = (getattr(arg, "__module__", None) or "") + " " + (type(owner).__module__ if owner is not None else "")
            numpy_c = ("numpy" in modules or isinstance(owner, np.ndarray)) and frame.f_code.co_filename not in (HERE, __file__)
            name = getattr(arg, "__qualname__", None) or getattr(arg, "__name__", repr(arg))
            self._enter(numpy_c, name.replace(_Counted.__name__ + ".", "ndarray."))
        elif event in ("return", "c_return", "c_exception"):
            if self._stack and self._stack.pop():
                self.depth -= 1

    def _enter(self, is_numpy: bool, name: str) -> None:
        self._stack.append(is_numpy)
        if is_numpy:
            self.note(name)
            self.depth += 1


_counter = _Counter()


def _wrap(result):
    if isinstance(result, np.ndarray) and not isinstance(result, _Counted):
        return result.view(_Counted)
    if isinstance(result, tuple):
        return tuple(_wrap(r) for r in result)
    return result


class _Counted(np.ndarray):
    """An ndarray that reports every ufunc and array function it takes part in."""

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        _counter.note(ufunc.__name__ if method == "__call__" else f"{ufunc.__name__}.{method}")
        _counter.depth += 1
        try:
            inputs = tuple(i.view(np.ndarray) if isinstance(i, _Counted) else i for i in inputs)
            if "out" in kwargs:
                kwargs["out"] = tuple(o.view(np.ndarray) if isinstance(o, _Counted) else o for o in kwargs["out"])
            result = getattr(ufunc, method)(*inputs, **kwargs)
        finally:
            _counter.depth -= 1
        return _wrap(result)

    def __array_function__(self, func, types, args, kwargs):
        _counter.note(func.__name__)
        _counter.depth += 1
        try:
            result = func._implementation(*args, **kwargs)
        finally:
            _counter.depth -= 1
        return _wrap(result)


def _counted_asarray(a, *args, **kwargs):
    _counter.note("asarray")
    return _wrap(np.asanyarray(a, *args, **kwargs))


def count_numpy_calls(run: Callable[[], object]) -> tuple[collections.Counter[str], collections.Counter[str]]:
    """Run ``run()`` once and return the NumPy calls it made, by NumPy name and by caller."""
    _counter.by_name.clear()
    _counter.by_caller.clear()
    real_asarray = np.asarray
    np.asarray = _counted_asarray
    _counter.active = True
    previous = sys.getprofile()
    sys.setprofile(_counter.profile)
    try:
        run()
    finally:
        sys.setprofile(previous)
        _counter.active = False
        np.asarray = real_asarray
    return collections.Counter(_counter.by_name), collections.Counter(_counter.by_caller)


def counted(array) -> np.ndarray:
    """A view of ``array`` whose ufuncs and array functions are counted (same memory)."""
    return np.asanyarray(array).view(_Counted)


def xor_training() -> Callable[[int], None]:
    """``run(epochs)``: ``nnbook.train`` of the XOR 2-4-1 network (full batch) on counted arrays.

    Each call continues from where the last one stopped (the same network and optimizer); two warm-up
    epochs, not counted, make the optimizer's velocities exist, as in every later step.
    """
    from nnbook import SGD, BCELoss, make_mlp, train, truth_table

    X, T = (counted(a) for a in truth_table("xor"))
    network = make_mlp([2, 4, 1], activation="sigmoid", init="xavier", rng=0)
    for layer in network.layers:
        for name in ("W", "b"):
            if hasattr(layer, name):
                setattr(layer, name, counted(getattr(layer, name)))
    loss, optimizer = BCELoss(), SGD(lr=0.5, momentum=0.9)

    def run(epochs: int) -> None:
        train(network, loss, optimizer, X, T, epochs=epochs)

    real_asarray = np.asarray
    np.asarray = lambda a, *args, **kwargs: _wrap(np.asanyarray(a, *args, **kwargs))
    try:
        run(2)
    finally:
        np.asarray = real_asarray
    return run


def calls_per_step() -> tuple[collections.Counter[str], collections.Counter[str], int]:
    """The NumPy calls of one training step (one more epoch, full batch) inside ``nnbook.train``.

    The count of ``train(..., epochs=2)`` minus that of ``train(..., epochs=1)``, so that what ``train``
    does once per call (checking its arguments) cancels out. Returns the calls by NumPy name, by
    caller, and the total of one ``train(..., epochs=1)`` call.
    """
    run = xor_training()
    one_name, one_caller = count_numpy_calls(lambda: run(1))
    two_name, two_caller = count_numpy_calls(lambda: run(2))
    two_name.subtract(one_name)
    two_caller.subtract(one_caller)
    return +two_name, +two_caller, sum(one_name.values())


def main() -> None:
    by_name, by_caller, one_call = calls_per_step()
    print(f"NumPy calls per training step of the XOR 2-4-1 network in nnbook.train: {sum(by_name.values())}")
    print(f"(one call train(..., epochs=1) makes {one_call}: a step plus what train does once per call)")
    checks = sum(n for name, n in by_caller.items() if name.startswith(CHECK_FILES) or ":_require" in name)
    print(f"of which made by the checks ({', '.join(CHECK_FILES)}, losses' _require_*): {checks}")
    print("\nby NumPy name:")
    for name, n in by_name.most_common():
        print(f"  {n:4d}  {name}")
    print("\nby nnbook caller (file:function):")
    for name, n in by_caller.most_common():
        print(f"  {n:4d}  {name}")


if __name__ == "__main__":
    main()

"""What do the checks cost? One training step with nnbook's checks, and the same listings without them.

    .venv/bin/python benchmarks/check_overhead.py                  # every network of bench_step.py
    .venv/bin/python benchmarks/check_overhead.py --nets 2-4-1 --dtypes float32

Two engines, in one process, taking turns (the order alternates every round; each round times each
engine with ``bench_step.measure``, the median CPU time of a step; the lowest median over the rounds is
printed):

    checked   ``nnbook.train`` on a ``Network`` of the package's classes: the public API, as bench_step.py
              times it (the first step fully checked, later steps through train's fast path, see
              ``nnbook.checks._FastTraining``)
    all-checked  the same, with the fast path off (``nnbook.checks.FAST_TRAINING = False``): every check
              of nnbook/checks.py runs on every call, as before the fast path existed
    listings  the same objects, but each method called undecorated (``__wrapped__``: the plain code the
              book shows), in the loop of the ``train`` listing: forward, loss, backward, step; like
              ``train``, the first Affine layer computes no gradient for the data. Nothing is checked:
              this is what the listings themselves cost, the least a checked step can take.

``checked / listings`` is the price of the safety net; ``listings`` against PyTorch's time in
benchmarks/results/step.md says how fast the book's own code can be. Never assert on these times.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_step  # noqa: E402  (the same data, networks and clock as the main benchmark)


def _plain(method):
    """The undecorated function under nnbook's check wrappers (functools.wraps sets ``__wrapped__``)."""
    while hasattr(method, "__wrapped__"):
        method = method.__wrapped__
    return method


def listings_step(sizes, batch, dtype_name):
    """The ``train`` listing's four steps with the plain methods of the same objects as bench_step's."""
    import numpy as np

    import nnbook

    checked, _ = bench_step.nnbook_step(sizes, batch, dtype_name)  # builds the same network, loss, optimizer
    network, loss, optimizer = checked.network, checked.loss, checked.optimizer
    x, t = checked.data
    layers = list(network.layers)
    forwards = [(layer, _plain(type(layer).forward)) for layer in layers]
    backwards = [(layer, _plain(type(layer).backward)) for layer in reversed(layers)]
    if isinstance(layers[0], nnbook.Affine):  # as train does: no gradient for the data (appendix A2)
        from nnbook.layers import _weight_gradients

        backwards[-1] = (layers[0], _weight_gradients)
    loss_forward, loss_backward = _plain(type(loss).forward), _plain(type(loss).backward)
    step_plain, parameters = _plain(type(optimizer).step), _plain(nnbook.Network.parameters)

    def step():
        with np.errstate(all="ignore"):
            for _ in range(bench_step.STEPS_PER_CALL):
                y = x
                for layer, forward in forwards:
                    y = forward(layer, y)
                loss_forward(loss, y, t)
                d = loss_backward(loss)
                for layer, backward in backwards:
                    d = backward(layer, d)
                step_plain(optimizer, parameters(network))

    step.per_call = bench_step.STEPS_PER_CALL
    step.network = network
    return step, checked


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nets", help="comma-separated subset, e.g. 2-4-1,784-256-10")
    parser.add_argument("--dtypes", default=",".join(bench_step.DTYPES))
    parser.add_argument("--rounds", type=int, default=5, help="rounds per engine, alternating (default 5)")
    parser.add_argument("--min-time", type=float, default=0.2, help="seconds of steps per engine and round")
    args = parser.parse_args(argv)
    nets = [(s, b) for s, b in bench_step.NETWORKS
            if not args.nets or bench_step.net_name(s) in args.nets.split(",")]
    import nnbook.checks

    load = os.getloadavg()[0]
    print(f"{'network':<12} {'dtype':<8} {'all-checked':>11} {'checked':>10} {'listings':>10} {'checked / listings':>19}")
    for sizes, batch in nets:
        for dtype_name in args.dtypes.split(","):
            plain, checked = listings_step(sizes, batch, dtype_name)

            def all_checked():
                nnbook.checks.FAST_TRAINING = False
                try:
                    checked()
                finally:
                    nnbook.checks.FAST_TRAINING = True

            all_checked.per_call = checked.per_call
            best = {"all-checked": float("inf"), "checked": float("inf"), "listings": float("inf")}
            for r in range(args.rounds):
                order = [("all-checked", all_checked), ("checked", checked), ("listings", plain)]
                for name, fn in order if r % 2 == 0 else order[::-1]:
                    best[name] = min(best[name], bench_step.measure(fn, args.min_time))
            a, c, p = best["all-checked"], best["checked"], best["listings"]
            print(f"{bench_step.net_name(sizes):<12} {dtype_name:<8} {bench_step.format_time(a):>11} "
                  f"{bench_step.format_time(c):>10} {bench_step.format_time(p):>10} {c / p:>19.2f}")
    print(f"threads: 1; lowest median CPU time of {args.rounds} rounds; "
          f"load average (1 min) before -> after: {load:.2f} -> {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

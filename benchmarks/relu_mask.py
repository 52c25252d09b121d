"""ReLU's backward pass: ``dout * mask`` against ``np.where(mask, dout, 0)`` (appendix A2, "A
multiplication, not a choice").

Both give the same numbers (checked here before timing); the script times each with ``timeit``, the best
of 7 repeats of as many calls as fill about 0.2 s, at the sizes the appendix quotes, on float64 arrays
from a fixed seed, one BLAS/OpenMP thread, and prints how many times as fast the multiplication is.

    .venv/bin/python benchmarks/relu_mask.py
    .venv/bin/python benchmarks/relu_mask.py --sizes 4x4,512x1024 --repeats 3

Nothing asserts on these times: another machine, or the same one under load, gives other ratios.
"""

from __future__ import annotations

import argparse
import os
import platform
import timeit

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

SIZES = "4x4,32x64,128x256,512x1024"


def best(stmt, repeats: int) -> float:
    """Seconds per call: the best of ``repeats`` timings of about 0.2 s each."""
    timer = timeit.Timer(stmt)
    number, _ = timer.autorange()  # calls that take >= 0.2 s
    return min(timer.repeat(repeat=repeats, number=number)) / number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=SIZES, help=f"rows x columns, comma-separated (default {SIZES})")
    parser.add_argument("--repeats", type=int, default=7, help="timings per variant; the best is kept (default 7)")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print(f"numpy {np.__version__}, Python {platform.python_version()}, {platform.processor() or platform.machine()}, "
          f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'size':>10}  {'dout * mask':>12}  {'np.where':>12}  multiplication is")
    for size in args.sizes.split(","):
        rows, cols = (int(n) for n in size.split("x"))
        x = rng.standard_normal((rows, cols))
        dout = rng.standard_normal((rows, cols))
        mask = x > 0
        assert np.array_equal(dout * mask, np.where(mask, dout, 0))  # the same numbers
        multiply = best(lambda: dout * mask, args.repeats)
        where = best(lambda: np.where(mask, dout, 0), args.repeats)
        print(f"{rows:>4} x {cols:<5}  {multiply * 1e6:9.2f} µs  {where * 1e6:9.2f} µs  {where / multiply:.1f} times as fast")


if __name__ == "__main__":
    main()

"""The benchmark scripts run and format their tables (smoke tests: no timing is ever asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH_STEP = ROOT / "benchmarks" / "bench_step.py"


def test_bench_step_runs_nnbook_and_the_floor_on_the_smallest_network():
    done = subprocess.run(
        [sys.executable, str(BENCH_STEP), "--engines", "nnbook,floor", "--nets", "2-4-1", "--dtypes", "float32",
         "--repeats", "1", "--min-time", "0.01", "--json"],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["configs"] == ["2-4-1/4/float32"]
    assert set(report["seconds"]["2-4-1/4/float32"]) == {"nnbook", "floor"}
    assert report["threads"] == 1
    assert "1 thread" in report["versions"]["blas"] or "threadpoolctl" in report["versions"]["blas"]


def test_markdown_tables_in_both_languages_and_goals_for_the_terminal():
    sys.path.insert(0, str(BENCH_STEP.parent))
    try:
        import bench_step
    finally:
        sys.path.pop(0)
    seconds = {"nnbook": 2e-5, "torch": 2e-4, "floor": 4e-6}
    report = {
        "command": "cmd", "date": "2026-01-01", "threads": 1, "repeats": 3,
        "machine": {"cpu": "CPU", "cores": 2, "os": "OS", "python": "3.11", "openblas_coretype": None,
                    "load_average": [0.1, 0.2]},
        "versions": {"numpy": "2", "blas": "openblas", "torch": "2.13"},
        "configs": ["2-4-1/4/float64"],
        "seconds": {"2-4-1/4/float64": seconds},
    }
    en, ja = bench_step.markdown(report, "en"), bench_step.markdown(report, "ja")
    assert "| 2-4-1 | 4 | float64 | 20 µs | 200 µs | 4 µs | 10.00 | 5.00 |" in en
    assert "5x" not in en and "Goals" not in en and "目標" not in ja  # the page shows measurements, not goals
    assert "at least 5x faster than PyTorch: 10.00x — **met**" in bench_step.goals(report, "en")[2]
    assert "PyTorch の 5 倍以上速い: 10.00 倍 — **達成**" in bench_step.goals(report, "ja")[2]
    # the date of the measurement under the table; the commands are on the page ("Measure on your machine")
    assert "(2026-01-01)" in en and "(2026-01-01)" in ja and "`cmd`" not in en and "`cmd`" not in ja


@pytest.mark.parametrize("name", ["step.md", "step.ja.md", "step.json", "digits.md", "digits.ja.md", "digits.json"])
def test_committed_results_exist(name):
    # the appendix pages include these files and the figures read the JSON
    assert (ROOT / "benchmarks" / "results" / name).is_file()


def test_count_numpy_calls_counts_each_outermost_call_once():
    sys.path.insert(0, str(BENCH_STEP.parent))
    try:
        import count_numpy_calls as c
    finally:
        sys.path.pop(0)
    x = c.counted(np.array([1.0, -2.0, 3.0]))

    def run():
        y = np.exp(x) + x.sum()  # exp, ndarray.sum, add (sum's own add.reduce is not counted again)
        z = np.where(x > 0, y, 0.0) @ x  # greater, where, matmul
        return np.asarray([z]), len(y)  # asarray; len is not NumPy

    by_name, by_caller = c.count_numpy_calls(run)
    assert by_name == {"exp": 1, "ndarray.sum": 1, "add": 1, "greater": 1, "where": 1, "matmul": 1, "asarray": 1}
    assert sum(by_caller.values()) == 7
    by_name, _, _ = c.calls_per_step()
    assert by_name["matmul"] == 5  # XW1 and HW2 forward; H.T dY2, dY2 W2.T and X.T dY1 backward


def test_appendix_a2_states_the_counted_numpy_calls():
    # A2 says how many NumPy calls one XOR step makes: the figure must be what the script counts today
    sys.path.insert(0, str(BENCH_STEP.parent))
    try:
        import count_numpy_calls as c
    finally:
        sys.path.pop(0)
    by_name, _, _ = c.calls_per_step()
    total = sum(by_name.values())
    en = (ROOT / "docs" / "en" / "a2-performance.md").read_text(encoding="utf-8")
    ja = (ROOT / "docs" / "ja" / "a2-performance.md").read_text(encoding="utf-8")
    assert f"makes {total} NumPy calls" in en, f"update docs/en/a2-performance.md: one XOR step makes {total} NumPy calls"
    assert f"NumPy の呼び出しが {total} 回" in ja, f"update docs/ja/a2-performance.md: {total} 回"


@pytest.mark.parametrize("net", ["2-4-1", "64-64-10"])
def test_check_overhead_times_the_same_computation_with_and_without_the_checks(net):
    """benchmarks/check_overhead.py's "listings" engine (plain methods) trains exactly as train does."""
    sys.path.insert(0, str(BENCH_STEP.parent))
    try:
        import check_overhead
    finally:
        sys.path.remove(str(BENCH_STEP.parent))
    bench = check_overhead.bench_step
    sizes, batch = next((s, b) for s, b in bench.NETWORKS if bench.net_name(s) == net)
    plain, _ = check_overhead.listings_step(sizes, batch, "float64")
    _, checked = check_overhead.listings_step(sizes, batch, "float64")
    plain()  # ten steps each
    checked()
    start = [a for w, b in bench.make_data(sizes, batch, "float64")[2] for a in (w, b)]
    after_plain = [v for _, v, _ in plain.network.parameters()]
    after_checked = [v for _, v, _ in checked.network.parameters()]
    assert len(after_plain) == len(after_checked) == len(start) == 2 * (len(sizes) - 1)
    for p, c in zip(after_plain, after_checked):
        np.testing.assert_allclose(p, c, rtol=1e-12, atol=1e-15)
    assert not any(np.array_equal(p, s) for p, s in zip(after_plain[::2], start[::2]))  # the weights did train


def test_relu_mask_compares_the_two_backward_passes():
    """benchmarks/relu_mask.py (appendix A2's ratios for dout * mask against np.where) runs and prints a ratio."""
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "relu_mask.py"), "--sizes", "4x4", "--repeats", "1"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "   4 x 4 " in done.stdout and "times as fast" in done.stdout, done.stdout

"""The benchmark scripts run and format their tables (smoke tests: no timing is ever asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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


def test_markdown_tables_and_goals_in_both_languages():
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
    assert "at least 5x faster than PyTorch: 10.00x — **met**" in en
    assert "PyTorch の 5 倍以上速い: 10.00 倍 — **達成**" in ja
    assert "`cmd`" in en and "`cmd`" in ja


@pytest.mark.parametrize("name", ["step.md", "step.ja.md", "step.json", "digits.md", "digits.ja.md", "digits.json"])
def test_committed_results_exist(name):
    # the appendix pages include these files and the figures read the JSON
    assert (ROOT / "benchmarks" / "results" / name).is_file()

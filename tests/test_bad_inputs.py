"""The bad-input table of benchmarks/bad_inputs.py is clear: every bad input gets an error that names the
nnbook function, every good one the right answer; no crash, no silent acceptance, no escaped warning."""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("bad_inputs", ROOT / "benchmarks" / "bad_inputs.py")
table = importlib.util.module_from_spec(spec)
spec.loader.exec_module(table)


def test_every_case_is_a_clear_error_or_a_right_answer():
    results = [table.run(case) for case in table.cases()]
    assert len(results) >= 300
    bad = [(label, outcome, detail) for label, outcome, detail in results if outcome not in ("clear error", "right answer")]
    assert not bad, "\n".join(f"{o}: {label}: {d}" for label, o, d in bad)
    counts = Counter(outcome for _, outcome, _ in results)
    assert counts["right answer"] >= 20  # the good inputs are there too


def test_the_table_sees_a_crash_and_a_silent_acceptance():
    """The classifier itself: an error from NumPy's internals is a crash, no error is a silent acceptance."""
    import numpy as np

    assert table.run(("np.asarray ragged", ("nnbook",), lambda: np.asarray([[1.0], [1.0, 2.0]]), "error"))[1] == "crash"
    assert table.run(("nothing raised", ("x",), lambda: 1, "error"))[1] == "silently accepted"
    assert table.run(("a warning", ("x",), lambda: np.float64(1e308) * 10, lambda r: True))[1] == "warning escaped"

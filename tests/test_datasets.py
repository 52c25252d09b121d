"""Truth tables as training data."""

from __future__ import annotations

import numpy as np
import pytest

from nnbook import TRUTH_TABLES, truth_table


@pytest.mark.parametrize("name", ["and", "or", "nand", "xor"])
def test_shapes_dtypes_and_inputs(name):
    X, T = truth_table(name)
    assert X.shape == (4, 2) and T.shape == (4, 1)
    assert X.dtype == T.dtype == np.float64
    np.testing.assert_array_equal(X, [[0, 0], [1, 0], [0, 1], [1, 1]])
    np.testing.assert_array_equal(T[:, 0], TRUTH_TABLES[name])


def test_xor_is_one_when_inputs_differ():
    X, T = truth_table("xor")
    np.testing.assert_array_equal(T[:, 0], X[:, 0] != X[:, 1])


def test_names_are_case_insensitive_and_unknown_names_are_listed():
    np.testing.assert_array_equal(truth_table("XOR")[1], truth_table("xor")[1])
    with pytest.raises(ValueError, match=r"unknown gate 'nor'; expected one of \['and', 'nand', 'or', 'xor'\]"):
        truth_table("nor")


def test_each_call_returns_fresh_arrays():
    X, T = truth_table("and")
    X[0, 0] = 9
    assert truth_table("and")[0][0, 0] == 0


@pytest.mark.parametrize("fraction", [1e-4, 0.9999])
def test_load_digits_rejects_a_fraction_that_leaves_a_part_empty(fraction):
    # round(1797 * 1e-4) == 0 used to make order[:-0] empty: no training images, all 1797 in the test set
    pytest.importorskip("sklearn")
    from nnbook import load_digits

    with pytest.raises(ValueError, match="test_fraction"):
        load_digits(test_fraction=fraction)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"test_fraction": "0.25"}, ValueError, "load_digits: test_fraction must lie strictly between 0 and 1"),
        ({"test_fraction": True}, ValueError, "load_digits: test_fraction must lie strictly between 0 and 1"),
        ({"dtype": np.int64}, TypeError, "load_digits: dtype must be np.float32 or np.float64"),
        ({"dtype": np.float16}, TypeError, "load_digits: dtype must be np.float32 or np.float64"),
    ],
)
def test_load_digits_refuses_bad_arguments_clearly(kwargs, error, message):
    pytest.importorskip("sklearn")
    from nnbook import load_digits

    with pytest.raises(error, match=message):
        load_digits(**kwargs)

"""Perceptron, hand-wired gates and the perceptron learning rule."""

from __future__ import annotations

import numpy as np
import pytest

from nnbook import AND, GATE_PARAMS, NAND, OR, TRUTH_TABLES, XOR, Perceptron, train_perceptron, truth_table

GATES = {"and": AND, "or": OR, "nand": NAND, "xor": XOR}
PAIRS = [(0, 0), (1, 0), (0, 1), (1, 1)]


@pytest.mark.parametrize("name", sorted(GATES))
def test_gate_truth_tables_on_numbers(name):
    gate = GATES[name]
    outputs = [gate(x1, x2) for x1, x2 in PAIRS]
    assert outputs == list(TRUTH_TABLES[name])  # the tables are written out by hand in datasets.py
    assert all(type(y) is int for y in outputs)


@pytest.mark.parametrize("name", sorted(GATES))
def test_gates_work_elementwise_on_arrays(name):
    x1 = np.array([0, 1, 0, 1])
    x2 = np.array([0, 0, 1, 1])
    out = GATES[name](x1, x2)
    assert out.dtype.kind == "i"
    np.testing.assert_array_equal(out, TRUTH_TABLES[name])
    # 2-D batches and broadcasting a number against an array
    np.testing.assert_array_equal(GATES[name](x1.reshape(2, 2), x2.reshape(2, 2)), np.reshape(TRUTH_TABLES[name], (2, 2)))
    np.testing.assert_array_equal(GATES[name](1, np.array([0, 1])), [GATES[name](1, 0), GATES[name](1, 1)])


def test_gates_accept_bools_and_floats():
    assert AND(True, True) == 1 and OR(False, False) == 0
    assert XOR(1.0, 0.0) == 1


def test_gate_params_are_the_readable_hand_chosen_ones():
    assert GATE_PARAMS == {"AND": ((1.0, 1.0), -1.5), "OR": ((1.0, 1.0), -0.5), "NAND": ((-1.0, -1.0), 1.5)}


@pytest.mark.parametrize("name", ["AND", "OR", "NAND"])
def test_each_gate_has_a_margin_of_one_half(name):
    # the decision line w.x + b = 0 keeps every corner of the square at least 0.5 away in pre-activation
    p = Perceptron(*GATE_PARAMS[name])
    z = p.preactivation(np.array(PAIRS, dtype=float))
    assert np.all(np.abs(z) >= 0.5)


def test_perceptron_preactivation_and_predict():
    p = Perceptron(w=[0.5, -1.0], b=0.25)
    assert p.preactivation([1.0, 1.0]) == pytest.approx(-0.25)
    assert p.predict([1.0, 1.0]) == 0 and p([1.0, 0.0]) == 1
    np.testing.assert_allclose(p.preactivation(np.array([[0, 0], [2, 0]])), [0.25, 1.25])
    np.testing.assert_array_equal(p.predict(np.array([[0, 0], [0, 1]])), [1, 0])


def test_perceptron_output_is_zero_on_the_boundary():
    assert Perceptron([1.0, 1.0], -1.0)([0.5, 0.5]) == 0  # w.x + b == 0 -> 0, as step(0) == 0


def test_perceptron_errors_name_the_argument():
    with pytest.raises(ValueError, match=r"Perceptron: w must be a 1-D vector and b a single number, got shapes \(2, 1\) and \(\)"):
        Perceptron([[1.0], [2.0]], 0.0)
    with pytest.raises(ValueError, match=r"got shapes \(2,\) and \(1,\)"):
        Perceptron([1.0, 2.0], [0.5])
    with pytest.raises(ValueError, match=r"Perceptron: x must have shape \(2,\) or \(N, 2\) \(or \(\.\.\., 2\)\), got \(3,\)"):
        Perceptron([1.0, 1.0], 0.0).predict([1, 2, 3])
    with pytest.raises(ValueError, match="Perceptron.preactivation: x contains 1 NaN value"):
        Perceptron([1.0, 1.0], 0.0).predict([1, np.nan])


# --- learning rule ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["and", "or", "nand"])
def test_learning_rule_converges_on_linearly_separable_gates(name):
    X, T = truth_table(name)
    result = train_perceptron(X, T)
    assert result.converged
    assert result.errors[-1] == 0 and all(e > 0 for e in result.errors[:-1])
    assert result.epochs == len(result.errors)
    np.testing.assert_array_equal(result.perceptron.predict(X), TRUTH_TABLES[name])


def test_learning_rule_on_and_is_deterministic_and_known():
    # zero start, samples in order (00, 10, 01, 11), lr=1: worked out by hand in chapter 3's table
    result = train_perceptron(*truth_table("and"))
    assert result.errors == [1, 3, 3, 2, 1, 0]
    np.testing.assert_array_equal(result.perceptron.w, [1.0, 2.0])
    assert result.perceptron.b == -2.0
    again = train_perceptron(*truth_table("and"))
    assert again.errors == result.errors and np.array_equal(again.perceptron.w, result.perceptron.w)


def test_learning_rule_hits_the_xor_wall():
    result = train_perceptron(*truth_table("xor"), max_epochs=50)
    assert not result.converged
    assert result.epochs == 50 and len(result.errors) == 50
    assert min(result.errors) >= 1  # never a clean epoch: no line separates XOR
    assert (result.perceptron.predict(truth_table("xor")[0]) != TRUTH_TABLES["xor"]).any()


def test_learning_rule_accepts_flat_targets_and_rejects_bad_arguments():
    X, T = truth_table("or")
    assert train_perceptron(X, T.ravel()).converged
    with pytest.raises(ValueError, match="lr must be a finite number > 0, got 0"):
        train_perceptron(X, T, lr=0)
    with pytest.raises(ValueError, match="max_epochs must be an integer >= 1, got 0"):
        train_perceptron(X, T, max_epochs=0)
    with pytest.raises(ValueError, match=r"targets t must be 0 or 1, got \[0.0, 2.0\]"):
        train_perceptron(X, 2 * T)
    with pytest.raises(ValueError, match=r"t must have shape \(4,\) or \(4, 1\), got \(3,\)"):
        train_perceptron(X, [0, 1, 1])


@pytest.mark.parametrize("lr", ["1", None, True, float("nan"), float("inf"), 0, -1.0])
def test_train_perceptron_refuses_a_bad_learning_rate_by_name(lr):
    X, t = truth_table("AND")
    with pytest.raises(ValueError, match=r"train_perceptron: lr must be a finite number > 0"):
        train_perceptron(X, t, lr=lr)


def test_train_perceptron_refuses_zero_samples_instead_of_converging():
    with pytest.raises(ValueError, match=r"train_perceptron: X must hold at least one sample"):
        train_perceptron(np.zeros((0, 2)), np.zeros(0))

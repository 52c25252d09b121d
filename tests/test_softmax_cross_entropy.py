"""Softmax cross-entropy loss (digits appendix): values, gradient checks, dtypes, errors; and load_digits."""

from __future__ import annotations

import numpy as np
import pytest

from nnbook import (
    Affine,
    Network,
    ReLU,
    SoftmaxCrossEntropyLoss,
    check_gradients,
    load_digits,
    make_mlp,
    numerical_gradient,
    relative_error,
    softmax,
)

RNG = np.random.default_rng(20261130)


def test_softmax_rows_are_probabilities_and_never_overflow():
    y = np.array([[1.0, 2.0, 3.0], [1000.0, 0.0, -1000.0], [-1e300, 0.0, 0.0]])
    p = softmax(y)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(p[0], np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum())
    np.testing.assert_array_equal(p[1], [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(p[2], [0.0, 0.5, 0.5])


def test_uniform_scores_cost_log_of_the_number_of_classes():
    loss = SoftmaxCrossEntropyLoss()
    assert loss.forward(np.zeros((4, 10)), np.arange(4)) == pytest.approx(np.log(10))


def test_value_matches_the_definition_for_indices_and_one_hot():
    y = RNG.normal(size=(5, 4))
    t = np.array([0, 3, 1, 1, 2])
    expected = -np.mean(np.log(np.exp(y[np.arange(5), t]) / np.exp(y).sum(axis=1)))
    assert SoftmaxCrossEntropyLoss().forward(y, t) == pytest.approx(expected, rel=1e-12)
    assert SoftmaxCrossEntropyLoss().forward(y, np.eye(4)[t]) == pytest.approx(expected, rel=1e-12)


def test_matches_scikit_learns_log_loss():
    metrics = pytest.importorskip("sklearn.metrics")  # an independent implementation
    y = RNG.normal(size=(7, 3)) * 3
    t = np.array([0, 1, 2, 2, 1, 0, 2])
    ours = SoftmaxCrossEntropyLoss().forward(y, t)
    assert ours == pytest.approx(metrics.log_loss(t, softmax(y), labels=[0, 1, 2]), rel=1e-9)


def test_confident_wrong_answer_is_large_but_finite():
    loss = SoftmaxCrossEntropyLoss()
    value = loss.forward(np.array([[1000.0, -1000.0]]), np.array([1]))
    assert value == pytest.approx(2000.0)
    np.testing.assert_allclose(loss.backward(), [[1.0, -1.0]])


@pytest.mark.parametrize("targets", ["indices", "one-hot", "soft"])
def test_backward_matches_numerical_gradient(targets):
    y = RNG.normal(size=(6, 5))
    idx = RNG.integers(0, 5, size=6)
    t = {"indices": idx, "one-hot": np.eye(5)[idx], "soft": softmax(RNG.normal(size=(6, 5)))}[targets]
    loss = SoftmaxCrossEntropyLoss()
    loss.forward(y, t)
    analytic = loss.backward()
    numeric = numerical_gradient(lambda y_: SoftmaxCrossEntropyLoss().forward(y_, t), y.copy())
    assert relative_error(analytic, numeric) < 1e-8


def test_network_gradients_check_with_this_loss():
    network = make_mlp([4, 6, 3], activation="relu", output="identity", rng=1)
    X = RNG.normal(size=(8, 4))
    T = np.eye(3)[RNG.integers(0, 3, size=8)]
    report = check_gradients(network, SoftmaxCrossEntropyLoss(), X, T)
    assert report.max_rel_error < 1e-7, report.errors


def test_gradient_is_p_minus_t_over_n_and_leaves_forward_state_alone():
    y = RNG.normal(size=(3, 4))
    t = np.array([2, 0, 3])
    loss = SoftmaxCrossEntropyLoss()
    loss.forward(y, t)
    first = loss.backward()
    np.testing.assert_allclose(first, (softmax(y) - np.eye(4)[t]) / 3)
    np.testing.assert_array_equal(loss.backward(), first)  # backward twice: same answer


def test_does_not_modify_its_inputs():
    y = RNG.normal(size=(3, 4))
    t = np.eye(4)[[1, 2, 3]]
    y0, t0 = y.copy(), t.copy()
    loss = SoftmaxCrossEntropyLoss()
    loss.forward(y, t)
    loss.backward()
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_array_equal(t, t0)


def test_float32_stays_float32():
    y = RNG.normal(size=(4, 3)).astype(np.float32)
    loss = SoftmaxCrossEntropyLoss()
    assert isinstance(loss.forward(y, np.array([0, 1, 2, 0])), float)
    assert loss.backward().dtype == np.float32
    loss.forward(y, np.eye(3, dtype=np.float64)[[0, 1, 2, 0]])
    assert loss.backward().dtype == np.float32
    assert softmax(y).dtype == np.float32


def test_trains_a_small_classifier():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    t = (X[:, 0] + X[:, 1] > 0).astype(int)
    network = Network([Affine.create(2, 8, init="he", rng=0), ReLU(), Affine.create(8, 2, rng=1)])
    loss = SoftmaxCrossEntropyLoss()
    first = loss.forward(network.forward(X), t)
    for _ in range(200):
        loss.forward(network.forward(X), t)
        network.backward(loss.backward())
        for _, value, grad in network.parameters():
            value -= 0.5 * grad
    assert loss.forward(network.forward(X), t) < first / 4
    assert (network.forward(X).argmax(axis=1) == t).mean() > 0.95


@pytest.mark.parametrize(
    ("y", "t", "error", "message"),
    [
        (np.zeros((2, 3)), np.array([0, 3]), ValueError, "class indices in t must lie in 0 ... 2"),
        (np.zeros((2, 3)), np.array([0, -1]), ValueError, "from -1 to 0"),
        (np.zeros((2, 3)), np.array([0, 1, 2]), ValueError, "expected (2,)"),
        (np.zeros((2, 3)), np.array([0.0, 1.0]), TypeError, "integer class indices"),
        (np.zeros((2, 3)), np.zeros((2, 4)), ValueError, "(2, 3) like y"),
        (np.zeros(3), np.array([0]), ValueError, "shape (N, C)"),
        (np.zeros((2, 1)), np.array([0, 0]), ValueError, "C >= 2 classes"),
        (np.array([[0.0, np.nan]]), np.array([0]), ValueError, "NaN"),
    ],
)
def test_errors_name_the_argument_and_the_expectation(y, t, error, message):
    with pytest.raises(error, match="SoftmaxCrossEntropyLoss.forward") as info:
        SoftmaxCrossEntropyLoss().forward(y, t)
    assert message in str(info.value)


def test_backward_before_forward():
    with pytest.raises(RuntimeError, match="before SoftmaxCrossEntropyLoss.forward"):
        SoftmaxCrossEntropyLoss().backward()


def test_load_digits_split_is_fixed_and_scaled():
    pytest.importorskip("sklearn")
    d = load_digits()
    assert d.X_train.shape == (1348, 64) and d.X_test.shape == (449, 64)
    assert d.t_train.shape == (1348,) and d.t_test.shape == (449,)
    assert d.X_train.dtype == np.float64 and 0 <= d.X_train.min() and d.X_train.max() <= 1
    assert set(np.unique(d.t_train)) == set(range(10))
    again = load_digits()
    np.testing.assert_array_equal(d.X_test, again.X_test)
    np.testing.assert_array_equal(d.t_train, again.t_train)
    assert load_digits(dtype=np.float32).X_train.dtype == np.float32
    other = load_digits(seed=1)
    assert not np.array_equal(d.t_test, other.t_test)


def test_load_digits_checks_its_argument():
    pytest.importorskip("sklearn")
    with pytest.raises(ValueError, match="test_fraction must lie strictly between 0 and 1"):
        load_digits(test_fraction=1.0)


def test_load_digits_without_scikit_learn_says_how_to_install_it(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_sklearn(name, *args, **kwargs):
        if name.startswith("sklearn"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_sklearn)
    with pytest.raises(ImportError, match=r'pip install "nnbook\[digits\]"'):
        load_digits()


@pytest.mark.parametrize("t", [[[0.5, 0.4], [0.0, 1.0]], [[1.5, -0.5], [0.0, 1.0]], [[2.0, 0.0], [0.0, 1.0]]])
def test_probability_targets_must_be_rows_that_sum_to_one(t):
    with pytest.raises(ValueError, match=r"each row of t must hold probabilities \(>= 0, summing to 1\).*row 0"):
        SoftmaxCrossEntropyLoss().forward(np.zeros((2, 2)), np.array(t))
    SoftmaxCrossEntropyLoss().forward(np.zeros((2, 2)), np.array([[0.25, 0.75], [0.0, 1.0]]))  # soft targets are fine

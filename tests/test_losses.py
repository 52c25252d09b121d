"""MSELoss and BCELoss: PyTorch's definitions, gradients, clamping, dtypes, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnbook import BCELoss, MSELoss, numerical_gradient

RNG = np.random.default_rng(3)
LOSSES = [MSELoss, BCELoss]


# --- values ----------------------------------------------------------------------------------


def test_mse_is_the_mean_over_all_elements():
    y = np.array([[0.0, 1.0], [2.0, 3.0]])
    t = np.array([[1.0, 1.0], [0.0, 0.0]])
    assert MSELoss().forward(y, t) == (1 + 0 + 4 + 9) / 4
    assert type(MSELoss().forward(y, t)) is float


def test_bce_known_values():
    # worked by hand: -(log 0.8 + log 0.8) / 2 for a confident, correct pair of answers
    assert BCELoss().forward([0.8, 0.2], [1.0, 0.0]) == pytest.approx(-math.log(0.8), rel=1e-15)
    assert BCELoss().forward([0.5], [1.0]) == pytest.approx(math.log(2), rel=1e-15)
    # soft targets are allowed, as in PyTorch: t=0.5, y=0.5 costs log 2
    assert BCELoss().forward([0.5], [0.5]) == pytest.approx(math.log(2), rel=1e-15)


def test_bce_clamps_each_log_at_minus_100_like_pytorch():
    loss = BCELoss()
    assert loss.forward([0.0, 1.0], [1.0, 0.0]) == 100.0  # both answers certain and wrong
    assert loss.forward([0.0, 1.0], [0.0, 1.0]) == 0.0  # certain and right: 0 * (-100) terms vanish
    assert loss.forward([1e-50], [1.0]) == 100.0  # log(1e-50) = -115 is clamped too


def test_bce_gradient_at_the_edges_is_finite_like_pytorch():
    loss = BCELoss()
    loss.forward(np.array([0.0, 1.0, 0.5]), np.array([1.0, 0.0, 1.0]))
    # PyTorch: (y - t) / max(y (1 - y), 1e-12) / n
    np.testing.assert_allclose(loss.backward(), [-1e12 / 3, 1e12 / 3, -2 / 3])


# --- gradients -------------------------------------------------------------------------------


@pytest.mark.parametrize("Loss", LOSSES)
def test_backward_matches_numerical_gradient(Loss):
    y = RNG.uniform(0.05, 0.95, size=(4, 3))
    t = RNG.uniform(0, 1, size=(4, 3)).round()
    loss = Loss()
    loss.forward(y, t)
    analytic = loss.backward()
    numeric = numerical_gradient(lambda z: Loss().forward(z, t), y.copy())
    np.testing.assert_allclose(analytic, numeric, rtol=1e-7, atol=1e-10)


@settings(max_examples=30, deadline=None, derandomize=True)  # the same examples on every run
@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4), seed=st.integers(0, 2**32 - 1))
def test_gradients_on_random_shapes(shape, seed):
    rng = np.random.default_rng(seed)
    y = rng.uniform(0.02, 0.98, size=shape)
    t = rng.uniform(0, 1, size=shape)
    for Loss in LOSSES:
        loss = Loss()
        value = loss.forward(y, t)
        assert value >= 0  # both are sums of non-negative terms
        grad = loss.backward()
        assert grad.shape == shape
        numeric = numerical_gradient(lambda z: Loss().forward(z, t), y.copy())
        np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("Loss", LOSSES)
def test_gradient_is_zero_at_the_targets(Loss):
    t = np.array([[0.25, 0.75]])
    loss = Loss()
    loss.forward(t.copy(), t)
    np.testing.assert_allclose(loss.backward(), 0.0, atol=1e-15)


# --- dtypes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("Loss", LOSSES)
def test_float32_gradient_stays_float32(Loss):
    loss = Loss()
    value = loss.forward(np.array([[0.3, 0.6]], dtype=np.float32), np.array([[0.0, 1.0]], dtype=np.float32))
    assert type(value) is float
    assert loss.backward().dtype == np.float32


@pytest.mark.parametrize("Loss", LOSSES)
def test_int_and_bool_targets_are_floats(Loss):
    loss = Loss()
    loss.forward(np.array([0.25, 0.75]), np.array([False, True]))
    assert loss.backward().dtype == np.float64
    assert Loss().forward(np.array([0, 1]), np.array([0, 1])) == 0.0


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("Loss", LOSSES)
def test_shapes_must_match_exactly(Loss):
    name = Loss.__name__
    with pytest.raises(ValueError, match=rf"{name}.forward: y and t must have the same shape, got y \(4, 1\) and t \(4,\)"):
        Loss().forward(np.full((4, 1), 0.5), np.zeros(4))


@pytest.mark.parametrize("Loss", LOSSES)
def test_backward_before_forward(Loss):
    with pytest.raises(RuntimeError, match=rf"{Loss.__name__}\.backward called before {Loss.__name__}\.forward"):
        Loss().backward()


@pytest.mark.parametrize("Loss", LOSSES)
def test_non_finite_values_are_rejected(Loss):
    with pytest.raises(ValueError, match=rf"{Loss.__name__}.forward: y contains 1 NaN value"):
        Loss().forward([np.nan, 0.5], [0.0, 1.0])
    with pytest.raises(ValueError, match=rf"{Loss.__name__}.forward: t contains 1 inf value"):
        Loss().forward([0.5, 0.5], [np.inf, 1.0])


def test_empty_input_is_rejected():
    with pytest.raises(ValueError, match=r"MSELoss.forward: y and t are empty \(shape \(0,\)\)"):
        MSELoss().forward([], [])


def test_bce_needs_probabilities():
    with pytest.raises(ValueError, match=r"BCELoss.forward: y must lie in \[0, 1\], got values from -0.5 to 2.0; .*Sigmoid"):
        BCELoss().forward([-0.5, 2.0], [0.0, 1.0])
    with pytest.raises(ValueError, match=r"BCELoss.forward: t must lie in \[0, 1\], got values from 0.0 to 3.0$"):
        BCELoss().forward([0.5, 0.5], [0.0, 3.0])


def test_mse_overflow_is_an_error_not_inf():
    with pytest.raises(ValueError, match="MSELoss.forward: the loss overflowed to inf"):
        MSELoss().forward([1e200], [0.0])


# --- an independent implementation as oracle ------------------------------------------------


def test_bce_matches_scikit_learns_log_loss():
    metrics = pytest.importorskip("sklearn.metrics")
    y = RNG.uniform(0.01, 0.99, size=50)
    t = (RNG.uniform(size=50) > 0.5).astype(float)
    assert BCELoss().forward(y, t) == pytest.approx(metrics.log_loss(t, y, labels=[0, 1]), rel=1e-12)


def test_mse_matches_scikit_learns_mean_squared_error():
    metrics = pytest.importorskip("sklearn.metrics")
    y, t = RNG.normal(size=(20, 3)), RNG.normal(size=(20, 3))
    expected = metrics.mean_squared_error(t.ravel(), y.ravel())  # mean over all elements, like PyTorch
    assert MSELoss().forward(y, t) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("Loss", LOSSES)
@pytest.mark.parametrize("t_dtype", [np.float64, np.int64, np.bool_])
def test_float32_outputs_with_float64_or_int_targets_give_float32_gradient(Loss, t_dtype):
    # truth_table() returns float64 targets; a float32 network must not be switched to float64 by its loss
    loss = Loss()
    loss.forward(np.array([[0.3, 0.6]], dtype=np.float32), np.array([[0, 1]], dtype=t_dtype))
    assert loss.backward().dtype == np.float32


def test_bce_is_never_minus_zero_and_uses_log1p_for_tiny_outputs():
    assert str(BCELoss().forward(np.array([1.0, 0.0]), np.array([1.0, 0.0]))) == "0.0"
    y = np.array([1e-17])  # 1 - 1e-17 rounds to 1.0, so log(1 - y) would give exactly 0
    assert BCELoss().forward(y, np.array([0.0])) == pytest.approx(1e-17, rel=1e-12)

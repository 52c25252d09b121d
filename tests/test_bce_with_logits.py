"""BCEWithLogitsLoss: PyTorch's definition, stable for any score, gradient exactly (sigmoid(a) - t) / n."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nnbook import BCELoss, BCEWithLogitsLoss
from nnbook import Sigmoid, numerical_gradient, sigmoid
from nnbook._checks import NonFiniteError

RNG = np.random.default_rng(3)


def test_equals_sigmoid_then_bce_where_the_pair_is_accurate():
    a = RNG.normal(0, 3, size=(8, 2))
    t = RNG.uniform(size=(8, 2))
    fused = BCEWithLogitsLoss().forward(a, t)
    pair = BCELoss().forward(Sigmoid().forward(a), t)
    assert fused == pytest.approx(pair, rel=1e-12)


def test_gradient_is_exactly_sigmoid_minus_target_over_n_and_matches_a_numerical_one():
    a = RNG.normal(0, 3, size=(5, 3))
    t = (RNG.uniform(size=(5, 3)) > 0.5).astype(float)
    loss = BCEWithLogitsLoss()
    loss.forward(a, t)
    np.testing.assert_array_equal(loss.backward(), (sigmoid(a) - t) / a.size)
    numeric = numerical_gradient(lambda _: BCEWithLogitsLoss().forward(a, t), a)
    np.testing.assert_allclose(loss.backward(), numeric, rtol=1e-6, atol=1e-10)


def test_the_gradient_does_not_fade_when_the_network_is_badly_wrong():
    # the separate pair gives 4e-6 at score -40 for target 1 and exactly 0 at score 37 for target 0
    for a, t, expected in [(-40.0, 1.0, -1.0), (37.0, 0.0, 1.0)]:
        fused = BCEWithLogitsLoss()
        fused.forward(np.array([[a]]), np.array([[t]]))
        assert fused.backward()[0, 0] == pytest.approx(expected)
        s, bce = Sigmoid(), BCELoss()
        bce.forward(s.forward(np.array([[a]])), np.array([[t]]))
        assert abs(s.backward(bce.backward())[0, 0]) < 1e-5


@pytest.mark.parametrize("a, t, expected", [(1e308, 0.0, 1e308), (-1e308, 1.0, 1e308), (800.0, 1.0, 0.0), (-800.0, 0.0, 0.0), (0.0, 1.0, np.log(2))])
def test_any_finite_score_without_warnings(a, t, expected):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = BCEWithLogitsLoss()
        assert loss.forward(np.array([a]), np.array([t])) == pytest.approx(expected)
        assert np.isfinite(loss.backward()).all()


def test_never_minus_zero_and_clear_errors():
    assert str(BCEWithLogitsLoss().forward(np.array([800.0]), np.array([1.0]))) == "0.0"
    with pytest.raises(NonFiniteError, match="BCEWithLogitsLoss.forward: the loss overflowed"):
        BCEWithLogitsLoss().forward(np.array([1e308, 1e308]), np.array([0.0, 0.0]))
    with pytest.raises(ValueError, match=r"BCEWithLogitsLoss.forward: t must lie in \[0, 1\]"):
        BCEWithLogitsLoss().forward(np.array([1.0]), np.array([2.0]))
    with pytest.raises(ValueError, match="BCEWithLogitsLoss.forward: y and t must have the same shape"):
        BCEWithLogitsLoss().forward(np.zeros((4, 1)), np.zeros(4))
    with pytest.raises(RuntimeError, match="BCEWithLogitsLoss.backward called before BCEWithLogitsLoss.forward"):
        BCEWithLogitsLoss().backward()

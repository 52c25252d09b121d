"""Numerical gradients and the whole-network gradient check (which must catch a wrong backward)."""

from __future__ import annotations

import numpy as np
import pytest

from nnbook import Affine, BCELoss, MSELoss, Network, Sigmoid, check_gradients, make_mlp, numerical_gradient, relative_error, truth_table

RNG = np.random.default_rng(5)


def test_numerical_gradient_of_known_functions():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    np.testing.assert_allclose(numerical_gradient(lambda z: float(np.sum(z**2)), x), 2 * x, rtol=1e-9)
    np.testing.assert_allclose(numerical_gradient(lambda z: float(np.prod(z)), x), np.prod(x) / x, rtol=1e-8)
    np.testing.assert_allclose(numerical_gradient(lambda z: float(np.sin(z).sum()), x), np.cos(x), rtol=1e-8)


def test_numerical_gradient_restores_x_exactly():
    x = RNG.normal(size=(3, 3))
    saved = x.copy()
    numerical_gradient(lambda z: float(np.sum(np.exp(z))), x)
    assert np.array_equal(x, saved)


def test_numerical_gradient_rejects_copies_it_cannot_nudge():
    with pytest.raises(TypeError, match="x must be a float64 NumPy array .* got an array of dtype float32"):
        numerical_gradient(lambda z: 0.0, np.zeros(2, dtype=np.float32))
    with pytest.raises(TypeError, match="got list"):
        numerical_gradient(lambda z: 0.0, [1.0, 2.0])
    with pytest.raises(ValueError, match="eps must be a number > 0, got 0"):
        numerical_gradient(lambda z: 0.0, np.zeros(2), eps=0)


def test_relative_error():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.array([1.0, 0.0]), np.array([1.0, 0.0])) == 0.0
    assert relative_error(np.array([1.0]), np.array([-1.0])) == 1.0


def test_check_gradients_passes_for_correct_code():
    net = make_mlp([2, 3, 1], rng=0)
    report = check_gradients(net, BCELoss(), *truth_table("xor"))
    assert report.max_rel_error < 1e-7
    assert report.worst in report.errors


class WrongSigmoid(Sigmoid):
    """A classic bug: forgetting the factor (1 - y) in the sigmoid's derivative."""

    def backward(self, dout):
        return dout * self.out


def test_check_gradients_catches_a_wrong_backward():
    good = make_mlp([2, 3, 1], rng=0)
    bad = Network([good.layers[0], WrongSigmoid(), good.layers[2], Sigmoid()])
    report = check_gradients(bad, MSELoss(), *truth_table("xor"))
    assert report.max_rel_error > 0.1
    assert report.errors["2.W"] < 1e-7  # the layer after the bug is still right
    assert report.errors["0.W"] > 0.1  # gradients that flow through the bug are wrong


def test_check_gradients_needs_float64():
    net = make_mlp([2, 2, 1], dtype=np.float32)
    with pytest.raises(TypeError, match="check_gradients: parameter '0.W' is float32; gradient checks need float64"):
        check_gradients(net, MSELoss(), *truth_table("xor"))


def test_check_gradients_leaves_the_network_unchanged():
    net = Network([Affine(RNG.normal(size=(2, 2)), RNG.normal(size=2)), Sigmoid()])
    before = [v.copy() for _, v, _ in net.parameters()]
    X, T = truth_table("and")
    check_gradients(net, MSELoss(), X, np.hstack([T, T]))
    for b, (_, v, _) in zip(before, net.parameters()):
        assert np.array_equal(b, v)


def test_check_gradients_accepts_class_indices_for_softmax_cross_entropy():
    # integer class indices (N,) must reach the loss as integers, as they do in train()
    from nnbook import SoftmaxCrossEntropyLoss

    net = make_mlp([3, 4, 2], output="identity", rng=0)
    X = np.random.default_rng(0).normal(size=(5, 3))
    t = np.array([0, 1, 1, 0, 1])
    assert check_gradients(net, SoftmaxCrossEntropyLoss(), X, t).max_rel_error < 1e-6


def test_relative_error_refuses_shapes_that_would_broadcast():
    # (3,) against (3, 1) broadcasts to (3, 3); it used to return 0.0 for equal values.
    import pytest as _pytest

    from nnbook.gradcheck import relative_error as _relative_error

    with _pytest.raises(ValueError, match=r"relative_error: expected analytic and numeric of the same shape"):
        _relative_error(np.ones(3), np.ones((3, 1)))
    assert _relative_error(np.ones(3), np.ones(3)) == 0.0

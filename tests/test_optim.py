"""SGD with and without momentum."""

from __future__ import annotations

import numpy as np
import pytest

from nnbook import SGD


def param(value, grad, name="w"):
    return [(name, np.array(value, dtype=float), np.array(grad, dtype=float))]


def test_plain_step_moves_against_the_gradient_in_place():
    params = param([1.0, 2.0], [0.5, -1.0])
    value = params[0][1]
    SGD(lr=0.1).step(params)
    np.testing.assert_allclose(value, [0.95, 2.1])


def test_momentum_accumulates_velocity():
    (name, value, grad), = param([0.0], [1.0])
    opt = SGD(lr=0.1, momentum=0.9)
    opt.step([(name, value, grad)])  # v = 1,            w = -0.1
    opt.step([(name, value, grad)])  # v = 0.9 + 1 = 1.9, w = -0.1 - 0.19
    np.testing.assert_allclose(value, [-0.29])
    np.testing.assert_allclose(opt.velocity[name], [1.9])


def test_momentum_equals_rumelhart_form():
    # dw(t) = -lr * g(t) + momentum * dw(t-1), with the same gradients
    grads = [np.array([1.0, -2.0]), np.array([0.5, 0.5]), np.array([-1.0, 3.0])]
    w = np.zeros(2)
    opt = SGD(lr=0.3, momentum=0.8)
    for g in grads:
        opt.step([("w", w, g)])
    w_ref, dw = np.zeros(2), np.zeros(2)
    for g in grads:
        dw = -0.3 * g + 0.8 * dw
        w_ref += dw
    np.testing.assert_allclose(w, w_ref, rtol=1e-15)


def test_step_keeps_float32():
    w = np.ones(3, dtype=np.float32)
    SGD(0.1, momentum=0.5).step([("w", w, np.ones(3, dtype=np.float32))])
    assert w.dtype == np.float32


def test_step_does_not_modify_the_gradient():
    (name, value, grad), = param([0.0, 0.0], [1.0, 2.0])
    opt = SGD(0.1, momentum=0.9)
    opt.step([(name, value, grad)])
    opt.step([(name, value, grad)])
    np.testing.assert_array_equal(grad, [1.0, 2.0])


@pytest.mark.parametrize("lr", [0, -0.1, float("nan"), float("inf"), "0.1"])
def test_bad_learning_rates(lr):
    with pytest.raises(ValueError, match=r"SGD: lr must be a finite number > 0, got"):
        SGD(lr)


@pytest.mark.parametrize("momentum", [-0.1, 1.0, 1.5])
def test_bad_momentum(momentum):
    with pytest.raises(ValueError, match=rf"SGD: momentum must be in \[0, 1\), got {momentum}"):
        SGD(0.1, momentum=momentum)


def test_step_errors_name_the_parameter():
    opt = SGD(0.1)
    with pytest.raises(RuntimeError, match="parameter '0.W' has no gradient yet"):
        opt.step([("0.W", np.zeros(2), None)])
    with pytest.raises(ValueError, match=r"gradient of '0.b' has shape \(3,\), expected \(2,\)"):
        opt.step([("0.b", np.zeros(2), np.zeros(3))])
    with pytest.raises(ValueError, match="gradient of '2.W' contains 1 NaN value"):
        opt.step([("2.W", np.zeros(2), np.array([0.0, np.nan]))])


def test_one_optimizer_per_network():
    opt = SGD(0.1, momentum=0.9)
    opt.step([("0.W", np.zeros((2, 2)), np.ones((2, 2)))])
    with pytest.raises(ValueError, match=r"'0.W' is not the array this optimizer updated before .* use one optimizer per network"):
        opt.step([("0.W", np.zeros((3, 2)), np.ones((3, 2)))])
    with pytest.raises(ValueError, match="use one optimizer per network"):  # same shape, another network
        opt.step([("0.W", np.zeros((2, 2)), np.ones((2, 2)))])


def test_an_overflowing_step_raises_instead_of_warning():
    w = np.zeros(1)
    with pytest.raises(FloatingPointError, match="overflow"):
        SGD(1e300).step([("w", w, np.array([1e10]))])


def test_a_velocity_that_overflows_raises_instead_of_leaving_inf_weights():
    # v = 0.9 * 1e308 + 1e308 overflows on the second step; the weight must not silently become -inf
    w = np.array([0.0])
    opt = SGD(lr=1.0, momentum=0.9)
    opt.step([("w", w, np.array([1e308]))])
    v = opt.velocity["w"]
    with pytest.raises(FloatingPointError, match="overflow"):
        opt.step([("w", w, np.array([1e308]))])
    assert w[0] == -1e308 and opt.velocity["w"] is v  # the failed step changed nothing


def test_a_step_is_all_or_nothing():
    a, b = np.array([1.0]), np.array([1e308])
    opt = SGD(1e300)
    with pytest.raises(FloatingPointError, match="no parameter was changed"):
        opt.step([("a", a, np.array([1.0])), ("b", b, np.array([-1e10]))])  # a's update is fine, b's overflows
    assert a[0] == 1.0 and b[0] == 1e308 and opt.velocity == {}


@pytest.mark.parametrize("params, error, message", [
    ([("w", [1.0], np.array([1.0]))], TypeError, "the value of 'w' must be a writable float32/float64 NumPy array"),
    ([("w", np.array([1.0]), None)], RuntimeError, "'w' has no gradient yet"),
    ([("w", np.array([1.0]), np.array([1.0, 2.0]))], ValueError, r"gradient of 'w' has shape \(2,\), expected \(1,\)"),
    ([("w", np.array([1.0]), np.array([np.nan]))], ValueError, "gradient of 'w' contains 1 NaN"),
    ([("w", np.array([1]), np.array([1.0]))], TypeError, "array of dtype int64"),
    (None, TypeError, "expected a list of \\(name, value, grad\\)"),
])  # fmt: skip
def test_bad_steps_are_refused_by_name(params, error, message):
    with pytest.raises(error, match=message):
        SGD(0.1).step(params)

"""Activation functions and layers: values, stability at the extremes, gradients, dtypes, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnbook import ReLU, Sigmoid, Tanh, numerical_gradient, relu, sigmoid, step, tanh

RNG = np.random.default_rng(1)

finite_floats = st.floats(min_value=-1e308, max_value=1e308, allow_nan=False, allow_infinity=False)
small_shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5)


# --- step ------------------------------------------------------------------------------------


def test_step_is_one_only_for_positive_input():
    np.testing.assert_array_equal(step(np.array([-2.0, -0.0, 0.0, 1e-300, 3.0])), [0, 0, 0, 1, 1])


def test_step_of_a_number_is_a_python_int():
    assert step(0.5) == 1 and type(step(0.5)) is int
    assert step(-1) == 0 and type(step(-1)) is int


def test_step_of_an_array_is_an_int_array():
    out = step(np.array([[1.0, -1.0]], dtype=np.float32))
    assert out.dtype.kind == "i" and out.shape == (1, 2)


def test_step_accepts_infinities_and_rejects_nan():
    np.testing.assert_array_equal(step(np.array([-np.inf, np.inf])), [0, 1])
    with pytest.raises(ValueError, match=r"step: x contains 1 NaN value"):
        step(np.array([1.0, np.nan]))


# --- sigmoid ---------------------------------------------------------------------------------


def test_sigmoid_matches_the_textbook_formula_where_that_is_safe():
    x = np.linspace(-30, 30, 121)
    np.testing.assert_allclose(sigmoid(x), 1 / (1 + np.exp(-x)), rtol=1e-15, atol=0)


def test_sigmoid_known_values():
    assert sigmoid(0.0) == 0.5
    assert sigmoid(1.0) == pytest.approx(1 / (1 + math.exp(-1)), rel=1e-15)
    assert sigmoid(-745.0) == pytest.approx(math.exp(-745.0))  # tiny but not rounded to 0 early


def test_sigmoid_is_exact_and_silent_at_the_float64_extremes():
    # pyproject turns warnings into errors, so any overflow warning fails this test
    x = np.array([-1e308, -1000.0, -710.0, 710.0, 1000.0, 1e308, -np.inf, np.inf])
    np.testing.assert_array_equal(sigmoid(x), [0, 0, math.exp(-710.0) / (1 + math.exp(-710.0)), 1, 1, 1, 0, 1])


@settings(derandomize=True)
@given(finite_floats)
def test_sigmoid_is_in_unit_interval_and_symmetric(x):
    s = sigmoid(x)
    assert 0.0 <= s <= 1.0
    assert s + sigmoid(-x) == pytest.approx(1.0, abs=1e-15)


def test_sigmoid_keeps_float32_and_turns_ints_into_float64():
    assert sigmoid(np.array([-100.0, 0.0, 100.0], dtype=np.float32)).dtype == np.float32
    assert sigmoid(np.array([1, 2])).dtype == np.float64
    assert sigmoid(np.array([True, False])).dtype == np.float64


def test_sigmoid_rejects_nan_and_non_numbers():
    with pytest.raises(ValueError, match="sigmoid: x contains 1 NaN value"):
        sigmoid(np.array([np.nan, 0.0]))
    with pytest.raises(TypeError, match="sigmoid: x: expected real numbers .* got dtype <U1"):
        sigmoid(np.array(["a"]))


# --- relu, tanh ------------------------------------------------------------------------------


def test_relu_values_and_dtype():
    x = np.array([-3.0, -0.0, 0.0, 2.5], dtype=np.float32)
    out = relu(x)
    np.testing.assert_array_equal(out, [0, 0, 0, 2.5])
    assert out.dtype == np.float32
    assert not np.signbit(relu(np.array([-1.0]))).any()  # prints as 0., never -0.


def test_tanh_values():
    x = np.linspace(-5, 5, 11)
    np.testing.assert_allclose(tanh(x), 2 * sigmoid(2 * x) - 1, atol=1e-15)
    assert tanh(np.array([-1e308, 1e308])).tolist() == [-1.0, 1.0]


# --- layers ----------------------------------------------------------------------------------

LAYERS = [Sigmoid, ReLU, Tanh]
FUNCTIONS = {Sigmoid: sigmoid, ReLU: relu, Tanh: tanh}


@pytest.mark.parametrize("Layer", LAYERS)
def test_layer_forward_equals_the_function(Layer):
    x = RNG.normal(size=(4, 3))
    np.testing.assert_array_equal(Layer().forward(x), FUNCTIONS[Layer](x))


@pytest.mark.parametrize("Layer", LAYERS)
def test_layer_backward_matches_the_numerical_gradient(Layer):
    x = RNG.normal(size=(5, 3))
    x[np.abs(x) < 1e-3] = 0.5  # keep away from ReLU's kink at 0
    dout = RNG.normal(size=(5, 3))
    layer = Layer()
    layer.forward(x)
    analytic = layer.backward(dout)
    numeric = numerical_gradient(lambda z: float(np.sum(Layer().forward(z) * dout)), x.copy())
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-9)


@settings(max_examples=30, deadline=None, derandomize=True)  # the same examples on every run
@given(shape=small_shapes, data=st.data())
def test_layer_backward_shape_and_sign_on_random_shapes(shape, data):
    x = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-50, 50)))
    dout = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-10, 10)))
    for Layer in LAYERS:
        layer = Layer()
        y = layer.forward(x)
        dx = layer.backward(dout)
        assert y.shape == dx.shape == shape
        # every activation here is non-decreasing, so the local derivative is >= 0:
        # dx has the sign of dout wherever it is not zero
        assert np.all(dx * dout >= 0)


@pytest.mark.parametrize("Layer", LAYERS)
def test_backward_does_not_modify_dout(Layer):
    x = RNG.normal(size=(3, 2))
    dout = RNG.normal(size=(3, 2))
    saved = dout.copy()
    layer = Layer()
    layer.forward(x)
    dx = layer.backward(dout)
    np.testing.assert_array_equal(dout, saved)
    assert dx is not dout


@pytest.mark.parametrize("Layer", LAYERS)
def test_backward_before_forward_names_the_layer(Layer):
    with pytest.raises(RuntimeError, match=rf"{Layer.__name__}\.backward called before {Layer.__name__}\.forward"):
        Layer().backward(np.ones((2, 2)))


@pytest.mark.parametrize("Layer", LAYERS)
def test_backward_with_wrong_shape_names_both_shapes(Layer):
    layer = Layer()
    layer.forward(np.ones((4, 2)))
    with pytest.raises(ValueError, match=rf"{Layer.__name__}\.backward: dout has shape \(3, 2\), expected \(4, 2\)"):
        layer.backward(np.ones((3, 2)))


@pytest.mark.parametrize("Layer", LAYERS)
def test_layer_rejects_non_finite_input(Layer):
    with pytest.raises(ValueError, match=rf"{Layer.__name__}\.forward: x contains 1 inf value"):
        Layer().forward(np.array([1.0, np.inf]))


@pytest.mark.parametrize("Layer", LAYERS)
def test_float32_stays_float32_through_forward_and_backward(Layer):
    x = RNG.normal(size=(3, 2)).astype(np.float32)
    layer = Layer()
    assert layer.forward(x).dtype == np.float32
    assert layer.backward(np.ones((3, 2), dtype=np.float32)).dtype == np.float32


@pytest.mark.parametrize("Layer", LAYERS)
def test_int_and_bool_inputs_are_float64(Layer):
    layer = Layer()
    assert layer.forward(np.array([[1, -2]])).dtype == np.float64
    assert layer.backward(np.array([[1, 1]])).dtype == np.float64
    assert Layer().forward(np.array([True, False])).dtype == np.float64


def test_relu_backward_passes_gradient_only_where_input_was_positive():
    layer = ReLU()
    layer.forward(np.array([-1.0, 0.0, 2.0]))
    np.testing.assert_array_equal(layer.backward(np.array([5.0, 6.0, 7.0])), [0.0, 0.0, 7.0])


def test_sigmoid_backward_is_y_times_one_minus_y():
    layer = Sigmoid()
    y = layer.forward(np.array([0.0, 2.0]))
    np.testing.assert_allclose(layer.backward(np.ones(2)), y * (1 - y))
    assert layer.backward(np.ones(2))[0] == 0.25

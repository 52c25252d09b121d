"""The Affine layer: forward, backward against numerical gradients, initialisation, dtypes, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnbook import Affine, numerical_gradient

RNG = np.random.default_rng(2)


def random_affine(n_in: int, n_out: int) -> Affine:
    return Affine(RNG.normal(size=(n_in, n_out)), RNG.normal(size=n_out))


def test_forward_is_x_at_W_plus_b():
    layer = Affine([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]], [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(layer.forward([[1.0, 1.0], [0.0, 2.0]]), [[3.0, 1.5, 0.0], [4.0, 2.5, 1.0]])


def test_forward_of_a_single_input_vector():
    layer = random_affine(3, 2)
    x = RNG.normal(size=3)
    y = layer.forward(x)
    assert y.shape == (2,)
    np.testing.assert_allclose(y, layer.forward(x[None, :])[0])


def test_layer_keeps_its_own_copy_of_the_weights():
    W, b = np.ones((2, 2)), np.zeros(2)
    layer = Affine(W, b)
    layer.W -= 1
    assert W[0, 0] == 1.0


def gradients_by_numbers(layer: Affine, x: np.ndarray, dout: np.ndarray) -> dict[str, np.ndarray]:
    """dL/dx, dL/dW, dL/db for L = sum(forward(x) * dout), by central differences."""

    def L(_: np.ndarray) -> float:
        return float(np.sum(layer.forward(x) * dout))

    return {"dx": numerical_gradient(L, x), "dW": numerical_gradient(L, layer.W), "db": numerical_gradient(L, layer.b)}


@pytest.mark.parametrize("batch", [1, 4])
def test_backward_matches_numerical_gradients(batch):
    layer = random_affine(3, 2)
    x, dout = RNG.normal(size=(batch, 3)), RNG.normal(size=(batch, 2))
    layer.forward(x)
    dx = layer.backward(dout)
    analytic = {"dx": dx, "dW": layer.dW, "db": layer.db}
    numeric = gradients_by_numbers(layer, x, dout)
    for name in analytic:
        np.testing.assert_allclose(analytic[name], numeric[name], rtol=1e-7, atol=1e-9, err_msg=name)


def test_backward_formulas():
    layer = random_affine(3, 2)
    x, dout = RNG.normal(size=(5, 3)), RNG.normal(size=(5, 2))
    layer.forward(x)
    dx = layer.backward(dout)
    np.testing.assert_allclose(dx, dout @ layer.W.T)
    np.testing.assert_allclose(layer.dW, x.T @ dout)
    np.testing.assert_allclose(layer.db, dout.sum(axis=0))


def test_backward_of_a_single_input_vector():
    layer = random_affine(3, 2)
    x, dout = RNG.normal(size=3), RNG.normal(size=2)
    layer.forward(x)
    dx = layer.backward(dout)
    assert dx.shape == (3,) and layer.dW.shape == (3, 2) and layer.db.shape == (2,)
    np.testing.assert_allclose(layer.dW, np.outer(x, dout))


@settings(max_examples=25, deadline=None, derandomize=True)  # the same examples on every run
@given(n=st.integers(1, 5), n_in=st.integers(1, 4), n_out=st.integers(1, 4), seed=st.integers(0, 2**32 - 1))
def test_gradients_on_random_shapes(n, n_in, n_out, seed):
    rng = np.random.default_rng(seed)
    layer = Affine(rng.normal(size=(n_in, n_out)), rng.normal(size=n_out))
    x, dout = rng.normal(size=(n, n_in)), rng.normal(size=(n, n_out))
    layer.forward(x)
    dx = layer.backward(dout)
    assert dx.shape == x.shape and layer.dW.shape == layer.W.shape and layer.db.shape == layer.b.shape
    numeric = gradients_by_numbers(layer, x, dout)
    np.testing.assert_allclose(dx, numeric["dx"], rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(layer.dW, numeric["dW"], rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(layer.db, numeric["db"], rtol=1e-6, atol=1e-8)


def test_backward_does_not_modify_dout_or_the_cached_input():
    layer = random_affine(2, 3)
    x, dout = RNG.normal(size=(4, 2)), RNG.normal(size=(4, 3))
    x_saved, dout_saved = x.copy(), dout.copy()
    layer.forward(x)
    layer.backward(dout)
    np.testing.assert_array_equal(dout, dout_saved)
    np.testing.assert_array_equal(x, x_saved)


def test_parameters_pair_each_value_with_its_gradient():
    layer = random_affine(2, 3)
    assert [(n, g) for n, _, g in layer.parameters()] == [("W", None), ("b", None)]
    layer.forward(np.ones((1, 2)))
    layer.backward(np.ones((1, 3)))
    (_, W, dW), (_, b, db) = layer.parameters()
    assert W is layer.W and dW is layer.dW and b is layer.b and db is layer.db


# --- dtypes ----------------------------------------------------------------------------------


def test_float32_stays_float32_end_to_end():
    layer = Affine.create(3, 2, dtype=np.float32)
    assert layer.W.dtype == layer.b.dtype == np.float32
    y = layer.forward(RNG.normal(size=(4, 3)).astype(np.float32))
    dx = layer.backward(np.ones((4, 2), dtype=np.float32))
    assert y.dtype == dx.dtype == layer.dW.dtype == layer.db.dtype == np.float32


def test_int_and_bool_arrays_are_float64():
    layer = Affine([[1, 2], [3, 4]], [0, 1])
    assert layer.W.dtype == layer.b.dtype == np.float64
    y = layer.forward(np.array([[True, False]]))
    assert y.dtype == np.float64
    np.testing.assert_array_equal(y, [[1.0, 3.0]])


# --- initialisation --------------------------------------------------------------------------


def test_create_has_the_right_shapes_and_zero_biases():
    layer = Affine.create(3, 5)
    assert layer.W.shape == (3, 5) and layer.b.shape == (5,)
    assert not layer.b.any()


@pytest.mark.parametrize("init, expected_std", [("xavier", np.sqrt(2 / (300 + 200))), ("he", np.sqrt(2 / 300))])
def test_create_draws_weights_with_the_named_standard_deviation(init, expected_std):
    W = Affine.create(300, 200, init=init, rng=0).W  # 60 000 draws: the sample std is within 1.5%
    assert W.std() == pytest.approx(expected_std, rel=0.015)
    assert abs(W.mean()) < 0.02 * expected_std  # 5 standard errors


def test_create_is_reproducible_from_a_seed_or_generator():
    np.testing.assert_array_equal(Affine.create(4, 3, rng=7).W, Affine.create(4, 3, rng=7).W)
    assert not np.array_equal(Affine.create(4, 3, rng=7).W, Affine.create(4, 3, rng=8).W)
    g1, g2 = np.random.default_rng(5), np.random.default_rng(5)
    np.testing.assert_array_equal(Affine.create(4, 3, rng=g1).W, Affine.create(4, 3, rng=g2).W)
    # a shared generator moves on, so two layers drawn from it differ
    assert not np.array_equal(Affine.create(4, 3, rng=g1).W, Affine.create(4, 3, rng=np.random.default_rng(5)).W)


def test_create_rejects_bad_arguments():
    with pytest.raises(ValueError, match=r"init must be one of \['he', 'xavier'\], got 'glorot'"):
        Affine.create(2, 2, init="glorot")
    with pytest.raises(ValueError, match="n_in must be a positive integer, got 0"):
        Affine.create(0, 2)
    with pytest.raises(ValueError, match="n_out must be a positive integer, got 2.5"):
        Affine.create(2, 2.5)


# --- errors ----------------------------------------------------------------------------------


def test_wrong_input_width_names_the_layer_and_both_shapes():
    layer = Affine.create(2, 4)
    with pytest.raises(ValueError, match=r"Affine.forward: x must have shape \(N, 2\) or \(2,\) for W of shape \(2, 4\), got \(5, 3\)"):
        layer.forward(np.ones((5, 3)))


def test_bad_weight_shapes():
    with pytest.raises(ValueError, match=r"Affine: W must have shape \(n_in, n_out\), got shape \(3,\)"):
        Affine(np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match=r"Affine: b must have shape \(4,\) to match W \(2, 4\), got \(2,\)"):
        Affine(np.ones((2, 4)), np.ones(2))


def test_backward_before_forward_and_wrong_dout_shape():
    layer = Affine.create(2, 3)
    with pytest.raises(RuntimeError, match=r"Affine\.backward called before Affine\.forward"):
        layer.backward(np.ones((1, 3)))
    layer.forward(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"Affine.backward: dout has shape \(4, 2\), expected \(4, 3\)"):
        layer.backward(np.ones((4, 2)))


def test_non_finite_inputs_and_overflow_are_reported_not_propagated():
    layer = Affine.create(2, 2)
    with pytest.raises(ValueError, match="Affine.forward: x contains 1 NaN value"):
        layer.forward([[np.nan, 0.0]])
    with pytest.raises(ValueError, match="Affine: W contains 1 inf value"):
        Affine([[np.inf]], [0.0])
    huge = Affine([[1e308, 1e308]], [0.0, 0.0])
    with pytest.raises(ValueError, match="Affine.forward: the result contains 2 inf values .*overflowed"):
        huge.forward([[10.0]])


@pytest.mark.parametrize("dtype", [np.float16, np.int64, np.complex128])
def test_create_refuses_dtypes_it_would_silently_change(dtype):
    with pytest.raises(TypeError, match="Affine.create: dtype must be np.float32 or np.float64"):
        Affine.create(2, 3, dtype=dtype)

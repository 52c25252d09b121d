"""The performance paths: Network.backward(..., input_grad=False) and ReLU.backward give the same numbers."""

from __future__ import annotations

import numpy as np
import pytest

from nnbook import SGD, Affine, MSELoss, Network, ReLU, Sigmoid, SoftmaxCrossEntropyLoss, make_mlp, train

RNG = np.random.default_rng(8)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_skipping_the_input_gradient_keeps_every_parameter_gradient(dtype):
    X = RNG.normal(size=(16, 5)).astype(dtype)
    t = RNG.integers(0, 3, size=16)
    grads = []
    for input_grad in (True, False):
        network = make_mlp([5, 7, 3], activation="relu", output="identity", rng=0, dtype=dtype)
        loss = SoftmaxCrossEntropyLoss()
        loss.forward(network.forward(X), t)
        dx = network.backward(loss.backward(), input_grad=input_grad)
        assert (dx is None) == (not input_grad)
        grads.append({name: grad for name, _, grad in network.parameters()})
    for name, grad in grads[0].items():
        np.testing.assert_array_equal(grad, grads[1][name])
        assert grads[1][name].dtype == dtype


def test_affine_backward_without_input_gradient_returns_none():
    layer = Affine([[1.0, 2.0], [3.0, 4.0]], [0.0, 0.0])
    layer.forward([[1.0, -1.0]])
    assert layer.backward([[1.0, 1.0]], input_grad=False) is None
    np.testing.assert_array_equal(layer.dW, [[1.0, 1.0], [-1.0, -1.0]])
    np.testing.assert_array_equal(layer.db, [1.0, 1.0])
    np.testing.assert_array_equal(layer.backward([[1.0, 1.0]]), [[3.0, 7.0]])  # the default still returns dx


def test_a_first_layer_that_is_not_affine_still_returns_its_gradient():
    network = Network([Sigmoid(), Affine([[1.0], [1.0]], [0.0])])
    network.forward(np.array([[0.0, 0.0]]))
    np.testing.assert_allclose(network.backward(np.array([[1.0]]), input_grad=False), [[0.25, 0.25]])


def test_train_gives_the_same_weights_as_a_loop_that_computes_every_gradient():
    X = RNG.normal(size=(12, 3))
    T = RNG.normal(size=(12, 2))
    trained = make_mlp([3, 4, 2], output="identity", rng=1)
    train(trained, MSELoss(), SGD(0.1, momentum=0.9), X, T, epochs=5)
    manual = make_mlp([3, 4, 2], output="identity", rng=1)
    loss, optimizer = MSELoss(), SGD(0.1, momentum=0.9)
    for _ in range(5):  # full batch, as train does without batch_size
        loss.forward(manual.forward(X), T)
        manual.backward(loss.backward())  # with dL/dX
        optimizer.step(manual.parameters())
    for (name, a, _), (_, b, _) in zip(trained.parameters(), manual.parameters()):
        np.testing.assert_array_equal(a, b, err_msg=name)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_backward_is_the_masked_gradient(dtype):
    x = RNG.normal(size=(6, 4)).astype(dtype)
    dout = RNG.normal(size=(6, 4)).astype(dtype)
    layer = ReLU()
    layer.forward(x)
    before = dout.copy()
    d = layer.backward(dout)
    np.testing.assert_array_equal(d, np.where(x > 0, dout, 0))
    assert d.dtype == dtype
    np.testing.assert_array_equal(dout, before)

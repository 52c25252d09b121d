"""The performance paths: train skips the data's gradient (same parameter gradients), ReLU.backward's mask."""

from __future__ import annotations

import numpy as np
import pytest

from nnbook import SGD, Affine, MSELoss, Network, ReLU, Sigmoid, SoftmaxCrossEntropyLoss, make_mlp, train

RNG = np.random.default_rng(8)


class Recording(Network):
    """A Network that keeps what each backward returned."""

    def __init__(self, layers):
        super().__init__(layers)
        self.returned = []

    def backward(self, dout):
        dx = super().backward(dout)
        self.returned.append(dx)
        return dx


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_train_skips_the_data_gradient_and_keeps_every_parameter_gradient(dtype):
    X = RNG.normal(size=(16, 5)).astype(dtype)
    t = RNG.integers(0, 3, size=16)
    plain = make_mlp([5, 7, 3], activation="relu", output="identity", rng=0, dtype=dtype)
    loss = SoftmaxCrossEntropyLoss()
    loss.forward(plain.forward(X), t)
    assert plain.backward(loss.backward()).shape == X.shape  # outside train: dL/dX is returned
    in_train = Recording(make_mlp([5, 7, 3], activation="relu", output="identity", rng=0, dtype=dtype).layers)
    train(in_train, SoftmaxCrossEntropyLoss(), SGD(1e-9), X, t, epochs=1)  # lr tiny: the gradients are of the same weights
    assert in_train.returned == [None]  # inside train: the first Affine layer skipped dL/dX
    for (name, _, g1), (_, _, g2) in zip(plain.parameters(), in_train.parameters()):
        np.testing.assert_array_equal(g1, g2, err_msg=name)
        assert g2.dtype == dtype


def test_a_first_layer_that_is_not_plain_affine_still_computes_its_gradient():
    class NoisyAffine(Affine):  # overrides backward: train must call it, not skip it
        calls = 0

        def backward(self, dout):
            NoisyAffine.calls += 1
            return super().backward(dout)

    for first in (Sigmoid(), NoisyAffine([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0])):
        net = Recording([first, Affine([[1.0], [1.0]], [0.0])])
        train(net, MSELoss(), SGD(0.1), np.array([[0.0, 0.0]]), np.array([[1.0]]), epochs=1)
        assert net.returned[0].shape == (1, 2)
    assert NoisyAffine.calls == 1


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

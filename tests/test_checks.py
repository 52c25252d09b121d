"""nnbook.checks: the decorators that will carry all of the package's checks (issue 11).

The classes below are written the way the book's listings will read: plain NumPy, no checks. The
decorators must make them as safe as the package's classes are today, and a reader's own layer in a
checked Network must either train or be refused with a message that says what is missing.
"""

from __future__ import annotations

import numpy as np
import pytest

from nnbook.checks import (
    NonFiniteError,
    checked_layer,
    checked_loss,
    checked_network,
    checked_optimizer,
    checked_training,
)


def _affine_params_only(layer, dout):
    layer.dW = layer.x.T @ dout
    layer.db = dout.sum(axis=0)


@checked_layer(params_only=_affine_params_only)
class Affine:
    def __init__(self, W, b):
        self.W, self.b = W, b
        self.x = self.dW = self.db = None

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=0)
        return dout @ self.W.T


@checked_layer(keeps_finite=True)
class Sigmoid:
    def __init__(self):
        self.out = None

    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, dout):
        return dout * self.out * (1 - self.out)


@checked_network
class Network:
    def __init__(self, layers):
        self.layers = layers

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, dout):
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def parameters(self):
        params = []
        for i, layer in enumerate(self.layers):
            for name in ("W", "b"):
                if hasattr(layer, name):
                    params.append((f"{i}.{name}", getattr(layer, name), getattr(layer, "d" + name)))
        return params


@checked_optimizer
class SGD:
    def __init__(self, lr, momentum=0.0):
        self.lr, self.momentum = lr, momentum
        self.velocity = {}

    def step(self, parameters):
        for name, value, grad in parameters:
            v = self.momentum * self.velocity.get(name, 0) + grad
            self.velocity[name] = v
            value -= self.lr * v


@checked_loss
class MSELoss:
    def forward(self, y, t):
        self.y, self.t = y, t
        return np.mean((y - t) ** 2)

    def backward(self):
        return 2 * (self.y - self.t) / self.y.size


@checked_training
def train(network, loss, optimizer, X, T, *, epochs, batch_size=None, rng=0, stop=None, callback=None):
    losses = []
    for epoch in range(1, epochs + 1):
        Y = network.forward(X)
        losses.append(loss.forward(Y, T))
        network.backward(loss.backward())
        optimizer.step(network.parameters())
        if callback is not None:
            callback(epoch, losses[-1])
    return losses


class ReadersAffine:
    """A reader's own layer, written as the book teaches: no base class, no parameters() method."""

    def __init__(self, W, b):
        self.W, self.b = W, b
        self.dW = self.db = None

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=0)
        return dout @ self.W.T


X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
T = np.array([[0.0], [1.0], [1.0], [2.0]])  # x1 + x2: a linear layer can fit it exactly


def _layer():
    return Affine(np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]]), np.array([0.5, 0.0, 1.0]))


def test_a_plain_layer_computes_as_written():
    layer = _layer()
    Y = layer.forward([[1.0, 2.0], [0.0, 1.0]])
    np.testing.assert_array_equal(Y, [[5.5, 2.0, 0.0], [2.5, 1.0, 1.0]])
    dx = layer.backward(np.ones((2, 3)))
    np.testing.assert_array_equal(dx, [[0.0, 3.0], [0.0, 3.0]])
    np.testing.assert_array_equal(layer.db, [2.0, 2.0, 2.0])


def test_bad_input_is_refused_with_the_layer_name():
    layer = _layer()
    with pytest.raises(ValueError, match=r"Affine.forward: x must have shape \(N, 2\).*got \(2, 3\)"):
        layer.forward(np.ones((2, 3)))
    with pytest.raises(NonFiniteError, match="Affine.forward: x contains 1 NaN"):
        layer.forward([[np.nan, 1.0]])
    with pytest.raises(TypeError, match="Affine.forward: x: expected real numbers"):
        layer.forward([["a", "b"]])
    with pytest.raises(ValueError, match=r"Affine: b must have shape \(3,\)"):
        Affine(np.ones((2, 3)), np.ones(2))


def test_backward_before_forward_and_wrong_dout():
    layer = _layer()
    with pytest.raises(RuntimeError, match="Affine.backward called before Affine.forward"):
        layer.backward(np.ones((1, 3)))
    layer.forward(np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"Affine.backward: dout has shape \(2, 2\), expected \(2, 3\)"):
        layer.backward(np.ones((2, 2)))


def test_a_single_input_is_a_batch_of_one():
    layer = _layer()
    np.testing.assert_array_equal(layer.forward([1.0, 2.0]), [5.5, 2.0, 0.0])
    np.testing.assert_array_equal(layer.backward(np.ones(3)), [0.0, 3.0])
    np.testing.assert_array_equal(layer.dW, [[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]])


def test_outputs_cannot_be_changed_behind_backward():
    s = Sigmoid()
    y = s.forward(np.zeros((1, 2)))
    with pytest.raises(ValueError, match="read-only"):
        y[0, 0] = 5.0
    x = np.zeros((1, 2))
    layer = _layer()
    layer.forward(x)
    x[0, 0] = 100.0  # the caller's array changes after forward; the layer kept its own copy
    layer.backward(np.ones((1, 3)))
    np.testing.assert_array_equal(layer.dW, np.zeros((2, 3)))


def test_backward_cannot_change_the_callers_dout():
    @checked_layer
    class Sloppy:
        def forward(self, x):
            return x

        def backward(self, dout):
            dout *= 2  # in place: refused
            return dout

    layer = Sloppy()
    layer.forward(np.ones(2))
    dout = np.ones(2)
    with pytest.raises(ValueError, match="read-only"):
        layer.backward(dout)
    np.testing.assert_array_equal(dout, [1.0, 1.0])


def test_overflow_is_an_error_not_a_warning():
    layer = Affine(np.full((1, 1), 1e308), np.zeros(1))
    with pytest.raises(NonFiniteError, match="Affine.forward: the result contains 1 inf value"):
        layer.forward([[10.0]])


def test_a_subclass_is_checked_too():
    class BrokenAffine(Affine):
        def backward(self, dout):
            dx = super().backward(dout)
            self.db = dout.mean(axis=0)  # the bug the book plants
            return dx

    layer = BrokenAffine(np.ones((2, 1)), np.zeros(1))
    with pytest.raises(ValueError, match="BrokenAffine.forward: x must have shape"):
        layer.forward(np.ones((1, 3)))
    net = Network([BrokenAffine(np.zeros((2, 1)), np.zeros(1))])
    losses = train(net, MSELoss(), SGD(0.1), X, T, epochs=50)
    assert losses[-1] < losses[0]  # it trains (with its wrong db), no TypeError


def test_a_readers_layer_trains_in_a_network():
    net = Network([ReadersAffine(np.zeros((2, 1)), np.zeros(1))])
    assert [n for n, _, _ in net.parameters()] == ["0.W", "0.b"]
    losses = train(net, MSELoss(), SGD(0.2, momentum=0.5), X, T, epochs=300)
    assert losses[-1] < 1e-6 < losses[0]
    np.testing.assert_allclose(net.layers[0].W, [[1.0], [1.0]], atol=1e-3)
    with pytest.raises(ValueError, match="ReadersAffine.forward: x must have shape"):
        net.layers[0].forward(np.ones((1, 5)))  # the network checked the reader's class


def test_layers_that_cannot_train_are_refused():
    class Forgetful:
        def __init__(self):
            self.W, self.b = np.zeros((2, 1)), np.zeros(1)

        def forward(self, x):
            return x @ self.W + self.b

        def backward(self, dout):
            return dout @ self.W.T

    with pytest.raises(TypeError, match=r"layers\[0\] \(Forgetful\) has W but no dW"):
        Network([Forgetful()])  # refused at once, not at the first step

    class OddNames:
        def __init__(self):
            self.weights = np.zeros((2, 1))

        def forward(self, x):
            return x @ self.weights

        def backward(self, dout):
            return dout @ self.weights.T

    with pytest.raises(TypeError, match=r"holds an array 'weights' that no optimizer would update"):
        Network([OddNames()])
    s = Sigmoid()
    with pytest.raises(ValueError, match=r"layers\[0\] and layers\[2\] are the same Sigmoid object"):
        Network([s, _layer(), s])
    with pytest.raises(TypeError, match=r"layers\[1\] \(int\) has no forward/backward"):
        Network([s, 3])
    with pytest.raises(ValueError, match=r"layers\[2\] \(Affine\) takes 2 inputs but layers\[0\] gives 3"):
        Network([_layer(), Sigmoid(), _layer()])


def test_a_layer_returning_the_wrong_shape_is_named():
    class Shrinks:
        def forward(self, x):
            return x

        def backward(self, dout):
            return dout[:, :1]

    net = Network([_layer(), Shrinks()])
    net.forward(np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"layers\[1\] \(Shrinks\).backward returned a gradient of shape \(2, 1\), expected \(2, 3\)"):
        net.backward(np.ones((2, 3)))


def test_train_skips_only_the_data_gradient_and_matches_a_manual_loop():
    def net():
        return Network([Affine(np.full((2, 3), 0.1), np.zeros(3)), Sigmoid(), Affine(np.full((3, 1), 0.2), np.zeros(1))])

    trained, manual = net(), net()
    train(trained, MSELoss(), SGD(0.5, momentum=0.9), X, T, epochs=5)
    loss, opt = MSELoss(), SGD(0.5, momentum=0.9)
    for _ in range(5):
        loss.forward(manual.forward(X), T)
        dx = manual.backward(loss.backward())
        assert dx.shape == X.shape  # outside train the input gradient is computed
        opt.step(manual.parameters())
    for (name, a, _), (_, b, _) in zip(trained.parameters(), manual.parameters()):
        np.testing.assert_array_equal(a, b, err_msg=name)


def test_a_step_that_overflows_changes_nothing():
    a, b = np.array([1.0]), np.array([1e308])
    opt = SGD(1e300)
    params = [("a", a, np.array([1.0])), ("b", b, np.array([-1e10]))]
    with pytest.raises(FloatingPointError, match="no parameter was changed"):
        opt.step(params)
    assert a[0] == 1.0 and b[0] == 1e308 and opt.velocity == {}


def test_one_optimizer_per_network_and_clear_step_errors():
    opt = SGD(0.1)
    n1, n2 = Network([_layer()]), Network([_layer()])
    for n in (n1, n2):
        n.backward(MSELoss().forward(n.forward(np.ones((1, 2))), np.zeros((1, 3))) * 0 + np.ones((1, 3)))
    opt.step(n1.parameters())
    with pytest.raises(ValueError, match="use one optimizer per network"):
        opt.step(n2.parameters())
    with pytest.raises(TypeError, match="the value of 'w' must be a writable float32/float64 NumPy array"):
        SGD(0.1).step([("w", 1.0, np.array(1.0))])
    w = np.array([1.0])
    SGD(0.5).step([("w", w, [2.0])])  # a list gradient is converted
    np.testing.assert_array_equal(w, [0.0])
    with pytest.raises(ValueError, match="SGD: lr must be a finite number > 0"):
        SGD(-1)


def test_losses_are_checked_and_never_minus_zero():
    loss = MSELoss()
    assert str(loss.forward(np.zeros(2), np.zeros(2))) == "0.0"
    with pytest.raises(ValueError, match=r"MSELoss.forward: y and t must have the same shape, got y \(4, 1\) and t \(4,\)"):
        loss.forward(np.zeros((4, 1)), np.zeros(4))
    with pytest.raises(RuntimeError, match="MSELoss.backward called before MSELoss.forward"):
        MSELoss().backward()
    with pytest.raises(NonFiniteError, match="MSELoss.forward: the loss overflowed to inf"):
        loss.forward(np.array([1e200]), np.array([0.0]))


def test_train_checks_its_arguments_and_names_the_epoch_of_divergence():
    net = Network([Affine(np.zeros((2, 1)), np.zeros(1))])
    with pytest.raises(TypeError, match="train: optimizer must have step methods; None has no step"):
        train(net, MSELoss(), None, X, T, epochs=1)
    with pytest.raises(ValueError, match="train: the network has no parameters to train"):
        train(Network([Sigmoid()]), MSELoss(), SGD(0.1), X, T, epochs=1)
    with pytest.raises(FloatingPointError, match=r"train: the numbers diverged at epoch \d+:.*try a smaller lr"):
        train(net, MSELoss(), SGD(1e150), X, T * 1e100, epochs=50)


def test_train_computes_in_the_networks_dtype():
    net = Network([Affine(np.zeros((2, 1), np.float32), np.zeros(1, np.float32))])
    seen = []
    train(net, MSELoss(), SGD(0.1), X, T, epochs=2, callback=lambda e, l: seen.append(net.layers[0].x.dtype))
    assert seen == [np.float32, np.float32]
    assert net.layers[0].W.dtype == np.float32

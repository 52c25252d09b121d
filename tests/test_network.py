"""Network and make_mlp: structure, parameters, whole-network gradient checks, dtypes, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from nnbook import (
    Affine,
    BCELoss,
    MSELoss,
    Network,
    ReLU,
    Sigmoid,
    Tanh,
    check_gradients,
    make_mlp,
    truth_table,
)

RNG = np.random.default_rng(4)


def test_make_mlp_builds_affine_and_activation_layers():
    net = make_mlp([2, 3, 1])
    kinds = [type(layer) for layer in net.layers]
    assert kinds == [Affine, Sigmoid, Affine, Sigmoid]
    assert net.layers[0].W.shape == (2, 3) and net.layers[2].W.shape == (3, 1)
    kinds = [type(layer) for layer in make_mlp([4, 5, 6, 2], activation="relu", output="identity").layers]
    assert kinds == [Affine, ReLU, Affine, ReLU, Affine]
    assert [type(layer) for layer in make_mlp([2, 2, 1], activation="tanh").layers][1] is Tanh


def test_make_mlp_picks_he_for_relu_and_xavier_otherwise():
    relu_net = make_mlp([200, 100, 1], activation="relu", rng=0)
    sigmoid_net = make_mlp([200, 100, 1], rng=0)
    assert relu_net.layers[0].W.std() == pytest.approx(np.sqrt(2 / 200), rel=0.03)
    assert sigmoid_net.layers[0].W.std() == pytest.approx(np.sqrt(2 / 300), rel=0.03)


def test_make_mlp_is_reproducible_and_layers_differ():
    a, b = make_mlp([3, 3, 3], rng=1), make_mlp([3, 3, 3], rng=1)
    for (_, va, _), (_, vb, _) in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(va, vb)
    assert not np.array_equal(a.layers[0].W, a.layers[2].W)  # one generator, drawn in order


def test_forward_chains_the_layers_and_predict_agrees():
    net = make_mlp([2, 3, 1])
    X, _ = truth_table("xor")
    l0, l1, l2, l3 = net.layers
    expected = l3.forward(l2.forward(l1.forward(l0.forward(X))))
    np.testing.assert_array_equal(net.forward(X), expected)
    np.testing.assert_array_equal(net.predict(X), expected)


def test_parameters_are_named_like_pytorch_sequential():
    net = make_mlp([2, 3, 1])
    assert [name for name, _, _ in net.parameters()] == ["0.W", "0.b", "2.W", "2.b"]
    assert all(grad is None for _, _, grad in net.parameters())
    net.forward(np.ones((1, 2)))
    net.backward(np.ones((1, 1)))
    for (_, value, grad) in net.parameters():
        assert grad.shape == value.shape


@pytest.mark.parametrize(
    "activation, Loss",
    [("sigmoid", BCELoss), ("sigmoid", MSELoss), ("tanh", BCELoss), ("relu", MSELoss)],
)
def test_whole_network_gradients_match_numerical_ones(activation, Loss):
    net = make_mlp([3, 4, 2], activation=activation, rng=5)
    X = RNG.normal(size=(6, 3))
    T = RNG.uniform(size=(6, 2)).round()
    report = check_gradients(net, Loss(), X, T)
    assert set(report.errors) == {"x", "0.W", "0.b", "2.W", "2.b"}
    assert report.max_rel_error < 1e-6, report


def test_three_layer_network_gradients():
    net = make_mlp([2, 5, 4, 1], activation="tanh", rng=6)
    X, T = truth_table("xor")
    assert check_gradients(net, BCELoss(), X, T).max_rel_error < 1e-6


@settings(max_examples=15, deadline=None, derandomize=True)  # the same examples on every run
@example(sizes=[1, 2, 1, 4], n=1, seed=130)  # tiny input gradient: failed with eps=1e-6 (rounding noise)
@given(sizes=st.lists(st.integers(1, 4), min_size=2, max_size=4), n=st.integers(1, 4), seed=st.integers(0, 1000))
def test_gradients_on_random_architectures(sizes, n, seed):
    rng = np.random.default_rng(seed)
    net = make_mlp(sizes, activation="sigmoid", rng=rng)
    X = rng.normal(size=(n, sizes[0]))
    T = rng.uniform(size=(n, sizes[-1]))
    assert check_gradients(net, MSELoss(), X, T).max_rel_error < 1e-6


def test_backward_returns_input_gradient_and_leaves_dout_alone():
    net = make_mlp([2, 3, 1])
    net.forward(np.ones((4, 2)))
    dout = np.ones((4, 1))
    dx = net.backward(dout)
    assert dx.shape == (4, 2)
    np.testing.assert_array_equal(dout, 1.0)


def test_float32_network_stays_float32():
    net = make_mlp([2, 3, 1], dtype=np.float32)
    X = np.zeros((4, 2), dtype=np.float32)
    y = net.forward(X)
    dx = net.backward(np.ones_like(y))
    assert y.dtype == dx.dtype == np.float32
    assert all(v.dtype == g.dtype == np.float32 for _, v, g in net.parameters())


def test_network_accepts_any_layer_with_forward_and_backward():
    class Double:
        def forward(self, x):
            return 2 * np.asarray(x)

        def backward(self, dout):
            return 2 * np.asarray(dout)

    net = Network([Affine([[1.0]], [0.0]), Double()])
    assert net.forward([[3.0]]).tolist() == [[6.0]]
    assert net.backward([[1.0]]).tolist() == [[2.0]]
    assert [n for n, _, _ in net.parameters()] == ["0.W", "0.b"]


def test_errors():
    with pytest.raises(ValueError, match="Network: layers is empty"):
        Network([])
    with pytest.raises(TypeError, match=r"Network: layers\[1\] \(int\) has no forward/backward method"):
        Network([Sigmoid(), 3])
    with pytest.raises(ValueError, match=r"make_mlp: sizes needs at least 2 entries .* got \[2\]"):
        make_mlp([2])
    with pytest.raises(ValueError, match=r"make_mlp: every size must be a positive integer, got \[2, 0, 1\]"):
        make_mlp([2, 0, 1])
    with pytest.raises(ValueError, match=r"make_mlp: activation must be one of .* got 'softplus'"):
        make_mlp([2, 1], activation="softplus")
    with pytest.raises(ValueError, match=r"make_mlp: init must be None, 'xavier' or 'he', got 'zeros'"):
        make_mlp([2, 1], init="zeros")
    with pytest.raises(ValueError, match=r"Network.forward: x must have shape \(N, 2\) for layers\[0\]"):
        make_mlp([2, 1]).forward(np.ones((4, 3)))


class ReadersAffine:
    """A layer written as the book teaches: W, b, dW, db and forward/backward, no parameters() method."""

    def __init__(self, W, b):
        self.W, self.b = np.array(W, dtype=float), np.array(b, dtype=float)
        self.x = self.dW = self.db = None

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=0)
        return dout @ self.W.T


def test_a_readers_own_layer_is_trained():
    from nnbook import SGD, MSELoss, train

    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    T = X.sum(axis=1, keepdims=True)  # x1 + x2: one linear layer fits it exactly
    net = Network([ReadersAffine(np.zeros((2, 1)), np.zeros(1))])
    assert [n for n, _, _ in net.parameters()] == ["0.W", "0.b"]
    history = train(net, MSELoss(), SGD(0.2, momentum=0.5), X, T, epochs=300)
    assert history.losses[-1] < 1e-6 < history.losses[0]
    np.testing.assert_allclose(net.layers[0].W, [[1.0], [1.0]], atol=1e-3)


def test_a_subclass_that_overrides_backward_trains():
    from nnbook import SGD, MSELoss, train

    class BrokenAffine(Affine):  # chapter 10's planted bug: db as a mean
        def backward(self, dout):
            dx = super().backward(dout)
            self.db = np.mean(dout, axis=0)
            return dx

    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    net = Network([BrokenAffine(np.zeros((2, 1)), np.zeros(1))])
    history = train(net, MSELoss(), SGD(0.1), X, X.sum(axis=1, keepdims=True), epochs=50)
    assert history.losses[-1] < history.losses[0]  # trains (with its wrong db); no TypeError about input_grad


def test_layers_the_network_cannot_train_are_refused():
    class NoGrad:
        def __init__(self):
            self.W, self.b = np.zeros((2, 1)), np.zeros(1)

        def forward(self, x):
            return x @ self.W + self.b

        def backward(self, dout):
            return dout @ self.W.T

    with pytest.raises(TypeError, match=r"layers\[0\] \(NoGrad\) has W but no dW"):
        Network([NoGrad()]).parameters()

    class OddName(NoGrad):
        def __init__(self):
            self.weights = np.zeros((2, 1))

    with pytest.raises(TypeError, match=r"layers\[0\] \(OddName\) holds an array 'weights' that no optimizer would update"):
        Network([OddName()])
    s = Sigmoid()
    with pytest.raises(ValueError, match=r"layers\[0\] and layers\[2\] are the same Sigmoid object"):
        Network([s, Affine(np.ones((2, 2)), np.zeros(2)), s])
    with pytest.raises(TypeError, match=r"layers\[0\] is the class Sigmoid, not a layer"):
        Network([Sigmoid])

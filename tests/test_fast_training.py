"""train's fast path (nnbook.checks._FastTraining): after a fully checked first step, later steps call the
plain methods; these tests prove it computes the same numbers and still raises what the checked steps raise."""

import numpy as np
import pytest

import nnbook
import nnbook.checks as checks
from nnbook import SGD, Affine, BCELoss, MSELoss, Network, Sigmoid, make_mlp, train, truth_table


def _run(fast, **kwargs):
    old, checks.FAST_TRAINING = checks.FAST_TRAINING, fast
    try:
        X, T = truth_table("xor")
        net = make_mlp([2, 4, 1], rng=3)
        history = train(net, BCELoss(), SGD(0.5, momentum=0.9), X, T, epochs=50, **kwargs)
        return history, [value.copy() for _, value, _ in net.parameters()]
    finally:
        checks.FAST_TRAINING = old


@pytest.mark.parametrize("batch_size", [None, 2])
def test_fast_path_gives_bitwise_the_same_training(batch_size):
    h_fast, p_fast = _run(True, batch_size=batch_size)
    h_slow, p_slow = _run(False, batch_size=batch_size)
    assert h_fast.losses == h_slow.losses
    for a, b in zip(p_fast, p_slow):
        assert np.array_equal(a, b)


def test_fast_path_is_used_for_package_classes_only():
    net = make_mlp([2, 4, 1])
    assert checks._FastTraining.for_(net, BCELoss(), SGD(0.1), full_batch=True) is not None

    class MyAffine(Affine):
        pass

    own = Network([MyAffine(np.ones((2, 1)), np.zeros(1)), Sigmoid()])
    assert checks._FastTraining.for_(own, BCELoss(), SGD(0.1), full_batch=True) is None


def _error(fast, callback, epochs=20):
    old, checks.FAST_TRAINING = checks.FAST_TRAINING, fast
    try:
        X, T = truth_table("xor")
        net = make_mlp([2, 4, 1], rng=0)
        with pytest.raises(FloatingPointError) as info:
            train(net, MSELoss(), SGD(0.5), X, T, epochs=epochs, callback=lambda e, l: callback(e, net))
        return str(info.value), net
    finally:
        checks.FAST_TRAINING = old


def _nan_weight(epoch, net):
    if epoch == 5:
        net.layers[2].W[0, 0] = np.nan  # a NaN appearing mid-training


def test_nan_appearing_mid_training_raises_the_checked_error():
    fast, _ = _error(True, _nan_weight)
    slow, _ = _error(False, _nan_weight)
    assert fast == slow
    assert "epoch 6" in fast and "layers[2] (Affine)" in fast


@pytest.mark.parametrize("buffered", [1, 4096])  # the fast update through its own buffers, or not
def test_overflow_in_a_later_step_leaves_parameters_untouched(buffered, monkeypatch):
    monkeypatch.setattr(checks, "_BUFFERED_SIZE", buffered)
    for fast in (True, False):
        old, checks.FAST_TRAINING = checks.FAST_TRAINING, fast
        try:
            X, T = truth_table("xor")
            X = X * 100  # large inputs, an identity output: gradients well above 1
            net = make_mlp([2, 4, 1], output="identity", rng=0)
            opt = SGD(1e-6)
            saved = {}

            def callback(epoch, _loss):
                if epoch == 5:
                    opt.lr = 1e308  # the next update overflows
                    saved.update({name: value.copy() for name, value, _ in net.parameters()})
                    saved.update({"v " + name: v.copy() for name, v in opt.velocity.items()})

            with pytest.raises(FloatingPointError, match=r"epoch 6: .*no parameter was changed") as info:
                train(net, MSELoss(), opt, X, T, epochs=20, callback=callback)
            for name, value, _ in net.parameters():
                assert np.array_equal(value, saved[name]), name
            for name, v in opt.velocity.items():  # and no velocity either
                assert np.array_equal(v, saved["v " + name]), name
            if fast:
                fast_message = str(info.value)
            else:
                assert str(info.value) == fast_message
        finally:
            checks.FAST_TRAINING = old


def test_replaced_parameter_array_mid_training_is_refused():
    X, T = truth_table("xor")
    net = make_mlp([2, 4, 1], rng=0)

    def callback(epoch, _loss):
        if epoch == 3:
            net.layers[0].W = net.layers[0].W.copy()

    with pytest.raises(ValueError, match="use one optimizer per network"):
        train(net, MSELoss(), SGD(0.5), X, T, epochs=10, callback=callback)


def test_a_readers_layer_is_checked_at_every_step():
    class Doubling:  # a layer of the reader's own that turns NaN after a few steps
        calls = 0

        def forward(self, x):
            Doubling.calls += 1
            return x * (np.nan if Doubling.calls == 4 else 2.0)

        def backward(self, dout):
            return dout * 2.0

    X, T = truth_table("xor")
    net = Network([Affine.create(2, 1, rng=0), Doubling(), Sigmoid()])
    with pytest.raises(FloatingPointError, match=r"epoch 4: Network.forward: layers\[1\] \(Doubling\)"):
        train(net, MSELoss(), SGD(0.1), X, T, epochs=10)


def test_callback_runs_with_the_callers_numpy_error_settings():
    seen = []
    X, T = truth_table("xor")
    with np.errstate(over="raise"):
        train(make_mlp([2, 4, 1]), BCELoss(), SGD(0.5), X, T, epochs=3, callback=lambda e, l: seen.append(np.geterr()["over"]))
    assert seen == ["raise"] * 3
    assert nnbook.train is train


def _float32_run(fast, callback=None):
    old, checks.FAST_TRAINING = checks.FAST_TRAINING, fast
    try:
        rng = np.random.default_rng(1)
        X = rng.standard_normal((16, 6)).astype(np.float32)
        t = rng.integers(0, 3, size=16)
        net = make_mlp([6, 5, 3], activation="relu", output="identity", rng=2, dtype=np.float32)
        opt = SGD(0.1, momentum=0.9)
        history = train(net, nnbook.SoftmaxCrossEntropyLoss(), opt, X, t, epochs=12,
                        callback=None if callback is None else lambda e, l: callback(e, opt))
        return history.losses, [value.copy() for _, value, _ in net.parameters()], opt
    finally:
        checks.FAST_TRAINING = old


def _meddle_with_velocity(epoch, opt):
    if epoch == 4:
        opt.velocity["0.W"] = opt.velocity["0.W"].astype(np.float64)  # another dtype: the listing's rules apply
    if epoch == 7:
        del opt.velocity["2.b"]  # starts again from 0
    if epoch == 9:  # a view into another array: a velocity array the update must not reuse
        opt.velocity["0.W"] = np.concatenate([opt.velocity["0.W"].astype(np.float32)] * 2, axis=1)[:, :5]
        _BACKING.append(opt.velocity["0.W"].base)
        _BACKING.append(_BACKING[-1].copy())


_BACKING = []


@pytest.mark.parametrize("buffered", [1, 4096])  # every parameter into the optimizer's buffers, or none here
@pytest.mark.parametrize("callback", [None, _meddle_with_velocity])
def test_fast_update_gives_bitwise_the_same_float32_training(callback, buffered, monkeypatch):
    # the fast update writes large parameters through buffers of its own; the numbers must be those of
    # SGD.step, bit for bit
    monkeypatch.setattr(checks, "_BUFFERED_SIZE", buffered)
    losses_fast, p_fast, opt_fast = _float32_run(True, callback)
    losses_slow, p_slow, opt_slow = _float32_run(False, callback)
    assert losses_fast == losses_slow
    for a, b in zip(p_fast, p_slow):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    for name in opt_slow.velocity:
        assert opt_fast.velocity[name].dtype == opt_slow.velocity[name].dtype
        assert np.array_equal(opt_fast.velocity[name], opt_slow.velocity[name])
    for backing, copy in zip(_BACKING[::2], _BACKING[1::2]):
        assert np.array_equal(backing, copy)  # an array the velocity was a view of is never written
    _BACKING.clear()


def test_velocity_arrays_handed_out_are_never_changed_later(monkeypatch):
    # as in the listing, each step makes a new velocity array: one kept by the caller stays as it was
    monkeypatch.setattr(checks, "_BUFFERED_SIZE", 1)
    kept = []
    _float32_run(True, lambda epoch, opt: kept.append((opt.velocity["0.W"], opt.velocity["0.W"].copy())))
    for v, copy in kept:
        assert np.array_equal(v, copy)

"""The training loop and the XOR experiment: learning, reproducibility, stop criterion, errors."""

from __future__ import annotations

import numpy as np
import pytest

from nnbook import (
    SGD,
    XOR_RECIPE,
    Affine,
    BCELoss,
    MSELoss,
    Network,
    make_mlp,
    outputs_within,
    sweep_xor,
    train,
    train_xor,
    truth_table,
)
from nnbook.train import xor_recipe


def xor_setup(seed=0, **mlp):
    X, T = truth_table("xor")
    return make_mlp([2, 4, 1], rng=seed, **mlp), BCELoss(), SGD(0.5, momentum=0.9), X, T


def test_training_lowers_the_loss_and_history_is_complete():
    net, loss, opt, X, T = xor_setup()
    history = train(net, loss, opt, X, T, epochs=300)
    assert history.epochs == len(history.losses) == 300
    assert not history.reached_goal
    assert history.losses[-1] < 0.1 < history.losses[0]
    assert all(isinstance(value, float) for value in history.losses)


def test_full_batch_epoch_loss_is_the_loss_before_that_epochs_update():
    net, loss, opt, X, T = xor_setup()
    before = BCELoss().forward(net.forward(X), T)
    history = train(net, loss, opt, X, T, epochs=1)
    assert history.losses == [before]


def test_stop_criterion_ends_training_when_every_output_is_close():
    net, loss, opt, X, T = xor_setup()
    history = train(net, loss, opt, X, T, epochs=5000, stop=outputs_within(0.1))
    assert history.reached_goal and history.epochs < 5000
    assert len(history.losses) == history.epochs
    assert np.all(np.abs(net.predict(X) - T) <= 0.1)


def test_outputs_within():
    stop = outputs_within(0.1)
    T = np.array([[0.0], [1.0]])
    assert stop(np.array([[0.1], [0.95]]), T)
    assert not stop(np.array([[0.11], [0.95]]), T)
    with pytest.raises(ValueError, match="outputs_within: tol must be a number > 0, got 0"):
        outputs_within(0)


def test_callback_sees_every_epoch_and_its_loss():
    net, loss, opt, X, T = xor_setup()
    seen = []
    history = train(net, loss, opt, X, T, epochs=7, callback=lambda epoch, value: seen.append((epoch, value)))
    assert seen == list(zip(range(1, 8), history.losses))


def weights(net):
    return [value.copy() for _, value, _ in net.parameters()]


def test_training_is_reproducible_bit_for_bit():
    runs = []
    for _ in range(2):
        net, loss, opt, X, T = xor_setup(seed=3)
        history = train(net, loss, opt, X, T, epochs=200)
        runs.append((history.losses, weights(net)))
    assert runs[0][0] == runs[1][0]
    for a, b in zip(runs[0][1], runs[1][1]):
        assert np.array_equal(a, b)


def test_mini_batches_are_shuffled_reproducibly_by_rng():
    def run(rng):
        net, loss, opt, X, T = xor_setup()
        return train(net, loss, opt, X, T, epochs=20, batch_size=2, rng=rng).losses

    assert run(1) == run(1)
    assert run(np.random.default_rng(1)) == run(1)
    assert run(1) != run(2)


def test_mini_batch_epoch_loss_is_the_weighted_mean_of_batch_losses():
    X = np.arange(6, dtype=float).reshape(3, 2)
    T = np.zeros((3, 1))
    net = Network([Affine([[1.0], [1.0]], [0.0])])
    batch_losses = []

    class Recording(MSELoss):
        def forward(self, y, t):
            value = super().forward(y, t)
            batch_losses.append((value, len(y)))
            return value

    history = train(net, Recording(), SGD(1e-9), X, T, epochs=1, batch_size=2, rng=0)
    assert [n for _, n in batch_losses] == [2, 1]
    assert history.losses[0] == pytest.approx(sum(v * n for v, n in batch_losses) / 3, rel=1e-12)


def test_float32_training_stays_float32():
    X, T = truth_table("xor")
    net = make_mlp([2, 4, 1], dtype=np.float32)
    train(net, BCELoss(), SGD(0.5, momentum=0.9), X.astype(np.float32), T.astype(np.float32), epochs=5)
    assert all(v.dtype == g.dtype == np.float32 for _, v, g in net.parameters())


def test_divergence_raises_with_the_epoch_number():
    X = np.array([[1.0], [2.0]])
    T = np.array([[1.0], [-1.0]])
    net = Network([Affine([[1.0]], [0.0])])  # a linear model: with lr=10 every step overshoots more
    with pytest.raises(FloatingPointError, match=r"train: the numbers diverged at epoch \d+: .*overflow"):
        train(net, MSELoss(), SGD(10.0), X, T, epochs=10_000)


@pytest.mark.parametrize("epochs", [0, -3, 2.5, True])
def test_bad_epochs(epochs):
    net, loss, opt, X, T = xor_setup()
    with pytest.raises(ValueError, match=rf"train: epochs must be an integer >= 1, got {epochs!r}"):
        train(net, loss, opt, X, T, epochs=epochs)


def test_bad_data_and_batch_size():
    net, loss, opt, X, T = xor_setup()
    with pytest.raises(ValueError, match=r"train: T must have shape \(4, n_outputs\), or \(4,\) integer class indices, to match X \(4, 2\); got \(4,\) of dtype float64"):
        train(net, loss, opt, X, T.ravel(), epochs=1)
    with pytest.raises(ValueError, match=r"got \(3, 1\) of dtype float64"):
        train(net, loss, opt, X, T[:3], epochs=1)
    with pytest.raises(ValueError, match=r"train: X must have shape \(N, n_features\), got \(8,\)"):
        train(net, loss, opt, X.ravel(), T, epochs=1)
    with pytest.raises(ValueError, match="train: batch_size must be None or an integer >= 1, got 0"):
        train(net, loss, opt, X, T, epochs=1, batch_size=0)
    X_bad = X.copy()
    X_bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="train: X contains 1 NaN value"):
        train(net, loss, opt, X_bad, T, epochs=1)


def test_lr_must_be_positive():
    with pytest.raises(ValueError, match="SGD: lr must be a finite number > 0, got 0"):
        SGD(0)


# --- the XOR experiment ----------------------------------------------------------------------


def test_default_recipe_solves_xor_for_seed_0():
    run = train_xor(seed=0)
    assert run.solved and run.epochs < XOR_RECIPE["epochs"]
    assert run.predictions.shape == (4,)
    assert np.all(np.abs(run.predictions - [0, 1, 1, 0]) <= XOR_RECIPE["tol"])
    assert run.loss == pytest.approx(BCELoss().forward(run.network.predict(truth_table("xor")[0]), truth_table("xor")[1]))
    assert run.recipe == XOR_RECIPE


def test_recipe_resolves_the_init_by_activation():
    assert xor_recipe()["init"] == "xavier"
    assert xor_recipe(activation="relu")["init"] == "he"
    assert xor_recipe(activation="relu", init="xavier")["init"] == "xavier"
    assert train_xor(activation="relu", epochs=1).recipe["init"] == "he"


def test_train_xor_is_reproducible_and_seed_dependent():
    a, b, c = train_xor(seed=5), train_xor(seed=5), train_xor(seed=6)
    assert a.history.losses == b.history.losses and np.array_equal(a.predictions, b.predictions)
    assert a.history.losses != c.history.losses


def test_recipe_options_override_the_default():
    run = train_xor(seed=1, hidden=3, activation="tanh", loss="mse", lr=1.0, momentum=0.5, epochs=5, tol=0.2)
    assert run.network.layers[0].W.shape == (2, 3)
    assert run.epochs == 5 and not run.solved
    assert run.recipe["loss"] == "mse"
    with pytest.raises(TypeError, match=r"unknown recipe option\(s\) \['hiden'\]"):
        train_xor(hiden=3)
    with pytest.raises(ValueError, match=r"loss must be one of \['bce', 'mse'\], got 'hinge'"):
        train_xor(loss="hinge")


def test_sweep_counts_and_statistics():
    sweep = sweep_xor(6)
    assert sweep.seeds == list(range(6)) and sweep.runs == 6
    assert sweep.solved == 6 and sweep.stuck_seeds == []
    epochs = sorted(run.epochs for run in sweep.results)
    stats = sweep.epoch_stats()
    assert stats["min"] == epochs[0] and stats["max"] == epochs[-1]
    assert stats["median"] == (epochs[2] + epochs[3]) / 2


def test_sweep_reports_stuck_seeds_honestly():
    # with two hidden units and a tiny budget nothing is solved: every seed is listed, no median
    sweep = sweep_xor([3, 7], hidden=2, epochs=3)
    assert sweep.solved == 0 and sweep.stuck_seeds == [3, 7]
    assert sweep.epoch_stats()["median"] is None
    with pytest.raises(ValueError, match="sweep_xor: seeds must name at least one seed"):
        sweep_xor([])


def test_a_sweep_is_computed_once_per_test_run_and_never_cached_outside_one(monkeypatch, tmp_path):
    """nnbook/_runcache.py: with NNBOOK_RUN_CACHE (set only by the book's test session) the same sweep
    is read back; without it, or with a progress callback, every call trains again."""
    import sys

    train_module = sys.modules["nnbook.train"]  # (nnbook.train is also the function)

    trained = []
    real = train_module.train_xor
    monkeypatch.setattr(train_module, "train_xor", lambda seed, **r: trained.append(seed) or real(seed, **r))
    monkeypatch.delenv("NNBOOK_RUN_CACHE", raising=False)
    sweep_xor([0, 1], hidden=2, epochs=5)
    sweep_xor([0, 1], hidden=2, epochs=5)
    assert trained == [0, 1, 0, 1]
    monkeypatch.setenv("NNBOOK_RUN_CACHE", str(tmp_path / "memo"))
    trained.clear()
    first = sweep_xor([0, 1], hidden=2, epochs=5)
    again = sweep_xor([0, 1], hidden=2, epochs=5)
    assert trained == [0, 1]
    assert [r.loss for r in again.results] == [r.loss for r in first.results] and again.recipe == first.recipe
    sweep_xor([0, 1], hidden=3, epochs=5)  # another recipe: trained
    sweep_xor([0, 1], hidden=2, epochs=5, progress=lambda seed, run: None)  # the command line's progress
    assert trained == [0, 1, 0, 1, 0, 1]


def test_two_processes_that_need_the_same_sweep_compute_it_once(tmp_path):
    """nnbook/_runcache.py: the second process waits for the first one's result (chapter 11's two kernels
    start side by side) instead of computing it too."""
    import os
    import subprocess
    import sys

    code = (
        "import sys, time\n"
        "from nnbook import _runcache\n"
        "def compute():\n"
        "    open(sys.argv[1], 'a').write('computed\\n'); time.sleep(1.0); return 42\n"
        "print(_runcache.once(_runcache.key('answer'), compute))\n"
    )
    log = tmp_path / "computed.log"
    env = {**os.environ, "NNBOOK_RUN_CACHE": str(tmp_path / "memo")}
    both = [subprocess.Popen([sys.executable, "-c", code, str(log)], env=env, stdout=subprocess.PIPE, text=True)
            for _ in range(2)]
    assert [p.communicate(timeout=60)[0] for p in both] == ["42\n", "42\n"]
    assert log.read_text() == "computed\n"


def test_an_overflowing_update_is_reported_with_its_epoch():
    X = np.array([[1e150]])
    T = np.array([[0.0]])
    net = Network([Affine([[1.0]], [0.0])])  # dL/dW = 2 * 1e150 * 1e150 = 2e300; times lr = 1e10 overflows
    with pytest.raises(FloatingPointError, match=r"train: the numbers diverged at epoch 1: SGD.step: the update overflowed \(overflow"):
        train(net, MSELoss(), SGD(1e10), X, T, epochs=3)


def test_class_index_targets_pass_through_for_softmax_cross_entropy():
    from nnbook import SoftmaxCrossEntropyLoss

    rng = np.random.default_rng(0)
    X = rng.normal(size=(12, 3))
    t = (X[:, 0] > 0).astype(int)  # two classes, learnable
    net = make_mlp([3, 4, 2], activation="tanh", output="identity", rng=0)
    history = train(net, SoftmaxCrossEntropyLoss(), SGD(0.5), X, t, epochs=50, batch_size=4, rng=1)
    assert history.losses[-1] < history.losses[0]


def test_outputs_within_refuses_shapes_that_would_broadcast():
    from nnbook import outputs_within

    close = outputs_within(0.1)
    assert close(np.array([[0.05], [0.95]]), np.array([[0.0], [1.0]]))
    with pytest.raises(ValueError, match=r"outputs_within: outputs Y and targets T must have the same shape, got \(2, 1\) and \(2,\)"):
        close(np.array([[0.05], [0.95]]), np.array([0.0, 1.0]))

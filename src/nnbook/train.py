"""The training loop (chapter 11) and the XOR experiment the book and the command line run.

``train`` repeats the update cycle — forward, loss, backward, optimizer step — for a number of
epochs, over the whole data set at once (full batch) or over shuffled mini-batches, and returns a
``History``. ``train_xor`` and ``sweep_xor`` train a small MLP on XOR with the book's default recipe
(``XOR_RECIPE``) for one seed or for many.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from nnbook import _runcache
from nnbook.checks import checked_training
from nnbook.datasets import truth_table
from nnbook.losses import BCELoss, MSELoss
from nnbook.network import Network, make_mlp
from nnbook.optim import SGD

__all__ = [
    "History",
    "train",
    "batches",
    "outputs_within",
    "XOR_RECIPE",
    "xor_recipe",
    "XORRun",
    "XORSweep",
    "train_xor",
    "sweep_xor",
    "LOSSES",
]

Stop = Callable[[np.ndarray, np.ndarray], bool]


@dataclass
class History:
    """What ``train`` returns.

    Attributes
    ----------
    losses : the loss of each epoch, measured by its forward pass, i.e. before that epoch's update
        (for mini-batches, the size-weighted mean over the epoch's batches).
    epochs : the number of epochs run.
    reached_goal : True if the stop criterion was met (training then ended early).
    """

    losses: list[float]
    epochs: int
    reached_goal: bool


def outputs_within(tol: float) -> Stop:
    """A stop criterion for ``train``: every output is within ``tol`` of its target."""
    if not (isinstance(tol, (int, float)) and tol > 0):
        raise ValueError(f"outputs_within: tol must be a number > 0, got {tol!r}")

    def every_output_close(Y: np.ndarray, T: np.ndarray) -> bool:
        Y, T = np.asarray(Y), np.asarray(T)
        if Y.shape != T.shape:  # (4, 1) against (4,) would broadcast to (4, 4) and compare the wrong pairs
            raise ValueError(f"outputs_within: outputs Y and targets T must have the same shape, got {Y.shape} and {T.shape}")
        return bool(np.all(np.abs(Y - T) <= tol))

    every_output_close.__doc__ = f"True when every output is within {tol} of its target."
    return every_output_close


@checked_training  # checks the arguments, casts X and T to the network's dtype (nnbook/checks.py)
# --8<-- [start:train-loop]
def train(network, loss, optimizer, X, T, *, epochs, batch_size=None, rng=0, stop=None,
          callback=None):
    """Train ``network`` on inputs ``X`` and targets ``T`` for up to ``epochs`` epochs.

    One epoch is one pass over the data: full batch when ``batch_size`` is None,
    otherwise mini-batches in an order shuffled by ``rng`` (a seed or a Generator).
    After each epoch, training stops early once ``stop(network.predict(X), T)`` is true,
    and ``callback(epoch, loss)`` is called. A loss that turns NaN or infinite raises
    ``FloatingPointError`` naming the epoch.
    """
    rng = np.random.default_rng(rng)
    losses = []
    for epoch in range(1, epochs + 1):
        epoch_loss = 0.0
        for idx in batches(len(X), batch_size, rng):
            Y = network.forward(X[idx])  # 1. forward
            batch_loss = loss.forward(Y, T[idx])  # 2. loss
            network.backward(loss.backward())  # 3. backward
            optimizer.step(network.parameters())  # 4. update
            epoch_loss += batch_loss * (len(Y) / len(X))  # full batch: exactly the loss
        losses.append(epoch_loss)
        done = stop is not None and stop(network.predict(X), T)
        if callback is not None:
            callback(epoch, epoch_loss)
        if done:
            return History(losses, epoch, reached_goal=True)
    return History(losses, epochs, reached_goal=False)
# --8<-- [end:train-loop]


# --8<-- [start:batches]
def batches(n, batch_size, rng):
    """The index sets of one epoch: all ``n`` samples at once (``batch_size`` None or at
    least ``n``), or a fresh shuffle by ``rng`` cut into mini-batches of
    ``batch_size``."""
    if batch_size is None or batch_size >= n:
        yield slice(None)
        return
    order = rng.permutation(n)
    for start in range(0, n, batch_size):
        yield order[start : start + batch_size]
# --8<-- [end:batches]


# ---------------------------------------------------------------------------------------------
# The XOR experiment
# ---------------------------------------------------------------------------------------------

#: Loss classes by the names the command line and ``train_xor`` accept.
LOSSES = {"mse": MSELoss, "bce": BCELoss}

#: The book's default recipe for XOR, measured to solve it for every seed 0..99
#: (``python -m nnbook xor --seeds 100``).
XOR_RECIPE: dict[str, object] = {
    "hidden": 4,  # units in the one hidden layer: 2-4-1
    "activation": "sigmoid",  # hidden activation; the output is a sigmoid
    "loss": "bce",
    "lr": 0.5,
    "momentum": 0.9,
    "epochs": 2000,  # budget; training stops as soon as the goal is reached
    "init": "xavier",  # (with activation="relu" and no init given, xor_recipe picks "he")
    "tol": 0.1,  # goal: every output within 0.1 of its target
}


@dataclass
class XORRun:
    """One XOR training run: ``solved`` means every output ended within ``tol`` of its target."""

    seed: int
    solved: bool
    epochs: int
    loss: float  # the loss of the trained network on the four inputs
    predictions: np.ndarray  # the four outputs, shape (4,)
    history: History
    network: Network
    recipe: dict[str, object]


@dataclass
class XORSweep:
    """Many XOR runs with one recipe and seeds ``seeds``."""

    recipe: dict[str, object]
    seeds: list[int]
    results: list[XORRun] = field(repr=False)

    @property
    def runs(self) -> int:
        return len(self.results)

    @property
    def solved(self) -> int:
        return sum(r.solved for r in self.results)

    @property
    def epochs_to_solve(self) -> list[int]:
        """Epochs of the solved runs, in seed order."""
        return [r.epochs for r in self.results if r.solved]

    @property
    def stuck_seeds(self) -> list[int]:
        """Seeds that did not reach the goal within the epoch budget."""
        return [r.seed for r in self.results if not r.solved]

    def epoch_stats(self) -> dict[str, float | None]:
        """Median, quartiles, min and max of ``epochs_to_solve`` (None when nothing was solved)."""
        e = np.array(self.epochs_to_solve, dtype=float)
        if e.size == 0:
            return {"median": None, "q1": None, "q3": None, "min": None, "max": None}
        q1, median, q3 = np.percentile(e, [25, 50, 75])
        return {"median": float(median), "q1": float(q1), "q3": float(q3), "min": float(e.min()), "max": float(e.max())}


def xor_recipe(**overrides: object) -> dict[str, object]:
    """``XOR_RECIPE`` with ``overrides`` applied (None keeps the default), checked.

    A ReLU recipe that names no ``init`` gets He initialization, as ``make_mlp`` would choose.
    """
    unknown = sorted(set(overrides) - set(XOR_RECIPE))
    if unknown:
        raise TypeError(f"unknown recipe option(s) {unknown}; known: {sorted(XOR_RECIPE)}")
    given = {k: v for k, v in overrides.items() if v is not None}
    recipe = {**XOR_RECIPE, **given}
    if recipe["loss"] not in LOSSES:
        raise ValueError(f"loss must be one of {sorted(LOSSES)}, got {recipe['loss']!r}")
    if not (isinstance(recipe["tol"], (int, float)) and 0 < recipe["tol"] < 0.5):
        raise ValueError(f"tol must be a number in (0, 0.5), got {recipe['tol']!r}")
    if recipe["activation"] == "relu" and "init" not in given:
        recipe["init"] = "he"
    return recipe


def train_xor(
    seed: int = 0, *, callback: Callable[[int, float], None] | None = None, **recipe: object
) -> XORRun:
    """Train a 2-``hidden``-1 MLP on XOR with ``XOR_RECIPE`` (options override it) and ``seed``.

    The seed fixes the initial weights, so the same seed and recipe give the same run (on one machine;
    another BLAS kernel may change the last bits of the loss, never the epochs or the solved verdict).

    Examples
    --------
    >>> run = train_xor(seed=0)
    >>> run.solved
    True
    """
    r = xor_recipe(**recipe)
    X, T = truth_table("xor")
    network = make_mlp([2, r["hidden"], 1], activation=r["activation"], output="sigmoid", init=r["init"], rng=seed)
    loss = LOSSES[r["loss"]]()
    optimizer = SGD(r["lr"], momentum=r["momentum"])
    history = train(network, loss, optimizer, X, T, epochs=r["epochs"], stop=outputs_within(r["tol"]), callback=callback)
    Y = network.predict(X)
    final_loss = loss.forward(Y, T)
    return XORRun(int(seed), history.reached_goal, history.epochs, final_loss, Y[:, 0].copy(), history, network, r)


def sweep_xor(
    seeds: int | Iterable[int], *, progress: Callable[[int, XORRun], None] | None = None, **recipe: object
) -> XORSweep:
    """Run ``train_xor`` for each seed (``seeds=100`` means 0..99) and collect the results."""
    seed_list = list(range(seeds)) if isinstance(seeds, (int, np.integer)) else [int(s) for s in seeds]
    if not seed_list:
        raise ValueError(f"sweep_xor: seeds must name at least one seed, got {seeds!r}")
    r = xor_recipe(**recipe)

    def sweep() -> XORSweep:
        results = []
        for seed in seed_list:
            run = train_xor(seed, **r)
            results.append(run)
            if progress is not None:
                progress(seed, run)
        return XORSweep(r, seed_list, results)

    # Computed once per run of the book's own tests, read back by its other processes (nnbook/_runcache.py).
    return _runcache.once(_runcache.key("sweep_xor", r, tuple(seed_list)) if progress is None else None, sweep)


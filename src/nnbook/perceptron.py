"""The perceptron, logic gates built from it, and the perceptron learning rule (chapters 2-4).

A perceptron computes the weighted sum ``w·x + b`` (its *pre-activation*) and outputs 1 if that sum
is positive, otherwise 0. With weights chosen by hand, one perceptron is an AND, OR or NAND gate.
XOR is not: no straight line separates its 1s from its 0s, but two layers of gates compute it.
"""

from dataclasses import dataclass, field

import numpy as np

from nnbook._checks import real_input
from nnbook.activations import step
from nnbook.checks import checked_call, checked_perceptron

__all__ = ["Perceptron", "AND", "OR", "NAND", "XOR", "GATE_PARAMS", "train_perceptron", "PerceptronTraining"]


@checked_perceptron  # w, b and x: finite numbers of matching shapes (nnbook/checks.py, chapter 6)
# --8<-- [start:perceptron]
class Perceptron:
    """A perceptron with weights ``w`` and bias ``b``: output 1 if ``w·x + b > 0``, else
    0.

    >>> p = Perceptron(w=[1.0, 1.0], b=-1.5)
    >>> p.preactivation([1, 1]), p.predict([1, 1])
    (np.float64(0.5), 1)
    """

    def __init__(self, w, b):
        self.w = np.array(w, dtype=float)  # a copy, as floats
        self.b = float(b)

    def preactivation(self, x):
        """The weighted sum ``w·x + b``; ``x`` is one input of shape (n,) or a batch of
        shape (N, n)."""
        return x @ self.w + self.b

    def predict(self, x):
        """The output, 0 or 1 (an int, or an int array for a batch)."""
        return step(self.preactivation(x))

    __call__ = predict
# --8<-- [end:perceptron]


def _check_gate_inputs(_, name, x1, x2):
    """The two inputs of the gate ``name``: real numbers or arrays of one shape (or shapes that broadcast)."""
    x1, x2 = real_input(x1, f"{name}: x1"), real_input(x2, f"{name}: x2")
    try:
        np.broadcast_shapes(x1.shape, x2.shape)
    except ValueError:
        raise ValueError(f"{name}: x1 and x2 must have the same shape, got {x1.shape} and {x2.shape}") from None
    return (name, x1, x2), {}


# --8<-- [start:gate-params]
GATE_PARAMS = {
    #        weights (w1, w2)  bias b
    "AND": ((1.0, 1.0), -1.5),  # fires only when both inputs are 1: 1 + 1 - 1.5 > 0
    "OR": ((1.0, 1.0), -0.5),  # fires when at least one input is 1
    "NAND": ((-1.0, -1.0), 1.5),  # AND with every sign flipped: fires unless both are 1
}
# --8<-- [end:gate-params]


@checked_call(_check_gate_inputs)  # x1 and x2: real numbers or arrays of one shape (nnbook/checks.py)
# --8<-- [start:gates]
def gate(name, x1, x2):
    """The perceptron ``GATE_PARAMS[name]`` applied to the pairs ``(x1, x2)``."""
    w, b = GATE_PARAMS[name]
    x = np.stack(np.broadcast_arrays(x1, x2), axis=-1)  # the pairs (x1, x2)
    return Perceptron(w, b)(x)


def AND(x1, x2):
    """1 if both inputs are 1, else 0."""
    return gate("AND", x1, x2)


def OR(x1, x2):
    """1 if at least one input is 1, else 0."""
    return gate("OR", x1, x2)


def NAND(x1, x2):
    """0 if both inputs are 1, else 1 (NOT AND)."""
    return gate("NAND", x1, x2)
# --8<-- [end:gates]


# --8<-- [start:xor]
def XOR(x1, x2):
    """1 if exactly one input is 1: a two-layer perceptron, AND of (NAND, OR).

    >>> [XOR(a, b) for a, b in [(0, 0), (1, 0), (0, 1), (1, 1)]]
    [0, 1, 1, 0]
    """
    s1 = NAND(x1, x2)  # layer 1: two perceptrons side by side
    s2 = OR(x1, x2)
    return AND(s1, s2)  # layer 2: one perceptron on their outputs
# --8<-- [end:xor]


@dataclass
class PerceptronTraining:
    """Result of :func:`train_perceptron`.

    Attributes
    ----------
    perceptron : the trained perceptron.
    converged : True if an epoch passed with no mistakes.
    epochs : the number of epochs run (the last one is the mistake-free epoch when converged).
    errors : mistakes made in each epoch, one entry per epoch run.
    """

    perceptron: Perceptron
    converged: bool
    epochs: int
    errors: list[int] = field(default_factory=list)


def _check_perceptron_data(name, X, t, *, lr=1.0, max_epochs=20):
    """``X`` (N, n) and targets ``t`` (N,) of 0s and 1s, finite, at least one sample; ``lr > 0``; ``max_epochs >= 1``."""
    X = real_input(X, "train_perceptron: X")
    t = real_input(t, "train_perceptron: t")
    if X.ndim != 2:
        raise ValueError(f"train_perceptron: X must have shape (N, n), got {X.shape}")
    if t.ndim == 2 and t.shape[1] == 1:
        t = t[:, 0]
    if t.shape != (X.shape[0],):
        raise ValueError(f"train_perceptron: t must have shape ({X.shape[0]},) or ({X.shape[0]}, 1), got {t.shape}")
    if not np.isin(t, (0, 1)).all():
        raise ValueError(f"train_perceptron: targets t must be 0 or 1, got {np.unique(t).tolist()}")
    if X.shape[0] == 0:  # no samples: an epoch without mistakes would claim convergence
        raise ValueError(f"train_perceptron: X must hold at least one sample, got shape {X.shape}")
    if isinstance(lr, bool) or not isinstance(lr, (int, float, np.integer, np.floating)) or not 0 < lr < np.inf:
        raise ValueError(f"train_perceptron: lr must be a finite number > 0, got {lr!r}")
    if isinstance(max_epochs, bool) or not isinstance(max_epochs, (int, np.integer)) or max_epochs < 1:
        raise ValueError(f"train_perceptron: max_epochs must be an integer >= 1, got {max_epochs!r}")
    return (X.astype(np.float64), t.astype(np.float64)), {"lr": float(lr), "max_epochs": int(max_epochs)}


@checked_call(_check_perceptron_data)
# --8<-- [start:perceptron-learning-rule]
def train_perceptron(X, t, *, lr=1.0, max_epochs=20):
    """Learn ``w`` and ``b`` from examples with the perceptron learning rule.

    Start from ``w = 0, b = 0``; visit the samples in order; after each mistake move the
    weights towards the right answer: ``w += lr * (t - y) * x`` and ``b += lr * (t -
    y)``. Stop after an epoch without mistakes, or after ``max_epochs`` epochs.
    """
    w, b = np.zeros(X.shape[1]), 0.0
    errors = []  # mistakes in each epoch
    for _ in range(max_epochs):
        mistakes = 0
        for x_i, t_i in zip(X, np.ravel(t)):  # t of shape (N,) or (N, 1)
            y_i = step(x_i @ w + b)
            if y_i != t_i:
                w += lr * (t_i - y_i) * x_i
                b += lr * (t_i - y_i)
                mistakes += 1
        errors.append(mistakes)
        if mistakes == 0:
            break
    converged = errors[-1] == 0
    return PerceptronTraining(Perceptron(w, b), converged, len(errors), errors)
# --8<-- [end:perceptron-learning-rule]

"""Loss functions (chapter 9): how far the network's outputs ``y`` are from the targets ``t``.

Both follow PyTorch's defaults (``torch.nn.MSELoss()``, ``torch.nn.BCELoss()``, mean reduction),
so a reader can check any number here against PyTorch. ``forward(y, t)`` returns the loss as a
Python float and remembers ``y`` and ``t``; ``backward()`` returns ``dL/dy``, an array shaped like ``y``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from nnbook._checks import NonFiniteError, real_input

__all__ = ["MSELoss", "BCELoss", "LOG_CLAMP", "BCE_GRAD_EPS"]

#: ``BCELoss`` clamps each log at this value, as PyTorch does, so a confident wrong answer costs
#: at most 100 per element instead of infinity.
LOG_CLAMP = -100.0
#: ``BCELoss.backward`` divides by ``max(y * (1 - y), BCE_GRAD_EPS)``, as PyTorch does.
BCE_GRAD_EPS = 1e-12


def _pair(loss: str, y: ArrayLike, t: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Check that ``y`` and ``t`` are finite arrays of the same shape (no silent broadcasting)."""
    y = real_input(y, f"{loss}.forward: y")
    t = real_input(t, f"{loss}.forward: t")
    if y.shape != t.shape:
        raise ValueError(f"{loss}.forward: y and t must have the same shape, got y {y.shape} and t {t.shape}")
    if y.size == 0:
        raise ValueError(f"{loss}.forward: y and t are empty (shape {y.shape}); the mean of nothing is undefined")
    return y, t


def _cached(loss: str, y: np.ndarray | None) -> np.ndarray:
    if y is None:
        raise RuntimeError(f"{loss}.backward called before {loss}.forward: no y and t to differentiate")
    return y


# --8<-- [start:mse-loss]
class MSELoss:
    """Mean squared error ``L = mean((y - t)**2)`` over all elements."""

    def __init__(self) -> None:
        self.y: np.ndarray | None = None
        self.t: np.ndarray | None = None

    def forward(self, y: ArrayLike, t: ArrayLike) -> float:
        self.y, self.t = _pair("MSELoss", y, t)
        with np.errstate(over="ignore"):
            loss = float(np.mean((self.y - self.t) ** 2))
        if not np.isfinite(loss):
            raise NonFiniteError(f"MSELoss.forward: the loss overflowed to {loss}; y is far too large")
        return loss

    def backward(self) -> np.ndarray:
        """``dL/dy = 2 * (y - t) / n``, with ``n`` the number of elements."""
        y = _cached("MSELoss", self.y)
        return 2 * (y - self.t) / y.size
# --8<-- [end:mse-loss]


# --8<-- [start:bce-loss]
class BCELoss:
    """Binary cross-entropy ``L = -mean(t * log(y) + (1 - t) * log(1 - y))``.

    ``y`` are probabilities in [0, 1] (e.g. sigmoid outputs), ``t`` targets in [0, 1].
    Each log is clamped at -100, so ``y = 0`` with ``t = 1`` costs 100, not infinity.
    """

    def __init__(self) -> None:
        self.y: np.ndarray | None = None
        self.t: np.ndarray | None = None

    def forward(self, y: ArrayLike, t: ArrayLike) -> float:
        y, t = _pair("BCELoss", y, t)
        _require_unit_interval(y, "y")
        _require_unit_interval(t, "t")
        self.y, self.t = y, t
        with np.errstate(divide="ignore"):  # log(0) = -inf, clamped just below
            log_y = np.maximum(np.log(y), LOG_CLAMP)
            log_1_minus_y = np.maximum(np.log(1 - y), LOG_CLAMP)
        return float(-np.mean(t * log_y + (1 - t) * log_1_minus_y))

    def backward(self) -> np.ndarray:
        """``dL/dy = (y - t) / (y * (1 - y)) / n``; the denominator is kept >= 1e-12."""
        y = _cached("BCELoss", self.y)
        return (y - self.t) / np.maximum(y * (1 - y), BCE_GRAD_EPS) / y.size
# --8<-- [end:bce-loss]


def _require_unit_interval(a: np.ndarray, name: str) -> None:
    if a.min() < 0 or a.max() > 1:
        hint = "; BCELoss expects probabilities, e.g. the output of a Sigmoid" if name == "y" else ""
        raise ValueError(
            f"BCELoss.forward: {name} must lie in [0, 1], got values from {a.min()} to {a.max()}{hint}"
        )

"""Loss functions (chapter 9): how far the network's outputs ``y`` are from the targets ``t``.

All follow PyTorch's defaults (``torch.nn.MSELoss()``, ``torch.nn.BCELoss()``, and for the digits
appendix ``torch.nn.CrossEntropyLoss()``; mean reduction),
so a reader can check any number here against PyTorch. ``forward(y, t)`` returns the loss as a
Python float and remembers ``y`` and ``t``; ``backward()`` returns ``dL/dy``, an array shaped like ``y``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from nnbook._checks import NonFiniteError, real_input
from nnbook._checks import check_pair as _pair
from nnbook.activations import sigmoid

__all__ = ["MSELoss", "BCELoss", "BCEWithLogitsLoss", "LOG_CLAMP", "BCE_GRAD_EPS", "softmax", "SoftmaxCrossEntropyLoss"]

#: ``BCELoss`` clamps each log at this value, as PyTorch does, so a confident wrong answer costs
#: at most 100 per element instead of infinity.
LOG_CLAMP = -100.0
#: ``BCELoss.backward`` divides by ``max(y * (1 - y), BCE_GRAD_EPS)``, as PyTorch does.
BCE_GRAD_EPS = 1e-12


def _cached(loss: str, y: np.ndarray | None) -> np.ndarray:
    if y is None:
        raise RuntimeError(f"{loss}.backward called before {loss}.forward: no y and t to differentiate")
    return y


# --8<-- [start:mse-loss]
class MSELoss:
    """Mean squared error ``L = mean((y - t)**2)`` over all elements.

    >>> MSELoss().forward(np.array([0.5, 1.0]), np.array([0.0, 1.0]))
    0.125
    """

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

    >>> round(BCELoss().forward(np.array([0.8, 0.2]), np.array([1.0, 0.0])), 4)  # -log(0.8)
    0.2231
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
            log_1_minus_y = np.maximum(np.log1p(-y), LOG_CLAMP)  # log(1 - y), exact for tiny y
        return float(-np.mean(t * log_y + (1 - t) * log_1_minus_y)) + 0.0  # + 0.0 turns -0.0 into 0.0

    def backward(self) -> np.ndarray:
        """``dL/dy = (y - t) / (y * (1 - y)) / n``; the denominator is kept >= 1e-12."""
        y = _cached("BCELoss", self.y)
        return (y - self.t) / np.maximum(y * (1 - y), BCE_GRAD_EPS) / y.size
# --8<-- [end:bce-loss]


# --8<-- [start:bce-with-logits-loss]
class BCEWithLogitsLoss:
    """A sigmoid and binary cross-entropy in one loss (PyTorch's ``torch.nn.BCEWithLogitsLoss()``).

    ``a`` are scores (the last Affine layer's output, no Sigmoid after it), ``t`` targets in [0, 1].
    With ``y = sigmoid(a)`` the loss is BCE's ``-mean(t * log(y) + (1 - t) * log(1 - y))``, written as
    ``mean(max(a, 0) - a * t + log(1 + exp(-|a|)))``, which never overflows and needs no clamp.
    Its gradient is exactly ``(sigmoid(a) - t) / n``: it does not fade however wrong the network is.

    >>> round(BCEWithLogitsLoss().forward(np.array([40.0]), np.array([0.0])), 6)
    40.0
    """

    def __init__(self) -> None:
        self.a: np.ndarray | None = None
        self.t: np.ndarray | None = None

    def forward(self, a: ArrayLike, t: ArrayLike) -> float:
        self.a, self.t = _pair("BCEWithLogitsLoss", a, t)
        _require_unit_interval(self.t, "t", "BCEWithLogitsLoss")
        a, t = self.a, self.t
        with np.errstate(over="ignore"):
            loss = float(np.mean(np.maximum(a, 0) - a * t + np.log1p(np.exp(-np.abs(a))))) + 0.0  # never -0.0
        if not np.isfinite(loss):
            raise NonFiniteError(f"BCEWithLogitsLoss.forward: the loss overflowed to {loss}; the scores a are far too large")
        return loss

    def backward(self) -> np.ndarray:
        """``dL/da = (sigmoid(a) - t) / n``."""
        a = _cached("BCEWithLogitsLoss", self.a)
        return (sigmoid(a) - self.t) / a.size
# --8<-- [end:bce-with-logits-loss]


def _require_unit_interval(a: np.ndarray, name: str, loss: str = "BCELoss") -> None:
    if a.min() < 0 or a.max() > 1:
        hint = "; BCELoss expects probabilities, e.g. the output of a Sigmoid" if name == "y" else ""
        raise ValueError(
            f"{loss}.forward: {name} must lie in [0, 1], got values from {a.min()} to {a.max()}{hint}"
        )


# --8<-- [start:softmax]
def softmax(y: ArrayLike) -> np.ndarray:
    """Softmax over the last axis: ``exp(y_k) / sum_j exp(y_j)``, rows of probabilities that sum to 1.

    Subtracting each row's maximum first changes nothing in the result (the common factor
    ``exp(-max)`` cancels) but keeps every ``exp`` at most 1, so nothing overflows.

    Examples
    --------
    >>> softmax(np.array([[0.0, 0.0], [1000.0, 0.0]]))
    array([[0.5, 0.5],
           [1. , 0. ]])
    """
    y = real_input(y, "softmax: y")
    e = np.exp(y - y.max(axis=-1, keepdims=True))
    e /= e.sum(axis=-1, keepdims=True)  # in place: e is our own new array
    return e
# --8<-- [end:softmax]


# --8<-- [start:softmax-cross-entropy-loss]
class SoftmaxCrossEntropyLoss:
    """Softmax followed by cross-entropy, as one loss (PyTorch's ``torch.nn.CrossEntropyLoss()``).

    ``y`` are the scores (logits) of the last Affine layer, shape (N, C): no Sigmoid or softmax
    layer before this loss. ``t`` are the correct classes, either as integer indices of shape (N,)
    (values 0 ... C-1) or as rows of target probabilities (e.g. one-hot) of shape (N, C).
    With ``p = softmax(y)`` the loss is the mean over the batch of ``-sum_k t_k * log(p_k)``,
    that is ``-log`` of the probability given to the correct class.
    """

    def __init__(self) -> None:
        self.p: np.ndarray | None = None  # softmax(y), kept for backward
        self.t: np.ndarray | None = None

    def forward(self, y: ArrayLike, t: ArrayLike) -> float:
        y = real_input(y, "SoftmaxCrossEntropyLoss.forward: y")
        t = _class_targets(y, t)
        n = len(y)
        z = y - y.max(axis=1, keepdims=True)  # shifted scores: the largest is 0, so exp(z) <= 1
        e = np.exp(z)
        s = e.sum(axis=1, keepdims=True)
        # log p = z - log(s): exact even where p itself underflows to 0.
        if t.ndim == 1:  # class indices: only log p of the correct class in every row is needed
            loss = -np.sum(z[np.arange(n), t] - np.log(s[:, 0])) / n
        else:
            loss = -np.sum(t * (z - np.log(s))) / n
        e /= s  # in place: e is our own array, and now holds p = softmax(y)
        self.p, self.t = e, t
        return float(loss)

    def backward(self) -> np.ndarray:
        """``dL/dy = (p - t) / N``: the softmax and the log cancel into this simple difference."""
        p = _cached("SoftmaxCrossEntropyLoss", self.p)
        n = len(p)
        if self.t.ndim == 1:
            d = p.copy()  # p stays as forward left it
            d[np.arange(n), self.t] -= 1  # subtracting the one-hot target, without building it
        else:
            d = p - self.t
        d /= n
        return d
# --8<-- [end:softmax-cross-entropy-loss]


def _class_targets(y: np.ndarray, t: ArrayLike) -> np.ndarray:
    """Check ``t`` against the scores ``y`` (N, C): class indices (N,) or target rows (N, C)."""
    where = "SoftmaxCrossEntropyLoss.forward"
    if y.ndim != 2 or y.shape[0] == 0 or y.shape[1] < 2:
        raise ValueError(f"{where}: y must have shape (N, C) with N >= 1 examples and C >= 2 classes, got {y.shape}")
    n, c = y.shape
    t_array = np.asarray(t)
    if t_array.ndim == 1 and t_array.dtype.kind in "iu":
        if t_array.shape != (n,):
            raise ValueError(f"{where}: t holds class indices of shape {t_array.shape}, expected ({n},) for y {y.shape}")
        if t_array.min() < 0 or t_array.max() >= c:
            raise ValueError(
                f"{where}: class indices in t must lie in 0 ... {c - 1}, got values from {t_array.min()} to {t_array.max()}"
            )
        return t_array
    if t_array.ndim == 1:
        raise TypeError(f"{where}: t of shape ({n},) must hold integer class indices, got dtype {t_array.dtype}")
    t_array = real_input(t_array, f"{where}: t").astype(y.dtype, copy=False)
    if t_array.shape != y.shape:
        raise ValueError(f"{where}: t must have shape ({n},) (class indices) or {y.shape} like y, got {t_array.shape}")
    # target rows are probabilities: the gradient (p - t) / N is right only if each row is >= 0 and sums to 1
    sums = t_array.sum(axis=1)
    if t_array.min() < 0 or not np.allclose(sums, 1.0, rtol=0, atol=1e-6 if y.dtype == np.float64 else 1e-4):
        bad = int(np.argmax(np.abs(sums - 1.0))) if t_array.min() >= 0 else int(np.argmax(t_array.min(axis=1) < 0))
        raise ValueError(
            f"{where}: each row of t must hold probabilities (>= 0, summing to 1), e.g. one-hot; "
            f"row {bad} is {t_array[bad]} (sum {sums[bad]:.6g})"
        )
    return t_array

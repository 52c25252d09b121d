"""Loss functions (chapter 9): how far the network's outputs ``y`` are from the targets ``t``.

All follow PyTorch's defaults (``torch.nn.MSELoss()``, ``torch.nn.BCELoss()``, and for the digits
appendix ``torch.nn.CrossEntropyLoss()``; mean reduction),
so a reader can check any number here against PyTorch. ``forward(y, t)`` returns the loss as a
Python float and remembers ``y`` and ``t``; ``backward()`` returns ``dL/dy``, an array shaped like ``y``.
"""

import numpy as np

from nnbook._checks import check_pair, real_input
from nnbook.activations import sigmoid
from nnbook.checks import checked_function, checked_loss

__all__ = ["MSELoss", "BCELoss", "BCEWithLogitsLoss", "LOG_CLAMP", "BCE_GRAD_EPS", "softmax", "SoftmaxCrossEntropyLoss"]

#: ``BCELoss`` clamps each log at this value, as PyTorch does, so a confident wrong answer costs
#: at most 100 per element instead of infinity (the listing writes the number itself; a test checks both agree).
LOG_CLAMP = -100.0
#: ``BCELoss.backward`` divides by ``max(y * (1 - y), BCE_GRAD_EPS)``, as PyTorch does (likewise).
BCE_GRAD_EPS = 1e-12


@checked_loss  # y and t: finite, one shape, one dtype; the loss a finite float (nnbook/checks.py)
# --8<-- [start:mse-loss]
class MSELoss:
    """Mean squared error ``L = mean((y - t)**2)`` over all elements.

    >>> MSELoss().forward(np.array([0.5, 1.0]), np.array([0.0, 1.0]))
    0.125
    """

    def __init__(self):
        self.y, self.t = None, None

    def forward(self, y, t):
        self.y, self.t = y, t
        return np.mean((y - t) ** 2)

    def backward(self):
        """``dL/dy = 2 * (y - t) / n``, with ``n`` the number of elements."""
        return 2 * (self.y - self.t) / self.y.size
# --8<-- [end:mse-loss]


def _probabilities(loss, y, t):
    """``check_pair``, and both ``y`` and ``t`` in [0, 1] (BCELoss)."""
    y, t = check_pair(loss, y, t)
    _require_unit_interval(y, "y", loss)
    _require_unit_interval(t, "t", loss)
    return y, t


def _scores_and_probabilities(loss, a, t):
    """``check_pair``, and the targets ``t`` in [0, 1] (BCEWithLogitsLoss: the scores ``a`` may be any number)."""
    a, t = check_pair(loss, a, t)
    _require_unit_interval(t, "t", loss)
    return a, t


@checked_loss(prepare=_probabilities)  # also: y and t in [0, 1]
# --8<-- [start:bce-loss]
class BCELoss:
    """Binary cross-entropy ``L = -mean(t * log(y) + (1 - t) * log(1 - y))``.

    ``y`` are probabilities in [0, 1] (e.g. sigmoid outputs), ``t`` targets in [0, 1].
    Each log is clamped at -100, as in PyTorch, so ``y = 0`` with ``t = 1`` costs 100,
    not infinity; ``log1p(-y)`` is ``log(1 - y)``, accurate even for tiny ``y``.

    >>> y, t = np.array([0.8, 0.2]), np.array([1.0, 0.0])
    >>> round(BCELoss().forward(y, t), 4)  # -log(0.8)
    0.2231
    """

    def __init__(self):
        self.y, self.t = None, None

    def forward(self, y, t):
        self.y, self.t = y, t
        log_y = np.maximum(np.log(y), -100.0)
        log_1_minus_y = np.maximum(np.log1p(-y), -100.0)
        return -np.mean(t * log_y + (1 - t) * log_1_minus_y)

    def backward(self):
        """``dL/dy = (y - t) / (y * (1 - y)) / n``; the denominator is kept >= 1e-12."""
        y, t = self.y, self.t
        return (y - t) / np.maximum(y * (1 - y), 1e-12) / y.size
# --8<-- [end:bce-loss]


@checked_loss(prepare=_scores_and_probabilities)  # also: t in [0, 1]
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

    def __init__(self):
        self.a, self.t = None, None

    def forward(self, a, t):
        self.a, self.t = a, t
        return np.mean(np.maximum(a, 0) - a * t + np.log1p(np.exp(-np.abs(a))))

    def backward(self):
        """``dL/da = (sigmoid(a) - t) / n``."""
        return (sigmoid(self.a) - self.t) / self.a.size
# --8<-- [end:bce-with-logits-loss]


def _require_unit_interval(a, name, loss):
    if a.min() < 0 or a.max() > 1:
        hint = "; BCELoss expects probabilities, e.g. the output of a Sigmoid" if name == "y" else ""
        raise ValueError(
            f"{loss}.forward: {name} must lie in [0, 1], got values from {a.min()} to {a.max()}{hint}"
        )


@checked_function(allow_inf=False)
# --8<-- [start:softmax]
def softmax(y):
    """Softmax over the last axis: ``exp(y_k) / sum_j exp(y_j)``, rows of probabilities
    that sum to 1.

    Subtracting each row's maximum first changes nothing in the result (the common
    factor ``exp(-max)`` cancels) but keeps every ``exp`` at most 1, so nothing
    overflows.

    >>> softmax(np.array([[0.0, 0.0], [1000.0, 0.0]]))
    array([[0.5, 0.5],
           [1. , 0. ]])
    """
    e = np.exp(y - y.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
# --8<-- [end:softmax]


def _scores_and_classes(loss, y, t):
    """The scores ``y`` (N, C), finite, and the classes ``t``: indices (N,) or probability rows (N, C)."""
    y = real_input(y, f"{loss}.forward: y")
    return y, _class_targets(y, t)


@checked_loss(prepare=_scores_and_classes)  # also: t holds classes 0 ... C-1, or rows of probabilities
# --8<-- [start:softmax-cross-entropy-loss]
class SoftmaxCrossEntropyLoss:
    """Softmax followed by cross-entropy, as one loss (PyTorch's
    ``torch.nn.CrossEntropyLoss()``).

    ``y`` are the scores (logits) of the last Affine layer, shape (N, C): no Sigmoid or
    softmax layer before this loss. ``t`` are the correct classes, either as integer
    indices of shape (N,) (values 0 ... C-1) or as rows of target probabilities (e.g.
    one-hot) of shape (N, C). With ``p = softmax(y)`` the loss is the mean over the
    batch of ``-sum_k t_k * log(p_k)``, that is ``-log`` of the probability given to the
    correct class.
    """

    def __init__(self):
        self.p, self.t = None, None

    def forward(self, y, t):
        if t.ndim == 1:  # class indices -> one-hot rows (rows of the identity matrix)
            t = np.eye(y.shape[1], dtype=y.dtype)[t]
        z = y - y.max(axis=1, keepdims=True)  # the largest score is 0, so exp(z) <= 1
        e = np.exp(z)
        s = e.sum(axis=1, keepdims=True)
        self.p, self.t = e / s, t
        return -np.sum(t * (z - np.log(s))) / len(y)  # log p = z - log(s): no underflow

    def backward(self):
        """``dL/dy = (p - t) / N``: the softmax and the log cancel into this simple
        difference."""
        return (self.p - self.t) / len(self.p)
# --8<-- [end:softmax-cross-entropy-loss]


def _class_targets(y, t):
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

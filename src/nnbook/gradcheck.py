"""Gradient checking: compare backpropagation with a numerical derivative (chapter 10).

Backpropagation is fast but easy to get wrong; the central difference
``(f(x + eps) - f(x - eps)) / (2 * eps)`` is slow but hard to get wrong. If the two agree to many
digits, the analytic gradients are right.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from nnbook._checks import real_input
from nnbook.checks import checked_call
from nnbook.losses import BCELoss, BCEWithLogitsLoss, MSELoss, SoftmaxCrossEntropyLoss
from nnbook.network import Network

__all__ = ["numerical_gradient", "check_gradients", "GradientReport", "relative_error"]


def _check_numerical_args(name, f, x, eps=1e-5):
    if not callable(f):
        raise TypeError(f"{name}: f must be a function of x, got {type(f).__name__}")
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        kind = f"an array of dtype {x.dtype}" if isinstance(x, np.ndarray) else type(x).__name__
        raise TypeError(
            f"{name}: x must be a float64 NumPy array (changed in place; float32 is too coarse "
            f"for a central difference), got {kind}"
        )
    if not (isinstance(eps, (int, float)) and eps > 0):
        raise ValueError(f"{name}: eps must be a number > 0, got {eps!r}")
    return (f, x), {"eps": eps}


@checked_call(_check_numerical_args)  # x a float64 array, eps > 0 (nnbook/checks.py)
# --8<-- [start:numerical-gradient]
def numerical_gradient(f, x, eps=1e-5):
    """Central-difference gradient of the scalar function ``f`` at ``x``.

    Each element of ``x`` in turn is nudged by ``+eps`` and ``-eps`` *in place* (so
    ``f`` may read ``x`` through a network that holds it) and then restored exactly.
    ``eps = 1e-5`` balances the two errors of the estimate: truncation (grows like
    ``eps**2``) and rounding (like ``1e-16 / eps``).

    >>> numerical_gradient(lambda x: float(np.sum(x**2)), np.array([1.0, -2.0]))  # 2x
    array([ 2., -4.])
    """
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        original = x[i]
        x[i] = original + eps
        f_plus = f(x)
        x[i] = original - eps
        f_minus = f(x)
        x[i] = original  # restore
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad
# --8<-- [end:numerical-gradient]


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """``||a - n|| / (||a|| + ||n||)`` (Euclidean norms); 0 when both are exactly zero."""
    analytic, numeric = _same_shape_pair(analytic, numeric)
    denominator = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    if denominator == 0:
        return 0.0
    return float(np.linalg.norm(analytic - numeric) / denominator)


def _same_shape_pair(analytic: ArrayLike, numeric: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Both gradients as real arrays of one shape (broadcasting (3,) against (3, 1) would compare wrong pairs)."""
    a = real_input(analytic, "relative_error: analytic")
    n = real_input(numeric, "relative_error: numeric")
    if a.shape != n.shape:
        raise ValueError(
            f"relative_error: expected analytic and numeric of the same shape, got {a.shape} and {n.shape}"
        )
    return a, n


@dataclass
class GradientReport:
    """Result of ``check_gradients``: the relative error of each gradient (parameters and input ``"x"``)."""

    errors: dict[str, float]

    @property
    def max_rel_error(self) -> float:
        """The worst relative error over all gradients."""
        return max(self.errors.values())

    @property
    def worst(self) -> str:
        """The name of the gradient with the worst relative error."""
        return max(self.errors, key=self.errors.__getitem__)


# --8<-- [start:check-gradients]
def check_gradients(
    network: Network,
    loss: MSELoss | BCELoss | BCEWithLogitsLoss | SoftmaxCrossEntropyLoss,
    X: ArrayLike,
    T: ArrayLike,
    eps: float = 1e-5,
) -> GradientReport:
    """Compare the network's backpropagated gradients with numerical ones.

    Returns the relative error ``||a - n|| / (||a|| + ||n||)`` of every parameter's gradient and
    of the input gradient ``"x"``. In float64, correct code typically gives 1e-10 to 1e-8; a bug, 1e-2 or more.
    """
    X = real_input(X, "check_gradients: X").astype(np.float64)  # a float64 copy we may nudge
    T_array = np.asarray(T)  # integer class indices (N,) stay integers, as in train()
    T = T_array if T_array.ndim == 1 and T_array.dtype.kind in "iu" else real_input(T_array, "check_gradients: T")
    _check_float64(network)

    def loss_at(_: np.ndarray) -> float:  # numerical_gradient nudges X or a weight array in place;
        return loss.forward(network.forward(X), T)  # the network reads them, so f needs no argument

    loss_at(X)  # analytic gradients: forward, then backward
    analytic = {"x": network.backward(loss.backward())}
    analytic |= {name: grad.copy() for name, _, grad in network.parameters()}

    numeric = {"x": numerical_gradient(loss_at, X, eps)}
    numeric |= {name: numerical_gradient(loss_at, value, eps) for name, value, _ in network.parameters()}
    return GradientReport({name: relative_error(analytic[name], numeric[name]) for name in analytic})
# --8<-- [end:check-gradients]


def _check_float64(network: Network) -> None:
    for name, value, _ in network.parameters():
        if value.dtype != np.float64:
            raise TypeError(
                f"check_gradients: parameter {name!r} is {value.dtype}; gradient checks need float64 "
                "(make_mlp(..., dtype=np.float64))"
            )

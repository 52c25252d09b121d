"""Stochastic gradient descent, with optional momentum (chapter 10).

``SGD(lr, momentum).step(network.parameters())`` moves every parameter a little against its
gradient, in place.
"""

from __future__ import annotations

from collections.abc import Iterable
from numbers import Real

import numpy as np

from nnbook._checks import NonFiniteError, describe_non_finite

__all__ = ["SGD"]


# --8<-- [start:sgd]
class SGD:
    """Gradient descent: ``v = momentum * v + grad``, then ``param -= lr * v``.

    With ``momentum=0`` this is plain ``param -= lr * grad``. With momentum, ``v`` remembers
    past gradients so steps build up along a consistent direction (PyTorch's ``torch.optim.SGD``
    form; Rumelhart, Hinton & Williams (1986) wrote the same update as
    ``Δw(t) = -lr * grad + momentum * Δw(t-1)``).

    >>> w = np.array([1.0])
    >>> SGD(lr=0.1).step([("w", w, np.array([2.0]))])
    >>> w
    array([0.8])
    """

    def __init__(self, lr: float, momentum: float = 0.0) -> None:
        self.lr, self.momentum = _check_hyperparameters(lr, momentum)
        self.velocity: dict[str, np.ndarray] = {}  # one v per parameter name

    def step(self, parameters: Iterable[tuple[str, np.ndarray, np.ndarray | None]]) -> None:
        """Update each ``(name, value, grad)`` in place (use with one network)."""
        with np.errstate(over="raise"):  # a step (or a velocity) that overflows is an error, not a warning
            for name, value, grad in parameters:
                _check_grad(name, value, grad, self.velocity)
                if self.momentum:
                    if name not in self.velocity:  # the first step starts from v = 0
                        self.velocity[name] = np.zeros_like(value)
                    v = self.velocity[name]
                    v *= self.momentum
                    v += grad
                    grad = v
                value -= self.lr * grad
# --8<-- [end:sgd]


def _check_hyperparameters(lr: float, momentum: float) -> tuple[float, float]:
    if not (isinstance(lr, Real) and not isinstance(lr, bool) and 0 < lr < np.inf):
        raise ValueError(f"SGD: lr must be a finite number > 0, got {lr!r}")
    if not (isinstance(momentum, Real) and not isinstance(momentum, bool) and 0 <= momentum < 1):
        raise ValueError(f"SGD: momentum must be in [0, 1), got {momentum!r}")
    return float(lr), float(momentum)


def _check_grad(name: str, value: np.ndarray, grad: np.ndarray | None, velocity: dict[str, np.ndarray]) -> None:
    if name in velocity and velocity[name].shape != value.shape:
        raise ValueError(
            f"SGD.step: parameter {name!r} has shape {value.shape} but this optimizer has seen it with shape "
            f"{velocity[name].shape}; use one SGD per network"
        )
    if grad is None:
        raise RuntimeError(f"SGD.step: parameter {name!r} has no gradient yet; call network.backward(...) first")
    if grad.shape != value.shape:
        raise ValueError(f"SGD.step: gradient of {name!r} has shape {grad.shape}, expected {value.shape}")
    if not np.isfinite(grad).all():
        raise NonFiniteError(f"SGD.step: gradient of {name!r} contains {describe_non_finite(grad)}")

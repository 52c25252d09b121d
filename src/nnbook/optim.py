"""Stochastic gradient descent, with optional momentum (chapter 10).

``SGD(lr, momentum).step(network.parameters())`` moves every parameter a little against its
gradient, in place. The checks (lr and momentum in range; each gradient present, finite and shaped
like its parameter; one network per optimizer; a step that overflows changes nothing) are added by
``nnbook.checks.checked_optimizer``.
"""

from __future__ import annotations

import numpy as np

from nnbook.checks import checked_optimizer

__all__ = ["SGD"]


@checked_optimizer  # the checks of lr, momentum and every step (nnbook/checks.py, chapter 6)
# --8<-- [start:sgd]
class SGD:
    """Gradient descent: ``v = momentum * v + grad``, then ``param -= lr * v``.

    With ``momentum=0`` this is plain ``param -= lr * grad``. With momentum, ``v``
    remembers past gradients so steps build up along a consistent direction (PyTorch's
    ``torch.optim.SGD`` form; Rumelhart, Hinton & Williams (1986) wrote the same update
    as ``Δw(t) = -lr * grad + momentum * Δw(t-1)``).

    >>> w = np.array([1.0])
    >>> SGD(lr=0.1).step([("w", w, np.array([2.0]))])
    >>> w
    array([0.8])
    """

    def __init__(self, lr, momentum=0.0):
        self.lr, self.momentum = lr, momentum
        self.velocity = {}  # one v per parameter name; v = 0 before the first step

    def step(self, parameters):
        """Update each ``(name, value, grad)`` of one network in place."""
        for name, value, grad in parameters:
            v = self.momentum * self.velocity.get(name, 0.0) + grad
            self.velocity[name] = v
            value -= self.lr * v
# --8<-- [end:sgd]

"""Activation functions and their layers (chapters 5 and 7).

The functions ``step``, ``sigmoid``, ``relu`` and ``tanh`` work on numbers and arrays. The layers
``Sigmoid``, ``ReLU`` and ``Tanh`` wrap them with the ``forward(x)`` / ``backward(dout)`` interface of
every layer in the book: ``forward`` remembers what ``backward`` needs, ``backward`` returns the
gradient with respect to the input and never modifies ``dout``.

The code is the plain NumPy the book shows. The decorators above each definition (from
``nnbook.checks``, explained in chapter 6) add the checks: the input becomes a float array and NaN is
refused, a 0-d result comes back as a number, NumPy's overflow warnings are silenced where the result
is still right, and ``backward`` before ``forward`` or a ``dout`` of the wrong shape is refused.
Float32 input gives float32 output, float64 gives float64, ints and bools are treated as float64.
"""

import numpy as np

from nnbook.checks import checked_function, checked_layer

__all__ = ["step", "sigmoid", "relu", "tanh", "Sigmoid", "ReLU", "Tanh"]


@checked_function(integer=True)  # numbers in, an int or an int array out (nnbook/checks.py)
# --8<-- [start:step]
def step(x):
    """Step function: 1 where ``x > 0``, otherwise 0.

    >>> step(0.5), step(-2)
    (1, 0)
    >>> step(np.array([-1.0, 0.0, 2.0]))
    array([0, 0, 1])
    """
    return np.array(x > 0, dtype=int)
# --8<-- [end:step]


@checked_function
# --8<-- [start:sigmoid]
def sigmoid(x):
    """Logistic sigmoid ``1 / (1 + exp(-x))``, without overflow for any input.

    ``exp(-x)`` overflows for ``x < -709``. With ``z = exp(-|x|)``, which lies in
    (0, 1], the sigmoid is ``1 / (1 + z)`` for ``x >= 0`` and the equal ``z / (1 + z)``
    for ``x < 0``.

    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    """
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1, z) / (1 + z)  # numerator 1 or z, denominator 1 + z
# --8<-- [end:sigmoid]


@checked_function
# --8<-- [start:relu]
def relu(x):
    """Rectified linear unit: ``x`` where ``x > 0``, otherwise 0.

    >>> relu(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 3.])
    """
    return np.maximum(x, 0)
# --8<-- [end:relu]


@checked_function
# --8<-- [start:tanh]
def tanh(x):
    """Hyperbolic tangent, a sigmoid-shaped curve from -1 to 1: ``tanh(x) = 2 * sigmoid(2x) - 1``."""
    return np.tanh(x)
# --8<-- [end:tanh]


@checked_layer(keeps_finite=True)  # finite input, finite output: no overflow check needed
# --8<-- [start:sigmoid-layer]
class Sigmoid:
    """Sigmoid layer. Its derivative is ``y * (1 - y)``: forward keeps ``y``."""

    def __init__(self):
        self.out = None

    def forward(self, x):
        self.out = sigmoid(x)
        return self.out

    def backward(self, dout):
        return dout * self.out * (1 - self.out)
# --8<-- [end:sigmoid-layer]


@checked_layer(keeps_finite=True)
# --8<-- [start:relu-layer]
class ReLU:
    """ReLU layer: the gradient passes where the input was positive, 0 elsewhere."""

    def __init__(self):
        self.mask = None

    def forward(self, x):
        self.mask = x > 0
        return np.maximum(x, 0)

    def backward(self, dout):
        return dout * self.mask  # True counts as 1, False as 0
# --8<-- [end:relu-layer]


@checked_layer(keeps_finite=True)
# --8<-- [start:tanh-layer]
class Tanh:
    """Tanh layer. Its derivative is ``1 - y**2``, so forward keeps the output ``y``."""

    def __init__(self):
        self.out = None

    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout):
        return dout * (1 - self.out**2)
# --8<-- [end:tanh-layer]

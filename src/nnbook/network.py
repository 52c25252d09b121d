"""A network is a list of layers (chapters 8 and 10).

``forward`` sends the input through the layers in order; ``backward`` sends the gradient of the loss
back through them in reverse order, each layer storing the gradients of its own parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
from numpy.typing import ArrayLike

from nnbook.activations import ReLU, Sigmoid, Tanh
from nnbook.checks import PARAMETER_NAMES, checked_network
from nnbook.layers import Affine

__all__ = ["Layer", "Network", "make_mlp", "ACTIVATIONS"]


class Layer(Protocol):
    """What a network needs from a layer (Affine, Sigmoid, ReLU, Tanh or your own)."""

    def forward(self, x: ArrayLike) -> np.ndarray: ...

    def backward(self, dout: ArrayLike) -> np.ndarray: ...


@checked_network  # checks the layers once, the input at the door (nnbook/checks.py, chapter 6)
class Network:
    """A chain of layers: ``Network([Affine(...), Sigmoid(), Affine(...), Sigmoid()])``.

    Parameters are named ``"<index>.<name>"`` after the layer's index in ``layers``
    (``"0.W"``, ``"0.b"``, ``"2.W"``, ...), like PyTorch's ``nn.Sequential``.
    """

    def __init__(self, layers):
        self.layers = layers

    # --8<-- [start:network-forward]
    def forward(self, x):
        """Send ``x`` through every layer in order and return the last layer's output."""
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def predict(self, x):
        """The network's output for ``x`` (the same as ``forward``; reads better after
        training)."""
        return self.forward(x)
    # --8<-- [end:network-forward]

    # --8<-- [start:network-backward]
    def backward(self, dout):
        """Send ``dout = dL/dy`` back through the layers, last first; return ``dL/dx``."""
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout
    # --8<-- [end:network-backward]

    def parameters(self):
        """Every parameter as ``(name, value, gradient)``; the gradient is None before ``backward``.

        A layer with a ``parameters()`` method (Affine) lists its own; for a layer of your own, its
        attributes ``W`` and ``b`` are the parameters, with the gradients ``dW`` and ``db``.
        """
        params = []
        for i, layer in enumerate(self.layers):
            if hasattr(layer, "parameters"):
                params += [(f"{i}.{name}", value, grad) for name, value, grad in layer.parameters()]
            else:
                params += [(f"{i}.{p}", getattr(layer, p), getattr(layer, "d" + p))
                           for p in PARAMETER_NAMES if hasattr(layer, p)]
        return params

    def __repr__(self):
        inner = ", ".join(repr(layer) if isinstance(layer, Affine) else f"{type(layer).__name__}()" for layer in self.layers)
        return f"Network([{inner}])"


#: Names accepted by ``make_mlp`` for the hidden and output activations.
ACTIVATIONS: dict[str, Any] = {"sigmoid": Sigmoid, "relu": ReLU, "tanh": Tanh, "identity": None}


# --8<-- [start:make-mlp]
def make_mlp(
    sizes: Sequence[int],
    *,
    activation: str = "sigmoid",
    output: str = "sigmoid",
    init: str | None = None,
    rng: int | np.random.Generator | None = 0,
    dtype: type = np.float64,
) -> Network:
    """A multi-layer perceptron: Affine layers of the given sizes with activations in between.

    ``make_mlp([2, 3, 1])`` is ``Affine(2->3), Sigmoid, Affine(3->1), Sigmoid``. ``init=None``
    picks He initialization for ReLU and Xavier otherwise; ``rng`` (a seed or a Generator)
    makes the initial weights reproducible.

    >>> make_mlp([2, 3, 1])
    Network([Affine(2 -> 3, dtype=float64), Sigmoid(), Affine(3 -> 1, dtype=float64), Sigmoid()])
    """
    sizes = _check_mlp_args(sizes, activation, output, init)
    init = init or ("he" if activation == "relu" else "xavier")
    rng = np.random.default_rng(rng)  # one generator for all layers, drawn in order
    layers: list[Layer] = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(Affine.create(n_in, n_out, init=init, rng=rng, dtype=dtype))
        last = i == len(sizes) - 2
        act = ACTIVATIONS[output if last else activation]
        if act is not None:
            layers.append(act())
    return Network(layers)
# --8<-- [end:make-mlp]


def _check_mlp_args(sizes: Sequence[int], activation: str, output: str, init: str | None) -> list[int]:
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(f"make_mlp: sizes needs at least 2 entries (inputs, outputs), got {sizes}")
    for n in sizes:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"make_mlp: every size must be a positive integer, got {sizes}")
    for name, value in (("activation", activation), ("output", output)):
        if value not in ACTIVATIONS:
            raise ValueError(f"make_mlp: {name} must be one of {sorted(ACTIVATIONS)}, got {value!r}")
    if init not in (None, "xavier", "he"):
        raise ValueError(f"make_mlp: init must be None, 'xavier' or 'he', got {init!r}")
    return [int(n) for n in sizes]

"""The Affine (fully-connected) layer (chapters 6, 8 and 10).

``Affine(W, b)`` computes ``x @ W + b`` for a batch ``x`` of shape (N, n_in), with ``W`` of shape
(n_in, n_out) and ``b`` of shape (n_out,). Its ``backward(dout)`` returns ``dL/dx`` and stores
``dW = dL/dW`` and ``db = dL/db``, ready for an optimizer.

The class is the plain NumPy the book shows; ``checked_layer`` (``nnbook.checks``, chapter 6) adds
the checks: ``W`` and ``b`` become float arrays of matching shapes (the layer keeps its own copies),
``x`` must be finite and ``n_in`` wide (a single input of shape (n_in,) is treated as a batch of one),
a result that overflows raises an error, and ``backward`` needs a ``dout`` shaped like the output.
"""

import numpy as np

from nnbook.checks import checked_layer

__all__ = ["Affine", "INITS"]

#: Standard deviation of the initial weights for each named scheme, as a function of the layer sizes.
INITS = {
    "xavier": lambda n_in, n_out: np.sqrt(2.0 / (n_in + n_out)),  # Glorot & Bengio (2010): derived for tanh-like units
    "he": lambda n_in, n_out: np.sqrt(2.0 / n_in),  # He et al. (2015), for ReLU
}


def _weight_gradients(layer, dout):
    """``dW`` and ``db`` without ``dL/dx``: in ``train``, the first layer's input is the data, whose
    gradient nobody uses, and that product costs as much as ``dW``'s (appendix A2)."""
    layer.dW = layer.x.T @ dout
    layer.db = dout.sum(axis=0)


@checked_layer(params_only=_weight_gradients)  # the checks (nnbook/checks.py, chapter 6)
# --8<-- [start:affine-forward]
class Affine:
    """Fully-connected layer ``y = x @ W + b``.

    >>> layer = Affine(W=[[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]], b=[0.0, 0.5, 1.0])
    >>> layer.forward(np.array([[1.0, 1.0]]))
    array([[3. , 1.5, 0. ]])
    """

    def __init__(self, W, b):
        self.W, self.b = W, b
        self.x = None  # the input, kept by forward for backward
        self.dW, self.db = None, None  # the gradients, stored by backward

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b
    # --8<-- [end:affine-forward]

    # --8<-- [start:affine-backward]
    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=0)
        return dout @ self.W.T
    # --8<-- [end:affine-backward]

    @classmethod
    def create(cls, n_in, n_out, *, init="xavier", rng=0, dtype=np.float64):
        """A layer with random weights and zero biases.

        The weights are drawn from a normal distribution with mean 0 and standard deviation
        ``sqrt(2 / (n_in + n_out))`` for ``init="xavier"`` (Glorot & Bengio derived it for units that
        are linear around 0, like tanh; the book also uses it for sigmoid) or
        ``sqrt(2 / n_in)`` for ``init="he"`` (suits ReLU). ``rng`` is a seed or a
        ``numpy.random.Generator``: the same seed gives the same weights. ``dtype`` is
        ``np.float64`` (the default) or ``np.float32``.
        """
        _check_size(n_in, "n_in")
        _check_size(n_out, "n_out")
        if init not in INITS:
            raise ValueError(f"Affine.create: init must be one of {sorted(INITS)}, got {init!r}")
        if dtype not in (np.float32, np.float64):
            raise TypeError(f"Affine.create: dtype must be np.float32 or np.float64, got {dtype!r}")
        rng = np.random.default_rng(rng)
        std = INITS[init](n_in, n_out)
        W = rng.normal(0.0, std, size=(n_in, n_out)).astype(dtype)
        b = np.zeros(n_out, dtype=dtype)
        return cls(W, b)

    def parameters(self):
        """``[("W", W, dW), ("b", b, db)]``: each parameter with its gradient (None before backward)."""
        return [("W", self.W, self.dW), ("b", self.b, self.db)]

    def __repr__(self):
        n_in, n_out = self.W.shape
        return f"Affine({n_in} -> {n_out}, dtype={self.W.dtype})"


def _check_size(n, name):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"Affine.create: {name} must be a positive integer, got {n!r}")

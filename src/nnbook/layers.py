"""The Affine (fully-connected) layer (chapters 6, 8 and 10).

``Affine(W, b)`` computes ``x @ W + b`` for a batch ``x`` of shape (N, n_in), with ``W`` of shape
(n_in, n_out) and ``b`` of shape (n_out,). Its ``backward(dout)`` returns ``dL/dx`` and stores
``dW = dL/dW`` and ``db = dL/db``, ready for an optimizer.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from nnbook._checks import check_backward, real_input
from nnbook._checks import require_finite_result as _require_finite_result

__all__ = ["Affine", "INITS"]

#: Standard deviation of the initial weights for each named scheme, as a function of the layer sizes.
INITS = {
    "xavier": lambda n_in, n_out: np.sqrt(2.0 / (n_in + n_out)),  # Glorot & Bengio (2010): derived for tanh-like units
    "he": lambda n_in, n_out: np.sqrt(2.0 / n_in),  # He et al. (2015), for ReLU
}


class Affine:
    """Fully-connected layer ``y = x @ W + b``.

    Parameters
    ----------
    W : array of shape (n_in, n_out)
    b : array of shape (n_out,)

    The layer keeps its own copies of ``W`` and ``b`` (an optimizer updates them in place).

    Examples
    --------
    >>> layer = Affine(W=[[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]], b=[0.0, 0.5, 1.0])
    >>> layer.forward([[1.0, 1.0]])
    array([[3. , 1.5, 0. ]])
    """

    def __init__(self, W: ArrayLike, b: ArrayLike) -> None:
        W = real_input(W, "Affine: W")
        b = real_input(b, "Affine: b")
        if W.ndim != 2:
            raise ValueError(f"Affine: W must have shape (n_in, n_out), got shape {W.shape}")
        if b.shape != (W.shape[1],):
            raise ValueError(f"Affine: b must have shape ({W.shape[1]},) to match W {W.shape}, got {b.shape}")
        dtype = np.result_type(W, b)
        self.W = np.array(W, dtype=dtype)  # copies
        self.b = np.array(b, dtype=dtype)
        self.x: np.ndarray | None = None  # input kept by forward for backward
        self.out_shape: tuple[int, ...] | None = None
        self.dW: np.ndarray | None = None  # gradients stored by backward
        self.db: np.ndarray | None = None

    # --8<-- [start:affine-init]
    @classmethod
    def create(
        cls,
        n_in: int,
        n_out: int,
        *,
        init: str = "xavier",
        rng: int | np.random.Generator | None = 0,
        dtype: type = np.float64,
    ) -> Affine:
        """A layer with random weights and zero biases.

        The weights are drawn from a normal distribution with mean 0 and standard deviation
        ``sqrt(2 / (n_in + n_out))`` for ``init="xavier"`` (Glorot & Bengio derived it for units that
        are linear around 0, like tanh; the book also uses it for sigmoid) or
        ``sqrt(2 / n_in)`` for ``init="he"`` (suits ReLU). ``rng`` is a seed or a
        ``numpy.random.Generator``: the same seed gives the same weights.
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
    # --8<-- [end:affine-init]

    # --8<-- [start:affine-forward]
    def forward(self, x: ArrayLike) -> np.ndarray:
        """``x @ W + b`` for ``x`` of shape (N, n_in), or (n_in,) for a single input."""
        x = real_input(x, "Affine.forward: x")
        n_in = self.W.shape[0]
        if x.ndim not in (1, 2) or x.shape[-1] != n_in:
            raise ValueError(
                f"Affine.forward: x must have shape (N, {n_in}) or ({n_in},) for W of shape "
                f"{self.W.shape}, got {x.shape}"
            )
        with np.errstate(over="ignore", invalid="ignore"):
            out = x @ self.W + self.b
        self.x, self.out_shape = x, out.shape
        return _require_finite_result(out, "Affine.forward")
    # --8<-- [end:affine-forward]

    # --8<-- [start:affine-backward]
    def backward(self, dout: ArrayLike, *, input_grad: bool = True) -> np.ndarray | None:
        """Return ``dL/dx = dout @ W.T``; store ``dW = x.T @ dout`` and ``db = dout`` summed over the batch.

        With ``input_grad=False`` it stores ``dW`` and ``db`` only and returns None (see ``Network.backward``).
        """
        dout = check_backward("Affine", self.x, dout, self.out_shape)
        x, d = np.atleast_2d(self.x), np.atleast_2d(dout)  # a single input as a batch of one
        with np.errstate(over="ignore", invalid="ignore"):
            self.dW = x.T @ d
            self.db = d.sum(axis=0)
            # Performance: dx costs a matrix product as large as dW's. For the first layer of a
            # network the input is the data, whose gradient nobody uses, so training skips it.
            dx = dout @ self.W.T if input_grad else None
        _require_finite_result(self.dW, "Affine.backward (dW)")
        return _require_finite_result(dx, "Affine.backward (dx)") if input_grad else None
    # --8<-- [end:affine-backward]

    def parameters(self) -> list[tuple[str, np.ndarray, np.ndarray | None]]:
        """``[("W", W, dW), ("b", b, db)]``: each parameter with its gradient (None before backward)."""
        return [("W", self.W, self.dW), ("b", self.b, self.db)]

    def __repr__(self) -> str:
        n_in, n_out = self.W.shape
        return f"Affine({n_in} -> {n_out}, dtype={self.W.dtype})"



def _check_size(n: object, name: str) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"Affine.create: {name} must be a positive integer, got {n!r}")


"""Input checks shared by the package (private: the book does not show this module).

Every public function and layer turns its input into a float array with :func:`as_float_array`
and, where a NaN or an infinity would poison the result, rejects it with :func:`require_finite`.
The messages name the function or layer and say what was expected and what was received.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class NonFiniteError(ValueError):
    """A value that must be finite is NaN or infinite (bad input, or numbers that overflowed)."""


def as_float_array(x: Any, where: str) -> np.ndarray:
    """Return ``x`` as a float array: float32 and float64 are kept, ints and bools become float64.

    ``where`` names the argument in error messages, e.g. ``"Affine.forward: x"``.
    """
    if type(x) is np.ndarray and (x.dtype == np.float64 or x.dtype == np.float32):
        return x  # the common case, without np.asarray's cost
    try:
        a = np.asarray(x)
    except ValueError:  # rows of different lengths, e.g. [[1.0, 2.0], [3.0]]
        raise ValueError(f"{where}: expected an array of real numbers whose rows have equal lengths, got {x!r:.60}") from None
    if a.dtype == np.float64 or a.dtype == np.float32:
        return a
    if a.dtype.kind in "biuf":  # bool, int, unsigned int, other float widths
        return a.astype(np.float64)
    raise TypeError(f"{where}: expected real numbers (float, int or bool), got dtype {a.dtype}")


def describe_non_finite(a: np.ndarray) -> str:
    """A short phrase such as ``"2 NaN and 1 inf values"`` for the bad entries of ``a``."""
    n_nan = int(np.isnan(a).sum())
    n_inf = int(np.isinf(a).sum())
    parts = []
    if n_nan:
        parts.append(f"{n_nan} NaN")
    if n_inf:
        parts.append(f"{n_inf} inf")
    return " and ".join(parts) + (" value" if n_nan + n_inf == 1 else " values")


def require_finite(a: np.ndarray, where: str, *, allow_inf: bool = False) -> np.ndarray:
    """Raise :class:`NonFiniteError` if ``a`` holds NaN (or, unless ``allow_inf``, infinities)."""
    ok = ~np.isnan(a) if allow_inf else np.isfinite(a)
    if not ok.all():
        bad = a if not allow_inf else a[np.isnan(a)]
        raise NonFiniteError(f"{where} contains {describe_non_finite(bad)}; expected finite numbers")
    return a


def real_input(x: Any, where: str, *, allow_inf: bool = False) -> np.ndarray:
    """:func:`as_float_array` followed by :func:`require_finite`."""
    return require_finite(as_float_array(x, where), where, allow_inf=allow_inf)


def require_finite_result(out: np.ndarray, where: str) -> np.ndarray:
    """Raise :class:`NonFiniteError` if a computed result overflowed to inf or NaN."""
    if not np.isfinite(out).all():
        raise NonFiniteError(
            f"{where}: the result contains {describe_non_finite(out)} (the numbers overflowed; "
            "the weights may have grown too large)"
        )
    return out


def check_pair(loss: str, y: Any, t: Any) -> tuple[np.ndarray, np.ndarray]:
    """A loss's ``y`` and ``t``: finite arrays of the same shape (no silent broadcasting), not empty,
    ``t`` in ``y``'s dtype (one dtype, as PyTorch requires: float32 outputs get a float32 gradient)."""
    y = real_input(y, f"{loss}.forward: y")
    t = real_input(t, f"{loss}.forward: t")
    if y.shape != t.shape:
        raise ValueError(f"{loss}.forward: y and t must have the same shape, got y {y.shape} and t {t.shape}")
    if y.size == 0:
        raise ValueError(f"{loss}.forward: y and t are empty (shape {y.shape}); the mean of nothing is undefined")
    return y, t.astype(y.dtype, copy=False)


def as_result(out: np.ndarray) -> Any:
    """Give a 0-d result back as a NumPy scalar (``out[()]``) and arrays unchanged."""
    return out[()] if out.ndim == 0 else out


def check_backward(
    layer: str, cached: Any, dout: Any, expected_shape: tuple[int, ...] | None = None
) -> np.ndarray:
    """Common checks of ``backward(dout)``: forward ran first, ``dout`` is finite and has the right shape.

    ``expected_shape`` defaults to the shape of ``cached`` (the array forward kept).
    """
    if cached is None:
        raise RuntimeError(f"{layer}.backward called before {layer}.forward: nothing cached to differentiate")
    if expected_shape is None:
        expected_shape = cached.shape
    d = real_input(dout, f"{layer}.backward: dout")
    if d.shape != expected_shape:
        raise ValueError(
            f"{layer}.backward: dout has shape {d.shape}, expected {expected_shape} (the shape forward returned)"
        )
    return d

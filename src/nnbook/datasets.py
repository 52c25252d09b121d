"""Truth tables of the logic gates, as training data (chapters 3, 4 and 11).

``truth_table(name)`` returns ``(X, T)``: the four input pairs ``X`` of shape (4, 2) and the gate's
outputs ``T`` of shape (4, 1), both float64 — the shapes a network's ``forward`` and a loss expect.
``load_digits()`` (appendix, needs scikit-learn) splits scikit-learn's handwritten digits into train and test.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from nnbook.checks import checked_call

__all__ = ["truth_table", "TRUTH_TABLES", "load_digits", "Digits"]

#: The four inputs, in the order every table of the book uses.
INPUTS = ((0, 0), (1, 0), (0, 1), (1, 1))

#: The output of each gate for ``INPUTS``, written out by hand (the tests compare the gates with these).
TRUTH_TABLES: dict[str, tuple[int, int, int, int]] = {
    "and": (0, 0, 0, 1),
    "or": (0, 1, 1, 1),
    "nand": (1, 1, 1, 0),
    "xor": (0, 1, 1, 0),
}


def truth_table(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Inputs ``X`` (4, 2) and targets ``T`` (4, 1) of the gate ``name`` ("and", "or", "nand", "xor").

    Examples
    --------
    >>> X, T = truth_table("xor")
    >>> X.shape, T.ravel()
    ((4, 2), array([0., 1., 1., 0.]))
    """
    key = name.lower() if isinstance(name, str) else name
    if key not in TRUTH_TABLES:
        raise ValueError(f"truth_table: unknown gate {name!r}; expected one of {sorted(TRUTH_TABLES)}")
    X = np.array(INPUTS, dtype=np.float64)
    T = np.array(TRUTH_TABLES[key], dtype=np.float64).reshape(4, 1)
    return X, T


class Digits(NamedTuple):
    """The handwritten digits split into a training and a test part (see :func:`load_digits`)."""

    X_train: np.ndarray  # (n_train, 64) pixel values scaled to [0, 1]
    t_train: np.ndarray  # (n_train,) class indices 0 ... 9
    X_test: np.ndarray
    t_test: np.ndarray


def _check_digits_args(name, *, test_fraction=0.25, seed=0, dtype=np.float64):
    try:
        import sklearn.datasets  # noqa: F401  (scikit-learn is an optional extra)
    except ImportError as error:
        raise ImportError(
            'load_digits needs scikit-learn: pip install "nnbook[digits]" (or pip install scikit-learn)'
        ) from error
    if not (isinstance(test_fraction, (int, float)) and not isinstance(test_fraction, bool) and 0 < test_fraction < 1):
        raise ValueError(f"{name}: test_fraction must lie strictly between 0 and 1 (a number), got {test_fraction!r}")
    if np.dtype(dtype) not in (np.float32, np.float64):  # an int dtype would truncate the pixels to 0 or 1
        raise TypeError(f"{name}: dtype must be np.float32 or np.float64, got {dtype!r}")
    n_test = round(1797 * test_fraction)  # scikit-learn's digits: 1,797 images
    if not 0 < n_test < 1797:  # a part with no images at all (and order[:-0] would be empty)
        raise ValueError(f"{name}: test_fraction={test_fraction!r} leaves {n_test} of 1797 images for testing")
    return (), {"test_fraction": test_fraction, "seed": seed, "dtype": dtype}


@checked_call(_check_digits_args)  # scikit-learn installed, test_fraction in (0, 1), a float dtype
# --8<-- [start:load-digits]
def load_digits(*, test_fraction=0.25, seed=0, dtype=np.float64):
    """scikit-learn's 1,797 handwritten digits (8x8 pixels), shuffled and split into
    train and test.

    The data ship inside scikit-learn (no download); install it with the ``digits``
    extra (``pip install "nnbook[digits]"``). Each image becomes a row of 64 pixel
    values divided by 16, so they lie in [0, 1]; the labels are class indices 0 ... 9.
    The same ``seed`` gives the same split; the last ``test_fraction`` of a random
    permutation is the test set.
    """
    from sklearn.datasets import load_digits as sklearn_load_digits  # only when needed

    images, labels = sklearn_load_digits(return_X_y=True)
    X = (images / 16.0).astype(dtype)  # pixel values 0 ... 16 -> [0, 1]
    order = np.random.default_rng(seed).permutation(len(X))
    n_test = round(len(X) * test_fraction)
    train, test = order[:-n_test], order[-n_test:]
    return Digits(X[train], labels[train], X[test], labels[test])
# --8<-- [end:load-digits]

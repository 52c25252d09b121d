"""Truth tables of the logic gates, as training data (chapters 3, 4 and 11).

``truth_table(name)`` returns ``(X, T)``: the four input pairs ``X`` of shape (4, 2) and the gate's
outputs ``T`` of shape (4, 1), both float64 — the shapes a network's ``forward`` and a loss expect.
"""

from __future__ import annotations

import numpy as np

__all__ = ["truth_table", "TRUTH_TABLES"]

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

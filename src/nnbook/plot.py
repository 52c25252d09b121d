"""Figures of the book, drawn from the package's own code (optional extra: matplotlib).

Every figure the book shows is a function registered here with ``@figure("name")``. The docs build
(``hooks/figures.py``) renders each one to ``assets/figures/<name>.svg``; a page shows it with
``![...](../assets/figures/<name>.svg)``. Figures carry no words in a natural language (symbols,
numbers and math only), so one SVG serves the Japanese and the English page alike; captions live in
the pages.

This is the only module of the package that imports matplotlib.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")  # no screen needed; must precede pyplot's import
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

FIGURES: dict[str, Callable[[], Figure]] = {}


def figure(name: str) -> Callable[[Callable[[], Figure]], Callable[[], Figure]]:
    """Register a function that draws one figure of the book under ``name``."""

    def register(draw: Callable[[], Figure]) -> Callable[[], Figure]:
        if name in FIGURES:
            raise ValueError(f"figure {name!r} is registered twice")
        FIGURES[name] = draw
        return draw

    return register


def render_svg(name: str) -> str:
    """Draw the figure registered as ``name`` and return it as SVG text (same bytes every run)."""
    if name not in FIGURES:
        raise KeyError(f"no figure named {name!r}; known: {', '.join(sorted(FIGURES))}")
    fig = FIGURES[name]()
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "nnbook", "svg.fonttype": "path"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def new_figure(width: float = 4.0, height: float = 3.0, **subplots_kw) -> tuple[Figure, object]:
    """A figure with the book's common style; returns ``(fig, axes)`` like ``plt.subplots``."""
    fig, axes = plt.subplots(figsize=(width, height), **subplots_kw)
    return fig, axes


# ---------------------------------------------------------------------------------------------
# Part 1 — chapters 2-4: perceptron, XOR wall, multi-layer perceptron
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# Part 2 — chapters 5-8: activations, Affine layer, ReLU and sigmoid, forward pass
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# Part 3 — chapters 9-11: loss, backpropagation, update cycle, XOR training
# ---------------------------------------------------------------------------------------------

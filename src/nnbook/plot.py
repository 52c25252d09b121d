"""Figures of the book, drawn from the package's own code (optional extra: matplotlib).

Every figure the book shows is a function registered here with ``@figure("name")``. The docs build
(``hooks/figures.py``) renders each one to ``assets/figures/<name>.svg``; a page shows it with
``![...](../assets/figures/<name>.svg)``. Figures carry no words in a natural language (symbols,
numbers and math only), so one SVG serves the Japanese and the English page alike; captions live in
the pages.

This is the only module of the package that imports matplotlib.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Circle

FIGURES: dict[str, Callable[[], Figure]] = {}


NARROW: set[str] = set()  # figures that also have a layout for phones (panels stacked, at most NARROW_WIDTH wide)
NARROW_WIDTH = 4.4  # inches: 10-pt text stays >= 10 px on screen in a 358-px column (a 390-px phone)
_narrow = [False]  # set while a figure is drawn in its narrow layout (read by new_figure and is_narrow)


def figure(name: str, *, narrow: bool = False) -> Callable[[Callable[[], Figure]], Callable[[], Figure]]:
    """Register a function that draws one figure of the book under ``name``.

    ``narrow=True``: the figure also has a layout for phones, drawn with ``render_svg(name, narrow=True)``;
    its panels are stacked (``new_figure`` does it) and it is at most ``NARROW_WIDTH`` inches wide.
    """

    def register(draw: Callable[[], Figure]) -> Callable[[], Figure]:
        if name in FIGURES:
            raise ValueError(f"figure {name!r} is registered twice")
        FIGURES[name] = draw
        if narrow:
            NARROW.add(name)
        return draw

    return register


def is_narrow() -> bool:
    """True while a figure is being drawn in its narrow (phone) layout."""
    return _narrow[0]


def draw(name: str, *, narrow: bool = False) -> Figure:
    """The matplotlib figure registered as ``name`` (its narrow layout with ``narrow=True``)."""
    if name not in FIGURES:
        raise KeyError(f"no figure named {name!r}; known: {', '.join(sorted(FIGURES))}")
    if narrow and name not in NARROW:
        raise ValueError(f"figure {name!r} has no narrow layout; those that have: {', '.join(sorted(NARROW))}")
    _narrow[0] = narrow
    try:
        return FIGURES[name]()
    finally:
        _narrow[0] = False


def render_svg(name: str, *, narrow: bool = False, transparent: bool = False) -> str:
    """Draw the figure registered as ``name`` and return it as SVG text (same bytes every run).

    ``transparent=True`` leaves the background out (the site: the page's own background shows, light or
    dark); otherwise the figure sits on white (notebooks). ``narrow=True``: the layout for phones.
    """
    fig = draw(name, narrow=narrow)
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "nnbook", "svg.fonttype": "path"}):
        # dpi only matters for artists drawn with rasterized=True (the filled areas of the two
        # decision-surface figures); axes, lines, points and text stay vector.
        fig.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight", dpi=150,
                    transparent=transparent)
    smallest = smallest_text(fig)  # after savefig: tick labels have their text only once drawn
    # The size of its smallest text, for checks of what a screen shows (tests/test_browser.py).
    return buffer.getvalue().replace("<svg ", f'<svg data-smallest-text-pt="{smallest:g}" ', 1)


def smallest_text(fig: Figure) -> float:
    """Font size in points of the smallest visible, non-empty text of a drawn figure."""
    import matplotlib.text

    sizes = [t.get_fontsize() for t in fig.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text().strip()]
    return min(sizes)


def new_figure(width: float = 4.0, height: float = 3.0, *, narrow_size: tuple[float, float] | None = None,
               **subplots_kw) -> tuple[Figure, object]:
    """A figure with the book's common style; returns ``(fig, axes)`` like ``Figure.subplots``.

    In the narrow layout (``is_narrow()``) a row of panels becomes a column, each panel keeping its
    size but at most ``NARROW_WIDTH`` wide, and a single panel is at most ``NARROW_WIDTH`` wide, unless
    ``narrow_size`` gives the size to use there (a diagram whose margins ``bbox_inches="tight"`` crops).
    """
    if _narrow[0] and narrow_size is not None:
        width, height = narrow_size
    elif _narrow[0]:
        ncols, nrows = subplots_kw.get("ncols", 1), subplots_kw.get("nrows", 1)
        if ncols > 1 and nrows == 1:
            gridspec = dict(subplots_kw.pop("gridspec_kw", None) or {})
            ratios = gridspec.pop("width_ratios", [1] * ncols)
            panel_width = min(width * max(ratios) / sum(ratios), NARROW_WIDTH)
            panel_heights = [height * min(1.0, NARROW_WIDTH / (width * r / sum(ratios))) for r in ratios]
            gridspec["height_ratios"] = panel_heights
            subplots_kw.update(ncols=1, nrows=ncols, gridspec_kw=gridspec)
            if subplots_kw.pop("sharey", False):
                subplots_kw["sharex"] = True
            width, height = panel_width, sum(panel_heights)
        elif width > NARROW_WIDTH:
            width = NARROW_WIDTH
    fig = _figure(figsize=(width, height))
    return fig, fig.subplots(**subplots_kw)


def _figure(**kwargs) -> Figure:
    """A new figure drawn by Agg (no pyplot: the reader's backend is left alone)."""
    fig = Figure(**kwargs)
    FigureCanvasAgg(fig)  # attaches itself as fig.canvas: draw() and get_renderer() work
    return fig


# ---------------------------------------------------------------------------------------------
# Primer — math.md: slope and derivative
# ---------------------------------------------------------------------------------------------


_PRIMER_CURVE = "#1f77b4"  # the function
_PRIMER_TANGENT = "#d62728"  # the tangent at the chosen point
_PRIMER_SECANT = "#8c8c8c"  # secant lines, lighter as h shrinks
_PRIMER_STEP = "#ff7f0e"  # the run-and-rise triangle


def secant_slopes(f: Callable[[float], float], x: float, hs) -> list[float]:
    """Slope of the line through ``(x, f(x))`` and ``(x + h, f(x + h))`` for each ``h`` of ``hs``.

    The primer's figure and page use it: as ``h`` shrinks, the slopes approach the derivative at ``x``.
    """
    return [(f(x + h) - f(x)) / h for h in hs]


@figure("math-slope", narrow=True)
def _primer_slope() -> Figure:
    """Left: the line y = 2x + 1 with one run and rise. Right: y = x^2, secants from x = 1, the tangent."""
    import numpy as np

    fig, (line_ax, curve_ax) = new_figure(8.4, 3.5, ncols=2)

    # Left panel: a straight line has one slope everywhere, rise / run.
    xs = np.linspace(-0.5, 3.5, 2)
    line_ax.plot(xs, 2 * xs + 1, color=_PRIMER_CURVE, lw=2)
    x0, x1 = 1.0, 3.0
    y0, y1 = 2 * x0 + 1, 2 * x1 + 1
    line_ax.plot([x0, x1, x1], [y0, y0, y1], color=_PRIMER_STEP, lw=1.8, ls="--")
    line_ax.scatter([x0, x1], [y0, y1], color=_PRIMER_CURVE, s=36, zorder=3)
    line_ax.text((x0 + x1) / 2, y0 - 0.35, f"${x1 - x0:g}$", ha="center", va="top", fontsize=12,
                 color=_PRIMER_STEP)
    line_ax.text(x1 + 0.12, (y0 + y1) / 2, f"${y1 - y0:g}$", ha="left", va="center", fontsize=12,
                 color=_PRIMER_STEP)
    line_ax.text(0.0, 7.4, r"$y = 2x + 1$", fontsize=12, color=_PRIMER_CURVE)
    line_ax.text(0.0, 5.9, rf"$\dfrac{{{y1 - y0:g}}}{{{x1 - x0:g}}} = {(y1 - y0) / (x1 - x0):g}$", fontsize=12)
    line_ax.set_xlim(-0.5, 3.9)
    line_ax.set_ylim(-0.5, 8.2)

    # Right panel: a curve; the secant slope from x = 1 tends to the tangent's slope, 2, as h shrinks.
    def f(x):
        return x * x

    a, hs = 1.0, (1.0, 0.5, 0.2)
    grid = np.linspace(-0.4, 2.6, 200)
    curve_ax.plot(grid, f(grid), color=_PRIMER_CURVE, lw=2, zorder=2)
    for k, (h, slope) in enumerate(zip(hs, secant_slopes(f, a, hs))):
        shade = 0.25 + 0.25 * k  # the larger h, the darker its line
        curve_ax.plot(grid, f(a) + slope * (grid - a), color=_PRIMER_SECANT, lw=1.1, alpha=1 - shade, zorder=1)
        curve_ax.scatter([a + h], [f(a + h)], color=_PRIMER_SECANT, s=22, zorder=3)
        curve_ax.annotate(f"$h = {h:g}$", (a + h, f(a + h)), textcoords="offset points", xytext=(7, -10),
                          fontsize=10, color="#555555")
    tangent = secant_slopes(f, a, [1e-6])[0]
    curve_ax.plot(grid, f(a) + round(tangent, 6) * (grid - a), color=_PRIMER_TANGENT, lw=1.8, zorder=2)
    curve_ax.scatter([a], [f(a)], color=_PRIMER_TANGENT, s=40, zorder=4)
    curve_ax.text(-0.3, 4.3, r"$y = x^2$", fontsize=12, color=_PRIMER_CURVE)
    curve_ax.text(-0.3, 3.5, rf"$y = {round(tangent, 6):g}x - 1$", fontsize=12, color=_PRIMER_TANGENT)
    curve_ax.set_xlim(-0.4, 2.6)
    curve_ax.set_ylim(-1.2, 5.0)

    for ax in (line_ax, curve_ax):
        ax.set_xlabel("$x$", fontsize=12)
        ax.set_ylabel("$y$", fontsize=12, rotation=0, labelpad=8)
        ax.grid(alpha=0.3)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    fig.tight_layout()
    return fig


def two_paths_gradients(a: float, b: float) -> dict[str, float]:
    """The primer's graph s = a + b, f = s * b, run forward and then backward with the boxes' local rules.

    The x box sends the arriving derivative times the other input to each input; the + box passes it on
    unchanged; b, used by both boxes, adds what arrives along its two paths.
    """
    s = a + b
    f = s * b
    df = 1.0
    ds, db_direct = df * b, df * s  # x box
    da, db_via_s = ds, ds  # + box
    return {"s": s, "f": f, "df/ds": ds, "df/da": da, "df/db direct": db_direct, "df/db via s": db_via_s,
            "df/db": db_direct + db_via_s}


@figure("math-two-paths")
def _primer_two_paths() -> Figure:
    """The graph s = a + b, f = s * b: values forward (black), derivatives of f backward (red); b adds two."""
    import numpy as np
    from matplotlib.patches import FancyBboxPatch

    a, b = 2.0, 3.0
    g = two_paths_gradients(a, b)
    fwd, bwd = "#222222", _PRIMER_TANGENT
    radius = 0.36
    nodes = {"a": (0.4, 2.3), "b": (0.4, -0.1), "add": (2.8, 1.9), "mul": (5.3, 1.1)}
    labels = {"a": "$a$", "b": "$b$", "add": "$+$", "mul": r"$\times$"}

    fig, ax = new_figure(7.6, 3.4)
    boxes = ("add", "mul")  # operations are boxes, values (the inputs a, b) circles
    for key, (cx, cy) in nodes.items():
        if key in boxes:
            ax.add_patch(FancyBboxPatch((cx - radius + 0.05, cy - radius + 0.05), 2 * radius - 0.1, 2 * radius - 0.1,
                                        boxstyle="round,pad=0.05", facecolor="#eef3fb", edgecolor=_PRIMER_CURVE,
                                        lw=1.5))
        else:
            ax.add_patch(Circle((cx, cy), radius, facecolor="white", edgecolor=_PRIMER_CURVE, lw=1.5))
        ax.text(cx, cy, labels[key], ha="center", va="center", fontsize=14)

    def rim(centre, toward):
        d = np.subtract(toward, centre)
        key = next(k for k, xy in nodes.items() if xy == centre)
        if key in boxes:  # where the line leaves the square
            return tuple(np.add(centre, d * radius / np.max(np.abs(d))))
        return tuple(np.add(centre, d * radius / np.hypot(*d)))

    def edge(start, end, value, grad, at=0.5, off=0.27):
        """An arrow from ``start`` to ``end``: its value written above it (black), df/d(value) below (red)."""
        tail = rim(start, end) if start in nodes.values() else start
        head = rim(end, start) if end in nodes.values() else end
        ax.annotate("", xy=head, xytext=tail, arrowprops={"arrowstyle": "-|>", "color": fwd, "lw": 1.3,
                                                          "shrinkA": 0, "shrinkB": 1})
        d = np.subtract(end, start) / np.hypot(*np.subtract(end, start))
        normal = np.array([-d[1], d[0]])  # to the left of the arrow: above it for arrows going right
        middle = np.add(start, np.subtract(end, start) * at)
        ax.text(*(middle + off * normal), value, ha="center", va="center", fontsize=11, color=fwd)
        ax.text(*(middle - off * normal), grad, ha="center", va="center", fontsize=11, color=bwd)

    edge(nodes["a"], nodes["add"], f"${a:g}$", f"${g['df/da']:g}$")
    edge(nodes["b"], nodes["add"], f"${b:g}$", f"${g['df/db via s']:g}$", at=0.45)
    edge(nodes["b"], nodes["mul"], f"${b:g}$", f"${g['df/db direct']:g}$", at=0.55)
    edge(nodes["add"], nodes["mul"], f"$s = {g['s']:g}$", f"${g['df/ds']:g}$", off=0.32)
    edge(nodes["mul"], (7.2, 1.1), f"$f = {g['f']:g}$", "$1$", at=0.55)
    ax.annotate("", xy=(5.2, 2.6), xytext=(6.4, 2.6), arrowprops={"arrowstyle": "-|>", "color": bwd, "lw": 1.3})
    ax.text(6.5, 2.6, r"$\partial f / \partial(\cdot)$", ha="left", va="center", fontsize=11, color=bwd)
    ax.text(0.4, -0.6, rf"$\dfrac{{\partial f}}{{\partial b}} = {g['df/db direct']:g} + {g['df/db via s']:g}"
            rf" = {g['df/db']:g}$", ha="center", va="top", fontsize=12, color=bwd)
    ax.set_xlim(-0.4, 7.9)
    ax.set_ylim(-1.6, 2.9)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


# ---------------------------------------------------------------------------------------------
# Part 1 — chapters 2-4: perceptron, XOR wall, multi-layer perceptron
# ---------------------------------------------------------------------------------------------


# Colours shared by the part-1 figures (matplotlib's default cycle, like the other parts).
_P1_ONE = "#1f77b4"  # output / target 1: filled blue circles, blue half-plane
_P1_ZERO = "#d62728"  # output / target 0: open red squares
_P1_LINE = "#333333"  # decision lines, network edges
_P1_CURVES = ("#2ca02c", "#ff7f0e")  # two curves side by side (AND, XOR)
_P1_TRY = "#8c8c8c"  # candidate lines that fail
_P1_LIM = (-0.45, 1.45)  # the square drawn around the four inputs


def _p1_plane(ax, xlabel: str = "$x_1$", ylabel: str = "$x_2$") -> None:
    """Axes around the four inputs (0/1, 0/1): equal aspect, ticks 0 and 1, light grid."""
    ax.set_xlim(*_P1_LIM)
    ax.set_ylim(*_P1_LIM)
    ax.set_aspect("equal")
    ax.set_xticks([0, 1])
    ax.set_yticks([0, 1])
    ax.set_xlabel(xlabel, fontsize=13)
    ax.set_ylabel(ylabel, fontsize=13, rotation=0, labelpad=10)
    ax.grid(alpha=0.25)
    ax.set_axisbelow(True)


def _p1_points(ax, X, y, *, size: float = 1.0, outline: str | None = None) -> None:
    """Points ``X`` (N, 2) with 0/1 values ``y``: 1 = filled blue circle, 0 = open red square.

    The book's one convention for 0/1 points (chapters 2-5 and 11). ``outline``: an edge colour for the
    circles, where they sit on a coloured background; ``size`` scales the markers.
    """
    import numpy as np

    X, y = np.asarray(X, dtype=float), np.asarray(y).ravel()
    ones, zeros = X[y == 1], X[y == 0]
    ax.scatter(ones[:, 0], ones[:, 1], s=120 * size, marker="o", color=_P1_ONE, zorder=4,
               edgecolor=outline or _P1_ONE, linewidth=1.2 if outline else 0)
    ax.scatter(zeros[:, 0], zeros[:, 1], s=105 * size, marker="s", facecolor="white", edgecolor=_P1_ZERO,
               linewidth=2.2, zorder=4)


def _p1_clip(polygon, w, b) -> list:
    """The part of a convex polygon (list of (x1, x2)) where ``w·x + b >= 0`` (one clipping step)."""
    out = []
    for k, p in enumerate(polygon):
        q = polygon[(k + 1) % len(polygon)]
        ap = w[0] * p[0] + w[1] * p[1] + b
        aq = w[0] * q[0] + w[1] * q[1] + b
        if ap >= 0:
            out.append(p)
        if (ap >= 0) != (aq >= 0):
            s = ap / (ap - aq)
            out.append((p[0] + s * (q[0] - p[0]), p[1] + s * (q[1] - p[1])))
    return out


_P1_SQUARE = [(_P1_LIM[0], _P1_LIM[0]), (_P1_LIM[1], _P1_LIM[0]), (_P1_LIM[1], _P1_LIM[1]), (_P1_LIM[0], _P1_LIM[1])]


def _p1_region(ax, *halfplanes) -> None:
    """Shade the part of the square where every ``w·x + b`` of ``halfplanes`` is positive."""
    polygon = _P1_SQUARE
    for w, b in halfplanes:
        polygon = _p1_clip(polygon, w, b)
    if polygon:
        ax.fill(*zip(*polygon), color=_P1_ONE, alpha=0.13, linewidth=0, zorder=1)


def _p1_line(ax, w, b, *, fill: bool = True, color: str = _P1_LINE, style: str = "-") -> None:
    """The line ``w·x + b = 0`` across the square and, with ``fill``, the side where ``w·x + b > 0``."""
    lo, hi = _P1_LIM[0] - 1, _P1_LIM[1] + 1  # beyond the square; the axes clip the line
    if abs(w[1]) >= abs(w[0]):
        xs = [lo, hi]
        ys = [-(w[0] * x + b) / w[1] for x in xs]
    else:
        ys = [lo, hi]
        xs = [-(w[1] * y + b) / w[0] for y in ys]
    ax.plot(xs, ys, color=color, lw=2, linestyle=style, zorder=2)
    if fill:
        _p1_region(ax, (w, b))


def _p1_params(w, b) -> str:
    """``w = (1, 1), b = -1.5`` as math."""
    return rf"$w = ({w[0]:g},\ {w[1]:g}),\ b = {b:g}$"


def _p1_finish(fig: Figure) -> Figure:
    fig.tight_layout()
    return fig


@figure("02-gate-lines", narrow=True)
def _p1_gate_lines() -> Figure:
    from nnbook import AND, GATE_PARAMS, NAND, OR, truth_table

    X, _ = truth_table("and")
    fig, axes = new_figure(9.6, 3.6, ncols=3)
    for ax, (name, gate) in zip(axes, [("AND", AND), ("OR", OR), ("NAND", NAND)]):
        w, b = GATE_PARAMS[name]
        _p1_plane(ax)
        _p1_line(ax, w, b)
        _p1_points(ax, X, gate(X[:, 0], X[:, 1]))
        ax.set_title(f"{name}\n{_p1_params(w, b)}", fontsize=11)
    return _p1_finish(fig)


_P1_WRONG = "#ff7f0e"  # rings around points that a line puts on the wrong side


@figure("03-xor-wall", narrow=True)
def _p1_xor_wall() -> Figure:
    import numpy as np

    from nnbook import AND, GATE_PARAMS, XOR, truth_table

    X, _ = truth_table("xor")
    target = XOR(X[:, 0], X[:, 1])
    # AND, solved by one line; then four tries at XOR, each shading the side where it outputs 1 and
    # ringing the points it gets wrong (chapter 3 proves that every line gets at least one wrong).
    tries = [((1.0, 1.0), -0.5), ((1.0, 1.0), -1.5), ((1.0, -1.0), -0.5), ((1.0, 0.0), -0.5)]
    if is_narrow():
        fig, axes = new_figure(12.5, 3.3, ncols=5)  # one panel per row
    else:  # AND on its own at the left, the four tries at XOR in two rows beside it
        fig = _figure(figsize=(7.8, 6.2))
        grid = fig.add_gridspec(2, 3)
        axes = [fig.add_subplot(grid[:, 0])] + [fig.add_subplot(grid[r, c]) for r in (0, 1) for c in (1, 2)]
    _p1_plane(axes[0])
    _p1_line(axes[0], *GATE_PARAMS["AND"])
    _p1_points(axes[0], X, AND(X[:, 0], X[:, 1]))
    axes[0].set_title(f"AND\n{_p1_params(*GATE_PARAMS['AND'])}", fontsize=11)
    for k, (ax, (w, b)) in enumerate(zip(axes[1:], tries), start=1):
        _p1_plane(ax)
        _p1_line(ax, w, b, color=_P1_TRY, style="--")
        _p1_points(ax, X, target)
        wrong = X[(X @ np.array(w) + b > 0).astype(int) != target]
        for x in wrong:
            ax.add_patch(Circle(x, 0.2, fill=False, edgecolor=_P1_WRONG, linewidth=2.5, zorder=5))
        ax.set_title(f"XOR ({k})\n{_p1_params(w, b)}", fontsize=11)
    return _p1_finish(fig)


@figure("03-error-history", narrow=True)
def _p1_error_history() -> Figure:
    import numpy as np

    from nnbook import train_perceptron, truth_table

    fig, ax = new_figure(6.4, 3.0)
    for name, color, marker in [("and", _P1_CURVES[0], "o"), ("xor", _P1_CURVES[1], "s")]:
        X, T = truth_table(name)
        errors = train_perceptron(X, T).errors  # the chapter's own run: lr=1, at most 20 epochs
        epochs = np.arange(1, len(errors) + 1)
        ax.plot(epochs, errors, color=color, marker=marker, lw=2, ms=6, label=name.upper(), clip_on=False)
    ax.set_xlim(0.5, 20.5)
    ax.set_ylim(-0.3, 4.3)
    ax.set_xticks([1, 5, 10, 15, 20])
    ax.set_yticks([0, 1, 2, 3, 4])
    # named like the result's fields the page prints (PerceptronTraining.epochs, .errors): the same in
    # both languages
    ax.set_xlabel("epoch", fontsize=11)
    ax.set_ylabel("errors", fontsize=11)
    ax.grid(alpha=0.3)
    ax.legend(loc="center right", frameon=False, fontsize=11)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _p1_finish(fig)


@figure("03-and-epochs", narrow=True)
def _p1_and_epochs() -> Figure:
    from nnbook import train_perceptron, truth_table

    X, T = truth_table("and")
    target = T.ravel().astype(int)
    # the chapter's AND run (w = 0, b = 0, lr = 1), stopped after each of its first five epochs: the
    # line each epoch ends with, the side where it outputs 1, and the points it still gets wrong
    if is_narrow():
        fig, axes = new_figure(12.5, 3.3, ncols=5)  # one panel per row
    else:  # epochs 1-3 in the first row, 4 and 5 centred under them
        fig = _figure(figsize=(7.8, 6.2))
        grid = fig.add_gridspec(2, 6)
        axes = [fig.add_subplot(grid[0, 2 * k:2 * k + 2]) for k in range(3)]
        axes += [fig.add_subplot(grid[1, 2 * k + 1:2 * k + 3]) for k in range(2)]
    for epoch, ax in enumerate(axes, start=1):
        p = train_perceptron(X, T, max_epochs=epoch).perceptron
        _p1_plane(ax)
        _p1_line(ax, p.w, p.b)
        _p1_points(ax, X, target)
        for x in X[p.predict(X) != target]:
            ax.add_patch(Circle(x, 0.2, fill=False, edgecolor=_P1_WRONG, linewidth=2.5, zorder=5))
        ax.set_title(f"epoch {epoch}\n{_p1_params(p.w, p.b)}", fontsize=11)
    return _p1_finish(fig)


@figure("03-learned-lines", narrow=True)
def _p1_learned_lines() -> Figure:
    from nnbook import train_perceptron, truth_table

    fig, axes = new_figure(9.6, 3.6, ncols=3)
    for ax, name in zip(axes, ["and", "or", "nand"]):
        X, T = truth_table(name)
        p = train_perceptron(X, T).perceptron  # the chapter's run: w = 0, b = 0, lr = 1
        _p1_plane(ax)
        _p1_line(ax, p.w, p.b)
        _p1_points(ax, X, p.predict(X))
        ax.set_title(f"{name.upper()}\n{_p1_params(p.w, p.b)}", fontsize=11)
    return _p1_finish(fig)


def _p1_node(ax, xy, label: str, *, color: str = "white", edge: str = _P1_LINE, r: float = 0.32) -> None:

    ax.add_patch(Circle(xy, r, facecolor=color, edgecolor=edge, linewidth=2, zorder=3))
    ax.text(*xy, label, ha="center", va="center", fontsize=15, zorder=4)


def _p1_edge(ax, start, end, label: str, *, r: float = 0.32, at: float = 0.5, side: float = 0.0) -> None:
    """An arrow between two nodes (stopping at their rims) with its weight written on it."""
    import numpy as np

    p, q = np.asarray(start, float), np.asarray(end, float)
    u = (q - p) / np.linalg.norm(q - p)
    ax.annotate("", xy=q - u * r, xytext=p + u * r,
                arrowprops=dict(arrowstyle="-|>", color=_P1_LINE, lw=1.6, mutation_scale=16), zorder=2)
    m = p + (q - p) * at + np.array([-u[1], u[0]]) * side
    ax.text(*m, label, ha="center", va="center", fontsize=12, zorder=5,
            bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none"))


@figure("02-perceptron")
def _p1_perceptron_diagram() -> Figure:
    fig, ax = new_figure(5.6, 2.6)
    _p1_node(ax, (0, 1.6), "$x_1$")
    _p1_node(ax, (0, 0), "$x_2$")
    _p1_node(ax, (3, 0.8), "$a$", r=0.42)
    _p1_node(ax, (5.2, 0.8), "$y$")
    _p1_edge(ax, (0, 1.6), (3, 0.8), "$w_1$", r=0.38)
    _p1_edge(ax, (0, 0), (3, 0.8), "$w_2$", r=0.38)
    _p1_edge(ax, (3, 0.8), (5.2, 0.8), r"$\mathrm{step}$", r=0.38, side=0.3)
    ax.text(3, 1.45, "$+\\,b$", ha="center", va="bottom", fontsize=13)
    ax.text(3, 0.05, r"$a = w_1 x_1 + w_2 x_2 + b$", ha="center", va="top", fontsize=12)
    ax.set_xlim(-0.5, 5.7)
    ax.set_ylim(-0.6, 2.1)
    ax.set_aspect("equal")
    ax.axis("off")
    return _p1_finish(fig)


@figure("04-xor-network", narrow=True)
def _p1_xor_network() -> Figure:
    from nnbook import GATE_PARAMS

    fig, ax = new_figure(7.0, 3.6, narrow_size=(5.0, 2.6))  # narrow: the same drawing, smaller; text as is
    inputs, hidden, out = [(0, 2.4), (0, 0)], [(3.2, 2.4), (3.2, 0)], (6.4, 1.2)
    for xy, label in zip(inputs, ["$x_1$", "$x_2$"]):
        _p1_node(ax, xy, label)
    units = [("NAND", hidden[0], "$s_1$"), ("OR", hidden[1], "$s_2$")]
    for name, xy, label in units:
        w, b = GATE_PARAMS[name]
        _p1_node(ax, xy, label)
        for k, src in enumerate(inputs):
            straight = src[1] == xy[1]
            _p1_edge(ax, src, xy, f"${w[k]:g}$", at=0.3 if straight else 0.28, side=0.0)
        dy = 0.45 if xy[1] > 1 else -0.45
        ax.text(xy[0], xy[1] + dy, f"{name}   $b = {b:g}$", ha="center",
                va="bottom" if dy > 0 else "top", fontsize=11)
    w, b = GATE_PARAMS["AND"]
    _p1_node(ax, out, "$y$")
    for k, (_, xy, _) in enumerate(units):
        _p1_edge(ax, xy, out, f"${w[k]:g}$", at=0.45)
    ax.text(out[0], out[1] + 0.45, f"AND   $b = {b:g}$", ha="center", va="bottom", fontsize=11)
    ax.set_xlim(-0.6, 7.4)
    ax.set_ylim(-0.9, 3.3)
    ax.set_aspect("equal")
    ax.axis("off")
    return _p1_finish(fig)


@figure("04-hidden-space", narrow=True)
def _p1_hidden_space() -> Figure:
    import numpy as np

    from nnbook import GATE_PARAMS, NAND, OR, XOR, truth_table

    X, _ = truth_table("xor")
    y = XOR(X[:, 0], X[:, 1])
    fig, (left, right) = new_figure(8.2, 3.9, ncols=2)

    # Left: the input plane. Each hidden unit is one line; XOR is 1 where both units say 1.
    _p1_plane(left)
    _p1_region(left, GATE_PARAMS["NAND"], GATE_PARAMS["OR"])  # s1 = 1 and s2 = 1: the band between
    for name, style in [("NAND", "-"), ("OR", "--")]:
        _p1_line(left, *GATE_PARAMS[name], fill=False, style=style)
    left.text(1.12, 0.52, "NAND", rotation=-45, ha="center", va="center", fontsize=10,
              rotation_mode="anchor")
    left.text(-0.12, 0.48, "OR", rotation=-45, ha="center", va="center", fontsize=10,
              rotation_mode="anchor")
    _p1_points(left, X, y)

    # Right: the same four inputs seen through the hidden layer, (s1, s2); now one line separates them.
    S = np.stack([NAND(X[:, 0], X[:, 1]), OR(X[:, 0], X[:, 1])], axis=1)
    _p1_plane(right, "$s_1$", "$s_2$")
    _p1_line(right, *GATE_PARAMS["AND"])
    _p1_points(right, S + np.array([[0, 0], [-0.06, 0], [0.06, 0], [0, 0]]), y)
    offsets = {(0, 0): (0.12, -0.2), (1, 0): (-0.33, 0.17), (0, 1): (0.33, 0.17), (1, 1): (0.0, -0.2)}
    for (a, b), (s1, s2) in zip(X.astype(int), S):
        dx, dy = offsets[(a, b)]
        right.text(s1 + dx, s2 + dy, f"$({a}, {b})$", ha="center", va="center", fontsize=9, color="#555555")
    return _p1_finish(fig)


# ---------------------------------------------------------------------------------------------
# Part 2 — chapters 5-8: activations, Affine layer, ReLU and sigmoid, forward pass
# ---------------------------------------------------------------------------------------------


# Colours shared by the part-2 figures (matplotlib's default cycle, as in the other parts).
_P2_FUNC = "#1f77b4"  # a function
_P2_DERIV = "#ff7f0e"  # its derivative
_P2_STEP = "#7f7f7f"  # the step function, for comparison
_P2_CLASS = ("#d62728", "#1f77b4")  # XOR targets 0 and 1 (as in part 3)
_P2_INPUTS = ((0, 0), (1, 0), (0, 1), (1, 1))


def _p2_xor_layers(scale: float, *, activation: bool = True) -> list:
    """Chapter 8's XOR network: NAND and OR in the hidden layer, AND at the output, all weights times ``scale``.

    Built from the package's ``GATE_PARAMS`` (chapter 4's hand-set gates) exactly as the page builds it.
    Without ``activation`` the Sigmoid layers are left out (chapter 5's linear stack).
    """
    import numpy as np

    from nnbook import GATE_PARAMS, Affine, Sigmoid

    def gate_layer(*names):
        W = np.array([GATE_PARAMS[name][0] for name in names]).T
        b = np.array([GATE_PARAMS[name][1] for name in names])
        return Affine(scale * W, scale * b)

    layers = [gate_layer("NAND", "OR"), Sigmoid(), gate_layer("AND"), Sigmoid()]
    return layers if activation else [layers[0], layers[2]]


def _p2_mark_xor_inputs(ax) -> None:
    """The four XOR inputs, marked as in chapters 2-4: open square for target 0, filled circle for 1."""
    targets = [(x1 + x2) % 2 for x1, x2 in _P2_INPUTS]
    _p1_points(ax, _P2_INPUTS, targets, size=0.8, outline="white")


@figure("05-linear-vs-nonlinear", narrow=True)
def _linear_vs_nonlinear() -> Figure:
    import numpy as np

    from nnbook import Network, make_mlp

    g1, g2 = np.meshgrid(np.linspace(-0.3, 1.3, 161), np.linspace(-0.3, 1.3, 161))
    grid = np.column_stack([g1.ravel(), g2.ravel()])
    fig, axes = new_figure(8.0, 3.6, ncols=2)
    # Left: two Affine layers with random weights and nothing in between. Right: chapter 8's XOR network.
    linear = make_mlp([2, 3, 1], activation="identity", output="identity", rng=1)
    nets = (linear, Network(_p2_xor_layers(10.0)))
    titles = (r"$(xW_1 + b_1)\,W_2 + b_2$", r"$\sigma(\sigma(xW_1 + b_1)\,W_2 + b_2)$")
    for ax, net, title in zip(axes, nets, titles):
        out = net.forward(grid).reshape(g1.shape)
        filled = ax.contourf(g1, g2, out, levels=12, cmap="RdBu", alpha=0.85, rasterized=True)
        ax.contour(g1, g2, out, levels=filled.levels, colors="white", linewidths=0.5)
        fig.colorbar(filled, ax=ax, fraction=0.046, pad=0.04).set_label("$y$", rotation=0, labelpad=8)
        _p2_mark_xor_inputs(ax)
        ax.set_title(title, fontsize=11)
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.set_aspect("equal")
        ax.set_xticks([0, 1])
        ax.set_yticks([0, 1])
    fig.tight_layout()
    return fig


@figure("05-step-vs-sigmoid", narrow=True)
def _step_vs_sigmoid() -> Figure:
    import numpy as np

    from nnbook import sigmoid, step

    z = np.linspace(-4, 4, 801)
    fig, ax = new_figure(5.6, 3.2)
    ax.plot(z, step(z), color=_P2_STEP, lw=2.5, label=r"$\mathrm{step}(a)$", drawstyle="steps-mid")
    for a, alpha in ((1, 0.45), (4, 0.7), (20, 1.0)):
        label = r"$\sigma(a)$" if a == 1 else rf"$\sigma({a}a)$"
        ax.plot(z, sigmoid(a * z), color=_P2_FUNC, lw=1.8, alpha=alpha, label=label)
    ax.set_xlabel("$a$")
    ax.set_yticks([0, 0.5, 1])
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=10)
    fig.tight_layout()
    return fig


@figure("06-affine-graph")
def _affine_graph() -> Figure:
    fig, ax = new_figure(5.4, 3.6)
    inputs = {1: (0.0, 1.6), 2: (0.0, 0.4)}
    outputs = {1: (3.0, 2.0), 2: (3.0, 1.0), 3: (3.0, 0.0)}
    for i, (xi, yi) in inputs.items():
        for j, (xj, yj) in outputs.items():
            strong = j == 2
            ax.plot([xi, xj], [yi, yj], color=_P2_DERIV if strong else "#bbbbbb", lw=2.2 if strong else 1.0, zorder=1)
            if strong:
                t = 0.55 if i == 1 else 0.45
                ax.text(xi + t * (xj - xi), yi + t * (yj - yi) + 0.12, f"$w_{{{i}2}}$", color=_P2_DERIV,
                        ha="center", fontsize=12)
    for i, (x, y) in inputs.items():
        ax.add_patch(Circle((x, y), 0.28, facecolor="white", edgecolor=_P2_FUNC, lw=2, zorder=2))
        ax.text(x, y, f"$x_{i}$", ha="center", va="center", fontsize=13, zorder=3)
    for j, (x, y) in outputs.items():
        ax.add_patch(Circle((x, y), 0.28, facecolor="white", edgecolor=_P2_FUNC, lw=2, zorder=2))
        ax.text(x, y, f"$y_{j}$", ha="center", va="center", fontsize=13, zorder=3)
        ax.text(x + 0.42, y, f"$+\\,b_{j}$", ha="left", va="center", fontsize=11, color="#555555")
    # W written out below the graph, its column 2 (the weights into y_2) highlighted like the edges.
    ax.text(0.8, -0.95, "$W =$", ha="right", va="center", fontsize=13)
    for i in (1, 2):
        for j in (1, 2, 3):
            ax.text(0.55 + 0.75 * j, -0.95 + (0.25 if i == 1 else -0.25), f"$w_{{{i}{j}}}$", ha="center",
                    va="center", fontsize=12, color=_P2_DERIV if j == 2 else "black")
    for x0, dx in ((0.9, 0.12), (3.25, -0.12)):  # matrix brackets
        ax.plot([x0 + dx, x0, x0, x0 + dx], [-0.5, -0.5, -1.4, -1.4], color="black", lw=1.2)
    ax.set_xlim(-0.5, 4.0)
    ax.set_ylim(-1.6, 2.45)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


def _p2_grid(ax, x0: float, y0: float, rows: int, cols: int, colour: str, *, alpha: float = 1.0) -> None:
    """A matrix of ``rows`` x ``cols`` unit cells with its top-left corner at (x0, y0)."""
    from matplotlib.patches import Rectangle

    for r in range(rows):
        for c in range(cols):
            ax.add_patch(Rectangle((x0 + c, y0 - r - 1), 1, 1, facecolor=colour, edgecolor="white", lw=1.5,
                                   alpha=alpha))


@figure("06-affine-shapes")
def _affine_shapes() -> Figure:
    import numpy as np

    from nnbook import Affine

    # The shapes of the page's hidden layer, N=4 inputs, D=2, H=3, taken from a real forward pass.
    layer = Affine.create(2, 3, rng=0)
    (n, d), (_, h) = (4, 2), layer.W.shape
    y_shape = layer.forward(np.zeros((n, d))).shape
    fig, ax = new_figure(7.6, 2.9)
    top = 4.6
    x = 0.0
    _p2_grid(ax, x, top, n, d, "#aec7e8")
    ax.text(x + d / 2, top + 0.45, "$X$", ha="center", fontsize=14)
    ax.text(x + d / 2, top - n - 0.55, rf"${n} \times {d}$", ha="center", fontsize=11)
    ax.text(x + d + 0.5, top - n / 2, "$@$", ha="center", va="center", fontsize=15)
    x += d + 1.0
    _p2_grid(ax, x, top, d, h, "#ffbb78")
    ax.text(x + h / 2, top + 0.45, "$W$", ha="center", fontsize=14)
    ax.text(x + h / 2, top - d - 0.55, rf"${d} \times {h}$", ha="center", fontsize=11)
    ax.text(x + h + 0.5, top - n / 2, "$+$", ha="center", va="center", fontsize=15)
    x += h + 1.0
    _p2_grid(ax, x, top, 1, h, "#98df8a")
    _p2_grid(ax, x, top - 1, n - 1, h, "#98df8a", alpha=0.35)  # the copies broadcasting makes
    ax.text(x + h / 2, top + 0.45, "$b$", ha="center", fontsize=14)
    ax.text(x + h / 2, top - n - 0.55, rf"$1 \times {h} \to {n} \times {h}$", ha="center", fontsize=11)
    ax.text(x + h + 0.5, top - n / 2, "$=$", ha="center", va="center", fontsize=15)
    x += h + 1.0
    _p2_grid(ax, x, top, *y_shape, "#c5b0d5")
    ax.text(x + h / 2, top + 0.45, "$Y$", ha="center", fontsize=14)
    ax.text(x + h / 2, top - n - 0.55, rf"${y_shape[0]} \times {y_shape[1]}$", ha="center", fontsize=11)
    ax.text(x / 2 + h / 2, -0.9, r"$(N \times D)\,(D \times H) + (H) \;\to\; (N \times H)$", ha="center",
            fontsize=13)
    ax.set_xlim(-0.3, x + h + 0.3)
    ax.set_ylim(-1.4, top + 1.0)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


@figure("07-activations", narrow=True)
def _activations() -> Figure:
    import numpy as np

    from nnbook import ReLU, Sigmoid

    x = np.linspace(-6, 6, 1201).reshape(-1, 1)
    fig, axes = new_figure(8.0, 3.2, ncols=2)
    panels = ((Sigmoid(), r"$\sigma(x)$", r"$\sigma'(x) = \sigma(x)\,(1 - \sigma(x))$", (-0.1, 1.1)),
              (ReLU(), r"$\mathrm{ReLU}(x)$", r"$\mathrm{ReLU}'(x)$", (-0.5, 3.2)))
    for ax, (layer, name, deriv_name, ylim) in zip(axes, panels):
        y = layer.forward(x)
        dy = layer.backward(np.ones_like(x))  # the derivative, as backward computes it
        ax.plot(x, y, color=_P2_FUNC, lw=2.2, label=name)
        if isinstance(layer, ReLU):  # draw the jump at 0 as a jump, not a steep line
            left, right = x[:, 0] < 0, x[:, 0] > 0
            ax.plot(x[left], dy[left], color=_P2_DERIV, lw=2.2, ls="--", label=deriv_name)
            ax.plot(x[right], dy[right], color=_P2_DERIV, lw=2.2, ls="--")
            ax.set_xlim(-3, 3)
        else:
            ax.plot(x, dy, color=_P2_DERIV, lw=2.2, ls="--", label=deriv_name)
        ax.axhline(0, color="#999999", lw=0.8)
        ax.axvline(0, color="#999999", lw=0.8)
        ax.set_ylim(*ylim)
        ax.set_xlabel("$x$")
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left", fontsize=10)
    fig.tight_layout()
    return fig


@figure("08-xor-network")
def _xor_network() -> Figure:
    import numpy as np

    scale = 10.0
    layers = _p2_xor_layers(scale)
    x = np.array([[1.0, 0.0]])
    values = [x[0]]
    h = x
    for layer in layers:
        h = layer.forward(h)
        values.append(h[0])
    hidden, output = values[2], values[4]
    W1, b1, W2, b2 = layers[0].W, layers[0].b, layers[2].W, layers[2].b
    pos_in = [(0.0, 2.0), (0.0, 0.0)]
    pos_hid = [(3.2, 2.0), (3.2, 0.0)]
    pos_out = [(6.4, 1.0)]
    fig, ax = new_figure(7.2, 3.4)

    def edge(p, q, w, t):
        ax.plot([p[0], q[0]], [p[1], q[1]], color="#bbbbbb", lw=1.4, zorder=1)
        # the label is turned along its own line, so a weight on a crossing edge cannot be read as
        # belonging to its neighbour
        angle = np.degrees(np.arctan2(q[1] - p[1], q[0] - p[0]))
        ax.text(p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1]), f"${w:g}$", fontsize=10, ha="center",
                va="center", color=_P2_DERIV, bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0},
                rotation=angle, rotation_mode="anchor", transform_rotates_text=True, zorder=2)

    for i, p in enumerate(pos_in):
        for j, q in enumerate(pos_hid):
            edge(p, q, W1[i, j], 0.5 if i == j else 0.3)  # crossing edges labelled before they cross
    for j, p in enumerate(pos_hid):
        edge(p, pos_out[0], W2[j, 0], 0.45)

    def node(p, text, sub):
        ax.add_patch(Circle(p, 0.48, facecolor="white", edgecolor=_P2_FUNC, lw=2, zorder=3))
        ax.text(p[0], p[1], text, ha="center", va="center", fontsize=11, zorder=4)
        ax.text(p[0], p[1] - 0.72, sub, ha="center", va="center", fontsize=10, color="#555555")

    for i, p in enumerate(pos_in):
        node(p, f"${x[0, i]:g}$", f"$x_{i + 1}$")
    for j, p in enumerate(pos_hid):
        node(p, f"${hidden[j]:.3f}$", f"$h_{j + 1},\\ b = {b1[j]:g}$")
    node(pos_out[0], f"${output[0]:.3f}$", f"$y,\\ b = {b2[0]:g}$")
    for p, gate in zip(pos_hid + pos_out, ("NAND", "OR", "AND")):  # the gates of chapter 4, one per neuron
        ax.text(p[0], p[1] + 0.66, gate, ha="center", va="bottom", fontsize=10, color=_P2_FUNC,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5}, zorder=4)
    ax.text(1.6, -1.55, r"$h = \sigma(xW_1 + b_1)$", ha="center", fontsize=11)
    ax.text(4.8, -1.55, r"$y = \sigma(hW_2 + b_2)$", ha="center", fontsize=11)
    ax.set_xlim(-0.7, 7.1)
    ax.set_ylim(-1.9, 3.0)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


# ---------------------------------------------------------------------------------------------
# Part 3 — chapters 9-11: loss, backpropagation, update cycle, XOR training
# ---------------------------------------------------------------------------------------------


# Colours shared by the part-3 figures (matplotlib's default cycle, so they match the other parts).
_P3_CURVE = "#1f77b4"  # curves: losses, L(w)
_P3_STEP = "#ff7f0e"  # points visited by an optimizer
_P3_ALT = "#2ca02c"  # a second optimizer / method
_P3_CLASS = ("#d62728", "#1f77b4")  # XOR targets 0 and 1


def _p3_descent_1d(lr: float, steps: int) -> tuple[list[float], list[float]]:
    """Chapter 9's one-dimensional example: y = w x, MSE against t = 2x; gradient descent from w = 0."""
    import numpy as np

    from nnbook.losses import MSELoss

    x, t = np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 6.0])
    loss = MSELoss()
    ws, losses = [], []
    w = 0.0
    for _ in range(steps + 1):
        ws.append(w)
        losses.append(loss.forward(w * x, t))
        grad = float(np.sum(loss.backward() * x))  # chain rule: dL/dw = sum_i dL/dy_i * x_i
        w -= lr * grad
    return ws, losses


@figure("09-gradient-descent", narrow=True)
def _gradient_descent_1d() -> Figure:
    import numpy as np

    from nnbook.losses import MSELoss

    x, t = np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 6.0])
    grid = np.linspace(-0.25, 4.25, 200)
    curve = [MSELoss().forward(w * x, t) for w in grid]
    fig, axes = new_figure(8.0, 3.2, ncols=2, sharey=True)
    for ax, lr in zip(axes, (0.05, 0.2)):
        ws, losses = _p3_descent_1d(lr, steps=8)
        ax.plot(grid, curve, color=_P3_CURVE, lw=2, zorder=1)
        ax.plot(ws, losses, color=_P3_STEP, lw=1, alpha=0.6, zorder=2)
        ax.scatter(ws, losses, color=_P3_STEP, s=28, zorder=3, edgecolor="white", linewidth=0.6)
        for k in (0, 1, 2):
            ax.annotate(f"$w_{k}$", (ws[k], losses[k]), textcoords="offset points", xytext=(6, 4), fontsize=10)
        ax.set_title(rf"$\eta = {lr}$")
        ax.set_xlabel("$w$")
        ax.set_xlim(-0.25, 4.25)
        ax.set_ylim(-1, 21)
        ax.grid(alpha=0.3)
    for ax in axes if is_narrow() else axes[:1]:
        ax.set_ylabel("$L(w)$")
    fig.tight_layout()
    return fig


def _p3_bowl_path(lr: float, momentum: float, steps: int):
    """SGD (the package's optimizer) on the bowl L(p) = (p0**2 + 10 p1**2) / 2, from (-4, 1.5)."""
    import numpy as np

    from nnbook.optim import SGD

    p = np.array([-4.0, 1.5])
    optimizer = SGD(lr, momentum=momentum)
    path = [p.copy()]
    for _ in range(steps):
        grad = np.array([p[0], 10.0 * p[1]])
        optimizer.step([("p", p, grad)])
        path.append(p.copy())
    return np.array(path)


@figure("10-momentum", narrow=True)
def _momentum_paths() -> Figure:
    import numpy as np

    fig, (ax, ax_loss) = new_figure(8.4, 3.4, ncols=2, gridspec_kw={"width_ratios": [1.5, 1]})
    g0, g1 = np.meshgrid(np.linspace(-4.5, 1.5, 240), np.linspace(-2.0, 2.0, 160))
    ax.contour(g0, g1, (g0**2 + 10 * g1**2) / 2, levels=[0.1, 0.5, 1, 2, 4, 8, 12, 16], colors="#bbbbbb",
               linewidths=0.8)
    for momentum, colour in ((0.0, _P3_STEP), (0.5, _P3_ALT)):
        path = _p3_bowl_path(0.15, momentum, steps=20)
        label = rf"$\mu = {momentum}$"
        ax.plot(path[:, 0], path[:, 1], "-o", color=colour, ms=3.5, lw=1.2, label=label)
        losses = (path[:, 0] ** 2 + 10 * path[:, 1] ** 2) / 2
        ax_loss.semilogy(np.arange(len(losses)), losses, "-o", color=colour, ms=3, lw=1.2, label=label)
    ax.plot([0], [0], marker="*", color="black", ms=10)
    ax.set_xlabel("$p_1$")
    ax.set_ylabel("$p_2$")
    ax.set_aspect("equal")
    ax.set_title(r"$L = (p_1^2 + 10\,p_2^2)/2,\ \eta = 0.15$", fontsize=10)
    ax.legend(loc="upper right", fontsize=9)
    ax_loss.set_xlabel("$k$")
    ax_loss.set_ylabel("$L$")
    ax_loss.grid(alpha=0.3)
    ax_loss.legend(fontsize=9)
    fig.tight_layout()
    return fig


def _p3_xor_network(seed: int, **overrides):
    """The network, loss and optimizer ``train_xor`` builds for ``seed`` (same recipe, same order of draws)."""
    from nnbook.network import make_mlp
    from nnbook.optim import SGD
    from nnbook.train import LOSSES, xor_recipe

    r = xor_recipe(**overrides)
    network = make_mlp([2, r["hidden"], 1], activation=r["activation"], output="sigmoid", init=r["init"], rng=seed)
    loss = LOSSES[r["loss"]]()
    return network, loss, SGD(r["lr"], momentum=r["momentum"]), r


@functools.cache
def _xor_losses(**recipe) -> tuple[tuple[float, ...], bool]:
    """The losses of ``train_xor(**recipe)`` and whether it solved XOR: trained once per process, however
    many times a figure that shows it is drawn (wide and narrow, and in the tests), and once per run of
    the book's tests for all its processes (nnbook/_runcache.py)."""
    from nnbook import _runcache
    from nnbook.train import train_xor

    def losses() -> tuple[tuple[float, ...], bool]:
        run = train_xor(**recipe)
        return tuple(run.history.losses), bool(run.solved)

    return _runcache.once(_runcache.key("xor_losses", recipe), losses)


@figure("11-loss-curve", narrow=True)
def _xor_loss_curves() -> Figure:
    import numpy as np

    fig, ax = new_figure(6.4, 3.4)
    runs = (
        ({"seed": 0, "hidden": 4}, _P3_CURVE, "-"),
        ({"seed": 5, "hidden": 2, "epochs": 8000}, _P3_STEP, "-"),
        ({"seed": 13, "hidden": 2, "epochs": 6000}, _P3_CLASS[0], "--"),
    )
    for kw, colour, style in runs:
        losses, solved = _xor_losses(**kw)
        label = rf"$H = {kw['hidden']},\ s = {kw['seed']}$"
        ax.plot(np.arange(1, len(losses) + 1), losses, style, color=colour, lw=1.8, label=label)
        if solved:
            ax.plot([len(losses)], [losses[-1]], "o", color=colour, ms=5)
    # ln 2: where every run first levels off (labelled at the right, clear of the curves); 1/2 ln 2: the
    # floor the stuck run slides toward (labelled at the left)
    for level, name, at, align in ((np.log(2), r"$\ln 2$", 0.99, "right"),
                                   (np.log(2) / 2, r"$\frac{1}{2}\ln 2$", 0.01, "left")):
        ax.axhline(level, color="#888888", lw=0.8, ls=":")
        ax.annotate(name, (at, level), xycoords=("axes fraction", "data"), xytext=(2, 3),
                    textcoords="offset points", ha=align, va="bottom", fontsize=11, color="#555555")
    ax.set_xscale("log")
    ax.set_xlabel("$k$")
    ax.set_ylabel("$L$")
    ax.set_ylim(0, 0.8)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9, loc="lower left")
    fig.tight_layout()
    return fig


@figure("11-decision-boundary", narrow=True)
def _xor_decision_boundary() -> Figure:
    import numpy as np

    from nnbook.datasets import truth_table
    from nnbook.train import outputs_within, train, train_xor

    X, T = truth_table("xor")
    network, loss, optimizer, r = _p3_xor_network(seed=0)
    g = np.linspace(-0.5, 1.5, 161)
    gx, gy = np.meshgrid(g, g)
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    snapshot_epochs = (0, 100, 190)
    snapshots = {0: network.predict(grid).reshape(gx.shape)}

    def remember(epoch: int, _loss: float) -> None:
        if epoch in snapshot_epochs:
            snapshots[epoch] = network.predict(grid).reshape(gx.shape)

    history = train(network, loss, optimizer, X, T, epochs=r["epochs"], stop=outputs_within(r["tol"]),
                    callback=remember)
    if history.epochs != train_xor(seed=0).epochs:  # the figure must show the run the book and the CLI make
        raise RuntimeError("11-decision-boundary: the figure's training no longer matches train_xor(seed=0)")
    snapshots[history.epochs] = network.predict(grid).reshape(gx.shape)

    if is_narrow():  # phones: a 2 x 2 grid of the snapshots, the colour bar below them
        fig = _figure(figsize=(NARROW_WIDTH, 6.2))
        grid_axes = fig.subplots(3, 2, gridspec_kw={"height_ratios": [1, 1, 0.06]})
        gs = grid_axes[2, 0].get_gridspec()
        for ax in grid_axes[2]:
            ax.remove()
        colorbar_axes, axes = fig.add_subplot(gs[2, :]), list(grid_axes[:2].ravel())
        orientation = "horizontal"
    else:
        fig, axes = new_figure(2.3 * len(snapshots) + 0.6, 2.7, ncols=len(snapshots) + 1, sharey=False,
                               gridspec_kw={"width_ratios": [1] * len(snapshots) + [0.08]})
        colorbar_axes, axes = axes[-1], axes[:-1]
        orientation = "vertical"
    left_column = axes[::2] if is_narrow() else axes[:1]
    for ax, (epoch, Y) in zip(axes, sorted(snapshots.items())):
        filled = ax.contourf(gx, gy, Y, levels=np.linspace(0, 1, 11), cmap="RdBu", vmin=0, vmax=1, rasterized=True)
        ax.contour(gx, gy, Y, levels=[0.5], colors="black", linewidths=1.5)
        _p1_points(ax, X, T[:, 0], size=0.6, outline="black")  # the book's convention: 1 circle, 0 square
        ax.set_title(f"$k = {epoch}$", fontsize=11)
        ax.set_xlabel("$x_1$")
        ax.set_aspect("equal")
        ax.set_xticks([0, 1])
        ax.set_yticks([0, 1] if any(ax is a for a in left_column) else [])
    for ax in left_column:
        ax.set_ylabel("$x_2$")
    bar = fig.colorbar(filled, cax=colorbar_axes, ticks=[0, 0.5, 1], orientation=orientation)
    if orientation == "vertical":
        bar.set_label("$y$", rotation=0, labelpad=12)
    else:
        bar.set_label("$y$")
    fig.tight_layout()
    return fig


@figure("09-computational-graph", narrow=True)
def _computational_graph() -> Figure:
    """Chapter 9's neuron a = w x + b, y = sigmoid(a), L = (y - t)^2: values forward, gradients backward.

    Wide: one row. Narrow (phones): two rows, the value a carried from the first row down to the second.
    """
    import numpy as np
    from matplotlib.patches import FancyBboxPatch

    from nnbook.activations import sigmoid

    x, w, b, t = 2.0, 0.5, 0.0, 1.0  # the numbers of the chapter's example
    wx = w * x
    a = wx + b
    y = float(sigmoid(a))
    L = (y - t) ** 2
    dy = 2 * (y - t)
    da = dy * y * (1 - y)
    dw, dx, db, dwx = da * x, da * w, da, da

    narrow = is_narrow()
    fig, ax = new_figure(9.0, 3.3, narrow_size=(4.7, 4.6))
    fwd, bwd = "#222222", _P3_CLASS[0]
    half_height = 0.33  # every operation is a box (the page: "boxes (operations) joined by arrows (values)")
    if narrow:
        ax.set_xlim(-0.4, 6.6)
        ax.set_ylim(-0.3, 6.55)
        nodes = {"mul": (2.4, 4.5), "add": (4.9, 4.1), "sig": (0.9, 1.4), "loss": (3.9, 1.4)}
    else:
        ax.set_xlim(-0.4, 11.6)
        ax.set_ylim(-0.7, 3.3)
        nodes = {"mul": (2.4, 1.7), "add": (4.9, 1.3), "sig": (7.2, 1.3), "loss": (9.6, 1.3)}
    ax.set_aspect("equal")
    ax.axis("off")
    half_widths = {"mul": 0.33, "add": 0.33, "sig": 0.33, "loss": 0.72}
    labels = {"mul": r"$\times$", "add": "$+$", "sig": r"$\sigma$", "loss": r"$(\cdot - t)^2$"}
    for key, (cx, cy) in nodes.items():
        hw = half_widths[key]
        ax.add_patch(FancyBboxPatch((cx - hw + 0.05, cy - half_height + 0.05), 2 * hw - 0.1, 2 * half_height - 0.1,
                                    boxstyle="round,pad=0.05", facecolor="#eef3fb", edgecolor=_P3_CURVE, lw=1.5))
        ax.text(cx, cy, labels[key], ha="center", va="center", fontsize=13)

    def boundary(point, toward):
        """Where the segment from a node's centre toward ``toward`` leaves the node's box."""
        for key, centre in nodes.items():
            if np.allclose(point, centre):
                d = np.subtract(toward, centre)
                return tuple(np.add(centre, d * min(half_widths[key] / abs(d[0]) if d[0] else np.inf,
                                                    half_height / abs(d[1]) if d[1] else np.inf)))
        return point

    def edge(start, end, value, grad, value_xy, grad_xy):
        tail, head = boundary(start, end), boundary(end, start)
        ax.annotate("", xy=head, xytext=tail, arrowprops={"arrowstyle": "-|>", "color": fwd, "lw": 1.3,
                                                          "shrinkA": 0, "shrinkB": 1})
        ax.text(*value_xy, value, ha="center", va="center", fontsize=10.5, color=fwd)
        ax.text(*grad_xy, grad, ha="center", va="center", fontsize=10.5, color=bwd)

    values = {"w": f"$w = {w:g}$", "x": f"$x = {x:g}$", "wx": f"${wx:.3f}$", "b": f"$b = {b:g}$",
              "a": f"$a = {a:.3f}$", "y": f"$y = {y:.3f}$", "L": f"$L = {L:.3f}$"}
    grads = {"w": f"${dw:.3f}$", "x": f"${dx:.3f}$", "wx": f"${dwx:.3f}$", "b": f"${db:.3f}$",
             "a": f"${da:.3f}$", "y": f"${dy:.3f}$", "L": "$1$"}
    if narrow:  # b comes in from above; a runs down to the second row
        edge((0.3, 5.6), nodes["mul"], values["w"], grads["w"], (0.35, 5.9), (1.55, 5.45))
        edge((0.3, 3.4), nodes["mul"], values["x"], grads["x"], (0.35, 3.1), (1.6, 3.65))
        edge(nodes["mul"], nodes["add"], values["wx"], grads["wx"], (3.65, 4.75), (3.65, 3.95))
        edge((3.4, 6.0), nodes["add"], values["b"], grads["b"], (3.3, 6.3), (4.75, 5.3))
        edge(nodes["add"], nodes["sig"], values["a"], grads["a"], (3.05, 3.4), (2.75, 2.2))
        edge(nodes["sig"], nodes["loss"], values["y"], grads["y"], (2.45, 1.72), (2.4, 1.08))
        edge(nodes["loss"], (6.4, 1.4), values["L"], grads["L"], (5.6, 1.76), (5.5, 1.08))
        ax.text(3.9, 0.75, f"$t = {t:g}$", ha="center", va="center", fontsize=10.5, color=fwd)
        key_arrow, key_text = ((6.3, 0.2), (4.5, 0.2)), (4.35, 0.2)
    else:
        edge((0.3, 2.8), nodes["mul"], values["w"], grads["w"], (0.35, 3.1), (1.55, 2.65))
        edge((0.3, 0.6), nodes["mul"], values["x"], grads["x"], (0.35, 0.3), (1.6, 0.85))
        edge(nodes["mul"], nodes["add"], values["wx"], grads["wx"], (3.65, 1.9), (3.65, 1.15))
        edge((3.2, -0.3), nodes["add"], values["b"], grads["b"], (3.0, -0.55), (4.6, 0.2))
        edge(nodes["add"], nodes["sig"], values["a"], grads["a"], (6.05, 1.62), (6.05, 0.98))
        edge(nodes["sig"], nodes["loss"], values["y"], grads["y"], (8.25, 1.62), (8.25, 0.98))
        edge(nodes["loss"], (11.4, 1.3), values["L"], grads["L"], (11.0, 1.66), (10.9, 0.98))
        ax.text(9.6, 0.65, f"$t = {t:g}$", ha="center", va="center", fontsize=10.5, color=fwd)
        key_arrow, key_text = ((7.6, 2.95), (5.6, 2.95)), (7.75, 2.95)
    # key: black numbers are values (forward), red ones dL/d(value) (backward, against the arrows)
    ax.annotate("", xy=key_arrow[1], xytext=key_arrow[0],
                arrowprops={"arrowstyle": "-|>", "color": bwd, "lw": 1.3})
    ax.text(*key_text, r"$\partial L / \partial(\cdot)$", ha="right" if narrow else "left", va="center",
            fontsize=11, color=bwd)
    return fig


@figure("10-xor-backward")
def _xor_backward() -> Figure:
    """Chapter 10's backward pass by hand: chapter 8's XOR network (weights not scaled) on the input
    (1, 0) with target 1 and BCE; forward values in black, gradients dL/d(.) in red."""
    import numpy as np

    from nnbook import BCELoss

    layers = _p2_xor_layers(1.0)
    x, t = np.array([[1.0, 0.0]]), np.array([[1.0]])
    h = x
    for layer in layers:
        h = layer.forward(h)
    hidden, y = layers[1].out[0], float(h[0, 0])
    bce = BCELoss()
    bce.forward(h, t)
    dy = bce.backward()
    da = layers[3].backward(dy)
    dh = layers[2].backward(da)
    dz = layers[1].backward(dh)
    layers[0].backward(dz)
    dW1, dW2 = layers[0].dW, layers[2].dW
    red, fwd = _P3_CLASS[0], "#222222"
    pos_in = [(0.0, 2.8), (0.0, 0.0)]
    pos_hid = [(3.2, 2.8), (3.2, 0.0)]
    pos_out = (6.4, 1.4)
    fig, ax = new_figure(6.6, 3.8)
    label_box = {"facecolor": "white", "edgecolor": "none", "pad": 1.0}

    def number(value):
        return "0" if value == 0 else f"{value:.4f}"

    def edge(p, q, grad, at):
        ax.plot([p[0], q[0]], [p[1], q[1]], color="#bbbbbb", lw=1.4, zorder=1)
        ax.text(p[0] + at * (q[0] - p[0]), p[1] + at * (q[1] - p[1]), f"${number(grad)}$", fontsize=10,
                ha="center", va="center", color=red, bbox=label_box, zorder=2)

    for i, p in enumerate(pos_in):
        for j, q in enumerate(pos_hid):
            edge(p, q, dW1[i, j], 0.5 if i == j else 0.3)  # crossing edges labelled near their start
    for j, p in enumerate(pos_hid):
        edge(p, pos_out, dW2[j, 0], 0.5)

    def node(p, value, name):
        ax.add_patch(Circle(p, 0.56, facecolor="white", edgecolor=_P2_FUNC, lw=2, zorder=3))
        ax.text(p[0], p[1], value, ha="center", va="center", fontsize=10, color=fwd, zorder=4)
        ax.text(p[0], p[1] + 0.68, name, ha="center", va="bottom", fontsize=10, color="#555555", zorder=4)

    for i, p in enumerate(pos_in):
        node(p, f"${x[0, i]:g}$", f"$x_{i + 1}$")
    for j, p in enumerate(pos_hid):
        node(p, f"${hidden[j]:.4f}$", f"$h_{j + 1}$")
        ax.text(p[0], p[1] - 0.68, f"$\\partial L/\\partial h_{j + 1} = {dh[0, j]:.4f}$\n"
                f"$\\partial L/\\partial a_{{1,{j + 1}}} = {dz[0, j]:.4f}$", ha="center", va="top", fontsize=10,
                color=red, linespacing=1.5, bbox=label_box, zorder=4)
    node(pos_out, f"${y:.4f}$", f"$y,\\ t = {t[0, 0]:g}$")
    ax.text(pos_out[0], pos_out[1] - 0.68, f"$\\partial L/\\partial y = {dy[0, 0]:.4f}$\n"
            f"$\\partial L/\\partial a_2 = {da[0, 0]:.4f}$", ha="center", va="top", fontsize=10, color=red,
            linespacing=1.5, bbox=label_box, zorder=4)
    ax.set_xlim(-0.7, 7.7)
    ax.set_ylim(-1.5, 3.7)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


# ---------------------------------------------------------------------------------------------
# Appendix — A1 digits, A2 performance: figures drawn from the committed benchmark results
# (benchmarks/results/*.json, written by benchmarks/bench_*.py), so the book shows measured numbers
# without measuring at build time.
# ---------------------------------------------------------------------------------------------

import json  # noqa: E402  (the appendix figures read JSON result files)
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

BENCHMARK_RESULTS = Path(__file__).resolve().parents[2] / "benchmarks" / "results"


def _benchmark_result(name: str) -> dict:
    path = BENCHMARK_RESULTS / name
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run the benchmark script in benchmarks/ with --write (from a checkout)")
    return json.loads(path.read_text())


@figure("a1-digits", narrow=True)
def digits_images() -> Figure:
    """The first ten training images of ``load_digits`` as 8 x 8 pictures (0 white, 1 black), label above."""
    from nnbook.datasets import load_digits

    data = load_digits()  # the page's split (seed 0)
    count = 10
    if is_narrow():  # phones: two rows of five
        fig = _figure(figsize=(NARROW_WIDTH * 0.8, 2.6))
        grid = fig.subplots(2, count // 2)
        axes = grid.ravel()
    else:
        fig, axes = new_figure(6.0, 1.55, ncols=count)
    for ax, image, label in zip(axes, data.X_train[:count], data.t_train[:count]):
        ax.imshow(image.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
        ax.set_title(f"${label}$", fontsize=13)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout(w_pad=0.4)
    return fig


@figure("a1-digits-loss")
def digits_loss() -> Figure:
    """Training loss per epoch on the digits: nnbook (SGD) and scikit-learn's MLPClassifier (Adam)."""
    rows = _benchmark_result("digits.json")["rows"]
    fig, ax = new_figure(5.0, 3.0)
    styles = {"nnbook": ("C0", "-"), "scikit-learn": ("C1", "--")}
    for row in rows:
        if "float32" in row["model"]:
            continue  # the float32 curve lies on the float64 one
        engine = row["model"].split()[0]
        color, line = styles[engine]
        label = "nnbook (SGD)" if engine == "nnbook" else "MLPClassifier (Adam)"
        epochs = np.arange(1, len(row["losses"]) + 1)
        ax.plot(epochs, row["losses"], line, color=color, label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("$L$")
    ax.legend(frameon=False)
    ax.grid(True, which="major", alpha=0.3)
    return fig


@figure("a2-step-times", narrow=True)
def step_times() -> Figure:
    """Time of one training step per network, batch and dtype: nnbook, PyTorch and the matrix products alone."""
    report = _benchmark_result("step.json")
    configs = report["configs"]
    engines = [("nnbook", "nnbook", "C0"), ("torch", "PyTorch", "C1"), ("floor", "floor", "0.6")]
    engines = [e for e in engines if all(e[0] in report["seconds"][k] for k in configs)]
    fig, ax = new_figure(3.6 if is_narrow() else 5.5, 0.45 * len(configs) + 1.0)  # narrow: long tick labels
    height = 0.8 / len(engines)
    for j, (key, label, color) in enumerate(engines):
        times_ms = [report["seconds"][k][key] * 1e3 for k in configs]
        positions = np.arange(len(configs)) + (j - (len(engines) - 1) / 2) * height
        ax.barh(positions, times_ms, height=height, color=color, label=label)
    names = [k.replace("/", "  ", 1).replace("/float", "  f") for k in configs]  # "784-256-10  128  f32"
    small = 10 if is_narrow() else 8  # on a phone the labels stay >= 10 px
    ax.set_yticks(np.arange(len(configs)), names, fontsize=small)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("ms")
    ax.legend(frameon=False, fontsize=small, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(engines))
    ax.grid(True, axis="x", which="major", alpha=0.3)
    return fig

"""The book's figures (nnbook.plot): the primer's slope figure and the registry it is drawn through."""

from __future__ import annotations

import pytest

plot = pytest.importorskip("nnbook.plot")  # the optional extra `plot` (matplotlib)


def test_secant_slopes_of_x_squared_approach_the_derivative():
    # (f(1 + h) - f(1)) / h = 2 + h for f(x) = x^2: the primer's table and figure
    slopes = plot.secant_slopes(lambda x: x * x, 1.0, [1.0, 0.5, 0.1, 1e-6])
    assert slopes == pytest.approx([3.0, 2.5, 2.1, 2.000001], abs=1e-9)


def test_secant_slopes_of_a_line_are_its_slope_everywhere():
    assert plot.secant_slopes(lambda x: 2 * x + 1, -3.0, [4.0, 0.25]) == pytest.approx([2.0, 2.0])


def test_the_slope_figure_is_registered_and_renders_the_same_svg_every_time():
    assert "math-slope" in plot.FIGURES
    first, second = plot.render_svg("math-slope"), plot.render_svg("math-slope")
    assert first.lstrip().startswith("<?xml") and "<svg" in first
    assert first == second  # no date, no random ids: the build's output does not churn


def test_importing_and_drawing_leave_pyplot_and_the_readers_backend_alone():
    # A reader's Jupyter kernel has its own backend (MPLBACKEND, set by ipykernel): a library does not
    # switch it, nor import pyplot (figures made by pyplot stay in its registry until closed). The figures
    # come out the same whatever the backend. A fresh process: the other tests' imports would hide it.
    import json
    import os
    import subprocess
    import sys

    code = """if True:
        import json, sys
        import matplotlib
        import nnbook.plot
        imported = 'matplotlib.pyplot' in sys.modules
        svg = nnbook.plot.render_svg('math-slope')
        print(json.dumps([imported, 'matplotlib.pyplot' in sys.modules, matplotlib.get_backend(), svg]))
    """
    env = {**os.environ, "MPLBACKEND": "pdf"}  # a backend that is not Agg
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    after_import, after_drawing, backend, svg = json.loads(done.stdout)
    assert (after_import, after_drawing) == (False, False)
    assert backend == "pdf"
    assert svg == plot.render_svg("math-slope")


def test_an_unknown_figure_name_is_refused_with_the_known_names():
    with pytest.raises(KeyError, match="math-slope"):
        plot.render_svg("no-such-figure")


def test_the_two_paths_graph_adds_the_derivatives_arriving_at_b():
    # f = (a + b) b = ab + b^2: df/da = b, df/db = a + 2b, the two arrivals at b being s and b
    g = plot.two_paths_gradients(2.0, 3.0)
    assert (g["s"], g["f"], g["df/da"]) == (5.0, 15.0, 3.0)
    assert (g["df/db direct"], g["df/db via s"], g["df/db"]) == (5.0, 3.0, 8.0)
    g = plot.two_paths_gradients(-1.5, 0.5)
    assert g["df/da"] == pytest.approx(0.5) and g["df/db"] == pytest.approx(-1.5 + 2 * 0.5)


def test_the_two_paths_figure_renders():
    assert "<svg" in plot.render_svg("math-two-paths")


# What a reader sees: the SVGs the site's build drew (hooks/figures.py, assets/figures/NAME.svg and, for a
# figure with a phone layout, NAME.narrow.svg), read rather than drawn again. An <img> of an SVG wider than
# its column is scaled down to it; 1 pt = 4/3 CSS px. Each SVG states its smallest text
# (``data-smallest-text-pt``, written by render_svg) and its width, the tight box with its padding.
# Phones: a 390-px screen leaves Material's content column 358 CSS px wide.
PHONE_COLUMN_PX = 358
# Desktops: at a 1280-px window Material's content column is 748 CSS px wide (measured in Chromium,
# chapter 3); the wide layout of every figure keeps its text >= 10 px there (five panels in one row
# did not: 8.5 px, so chapter 3's two five-panel figures use two rows).
DESKTOP_COLUMN_PX = 748


def _smallest_text_shown(site, name: str, narrow: bool, column_px: float) -> float:
    """Smallest text, in CSS px, of the built SVG of ``name`` shown in a column ``column_px`` wide."""
    import re

    svg = (site / "assets" / "figures" / f"{name}{'.narrow' if narrow else ''}.svg").read_text("utf-8")
    tag = svg[svg.index("<svg ") : svg.index(">", svg.index("<svg "))]
    smallest = float(re.search(r'\bdata-smallest-text-pt="([\d.]+)"', tag)[1])
    width_px = float(re.search(r'\bwidth="([\d.]+)pt"', tag)[1]) * 4 / 3
    return smallest * 4 / 3 * min(1.0, column_px / width_px)


@pytest.mark.parametrize("name", sorted(plot.FIGURES))
def test_every_figure_is_legible_on_a_phone(site, name):
    px = _smallest_text_shown(site, name, name in plot.NARROW, PHONE_COLUMN_PX)
    assert px >= 10, f"{name}: smallest text {px:.1f} px on a 390-px phone (needs >= 10)"


@pytest.mark.parametrize("name", sorted(plot.FIGURES))
def test_every_figure_is_legible_on_a_desktop(site, name):
    px = _smallest_text_shown(site, name, False, DESKTOP_COLUMN_PX)
    assert px >= 10, f"{name}: smallest text {px:.1f} px in a 1280-px window's column (needs >= 10)"


def test_the_five_panel_figures_use_two_rows_on_a_desktop_and_one_column_on_a_phone():
    for name in ("03-xor-wall", "03-and-epochs"):
        wide, narrow = plot.draw(name), plot.draw(name, narrow=True)
        rows = {r for a in wide.axes for r in a.get_subplotspec().rowspan}
        assert len(wide.axes) == 5 and rows == {0, 1}, name
        assert [list(a.get_subplotspec().rowspan) for a in narrow.axes] == [[0], [1], [2], [3], [4]], name
        assert narrow.get_figwidth() <= plot.NARROW_WIDTH, name


def test_a_narrow_layout_stacks_the_panels_and_is_at_most_narrow_width_wide():
    wide, narrow = plot.draw("02-gate-lines"), plot.draw("02-gate-lines", narrow=True)
    assert [a.get_subplotspec().get_geometry()[:2] for a in wide.axes] == [(1, 3)] * 3
    assert [a.get_subplotspec().get_geometry()[:2] for a in narrow.axes] == [(3, 1)] * 3
    assert narrow.get_figwidth() <= plot.NARROW_WIDTH
    assert not plot.is_narrow()  # the flag does not leak into the next figure
    with pytest.raises(ValueError, match="no narrow layout"):
        plot.draw("02-perceptron", narrow=True)


def test_the_svg_states_its_smallest_text():
    svg = plot.render_svg("02-perceptron")  # node labels 15 pt, edge labels 12 pt, the formula 12 pt
    assert '<svg data-smallest-text-pt="12" ' in svg


def test_a_transparent_figure_has_no_background():
    import re

    def backgrounds(svg):  # the figure's own patch is the first path, filled (white) unless transparent
        first = re.search(r'<g id="patch_1">\s*<path d="[^"]*"\s*style="([^"]*)"', svg)
        return first.group(1) if first else ""

    assert "fill: #ffffff" in backgrounds(plot.render_svg("math-slope"))
    transparent = plot.render_svg("math-slope", transparent=True)
    assert backgrounds(transparent) == "fill: none"


def _drawn(name):
    fig = plot.draw(name)
    fig.canvas.draw()
    return fig


def _texts(fig):
    import matplotlib.text

    return {t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_visible()}


def test_the_error_history_labels_its_axes():
    ax = _drawn("03-error-history").axes[0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("epoch", "errors")


@pytest.mark.parametrize("name", ["02-gate-lines", "03-xor-wall", "03-and-epochs", "04-hidden-space",
                                  "05-linear-vs-nonlinear", "11-decision-boundary"])
def test_points_of_0_and_1_are_open_squares_and_filled_circles_everywhere(name):
    import numpy as np
    from matplotlib.collections import PathCollection
    from matplotlib.markers import MarkerStyle

    def shape(marker):  # the marker's outline, centred and scaled to [-1, 1]
        style = MarkerStyle(marker)
        v = style.get_transform().transform(style.get_path().vertices)
        return v / np.abs(v).max()

    shapes = {"o": shape("o"), "s": shape("s")}
    found = set()
    for ax in _drawn(name).axes:
        for points in (c for c in ax.collections if isinstance(c, PathCollection)):
            v = points.get_paths()[0].vertices
            v = v / np.abs(v).max()
            kind = next((k for k, p in shapes.items() if p.shape == v.shape and np.allclose(v, p)), "other")
            face = points.get_facecolor()[0]
            found.add((kind, "white" if np.allclose(face[:3], 1) else "filled"))
    assert found == {("o", "filled"), ("s", "white")}


def test_the_computational_graphs_draw_operations_as_boxes():
    from matplotlib.patches import Circle, FancyBboxPatch

    graph = _drawn("09-computational-graph").axes[0]
    assert not [p for p in graph.patches if isinstance(p, Circle)]
    assert len([p for p in graph.patches if isinstance(p, FancyBboxPatch)]) == 4  # x, +, sigma, loss
    narrow = plot.draw("09-computational-graph", narrow=True)
    # the phone layout shows the same boxes and the same numbers, in two rows
    assert len([p for p in narrow.axes[0].patches if isinstance(p, FancyBboxPatch)]) == 4
    assert _texts(narrow) == _texts(_drawn("09-computational-graph"))
    rows = {round(p.get_y(), 1) for p in narrow.axes[0].patches if isinstance(p, FancyBboxPatch)}
    assert len({r > 2.5 for r in rows}) == 2, rows
    primer = _drawn("math-two-paths").axes[0]
    assert len([p for p in primer.patches if isinstance(p, FancyBboxPatch)]) == 2  # +, x
    assert len([p for p in primer.patches if isinstance(p, Circle)]) == 2  # the values a, b


def test_the_forward_pass_network_names_its_gates():
    assert {"NAND", "OR", "AND"} <= _texts(_drawn("08-xor-network"))


def test_the_loss_curves_mark_ln2_and_half_ln2():
    import math

    ax = _drawn("11-loss-curve").axes[0]
    levels = sorted(line.get_ydata()[0] for line in ax.get_lines() if line.get_linestyle() == ":")
    assert levels == pytest.approx([math.log(2) / 2, math.log(2)])


def test_the_digits_figure_shows_ten_training_images_with_their_labels():
    pytest.importorskip("sklearn")
    from nnbook.datasets import load_digits

    fig = _drawn("a1-digits")
    assert [ax.get_title() for ax in fig.axes] == [f"${t}$" for t in load_digits().t_train[:10]]
    assert all(ax.images[0].get_array().shape == (8, 8) for ax in fig.axes)


def test_the_backward_by_hand_figure_shows_the_gradients_of_chapter_10s_table():
    # chapter 10's table: unscaled XOR network, input (1, 0), target 1, BCE
    texts = _texts(_drawn("10-xor-backward"))
    assert {"$0.4366$", "$-0.1324$", "$-0.3507$", "$0$"} <= texts
    assert any("-2.2906" in s and "-0.5634" in s for s in texts)  # dL/dy and dL/da under the output

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


# Phones: a 390-px screen leaves Material's content column 358 CSS px wide; an SVG wider than that is
# scaled down to it. 1 pt = 4/3 px. These figures have no narrow layout and are still drawn too small
# on a phone (diagrams whose text would collide in a narrower drawing); the test keeps the list honest.
PHONE_COLUMN_PX = 358
TOO_SMALL_ON_PHONES = {"04-xor-network", "09-computational-graph"}


def _smallest_text_on_a_phone(fig) -> float:
    """Smallest text of ``fig`` in CSS px when its SVG is shown in a phone's column."""
    import matplotlib.text

    fig.canvas.draw()
    width_px = fig.get_tightbbox(fig.canvas.get_renderer()).width * 96
    sizes = [t.get_fontsize() for t in fig.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text().strip()]
    return min(sizes) * 4 / 3 * min(1.0, PHONE_COLUMN_PX / width_px)


@pytest.mark.parametrize("name", sorted(plot.FIGURES))
def test_every_figure_is_legible_on_a_phone(name):
    import matplotlib.pyplot as plt

    fig = plot.draw(name, narrow=name in plot.NARROW)
    try:
        px = _smallest_text_on_a_phone(fig)
    finally:
        plt.close(fig)
    if name in TOO_SMALL_ON_PHONES:
        assert px < 10, f"{name} is legible on phones now ({px:.1f} px): remove it from TOO_SMALL_ON_PHONES"
    else:
        assert px >= 10, f"{name}: smallest text {px:.1f} px on a 390-px phone (needs >= 10)"


def test_a_narrow_layout_stacks_the_panels_and_is_at_most_narrow_width_wide():
    import matplotlib.pyplot as plt

    wide, narrow = plot.draw("02-gate-lines"), plot.draw("02-gate-lines", narrow=True)
    try:
        assert [a.get_subplotspec().get_geometry()[:2] for a in wide.axes] == [(1, 3)] * 3
        assert [a.get_subplotspec().get_geometry()[:2] for a in narrow.axes] == [(3, 1)] * 3
        assert narrow.get_figwidth() <= plot.NARROW_WIDTH
    finally:
        plt.close(wide)
        plt.close(narrow)
    assert not plot.is_narrow()  # the flag does not leak into the next figure
    with pytest.raises(ValueError, match="no narrow layout"):
        plot.draw("02-perceptron", narrow=True)


def test_a_transparent_figure_has_no_background():
    import re

    def backgrounds(svg):  # the figure's own patch is the first path, filled (white) unless transparent
        first = re.search(r'<g id="patch_1">\s*<path d="[^"]*"\s*style="([^"]*)"', svg)
        return first.group(1) if first else ""

    assert "fill: #ffffff" in backgrounds(plot.render_svg("math-slope"))
    transparent = plot.render_svg("math-slope", transparent=True)
    assert backgrounds(transparent) == "fill: none"

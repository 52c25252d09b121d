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

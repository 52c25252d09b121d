"""Chapter 2's slider widget (assets/javascripts/perceptron-slider.js) in a real browser, in both languages.

Sliders moved (by keyboard and by value) and presets pressed; after each, the truth table, the point
markers (filled circle = 1, open square = 0), the line and the shaded side must be what nnbook's
Perceptron computes for those numbers. The widget works in tenths (integers: the sliders' step is 0.1),
so the expected values come from ``Perceptron(10 * w, 10 * b)``, which gives the same outputs as
``Perceptron(w, b)`` (chapter 2, exercise 3) but without rounding: 0.1 + 0.2 - 0.3 is 5.6e-17 in floats,
and an input exactly on the line must give step(0) = 0. Also: no third-party request and no console error,
the widget stays hidden without JavaScript (the static figure is there), it works from a file:// URL, and
it fits a 390-px phone in the light and the dark scheme. Screenshots go to screenshots/ (git-ignored).

Uses the site and the browser of tests/test_browser.py (NNBOOK_SITE_DIR=<dir> tests a built site).
"""

from __future__ import annotations

import numpy as np
import pytest

from test_browser import (  # noqa: F401 (browser, server: fixtures)
    PHONE, SCHEMES, SCREENSHOTS, Watched, browser, server, set_scheme)

from nnbook import GATE_PARAMS, Perceptron, step

PAGES = {"ja": "/02-perceptron/", "en": "/en/02-perceptron/"}
LABELS = {"ja": ["重み", "重み", "バイアス"], "en": ["weight", "weight", "bias"]}
X = np.array([[0, 0], [1, 0], [0, 1], [1, 1]])  # the chapter's order
LIM = (-0.45, 1.45)  # the square the widget draws (as nnbook.plot's figures)
PLOT, LEFT, TOP = 200, 34, 8  # the script's layout, to read positions back as (x1, x2)

STATE = """() => {
  const w = document.querySelector('.nn-slider');
  const plot = w.querySelector('svg[data-role=plot] svg');
  const line = plot.querySelector('.nn-slider__line');
  const region = plot.querySelector('.nn-slider__region');
  return {
    hidden: w.hidden || getComputedStyle(w).display === 'none',
    values: [...w.querySelectorAll('input[data-param]')].map(i => i.value),
    shown: [...w.querySelectorAll('output[data-for]')].map(o => o.textContent),
    labels: [...w.querySelectorAll('label')].map(l => l.querySelector('span').textContent),
    rows: [...w.querySelectorAll('tbody[data-role=table] tr')].map(tr => [...tr.cells].map(td => td.textContent)),
    marks: [...w.querySelectorAll('[data-input]')].map(m => {
      const box = m.getBBox();
      return {input: m.dataset.input, tag: m.tagName, cls: m.getAttribute('class'), fill: getComputedStyle(m).fill,
              stroke: getComputedStyle(m).stroke, cx: box.x + box.width / 2, cy: box.y + box.height / 2};
    }),
    line: line ? ['x1', 'y1', 'x2', 'y2'].map(k => parseFloat(line.getAttribute(k))) : null,
    region: region ? region.getAttribute('points').trim().split(/\\s+/).map(p => p.split(',').map(Number)) : null,
    gate: w.querySelector('[data-role=status]').dataset.gate,
    status: w.querySelector('[data-role=status]').textContent,
    equation: w.querySelector('[data-role=equation]').textContent,
    noline: w.querySelector('[data-msg=noline]').textContent,
    pressed: [...w.querySelectorAll('button[data-gate]')].filter(b => b.getAttribute('aria-pressed') === 'true')
      .map(b => b.dataset.gate),
  };
}"""


def data(u: float) -> float:
    """A position in the plot (SVG units inside the square) as a coordinate x1 or x2."""
    return LIM[0] + u / PLOT * (LIM[1] - LIM[0])


def shown(tenths: float) -> str:
    """How the widget writes a number held in tenths: one decimal, a true minus sign."""
    return ("\u2212" if tenths < 0 else "") + f"{abs(tenths) / 10:.1f}"


def expected(w1: float, w2: float, b: float) -> tuple[list[int], list[float]]:
    """nnbook's outputs and pre-activations (in tenths) for the four inputs."""
    t = [round(10 * v) for v in (w1, w2, b)]
    p = Perceptron(w=t[:2], b=t[2])
    return [int(y) for y in p.predict(X)], [float(a) for a in p.preactivation(X)]


def check_state(s: dict, w1: float, w2: float, b: float) -> None:
    ys, a = expected(w1, w2, b)
    assert not s["hidden"]
    assert [float(v) for v in s["values"]] == pytest.approx([w1, w2, b])
    assert s["shown"] == [shown(round(10 * v)) for v in (w1, w2, b)]
    assert s["rows"] == [[str(x1), str(x2), shown(ak), str(y)] for (x1, x2), ak, y in zip(X, a, ys)], (w1, w2, b)
    marks = {m["input"]: m for m in s["marks"]}
    assert sorted(marks) == ["0,0", "0,1", "1,0", "1,1"]
    for (x1, x2), y in zip(X, ys):
        m = marks[f"{x1},{x2}"]
        assert (m["tag"], m["cls"]) == (("circle", "nn-slider__one") if y else ("rect", "nn-slider__zero")), (w1, w2, b, m)
        # at the input's place in the square
        assert (data(m["cx"] - LEFT), data(PLOT - (m["cy"] - TOP))) == pytest.approx((x1, x2), abs=1e-6)
    ones = [m for m in s["marks"] if m["tag"] == "circle"]
    zeros = [m for m in s["marks"] if m["tag"] == "rect"]
    assert all(m["fill"] == ones[0]["fill"] for m in ones) and all(m["fill"] != m["stroke"] for m in zeros)
    if ones and zeros:
        assert zeros[0]["fill"] != ones[0]["fill"], "an open square must not look like a filled circle"
    t1, t2, tb = (round(10 * v) for v in (w1, w2, b))
    if t1 == t2 == 0:  # no line: the square is one colour, shaded only if every output is 1
        assert s["line"] is None and s["equation"] == s["noline"]
        assert (s["region"] is not None) == (tb > 0) == all(ys)
    else:  # both ends of the drawn segment lie on w1*x1 + w2*x2 + b = 0
        assert s["equation"].endswith(" = 0") and shown(tb).lstrip("\u2212") in s["equation"]
        u1, v1, u2, v2 = s["line"]
        for u, v in ((u1, v1), (u2, v2)):
            assert t1 * data(u) + t2 * data(PLOT - v) + tb == pytest.approx(0, abs=1e-6)
        # the shaded polygon lies on the side where the output is 1
        assert s["region"], (w1, w2, b)
        for u, v in s["region"]:
            assert t1 * data(u) + t2 * data(PLOT - v) + tb > -1e-2
    gates = [name for name in GATE_PARAMS if list(Perceptron(*GATE_PARAMS[name]).predict(X)) == ys]
    assert s["gate"] == (gates[0] if gates else ""), (w1, w2, b, s["status"])
    assert s["pressed"] == [n for n, ((g1, g2), gb) in GATE_PARAMS.items() if (g1, g2, gb) == (w1, w2, b)]


def set_sliders(page, w1: float, w2: float, b: float) -> None:
    for name, value in (("w1", w1), ("w2", w2), ("b", b)):
        page.locator(f'.nn-slider input[data-param="{name}"]').fill(f"{value:g}")


# Points on the line (output 0), no line at all, the float rounding case, and others.
CASES = [
    (1.0, 0.5, -0.5),   # the start: (0, 1) lies on the line
    (0.5, 0.5, -0.5),   # exercise 1: AND, with (1, 0) and (0, 1) on the line
    (0.1, 0.2, -0.3),   # (1, 1) on the line: 0.1 + 0.2 - 0.3 would be 5.6e-17 in floats
    (0.0, 0.0, 0.3),    # no line, every output 1, the whole square shaded
    (0.0, 0.0, 0.0),    # no line, a = 0 everywhere: every output 0
    (0.0, 0.0, -1.0),   # no line, every output 0
    (-2.0, 2.0, 0.0),   # a line through (0, 0), which is on it
    (1.5, -0.7, 0.2),
    (0.0, -1.3, 1.1),   # a horizontal line
    (2.0, 0.0, -1.9),   # a vertical line
]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_sliders_and_presets_show_what_nnbook_computes(browser, server, lang):  # noqa: F811
    watched = Watched(browser, server, viewport={"width": 1280, "height": 900})
    try:
        page = watched.goto(PAGES[lang])
        s = page.evaluate(STATE)
        assert s["labels"] == [f"{word} {sym}" for word, sym in zip(LABELS[lang], ["w1", "w2", "b"])]
        check_state(s, 1.0, 0.5, -0.5)  # the values the page's markup starts with
        for name in GATE_PARAMS:
            page.locator(f'.nn-slider button[data-gate="{name}"]').click()
            (w1, w2), b = GATE_PARAMS[name]
            s = page.evaluate(STATE)
            check_state(s, w1, w2, b)
            assert s["gate"] == name and s["pressed"] == [name]
            assert name in s["status"]
        for case in CASES:
            set_sliders(page, *case)
            check_state(page.evaluate(STATE), *case)
        # The keyboard moves a slider in steps of 0.1, and Home / End reach its ends.
        page.locator('.nn-slider button[data-gate="AND"]').click()
        slider = page.locator('.nn-slider input[data-param="b"]')
        slider.focus()
        for _ in range(5):
            page.keyboard.press("ArrowRight")
        check_state(page.evaluate(STATE), 1.0, 1.0, -1.0)  # (1, 0) and (0, 1) on the line: still AND
        page.keyboard.press("ArrowRight")
        check_state(page.evaluate(STATE), 1.0, 1.0, -0.9)  # now OR
        page.keyboard.press("End")
        check_state(page.evaluate(STATE), 1.0, 1.0, 2.0)
        page.keyboard.press("Shift+Tab")  # to w2
        page.keyboard.press("Home")
        check_state(page.evaluate(STATE), 1.0, -2.0, 2.0)
        # Tab reaches the three sliders and then the preset buttons, in order.
        page.locator('.nn-slider input[data-param="w1"]').focus()
        order = []
        for _ in range(5):
            order.append(page.evaluate("document.activeElement.dataset.param || document.activeElement.dataset.gate"))
            page.keyboard.press("Tab")
        assert order == ["w1", "w2", "b", "AND", "OR"]
        page.keyboard.press("Shift+Tab")  # back from NAND to OR, then to AND
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Enter")
        check_state(page.evaluate(STATE), 1.0, 1.0, -1.5)
        assert not watched.errors and not watched.foreign, watched.errors + watched.foreign
        SCREENSHOTS.mkdir(exist_ok=True)
        page.locator(".nn-slider").screenshot(path=str(SCREENSHOTS / f"slider-{lang}-light.png"))
    finally:
        watched.close()


def test_step_of_zero_is_zero():
    """The widget outputs 0 on the line because the book's step does: if step changes, so must the script."""
    assert step(0.0) == 0 and step(1e-300) == 1


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_widget_is_hidden_without_javascript(browser, server, lang):  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server + PAGES[lang], wait_until="load")
        assert page.evaluate("getComputedStyle(document.querySelector('.nn-slider')).display") == "none"
        assert page.locator('article img[src*="02-gate-lines"]').count() == 1  # the static figure stays
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_widget_works_from_a_file_url(browser, site, lang):
    """The page opened from disk (as the offline build is): the script needs no server and no request."""
    context = browser.new_context()
    try:
        page = context.new_page()
        errors, foreign = [], []
        # (Material's search worker of this, the online build, cannot load its index from file:// and
        # says so; the offline build fixes that: test_browser.py::test_offline_build_works_from_file_urls.)
        page.on("pageerror", lambda e: "search_index" not in str(e) and errors.append(str(e)))
        page.on("request", lambda r: not r.url.startswith(("file:", "data:", "blob:", "about:")) and foreign.append(r.url))
        page.goto((site / PAGES[lang].strip("/") / "index.html").as_uri(), wait_until="load")
        page.locator('.nn-slider button[data-gate="NAND"]').click()
        check_state(page.evaluate(STATE), -1.0, -1.0, 1.5)
        assert not errors and not foreign, errors + foreign
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_widget_fits_a_phone(browser, server, lang):  # noqa: F811
    """One load, read in the light scheme and again after the switch to the dark one (the attribute
    Material's toggle sets): it fits, and its squares and line take each scheme's colours."""
    watched = Watched(browser, server, **PHONE)
    try:
        page = watched.goto(PAGES[lang])
        page.locator('.nn-slider button[data-gate="OR"]').click()
        check_state(page.evaluate(STATE), 1.0, 1.0, -0.5)
        for scheme in SCHEMES:
            set_scheme(page, scheme)
            check_fit_and_colours(page, lang, scheme)
        assert not watched.errors and not watched.foreign, watched.errors + watched.foreign
    finally:
        watched.close()


def check_fit_and_colours(page, lang: str, scheme: str) -> None:
    fit = page.evaluate("""() => {
      const w = document.querySelector('.nn-slider'), r = w.getBoundingClientRect();
      // (inside the plot, the inner svg clips the line drawn beyond the square)
      const inner = [...w.querySelectorAll('*')].filter(e => e.getClientRects().length && !e.closest('svg[data-role=plot] svg'))
        .filter(e => { const b = e.getBoundingClientRect(); return b.right > r.right + 1 || b.left < r.left - 1; })
        .map(e => e.tagName + '.' + e.getAttribute('class') + ' ' + Math.round(e.getBoundingClientRect().left) + '..' + Math.round(e.getBoundingClientRect().right));
      const plot = w.querySelector('svg[data-role=plot]').getBoundingClientRect();
      const slider = w.querySelector('input[data-param=w1]').getBoundingClientRect();
      return {page: document.documentElement.scrollWidth, viewport: document.documentElement.clientWidth,
              outside: inner, plot: plot.width, slider: slider.width, sliderHeight: slider.height};
    }""")
    assert fit["page"] <= fit["viewport"] and not fit["outside"], (scheme, fit)
    assert fit["plot"] >= 200 and fit["slider"] >= 150, (scheme, fit)  # large enough to read and to drag
    # open squares are the page's background (dark in the dark scheme), the line its text colour
    colours = page.evaluate("""() => ({bg: getComputedStyle(document.body).backgroundColor,
      fg: getComputedStyle(document.querySelector('article')).color,
      zero: getComputedStyle(document.querySelector('.nn-slider__zero')).fill,
      line: getComputedStyle(document.querySelector('.nn-slider__line')).stroke})""")
    assert colours["zero"] == colours["bg"] and colours["line"] == colours["fg"], (scheme, colours)
    w = page.locator(".nn-slider")
    w.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(exist_ok=True)
    w.screenshot(path=str(SCREENSHOTS / f"slider-{lang}-{scheme}-390.png"))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_widget_stays_out_of_the_search_index(site, lang):
    """Its words (labels, messages with their {gate} placeholder) are not page text to search for
    (data-search-exclude on the widget's <section>; Material's search would index a div's rest)."""
    index = (site / ("" if lang == "ja" else "en") / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "{gate}" not in index and "nn-slider" not in index
    assert "02-perceptron/#decision-boundary" in index  # the section itself is indexed

"""hooks/a11y.py names the search dialog and the notebook figures in the page's language."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("a11y", ROOT / "hooks" / "a11y.py")
a11y = importlib.util.module_from_spec(spec)
spec.loader.exec_module(a11y)

PAGE = (f'<body>{a11y.SEARCH_DIALOG}<input></div><img {a11y.NBCONVERT_ALT} src="data:,"></body>')


def test_japanese_pages_get_japanese_names():
    html = a11y.label_page(PAGE, "ja")
    assert 'role="dialog" aria-label="サイト内検索"' in html
    assert 'alt="上のコードセルが描いた図"' in html and "No description" not in html


def test_english_pages_get_english_names():
    html = a11y.label_page(PAGE, "en")
    assert 'aria-label="Search this site"' in html and 'alt="Figure drawn by the code cell above"' in html

# tests/test_browser.py::test_every_page_names_its_search_dialog_and_figures checks the built site.


def test_the_404_pages_are_named_in_the_language_they_declare():
    page = f'<!doctype html>\\n<html lang="en" class="no-js"><body>{a11y.SEARCH_DIALOG}</div></body></html>'
    assert 'aria-label="Search this site"' in a11y.on_post_template(page, "404.html", None)
    assert a11y.on_post_template(page, "sitemap.xml", None) == page


def test_traceback_colours_get_a_darker_twin_with_enough_contrast():
    html = a11y.readable_colours('<span style="color: rgb(0,135,0)">return</span><span style="color: rgb(188,188,188)">x</span>')
    assert "style=\"color:" not in html
    for light in __import__("re").findall(r"--nnbook-fg: #([0-9a-f]{6})", html):
        rgb = tuple(int(light[i:i + 2], 16) for i in (0, 2, 4))
        assert a11y.contrast(rgb, a11y.LIGHT_BACKGROUND) >= 4.5
    darks = [tuple(map(int, d.split(","))) for d in __import__("re").findall(r"--nnbook-fg-dark: rgb\(([\d,]+)\)", html)]
    assert darks[1] == (188, 188, 188)  # enough on the dark scheme already: IPython's colour is kept
    assert darks[0] != (0, 135, 0)  # 3.4:1 on #1e2129: lightened
    for rgb in darks:
        assert all(a11y.contrast(rgb, b) >= 4.5 for b in a11y.DARK_BACKGROUNDS)


def test_the_light_scheme_colours_in_extra_css_have_4_5_to_1():
    """Every colour set in extra.css's contrast block (light scheme) reads at 4.5:1 on the code and cell
    background #f5f5f5, the darkest light background they sit on."""
    import re

    css = (ROOT / "docs/assets/stylesheets/extra.css").read_text(encoding="utf-8")
    block = css[css.index("---- Contrast (issue 17"):css.index("---- end of the contrast block")]
    colours = re.findall(r"\[data-md-color-scheme=\"default\"\][^{]*\{([^}]*)\}", block)
    hexes = [h for body in colours for h in re.findall(r":\s*#([0-9a-f]{6})", body)]
    rgbas = [float(a) for body in colours for a in re.findall(r"rgba\(0, 0, 0, ([0-9.]+)\)", body)]
    assert len(hexes) >= 10 and rgbas
    for h in hexes:
        assert a11y.contrast(tuple(int(h[i:i + 2], 16) for i in (0, 2, 4)), a11y.LIGHT_BACKGROUND) >= 4.5, h
    for alpha in rgbas:  # black at this opacity over #f5f5f5
        grey = round(0xF5 * (1 - alpha))
        assert a11y.contrast((grey,) * 3, a11y.LIGHT_BACKGROUND) >= 4.5, alpha

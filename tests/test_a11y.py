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

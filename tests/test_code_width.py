"""Code on the pages is at most 88 columns wide, so no code block scrolls sideways on a desktop screen.

Every fence of every page (both languages, inside admonitions and tabs too) is read the way the docs
tests read it (``nnbook_docs.scan_fences``); a CJK character counts two columns, as a monospace font draws
it. Shown output (``{.text .output}``) is what the code prints and is not checked. Code included from the
package with ``--8<--`` is checked separately: the listings still have wide lines, whose number may only
go down (``WIDE_LISTING_LINES_AT_MOST``).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from nnbook_docs import SnippetExpander, scan_fences, snippet_options

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "docs").glob("*/*.md"))
LIMIT = 88

# Included listings (package and benchmark sections) are being rewrapped: at most this many of their
# lines may be wider than LIMIT (51 on 2026-12-03); lower the number as they are fixed, down to 0.
WIDE_LISTING_LINES_AT_MOST = 0


def columns(line: str) -> int:
    """Width of ``line`` in a monospace font: East Asian wide and full-width characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def wide_lines(text: str, limit: int = LIMIT) -> list[tuple[int, int, str]]:
    """(line in the page, width, line) of each line of a code fence wider than ``limit``.

    Output fences and ``--8<--`` include lines are left out.
    """
    found = []
    for fence in scan_fences(text):
        if fence.is_output:
            continue
        for k, line in enumerate(fence.body.rstrip("\n").split("\n")):
            if "--8<--" not in line and columns(line) > limit:
                found.append((fence.line + 1 + k, columns(line), line))
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_code_lines_on_the_page_fit(page):
    wide = wide_lines(page.read_text(encoding="utf-8"))
    assert not wide, "\n".join(f"{page.relative_to(ROOT)}:{n}: {w} columns: {line}" for n, w, line in wide)


def test_included_listings_get_no_new_wide_lines():
    expander = SnippetExpander(snippet_options())
    wide = set()
    for page in PAGES:
        for fence in scan_fences(page.read_text(encoding="utf-8")):
            for include in (line.strip() for line in fence.body.split("\n") if "--8<--" in line):
                for line in expander.expand(include).split("\n"):
                    if columns(line) > LIMIT:
                        wide.add((include.split('"')[1], columns(line), line.strip()))
    listing = "\n".join(f"{where}: {width} columns: {line}" for where, width, line in sorted(wide))
    assert len(wide) <= WIDE_LISTING_LINES_AT_MOST, f"{len(wide)} wide lines in listings:\n{listing}"


def test_widths_count_cjk_characters_twice_and_skip_outputs_and_includes():
    assert columns("ab") == 2 and columns("学習") == 4
    page = "```python\n" + "x" * 89 + "\n# " + "学" * 44 + "\n--8<-- \"" + "y" * 90 + "\"\n```\n\n"
    page += "```{.text .output}\n" + "z" * 120 + "\n```\n"
    assert [(n, w) for n, w, _ in wide_lines(page)] == [(2, 89), (3, 90)]

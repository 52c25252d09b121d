"""MkDocs hook: shown output that reads as sentences wraps at the column's edge; output in columns scrolls.

A page's shown output (```` ```{.text .output} ````) is a ``<pre>``: each line stays one line, and a line
wider than the column scrolls sideways. That is right for arrays and tables, whose columns must stay
under each other, and wrong for an error message: 243 characters of one sentence in chapter 10 meant
scrolling through a one-line window to read it, on a desktop too. This hook gives an output block the
class ``nn-wrap`` when no line sets anything in columns, that is, when no line has two spaces in a row
after its indentation, and puts each of its lines in a ``<span class="nn-line">``. extra.css then wraps
those lines at spaces (and between Japanese characters) and indents the rows a line wraps onto. A
traceback's indented lines and numpy's one-space arrays wrap; numpy's aligned matrices and the book's
tables keep scrolling.

Upstream: neither Material nor pymdownx's highlighting can wrap one code block and not another.
"""

from __future__ import annotations

import html
import re

# pymdownx renders a ```{.text .output} fence as this, one line anchor at the start of each line.
OUTPUT = re.compile(r'<div class="output highlight">(<pre><span></span><code>)(.*?)(</code></pre>)', re.S)
ANCHOR = re.compile(r"((?:<a [^>]*></a>)*)(.*)", re.S)


def reads_as_sentences(text: str) -> bool:
    """True when no line sets anything in columns (two spaces in a row after its indentation)."""
    return all("  " not in line.strip() for line in text.split("\n"))


def mark(html_page: str) -> str:
    def one(m: re.Match) -> str:
        lines = [ANCHOR.fullmatch(line).groups() for line in m[2].split("\n")]
        # Shown output is plain text; a line with markup in it is left alone (only a guard).
        if any("<" in text for _, text in lines) or not reads_as_sentences(
                "\n".join(html.unescape(text) for _, text in lines)):
            return m[0]
        body = "\n".join(f'{anchor}<span class="nn-line">{text}</span>' if text else anchor
                         for anchor, text in lines)
        return f'<div class="output nn-wrap highlight">{m[1]}{body}{m[3]}'

    return OUTPUT.sub(one, html_page)


def on_page_content(html_page: str, page, config, files) -> str:
    return mark(html_page)

"""MkDocs hook: shown output that reads as sentences wraps at the column's edge; output in columns scrolls.

A page's shown output (```` ```{.text .output} ````) is a ``<pre>``: each line stays one line, and a line
wider than the column scrolls sideways. That is right for arrays and tables, whose columns must stay
under each other, and wrong for an error message: 243 characters of one sentence in chapter 10 meant
scrolling through a one-line window to read it, on a desktop too. This hook gives an output block the
class ``nn-wrap`` when no line sets anything in columns, that is, when no line has two spaces in a row
after its indentation, and puts each of its lines in a ``<span class="nn-line">``. extra.css then wraps
those lines at spaces and indents the rows a line wraps onto. A traceback's indented lines and numpy's
one-space arrays wrap; numpy's aligned matrices and the book's tables keep scrolling.

Upstream: neither Material nor pymdownx's highlighting can wrap one code block and not another.
"""

from __future__ import annotations

import html
import re

OUTPUT = re.compile(r'<div class="output highlight">(<pre>.*?</pre>)', re.S)
TAG = re.compile(r"<[^>]+>")
CODE = re.compile(r"(<code>)(.*?)(</code>)", re.S)
ANCHOR = re.compile(r'((?:<a [^>]*></a>)*)(.*)', re.S)  # pymdownx's line anchor, then the line


def reads_as_sentences(text: str) -> bool:
    """True when no line sets anything in columns (two spaces in a row after its indentation)."""
    return all("  " not in line.strip() for line in text.split("\n"))


def hang(pre: str) -> str:
    """Each line of the block in a ``<span class="nn-line">``: extra.css indents the rows a line wraps
    onto, so that they do not read as lines of their own. A block with markup inside a line is left
    as it is (shown output is plain text; this is only a guard)."""
    def lines(m: re.Match) -> str:
        out = []
        for line in m[2].split("\n"):
            anchor, text = ANCHOR.fullmatch(line).groups()
            if "<" in text:
                return m[0]
            out.append(f'{anchor}<span class="nn-line">{text}</span>' if text else line)
        return m[1] + "\n".join(out) + m[3]

    return CODE.sub(lines, pre, count=1)


def mark(html_page: str) -> str:
    def one(m: re.Match) -> str:
        text = html.unescape(TAG.sub("", m[1]))
        if not reads_as_sentences(text):
            return m[0]
        return f'<div class="output nn-wrap highlight">{hang(m[1])}'

    return OUTPUT.sub(one, html_page)


def on_page_content(html_page: str, page, config, files) -> str:
    return mark(html_page)

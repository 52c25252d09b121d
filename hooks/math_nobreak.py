r"""MkDocs hook: punctuation written right after inline math stays on the formula's line.

The gap it fills: KaTeX typesets an inline formula as a row of inline-blocks, and Chromium (like the
other browsers) may break the line after the last of them even when a comma, a full stop, a closing
quote or 「、」「。」 follows with no space. The punctuation then starts the next line alone
("change in $y$ over change in $x$" followed by `”.`; 「… $n_{\mathrm{in}} \times n_{\mathrm{out}}$」 then a
line beginning with 、). Neither Python-Markdown, pymdownx.arithmatex, KaTeX nor Material joins them, and
CSS cannot select "the text after this span". This hook wraps the formula and the punctuation that
touches it (and an opening bracket or quote written right before it) in ``<span class="nn-nobr">``,
which extra.css sets ``white-space: nowrap``: the pair then moves to the next line as one word would.

Only a short formula is joined (``MAX_JOINED`` visible symbols, well under half a phone's 358-px
column): the joint forbids the breaks KaTeX allows inside the formula too (Chromium breaks after the
formula's closing tags whenever they are ``normal``; a ``normal`` formula inside a ``nowrap`` joint
still let the punctuation wrap alone, measured at 390 and 1280 px), and a long formula must stay
breakable on a phone.

It runs on the page HTML before hooks/katex_render.py, while a formula is still
``<span class="arithmatex">\(…\)</span>``; ``<pre>`` blocks are never touched.
"""

from __future__ import annotations

import re

# Closing punctuation that must not begin a line: ASCII and full-width, closing brackets and quotes,
# as characters or as the entities Python-Markdown's smarty writes.
_CLOSE_CHARS = r",.;:!?)\]}、。，．；：！？）」』】〕〉》”’\"'…"
_OPEN_CHARS = r"(\[「『【〔〈《“‘"
CLOSE = rf"(?:[{_CLOSE_CHARS}]|&(?:rdquo|rsquo|quot|#39|#8221|#8217|hellip);)"
OPEN = rf"(?:[{_OPEN_CHARS}]|&(?:ldquo|lsquo|#8220|#8216);)"
MATH = r'<span class="arithmatex">\\\((?P<tex>.*?)\\\)</span>'
JOINT = re.compile(rf"(?P<open>{OPEN}*)(?P<math>{MATH})(?P<close>{CLOSE}*)", re.S)
PRE = re.compile(r"(<pre[\s>].*?</pre>)", re.S)


MAX_JOINED = 16
# Commands that set how symbols look, not symbols themselves.
_STYLE = re.compile(r"\\(?:math(?:rm|bf|it|sf|tt|cal|bb)|text(?:rm|bf|it)?|operatorname|boldsymbol|left|right|"
                    r"[bB]igg?[lr]?|displaystyle|textstyle|[,;:!]|quad|qquad)(?![a-zA-Z])")


def visible_length(tex: str) -> int:
    """About how many symbols the formula shows: each command such as ``\\sigma`` counts one."""
    tex = _STYLE.sub("", tex.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
    tex = re.sub(r"\\[a-zA-Z]+|\\.", "x", tex)
    return len(re.sub(r"[\s{}_^]", "", tex))


def _joint(m: re.Match) -> str:
    if not m["open"] and not m["close"] or visible_length(m["tex"]) > MAX_JOINED:
        return m[0]
    return f'<span class="nn-nobr">{m[0]}</span>'


def join_math_punctuation(html: str) -> str:
    parts = PRE.split(html)
    # Odd indexes are the <pre> blocks kept by the capturing group.
    return "".join(part if k % 2 else JOINT.sub(_joint, part) for k, part in enumerate(parts))


def on_page_content(html: str, page, config, files) -> str:
    return join_math_punctuation(html)

"""MkDocs hook: punctuation written right after inline math stays on the formula's line.

The gap it fills: KaTeX typesets an inline formula as a row of inline-blocks, and Chromium (like the
other browsers) may break the line after the last of them even when a comma, a full stop, a closing
quote or 「、」「。」 follows with no space. The punctuation then starts the next line alone
("change in $y$ over change in $x$" followed by `".`; 「$\\partial L/\\partial Y$ と $W^{\\top}$」 then a line
beginning with 、). Neither Python-Markdown, pymdownx.arithmatex, KaTeX nor Material joins them, and
CSS cannot select "the text after this span". This hook wraps the formula and the punctuation that
touches it (and an opening bracket or quote written right before it) in ``<span class="nn-nobr">``;
extra.css gives that span ``white-space: nowrap`` and the formula inside it ``normal`` again, so the
line may still break inside a long formula but not at the joint (CSS Text 3: a soft wrap opportunity
is governed by the nearest common ancestor of the two sides).

It runs on the page HTML before hooks/katex_render.py, while a formula is still
``<span class="arithmatex">\\(…\\)</span>``; ``<pre>`` blocks are never touched.
"""

from __future__ import annotations

import re

# Closing punctuation that must not begin a line: ASCII and full-width, closing brackets and quotes,
# as characters or as the entities Python-Markdown's smarty writes.
_CLOSE_CHARS = r",.;:!?)\]}、。，．；：！？）」』】〕〉》”’\"'…"
_OPEN_CHARS = r"(\[「『【〔〈《“‘"
CLOSE = rf"(?:[{_CLOSE_CHARS}]|&(?:rdquo|rsquo|quot|#39|#8221|#8217|hellip);)"
OPEN = rf"(?:[{_OPEN_CHARS}]|&(?:ldquo|lsquo|#8220|#8216);)"
MATH = r'<span class="arithmatex">\\\(.*?\\\)</span>'
JOINT = re.compile(rf"(?P<open>{OPEN}*)(?P<math>{MATH})(?P<close>{CLOSE}*)", re.S)
PRE = re.compile(r"(<pre[\s>].*?</pre>)", re.S)


def _joint(m: re.Match) -> str:
    if not m["open"] and not m["close"]:
        return m[0]
    return f'<span class="nn-nobr">{m[0]}</span>'


def join_math_punctuation(html: str) -> str:
    parts = PRE.split(html)
    # Odd indexes are the <pre> blocks kept by the capturing group.
    return "".join(part if k % 2 else JOINT.sub(_joint, part) for k, part in enumerate(parts))


def on_page_content(html: str, page, config, files) -> str:
    return join_math_punctuation(html)

"""MkDocs hook: a line break between two Japanese characters in the Markdown source adds no space.

Markdown turns a soft line break into a space, which is right between English words and wrong in
Japanese: 「重みを\n選ぶ」 would show as 「重みを 選ぶ」. Browsers do not drop that space for Japanese
(CSS Text 3 leaves segment-break transformation for CJK to the user agent; Chromium and Firefox keep
it: w3c/csswg-drafts#337). This hook removes the newline between two CJK characters in the rendered
HTML, outside <pre> blocks (code is never touched). A break next to a Latin letter or digit keeps its
space, as in 「NumPy だけ」.
"""

from __future__ import annotations

import re

CJK = "\u3000-\u303f\u3040-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff60"
BREAK = re.compile(rf"(?<=[{CJK}])[ \t]*\n[ \t]*(?=[{CJK}])")
PRE = re.compile(r"(<pre[\s>].*?</pre>)", re.S)


def join_cjk_lines(html: str) -> str:
    parts = PRE.split(html)
    # Odd indexes are the <pre> blocks kept by the capturing group.
    return "".join(part if k % 2 else BREAK.sub("", part) for k, part in enumerate(parts))


def on_page_content(html: str, page, config, files) -> str:
    return join_cjk_lines(html)

"""MkDocs hook: the chapters' figures carry their size, so the page does not shift as they load.

``<img src=".../assets/figures/NAME.svg">`` (and the phone ``<source>`` that hooks/figures.py puts in a
``<picture>``) get ``width`` and ``height`` from the SVG's own size (matplotlib writes it in pt; 1 pt =
4/3 CSS px). Material's ``max-width: 100%; height: auto`` still scales them down to the column; the
browser reserves the right height before the file arrives (Lighthouse's "unsized images").
"""

from __future__ import annotations

import re

from mkdocs.plugins import event_priority

FIGURE = re.compile(r'<(img|source)\b([^>]*?)\b(src|srcset)="(?P<url>[^"]*assets/figures/(?P<name>[\w.-]+)\.svg)"([^>]*?)(\s*/?)>')
SVG_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="([0-9.]+)(pt|px)?"[^>]*?\bheight="([0-9.]+)(pt|px)?"')


def svg_size(svg: str) -> tuple[int, int] | None:
    match = SVG_SIZE.search(svg)
    if not match:
        return None
    scale = lambda unit: 4 / 3 if unit == "pt" else 1.0
    return round(float(match[1]) * scale(match[2])), round(float(match[3]) * scale(match[4]))


def sized(html: str, svg_of) -> str:
    """``html`` with width/height on every figure <img>/<source> whose SVG ``svg_of(name)`` returns."""

    def add(match: re.Match) -> str:
        if re.search(r"\bwidth=", match[0]):
            return match[0]
        svg = svg_of(match["name"])
        size = svg_size(svg) if svg else None
        if size is None:
            return match[0]
        tag, before, attr, after, close = match[1], match[2], match[3], match[6], match[7]
        return f'<{tag}{before}{attr}="{match["url"]}"{after} width="{size[0]}" height="{size[1]}"{close}>'

    return FIGURE.sub(add, html)


_files: dict = {"files": None}


def on_env(env, config, files):
    # Pages are sized once every figure exists: hooks/figures.py draws them while the pages render and
    # collects them in its on_env, so the size is read when each page is written (on_post_page).
    _files["files"] = files
    return env


@event_priority(-10)  # after hooks/figures.py has put the phone figures in <picture>
def on_post_page(output: str, page, config) -> str:
    files = _files["files"]
    if files is None:
        return output

    def svg_of(name: str):
        file = files.get_file_from_path(f"assets/figures/{name}.svg")
        if file is None:
            return None
        try:
            return file.content_string
        except (OSError, ValueError):
            return None

    return sized(output, svg_of)

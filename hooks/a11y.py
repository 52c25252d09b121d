"""MkDocs hook: names for what a screen reader would otherwise announce without one (issue 17).

- Material's search dialog (``<div class="md-search" ... role="dialog">``) has no accessible name:
  it gets ``aria-label`` in the page's language.
- Figures in the chapter notebooks (drawn by their code cells, rendered by mkdocs-jupyter / nbconvert)
  carry nbconvert's alt text "No description has been provided for this image", in English on Japanese
  pages too: it becomes a description of what the image is, in the page's language.
- Tracebacks in notebook outputs carry IPython's inline colours (``style="color: rgb(0,135,0)"``),
  3.4-4.3:1 on the light background: each becomes ``--nnbook-fg`` (the hue darkened to 4.5:1 on
  #f5f5f5) and ``--nnbook-fg-dark`` (for the dark scheme: the original, lightened to 4.5:1 on the dark
  backgrounds where it had less, as rgb(0,135,0) had 3.4:1 on #1e2129); extra.css applies them.

Upstream: neither Material nor nbconvert lets a site set these; the HTML is patched after rendering.
"""

from __future__ import annotations

import re

from mkdocs.plugins import event_priority

LABELS = {  # (search dialog, notebook figure) per language folder
    "ja": ("サイト内検索", "上のコードセルが描いた図"),
    "en": ("Search this site", "Figure drawn by the code cell above"),
}
SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
NBCONVERT_ALT = 'alt="No description has been provided for this image"'


INLINE_COLOUR = re.compile(r'style="color: rgb\((\d+),\s*(\d+),\s*(\d+)\)"')
LIGHT_BACKGROUND = (0xF5, 0xF5, 0xF5)  # the cells' background on the light scheme (the darkest there)
DARK_BACKGROUNDS = ((0x1E, 0x21, 0x29), (0x21, 0x21, 0x21))  # the dark scheme's page and code cells


def luminance(rgb) -> float:
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def darkened(rgb, background=LIGHT_BACKGROUND, target=4.6) -> tuple[int, int, int]:
    """``rgb`` scaled towards black until it has ``target``:1 on ``background`` (same hue)."""
    for step in range(101):
        colour = tuple(round(c * (1 - step / 100)) for c in rgb)
        if contrast(colour, background) >= target:
            return colour
    return (0, 0, 0)


def lightened(rgb, backgrounds=DARK_BACKGROUNDS, target=4.6) -> tuple[int, int, int]:
    """``rgb`` as it is if it has 4.5:1 on each of ``backgrounds``, else mixed with white until it has
    ``target``:1 on each."""
    if all(contrast(rgb, b) >= 4.5 for b in backgrounds):
        return tuple(rgb)
    for step in range(101):
        colour = tuple(round(c + (255 - c) * step / 100) for c in rgb)
        if all(contrast(colour, b) >= target for b in backgrounds):
            return colour
    return (255, 255, 255)


def readable_colours(html: str) -> str:
    def replace(match: re.Match) -> str:
        rgb = tuple(int(c) for c in match.groups())
        light = "#%02x%02x%02x" % darkened(rgb)
        dark = ",".join(map(str, lightened(rgb)))
        return f'style="--nnbook-fg: {light}; --nnbook-fg-dark: rgb({dark})"'

    return INLINE_COLOUR.sub(replace, html)


def label_page(html: str, lang: str) -> str:
    search, figure = LABELS.get(lang, LABELS["ja"])
    html = html.replace(SEARCH_DIALOG, SEARCH_DIALOG[:-1] + f' aria-label="{search}">')
    return html.replace(NBCONVERT_ALT, f'alt="{figure}"')


def on_post_page(output: str, page, config) -> str:
    lang = page.file.src_uri.split("/", 1)[0] if "/" in page.file.src_uri else "ja"
    if page.file.src_uri.endswith(".ipynb"):
        output = readable_colours(output)
    return label_page(output, lang)


# The 404 pages are templates, not pages: before hooks/i18n_alternates.py (priority 0) writes a language's
# copy, name its search dialog in the language the page declares.
@event_priority(10)
def on_post_template(output: str, template_name: str, config) -> str:
    if template_name != "404.html":
        return output
    declared = re.search(r'<html lang="([a-z]+)', output)
    return label_page(output, declared.group(1) if declared else "ja")

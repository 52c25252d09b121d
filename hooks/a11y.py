"""MkDocs hook: names for what a screen reader would otherwise announce without one (issue 17).

- Material's search dialog (``<div class="md-search" ... role="dialog">``) has no accessible name:
  it gets ``aria-label`` in the page's language.
- Figures in the chapter notebooks (drawn by their code cells, rendered by mkdocs-jupyter / nbconvert)
  carry nbconvert's alt text "No description has been provided for this image", in English on Japanese
  pages too: it becomes a description of what the image is, in the page's language.

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


def label_page(html: str, lang: str) -> str:
    search, figure = LABELS.get(lang, LABELS["ja"])
    html = html.replace(SEARCH_DIALOG, SEARCH_DIALOG[:-1] + f' aria-label="{search}">')
    return html.replace(NBCONVERT_ALT, f'alt="{figure}"')


def on_post_page(output: str, page, config) -> str:
    lang = page.file.src_uri.split("/", 1)[0] if "/" in page.file.src_uri else "ja"
    return label_page(output, lang)


# The 404 pages are templates, not pages: before hooks/i18n_alternates.py (priority 0) writes a language's
# copy, name its search dialog in the language the page declares.
@event_priority(10)
def on_post_template(output: str, template_name: str, config) -> str:
    if template_name != "404.html":
        return output
    declared = re.search(r'<html lang="([a-z]+)', output)
    return label_page(output, declared.group(1) if declared else "ja")

"""MkDocs hook: keep the chapter notebooks out of the search index.

Each notebook (docs/<lang>/notebooks/) repeats its chapter page, so indexing both doubled the index that
every page downloads (1.1 MB -> about 0.6 MB) and listed every hit twice. Material's search plugin skips
a page whose meta has ``search: {exclude: true}``; notebooks have no front matter, so this hook sets it
before the search plugin reads the page (priority above its default 0).
"""

from __future__ import annotations

from mkdocs.plugins import event_priority


@event_priority(100)
def on_page_context(context, page, config, nav):
    if "notebooks/" in page.file.src_uri:
        page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
    return context

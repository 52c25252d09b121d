"""MkDocs hook: the offline build's search indexes, one per language.

Material's offline plugin copies search/search_index.json into search/search_index.js (a script, since
file:// pages cannot fetch JSON). With mkdocs-static-i18n it does so while the English build runs, so the
copy held the English pages only and Japanese search found nothing offline. After every language is
built (i18n's on_post_build, priority -100, builds the others) and hooks/search_scope.py has split the
index by language (-110), this hook writes the copy of each final index: search/search_index.js for the
default language and <lang>/search/search_index.js for the others.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.plugins import event_priority


def offline_enabled(config) -> bool:
    plugin = config.plugins.get("material/offline") or config.plugins.get("offline")
    return bool(plugin and plugin.config.enabled)


@event_priority(-120)
def on_post_build(config) -> None:
    if not offline_enabled(config):
        return
    i18n = config.plugins.get("i18n")
    if i18n is not None and getattr(i18n, "building", False):
        return  # a nested language build: the final indexes are written after it
    site = Path(config.site_dir)
    for index in [site / "search" / "search_index.json", *site.glob("*/search/search_index.json")]:
        if index.exists():
            js = index.with_suffix(".js")
            js.write_text("var __index = " + index.read_text(encoding="utf-8"), encoding="utf-8")

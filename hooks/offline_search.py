"""MkDocs hook: the offline build's search index holds both languages.

Material's offline plugin copies search/search_index.json into search/search_index.js (a script, since
file:// pages cannot fetch JSON). With mkdocs-static-i18n it does so while the English build runs, so the
copy held the English pages only and Japanese search found nothing offline. After every language is
built (i18n's on_post_build, priority -100, builds the others), this hook writes the copy again from the
final index, which holds both languages.
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
    search = Path(config.site_dir) / "search"
    index = search / "search_index.json"
    if index.exists():
        (search / "search_index.js").write_text("var __index = " + index.read_text(encoding="utf-8"), encoding="utf-8")

"""MkDocs hook: what the built site carries but no reader's browser loads (site-ux review, section 5).

- Source maps: Material's bundles come with ``.map`` files (1.3 MB, a tenth of the site). They are
  left out, with the ``sourceMappingURL`` comments that point at them (a browser's developer tools
  would ask for them). Material's own repository holds the sources for anyone debugging the theme.
- Search languages: Material copies lunr's stemmers and segmenters for every language it supports (Thai's
  ``wordcut.js`` alone is 662 KB); the search worker loads only those of ``plugins.search.lang``
  (lunr.<lang>, lunr.stemmer.support, lunr.multi, and TinySegmenter for Japanese). The others go.
- The iframe-worker shim (``extra.polyfills``) makes search work from file://; it does nothing over
  http, so only the offline build (NNBOOK_OFFLINE=true) loads it.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.plugins import event_priority

SOURCE_MAP_COMMENT = re.compile(r"\n?(?://# sourceMappingURL=\S+\.map|/\*# sourceMappingURL=\S+?\.map \*/)\s*$")
SEGMENTERS = {"ja": "tinyseg.js", "jp": "tinyseg.js", "th": "wordcut.js"}


def on_config(config):
    offline = config.plugins.get("material/offline") or config.plugins.get("offline")
    if offline is None or not offline.config.get("enabled"):
        config.extra["polyfills"] = []
    return config


def lunr_files_to_keep(languages) -> set[str]:
    keep = {"min/lunr.stemmer.support.min.js", "min/lunr.multi.min.js"}
    for lang in languages:
        keep.add(f"min/lunr.{lang}.min.js")
        if lang in SEGMENTERS:
            keep.add(SEGMENTERS[lang])
    return keep


def trim(site_dir: Path, languages) -> list[Path]:
    """Remove the unused files under ``site_dir``; the removed paths."""
    removed = []
    for source_map in site_dir.glob("assets/**/*.min.*.map"):
        bundle = source_map.with_suffix("")  # bundle.HASH.min.js.map -> bundle.HASH.min.js
        if bundle.is_file():
            text = bundle.read_text(encoding="utf-8")
            bundle.write_text(SOURCE_MAP_COMMENT.sub("", text), encoding="utf-8")
        source_map.unlink()
        removed.append(source_map)
    lunr = site_dir / "assets" / "javascripts" / "lunr"
    keep = lunr_files_to_keep(languages)
    for path in [*lunr.glob("*.js"), *lunr.glob("min/*.js")]:
        if path.relative_to(lunr).as_posix() not in keep:
            path.unlink()
            removed.append(path)
    return removed


@event_priority(-200)  # after mkdocs-static-i18n (-100) has built every language into the site folder
def on_post_build(config) -> None:
    search = config.plugins.get("material/search") or config.plugins.get("search")
    languages = (search.config.get("lang") if search else None) or ["en"]
    trim(Path(config.site_dir), languages)

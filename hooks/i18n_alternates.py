"""MkDocs hook: point each page's ``<link rel="alternate" hreflang>`` at the language's root.

Works around squidfunk/mkdocs-material#6582 (with ultrabug/mkdocs-static-i18n): i18n sets the
``<link rel="alternate">`` tags of a page to its twin page (``../en/01-roadmap/``), but Material's
language switcher fetches ``sitemap.xml`` relative to each of those links, expecting a language root,
so every page made two requests that failed with 404 (and logged console errors). After this hook the
head links name the language roots (``./``, ``en/``) and the sitemap requests succeed; the switcher's
own menu links (``<a hreflang>``) still lead to the twin page. i18n writes one sitemap.xml (all
languages, with alternates) at the site root only, so it is copied to each language root as well.
In the offline build (file://, where pages cannot fetch) the head links are removed: the switcher's
menu links alone lead to the twin page, with no failing sitemap request.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from mkdocs.plugins import event_priority

ALTERNATE = re.compile(r'<link rel="alternate" href="[^"]*" hreflang="(?P<lang>[^"]+)">')


def _language_roots(config) -> dict[str, str]:
    plugin = config.plugins.get("i18n")
    if plugin is None:
        return {}
    return {lang.locale: lang.link.strip("/") for lang in plugin.config.languages}


def on_post_page(output: str, page, config) -> str:
    roots = _language_roots(config)
    if not roots:
        return output
    up = "../" * (page.url or "").count("/")
    return _rewrite(output, roots, up, drop=_offline(config))


def on_post_template(output: str, template_name: str, config) -> str:
    # 404.html is served at any depth: use absolute links from site_url's path.
    roots = _language_roots(config)
    if template_name != "404.html" or not roots:
        return output
    from urllib.parse import urlsplit

    base = urlsplit(config.site_url or "/").path or "/"
    return _rewrite(output, roots, base if base.endswith("/") else base + "/", drop=_offline(config))


def _offline(config) -> bool:
    plugin = config.plugins.get("material/offline") or config.plugins.get("offline")
    return bool(plugin and plugin.config.enabled)


def _rewrite(output: str, roots: dict[str, str], up: str, drop: bool = False) -> str:
    if drop:
        return ALTERNATE.sub("", output)

    def root_link(match: re.Match) -> str:
        lang = match["lang"]
        if lang not in roots:
            return match[0]
        target = up + (roots[lang] + "/" if roots[lang] else "")
        return f'<link rel="alternate" href="{target or "./"}" hreflang="{lang}">'

    return ALTERNATE.sub(root_link, output)


# After i18n's on_post_build (priority -100), which builds the other languages into their folders.
@event_priority(-110)
def on_post_build(config) -> None:
    roots = _language_roots(config)
    site = Path(config.site_dir)
    for name in ("sitemap.xml", "sitemap.xml.gz"):
        source = site / name
        for link in roots.values():
            target_dir = site / link
            if link and source.exists() and target_dir.is_dir():
                shutil.copyfile(source, target_dir / name)

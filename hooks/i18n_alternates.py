"""MkDocs hook: drop the ``<link rel="alternate" hreflang>`` tags from each page's head.

Works around squidfunk/mkdocs-material#6582 (with ultrabug/mkdocs-static-i18n). i18n points those
head links at the page's twin (``../en/01-roadmap/``), but Material's language switcher reads them as
language roots: it fetches ``sitemap.xml`` relative to each one (two 404s and console errors per page),
and where a fetch succeeds it rewrites the switcher's target from the sitemap, whose URLs carry
``site_url``; served anywhere else (``mkdocs serve``, a test server, file://) that sent the reader to
the language's home page instead of the twin. Without the head links the switcher is a plain link to
the twin page, which i18n sets correctly everywhere. Search engines still get the language alternates
from sitemap.xml (i18n writes ``xhtml:link rel="alternate"`` entries there).
"""

from __future__ import annotations

import re

ALTERNATE = re.compile(r'[ \t]*<link rel="alternate" href="[^"]*" hreflang="[^"]+">\n?')


def on_post_page(output: str, page, config) -> str:
    return ALTERNATE.sub("", output)


def on_post_template(output: str, template_name: str, config) -> str:
    return ALTERNATE.sub("", output) if template_name == "404.html" else output

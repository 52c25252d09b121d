"""MkDocs hook: the language switcher and the 404 pages under mkdocs-static-i18n.

1. Drop the ``<link rel="alternate" hreflang>`` tags from each page's head. Works around
   squidfunk/mkdocs-material#6582 (with ultrabug/mkdocs-static-i18n). i18n points those head links at
   the page's twin (``../en/01-roadmap/``), but Material's language switcher reads them as language
   roots: it fetches ``sitemap.xml`` relative to each one (two 404s and console errors per page), and
   where a fetch succeeds it rewrites the switcher's target from the sitemap, whose URLs carry
   ``site_url``; served anywhere else (``mkdocs serve``, a test server, file://) that sent the reader to
   the language's home page instead of the twin. Without the head links the switcher is a plain link to
   the twin page. Search engines still get the language alternates from sitemap.xml (i18n writes
   ``xhtml:link rel="alternate"`` entries there).
2. Point the switcher of a page i18n found no twin for at the twin anyway, when the twin's source file
   exists. i18n only pairs files that are documentation pages when it builds its alternates, and the
   notebooks (``docs/<lang>/notebooks/*.ipynb``) become pages only after that (hooks/notebooks.py), so
   on every English notebook page the 日本語 entry led to the Japanese home page (offline: to a dead
   ``/nnbook/index.html``). No upstream issue found; it follows from ultrabug/mkdocs-static-i18n#198.
3. One 404 page per language. Material renders ``404.html`` once per build and i18n builds every
   language into the same site folder, so the last language (English) overwrote the Japanese one, and
   its switcher held whatever page was rendered last (chapter 11's notebook). The default language's
   404 stays at the site root (what GitHub Pages serves for any missing path); every other language's
   goes to ``<lang>/404.html``. Both switchers lead to the language homes, and the heading, which
   Material hard-codes in English, is said in the page's language with a link home.
"""

from __future__ import annotations

import html
import os
import re
from copy import deepcopy

from mkdocs.plugins import event_priority

ALTERNATE = re.compile(r'[ \t]*<link rel="alternate" href="[^"]*" hreflang="[^"]+">\n?')
HEADING_404 = "<h1>404 - Not found</h1>"
TEXT_404 = {
    "ja": ("404 - ページが見つかりません", "お探しのページはありません。{home}から目次をたどってください。", "トップページ"),
    "en": ("404 - Page not found", "There is no page at this address. Start again from the {home}.", "home page"),
}


def _i18n(config):
    return config.plugins.get("i18n")


def _default_language(i18n) -> str:
    return next(lang.locale for lang in i18n.config.languages if lang.default)


def _alternate(config) -> list:
    """The switcher's entries. i18n assigns ``config.extra.alternate`` as an attribute, which is not the
    ``"alternate"`` key of the dict ``config.extra``, and the templates read the attribute first."""
    return getattr(config.extra, "alternate", None) or config.extra.get("alternate") or []


def _twin_uri(src_uri: str, lang: str) -> str:
    """docs/<a>/x/y.md -> docs/<lang>/x/y.md (folder structure: every language has its own folder)."""
    return lang + "/" + src_uri.split("/", 1)[1]


def _twin_url(url: str, here: str, there: str, default: str) -> str:
    """The URL of the same page in language ``there``: the default language sits at the site root."""
    if here != default:
        url = url[len(here) + 1 :] if url.startswith(here + "/") else url
    return url if there == default else f"{there}/{url}"


# 2. After i18n's on_page_context (priority 50), which resets extra.alternate for every page.
@event_priority(-50)
def on_page_context(context, page, config, nav):
    i18n = _i18n(config)
    alternates = getattr(page.file, "alternates", None)
    if i18n is None or alternates is None:
        return context
    default = _default_language(i18n)
    here = page.file.src_uri.split("/", 1)[0]
    for alternate in _alternate(config):
        there = alternate["lang"]
        if there in alternates or there == here:
            continue
        if os.path.isfile(os.path.join(config.docs_dir, _twin_uri(page.file.src_uri, there))):
            alternate["link"] = _twin_url(page.file.url, here, there, default)
    return context


def on_post_page(output: str, page, config) -> str:
    return ALTERNATE.sub("", output)


# 3. Before i18n's template context (priority 50) would matter: extra.alternate is reset here, for the
# 404 page only, to i18n's computed language homes (absolute, like every URL of an error page).
def on_pre_template(template, template_name: str, config):
    i18n = _i18n(config)
    if template_name == "404.html" and i18n is not None and getattr(i18n, "extra_alternate", None):
        homes = deepcopy(i18n.extra_alternate)
        config.extra["alternate"] = homes
        config.extra.alternate = homes
    return template


def on_post_template(output: str, template_name: str, config) -> str:
    if template_name != "404.html":
        return output
    output = ALTERNATE.sub("", output)
    i18n = _i18n(config)
    if i18n is None:
        return output
    default = _default_language(i18n)
    lang = i18n.current_language
    homes = {alternate["lang"]: alternate["link"] for alternate in (i18n.extra_alternate or [])}
    if lang in TEXT_404 and lang in homes:
        title, sentence, home = TEXT_404[lang]
        link = f'<a href="{html.escape(homes[lang])}">{home}</a>'
        output = output.replace(HEADING_404, f"<h1>{title}</h1>\n<p>{sentence.format(home=link)}</p>", 1)
    if lang == default:
        return output  # mkdocs writes it to the site root
    path = os.path.join(config.site_dir, lang, "404.html")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        out.write(output)
    return ""  # an empty result is not written, so the root keeps the default language's 404

"""MkDocs hook: what the search covers, and in which language (issue 17).

1. Keep the chapter notebooks out of the search index. Each notebook (docs/<lang>/notebooks/) repeats
   its chapter page, so indexing both doubled the index (1.1 MB -> about 0.6 MB) and listed every hit
   twice. Material's search plugin skips a page whose meta has ``search: {exclude: true}``; notebooks
   have no front matter, so this hook sets it before the search plugin reads the page.
2. One search index per language, and each UI loads only its own. Gap filled: mkdocs-static-i18n
   (1.3.1) builds every language with the one search plugin and merges all entries into the single
   ``search/search_index.json`` (``reconfigure_search_index``; it has no per-language option), and
   Material's client always loads ``search/search_index.json`` relative to ``__config.base``, which is
   the site root on every page of every language (squidfunk/mkdocs-material#867: no per-language
   search). So the English UI listed the Japanese glossary first for "epoch", and the Japanese UI
   English pages first for "XOR", and every page downloaded both languages.
   After i18n has written the merged index, the entries under ``<lang>/`` move to
   ``<lang>/search/search_index.json`` (their locations made relative to ``<lang>/``); the root index
   keeps the default language's. Each page of a non-default language gets ``__config.base`` pointing
   at its language's root, so Material loads that language's index and resolves its hits there (the
   template's own URLs do not use ``__config.base``; Material uses it for search, for
   ``navigation.instant``'s sitemap and for the version selector, neither of which this site enables).
   The English index keeps only the lunr language ``en``, so English pages no longer load ``lunr.ja``
   and the Japanese segmenter; the Japanese index keeps the build's languages (its pages are full of
   English terms: XOR, ReLU, sigmoid).
   hooks/offline_search.py then writes each index's ``search_index.js`` copy for the offline build.
3. Typographic apostrophes in the index are written straight. The pages get ’ from Python-Markdown's
   smarty (mkdocs.yml), and a reader types "can't": Material matches typed words against the indexed
   ones character for character, so "can’t" in the index was not found by "can't". (Double quotes are
   split off by the search separator in mkdocs.yml instead; splitting at apostrophes as well made
   "can't" a search for "can" and "t".)
"""

from __future__ import annotations

import html
import json
import os
import re

from mkdocs.plugins import event_priority

CONFIG_SCRIPT = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)


def _i18n(config):
    return config.plugins.get("i18n")


def _languages(config) -> tuple[str | None, list[str]]:
    """(default language, other built languages) of mkdocs-static-i18n; (None, []) without it."""
    i18n = _i18n(config)
    if i18n is None:
        return None, []
    default = next(lang.locale for lang in i18n.config.languages if lang.default)
    others = [lang.locale for lang in i18n.config.languages if lang.build and lang.locale != default]
    return default, others


# 1. Before the search plugin reads the page (its default priority is 0).
@event_priority(100)
def on_page_context(context, page, config, nav):
    if "notebooks/" in page.file.src_uri:
        page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
    return context


# 2. Pages: base of the page's language root in Material's __config.
def language_base(output: str, lang: str) -> str:
    """``output`` with ``__config.base`` moved down into the folder ``lang/`` (ending in "/", which
    Material's URL resolution needs: "../en" would resolve to the site root's sibling "en")."""

    def move(match: re.Match) -> str:
        data = json.loads(match[2])
        base = data.get("base", ".").rstrip("/") or "."
        data["base"] = f"{base}/{lang}/" if base != "." else f"{lang}/"
        # Same escaping as Material's template (|tojson): no "</" can end the script early.
        text = json.dumps(data, ensure_ascii=True).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("'", "\\u0027")
        return match[1] + text + match[3]

    return CONFIG_SCRIPT.sub(move, output, count=1)


def _page_lang(src_uri: str, others: list[str]) -> str | None:
    first = src_uri.split("/", 1)[0]
    return first if first in others and "/" in src_uri else None


def on_post_page(output: str, page, config) -> str:
    _, others = _languages(config)
    lang = _page_lang(page.file.src_uri, others)
    return language_base(output, lang) if lang else output


# The 404 pages are templates: before hooks/i18n_alternates.py (priority 0) writes <lang>/404.html.
@event_priority(20)
def on_post_template(output: str, template_name: str, config) -> str:
    if template_name != "404.html":
        return output
    _, others = _languages(config)
    i18n = _i18n(config)
    lang = getattr(i18n, "current_language", None)
    return language_base(output, lang) if lang in others else output


# 2. The index: after i18n's on_post_build (priority -100) has built the other languages and written
# the merged index, before hooks/offline_search.py (-120) copies each index to search_index.js.
def split_index(site_dir: str, others: list[str]) -> dict[str, int]:
    """Move each language's entries of ``site_dir/search/search_index.json`` to its own index;
    returns the number of entries per index path (relative to ``site_dir``)."""
    root_path = os.path.join(site_dir, "search", "search_index.json")
    with open(root_path, encoding="utf-8") as f:
        index = json.load(f)
    index["docs"] = [straight_apostrophes(doc) for doc in index["docs"]]
    by_lang: dict[str, list] = {lang: [] for lang in others}
    kept = []
    for doc in index["docs"]:
        lang = doc["location"].split("/", 1)[0]
        if lang in by_lang and "/" in doc["location"]:
            by_lang[lang].append({**doc, "location": doc["location"][len(lang) + 1 :]})
        else:
            kept.append(doc)
    counts = {"search/search_index.json": len(kept)}
    _write(root_path, {**index, "docs": kept})
    for lang, docs in by_lang.items():
        config = dict(index["config"])
        if lang == "en":  # its pages need no Japanese segmenter (see the docstring)
            config["lang"] = ["en"]
        path = os.path.join(site_dir, lang, "search", "search_index.json")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        _write(path, {**index, "config": config, "docs": docs})
        counts[f"{lang}/search/search_index.json"] = len(docs)
    return counts


def straight_apostrophes(doc: dict) -> dict:
    """``doc`` with ’ and ‘ in its title and text written ' (point 3 of the docstring)."""
    table = str.maketrans({"\u2019": "'", "\u2018": "'"})
    return {**doc, **{key: doc[key].translate(table) for key in ("title", "text") if isinstance(doc.get(key), str)}}


def _write(path: str, index: dict) -> None:
    with open(path, "w", encoding="utf-8") as f:
        # Compact, as Material's own plugin writes it.
        json.dump(index, f, ensure_ascii=False, separators=(",", ":"))


@event_priority(-110)
def on_post_build(config) -> None:
    i18n = _i18n(config)
    if i18n is None or getattr(i18n, "building", False):
        return  # a nested language build: the merged index is not written yet
    _, others = _languages(config)
    if others and os.path.isfile(os.path.join(config.site_dir, "search", "search_index.json")):
        split_index(config.site_dir, others)

"""MkDocs hook: ``mkdocs serve`` shows the book at once; ``mkdocs build`` always executes the notebooks.

The gap it fills: mkdocs-jupyter has one ``execute`` option for serve and build alike, and executing the
20 chapter notebooks (both languages) in kernels is most of a cold build. While serving, this hook
turns execution off and lets mkdocs-jupyter's cache (``cache: true``) supply, for each notebook, the
executed page of an earlier build when there is one for exactly this notebook and this package (the
cache key covers both, see hooks/notebooks.py); otherwise the notebook page shows its code without
outputs, under a note that says so. Serving never evicts executed cache entries, so the next
``mkdocs build --strict`` still finds them. ``mkdocs build`` is unchanged: every notebook is executed
(or taken from the cache of an execution of the same notebook and package), and a cell that fails
fails the build.

A reload after an edit rebuilds every page of both languages (MkDocs has no partial rebuild that keeps
navigation and links right). While serving, the search plugin's reading of a page's HTML into sections
(a third of a warm rebuild) is kept per page and reused while the page's HTML is the same, so the
index is the one a full build makes, but only edited pages are read again (``_remember_search_sections``).
"""

from __future__ import annotations

import logging

from mkdocs.plugins import event_priority

log = logging.getLogger("mkdocs.hooks.serve_mode")
# mkdocs-jupyter logs up to three INFO lines per notebook and build ("Converting notebook", "Cache
# hit/miss", "Copied jupyter file"), mkdocs-static-i18n two on the English site's name and description:
# some 60 lines on every reload that tell a writer nothing. While serving their INFO lines are left
# out (warnings and errors still show), and on_post_build says in one line what serve skipped.
QUIET_WHILE_SERVING = ("mkdocs.plugins.mkdocs_jupyter", "mkdocs.mkdocs-jupyter", "mkdocs.plugins.mkdocs_static_i18n.reconfigure")
_noted: list[str] = []  # notebook pages of this build (one language) shown under the note

_serving = [False]
_unexecuted: set[str] = set()  # notebooks shown without outputs in this serve (abs_src_path)

NOTE = {
    "ja": ("!!! note \"プレビュー(mkdocs serve)\"\n    このノートブックはまだ実行されていないので、出力は表示されていません。"
           "`mkdocs build` が実行して出力を入れます。\n"),
    "en": ("!!! note \"Preview (mkdocs serve)\"\n    This notebook has not been executed yet, so no outputs are shown. "
           "`mkdocs build` executes it and shows them.\n"),
}


def serving() -> bool:
    """True while ``mkdocs serve`` runs (hooks/notebooks.py keeps the cache's executed entries then)."""
    return _serving[0]


def on_startup(command: str, dirty: bool) -> None:
    _serving[0] = command == "serve"
    _unexecuted.clear()
    if _serving[0]:
        _remember_search_sections()
        for name in QUIET_WHILE_SERVING:
            logging.getLogger(name).setLevel(logging.WARNING)


def on_post_build(config) -> None:
    if _noted:
        log.info("%d notebook page(s) shown without outputs: not executed while serving (`mkdocs build` executes them)",
                 len(_noted))
    _noted.clear()


_sections: dict[str, tuple[str, list]] = {}  # page URL -> (digest of its HTML, the search plugin's sections)


def _remember_search_sections() -> None:
    """Material's search index, page by page as Material makes it, with each page's HTML parsed once.

    ``SearchIndex.add_entry_from_context`` parses the page's HTML (``Parser``) and adds an entry per
    section; the sections depend on the HTML only, so they are reused while it is unchanged. Only for
    ``mkdocs serve``: a build parses every page once anyway.
    """
    import hashlib

    from material.plugins.search import plugin as search

    if getattr(search.SearchIndex.add_entry_from_context, "_nnbook", False):
        return

    def add_entry_from_context(self, page):
        if (page.meta.get("search") or {}).get("exclude"):
            return
        digest = hashlib.sha256(page.content.encode("utf-8")).hexdigest()
        known = _sections.get(page.url)
        if known is None or known[0] != digest:
            parser = search.Parser()
            parser.feed(page.content)
            parser.close()
            known = _sections[page.url] = (digest, parser.data)
        for section in known[1]:
            if not section.is_excluded():
                self.create_entry_for_section(section, page.toc, page.url, page)

    add_entry_from_context._nnbook = True
    search.SearchIndex.add_entry_from_context = add_entry_from_context


@event_priority(-10)  # after hooks/notebooks.py has wrapped the cache key (its on_config, priority 0)
def on_config(config):
    jupyter = config.plugins.get("mkdocs-jupyter")
    if not _serving[0] or jupyter is None:
        return config
    jupyter.config["execute"] = False
    from mkdocs_jupyter import plugin

    key_of = plugin._compute_cache_key

    def cache_key(nb_path, jupyter_config, exec_nb):
        executed = key_of(nb_path, jupyter_config, True)
        if plugin._get_cache_path(jupyter_config["cache_dir"], executed).exists():
            _unexecuted.discard(str(nb_path))
            return executed  # the executed page of an earlier build: same notebook, same package
        _unexecuted.add(str(nb_path))
        return key_of(nb_path, jupyter_config, exec_nb)

    cache_key.__wrapped__ = getattr(key_of, "__wrapped__", key_of)
    plugin._compute_cache_key = cache_key
    return config


def on_page_content(html: str, page, config, files):
    if not _serving[0] or page.file.abs_src_path not in _unexecuted:
        return html
    import markdown

    lang = "ja" if "/ja/" in page.file.abs_src_path.replace("\\", "/") else "en"
    _noted.append(page.file.src_uri)
    note = markdown.markdown(NOTE[lang], extensions=["admonition"])
    return note + html

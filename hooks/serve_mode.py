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
"""

from __future__ import annotations

from mkdocs.plugins import event_priority

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
    note = markdown.markdown(NOTE[lang], extensions=["admonition"])
    return note + html

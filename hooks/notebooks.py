"""MkDocs hook: the chapter notebooks (docs/<lang>/notebooks/*.ipynb) as pages, and links to them.

The notebooks are generated from the chapter pages by ``tests/nnbook_notebooks.py`` and rendered
(executed at build time) by the mkdocs-jupyter plugin. This hook:

1. Makes them pages again after mkdocs-static-i18n. i18n rebuilds every File as a plain ``File``, whose
   ``is_documentation_page()`` is False for ``.ipynb``, so the notebook would be copied as raw JSON to
   ``notebooks/NAME/index.html`` (upstream ultrabug/mkdocs-static-i18n#198). Right after i18n's
   ``on_files`` (priority -100) the hook marks those files as pages; mkdocs-jupyter's ``on_pre_page``
   then renders them.
2. Puts a line of links under the H1 of every chapter page that has a notebook: read it as a notebook
   page, download the ``.ipynb`` (copied next to the page by mkdocs-jupyter's ``include_source``), open it
   in Google Colab. The Colab link is built from ``extra.repository`` (and ``extra.repository_branch``) in
   mkdocs.yml, the one place the repository is named. Nothing is added to the page sources, so the docs
   tests and the parity test see the pages as written.
3. Keeps notebook pages free of third-party requests and light: mkdocs-jupyter's template always emits a
   MathJax loader (cdnjs) and a mermaid module loader (cdnjs); both are removed (hooks/katex_render.py
   renders the math of markdown cells at build time). The ~600 KB of JupyterLab
   CSS that every notebook page carries inline is written once to ``assets/notebooks/notebook.css`` and
   linked instead (the edit button of a notebook page leads to its chapter page). That file keeps only
   the rules whose classes occur on a notebook page: mkdocs-jupyter has no option to leave out
   JupyterLab's stylesheet (its ``notebook.html.j2`` always inlines the whole ``index.css``, 575 KB,
   and ``custom_css`` only adds), and the notebook pages use about 200 of its classes.
4. Keeps mkdocs-jupyter's cache (``cache: true``) working under i18n (see ``on_post_build``).
5. Gives the notebook pages' headings the chapter's explicit IDs, and the table of contents links to
   them. nbconvert derives a heading's id from its text and drops what is not ASCII, so every Japanese
   heading had ``id=""``, while mkdocs-jupyter's table of contents (made by Python-Markdown's toc) links
   to ``#_1``, ``#_2``...: no entry of a Japanese notebook's contents led anywhere. The generated
   notebooks keep each heading's ID as ``<a id="..."></a>`` in the heading; that ID becomes the
   heading's (the same in both languages, like the chapter pages'), else the contents' own id is used.
6. Makes that cache's key cover the package too, and the hooks that change how a page is rendered
   (hooks/notebook_errors.py; see ``on_config``).
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re

from mkdocs.plugins import event_priority


NOTEBOOK_DIR = "notebooks"
CSS_PATH = "assets/notebooks/notebook.css"

LABELS = {
    "ja": {
        "read": "ノートブックとして読む",
        "chapter": "本のページに戻る",
        "download": ".ipynb をダウンロード",
        "colab": "Colab で開く",
        "title": "この章のコードは Jupyter ノートブックとしても実行できます",
    },
    "en": {
        "read": "Read as a notebook",
        "chapter": "Back to the chapter",
        "download": "Download the .ipynb",
        "colab": "Open in Colab",
        "title": "This chapter's code also runs as a Jupyter notebook",
    },
}

STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S)
MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
MODULE_SCRIPT = re.compile(r'<script type="module">.*?</script>', re.S)
HEADING = re.compile(r'<h([1-6]) id="([^"]*)">(.*?)</h\1>', re.S)
HEADING_ID = re.compile(r'\s*<a id="([^"]+)"></a>')
ANCHOR_LINK = re.compile(r'<a class="anchor-link" href="#[^"]*">')
REMOTE_SCRIPT = re.compile(r'<script[^>]*\bsrc="(?:https?:)?//[^"]*"[^>]*>\s*</script>')

_css: dict[str, str] = {}  # digest -> css, every distinct inline stylesheet seen in this build
_classes: set[str] = set()  # every class attribute word of the notebook pages of this run
CLASS_ATTR = re.compile(r'\bclass="([^"]*)"')


def _is_notebook(file) -> bool:
    return file.src_uri.endswith(".ipynb")


def _lang(file) -> str:
    return getattr(file, "locale", None) or file.src_uri.split("/", 1)[0]


_cache_state: dict = {"dir": None, "used": set()}  # mkdocs-jupyter cache: used by any pass of this run


def on_startup(command: str, dirty: bool) -> None:
    _cache_state.update(dir=None, used=set(), serving=command == "serve")
    _classes.clear()


def on_pre_build(config) -> None:
    _css.clear()


# 5. mkdocs-jupyter's cache key hashes the notebook file and the plugin's options only (no upstream issue
# found), so a warm build reused the outputs of a notebook that a change to src/nnbook broke, and
# `mkdocs build --strict` passed. The key also hashes the package's source.
# It also hashes the hooks that change how an executed notebook becomes the page kept in the cache
# (RENDERING_HOOKS): else a warm .cache would keep serving the pages rendered the old way.
RENDERING_HOOKS = ("hooks/notebook_errors.py",)  # the short tracebacks of the notebook pages


def package_digest(root) -> str:
    from pathlib import Path

    digest = hashlib.sha256()
    paths = sorted((Path(root) / "src" / "nnbook").rglob("*.py"))
    paths += [Path(root) / name for name in RENDERING_HOOKS if (Path(root) / name).is_file()]
    for path in paths:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def on_config(config):
    from mkdocs_jupyter import plugin

    root = os.path.dirname(os.path.abspath(config["config_file_path"]))
    original = getattr(plugin._compute_cache_key, "__wrapped__", plugin._compute_cache_key)

    def cache_key(nb_path, jupyter_config, exec_nb):
        key = original(nb_path, jupyter_config, exec_nb)
        return hashlib.sha256(f"{key}:{package_digest(root)}".encode()).hexdigest()

    cache_key.__wrapped__ = original
    plugin._compute_cache_key = cache_key
    return config


# 4. mkdocs-jupyter's cache (cache: true) evicts, after each build, the entries that build did not use;
# i18n runs one build per language, so each pass evicted the other language's entries and every build
# missed the cache (no upstream issue found). Record what each pass used, evict nothing during the run,
# and evict the entries no pass used at shutdown.
@event_priority(10)  # before mkdocs-jupyter's on_post_build (priority 0)
def on_post_build(config) -> None:
    from pathlib import Path

    _write_css(config)  # 3. once the classes of every notebook page are known
    jupyter = config.plugins.get("mkdocs-jupyter")
    if jupyter is None or not jupyter.config["cache"] or not hasattr(jupyter, "_used_cache_paths"):
        return
    cache_dir = Path(jupyter.config["cache_dir"])
    _cache_state["dir"] = cache_dir
    _cache_state["used"].update(jupyter._used_cache_paths)
    if cache_dir.is_dir():
        jupyter._used_cache_paths.update(cache_dir.glob("*.json"))


def on_shutdown() -> None:
    cache_dir, used = _cache_state["dir"], _cache_state["used"]
    if _cache_state.get("serving"):  # serve shows executed entries without using all: keep them (serve_mode.py)
        return
    if cache_dir is None or not used or not cache_dir.is_dir():
        return
    for path in cache_dir.glob("*.json"):
        if path not in used:
            path.unlink(missing_ok=True)


# 1. After mkdocs-static-i18n's on_files (priority -100), before hooks/figures.py (-110).
@event_priority(-101)
def on_files(files, config):
    for file in files:
        if not _is_notebook(file) or NOTEBOOK_DIR not in file.src_uri.split("/"):
            continue
        file.is_documentation_page = lambda: True  # shadows File's method for this instance
        if file.dest_uri.endswith(".ipynb"):  # only if i18n kept the asset path
            stem = file.dest_uri[: -len(".ipynb")]
            file.dest_uri = f"{stem}/index.html" if config.use_directory_urls else f"{stem}.html"
            file.url = file._get_url(config.use_directory_urls)
            file.abs_dest_path = os.path.normpath(os.path.join(config.site_dir, file.dest_uri))
    return files


# 2. Links under the H1 of chapter pages (and of the notebook pages, back to their chapter).
def _links(notebook, here, config, chapter=None) -> str:
    """The paragraph of links for the page ``here``: its notebook's page (or its chapter), the .ipynb, Colab."""
    lang = _lang(here) if _lang(here) in LABELS else "en"
    labels = LABELS[lang]
    notebook_url = notebook.url_relative_to(here) if here is not notebook else "./"
    links = []
    if chapter is not None:
        links.append(f'<a href="{chapter.url_relative_to(here)}">{labels["chapter"]}</a>')
    else:
        links.append(f'<a href="{notebook_url}">{labels["read"]}</a>')
    # mkdocs-jupyter's include_source copies the .ipynb into the folder of the notebook page's HTML file
    # (notebooks/NN/ with directory URLs, notebooks/ in the offline build), so link to that file itself
    # rather than appending its name to the page URL (which gave notebooks/NN.htmlNN.ipynb offline).
    ipynb = posixpath.join(posixpath.dirname(notebook.dest_uri), posixpath.basename(notebook.src_uri))
    ipynb_url = posixpath.relpath(ipynb, posixpath.dirname(here.dest_uri) or ".")
    if posixpath.dirname(ipynb_url) == "":
        ipynb_url = "./" + ipynb_url
    links.append(f'<a href="{ipynb_url}" download>{labels["download"]}</a>')
    extra = config.extra or {}
    repository = str(extra.get("repository", "")).rstrip("/")
    if repository.startswith("https://github.com/"):
        branch = extra.get("repository_branch", "main")
        colab = f"https://colab.research.google.com/github/{repository[len('https://github.com/'):]}/blob/{branch}/"
        links.append(f'<a href="{colab}docs/{notebook.src_uri}">{labels["colab"]}</a>')
    return (
        f'<p class="nnbook-notebook-links" title="{labels["title"]}">'
        + ' <span aria-hidden="true">·</span> '.join(links)
        + "</p>"
    )


def on_page_markdown(markdown: str, page, config, files) -> str:
    file = page.file
    if _is_notebook(file) or not file.src_uri.endswith(".md"):
        return markdown
    folder, name = posixpath.split(file.src_uri)
    notebook = files.get_file_from_path(posixpath.join(folder, NOTEBOOK_DIR, name[: -len(".md")] + ".ipynb"))
    if notebook is None:
        return markdown
    html = _links(notebook, file, config)
    lines = markdown.split("\n")
    for k, line in enumerate(lines):
        if line.startswith("# "):
            lines[k + 1 : k + 1] = ["", html]
            return "\n".join(lines)
    return html + "\n\n" + markdown


# 3. Notebook pages: no third-party scripts, KaTeX for the math, shared CSS instead of inline CSS.
def on_page_content(html: str, page, config, files) -> str:
    if not _is_notebook(page.file):
        return html
    # The edit button leads to the chapter page the notebook is made from, not to the generated file.
    if page.edit_url:
        page.edit_url = page.edit_url.replace(f"/{NOTEBOOK_DIR}/", "/").removesuffix(".ipynb") + ".md"
    html = MATHJAX.sub("", html)
    html = MODULE_SCRIPT.sub("", html)  # mermaid loader (the notebooks hold no mermaid diagrams)
    html = REMOTE_SCRIPT.sub("", html)  # require.js, should include_requirejs ever be switched on
    styles = []

    def take(match: re.Match) -> str:
        css = match[1].strip()
        digest = hashlib.sha1(css.encode("utf-8")).hexdigest()[:12]
        _css.setdefault(digest, css)
        styles.append(digest)
        return ""

    html = STYLE.sub(take, html)
    html = _heading_ids(html, page)
    up = "../" * page.url.count("/")
    link = f'<link rel="stylesheet" href="{up}{CSS_PATH}">' if styles else ""
    # The same links as on the chapter page, under the notebook's H1 (the first markdown cell's heading).
    folder, name = posixpath.split(page.file.src_uri)
    chapter = files.get_file_from_path(posixpath.join(posixpath.dirname(folder), name[: -len(".ipynb")] + ".md"))
    links = _links(page.file, page.file, config, chapter=chapter) if chapter is not None else ""
    html = re.sub(r"(</h1>)", lambda m: m[1] + links, html, count=1) if links else html
    return link + html


def on_post_page(output: str, page, config) -> str:
    if _is_notebook(page.file):
        for words in CLASS_ATTR.findall(output):
            _classes.update(words.split())
    return output


# 5. Heading IDs of notebook pages, and the table of contents that links to them.
def _heading_ids(html: str, page) -> str:
    def flat(items):
        for item in items:
            yield item
            yield from flat(item.children)

    entries = list(flat(getattr(page, "toc", None) or []))
    headings = list(HEADING.finditer(html))
    if len(entries) != len(headings):  # not the headings the contents were made from: leave both alone
        return html
    out, end = [], 0
    for entry, match in zip(entries, headings):
        level, own, inner = match[1], match[2], match[3]
        explicit = HEADING_ID.search(inner)
        ident = explicit[1] if explicit else own or entry.id
        if explicit:
            inner = inner[: explicit.start()] + inner[explicit.end() :]
        inner = ANCHOR_LINK.sub(f'<a class="anchor-link" href="#{ident}">', inner)
        entry.id = ident
        out += [html[end : match.start()], f'<h{level} id="{ident}">{inner}</h{level}>']
        end = match.end()
    return "".join(out) + html[end:]


def _write_css(config) -> None:
    """The stylesheets seen in this build, in first-seen order, trimmed to the classes the notebook
    pages use, at the site's root (i18n builds every language into config.site_dir, the root, with
    "en/" in the pages' paths), one file for both languages."""
    if not _css:
        return
    path = os.path.join(config.site_dir, CSS_PATH)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        out.write("/* JupyterLab styles of the notebook pages (mkdocs-jupyter), shared instead of inline,\n")
        out.write("   trimmed to the rules whose classes occur on them (hooks/notebooks.py). */\n")
        out.write(prune_custom_properties("\n".join(prune_css(css, _classes) for css in _css.values())))


# 3. Trimming a stylesheet to the classes in use. A selector is kept when every class it names, outside
# :not(...), occurs in ``used`` (a class named only inside :not() does not have to occur: the selector
# then matches more, not less); selectors with :is/:where/:has are kept as they are. Rules inside
# @media/@supports are trimmed likewise; other at-rules (@font-face, @keyframes, @charset) are kept.
SELECTOR_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
NOT_PSEUDO = re.compile(r":not\([^()]*\)")
COMMENT = re.compile(r"/\*.*?\*/", re.S)


def _css_blocks(css: str) -> list[tuple[str, str | None]]:
    """Top-level items of ``css``: (prelude, body) for ``prelude { body }``, (statement, None) for
    ``@charset ...;``. Quoted strings may hold braces."""
    items, start, depth, prelude_end, i, n = [], 0, 0, 0, 0, len(css)
    while i < n:
        c = css[i]
        if c in "\"'":
            i += 1
            while i < n and css[i] != c:
                i += 2 if css[i] == "\\" else 1
        elif c == "{":
            if depth == 0:
                prelude_end = i
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                items.append((css[start:prelude_end].strip(), css[prelude_end + 1 : i]))
                start = i + 1
        elif c == ";" and depth == 0:
            items.append((css[start : i + 1].strip(), None))
            start = i + 1
        i += 1
    return items


def _selectors(prelude: str) -> list[str]:
    out, depth, start = [], 0, 0
    for i, c in enumerate(prelude):
        depth += (c == "(") - (c == ")")
        if c == "," and depth == 0:
            out.append(prelude[start:i].strip())
            start = i + 1
    return [s for s in [*out, prelude[start:].strip()] if s]


def _selector_used(selector: str, used: set[str]) -> bool:
    if re.search(r":(?:is|where|has|matches)\(", selector):
        return True
    return set(SELECTOR_CLASS.findall(NOT_PSEUDO.sub("", selector))) <= used


def prune_css(css: str, used: set[str]) -> str:
    out = []
    for prelude, body in _css_blocks(COMMENT.sub("", css)):
        if body is None:
            out.append(prelude)
        elif re.match(r"@(?:media|supports|layer|container)\b", prelude):
            inner = prune_css(body, used)
            if inner:
                out.append(f"{prelude}{{{inner}}}")
        elif prelude.startswith("@"):
            out.append(f"{prelude}{{{body}}}")
        else:
            kept = [s for s in _selectors(prelude) if _selector_used(s, used)]
            if kept:
                out.append(f"{','.join(kept)}{{{body}}}")
    return "".join(out)


# 3. Trimming the custom properties. After prune_css, about 120 of the 140 KB were JupyterLab's theme
# variables (``--jp-*``, and its copy of the Material palette ``--md-red-50``...), most of which no kept
# rule reads. A ``--name: value`` declaration is kept when ``var(--name)`` occurs in a kept declaration
# that is not itself a custom property, or in the value of a kept custom property (to a fixed point);
# names in ``keep`` (set by the site's own CSS, extra.css) stay too.
VAR_REF = re.compile(r"var\(\s*(--[\w-]+)")
CUSTOM_PROPERTY = re.compile(r"^\s*(--[\w-]+)\s*:")


def _declarations(body: str) -> list[str]:
    out, depth, start, quote = [], 0, 0, None
    for i, c in enumerate(body):
        if quote:
            quote = None if c == quote else quote
        elif c in "\"'":
            quote = c
        elif c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == ";" and depth == 0:
            out.append(body[start:i])
            start = i + 1
    return [d for d in [*out, body[start:]] if d.strip()]


def _walk(css: str, visit) -> str:
    """``css`` with every rule's body replaced by ``visit(declarations)`` (joined by ';'); nested
    at-rules (@media...) recursed into, @font-face/@keyframes left alone."""
    out = []
    for prelude, body in _css_blocks(css):
        if body is None:
            out.append(prelude)
        elif re.match(r"@(?:media|supports|layer|container)\b", prelude):
            out.append(f"{prelude}{{{_walk(body, visit)}}}")
        elif prelude.startswith("@"):
            out.append(f"{prelude}{{{body}}}")
        else:
            out.append(f"{prelude}{{{';'.join(visit(_declarations(body)))}}}")
    return "".join(out)


def prune_custom_properties(css: str, keep: frozenset[str] = frozenset()) -> str:
    definitions: dict[str, list[str]] = {}
    used: set[str] = set(keep)

    def collect(declarations):
        for d in declarations:
            name = CUSTOM_PROPERTY.match(d)
            if name:
                definitions.setdefault(name[1], []).append(d)
            else:
                used.update(VAR_REF.findall(d))
        return declarations

    _walk(css, collect)
    pending = list(used)
    while pending:
        for d in definitions.get(pending.pop(), []):
            for ref in VAR_REF.findall(d):
                if ref not in used:
                    used.add(ref)
                    pending.append(ref)

    def keep_used(declarations):
        return [d for d in declarations if not (m := CUSTOM_PROPERTY.match(d)) or m[1] in used]

    return _walk(css, keep_used)

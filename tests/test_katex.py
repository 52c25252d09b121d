"""Math rendered at build time (hooks/katex_render.py + hooks/katex_render.js, npm ``katex``).

The built pages are checked in a browser with JavaScript disabled by tests/test_browser.py; here: the
vendored CSS and fonts are the npm package's own files (same version), the hook renders chapter and
notebook math, leaves code alone, caches, fails loudly on a formula KaTeX cannot parse and says what
to install when Node.js or the npm package is missing.

Needs Node.js and ``npm ci``; skipped without them, unless CI=true (then they must be there).
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "node_modules" / "katex"
VENDORED = ROOT / "docs" / "assets" / "katex"

if shutil.which("node") is None or not (PACKAGE / "package.json").exists():
    reason = "Node.js and `npm ci` (node_modules/katex) are needed to render the math"
    if os.environ.get("CI") == "true":
        raise RuntimeError(f"CI=true but {reason}")
    pytest.skip(reason, allow_module_level=True)


def _lock_version() -> str:
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    return lock["packages"]["node_modules/katex"]["version"]


def test_installed_katex_is_the_locked_one():
    installed = json.loads((PACKAGE / "package.json").read_text(encoding="utf-8"))["version"]
    assert installed == _lock_version(), "node_modules is stale: run `npm ci`"


def test_vendored_css_and_fonts_are_the_npm_packages_files():
    """The site serves KaTeX's CSS and fonts from docs/assets/katex; the HTML comes from node_modules."""
    dist = PACKAGE / "dist"
    assert (VENDORED / "katex.min.css").read_bytes() == (dist / "katex.min.css").read_bytes(), (
        f"docs/assets/katex/katex.min.css is not KaTeX {_lock_version()}'s: copy dist/katex.min.css"
    )
    fonts = sorted(p.name for p in (VENDORED / "fonts").iterdir())
    assert fonts == sorted(p.name for p in (dist / "fonts").glob("*.woff2"))
    for name in fonts:
        assert (VENDORED / "fonts" / name).read_bytes() == (dist / "fonts" / name).read_bytes(), name
    assert f"KaTeX {_lock_version()} " in (VENDORED / "README.txt").read_text(encoding="utf-8")


@pytest.fixture
def hook(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("nnbook_hook_katex", ROOT / "hooks" / "katex_render.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "CACHE_DIR", tmp_path / "katex-cache")
    yield module
    module.on_shutdown()


def _page(src_uri: str):
    return SimpleNamespace(file=SimpleNamespace(src_uri=src_uri))


def test_chapter_math_is_rendered_and_cached(hook):
    html = (
        '<p>Inline <span class="arithmatex">\\(a &lt; b\\)</span> and</p>\n'
        '<div class="arithmatex">\\[\\frac{\\partial L}{\\partial W} = X^{\\top}\\]</div>'
    )
    out = hook.on_post_page(html, _page("en/10-backpropagation.md"), None)
    assert out.count('class="katex"') == 2 and "katex-display" in out
    assert "\\(" not in out and "\\[" not in out
    assert "<mo>&lt;</mo>" in out  # the entity was unescaped before KaTeX saw it
    hook.on_post_build(None)
    cache = json.loads(next(hook.CACHE_DIR.glob("katex-*.json")).read_text(encoding="utf-8"))
    assert len(cache) == 2
    # A second run of the same page comes from the cache: no process needed.
    hook._node.stop()
    hook._node.start = lambda: pytest.fail("the Node process was started although every formula is cached")
    assert hook.on_post_page(html, _page("en/10-backpropagation.md"), None) == out


def test_notebook_math_in_markdown_cells_only(hook):
    html = (
        '<div class="jp-Cell jp-MarkdownCell"><div class="jp-RenderedHTMLCommon jp-RenderedMarkdown '
        'jp-MarkdownOutput" data-mime-type="text/markdown"><p>Weights $w_1$ and a bias $b$:</p>\n'
        "<p>$$y = w_1 x_1 + b$$</p><p>Code: <code>cost = '$5'</code></p></div></div>\n"
        '<div class="jp-CodeCell"><pre>print("$x$")</pre></div>'
    )
    out = hook.on_post_page(html, _page("en/notebooks/02-perceptron.ipynb"), None)
    assert out.count('class="katex"') == 3 and out.count("katex-display") == 1
    assert "<code>cost = '$5'</code>" in out and '<pre>print("$x$")</pre>' in out


def test_a_formula_katex_cannot_parse_is_a_warning_naming_the_page(hook, caplog):
    html = '<p><span class="arithmatex">\\(\\frac{1}{\\)</span></p>'
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        out = hook.on_post_page(html, _page("ja/09-learning.md"), None)
    assert "katex-error" in out  # KaTeX's red rendering of the source
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("ja/09-learning.md" in m and "KaTeX cannot render" in m for m in messages), messages
    hook.on_post_build(None)
    assert not list(hook.CACHE_DIR.glob("katex-*.json")), "a failed formula must not be cached"


def test_missing_node_is_a_clear_error(hook, monkeypatch):
    from mkdocs.exceptions import PluginError

    monkeypatch.setenv("NNBOOK_NODE", "/nonexistent/node")
    with pytest.raises(PluginError, match="Node.js not found.*npm ci"):
        hook.on_post_page('<span class="arithmatex">\\(x\\)</span>', _page("en/index.md"), None)

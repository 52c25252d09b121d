"""The strict build refuses what readers would meet as a dead end: mkdocs.yml's ``validation`` block,
applied to a two-page site, fails on a link to a heading ID that does not exist."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


class _IgnoreTags(yaml.SafeLoader):
    pass


_IgnoreTags.add_multi_constructor("!", lambda loader, suffix, node: None)  # !ENV, !!python/name: not needed here


def _build(tmp_path: Path, link: str) -> subprocess.CompletedProcess:
    validation = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_IgnoreTags)["validation"]
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(f"# Home\n\nSee [the other page]({link}).\n", encoding="utf-8")
    (docs / "other.md").write_text("# Other\n\n## A heading { #real-id }\n\nText.\n", encoding="utf-8")
    config = {"site_name": "t", "docs_dir": "docs", "nav": ["index.md", "other.md"], "validation": validation,
              "markdown_extensions": ["attr_list"]}
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env)


def test_a_link_to_a_missing_heading_id_fails_the_strict_build(tmp_path):
    done = _build(tmp_path, "other.md#no-such-id")
    assert done.returncode != 0
    assert "no-such-id" in done.stderr


def test_a_link_to_a_real_heading_id_passes(tmp_path):
    done = _build(tmp_path, "other.md#real-id")
    assert done.returncode == 0, done.stderr


# ---- hooks/site_meta.py: URLs from extra.repository, descriptions, Open Graph, social cards, dates -------

import importlib.util
import re as _re
from types import SimpleNamespace


def _meta():
    spec = importlib.util.spec_from_file_location("site_meta", ROOT / "hooks" / "site_meta.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _mkdocs_yml() -> dict:
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_IgnoreTags)


def test_the_site_url_in_mkdocs_yml_is_the_one_the_repository_gives():
    config = _mkdocs_yml()
    urls = _meta().derived_urls(config["extra"]["repository"], config["extra"]["repository_branch"])
    assert urls["site_url"] == config["site_url"]
    assert "edit_uri" not in config  # derived, not written twice
    assert all("link" not in s for s in config["extra"]["social"] if s["icon"] == "material/github")


def test_a_fork_gets_its_own_urls(monkeypatch):
    meta = _meta()
    monkeypatch.setenv("NNBOOK_REPOSITORY", "https://github.com/Alice/my-book")
    monkeypatch.delenv("NNBOOK_SITE_URL", raising=False)
    config = SimpleNamespace(site_name="s", site_description="d", edit_uri=None, site_url="https://nnbook.github.io/nnbook/", theme={},
                             extra={"repository": "https://github.com/nnbook/nnbook", "repository_branch": "main",
                                    "social": [{"icon": "material/github", "name": "x"}]})
    meta.on_config(config)
    assert config.site_url == "https://alice.github.io/my-book/"
    assert config.edit_uri == "https://github.com/Alice/my-book/edit/main/docs/"
    assert config.extra["social"][0]["link"] == config.extra["repository"] == "https://github.com/Alice/my-book"
    monkeypatch.setenv("NNBOOK_SITE_URL", "https://book.example/")
    assert meta.on_config(config).site_url == "https://book.example/"
    assert meta.derived_urls("https://github.com/alice/alice.github.io", "main")["site_url"] == "https://alice.github.io/"
    with pytest.raises(ValueError):
        meta.derived_urls("https://gitlab.com/a/b", "main")


def test_the_description_is_the_first_paragraph_in_plain_text():
    meta = _meta()
    content = ('<h1>T</h1><p class="nnbook-notebook-links" title="t"><a href="x">Read</a></p>'
               '<p>The <em>slope</em> is <span class="arithmatex">\\(w &amp; b\\)</span>.</p><p>Second.</p>')
    assert meta.first_paragraph(content) == "The slope is w & b."
    assert meta.first_paragraph("<p>この本は、\nNumPy だけで\n作ります。\nそして</p>") == "この本は、NumPy だけで作ります。そして"
    long = "word " * 60
    short = meta.shortened(long.strip(), 160)
    assert len(short) <= 160 and short.endswith("word…")


def test_open_graph_tags_name_the_page_and_an_absolute_card():
    meta = _meta()
    page = SimpleNamespace(file=SimpleNamespace(src_uri="en/10-backpropagation.md"), title='Back"prop', url="en/10-backpropagation/",
                           meta={"description": "About <it>."}, canonical_url="https://o.github.io/r/en/10-backpropagation/")
    config = SimpleNamespace(site_url="https://o.github.io/r/", site_name="Book", site_description="d")
    tags = meta.meta_tags(page, config)
    assert '<meta property="og:title" content="Back&quot;prop - Book">' in tags
    assert '<meta property="og:description" content="About &lt;it&gt;.">' in tags
    assert '<meta property="og:image" content="https://o.github.io/r/assets/social/card-en.png">' in tags
    assert '<meta property="og:locale" content="en_US">' in tags and 'name="twitter:card" content="summary_large_image"' in tags
    out = meta.on_post_page("<html><head><title>x</title></head><body></body></html>", page, config)
    assert out.index('property="og:url"') < out.index("</head>")


def test_the_social_card_is_a_1200_by_630_png_drawn_here(tmp_path):
    from PIL import Image

    meta = _meta()
    path = tmp_path / "card.png"
    meta.draw_card(path, "ゼロから作る全結合層", "全結合層をゼロから作りながら学ぶ本")
    with Image.open(path) as image:
        assert image.size == meta.CARD_SIZE
        assert len(image.convert("RGB").getcolors(maxcolors=1 << 16) or range(3)) > 2  # not a blank rectangle


def _git(cwd, *args):
    env = {**os.environ, "GIT_AUTHOR_DATE": "2025-03-04T12:00:00", "GIT_COMMITTER_DATE": "2025-03-04T12:00:00",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env)


def test_the_last_updated_date_comes_from_git_and_not_from_a_shallow_clone(tmp_path):
    meta = _meta()
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "a.md").write_text("a\n")
    _git(repo, "add", "a.md")
    _git(repo, "commit", "-q", "-m", "a")
    (repo / "b.md").write_text("b\n")
    _git(repo, "add", "b.md")
    subprocess.run(["git", "commit", "-q", "-m", "b"], cwd=repo, check=True, env={**os.environ, "GIT_AUTHOR_NAME": "t",
                   "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
                   "GIT_COMMITTER_DATE": "2026-01-02T12:00:00"})
    assert meta.last_updated(repo / "a.md", repo) == "2025-03-04"
    assert meta.last_updated(repo / "b.md", repo) == "2026-01-02"
    shallow = tmp_path / "shallow"
    _git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow))
    assert meta.last_updated(shallow / "a.md", shallow) == ""  # would be b's date: left out
    assert meta.last_updated(tmp_path / "nowhere.md", tmp_path) == ""  # not a repository
    assert meta._date_html("2026-01-02", "ja") == '<time datetime="2026-01-02">2026年1月2日</time>'
    assert meta._date_html("2026-01-02", "en") == '<time datetime="2026-01-02">January 2, 2026</time>'


def test_the_built_pages_carry_descriptions_open_graph_and_dates():
    """The built site (NNBOOK_SITE_DIR, as the browser tests use it): every chapter page has its own
    description, Open Graph tags with the card, and a date; the cards exist."""
    site = os.environ.get("NNBOOK_SITE_DIR")
    if not site:
        pytest.skip("NNBOOK_SITE_DIR not set (a built site)")
    site = Path(site)
    descriptions, pages = set(), 0
    for lang, prefix in (("ja", ""), ("en", "en/")):
        assert (site / f"assets/social/card-{lang}.png").stat().st_size > 10_000
        for path in (site / prefix).glob("[01a]*/index.html"):
            page = path.read_text(encoding="utf-8")
            description = _re.search(r'<meta name="description" content="([^"]+)"', page)[1]
            descriptions.add(description)
            pages += 1
            assert f'assets/social/card-{lang}.png"' in page and 'property="og:url"' in page, path
            assert _re.search(r'<time datetime="\d{4}-\d\d-\d\d">', page), path
    assert pages >= 26 and len(descriptions) == pages  # one per page, not the site's description everywhere


def test_the_switcher_leaves_instant_navigation_and_knows_each_language_root():
    meta = _meta()
    switcher = ('<a href="../en/10-backpropagation/" hreflang="en" class="md-select__link">'
                '<a href="./" hreflang="ja" class="md-select__link">')
    page = SimpleNamespace(url="10-backpropagation/", file=SimpleNamespace(src_uri="ja/10-backpropagation.md"))
    out = meta.whole_page_switch(switcher, page)
    assert 'hreflang="en" class="md-select__link" target="_self" data-nnbook-root="../en/">' in out
    assert 'hreflang="ja" class="md-select__link" target="_self" data-nnbook-root="../">' in out
    page = SimpleNamespace(url="en/10-backpropagation.html", file=SimpleNamespace(src_uri="en/10-backpropagation.md"))
    assert 'data-nnbook-root="../en/"' in meta.whole_page_switch(switcher, page)  # offline layout
    sitemap = meta.language_sitemap({"https://o.github.io/r/en/b/", "https://o.github.io/r/en/"})
    assert sitemap.index("<loc>https://o.github.io/r/en/</loc>") < sitemap.index("<loc>https://o.github.io/r/en/b/</loc>")


def test_instant_navigation_is_on_and_kept_out_of_i18n_s_reconfiguration():
    meta = _meta()
    assert "navigation.instant" in _mkdocs_yml()["theme"]["features"]
    config = SimpleNamespace(site_name="s", site_description="d", edit_uri=None, site_url=None,
                             theme={"features": ["navigation.instant", "toc.follow"]},
                             extra={"repository": "https://github.com/nnbook/nnbook"})
    meta.on_config(config)
    assert config.theme["features"] == ["toc.follow"]  # i18n's on_config (-100) then sees no instant
    meta.on_pre_build(config)
    assert config.theme["features"] == ["toc.follow", "navigation.instant"]


def test_figures_get_the_size_of_their_svg():
    spec = importlib.util.spec_from_file_location("figure_sizes", ROOT / "hooks" / "figure_sizes.py")
    sizes = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sizes)
    html = ('<picture><source media="(max-width: 37.5em)" srcset="../assets/figures/a.narrow.svg">'
            '<img alt="A" src="../assets/figures/a.svg" /></picture><img src="../assets/figures/gone.svg">')
    svgs = {"a": '<svg width="683.6375pt" height="262.38pt">', "a.narrow": '<svg x="1" width="300pt" height="600pt">'}
    out = sizes.sized(html, svgs.get)
    assert 'srcset="../assets/figures/a.narrow.svg" width="400" height="800">' in out
    assert '<img alt="A" src="../assets/figures/a.svg" width="912" height="350" />' in out
    assert '<img src="../assets/figures/gone.svg">' in out  # no SVG found: left alone
    site = os.environ.get("NNBOOK_SITE_DIR")
    if site:  # the built site: no figure without its size
        for path in Path(site).glob("**/index.html"):
            for tag in _re.findall(r"<(?:img|source)\b[^>]*assets/figures/[^>]*>", path.read_text(encoding="utf-8")):
                assert "width=" in tag and "height=" in tag, (path, tag)


def test_unused_assets_go_and_the_search_languages_stay(tmp_path):
    spec = importlib.util.spec_from_file_location("unused_assets", ROOT / "hooks" / "unused_assets.py")
    unused = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(unused)
    js = tmp_path / "assets" / "javascripts"
    (js / "lunr" / "min").mkdir(parents=True)
    (js / "bundle.ab12.min.js").write_text("code();\n//# sourceMappingURL=bundle.ab12.min.js.map\n")
    (js / "bundle.ab12.min.js.map").write_text("{}")
    for name in ["min/lunr.ja.min.js", "min/lunr.th.min.js", "min/lunr.multi.min.js", "min/lunr.stemmer.support.min.js",
                 "tinyseg.js", "wordcut.js"]:
        (js / "lunr" / name).write_text("x")
    removed = {p.relative_to(tmp_path).as_posix() for p in unused.trim(tmp_path, ["ja", "en"])}
    assert removed == {"assets/javascripts/bundle.ab12.min.js.map", "assets/javascripts/lunr/min/lunr.th.min.js",
                       "assets/javascripts/lunr/wordcut.js"}
    assert (js / "bundle.ab12.min.js").read_text() == "code();"
    offline = SimpleNamespace(config={"enabled": False})
    config = SimpleNamespace(plugins={"offline": offline}, extra={"polyfills": ["shim.js"]})
    assert unused.on_config(config).extra["polyfills"] == []
    offline.config["enabled"] = True
    config.extra["polyfills"] = ["shim.js"]
    assert unused.on_config(config).extra["polyfills"] == ["shim.js"]


def test_mkdocs_serve_keeps_its_own_site_url(monkeypatch):
    meta = _meta()
    monkeypatch.delenv("NNBOOK_REPOSITORY", raising=False)
    meta.on_startup("serve", False)
    config = SimpleNamespace(site_name="s", site_description="d", edit_uri=None, site_url="http://127.0.0.1:8000/nnbook/",
                             theme={}, extra={"repository": "https://github.com/nnbook/nnbook"})
    assert meta.on_config(config).site_url == "http://127.0.0.1:8000/nnbook/"
    meta.on_startup("build", False)
    assert meta.on_config(config).site_url == "https://nnbook.github.io/nnbook/"


def test_the_palette_css_loses_only_material_s_switching_rule():
    """hooks/palette_css.py: the rule that made every element restyle twice at load goes; the rest stays.
    Material's own palette CSS (the installed theme) must still have it, or the hook only warns."""
    spec = importlib.util.spec_from_file_location("palette_css", ROOT / "hooks" / "palette_css.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    import material

    shipped = sorted((Path(material.__file__).parent / "templates" / "assets" / "stylesheets").glob("palette.*.min.css"))
    assert shipped, "Material's palette CSS not found"
    css = shipped[0].read_text(encoding="utf-8")
    trimmed = hook.drop_switching_rule(css)
    assert trimmed is not None and "data-md-color-switching" not in trimmed
    assert len(css) - len(trimmed) == len(hook.RULE) and "[data-md-color-scheme=slate]" in trimmed
    assert hook.drop_switching_rule(trimmed) is None
    site = os.environ.get("NNBOOK_SITE_DIR")
    if site:  # the built site carries the trimmed file
        built = sorted(Path(site).glob("assets/stylesheets/palette.*.min.css"))
        assert built and "data-md-color-switching" not in built[0].read_text(encoding="utf-8")

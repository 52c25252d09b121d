"""The chapter notebooks (docs/<lang>/notebooks/NN-name.ipynb) are up to date and run in a fresh kernel.

They are generated from the chapter pages by tests/nnbook_notebooks.py (see its docstring); after changing a
chapter or a section of the package that a chapter includes, regenerate them with

    .venv/bin/python tests/nnbook_notebooks.py
"""

from __future__ import annotations

import json

import pytest

import nnbook_notebooks as nbgen
from nnbook_docs import ROOT, SnippetExpander, scan_fences, snippet_options

NOTEBOOKS = nbgen.all_notebooks()
IDS = [f"{lang}/{page.stem}" for lang, page, _ in NOTEBOOKS]
UPDATE = ".venv/bin/python tests/nnbook_notebooks.py"


@pytest.fixture(scope="module")
def expander() -> SnippetExpander:
    return SnippetExpander(snippet_options())


@pytest.fixture(scope="module")
def settings() -> nbgen.Settings:
    return nbgen.settings()


@pytest.mark.parametrize(("lang", "page", "path"), NOTEBOOKS, ids=IDS)
def test_notebook_is_up_to_date(lang, page, path, expander, settings):
    rel = path.relative_to(ROOT)
    assert path.exists(), f"{rel} is missing; run: {UPDATE}"
    fresh = nbgen.render(page, lang, expander=expander, s=settings)
    assert path.read_text("utf-8") == fresh, f"{rel} is stale (its page or an included section changed); run: {UPDATE}"


@pytest.mark.parametrize(("lang", "page", "path"), NOTEBOOKS, ids=IDS)
def test_every_block_of_the_page_is_a_cell_of_its_notebook(lang, page, path, expander, settings):
    """The page's docs tests read each block's outputs from its cell when this run executes the notebook
    (tests/nnbook_docs.py, GAP 9): every block that runs has one, with the same code."""
    nb = nbgen.page_to_notebook(page, lang, expander=expander, s=settings)
    cells = nbgen.cells_of_fences(page, lang, nb, expander=expander, s=settings)
    assert sorted(cells) == [f.line for f in scan_fences(page.read_text("utf-8")) if f.runs]


def test_no_orphaned_notebooks():
    _, orphans = nbgen.stale_or_orphaned()
    assert not orphans, f"notebooks without a chapter page: {[str(p.relative_to(ROOT)) for p in orphans]}; run: {UPDATE}"


def test_notebooks_carry_no_outputs():
    for _, _, path in NOTEBOOKS:
        if path.exists():
            nb = json.loads(path.read_text("utf-8"))
            assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code"), path


@pytest.fixture(scope="module")
def executed(request, notebook_runs, tmp_path_factory) -> dict:
    """The selected notebooks, each run in its own fresh kernel, a few at a time, by the build's runner
    (hooks/notebook_runs.py: a chapter whose two languages have the same code but for comments runs once,
    unless an output can quote the code); id -> (notebook, error). The session starts them beside the
    other tests (``notebook_runs``, tests/conftest.py); each one that ran without error and is the
    committed file also leaves its page in mkdocs-jupyter's cache, under the key the build looks up, so
    the builds that follow (test_browser.py's, test_links.py's, a strict build) show these outputs
    instead of executing the chapter again. A failing cell still fails this test and the build, which
    executes that notebook again."""
    if notebook_runs is not None:
        return nbgen.read_executions(notebook_runs)
    wanted = [
        item.callspec.id
        for item in request.session.items
        if getattr(item, "originalname", "") == "test_notebook_runs_in_a_fresh_kernel"
    ]
    workdir = tmp_path_factory.mktemp("notebook-runs")
    jobs, options = nbgen.executions(wanted, workdir)
    return nbgen.read_executions(nbgen.run_executions(jobs, options, workdir))


# Jupyter's own libraries warn about their internals (paths, zmq, datetime); those are not the book's.
@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::RuntimeWarning", "ignore::UserWarning")
@pytest.mark.parametrize(("lang", "page", "path"), NOTEBOOKS, ids=IDS)
def test_notebook_runs_in_a_fresh_kernel(lang, page, path, executed):
    """Every cell runs top to bottom; a cell tagged raises-exception (the page shows a traceback) may raise."""
    nb, error = executed[f"{lang}/{page.stem}"]
    rel = page.relative_to(ROOT)
    if error or nb is None:
        pytest.fail(f"{rel} as a notebook: a cell failed\n{error}", pytrace=False)
    figures = [c for c in nb.cells if c.cell_type == "code" and "render_svg(" in c.source]
    for cell in figures:
        assert any("image/svg+xml" in o.get("data", {}) for o in cell.outputs), f"{page.name}: figure cell shows no SVG"


# --------------------------------------------------------------------------------------------
# hooks/notebooks.py, on mkdocs File objects (the built pages are checked by tests/test_browser.py)
# --------------------------------------------------------------------------------------------


def _hook(name: str = "notebooks"):
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"nnbook_hook_{name}", ROOT / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def site(tmp_path):
    from types import SimpleNamespace

    from mkdocs.structure.files import File, Files

    config = SimpleNamespace(
        extra={"repository": "https://github.com/owner/repo", "repository_branch": "main"},
        use_directory_urls=True,
        site_dir=str(tmp_path),
    )
    chapter = File("en/02-perceptron.md", str(ROOT / "docs"), str(tmp_path), True)
    notebook = File("en/notebooks/02-perceptron.ipynb", str(ROOT / "docs"), str(tmp_path), True)
    return SimpleNamespace(config=config, chapter=chapter, notebook=notebook, files=Files([chapter, notebook]))


def test_notebook_cache_key_changes_with_the_package_and_the_rendering(tmp_path):
    """A warm build must re-execute the notebooks after a package change (hooks/notebooks.py, point 6),
    and render them again after a change to a hook that renders them (hooks/notebook_errors.py)."""
    from mkdocs_jupyter import plugin

    (tmp_path / "src" / "nnbook").mkdir(parents=True)
    module = tmp_path / "src" / "nnbook" / "layers.py"
    module.write_text("A = 1\n")
    notebook = tmp_path / "nb.ipynb"
    notebook.write_text("{}")
    saved = plugin._compute_cache_key
    try:
        _hook().on_config({"config_file_path": str(tmp_path / "mkdocs.yml")})
        options = dict.fromkeys(
            ["kernel_name", "theme", "allow_errors", "show_input", "no_input", "no_prompt", "remove_tag_config",
             "highlight_extra_classes", "include_requirejs", "custom_mathjax_url", "toc_depth"]
        )
        before = plugin._compute_cache_key(str(notebook), options, True)
        assert plugin._compute_cache_key(str(notebook), options, True) == before
        module.write_text("A = 2\n")
        after = plugin._compute_cache_key(str(notebook), options, True)
        assert after != before
        # and with the hooks that change how a page is rendered (a warm .cache would show the old pages)
        (tmp_path / "hooks").mkdir()
        (tmp_path / "hooks" / "notebook_errors.py").write_text("# short tracebacks\n")
        assert plugin._compute_cache_key(str(notebook), options, True) != after
    finally:
        plugin._compute_cache_key = saved


def test_hook_makes_notebooks_pages_and_links_them_from_their_chapter(site):
    from types import SimpleNamespace

    hook = _hook()
    hook.on_files(site.files, site.config)
    assert site.notebook.is_documentation_page()
    assert site.notebook.url == "en/notebooks/02-perceptron/"
    markdown = hook.on_page_markdown("# The perceptron\n\nText.", SimpleNamespace(file=site.chapter), site.config, site.files)
    title, blank, links, *rest = markdown.split("\n")
    assert title == "# The perceptron" and blank == ""
    assert '<a href="../notebooks/02-perceptron/">Read as a notebook</a>' in links
    assert '<a href="../notebooks/02-perceptron/02-perceptron.ipynb" download>' in links
    colab = "https://colab.research.google.com/github/owner/repo/blob/main/docs/en/notebooks/02-perceptron.ipynb"
    assert f'<a href="{colab}">Open in Colab</a>' in links
    assert "\n".join(rest).strip() == "Text."


def test_hook_removes_cdn_scripts_and_shares_the_inline_css(site):
    from types import SimpleNamespace

    hook = _hook()
    hook.on_files(site.files, site.config)
    page = SimpleNamespace(
        file=site.notebook,
        url=site.notebook.url,
        edit_url="https://github.com/owner/repo/edit/main/docs/en/notebooks/02-perceptron.ipynb",
    )
    html = (
        '<!-- Load mathjax --><script src="https://cdnjs.example/mathjax.js"> </script>'
        "<!-- End of mathjax configuration -->"
        '<script type="module">await import("https://cdnjs.example/mermaid.mjs")</script>'
        '<style type="text/css">.jp-Cell { color: red; }</style><div class="jupyter-wrapper jp-Cell"><h1>T</h1>$x$</div>'
    )
    out = hook.on_page_content(html, page, site.config, site.files)
    assert "cdnjs" not in out and "<script" not in out and "<style" not in out
    assert out.startswith('<link rel="stylesheet" href="../../../assets/notebooks/notebook.css">')
    hook._classes.add("jp-Cell")  # as on_post_page records from the built page
    hook._write_css(site.config)  # the shared CSS is written at the end of the build (on_post_build)
    css = (ROOT / site.config.site_dir / "assets" / "notebooks" / "notebook.css").read_text("utf-8")
    assert ".jp-Cell" in css and "color: red" in css
    links = out.split("<h1>T</h1>", 1)[1]
    assert links.startswith('<p class="nnbook-notebook-links"')
    assert '<a href="../../02-perceptron/">Back to the chapter</a>' in links
    assert '<a href="./02-perceptron.ipynb" download>' in links
    assert page.edit_url == "https://github.com/owner/repo/edit/main/docs/en/02-perceptron.md"


def test_download_link_points_at_the_copied_ipynb_in_the_offline_build(site):
    from types import SimpleNamespace

    hook = _hook()
    site.config.use_directory_urls = False
    for file in site.files:
        file.dest_uri = file._get_dest_path(False)
        file.url = file._get_url(False)
    hook.on_files(site.files, site.config)
    assert site.notebook.url == "en/notebooks/02-perceptron.html"
    markdown = hook.on_page_markdown("# The perceptron\n\nText.", SimpleNamespace(file=site.chapter), site.config, site.files)
    links = markdown.split("\n")[2]
    # include_source writes en/notebooks/02-perceptron.ipynb next to en/notebooks/02-perceptron.html
    assert '<a href="notebooks/02-perceptron.ipynb" download>' in links
    assert ".html02-perceptron" not in links


def test_shared_css_keeps_only_the_custom_properties_a_kept_rule_reads():
    hook = _hook()
    css = (":root{--used: red; --unused: blue; --chain: var(--leaf); --leaf: 1px; --orphan: var(--leaf2)}"
           "@media (max-width: 10px){.a{--in-media: 0; color: var(--used)}}"
           ".b{border: var(--chain) solid; content: \"a;b\"}@font-face{font-family: x; --odd: 1}")
    out = hook.prune_custom_properties(css, keep=frozenset({"--kept"}))
    assert "--used: red" in out and "--chain: var(--leaf)" in out and "--leaf: 1px" in out
    assert "--unused" not in out and "--orphan" not in out and "--leaf2" not in out and "--in-media" not in out
    assert 'content: "a;b"' in out and "@font-face{font-family: x; --odd: 1}" in out  # at-rules left alone
    assert "@media (max-width: 10px){.a{ color: var(--used)}}" in out
    assert "--x: 1" in hook.prune_custom_properties(".a{--x: 1}", keep=frozenset({"--x"}))

"""Jupyter notebooks made from the chapter pages: ``docs/<lang>/NN-name.md`` -> ``docs/<lang>/notebooks/NN-name.ipynb``.

The page is the only source. Its blocks are read with the docs tests' own parser
(``nnbook_docs.scan_fences``) and ``--8<--`` includes are expanded by pymdownx's snippet preprocessor with
the options of mkdocs.yml (``nnbook_docs.SnippetExpander``), so a notebook runs exactly the code that the
page shows and the docs tests run. Conversion rules:

- runnable ``python`` fences become code cells (in page order, answers of the exercises included);
- ``{.text .output}`` fences are dropped: running the cell prints them (a shown traceback tags the cell
  ``raises-exception``, so Jupyter, nbclient and the site's build run on past it);
- ``{.python .no-run}`` fences and other languages stay as display-only code inside the markdown;
- prose becomes markdown cells (one per ``##``/``###`` section); admonitions and ``???`` answers become
  quotes with their title in bold; heading IDs ``{ #id }`` become ``<a id>`` anchors; links to other pages
  point at the published site; a figure ``![..](../assets/figures/NAME.svg)`` becomes a code cell that
  draws it with ``nnbook.plot`` (so the figure is made by the package here too);
- an interactive widget of the site (a raw HTML block ``<section class="nn-...">`` ... ``</section>`` (or a
  ``div``) at the start of a line, such as chapter 2's slider) needs the site's script: it becomes a link to
  it on the site;
- a first code cell installs the package from the repository when, and only when, ``nnbook`` cannot be
  imported (Google Colab, a fresh local Jupyter), and a markdown cell before it shows the same command
  for a terminal; where nnbook is installed (the site's build, the tests) the cell does nothing and
  reaches no network. The docs tests compile page blocks as a fresh interpreter would, so a notebook's
  cells run as they do.

The notebooks are committed (so "Open in Colab" links work) and carry no outputs; the site's build
executes them (mkdocs-jupyter), ``tests/test_notebooks.py`` fails when one is stale and runs each in a
fresh kernel. Regenerate after changing a chapter or an included section of the package::

    .venv/bin/python tests/nnbook_notebooks.py           # write every notebook
    .venv/bin/python tests/nnbook_notebooks.py --check   # exit 1 if one is missing or stale

The repository URL comes from ``extra.repository`` in mkdocs.yml (the one place it is set), the site's
address from ``site_url``. Like nnbook_docs, this is docs machinery; the package never imports it.
"""

from __future__ import annotations

import argparse
import hashlib
import posixpath
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from nnbook_docs import (  # noqa: E402
    MKDOCS_YML,
    NO_RUN_REASON,
    ROOT,
    SnippetExpander,
    _MkDocsLoader,
    scan_fences,
    snippet_options,
)

DOCS = ROOT / "docs"
LANGS = ("ja", "en")
CHAPTER = re.compile(r"^(0[2-9]|1[01])-[\w-]+\.md$")  # chapters 2-11
NOTEBOOK_DIR = "notebooks"

HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*(?:\{\s*#(?P<id>[\w-]+)[^}]*\})?\s*$")
BLOCK_OPEN = re.compile(r'^(?P<indent>[ \t]*)(?P<marker>!!!|\?\?\?\+?|===)\s*(?P<kind>[\w-]*)\s*(?:"(?P<title>[^"]*)")?\s*$')
FIGURE = re.compile(r"^\s*!\[(?P<alt>[^\]]*)\]\(\s*(?:\.\./)+assets/figures/(?P<name>[\w.-]+)\.svg\s*\)\s*(?:\{[^}]*\})?\s*$")
LINK = re.compile(r"(?P<bang>!?)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)(?P<title>\s+\"[^\"]*\")?\)")
TRACEBACK_LINE = "Traceback (most recent call last):"
WIDGET_OPEN = re.compile(r'^<(?P<tag>div|section) class="nn-[\w-]+"')

TEXT = {
    "ja": {
        "generated": "このノートブックは、本のページ「[{title}]({url})」から自動で作られています。"
        "コードを自由に書き換えて実行してみてください。元に戻すときは、もう一度ダウンロードしてください。",
        "install_note": "このノートブックには nnbook パッケージが必要です。次のセルは、nnbook が見つからないとき"
        "(Colab や新しく作った環境)だけ、リポジトリからインストールします。"
        "ターミナルで自分でインストールするときは `{command}` を実行してください。"
        "インストールしたあとも読み込めないときは、カーネルを再起動してください。",
        "install": "# nnbook が見つからないときだけ、リポジトリからインストールします。",
        "figure": "# 本の図を nnbook.plot で描きます。",
        "display_only": "(表示だけのコードです。実行しません。)",
        "note": "メモ",
        "widget": "本のサイトのこの節では、重みとバイアスをつまみで動かして、決定境界と真理値表が変わる様子を試せます:"
        " [{title}]({url})",
    },
    "en": {
        "generated": "This notebook is generated from the book's page “[{title}]({url})”. "
        "Change the code and run it as you like; download it again to start over.",
        "install_note": "This notebook needs the nnbook package. The next cell installs it from the repository "
        "only when nnbook cannot be found (Colab, a fresh environment). To install it yourself in a "
        "terminal, run `{command}`. If it still cannot be imported after installing, restart the kernel.",
        "install": "# Install nnbook from the repository only when it cannot be found.",
        "figure": "# The book's figure, drawn by nnbook.plot.",
        "display_only": "(Display only: this code is not meant to run.)",
        "note": "Note",
        "widget": "On the book's site, this section lets you move the weights and the bias with sliders and watch the "
        "decision boundary and the truth table change: [{title}]({url})",
    },
}


@dataclass(frozen=True)
class Settings:
    repository: str  # https://github.com/OWNER/REPO
    branch: str
    site_url: str  # ends with "/"

    @property
    def install(self) -> str:
        return f"nnbook[plot] @ git+{self.repository}@{self.branch}"

    @property
    def install_command(self) -> str:
        """What a reader types in a terminal (the same requirement as the install cell)."""
        return f'python3 -m pip install "{self.install}"'


def settings(mkdocs_yml: Path = MKDOCS_YML) -> Settings:
    config = yaml.load(mkdocs_yml.read_text(encoding="utf-8"), Loader=_MkDocsLoader)
    extra = config.get("extra") or {}
    repository = (extra.get("repository") or "").rstrip("/")
    if not repository.startswith("https://github.com/"):
        raise LookupError(f"{mkdocs_yml}: extra.repository must be https://github.com/OWNER/REPO (got {repository!r})")
    site_url = (config.get("site_url") or "").rstrip("/") + "/"
    return Settings(repository, extra.get("repository_branch") or "main", site_url)


def chapter_pages(lang: str, docs: Path = DOCS) -> list[Path]:
    """The chapter pages (02-11) that exist now, in file order."""
    folder = docs / lang
    return sorted(p for p in folder.glob("*.md") if CHAPTER.match(p.name)) if folder.is_dir() else []


def notebook_path(page: Path) -> Path:
    return page.parent / NOTEBOOK_DIR / (page.stem + ".ipynb")


# --------------------------------------------------------------------------------------------
# Page -> cells
# --------------------------------------------------------------------------------------------


CJK = "\u3000-\u303f\u3040-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff60"
CJK_END = re.compile(rf"[{CJK}]$")
CJK_START = re.compile(rf"^(?P<quote>(?:> )*)(?P<rest>[{CJK}].*)$")


def _join_cjk_lines(lines: list[str]) -> list[str]:
    """Join a line break between two Japanese characters, which Markdown would show as a space
    (the site does the same in hooks/cjk_linebreaks.py); a break next to Latin text stays."""
    out: list[str] = []
    for line in lines:
        m = CJK_START.match(line)
        if out and m and CJK_END.search(out[-1]) and out[-1].startswith(m["quote"]) and not out[-1].startswith(
            m["quote"] + ">"
        ):
            out[-1] += m["rest"]
        else:
            out.append(line)
    return out


class _Cells:
    def __init__(self) -> None:
        self.cells: list = []
        self._markdown: list[str] = []
        self.fences: dict[int, int] = {}  # page line of a runnable fence -> index of its code cell

    def text(self, line: str) -> None:
        self._markdown.append(line)

    def flush(self) -> None:
        lines = self._markdown
        while lines and not lines[-1].strip(" >"):
            lines.pop()
        while lines and not lines[0].strip(" >"):
            lines.pop(0)
        if lines:
            self.cells.append(nbformat.v4.new_markdown_cell("\n".join(_join_cjk_lines(lines))))
        self._markdown = []

    def code(self, source: str, tags: list[str] | None = None, *, fence: int | None = None) -> None:
        self.flush()
        cell = nbformat.v4.new_code_cell(source.rstrip("\n"))
        if tags:
            cell.metadata["tags"] = tags
        if fence is not None:
            self.fences[fence] = len(self.cells)
        self.cells.append(cell)


def _site_link(target: str, page: Path, lang: str, s: Settings) -> str:
    """A page-relative link as an absolute URL of the published site (in-page anchors stay)."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
        return target
    path, _, fragment = target.partition("#")
    base = s.site_url + ("" if lang == LANGS[0] else f"{lang}/")
    parts = posixpath.normpath((page.parent.relative_to(DOCS / lang) / path).as_posix())
    if parts.startswith("../"):  # outside the language folder (assets): from the site's root
        base, parts = s.site_url, parts[3:]
    if parts.endswith(".md"):
        parts = parts[: -len(".md")]
        if parts == "index" or parts.endswith("/index"):
            parts = parts[: -len("index")]
        else:
            parts += "/"
    url = base + parts
    return url + (f"#{fragment}" if fragment else "")


def _prose_line(line: str, page: Path, lang: str, s: Settings) -> str:
    m = HEADING.match(line)
    if m and m["id"]:
        line = f'{m["hashes"]} {m["text"]} <a id="{m["id"]}"></a>'

    def link(match: re.Match) -> str:
        return f'{match["bang"]}[{match["text"]}]({_site_link(match["target"], page, lang, s)}{match["title"] or ""})'

    return LINK.sub(link, line)


def page_to_notebook(page: Path, lang: str, *, expander: SnippetExpander, s: Settings, fences_to: dict | None = None):
    """The notebook of ``page``; ``fences_to``, if given, receives {page line of each runnable fence: index of
    its code cell} (the docs tests read a fence's outputs from the executed notebook: ``cells_of_fences``)."""
    page = page.resolve()
    text = page.read_text(encoding="utf-8")
    lines = text.split("\n")
    fences = {f.line - 1: f for f in scan_fences(text)}  # 0-based line of the opening fence
    fence_list = sorted(fences.values(), key=lambda f: f.line)
    t = TEXT[lang]
    cells = _Cells()

    title = next((m["text"] for line in lines if (m := HEADING.match(line)) and len(m["hashes"]) == 1), page.stem)
    page_url = _site_link(page.name, page, lang, s)
    title_done = False
    section = ""  # the ID of the current heading (a widget's link points at its section)

    blocks: list[int] = []  # body indentation of the open admonitions / tabs

    def depth_prefix() -> str:
        return "> " * len(blocks)

    def close_blocks(indent: int) -> None:
        if blocks and indent < blocks[-1]:
            while blocks and indent < blocks[-1]:
                blocks.pop()
            cells.text("")  # a real blank line ends the quote

    i = 0
    while i < len(lines):
        line = lines[i]
        indent = len(line) - len(line.lstrip(" "))
        if line.strip():
            close_blocks(indent)
        if i in fences:
            fence = fences[i]
            close_blocks(len(fence.indent))
            k = fence_list.index(fence)
            nxt = fence_list[k + 1] if k + 1 < len(fence_list) else None
            if fence.is_python and not fence.no_run:
                shown = nxt if nxt is not None and nxt.is_output and nxt.blank_before else None
                raises = shown is not None and any(x.strip() == TRACEBACK_LINE for x in shown.body.split("\n"))
                cells.code(expander.expand(fence.body), ["raises-exception"] if raises else None, fence=fence.line)
            elif fence.lang == "pycon":
                source = [x[4:] for x in fence.body.split("\n") if x.startswith((">>> ", "... "))]
                cells.code("\n".join(source), fence=fence.line)
            elif fence.is_output:
                pass  # the code cell above prints it
            else:
                prefix = depth_prefix()
                lang_word = "python" if fence.is_python else fence.lang
                if fence.no_run:
                    cells.text(prefix + f"*{t['display_only']}*")
                    cells.text(prefix)
                cells.text(prefix + "```" + lang_word)
                for x in fence.body.rstrip("\n").split("\n"):
                    cells.text(prefix + x)
                cells.text(prefix + "```")
            i = fence.end_line
            continue
        if NO_RUN_REASON.match(line):
            i += 1
            continue
        m = BLOCK_OPEN.match(line)
        if m:
            if not blocks:
                cells.flush()
            label = m["title"] if m["title"] is not None else (m["kind"] or t["note"]).capitalize()
            if blocks:
                cells.text(depth_prefix())
            blocks.append(len(m["indent"]) + 4)
            cells.text(depth_prefix() + f"**{label}**")
            cells.text(depth_prefix().rstrip())
            i += 1
            continue
        widget = WIDGET_OPEN.match(line)
        if widget and not blocks:
            depth, tag = 0, widget["tag"]
            while i < len(lines):  # to the closing tag
                depth += lines[i].count(f"<{tag}") - lines[i].count(f"</{tag}>")
                i += 1
                if depth <= 0:
                    break
            cells.text(t["widget"].format(title=title, url=page_url + (f"#{section}" if section else "")))
            continue
        fig = FIGURE.match(line)
        if fig:
            cells.code(
                f"{t['figure']}\nfrom IPython.display import SVG\nfrom nnbook.plot import render_svg\n\n"
                f'SVG(render_svg("{fig["name"]}"))'
            )
            i += 1
            continue
        h = HEADING.match(line)
        if h and not blocks and len(h["hashes"]) in (2, 3):
            cells.flush()
        if h and h["id"]:
            section = h["id"]
        if blocks:
            body = line[blocks[-1] :] if line.startswith(" " * blocks[-1]) else line.lstrip(" ")
        else:
            body = line
        cells.text(depth_prefix() + _prose_line(body, page, lang, s))
        if h and len(h["hashes"]) == 1 and not title_done:
            title_done = True
            cells.text("")
            cells.text(t["generated"].format(title=title, url=page_url))
            cells.text("")
            cells.text(t["install_note"].format(command=s.install_command))
            cells.flush()
            # %pip installs into the kernel's own environment; the caches of the import system are
            # cleared so the new package is found without restarting the kernel.
            cells.code(
                f"{t['install']}\nimport importlib\nimport importlib.util\n\n"
                f'if importlib.util.find_spec("nnbook") is None:\n'
                f'    %pip install --quiet "{s.install}"\n'
                f"    importlib.invalidate_caches()",
                ["install-nnbook"],
            )
        i += 1
    cells.flush()

    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
        "nnbook": {"source": page.relative_to(ROOT).as_posix() if page.is_relative_to(ROOT) else page.name},
    }
    nb.cells = cells.cells
    # Stable cell IDs (nbformat >= 4.5 needs them): the same page gives the same bytes every time.
    for k, cell in enumerate(nb.cells):
        digest = hashlib.sha1(cell.source.encode("utf-8")).hexdigest()[:8]
        cell["id"] = f"{k:03d}-{digest}"
    nbformat.validate(nb)
    if fences_to is not None:
        fences_to.update(cells.fences)
    return nb


def cells_of_fences(page: Path, lang: str, executed, *, expander: SnippetExpander, s: Settings) -> dict[int, dict]:
    """{page line of a runnable fence: its cell in ``executed``, the page's notebook after a run}; a cell
    whose code is not the fence's (the page has changed since) is left out."""
    fences: dict[int, int] = {}
    nb = page_to_notebook(page, lang, expander=expander, s=s, fences_to=fences)
    if len(nb.cells) != len(executed.cells):
        return {}
    return {line: executed.cells[k] for line, k in fences.items()
            if executed.cells[k].cell_type == "code" and executed.cells[k].source == nb.cells[k].source}


def render(page: Path, lang: str, *, expander: SnippetExpander | None = None, s: Settings | None = None) -> str:
    """The notebook of ``page`` as the exact text written to disk."""
    expander = expander or SnippetExpander(snippet_options())
    nb = page_to_notebook(page, lang, expander=expander, s=s or settings())
    return nbformat.writes(nb) + "\n"


def all_notebooks(docs: Path = DOCS) -> list[tuple[str, Path, Path]]:
    """(lang, page, notebook path) for every chapter page that exists."""
    return [(lang, page, notebook_path(page)) for lang in LANGS for page in chapter_pages(lang, docs)]


def stale_or_orphaned(docs: Path = DOCS) -> tuple[list[Path], list[Path]]:
    """(notebooks that differ from their page, notebooks whose page is gone)."""
    expander, s = SnippetExpander(snippet_options()), settings()
    stale = [nb for lang, page, nb in all_notebooks(docs) if not nb.exists() or nb.read_text("utf-8") != render(page, lang, expander=expander, s=s)]
    wanted = {nb for _, _, nb in all_notebooks(docs)}
    orphans = [p for lang in LANGS for p in sorted((docs / lang / NOTEBOOK_DIR).glob("*.ipynb")) if p not in wanted]
    return stale, orphans


# Executing them for tests/test_notebooks.py: the build's own runner (hooks/notebook_runs.py), in a
# process of its own, so that the test session can start it beside the other tests (tests/conftest.py).


def _hook(name: str):
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"nnbook_hook_{name}", ROOT / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def jupyter_options() -> dict:
    """mkdocs-jupyter's options as the build sees them: mkdocs.yml's, with the plugin's defaults."""
    from mkdocs_jupyter.plugin import Plugin

    config = yaml.load(MKDOCS_YML.read_text("utf-8"), Loader=_MkDocsLoader)
    options = next(p["mkdocs-jupyter"] for p in config["plugins"] if isinstance(p, dict) and "mkdocs-jupyter" in p)
    plugin = Plugin()
    errors, _ = plugin.load_config(options)
    assert not errors, errors
    return dict(plugin.config)


def executions(wanted: list[str], workdir: Path) -> tuple[list[dict], dict]:
    """Jobs for the runner: each wanted notebook (``lang/NN-name``) rendered afresh from its page into
    ``workdir``. A job names the cache file the build will look up for the committed notebook when that
    file is the rendered one (up to date): the runner then writes the executed page there, and the
    build that follows shows it instead of executing the chapter again."""
    from mkdocs_jupyter import plugin

    runs, options = _hook("notebook_runs"), jupyter_options()
    share = options["cache"] and options["execute"]
    expander, s = SnippetExpander(snippet_options()), settings()
    jobs, saved = [], plugin._compute_cache_key
    try:
        _hook("notebooks").on_config({"config_file_path": str(MKDOCS_YML)})  # the key covers the package
        for lang, page, path in sorted(all_notebooks(), key=lambda n: (LANGS.index(n[0]), n[1].name)):
            ident = f"{lang}/{page.stem}"
            if ident not in wanted:
                continue
            text = render(page, lang, expander=expander, s=s)
            fresh = workdir / ident.replace("/", "-") / path.name
            fresh.parent.mkdir(parents=True, exist_ok=True)
            fresh.write_text(text, encoding="utf-8")
            up_to_date = share and path.exists() and path.read_text("utf-8") == text
            jobs.append({"path": str(fresh), "id": ident, "toc_from": str(path),
                         "cache": str(runs.cache_file(path, options)) if up_to_date else None})
    finally:
        plugin._compute_cache_key = saved
    return jobs, options


def run_executions(jobs: list[dict], options: dict, workdir: Path, parallel: int = 3, started=None) -> dict:
    """Run the jobs (each notebook in a fresh kernel, ``parallel`` at a time); id -> (path of the executed
    notebook or None, error). Only waits on the runner's process (tests/conftest.py calls it in a thread,
    where a warning would not reach the test it belongs to): ``read_executions`` reads the notebooks.

    ``started()`` is called once the runner is running: a build started then with
    ``NNBOOK_NOTEBOOK_RUNNER=<workdir>`` waits for the notebooks this runner writes into the cache
    instead of executing them again (hooks/notebook_runs.py, ``follow``), from the runner's lines,
    which are copied into ``workdir/progress.jsonl`` as they come, and a last ``{"end": true}`` line
    when the runner has ended, however it ended."""
    import json

    runs = _hook("notebook_runs")
    ids = {job["path"]: job["id"] for job in jobs}
    log = workdir / "runner.log"  # the runner's and the kernels' stderr, shown if the runner fails
    results = {}
    with log.open("w", encoding="utf-8") as stderr, (workdir / runs.PROGRESS).open("w", encoding="utf-8") as progress:
        try:
            process = runs.start_runner(jobs, str(workdir), options, parallel=parallel, stderr=stderr)
            if started is not None:
                started()
            with process, process.stdout:
                for line in process.stdout:
                    try:
                        done = json.loads(line)
                    except ValueError:
                        continue
                    progress.write(line if line.endswith("\n") else line + "\n")
                    progress.flush()
                    results[ids[done["path"]]] = (done.get("executed"), done["error"])
            code = process.returncode
        finally:
            progress.write(json.dumps({"end": True}) + "\n")
    for job in jobs:
        tail = log.read_text("utf-8")[-3000:]
        results.setdefault(job["id"], (None, f"not run: hooks/notebook_runs.py ended with exit code {code}\n{tail}"))
    return results


def read_executions(results: dict) -> dict:
    """``run_executions``' results with the executed notebooks read: id -> (notebook or None, error)."""
    return {ident: (nbformat.read(path, as_version=4) if path else None, error) for ident, (path, error) in results.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a notebook is stale")
    args = parser.parse_args(argv)
    expander, s = SnippetExpander(snippet_options()), settings()
    changed = 0
    failed = 0
    for lang, page, nb_path in all_notebooks():
        try:
            new = render(page, lang, expander=expander, s=s)
        except Exception as exc:  # e.g. a snippet include that names a missing section: go on with the others
            failed += 1
            print(f"cannot convert {page.relative_to(ROOT)}: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        old = nb_path.read_text("utf-8") if nb_path.exists() else None
        if new != old:
            changed += 1
            print(f"{'stale' if args.check else 'wrote'}: {nb_path.relative_to(ROOT)}")
            if not args.check:
                nb_path.parent.mkdir(parents=True, exist_ok=True)
                nb_path.write_text(new, encoding="utf-8")
    wanted = {nb for _, _, nb in all_notebooks()}
    for lang in LANGS:
        for orphan in sorted((DOCS / lang / NOTEBOOK_DIR).glob("*.ipynb")):
            if orphan not in wanted:
                changed += 1
                print(f"{'orphaned' if args.check else 'removed'}: {orphan.relative_to(ROOT)}")
                if not args.check:
                    orphan.unlink()
    if args.check and changed:
        print("run: .venv/bin/python tests/nnbook_notebooks.py", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

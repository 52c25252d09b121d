"""Glue between the book's pages and pytest-markdown-docs, the package that runs the docs tests.

pytest-markdown-docs (``--markdown-docs --markdown-docs-syntax=superfences`` in pyproject's ``addopts``)
collects the pages and makes one test item per python fence, named as it names them
(``docs/ja/02-perceptron.md::[CodeFence#3][line:40]``). This module, loaded with ``-p nnbook_docs``,
fills what the library lacks for this book; each piece below says which gap it fills (the fixes that
belong upstream are patches in contrib/pytest-markdown-docs/):

- GAP 1, fences in containers: markdown-it sees a fence inside ``!!!``/``???`` admonitions and ``===``
  content tabs as an indented code block. A block rule reads those containers as Python-Markdown does
  (the body is every following line indented by four more, blank lines included, however many).
- GAP 2, includes: ``--8<--`` lines are expanded in a core rule by pymdownx's own snippet preprocessor with
  the options of mkdocs.yml's ``pymdownx.snippets`` entry, so the tests run the code the site shows.
- GAP 3, which fences are tests: the library collects python fences only. A core rule also hands it the
  ``pycon`` fences (run as doctests) and takes ``{.python .no-run}`` fences away (shown only; the page
  rules check their reason). A fence whose language looks like a misspelt Python fails the page rules.
- GAP 4, one namespace per page: the library gives each fence a fresh namespace (or, with
  ``continuation``, re-runs every earlier fence for each fence). Our runner keeps one namespace per page,
  runs each fence once, top to bottom, in a temporary working directory, each page from NumPy's default
  print and error settings. After a failing fence, the later fences of its page are skipped with
  "not run: fence at line N failed". An item run alone first runs the fences before it.
- GAP 5, shown output: the runner does not see neighbouring fences, so it reads them from the page: a
  fence of class ``output`` right after a block (blank lines only between) must equal what it printed
  (warnings count, as ``Category: message`` lines; a line ``...`` matches any number of lines); a block
  that prints must show it; a shown ``Traceback (most recent call last):`` / ``  ...`` / last line
  expects that exception.
- GAP 6, page:line: failures read ``docs/ja/06-affine-layer.md:42: ...``; an error inside included package
  code also names the ``src/nnbook`` file and line.
- GAP 7, double runs: the library re-runs a fence that raises ``TypeError`` (it retries the call without
  its ``asyncio_runner`` argument). Our runner never lets an exception of the page's code escape; it
  raises ``FenceFailure`` instead, so a fence runs once.
- GAP 8, page rules: a ``page-rules`` item per page (our own collector beside the library's) checks what
  no single fence can: no-run reasons, orphan reason comments and output fences, misspelt languages.
- GAP 9, one execution: a run that also executes the chapter notebooks (tests/test_notebooks.py; the
  session starts them beside the other tests and the site's builds reuse them, tests/conftest.py) does not
  run a chapter's blocks a second time here. Each block's item reads what its cell did in the executed
  notebook and applies the rules of GAP 5 to it (``notebook_agrees``). A block runs here, as above, only
  when the notebook cannot prove the page right: its execution failed, the cell printed something else or
  raised what the page does not show, or did what this runner reads in its own way (anything on stderr, such
  as a warning; a pycon example; an exception whose full name the kernel does not give). So a failure is
  reported as above, and the run ends with a count of the blocks read each way. Pages given alone
  (``pytest docs/ja/02-perceptron.md``) and ``--update-outputs`` always run here. One difference is
  left: the kernel filters warnings as Python does by default, so a DeprecationWarning raised inside a
  library does not reach the cell, where this runner would show it; the package's own tests turn every
  warning into an error (``filterwarnings = error``), and a chapter's blocks call only the package, NumPy and the
  standard library.

``pytest --update-outputs`` rewrites plain output fences with what the code printed (adds a missing one,
removes one whose block no longer prints; never traceback fences); review the diff before committing.

This module is test machinery only; the package never imports it. tests/nnbook_notebooks.py and
tests/test_docs_parity.py read pages with ``scan_fences`` (the same parser, without includes).
"""

from __future__ import annotations

import builtins
import contextlib
import difflib
import doctest
import io
import linecache
import os
import re
import sys
import tempfile
import traceback
import types
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt
from pytest_markdown_docs._runners import DefaultRunner, _Runner, register_runner
from pytest_markdown_docs.plugin import MarkdownInlinePythonItem

os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parent.parent
MKDOCS_YML = ROOT / "mkdocs.yml"

PYTHON_LANGS = {"python", "py", "python3"}
NO_RUN_REASON = re.compile(r"^\s*<!--\s*no-run:\s*(?P<reason>.*?)\s*-->\s*$")
TRACEBACK_LINE = "Traceback (most recent call last):"
CONTAINER = re.compile(r"^(?:!!!|\?\?\?\+?|===\+?)(?:[ \t]|$)")  # admonition, details, content tab


# --------------------------------------------------------------------------------------------
# Reading a page (GAP 1, 2, 3)
# --------------------------------------------------------------------------------------------


def parse_info(info: str) -> tuple[str, list[str], dict[str, str]]:
    """Language, classes and key=value attributes of a fence's info string.

    ``python`` -> ("python", [], {}); ``{.python .no-run}`` -> ("python", ["no-run"], {});
    ``{.text .output}`` -> ("text", ["output"], {}); ``python title="x.py"`` -> ("python", [], {...}).
    """
    info = info.strip()
    attrs: dict[str, str] = {}
    if info.startswith("{") and info.endswith("}"):
        words = info[1:-1].split()
        classes = [w[1:] for w in words if w.startswith(".")]
        for w in words:
            if "=" in w:
                key, _, value = w.partition("=")
                attrs[key] = value.strip("\"'")
        lang = classes[0].lower() if classes else ""
        return lang, classes[1:], attrs
    word, _, rest = info.partition(" ")
    for key, value in re.findall(r"(\w[\w-]*)=(\"[^\"]*\"|'[^']*'|\S+)", rest):
        attrs[key] = value.strip("\"'")
    return word.lower().lstrip("."), [], attrs


def container_rule(state, start: int, end: int, silent: bool) -> bool:
    """GAP 1: ``!!! note``, ``??? success "..."``, ``=== "Tab"``: their body is parsed as nested blocks.

    Python-Markdown ends such a block at the first non-blank line indented less than its body (four
    spaces more than the marker); blank lines, however many, do not end it. (mdit-py-plugins' admonition
    plugin ends it at two blank lines, which cut fences short.)
    """
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    first = state.src[state.bMarks[start] + state.tShift[start] : state.eMarks[start]]
    if not CONTAINER.match(first):
        return False
    if silent:
        return True
    body_indent = state.sCount[start] + 4
    last = start
    line = start + 1
    while line < end:
        if not state.isEmpty(line):
            if state.sCount[line] < body_indent:
                break
            last = line
        line += 1
    saved = state.parentType, state.lineMax, state.blkIndent
    token = state.push("nnbook_container_open", "div", 1)
    token.map, token.info, token.block = [start, last + 1], first, True
    state.parentType, state.lineMax, state.blkIndent = "nnbook_container", last + 1, body_indent
    state.md.block.tokenize(state, start + 1, last + 1)
    state.parentType, state.lineMax, state.blkIndent = saved
    state.push("nnbook_container_close", "div", -1).block = True
    state.line = last + 1
    return True


def make_parser(root: Path = ROOT, *, expand: bool = True) -> MarkdownIt:
    """The markdown-it parser of the docs tests: commonmark + containers (+ includes, test selection)."""
    md = MarkdownIt("commonmark")
    # Only fences are collected: skip inline parsing (links, emphasis...), half of the parse time.
    md.disable("inline")
    md.block.ruler.before("code", "nnbook_container", container_rule, {"alt": ["paragraph", "reference", "blockquote", "list"]})
    if expand:
        expander = _expander(root)

        def includes_and_selection(state) -> None:
            for token in state.tokens:
                if token.type == "fence":
                    _prepare_fence(token, expander)

        md.core.ruler.push("nnbook_includes_and_selection", includes_and_selection)
    return md


def _prepare_fence(token, expander: SnippetExpander) -> None:
    """GAP 2 (expand includes in the code the library runs) and GAP 3 (choose the fences it collects)."""
    lang, classes, _ = parse_info(token.info)
    token.meta["raw"], token.meta["raw_info"] = token.content, token.info
    if lang in PYTHON_LANGS | {"pycon"}:
        try:
            token.content = expander.expand(token.content)
        except Exception as exc:  # a missing file or section: reported by the fence's item
            token.meta["include_error"] = f"{type(exc).__name__}: {exc}"
    # Info strings the library reads the same way with either --markdown-docs-syntax:
    if lang in PYTHON_LANGS and "no-run" in classes:
        token.info = "python no-run notest"  # shown only; page rules check its reason
    elif lang == "pycon":
        token.info = "python pycon"  # collected, and run as a doctest by our runner


@dataclass
class Fence:
    """One fenced code block of a page."""

    line: int  # 1-based line of the opening fence in the page
    end_line: int  # 1-based line of the closing fence (the last line of the page if unclosed)
    indent: str
    lang: str  # first class or language word, lowercase ("" if none)
    classes: list[str]
    body: str  # content as written, dedented by the fence's own indentation
    prev_line: str  # the line right before the opening fence ("" at the top)
    blank_before: bool  # only blank lines between the previous fence's end and this one
    attrs: dict[str, str] = field(default_factory=dict)
    code: str = ""  # body with --8<-- includes expanded
    include_error: str | None = None

    @property
    def is_python(self) -> bool:
        return self.lang in PYTHON_LANGS

    @property
    def is_output(self) -> bool:
        return "output" in self.classes

    @property
    def no_run(self) -> bool:
        return "no-run" in self.classes

    @property
    def runs(self) -> bool:
        """The library collects it (GAP 3): a python fence that is not no-run, or a pycon fence."""
        return (self.is_python and not self.no_run) or self.lang == "pycon"


def _fences(text: str, md: MarkdownIt) -> list[Fence]:
    lines = text.split("\n")
    fences: list[Fence] = []
    last_end = 0
    for token in md.parse(text):
        if token.type != "fence" or not token.map:
            continue
        start, stop = token.map
        opening = lines[start]
        lang, classes, attrs = parse_info(token.meta.get("raw_info", token.info))
        between = lines[last_end:start]
        fences.append(
            Fence(
                line=start + 1,
                end_line=stop,
                indent=opening[: len(opening) - len(opening.lstrip(" \t"))],
                lang=lang,
                classes=classes,
                attrs=attrs,
                body=token.meta.get("raw", token.content),
                prev_line=lines[start - 1] if start else "",
                blank_before=bool(fences) and all(not s.strip() for s in between),
                code=token.content,
                include_error=token.meta.get("include_error"),
            )
        )
        last_end = stop
    return fences


def scan_fences(text: str) -> list[Fence]:
    """Every fenced block of a Markdown page (admonitions and tabs included), includes not expanded."""
    return _fences(text, _parser(ROOT, expand=False))


_parsers: dict[tuple[Path, bool], MarkdownIt] = {}


def _parser(root: Path, *, expand: bool = True) -> MarkdownIt:
    if (root, expand) not in _parsers:
        _parsers[(root, expand)] = make_parser(root, expand=expand)
    return _parsers[(root, expand)]


# --------------------------------------------------------------------------------------------
# Includes: the build's own snippet preprocessor with the build's own options (GAP 2)
# --------------------------------------------------------------------------------------------


class _MkDocsLoader(yaml.SafeLoader):
    """Reads mkdocs.yml; ``!!python/...`` and ``!ENV`` tags become None instead of failing."""


_MkDocsLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
_MkDocsLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def snippet_options(mkdocs_yml: Path = MKDOCS_YML) -> dict:
    config = yaml.load(mkdocs_yml.read_text(encoding="utf-8"), Loader=_MkDocsLoader)
    for entry in config.get("markdown_extensions", []):
        if isinstance(entry, dict) and "pymdownx.snippets" in entry:
            options = dict(entry["pymdownx.snippets"] or {})
            break
        if entry == "pymdownx.snippets":
            options = {}
            break
    else:
        raise LookupError(f"{mkdocs_yml}: no pymdownx.snippets in markdown_extensions")
    # mkdocs resolves base_path against the directory it runs in, the project root.
    bases = options.get("base_path", ["."])
    bases = [bases] if isinstance(bases, str) else bases
    options["base_path"] = [str((mkdocs_yml.parent / b).resolve()) for b in bases]
    return options


class SnippetExpander:
    def __init__(self, options: dict):
        import markdown

        md = markdown.Markdown(extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": options})
        self._md = md
        self._pre = md.preprocessors["snippet"]
        self.bases = [Path(b) for b in options.get("base_path", ["."])]

    def expand(self, code: str) -> str:
        if "--8<--" not in code:
            return code
        self._md.reset()
        self._pre.seen = set()
        return "\n".join(self._pre.run(code.split("\n")))

    def origins(self, body: str, code: str, page: str, first_line: int) -> list[tuple[str, int]]:
        """(file, line) where each line of the expanded ``code`` comes from (GAP 6).

        A line of the page maps to the page; a line of an included section maps to its source file. When
        the mapping cannot be proven (a snippet form this does not follow), every line maps to the
        fence's first line.
        """
        result: list[tuple[str, int]] = []
        for k, line in enumerate(body.split("\n")):
            spec = re.match(r'^\s*-{1,}8<-{1,}\s+"([^"]+)"\s*$', line)
            if not spec:
                result.append((page, first_line + k))
                continue
            chunk = self.expand(line).split("\n")
            result.extend(self._locate(spec[1], chunk) or [(page, first_line + k)] * len(chunk))
        if len(result) != len(code.split("\n")):
            return [(page, first_line)] * len(code.split("\n"))
        return result

    def _locate(self, spec: str, chunk: list[str]) -> list[tuple[str, int]] | None:
        name, _, section = spec.partition(":")
        for base in self.bases:
            path = base / name
            if not path.is_file() or not section or not re.fullmatch(r"[\w-]+", section):
                continue
            lines = path.read_text(encoding="utf-8").split("\n")
            start = next((i for i, x in enumerate(lines) if f"[start:{section}]" in x and "--8<--" in x), None)
            if start is None:
                return None
            out, i = [], start + 1
            for piece in chunk:
                while i < len(lines) and "--8<--" in lines[i] and re.search(r"\[(start|end):[\w-]+\]", lines[i]):
                    i += 1
                if i >= len(lines) or lines[i].strip() != piece.strip():
                    return None
                out.append((_short(path), i + 1))
                i += 1
            return out
        return None


def _short(path: Path) -> str:
    try:
        return path.resolve().relative_to(_root()).as_posix()
    except ValueError:
        return str(path)


_expanders: dict[Path, SnippetExpander] = {}


def _expander(root: Path) -> SnippetExpander:
    if root not in _expanders:
        _expanders[root] = SnippetExpander(snippet_options(root / "mkdocs.yml"))
    return _expanders[root]


# --------------------------------------------------------------------------------------------
# Running a page's fences: one namespace per page (GAP 4, 5, 6, 7)
# --------------------------------------------------------------------------------------------


class FenceFailure(Exception):
    """A fence did not do what its page shows; the message says page:line (never a TypeError: GAP 7)."""


class Stop(str):
    """A problem after which the later fences of the page cannot run (they build on this one)."""


def output_matches(expected: str, actual: str) -> bool:
    """Line-wise equality (trailing spaces and blank lines ignored); a line ``...`` matches any lines."""
    exp = _norm_lines(expected)
    act = _norm_lines(actual)

    def match(i: int, j: int) -> bool:
        if i == len(exp):
            return j == len(act)
        if exp[i].strip() == "...":
            return any(match(i + 1, k) for k in range(j, len(act) + 1))
        return j < len(act) and exp[i] == act[j] and match(i + 1, j + 1)

    return match(0, 0)


def _norm_lines(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.rstrip("\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return lines


def split_expected(output: str) -> tuple[str, str | None]:
    """(printed part, exception part or None) of an output fence."""
    lines = output.split("\n")
    for k, line in enumerate(lines):
        if line.strip() == TRACEBACK_LINE:
            rest = [x for x in lines[k + 1 :] if x.strip()]
            while rest and (rest[0].startswith((" ", "\t")) or rest[0].strip() == "..."):
                rest.pop(0)  # the "  ..." elision (and any frame lines) before the exception line
            return "\n".join(lines[:k]), "\n".join(rest)
    return output, None


def _diff(expected: str, actual: str) -> str:
    diff = difflib.unified_diff(
        _norm_lines(expected), _norm_lines(actual), "shown on the page", "printed by the code", lineterm=""
    )
    return "\n".join("    " + line for line in diff)


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.rstrip("\n").split("\n"))


@dataclass
class Page:
    """A page as the runner sees it: its fences (includes expanded) and its run so far."""

    path: Path
    rel: str
    fences: list[Fence]
    module: types.ModuleType | None = None
    namespace: dict = field(default_factory=dict)
    done: int = 0  # runnable fences run so far, in page order
    failed_line: int | None = None
    workdir: tempfile.TemporaryDirectory | None = None
    numpy_state: tuple | None = None

    @property
    def runnable(self) -> list[Fence]:
        return [f for f in self.fences if f.runs]

    def shown_after(self, fence: Fence) -> Fence | None:
        k = self.fences.index(fence)
        nxt = self.fences[k + 1] if k + 1 < len(self.fences) else None
        return nxt if nxt is not None and nxt.is_output and nxt.blank_before else None

    def close(self) -> None:
        if self.workdir is not None:
            self.workdir.cleanup()
            self.workdir = None
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")


@dataclass
class Session:
    """What one pytest run keeps (a stack of them: pytester runs pytest inside pytest)."""

    config: pytest.Config
    current: Page | None = None  # the page whose fences are running
    updates: dict[Path, list] = field(default_factory=dict)  # page -> [(block, shown or None, printed)]
    notebooks: dict[Path, Callable[[], dict | None]] = field(default_factory=dict)  # GAP 9: page -> its cells
    cells: dict[Path, dict | None] = field(default_factory=dict)  # what those gave, once asked
    item: pytest.Item | None = None  # the item running now
    routes: Counter = field(default_factory=Counter)  # GAP 9: how the blocks were checked (the run's summary)

    def notebook_cells(self, path: Path) -> dict | None:
        """{line of a fence: its cell in the executed notebook} for a page checked with its notebook, or None."""
        if path not in self.notebooks:
            return None
        if path not in self.cells:
            try:
                self.cells[path] = self.notebooks[path]()
            except Exception:  # noqa: BLE001 - the executions failed: tests/test_notebooks.py reports it
                self.cells[path] = None
        return self.cells[path]


_sessions: list[Session] = []


def _session() -> Session:
    return _sessions[-1]


def _root() -> Path:
    if _sessions and (_session().config.rootpath / "mkdocs.yml").exists():
        return _session().config.rootpath
    return ROOT


def _relative(path: Path) -> str:
    try:
        return path.resolve().relative_to(_root().resolve()).as_posix()
    except ValueError:
        return str(path)


def _load(path: Path) -> Page:
    text = path.read_text(encoding="utf-8")
    return Page(path, _relative(path), _fences(text, _parser(_root())))


@register_runner(default=True)
class PageRunner(_Runner):
    """The library's default runner, replaced: one namespace per page, outputs checked (GAP 4-7)."""

    def runtest(self, test, args, *, asyncio_runner=None):
        path = Path(test.source_path)
        if path.suffix != ".md":  # a docstring of a .py file: the library's own way
            return DefaultRunner().runtest(test, args, asyncio_runner=asyncio_runner)
        session = _session()
        if session.current is None or session.current.path != path.resolve():
            if session.current is not None:
                session.current.close()
            session.current = _load(path.resolve())
        page = session.current
        runnable = page.runnable
        index = next((k for k, f in enumerate(runnable) if f.line == test.start_line), None)
        if index is None:
            raise FenceFailure(f"{page.rel}:{test.start_line}: no runnable fence starts on this line")
        cells = session.notebook_cells(page.path)
        if cells is not None and page.failed_line is None:  # GAP 9
            cell = cells.get(runnable[index].line)
            if cell is not None and notebook_agrees(page, runnable[index], cell.get("outputs", [])):
                _route("notebook")
                return
        _route("again" if page.path in session.notebooks else "here")
        if index < page.done:  # run again (e.g. --lf, a second session): start the page afresh
            page.close()
            session.current = page = _load(page.path)
            runnable = page.runnable
        while page.done < index and page.failed_line is None:  # an item run alone: its page so far
            try:
                _run_fence(page, runnable[page.done])
            except FenceFailure:
                pass
            page.done += 1
        if page.failed_line is not None:
            page.done = index + 1
            pytest.skip(f"not run: fence at {page.rel}:{page.failed_line} failed")
        page.done = index + 1
        _run_fence(page, runnable[index])

    def repr_failure(self, test, excinfo, style=None):
        if isinstance(excinfo.value, FenceFailure):
            return str(excinfo.value)
        return DefaultRunner().repr_failure(test, excinfo, style)


def _route(how: str) -> None:
    """GAP 9: how the running item's block was checked, for the run's summary (also from xdist's workers)."""
    if _session().item is not None:
        _session().item.user_properties.append(("nnbook-docs", how))


def notebook_agrees(page: Page, fence: Fence, outputs: list[dict]) -> bool:
    """GAP 9: True when a block's outputs in the executed notebook meet every rule that running it here
    checks (GAP 5): its shown output (``...`` lines too), no output the page does not show, the exception the
    page shows and no other. False when they do not, or when that cannot be read from them for certain.

    A cell's last value and its figures (``execute_result``, ``display_data``) are the notebook's; a block
    run as a script shows neither, and the page does not either. A pycon example follows doctest's rules,
    which a cell's outputs do not show: False.
    """
    if fence.lang == "pycon":
        return False
    printed, errors = "", []
    for out in outputs:
        kind = out.get("output_type")
        if kind == "stream" and out.get("name") == "stdout":
            printed += out.get("text", "")
        elif kind == "stream":  # stderr: a warning, which this runner shows as a `Category: message` line
            return False
        elif kind == "error":
            errors.append(out)
    shown = page.shown_after(fence)
    expected_out, expected_exc = split_expected(shown.body) if shown else ("", None)
    if (expected_exc is None) != (not errors) or len(errors) > 1:
        return False
    if errors and not _same_exception(expected_exc, errors[0]):
        return False
    if shown is None:
        return not printed.strip()
    return output_matches(expected_out, printed)


def _same_exception(expected: str, error: dict) -> bool:
    """The exception the page shows is the kernel's, written as ``traceback.format_exception_only`` writes
    it (``Name: message``, with the module for a class outside builtins: ``nnbook.yours.PartError: ...``).
    The kernel gives only the class's ``__name__``: a shown full name counts when it names a class of that
    ``__name__``; a shown bare name, when it is a builtin exception's. A syntax error's lines cannot be
    rebuilt: False."""
    ename, evalue = error.get("ename", ""), error.get("evalue", "")
    lines = _norm_lines(expected)
    if not lines or ename in ("SyntaxError", "IndentationError", "TabError"):
        return False
    name = lines[0].partition(":")[0].strip()
    if not _names_exception(name, ename):
        return False
    return lines == _norm_lines(f"{name}: {evalue}" if evalue else name)


def _names_exception(shown: str, ename: str) -> bool:
    import importlib

    if "." not in shown:
        cls = getattr(builtins, shown, None)
        return shown == ename and isinstance(cls, type) and issubclass(cls, BaseException)
    parts = shown.split(".")
    for k in range(len(parts) - 1, 0, -1):
        module = ".".join(parts[:k])
        try:
            obj = importlib.import_module(module)
        except Exception:  # noqa: BLE001 - not a module: try a shorter prefix
            continue
        for attr in parts[k:]:
            obj = getattr(obj, attr, None)
        return (isinstance(obj, type) and issubclass(obj, BaseException) and obj.__module__ == module
                and obj.__qualname__ == ".".join(parts[k:]) and obj.__name__ == ename)
    return False


def _run_fence(page: Page, fence: Fence) -> None:
    try:
        problems = _in_page(page, fence)
    except BaseException:
        page.failed_line = fence.line
        raise
    if problems:
        if any(isinstance(p, Stop) for p in problems):
            page.failed_line = fence.line
        raise FenceFailure("\n\n".join(problems))


def _in_page(page: Page, fence: Fence) -> list[str]:
    """Run one fence in its page's namespace, working directory and NumPy settings; return problems."""
    import numpy as np

    if page.workdir is None:
        page.workdir = tempfile.TemporaryDirectory(prefix="nnbook-page-")
        module = types.ModuleType("__main__")
        module.__dict__["__builtins__"] = __builtins__
        page.module, page.namespace = module, module.__dict__
    outer_numpy = np.get_printoptions(), np.geterr()
    if page.numpy_state is None:  # each page starts from NumPy's defaults, whatever pages before it did
        page.numpy_state = _NUMPY_DEFAULTS
    np.set_printoptions(**page.numpy_state[0])
    np.seterr(**page.numpy_state[1])
    saved_main, saved_cwd = sys.modules.get("__main__"), os.getcwd()
    sys.modules["__main__"] = page.module
    os.chdir(page.workdir.name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            if fence.lang == "pycon":
                return _run_doctest(page, fence)
            return _run_block(page, fence)
    finally:
        os.chdir(saved_cwd)
        sys.modules["__main__"] = saved_main
        page.numpy_state = np.get_printoptions(), np.geterr()
        np.set_printoptions(**outer_numpy[0])
        np.seterr(**outer_numpy[1])


def _numpy_defaults() -> tuple[dict, dict]:
    import numpy as np

    with np.printoptions(), np.errstate():
        np.set_printoptions(edgeitems=3, threshold=1000, floatmode="maxprec", precision=8, suppress=False,
                            linewidth=75, nanstr="nan", infstr="inf", sign="-", formatter=None, legacy=False)
        np.seterr(divide="warn", over="warn", under="ignore", invalid="warn")
        return np.get_printoptions(), np.geterr()


_NUMPY_DEFAULTS = _numpy_defaults()


def _run_block(page: Page, fence: Fence) -> list[str]:
    where = f"{page.rel}:{fence.line}"
    if fence.include_error:
        return [Stop(f"{where}: cannot expand the snippet include: {fence.include_error}")]
    shown = page.shown_after(fence)
    code = fence.code
    filename = f"<{page.rel}:{fence.line + 1}>"
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    buffer = io.StringIO()

    def show(message, category, filename_, lineno, file=None, line=None):
        buffer.write(f"{category.__name__}: {message}\n")

    try:
        compiled = compile(code, filename, "exec", dont_inherit=True)  # as a reader's fresh interpreter would
    except SyntaxError as exc:
        return [Stop(f"{where}: the block is not valid Python: {exc}")]
    raised: BaseException | None = None
    with contextlib.redirect_stdout(buffer), _patched_showwarning(show):
        try:
            exec(compiled, page.namespace)
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - expected, or a failure of the page
            raised = exc
    printed = buffer.getvalue()
    expected_out, expected_exc = split_expected(shown.body) if shown else ("", None)
    problems = []
    if raised is not None and expected_exc is None:
        problems.append(Stop(_raised(page, fence, raised, filename)))
    elif raised is None and expected_exc is not None:
        problems.append(f"{page.rel}:{shown.line}: the page shows an exception, but the block ran without one")
    elif raised is not None:
        actual_exc = "".join(traceback.format_exception_only(type(raised), raised))
        if _norm_lines(expected_exc) != _norm_lines(actual_exc):
            problems.append(
                f"{page.rel}:{shown.line}: wrong exception\n{_diff(expected_exc, actual_exc)}\n"
                f"{_format_exc(raised, filename, _origins(page, fence))}"
            )
    if shown is None:
        if printed.strip():
            problems.append(
                f"{where}: the block prints but the page shows no output; add a "
                f"```{{.text .output}} fence right after it with:\n{_indent(printed)}"
            )
            _session().updates.setdefault(page.path, []).append((fence, None, printed))
    elif not output_matches(expected_out, printed):
        problems.append(f"{page.rel}:{shown.line}: shown output differs from what the code prints\n{_diff(expected_out, printed)}")
        if expected_exc is None and "..." not in [x.strip() for x in expected_out.split("\n")]:
            _session().updates.setdefault(page.path, []).append((fence, shown, printed))
    return problems


@contextlib.contextmanager
def _patched_showwarning(show):
    saved = warnings.showwarning
    warnings.showwarning = show
    try:
        yield
    finally:
        warnings.showwarning = saved


def _raised(page: Page, fence: Fence, exc: BaseException, filename: str) -> str:
    """``page:line: the block raised`` + traceback; a line of included code also names its file (GAP 6)."""
    if isinstance(exc, SystemExit):
        return f"{page.rel}:{fence.line}: the block called sys.exit({exc.code!r}); a page must not exit"
    origins = _origins(page, fence)
    lineno = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == filename:
            lineno = frame.lineno
    head = f"{page.rel}:{fence.line}"
    if lineno is not None and lineno <= len(origins):
        file, line = origins[lineno - 1]
        head = f"{page.rel}:{line}" if file == page.rel else f"{page.rel}:{fence.line} (in {file}:{line}, included)"
    return f"{head}: the block raised\n{_format_exc(exc, filename, origins)}"


def _origins(page: Page, fence: Fence) -> list[tuple[str, int]]:
    return _expander(_root()).origins(fence.body, fence.code, page.rel, fence.line + 1)


def _format_exc(exc: BaseException, filename: str, origins: list[tuple[str, int]] | None = None) -> str:
    """The traceback from the block's first frame on; the block's frames name the page or source line."""
    tbe = traceback.TracebackException.from_exception(exc)
    frames = list(tbe.stack)
    start = next((k for k, frame in enumerate(frames) if frame.filename == filename), 0)
    shown = []
    for frame in frames[start:]:
        if origins and frame.filename == filename and frame.lineno and frame.lineno <= len(origins):
            file, line = origins[frame.lineno - 1]
            frame = traceback.FrameSummary(file, line, frame.name, lookup_line=False, line=frame.line)
        shown.append(frame)
    tbe.stack = traceback.StackSummary.from_list(shown)
    return _indent("".join(tbe.format()))


def _run_doctest(page: Page, fence: Fence) -> list[str]:
    name = f"{page.rel}:{fence.line}"
    if fence.include_error:
        return [Stop(f"{name}: cannot expand the snippet include: {fence.include_error}")]
    parser = doctest.DocTestParser()
    try:
        test = parser.get_doctest(fence.code, page.namespace, name, page.rel, fence.line)
    except ValueError as exc:
        return [f"{name}: malformed pycon block: {exc}"]
    if not test.examples:
        return [f"{name}: pycon block without any `>>>` example"]
    report = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS, verbose=False)

    def show(message, category, filename_, lineno, file=None, line=None):
        sys.stdout.write(f"{category.__name__}: {message}\n")

    with _patched_showwarning(show):
        runner.run(test, out=report.write, clear_globs=False)
    if runner.failures:
        # doctest's "File ..., line N" is already the page line (lineno above); make it page:line.
        out = re.sub(rf'File "{re.escape(page.rel)}", line (\d+)', lambda m: f"{page.rel}:{m[1]}", report.getvalue())
        return [f"{name}: pycon example failed\n{_indent(out)}"]
    return []


def rewrite_outputs(path: Path, updates: list[tuple[Fence, Fence | None, str]]) -> None:
    """``--update-outputs``: replace, add or remove the output fence after each block."""
    lines = path.read_text(encoding="utf-8").split("\n")
    for block, shown, printed in sorted(updates, key=lambda u: -u[0].line):
        new = [block.indent + x if x else x for x in printed.rstrip("\n").split("\n")] if printed.strip() else []
        if shown is None:
            lines[block.end_line : block.end_line] = ["", f"{block.indent}```{{.text .output}}", *new, f"{block.indent}```"]
        elif new:
            lines[shown.line : shown.end_line - 1] = new
        else:  # the block prints nothing now: the fence (and the blank lines before it) goes
            del lines[block.end_line : shown.end_line]
    path.write_text("\n".join(lines), encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Page rules (GAP 8)
# --------------------------------------------------------------------------------------------

NOT_PYTHON = {"pycon", "pytb"}


def looks_like_python(lang: str) -> bool:
    """A language word that is meant to be Python but is not one the tests run (``pyhton``, ``ipython``)."""
    if not lang or lang in PYTHON_LANGS or lang in NOT_PYTHON:
        return False
    return lang.startswith(("py", "ipy")) or any(
        difflib.SequenceMatcher(None, lang, word).ratio() >= 0.75 for word in ("python", "pycon", "python3")
    )


def page_problems(path: Path, rel: str) -> list[str]:
    text = path.read_text(encoding="utf-8")
    fences = _fences(text, _parser(_root()))
    problems = []
    lines = text.split("\n")
    reasons = {f.line - 1 for f in fences if f.no_run}  # 1-based line of each no-run fence's comment
    for k, line in enumerate(lines, start=1):
        if NO_RUN_REASON.match(line) and k not in reasons:
            problems.append(f"{rel}:{k}: no-run reason comment without a {{.python .no-run}} fence right after it")
    for k, fence in enumerate(fences):
        if fence.no_run:
            m = NO_RUN_REASON.match(fence.prev_line)
            if not fence.is_python:
                problems.append(f"{rel}:{fence.line}: only python fences can be no-run")
            elif not m or not m["reason"]:
                problems.append(
                    f"{rel}:{fence.line}: no-run block without a reason; put "
                    "`<!-- no-run: why this block must not run -->` on the line right before it"
                )
        if fence.is_output:
            prev = fences[k - 1] if k else None
            if not (prev and prev.is_python and not prev.no_run and fence.blank_before):
                problems.append(f"{rel}:{fence.line}: output fence not directly after a runnable python block")
        if looks_like_python(fence.lang):
            problems.append(
                f"{rel}:{fence.line}: fence language {fence.lang!r} looks like Python but does not run; "
                "write python (or pycon), or {.python .no-run} with a reason"
            )
    return problems


class PageRules(pytest.File):
    def collect(self):
        yield PageRulesItem.from_parent(self, name="page-rules")


class PageRulesItem(pytest.Item):
    def runtest(self):
        problems = page_problems(self.path, _relative(self.path))
        if problems:
            raise FenceFailure("\n\n".join(problems))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, FenceFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, 0, f"{_relative(self.path)}::page-rules"


# --------------------------------------------------------------------------------------------
# pytest plugin
# --------------------------------------------------------------------------------------------


def pytest_addoption(parser):
    group = parser.getgroup("nnbook docs")
    group.addoption(
        "--update-outputs",
        action="store_true",
        help="rewrite the {.text .output} fences of docs pages with what the code prints",
    )


def pytest_configure(config):
    _sessions.append(Session(config))


def check_with_notebooks(config: pytest.Config, items: list, cells: dict[Path, Callable[[], dict | None]]) -> None:
    """GAP 9, called by tests/conftest.py: the blocks of these pages are checked with their notebooks'
    executions, ``cells[page]()`` giving {line of a fence: its executed cell}, or None when the notebook did
    not run (then the page runs here). Its items wait for those executions (tests/nnbook_parallel.py)."""
    if config.getoption("update_outputs", False):
        return
    session = next(s for s in reversed(_sessions) if s.config is config)
    session.notebooks.update({page.resolve(): get for page, get in cells.items()})
    for item in items:
        if isinstance(item, (MarkdownInlinePythonItem, PageRulesItem)) and item.path.resolve() in session.notebooks:
            item.nnbook_waits_for_notebooks = True  # the page's items stay one unit: its rules item too


def pytest_runtest_call(item):
    if _sessions:
        _session().item = item


def pytest_runtest_logreport(report):
    if report.when == "call" and _sessions:
        _session().routes.update(how for key, how in report.user_properties if key == "nnbook-docs")


def pytest_terminal_summary(terminalreporter, config):
    routes = _session().routes if _sessions and _session().config is config else Counter()
    if routes["notebook"] or routes["again"]:
        terminalreporter.write_line(
            f"docs blocks: {routes['notebook']} checked with their chapter notebook's execution, "
            f"{routes['again']} run here again (their notebook could not prove them), {routes['here']} run here (their page has no notebook in this run)"
        )


def pytest_unconfigure(config):
    if not _sessions or _session().config is not config:
        return
    session = _sessions.pop()
    if session.current is not None:
        session.current.close()
    if config.getoption("update_outputs", False):
        for path, updates in session.updates.items():
            rewrite_outputs(path, updates)


@pytest.hookimpl(tryfirst=True)
def pytest_markdown_docs_markdown_it() -> MarkdownIt:
    return _parser(_root())


def pytest_collect_file(file_path: Path, parent):
    if file_path.suffix == ".md" and _is_docs_page(file_path, parent.config.rootpath):
        return PageRules.from_parent(parent, path=file_path)
    return None


def _is_docs_page(path: Path, rootpath: Path) -> bool:
    try:
        rel = path.resolve().relative_to(rootpath.resolve())
    except ValueError:
        return False
    return rel.parts[:1] == ("docs",)

"""Docs tests: every page of docs/ runs like a notebook, and what it shows is what the code prints.

Loaded by pytest as a plugin (``-p nnbook_docs`` in pyproject's ``addopts``, ``pythonpath = ["tests"]``),
so ``pytest`` and ``pytest docs/ja/02-perceptron.md`` both collect the pages. One test item per page,
named after the page (``docs/ja/02-perceptron.md::page``). The rules (CONTRIBUTING.md, section 2):

- Every ``python``/``py`` fence runs, top to bottom, in one fresh namespace per page, in a temporary
  working directory, with matplotlib on the Agg backend; fences inside admonitions, ``???`` details and
  ``===`` content tabs included (the scanner reads indented fences as the build does).
- ``--8<--`` lines are expanded by pymdownx's own snippet preprocessor with the options of the
  ``pymdownx.snippets`` entry of mkdocs.yml, so the tests run exactly the code the site shows.
- A fence of class ``output`` (```` ```{.text .output} ````) right after a python fence (blank lines
  only between them) must equal what that block printed (stdout, and warnings as ``Category: message``
  lines). A line that is exactly ``...`` matches any number of lines. A block that prints but shows no
  output fails: the reader would see something the page hides.
- An output fence whose text has the line ``Traceback (most recent call last):`` expects the block to
  raise: lines before it are the printed output, the lines after ``  ...`` are what Python prints as the
  exception's last line(s) (type, as Python names it, and message).
- ``pycon`` fences (``>>>`` prompts with their output) run as doctests in the page's namespace.
- A ``{.python .no-run}`` fence is shown only; the line right before it must be
  ``<!-- no-run: reason -->`` with a reason. A reason comment without its fence fails too.
- Failures name the page and line: ``docs/ja/06-affine-layer.md:42: ...``.

``pytest --update-outputs`` rewrites plain output fences that differ with what the code printed
(never traceback fences); review the diff before committing.

This module is the test machinery only; the package never imports it.
"""

from __future__ import annotations

import contextlib
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
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parent.parent
MKDOCS_YML = ROOT / "mkdocs.yml"

PYTHON_LANGS = {"python", "py", "python3"}
FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`]*?)[ \t]*$")
NO_RUN_REASON = re.compile(r"^\s*<!--\s*no-run:\s*(?P<reason>.*?)\s*-->\s*$")
TRACEBACK_LINE = "Traceback (most recent call last):"


# --------------------------------------------------------------------------------------------
# Reading a page
# --------------------------------------------------------------------------------------------


@dataclass
class Fence:
    """One fenced code block of a page."""

    line: int  # 1-based line of the opening fence in the page
    end_line: int  # 1-based line of the closing fence
    indent: str
    lang: str  # first class or language word, lowercase ("" if none)
    classes: list[str]
    body: str  # content, dedented by the fence's own indentation
    prev_line: str  # the line right before the opening fence ("" at the top)
    blank_before: bool  # only blank lines between the previous fence's end and this one
    attrs: dict[str, str] = field(default_factory=dict)

    @property
    def is_python(self) -> bool:
        return self.lang in PYTHON_LANGS

    @property
    def is_output(self) -> bool:
        return "output" in self.classes

    @property
    def no_run(self) -> bool:
        return "no-run" in self.classes


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


def _dedent(line: str, indent: str) -> str:
    if line.startswith(indent):
        return line[len(indent) :]
    return line.lstrip(" \t")


def scan_fences(text: str) -> list[Fence]:
    """Every fenced block of a Markdown page, at any indentation (admonitions, tabs, lists)."""
    lines = text.split("\n")
    fences: list[Fence] = []
    i = 0
    last_end = 0  # index after the previous fence's closing line
    while i < len(lines):
        m = FENCE_OPEN.match(lines[i])
        if not m or (m["fence"][0] == "`" and "`" in m["info"]):
            i += 1
            continue
        indent, marker = m["indent"], m["fence"]
        closer = re.compile(rf"^[ \t]*{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
        j = i + 1
        while j < len(lines) and not closer.match(lines[j]):
            j += 1
        lang, classes, attrs = parse_info(m["info"])
        body = "\n".join(_dedent(line, indent) for line in lines[i + 1 : j])
        between = lines[last_end:i]
        fences.append(
            Fence(
                line=i + 1,
                end_line=j + 1,
                indent=indent,
                lang=lang,
                classes=classes,
                attrs=attrs,
                body=body + ("\n" if body else ""),
                prev_line=lines[i - 1] if i > 0 else "",
                blank_before=bool(fences) and all(not s.strip() for s in between),
            )
        )
        i = j + 1
        last_end = i
    return fences


# --------------------------------------------------------------------------------------------
# Snippets: the build's own preprocessor with the build's own options
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

    def expand(self, code: str) -> str:
        if "--8<--" not in code:
            return code
        self._md.reset()
        self._pre.seen = set()
        return "\n".join(self._pre.run(code.split("\n")))


# --------------------------------------------------------------------------------------------
# Running a page
# --------------------------------------------------------------------------------------------


class PageFailure(Exception):
    """A page did not do what it shows; the message lists every problem as page:line."""


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
    import difflib

    diff = difflib.unified_diff(
        _norm_lines(expected), _norm_lines(actual), "shown on the page", "printed by the code", lineterm=""
    )
    return "\n".join("    " + line for line in diff)


@dataclass
class PageResult:
    problems: list[str]
    updates: list[tuple[Fence, str]]  # (output fence, new text) for --update-outputs


def run_page(path: Path, *, root: Path = ROOT, expander: SnippetExpander | None = None) -> PageResult:
    """Run every block of a page; return the problems found (empty when the page is right)."""
    text = path.read_text(encoding="utf-8")
    try:
        rel = path.resolve().relative_to(root)
    except ValueError:
        rel = path
    fences = scan_fences(text)
    problems: list[str] = []
    updates: list[tuple[Fence, str]] = []
    expander = expander or SnippetExpander(snippet_options(root / "mkdocs.yml"))

    def where(line: int) -> str:
        return f"{rel}:{line}"

    # Reason comments: each needs its no-run fence right after it.
    lines = text.split("\n")
    no_run_lines = {f.line - 1 for f in fences if f.no_run}  # 1-based line of the comment
    for k, line in enumerate(lines, start=1):
        m = NO_RUN_REASON.match(line)
        if m and k not in no_run_lines:
            problems.append(f"{where(k)}: no-run reason comment without a {{.python .no-run}} fence right after it")

    module = types.ModuleType("__main__")
    module.__dict__["__builtins__"] = __builtins__
    saved_main = sys.modules.get("__main__")
    saved_cwd = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="nnbook-page-") as tmp, warnings.catch_warnings():
        warnings.simplefilter("default")
        os.chdir(tmp)
        sys.modules["__main__"] = module
        try:
            for index, fence in enumerate(fences):
                nxt = fences[index + 1] if index + 1 < len(fences) else None
                shown = nxt if nxt is not None and nxt.is_output and nxt.blank_before else None
                if fence.is_output:
                    prev = fences[index - 1] if index else None
                    if not (prev and prev.is_python and not prev.no_run and fence.blank_before):
                        problems.append(
                            f"{where(fence.line)}: output fence not directly after a runnable python block"
                        )
                    continue
                if fence.lang == "pycon":
                    problems.extend(_run_doctest(fence, module.__dict__, rel, expander))
                    continue
                if not fence.is_python:
                    continue
                if fence.no_run:
                    m = NO_RUN_REASON.match(fence.prev_line)
                    if not m or not m["reason"]:
                        problems.append(
                            f"{where(fence.line)}: no-run block without a reason; put "
                            "`<!-- no-run: why this block must not run -->` on the line right before it"
                        )
                    continue
                block_problems = _run_block(fence, shown, module.__dict__, rel, expander, updates)
                problems.extend(block_problems)
                if any(": the block raised" in p for p in block_problems):
                    rest = sum(1 for f in fences[index + 1 :] if (f.is_python and not f.no_run) or f.lang == "pycon")
                    if rest:
                        problems.append(f"{where(fence.line)}: {rest} later block(s) not run (they build on this one)")
                    break
        finally:
            sys.modules["__main__"] = saved_main
            os.chdir(saved_cwd)
            if "matplotlib.pyplot" in sys.modules:
                sys.modules["matplotlib.pyplot"].close("all")
    return PageResult(problems, updates)


def _block_source(fence: Fence, expander: SnippetExpander, rel) -> tuple[str, str]:
    code = expander.expand(fence.body)
    # Name the code after the page and line so tracebacks point at the page.
    filename = f"<{rel}:{fence.line + 1}>"
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    return code, filename


def _run_block(fence, shown, namespace, rel, expander, updates) -> list[str]:
    where = f"{rel}:{fence.line}"
    try:
        code, filename = _block_source(fence, expander, rel)
    except Exception as exc:  # a missing snippet file or section, as the build would report
        return [f"{where}: cannot expand the snippet include: {type(exc).__name__}: {exc}"]
    buffer = io.StringIO()

    def show(message, category, filename_, lineno, file=None, line=None):
        buffer.write(f"{category.__name__}: {message}\n")

    raised: BaseException | None = None
    try:
        compiled = compile(code, filename, "exec", dont_inherit=True)  # run as a reader's fresh interpreter would
    except SyntaxError as exc:
        return [f"{where}: the block is not valid Python: {exc}"]
    with contextlib.redirect_stdout(buffer), _patched_showwarning(show):
        try:
            exec(compiled, namespace)
        except Exception as exc:  # noqa: BLE001 - every exception is either expected or a failure
            raised = exc
    printed = buffer.getvalue()
    expected_out, expected_exc = split_expected(shown.body) if shown else ("", None)
    problems = []
    if raised is not None and expected_exc is None:
        problems.append(f"{_raise_site(raised, fence, rel, filename)}: the block raised\n{_format_exc(raised, filename)}")
    elif raised is None and expected_exc is not None:
        problems.append(f"{rel}:{shown.line}: the page shows an exception, but the block ran without one")
    elif raised is not None:
        actual_exc = "".join(traceback.format_exception_only(type(raised), raised))
        if _norm_lines(expected_exc) != _norm_lines(actual_exc):
            problems.append(
                f"{rel}:{shown.line}: wrong exception\n{_diff(expected_exc, actual_exc)}\n"
                f"{_format_exc(raised, filename)}"
            )
    if shown is None:
        if printed.strip():
            problems.append(
                f"{where}: the block prints but the page shows no output; add a "
                f"```{{.text .output}} fence right after it with:\n{_indent(printed)}"
            )
    elif not output_matches(expected_out, printed):
        problems.append(f"{rel}:{shown.line}: shown output differs from what the code prints\n{_diff(expected_out, printed)}")
        if expected_exc is None and "..." not in [x.strip() for x in expected_out.split("\n")]:
            updates.append((shown, printed))
    return problems


@contextlib.contextmanager
def _patched_showwarning(show):
    saved = warnings.showwarning
    warnings.showwarning = show
    try:
        yield
    finally:
        warnings.showwarning = saved


def _raise_site(exc: BaseException, fence: Fence, rel, filename: str) -> str:
    """page:line of the block's line that raised (the fence's line when includes shift the lines)."""
    lineno = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == filename:
            lineno = frame.lineno
    if lineno is None or "--8<--" in fence.body:
        return f"{rel}:{fence.line}"
    return f"{rel}:{fence.line + lineno}"


def _format_exc(exc: BaseException, filename: str) -> str:
    tbe = traceback.TracebackException.from_exception(exc)
    frames = list(tbe.stack)
    for k, frame in enumerate(frames):
        if frame.filename == filename:
            tbe.stack = traceback.StackSummary.from_list(frames[k:])
            break
    return _indent("".join(tbe.format()))


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.rstrip("\n").split("\n"))


def _run_doctest(fence, namespace, rel, expander) -> list[str]:
    code = expander.expand(fence.body)
    name = f"{rel}:{fence.line}"
    parser = doctest.DocTestParser()
    try:
        test = parser.get_doctest(code, namespace, name, str(rel), fence.line)
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
        out = report.getvalue()
        # doctest's "File ..., line N" is already the page line (lineno above); make it page:line.
        out = re.sub(
            rf'File "{re.escape(str(rel))}", line (\d+)',
            lambda m: f"{rel}:{m[1]}",
            out,
        )
        return [f"{name}: pycon example failed\n{_indent(out)}"]
    return []


def rewrite_outputs(path: Path, updates: list[tuple[Fence, str]]) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    for fence, printed in sorted(updates, key=lambda u: -u[0].line):
        new = [fence.indent + x if x else x for x in printed.rstrip("\n").split("\n")]
        lines[fence.line : fence.end_line - 1] = new
    path.write_text("\n".join(lines), encoding="utf-8")


# --------------------------------------------------------------------------------------------
# pytest plugin
# --------------------------------------------------------------------------------------------


def pytest_addoption(parser):
    group = parser.getgroup("nnbook docs")
    group.addoption(
        "--update-outputs",
        action="store_true",
        help="rewrite the plain {.text .output} fences of docs pages with what the code prints",
    )


def pytest_collect_file(file_path: Path, parent):
    if file_path.suffix == ".md" and _is_docs_page(file_path, parent.config.rootpath):
        return MarkdownPage.from_parent(parent, path=file_path)
    return None


def _is_docs_page(path: Path, rootpath: Path) -> bool:
    try:
        rel = path.resolve().relative_to(rootpath.resolve())
    except ValueError:
        return False
    return rel.parts[:1] == ("docs",)


class MarkdownPage(pytest.File):
    def collect(self):
        yield PageItem.from_parent(self, name="page")


class PageItem(pytest.Item):
    def runtest(self):
        root = self.config.rootpath
        if not (root / "mkdocs.yml").exists():
            root = ROOT
        result = run_page(self.path, root=root, expander=_expander(root))
        if result.updates and self.config.getoption("update_outputs"):
            rewrite_outputs(self.path, result.updates)
        if result.problems:
            raise PageFailure("\n\n".join(result.problems))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, PageFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, 0, f"{self.path.relative_to(self.config.rootpath)}"


_expanders: dict[Path, SnippetExpander] = {}


def _expander(root: Path) -> SnippetExpander:
    if root not in _expanders:
        _expanders[root] = SnippetExpander(snippet_options(root / "mkdocs.yml"))
    return _expanders[root]

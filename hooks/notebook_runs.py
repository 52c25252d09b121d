"""MkDocs hook: the build's notebook executions run side by side, and a chapter's two languages share one
when their code is the same.

mkdocs-jupyter executes each notebook when it renders its page, one after the other, in a new kernel:
on a fresh clone that was 88 of the 93 s of ``mkdocs build --strict`` (20 notebooks, ja then en), with
one core mostly idle (upstream: danielfrg/mkdocs-jupyter#191, "Multi-core convert?", open; the plugin
has no option to execute notebooks in parallel). This hook starts, in ``on_config``, one process (this file run as a script) that
executes every notebook the build will need and has no cache entry for, a few kernels at a time
(``PARALLEL``) and writes the page mkdocs-jupyter would make of each executed notebook into
mkdocs-jupyter's own cache, under the build's key (the notebook, the plugin's options, the package:
hooks/notebooks.py); when mkdocs-jupyter comes to a notebook's page, ``on_pre_page`` waits for that
notebook, and mkdocs-jupyter finds its page in the cache ("Cache hit") instead of executing again.

One execution for both languages: the ja and en notebooks of a chapter differ in their markdown and in
the comments of their code; when their code cells are the same token for token once comments are left
out (``code_signature``), the chapter is executed once and its outputs are given to the other language's
cells, unless an output could show the code's own text: a traceback (``error`` output) or anything on
stderr (a warning quotes its source line, comment included). Then the other language is executed too.

Nothing that fails is shared: a notebook whose execution failed gets no cache entry, so mkdocs-jupyter
executes it again itself and fails the build with its own message, as before. ``mkdocs serve`` is left
alone (hooks/serve_mode.py does not execute notebooks there). The test session runs the chapter
notebooks of tests/test_notebooks.py through the same runner (tests/conftest.py), and so fills the
same cache for the builds that follow; its site build starts beside that runner and, told of it in
``NNBOOK_NOTEBOOK_RUNNER``, waits for the notebooks the runner is executing (``follow``) instead of
starting its own kernels for them.
"""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
import tokenize
from pathlib import Path, PurePath

log = logging.getLogger("mkdocs.hooks.notebook_runs")

EXPORTER_HOOKS = ("nbconvert_templates.py", "notebook_errors.py")  # loaded by the runner too
FOLLOW = "NNBOOK_NOTEBOOK_RUNNER"  # the workdir of a runner another process started (``follow``)
PROGRESS = "progress.jsonl"  # in that workdir: the runner's lines as they came, then {"end": true}
PARALLEL = min(4, (os.cpu_count() or 1) + 1)  # kernels wait on each other's messages: one more than cores

_state: dict = {"serving": False, "process": None, "pending": {}, "workdir": None, "results": {}}


# ---------------------------------------------------------------------------------------------
# Executing (also used by tests/test_notebooks.py)
# ---------------------------------------------------------------------------------------------


def code_signature(nb) -> tuple:
    """The notebook's code as the kernel sees it, with comments (and blank lines) left out; the cells' tags."""

    def tokens(source: str):
        try:
            return tuple((t.type, t.string) for t in tokenize.generate_tokens(io.StringIO(source).readline)
                         if t.type not in (tokenize.COMMENT, tokenize.NL))
        except (tokenize.TokenError, SyntaxError, IndentationError):
            return ("source", source)

    kernel = (nb.metadata.get("kernelspec") or {}).get("name")
    return (kernel, tuple((tokens(c.source), tuple(c.metadata.get("tags", ()))) for c in nb.cells if c.cell_type == "code"))


def _shows_its_source(nb) -> bool:
    """True when an output may quote the code's text (tracebacks; warnings and anything else on stderr)."""
    for cell in nb.cells:
        for out in cell.get("outputs", ()):
            if out.get("output_type") == "error" or (out.get("output_type") == "stream" and out.get("name") == "stderr"):
                return True
    return False


def _transplant(executed, nb) -> None:
    """``nb`` (the same code as ``executed``, other comments and markdown) gets ``executed``'s outputs."""
    import copy

    ran = [c for c in executed.cells if c.cell_type == "code"]
    for cell, done in zip((c for c in nb.cells if c.cell_type == "code"), ran):
        cell.outputs = copy.deepcopy(done.outputs)
        cell.execution_count = done.execution_count
    for key in ("language_info", "widgets"):
        if key in executed.metadata:
            nb.metadata[key] = copy.deepcopy(executed.metadata[key])


async def _execute(nb, workdir: str, kernel_name: str) -> str | None:
    """Run every cell in a fresh kernel started in ``workdir``; the error as text, or None."""
    import re

    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    # coalesce_streams: a print's pieces are one output, however the kernel's writes were timed (the
    # pages made from these executions do not depend on the machine's load).
    client = NotebookClient(nb, kernel_name=kernel_name, coalesce_streams=True, store_widget_state=True,
                            resources={"metadata": {"path": workdir}})
    try:
        await client.async_execute()
    except CellExecutionError as exc:
        return re.sub(r"\x1b\[[0-9;]*m", "", str(exc))  # no terminal colours in the report
    except Exception as exc:  # noqa: BLE001 - a kernel that died or did not start: reported as a failure
        return f"{type(exc).__name__}: {exc}"
    return None


def execute_all(notebooks, kernel_name: str = "", parallel: int = PARALLEL, done=None) -> dict:
    """Execute ``notebooks`` (a list of (key, nbformat notebook, working directory)), ``parallel`` kernels
    at a time, each in a fresh kernel; a notebook with the same ``code_signature`` as one already run
    gets that run's outputs when none of them can show the code's text, else it is run too.

    Returns key -> (notebook with outputs, error or None, how: "executed" or "shared"); calls
    ``done(key, result)`` as each finishes.
    """
    import asyncio

    groups: dict[tuple, list] = {}
    for job in notebooks:
        groups.setdefault(code_signature(job[1]), []).append(job)
    results: dict = {}

    def finish(key, result):
        results[key] = result
        if done is not None:
            done(key, result)

    async def run_group(jobs, gate):
        first, *others = jobs
        async with gate:
            error = await _execute(first[1], first[2], kernel_name)
        finish(first[0], (first[1], error, "executed"))
        rest = others
        if error is None and not _shows_its_source(first[1]):
            for key, nb, _ in others:
                _transplant(first[1], nb)
                finish(key, (nb, None, "shared"))
            rest = []

        async def alone(job):
            async with gate:
                err = await _execute(job[1], job[2], kernel_name)
            finish(job[0], (job[1], err, "executed"))

        await asyncio.gather(*(alone(job) for job in rest))

    async def main():
        gate = asyncio.Semaphore(max(1, parallel))
        await asyncio.gather(*(run_group(jobs, gate) for jobs in groups.values()))

    asyncio.run(main())
    return results


def _runner(jobs_file: str) -> None:
    """The process ``on_config`` starts (and tests/conftest.py): execute the jobs, write the page of each
    one that ran without error into mkdocs-jupyter's cache when the job names a cache file, and print one
    JSON line per notebook as it ends.

    The jobs file: ``{"notebooks": [{"path", "cache", "toc_from"}...], "workdir", "kernel_name",
    "parallel", "options"}`` (``options``: mkdocs-jupyter's; ``toc_from``: the notebook file the build
    reads, for the page's table of contents).
    """
    import nbformat

    spec = json.loads(Path(jobs_file).read_text("utf-8"))
    out = Path(spec["workdir"])
    jobs = {job["path"]: job for job in spec["notebooks"]}
    names = {job["path"]: out / str(i) / Path(job["path"]).name for i, job in enumerate(spec["notebooks"])}
    notebooks = [(path, nbformat.read(path, as_version=4), os.path.dirname(path)) for path in jobs]
    if any(job.get("cache") for job in jobs.values()):
        _exporter_hooks()
    started = time.monotonic()

    def done(path, result):
        nb, error, how = result
        line = {"path": path, "how": how, "error": error}
        if error is None:
            names[path].parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, names[path])
            line["executed"] = str(names[path])
            if jobs[path].get("cache"):
                write_cache_entry(jobs[path].get("toc_from") or path, names[path], spec["options"], jobs[path]["cache"])
        line["seconds"] = round(time.monotonic() - started, 1)
        print(json.dumps(line), flush=True)

    execute_all(notebooks, kernel_name=spec["kernel_name"], parallel=spec["parallel"], done=done)


def _exporter_hooks() -> None:
    """The hooks that change nbconvert's exporter, in this process too (the runner converts its executed
    notebooks with mkdocs-jupyter's own function): hooks/nbconvert_templates.py (templates compiled once)
    and hooks/notebook_errors.py (the short tracebacks of the pages; without it a page made here would
    differ from the one mkdocs-jupyter makes)."""
    import importlib.util

    for name in EXPORTER_HOOKS:
        path = Path(__file__).with_name(name)
        if path.exists():
            spec = importlib.util.spec_from_file_location(f"nnbook_{path.stem}", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            module.on_startup("build", False)


def write_cache_entry(path, executed, options, cache) -> None:
    """The page mkdocs-jupyter makes of the notebook ``path``, from its executed copy ``executed`` (same
    file name), written to mkdocs-jupyter's cache file ``cache`` (the build's key: ``cache_file``)."""
    from mkdocs_jupyter import convert, plugin

    body = convert.nb2html(
        str(executed), execute=False, kernel_name=options["kernel_name"], theme=options["theme"],
        allow_errors=options["allow_errors"], show_input=options["show_input"], no_input=options["no_input"],
        no_prompt=options["no_prompt"], remove_tag_config=options["remove_tag_config"],
        highlight_extra_classes=options["highlight_extra_classes"], include_requirejs=options["include_requirejs"],
        custom_mathjax_url=options["custom_mathjax_url"],
    )
    toc_tokens, title = plugin._get_nb_toc_tokens(str(path), options["toc_depth"])
    cache = Path(cache)
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"content": body, "toc_tokens": toc_tokens, "title": title}), encoding="utf-8")
    tmp.replace(cache)


def cache_file(path, options) -> Path:
    """The cache file the build looks up for the notebook ``path`` (executed; the key function as wrapped
    by hooks/notebooks.py)."""
    from mkdocs_jupyter import plugin

    return plugin._get_cache_path(Path(options["cache_dir"]), plugin._compute_cache_key(str(path), options, True))


def start_runner(jobs: list[dict], workdir: str, options: dict, parallel: int = PARALLEL, stderr=None) -> subprocess.Popen:
    """This file as a script on ``jobs`` (see ``_runner``); its stdout gives one JSON line per notebook;
    its stderr (and the kernels') goes to ``stderr`` (a file; None: this process's)."""
    spec = Path(workdir) / "jobs.json"
    spec.write_text(json.dumps({"notebooks": jobs, "workdir": workdir, "kernel_name": options["kernel_name"],
                                "parallel": parallel, "options": dict(options)}), encoding="utf-8")
    return subprocess.Popen([sys.executable, __file__, str(spec)], stdout=subprocess.PIPE, stderr=stderr, text=True)


# ---------------------------------------------------------------------------------------------
# The build's side
# ---------------------------------------------------------------------------------------------

try:  # the runner process (this file as a script) needs no MkDocs
    from mkdocs.plugins import event_priority
except ImportError:  # pragma: no cover
    def event_priority(priority):
        return lambda f: f


def _wanted(path: Path, options: dict) -> bool:
    pure = PurePath(path)
    if any(pure.match(p) for p in options["ignore"]) or not any(pure.match(p) for p in options["include"]):
        return False
    return not any(pure.match(p) for p in options.get("execute_ignore") or ())


def _build_order(path: Path, config) -> tuple:
    """mkdocs-static-i18n builds its languages one after the other, in the order of its config: the
    notebooks in the order the build needs them (also the language whose run the other may share)."""
    i18n = config.plugins.get("i18n")
    languages = [lang.locale for lang in i18n.config.languages] if i18n is not None else []
    rel = path.relative_to(config.docs_dir).parts
    rank = languages.index(rel[0]) if rel and rel[0] in languages else len(languages)
    return (rank, rel)


def on_startup(command: str, dirty: bool) -> None:
    _state["serving"] = command == "serve"


@event_priority(-20)  # after hooks/notebooks.py has made the cache key cover the package (its on_config)
def on_config(config):
    jupyter = config.plugins.get("mkdocs-jupyter")
    if _state["serving"] or jupyter is None or _state["process"] is not None or _state["pending"]:
        return config
    options = jupyter.config
    if not options["execute"] or not options["cache"]:
        return config
    todo = []
    for path in sorted(Path(config.docs_dir).rglob("*.ipynb"), key=lambda p: _build_order(p, config)):
        if ".ipynb_checkpoints" in path.parts or not _wanted(path, options):
            continue
        cache = cache_file(path, options)
        if not cache.exists():
            todo.append({"path": str(path), "cache": str(cache)})
    pending, results = {}, {}
    _state.update(pending=pending, results=results)
    followed = follow(todo, pending, results)
    todo = [job for job in todo if job["path"] not in followed]
    if not todo:
        return config
    workdir = tempfile.mkdtemp(prefix="nnbook-notebooks-")
    process = start_runner(todo, workdir, options)
    todo = [job["path"] for job in todo]
    pending.update({path: threading.Event() for path in todo})
    _state.update(process=process, workdir=workdir)

    def read():
        for line in process.stdout:
            try:
                result = json.loads(line)
            except ValueError:
                continue
            results[result["path"]] = result
            if result["path"] in pending:
                pending[result["path"]].set()
        process.stdout.close()
        process.wait()
        for path in todo:  # a runner that died: mkdocs-jupyter executes what is left itself
            pending[path].set()

    threading.Thread(target=read, daemon=True).start()
    log.info("executing %d notebook(s), %d kernels at a time", len(todo), PARALLEL)
    return config


def follow(todo: list[dict], pending: dict, results: dict) -> set[str]:
    """The notebooks of ``todo`` (the build's, with no cache entry yet) that a runner started by another
    process is executing into the very cache files the build looks up: the test session's
    (tests/conftest.py starts the site's build beside the chapters' executions and names the runner's
    workdir in ``NNBOOK_NOTEBOOK_RUNNER``). The build waits for those (``pending``, set from the lines
    the runner's reader copies into ``PROGRESS``) instead of executing them a second time; as with the
    build's own runner, a failed or missing run leaves no cache entry and mkdocs-jupyter executes it."""
    workdir = os.environ.get(FOLLOW)
    if not workdir or not (Path(workdir) / "jobs.json").exists():
        return set()
    spec = json.loads((Path(workdir) / "jobs.json").read_text("utf-8"))
    mine = {job["cache"]: job["path"] for job in todo}
    theirs = {job["path"]: mine[job["cache"]] for job in spec["notebooks"] if job.get("cache") in mine}
    if not theirs:
        return set()
    for path in theirs.values():
        pending[path] = threading.Event()

    parent = os.getppid()  # the test session, which writes the last line: if it is gone, so is the wait

    def tail():
        progress, seen, ended = Path(workdir) / PROGRESS, 0, False
        while not ended and os.getppid() == parent:
            text = progress.read_text("utf-8") if progress.exists() else ""
            lines = text[:text.rfind("\n") + 1].splitlines()  # whole lines only
            for line in lines[seen:]:
                result = json.loads(line)
                ended = ended or result.get("end", False)
                if result.get("path") in theirs:
                    path = theirs[result["path"]]
                    results[path] = {**result, "path": path}
                    pending[path].set()
            seen = len(lines)
            if not ended:
                time.sleep(0.2)
        for path in theirs.values():  # the runner ended without a line for it: not run
            pending[path].set()

    threading.Thread(target=tail, daemon=True).start()
    log.info("waiting for %d notebook(s) that another process is executing (%s)", len(theirs), FOLLOW)
    return set(theirs.values())


def on_pre_page(page, config, files):
    """Wait for this notebook's execution: the runner has then written its page into the cache, where
    mkdocs-jupyter looks when it renders the page ("Cache hit"). A failed run left no entry, so
    mkdocs-jupyter executes the notebook itself and reports the failure."""
    path = page.file.abs_src_path
    event = _state["pending"].get(path)
    if event is None:
        return page
    event.wait()
    result = _state["results"].get(path)
    if result is None or result.get("error"):
        log.info("%s: executed again by mkdocs-jupyter (%s)", page.file.src_uri,
                 "the run above failed" if result else "not run")
    return page


def on_post_build(config) -> None:
    if not _state["pending"] or _state.get("reported"):
        return
    if all(event.is_set() for event in _state["pending"].values()):
        _state["reported"] = True
        results = _state["results"].values()
        log.info("notebooks: %d executed, %d given the outputs of their other language (same code), %d failed",
                 sum(r["how"] == "executed" and not r.get("error") for r in results),
                 sum(r["how"] == "shared" for r in results), sum(bool(r.get("error")) for r in results))


def on_shutdown() -> None:
    process = _state["process"]
    if process is not None:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)
        import shutil

        shutil.rmtree(_state["workdir"], ignore_errors=True)
    _state.update(process=None, pending={}, results={}, reported=False)


if __name__ == "__main__":
    _runner(sys.argv[1])

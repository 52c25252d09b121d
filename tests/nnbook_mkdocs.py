"""MkDocs runs of the planted projects (tests/test_serve_mode.py, tests/test_notebook_runs.py), each in a
process of its own, without paying MkDocs' imports for each.

A ``python -m mkdocs build`` of a project with mkdocs-jupyter spends 1.4 of its first 1.5 CPU seconds
importing MkDocs, mkdocs-jupyter, nbconvert and jupytext, before it reads its mkdocs.yml. Here one
process (``ZYGOTE``) imports them once, and for each run forks a child that runs ``python -m mkdocs
...`` or ``python -c ...`` as the interpreter would: its own process, working directory, environment,
stdin (empty), stdout and stderr, exit code and exit (atexit handlers, threads joined), and its hooks
loaded by its own ``mkdocs.yml`` into modules that were only imported, never configured, before the
fork. What the run starts (mkdocs-jupyter's kernels, hooks/notebook_runs.py's runner) are new processes
as before. Only these imports are shared; ``PYTHONPATH`` in ``env`` would not reach them, so a run that
needs it uses a plain subprocess (``fresh=True``).
"""

from __future__ import annotations

import atexit
import json
import os
import select
import subprocess
import sys
import tempfile
from pathlib import Path

PRELOAD = ("click", "mkdocs.commands.build", "mkdocs.config", "mkdocs.plugins", "mkdocs_jupyter.plugin",
           "nbformat", "nbclient")

ZYGOTE = r"""
import json, os, runpy, sys, threading, traceback
for name in sys.argv[1:]:
    __import__(name)


def child(request):
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    for fd, path, flags in ((0, os.devnull, os.O_RDONLY), (1, request["stdout"], os.O_WRONLY | os.O_TRUNC),
                            (2, request["stderr"], os.O_WRONLY | os.O_TRUNC)):
        new = os.open(path, flags)
        os.dup2(new, fd)
        os.close(new)
    args = request["args"]
    try:
        if args[0] == "-m":
            sys.argv = [args[1], *args[2:]]
            sys.path[0] = os.getcwd()
            runpy.run_module(args[1], run_name="__main__", alter_sys=True)
        else:
            assert args[0] == "-c", args
            sys.argv = ["-c", *args[2:]]
            sys.path[0] = ""
            exec(compile(args[1], "<string>", "exec"), {"__name__": "__main__", "__builtins__": __builtins__})
    except SystemExit:
        raise
    except BaseException:
        traceback.print_exc()
        raise SystemExit(1)
    raise SystemExit(0)


for line in sys.stdin:
    request = json.loads(line)
    if threading.active_count() != 1:  # a fork copies no other thread: nothing may run beside this one
        raise SystemExit(f"nnbook_mkdocs: {threading.active_count()} threads before the fork")
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        child(request)  # ends the child by SystemExit, as the interpreter ends a script
    print(pid, flush=True)
    _, status = os.waitpid(pid, 0)
    print(os.waitstatus_to_exitcode(status), flush=True)
"""

_zygote: list[subprocess.Popen] = []


def _start() -> subprocess.Popen:
    if not _zygote or _zygote[0].poll() is not None:
        stderr = tempfile.TemporaryFile()  # its own messages (an import that failed); the runs' are theirs
        process = subprocess.Popen([sys.executable, "-c", ZYGOTE, *PRELOAD], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=stderr, text=True, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
        process.errors = stderr
        _zygote[:] = [process]
    return _zygote[0]


@atexit.register
def _stop() -> None:
    for process in _zygote:
        process.stdin.close()
        process.wait(timeout=60)
        process.stdout.close()
        process.errors.close()
    _zygote.clear()


def _line(process: subprocess.Popen, timeout: float, pid: int | None, args) -> str:
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    if not ready:
        if pid is not None:
            os.kill(pid, 9)
        raise subprocess.TimeoutExpired(args, timeout)
    line = process.stdout.readline()
    if not line:
        process.errors.seek(0)
        raise RuntimeError(f"nnbook_mkdocs: the process that forks the runs ended ({process.wait()}): "
                           + process.errors.read().decode(errors="replace"))
    return line


def run(args: list[str], cwd: Path, env: dict, timeout: float = 300, fresh: bool = False) -> subprocess.CompletedProcess:
    """``python *args`` in ``cwd`` with environment ``env``: its exit code, stdout and stderr (text)."""
    args = [str(a) for a in args]
    if fresh:
        return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=timeout)
    process = _start()
    with tempfile.TemporaryDirectory(prefix="nnbook-mkdocs-") as tmp:
        out, err = Path(tmp) / "stdout", Path(tmp) / "stderr"
        out.touch()
        err.touch()
        request = {"args": args, "cwd": str(cwd), "env": dict(env), "stdout": str(out), "stderr": str(err)}
        process.stdin.write(json.dumps(request) + "\n")
        process.stdin.flush()
        pid = int(_line(process, 60, None, args))
        code = int(_line(process, timeout, pid, args))
        read = lambda path: path.read_text(encoding="utf-8", errors="replace")  # noqa: E731
        return subprocess.CompletedProcess([sys.executable, *args], code, read(out), read(err))

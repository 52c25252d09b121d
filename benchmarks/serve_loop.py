"""How long a writer waits with ``mkdocs serve``: the first page, then an edit of one page.

Each run clones the repository's committed state (HEAD) into a temporary folder, so there is no
``.cache`` (a fresh clone), starts ``mkdocs serve`` there with this checkout's ``.venv`` (or
``--python``), and measures from the start of the command:

* ``first page``: until ``/nnbook/`` answers 200;
* ``CPU s``: the processor time of the whole serve session (its figure workers and Node included),
  a figure that depends less on the machine's other work than the two times;
* ``edit``: after appending a line to ``docs/en/01-roadmap.md``, until ``/nnbook/en/01-roadmap/``
  shows that line (livereload rebuilds the whole site on any change).

It prints every run, the median of the runs and the load average (``uptime``) before and after. The
machine's other work changes the figures a lot: compare runs made at similar loads.

    nice .venv/bin/python benchmarks/serve_loop.py            # 3 runs
    nice .venv/bin/python benchmarks/serve_loop.py --runs 1
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return answer.read().decode("utf-8", "replace") if answer.status == 200 else None
    except OSError:
        return None


def _wait(url: str, until, started: float, limit: float, process: subprocess.Popen) -> float:
    while time.monotonic() - started < limit:
        if process.poll() is not None:
            raise RuntimeError(f"mkdocs serve stopped (exit status {process.returncode})")
        body = _get(url)
        if body is not None and until(body):
            return time.monotonic() - started
        time.sleep(0.1)
    raise TimeoutError(f"{url}: nothing after {limit:.0f} s")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def one_run(python: Path, log: Path) -> tuple[float, float]:
    with tempfile.TemporaryDirectory(prefix="nnbook-serve-") as tmp:
        clone = Path(tmp) / "nnbook"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        port = _free_port()
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
        mkdocs = [str(python), "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"]
        with open(log, "w", encoding="utf-8") as out:
            started = time.monotonic()
            process = subprocess.Popen(mkdocs, cwd=clone, env=env, stdout=out, stderr=subprocess.STDOUT)
            try:
                base = f"http://127.0.0.1:{port}/nnbook/"
                first = _wait(base, lambda body: True, started, 300, process)
                marker = f"serve-loop-marker-{time.time_ns()}"
                time.sleep(1)  # let the watcher settle after the first build
                page = clone / "docs" / "en" / "01-roadmap.md"
                edited = time.monotonic()
                page.write_text(page.read_text(encoding="utf-8") + f"\n{marker}\n", encoding="utf-8")
                edit = _wait(base + "en/01-roadmap/", lambda body: marker in body, edited, 120, process)
            finally:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
    return first, edit


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--python", type=Path, default=ROOT / ".venv" / "bin" / "python")
    args = parser.parse_args(argv)
    load = lambda: os.getloadavg()  # noqa: E731
    print(f"load before: {load()[0]:.2f} {load()[1]:.2f} {load()[2]:.2f}; {os.cpu_count()} cores; HEAD "
          + subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip())
    firsts, edits = [], []
    for k in range(args.runs):
        log = Path(tempfile.gettempdir()) / f"nnbook-serve-loop-{k}.log"
        cpu = _children_cpu()
        first, edit = one_run(args.python, log)
        cpu = _children_cpu() - cpu  # mkdocs serve and its workers, first build + one rebuild (and git clone)
        firsts.append(first)
        edits.append(edit)
        print(f"run {k + 1}: first page {first:5.1f} s, edit shown {edit:4.1f} s, {cpu:.0f} CPU s in all "
              f"(load {load()[0]:.2f}; log {log})", flush=True)
    print(f"median of {args.runs}: first page {statistics.median(firsts):.1f} s, edit shown {statistics.median(edits):.1f} s")
    print(f"load after: {load()[0]:.2f} {load()[1]:.2f} {load()[2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

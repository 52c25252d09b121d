"""How long a cold ``mkdocs build --strict`` takes: a fresh clone, no ``.cache``.

Each run clones a committed state of the repository (HEAD, or ``--rev``; several revisions are run in
turns, so that they meet the same load) into a temporary folder, so there is no ``.cache`` (no executed
notebook, no figure, no formula kept), and builds it there with this checkout's ``.venv`` (or
``--python``). It prints, per run, the wall time, the processor time of the build with everything it
started (kernels, figure workers, Node), the load average (``uptime``) before and after, and the line in
which hooks/notebook_runs.py says how many notebooks it executed; then the median per revision.

    nice .venv/bin/python benchmarks/cold_build.py                   # HEAD, 3 runs
    nice .venv/bin/python benchmarks/cold_build.py --rev main --rev HEAD --runs 3
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _load() -> str:
    return f"{os.getloadavg()[0]:.2f}"


def run_once(rev: str, python: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="nnbook-cold-") as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        subprocess.run(["git", "checkout", "-q", rev], cwd=clone, check=True)
        before_load = _load()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.monotonic()
        done = subprocess.run([python, "-m", "mkdocs", "build", "--strict", "--site-dir", str(Path(tmp) / "site")],
                              cwd=clone, capture_output=True, text=True, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
        wall = time.monotonic() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        notebooks = re.search(r"notebooks: .*", done.stderr)
        return {"rev": rev, "rc": done.returncode, "wall": wall,
                "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
                "load": f"{before_load} -> {_load()}", "notebooks": notebooks[0] if notebooks else "",
                "stderr": done.stderr if done.returncode else ""}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rev", action="append", help="a revision to clone (repeatable; default HEAD)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--python", default=str(ROOT / ".venv" / "bin" / "python"))
    args = parser.parse_args(argv)
    revs = args.rev or ["HEAD"]
    revs = [subprocess.run(["git", "rev-parse", "--short", r], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.strip() for r in revs]
    results: dict[str, list[dict]] = {r: [] for r in revs}
    for k in range(args.runs):
        for rev in revs:
            r = run_once(rev, args.python)
            results[rev].append(r)
            print(f"run {k + 1} {rev}: rc {r['rc']}, {r['wall']:.1f} s wall, {r['cpu']:.1f} CPU s, "
                  f"load {r['load']}  {r['notebooks']}", flush=True)
            if r["rc"]:
                print(r["stderr"][-3000:], file=sys.stderr)
    for rev, runs in results.items():
        print(f"{rev}: median {statistics.median(r['wall'] for r in runs):.1f} s wall, "
              f"{statistics.median(r['cpu'] for r in runs):.1f} CPU s ({len(runs)} run(s))")
    return 0 if all(r["rc"] == 0 for runs in results.values() for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())

"""Lighthouse scores of built pages, served the way GitHub Pages serves them.

One command (a site built with ``mkdocs build --site-dir DIR``; Lighthouse from npm, not a dependency
of the book: ``npm install --prefix /tmp/lh lighthouse@12.8.2``):

    .venv/bin/python benchmarks/lighthouse_pages.py --site DIR --lighthouse /tmp/lh/node_modules/.bin/lighthouse
    .venv/bin/python benchmarks/lighthouse_pages.py --site DIR --runs 3 --preset desktop --page /en/
    .venv/bin/python benchmarks/lighthouse_pages.py --site BEFORE --site AFTER --runs 5   # compare builds

The site is served on 127.0.0.1 under the path of ``site_url`` (``/nnbook/``) with gzip for text and
``Cache-Control: max-age=600``, as GitHub Pages does (an uncompressed server gives much lower mobile
scores that predict nothing). Each page is measured ``--runs`` times with Debian's Chromium
(``/usr/bin/chromium``, headless, no network other than the local server); the script prints every
run and the median of performance, accessibility, FCP, LCP, TBT, the number of DOM elements and the
bytes transferred. Scores vary from run to run, more so on a shared machine: compare medians, taken
on the same machine at the same time. Nothing is asserted; the numbers are for people.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import re
import statistics
import subprocess
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["/10-backpropagation/", "/en/10-backpropagation/"]
TEXT = (".html", ".css", ".js", ".json", ".svg", ".xml", ".map", ".txt")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run --disable-quic"


def _base_path() -> str:
    match = re.search(r"^site_url:\s*(\S+)", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    return urlsplit(match[1]).path.rstrip("/") + "/"


class _PagesLike(http.server.SimpleHTTPRequestHandler):
    """GitHub Pages' behaviour that matters here: gzip for text, max-age=600, 404.html for a miss."""

    base = "/"

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = urlsplit(self.path).path
        if not path.startswith(self.base):
            return self._send(Path(self.directory) / "404.html", 404)
        file = Path(self.directory) / path[len(self.base):]
        if file.is_dir():
            if not path.endswith("/"):
                self.send_response(301)
                self.send_header("Location", path + "/")
                self.end_headers()
                return None
            file = file / "index.html"
        return self._send(file, 200) if file.is_file() else self._send(Path(self.directory) / "404.html", 404)

    def _send(self, file: Path, status: int):
        body = file.read_bytes()
        zipped = file.suffix in TEXT and "gzip" in self.headers.get("Accept-Encoding", "")
        if zipped:
            body = gzip.compress(body, 6)
        self.send_response(status)
        self.send_header("Content-Type", self.guess_type(str(file)))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        if zipped:
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        self.wfile.write(body)


def run_lighthouse(lighthouse: str, url: str, preset: str, out: Path, categories: str = "performance,accessibility") -> dict:
    command = [
        lighthouse, url, "--quiet", "--output=json", f"--output-path={out}",
        f"--only-categories={categories}", f"--chrome-flags={CHROME_FLAGS}",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    subprocess.run(command, check=True, env={"CHROME_PATH": "/usr/bin/chromium", "PATH": "/usr/bin:/bin"}, timeout=300)
    report = json.loads(out.read_text(encoding="utf-8"))
    audits = report["audits"]
    if "performance" not in report["categories"]:
        return {"accessibility": round(100 * report["categories"]["accessibility"]["score"]),
                "failed": failed_audits(report)}
    return {
        "performance": round(100 * report["categories"]["performance"]["score"]),
        "accessibility": round(100 * report["categories"]["accessibility"]["score"]),
        "fcp_ms": round(audits["first-contentful-paint"]["numericValue"]),
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "dom_elements": int(audits["dom-size"]["numericValue"]),
        "bytes": int(audits["total-byte-weight"]["numericValue"]),
    }


def failed_audits(report: dict) -> list[str]:
    """The accessibility audits that failed, each with the first few elements Lighthouse names."""
    out = []
    for ref in report["categories"]["accessibility"]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            items = (audit.get("details") or {}).get("items") or []
            nodes = [(item.get("node") or {}).get("snippet", "")[:100] for item in items[:3]]
            out.append(f"{ref['id']} ({len(items)}): " + " | ".join(nodes))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", required=True, type=Path, action="append",
                        help="a built site folder; repeat it to compare builds (measured in turns)")
    parser.add_argument("--lighthouse", default="lighthouse", help="the lighthouse command (npm package)")
    parser.add_argument("--page", action="append", help=f"a page path (repeatable; default {PAGES})")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--preset", choices=["mobile", "desktop"], default="mobile")
    parser.add_argument("--accessibility-only", action="store_true",
                        help="only the accessibility category (fast); prints the failed audits")
    parser.add_argument("--json", type=Path, help="also write every run to this file")
    parser.add_argument("--reports", type=Path, help="keep Lighthouse's JSON reports in this folder")
    args = parser.parse_args()

    base = _base_path()
    handler = type("Handler", (_PagesLike,), {"base": base})
    servers, origins = [], {}
    for site in args.site:
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        origins[str(site)] = f"http://127.0.0.1:{httpd.server_address[1]}{base.rstrip('/')}"
    results: dict[tuple[str, str], list[dict]] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            reports = args.reports or Path(tmp)
            reports.mkdir(parents=True, exist_ok=True)
            # Sites and pages take turns, so a slow moment of the machine hits them all alike.
            for run in range(args.runs):
                for k, (site, origin) in enumerate(origins.items()):
                    for page in args.page or PAGES:
                        name = f"{args.preset}-site{k}-{page.strip('/').replace('/', '-') or 'home'}-{run + 1}.json"
                        categories = "accessibility" if args.accessibility_only else "performance,accessibility"
                        scores = run_lighthouse(args.lighthouse, origin + page, args.preset, reports / name, categories)
                        results.setdefault((site, page), []).append(scores)
                        print(f"run {run + 1} {site} {page}: {scores}", flush=True)
    finally:
        for httpd in servers:
            httpd.shutdown()
            httpd.server_close()
    if args.accessibility_only:
        print(f"\n{args.preset}, accessibility, median of {args.runs} run(s)")
        print("| site | page | a11y (runs) | a11y | failed audits (last run) |")
        print("|---|---|---|---|---|")
        for (site, page), runs in results.items():
            med = statistics.median(r["accessibility"] for r in runs)
            failed = "; ".join(a.split(" (")[0] for a in runs[-1]["failed"]) or "none"
            print(f"| {site} | {page} | {', '.join(str(r['accessibility']) for r in runs)} | {med:g} | {failed} |")
        return
    print(f"\n{args.preset}, median of {args.runs} run(s)")
    print("| site | page | perf (runs) | perf | a11y | FCP ms | LCP ms | TBT ms | DOM | KiB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for (site, page), runs in results.items():
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        print(f"| {site} | {page} | {', '.join(str(r['performance']) for r in runs)} | {med['performance']:g} | "
              f"{med['accessibility']:g} | {med['fcp_ms']:g} | {med['lcp_ms']:g} | {med['tbt_ms']:g} | "
              f"{med['dom_elements']:g} | {med['bytes'] / 1024:.0f} |")
    if args.json:
        rows = [{"site": site, "page": page, "runs": runs} for (site, page), runs in results.items()]
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()

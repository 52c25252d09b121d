"""The Run buttons of issue 16 in a real browser (Debian's chromium through playwright).

Needs a site built with the switch on: ``NNBOOK_RUN_BUTTONS=1 mkdocs build --site-dir DIR`` and then
``NNBOOK_RUN_SITE_DIR=DIR pytest tests/test_pyodide.py``; skipped otherwise (the normal build has no
buttons). On chapter 2 in both languages every Run button is pressed, top to bottom; each block's output in
the browser must equal the page's checked output (the result says "match"), and every request the page
and its worker make must go to the site's own origin. Any other host is also unresolvable in this browser
(``--host-resolver-rules``), so a block cannot pass by loading something from elsewhere.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("NNBOOK_CHROMIUM", "/usr/bin/chromium"))
SITE = os.environ.get("NNBOOK_RUN_SITE_DIR")
PAGES = ["02-perceptron/", "en/02-perceptron/"]

if not SITE or not (Path(SITE) / "assets" / "pyodide" / "nnbook-run.js").exists():
    pytest.skip("set NNBOOK_RUN_SITE_DIR to a site built with NNBOOK_RUN_BUTTONS=1", allow_module_level=True)
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not found", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm"}

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=SITE))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
        )
        yield b
        b.close()


@pytest.mark.parametrize("path", PAGES)
def test_every_block_of_chapter_2_runs_in_the_browser_and_matches(server, browser, path):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    page.on("worker", lambda w: requests.append(w.url))
    page.goto(f"{server}/{path}")
    buttons = page.locator("button.nnbook-run-button")
    count = buttons.count()
    assert count >= 5, f"{path}: only {count} Run buttons"
    assert not any("/assets/pyodide/pyodide" in u for u in requests), "Pyodide loaded before the first click"
    blocks = page.locator("div.nnbook-run")
    assert blocks.count() == count
    failures = []
    for k in range(count):
        # a block inside a folded answer (??? success): the reader opens it first
        buttons.nth(k).evaluate("b => { for (let d = b.closest('details'); d; d = d.parentElement.closest('details')) d.open = true; }")
        buttons.nth(k).click()
        result = page.locator(".nnbook-run-result").nth(k)
        result.locator(".nnbook-run-status").wait_for(timeout=120_000)
        if result.get_attribute("data-match") != "true":
            failures.append(f"block {k + 1}: {result.inner_text()}")
    if path.startswith("en"):
        page.locator(".nnbook-run-result").nth(2).scroll_into_view_if_needed()
        (ROOT / "screenshots").mkdir(exist_ok=True)
        page.screenshot(path=str(ROOT / "screenshots" / "pyodide-ch2-en.png"))
    versions = page.locator(".nnbook-run-status").first.inner_text()
    context.close()
    assert not failures, "\n".join(failures)
    assert "NumPy 2.0.2" in versions and "Pyodide 0.27.7" in versions, versions
    host = urlsplit(server).netloc
    foreign = [u for u in requests if urlsplit(u).scheme in ("http", "https") and urlsplit(u).netloc != host]
    assert not foreign, foreign
    assert any(u.endswith("/assets/pyodide/numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl") for u in requests)

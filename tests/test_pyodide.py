"""The Run buttons of issue 16 in a real browser (Debian's headless Chromium through playwright,
tests/nnbook_chromium.py).

Needs a site built with the switch on: ``NNBOOK_RUN_BUTTONS=1 mkdocs build --site-dir DIR`` and then
``NNBOOK_RUN_SITE_DIR=DIR pytest tests/test_pyodide.py``; skipped otherwise (the normal build has no
buttons). On chapters 2, 9 and 11 in both languages every Run button is pressed, top to bottom; each block's
output in the browser must equal the page's checked output (the result says "match"), and every request the
page and its worker make must go to the site's own origin. Any other host is also unresolvable in this
browser (``--host-resolver-rules``), so a block cannot pass by loading something from elsewhere. The blocks
the browser cannot reproduce (A1's scikit-learn, ch. 7's floating-point warnings) must say so; ch. 1's pycon
example runs as a doctest; a reader's edit is run without a match claim, and Reset page starts afresh.
Each page's time (first click to last output) is printed (``pytest -s``); nothing asserts on it.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from nnbook_chromium import CHROMIUM, FLAGS, MISSING

ROOT = Path(__file__).resolve().parent.parent
SITE = os.environ.get("NNBOOK_RUN_SITE_DIR")
PAGES = [f"{lang}{ch}/" for ch in ("02-perceptron", "09-learning", "11-xor-training") for lang in ("", "en/")]

if not SITE:
    pytest.skip("set NNBOOK_RUN_SITE_DIR to a site built with NNBOOK_RUN_BUTTONS=1", allow_module_level=True)
# a site was named (as .ci/run does for the Pages build): it must be testable, not skipped
if not (Path(SITE) / "assets" / "pyodide" / "nnbook-run.js").exists():
    raise RuntimeError(f"{SITE} has no Run buttons: build it with NNBOOK_RUN_BUTTONS=1 (and not NNBOOK_OFFLINE)")
if not CHROMIUM.exists():
    raise RuntimeError(MISSING)
from playwright import sync_api  # noqa: E402


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
            args=[*FLAGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
        )
        yield b
        b.close()


def _open(browser, server, path, width=1100):
    context = browser.new_context(viewport={"width": width, "height": 900})
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    page.on("worker", lambda w: requests.append(w.url))
    page.goto(f"{server}/{path}")
    return context, page, requests


def _run(page, k):
    """Press the Run button of the k-th runnable block (opening folded answers first); its result's text."""
    button = page.locator("button.nnbook-run-button").nth(k)
    # a block inside a folded answer (??? success): the reader opens it first
    button.evaluate("b => { for (let d = b.closest('details'); d; d = d.parentElement.closest('details')) d.open = true; }")
    button.click()
    result = page.locator(".nnbook-run-result").nth(k)
    page.wait_for_function("r => r.dataset.match !== undefined", arg=result.element_handle(), timeout=180_000)
    return result.get_attribute("data-match"), result.inner_text()


def _same_origin(server, requests):
    host = urlsplit(server).netloc
    return [u for u in requests if urlsplit(u).scheme in ("http", "https") and urlsplit(u).netloc != host]


@pytest.mark.parametrize("path", PAGES)
def test_every_block_runs_in_the_browser_and_matches(server, browser, path):
    context, page, requests = _open(browser, server, path)
    count = page.locator("button.nnbook-run-button").count()
    assert count >= 5, f"{path}: only {count} Run buttons"
    assert page.locator("div.nnbook-run").count() == count
    assert not any("/assets/pyodide/pyodide" in u for u in requests), "Pyodide loaded before the first click"
    # each bar sits right under its block, before the page's checked output
    assert page.evaluate("""() => [...document.querySelectorAll('div.nnbook-run')].every(
        b => b.nextElementSibling.classList.contains('nnbook-run-bar'))""")
    failures = []
    start = time.perf_counter()
    for k in range(count):
        match, text = _run(page, k)
        if match != "true":
            failures.append(f"block {k + 1}: {text}")
    seconds = time.perf_counter() - start
    versions = page.locator(".nnbook-run-status").first.inner_text()
    context.close()
    print(f"\n{path}: {count} blocks run in the browser in {seconds:.1f} s (first click to last output)")
    assert not failures, "\n".join(failures)
    assert "NumPy 2.0.2" in versions and "Pyodide 0.27.7" in versions, versions
    assert not _same_origin(server, requests)
    assert any(u.endswith("/assets/pyodide/numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl") for u in requests)


@pytest.mark.parametrize("lang", ["", "en/"])
def test_blocks_the_browser_cannot_reproduce_say_so(server, browser, lang):
    context, page, requests = _open(browser, server, f"{lang}a1-digits/")
    blocks = page.locator("div.nnbook-run").count()
    notes = page.locator(".nnbook-run-note").count()
    assert page.locator("button.nnbook-run-button").count() == 1 and notes == blocks - 1 > 5
    assert "scikit-learn" in page.locator(".nnbook-run-note").first.inner_text()
    context.close()

    context, page, requests = _open(browser, server, f"{lang}07-relu-and-sigmoid/")
    flagged = page.evaluate("() => [...document.querySelectorAll('div.nnbook-run')].map(b => b.classList.contains('nnbook-run-fpflags'))")
    assert sum(flagged) == 3
    results = [_run(page, k) for k in range(len(flagged))]
    context.close()
    for k, (is_flagged, (match, text)) in enumerate(zip(flagged, results)):
        assert match == ("note" if is_flagged else "true"), f"block {k + 1}: {text}"
        if is_flagged:
            assert "WebAssembly" in text, text
    assert not _same_origin(server, requests)


@pytest.mark.parametrize("lang", ["", "en/"])
def test_the_pycon_example_runs_as_a_doctest(server, browser, lang):
    context, page, _ = _open(browser, server, f"{lang}01-roadmap/")
    assert page.locator("button.nnbook-run-button").count() == 1
    match, text = _run(page, 0)
    context.close()
    assert match == "true", text
    assert ">>> run.solved\nTrue" in text


def test_a_reader_edits_a_block_and_resets_the_page(server, browser):
    context, page, requests = _open(browser, server, "en/02-perceptron/")
    assert _run(page, 0)[0] == "true"
    page.locator("button.nnbook-run-edit-button").nth(1).click()
    editor = page.locator("textarea.nnbook-run-edit")
    assert editor.count() == 1 and editor.is_visible()
    assert editor.evaluate("e => e === document.activeElement")
    original = editor.input_value()
    editor.fill("print('edited', 6 * 7)")
    match, text = _run(page, 1)
    assert match == "edited" and "edited 42" in text and "not compared" in text, text
    # the edited block ran in the page's namespace: a block below it still sees the earlier blocks
    page.locator("button.nnbook-run-reset-button").first.click()
    assert page.locator("textarea.nnbook-run-edit").count() == 0
    assert page.locator(".nnbook-run-result[data-match]").count() == 0
    code = page.locator("div.nnbook-run").nth(1).locator("code").text_content()
    assert code.rstrip("\n") == original.rstrip("\n")
    # a fresh namespace: running block 2 first runs block 1 again, both match
    match, text = _run(page, 1)
    assert match == "true", text
    assert page.locator(".nnbook-run-result").nth(0).get_attribute("data-match") == "true"
    context.close()
    assert not _same_origin(server, requests)


def test_no_buttons_from_file_urls(browser):
    # a Worker cannot start from file://: a page opened from disk shows the book without Run buttons
    # (the offline build, NNBOOK_OFFLINE=true, gets neither the buttons' script nor the interpreter at all)
    context = browser.new_context()
    page = context.new_page()
    page.goto((Path(SITE) / "en" / "02-perceptron" / "index.html").resolve().as_uri())
    page.wait_for_load_state("load")
    assert page.locator("div.nnbook-run").count() >= 5  # the marked blocks are there ...
    assert page.locator(".nnbook-run-bar").count() == 0  # ... but no bar is drawn
    context.close()

"""The Chromium that the browser tests drive (tests/test_browser.py, test_browser_slider.py, test_pyodide.py).

Debian's ``chromium-headless-shell`` by default: the same Chromium as Debian's ``chromium`` package (same
version, same Blink and V8), built without the desktop browser's windows and profile machinery; it is
what Playwright itself runs for headless Chromium. It draws the book's pages with less than half the CPU
time (24 pages, one new page each, this machine: 13.5 CPU s with ``chromium``, 5.8 with the shell), which
the test run shares with everything else on two cores. Without the shell, Debian's ``chromium`` (in
headless mode); ``NNBOOK_CHROMIUM`` names any other binary. Never a downloaded browser.
"""

from __future__ import annotations

import os
from pathlib import Path

HEADLESS_SHELL = Path("/usr/bin/chromium-headless-shell")
CHROMIUM = Path(os.environ.get("NNBOOK_CHROMIUM") or (HEADLESS_SHELL if HEADLESS_SHELL.exists() else "/usr/bin/chromium"))
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# Every request to another host goes to a proxy that is not there (the discard port of this machine)
# and fails at once, before any name is looked up; loopback addresses bypass proxies (Chromium's
# implicit rule), so the tests' own servers on 127.0.0.1 are reached.
LOCAL_ONLY = ["--proxy-server=http://127.0.0.1:9"]
MISSING = (f"{CHROMIUM} not found: install Debian's chromium-headless-shell and fonts-noto-cjk "
           "(apt-get install chromium-headless-shell fonts-noto-cjk), or set NNBOOK_CHROMIUM")

"""Every link of the built site lands: served over http, and the offline build opened from file://.

Each built HTML page is parsed; every ``href`` and ``src`` is resolved the way a browser resolves it
against the page's own URL, and each distinct target is checked once:

* served (the ``site`` build): the site is served under the path of ``site_url`` (``/nnbook/``, as on
  GitHub Pages, so the absolute URLs of the 404 pages resolve too); a target must answer 200 (after
  redirects). A link to ``site_url`` itself (the notebooks link back to the book that way) is checked
  against the local copy. Links to other hosts are not followed (the browser test checks that no page
  requests one).
* offline (the ``offline_site`` build, NNBOOK_OFFLINE=true): the target must be a file (a folder opens
  as a directory listing under file://, which is no page).

A ``#fragment`` must name an ``id`` (or ``name``) in the target page. The 404 pages are checked as
served from a missing address deep in the site; offline they are skipped, as file:// has no 404.

The language switcher is checked for what it links to, not only that it lands: every page's other-
language entry leads to the page of the same name in that language (notebook pages included), and the
404 pages' entries lead to the language homes.
"""

from __future__ import annotations

import functools
import http.server
import posixpath
import re
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINK_ATTRIBUTES = {"href", "src"}
SCHEMES_NOT_FOLLOWED = ("mailto:", "javascript:", "data:", "blob:", "tel:")


def _site_url() -> str:
    match = re.search(r"^site_url:\s*(\S+)", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    return match[1].rstrip("/") + "/"


SITE_URL = _site_url()
BASE_PATH = urlsplit(SITE_URL).path  # "/nnbook/"


class _Page(HTMLParser):
    """The links (tag, attribute, value), the ids and the switcher entries of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.ids: set[str] = set()
        self.switcher: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("id", "name") if tag == "a" else ("id",):
            if attrs.get(name):
                self.ids.add(attrs[name])
        for name in LINK_ATTRIBUTES:
            value = attrs.get(name)
            if value is None or (tag == "link" and attrs.get("rel") in ("preconnect", "dns-prefetch")):
                continue
            self.links.append((f"<{tag} {name}>", value.strip()))
        if tag == "a" and "md-select__link" in (attrs.get("class") or "") and attrs.get("hreflang"):
            self.switcher[attrs["hreflang"]] = attrs.get("href", "")


@functools.cache
def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def _is_404(site: Path, path: Path) -> bool:
    return path.name == "404.html"


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the site under BASE_PATH (anything else is missing)."""

    def log_message(self, *args):
        pass

    def translate_path(self, path):
        path = urlsplit(path).path
        if not path.startswith(BASE_PATH):
            return str(Path(self.directory) / "no-such-file")
        return super().translate_path("/" + path[len(BASE_PATH):])


@pytest.fixture(scope="module")
def served(site):
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}{BASE_PATH}"
    httpd.shutdown()
    httpd.server_close()


def _page_url(site: Path, path: Path, base: str) -> str:
    """Where a reader meets the page: its directory URL (index.html) or its file, over ``base``."""
    rel = path.relative_to(site).as_posix()
    if _is_404(site, path):  # served for a missing address: resolve its links from deep in the site
        return base + rel.removesuffix("404.html") + "no/such/page/"
    return base + rel.removesuffix("index.html") if base.startswith("http") else base + rel


def _targets(site: Path, base: str, skip_404: bool) -> dict[str, list[str]]:
    """Every link target (fragment kept) -> where it occurs ("page: <tag attr> value")."""
    targets: dict[str, list[str]] = {}
    origin = "file://" if base.startswith("file:") else "{0.scheme}://{0.netloc}".format(urlsplit(base))
    for path in _pages(site):
        if skip_404 and _is_404(site, path):
            continue
        here = _page_url(site, path, base)
        for where, value in _parse(path).links:
            if not value or value.startswith(SCHEMES_NOT_FOLLOWED) or value == "#":
                continue
            url = urljoin(here, value)
            if url.startswith(SITE_URL) and base.startswith("http"):
                url = base + url[len(SITE_URL):]  # the live site's address of a page of this build
            if not url.startswith(origin):
                continue  # another host (offline: any http(s) URL); outside the site but here is dead
            targets.setdefault(url, []).append(f"{path.relative_to(site)}: {where} {value}")
    return targets


def _fragment_problem(file: Path, fragment: str) -> str | None:
    fragment = unquote(fragment)
    if not fragment or file.suffix != ".html":
        return None
    return None if fragment in _parse(file).ids else f"no id {fragment!r} in {file.name}"


def _report(problems: dict[str, tuple[str, list[str]]]) -> str:
    lines = [f"{len(problems)} dead link target(s):"]
    for url, (why, where) in sorted(problems.items()):
        lines.append(f"  {url}: {why}; linked from {where[0]}" + (f" (+{len(where) - 1} more)" if len(where) > 1 else ""))
    return "\n".join(lines)


def test_every_link_lands_when_served(site, served):
    targets = _targets(site, served, skip_404=False)
    assert len(targets) > 100, "too few links found: is the site built?"

    def land(address: str) -> tuple[Path | None, str | None]:
        """Where the server takes ``address`` (redirects followed): the file it serves, or what went wrong."""
        try:
            with urllib.request.urlopen(urllib.request.Request(address, method="HEAD"), timeout=30) as response:
                final = response.geturl()
        except urllib.error.HTTPError as error:
            return None, f"HTTP {error.code}"
        file = site / unquote(urlsplit(final).path)[len(BASE_PATH):]
        return (file / "index.html" if file.is_dir() else file), None

    # Each address is asked for once (5400 links lead to about 110 addresses), each fragment looked up
    # in the file its address lands on.
    addresses = sorted({urldefrag(url)[0] for url in targets})
    with ThreadPoolExecutor(max_workers=8) as pool:
        landed = dict(zip(addresses, pool.map(land, addresses)))
    problems = {}
    for url, where in targets.items():
        address, fragment = urldefrag(url)
        file, why = landed[address]
        why = why or _fragment_problem(file, fragment)
        if why:
            problems[url] = (why, where)
    assert not problems, _report(problems)


def test_every_link_lands_offline(offline_site):
    base = offline_site.as_uri() + "/"
    targets = _targets(offline_site, base, skip_404=True)
    assert len(targets) > 100, "too few links found: is the site built?"
    problems = {}
    for url, where in targets.items():
        address, fragment = urldefrag(url)
        file = Path(unquote(urlsplit(address).path))
        if not url.startswith(base):
            problems[url] = ("outside the site folder", where)
        elif not file.is_file():
            problems[url] = ("a folder, not a page (file:// lists it)" if file.is_dir() else "no such file", where)
        elif why := _fragment_problem(file, fragment):
            problems[url] = (why, where)
    assert not problems, _report(problems)


def _twin(rel: str, lang: str) -> str:
    """The page of the same name in ``lang``: Japanese at the site root, English under en/."""
    rel = rel.removeprefix("en/")
    return rel if lang == "ja" else f"en/{rel}"


@pytest.mark.parametrize("build", ["site", "offline_site"])
def test_language_switcher_leads_to_the_twin(build, site, offline_site):
    # Both builds are named in the signature (not fetched with request.getfixturevalue), so that
    # conftest.py sees that this test needs a built site and runs it after the others.
    site = {"site": site, "offline_site": offline_site}[build]
    offline = build == "offline_site"
    checked, problems = 0, []
    for path in _pages(site):
        rel = path.relative_to(site).as_posix()
        switcher = _parse(path).switcher
        if _is_404(site, path):
            if offline:
                continue
            expected = {"ja": BASE_PATH, "en": BASE_PATH + "en/"}
            if switcher != expected:
                problems.append(f"{rel}: switcher {switcher}, expected the language homes {expected}")
            continue
        # Served, a page is read from its address under site_url's path; offline, from its file.
        root = site.as_uri() + "/" if offline else "http://site" + BASE_PATH
        for lang in ("ja", "en"):
            if lang not in switcher:
                problems.append(f"{rel}: no {lang} entry in the switcher")
                continue
            target = unquote(urljoin(root + rel, switcher[lang]))
            if not offline and not target.endswith(".html"):
                target = posixpath.join(target, "index.html")
            target_rel = target[len(root):] if target.startswith(root) else f"outside the site: {target}"
            if target_rel != _twin(rel, lang):
                problems.append(f"{rel}: {lang} entry leads to {target_rel}, expected {_twin(rel, lang)}")
            checked += 1
    assert checked > 50
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("page", "before", "after"), [("math", "", "numpy"), ("numpy", "math", "01-roadmap"),
                                                       ("en/math", "en", "en/numpy"), ("en/numpy", "en/math", "en/01-roadmap")])
def test_the_primers_come_between_the_home_page_and_chapter_1(site, page, before, after):
    """mkdocs.yml's nav puts math.md, then numpy.md, before chapter 1 (file order alone would put them last):
    the footer's previous and next links of each primer."""
    html = (site / page / "index.html").read_text(encoding="utf-8")
    links = {}
    for kind in ("prev", "next"):
        tag = re.search(rf'<a\b[^>]*\bclass="[^"]*\bmd-footer__link--{kind}\b[^"]*"[^>]*>', html)
        assert tag, f"{page}: no md-footer__link--{kind}"
        href = re.search(r'\bhref="([^"]*)"', tag.group(0)).group(1)
        links[kind] = posixpath.normpath(posixpath.join(page, href)).removeprefix("./").strip("/")
        links[kind] = "" if links[kind] == "." else links[kind]
    assert links == {"prev": before, "next": after}, page


def test_each_language_has_its_404_page(site):
    for rel, lang, heading in [("404.html", "ja", "ページが見つかりません"), ("en/404.html", "en", "Page not found")]:
        text = (site / rel).read_text(encoding="utf-8")
        assert f'<html lang="{lang}"' in text, rel
        assert heading in text, rel

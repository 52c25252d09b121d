"""MkDocs hook: what readers of Material sites expect around a page (issue 17 point 8).

1. The repository is named in one place, ``extra.repository`` in mkdocs.yml (``NNBOOK_REPOSITORY`` in the
   environment overrides it: the Pages workflow passes the repository it runs in, so a fork deploys
   with its own links). The edit links (``edit_uri``), the footer's GitHub link and ``site_url``
   (``https://OWNER.github.io/NAME/``, or ``NNBOOK_SITE_URL`` for a custom domain) are derived from it
   before any plugin reads them. The ``site_url`` written in mkdocs.yml is what the default repository
   gives; the scripts that read mkdocs.yml for the served path use it.
2. A description per page: the page's front-matter ``description``, else its first paragraph (plain
   text, formulas as their TeX without delimiters, cut at about 160 characters). Material writes it
   as ``<meta name="description">``.
3. Open Graph and Twitter tags (title, description, canonical URL, locale, a social card). The card is a
   PNG per language drawn at build time with matplotlib (the book's ``plot`` extra), in the system's
   fonts (Noto Sans CJK when installed; without a font for the title the card has the drawing only):
   no third-party service and no font download. Cached in ``.cache/social``.
5. Instant navigation (``navigation.instant``) stays within a language. Material reads ``__config`` (the
   search index of the page's language, hooks/search_scope.py) once, at a full page load, and
   intercepts the links it finds in ``sitemap.xml`` next to ``__config.base``. The language switcher's
   links get ``target="_self"`` (Material leaves links with a target to the browser), so changing the
   language loads the page in full, and ``data-nnbook-root`` (the language's root, relative to the
   page), from which assets/javascripts/language-switch.js points them at the current page's twin
   after an instant navigation (Material keeps the header, switcher included, as it was); each other language gets ``<lang>/sitemap.xml`` with its own pages,
   which Material fetches for its pages (the root one was a 404 for them). Under file:// Material
   turns instant navigation off by itself. mkdocs-static-i18n warns that its switcher does not follow
   instant navigation (that warning fails --strict); the script above makes it follow, and the feature
   is taken out of the config while i18n reconfigures the theme (``on_config``) and put back before
   the pages are built (``on_pre_build``).
4. The page's last-updated date, from git: ``git log -1 --format=%cs -- FILE`` (a notebook page uses its
   chapter's file). Material shows ``page.meta.revision_date`` at the page's foot. In a shallow clone
   (CI checks out one commit by default) every file would get the last commit's date, so no date is
   shown there; without git, neither.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import subprocess
from functools import lru_cache
from pathlib import Path

from mkdocs.plugins import event_priority

ROOT = Path(__file__).resolve().parents[1]
CARD_PATH = "assets/social/card-{lang}.png"
CARD_SIZE = (1200, 630)
LOCALES = {"ja": "ja_JP", "en": "en_US"}
DATE_FORMAT = {"ja": "{y}年{m}月{d}日", "en": "{month} {d}, {y}"}
MONTHS = "January February March April May June July August September October November December".split()
CARD_ALT = {"ja": "{name}: 全結合のネットワークの図", "en": "{name}: a drawing of a fully-connected network"}
MAX_DESCRIPTION = {"ja": 120, "en": 160}

_defaults: dict[str, str] = {}  # the default language's site_name and site_description (mkdocs.yml)
GITHUB = re.compile(r"^https://github\.com/([^/]+)/([^/]+?)/?$")


# 1. The repository, and what is derived from it.
def derived_urls(repository: str, branch: str) -> dict:
    match = GITHUB.match(repository)
    if not match:
        raise ValueError(f"extra.repository must be https://github.com/OWNER/NAME (got {repository!r})")
    owner, name = match[1], match[2]
    pages = f"https://{owner.lower()}.github.io/"
    site_url = pages if name.lower() == f"{owner.lower()}.github.io" else f"{pages}{name}/"
    return {"repository": f"https://github.com/{owner}/{name}", "edit_uri": f"https://github.com/{owner}/{name}/edit/{branch}/docs/",
            "site_url": site_url}


_serving = False


def on_startup(command: str, dirty: bool) -> None:
    global _serving
    _serving = command == "serve"


@event_priority(100)  # before mkdocs-static-i18n (-100) and Material read site_url and edit_uri
def on_config(config):
    _defaults.update(site_name=config.site_name, site_description=config.site_description or "")
    features = config.theme.get("features", [])
    if "navigation.instant" in features:  # 5. back in on_pre_build, after i18n's on_config
        features.remove("navigation.instant")
        _defaults["instant"] = "yes"
    extra = config.extra
    repository = os.environ.get("NNBOOK_REPOSITORY") or extra.get("repository", "")
    urls = derived_urls(repository, extra.get("repository_branch") or "main")
    extra["repository"] = urls["repository"]
    config.edit_uri = urls["edit_uri"]
    if not _serving:  # mkdocs serve has set site_url to its own address (live reload, instant navigation)
        config.site_url = os.environ.get("NNBOOK_SITE_URL") or urls["site_url"]
    for link in extra.get("social") or []:
        if link.get("icon") == "material/github":
            link["link"] = urls["repository"]
    return config


# 2. Descriptions.
ARITHMATEX = re.compile(r'<(span|div) class="arithmatex">\s*(?:\\\(|\\\[)(.*?)(?:\\\)|\\\])\s*</\1>', re.S)
PARAGRAPH = re.compile(r"<p(?: [^>]*)?>(.*?)</p>", re.S)
TAG = re.compile(r"<[^>]+>")
_CJK = "\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef"
CJK_SPACE = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])|(?<=[。、「」（）]) | (?=[。、「」（）])")  # line breaks of the source


def first_paragraph(content: str) -> str:
    for match in PARAGRAPH.finditer(content):
        if 'class="nnbook-notebook-links"' in match[0][:60]:
            continue
        text = ARITHMATEX.sub(lambda m: m[2].strip(), match[1])
        text = html.unescape(TAG.sub("", text))
        text = CJK_SPACE.sub("", re.sub(r"\s+", " ", text)).strip()
        if text:
            return text
    return ""


def shortened(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2:]:  # English: end at a word
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" 、,，") + "…"


def _lang(page) -> str:
    uri = page.file.src_uri
    return uri.split("/", 1)[0] if uri.split("/", 1)[0] in LOCALES else "ja"


@event_priority(60)  # before hooks/notebooks.py adds its links and hooks/katex_render.py its HTML
def on_page_content(html_: str, page, config, files) -> str:
    lang = _lang(page)
    if not page.meta.get("description"):
        text = first_paragraph(html_)
        if text:
            page.meta["description"] = shortened(text, MAX_DESCRIPTION[lang])
    updated = last_updated(_source_for_date(page, config))
    if updated:
        page.meta["revision_date"] = _date_html(updated, lang)
    return html_


# 3. Open Graph and Twitter tags.
def meta_tags(page, config) -> str:
    lang = _lang(page)
    site_url = config.site_url or ""
    base = site_url if lang == "ja" else f"{site_url}{lang}/"
    image = f"{site_url}{CARD_PATH.format(lang=lang)}"
    description = page.meta.get("description") or config.site_description or ""
    home = page.file.src_uri in {"index.md", *(f"{code}/index.md" for code in LOCALES)}
    title = config.site_name if home else f"{page.title} - {config.site_name}"
    tags = [
        ("property", "og:type", "website" if home else "article"),
        ("property", "og:site_name", config.site_name),
        ("property", "og:title", title),
        ("property", "og:description", description),
        ("property", "og:url", page.canonical_url or base),
        ("property", "og:locale", LOCALES[lang]),
        ("property", "og:image", image),
        ("property", "og:image:type", "image/png"),
        ("property", "og:image:width", str(CARD_SIZE[0])),
        ("property", "og:image:height", str(CARD_SIZE[1])),
        ("property", "og:image:alt", CARD_ALT[lang].format(name=config.site_name)),
        ("name", "twitter:card", "summary_large_image"),
        ("name", "twitter:title", title),
        ("name", "twitter:description", description),
        ("name", "twitter:image", image),
    ]
    return "".join(f'<meta {kind}="{key}" content="{html.escape(value, quote=True)}">\n' for kind, key, value in tags)


def on_post_page(output: str, page, config) -> str:
    if page.canonical_url and not page.file.src_uri.endswith(".ipynb"):
        _pages.setdefault(_lang(page), set()).add(page.canonical_url)
    return whole_page_switch(output.replace("</head>", meta_tags(page, config) + "</head>", 1), page)


# 5. Instant navigation within a language.
SWITCHER_LINK = re.compile(r'(<a href="[^"]*" hreflang="([^"]*)" class="md-select__link")>')


def on_pre_build(config) -> None:
    features = config.theme.get("features", [])
    if _defaults.get("instant") and "navigation.instant" not in features:
        features.append("navigation.instant")
_pages: dict[str, set[str]] = {}  # canonical URLs of the pages built, per language


def whole_page_switch(output: str, page=None) -> str:
    if page is None:  # the 404 pages: their switchers already lead to the language homes
        return SWITCHER_LINK.sub(r'\1 target="_self">', output)
    up = "../" * page.url.count("/") or "./"  # from the page's folder to the site root

    def root(match: re.Match) -> str:
        path = up if match[2] == "ja" else f"{up}{match[2]}/"
        return f'{match[1]} target="_self" data-nnbook-root="{path}">'

    return SWITCHER_LINK.sub(root, output)


def on_post_template(output: str, template_name: str, config) -> str:
    return whole_page_switch(output) if template_name == "404.html" else output


def language_sitemap(urls) -> str:
    entries = "".join(f"    <url>\n        <loc>{html.escape(url)}</loc>\n    </url>\n" for url in sorted(urls))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</urlset>\n')


def on_post_build(config) -> None:
    for lang, urls in _pages.items():
        if lang != "ja":
            path = Path(config.site_dir) / lang / "sitemap.xml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(language_sitemap(urls), encoding="utf-8")
    for lang in LOCALES:
        name = _language_option(config, lang, "site_name") or _defaults.get("site_name") or config.site_name
        description = _language_option(config, lang, "site_description") or _defaults.get("site_description", "")
        write_card(Path(config.site_dir) / CARD_PATH.format(lang=lang), name, description or "", lang)


def _language_option(config, lang: str, key: str):
    i18n = config.plugins.get("i18n")
    for language in getattr(i18n, "config", {}).get("languages", []) if i18n else []:
        if language.get("locale") == lang:
            return language.get(key)
    return None


@lru_cache(maxsize=None)
def _font(text: str):
    """A system font with a glyph for every character of ``text`` (None when there is none)."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    families = ["Noto Sans CJK JP", "Noto Sans JP", "IPAexGothic", "DejaVu Sans"]
    for family in families:
        path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        try:
            font = FT2Font(path)
        except (OSError, RuntimeError):
            continue
        if all(font.get_char_index(ord(c)) for c in text if not c.isspace()):
            return path
    return None


def write_card(path: Path, name: str, description: str, lang: str) -> None:
    key = hashlib.sha256("\0".join([name, description, lang, Path(__file__).read_text("utf-8")]).encode()).hexdigest()[:16]
    cache = ROOT / ".cache" / "social" / f"{key}.png"
    if not cache.is_file():
        cache.parent.mkdir(parents=True, exist_ok=True)
        draw_card(cache, name, description)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(cache.read_bytes())


def draw_card(path: Path, name: str, description: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib.figure import Figure

    width, height = CARD_SIZE
    fig = Figure(figsize=(width / 100, height / 100), dpi=100)
    fig.patch.set_facecolor("#3f51b5")  # Material's indigo, the site's primary colour
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.axis("off")
    # A fully-connected network, 2-3-1, at the bottom right; the text in the left column above it.
    layers = [[170, 290], [110, 230, 350], [230]]
    xs = [880, 1000, 1120]
    for (x0, ys0), (x1, ys1) in zip(zip(xs, layers), zip(xs[1:], layers[1:])):
        for y0 in ys0:
            for y1 in ys1:
                ax.plot([x0, x1], [y0, y1], color="#c5cae9", linewidth=3, zorder=1)
    for x, ys in zip(xs, layers):
        for y in ys:
            ax.add_patch(matplotlib.patches.Circle((x, y), 26, facecolor="white", edgecolor="#c5cae9", linewidth=4, zorder=2))
    wide = lambda text: any(ord(c) > 0x2E80 for c in text)  # CJK characters are about twice as wide
    title_font = _font(name)
    if title_font:
        import textwrap

        title = textwrap.wrap(name, 13 if wide(name) else 26)[:2]
        props = font_manager.FontProperties(fname=title_font, weight="bold")
        ax.text(70, 560, "\n".join(title), fontproperties=props, fontsize=42, color="white", va="top", linespacing=1.3)
        text_font = _font(description)
        if text_font and description:
            lines = textwrap.wrap(description, 26 if wide(description) else 48)[:4]
            ax.text(70, 560 - 80 * len(title) - 30, "\n".join(lines), fontproperties=font_manager.FontProperties(fname=text_font),
                    fontsize=22, color="#e8eaf6", va="top", linespacing=1.5)
    fig.savefig(path, format="png", facecolor=fig.get_facecolor(), metadata={"Software": None})


# 4. Last updated, from git.
def _source_for_date(page, config) -> Path:
    uri = page.file.src_uri
    if uri.endswith(".ipynb") and "/notebooks/" in f"/{uri}":  # generated: the chapter's date
        folder, name = uri.rsplit("/notebooks/", 1)
        uri = f"{folder}/{name[: -len('.ipynb')]}.md"
    return Path(config.docs_dir) / uri


@lru_cache(maxsize=1)
def _git_usable(cwd: str) -> bool:
    try:
        done = subprocess.run(["git", "rev-parse", "--is-shallow-repository"], cwd=cwd, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and done.stdout.strip() == "false"


@lru_cache(maxsize=None)
def last_updated(path: Path, cwd: Path = ROOT) -> str:
    """The date (YYYY-MM-DD) of the last commit that changed ``path``; "" when git cannot tell."""
    if not _git_usable(str(cwd)):
        return ""
    try:
        done = subprocess.run(["git", "log", "-1", "--format=%cs", "--", str(path)], cwd=cwd,
                              capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def _date_html(iso: str, lang: str) -> str:
    y, m, d = (int(part) for part in iso.split("-"))
    text = DATE_FORMAT[lang].format(y=y, m=m, d=d, month=MONTHS[m - 1])
    return f'<time datetime="{iso}">{text}</time>'

"""The two languages stay in step: every page has its twin, and twins share structure, code, math, figures.

For each pair docs/ja/X.md + docs/en/X.md:
- the same heading IDs in the same order (every ##..###### heading carries an explicit `{ #id }`);
- the same code blocks in the same order: same language and classes, identical code once comments are
  removed (comments may be translated), identical shown output; the one exception is nnbook's
  build-it-yourself checker, which speaks the reader's language: a Japanese page calls
  `check(..., lang="ja")`, and what a `check` call prints must match line for line in its `✓ part:`
  prefixes only (`checker_neutral`);
- the same formulas: display formulas identical and in the same order, inline formulas identical as a
  collection (sentence order differs between the languages, so their order may too);
- the same figures (image targets) in the same order;
- the same raw HTML (such as chapter 2's slider widget): the same elements with the same attributes in the
  same order; only the text between the tags (and attributes meant to be read, such as ``aria-label``) is
  in the page's language.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from nnbook_docs import scan_fences

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
LANGS = ("ja", "en")

HEADING = re.compile(r"^(#{2,6})\s+(.*?)\s*$")
HEADING_ID = re.compile(r"\{\s*#([\w-]+)[^}]*\}\s*$")
IMAGE = re.compile(r"!\[[^\]]*\]\(\s*([^)\s]+)")
DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.S)
INLINE_MATH = re.compile(r"(?<![\\$])\$(?![\s$])(.+?)(?<![\s\\$])\$(?!\$)")
INLINE_CODE = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)


def pages(lang: str) -> set[str]:
    return {p.relative_to(DOCS / lang).as_posix() for p in (DOCS / lang).rglob("*.md")}


ALL_PAGES = sorted(pages("ja") | pages("en"))


def prose(text: str) -> str:
    """The page without its fenced blocks and inline code (math and images live in prose)."""
    lines = text.split("\n")
    for fence in reversed(scan_fences(text)):
        del lines[fence.line - 1 : fence.end_line]
    return INLINE_CODE.sub("", "\n".join(lines))


def headings(text: str) -> list[tuple[int, str, str | None]]:
    """(line, heading text, explicit id or None) of every ##..###### heading outside code."""
    in_fence = {n for f in scan_fences(text) for n in range(f.line, f.end_line + 1)}
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        m = HEADING.match(line)
        if m and number not in in_fence:
            ident = HEADING_ID.search(m[2])
            found.append((number, m[2], ident[1] if ident else None))
    return found


def strip_comments(code: str, lang: str) -> str:
    """Code with comments removed and trailing spaces dropped (comments may be translated)."""
    if lang in {"python", "py", "python3"}:
        try:
            tokens = [t for t in tokenize.generate_tokens(io.StringIO(code).readline) if t.type != tokenize.COMMENT]
            code = tokenize.untokenize(tokens)
        except (tokenize.TokenError, SyntaxError, IndentationError):
            pass
    elif lang in {"pycon", "bash", "sh", "console", "shell"}:
        code = "\n".join(re.sub(r"(^|\s)#(?![!]).*$", "", line) for line in code.split("\n"))
    lines = [line.rstrip() for line in code.split("\n")]
    return "\n".join(line for line in lines if line.strip())


CHECK_LANG = re.compile(r""",\s*lang\s*=\s*["']ja["']""")
CHECK_CALL = re.compile(r"\bcheck\(")
CHECK_LINE = re.compile(r"^(✓ [^:]+:).*$")


def checker_neutral(fences: list) -> list[str]:
    """Each fence's body with what ``nnbook.check`` says in the reader's language taken out: the
    argument ``lang="ja"``, and, in the output of a block that calls ``check``, all but the ``✓ part:``
    prefix of each line (the other lines, the summaries and an error's message, become ``…``)."""
    bodies = []
    for k, f in enumerate(fences):
        body = f.body
        if f.is_python:
            body = CHECK_LANG.sub("", body)
        elif f.is_output and k and fences[k - 1].is_python and CHECK_CALL.search(fences[k - 1].body):
            body = "\n".join(m[1] if (m := CHECK_LINE.match(line)) else ("…" if line else "")
                             for line in body.split("\n"))
        bodies.append(body)
    return bodies


def code_blocks(text: str) -> list[tuple[str, tuple[str, ...], str]]:
    fences = scan_fences(text)
    return [(f.lang, tuple(f.classes), strip_comments(body, f.lang)) for f, body in zip(fences, checker_neutral(fences))]


TEX_TEXT = re.compile(r"\\text\{[^{}]*\}")


def _formula(tex: str) -> str:
    """A formula as compared across languages: the words in ``\\text{...}`` (and where they stand) may be
    translated, spacing may differ; every symbol must be the same."""
    return "".join(TEX_TEXT.sub("", tex).split())


def formulas(text: str) -> tuple[list[str], list[str]]:
    """(display formulas in page order, inline formulas sorted), as ``_formula`` compares them."""
    body = prose(text)
    display = [_formula(m) for m in DISPLAY_MATH.findall(body)]
    inline = sorted(_formula(m) for m in INLINE_MATH.findall(DISPLAY_MATH.sub("", body)))
    return display, inline


def math_counts(text: str) -> tuple[int, int]:
    display, inline = formulas(text)
    return len(display), len(inline)


def figures(text: str) -> list[str]:
    return IMAGE.findall(prose(text))


# Attributes whose value is text for the reader, in the page's language.
TRANSLATED_ATTRIBUTES = {"alt", "title", "aria-label", "aria-description", "placeholder"}
TAG_NAME = re.compile(r"^[a-z][a-z0-9-]*$")  # not an autolink <https://...> or a comparison in prose


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []

    def _tag(self, kind: str, tag: str, attrs) -> None:
        if TAG_NAME.match(tag):
            kept = " ".join(f"{k}={v!r}" if v is not None else k for k, v in attrs if k not in TRANSLATED_ATTRIBUTES)
            self.tags.append(f"<{kind}{tag}{' ' if kept else ''}{kept}>")

    def handle_starttag(self, tag, attrs):
        self._tag("", tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._tag("", tag, attrs)

    def handle_endtag(self, tag):
        self._tag("/", tag, [])


def html_tags(text: str) -> list[str]:
    """The raw HTML tags of a page's prose (outside code and math), in order, with their attributes
    (translated ones left out); the text between them is not compared."""
    body = INLINE_MATH.sub("", DISPLAY_MATH.sub("", prose(text)))
    parser = _Tags()
    parser.feed(re.sub(r"<!--.*?-->", "", body, flags=re.S))
    parser.close()
    return parser.tags


def read(lang: str, page: str) -> str:
    return (DOCS / lang / page).read_text(encoding="utf-8")


@pytest.mark.parametrize("page", ALL_PAGES)
def test_page_has_its_twin(page):
    missing = [lang for lang in LANGS if not (DOCS / lang / page).exists()]
    assert not missing, f"docs/{page}: exists in {set(LANGS) - set(missing)} only; add docs/{missing[0]}/{page}"


def _pair(page: str) -> tuple[str, str]:
    if not all((DOCS / lang / page).exists() for lang in LANGS):
        pytest.skip("no twin (test_page_has_its_twin fails for it)")
    return read("ja", page), read("en", page)


@pytest.mark.parametrize("page", ALL_PAGES)
def test_headings_have_explicit_ids(page):
    problems = []
    for lang in LANGS:
        path = DOCS / lang / page
        if path.exists():
            for line, title, ident in headings(path.read_text(encoding="utf-8")):
                if ident is None:
                    problems.append(f"docs/{lang}/{page}:{line}: heading without an explicit ID: {title!r}")
    assert not problems, "\n".join(problems) + "\n(write e.g. `## 順伝播 { #forward-pass }`)"


# The glossary lists its entries in 五十音順 in Japanese and alphabetically in English.
SORTED_BY_LANGUAGE = {"glossary.md"}


@pytest.mark.parametrize("page", ALL_PAGES)
def test_twins_have_the_same_heading_ids(page):
    ja, en = _pair(page)
    ids_ja = [i for _, _, i in headings(ja) if i]
    ids_en = [i for _, _, i in headings(en) if i]
    if page in SORTED_BY_LANGUAGE:  # the same entries, each language in its own dictionary order
        ids_ja, ids_en = sorted(ids_ja), sorted(ids_en)
        for lang, ids in (("ja", ids_ja), ("en", ids_en)):
            assert len(set(ids)) == len(ids), f"docs/{lang}/{page}: a heading ID twice"
    assert ids_ja == ids_en, f"docs/ja/{page} and docs/en/{page} differ in heading IDs:\n ja {ids_ja}\n en {ids_en}"


@pytest.mark.parametrize("page", ALL_PAGES)
def test_twins_have_the_same_code(page):
    ja, en = _pair(page)
    blocks_ja, blocks_en = code_blocks(ja), code_blocks(en)
    fences_ja, fences_en = scan_fences(ja), scan_fences(en)
    for k, (a, b) in enumerate(zip(blocks_ja, blocks_en)):
        assert a == b, (
            f"code block {k + 1} differs (comments aside): docs/ja/{page}:{fences_ja[k].line} "
            f"vs docs/en/{page}:{fences_en[k].line}\n--- ja\n{a[2]}\n--- en\n{b[2]}"
        )
    assert len(blocks_ja) == len(blocks_en), (
        f"docs/ja/{page} has {len(blocks_ja)} code blocks, docs/en/{page} has {len(blocks_en)}"
    )


@pytest.mark.parametrize("page", ALL_PAGES)
def test_twins_have_the_same_formulas(page):
    ja, en = _pair(page)
    (dj, ij), (de, ie) = formulas(ja), formulas(en)
    problems = [f"display formula {k + 1}: ja {a!r} vs en {b!r}" for k, (a, b) in enumerate(zip(dj, de)) if a != b]
    if len(dj) != len(de):
        problems.append(f"display formulas: {len(dj)} in ja, {len(de)} in en")
    only_ja, only_en = Counter(ij) - Counter(ie), Counter(ie) - Counter(ij)
    if only_ja or only_en:
        problems.append(f"inline formulas only in ja: {sorted(only_ja.elements())}, only in en: {sorted(only_en.elements())}")
    assert not problems, f"docs/{{ja,en}}/{page}: formulas differ\n" + "\n".join(problems)


@pytest.mark.parametrize("page", ALL_PAGES)
def test_twins_show_the_same_figures(page):
    ja, en = _pair(page)
    assert figures(ja) == figures(en), f"docs/{{ja,en}}/{page}: figures differ\n ja {figures(ja)}\n en {figures(en)}"


@pytest.mark.parametrize("page", ALL_PAGES)
def test_twins_have_the_same_html(page):
    ja, en = _pair(page)
    tags_ja, tags_en = html_tags(ja), html_tags(en)
    for k, (a, b) in enumerate(zip(tags_ja, tags_en)):
        assert a == b, f"docs/{{ja,en}}/{page}: HTML tag {k + 1} differs (only the text may):\n ja {a}\n en {b}"
    assert len(tags_ja) == len(tags_en), f"docs/{{ja,en}}/{page}: {len(tags_ja)} HTML tags in ja, {len(tags_en)} in en"


# ---- the checks themselves catch what they should ----------------------------------------------


def test_comment_only_differences_are_allowed():
    assert strip_comments("x = 1  # 一つ\n# 説明\ny = 2\n", "python") == strip_comments(
        "x = 1  # one\n# explanation\ny = 2\n", "python"
    )
    assert strip_comments("x = 1\n", "python") != strip_comments("x = 2\n", "python")
    assert strip_comments('print("# not a comment")\n', "python") != strip_comments('print("#")\n', "python")


def test_math_and_figures_are_counted_outside_code():
    text = "a $x$ and $y_1$ b\n\n$$\nz\n$$\n\n`$not$`\n\n```python\nprint('$no$')\n```\n\n![f](../assets/figures/a.svg)\n"
    assert math_counts(text) == (1, 2)
    assert figures(text) == ["../assets/figures/a.svg"]


def test_a_formula_changed_in_one_language_is_caught():
    ja = "式 $a + b$ と $c$。\n\n$$\ny = x\n$$\n"
    assert formulas(ja) == formulas("$c$ and $a + b$.\n\n$$\ny =  x\n$$\n")  # order of inline ones may differ
    assert formulas(ja) != formulas("$c$ and $a - b$.\n\n$$\ny = x\n$$\n")
    assert formulas(ja) != formulas("$c$ and $a + b$.\n\n$$\ny = x .\n$$\n")
    assert formulas("$\\text{傾き} = \\frac{y \\text{ の増えた量}}{x}$") == formulas("$\\text{slope} = \\frac{\\text{change in } y}{x}$")
    assert formulas("$1.8 \\times 10$") != formulas("$1.8 \t" + "imes 10$")  # a tab where \\t was meant


def test_headings_inside_code_are_not_headings():
    text = "# T\n\n## A { #a }\n\n```python\n## not a heading\n```\n\n### B\n"
    assert headings(text) == [(3, "A { #a }", "a"), (9, "B", None)]


def test_checker_output_may_differ_only_in_its_words():
    page = """```python
check("ReLU", MyReLU{lang})
```

```{{.text .output}}
{lines}
```
"""
    en = code_blocks(page.format(lang="", lines="✓ ReLU: forward ok\nAll 1 checks passed."))
    ja = code_blocks(page.format(lang=', lang="ja"', lines="✓ ReLU: forward は正しいです\n1 項目すべて合格です。"))
    assert en == ja
    fewer = code_blocks(page.format(lang=', lang="ja"', lines="1 項目すべて合格です。"))
    other = code_blocks(page.format(lang=', lang="ja"', lines="✓ Sigmoid: forward\n1 項目すべて合格です。"))
    assert fewer != en and other != en
    plain = "```python\nprint(1)\n```\n\n```{.text .output}\n{}\n```\n"
    assert code_blocks(plain.replace("{}", "1")) != code_blocks(plain.replace("{}", "2"))  # other outputs: exact


def test_html_may_differ_only_in_its_text():
    ja = '<div class="w" hidden>\n<label>重み <var>w</var><input type="range" value="1" aria-label="重み"></label>\n</div>\n'
    en = '<div class="w" hidden>\n<label>weight <var>w</var><input type="range" value="1" aria-label="weight"></label>\n</div>\n'
    assert html_tags(ja) == html_tags(en) and len(html_tags(ja)) == 7
    assert html_tags(ja) != html_tags(en.replace('value="1"', 'value="2"'))  # a number
    assert html_tags(ja) != html_tags(en.replace("<var>w</var>", "w"))  # markup around a symbol
    assert html_tags(ja) != html_tags(en.replace(" hidden", ""))
    assert html_tags("a <https://example.com> link, $a<b$ and `<div>`\n") == []

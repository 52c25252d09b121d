"""One voice: the style sheet of CONTRIBUTING.md (section 4, "Voice and style") on every page.

The checker reads each page's prose only: fenced blocks, inline code, math, link targets, HTML comments
and `--8<--` include lines are blanked first (same line numbers), so code and formulas are never judged.
Each rule is a pattern for a variant the style sheet rules out, with the form to write instead; a failure
names page:line, the variant found and the fix.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import pytest

from nnbook_docs import scan_fences

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

INLINE_CODE = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
DISPLAY_MATH = re.compile(r"\$\$.+?\$\$", re.S)
INLINE_MATH = re.compile(r"(?<![\\$])\$(?![\s$])(.+?)(?<![\s\\$])\$(?!\$)")
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
LINK_TARGET = re.compile(r"(?<=\])\([^)\s]*(?:\s+\"[^\"]*\")?\)")
HEADING_ID = re.compile(r"\{\s*#[\w-]+[^}]*\}")
INCLUDE = re.compile(r"^\s*-*8<-*.*$", re.M)
IMAGE_ALT = re.compile(r"!\[(?:[^\[\]]|\[[^\]]*\])*\]")

JA_CHAR = r"[\u3040-\u30ff\u4e00-\u9fff々]"
KANJI_NUMERAL = "一二三四五六七八九十"
COUNTERS = "つ|本|個|回(?!り)|行|列|段|組|層|点|か所|箇所|桁|章|枚|倍|種類"


class Rule(NamedTuple):
    name: str
    pattern: re.Pattern[str]
    fix: str


class Violation(NamedTuple):
    line: int
    rule: str
    found: str
    fix: str

    def __str__(self) -> str:
        return f"{self.line}: {self.rule}: {self.found!r} -> {self.fix}"


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def prose(text: str) -> str:
    """The page with everything that is not prose replaced by spaces (line numbers and offsets kept)."""
    lines = text.split("\n")
    for fence in scan_fences(text):
        for i in range(fence.line - 1, fence.end_line):
            lines[i] = " " * len(lines[i])
    body = "\n".join(lines)
    for pattern in (HTML_COMMENT, DISPLAY_MATH, INLINE_CODE, INLINE_MATH, LINK_TARGET, HEADING_ID, INCLUDE):
        body = pattern.sub(_blank, body)
    return body


def _rules(*triples: tuple[str, str, str]) -> list[Rule]:
    return [Rule(name, re.compile(pattern), fix) for name, pattern, fix in triples]


JA_RULES = _rules(
    # Numbers and counters: a count is an Arabic numeral, a half-width space, then the counter.
    ("counter", rf"(?<![{KANJI_NUMERAL}])[{KANJI_NUMERAL}]+(?:{COUNTERS})(?!ひとつ)",
     "算用数字 + 半角スペース + 助数詞 (1 つ, 2 本, 1 回)"),
    ("counter-space", rf"(?<![\w.\-])[0-9]+(?:{COUNTERS})", "数字と助数詞の間に半角スペース (1 つ)"),
    ("full-width-digit", r"[０-９]+", "半角数字"),
    # Terms.
    ("term", r"モーメンタム", "モメンタム"),
    ("term", r"アフィン層|Affine ?層|Affine ?レイヤー?", "アフィンレイヤー"),
    ("term", r"シグモイド層|シグモイド(?:関数)?の(?:レイヤー|層)", "シグモイドレイヤー"),
    ("term", r"ReLU ?層|ReLU の(?:レイヤー|層)", "ReLU レイヤー"),
    ("term", r"レイヤ(?!ー)", "レイヤー"),
    ("term", r"学習データ", "訓練データ"),
    ("term", r"(?<!\()中間層(?!とも)", "隠れ層 (「中間層」は別名として一度だけ)"),
    # Punctuation.
    ("punctuation", r"[，．]", "、。"),
    ("punctuation", r"[（）]", "半角の ( )"),
    ("punctuation", r"：", "半角コロン + 半角スペース (: )"),
    ("punctuation", r"[！？]", "半角の ! ?"),
    ("paren-space", rf"{JA_CHAR} \({JA_CHAR}", "和文の補足の ( の前にスペースを入れない: 〜です(補足)"),
    ("paren-space", rf"(?<={JA_CHAR})\({JA_CHAR}[^()]*\) (?={JA_CHAR})", "和文の補足の ) の後ろにもスペースを入れない: 〜(補足)です"),
    ("paren-space", rf"(?:{JA_CHAR}|」)\((?=[A-Za-z][a-z]+[ )\-])", "英語の併記の前に半角スペース: 全結合層 (fully-connected layer)"),
    # Wording the reviews ruled out (translationese, colloquialisms, notes meant for maintainers).
    ("wording", r"ちょうつがい", "折れ線 (0 のところで折れ曲がった形)"),
    ("wording", r"約束します", "〜と予想します / 〜を保証します"),
    ("wording", r"疑う価値があります", "疑ってみましょう"),
    ("wording", r"捕まえる", "見つける"),
    ("wording", r"追いやる|追いやり", "〜に陥る"),
    ("wording", r"読みに来", "〜を使って更新します"),
    ("wording", r"兆し", "手がかり"),
    ("wording", r"合併", "和集合"),
    ("wording", r"永遠に", "いつまでも"),
    ("wording", r"温めた", "残した"),
    ("wording", r"何が助けになるか", "失敗を減らす工夫"),
    ("wording", r"活性化前の値", "重み付き和"),
    ("wording", r"ビルドするたび", "(読者向けでない説明は CONTRIBUTING.md へ)"),
    ("wording", rf"(?<=の)所(?=[でにがはをへ]|です)|(?<=る)所(?=[でにがはをへ]|です)|(?<=」の)所", "ところ (形式名詞はひらがな)"),
)

EN_RULES = _rules(
    ("spelling", r"(?i)\b(?:vectori|initiali|normali|regulari|recogni|minimi|maximi|optimi|summari|generali|"
     r"visuali|organi|reali|characteri|parameteri|standardi|lineari|speciali|utili|emphasi|memori)s(?:e|es|ed|ing|ation|ations|er|ers)\b",
     "-ize / -ization (the book follows Oxford spelling)"),
    ("punctuation", r"[、。「」『』（）：，．！？]", "ASCII punctuation in English prose"),
    ("wording", r"(?i)every time the book is built", "(build notes belong in CONTRIBUTING.md)"),
    ("wording", r"(?i)in a separate test", "(test notes belong in CONTRIBUTING.md)"),
    ("wording", r"(?i)somehow not quite right", "seems a little off"),
    ("wording", r"(?i)there only so that the type hints", "(say what the imports are for, or nothing)"),
    ("wording", r"(?i)the book does not go into", "(say what the reader needs, or nothing)"),
    # A range of numbers takes an en dash (chapters 1–3, 13–14 hours); a chain such as the 2-4-1 network
    # or a date keeps its hyphens, and code, math and link targets are not prose.
    ("range", r"(?<![\w.\-–])\d+(?:\.\d+)?-\d+(?:\.\d+)?(?![\w\-–]|\.\d)", "an en dash: 1–3"),
)

# です/ます: every sentence of running text (not a list item, quotation, heading, table or alt text)
# ends in a polite form.
POLITE_END = re.compile(
    r"(?:です|ます|ません|でしょう|ましょう|ください|でした|ました|ませんか|ですか|ますか|でしょうか)$")
# A list item may be a noun phrase (体言止め) but not a plain verb or adjective ending (だ・である調).
PLAIN_END = re.compile(r"(?:である|だ|[るうくすつむぶぐぬたい])$")
RUN_IN_HEAD = re.compile(r"^(?:\s*[-*+] |\s*\d+\. )?\*\*[^*]+\*\*")


def _sentences(line: str) -> list[str]:
    line = RUN_IN_HEAD.sub(" ", line)
    while True:  # drop quotations and parenthesised asides, innermost first
        shorter = re.sub(r"「[^「」]*」", "Q", re.sub(r"\([^()]*\)", "", line))
        if shorter == line:
            break
        line = shorter
    return [s.rstrip("*_ ") for s in line.split("。")[:-1]]


def check_polite(text: str) -> list[Violation]:
    found = []
    body = IMAGE_ALT.sub(_blank, prose(text))  # alt text describes a figure: plain style is fine there
    for number, line in enumerate(body.split("\n"), start=1):
        stripped = line.lstrip()
        if not stripped or stripped.startswith(("#", ">", "|", "???", "!!!")):
            continue
        is_item = re.match(r"(?:[-*+]|\d+\.)\s", stripped) is not None
        for sentence in _sentences(line):
            if sentence.strip() in ("", "Q") or POLITE_END.search(sentence):
                continue
            if is_item and not PLAIN_END.search(sentence):
                continue
            tail = re.sub(r"^(?:[-*+]|\d+\.)\s+", "", sentence.strip())[-20:]
            found.append(Violation(number, "desu-masu", tail + "。", "です・ます で終える"))
    return found


def check(text: str, rules: list[Rule]) -> list[Violation]:
    found = []
    for number, line in enumerate(prose(text).split("\n"), start=1):
        for rule in rules:
            for m in rule.pattern.finditer(line):
                found.append(Violation(number, rule.name, m.group(0), rule.fix))
    return found


def check_ja(text: str) -> list[Violation]:
    return sorted(check(text, JA_RULES) + check_polite(text))


def check_en(text: str) -> list[Violation]:
    return check(text, EN_RULES)


PAGES = sorted(p.relative_to(DOCS).as_posix() for lang in ("ja", "en") for p in (DOCS / lang).glob("*.md"))


@pytest.mark.parametrize("page", PAGES)
def test_page_follows_the_style_sheet(page: str) -> None:
    text = (DOCS / page).read_text(encoding="utf-8")
    violations = check_ja(text) if page.startswith("ja/") else check_en(text)
    assert not violations, f"{len(violations)} style violations:\n" + "\n".join(f"{page}:{v}" for v in violations)


# --- the checker itself catches what it should, and only outside code and math ------------------------


def names(violations: list[Violation]) -> list[tuple[str, str]]:
    return [(v.rule, v.found) for v in violations]


def test_planted_japanese_violations_are_caught_with_their_line() -> None:
    text = "はじめの行です。\n損失を一つの数にまとめ、モーメンタム 0.9 で学習します。\nこれはアフィン層です（補足）。\n"
    found = check_ja(text)
    assert ("counter", "一つ") in names(found)
    assert ("term", "モーメンタム") in names(found)
    assert ("term", "アフィン層") in names(found)
    assert ("punctuation", "（") in names(found)
    assert {v.line for v in found} == {2, 3}


def test_plain_style_is_caught_in_running_text_and_list_items() -> None:
    assert names(check_ja("この値を損失と呼ぶ。\n")) == [("desu-masu", "この値を損失と呼ぶ。")]
    assert names(check_ja("- 理由を説明できる。\n")) == [("desu-masu", "理由を説明できる。")]
    assert check_ja("- 形の規則と、バイアスのブロードキャスト\n- 学習ループ。\n") == []
    assert check_ja("これは「止まる。」という意味です。\n> 定理は成り立つ。\n") == []


def test_code_inline_code_and_math_are_not_checked() -> None:
    text = "```python\nx = '一つ（モーメンタム）'\n```\n\n`一つ` と $一つ$ は数です。\n\n$$\n一つ\n$$\n"
    assert check_ja(text) == []


def test_parenthesis_spacing() -> None:
    assert names(check_ja("値です (補足です)。\n")) == [("paren-space", "す (補")]
    assert names(check_ja("全結合層(fully connected) です。\n")) == [("paren-space", "層(")]
    assert names(check_ja("直線(平面) です。\n")) == [("paren-space", "(平面) ")]
    assert check_ja("値です(補足です)。全結合層 (fully-connected layer) です。\n") == []


def test_idioms_and_other_numbers_are_left_alone() -> None:
    assert check_ja("一つひとつ確かめ、一度に計算し、一回りします。十分です。\n") == []
    assert names(check_ja("2-4-1 の 2 層です。1つです。\n")) == [("counter-space", "1つ")]


def test_planted_english_violations_are_caught() -> None:
    text = "We use vectorisation here.\n\n`initialise()` is code.\n\nThis page runs every time the book is built。\n"
    found = check_en(text)
    assert ("spelling", "vectorisation") in names(found)
    assert ("punctuation", "。") in names(found)
    assert ("wording", "every time the book is built") in names(found)
    assert all(v.found != "initialise" for v in found)


def test_a_hyphenated_range_is_caught_but_not_a_chain_or_code() -> None:
    text = "Part 1 (chapters 1-3) takes 13-14 hours, 0.5-1.5 s.\n"
    assert names(check_en(text)) == [("range", "1-3"), ("range", "13-14"), ("range", "0.5-1.5")]
    ok = "The 2-4-1 and 784-256-10 networks, 2026-12-02, chapters 1–3, a 1-D array, `x[1-3]`, $1-3$.\n"
    assert check_en(ok) == []


# --- one notation (CONTRIBUTING.md section 4, "Notation"): checked inside the formulas -------------------

MATH = re.compile(r"\$\$.+?\$\$|(?<![\\$])\$(?![\s$]).+?(?<![\s\\$])\$(?!\$)", re.S)
NOTATION_RULES = _rules(
    ("bold-vector", r"\\(?:boldsymbol|mathbf|bm)\b", "plain letters: vectors x, b, h; matrices W, X"),
    ("class-index", r"\\sum_\{?[a-z]\s*=\s*1\}?\^\{?C\}?", "classes count from 0: \\sum_{j=0}^{C-1}"),
)


def check_notation(text: str) -> list[Violation]:
    """Violations of the notation rules inside the page's formulas (code and inline code left out)."""
    lines = text.split("\n")
    for fence in scan_fences(text):
        for i in range(fence.line - 1, fence.end_line):
            lines[i] = " " * len(lines[i])
    body = INLINE_CODE.sub(_blank, HTML_COMMENT.sub(_blank, "\n".join(lines)))
    found = []
    for m in MATH.finditer(body):
        for rule in NOTATION_RULES:
            for hit in rule.pattern.finditer(m.group(0)):
                line = body.count("\n", 0, m.start() + hit.start()) + 1
                found.append(Violation(line, rule.name, hit.group(0), rule.fix))
    return found


@pytest.mark.parametrize("page", PAGES)
def test_formulas_follow_the_notation(page: str) -> None:
    violations = check_notation((DOCS / page).read_text(encoding="utf-8"))
    assert not violations, f"{len(violations)} notation violations:\n" + "\n".join(f"{page}:{v}" for v in violations)


def test_figure_labels_follow_the_notation() -> None:
    source = (ROOT / "src" / "nnbook" / "plot.py").read_text(encoding="utf-8")
    assert not re.search(r"\\\\?(?:boldsymbol|mathbf)\b", source), "plot.py: a bold label; write vectors plain"


def test_planted_notation_violations_are_caught() -> None:
    text = ("重み付き和は $a = \\boldsymbol{w} \\cdot x + b$ です。\n\n"
            "$$\np_k = \\frac{e^{y_k}}{\\sum_{j=1}^{C} e^{y_j}}\n$$\n\n"
            "`\\boldsymbol{x}` はコードの中です。$\\sum_{j=0}^{C-1} p_j = 1$、$\\sum_{i=1}^{n}$ です。\n")
    assert names(check_notation(text)) == [("bold-vector", "\\boldsymbol"), ("class-index", "\\sum_{j=1}^{C}")]
    assert [v.line for v in check_notation(text)] == [1, 4]


# --- no page imports names only for type hints (issue 11: a listing runs after `import numpy as np`) ----

TYPE_HINT_IMPORT = re.compile(r"^\s*(?:from\s+(?:typing|numpy\.typing|collections\.abc)\s+import|import\s+typing)\b", re.M)


def type_hint_imports(text: str) -> list[int]:
    """Line numbers of imports, inside the page's Python blocks, that only type hints would need."""
    lines = []
    for block in re.finditer(r"^```(?:python|pycon)[^\n]*\n(.*?)^```", text, re.M | re.S):
        for hit in TYPE_HINT_IMPORT.finditer(block.group(1)):
            lines.append(text.count("\n", 0, block.start(1) + hit.start()) + 1)
    return lines


@pytest.mark.parametrize("page", PAGES)
def test_no_page_imports_for_type_hints(page: str) -> None:
    lines = type_hint_imports((DOCS / page).read_text(encoding="utf-8"))
    assert not lines, f"{page}: a code block imports for type hints at line(s) {lines}; the listings need none"


def test_planted_type_hint_import_is_caught() -> None:
    text = "Text.\n\n```python\nfrom typing import Any\n\nimport numpy as np\nfrom numpy.typing import ArrayLike\n```\n\n`from typing import Any` in prose is fine.\n"
    assert type_hint_imports(text) == [4, 7]

"""hooks/math_nobreak.py: inline math and the punctuation touching it are wrapped in one no-break span."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("nnbook_hook_math_nobreak", ROOT / "hooks" / "math_nobreak.py")
hook = importlib.util.module_from_spec(spec)
spec.loader.exec_module(hook)
join = hook.join_math_punctuation

X = '<span class="arithmatex">\\(x\\)</span>'
Y = '<span class="arithmatex">\\(y &lt; 0\\)</span>'


def nobr(inner: str) -> str:
    return f'<span class="nn-nobr">{inner}</span>'


def test_closing_quote_and_full_stop_join_the_formula():
    assert join(f'change in {X}".') == "change in " + nobr(X + '".')
    assert join(f"change in {X}&rdquo;.") == f"change in {nobr(X + '&rdquo;.')}"


def test_semicolon_comma_and_japanese_punctuation():
    assert join(f"uses {Y}; for") == f"uses {nobr(Y + ';')} for"
    assert join(f"{X}、{Y} と") == f"{nobr(X + '、')}{Y} と"
    assert join(f"積は {X}。") == f"積は {nobr(X + '。')}"
    assert join(f"({X})と") == f"{nobr('(' + X + ')')}と"
    assert join(f"「{X}」") == nobr(f"「{X}」")


def test_math_with_a_space_or_a_letter_after_it_is_left_alone():
    assert join(f"{X} and {Y} is") == f"{X} and {Y} is"
    assert join(f"{X}s") == f"{X}s"


def test_code_blocks_and_display_math_are_untouched():
    pre = f'<pre><code>{X},</code></pre>'
    assert join(pre) == pre
    display = '<div class="arithmatex">\\[x\\]</div>.'
    assert join(display) == display


def test_two_formulas_in_a_row_are_joined_separately():
    assert join(f"{X}, {Y}.") == f"{nobr(X + ',')} {nobr(Y + '.')}"


def test_a_long_formula_stays_breakable_and_is_not_joined():
    long = '<span class="arithmatex">\\((0.1^2 + 0.2^2 + 0.4^2 + 0.4^2)/4 = 0.37/4 = 0.0925\\)</span>'
    assert join(f"{long}.") == f"{long}."
    assert hook.visible_length(r"n_{\mathrm{in}} \times n_{\mathrm{out}}") == 8
    assert hook.visible_length(r"\sigma(x) = 1/(1 + z)") == 12
    assert hook.visible_length(r"x &lt; 0") == 3

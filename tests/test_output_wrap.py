"""hooks/output_wrap.py: shown output that reads as sentences wraps; output set in columns scrolls."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("nnbook_hook_output_wrap", ROOT / "hooks" / "output_wrap.py")
hook = importlib.util.module_from_spec(spec)
spec.loader.exec_module(hook)
TAG = re.compile(r"<[^>]+>")


def block(text: str) -> str:
    """A shown-output block as pymdownx renders ```{.text .output} (with line anchors)."""
    lines = "".join(f'<a id="__codelineno-3-{k}" name="__codelineno-3-{k}" href="#__codelineno-3-{k}"></a>{line}\n'
                    for k, line in enumerate(text.split("\n"), 1))
    return f'<div class="output highlight"><pre><span></span><code>{lines}</code></pre></div>'


def test_an_error_message_and_a_traceback_wrap():
    message = "ValueError: Affine.forward: x must have shape (N, 2) or (2,) for W of shape (2, 3), got (2, 4)"
    assert 'class="output nn-wrap highlight"' in hook.mark(block(message))
    traceback = 'Traceback (most recent call last):\n  File "&lt;stdin&gt;", line 1, in &lt;module&gt;\nZeroDivisionError: division by zero'
    assert 'nn-wrap' in hook.mark(block(traceback))  # indentation is not a column
    assert 'nn-wrap' in hook.mark(block("dW の形が (2, 3) です。(3, 2) になるはずです"))


def test_columns_keep_their_lines():
    assert 'nn-wrap' not in hook.mark(block("[[0.1966 0.25   0.105 ]]"))
    assert 'nn-wrap' not in hook.mark(block("epoch  2000  loss 0.347225\nepoch     1  loss 0.693147"))
    # one aligned line is enough: the block is a table
    assert 'nn-wrap' not in hook.mark(block("solved 42 of 50\n 2   42/50   146.5"))


def test_only_shown_output_is_touched_and_each_block_on_its_own():
    code = '<div class="language-python highlight"><pre><span></span><code>print("a long line of code")\n</code></pre></div>'
    page = code + block("x  y") + block("a sentence") + code
    out = hook.mark(page)
    assert out.count(code) == 2
    assert out.count('class="output highlight"') == 1 and out.count('class="output nn-wrap highlight"') == 1
    assert out.index('class="output highlight"') < out.index("nn-wrap")
    assert TAG.sub("", out) == TAG.sub("", page)  # the text itself is unchanged


def test_each_line_of_a_wrapped_block_is_one_span_after_its_anchor():
    out = hook.mark(block("Traceback (most recent call last):\n  ...\nValueError: x &lt; 0"))
    assert out.count('<span class="nn-line">') == 3
    assert '</a><span class="nn-line">  ...</span>\n' in out  # the indentation stays in the line
    assert '<span class="nn-line">ValueError: x &lt; 0</span>' in out
    assert "nn-line" not in hook.mark(block("x  y\nz"))  # columns: nothing to wrap

"""hooks/search_scope.py writes typographic apostrophes straight in the search index (its point 3)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("nnbook_hook_search_scope", ROOT / "hooks" / "search_scope.py")
hook = importlib.util.module_from_spec(spec)
spec.loader.exec_module(hook)


def test_apostrophes_in_title_and_text_are_written_straight_and_quotes_kept():
    doc = {"location": "x/", "title": "Each layer’s pass", "text": "<p>You can’t “see” ‘it’.</p>"}
    assert hook.straight_apostrophes(doc) == {
        "location": "x/", "title": "Each layer's pass", "text": "<p>You can't “see” 'it'.</p>"}

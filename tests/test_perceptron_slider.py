"""Chapter 2's slider widget (docs/{ja,en}/02-perceptron.md, assets/javascripts/perceptron-slider.js) is
set up from the package: its AND / OR / NAND buttons carry nnbook.GATE_PARAMS, and its sliders can reach
them. (tests/test_browser_slider.py checks what the widget computes, in a browser.)"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from nnbook import GATE_PARAMS

ROOT = Path(__file__).resolve().parent.parent
PAGE = "02-perceptron.md"


class _Widget(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.buttons: list[dict] = []
        self.sliders: list[dict] = []
        self.widgets = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("class") == "nn-slider":
            self.widgets += 1
        elif tag == "button" and "data-gate" in a:
            self.buttons.append(a)
        elif tag == "input" and "data-param" in a:
            self.sliders.append(a)


def widget(lang: str) -> _Widget:
    parser = _Widget()
    parser.feed((ROOT / "docs" / lang / PAGE).read_text(encoding="utf-8"))
    assert parser.widgets == 1, f"docs/{lang}/{PAGE}: expected one slider widget, found {parser.widgets}"
    return parser


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_presets_are_the_packages_gate_params(lang):
    presets = {b["data-gate"]: ((float(b["data-w1"]), float(b["data-w2"])), float(b["data-b"]))
               for b in widget(lang).buttons}
    assert presets == GATE_PARAMS, f"docs/{lang}/{PAGE}: the widget's buttons differ from nnbook.GATE_PARAMS"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_sliders_reach_every_preset(lang):
    w = widget(lang)
    sliders = {s["data-param"]: s for s in w.sliders}
    assert sorted(sliders) == ["b", "w1", "w2"]
    for name, s in sliders.items():
        lo, hi, step = float(s["min"]), float(s["max"]), float(s["step"])
        assert step == 0.1, "the script counts in tenths"
        for b in w.buttons + [s]:
            value = float(b.get(f"data-{name}", s.get("value")))
            assert lo <= value <= hi and abs(value * 10 - round(value * 10)) < 1e-9, (name, value)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_notebook_links_to_the_widget_instead_of_copying_it(lang):
    """The widget needs the site's script: the chapter's notebook (tests/nnbook_notebooks.py) links to it."""
    import nnbook_notebooks as nbgen

    source = nbgen.render(ROOT / "docs" / lang / PAGE, lang)
    assert "nn-slider" not in source and "data-param" not in source
    assert f'{nbgen.settings().site_url}{"" if lang == "ja" else "en/"}02-perceptron/#decision-boundary' in source

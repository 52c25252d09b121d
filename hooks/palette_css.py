"""MkDocs hook: Material's palette no longer restyles the whole page twice on every page load.

When Material's script starts, its palette component sets ``data-md-color-switching`` on ``<body>``, reads
the header's computed style, and removes the attribute again in the next task. Its palette CSS has
``[data-md-color-switching] *, ... :before, ... :after {transition-duration: 0s !important}`` (no colour
fades while the scheme changes), so setting and removing the attribute each invalidates the style of every
element: on chapter 10 (9,000 elements) two full style recalculations, one of them forced inside the
script's first task (a Chromium trace at 4x CPU: 420 ms of the page's blocking time, then 150 ms).
The rule is removed from the built palette CSS; switching light/dark then fades the colours Material
animates (0.25 s) instead of changing them at once. A Material release whose CSS no longer has the rule
is a warning (``--strict`` fails), so this is looked at again rather than silently doing nothing.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.plugins import event_priority

log = logging.getLogger("mkdocs.hooks.palette_css")

RULE = "[data-md-color-switching] *,[data-md-color-switching] :after,[data-md-color-switching] :before{transition-duration:0s!important}"


def drop_switching_rule(css: str) -> str | None:
    """``css`` without Material's switching rule; None if the rule is not there."""
    return css.replace(RULE, "") if RULE in css else None


@event_priority(-200)  # after mkdocs-static-i18n (-100) has built every language into the site folder
def on_post_build(config) -> None:
    i18n = config.plugins.get("i18n")
    if i18n is not None and getattr(i18n, "building", False):
        return  # a nested language build: the assets are final after it
    files = sorted(Path(config.site_dir).glob("assets/stylesheets/palette.*.min.css"))
    if not files:
        log.warning("hooks/palette_css.py: no assets/stylesheets/palette.*.min.css in the built site")
    for path in files:
        css = drop_switching_rule(path.read_text(encoding="utf-8"))
        if css is None:
            log.warning("hooks/palette_css.py: %s has no rule %s (Material changed?)", path.name, RULE)
        else:
            path.write_text(css, encoding="utf-8")

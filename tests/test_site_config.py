"""The strict build refuses what readers would meet as a dead end: mkdocs.yml's ``validation`` block,
applied to a two-page site, fails on a link to a heading ID that does not exist."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


class _IgnoreTags(yaml.SafeLoader):
    pass


_IgnoreTags.add_multi_constructor("!", lambda loader, suffix, node: None)  # !ENV, !!python/name: not needed here


def _build(tmp_path: Path, link: str) -> subprocess.CompletedProcess:
    validation = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_IgnoreTags)["validation"]
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(f"# Home\n\nSee [the other page]({link}).\n", encoding="utf-8")
    (docs / "other.md").write_text("# Other\n\n## A heading { #real-id }\n\nText.\n", encoding="utf-8")
    config = {"site_name": "t", "docs_dir": "docs", "nav": ["index.md", "other.md"], "validation": validation,
              "markdown_extensions": ["attr_list"]}
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env)


def test_a_link_to_a_missing_heading_id_fails_the_strict_build(tmp_path):
    done = _build(tmp_path, "other.md#no-such-id")
    assert done.returncode != 0
    assert "no-such-id" in done.stderr


def test_a_link_to_a_real_heading_id_passes(tmp_path):
    done = _build(tmp_path, "other.md#real-id")
    assert done.returncode == 0, done.stderr

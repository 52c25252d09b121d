"""How heavy is each listing the book shows? (issue 11: Affine forward+backward <= 14 code lines, others <= 20)

Finds every ``--8<-- "src/nnbook/<file>.py:<section>"`` include in the pages (docs/ja, docs/en), cuts
the section out of the source, and counts its code lines: docstrings, comments and blank lines are not
counted. Also lists the names a listing uses that are not defined in the section itself and are not
NumPy (``np``) or Python builtins: helpers a reader would have to import or would not find.

    python benchmarks/listing_sizes.py
"""

from __future__ import annotations

import ast
import builtins
import io
import re
import sys
import textwrap
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INCLUDE = re.compile(r'--8<-- "(src/nnbook/[\w/]+\.py):([\w-]+)"')
MARKER = re.compile(r"#\s*--8<--\s*\[(start|end):([\w-]+)\]")


def section(path: Path, name: str) -> str:
    lines, inside = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        m = MARKER.search(line)
        if m:
            if m.group(2) == name:
                inside = m.group(1) == "start"
            continue
        if inside:
            lines.append(line)
    return textwrap.dedent("\n".join(lines))


def code_lines(src: str) -> int:
    """Lines holding at least one token that is not a comment, a docstring or layout."""
    docstrings = set()
    tree = ast.parse(src)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) and isinstance(body[0].value.value, str):
            docstrings.update(range(body[0].lineno, body[0].end_lineno + 1))
    counted = set()
    for tok in tokenize.generate_tokens(io.StringIO(src).readline):
        if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
            continue
        for line in range(tok.start[0], tok.end[0] + 1):
            if line not in docstrings:
                counted.add(line)
    return len(counted)


def outside_names(src: str) -> list[str]:
    tree = ast.parse(src)
    defined = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    defined |= {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    defined |= {a.arg for n in ast.walk(tree) if isinstance(n, ast.arguments) for a in n.args + n.kwonlyargs}
    defined |= {n.name for n in ast.walk(tree) if isinstance(n, ast.ExceptHandler) and n.name}
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return sorted(used - defined - set(dir(builtins)) - {"np", "self", "cls"})


def main() -> int:
    seen: dict[tuple[str, str], list[str]] = {}
    for page in sorted((ROOT / "docs").glob("*/*.md")):
        for m in INCLUDE.finditer(page.read_text(encoding="utf-8")):
            seen.setdefault((m.group(1), m.group(2)), []).append(f"{page.parent.name}/{page.stem}")
    print(f"{'listing':45} {'code lines':>10}  names from outside the listing")
    for (file, name), pages in sorted(seen.items()):
        src = section(ROOT / file, name)
        print(f"{file.removeprefix('src/nnbook/') + ':' + name:45} {code_lines(src):>10}  {', '.join(outside_names(src)) or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

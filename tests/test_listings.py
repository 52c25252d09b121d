"""The listings the pages include read as their idea (issue 11): short, plain NumPy, runnable on their own.

Every ``--8<-- "src/nnbook/...:section"`` that a page includes is measured with the same counting as
``benchmarks/listing_sizes.py`` (docstrings, comments and blank lines are not code lines). The one
exception is ``checks.py:checked-forward``: chapter 6 shows it as the package's checking code.
"""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("listing_sizes", ROOT / "benchmarks" / "listing_sizes.py")
sizes = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sizes)

CHECKS_LISTING = ("src/nnbook/checks.py", "checked-forward")
INCLUDED = sorted(
    {(m.group(1), m.group(2)) for page in (ROOT / "docs").glob("*/*.md")
     for m in sizes.INCLUDE.finditer(page.read_text(encoding="utf-8"))} - {CHECKS_LISTING}
)
# Names a listing may use from outside itself: other listings of the book, and result containers.
PUBLIC = {"sigmoid", "step", "Perceptron", "PerceptronTraining", "GATE_PARAMS", "AND", "OR", "NAND", "History",
          "batches", "Digits", "sklearn_load_digits"}


def test_the_pages_include_listings():
    assert len(INCLUDED) >= 15


@pytest.mark.parametrize("file,name", INCLUDED, ids=[f"{f.split('/')[-1]}:{n}" for f, n in INCLUDED])
def test_each_listing_is_short_and_plain(file, name):
    src = sizes.section(ROOT / file, name)
    assert sizes.code_lines(src) <= 20, f"{name}: {sizes.code_lines(src)} code lines (limit 20)"
    tree = ast.parse(src)
    private = sorted({n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id.startswith("_")
                      and n.id != "_" and not n.id.startswith("__")}
                     | {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr.startswith("_")
                        and not n.attr.startswith("__")})
    assert not private, f"{name} uses private names {private}"
    assert "errstate" not in src and "ArrayLike" not in src and "typing" not in src, name
    imports = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert all(isinstance(n, ast.ImportFrom) and n.module == "sklearn.datasets" for n in imports), name
    assert set(sizes.outside_names(src)) <= PUBLIC, f"{name} needs {set(sizes.outside_names(src)) - PUBLIC}"


def test_affine_forward_and_backward_together_are_at_most_14_code_lines():
    n = sum(sizes.code_lines(sizes.section(ROOT / "src/nnbook/layers.py", s)) for s in ("affine-forward", "affine-backward"))
    assert n <= 14, n


def test_the_listings_run_in_a_fresh_python_with_only_numpy():
    """Copied in the book's order into one fresh interpreter after ``import numpy as np``, every listing
    defines, and the plain copies compute what the package computes."""
    order = ["activations.py:step", "activations.py:sigmoid", "activations.py:relu", "activations.py:sigmoid-layer",
             "activations.py:relu-layer", "perceptron.py:perceptron", "perceptron.py:gate-params", "perceptron.py:gates",
             "perceptron.py:xor", "losses.py:mse-loss", "losses.py:bce-loss", "losses.py:softmax",
             "losses.py:softmax-cross-entropy-loss", "gradcheck.py:numerical-gradient"]
    code = ["import numpy as np"]
    for item in order:
        file, name = item.split(":")
        code.append(sizes.section(ROOT / "src/nnbook" / file, name))
    code.append(sizes.section(ROOT / "src/nnbook/layers.py", "affine-forward") + "\n" + textwrap.indent(
        sizes.section(ROOT / "src/nnbook/layers.py", "affine-backward"), "    "))
    code.append(textwrap.dedent("""
        x = np.array([[1.0, -2.0], [0.5, 3.0]])
        layer, act = Affine(np.array([[1.0, 2.0], [3.0, -1.0]]), np.array([0.1, -0.2])), Sigmoid()
        y = act.forward(layer.forward(x))
        loss = BCELoss()
        L = loss.forward(y, np.array([[1.0, 0.0], [0.0, 1.0]]))
        layer.backward(act.backward(loss.backward()))
        print(round(float(L), 6), layer.dW.round(6).tolist(), XOR(1, 0), XOR(1, 1))
    """))
    done = subprocess.run([sys.executable, "-c", "\n\n".join(code)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr

    import numpy as np

    from nnbook import XOR, Affine, BCELoss, Sigmoid

    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    layer, act = Affine(np.array([[1.0, 2.0], [3.0, -1.0]]), np.array([0.1, -0.2])), Sigmoid()
    y = act.forward(layer.forward(x))
    loss = BCELoss()
    L = loss.forward(y, np.array([[1.0, 0.0], [0.0, 1.0]]))
    layer.backward(act.backward(loss.backward()))
    assert done.stdout.strip() == f"{round(float(L), 6)} {layer.dW.round(6).tolist()} {XOR(1, 0)} {XOR(1, 1)}"


def test_the_numbers_the_bce_listing_writes_are_the_packages_constants():
    from nnbook.losses import BCE_GRAD_EPS, LOG_CLAMP

    src = sizes.section(ROOT / "src/nnbook/losses.py", "bce-loss")
    assert f"np.maximum(np.log(y), {LOG_CLAMP})" in src and f"np.maximum(np.log1p(-y), {LOG_CLAMP})" in src
    assert f"np.maximum(y * (1 - y), {BCE_GRAD_EPS})" in src


@pytest.mark.parametrize("file,name", INCLUDED + [CHECKS_LISTING], ids=[f"{f.split('/')[-1]}:{n}" for f, n in INCLUDED + [CHECKS_LISTING]])
def test_listing_lines_fit_the_page(file, name):
    """At most 88 characters, as shown (dedented): nothing scrolls sideways at 1280 px."""
    long = [line for line in sizes.section(ROOT / file, name).splitlines() if len(line) > 88]
    assert not long, long

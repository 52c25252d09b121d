"""The package as a whole: public names, snippet sections the chapters include, dependency direction."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

import nnbook

SRC = Path(nnbook.__file__).parent

# the sections the chapters include with --8<-- "src/nnbook/<module>.py:<name>"
SECTIONS = {
    "activations.py": ["step", "sigmoid", "relu", "sigmoid-layer", "relu-layer"],
    "perceptron.py": ["perceptron", "gate-params", "gates", "xor", "perceptron-learning-rule"],
    "layers.py": ["affine-forward", "affine-backward"],
    "losses.py": ["mse-loss", "bce-loss"],
    "network.py": ["network-forward", "network-backward", "make-mlp"],
    "optim.py": ["sgd"],
    "train.py": ["train-loop"],
    "gradcheck.py": ["numerical-gradient", "check-gradients"],
    "checks.py": ["checked-forward"],
}
MARKER = re.compile(r"^\s*# --8<-- \[(start|end):([^\]]+)\]\s*$")


def sections_of(path: Path) -> dict[str, list[str]]:
    """Every named section of a file with its lines; checks that markers pair up and do not nest."""
    found: dict[str, list[str]] = {}
    open_name = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        m = MARKER.match(line)
        if m is None:
            if open_name is not None:
                found[open_name].append(line)
            continue
        kind, name = m.groups()
        assert name == name.lower(), f"{path.name}:{number}: section names are lowercase"
        if kind == "start":
            assert open_name is None, f"{path.name}:{number}: section {name!r} starts inside {open_name!r}"
            assert name not in found, f"{path.name}:{number}: section {name!r} appears twice"
            open_name, found[name] = name, []
        else:
            assert open_name == name, f"{path.name}:{number}: end of {name!r} but {open_name!r} is open"
            open_name = None
    assert open_name is None, f"{path.name}: section {open_name!r} never ends"
    return found


@pytest.mark.parametrize("module", sorted(SECTIONS))
def test_every_section_the_chapters_use_exists_and_is_short(module):
    found = sections_of(SRC / module)
    for name in SECTIONS[module]:
        assert name in found, f"{module}: missing section {name!r}"
        assert 3 <= len(found[name]) <= 45, f"{module}:{name} has {len(found[name])} lines"


def test_all_module_markers_are_well_formed():
    for path in sorted(SRC.glob("*.py")):
        sections_of(path)


def test_every_public_name_is_importable_from_the_package():
    for name in nnbook.__all__:
        assert hasattr(nnbook, name), name
    for name in ["step", "sigmoid", "relu", "tanh", "Sigmoid", "ReLU", "Tanh", "Perceptron", "AND", "OR", "NAND",
                 "XOR", "GATE_PARAMS", "train_perceptron", "PerceptronTraining", "Affine", "MSELoss", "BCELoss",
                 "Network", "make_mlp", "SGD", "train", "History", "outputs_within", "train_xor", "sweep_xor",
                 "numerical_gradient", "check_gradients", "truth_table"]:  # fmt: skip
        assert name in nnbook.__all__, name


CORE = ["activations.py", "layers.py", "losses.py", "perceptron.py", "datasets.py"]


@pytest.mark.parametrize("module", CORE)
def test_numeric_core_imports_only_numpy_and_the_core(module):
    tree = ast.parse((SRC / module).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            imported.add(node.module)
    allowed = {"__future__", "numpy", "numpy.typing", "typing", "dataclasses", "collections.abc", "numbers",
               "nnbook._checks", "nnbook.checks", "nnbook.activations", "sklearn.datasets"}  # fmt: skip
    assert imported <= allowed, imported - allowed


def test_importing_nnbook_does_not_import_matplotlib_or_the_cli():
    code = "import sys, nnbook; print('matplotlib' in sys.modules, 'nnbook.cli' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


DOCTESTED = ["activations", "perceptron", "layers", "losses", "network", "optim", "train", "gradcheck", "datasets", "yours"]


@pytest.mark.parametrize("module", DOCTESTED)
def test_docstring_examples_are_true(module):
    import doctest
    import importlib

    mod = importlib.import_module(f"nnbook.{module}")
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted >= 1  # every listed module shows at least one example

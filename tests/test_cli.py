"""The command line: gates, xor (one run, sweep, JSON), progress output and one-line errors."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from nnbook import XOR_RECIPE, train_xor
from nnbook.cli import main


def run(*argv: str, tty: bool = False) -> str:
    out = TTYBuffer() if tty else io.StringIO()
    assert main(list(argv), out=out) == 0
    return out.getvalue()


class TTYBuffer(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_gates_prints_the_four_truth_tables():
    lines = run("gates").splitlines()
    assert lines[0].split() == ["x1", "x2", "|", "AND", "OR", "NAND", "XOR"]
    rows = [line.replace("|", "").split() for line in lines[2:]]
    assert rows == [
        ["0", "0", "0", "0", "1", "0"],
        ["1", "0", "0", "1", "1", "1"],
        ["0", "1", "0", "1", "1", "1"],
        ["1", "1", "1", "1", "0", "0"],
    ]


def test_xor_default_run_solves_and_prints_predictions():
    text = run("xor")
    expected = train_xor(seed=0)
    assert f"solved after {expected.epochs} epochs" in text
    assert "x1  x2  target  output" in text
    for y in expected.predictions:
        assert f"{y:6.3f}" in text
    assert f"final loss {expected.loss:.6f} (bce, after the last update)" in text
    # progress when piped: epoch 1, every 100th epoch, and the last epoch
    progress = [line for line in text.splitlines() if line.startswith("epoch")]
    assert progress[0].startswith("epoch    1  loss")
    assert progress[-1].startswith(f"epoch  {expected.epochs:3d}  loss")
    assert "\r" not in text


def test_progress_on_a_terminal_rewrites_one_line():
    text = run("xor", "--epochs", "30", tty=True)
    assert "\repoch  1  loss" in text and "\repoch 30  loss" in text
    assert text.count("\n") < 20


def test_every_and_quiet():
    text = run("xor", "--epochs", "50", "--every", "10")
    assert [line.split()[1] for line in text.splitlines() if line.startswith("epoch")] == ["1", "10", "20", "30", "40", "50"]
    assert "epoch" not in run("xor", "--quiet").replace("epochs", "")


def test_options_change_the_recipe():
    text = run("xor", "--hidden", "3", "--activation", "tanh", "--loss", "mse", "--lr", "0.2", "--momentum", "0",
               "--epochs", "10", "--seed", "4", "--quiet")  # fmt: skip
    assert "NOT solved within 10 epochs" in text
    header = run("xor", "--hidden", "3", "--activation", "relu", "--epochs", "1").splitlines()[0]
    assert header.startswith("XOR: 2-3-1 MLP (relu hidden, sigmoid output)")


def test_json_single_run():
    data = json.loads(run("xor", "--json", "--seed", "2"))
    expected = train_xor(seed=2)
    assert data["solved"] is True and data["epochs"] == expected.epochs
    assert data["loss"] == expected.loss and data["predictions"] == expected.predictions.tolist()
    assert data["recipe"] == XOR_RECIPE


def test_sweep_table_and_json():
    text = run("xor", "--seeds", "4")
    assert "seeds 0..3" in text
    assert "runs                        4" in text and "solved                      4 (100%)" in text
    assert "stuck seeds                 none" in text
    data = json.loads(run("xor", "--seeds", "4", "--json"))
    assert data["runs"] == 4 and data["solved"] == 4 and data["stuck_seeds"] == []
    assert data["median_epochs"] > 0 and len(data["results"]) == 4


def test_sweep_lists_stuck_seeds_with_their_outputs():
    text = run("xor", "--seeds", "2", "--hidden", "2", "--epochs", "2")
    assert "stuck seeds                 0, 1" in text
    assert "epochs to solve: median     -" in text
    assert "  seed 0  loss" in text and "  seed 1  loss" in text


@pytest.mark.parametrize(
    "argv, message",
    [
        (["xor", "--hidden", "-1"], "argument --hidden: expected an integer >= 1, got '-1'"),
        (["xor", "--hidden", "two"], "argument --hidden: expected an integer >= 1, got 'two'"),
        (["xor", "--lr", "0"], "argument --lr: expected a number > 0, got '0'"),
        (["xor", "--lr", "nan"], "argument --lr: expected a finite number, got 'nan'"),
        (["xor", "--momentum", "1"], "argument --momentum: expected a number in [0, 1), got '1'"),
        (["xor", "--epochs", "0"], "argument --epochs: expected an integer >= 1, got '0'"),
        (["xor", "--seeds", "0"], "argument --seeds: expected an integer >= 1, got '0'"),
        (["xor", "--seed", "-2"], "argument --seed: expected an integer >= 0, got '-2'"),
        (["xor", "--tol", "0.5"], "argument --tol: expected a number in (0, 0.5), got '0.5'"),
        (["xor", "--loss", "hinge"], "argument --loss: invalid choice: 'hinge'"),
        (["xor", "--bogus"], "unrecognized arguments: --bogus"),
        (["xor", "--seed", "1", "--seeds", "5"], "argument --seeds: not allowed with argument --seed"),
        ([], "the following arguments are required"),
    ],
)
def test_bad_values_give_one_line_and_exit_code_2(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv, out=io.StringIO())
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and err.startswith("nnbook")


def test_divergence_is_exit_code_1_with_one_line(capsys, monkeypatch):
    def diverge(*args, **kwargs):
        raise FloatingPointError("train: the numbers diverged at epoch 7: ...")

    monkeypatch.setattr("nnbook.cli.train_xor", diverge)
    assert main(["xor", "--quiet"], out=io.StringIO()) == 1
    assert capsys.readouterr().err == "nnbook xor: error: train: the numbers diverged at epoch 7: ...\n"


def test_python_dash_m_nnbook():
    result = subprocess.run([sys.executable, "-m", "nnbook", "gates"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "NAND" in result.stdout
    result = subprocess.run([sys.executable, "-m", "nnbook", "xor", "--hidden", "-1"], capture_output=True, text=True)
    assert result.returncode == 2 and result.stderr.count("\n") == 1


def test_a_real_divergence_is_one_line_with_its_epoch(capsys):
    code = main(["xor", "--lr", "1e300", "--activation", "relu", "--loss", "mse", "--quiet"], out=io.StringIO())
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1
    assert err.startswith("nnbook xor: error: train: the numbers diverged at epoch 1: Network.forward: layers[2] (Affine)")


def test_module_run_ends_with_one_line_when_stdout_is_full_or_closed():
    import subprocess as _sp
    import sys as _sys

    for redirect in ("> /dev/full", ">&-"):
        done = _sp.run(f"'{_sys.executable}' -m nnbook gates {redirect}", shell=True, capture_output=True, text=True)
        assert done.returncode == 1, (redirect, done.stderr)
        assert "Traceback" not in done.stderr
        assert done.stderr.strip().startswith("nnbook: error:"), done.stderr
        assert len(done.stderr.strip().splitlines()) == 1


def test_saturated_wrong_outputs_are_reported_as_divergence(capsys):
    # lr 1e300 drives every output to exactly 0 or 1 within a few steps; two are exactly wrong,
    # their gradient is exactly 0, and the loss sits at BCE's clamp (50 = mean of 100, 0, 0, 100).
    assert main(["xor", "--lr", "1e300", "--loss", "bce", "--quiet"], out=io.StringIO()) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "training diverged: 2 of 4 outputs are stuck" in err
    assert main(["xor", "--quiet"], out=io.StringIO()) == 0  # the default recipe solves XOR: exit 0


CTRL_C_WHILE_NUMPY_LOADS = """
import os, signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)  # as from a terminal, whatever the test's parent ignores
class CtrlC:  # presses Ctrl-C the moment NumPy starts to load
    def find_spec(self, name, path, target=None):
        if name == "numpy":
            os.kill(os.getpid(), signal.SIGINT)
        return None
sys.meta_path.insert(0, CtrlC())
sys.argv = ["nnbook", "gates"]
{start}
"""


def test_ctrl_c_while_numpy_is_imported_is_one_line_and_exit_130():
    start = "import nnbook_entry; sys.exit(nnbook_entry.main())"  # what the console command runs
    done = subprocess.run([sys.executable, "-c", CTRL_C_WHILE_NUMPY_LOADS.format(start=start)],
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr.strip(), done.stdout) == (130, "nnbook: interrupted", "")
    # the same Ctrl-C with the entry inside the package ends in a traceback: the guard is what helps
    unguarded = "from nnbook.__main__ import _run; sys.exit(_run())"
    done = subprocess.run([sys.executable, "-c", CTRL_C_WHILE_NUMPY_LOADS.format(start=unguarded)],
                          capture_output=True, text=True, timeout=60)
    assert "KeyboardInterrupt" in done.stderr

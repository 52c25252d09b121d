"""The command line: ``python -m nnbook gates`` and ``python -m nnbook xor [...]`` (also ``nnbook ...``).

``gates`` prints the truth tables of the hand-wired gates. ``xor`` trains a small MLP on XOR with the
book's default recipe (``nnbook.train.XOR_RECIPE``, every option overrides one ingredient), shows
the loss while it trains, then the predictions; with ``--seeds N`` it trains seeds 0..N-1 and prints
how many solved XOR. ``--json`` prints one JSON object instead of tables.

Bad option values get a one-line error and exit code 2; a run whose numbers diverge exits with 1.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn, TextIO

from nnbook._checks import NonFiniteError
from nnbook.datasets import INPUTS, truth_table
from nnbook.network import ACTIVATIONS
from nnbook.perceptron import AND, NAND, OR, XOR
from nnbook.train import LOSSES, XOR_RECIPE, XORRun, XORSweep, sweep_xor, train_xor, xor_recipe


# ---------------------------------------------------------------------------------------------
# Option types: each turns the text of an option into a value or explains what was wrong
# ---------------------------------------------------------------------------------------------


def _integer(text: str, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= {minimum}, got {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"expected an integer >= {minimum}, got {text!r}")
    return value


def positive_int(text: str) -> int:
    """An integer >= 1 (hidden units, epochs, number of seeds)."""
    return _integer(text, 1)


def non_negative_int(text: str) -> int:
    """An integer >= 0 (a seed)."""
    return _integer(text, 0)


def _real(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def positive_float(text: str) -> float:
    """A finite number > 0 (the learning rate)."""
    value = _real(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}")
    return value


def momentum_value(text: str) -> float:
    """A number in [0, 1)."""
    value = _real(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1), got {text!r}")
    return value


def tolerance(text: str) -> float:
    """A number in (0, 0.5): how close every output must come to its 0/1 target."""
    value = _real(text)
    if not 0 < value < 0.5:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 0.5), got {text!r}")
    return value


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line (``prog: error: ...``) with exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="nnbook", description="Fully-Connected Layers from Scratch: the book's experiments.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="{gates,xor}")
    commands.add_parser("gates", help="print the truth tables of AND, OR, NAND and XOR built from perceptrons")

    r = XOR_RECIPE
    xor = commands.add_parser(
        "xor",
        help="train an MLP on XOR",
        description="Train a 2-H-1 MLP on XOR. Every option overrides one ingredient of the default recipe.",
    )
    xor.add_argument("--hidden", type=positive_int, default=r["hidden"], help="hidden units H (default %(default)s)")
    xor.add_argument("--activation", choices=sorted(k for k in ACTIVATIONS if k != "identity"),
                     default=r["activation"], help="hidden activation (default %(default)s)")  # fmt: skip
    xor.add_argument("--loss", choices=sorted(LOSSES), default=r["loss"], help="loss function (default %(default)s)")
    xor.add_argument("--lr", type=positive_float, default=r["lr"], help="learning rate (default %(default)s)")
    xor.add_argument("--momentum", type=momentum_value, default=r["momentum"], help="momentum (default %(default)s)")
    xor.add_argument("--epochs", type=positive_int, default=r["epochs"], help="epoch budget (default %(default)s)")
    xor.add_argument("--init", choices=["he", "xavier"], default=None,
                     help="weight init (default: he for relu, xavier otherwise)")  # fmt: skip
    xor.add_argument("--tol", type=tolerance, default=r["tol"],
                     help="solved = every output within TOL of its target (default %(default)s)")  # fmt: skip
    which = xor.add_mutually_exclusive_group()
    which.add_argument("--seed", type=non_negative_int, default=0, help="seed of the initial weights (default 0)")
    which.add_argument("--seeds", type=positive_int, metavar="N", help="train seeds 0..N-1 and print a summary")
    xor.add_argument("--every", type=positive_int, default=100, metavar="K",
                     help="when output is not a terminal, print the loss every K epochs (default %(default)s)")  # fmt: skip
    xor.add_argument("--quiet", action="store_true", help="no progress output")
    xor.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    return parser


# ---------------------------------------------------------------------------------------------
# nnbook gates
# ---------------------------------------------------------------------------------------------


def gates_table() -> str:
    """The truth tables of the four gates, one row per input pair."""
    lines = [" x1  x2 | AND  OR  NAND  XOR", "--------+--------------------"]
    for x1, x2 in INPUTS:
        outs = AND(x1, x2), OR(x1, x2), NAND(x1, x2), XOR(x1, x2)
        lines.append(f"{x1:3d} {x2:3d} | {outs[0]:3d} {outs[1]:3d} {outs[2]:5d} {outs[3]:4d}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# nnbook xor
# ---------------------------------------------------------------------------------------------


def recipe_from(args: argparse.Namespace) -> dict[str, object]:
    return xor_recipe(**{key: getattr(args, key) for key in XOR_RECIPE})


def describe(recipe: dict[str, object]) -> str:
    return (
        f"2-{recipe['hidden']}-1 MLP ({recipe['activation']} hidden, sigmoid output), {recipe['loss']} loss, "
        f"SGD lr={recipe['lr']} momentum={recipe['momentum']}, {recipe['init']} init"
    )


def goal(recipe: dict[str, object]) -> str:
    return f"every output within {recipe['tol']} of its target, at most {recipe['epochs']} epochs"


class Progress:
    """Shows ``epoch, loss`` while training: one self-overwriting line on a terminal, or a line
    every ``every`` epochs otherwise (stable output for logs and pipes)."""

    def __init__(self, out: TextIO, epochs: int, every: int) -> None:
        self.out, self.every = out, every
        self.width = len(str(epochs))
        self.tty = out.isatty()
        self.last: tuple[int, float] | None = None

    def line(self, epoch: int, loss: float) -> str:
        return f"epoch {epoch:{self.width}d}  loss {loss:.6f}"

    def __call__(self, epoch: int, loss: float) -> None:
        self.last = (epoch, loss)
        if self.tty:
            if epoch == 1 or epoch % 10 == 0:
                self.out.write("\r" + self.line(epoch, loss))
                self.out.flush()
        elif epoch == 1 or epoch % self.every == 0:
            self.out.write(self.line(epoch, loss) + "\n")

    def finish(self) -> None:
        """Show the last epoch (if not shown yet) and end the line."""
        if self.last is None:
            return
        epoch, loss = self.last
        if self.tty:
            self.out.write("\r" + self.line(epoch, loss) + "\n")
        elif not (epoch == 1 or epoch % self.every == 0):
            self.out.write(self.line(epoch, loss) + "\n")


def predictions_table(run: XORRun) -> str:
    _, T = truth_table("xor")
    lines = [" x1  x2  target  output  |error|", "-------------------------------"]
    for (x1, x2), t, y in zip(INPUTS, T[:, 0], run.predictions):
        lines.append(f"{x1:3d} {x2:3d} {int(t):7d}  {y:6.3f}  {abs(y - t):7.3f}")
    return "\n".join(lines)


def run_report(run: XORRun) -> str:
    if run.solved:
        verdict = f"solved after {run.epochs} epochs"
    else:
        verdict = f"NOT solved within {run.epochs} epochs (some output is farther than {run.recipe['tol']} from its target)"
    return f"{verdict}\n\n{predictions_table(run)}\n\nfinal loss {run.loss:.6f} ({run.recipe['loss']}, after the last update)"


def _fmt_epochs(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def sweep_report(sweep: XORSweep) -> str:
    s = sweep.epoch_stats()
    percent = 100 * sweep.solved / sweep.runs
    stuck = sweep.stuck_seeds
    rows = [
        ("runs", f"{sweep.runs}"),
        ("solved", f"{sweep.solved} ({percent:.0f}%)"),
        ("epochs to solve: median", _fmt_epochs(s["median"])),
        ("epochs to solve: quartiles", f"{_fmt_epochs(s['q1'])} - {_fmt_epochs(s['q3'])}"),
        ("epochs to solve: min - max", f"{_fmt_epochs(s['min'])} - {_fmt_epochs(s['max'])}"),
        ("stuck seeds", ", ".join(map(str, stuck)) if stuck else "none"),
    ]
    width = max(len(name) for name, _ in rows)
    lines = [f"{name:<{width}}  {value}" for name, value in rows]
    if stuck:
        lines += [
            "",
            f"stuck runs, not solved within {sweep.recipe['epochs']} epochs "
            "(outputs for inputs 00, 10, 01, 11; targets 0, 1, 1, 0):",
        ]
        for run in sweep.results:
            if not run.solved:
                outs = " ".join(f"{y:.3f}" for y in run.predictions)
                lines.append(f"  seed {run.seed:>{len(str(sweep.seeds[-1]))}}  loss {run.loss:.4f}  outputs {outs}")
    return "\n".join(lines)


def run_json(run: XORRun) -> dict[str, object]:
    return {
        "seed": run.seed,
        "solved": run.solved,
        "epochs": run.epochs,
        "loss": run.loss,
        "predictions": [float(y) for y in run.predictions],
        "recipe": run.recipe,
    }


def sweep_json(sweep: XORSweep) -> dict[str, object]:
    s = sweep.epoch_stats()
    return {
        "runs": sweep.runs,
        "solved": sweep.solved,
        "median_epochs": s["median"],
        "q1_epochs": s["q1"],
        "q3_epochs": s["q3"],
        "min_epochs": s["min"],
        "max_epochs": s["max"],
        "stuck_seeds": sweep.stuck_seeds,
        "seeds": sweep.seeds,
        "recipe": sweep.recipe,
        "results": [{"seed": r.seed, "solved": r.solved, "epochs": r.epochs, "loss": r.loss} for r in sweep.results],
    }


def xor_command(args: argparse.Namespace, out: TextIO) -> int:
    recipe = recipe_from(args)
    if args.seeds is not None:
        return _sweep(recipe, args, out)
    if not args.json:
        out.write(f"XOR: {describe(recipe)}, seed {args.seed}\ngoal: {goal(recipe)}\n\n")
    progress = None if (args.json or args.quiet) else Progress(out, recipe["epochs"], args.every)
    run = train_xor(args.seed, callback=progress, **recipe)
    if args.json:
        out.write(json.dumps(run_json(run)) + "\n")
        return _saturation_exit(run, args)
    if progress is not None:
        progress.finish()
        out.write("\n")
    out.write(run_report(run) + "\n")
    return _saturation_exit(run, args)


def _saturation_exit(run: XORRun, args: argparse.Namespace) -> int:
    """0, or 1 with one line on stderr when training ran into the wall: an output stuck exactly at the wrong
    end (0 for target 1, 1 for target 0), where the sigmoid's gradient is exactly 0 and no further epoch can
    move it. A too-large learning rate does this in the first few steps; the loss then sits at BCE's clamp."""
    _, T = truth_table("xor")
    wrong = [i for i, (y, t) in enumerate(zip(run.predictions, T[:, 0])) if abs(float(y) - t) == 1.0]
    if not wrong:
        return 0
    print(
        f"nnbook {args.command}: error: training diverged: {len(wrong)} of 4 outputs are stuck at exactly the wrong "
        f"value (the sigmoid saturated, so its gradient is 0); try a smaller --lr",
        file=sys.stderr,
    )
    return 1


def _sweep(recipe: dict[str, object], args: argparse.Namespace, out: TextIO) -> int:
    n = args.seeds
    on_tty = out.isatty() and not (args.json or args.quiet)
    progress: Callable[[int, XORRun], None] | None = None
    if on_tty:
        def progress(seed: int, run: XORRun) -> None:  # noqa: E306
            out.write(f"\rseed {seed + 1}/{n}")
            out.flush()
    sweep = sweep_xor(n, progress=progress, **recipe)
    if on_tty:
        out.write("\r" + " " * (len(str(n)) * 2 + 7) + "\r")
    if args.json:
        out.write(json.dumps(sweep_json(sweep)) + "\n")
        return 0
    out.write(f"XOR sweep: {describe(recipe)}\nseeds 0..{n - 1}; solved = {goal(recipe)}\n\n")
    out.write(sweep_report(sweep) + "\n")
    return 0


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    out = out if out is not None else sys.stdout
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "gates":
            out.write(gates_table() + "\n")
            return 0
        return xor_command(args, out)
    except (FloatingPointError, NonFiniteError) as err:  # training diverged: a fact about the recipe, not a crash
        print(f"nnbook {args.command}: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"\nnnbook {args.command}: interrupted", file=sys.stderr)
        return 130

"""Check a part you wrote yourself against nnbook's own (the "build it yourself" exercises).

One function, :func:`check`::

    from nnbook import check
    check("Affine", MyAffine)             # messages in English
    check("Affine", MyAffine, lang="ja")  # in Japanese

It runs your part and nnbook's on the same fixed random inputs (seeded, so every run is the same),
prints one line per check that passes and stops with a :class:`PartError` that says in plain words
what is wrong (and, for the usual mistakes, what to try) at the first one that fails. A broken part
is never passed quietly.

The parts, by the chapter that builds them:

- ``"step"`` (chapter 2): a function ``step(x)``, 1 where ``x > 0``, else 0 (numbers and arrays)
- ``"AND"``, ``"OR"``, ``"NAND"`` (chapter 2): a gate function ``AND(x1, x2)`` (numbers and arrays)
- ``"Affine.forward"`` (chapter 6): a class ``Affine(W, b)`` with ``forward(x)``
- ``"Affine"`` (chapter 10): the same class with ``backward(dout)`` too, storing ``dW`` and ``db``
- ``"Sigmoid"``, ``"ReLU"`` (chapter 7): a class with ``forward(x)`` and ``backward(dout)``
- ``"MSELoss"``, ``"BCELoss"`` (chapter 9): a class with ``forward(y, t) -> number`` and
  ``backward() -> dL/dy``
- ``"SGD"`` (chapter 10): a class ``SGD(lr, momentum=0.0)`` with ``step(parameters)``
- ``"train"`` (chapter 11): a function ``train(network, loss, optimizer, X, T, epochs)`` that
  returns the loss of each epoch (full batch)

What is compared: output shapes and values against nnbook's part, gradients against nnbook's and
against a numerical gradient of your own forward (``nnbook.numerical_gradient``), that inputs and
``dout`` are left unchanged, the names and shapes of ``W``, ``b``, ``dW``, ``db``, that an optimizer
step moves the parameters in place as ``lr`` and ``momentum`` say, that an ``Affine`` also works
inside a ``Network``, and that a training loop gives the same losses as nnbook's ``train`` from the
same start. The messages live in this module, each in
English and Japanese side by side.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from nnbook.activations import ReLU, Sigmoid, sigmoid, step
from nnbook.datasets import truth_table
from nnbook.gradcheck import numerical_gradient, relative_error
from nnbook.layers import Affine
from nnbook.losses import BCELoss, MSELoss
from nnbook.network import Network, make_mlp
from nnbook.optim import SGD
from nnbook.perceptron import AND, NAND, OR
from nnbook.train import train

__all__ = ["check", "PartError", "PARTS"]

GRAD_TOLERANCE = 1e-6  # relative error of a gradient; right code gives about 1e-10 in float64


class PartError(AssertionError):
    """Your part does not do what nnbook's does; the message says what differs."""


class _Checker:
    """Collects the passed checks of one part and stops at the first failure, in one language."""

    def __init__(self, part: str, lang: str) -> None:
        self.part, self.lang, self.passed = part, lang, 0

    def say(self, en: str, ja: str) -> str:
        return ja if self.lang == "ja" else en

    def ok(self, en: str, ja: str) -> None:
        self.passed += 1
        print(f"✓ {self.part}: {self.say(en, ja)}")

    def fail(self, en: str, ja: str) -> None:
        # a hint is joined with a space, which Japanese does not put after 。
        raise PartError(f"{self.part}: {self.say(en, ja.replace('。 ', '。'))}")

    def run(self, what: str, f: Callable[..., Any], *args: Any, hint: Any = None) -> Any:
        """Call your code; an exception becomes a PartError that names the call.

        ``hint`` is an ``(en, ja)`` pair added to the message, or a function of the exception that
        returns one (or None)."""
        try:
            return f(*args)
        except PartError:
            raise
        except Exception as err:  # the reader's code may raise anything: report it, with a hint
            cause = f"{type(err).__name__}: {err}"
            if callable(hint):
                hint = hint(err)
            if hint is None and isinstance(err, AttributeError):
                hint = ("An attribute is missing; does an earlier method store it on self?",
                        "属性が見つかりません。前に呼ぶメソッドで self に保存しているか確かめてください。")
            extra = " " + self.say(*hint) if hint is not None else ""
            self.fail(f"{what} raised {cause}.{extra}", f"{what} で {cause} というエラーが出ました。{extra}")

    def done(self) -> None:
        n = self.passed
        print(self.say(f"All {n} checks passed: your {self.part} works like nnbook's.",
                       f"{n} 項目すべて合格です。あなたの {self.part} は nnbook のものと同じように動きます。"))


def _rng() -> np.random.Generator:
    return np.random.default_rng(12)  # fixed: every run of a check uses the same numbers


def _show(value: Any) -> str:
    """A number as the reader would write it (``1``, not ``array(1)``); anything else by its repr."""
    if isinstance(value, (np.ndarray, np.generic)) and np.ndim(value) == 0:
        return repr(value.item())
    return repr(value)


def _shape(a: Any) -> str:
    return str(np.shape(a))


def _is_array(c: _Checker, value: Any, what: str) -> np.ndarray:
    if not isinstance(value, np.ndarray):
        c.fail(f"{what} returned {type(value).__name__}, expected a NumPy array",
               f"{what} が {type(value).__name__} を返しました。NumPy の配列を返してください。")
    return value


def _same_shape(c: _Checker, value: np.ndarray, expected: tuple[int, ...], what: str, of: tuple[str, str],
                hint: tuple[str, str] | None = None) -> None:
    if value.shape != expected:
        extra = " " + c.say(*hint) if hint else ""
        c.fail(f"{what} has shape {value.shape}, expected {expected} ({of[0]}).{extra}",
               f"{what} の形が {value.shape} です。{expected} になるはずです({of[1]})。{extra}")


def _unchanged(c: _Checker, before: np.ndarray, after: np.ndarray, name: str, method: str) -> None:
    if not np.array_equal(before, after):
        c.fail(f"{method} changed its argument {name} in place; compute a new array instead "
               f"(e.g. dx = dout * mask, not dout[...] = 0 or dout *= ...)",
               f"{method} が引数 {name} をその場で書き換えています。新しい配列を作って返してください"
               f"(たとえば dout[...] = 0 や dout *= ... ではなく dx = dout * mask)。")


def _grad_error(c: _Checker, yours: np.ndarray, expected: np.ndarray, name: str,
                hints: list[tuple[np.ndarray, tuple[str, str]]] = ()) -> float:
    """Relative error of your gradient against nnbook's; a failure names the nearest known mistake."""
    err = relative_error(yours, expected)
    if err > GRAD_TOLERANCE:
        extra = ""
        for candidate, hint in hints:
            if np.shape(candidate) == yours.shape and np.allclose(yours, candidate, rtol=1e-6, atol=1e-12):
                extra = " " + c.say(*hint)
                break
        c.fail(f"{name} is wrong: relative error {err:.2g} against nnbook's (should be below {GRAD_TOLERANCE:g}).{extra}",
               f"{name} が違います。nnbook の値との相対誤差が {err:.2g} です({GRAD_TOLERANCE:g} 未満になるはずです)。{extra}")
    return err


def _numeric_check(c: _Checker, f: Callable[[np.ndarray], float], arrays: dict[str, tuple[np.ndarray, np.ndarray]]) -> None:
    """Compare each analytic gradient with the central difference of ``f`` (your own forward)."""
    worst = 0.0
    for name, (value, grad) in arrays.items():
        numeric = numerical_gradient(f, value)
        err = relative_error(grad, numeric)
        if err > GRAD_TOLERANCE:
            c.fail(f"{name} does not match the numerical gradient of your forward (relative error {err:.2g})",
                   f"{name} があなたの forward の数値微分と合いません(相対誤差 {err:.2g})。")
        worst = max(worst, err)
    # the last digits of the error depend on the machine: a page shows only that it is tiny
    size = "below 1e-08" if worst < 1e-8 else f"{worst:.1e}"
    size_ja = "1e-08 未満" if worst < 1e-8 else f"{worst:.1e}"
    c.ok(f"gradient check against numerical derivatives passed (relative errors {size})",
         f"数値微分との勾配確認に合格しました(相対誤差 {size_ja})")


def _need_class(c: _Checker, yours: Any) -> None:
    if not isinstance(yours, type):
        c.fail(f"pass the class itself (check({c.part!r}, MyClass)), not {type(yours).__name__!r}",
               f"クラスそのもの(check({c.part!r}, MyClass) のように)を渡してください。渡されたのは {type(yours).__name__!r} です。")


def _need_function(c: _Checker, yours: Any) -> None:
    if isinstance(yours, type) or not callable(yours):
        c.fail(f"pass a function (def ...), got {type(yours).__name__!r}",
               f"関数(def で作ったもの)を渡してください。渡されたのは {type(yours).__name__!r} です。")


# ---------------------------------------------------------------------------------------------
# Chapter 2: step and the gates
# ---------------------------------------------------------------------------------------------

def _check_step(c: _Checker, yours: Any) -> None:
    _need_function(c, yours)
    for x in (-2.0, -0.5, 0.0, 0.5, 3.0):
        got = c.run(f"step({x})", yours, x)
        if np.ndim(got) != 0 or got != step(x):
            extra = c.say(" The step function gives 1 only when x > 0: x = 0 gives 0.",
                          " ステップ関数が 1 を返すのは x > 0 のときだけで、x = 0 では 0 です。") if x == 0.0 else ""
            c.fail(f"step({x}) returned {_show(got)}, expected {step(x)}.{extra}",
                   f"step({x}) が {_show(got)} を返しました。{step(x)} になるはずです。{extra}")
    c.ok("numbers: step(-2), step(-0.5), step(0), step(0.5), step(3) are right",
         "数: step(-2)、step(-0.5)、step(0)、step(0.5)、step(3) が正しいです")
    x = np.array([[-1.0, 0.0, 2.0], [0.25, -0.25, 7.0]])
    before = x.copy()
    got = c.run("step(x) with an array x", yours, x)
    got = _is_array(c, got, "step(x)")
    _same_shape(c, got, x.shape, "step(x)", ("the shape of x", "x と同じ形"))
    if not np.array_equal(got, step(x)):
        c.fail(f"step(x) for x = {x.tolist()} gave {got.tolist()}, expected {step(x).tolist()}",
               f"x = {x.tolist()} に対する step(x) が {got.tolist()} でした。{step(x).tolist()} になるはずです。")
    _unchanged(c, before, x, "x", "step")
    c.ok("arrays: step works elementwise and keeps the shape", "配列: 要素ごとに計算し、形も保たれています")
    c.done()


_GATES: dict[str, Callable[..., Any]] = {"AND": AND, "OR": OR, "NAND": NAND}


def _check_gate(c: _Checker, yours: Any) -> None:
    _need_function(c, yours)
    gate = _GATES[c.part]
    for x1, x2 in [(0, 0), (1, 0), (0, 1), (1, 1)]:
        got = c.run(f"{c.part}({x1}, {x2})", yours, x1, x2)
        if np.ndim(got) != 0 or got != gate(x1, x2):
            c.fail(f"{c.part}({x1}, {x2}) returned {_show(got)}, expected {gate(x1, x2)}; check the weights and the bias",
                   f"{c.part}({x1}, {x2}) が {_show(got)} を返しました。{gate(x1, x2)} になるはずです。重みとバイアスを見直してください。")
    c.ok("the truth table is right for all 4 inputs", "4 つの入力すべてで真理値表どおりです")
    x1, x2 = np.array([0, 1, 0, 1]), np.array([0, 0, 1, 1])
    got = c.run(f"{c.part}(x1, x2) with arrays x1 = [0 1 0 1], x2 = [0 0 1 1]", yours, x1, x2,
                hint=("Write the sum as w1 * x1 + w2 * x2 + b so that it works elementwise.",
                      "重み付き和を w1 * x1 + w2 * x2 + b と書くと、配列でも要素ごとに計算できます。"))
    if np.shape(got) != (4,) or not np.array_equal(got, gate(x1, x2)):
        c.fail(f"{c.part}(x1, x2) for x1 = [0 1 0 1], x2 = [0 0 1 1] gave {np.asarray(got).tolist()}, "
               f"expected {gate(x1, x2).tolist()}; write the sum as w1 * x1 + w2 * x2 + b",
               f"x1 = [0 1 0 1]、x2 = [0 0 1 1] に対する {c.part}(x1, x2) が {np.asarray(got).tolist()} でした。"
               f"{gate(x1, x2).tolist()} になるはずです。重み付き和を w1 * x1 + w2 * x2 + b と書いてください。")
    c.ok("arrays: 4 pairs at once give the same answers", "配列: 4 組をまとめて渡しても同じ答えです")
    c.done()


# ---------------------------------------------------------------------------------------------
# Chapters 6, 7 and 10: layers
# ---------------------------------------------------------------------------------------------

def _make(c: _Checker, yours: type, *args: Any) -> Any:
    call = f"{c.part.split('.')[0]}({', '.join(['W', 'b'][:len(args)])})"
    return c.run(call, yours, *args)


def _layer_forward(c: _Checker, layer: Any, x: np.ndarray, expected: np.ndarray,
                   hints: list[tuple[np.ndarray, tuple[str, str]]] = ()) -> np.ndarray:
    if not callable(getattr(layer, "forward", None)):
        c.fail("the class has no method forward(self, x)", "クラスに forward(self, x) メソッドがありません。")
    before = x.copy()
    out = _is_array(c, c.run("forward(x)", layer.forward, x), "forward(x)")
    shape_hint = (("forward should give x @ W + b, of shape (N, n_out)",
                   "forward は x @ W + b で、形は (N, n_out) です。") if hasattr(layer, "W") else None)
    _same_shape(c, out, expected.shape, "forward's output", ("one row per input", "入力 1 つにつき 1 行"), shape_hint)
    if not np.allclose(out, expected, rtol=1e-6, atol=1e-9):
        extra = ""
        for candidate, hint in hints:
            if np.allclose(out, candidate, rtol=1e-6, atol=1e-9):
                extra = " " + c.say(*hint)
                break
        diff = float(np.max(np.abs(out - expected)))
        c.fail(f"forward's values differ from nnbook's by up to {diff:.3g}.{extra}",
               f"forward の値が nnbook のものと最大 {diff:.3g} ずれています。{extra}")
    _unchanged(c, before, x, "x", "forward")
    c.ok(f"forward: shape {out.shape} and values match nnbook's",
         f"forward: 形 {out.shape} も値も nnbook のものと一致します")
    return out


def _layer_backward(c: _Checker, layer: Any, x: np.ndarray, dout: np.ndarray, expected_dx: np.ndarray,
                    hints: list[tuple[np.ndarray, tuple[str, str]]] = ()) -> np.ndarray:
    if not callable(getattr(layer, "backward", None)):
        c.fail("the class has no method backward(self, dout)", "クラスに backward(self, dout) メソッドがありません。")
    before = dout.copy()
    dx = _is_array(c, c.run("backward(dout)", layer.backward, dout), "backward(dout)")
    _unchanged(c, before, dout, "dout", "backward")
    _same_shape(c, dx, x.shape, "backward's result", ("the shape of x", "x の形"),
                ("backward returns dL/dx, one number per input number.", "backward が返すのは dL/dx で、入力の数 1 つごとに 1 つの数です。"))
    _grad_error(c, dx, expected_dx, "dx (what backward returns)" if c.lang != "ja" else "dx (backward が返す値)", hints)
    return dx


def _affine_setup() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = _rng()
    return rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=2), rng.normal(size=(4, 2))


def _check_affine(c: _Checker, yours: Any, backward: bool) -> None:
    _need_class(c, yours)
    x, W, b, dout = _affine_setup()
    layer = _make(c, yours, W.copy(), b.copy())
    for name, value in (("W", W), ("b", b)):
        kept = getattr(layer, name, None)
        if not isinstance(kept, np.ndarray) or kept.shape != value.shape or not np.array_equal(kept, value):
            c.fail(f"after Affine(W, b) the object should keep {name} as self.{name} (an array of shape {value.shape}); "
                   f"an optimizer finds the parameters by these names",
                   f"Affine(W, b) のあと、{name} を self.{name} (形 {value.shape} の配列)として持っていてください。"
                   f"オプティマイザはこの名前でパラメータを見つけます。")
    c.ok("keeps W (3, 2) and b (2,) as self.W and self.b", "W (3, 2) と b (2,) を self.W と self.b に持っています")
    ref = Affine(W.copy(), b.copy())
    expected = np.array(ref.forward(x))
    _layer_forward(c, layer, x, expected, [
        (x @ W, ("Did you forget to add b?", "b を足し忘れていませんか?")),
        (x @ W - b, ("b should be added, not subtracted.", "b は引くのではなく足します。")),
    ])
    if not backward:
        c.done()
        return
    expected_dx = np.array(ref.backward(dout))
    forgot_x = ("forward must keep its input for backward: self.x = x", "forward で入力を self.x = x のように覚えておく必要があります。")
    before = dout.copy()
    if not callable(getattr(layer, "backward", None)):
        c.fail("the class has no method backward(self, dout)", "クラスに backward(self, dout) メソッドがありません。")
    shapes = ("Check the shapes: dx = dout @ W.T, dW = x.T @ dout, db = dout.sum(axis=0).",
              "形を確かめてください: dx = dout @ W.T、dW = x.T @ dout、db = dout.sum(axis=0) です。")
    dx = _is_array(c, c.run("backward(dout)", layer.backward, dout, hint=shapes if getattr(layer, "x", None) is not None else forgot_x),
                   "backward(dout)")
    _unchanged(c, before, dout, "dout", "backward")
    transpose = ("Did you forget a transpose? dx = dout @ W.T", "転置を忘れていませんか? dx = dout @ W.T です。")
    _same_shape(c, dx, x.shape, "backward's result", ("the shape of x", "x の形"), transpose)
    _grad_error(c, dx, expected_dx, "dx")
    for name, value, expected_grad in (("dW", W, ref.dW), ("db", b, ref.db)):
        grad = getattr(layer, name, None)
        if grad is None:
            c.fail(f"backward should store the gradient {name} as self.{name}",
                   f"backward で勾配 {name} を self.{name} に保存してください。")
        grad = _is_array(c, grad, f"self.{name}")
        if name == "dW":
            hint = ("Did you forget a transpose? dW = x.T @ dout has the shape of W.",
                    "転置を忘れていませんか? dW = x.T @ dout は W と同じ形になります。")
        else:
            hint = ("Sum dout over the batch, the first axis: db = dout.sum(axis=0) (no keepdims).",
                    "dout をバッチの方向、つまり 1 つ目の軸で足してください: db = dout.sum(axis=0) (keepdims なし)。")
        _same_shape(c, grad, value.shape, name, (f"the shape of {name[1:]}", f"{name[1:]} の形"), hint)
        _grad_error(c, grad, np.array(expected_grad), name, [(dout.mean(axis=0),
                    ("You took the mean; the gradient of a sum is the sum: dout.sum(axis=0).",
                     "平均をとっています。和の勾配は和なので dout.sum(axis=0) です。"))] if name == "db" else [
                    (x.T @ dout / len(x), ("Do not divide by N here: the loss already did.", "ここで N で割る必要はありません。損失の中で割ってあります。"))])
    c.ok("backward: dx (4, 3), dW (3, 2) and db (2,) match nnbook's, and dout is unchanged",
         "backward: dx (4, 3)、dW (3, 2)、db (2,) が nnbook のものと一致し、dout も書き換えていません")

    def f(_: np.ndarray) -> float:
        return float(np.sum(layer.forward(x) * dout))

    layer.forward(x)
    layer.backward(dout)
    _numeric_check(c, f, {"dx": (x, np.array(layer.backward(dout))), "dW": (layer.W, np.array(layer.dW)),
                          "db": (layer.b, np.array(layer.db))})
    _in_a_network(c, yours, x, W, b, dout, ref)
    c.done()


def _in_a_network(c: _Checker, yours: type, x: np.ndarray, W: np.ndarray, b: np.ndarray, dout: np.ndarray,
                  ref: Affine) -> None:
    """A layer that passes must also work where the book uses it: inside a Network."""
    try:
        net = Network([yours(W.copy(), b.copy())])
    except (TypeError, ValueError) as err:
        if "but no d" in str(err):
            c.fail(f"Network([Affine(W, b)]) refused your layer: {err}. A Network looks for dW and db as soon as "
                   f"it is built, before any backward has run: write self.dW, self.db = None, None in __init__.",
                   "Network([Affine(W, b)]) があなたのレイヤーを受け付けませんでした。Network は作った時点で、"
                   "backward を呼ぶ前から dW と db を探します。__init__ で self.dW, self.db = None, None と"
                   "書いてください。")
        c.fail(f"Network([Affine(W, b)]) refused your layer: {err}.",
               f"Network([Affine(W, b)]) があなたのレイヤーを受け付けませんでした(英語のメッセージ: {err})。")
    out = c.run("Network([Affine(W, b)]).forward(x)", net.forward, x)
    c.run("Network([Affine(W, b)]).backward(dout)", net.backward, dout)
    layer = net.layers[0]
    if not (np.allclose(out, ref.forward(x)) and np.allclose(layer.dW, ref.dW) and np.allclose(layer.db, ref.db)):
        c.fail("inside a Network, forward, dW or db differ from nnbook's Affine",
               "Network の中では、forward、dW、db のどれかが nnbook の Affine と違います。")
    c.ok("works inside a Network: Network([Affine(W, b)]) accepts it, and forward, dW and db match",
         "Network の中でも動きます: Network([Affine(W, b)]) が受け付け、forward、dW、db も一致します")


def _activation_setup() -> tuple[np.ndarray, np.ndarray]:
    rng = _rng()
    x = rng.normal(scale=3.0, size=(4, 3))
    x[0, 0], x[2, 1] = 0.0, -0.0  # ReLU's kink: the gradient there is 0, as in nnbook
    return x, rng.normal(size=(4, 3))


def _check_activation(c: _Checker, yours: Any) -> None:
    _need_class(c, yours)
    x, dout = _activation_setup()
    layer = c.run(f"{c.part}()", yours)
    ref = Sigmoid() if c.part == "Sigmoid" else ReLU()
    expected = np.array(ref.forward(x))
    if c.part == "Sigmoid":
        hints = [(np.exp(-x) / (1 + np.exp(-x)), ("The sigmoid is 1 / (1 + exp(-x)).", "シグモイド関数は 1 / (1 + exp(-x)) です。"))]
    else:
        hints = [(np.minimum(x, 0), ("ReLU keeps the positive values: np.maximum(x, 0).", "ReLU が残すのは正の値です: np.maximum(x, 0)。"))]
    _layer_forward(c, layer, x, expected, hints)
    expected_dx = np.array(ref.backward(dout))
    y = expected
    if c.part == "Sigmoid":
        hints = [(dout * y, ("You forgot the factor (1 - y): dx = dout * y * (1 - y).", "(1 - y) を掛け忘れています: dx = dout * y * (1 - y) です。")),
                 (dout * (1 - y), ("You forgot the factor y: dx = dout * y * (1 - y).", "y を掛け忘れています: dx = dout * y * (1 - y) です。")),
                 (y * (1 - y), ("You forgot to multiply by dout (the chain rule).", "dout を掛け忘れています(連鎖律)。")),
                 (dout * x * (1 - x), ("Use the output y = sigmoid(x) kept by forward, not the input x.",
                                       "入力 x ではなく、forward で覚えた出力 y = sigmoid(x) を使ってください。"))]
    else:
        hints = [(dout * (x >= 0), ("Where x = 0 the gradient is 0: the mask is x > 0, not x >= 0.",
                                    "x = 0 のところの勾配は 0 です。マスクは x >= 0 ではなく x > 0 です。")),
                 (dout * (x <= 0), ("The mask is upside down: the gradient passes where x > 0.",
                                    "マスクが逆です。勾配が通るのは x > 0 のところです。")),
                 (1.0 * (x > 0), ("You forgot to multiply by dout (the chain rule).", "dout を掛け忘れています(連鎖律)。"))]
    dx = _layer_backward(c, layer, x, dout, expected_dx, hints)
    c.ok("backward: dx matches nnbook's, and dout is unchanged", "backward: dx が nnbook のものと一致し、dout も書き換えていません")
    if c.part == "Sigmoid":
        _numeric_check(c, lambda _: float(np.sum(layer.forward(x) * dout)), {"dx": (x, dx)})
    else:  # away from the kink, where the derivative exists
        x_smooth = np.where(np.abs(x) < 0.1, 0.5, x)
        layer.forward(x_smooth)
        dx_smooth = np.array(layer.backward(dout))
        _numeric_check(c, lambda _: float(np.sum(layer.forward(x_smooth) * dout)), {"dx": (x_smooth, dx_smooth)})
    c.done()


# ---------------------------------------------------------------------------------------------
# Chapter 9: losses
# ---------------------------------------------------------------------------------------------

def _check_loss(c: _Checker, yours: Any) -> None:
    _need_class(c, yours)
    rng = _rng()
    y = rng.uniform(0.05, 0.95, size=(4, 1))
    t = np.array([[0.0], [1.0], [1.0], [0.0]])
    n = y.size
    loss = c.run(f"{c.part}()", yours)
    if not (callable(getattr(loss, "forward", None)) and callable(getattr(loss, "backward", None))):
        c.fail("the class needs the methods forward(self, y, t) and backward(self)",
               "クラスには forward(self, y, t) と backward(self) の 2 つのメソッドが必要です。")
    ref = MSELoss() if c.part == "MSELoss" else BCELoss()
    expected = ref.forward(y, t)
    y0, t0 = y.copy(), t.copy()
    value = c.run("forward(y, t)", loss.forward, y, t)
    if np.ndim(value) != 0:
        c.fail(f"forward returned an array of shape {_shape(value)}; a loss is one number (take the mean)",
               f"forward が形 {_shape(value)} の配列を返しました。損失は 1 つの数です(平均をとってください)。")
    value = float(value)
    _unchanged(c, y0, y, "y", "forward")
    _unchanged(c, t0, t, "t", "forward")
    if not np.isclose(value, expected, rtol=1e-6, atol=1e-12):
        if c.part == "MSELoss":
            hints = [(expected * n, ("You summed; divide by the number of elements (np.mean).", "和になっています。要素の数で割ってください(np.mean)。")),
                     (expected / 2, ("Square the differences without the factor 1/2: mean((y - t)**2).", "1/2 を掛けずに、差の 2 乗の平均 mean((y - t)**2) にしてください。")),
                     (float(np.mean(np.abs(y - t))), ("Square the differences: (y - t)**2.", "差を 2 乗してください: (y - t)**2。"))]
        else:
            hints = [(-expected, ("The sign is flipped: BCE has a minus in front, -mean(t*log(y) + (1-t)*log(1-y)), so it is never negative.",
                                  "符号が逆です。BCE には前にマイナスが付き、-mean(t*log(y) + (1-t)*log(1-y)) なので負になりません。")),
                     (expected * n, ("You summed; take the mean (np.mean).", "和になっています。平均をとってください(np.mean)。")),
                     (float(-np.mean(t * np.log(y))), ("The term (1 - t) * log(1 - y) is missing.", "(1 - t) * log(1 - y) の項が抜けています。"))]
        extra = next((" " + c.say(*h) for cand, h in hints if np.isclose(value, cand, rtol=1e-6)), "")
        c.fail(f"forward gave {value:.6g}, expected {expected:.6g}.{extra}",
               f"forward が {value:.6g} になりました。{expected:.6g} になるはずです。{extra}")
    c.ok(f"forward: one number, {value:.6f}, as nnbook's", f"forward: 1 つの数 {value:.6f} で、nnbook のものと同じです")
    expected_grad = np.array(ref.backward())
    grad = _is_array(c, c.run("backward()", loss.backward), "backward()")
    _same_shape(c, grad, y.shape, "backward's result", ("the shape of y", "y の形"))
    if c.part == "MSELoss":
        hints = [(2 * (y - t), ("Divide by n, the number of elements: 2 * (y - t) / n.", "要素の数 n で割ってください: 2 * (y - t) / n。")),
                 ((y - t) / n, ("The derivative of a square brings a factor 2: 2 * (y - t) / n.", "2 乗の微分で 2 が出ます: 2 * (y - t) / n。")),
                 (2 * (t - y) / n, ("The sign is flipped: 2 * (y - t) / n.", "符号が逆です: 2 * (y - t) / n。"))]
    else:
        hints = [((y - t) / (y * (1 - y))), ((t - y) / (y * (1 - y)) / n), ((y - t) / n)]
        hints = list(zip(hints, [("Divide by n, the number of elements.", "要素の数 n で割ってください。"),
                                 ("The sign is flipped: (y - t) / (y * (1 - y)) / n.", "符号が逆です: (y - t) / (y * (1 - y)) / n。"),
                                 ("That is the gradient with respect to the sigmoid's input; here it is dL/dy = (y - t) / (y * (1 - y)) / n.",
                                  "それはシグモイドの入力についての勾配です。ここで求めるのは dL/dy = (y - t) / (y * (1 - y)) / n です。")]))
    _grad_error(c, grad, expected_grad, "backward()", hints)
    _unchanged(c, y0, y, "y", "backward")
    c.ok(f"backward: dL/dy of shape {grad.shape} matches nnbook's", f"backward: 形 {grad.shape} の dL/dy が nnbook のものと一致します")

    def f(y_: np.ndarray) -> float:
        return float(loss.forward(y_, t))

    y_nudged = y.copy()
    loss.forward(y_nudged, t)
    _numeric_check(c, f, {"dL/dy": (y_nudged, np.array(loss.backward()))})
    c.done()


# ---------------------------------------------------------------------------------------------
# Chapter 10: the optimizer
# ---------------------------------------------------------------------------------------------

def _sgd_params(rng: np.random.Generator) -> list[tuple[str, np.ndarray, np.ndarray]]:
    return [("0.W", rng.normal(size=(3, 2)), rng.normal(size=(3, 2))), ("0.b", rng.normal(size=2), rng.normal(size=2))]


def _check_sgd(c: _Checker, yours: Any) -> None:
    _need_class(c, yours)
    lr, mu = 0.1, 0.9
    for momentum in (0.0, mu):
        opt = c.run(f"SGD(lr={lr}, momentum={momentum})", lambda m=momentum: yours(lr=lr, momentum=m))
        if not callable(getattr(opt, "step", None)):
            c.fail("the class has no method step(self, parameters)", "クラスに step(self, parameters) メソッドがありません。")
        ref = SGD(lr, momentum=momentum)
        rng = _rng()
        mine = _sgd_params(rng)
        theirs = [(n, v.copy(), g) for n, v, g in mine]
        for k in range(3):  # three steps with new gradients: momentum shows from the second one
            if k:
                new = [rng.normal(size=v.shape) for _, v, _ in mine]
                mine = [(n, v, g) for (n, v, _), g in zip(mine, new)]
                theirs = [(n, v, g) for (n, v, _), g in zip(theirs, new)]
            before = [v.copy() for _, v, _ in mine]
            grads = [g.copy() for _, _, g in mine]
            c.run(f"step(parameters) (step {k + 1})", opt.step, mine, hint=lambda err: (
                ("Keep one velocity v per parameter name (a dict), starting at 0.",
                 "速度 v はパラメータの名前ごとに 1 つずつ(辞書で)、0 から始めて持ってください。")
                if "broadcast" in str(err) else None))
            ref.step(theirs)
            for (_, _, g), g0 in zip(mine, grads):
                if not np.array_equal(g, g0):
                    c.fail("step changed a gradient array; only the parameters may change",
                           "step が勾配の配列を書き換えています。書き換えてよいのはパラメータだけです。")
            for (name, value, grad), (_, expected, _), old in zip(mine, theirs, before):
                if np.array_equal(value, old):
                    c.fail(f"step did not change {name!r} in place: write value -= lr * v "
                           "(value = value - lr * v makes a new array and leaves the network's weights as they were)",
                           f"step が {name!r} をその場で書き換えていません。value -= lr * v と書いてください"
                           "(value = value - lr * v では新しい配列ができるだけで、ネットワークの重みは元のままです)。")
                if not np.allclose(value, expected, rtol=1e-9, atol=1e-12):
                    extra = ""
                    if momentum and k and np.allclose(value, old - lr * grad, rtol=1e-9):
                        extra = c.say(" It moved by lr * grad only: momentum seems to be ignored (v = momentum * v + grad).",
                                      " lr * grad だけ動いています。モメンタムが使われていないようです(v = momentum * v + grad)。")
                    elif np.allclose(value, old + lr * grad, rtol=1e-9):
                        extra = c.say(" It moved uphill: subtract, value -= lr * v.", " 坂を登る向きに動いています。引いてください: value -= lr * v。")
                    elif momentum and k:
                        extra = c.say(" Keep one velocity v per parameter name, starting at 0.",
                                      " 速度 v はパラメータの名前ごとに 1 つずつ、0 から始めて持ってください。")
                    c.fail(f"after step {k + 1} with momentum={momentum}, {name!r} differs from nnbook's SGD by up to "
                           f"{float(np.max(np.abs(value - expected))):.3g}.{extra}",
                           f"momentum={momentum} で {k + 1} 回目の step のあと、{name!r} が nnbook の SGD と最大 "
                           f"{float(np.max(np.abs(value - expected))):.3g} ずれています。{extra}")
        if momentum == 0:
            c.ok("momentum=0: each step is value -= lr * grad, in place", "momentum=0: 1 歩ごとに value -= lr * grad をその場で計算しています")
        else:
            c.ok(f"momentum={mu}: 3 steps move W and b exactly as nnbook's SGD",
                 f"momentum={mu}: 3 歩のあいだ、W と b が nnbook の SGD とまったく同じに動きます")
    c.done()


# ---------------------------------------------------------------------------------------------
# Chapter 11: the training loop
# ---------------------------------------------------------------------------------------------

def _check_train(c: _Checker, yours: Any) -> None:
    _need_function(c, yours)
    X, T = truth_table("xor")
    epochs = 30
    net, loss, opt = make_mlp([2, 4, 1], rng=0), BCELoss(), SGD(0.5, momentum=0.9)
    X0, T0 = X.copy(), T.copy()
    hint_backward = ("Call network.backward(loss.backward()) before optimizer.step(network.parameters()).",
                     "optimizer.step(network.parameters()) の前に network.backward(loss.backward()) を呼んでください。")
    call = f"train(network, loss, optimizer, X, T, epochs={epochs})"
    try:
        got = yours(net, loss, opt, X, T, epochs=epochs)
    except Exception as err:  # the reader's loop may raise anything: report it
        cause = f"{type(err).__name__}: {err}"
        extra = " " + c.say(*hint_backward) if "no gradient" in str(err) else ""
        c.fail(f"{call} raised {cause}.{extra}", f"{call} で {cause} というエラーが出ました。{extra}")
    got = getattr(got, "losses", got)  # a History is fine too
    if got is None or np.ndim(got) != 1:
        c.fail(f"train returned {type(got).__name__}; return the list of losses, one number per epoch",
               f"train が {type(got).__name__} を返しました。エポックごとの損失を 1 つずつ並べたリストを返してください。")
    got = [float(v) for v in got]
    if len(got) != epochs:
        c.fail(f"train returned {len(got)} losses for epochs={epochs}; give one per epoch",
               f"epochs={epochs} なのに損失が {len(got)} 個返ってきました。1 エポックにつき 1 つです。")
    _unchanged(c, X0, X, "X", "train")
    _unchanged(c, T0, T, "T", "train")
    c.ok(f"returns {epochs} losses, one per epoch", f"1 エポックにつき 1 つ、{epochs} 個の損失を返します")
    ref_net = make_mlp([2, 4, 1], rng=0)
    expected = train(ref_net, BCELoss(), SGD(0.5, momentum=0.9), X, T, epochs=epochs).losses
    if np.allclose(got, got[0], rtol=1e-12, atol=0):
        c.fail(f"the loss did not change ({got[0]:.4f} in every epoch); "
               "does each epoch call optimizer.step(network.parameters()) after network.backward(loss.backward())?",
               f"損失が変わっていません(どのエポックも {got[0]:.4f})。"
               "エポックごとに network.backward(loss.backward()) のあと optimizer.step(network.parameters()) を呼んでいますか?")
    for epoch, (a, b) in enumerate(zip(got, expected), start=1):
        if not np.isclose(a, b, rtol=1e-9, atol=1e-12):
            extra = c.say(" Record the loss of the forward pass, before the update.",
                          " 更新の前、順伝播で求めた損失を記録してください。") if epoch == 1 else ""
            c.fail(f"at epoch {epoch} your loss is {a:.6f}, nnbook's train gives {b:.6f} from the same start; "
                   f"each epoch should do, in order: forward, loss, backward, step.{extra}",
                   f"エポック {epoch} の損失が {a:.6f} ですが、同じ初期値から nnbook の train では {b:.6f} です。"
                   f"各エポックで、順伝播・損失・逆伝播・更新をこの順に 1 回ずつ行ってください。{extra}")
    c.ok(f"the loss goes down as with nnbook's train: {got[0]:.4f} -> {got[-1]:.4f}",
         f"損失が nnbook の train と同じように下がります: {got[0]:.4f} → {got[-1]:.4f}")
    for (name, mine, _), (_, theirs, _) in zip(net.parameters(), ref_net.parameters()):
        if not np.allclose(mine, theirs, rtol=1e-9, atol=1e-12):
            c.fail(f"the losses match but the trained {name!r} differs from nnbook's; is there an extra step at the end?",
                   f"損失は一致しますが、学習後の {name!r} が nnbook のものと違います。最後に余分な更新をしていませんか?")
    c.ok(f"losses and trained weights match nnbook's train for all {epochs} epochs",
         f"{epochs} エポックすべてで、損失も学習後の重みも nnbook の train と一致します")
    c.done()


#: The parts :func:`check` knows, with the function that checks each.
PARTS: dict[str, Callable[[_Checker, Any], None]] = {
    "step": _check_step,
    "AND": _check_gate,
    "OR": _check_gate,
    "NAND": _check_gate,
    "Affine.forward": lambda c, yours: _check_affine(c, yours, backward=False),
    "Affine": lambda c, yours: _check_affine(c, yours, backward=True),
    "Sigmoid": _check_activation,
    "ReLU": _check_activation,
    "MSELoss": _check_loss,
    "BCELoss": _check_loss,
    "SGD": _check_sgd,
    "train": _check_train,
}


def check(part: str, yours: Any, *, lang: str = "en") -> None:
    """Check ``yours`` (a class or function you wrote) against nnbook's ``part``.

    Prints a line for each check that passes; raises :class:`PartError` with a plain-words message
    at the first one that fails. ``lang`` is ``"en"`` or ``"ja"``.

    >>> def my_step(x):
    ...     return (x > 0) * 1
    >>> check("step", my_step)
    ✓ step: numbers: step(-2), step(-0.5), step(0), step(0.5), step(3) are right
    ✓ step: arrays: step works elementwise and keeps the shape
    All 2 checks passed: your step works like nnbook's.
    """
    if lang not in ("en", "ja"):
        raise ValueError(f"check: lang must be 'en' or 'ja', got {lang!r}")
    if part not in PARTS:
        raise ValueError(f"check: part must be one of {', '.join(repr(p) for p in PARTS)}; got {part!r}")
    with np.errstate(all="ignore"):  # your code's overflow warnings: the values are checked instead
        PARTS[part](_Checker(part, lang), yours)

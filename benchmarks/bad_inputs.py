"""The bad-input table (issue 11): every public name of nnbook, tried with bad and good inputs.

Each case calls the public API once and is classified:

- ``clear error``: it raised, and the message names the nnbook function or class that was called;
- ``right answer``: a good input gave the expected result;
- ``crash``: an error whose message does not name the nnbook function (it came from NumPy's or
  Python's internals), or an unexpected kind of error (AttributeError, IndexError, KeyError, ...);
- ``silently accepted``: a bad input gave no error;
- ``wrong answer``: a good input gave a wrong result;
- ``warning escaped``: NumPy or Python warned (whatever the outcome).

    python benchmarks/bad_inputs.py           # the summary and every case that is not clear or right
    python benchmarks/bad_inputs.py --all     # every case

``tests/test_bad_inputs.py`` runs it and requires: no crash, no silent acceptance, no wrong answer, no
escaped warning.
"""

from __future__ import annotations

import sys
import warnings
from collections import Counter

import numpy as np

import nnbook as nb

BAD_VALUES = {  # for a parameter that takes an array of real numbers
    "None": None,
    "a string": "abc",
    "strings": [["a", "b"]],
    "a dict": {"x": 1},
    "complex": np.array([[1 + 2j, 0j]]),
    "objects": np.array([[object(), object()]], dtype=object),
    "NaN": np.array([[np.nan, 0.0]]),
    "inf": np.array([[np.inf, 0.0]]),
    "ragged": [[1.0, 2.0], [3.0]],
}
ERRORS = (ValueError, TypeError, RuntimeError, FloatingPointError)


def cases():
    """(label, names the message must contain (any), call, expected) with expected "error" or a checker."""
    X, T = nb.truth_table("xor")
    out = []

    def add(label, names, call, expected="error"):
        out.append((label, names if isinstance(names, tuple) else (names,), call, expected))

    # elementwise functions: NaN is refused, inf is a value (step(inf) = 1), huge values do not warn
    for name in ("step", "sigmoid", "relu", "tanh", "softmax"):
        f = getattr(nb, name)
        for kind, bad in BAD_VALUES.items():
            if kind == "inf" and name != "softmax":
                add(f"{name}({kind})", name, lambda f=f, bad=bad: f(bad), lambda r: np.all(np.isfinite(r[:, 1])))
            elif kind != "ragged":
                add(f"{name}({kind})", name, lambda f=f, bad=bad: f(bad))
        add(f"{name}(±1e308)", name, lambda f=f: f(np.array([[1e308, -1e308]])), lambda r: np.all(np.isfinite(r)))
        add(f"{name}(empty)", name, lambda f=f: f(np.zeros((0, 2))), lambda r: np.shape(r) == (0, 2))
    # layers on their own
    for cls in (nb.Sigmoid, nb.ReLU, nb.Tanh):
        n = cls.__name__
        for kind, bad in BAD_VALUES.items():
            add(f"{n}().forward({kind})", n, lambda cls=cls, bad=bad: cls().forward(bad))
        add(f"{n}().backward before forward", n, lambda cls=cls: cls().backward(np.ones((1, 2))))

        def wrong_dout(cls=cls):
            layer = cls()
            layer.forward(np.ones((2, 3)))
            return layer.backward(np.ones((3, 2)))

        add(f"{n} backward with dout of the wrong shape", n, wrong_dout)

        def mutate_output(cls=cls):
            layer = cls()
            y = layer.forward(np.ones((1, 2)))
            y[0, 0] = 5.0  # must not corrupt backward: refused

        add(f"{n} output changed in place", ("read-only",), mutate_output)
    W, b = np.ones((2, 3)), np.zeros(3)
    for kind, bad in BAD_VALUES.items():
        add(f"Affine(W={kind})", "Affine", lambda bad=bad: nb.Affine(bad, b))
        add(f"Affine(b={kind})", "Affine", lambda bad=bad: nb.Affine(W, bad))
        add(f"Affine.forward({kind})", "Affine", lambda bad=bad: nb.Affine(W, b).forward(bad))
    add("Affine(W 1-D)", "Affine", lambda: nb.Affine(np.ones(2), b))
    add("Affine(b of the wrong width)", "Affine", lambda: nb.Affine(W, np.zeros(2)))
    add("Affine.forward(width 3 for n_in 2)", "Affine", lambda: nb.Affine(W, b).forward(np.ones((4, 3))))
    add("Affine.forward(3-D)", "Affine", lambda: nb.Affine(W, b).forward(np.ones((1, 4, 2))))
    add("Affine.forward(overflow)", "Affine", lambda: nb.Affine(W, b).forward(np.full((1, 2), 1e308)))
    add("Affine.backward before forward", "Affine", lambda: nb.Affine(W, b).backward(np.ones((1, 3))))
    add("Affine.forward(one input (2,))", "Affine", lambda: nb.Affine(W, b).forward(np.ones(2)), lambda r: r.shape == (3,))
    for kind, bad in (("float16", np.float16), ("int64", np.int64), ("a string", "float32")):
        add(f"Affine.create(dtype={kind})", "Affine.create", lambda bad=bad: nb.Affine.create(2, 3, dtype=bad))
    for kind, bad in (("0", 0), ("-1", -1), ("2.5", 2.5), ("True", True), ("None", None)):
        add(f"Affine.create(n_in={kind})", "Affine.create", lambda bad=bad: nb.Affine.create(bad, 3))
    add("Affine.create(init='zeros')", "Affine.create", lambda: nb.Affine.create(2, 3, init="zeros"))
    # losses
    y, t = np.full((4, 1), 0.5), T
    for loss in (nb.MSELoss, nb.BCELoss, nb.BCEWithLogitsLoss):
        n = loss.__name__
        for kind, bad in BAD_VALUES.items():
            add(f"{n}.forward(y={kind})", n, lambda loss=loss, bad=bad: loss().forward(bad, t))
            add(f"{n}.forward(t={kind})", n, lambda loss=loss, bad=bad: loss().forward(y, bad))
        add(f"{n}.forward(y (4,1), t (4,))", n, lambda loss=loss: loss().forward(y, t[:, 0]))
        add(f"{n}.forward(empty)", n, lambda loss=loss: loss().forward(np.zeros((0, 1)), np.zeros((0, 1))))
        add(f"{n}.backward before forward", n, lambda loss=loss: loss().backward())
        add(f"{n}.forward(good)", n, lambda loss=loss: loss().forward(y, t), lambda r: isinstance(r, float) and r > 0)
    add("MSELoss.forward(overflow)", "MSELoss", lambda: nb.MSELoss().forward(np.full((1, 1), 1e200), np.zeros((1, 1))))
    add("BCELoss.forward(y outside [0, 1])", "BCELoss", lambda: nb.BCELoss().forward(np.full((4, 1), 1.5), t))
    add("BCELoss.forward(t outside [0, 1])", "BCELoss", lambda: nb.BCELoss().forward(y, t - 1))
    add("BCELoss never -0.0", "BCELoss", lambda: nb.BCELoss().forward(np.ones((1, 1)), np.ones((1, 1))),
        lambda r: r == 0.0 and np.copysign(1.0, r) == 1.0)
    add("BCEWithLogitsLoss.forward(score 1e308, t 0): the loss is 1e308", "BCEWithLogitsLoss",
        lambda: nb.BCEWithLogitsLoss().forward(np.full((1, 1), 1e308), np.zeros((1, 1))), lambda r: r == 1e308)
    ce, scores = nb.SoftmaxCrossEntropyLoss, np.zeros((2, 3))
    for kind, bad in BAD_VALUES.items():
        add(f"SoftmaxCrossEntropyLoss.forward(y={kind})", "SoftmaxCrossEntropyLoss", lambda bad=bad: ce().forward(bad, np.array([0, 1])))
    for kind, bad in (("class 3 of 3", np.array([0, 3])), ("class -1", np.array([0, -1])), ("float classes", np.array([0.0, 1.0])),
                      ("rows not summing to 1", np.full((2, 3), 0.5)), ("negative rows", np.array([[1.5, -0.5, 0.0]] * 2)),
                      ("3 indices for 2 rows", np.array([0, 1, 2])), ("rows of the wrong width", np.eye(2))):
        add(f"SoftmaxCrossEntropyLoss.forward(t={kind})", "SoftmaxCrossEntropyLoss", lambda bad=bad: ce().forward(scores, bad))
    add("SoftmaxCrossEntropyLoss.forward(y 1-D)", "SoftmaxCrossEntropyLoss", lambda: ce().forward(np.zeros(3), np.array([0])))
    add("SoftmaxCrossEntropyLoss.backward before forward", "SoftmaxCrossEntropyLoss", lambda: ce().backward())
    add("SoftmaxCrossEntropyLoss.forward(good)", "SoftmaxCrossEntropyLoss", lambda: ce().forward(scores, np.array([0, 2])),
        lambda r: abs(r - np.log(3)) < 1e-12)
    # networks
    add("Network([])", "Network", lambda: nb.Network([]))
    add("Network(None)", "Network", lambda: nb.Network(None))
    add("Network('abc')", "Network", lambda: nb.Network("abc"))
    add("Network([Sigmoid])  (a class)", "Network", lambda: nb.Network([nb.Sigmoid]))
    add("Network([42])", "Network", lambda: nb.Network([42]))
    s = nb.Sigmoid()
    add("Network: one Sigmoid twice", "Network", lambda: nb.Network([nb.Affine(np.ones((2, 2)), np.zeros(2)), s, nb.Affine(np.ones((2, 2)), np.zeros(2)), s]))
    a = nb.Affine(np.ones((2, 2)), np.zeros(2))
    add("Network: one Affine twice", "Network", lambda: nb.Network([a, nb.Sigmoid(), a]))
    add("Network: widths that do not chain", "Network", lambda: nb.Network([nb.Affine(np.ones((2, 3)), np.zeros(3)), nb.Affine(np.ones((2, 1)), np.zeros(1))]))

    class NoGrad:
        def __init__(self):
            self.W, self.b = np.ones((2, 1)), np.zeros(1)

        def forward(self, x):
            return x @ self.W + self.b

        def backward(self, dout):
            return dout @ self.W.T

    add("Network: a layer with W but no dW", "Network", lambda: nb.Network([NoGrad()]))

    class OddNames:
        def __init__(self):
            self.weights = np.ones((2, 1))

        def forward(self, x):
            return x @ self.weights

        def backward(self, dout):
            return dout @ self.weights.T

    add("Network: a layer whose parameter no optimizer sees", "Network", lambda: nb.Network([OddNames()]))
    net = lambda: nb.make_mlp([2, 3, 1])  # noqa: E731
    for kind, bad in BAD_VALUES.items():
        add(f"Network.forward({kind})", "Network", lambda bad=bad: net().forward(bad))
    add("Network.forward(width 3)", "Network", lambda: net().forward(np.ones((4, 3))))
    add("Network.backward before forward", "Network", lambda: net().backward(np.ones((4, 1))))

    def wrong_dout():
        n = net()
        n.forward(X)
        return n.backward(np.ones((4, 2)))

    add("Network.backward(dout of the wrong shape)", "Network", wrong_dout)
    for kind, args in (("sizes [2]", ([2],)), ("size 0", ([2, 0, 1],)), ("size 1.5", ([2, 1.5, 1],))):
        add(f"make_mlp({kind})", "make_mlp", lambda args=args: nb.make_mlp(*args))
    add("make_mlp(activation='softplus')", "make_mlp", lambda: nb.make_mlp([2, 1], activation="softplus"))
    # the optimizer
    for kind, lr in (("0", 0), ("-1", -1), ("inf", np.inf), ("'0.1'", "0.1"), ("True", True), ("None", None)):
        add(f"SGD(lr={kind})", "SGD", lambda lr=lr: nb.SGD(lr))
    add("SGD(momentum=1)", "SGD", lambda: nb.SGD(0.1, momentum=1.0))
    add("SGD.step(None)", "SGD.step", lambda: nb.SGD(0.1).step(None))
    add("SGD.step(a list gradient)", "SGD.step", lambda: nb.SGD(0.1).step([("w", np.ones(2), [1.0, 1.0])]),
        lambda r: r is None)
    add("SGD.step(a float value)", "SGD.step", lambda: nb.SGD(0.1).step([("w", 1.0, np.ones(1))]))
    add("SGD.step(an int array value)", "SGD.step", lambda: nb.SGD(0.1).step([("w", np.ones(2, dtype=int), np.ones(2))]))
    add("SGD.step(gradient of the wrong shape)", "SGD.step", lambda: nb.SGD(0.1).step([("w", np.ones(2), np.ones(3))]))
    add("SGD.step(NaN gradient)", "SGD.step", lambda: nb.SGD(0.1).step([("w", np.ones(2), np.array([np.nan, 0.0]))]))
    add("SGD.step(no gradient yet)", "SGD.step", lambda: nb.SGD(0.1).step(net().parameters()))

    def two_networks():
        opt, n1, n2 = nb.SGD(0.1), net(), net()
        for n in (n1, n2):
            nb.MSELoss().forward(n.forward(X), T)
        for n in (n1, n2):
            loss = nb.MSELoss()
            loss.forward(n.forward(X), T)
            n.backward(loss.backward())
            opt.step(n.parameters())

    add("SGD used for two networks", "SGD.step", two_networks)

    def overflow_step():
        w = np.array([1e308, 1.0])
        try:
            nb.SGD(1.0).step([("w", w, np.array([-1e308, 1.0]))])
        finally:
            assert w.tolist() == [1e308, 1.0], "half-updated"

    add("SGD.step that overflows (and leaves w unchanged)", "SGD.step", overflow_step)
    # training
    for kind, args in (("network None", (None, nb.MSELoss(), nb.SGD(0.1), X, T)),
                       ("optimizer None", (net(), nb.MSELoss(), None, X, T)),
                       ("loss None", (net(), None, nb.SGD(0.1), X, T)),
                       ("X None", (net(), nb.MSELoss(), nb.SGD(0.1), None, T)),
                       ("T of 3 rows", (net(), nb.MSELoss(), nb.SGD(0.1), X, T[:3])),
                       ("X empty", (net(), nb.MSELoss(), nb.SGD(0.1), X[:0], T[:0])),
                       ("X NaN", (net(), nb.MSELoss(), nb.SGD(0.1), X * np.nan, T))):
        add(f"train({kind})", "train", lambda args=args: nb.train(*args, epochs=1))
    for kind, kw in (("epochs 0", {"epochs": 0}), ("epochs 1.5", {"epochs": 1.5}), ("batch_size 0", {"epochs": 1, "batch_size": 0}),
                     ("stop 'yes'", {"epochs": 1, "stop": "yes"}), ("callback 3", {"epochs": 1, "callback": 3})):
        add(f"train({kind})", "train", lambda kw=kw: nb.train(net(), nb.MSELoss(), nb.SGD(0.1), X, T, **kw))
    add("train(MSE, lr 1e300: overflows)", "train",
        lambda: nb.train(nb.make_mlp([2, 3, 1], output="identity"), nb.MSELoss(), nb.SGD(1e300), X, T, epochs=5))
    # (with sigmoid outputs the same lr only saturates: a finite loss; `nnbook xor` reports that as diverged)
    add("train(float32 network, float64 data)", "train",
        lambda: (lambda n: (nb.train(n, nb.BCELoss(), nb.SGD(0.5), X, T, epochs=1), n.layers[0].dW.dtype)[1])(nb.make_mlp([2, 3, 1], dtype=np.float32)),
        lambda r: r == np.float32)
    add("outputs_within(0)", "outputs_within", lambda: nb.outputs_within(0))
    add("outputs_within: Y (4,1) against T (4,)", "outputs_within", lambda: nb.outputs_within(0.1)(np.zeros((4, 1)), np.zeros(4)))
    # perceptron and gates
    for kind, bad in BAD_VALUES.items():
        add(f"Perceptron(w={kind})", "Perceptron", lambda bad=bad: nb.Perceptron(bad, 0.0))
        add(f"Perceptron.predict({kind})", "Perceptron", lambda bad=bad: nb.Perceptron([1.0, 1.0], -1.5).predict(bad))
    add("Perceptron(b=[0.5])", "Perceptron", lambda: nb.Perceptron([1.0, 1.0], [0.5]))
    add("Perceptron.predict(width 3)", "Perceptron", lambda: nb.Perceptron([1.0, 1.0], 0.0).predict([1, 2, 3]))
    add("Perceptron.predict(1e308)", "Perceptron", lambda: nb.Perceptron([1.0, 1.0], -1.5).predict([1e308, 1e308]), lambda r: r == 1)
    for g in ("AND", "OR", "NAND", "XOR"):
        f = getattr(nb, g)
        add(f"{g}(shapes (2,) and (3,))", g if g != "XOR" else ("NAND", "XOR"), lambda f=f: f(np.ones(2), np.ones(3)))
        add(f"{g}('a', 1)", g if g != "XOR" else ("NAND", "XOR"), lambda f=f: f("a", 1))
        add(f"{g}(NaN, 1)", g if g != "XOR" else ("NAND", "XOR"), lambda f=f: f(np.nan, 1))
    for kind, args, kw in (("0 samples", (np.zeros((0, 2)), np.zeros(0)), {}), ("t = 2", (X, T * 2), {}),
                           ("lr '1'", (X, T), {"lr": "1"}), ("max_epochs 0", (X, T), {"max_epochs": 0}),
                           ("X 1-D", (np.zeros(4), T), {}), ("t of 3 rows", (X, T[:3]), {})):
        add(f"train_perceptron({kind})", "train_perceptron", lambda args=args, kw=kw: nb.train_perceptron(*args, **kw))
    # gradient checks, data
    add("numerical_gradient(float32 x)", "numerical_gradient", lambda: nb.numerical_gradient(lambda x: 0.0, np.ones(2, dtype=np.float32)))
    add("numerical_gradient(eps=0)", "numerical_gradient", lambda: nb.numerical_gradient(lambda x: 0.0, np.ones(2), eps=0))
    add("numerical_gradient(f not a function)", "numerical_gradient", lambda: nb.numerical_gradient(3, np.ones(2)))
    add("relative_error((3,), (3,1))", "relative_error", lambda: nb.relative_error(np.ones(3), np.ones((3, 1))))
    add("relative_error(NaN)", "relative_error", lambda: nb.relative_error(np.array([np.nan]), np.ones(1)))
    add("truth_table('xnor')", "truth_table", lambda: nb.truth_table("xnor"))
    add("truth_table(3)", "truth_table", lambda: nb.truth_table(3))
    add("load_digits(test_fraction='0.25')", "load_digits", lambda: nb.load_digits(test_fraction="0.25"))
    add("load_digits(test_fraction=1)", "load_digits", lambda: nb.load_digits(test_fraction=1))
    add("load_digits(dtype=np.int64)", "load_digits", lambda: nb.load_digits(dtype=np.int64))
    add("xor_recipe(loss='hinge')", ("loss",), lambda: nb.xor_recipe(loss="hinge"))
    add("xor_recipe(colour=1)", ("unknown recipe option",), lambda: nb.xor_recipe(colour=1))
    add("sweep_xor([])", "sweep_xor", lambda: nb.sweep_xor([]))
    add("train_xor(seed 0)", "train_xor", lambda: nb.train_xor(0).solved, lambda r: r is True)
    return out


def run(case):
    label, names, call, expected = case
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = call()
        except ERRORS as err:
            outcome = "clear error" if expected == "error" and any(n in str(err) for n in names) else (
                "crash" if expected == "error" else "wrong answer")
            detail = f"{type(err).__name__}: {err}"
        except Exception as err:  # noqa: BLE001 - any other kind of error is a crash
            outcome, detail = "crash", f"{type(err).__name__}: {err}"
        else:
            if expected == "error":
                outcome, detail = "silently accepted", repr(result)[:80]
            else:
                ok = bool(expected(result))
                outcome, detail = ("right answer" if ok else "wrong answer"), repr(result)[:80]
    if caught:
        outcome, detail = "warning escaped", f"{caught[0].category.__name__}: {caught[0].message}"
    return label, outcome, detail


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    results = [run(c) for c in cases()]
    counts = Counter(outcome for _, outcome, _ in results)
    print(f"{len(results)} cases: " + ", ".join(f"{n} {k}" for k, n in counts.most_common()))
    for label, outcome, detail in results:
        if "--all" in argv or outcome not in ("clear error", "right answer"):
            print(f"  {outcome:18} {label:55} {detail[:120]}")
    return 0 if set(counts) <= {"clear error", "right answer"} else 1


if __name__ == "__main__":
    sys.exit(main())

"""nnbook.check: right parts pass (the package's own, and plain-NumPy ones like the pages' answers);
each planted bug is refused with the message that names it, in English and in Japanese."""

import numpy as np
import pytest

import nnbook
from nnbook import PartError, check
from nnbook.yours import PARTS

# ---------------------------------------------------------------------------------------------
# Right parts, written as a reader would (plain NumPy)
# ---------------------------------------------------------------------------------------------


def my_step(x):
    return np.array(x > 0, dtype=int)


def my_and(x1, x2):
    return my_step(1.0 * x1 + 1.0 * x2 - 1.5)


def my_or(x1, x2):
    return my_step(1.0 * x1 + 1.0 * x2 - 0.5)


def my_nand(x1, x2):
    return my_step(-1.0 * x1 - 1.0 * x2 + 1.5)


class MyAffine:
    def __init__(self, W, b):
        self.W, self.b = W, b
        self.x, self.dW, self.db = None, None, None  # a Network looks for dW and db when it is built

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=0)
        return dout @ self.W.T


class MySigmoid:
    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, dout):
        return dout * self.out * (1 - self.out)


class MyReLU:
    def forward(self, x):
        self.mask = x > 0
        return np.maximum(x, 0)

    def backward(self, dout):
        return dout * self.mask


class MyMSE:
    def forward(self, y, t):
        self.y, self.t = y, t
        return np.mean((y - t) ** 2)

    def backward(self):
        return 2 * (self.y - self.t) / self.y.size


class MyBCE:
    def forward(self, y, t):
        self.y, self.t = y, t
        return -np.mean(t * np.log(y) + (1 - t) * np.log(1 - y))

    def backward(self):
        y, t = self.y, self.t
        return (y - t) / (y * (1 - y)) / y.size


class MySGD:
    def __init__(self, lr, momentum=0.0):
        self.lr, self.momentum, self.v = lr, momentum, {}

    def step(self, parameters):
        for name, value, grad in parameters:
            self.v[name] = self.momentum * self.v.get(name, 0.0) + grad
            value -= self.lr * self.v[name]


class MySGDOtherForm:
    """Rumelhart's form: delta = momentum * delta - lr * grad; the same steps for a constant lr."""

    def __init__(self, lr, momentum=0.0):
        self.lr, self.momentum, self.delta = lr, momentum, {}

    def step(self, parameters):
        for name, value, grad in parameters:
            self.delta[name] = self.momentum * self.delta.get(name, 0.0) - self.lr * grad
            value += self.delta[name]


def my_train(network, loss, optimizer, X, T, epochs):
    losses = []
    for _ in range(epochs):
        Y = network.forward(X)
        losses.append(loss.forward(Y, T))
        network.backward(loss.backward())
        optimizer.step(network.parameters())
    return losses


RIGHT = {
    "step": my_step, "AND": my_and, "OR": my_or, "NAND": my_nand,
    "Affine.forward": MyAffine, "Affine": MyAffine, "Sigmoid": MySigmoid, "ReLU": MyReLU,
    "MSELoss": MyMSE, "BCELoss": MyBCE, "SGD": MySGD, "train": my_train,
}  # fmt: skip

PACKAGE = {
    "step": nnbook.step, "AND": nnbook.AND, "OR": nnbook.OR, "NAND": nnbook.NAND,
    "Affine.forward": nnbook.Affine, "Affine": nnbook.Affine, "Sigmoid": nnbook.Sigmoid, "ReLU": nnbook.ReLU,
    "MSELoss": nnbook.MSELoss, "BCELoss": nnbook.BCELoss, "SGD": nnbook.SGD,
    "train": lambda network, loss, optimizer, X, T, epochs: nnbook.train(network, loss, optimizer, X, T, epochs=epochs),
}  # fmt: skip


def test_every_part_has_a_right_answer_here():
    assert set(RIGHT) == set(PARTS) == set(PACKAGE)


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("part", sorted(PARTS))
def test_a_plain_numpy_part_passes(part, lang, capsys):
    check(part, RIGHT[part], lang=lang)
    out = capsys.readouterr().out.splitlines()
    assert all(line.startswith(f"✓ {part}: ") for line in out[:-1]), out
    n = len(out) - 1
    assert n >= 2
    last = f"All {n} checks passed" if lang == "en" else f"{n} 項目すべて合格です"
    assert out[-1].startswith(last), out


@pytest.mark.parametrize("part", sorted(PARTS))
def test_the_packages_own_part_passes(part, capsys):
    check(part, PACKAGE[part])
    assert "checks passed" in capsys.readouterr().out


def test_the_other_momentum_form_passes(capsys):
    check("SGD", MySGDOtherForm)
    assert "checks passed" in capsys.readouterr().out


def test_a_history_counts_as_the_losses(capsys):
    check("train", lambda network, loss, optimizer, X, T, epochs: nnbook.train(network, loss, optimizer, X, T, epochs=epochs))
    assert "checks passed" in capsys.readouterr().out


def test_unknown_part_and_language_are_refused():
    with pytest.raises(ValueError, match="part must be one of"):
        check("Dense", MyAffine)
    with pytest.raises(ValueError, match="lang must be"):
        check("Affine", MyAffine, lang="fr")


# ---------------------------------------------------------------------------------------------
# Planted bugs: (part, broken part, English message, Japanese message)
# ---------------------------------------------------------------------------------------------


class AffineForgetsTranspose(MyAffine):
    def backward(self, dout):
        self.dW = dout.T @ self.x  # bug: (n_out, n_in)
        self.db = dout.sum(axis=0)
        return dout @ self.W.T


class AffineDxNoTranspose(MyAffine):
    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=0)
        return dout @ self.W  # bug: W, not W.T (fails inside the matrix product)


class AffineDbWrongAxis(MyAffine):
    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=1)  # bug: over the outputs, not the batch
        return dout @ self.W.T


class AffineDbMean(MyAffine):
    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = dout.mean(axis=0)  # bug
        return dout @ self.W.T


class AffineForgetsX(MyAffine):
    def forward(self, x):
        return x @ self.W + self.b  # bug: self.x not kept


class AffineWrongShape(MyAffine):
    def forward(self, x):
        return (x @ self.W + self.b).T  # bug


class AffineForgetsB(MyAffine):
    def forward(self, x):
        self.x = x
        return x @ self.W  # bug


class AffineOtherNames:
    def __init__(self, W, b):
        self.weight, self.bias = W, b  # bug: an optimizer looks for W and b

    def forward(self, x):
        return x @ self.weight + self.bias


class AffineNoDW(MyAffine):
    def backward(self, dout):
        return dout @ self.W.T  # bug: dW and db not stored


class AffineNoGradientSlots(MyAffine):
    def __init__(self, W, b):
        self.W, self.b = W, b  # bug: no self.dW = None, so a Network refuses it (the check alone would pass)


class SigmoidNoOneMinusY(MySigmoid):
    def backward(self, dout):
        return dout * self.out  # bug: no (1 - y)


class SigmoidModifiesDout(MySigmoid):
    def backward(self, dout):
        dout *= self.out * (1 - self.out)  # bug: changes the caller's dout
        return dout


class SigmoidNoDout(MySigmoid):
    def backward(self, dout):
        return self.out * (1 - self.out)  # bug: the chain rule needs dout


class ReLUMaskGreaterEqual(MyReLU):
    def forward(self, x):
        self.mask = x >= 0  # bug: x = 0 lets the gradient through
        return np.maximum(x, 0)


class ReLUMaskUpsideDown(MyReLU):
    def forward(self, x):
        self.mask = x <= 0  # bug
        return np.maximum(x, 0)


class ReLUClassicInPlace(MyReLU):
    def backward(self, dout):
        dout[~self.mask] = 0  # bug: the classic in-place version
        return dout


class MSENoMean(MyMSE):
    def forward(self, y, t):
        self.y, self.t = y, t
        return np.sum((y - t) ** 2)  # bug: no / N


class MSEBackwardNoN(MyMSE):
    def backward(self):
        return 2 * (self.y - self.t)  # bug: no / n


class MSEBackwardNo2(MyMSE):
    def backward(self):
        return (self.y - self.t) / self.y.size  # bug: no factor 2


class MSEReturnsArray(MyMSE):
    def forward(self, y, t):
        self.y, self.t = y, t
        return (y - t) ** 2  # bug: not reduced to one number


class BCESignError(MyBCE):
    def forward(self, y, t):
        self.y, self.t = y, t
        return np.mean(t * np.log(y) + (1 - t) * np.log(1 - y))  # bug: no minus


class BCEBackwardSign(MyBCE):
    def backward(self):
        y, t = self.y, self.t
        return (t - y) / (y * (1 - y)) / y.size  # bug


class BCEBackwardOfScores(MyBCE):
    def backward(self):
        return (self.y - self.t) / self.y.size  # bug: that is dL/da through the sigmoid


class SGDIgnoresMomentum(MySGD):
    def step(self, parameters):
        for _, value, grad in parameters:
            value -= self.lr * grad  # bug: momentum ignored


class SGDUpdatesACopy(MySGD):
    def step(self, parameters):
        for name, value, grad in parameters:
            self.v[name] = self.momentum * self.v.get(name, 0.0) + grad
            value = value - self.lr * self.v[name]  # bug: a new array; the parameter is unchanged  # noqa: F841


class SGDUphill(MySGD):
    def step(self, parameters):
        for name, value, grad in parameters:
            self.v[name] = self.momentum * self.v.get(name, 0.0) + grad
            value += self.lr * self.v[name]  # bug: the wrong direction


class SGDOneVelocity(MySGD):
    def __init__(self, lr, momentum=0.0):
        self.lr, self.momentum, self.v = lr, momentum, 0.0

    def step(self, parameters):
        for _, value, grad in parameters:
            self.v = self.momentum * self.v + grad  # bug: one v shared by W and b
            value -= self.lr * self.v


def train_forgets_backward(network, loss, optimizer, X, T, epochs):
    losses = []
    for _ in range(epochs):
        losses.append(loss.forward(network.forward(X), T))
        optimizer.step(network.parameters())  # bug: no backward
    return losses


def train_backward_once(network, loss, optimizer, X, T, epochs):
    losses = []
    loss.forward(network.forward(X), T)
    network.backward(loss.backward())  # bug: the gradients of the first epoch are reused
    for _ in range(epochs):
        losses.append(loss.forward(network.forward(X), T))
        optimizer.step(network.parameters())
    return losses


def train_forgets_step(network, loss, optimizer, X, T, epochs):
    losses = []
    for _ in range(epochs):
        losses.append(loss.forward(network.forward(X), T))
        network.backward(loss.backward())  # bug: no optimizer step
    return losses


def train_loss_after_update(network, loss, optimizer, X, T, epochs):
    losses = []
    for _ in range(epochs):
        loss.forward(network.forward(X), T)
        network.backward(loss.backward())
        optimizer.step(network.parameters())
        losses.append(loss.forward(network.forward(X), T))  # bug: measured after the update
    return losses


def train_returns_nothing(network, loss, optimizer, X, T, epochs):
    my_train(network, loss, optimizer, X, T, epochs)  # bug: no return


def step_ge(x):
    return np.array(x >= 0, dtype=int)  # bug: step(0) is 0


def and_with_or_weights(x1, x2):
    return my_step(x1 + x2 - 0.5)  # bug: that is OR


def and_only_for_numbers(x1, x2):
    return my_step(np.array([x1, x2]) @ np.array([1.0, 1.0]) - 1.5)  # bug: (2, N) @ (2,) fails for arrays


class ReLUForwardInPlace(MyReLU):
    def forward(self, x):
        self.mask = x > 0
        x[~self.mask] = 0  # bug: changes the caller's x
        return x


class MSEChangesY(MyMSE):
    def forward(self, y, t):
        y -= t  # bug: changes the caller's y
        self.y, self.t = y + t, t
        return np.mean(y**2)


class SGDChangesGrad(MySGD):
    def step(self, parameters):
        for _, value, grad in parameters:
            grad *= self.lr  # bug: the gradient is changed
            value -= grad


def step_for_numbers_only(x):
    return 1 if x > 0 else 0  # bug: fails for arrays


PLANTED = [
    ("ReLU", ReLUForwardInPlace, "forward changed its argument x in place", "forward が引数 x をその場で書き換えています"),
    ("MSELoss", MSEChangesY, "forward changed its argument y in place", "forward が引数 y をその場で書き換えています"),
    ("SGD", SGDChangesGrad, "step changed a gradient array", "勾配の配列を書き換えています"),
    ("step", step_for_numbers_only, "step(x) with an array x raised ValueError", "というエラーが出ました"),
    ("Affine", AffineForgetsTranspose, "dW has shape (2, 3), expected (3, 2)", "転置を忘れていませんか"),
    ("Affine", AffineForgetsTranspose, "forget a transpose? dW = x.T @ dout", "dW = x.T @ dout"),
    ("Affine", AffineDxNoTranspose, "backward(dout) raised ValueError", "dx = dout @ W.T"),
    ("Affine", AffineDxNoTranspose, "Check the shapes: dx = dout @ W.T", "形を確かめてください"),
    ("Affine", AffineDbWrongAxis, "db has shape (4,), expected (2,) (the shape of b)", "db = dout.sum(axis=0)"),
    ("Affine", AffineDbMean, "db is wrong: relative error", "和の勾配は和"),
    ("Affine", AffineForgetsX, "forward must keep its input for backward: self.x = x", "self.x = x"),
    ("Affine", AffineNoDW, "backward should store the gradient dW as self.dW", "self.dW に保存"),
    ("Affine", AffineNoGradientSlots, "Network([Affine(W, b)]) refused your layer", "self.dW, self.db = None, None"),
    ("Affine.forward", AffineWrongShape, "forward's output has shape (2, 4), expected (4, 2)", "形が (2, 4) です。(4, 2)"),
    ("Affine.forward", AffineForgetsB, "Did you forget to add b?", "b を足し忘れて"),
    ("Affine.forward", AffineOtherNames, "should keep W as self.W", "self.W (形 (3, 2) の配列)"),
    ("Affine.forward", MyAffine(np.zeros((3, 2)), np.zeros(2)), "pass the class itself", "クラスそのもの"),
    ("Sigmoid", SigmoidNoOneMinusY, "You forgot the factor (1 - y)", "(1 - y) を掛け忘れています"),
    ("Sigmoid", SigmoidModifiesDout, "backward changed its argument dout in place", "dout をその場で書き換えています"),
    ("Sigmoid", SigmoidNoDout, "forgot to multiply by dout", "dout を掛け忘れています"),
    ("ReLU", ReLUMaskGreaterEqual, "the mask is x > 0, not x >= 0", "マスクは x >= 0 ではなく x > 0"),
    ("ReLU", ReLUMaskUpsideDown, "The mask is upside down", "マスクが逆です"),
    ("ReLU", ReLUClassicInPlace, "backward changed its argument dout in place", "dout をその場で書き換えています"),
    ("MSELoss", MSENoMean, "You summed; divide by the number of elements", "和になっています"),
    ("MSELoss", MSEBackwardNoN, "Divide by n, the number of elements: 2 * (y - t) / n", "要素の数 n で割って"),
    ("MSELoss", MSEBackwardNo2, "brings a factor 2", "2 乗の微分で 2 が出ます"),
    ("MSELoss", MSEReturnsArray, "a loss is one number", "損失は 1 つの数です"),
    ("BCELoss", BCESignError, "The sign is flipped: BCE has a minus in front", "符号が逆です。BCE には前にマイナス"),
    ("BCELoss", BCEBackwardSign, "backward() is wrong", "符号が逆です"),
    ("BCELoss", BCEBackwardOfScores, "with respect to the sigmoid's input", "シグモイドの入力についての勾配"),
    ("SGD", SGDIgnoresMomentum, "momentum seems to be ignored", "モメンタムが使われていない"),
    ("SGD", SGDUpdatesACopy, "did not change '0.W' in place: write value -= lr * v", "その場で書き換えていません"),
    ("SGD", SGDUphill, "It moved uphill", "坂を登る向き"),
    ("SGD", SGDOneVelocity, "one velocity v per parameter name", "パラメータの名前ごとに"),
    ("train", train_forgets_backward, "Call network.backward(loss.backward()) before optimizer.step", "network.backward(loss.backward()) を呼んで"),
    ("train", train_backward_once, "at epoch 3 your loss is", "エポック 3 の損失が"),
    ("train", train_forgets_step, "the loss did not change", "損失が変わっていません"),
    ("train", train_loss_after_update, "Record the loss of the forward pass, before the update", "更新の前、順伝播で求めた損失"),
    ("train", train_returns_nothing, "train returned NoneType; return the list of losses", "リストを返してください"),
    ("step", step_ge, "step(0.0) returned 1, expected 0. The step function gives 1 only when x > 0", "x = 0 では 0 です"),
    ("step", MyAffine, "pass a function", "関数(def で作ったもの)"),
    ("AND", and_with_or_weights, "AND(1, 0) returned 1, expected 0", "重みとバイアスを見直して"),
    ("AND", and_only_for_numbers, "write it as w1 * x1 + w2 * x2 + b".replace("write it as", "Write the sum as"), "w1 * x1 + w2 * x2 + b"),
]


@pytest.mark.parametrize(("part", "broken", "en", "ja"), PLANTED, ids=[f"{p[0]}-{getattr(p[1], '__name__', 'instance')}" for p in PLANTED])
def test_a_planted_bug_is_refused_with_its_message(part, broken, en, ja, capsys):
    with pytest.raises(PartError) as english:
        check(part, broken)
    assert en in str(english.value), str(english.value)
    assert str(english.value).startswith(f"{part}: ")
    with pytest.raises(PartError) as japanese:
        check(part, broken, lang="ja")
    assert ja in str(japanese.value), str(japanese.value)
    out = capsys.readouterr().out
    assert "checks passed" not in out and "すべて合格" not in out


def test_japanese_messages_are_polite():
    """Every Japanese failure message of the planted bugs ends in a です/ます form (or a question)."""
    endings = ("。", "?", ")")
    for part, broken, _, _ in PLANTED:
        with pytest.raises(PartError) as err:
            check(part, broken, lang="ja")
        text = str(err.value)
        assert text.endswith(endings), text
        assert "である" not in text and "だ。" not in text, text


def test_a_part_with_a_wrong_gradient_fails_the_numerical_check_too():
    """A backward that matches nnbook's but not its own forward (a forward that is not nnbook's)
    cannot happen through check(); the numerical check itself must be able to fail."""
    from nnbook.yours import _Checker, _numeric_check

    x = np.array([1.0, 2.0])
    with pytest.raises(PartError, match="does not match the numerical gradient"):
        _numeric_check(_Checker("Sigmoid", "en"), lambda _: float(np.sum(x**2)), {"dx": (x, 3 * x)})


def test_check_is_public_and_documented():
    assert "check" in nnbook.__all__ and "PartError" in nnbook.__all__
    text = (__import__("pathlib").Path(__file__).parents[1] / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "yours.py" in text and "check(part, yours" in text

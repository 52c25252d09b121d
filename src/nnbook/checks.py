"""The package's safety net: the checks of nnbook's classes, gathered in one module.

The classes the book shows are meant to be plain NumPy code: ``forward`` computes, ``backward``
differentiates, nothing else. Each carries one decorator from this module, written just above the
part the book includes::

    @checked_optimizer  # above the section marker: the page shows only the class
    class SGD:
        ...

Every class and function the book shows carries one: the layers, ``Network``, the losses, ``SGD``,
``train``, the activation functions, the perceptron and gates, ``numerical_gradient`` and
``load_digits`` (chapter 6 shows ``checked-forward`` below and explains it).

A wrapped layer turns its input into a float array and checks it (finite numbers, the right shape)
before the plain method runs, and checks the result after it (a NumPy array of the expected shape, no
NaN or infinity from an overflow), naming the layer in every message. It hands out read-only views, so
changing an output in place raises an error instead of silently corrupting the next ``backward``.

A checked ``Network`` applies :func:`checked_layer` to the class of each layer it is given (your own
layer included) and refuses, with a message that says what is missing, a layer it cannot train
(:func:`refuse_untrainable_layers`). Inside a network, the network
checks its input once and the layers then only check shapes and overflow, so that training stays fast.
"""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Callable
from numbers import Real
from typing import Any

import numpy as np

from nnbook._checks import NonFiniteError, as_float_array, describe_non_finite, real_input
from nnbook._checks import check_pair as _pair
from nnbook._checks import require_finite_result as _require_finite_result

__all__ = [
    "NonFiniteError",
    "checked_layer",
    "checked_network",
    "checked_loss",
    "checked_optimizer",
    "checked_function",
    "checked_training",
    "checked_call",
    "checked_perceptron",
]

#: The names of the parameters a Network trains, each with its gradient attribute ``"d" + name``.
PARAMETER_NAMES = ("W", "b")

_WRAPPED = "__nnbook_checked__"  # attribute set on every wrapper function (and on checked classes)


class _State(threading.local):
    """What the wrappers need to know about the call they are in (one per thread)."""

    def __init__(self) -> None:
        self.network: Any = None  # the Network whose forward/backward is running, if any
        self.training = False  # inside train(): the first layer's input gradient is not needed
        self.skip_dx: Any = None  # the layer whose backward may skip dL/dx (the first Affine, in train)


_state = _State()


def _readonly(a: np.ndarray) -> np.ndarray:
    """A read-only view of ``a``: whoever receives it cannot change what a layer keeps for backward."""
    v = a.view()
    v.flags.writeable = False
    return v


def _owned(a: np.ndarray) -> np.ndarray:
    """``a`` itself if it is already read-only (nobody can change it), else a private read-only copy."""
    return a if not a.flags.writeable else _readonly(a.copy())


def _trusted(a: Any) -> bool:
    """Inside ``train``, a read-only array was made by ``train`` itself (X, T and their batches, checked
    once) or by a checked layer or loss: it is not checked again, so that training stays fast."""
    return _state.training and type(a) is np.ndarray and not a.flags.writeable


def _name(layer: Any) -> str:
    """``"Affine"``, or ``"layers[2] (Sigmoid)"`` while a network runs the layer."""
    cls = type(layer).__name__
    net = _state.network
    if net is not None:
        for i, other in enumerate(net.layers):
            if other is layer:
                return f"layers[{i}] ({cls})"
    return cls


def _require_array(out: Any, where: str, what: str) -> np.ndarray:
    if not isinstance(out, np.ndarray):
        raise TypeError(f"{where} must return a NumPy array ({what}), got {type(out).__name__}")
    return out


# ---------------------------------------------------------------------------------------------
# Layers
# ---------------------------------------------------------------------------------------------


def checked_layer(cls: type | None = None, *, keeps_finite: bool = False, params_only: Callable | None = None):
    """Class decorator: check every call of the layer's ``forward(x)`` and ``backward(dout)``.

    ``keeps_finite`` says that finite input always gives finite output (true of Sigmoid, ReLU and
    Tanh), so the overflow check of the result can be skipped inside a network. ``params_only(layer,
    dout)`` stores the parameter gradients without computing ``dL/dx``; ``train`` uses it for the
    first layer, whose input is the data (Affine's only). Subclasses are checked too.
    """

    def apply(cls: type) -> type:
        if "forward" in cls.__dict__ and not hasattr(cls.__dict__["forward"], _WRAPPED):
            cls.forward = _checked_forward(cls.__dict__["forward"], keeps_finite)
        if "backward" in cls.__dict__ and not hasattr(cls.__dict__["backward"], _WRAPPED):
            cls.backward = _checked_backward(cls.__dict__["backward"], keeps_finite, params_only)
        if "__init__" in cls.__dict__ and not hasattr(cls.__dict__["__init__"], _WRAPPED):
            cls.__init__ = _checked_layer_init(cls.__dict__["__init__"])
        if not cls.__dict__.get(_WRAPPED):
            setattr(cls, _WRAPPED, True)
            inherited = cls.__dict__.get("__init_subclass__")

            def __init_subclass__(sub: type, **kwargs: Any) -> None:  # a subclass gets the same checks
                if inherited is not None:
                    inherited.__func__(sub, **kwargs)
                else:
                    super(cls, sub).__init_subclass__(**kwargs)
                checked_layer(sub)

            cls.__init_subclass__ = classmethod(__init_subclass__)
        return cls

    return apply if cls is None else apply(cls)


def _checked_layer_init(plain: Callable) -> Callable:
    @functools.wraps(plain)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        plain(self, *args, **kwargs)
        _check_parameters(self, type(self).__name__)

    setattr(__init__, _WRAPPED, True)
    return __init__


def _check_parameters(layer: Any, where: str) -> None:
    """``W`` (n_in, n_out) and ``b`` (n_out,): finite float arrays of one dtype, copied so the layer owns them."""
    if not hasattr(layer, "W"):
        return
    W = real_input(layer.W, f"{where}: W")
    if W.ndim != 2:
        raise ValueError(f"{where}: W must have shape (n_in, n_out), got shape {W.shape}")
    if not hasattr(layer, "b"):
        layer.W = np.array(W)
        return
    b = real_input(layer.b, f"{where}: b")
    if b.shape != (W.shape[1],):
        raise ValueError(f"{where}: b must have shape ({W.shape[1]},) to match W {W.shape}, got {b.shape}")
    dtype = np.result_type(W, b)
    layer.W = np.array(W, dtype=dtype)  # copies: the optimizer updates them in place
    layer.b = np.array(b, dtype=dtype)


def _checked_forward(plain: Callable, keeps_finite: bool) -> Callable:
    @functools.wraps(plain)
    # --8<-- [start:checked-forward]
    def forward(self, x):
        if _state.network is not None:  # inside Network.forward: the network checked x
            return _forward_in_network(self, plain, x, keeps_finite)
        where = f"{type(self).__name__}.forward"
        x = _owned(real_input(x, f"{where}: x"))  # finite floats that nobody can change
        _check_width(self, x, where)  # (N, n_in) or (n_in,) for W of shape (n_in, n_out)
        single = x.ndim == 1 and np.ndim(getattr(self, "W", None)) == 2
        if single:
            x = x[None, :]  # a single input as a batch of one
        with np.errstate(all="ignore"):  # no NumPy warnings: the result is checked below
            out = plain(self, x)  # the plain forward the book shows
        _require_array(out, where, "the layer's output")
        _require_finite_result(out, where)  # inf or NaN: an error naming the layer
        self._nnbook_io = (x.shape, out.shape, single)  # backward checks dout against these
        return _readonly(out[0] if single else out)  # read-only: cannot corrupt backward
    # --8<-- [end:checked-forward]

    setattr(forward, _WRAPPED, True)
    forward._nnbook_keeps_finite = keeps_finite  # read by train's fast path (_FastTraining)
    return forward


def _forward_in_network(layer: Any, plain: Callable, x: np.ndarray, keeps_finite: bool) -> np.ndarray:
    """A layer's forward inside ``Network.forward``: ``x`` is already a checked float batch."""
    out = plain(layer, x)
    if type(out) is not np.ndarray:
        _require_array(out, f"Network.forward: {_name(layer)}.forward", "the layer's output")
    if not keeps_finite:
        _require_finite_result(out, f"Network.forward: {_name(layer)}")
    layer._nnbook_io = (x.shape, out.shape, False)
    return _readonly(out)


def _check_width(layer: Any, x: np.ndarray, where: str) -> None:
    W = getattr(layer, "W", None)
    if isinstance(W, np.ndarray) and W.ndim == 2:
        n_in = W.shape[0]
        if x.ndim not in (1, 2) or x.shape[-1] != n_in:
            raise ValueError(
                f"{where}: x must have shape (N, {n_in}) or ({n_in},) for W of shape {W.shape}, got {x.shape}"
            )


def _checked_backward(plain: Callable, keeps_finite: bool, params_only: Callable | None) -> Callable:
    @functools.wraps(plain)
    def backward(self: Any, dout: Any) -> np.ndarray:
        io = getattr(self, "_nnbook_io", None)
        cls = type(self).__name__
        if io is None:
            raise RuntimeError(f"{cls}.backward called before {cls}.forward: nothing cached to differentiate")
        in_shape, out_shape, single = io
        if _state.network is not None:  # inside Network.backward: dout comes from the loss or the next layer
            if dout.shape != out_shape:
                raise ValueError(
                    f"Network.backward: {_name(self)}.backward got dout of shape {dout.shape}, expected "
                    f"{out_shape} (the shape its forward returned)"
                )
            if params_only is not None and _state.skip_dx is self and type(self).backward is backward:
                params_only(self, dout)  # train: the data needs no gradient (see Network.backward)
                return None
            dx = plain(self, dout)
            if type(dx) is not np.ndarray or dx.shape != in_shape:
                _check_dx(dx, in_shape, f"Network.backward: {_name(self)}.backward")
            if not keeps_finite:
                _require_finite_result(dx, f"Network.backward: {_name(self)}")
            return dx
        where = f"{cls}.backward"
        d = real_input(dout, f"{where}: dout")
        expected = out_shape[1:] if single else out_shape
        if d.shape != expected:
            raise ValueError(f"{where}: dout has shape {d.shape}, expected {expected} (the shape forward returned)")
        d = _readonly(d[None, :] if single else d)  # backward must not change the caller's dout
        with np.errstate(all="ignore"):
            dx = plain(self, d)
        _check_dx(dx, in_shape, where)
        _require_finite_result(dx, where)
        for p in PARAMETER_NAMES:
            grad = getattr(self, "d" + p, None)
            if isinstance(grad, np.ndarray):
                _require_finite_result(grad, f"{where} (d{p})")
        return dx[0] if single else dx

    setattr(backward, _WRAPPED, True)
    backward._nnbook_params_only = params_only  # read by train's fast path (_FastTraining)
    return backward


def _check_dx(dx: Any, in_shape: tuple[int, ...], where: str) -> None:
    _require_array(dx, where, "the gradient for its input")
    if dx.shape != in_shape:
        raise ValueError(f"{where} returned a gradient of shape {dx.shape}, expected {in_shape} (the shape of its input)")


# ---------------------------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------------------------


def checked_network(cls: type) -> type:
    """Class decorator for ``Network``: check the layers once, the input at the door, the gradients at the end."""
    plain_init, plain_forward, plain_backward = cls.__init__, cls.forward, cls.backward

    @functools.wraps(plain_init)
    def __init__(self: Any, layers: Any) -> None:
        plain_init(self, _check_layers(layers))
        self._nnbook_out = None

    @functools.wraps(plain_forward)
    def forward(self: Any, x: Any) -> np.ndarray:
        if _state.network is not None:  # a network inside a network: already checked
            return plain_forward(self, x)
        if not _trusted(x):
            x = _owned(real_input(x, "Network.forward: x"))
        first = self.layers[0]
        single = x.ndim == 1
        if single:
            x = x[None, :]
        W = getattr(first, "W", None)
        if x.ndim != 2 or (isinstance(W, np.ndarray) and x.shape[1] != W.shape[0]):
            need = f"(N, {W.shape[0]}) for layers[0] (W of shape {W.shape})" if isinstance(W, np.ndarray) else "(N, n_features)"
            raise ValueError(f"Network.forward: x must have shape {need}, got {x.shape[1:] if single else x.shape}")
        _state.network = self
        try:
            with np.errstate(all="ignore"):
                out = plain_forward(self, x)
        finally:
            _state.network = None
        self._nnbook_out = (out.shape, single)
        return out[0] if single else out

    @functools.wraps(plain_backward)
    def backward(self: Any, dout: Any) -> np.ndarray | None:
        if _state.network is not None:
            return plain_backward(self, dout)
        if self._nnbook_out is None:
            raise RuntimeError("Network.backward called before Network.forward: nothing cached to differentiate")
        out_shape, single = self._nnbook_out
        d = dout if _trusted(dout) else real_input(dout, "Network.backward: dout")
        expected = out_shape[1:] if single else out_shape
        if d.shape != expected:
            raise ValueError(f"Network.backward: dout has shape {d.shape}, expected {expected} (the shape forward returned)")
        d = _readonly(d[None, :] if single else d)
        _state.network = self
        _state.skip_dx = self.layers[0] if _state.training else None
        try:
            with np.errstate(all="ignore"):
                dx = plain_backward(self, d)
        finally:
            _state.network = _state.skip_dx = None
        if dx is None:
            return None
        return dx[0] if single else dx

    for f in (__init__, forward, backward):
        setattr(f, _WRAPPED, True)
    cls.__init__, cls.forward, cls.backward = __init__, forward, backward
    return cls


_KNOWN_CACHES = {"x", "out", "mask", "dW", "db", "y", "t"}  # arrays a layer may keep for backward


def refuse_untrainable_layers(layers: list[Any]) -> None:
    """Refuse, naming the layer and what is wrong, any layer a Network could not run or train:
    a class instead of an instance, no forward/backward, the same object twice, or (in a layer
    without a ``parameters()`` method) an array attribute other than W and b that no optimizer sees."""
    seen: dict[int, int] = {}
    for i, layer in enumerate(layers):
        name = type(layer).__name__
        if isinstance(layer, type):
            raise TypeError(f"Network: layers[{i}] is the class {layer.__name__}, not a layer; write {layer.__name__}(...)")
        missing = [m for m in ("forward", "backward") if not callable(getattr(layer, m, None))]
        if missing:
            raise TypeError(f"Network: layers[{i}] ({name}) has no {'/'.join(missing)} method")
        if id(layer) in seen:
            raise ValueError(
                f"Network: layers[{seen[id(layer)]}] and layers[{i}] are the same {name} object; a layer keeps what "
                f"its own forward saw, so each position needs its own instance (e.g. {name}() twice)"
            )
        seen[id(layer)] = i
        if hasattr(layer, "parameters"):
            continue
        for p in PARAMETER_NAMES:
            if hasattr(layer, p) and not hasattr(layer, "d" + p):
                raise TypeError(
                    f"Network: layers[{i}] ({name}) has {p} but no d{p}: set self.d{p} = None in __init__ "
                    f"and store the gradient there in backward"
                )
        for attr, value in vars(layer).items():
            if isinstance(value, np.ndarray) and attr not in PARAMETER_NAMES and attr not in _KNOWN_CACHES:
                raise TypeError(
                    f"Network: layers[{i}] ({name}) holds an array {attr!r} that no optimizer would update: a Network "
                    f"trains a layer's W and b (gradients dW and db): rename it to W or b, or give the layer a "
                    f"parameters() method that returns (name, value, grad) triples"
                )


def _check_layers(layers: Any) -> list[Any]:
    """The layers as a list, each one trainable and checked, or a clear error."""
    if isinstance(layers, (str, bytes)) or not hasattr(layers, "__iter__"):
        raise TypeError(f"Network: layers must be a list of layers, got {type(layers).__name__}")
    layers = list(layers)
    if not layers:
        raise ValueError("Network: layers is empty; give at least one layer")
    refuse_untrainable_layers(layers)
    previous_width: tuple[int, int] | None = None  # (index, n_out) of the last layer with W
    for i, layer in enumerate(layers):
        cls = type(layer).__name__
        if not getattr(type(layer), _WRAPPED, False):
            checked_layer(type(layer))  # your own layer gets the same checks as the package's
        if hasattr(layer, "W"):
            _check_parameters(layer, f"Network: layers[{i}] ({cls})")
            n_in, n_out = layer.W.shape
            if previous_width is not None and previous_width[1] != n_in:
                j, width = previous_width
                raise ValueError(
                    f"Network: layers[{i}] ({cls}) takes {n_in} inputs but layers[{j}] gives {width} outputs"
                )
            previous_width = (i, n_out)
    return layers


# ---------------------------------------------------------------------------------------------
# Losses
# ---------------------------------------------------------------------------------------------


def checked_loss(cls: type | None = None, *, prepare: Callable | None = None):
    """Class decorator for a loss ``forward(y, t) -> float`` / ``backward() -> dL/dy``.

    ``prepare(y, t)`` checks and converts the pair (default: finite arrays of one shape, ``t`` in
    ``y``'s dtype). The loss comes back as a Python float, never ``-0.0``, and never NaN or infinite.
    """

    def apply(cls: type) -> type:
        name = cls.__name__
        plain_forward, plain_backward = cls.forward, cls.backward
        check = prepare or _pair

        @functools.wraps(plain_forward)
        def forward(self: Any, y: Any, t: Any) -> float:
            y, t = check(name, y, t)
            with np.errstate(all="ignore"):
                loss = float(plain_forward(self, _owned(y), _owned(t))) + 0.0  # + 0.0 turns -0.0 into 0.0
            if not np.isfinite(loss):
                raise NonFiniteError(f"{name}.forward: the loss overflowed to {loss}; y is far too large")
            self._nnbook_ready = True
            return loss

        @functools.wraps(plain_backward)
        def backward(self: Any) -> np.ndarray:
            if not getattr(self, "_nnbook_ready", False):
                raise RuntimeError(f"{name}.backward called before {name}.forward: no y and t to differentiate")
            with np.errstate(all="ignore"):
                d = plain_backward(self)
            return _readonly(_require_finite_result(_require_array(d, f"{name}.backward", "dL/dy"), f"{name}.backward"))

        for f in (forward, backward):
            setattr(f, _WRAPPED, True)
        cls.forward, cls.backward = forward, backward
        return cls

    return apply if cls is None else apply(cls)


# ---------------------------------------------------------------------------------------------
# Optimizer
# ---------------------------------------------------------------------------------------------


def checked_optimizer(cls: type) -> type:
    """Class decorator for ``SGD(lr, momentum)``: check the hyperparameters and every step.

    A step updates all parameters or none: if any update overflows, every parameter (and velocity)
    is restored and ``FloatingPointError`` is raised. One optimizer belongs to one network.
    """
    plain_init, plain_step = cls.__init__, cls.step
    name = cls.__name__

    @functools.wraps(plain_init)
    def __init__(self: Any, lr: float, momentum: float = 0.0) -> None:
        if not (isinstance(lr, Real) and not isinstance(lr, bool) and 0 < lr < np.inf):
            raise ValueError(f"{name}: lr must be a finite number > 0, got {lr!r}")
        if not (isinstance(momentum, Real) and not isinstance(momentum, bool) and 0 <= momentum < 1):
            raise ValueError(f"{name}: momentum must be in [0, 1), got {momentum!r}")
        plain_init(self, float(lr), float(momentum))
        self._nnbook_owned: dict[str, np.ndarray] = {}  # name -> the array this optimizer updates

    @functools.wraps(plain_step)
    def step(self: Any, parameters: Any) -> None:
        params = _check_step(name, parameters, self._nnbook_owned)
        saved = [value.copy() for _, value, _ in params]
        # the velocities: a dict whose arrays are replaced by each step, never changed in place
        saved_state = {k: dict(v) if isinstance(v, dict) else v for k, v in vars(self).items()}
        try:
            with np.errstate(over="raise", invalid="raise"):
                plain_step(self, params)
            for pname, value, _ in params:
                if not np.isfinite(value).all():
                    raise NonFiniteError(f"{name}.step: the update made {pname!r} {describe_non_finite(value)}")
        except (FloatingPointError, NonFiniteError) as err:
            for (_, value, _), old in zip(params, saved):
                value[...] = old
            vars(self).clear()
            vars(self).update(saved_state)
            for pname, _, grad in params:  # a bad gradient, rather than a bad update? (checked only now: it is rare)
                if not np.isfinite(grad).all():
                    raise NonFiniteError(
                        f"{name}.step: gradient of {pname!r} contains {describe_non_finite(grad)}; no parameter was changed"
                    ) from None
            raise FloatingPointError(
                f"{name}.step: the update overflowed ({err}); no parameter was changed. The learning rate "
                f"may be too large (lr={self.lr})"
            ) from None
        for pname, value, _ in params:
            self._nnbook_owned.setdefault(pname, value)

    for f in (__init__, step):
        setattr(f, _WRAPPED, True)
    cls.__init__, cls.step = __init__, step
    return cls


def _check_step(name: str, parameters: Any, owned: dict[str, np.ndarray]) -> list[tuple[str, np.ndarray, np.ndarray]]:
    where = f"{name}.step"
    if not hasattr(parameters, "__iter__") or isinstance(parameters, (str, bytes, dict)):
        raise TypeError(f"{where}: expected a list of (name, value, grad), e.g. network.parameters(), got {type(parameters).__name__}")
    params = []
    names: set[str] = set()
    for item in parameters:
        if not (isinstance(item, tuple) and len(item) == 3):
            raise TypeError(f"{where}: each parameter must be a (name, value, grad) tuple, got {item!r:.80}")
        pname, value, grad = item
        if not isinstance(pname, str) or pname in names:
            raise ValueError(f"{where}: parameter names must be distinct strings, got {pname!r} twice" if pname in names else f"{where}: parameter name must be a string, got {pname!r}")
        names.add(pname)
        if not isinstance(value, np.ndarray) or value.dtype not in (np.float32, np.float64) or not value.flags.writeable:
            kind = f"an array of dtype {value.dtype}" if isinstance(value, np.ndarray) else type(value).__name__
            raise TypeError(f"{where}: the value of {pname!r} must be a writable float32/float64 NumPy array (it is updated in place), got {kind}")
        if pname in owned and owned[pname] is not value:
            raise ValueError(
                f"{where}: {pname!r} is not the array this optimizer updated before (a second network, or a "
                "replaced array); use one optimizer per network"
            )
        if grad is None:
            raise RuntimeError(f"{where}: parameter {pname!r} has no gradient yet; call network.backward(...) first")
        grad = as_float_array(grad, f"{where}: gradient of {pname!r}")
        if grad.shape != value.shape:
            raise ValueError(f"{where}: gradient of {pname!r} has shape {grad.shape}, expected {value.shape}")
        params.append((pname, value, grad))
    return params


# ---------------------------------------------------------------------------------------------
# Functions and the training loop
# ---------------------------------------------------------------------------------------------


def checked_function(f: Callable | None = None, *, allow_inf: bool = True, integer: bool = False):
    """Decorator for an elementwise function ``f(x)``: ``x`` becomes a float array (NaN refused),
    NumPy's overflow warnings are silenced where the result is still right, and a 0-d result comes
    back as a number (``int`` when ``integer``)."""

    def apply(f: Callable) -> Callable:
        @functools.wraps(f)
        def wrapper(x: Any) -> Any:
            if _state.network is not None:  # inside a network's layer: x is checked, warnings are off
                return f(x)
            x = real_input(x, f"{f.__name__}: x", allow_inf=allow_inf)
            with np.errstate(over="ignore", under="ignore"):
                out = np.asarray(f(x))
            if out.ndim == 0:
                return int(out) if integer else out[()]
            return out

        setattr(wrapper, _WRAPPED, True)
        return wrapper

    return apply if f is None else apply(f)


def checked_call(check: Callable) -> Callable:
    """Decorator: ``check(name, *args, **kwargs)`` validates and converts the arguments of the function
    called ``name`` and returns them as ``(args, kwargs)``; the plain function then gets those."""

    def apply(f: Callable) -> Callable:
        @functools.wraps(f)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            args, kwargs = check(f.__name__, *args, **kwargs)
            return f(*args, **kwargs)

        setattr(wrapper, _WRAPPED, True)
        return wrapper

    return apply


def checked_perceptron(cls: type) -> type:
    """Class decorator for ``Perceptron(w, b)``: ``w`` a finite 1-D vector, ``b`` one finite number;
    ``preactivation(x)`` takes one input (n,) or a batch (..., n) of finite numbers and gives a number
    for one input. Overflow to infinity is allowed (its sign still decides the output); NaN is not."""
    plain_init, plain_pre = cls.__init__, cls.preactivation
    name = cls.__name__

    @functools.wraps(plain_init)
    def __init__(self: Any, w: Any, b: Any) -> None:
        w = real_input(w, f"{name}: w")
        if w.ndim != 1 or np.ndim(b) != 0:
            raise ValueError(f"{name}: w must be a 1-D vector and b a single number, got shapes {w.shape} and {np.shape(b)}")
        plain_init(self, w, real_input(b, f"{name}: b"))

    @functools.wraps(plain_pre)
    def preactivation(self: Any, x: Any) -> Any:
        x = real_input(x, f"{name}.preactivation: x")
        n = self.w.size
        if x.ndim == 0 or x.shape[-1] != n:
            raise ValueError(f"{name}: x must have shape ({n},) or (N, {n}) (or (..., {n})), got {x.shape}")
        with np.errstate(over="ignore", invalid="ignore"):
            out = np.asarray(plain_pre(self, x))
        if np.isnan(out).any():
            raise NonFiniteError(f"{name}.preactivation: w·x + b overflowed to {describe_non_finite(out[np.isnan(out)])} (inf - inf); the numbers are far too large")
        return out[()] if out.ndim == 0 else out

    for f in (__init__, preactivation):
        setattr(f, _WRAPPED, True)
    cls.__init__, cls.preactivation = __init__, preactivation
    return cls


def checked_training(train: Callable) -> Callable:
    """Decorator for ``train``: check its arguments, cast the data to the network's dtype, and turn
    overflow anywhere in the loop into one ``FloatingPointError`` that names the epoch."""

    @functools.wraps(train)
    def wrapper(network: Any, loss: Any, optimizer: Any, X: Any, T: Any, *, epochs: int, batch_size: int | None = None,
                rng: Any = 0, stop: Callable | None = None, callback: Callable | None = None) -> Any:
        X, T = _check_training_args(network, loss, optimizer, X, T, epochs, batch_size, stop, callback)
        done = [0]

        def count(epoch: int, epoch_loss: float) -> None:
            done[0] = epoch
            if callback is not None:
                callback(epoch, epoch_loss)

        outer, _state.training = _state.training, True
        fast = _FastTraining.for_(network, loss, optimizer, full_batch=batch_size is None or batch_size >= len(X))
        try:
            if fast is None:
                return train(network, loss, optimizer, X, T, epochs=epochs, batch_size=batch_size, rng=rng, stop=stop, callback=count)
            with fast:  # stop and callback run with the caller's NumPy error settings
                return train(fast.network, fast.loss, fast.optimizer, X, T, epochs=epochs, batch_size=batch_size, rng=rng,
                             stop=fast.outside(stop), callback=fast.outside(count) if callback is not None else count)
        except (NonFiniteError, FloatingPointError) as err:
            raise FloatingPointError(
                f"train: the numbers diverged at epoch {done[0] + 1}: {err}; try a smaller lr"
            ) from err
        finally:
            _state.training = outer

    setattr(wrapper, _WRAPPED, True)
    return wrapper


def _check_training_args(network: Any, loss: Any, optimizer: Any, X: Any, T: Any, epochs: Any, batch_size: Any,
                         stop: Any, callback: Any) -> tuple[np.ndarray, np.ndarray]:
    for arg, value, methods in (("network", network, ("forward", "backward", "parameters")),
                                ("loss", loss, ("forward", "backward")), ("optimizer", optimizer, ("step",))):
        missing = [m for m in methods if not callable(getattr(value, m, None))]
        if missing:
            raise TypeError(f"train: {arg} must have {'/'.join(methods)} methods; {value!r:.60} has no {'/'.join(missing)}")
    params = network.parameters()
    if not params:
        raise ValueError("train: the network has no parameters to train (no layer with W and b)")
    dtype = params[0][1].dtype
    X = real_input(X, "train: X")
    if X.ndim != 2:
        raise ValueError(f"train: X must have shape (N, n_features), got {X.shape}")
    if len(X) == 0:
        raise ValueError("train: X is empty (0 samples)")
    T_array = np.asarray(T)
    if T_array.ndim == 1 and T_array.dtype.kind in "iu":  # class indices (SoftmaxCrossEntropyLoss): keep ints
        T = T_array
    else:
        T = real_input(T_array, "train: T")
    if T.ndim not in (1, 2) or (T.ndim == 1 and T.dtype.kind == "f") or len(T) != len(X):
        raise ValueError(
            f"train: T must have shape ({len(X)}, n_outputs), or ({len(X)},) integer class indices, "
            f"to match X {X.shape}; got {T.shape} of dtype {T.dtype}"
        )
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"train: epochs must be an integer >= 1, got {epochs!r}")
    if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1):
        raise ValueError(f"train: batch_size must be None or an integer >= 1, got {batch_size!r}")
    for arg, value in (("stop", stop), ("callback", callback)):
        if value is not None and not callable(value):
            raise TypeError(f"train: {arg} must be a function or None, got {type(value).__name__}")
    # the network computes in its own dtype: float64 data for a float32 network becomes float32
    X = _owned(X.astype(dtype, copy=False))
    if T.dtype.kind == "f":
        T = _owned(T.astype(dtype, copy=False))
    return X, T


# ---------------------------------------------------------------------------------------------
# The fast path of train
# ---------------------------------------------------------------------------------------------

#: False turns train's fast path off (every step fully checked); the tests compare both.
FAST_TRAINING = True
_sum = np.add.reduce  # what ndarray.sum() calls, without its Python wrapper (the fast path's checks)
_multiply, _subtract = np.multiply, np.subtract
_BUFFERED_SIZE = 4096  # parameters with at least this many numbers get the optimizer's own buffer


class _FastTraining:
    """Stand-ins for the network, loss and optimizer that ``train``'s loop calls, so that training stays fast.

    The first step runs fully checked. Once it has passed, the package's own classes cannot fail
    in a new way except through their numbers, so later steps call the plain methods the book shows
    and keep only the checks of what can still go wrong: each Affine output's sum is finite (any NaN or
    infinity makes the sum non-finite), the loss is finite, and the optimizer computes every new value
    first, checks that their sum is finite and that the parameters are still the same arrays, and only
    then writes them (all or nothing, without a snapshot copy). Whenever one of these finds something,
    the step is run again fully checked from its start (no parameter has changed yet), so the error is
    exactly the one a fully checked step raises; if that step passes (a sum overflowed although every
    number was finite), training goes on. Used only when every object is exactly one of the package's
    classes (a layer of your own, or a subclass, is checked at every step); mini-batches keep the loss
    checked at every step (a later batch may hold targets the first one did not).
    """

    @classmethod
    def for_(cls, network: Any, loss: Any, optimizer: Any, *, full_batch: bool) -> _FastTraining | None:
        if not FAST_TRAINING:
            return None
        from nnbook.activations import ReLU, Sigmoid, Tanh
        from nnbook.layers import Affine
        from nnbook.losses import BCELoss, BCEWithLogitsLoss, MSELoss, SoftmaxCrossEntropyLoss
        from nnbook.network import Network
        from nnbook.optim import SGD

        known = (type(network) is Network and type(optimizer) is SGD
                 and type(loss) in (BCELoss, BCEWithLogitsLoss, MSELoss, SoftmaxCrossEntropyLoss)
                 and all(type(layer) in (Affine, Sigmoid, ReLU, Tanh) for layer in network.layers))
        overridden = any(m in vars(obj) for obj in (network, loss, optimizer, *network.layers)
                         for m in ("forward", "backward", "step", "parameters"))
        if not known or overridden or not network.layers:
            return None
        return cls(network, loss, optimizer, full_batch)

    def __init__(self, network: Any, loss: Any, optimizer: Any, full_batch: bool) -> None:
        self.checked_network, self.checked_loss, self.checked_optimizer = network, loss, optimizer
        layers = list(network.layers)
        self.forwards = [(layer, type(layer).forward.__wrapped__, not type(layer).forward._nnbook_keeps_finite)
                         for layer in layers]
        self.backwards = [(layer, type(layer).backward.__wrapped__) for layer in reversed(layers[1:])]
        first = type(layers[0]).backward
        self.first_backward = first._nnbook_params_only or first.__wrapped__
        self.first = layers[0]
        self.affines = [(f"{i}.W", f"{i}.b", layer) for i, layer in enumerate(layers) if hasattr(layer, "parameters")]
        self.loss_forward = type(loss).forward.__wrapped__ if full_batch else None
        self.loss_backward = type(loss).backward.__wrapped__
        self.fast = False  # True once a fully checked step has passed
        self.checked_step = False  # this step runs fully checked
        self.owned: list[np.ndarray] = []
        self.new_values: list[np.ndarray] = []  # the optimizer's buffers for the new parameter values
        self.x = self.t = None
        self.network, self.loss, self.optimizer = _FastNetwork(self), _FastLoss(self), _FastOptimizer(self)

    def __enter__(self) -> _FastTraining:
        self.outer_err = np.seterr(all="ignore")  # the checked methods silence NumPy's warnings the same way
        return self

    def __exit__(self, *exc: Any) -> None:
        np.seterr(**self.outer_err)

    def outside(self, f: Callable | None) -> Callable | None:
        """``f`` run with the NumPy error settings ``train`` was called with (not the loop's "ignore")."""
        if f is None:
            return None

        def call(*args: Any) -> Any:
            inside = np.seterr(**self.outer_err)
            try:
                return f(*args)
            finally:
                np.seterr(**inside)

        return call

    def replay(self) -> None:
        """Run the step that started with ``forward(self.x)`` again, fully checked: it raises the checked error."""
        net, loss = self.checked_network, self.checked_loss
        loss.forward(net.forward(self.x), self.t)
        net.backward(loss.backward())
        self.checked_optimizer.step(net.parameters())


class _FastNetwork:
    def __init__(self, run: _FastTraining) -> None:
        self.run = run

    def forward(self, x: np.ndarray) -> np.ndarray:
        run = self.run
        run.x, run.checked_step = x, not run.fast
        if run.checked_step:
            return run.checked_network.forward(x)
        _state.network = run.checked_network  # the functions the layers call skip their checks, as in a network
        try:
            for layer, plain, check in run.forwards:
                x = plain(layer, x)
                if check and not math.isfinite(_sum(x, axis=None)):  # NaN or infinity somewhere (or a sum that overflowed)
                    break
            else:
                return x
        finally:
            _state.network = None
        run.checked_step = True
        return run.checked_network.forward(run.x)

    def backward(self, dout: np.ndarray) -> None:
        run = self.run
        if run.checked_step:
            return run.checked_network.backward(dout)
        _state.network = run.checked_network
        try:
            for layer, plain in run.backwards:
                dout = plain(layer, dout)
            run.first_backward(run.first, dout)  # the first Affine: dW and db only (the data needs no gradient)
        finally:
            _state.network = None
        return None

    def predict(self, x: Any) -> np.ndarray:
        return self.run.checked_network.predict(x)

    def parameters(self) -> list[tuple[str, np.ndarray, Any]]:
        run = self.run
        if run.checked_step:
            return run.checked_network.parameters()
        # Network.parameters() of a network of the package's classes (only Affine has parameters), without its loops
        return [p for name_w, name_b, layer in run.affines for p in ((name_w, layer.W, layer.dW), (name_b, layer.b, layer.db))]


class _FastLoss:
    def __init__(self, run: _FastTraining) -> None:
        self.run = run

    def forward(self, y: np.ndarray, t: np.ndarray) -> float:
        run = self.run
        run.t = t
        if run.checked_step or run.loss_forward is None:
            return run.checked_loss.forward(y, t)
        _state.network = run.checked_network  # e.g. softmax inside the loss: the loss value is checked below
        try:
            value = float(run.loss_forward(run.checked_loss, y, t)) + 0.0  # + 0.0 turns -0.0 into 0.0
        finally:
            _state.network = None
        if not math.isfinite(value):
            return run.checked_loss.forward(y, t)  # raises the checked error
        return value

    def backward(self) -> np.ndarray:
        run = self.run
        if run.checked_step or run.loss_forward is None:
            return run.checked_loss.backward()
        _state.network = run.checked_network  # a NaN here makes the optimizer's sum non-finite: replayed
        try:
            return run.loss_backward(run.checked_loss)
        finally:
            _state.network = None


class _FastOptimizer:
    def __init__(self, run: _FastTraining) -> None:
        self.run = run

    def step(self, parameters: list[tuple[str, np.ndarray, Any]]) -> None:
        run = self.run
        opt = run.checked_optimizer
        if run.checked_step:
            opt.step(parameters)
            if not run.fast:
                run.fast, run.owned = True, [value for _, value, _ in parameters]
                # buffers for large arrays only: for a few numbers, out= costs more than a new array
                run.new_values = [np.empty_like(value) if value.size >= _BUFFERED_SIZE else None for value in run.owned]
            return
        # SGD's update (nnbook/optim.py), computed before anything is written: all or nothing.
        # The same operations in the same order, so the same bits, with fewer temporaries for a large
        # parameter: the new velocity is one fresh array (as in the listing), and the new value is
        # computed into a buffer of this run's own (allocated at the first fast step), then copied.
        lr, momentum, velocity = opt.lr, opt.momentum, opt.velocity
        updates = []
        total = 0.0
        if len(parameters) != len(run.owned):
            return run.replay()
        for (name, value, grad), owned, new in zip(parameters, run.owned, run.new_values):
            if value is not owned or not isinstance(grad, np.ndarray) or grad.shape != value.shape:
                return run.replay()  # replaced by a callback: the checked step says what is wrong
            v = velocity.get(name, 0.0)
            if new is not None and type(v) is np.ndarray and v.dtype == grad.dtype == value.dtype and v.shape == value.shape:
                v = _multiply(v, momentum)  # momentum * v + grad
                v += grad
                _multiply(v, lr, out=new)  # value - lr * v
                _subtract(value, new, out=new)
            else:  # the listing's own expressions (small arrays, or a velocity changed by a callback)
                v = momentum * v + grad
                new = value - lr * v
            total += _sum(new, axis=None)
            updates.append((name, value, v, new))
        if not math.isfinite(total):
            return run.replay()
        for name, value, v, new in updates:
            value[...] = new
            velocity[name] = v

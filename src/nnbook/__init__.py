"""nnbook — the small NumPy package behind "ゼロから作る全結合層 / Fully-Connected Layers from Scratch".

Everything the book teaches is importable from here::

    from nnbook import AND, XOR, Affine, Sigmoid, BCELoss, make_mlp, SGD, train, truth_table

``nnbook.plot`` (figures, needs matplotlib) and ``nnbook.cli`` (the command line) are imported on
their own.
"""

from nnbook.activations import ReLU, Sigmoid, Tanh, relu, sigmoid, step, tanh
from nnbook.datasets import TRUTH_TABLES, Digits, load_digits, truth_table
from nnbook.gradcheck import GradientReport, check_gradients, numerical_gradient, relative_error
from nnbook.layers import INITS, Affine
from nnbook.losses import BCELoss, BCEWithLogitsLoss, MSELoss, SoftmaxCrossEntropyLoss, softmax
from nnbook.network import ACTIVATIONS, Network, make_mlp
from nnbook.optim import SGD
from nnbook.perceptron import AND, GATE_PARAMS, NAND, OR, XOR, Perceptron, PerceptronTraining, train_perceptron
from nnbook.train import (
    LOSSES,
    XOR_RECIPE,
    History,
    XORRun,
    XORSweep,
    batches,
    outputs_within,
    sweep_xor,
    train,
    train_xor,
    xor_recipe,
)
from nnbook.yours import PartError, check

__version__ = "0.1.0"

__all__ = [
    "step", "sigmoid", "relu", "tanh", "Sigmoid", "ReLU", "Tanh",
    "Perceptron", "AND", "OR", "NAND", "XOR", "GATE_PARAMS", "train_perceptron", "PerceptronTraining",
    "Affine", "INITS",
    "MSELoss", "BCELoss", "BCEWithLogitsLoss", "SoftmaxCrossEntropyLoss", "softmax",
    "Network", "make_mlp", "ACTIVATIONS",
    "SGD",
    "train", "batches", "History", "outputs_within", "train_xor", "sweep_xor", "XORRun", "XORSweep", "XOR_RECIPE", "xor_recipe", "LOSSES",
    "numerical_gradient", "check_gradients", "GradientReport", "relative_error",
    "truth_table", "TRUTH_TABLES", "load_digits", "Digits",
    "check", "PartError",
]  # fmt: skip

"""Handwritten digits: nnbook's layers against scikit-learn's MLPClassifier (accuracy and training time).

One command (needs the ``digits`` extra, i.e. scikit-learn):

    .venv/bin/python benchmarks/bench_digits.py            # print the table
    .venv/bin/python benchmarks/bench_digits.py --write    # ... and write benchmarks/results/digits.*

Both learn from the same fixed split (``nnbook.load_digits()``: 1,348 training and 449 test images)
and are scored on the same test images. The functions between the ``--8<--`` markers are the ones
the digits appendix includes and runs, so the page and this script train exactly the same way; the
page shows the accuracies (the same on every run: the seeds fix them), this script the times, which
depend on the machine. Each time is the median CPU time (``time.process_time``) of several runs in
this process, with the BLAS and OpenMP thread pools limited to ``--threads`` (default 1) by threadpoolctl.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from nnbook import SGD, SoftmaxCrossEntropyLoss, load_digits, make_mlp, train

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


# --8<-- [start:train-digits]
def train_digits(data, *, epochs=20, seed=0, dtype=np.float64):
    """A 64-64-10 network (ReLU, softmax cross-entropy) trained with mini-batch SGD."""
    network = make_mlp([64, 64, 10], activation="relu", output="identity", rng=seed,
                       dtype=dtype)
    loss = SoftmaxCrossEntropyLoss()
    optimizer = SGD(lr=0.1, momentum=0.9)
    T_train = np.eye(10, dtype=dtype)[data.t_train]  # one-hot rows (indices work too)
    X_train = data.X_train.astype(dtype)
    history = train(network, loss, optimizer, X_train, T_train, epochs=epochs,
                    batch_size=32, rng=seed)
    return network, history


def accuracy(network, X, t):
    """The fraction of images whose highest score is the correct digit."""
    return float(np.mean(network.predict(X).argmax(axis=1) == t))
# --8<-- [end:train-digits]


# --8<-- [start:mlp-classifier]
def train_mlp_classifier(data, *, seed=0):
    """scikit-learn's MLPClassifier with one hidden layer of 64 ReLU units (its defaults
    otherwise: Adam, L2 penalty 1e-4, batches of 200, stopping when the loss no longer
    improves)."""
    from sklearn.neural_network import MLPClassifier

    classifier = MLPClassifier(hidden_layer_sizes=(64,), max_iter=1000,
                               random_state=seed)
    classifier.fit(data.X_train, data.t_train)
    return classifier
# --8<-- [end:mlp-classifier]


def timed(fn, repeats):
    times, result = [], None
    for _ in range(repeats):
        t0 = time.process_time()  # CPU time: waiting for a core on a busy machine does not count
        result = fn()
        times.append(time.process_time() - t0)
    return statistics.median(times), result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="write benchmarks/results/digits.json, digits.md, digits.ja.md")
    args = parser.parse_args(argv)

    from sklearn import __version__ as sklearn_version
    from threadpoolctl import threadpool_limits

    data = load_digits()
    rows = []
    with threadpool_limits(limits=args.threads):
        for dtype in (np.float64, np.float32):
            seconds, (network, history) = timed(lambda: train_digits(data, dtype=dtype), args.repeats)
            rows.append({
                "model": f"nnbook 64-64-10 (SGD, {np.dtype(dtype).name})",
                "seconds": seconds,
                "train_accuracy": accuracy(network, data.X_train.astype(dtype), data.t_train),
                "test_accuracy": accuracy(network, data.X_test.astype(dtype), data.t_test),
                "epochs": history.epochs,
                "losses": history.losses,
            })
        seconds, classifier = timed(lambda: train_mlp_classifier(data), args.repeats)
        rows.append({
            "model": "scikit-learn MLPClassifier (Adam, float64)",
            "seconds": seconds,
            "train_accuracy": float(classifier.score(data.X_train, data.t_train)),
            "test_accuracy": float(classifier.score(data.X_test, data.t_test)),
            "epochs": int(classifier.n_iter_),
            "losses": [float(x) for x in classifier.loss_curve_],
        })

    command = ".venv/bin/python benchmarks/bench_digits.py" + "".join(f" {a}" for a in (argv if argv is not None else sys.argv[1:]))
    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    report = {
        "command": command,
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "machine": {"cpu": cpu, "cores": os.cpu_count(), "os": f"{platform.system()} {platform.release()}",
                    "python": platform.python_version()},
        "versions": {"numpy": np.__version__, "scikit-learn": sklearn_version},
        "threads": args.threads,
        "repeats": args.repeats,
        "split": {"train": len(data.X_train), "test": len(data.X_test)},
        "rows": rows,
    }
    for row in rows:
        print(f"{row['model']:<52} test {row['test_accuracy']:.1%}  train {row['train_accuracy']:.1%}  "
              f"{row['epochs']:>4} epochs  {row['seconds']:.2f} s")
    print(f"median of {args.repeats} runs, {args.threads} thread(s); {cpu}, Python {platform.python_version()}, "
          f"NumPy {np.__version__}, scikit-learn {sklearn_version}")
    if args.write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "digits.json").write_text(json.dumps(report, indent=2) + "\n")
        for lang in ("en", "ja"):
            name = "digits.md" if lang == "en" else "digits.ja.md"
            (RESULTS / name).write_text(markdown(report, lang))
        print("wrote benchmarks/results/digits.json, digits.md, digits.ja.md", file=sys.stderr)


LABELS = {
    "en": {"model": "model", "test": "test accuracy", "train": "training accuracy", "epochs": "epochs",
           "time": "training time (CPU)", "measured": "Measured on", "threads": "threads",
           "median": "times are the median of {n} runs", "command": "Produced by", "end": "."},
    "ja": {"model": "モデル", "test": "テスト正解率", "train": "訓練正解率", "epochs": "エポック数",
           "time": "学習時間 (CPU 時間)", "measured": "計測環境", "threads": "スレッド数",
           "median": "時間は {n} 回の実行の中央値", "command": "生成コマンド", "end": "。"},
}


def markdown(report, lang):
    lab = LABELS[lang]
    m = report["machine"]
    lines = [
        f"| {lab['model']} | {lab['test']} | {lab['train']} | {lab['epochs']} | {lab['time']} |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for row in report["rows"]:
        lines.append(f"| {row['model']} | {row['test_accuracy']:.1%} | {row['train_accuracy']:.1%} "
                     f"| {row['epochs']} | {row['seconds']:.2f} s |")
    lines += [
        "",
        f"{lab['measured']}: {m['cpu']} ({m['cores']} cores), {m['os']}, Python {m['python']}, "
        f"NumPy {report['versions']['numpy']}, scikit-learn {report['versions']['scikit-learn']}; "
        f"{lab['threads']}: {report['threads']}; {lab['median'].format(n=report['repeats'])}{lab['end']}",
        "",
        f"{lab['command']} ({report['date']}): `{report['command']}`",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()

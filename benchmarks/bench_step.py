"""How long does one training step take? nnbook against PyTorch and against the matrix products alone.

One command:

    .venv/bin/python benchmarks/bench_step.py                     # print the table
    .venv/bin/python benchmarks/bench_step.py --write             # ... and write benchmarks/results/step.*
    .venv/bin/python benchmarks/bench_step.py --torch-python /tmp/torchvenv/bin/python --write

A *step* is what ``nnbook.train`` repeats: forward pass, loss, backward pass, SGD update (momentum
0.9, as in the book's recipes). The networks:

    2-4-1     batch 4    sigmoid hidden layer, sigmoid output, BCE loss (the XOR network of chapter 11)
    64-64-10  batch 32   ReLU hidden layer, softmax cross-entropy loss (the digits appendix)
    784-256-10 batch 128, 784-1024-10 batch 512: the same, MNIST-sized

each in float32 and float64. Three *engines* are timed:

    nnbook   the package, as a reader uses it (Network, Affine, losses, SGD)
    torch    PyTorch on the CPU, the same network, loss, update and thread count (optional: timed
             only when an interpreter that can ``import torch`` is found; see --torch-python)
    floor    the matrix products alone that such a step must do, with NumPy into preallocated
             arrays: X@W1, H@W2 forward; H.T@dY, dY@W2.T, X.T@dH backward (no gradient for the
             input data, which nobody needs). No engine that multiplies the same matrices with the
             same BLAS can be faster than this, so ``nnbook / floor`` is what the package adds.

Each engine runs in its own process (a fresh interpreter, so no engine warms a cache or a thread pool
for another), the engines take turns (interleaved, the order rotated every repetition) and each
process reports the median CPU time of one step per configuration (see ``measure``). The table shows, per engine, the
lowest of these medians over the repetitions: other programs on the machine can only slow a process
down, so the least disturbed one is the best estimate (``--json`` keeps every process's median). Thread counts are fixed before NumPy or PyTorch is imported (OMP/OPENBLAS/MKL_NUM_THREADS
and torch.set_num_threads) and checked with threadpoolctl when it is installed.

Timings depend on the machine: the table carries the machine it was measured on. Never assert on them
in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"

# (sizes, batch): the four networks of the issue.
NETWORKS: list[tuple[tuple[int, ...], int]] = [
    ((2, 4, 1), 4),
    ((64, 64, 10), 32),
    ((784, 256, 10), 128),
    ((784, 1024, 10), 512),
]
DTYPES = ["float32", "float64"]
ENGINES = ["nnbook", "torch", "floor"]
LEARNING_RATE = 0.01
MOMENTUM = 0.9


def net_name(sizes) -> str:
    return "-".join(str(n) for n in sizes)


# ------------------------------------------------------------------------------------------------
# Workers: each runs in its own process and prints one JSON object {config key: median seconds}.
# ------------------------------------------------------------------------------------------------


def make_data(sizes, batch, dtype_name):
    """Inputs and targets, the same for every engine (NumPy arrays)."""
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, sizes[0])).astype(dtype_name)
    if sizes[-1] == 1:  # XOR-like: targets in {0, 1}, same shape as the output
        t = rng.integers(0, 2, size=(batch, 1)).astype(dtype_name)
    else:  # classification: one class index per example
        t = rng.integers(0, sizes[-1], size=batch)
    weights = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        w = (rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in)).astype(dtype_name)
        weights.append((w, np.zeros(n_out, dtype=dtype_name)))
    return x, t, weights


def nnbook_step(sizes, batch, dtype_name):
    import nnbook

    x, t, weights = make_data(sizes, batch, dtype_name)
    layers = []
    for i, (w, b) in enumerate(weights):
        layers.append(nnbook.Affine(w, b))
        if i < len(weights) - 1:
            layers.append(nnbook.Sigmoid() if sizes[-1] == 1 else nnbook.ReLU())
    if sizes[-1] == 1:
        layers.append(nnbook.Sigmoid())
        loss = nnbook.BCELoss()
    else:
        loss = nnbook.SoftmaxCrossEntropyLoss()
    network = nnbook.Network(layers)
    optimizer = nnbook.SGD(lr=LEARNING_RATE, momentum=MOMENTUM)

    def step():  # STEPS_PER_CALL steps of nnbook.train (full batch: one step per epoch)
        nnbook.train(network, loss, optimizer, x, t, epochs=STEPS_PER_CALL)

    step.per_call = STEPS_PER_CALL
    step.network, step.loss, step.optimizer, step.data = network, loss, optimizer, (x, t)  # check_overhead.py

    def check():  # the parameters must stay in the requested dtype (float32 end to end)
        for name, value, grad in network.parameters():
            assert value.dtype == x.dtype and grad.dtype == x.dtype, (name, value.dtype, grad.dtype)

    return step, check


def torch_step(sizes, batch, dtype_name):
    import torch

    x, t, weights = make_data(sizes, batch, dtype_name)
    dtype = getattr(torch, dtype_name)
    modules = []
    for i, (w, b) in enumerate(weights):
        linear = torch.nn.Linear(w.shape[0], w.shape[1], dtype=dtype)
        with torch.no_grad():  # the same start as nnbook (torch stores W transposed)
            linear.weight.copy_(torch.from_numpy(w.T.copy()))
            linear.bias.copy_(torch.from_numpy(b))
        modules.append(linear)
        if i < len(weights) - 1:
            modules.append(torch.nn.Sigmoid() if sizes[-1] == 1 else torch.nn.ReLU())
    if sizes[-1] == 1:
        modules.append(torch.nn.Sigmoid())
        loss_fn = torch.nn.BCELoss()
    else:
        loss_fn = torch.nn.CrossEntropyLoss()
    model = torch.nn.Sequential(*modules)
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM)
    x = torch.from_numpy(x)
    t = torch.from_numpy(t)

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(x), t)
        loss.backward()
        optimizer.step()

    def check():
        for p in model.parameters():
            assert p.dtype == dtype and p.grad.dtype == dtype

    return step, check


def floor_step(sizes, batch, dtype_name):
    import numpy as np

    x, _, weights = make_data(sizes, batch, dtype_name)
    # Activations and gradients of every layer, allocated once; only the products are timed.
    acts = [x] + [np.ones((batch, w.shape[1]), dtype=dtype_name) for w, _ in weights]
    grads = [np.ones_like(a) for a in acts]
    dws = [np.empty_like(w) for w, _ in weights]

    def step():
        for i, (w, _) in enumerate(weights):  # forward: one product per layer
            np.matmul(acts[i], w, out=acts[i + 1])
        for i in range(len(weights) - 1, -1, -1):  # backward: dW always, dX except for the input
            np.matmul(acts[i].T, grads[i + 1], out=dws[i])
            if i > 0:
                np.matmul(grads[i + 1], weights[i][0].T, out=grads[i])

    return step, lambda: None


#: nnbook's step is timed through ``nnbook.train`` (the public API, with its checks and its skip of the
#: data's gradient), run for this many epochs per call so the argument checks count once per call.
STEPS_PER_CALL = 10


def measure(step, min_time: float, min_samples: int = 10) -> float:
    """Median CPU time of one step, after a warm-up.

    The clock is the process's CPU time (``time.process_time``), not the wall clock: on a machine
    shared with other programs, time spent waiting for a core is not the step's (they can still
    slow it down by evicting caches). With one thread, the two agree on an idle machine. Steps are
    timed in groups of ``k`` (each group at least ~1 ms) so the clock's own cost does not count.
    """
    k, start = 0, time.perf_counter()
    while time.perf_counter() - start < 0.001 or k < 3:  # warm-up, and k steps take >= 1 ms
        step()
        k += 1
    samples = []
    start = time.perf_counter()
    while len(samples) < min_samples or time.perf_counter() - start < min_time:
        c0 = time.process_time()
        for _ in range(k):
            step()
        samples.append((time.process_time() - c0) / (k * getattr(step, "per_call", 1)))
    return statistics.median(samples)


def blas_info() -> str:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl not installed"
    parts = []
    for pool in threadpool_info():
        name = pool.get("internal_api", "?")
        version = pool.get("version") or ""
        arch = pool.get("architecture")
        parts.append(f"{name} {version}{' ' + arch if arch else ''}, {pool['num_threads']} thread(s)")
    return "; ".join(parts)


def worker(engine: str, configs: list[str], threads: int, min_time: float) -> None:
    import numpy as np

    info = {"numpy": np.__version__, "blas": blas_info()}
    if engine == "torch":
        import torch

        torch.set_num_threads(threads)
        torch.set_num_interop_threads(threads)
        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
    make = {"nnbook": nnbook_step, "torch": torch_step, "floor": floor_step}[engine]
    results = {}
    for key in configs:
        sizes, batch, dtype_name = parse_key(key)
        step, check = make(sizes, batch, dtype_name)
        results[key] = measure(step, min_time)
        check()
    print(json.dumps({"info": info, "seconds": results}))


def config_key(sizes, batch, dtype_name) -> str:
    return f"{net_name(sizes)}/{batch}/{dtype_name}"


def parse_key(key: str):
    net, batch, dtype_name = key.split("/")
    return tuple(int(n) for n in net.split("-")), int(batch), dtype_name


# ------------------------------------------------------------------------------------------------
# Driver: starts the workers, interleaved, and prints / writes the table.
# ------------------------------------------------------------------------------------------------


def thread_env(threads: int) -> dict[str, str]:
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(threads)
    src = str(ROOT / "src")  # nnbook importable from the checkout even where it is not installed
    env["PYTHONPATH"] = src + os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else src
    return env


def find_torch_python(requested: str | None) -> str | None:
    candidates = [requested] if requested else [sys.executable]
    for python in candidates:
        probe = subprocess.run([python, "-c", "import torch"], capture_output=True)
        if probe.returncode == 0:
            return python
        if requested:
            sys.exit(f"--torch-python {requested}: cannot import torch there:\n{probe.stderr.decode()}")
    return None


def run_worker(python: str, engine: str, configs, threads: int, min_time: float) -> dict:
    command = [python, str(Path(__file__).resolve()), "--worker", engine, "--threads", str(threads),
               "--min-time", str(min_time), "--configs", ",".join(configs)]
    done = subprocess.run(command, capture_output=True, text=True, env=thread_env(threads))
    if done.returncode != 0:
        sys.exit(f"{engine} worker failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine_info() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
        # other programs compete for the cores: the 1-minute load average, before and after
        "load_average": [round(os.getloadavg()[0], 2)] if hasattr(os, "getloadavg") else [],
    }


def format_time(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    us = seconds * 1e6
    if us < 1000:
        return f"{us:.3g} µs"
    return f"{us / 1000:.3g} ms"


def ratio(a, b) -> str:
    return "–" if a is None or b is None else f"{a / b:.2f}"


LABELS = {
    "en": {
        "net": "network", "batch": "batch", "dtype": "dtype", "floor": "floor",
        "torch_over": "PyTorch / nnbook", "over_floor": "nnbook / floor",
        "measured": "Measured on", "threads": "threads",
        "median": "median CPU time of a step in each process, lowest of {n} processes per engine",
        "end": ".", "load": "load average (1 min) before → after",
    },
    "ja": {
        "net": "ネットワーク", "batch": "バッチ", "dtype": "dtype", "floor": "下限 (floor)",
        "torch_over": "PyTorch / nnbook", "over_floor": "nnbook / 下限",
        "measured": "計測環境", "threads": "スレッド数",
        "median": "各プロセスで測った 1 ステップの CPU 時間の中央値 (エンジンごとに {n} プロセスのうち最小)",
        "end": "。", "load": "ロードアベレージ (1 分) 計測前 → 計測後",
    },
}


def goals(report: dict, lang: str) -> list[str]:
    """The performance goals of the project (CONTRIBUTING.md), each with the measured ratio and whether it is met.

    Printed with the terminal table for maintainers; the Markdown that appendix A2 includes leaves them out.
    """
    sec = report["seconds"]
    text = {
        "en": ("{net} {dtype}: at least 5x faster than PyTorch: {r:.2f}x", "{net} {dtype}: no slower than PyTorch: "
               "PyTorch / nnbook = {r:.2f}", "{net} {dtype}: within 1.3x the floor: nnbook / floor = {r:.2f}",
               "met", "not met", "Goals"),
        "ja": ("{net} {dtype}: PyTorch の 5 倍以上速い: {r:.2f} 倍", "{net} {dtype}: PyTorch より遅くない: "
               "PyTorch / nnbook = {r:.2f}", "{net} {dtype}: 下限の 1.3 倍以内: nnbook / 下限 = {r:.2f}",
               "達成", "未達成", "目標"),
    }[lang]
    lines = []
    checks = [("2-4-1/4/float64", "torch", 0, lambda r: r >= 5), ("2-4-1/4/float32", "torch", 0, lambda r: r >= 5),
              ("784-256-10/128/float32", "torch", 1, lambda r: r >= 1),
              ("784-256-10/128/float32", "floor", 2, lambda r: r <= 1.3)]
    for key, other, k, ok in checks:
        if key not in sec or other not in sec[key] or "nnbook" not in sec[key]:
            continue
        r = sec[key]["torch"] / sec[key]["nnbook"] if other == "torch" else sec[key]["nnbook"] / sec[key]["floor"]
        net, _, dtype = key.split("/")
        lines.append("- " + text[k].format(net=net, dtype=dtype, r=r) + f" — **{text[3] if ok(r) else text[4]}**")
    return [f"{text[5]}:", ""] + lines + [""] if lines else []


def table_rows(report: dict):
    for key in report["configs"]:
        sizes, batch, dtype_name = parse_key(key)
        med = report["seconds"][key]
        yield net_name(sizes), batch, dtype_name, med.get("nnbook"), med.get("torch"), med.get("floor")


def markdown(report: dict, lang: str) -> str:
    lab = LABELS[lang]
    m = report["machine"]
    lines = [
        f"| {lab['net']} | {lab['batch']} | {lab['dtype']} | nnbook | PyTorch | {lab['floor']} "
        f"| {lab['torch_over']} | {lab['over_floor']} |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for net, batch, dtype_name, nb, th, fl in table_rows(report):
        lines.append(f"| {net} | {batch} | {dtype_name} | {format_time(nb)} | {format_time(th)} "
                     f"| {format_time(fl)} | {ratio(th, nb)} | {ratio(nb, fl)} |")
    torch_version = report["versions"].get("torch") or "–"
    lines += [
        "",
        f"{lab['measured']} ({report['date']}): {m['cpu']} ({m['cores']} cores), {m['os']}, Python {m['python']}, "
        f"NumPy {report['versions']['numpy']} ({report['versions']['blas']}), PyTorch {torch_version}; "
        f"{lab['threads']}: {report['threads']}; {lab['median'].format(n=report['repeats'])}; "
        f"{lab['load']}: {' → '.join(str(x) for x in m.get('load_average', []))}" + (f"; OPENBLAS_CORETYPE={m['openblas_coretype']}" if m["openblas_coretype"] else "")
        + lab["end"],
        "",
    ]
    return "\n".join(lines)


def text_table(report: dict) -> str:
    header = ("network", "batch", "dtype", "nnbook", "PyTorch", "floor", "torch/nnbook", "nnbook/floor")
    rows = [header] + [
        (net, str(batch), dt, format_time(nb), format_time(th), format_time(fl), ratio(th, nb), ratio(nb, fl))
        for net, batch, dt, nb, th, fl in table_rows(report)
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    out = ["  ".join(c.rjust(w) if i >= 3 or i == 1 else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths)))
           for r in rows]
    out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(out)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=1, help="BLAS / OpenMP / torch threads (default 1)")
    parser.add_argument("--repeats", type=int, default=5, help="processes per engine, interleaved (default 5)")
    parser.add_argument("--min-time", type=float, default=0.2, help="seconds of steps per configuration and process")
    parser.add_argument("--torch-python", help="a Python that can import torch (default: this one, if it can)")
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated subset of nnbook,torch,floor")
    parser.add_argument("--nets", help="comma-separated subset, e.g. 2-4-1,784-256-10")
    parser.add_argument("--dtypes", default=",".join(DTYPES))
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    parser.add_argument("--markdown", action="store_true", help="print the table as markdown")
    parser.add_argument("--write", action="store_true",
                        help="write benchmarks/results/step.json, step.md (English) and step.ja.md")
    parser.add_argument("--worker", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--configs", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        worker(args.worker, args.configs.split(","), args.threads, args.min_time)
        return

    nets = [(s, b) for s, b in NETWORKS if not args.nets or net_name(s) in args.nets.split(",")]
    configs = [config_key(s, b, d) for s, b in nets for d in args.dtypes.split(",")]
    engines = [e for e in ENGINES if e in args.engines.split(",")]
    pythons = {"nnbook": sys.executable, "floor": sys.executable}
    if "torch" in engines:
        torch_python = find_torch_python(args.torch_python)
        if torch_python is None:
            print("PyTorch not importable here: timing nnbook and the floor only "
                  "(see --torch-python)", file=sys.stderr)
            engines.remove("torch")
        else:
            pythons["torch"] = torch_python

    runs: dict[str, list[dict]] = {e: [] for e in engines}
    versions: dict[str, str] = {}
    started = time.perf_counter()
    load_before = machine_info()["load_average"]
    for rep in range(args.repeats):
        order = engines[rep % len(engines):] + engines[: rep % len(engines)]  # rotate who goes first
        for engine in order:
            out = run_worker(pythons[engine], engine, configs, args.threads, args.min_time)
            runs[engine].append(out["seconds"])
            if engine == "torch":
                versions["torch"] = out["info"]["torch"]
                versions["torch_threads"] = out["info"]["torch_threads"]
            else:
                versions.update(numpy=out["info"]["numpy"], blas=out["info"]["blas"])
        print(f"repetition {rep + 1}/{args.repeats} done ({time.perf_counter() - started:.0f} s)",
              file=sys.stderr)

    command_args = [a for a in (argv if argv is not None else sys.argv[1:])]
    machine = machine_info()
    machine["load_average"] = load_before + machine["load_average"]
    report = {
        "command": " ".join([".venv/bin/python", "benchmarks/bench_step.py"] + [shlex.quote(a) for a in command_args]),
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "machine": machine,
        "versions": versions,
        "threads": args.threads,
        "repeats": args.repeats,
        "min_time": args.min_time,
        "configs": configs,
        # per engine: the least disturbed process (the lowest of the per-process medians)
        "seconds": {k: {e: min(r[k] for r in runs[e]) for e in engines} for k in configs},
        "runs": {e: runs[e] for e in engines},
        "learning_rate": LEARNING_RATE,
        "momentum": MOMENTUM,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    elif args.markdown:
        print(markdown(report, "en"))
    else:
        m = report["machine"]
        print(f"{m['cpu']} ({m['cores']} cores), {m['os']}, Python {m['python']}, NumPy {versions.get('numpy')} "
              f"({versions.get('blas')}), PyTorch {versions.get('torch', 'not timed')}")
        print(f"threads: {args.threads} (OMP/OPENBLAS/MKL_NUM_THREADS"
              f"{', torch.set_num_threads' if 'torch' in engines else ''}); "
              f"median CPU time of a step in each process, lowest of {args.repeats} processes per engine"
              + (f"; OPENBLAS_CORETYPE={m['openblas_coretype']}" if m["openblas_coretype"] else ""))
        print(f"load average (1 min) before -> after: {' -> '.join(str(x) for x in m['load_average'])}")
        print()
        print(text_table(report))
        print()
        print("\n".join(goals(report, "en")).replace("**", ""))
    if args.write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "step.json").write_text(json.dumps(report, indent=2) + "\n")
        (RESULTS / "step.md").write_text(markdown(report, "en"))
        (RESULTS / "step.ja.md").write_text(markdown(report, "ja"))
        print(f"wrote {RESULTS.relative_to(ROOT)}/step.json, step.md, step.ja.md", file=sys.stderr)


if __name__ == "__main__":
    main()

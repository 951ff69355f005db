#!/usr/bin/env python3
"""Runs the recurrent suite (benchmarks/recurrent) and prints a markdown table.

    benchmarks/recurrent/run.py [build_dir] [--rounds N] [--min-time S] [--quick]
                                [--libraries LIBS] [--core C] [--trained DIR] [--write]
                                [--csv PATH]

build_dir (default build/bench) holds benchmarks/bench_rnn_<library> for any of scalar,
hardwired, eigen, libtorch (missing ones are skipped) and benchmarks/peak_fma.

Cells (common.hpp, bench_main.hpp): the network 1 → LSTM(H) or GRU(H) → dense 1 (linear), the
same weights for every library, H = 8, 16, 32, 40, 64; and NAM's A1 standard WaveNet (two layer
arrays of 16 and 8 channels, ten dilated causal convolutions of kernel 3 each):

    step/<kind>/H      one time step per call, as an audio plugin runs it, over a stream of 4096
                       distinct samples: ns per call = ns per sample
    lanes32/<kind>/16  32 independent sequences of step/<kind>/16's model (the same weights), one
                       time step of all 32 per call, as a plugin running voices or channels
                       would; sequence q at time t reads sample (t + 97·q) mod 4096 of the
                       stream: ns per call / 32 = ns per sequence-step, comparable with
                       step/<kind>/16's ns per sample (hardwired: hw::step_lanes; libtorch: the
                       step cell's modules with batch 32; not eigen, scalar, libtorch chunk)
    chunk/<kind>/H     (libtorch only) the 4096 samples in one call: ns per call / 4096
    train256/lstm/32   one truncated-BPTT training step on 256 samples (forward from the carried
                       state, mean MSE over the 256 steps, backward through time, plain SGD with
                       lr 1e-3): ns per call / 256 per sample; ns per step printed below the table
    wavenet/a1/16      the WaveNet, one sample per call over the same stream: ns per sample
                       (scalar, hardwired, libtorch; not eigen); its libtorch chunk column is
                       chunk/wavenet/a1/16, the 4096 samples in one call from zero histories

Weights. By default each model's weights are drawn from U(±1/√H), as PyTorch initialises a
layer. With --trained DIR every library steps weights a model has learned instead in the step
and lanes cells: the files of DIR (common.hpp, make_weights), which benchmarks/train_rnn_weights
writes first if any is missing (each model trained on the suite's task: the soft clipper
tanh(2.5·x) of the signal, 200 epochs). Trained gates and cells reach the ranges where σ and
tanh cost more than near zero. The training cell starts from the drawn weights either way.

Method. Every executable runs pinned to one core (taskset -c C, default 1) in interleaved
rounds: round r runs peak_fma, then scalar, hardwired, eigen, libtorch, each one full run
(--benchmark_format=json --benchmark_min_time=S), so slow drifts of a shared machine hit every
library alike. A cell's value is the median over the rounds of Google Benchmark's real_time,
divided by the samples per call. --quick: 1 round, min time 0.05 s (indicative only).

Columns: ns per sample for each library (libtorch twice: one step per call, and chunk); the
real-time factor of hardwired at 48 kHz, ns_per_sample · 48000 / 1e9 (the fraction of one core
a 48 kHz mono stream takes; 1 = exactly real time); the ratios library / hardwired (> 1 means
hardwired is faster; libtorch's for step and chunk); the FLOPs per sample; the ideal time at
peak, FLOPs / peak GFLOP/s = ns, the peak being peak_fma's float32 FMA throughput of the core
(median over the rounds); and hardwired / ideal.

FLOPs per sample. Only the matrix products are counted, each multiply-add as 2 FLOPs:

    LSTM(H)   2·4H·(1 + H)  (4H gate rows, each a dot product with the input (1) and with h (H))
              + 2·H         (the dense head, H → 1)
    GRU(H)    2·3H·(1 + H) + 2·H
    lanes32   per sequence-step, the same count as step/<kind>/16 (one time step of one model)
    train256  3 × the LSTM's forward count per sample: the forward products, the products with
              Wᵀ that carry δ back (to h and to x), and the weight gradients' outer products.
    WaveNet   Σ over the layer arrays (in → C channels, head size h, L layers of kernel K):
                2·in·C                          (rechannel, in → C)
              + L·(2·C·C·K + 2·C + 2·C·C)       (per layer: the dilated conv over K taps, the
                                                 input mixer 1 → C, the 1×1 C → C)
              + 2·C·h                           (head_rechannel, C → h)
              A1 (1 → 16 → head 8, 16 → 8 → head 1, L = 10, K = 3): 21,088 + 5,552 = 26,640.

Not counted: the bias additions and the sum of the input and hidden sides of each gate row,
the nonlinearities (LSTM 5H: 3H sigmoids and 2H tanh; GRU 3H: 2H sigmoids and H tanh), the
element-wise state updates (LSTM 4H, GRU 6H multiplies and adds) and, for training, their
derivatives, the loss and the SGD update; for the WaveNet the biases, the residual and head
sums, its C tanh per layer (240 per sample) and the head scale. At these sizes the
nonlinearities (an exp or a tanh each, tens of instructions) are a large part of the real work,
so the ideal time is a loose lower bound.

Output. The table goes to stdout (progress to stderr). With --write, also
benchmarks/results/recurrent.csv (recurrent_trained.csv with --trained; or --csv PATH) with
header `library,cell,metric,value`:
`<library>,<cell>,ns_per_sample,v` for every cell (per sequence-step for lanes32/),
`<library>,train256/lstm/32,ns_per_step,v`, `hardwired,<cell>,rtf_48k,v`,
`-,<cell>,flops_per_sample,v` and `peak,-,peak_gflops,v`.

Standard library only.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)
ROOT = os.path.dirname(BENCH)

# The comparison suite's driver: finding, pinning and running executables, the peak, formats.
sys.path.insert(0, BENCH)
from run_bench import (cmake_cache, cpu_model, find_executable, fmt_ns, fmt_ratio,  # noqa: E402
                       log, markdown_table, pick_core, run_library, run_peak)

# Run order within a round.
LIBRARIES = ["scalar", "hardwired", "eigen", "libtorch"]
HIDDEN = [8, 16, 32, 40, 64]
GATES = {"lstm": 4, "gru": 3}
STREAM = 4096          # rnn::stream: samples per chunk/ call
LANES, LANES_HIDDEN = 32, 16  # rnn::lanes, rnn::lanes_hidden: sequence-steps per lanes32/ call
TRAIN_CHUNK = 256      # rnn::train_chunk: samples per train256/ call
TRAIN_CELL = "train256/lstm/32"
WAVENET_CELL = "wavenet/a1/16"
# NAM's A1 WaveNet (rnn::wavenet): per layer array (in, channels, head); layers, kernel.
WAVENET_ARRAYS = [(1, 16, 8), (16, 8, 1)]
WAVENET_LAYERS, WAVENET_KERNEL = 10, 3
CELLS = ([f"step/{k}/{h}" for k in GATES for h in HIDDEN]
         + [f"lanes{LANES}/{k}/{LANES_HIDDEN}" for k in GATES] + [TRAIN_CELL, WAVENET_CELL])
SAMPLE_RATE = 48000
WEIGHTS_VARIABLE = "HARDWIRED_RNN_WEIGHTS"  # rnn::weights_variable
CSV_HEADER = ["library", "cell", "metric", "value"]


def samples_per_call(name: str) -> int:
    """Samples (for lanes32/, sequence-steps) one call of benchmark `name` processes."""
    prefix = name.split("/")[0]
    return {"step": 1, "wavenet": 1, "chunk": STREAM, f"lanes{LANES}": LANES,
            "train256": TRAIN_CHUNK}[prefix]


def chunk_cell(cell: str) -> str | None:
    """The libtorch chunk benchmark of a cell: chunk/<kind>/H for step/<kind>/H,
    chunk/wavenet/a1/16 for the WaveNet, none for lanes and training."""
    if cell.startswith("step/"):
        return cell.replace("step/", "chunk/", 1)
    return "chunk/" + cell if cell == WAVENET_CELL else None


def forward_flops(kind: str, hidden: int) -> float:
    """2 per multiply-add of one time step: the gate products and the dense head."""
    return 2.0 * GATES[kind] * hidden * (1 + hidden) + 2.0 * hidden


def wavenet_flops() -> float:
    """2 per multiply-add of one sample of the WaveNet: per array rechannel, per layer the dilated
    conv, the input mixer and the 1x1, then head_rechannel."""
    K, L = WAVENET_KERNEL, WAVENET_LAYERS
    return sum(2.0 * i * c + L * (2.0 * c * c * K + 2.0 * c + 2.0 * c * c) + 2.0 * c * h
               for i, c, h in WAVENET_ARRAYS)


def cell_flops(cell: str) -> float:
    """FLOPs per sample of a cell (see the docstring)."""
    if cell == WAVENET_CELL:
        return wavenet_flops()
    what, kind, hidden = cell.split("/")
    f = forward_flops(kind, int(hidden))
    return 3 * f if what.startswith("train") else f


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


def fmt_rtf(v: float | None) -> str:
    return "—" if v is None else f"{v:.2g}" if v < 0.01 else f"{v:.3f}"


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def table(ns: dict[str, dict[str, float]], peak: float | None) -> str:
    """ns[lib][benchmark name] = median ns per sample; one row per cell."""
    def get(lib: str, name: str) -> float | None:
        return ns.get(lib, {}).get(name)

    header = ["cell", "hardwired", "eigen", "libtorch", "libtorch chunk", "scalar",
              "hardwired RTF 48k", "eigen/hw", "libtorch/hw", "libtorch chunk/hw", "scalar/hw",
              "FLOPs/sample"]
    if peak:
        header += ["ideal", "hw/ideal"]
    rows = []
    for cell in CELLS:
        chunk = chunk_cell(cell)
        hw = get("hardwired", cell)
        vals = {"eigen": get("eigen", cell), "libtorch": get("libtorch", cell),
                "chunk": get("libtorch", chunk) if chunk else None, "scalar": get("scalar", cell)}
        row = [cell, fmt_ns(hw), fmt_ns(vals["eigen"]), fmt_ns(vals["libtorch"]),
               fmt_ns(vals["chunk"]), fmt_ns(vals["scalar"]),
               fmt_rtf(hw * SAMPLE_RATE / 1e9 if hw is not None else None)]
        row += [fmt_ratio(ratio(vals[k], hw)) for k in ("eigen", "libtorch", "chunk", "scalar")]
        flops = cell_flops(cell)
        row.append(f"{flops:,.0f}")
        if peak:
            ideal = flops / peak
            row += [fmt_ns(ideal), fmt_ratio(ratio(hw, ideal))]
        rows.append(row)
    return markdown_table(header, rows)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build_dir", nargs="?", default=os.path.join(ROOT, "build", "bench"))
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    ap.add_argument("--min-time", type=float, default=0.2,
                    help="Google Benchmark's min time per benchmark, s (default 0.2)")
    ap.add_argument("--quick", action="store_true", help="1 round, min time 0.05 s")
    ap.add_argument("--libraries", type=lambda s: [x for x in s.split(",") if x],
                    help=f"comma-separated subset of {','.join(LIBRARIES)}")
    ap.add_argument("--core", type=int, help="the core to pin to (default 1)")
    ap.add_argument("--trained", metavar="DIR",
                    help="step learned weights, from DIR (trained first if missing)")
    ap.add_argument("--write", action="store_true",
                    help="also write the results as CSV (benchmarks/results/recurrent.csv, "
                         "recurrent_trained.csv with --trained)")
    ap.add_argument("--csv", help="where --write writes")
    args = ap.parse_args(argv)
    if args.quick:
        args.rounds, args.min_time = 1, 0.05
    if args.rounds < 1:
        ap.error("--rounds must be at least 1")
    wanted = args.libraries or LIBRARIES
    unknown = [l for l in wanted if l not in LIBRARIES]
    if unknown:
        ap.error(f"unknown libraries: {', '.join(unknown)}")

    build_dir = os.path.abspath(args.build_dir)
    executables = {l: find_executable(build_dir, f"bench_rnn_{l}") for l in wanted}
    libs = [l for l in wanted if executables[l]]
    missing = [l for l in wanted if not executables[l]]
    if not libs:
        log(f"error: no bench_rnn_<library> executables in {build_dir}/benchmarks (build them: "
            f"ninja -C {args.build_dir} " + " ".join(f"bench_rnn_{l}" for l in LIBRARIES) + ")")
        return 1
    if missing:
        log(f"not built, skipped: {', '.join(missing)}")
    peak_exe = find_executable(build_dir, "peak_fma")
    if not peak_exe:
        log("peak_fma not built: no ideal times")
    core = pick_core(args.core)
    if args.csv is None:
        name = "recurrent_trained.csv" if args.trained else "recurrent.csv"
        args.csv = os.path.join(BENCH, "results", name)
    if args.trained:
        weights_dir = os.path.abspath(args.trained)
        files = [os.path.join(weights_dir, f"{k}{h}.txt") for k in GATES for h in HIDDEN]
        if not all(os.path.isfile(f) for f in files):
            trainer = find_executable(build_dir, "train_rnn_weights")
            if not trainer:
                log(f"error: {weights_dir} lacks trained weights and {build_dir}/benchmarks has "
                    f"no train_rnn_weights to make them (build it: ninja -C {args.build_dir} "
                    f"train_rnn_weights)")
                return 1
            log(f"training the models into {weights_dir}")
            p = subprocess.run([trainer, weights_dir], capture_output=True, text=True)
            if p.returncode != 0:
                log(f"error: train_rnn_weights failed ({p.returncode}): {p.stderr.strip()}")
                return 1
        os.environ[WEIGHTS_VARIABLE] = weights_dir
    else:
        os.environ.pop(WEIGHTS_VARIABLE, None)  # drawn weights, whatever the shell says

    samples: dict[str, dict[str, list[float]]] = {l: {} for l in libs}
    peaks: list[float] = []
    failed: dict[str, str] = {}
    timeout = max(600.0, 2000 * args.min_time)
    started = time.monotonic()
    for r in range(args.rounds):
        parts = []
        if peak_exe:
            try:
                peaks.append(run_peak(peak_exe, core, 0.05 if args.quick else 0.1, 3))
                parts.append(f"peak {peaks[-1]:.1f} GFLOP/s")
            except (RuntimeError, subprocess.TimeoutExpired, OSError) as e:
                log(f"warning: {e}")
        for lib in libs:
            if lib in failed:
                continue
            t0 = time.monotonic()
            try:
                times = run_library(executables[lib], core, args.min_time, ".", timeout)
            except (RuntimeError, subprocess.TimeoutExpired, OSError, ValueError) as e:
                failed[lib] = str(e)
                log(f"warning: {lib} failed, dropped from the results: {e}")
                continue
            for name, t in times.items():
                samples[lib].setdefault(name, []).append(t)
            parts.append(f"{lib} {time.monotonic() - t0:.1f} s")
        log(f"round {r + 1}/{args.rounds}: " + ", ".join(parts))
    libs = [l for l in libs if l not in failed]
    if not libs:
        log("error: every library failed")
        return 1

    # Medians, per sample.
    ns = {lib: {name: statistics.median(ts) / samples_per_call(name)
                for name, ts in samples[lib].items()} for lib in libs}
    peak = statistics.median(peaks) if peaks else None

    cache = cmake_cache(build_dir)
    date = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    print(f"# hardwired recurrent suite — {date}\n")
    print(f"- CPU: {cpu_model()}, pinned to core {core}")
    if cache.get("CMAKE_CXX_COMPILER"):
        print(f"- Built by {cache['CMAKE_CXX_COMPILER']}, {cache.get('CMAKE_BUILD_TYPE', '?')}, "
              f"HARDWIRED_BENCH_NATIVE={cache.get('HARDWIRED_BENCH_NATIVE', '?')}")
    scaling = run_library.context.get("cpu_scaling_enabled")
    if scaling:
        print("- CPU frequency scaling is enabled: timings are noisier")
    print(f"- Method: {args.rounds} interleaved round(s), median of Google Benchmark's real time; "
          f"min time {args.min_time:g} s per benchmark; ns per sample")
    if peak is not None:
        span = f", range {min(peaks):.1f}–{max(peaks):.1f}" if len(peaks) > 1 else ""
        print(f"- Peak float32 FMA throughput: {peak:.1f} GFLOP/s (peak_fma, median of "
              f"{len(peaks)}{span}); ideal = FLOPs / peak, FLOPs = 2 per multiply-add of the gate "
              f"products and the dense head (×3 for training), of the WaveNet's convolutions; "
              f"element-wise work not counted")
    if args.trained:
        print(f"- Weights: learned, from {os.environ[WEIGHTS_VARIABLE]} (train_rnn_weights), "
              f"the same for every library; not the drawn ones of a default run")
    if missing:
        print(f"- Not built, skipped: {', '.join(missing)}")
    for lib, err in failed.items():
        print(f"- FAILED, dropped: {lib}: {err.splitlines()[0] if err else ''}")
    print("- RTF 48k: ns per sample × 48000 / 1e9, the share of one core a 48 kHz stream takes; "
          "ratios library / hardwired (> 1: hardwired is faster)")
    if args.quick:
        print("\n**QUICK MODE: 1 round, min time 0.05 s; the numbers are indicative only.**")
    print()
    print(table(ns, peak))
    per_step = [f"{lib} {fmt_ns(ns[lib][TRAIN_CELL] * TRAIN_CHUNK / 1e3)} µs"
                for lib in libs if TRAIN_CELL in ns[lib]]
    if per_step:
        print(f"\n{TRAIN_CELL}, per training step of {TRAIN_CHUNK} samples: " + ", ".join(per_step))

    if args.write:
        path = os.path.abspath(args.csv)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(CSV_HEADER)
            for lib in libs:
                # by name, the size (the last part) numerically
                for name in sorted(ns[lib], key=lambda n: (n.rsplit("/", 1)[0],
                                                             int(n.rsplit("/", 1)[1]))):
                    w.writerow([lib, name, "ns_per_sample", f"{ns[lib][name]:.6g}"])
                    if name == TRAIN_CELL:
                        w.writerow([lib, name, "ns_per_step",
                                    f"{ns[lib][name] * TRAIN_CHUNK:.6g}"])
                    if lib == "hardwired":
                        w.writerow([lib, name, "rtf_48k",
                                    f"{ns[lib][name] * SAMPLE_RATE / 1e9:.6g}"])
            for cell in CELLS:
                w.writerow(["-", cell, "flops_per_sample", f"{cell_flops(cell):.6g}"])
            if peak is not None:
                w.writerow(["peak", "-", "peak_gflops", f"{peak:.6g}"])
        print(f"\nCSV: {os.path.relpath(path, ROOT) if path.startswith(ROOT) else path}")
    log(f"done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

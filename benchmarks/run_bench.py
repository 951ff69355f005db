#!/usr/bin/env python3
"""Runs the comparison suite and reports it: tables, benchmarks/results/latest.csv, latest.svg.

    benchmarks/run_bench.py [build_dir] [--rounds N] [--min-time S] [--filter NETS] [--quick]
                            [--libraries LIBS] [--core C] [--out-dir DIR] [--no-compile-time]
    benchmarks/run_bench.py build_dir --selftest

build_dir (default build/bench) holds benchmarks/bench_<library> for any of scalar, hardwired,
eigen, libtorch, dlib, fann (missing ones are skipped) and benchmarks/peak_fma.

Method. Every library runs pinned to one core (taskset -c C, default 1) in interleaved rounds:
round r runs peak_fma, then scalar, hardwired, eigen, libtorch, dlib, fann, each one full run of
its executable (--benchmark_format=json --benchmark_min_time=S), so slow drifts of a shared
machine hit every library alike. Networks A–G (benchmarks/comparison/common.hpp; G is a residual
MLP, which the dlib and FANN adapters do not run: their G cells stay empty). Each cell is the
median over the rounds of Google Benchmark's real_time, as

    fwd1_ns                 ns per call of one sample's forward pass
    batch64_ns_per_sample   ns of a forward call on 64 samples, / 64
    train32_ns_per_sample   ns of a training step on 32 samples (forward, MSE, backward, SGD), / 32

The ideal time of a cell is its FLOPs at the core's peak FMA throughput (peak_fma, median of the
rounds): forward FLOPs per sample 2·Σ in·out plus one per element of each residual skip's add
(bench::forward_flops), for a training step 3× the 2·Σ in·out and 2× the adds
(bench::train_flops); ideal_ns = flops / peak GFLOP/s. Tables show each library's median, each library's ratio
to hardwired (library / hardwired: > 1 means hardwired is faster) and hardwired / ideal.

Outputs (in --out-dir, default benchmarks/results): latest.csv with header
`library,net,metric,value` (the three metrics; `peak,-,peak_gflops,v`; `hardwired,<net>,
compile_s,v` and `..,text_bytes,v` from compile_time/networks.sh, g++ -O2, nets A–F only), and
latest.svg, a log-scale grouped bar chart per metric.

--quick: nets A–D, 1 round, min_time 0.05 s, compile time measured once: a smoke run whose
numbers are indicative only. --selftest: bench_scalar only, net A, 1 round, tiny min time,
output to a temporary directory; checks the CSV and the SVG (the CTest bench.driver.selftest).

Standard library only.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# Run order within a round; also the column order of the tables and the bars of the chart.
LIBRARIES = ["scalar", "hardwired", "eigen", "libtorch", "dlib", "fann"]
NETS = {
    "A": [2, 3, 1],
    "B": [4, 2, 2, 1],
    "C": [8, 16, 16, 4],
    "D": [16, 32, 32, 8],
    "E": [32, 64, 64, 10],
    "F": [128, 128, 128, 16],
    "G": [16] + [64] * 9 + [8],
}
# Residual spans (first, end) per net, as bench::net_<X>::residuals: a skip adds a[first] to
# a[end], the output of layer end - 1 (a[0] the input, a[l + 1] the output of layer l).
RESIDUALS = {"G": [(1, 3), (3, 5), (5, 7), (7, 9)]}
# The nets compile_time/networks.sh knows.
COMPILE_TIME_NETS = ["A", "B", "C", "D", "E", "F"]
# metric: (benchmark prefix, samples per call, FLOPs per sample: "forward" or "train", description)
METRICS = {
    "fwd1_ns": ("fwd1", 1, "forward", "forward, one sample: ns per call"),
    "batch64_ns_per_sample": ("batch64", 64, "forward", "forward, batch of 64: ns per sample"),
    "train32_ns_per_sample": ("train32", 32, "train", "training step, batch of 32: ns per sample"),
}
CSV_HEADER = ["library", "net", "metric", "value"]
COLORS = {
    "scalar": "#8c8c8c",
    "hardwired": "#d62728",
    "eigen": "#1f77b4",
    "libtorch": "#ff7f0e",
    "dlib": "#2ca02c",
    "fann": "#9467bd",
}
TIME_UNITS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
# libtorch (and any OpenMP/BLAS user) must not start threads on the one pinned core.
SINGLE_THREAD_ENV = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


def dense_flops(net: str) -> float:
    """2 per multiply-add of one sample's forward pass: 2·Σ in·out."""
    sizes = NETS[net]
    return float(sum(2 * a * b for a, b in zip(sizes, sizes[1:])))


def residual_adds(net: str) -> float:
    """Additions of the residual skips in one sample's forward pass (bench::residual_adds)."""
    return float(sum(NETS[net][end] for _, end in RESIDUALS.get(net, [])))


def forward_flops(net: str) -> float:
    """FLOPs of one sample's forward pass (bench::forward_flops)."""
    return dense_flops(net) + residual_adds(net)


def train_flops(net: str) -> float:
    """FLOPs of a training step per sample (bench::train_flops): the multiply-adds 3× (forward,
    Wᵀδ, weight gradient), the skip adds 2× (forward, and the skip's gradient added)."""
    return 3 * dense_flops(net) + 2 * residual_adds(net)


def ideal_ns(net: str, metric: str, peak_gflops: float) -> float:
    """ns per sample (per call for fwd1) at peak: FLOPs / (GFLOP/s) = ns."""
    flops = train_flops(net) if METRICS[metric][2] == "train" else forward_flops(net)
    return flops / peak_gflops


def net_label(net: str) -> str:
    """The sizes, residual spans in brackets, repeats counted: 2-3-1, 16-64-[64-64]×4-8."""
    sizes, tokens, l = NETS[net], [str(NETS[net][0])], 0
    for first, end in RESIDUALS.get(net, []) + [(len(NETS[net]) - 1, None)]:
        tokens += [str(v) for v in sizes[l + 1:first + 1]]
        if end is None:
            break
        tokens.append("[" + "-".join(map(str, sizes[first + 1:end + 1])) + "]")
        l = end
    runs: list[list] = []
    for t in tokens:
        if runs and runs[-1][0] == t and t.startswith("["):
            runs[-1][1] += 1
        else:
            runs.append([t, 1])
    return "-".join(t if n == 1 else f"{t}×{n}" for t, n in runs)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Finding and running the executables
# ---------------------------------------------------------------------------------------------


def find_executable(build_dir: str, name: str) -> str | None:
    for d in (os.path.join(build_dir, "benchmarks"), build_dir):
        path = os.path.join(d, name)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def pick_core(requested: int | None) -> int:
    allowed = sorted(os.sched_getaffinity(0))
    if requested is not None:
        if requested not in allowed:
            sys.exit(f"error: core {requested} is not available (allowed: {allowed})")
        return requested
    # Core 1 by default (core 0 takes more interrupts); the last allowed core on a 1-core box.
    return 1 if 1 in allowed else allowed[-1]


def pinned(cmd: list[str], core: int) -> list[str]:
    if shutil.which("taskset"):
        return ["taskset", "-c", str(core)] + cmd
    return cmd  # run() pins through os.sched_setaffinity instead


def run(cmd: list[str], core: int, timeout: float) -> subprocess.CompletedProcess:
    env = dict(os.environ, **SINGLE_THREAD_ENV)
    preexec = None if shutil.which("taskset") else (lambda: os.sched_setaffinity(0, {core}))
    return subprocess.run(pinned(cmd, core), env=env, capture_output=True, text=True,
                          timeout=timeout, preexec_fn=preexec)


def run_library(exe: str, core: int, min_time: float, bench_filter: str,
                timeout: float) -> dict[str, float]:
    """One full run of a bench executable: {benchmark name: real_time in ns}."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.json")
        cmd = [exe, "--benchmark_format=json", f"--benchmark_min_time={min_time:g}",
               f"--benchmark_filter={bench_filter}", f"--benchmark_out={out}",
               "--benchmark_out_format=json"]
        p = run(cmd, core, timeout)
        if p.returncode != 0:
            raise RuntimeError(f"{os.path.basename(exe)} exited with {p.returncode}:\n"
                               f"{p.stderr.strip()[-2000:]}")
        if "Failed to match any benchmarks" in p.stderr:
            return {}  # the adapter runs none of the nets asked for (dlib or FANN and net G)
        with open(out) as f:
            data = json.load(f)
    times = {}
    for b in data.get("benchmarks", []):
        if b.get("run_type", "iteration") != "iteration" or b.get("error_occurred"):
            continue
        times[b["name"]] = float(b["real_time"]) * TIME_UNITS[b.get("time_unit", "ns")]
    run_library.context = data.get("context", {})
    return times


run_library.context = {}


def run_peak(exe: str, core: int, seconds: float, repetitions: int) -> float:
    p = run([exe, "--seconds", f"{seconds:g}", "--repetitions", str(repetitions)], core, 300)
    m = re.search(r"^peak_gflops\s+([0-9.eE+-]+)\s*$", p.stdout, re.M)
    if p.returncode != 0 or not m:
        raise RuntimeError(f"peak_fma failed ({p.returncode}): {p.stdout}{p.stderr}")
    return float(m.group(1))


def run_compile_time(nets: list[str], runs: int) -> tuple[list[list[str]], str]:
    """compile_time/networks.sh with g++ (the nets of COMPILE_TIME_NETS among nets): its CSV
    rows and its printed tables."""
    nets = [n for n in nets if n in COMPILE_TIME_NETS]
    if not nets:
        return [], ""
    script = os.path.join(HERE, "compile_time", "networks.sh")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "compile.csv")
        p = subprocess.run(["bash", script, "--runs", str(runs), "--compilers", "g++",
                            "--nets", " ".join(nets), "--csv", path],
                           capture_output=True, text=True, timeout=1800)
        if p.returncode != 0:
            raise RuntimeError(f"networks.sh failed ({p.returncode}):\n{p.stdout}{p.stderr}")
        with open(path, newline="") as f:
            rows = list(csv.reader(f))
    if not rows or rows[0] != CSV_HEADER:
        raise RuntimeError(f"networks.sh wrote an unexpected CSV header: {rows[:1]}")
    return rows[1:], p.stdout.strip()


# ---------------------------------------------------------------------------------------------
# Machine description
# ---------------------------------------------------------------------------------------------


def first_line(cmd: list[str]) -> str | None:
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = (p.stdout or p.stderr).strip().splitlines()
    return lines[0] if p.returncode == 0 and lines else None


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def cmake_cache(build_dir: str) -> dict[str, str]:
    values = {}
    try:
        with open(os.path.join(build_dir, "CMakeCache.txt")) as f:
            for line in f:
                m = re.match(r"^([A-Za-z_0-9]+):[A-Z]+=(.*)$", line.strip())
                if m:
                    values[m.group(1)] = m.group(2)
    except OSError:
        pass
    return values


def package_versions(libraries: list[str]) -> list[str]:
    packages = {"eigen": "libeigen3-dev", "libtorch": "libtorch-dev", "dlib": "libdlib-dev",
                "fann": "libfann-dev"}
    out = []
    for pkg in ["libbenchmark-dev"] + [packages[l] for l in libraries if l in packages]:
        v = first_line(["dpkg-query", "-W", "-f=${Version}", pkg])
        if v:
            out.append(f"{pkg} {v}")
    return out


def machine_description(build_dir: str, core: int, libraries: list[str]) -> list[str]:
    cache = cmake_cache(build_dir)
    lines = [f"CPU: {cpu_model()} ({os.cpu_count()} logical cores), pinned to core {core}"
             + ("" if shutil.which("taskset") else " (sched_setaffinity; taskset not found)"),
             f"OS: {platform.system()} {platform.release()}"]
    ctx = run_library.context
    if ctx:
        scaling = ctx.get("cpu_scaling_enabled")
        lines.append(f"Google Benchmark: {ctx.get('num_cpus', '?')} CPUs at "
                     f"{ctx.get('mhz_per_cpu', '?')} MHz, CPU scaling "
                     f"{'ENABLED (timings noisier)' if scaling else 'off'}, library build "
                     f"{ctx.get('library_build_type', '?')}")
    cxx = cache.get("CMAKE_CXX_COMPILER")
    if cxx:
        lines.append(f"Benchmarks built by: {first_line([cxx, '--version']) or cxx}; "
                     f"{cache.get('CMAKE_BUILD_TYPE', '?')}, HARDWIRED_BENCH_NATIVE="
                     f"{cache.get('HARDWIRED_BENCH_NATIVE', '?')}")
    compilers = [v for v in (first_line(["g++", "--version"]),
                             first_line(["clang++-14", "--version"])) if v]
    if compilers:
        lines.append("Compilers: " + "; ".join(compilers))
    versions = package_versions(libraries)
    if versions:
        lines.append("Packages: " + ", ".join(versions))
    return lines


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------


def fmt_ns(v: float | None) -> str:
    if v is None:
        return "—"
    if v >= 1e5:
        return f"{v:,.0f}"
    if v >= 100:
        return f"{v:.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def fmt_ratio(v: float | None) -> str:
    if v is None:
        return "—"
    return f"{v:.1f}×" if v >= 10 else f"{v:.2f}×"


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.rjust(w) if i else c.ljust(w)
                                 for i, (c, w) in enumerate(zip(cells, widths))) + " |"
    sep = "|" + "|".join("-" * (w + 1) + (":" if i else "-") for i, w in enumerate(widths)) + "|"
    return "\n".join([line(header), sep] + [line(r) for r in rows])


def metric_table(metric: str, results: dict, libs: list[str], nets: list[str],
                 peak: float | None, base: str) -> str:
    """results[lib][net][metric] = median ns. base: the library ratios are relative to."""
    header = ["net"] + libs + (["ideal"] if peak else [])
    header += [f"{l}/{base}" for l in libs if l != base]
    if peak:
        header.append(f"{base}/ideal")
    rows = []
    for net in nets:
        value = {l: results.get(l, {}).get(net, {}).get(metric) for l in libs}
        ideal = ideal_ns(net, metric, peak) if peak else None
        row = [net] + [fmt_ns(value[l]) for l in libs] + ([fmt_ns(ideal)] if peak else [])
        b = value[base]
        for l in libs:
            if l != base:
                row.append(fmt_ratio(value[l] / b if value[l] is not None and b else None))
        if peak:
            row.append(fmt_ratio(b / ideal) if b is not None else "—")
        rows.append(row)
    return markdown_table(header, rows)


# ---------------------------------------------------------------------------------------------
# The chart: hand-written SVG, one log-scale grouped bar chart per metric
# ---------------------------------------------------------------------------------------------


def ns_label(v: float) -> str:
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3), ("ns", 1.0)):
        if v >= scale:
            return f"{v / scale:g} {unit}"
    return f"{v:g} ns"


def render_svg(results: dict, libs: list[str], nets: list[str], peak: float | None,
               title: str, subtitle: str) -> str:
    width, left, right = 1100, 78, 24
    panel_h, plot_top, plot_h = 300, 34, 222  # per panel: title, plot, net labels
    top = 92  # main title, subtitle, legend
    height = top + panel_h * len(METRICS) + 16
    font = 'font-family="DejaVu Sans, Verdana, Arial, sans-serif"'
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" {font}>',
           f'<rect x="0" y="0" width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2}" y="26" font-size="18" font-weight="bold" '
           f'text-anchor="middle">{escape(title)}</text>',
           f'<text x="{width / 2}" y="46" font-size="12" fill="#444" '
           f'text-anchor="middle">{escape(subtitle)}</text>']
    # Legend: one swatch per library, and the ideal-time marker.
    items = [(l, COLORS.get(l, "#333")) for l in libs]
    item_w = 118
    total_w = item_w * (len(items) + (1 if peak else 0))
    x = (width - total_w) / 2
    for name, color in items:
        out.append(f'<rect x="{x:.1f}" y="62" width="14" height="14" fill="{color}"/>')
        out.append(f'<text x="{x + 20:.1f}" y="74" font-size="13">{escape(name)}</text>')
        x += item_w
    if peak:
        out.append(f'<line x1="{x:.1f}" y1="69" x2="{x + 16:.1f}" y2="69" stroke="black" '
                   f'stroke-width="3"/>')
        out.append(f'<text x="{x + 20:.1f}" y="74" font-size="13">ideal at peak '
                   f'({peak:.0f} GFLOP/s)</text>')

    plot_w = width - left - right
    for index, (metric, (_, _, _, description)) in enumerate(METRICS.items()):
        y0 = top + index * panel_h
        values = [results[l][n][metric] for l in libs for n in nets
                  if results.get(l, {}).get(n, {}).get(metric)]
        ideals = [ideal_ns(n, metric, peak) for n in nets] if peak else []
        out.append(f'<text x="{left}" y="{y0 + 20}" font-size="14" font-weight="bold">'
                   f'{escape(description)} ({metric}), log scale, lower is better</text>')
        if not values:
            out.append(f'<text x="{width / 2}" y="{y0 + plot_top + plot_h / 2}" '
                       f'text-anchor="middle" font-size="13" fill="#888">no data</text>')
            continue
        lo = math.floor(math.log10(min(values + ideals)))
        hi = math.ceil(math.log10(max(values + ideals) * 4))  # headroom for the value labels
        hi = max(hi, lo + 1)
        py = y0 + plot_top

        def ypos(v: float) -> float:
            return py + plot_h * (hi - math.log10(v)) / (hi - lo)

        # Grid: decades labelled, 2–9 light.
        for d in range(lo, hi + 1):
            y = ypos(10.0 ** d)
            out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
                       f'stroke="#bbb" stroke-width="1"/>')
            out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" '
                       f'text-anchor="end">{escape(ns_label(10.0 ** d))}</text>')
            if d < hi:
                for k in range(2, 10):
                    y = ypos(k * 10.0 ** d)
                    out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" '
                               f'y2="{y:.1f}" stroke="#eee" stroke-width="1"/>')
        group_w = plot_w / len(nets)
        bar_w = group_w * 0.8 / len(libs)
        bottom = py + plot_h
        for g, net in enumerate(nets):
            gx = left + g * group_w + group_w * 0.1
            for b, lib in enumerate(libs):
                v = results.get(lib, {}).get(net, {}).get(metric)
                bx = gx + b * bar_w
                if not v:
                    out.append(f'<text x="{bx + bar_w / 2:.1f}" y="{bottom - 4:.1f}" '
                               f'font-size="9" fill="#999" text-anchor="middle">n/a</text>')
                    continue
                y = ypos(v)
                out.append(f'<rect x="{bx + 1:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" '
                           f'height="{bottom - y:.1f}" fill="{COLORS.get(lib, "#333")}">'
                           f'<title>{escape(f"{lib} {net}: {fmt_ns(v)} ns")}</title></rect>')
                lx, ly = bx + bar_w / 2 + 3, y - 3
                out.append(f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="9" fill="#333" '
                           f'transform="rotate(-90 {lx:.1f} {ly:.1f})">{escape(fmt_ns(v))}</text>')
            if peak:
                y = ypos(ideal_ns(net, metric, peak))
                out.append(f'<line x1="{gx - 3:.1f}" y1="{y:.1f}" '
                           f'x2="{gx + group_w * 0.8 + 3:.1f}" y2="{y:.1f}" stroke="black" '
                           f'stroke-width="2.5"><title>{escape(f"ideal {net}: {fmt_ns(ideal_ns(net, metric, peak))} ns")}'
                           f'</title></line>')
            sizes = net_label(net)
            cx = left + (g + 0.5) * group_w
            out.append(f'<text x="{cx:.1f}" y="{bottom + 17:.1f}" font-size="13" '
                       f'font-weight="bold" text-anchor="middle">{net}</text>')
            out.append(f'<text x="{cx:.1f}" y="{bottom + 31:.1f}" font-size="10" fill="#555" '
                       f'text-anchor="middle">{sizes}</text>')
        out.append(f'<rect x="{left}" y="{py}" width="{plot_w}" height="{plot_h}" fill="none" '
                   f'stroke="#666" stroke-width="1"/>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------


def parse_nets(spec: str) -> list[str]:
    """'A-D', 'A,C,F', 'ABC' → sorted list of nets."""
    nets = set()
    for part in re.split(r"[,\s]+", spec.strip().upper()):
        if not part:
            continue
        m = re.fullmatch(r"([A-G])-([A-G])", part)
        if m:
            nets.update(chr(c) for c in range(ord(m.group(1)), ord(m.group(2)) + 1))
        elif re.fullmatch(r"[A-G]+", part):
            nets.update(part)
        else:
            raise argparse.ArgumentTypeError(f"bad network list {spec!r} (use e.g. A-D or A,C,F)")
    if not nets:
        raise argparse.ArgumentTypeError("empty network list")
    return sorted(nets)


def parse_libraries(spec: str) -> list[str]:
    libs = [l for l in re.split(r"[,\s]+", spec.strip()) if l]
    unknown = [l for l in libs if l not in LIBRARIES]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown libraries {unknown} (known: {LIBRARIES})")
    return [l for l in LIBRARIES if l in libs]


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("build_dir", nargs="?", default=os.path.join(ROOT, "build", "bench"),
                   help="build directory holding benchmarks/bench_* (default build/bench)")
    p.add_argument("--rounds", type=int, help="interleaved rounds (default 5; --quick: 1)")
    p.add_argument("--min-time", type=float,
                   help="--benchmark_min_time per benchmark, seconds (default 0.25; --quick: 0.05)")
    p.add_argument("--filter", type=parse_nets, metavar="NETS",
                   help="networks to run, e.g. A-D or A,C,F (default all; --quick: A-D)")
    p.add_argument("--libraries", type=parse_libraries, metavar="LIBS",
                   help=f"comma-separated subset of {','.join(LIBRARIES)} (default: all found)")
    p.add_argument("--quick", action="store_true",
                   help="short run: nets A-D, 1 round, min time 0.05 s; indicative only")
    p.add_argument("--core", type=int, help="core to pin to (default 1)")
    p.add_argument("--out-dir", dest="out_dir",
                   help="where latest.csv and latest.svg go (default benchmarks/results; "
                        "--selftest: a temporary directory)")
    p.add_argument("--no-compile-time", action="store_true",
                   help="skip compile_time/networks.sh (no compile_s rows)")
    p.add_argument("--compile-runs", type=int, help="compilations per net (default 3; quick: 1)")
    p.add_argument("--selftest", action="store_true",
                   help="check this driver with bench_scalar on net A (for CTest)")
    args = p.parse_args(argv)
    if args.selftest:
        args.rounds = 1 if args.rounds is None else args.rounds
        args.min_time = 0.005 if args.min_time is None else args.min_time
        args.filter = args.filter or ["A"]
        args.libraries = args.libraries or ["scalar"]
        args.compile_runs = args.compile_runs or 1
    elif args.quick:
        args.rounds = args.rounds or 1
        args.min_time = args.min_time if args.min_time is not None else 0.05
        args.filter = args.filter or parse_nets("A-D")
        args.compile_runs = args.compile_runs or 1
    args.rounds = 5 if args.rounds is None else args.rounds
    args.min_time = 0.25 if args.min_time is None else args.min_time
    args.filter = args.filter or sorted(NETS)
    args.compile_runs = args.compile_runs or 3
    if args.rounds < 1 or args.min_time <= 0 or args.compile_runs < 1:
        p.error("--rounds, --min-time and --compile-runs must be positive")
    return args


def shown_path(path: str) -> str:
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def benchmark_regex(nets: list[str]) -> str:
    return "^(" + "|".join(m[0] for m in METRICS.values()) + ")/(" + "|".join(nets) + ")$"


def main(args: argparse.Namespace, out_dir: str) -> int:
    build_dir = os.path.abspath(args.build_dir)
    nets = args.filter
    wanted = args.libraries or LIBRARIES
    executables = {l: find_executable(build_dir, f"bench_{l}") for l in wanted}
    missing = [l for l, e in executables.items() if e is None]
    libs = [l for l, e in executables.items() if e is not None]
    if not libs:
        log(f"error: no bench_<library> executables in {build_dir}/benchmarks "
            f"(build the bench targets first, e.g. ./dev bench)")
        return 1
    peak_exe = find_executable(build_dir, "peak_fma")
    core = pick_core(args.core)
    quick_note = ("QUICK MODE: nets " + ",".join(nets) + f", {args.rounds} round(s), min time "
                  f"{args.min_time:g} s; the numbers are indicative only")
    if args.quick:
        log(quick_note)
    if missing:
        log(f"not built, skipped: {', '.join(missing)}")
    if not peak_exe:
        log("peak_fma not built: no ideal times")

    # Interleaved rounds: peak, then every library once, per round.
    regex = benchmark_regex(nets)
    samples: dict[str, dict[str, list[float]]] = {l: {} for l in libs}
    peaks: list[float] = []
    failed: dict[str, str] = {}
    timeout = max(600.0, 200 * args.min_time * len(NETS) * len(METRICS) * 4)
    started = time.monotonic()
    for r in range(args.rounds):
        parts = []
        if peak_exe:
            try:
                seconds = 0.02 if args.selftest else 0.05 if args.quick else 0.1
                peaks.append(run_peak(peak_exe, core, seconds, 1 if args.selftest else 3))
                parts.append(f"peak {peaks[-1]:.1f} GFLOP/s")
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                log(f"warning: {e}")
        for lib in libs:
            if lib in failed:
                continue
            t0 = time.monotonic()
            try:
                times = run_library(executables[lib], core, args.min_time, regex, timeout)
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

    # Medians → metrics.
    results: dict[str, dict[str, dict[str, float]]] = {}
    for lib in libs:
        for metric, (prefix, per_call, _, _) in METRICS.items():
            for net in nets:
                ts = samples[lib].get(f"{prefix}/{net}")
                if ts:
                    results.setdefault(lib, {}).setdefault(net, {})[metric] = (
                        statistics.median(ts) / per_call)
    peak = statistics.median(peaks) if peaks else None
    # Round-to-round spread per library: the median over its cells of (max − min) / median.
    spread = {}
    if args.rounds > 1:
        for lib in libs:
            cells = [(max(ts) - min(ts)) / statistics.median(ts)
                     for ts in samples[lib].values() if len(ts) > 1 and statistics.median(ts) > 0]
            if cells:
                spread[lib] = statistics.median(cells)

    compile_rows: list[list[str]] = []
    compile_text = ""
    if not args.no_compile_time:
        log(f"compile time: networks.sh, g++ -O2, {args.compile_runs} run(s) per net")
        try:
            compile_rows, compile_text = run_compile_time(nets, args.compile_runs)
        except (RuntimeError, subprocess.TimeoutExpired, OSError) as e:
            log(f"warning: compile time not measured: {e}")

    # Report.
    base = "hardwired" if "hardwired" in libs else "scalar" if "scalar" in libs else libs[0]
    date = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    machine = machine_description(build_dir, core, libs)
    print(f"# hardwired comparison suite — {date}\n")
    for line in machine:
        print(f"- {line}")
    print(f"- Method: {args.rounds} interleaved round(s), median; min time {args.min_time:g} s "
          f"per benchmark; real time")
    if peak is not None:
        span = f", range {min(peaks):.1f}–{max(peaks):.1f}" if len(peaks) > 1 else ""
        print(f"- Peak float32 FMA throughput of core {core}: {peak:.1f} GFLOP/s (peak_fma, "
              f"median of {len(peaks)}{span}; ideal = FLOPs / peak, FLOPs 2·Σ in·out + "
              f"residual adds per sample, ×3 (adds ×2) for training)")
    if spread:
        print("- Round-to-round spread, median over cells of (max − min) / median: "
              + ", ".join(f"{l} {v:.0%}" for l, v in spread.items()))
    if missing:
        print(f"- Not built, skipped: {', '.join(missing)}")
    not_run = [f"{l} {n}" for l in libs for n in nets if not results.get(l, {}).get(n)]
    if not_run:
        print(f"- Not run by the adapter (no results): {', '.join(not_run)}")
    for lib, err in failed.items():
        print(f"- FAILED, dropped: {lib}: {err.splitlines()[0] if err else ''}")
    if args.quick:
        print(f"\n**{quick_note}.**")
    if base != "hardwired":
        print(f"\n**hardwired is not built: ratios below are relative to {base}, not hardwired.**")
    for metric, (_, _, _, description) in METRICS.items():
        print(f"\n## {metric}: {description} (median ns; ratios {base}-relative: "
              f"library/{base} > 1 means {base} is faster)\n")
        print(metric_table(metric, results, libs, nets, peak, base))
    if compile_text:
        print("\n## Compile time and code size (hardwired, compile_time/networks.sh)\n")
        print(compile_text)

    # CSV and chart.
    os.makedirs(out_dir, exist_ok=True)
    csv_path = os.path.join(out_dir, "latest.csv")
    svg_path = os.path.join(out_dir, "latest.svg")
    with open(csv_path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(CSV_HEADER)
        for lib in libs:
            for net in nets:
                for metric in METRICS:
                    v = results.get(lib, {}).get(net, {}).get(metric)
                    if v is not None:
                        w.writerow([lib, net, metric, f"{v:.6g}"])
        if peak is not None:
            w.writerow(["peak", "-", "peak_gflops", f"{peak:.6g}"])
        for row in compile_rows:
            w.writerow(row)
    title = f"hardwired vs. other libraries — {cpu_model()}, one core — {date}"
    subtitle = (f"median of {args.rounds} interleaved round(s), Google Benchmark real time, "
                f"pinned to core {core}" + (" — QUICK MODE, indicative only"
                                            if args.quick else ""))
    with open(svg_path, "w") as f:
        f.write(render_svg(results, libs, nets, peak, title, subtitle))
    log(f"done in {time.monotonic() - started:.0f} s")
    if args.quick:
        print(f"\n{quick_note}.")
    print(f"\nCSV:   {shown_path(csv_path)}\nChart: {shown_path(svg_path)}", flush=True)

    if args.selftest:
        return selfcheck(csv_path, svg_path, nets, libs, peak_exe is not None,
                         not args.no_compile_time)
    return 0


def entry(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.out_dir is None and args.selftest:
        with tempfile.TemporaryDirectory(prefix="run_bench_selftest.") as tmp:
            return main(args, tmp)
    return main(args, args.out_dir or os.path.join(HERE, "results"))


def selfcheck(csv_path: str, svg_path: str, nets: list[str], libs: list[str], with_peak: bool,
              with_compile: bool) -> int:
    problems = []
    with open(csv_path, newline="") as f:
        rows = list(csv.reader(f))
    if not rows or rows[0] != CSV_HEADER:
        problems.append(f"CSV header is {rows[:1]}, expected {CSV_HEADER}")
    body = rows[1:]
    keys = {(r[0], r[1], r[2]) for r in body if len(r) == 4}
    for r in body:
        try:
            ok = len(r) == 4 and math.isfinite(float(r[3])) and float(r[3]) > 0
        except ValueError:
            ok = False
        if not ok:
            problems.append(f"bad CSV row {r}")
    for lib in libs:
        for net in nets:
            for metric in METRICS:
                if (lib, net, metric) not in keys:
                    problems.append(f"CSV lacks {lib},{net},{metric}")
    if with_peak and ("peak", "-", "peak_gflops") not in keys:
        problems.append("CSV lacks peak,-,peak_gflops")
    if with_compile:
        for net in [n for n in nets if n in COMPILE_TIME_NETS]:
            if ("hardwired", net, "compile_s") not in keys:
                problems.append(f"CSV lacks hardwired,{net},compile_s")
    # The ideal-time arithmetic against common.hpp's numbers.
    g_dense = 2 * (16 * 64 + 8 * 64 * 64 + 64 * 8)
    if forward_flops("A") != 2 * (2 * 3 + 3 * 1) or \
            forward_flops("F") != 2 * (128 * 128 + 128 * 128 + 128 * 16) or \
            abs(ideal_ns("A", "train32_ns_per_sample", 54.0) - 1.0) > 1e-12 or \
            forward_flops("G") != g_dense + 4 * 64 or train_flops("G") != 3 * g_dense + 8 * 64:
        problems.append("FLOP counts disagree with bench::forward_flops / train_flops")
    if net_label("A") != "2-3-1" or net_label("G") != "16-64-[64-64]×4-8":
        problems.append(f"net labels: {net_label('A')}, {net_label('G')}")
    try:
        root = ET.parse(svg_path).getroot()
        if not root.tag.endswith("svg") or len(root.findall(".//{http://www.w3.org/2000/svg}rect")) < 3:
            problems.append("SVG has no bars")
    except ET.ParseError as e:
        problems.append(f"SVG is not well-formed XML: {e}")
    for p in problems:
        log(f"selftest: {p}")
    log("selftest: " + ("FAILED" if problems else "ok"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(entry(sys.argv[1:]))

#!/usr/bin/env bash
# The README's "Build flags" table: builds benchmarks/flags/forward_flags.cpp with each set of
# flags below (g++ by default, or $CXX), runs the builds in turn, pinned to one core (taskset -c 1),
# for N rounds (default 5), and prints the median and range of each figure in ns per sample.
# Usage: benchmarks/flags/run.sh [rounds]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/../.."
rounds=${1:-5}
cxx=${CXX:-g++}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

variants=("-O0" "-O2" "-O3" "-O3 -mavx2 -mfma" "-O2 -march=native" "-O3 -march=native")
for i in "${!variants[@]}"; do
    # shellcheck disable=SC2086 # the flags are words
    "$cxx" -std=c++20 ${variants[$i]} -I"$root/include" "$here/forward_flags.cpp" -o "$tmp/v$i"
done
for ((r = 0; r < rounds; r++)); do
    for i in "${!variants[@]}"; do
        printf '%s|%s\n' "$i" "$(taskset -c 1 "$tmp/v$i")"
    done
done > "$tmp/results"

python3 - "$tmp/results" "${variants[@]}" <<'PY'
import statistics, sys
path, variants = sys.argv[1], sys.argv[2:]
runs = {}
for line in open(path):
    i, out = line.rstrip("\n").split("|", 1)
    words = out.split()
    arch, figures = words[1], dict(zip(words[2::2], map(float, words[3::2])))
    runs.setdefault(int(i), (arch, []))[1].append(figures)
names = ["xor_batch", "xor_loop", "tanh_batch", "tanh_loop"]
print("| flags | xsimd | " + " | ".join(names) + " |")
print("|---|---|" + "---|" * len(names))
for i, flags in enumerate(variants):
    arch, rs = runs[i]
    cells = []
    for n in names:
        v = [r[n] for r in rs]
        fmt = lambda x: f"{x:.0f}" if x >= 100 else f"{x:.3g}"
        cells.append(f"{fmt(statistics.median(v))} [{fmt(min(v))}–{fmt(max(v))}]")
    print(f"| `{flags}` | {arch} | " + " | ".join(cells) + " |")
PY

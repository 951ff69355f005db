#!/usr/bin/env bash
# Compile time of differentiating and evaluating nested swish at depths 1..12, in seconds above
# an empty translation unit, median of N runs (default 3), with g++ and clang++-14 at -O2.
# Usage: benchmarks/compile_time/run.sh [runs]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/../.."
runs=${1:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo 'int main() { return 0; }' > "$tmp/empty.cpp"
echo '#include <hardwired/sym.hpp>
int main() { return 0; }' > "$tmp/header.cpp"

# median wall time in seconds of compiling "$@"
median_time() {
    local t=()
    for ((i = 0; i < runs; i++)); do
        local s e
        s=$(date +%s.%N)
        "$@" > /dev/null
        e=$(date +%s.%N)
        t+=("$(awk -v a="$s" -v b="$e" 'BEGIN { print b - a }')")
    done
    printf '%s\n' "${t[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

for cxx in g++ clang++-14; do
    command -v "$cxx" > /dev/null || continue
    flags=(-std=c++20 -O2 -c -I"$root/include" -o "$tmp/out.o")
    base=$(median_time "$cxx" "${flags[@]}" "$tmp/empty.cpp")
    header=$(median_time "$cxx" "${flags[@]}" "$tmp/header.cpp")
    printf '\n%s -O2: empty TU %.2f s; including <hardwired/sym.hpp> +%.2f s\n' "$cxx" "$base" \
        "$(awk -v a="$base" -v b="$header" 'BEGIN { print b - a }')"
    printf '| depth | seconds above empty TU | object bytes |\n|---|---|---|\n'
    for depth in 1 2 4 6 8 10 12; do
        t=$(median_time "$cxx" "${flags[@]}" -DDEPTH=$depth "$here/swish_depth.cpp")
        size=$(stat -c %s "$tmp/out.o")
        printf '| %d | %.2f | %d |\n' "$depth" "$(awk -v a="$base" -v b="$t" 'BEGIN { print b - a }')" "$size"
    done
done

#!/usr/bin/env bash
# Compile time of Boost.Hana against plain C++20 for the roles a header-only network library could
# give it: include cost (include/), heterogeneous per-layer state (state/), traversal of a tree of
# nested blocks (tree/). Every source is compiled with `-std=c++20 -O2 -fsyntax-only` and with
# `-std=c++20 -O2 -c`, N times each (default 7), pinned to one processor with taskset when it is
# there; prints a markdown table of milliseconds, median (min-max). Times are the compiler's CPU
# time (user + sys of the driver and its children), which a loaded machine inflates less than wall
# time; --wall measures wall time instead. --instantiations adds the number of template
# instantiations clang++ performs (InstantiateClass + InstantiateFunction events of -ftime-trace).
#
# Usage: benchmarks/compile_time/hana/run.sh [--runs N] [--cpu C] [--compilers "g++-12 clang++-14"]
#                                            [--wall] [--instantiations] [--only PATTERN]
#   --cpu C      the processor to pin to (default 1; "none" to not pin)
#   --only P     only the sources whose path (e.g. tree/hana.cpp) matches the shell pattern P
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
runs=7
cpu=1
compilers="g++-12 clang++-14"
clock=cpu
instantiations=0
only='*'
while (($#)); do
    case $1 in
        --runs) runs=$2; shift 2 ;;
        --cpu) cpu=$2; shift 2 ;;
        --compilers) compilers=$2; shift 2 ;;
        --wall) clock=wall; shift ;;
        --instantiations) instantiations=1; shift ;;
        --only) only=$2; shift 2 ;;
        -h | --help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "error: unknown option: $1" >&2; exit 2 ;;
    esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "error: --runs needs a positive integer" >&2; exit 2; }

pin=()
if [[ $cpu != none ]] && command -v taskset > /dev/null; then
    pin=(taskset -c "$cpu")
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# milliseconds of one run of "$@" (CPU or wall); stops with the compiler's messages if it fails
time_once() {
    local TIMEFORMAT='%3R %3U %3S' rc=0
    { time "${pin[@]}" "$@" > /dev/null 2> "$tmp/err" || rc=$?; } 2> "$tmp/time"
    if ((rc != 0)); then
        cat "$tmp/err" >&2
        echo "error: compilation failed: $*" >&2
        exit 1
    fi
    if [[ $clock == wall ]]; then
        awk '{ printf "%d\n", $1 * 1000 + 0.5 }' "$tmp/time"
    else
        awk '{ printf "%d\n", ($2 + $3) * 1000 + 0.5 }' "$tmp/time"
    fi
}

# "median (min-max)" in milliseconds over --runs runs of "$@", after one run not counted
spread() {
    local t=() i
    time_once "$@" > /dev/null
    for ((i = 0; i < runs; i++)); do
        t+=("$(time_once "$@")")
    done
    printf '%s\n' "${t[@]}" | sort -n |
        awk '{ a[NR] = $1 } END { printf "%d (%d-%d)", a[int((NR + 1) / 2)], a[1], a[NR] }'
}

# template instantiations clang++ performs for one source
instantiations_of() {
    local cxx=$1 src=$2
    (cd "$tmp" && "$cxx" -std=c++20 -O2 -c -ftime-trace -ftime-trace-granularity=0 "$src" \
        -o "$tmp/trace.o")
    { grep -o '"name":"Instantiate\(Class\|Function\)"' "$tmp/trace.json" || true; } | wc -l
}

avail=()
for cxx in $compilers; do
    if command -v "$cxx" > /dev/null; then
        avail+=("$cxx")
    else
        echo "($cxx not found, skipped)"
    fi
done
((${#avail[@]})) || { echo "error: no compiler found" >&2; exit 1; }

header='| source |'
rule='|---|'
for cxx in "${avail[@]}"; do
    header+=" $cxx -fsyntax-only | $cxx -c |"
    rule+='---|---|'
done
clang=""
for cxx in "${avail[@]}"; do
    [[ $cxx == clang* ]] && clang=$cxx && break
done
if ((instantiations)) && [[ -n $clang ]]; then
    header+=' instantiations (clang) |'
    rule+='---|'
fi

echo "-std=c++20 -O2, $clock milliseconds, median (min-max) of $runs runs${pin:+, pinned to cpu $cpu}"
echo
echo "$header"
echo "$rule"
for src in "$here"/include/*.cpp "$here"/state/*.cpp "$here"/tree/*.cpp; do
    rel=${src#"$here"/}
    # shellcheck disable=SC2053
    [[ $rel == $only ]] || continue
    line="| $rel |"
    for cxx in "${avail[@]}"; do
        line+=" $(spread "$cxx" -std=c++20 -O2 -fsyntax-only "$src") |"
        line+=" $(spread "$cxx" -std=c++20 -O2 -c "$src" -o "$tmp/out.o") |"
    done
    if ((instantiations)) && [[ -n $clang ]]; then
        line+=" $(instantiations_of "$clang" "$src") |"
    fi
    echo "$line"
done

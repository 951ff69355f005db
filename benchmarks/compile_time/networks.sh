#!/usr/bin/env bash
# Compile time and code size of the comparison suite's networks A–F as hardwired types
# (network_compile.cpp: forward pass + one training step), at -O2: seconds above an empty
# translation unit (median of N runs) and the bytes of .text in the object (all .text*
# sections: `size -A`). Prints a markdown table per compiler. Seconds are the compiler's CPU time
# (user + sys of the driver and its children), which a loaded machine inflates far less than
# wall time; --wall measures wall time instead (as run.sh does).
#
# Usage: benchmarks/compile_time/networks.sh [--runs N] [--compilers "g++ clang++-14"]
#                                            [--nets "A B C D E F"] [--wall] [--csv path]
#   --csv path   append rows `hardwired,<net>,compile_s,<seconds>` (and `..,text_bytes,..`)
#                measured with g++ to path (header `library,net,metric,value` written if the
#                file does not exist); run_bench.py uses it to fill benchmarks/results/latest.csv
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/../.."
runs=3
compilers="g++ clang++-14"
nets="A B C D E F"
csv=""
clock=cpu
while (($#)); do
    case $1 in
        --runs) runs=$2; shift 2 ;;
        --compilers) compilers=$2; shift 2 ;;
        --nets) nets=$2; shift 2 ;;
        --csv) csv=$2; shift 2 ;;
        --wall) clock=wall; shift ;;
        -h | --help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "error: unknown option: $1" >&2; exit 2 ;;
    esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "error: --runs needs a positive integer" >&2; exit 2; }
for net in $nets; do
    [[ $net =~ ^[A-F]$ ]] || { echo "error: unknown network $net (A..F)" >&2; exit 2; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo 'int main() { return 0; }' > "$tmp/empty.cpp"
printf '#include <hardwired/hardwired.hpp>\nint main() { return 0; }\n' > "$tmp/header.cpp"

# seconds of one compilation of "$@": CPU time (user + sys) or wall time; shows the compiler's
# messages and stops if it fails
time_once() {
    local TIMEFORMAT='%3R %3U %3S' rc=0
    { time "$@" > /dev/null 2> "$tmp/err" || rc=$?; } 2> "$tmp/time"
    if ((rc != 0)); then
        cat "$tmp/err" >&2
        echo "error: compilation failed: $*" >&2
        exit 1
    fi
    if [[ $clock == wall ]]; then
        awk '{ print $1 }' "$tmp/time"
    else
        awk '{ print $2 + $3 }' "$tmp/time"
    fi
}

# median over --runs compilations of "$@"
median_time() {
    local t=() i
    for ((i = 0; i < runs; i++)); do
        t+=("$(time_once "$@")")
    done
    printf '%s\n' "${t[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

# bytes of all .text* sections of an object
text_bytes() {
    size -A "$1" | awk '$1 ~ /^\.text/ { n += $2 } END { print n + 0 }'
}

sizes_of() {
    case $1 in
        A) echo 2-3-1 ;; B) echo 4-2-2-1 ;; C) echo 8-16-16-4 ;;
        D) echo 16-32-32-8 ;; E) echo 32-64-64-10 ;; F) echo 128-128-128-16 ;;
    esac
}

if [[ -n $csv && ! -s $csv ]]; then
    echo 'library,net,metric,value' > "$csv"
fi

for cxx in $compilers; do
    if ! command -v "$cxx" > /dev/null; then
        echo "($cxx not found, skipped)"
        continue
    fi
    flags=(-std=c++20 -O2 -c -I"$root/include" -o "$tmp/out.o")
    base=$(median_time "$cxx" "${flags[@]}" "$tmp/empty.cpp")
    header=$(median_time "$cxx" "${flags[@]}" "$tmp/header.cpp")
    printf '\n%s -O2, %s seconds, median of %d: empty TU %.2f s; including <hardwired/hardwired.hpp> +%.2f s\n' \
        "$cxx" "$clock" "$runs" "$base" "$(awk -v a="$base" -v b="$header" 'BEGIN { print b - a }')"
    printf '| net | sizes | seconds above empty TU | .text bytes |\n|---|---|---|---|\n'
    for net in $nets; do
        t=$(median_time "$cxx" "${flags[@]}" -DNET="$net" "$here/network_compile.cpp")
        above=$(awk -v a="$base" -v b="$t" 'BEGIN { printf "%.2f", b - a }')
        bytes=$(text_bytes "$tmp/out.o")
        printf '| %s | %s | %s | %d |\n' "$net" "$(sizes_of "$net")" "$above" "$bytes"
        if [[ -n $csv && $cxx == g++ ]]; then
            echo "hardwired,$net,compile_s,$above" >> "$csv"
            echo "hardwired,$net,text_bytes,$bytes" >> "$csv"
        fi
    done
done

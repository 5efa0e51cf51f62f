#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# packet-vs-flowsim.sh - runs m3-compare --mode=packet,flowsim on a matrix of
# scenarios x congestion controls, in parallel, and tabulates p50/p99
# slowdown per CC next to flowSim (CSV), plus a plot when matplotlib exists.
#
#   bench/packet-vs-flowsim.sh [--quick] [-j JOBS] [M3_COMPARE [OUTDIR]]
#
# M3_COMPARE defaults to build/m3-compare, OUTDIR to build/packet-vs-flowsim.
# Each run writes OUTDIR/<scenario>-<cc>/{summary.json,fct-*.csv,log.txt};
# OUTDIR/table.csv and OUTDIR/table.png summarise them.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
jobs=$(nproc)
args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=1 ;;
        -j) jobs="$2"; shift ;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) args+=("$1") ;;
    esac
    shift
done
compare="${args[0]:-build/m3-compare}"
out="${args[1]:-build/packet-vs-flowsim}"
[ -x "$compare" ] || { echo "packet-vs-flowsim: $compare: not an executable" >&2; exit 1; }

# name | topology and workload flags (the same workload for every CC)
if [ "$quick" = 1 ]; then
    scenarios=(
        "path7|--parking-lot=7 --workload=cache --load=0.6 --num-flows=500 --burst-sigma=1.5"
        "kary4|--k-ary=4 --workload=webserver --load=0.5 --num-flows=500 --burst-sigma=1"
    )
else
    scenarios=(
        "path7|--parking-lot=7 --workload=cache --load=0.6 --num-flows=5000 --burst-sigma=1.5"
        "path5|--parking-lot=5 --workload=lognormal:20000:1.5 --load=0.7 --num-flows=5000 --burst-sigma=2"
        "fattree-2x8x8-2to1|--fat-tree=2,8,8,2 --workload=webserver --load=0.5 --num-flows=20000 --burst-sigma=2"
        "kary8|--k-ary=8 --workload=hadoop --load=0.5 --num-flows=20000 --burst-sigma=1"
    )
fi
ccs=(dctcp hpcc dcqcn timely)

mkdir -p "$out"
jobfile="$out/jobs.txt"
: > "$jobfile"
for s in "${scenarios[@]}"; do
    name="${s%%|*}"
    flags="${s#*|}"
    for cc in "${ccs[@]}"; do
        echo "$name-$cc|$flags --cc=$cc" >> "$jobfile"
    done
done
total=$(wc -l < "$jobfile")
echo "packet-vs-flowsim: $total runs, $jobs at a time, into $out" >&2

run_one() {
    local line="$1" compare="$2" out="$3"
    local name="${line%%|*}" flags="${line#*|}"
    local dir="$out/$name"
    local t0=$SECONDS
    # shellcheck disable=SC2086
    if "$compare" --mode=packet,flowsim --out="$dir" $flags > "$dir.log" 2>&1; then
        echo "  done $name ($((SECONDS - t0)) s)" >&2
    else
        echo "  FAILED $name (see $dir.log)" >&2
        return 1
    fi
}
export -f run_one
status=0
tr '\n' '\0' < "$jobfile" |
    xargs -0 -P "$jobs" -I{} bash -c 'run_one "$@"' _ {} "$compare" "$out" || status=1

# Table (and plot) from the summaries; any python3 can write the CSV.
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
"$py" bench/packet-vs-flowsim.py "$out" || status=1
exit $status

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# bench-m3.sh - m3 mode's benchmark: bench-m3 (stages, per path, peak
# memory for 100k and 1M flows, the flowSim baseline), then the speedup over
# packet mode measured in one m3-compare run of the default scenario with
# 100k flows (about 2.5 minutes of packet-level simulation on 2 cores).
# Prints numbers, asserts nothing.
#   bench/bench-m3.sh [BUILD_DIR] [OUT_DIR]     (defaults: build, bench-m3-out)
set -euo pipefail
build=${1:-build}
out=${2:-bench-m3-out}
mkdir -p "$out"
"$build/bench-m3" --flows 100000,1000000 --json "$out/bench-m3.json"
"$build/m3-compare" --mode=packet,m3 --num-flows=100000 --progress=30 --out="$out/compare"
/usr/bin/python3 - "$out/compare/summary.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))["modes"]
p, e = m["packet"]["wall_s"], m["m3"]["wall_s"]
print("packet mode %.1f s, m3 mode %.3f s: m3 is %.0fx faster (same run, same scenario)"
      % (p, e, p / e))
PY

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# test-tools.sh BUILD_DIR - the command-line tools end to end: m3-workload
# writes flows, m3-flowsim simulates them; bad input fails cleanly and
# leaves no output behind.
set -u
bin=${1:?build dir}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1" >&2; fail=1; fi; }

"$bin/m3-workload" --parking-lot 5 --sizes lognormal:8000:1.5 --arrivals lognormal:2 \
    --load 0.6 --flows 2000 --seed 3 --out "$tmp/flows.txt" >/dev/null 2>&1
check "m3-workload writes N flows" '[ "$(head -1 "$tmp/flows.txt")" = 2000 ]'

"$bin/m3-flowsim" --flows "$tmp/flows.txt" --m3-line 5 --out "$tmp/fct.csv" --timing \
    >"$tmp/summary.txt" 2>"$tmp/err.txt"
check "m3-flowsim exits 0" '[ $? -eq 0 ]'
check "CSV header" 'head -1 "$tmp/fct.csv" | grep -q "^id,src,dst,size,start_ns,fct_ns,ideal_ns,slowdown"'
check "one row per flow" '[ "$(($(wc -l <"$tmp/fct.csv") - 1))" = 2000 ]'
check "slowdowns >= 1" 'awk -F, "NR > 1 && \$8 < 1 { bad = 1 } END { exit bad }" "$tmp/fct.csv"'
check "summary has all and 4 buckets" '[ "$(grep -c "^  \[\|^  all" "$tmp/summary.txt")" = 5 ]'
check "timing line" 'grep -Eq "^timing: parse_ms=[0-9.]+ simulate_ms=[0-9.]+ write_ms=[0-9.]+$" "$tmp/err.txt"'
check "m3's line runs on the line engine" 'grep -qx "engine: line" "$tmp/err.txt"'

# the same flows on the parking lot with 40 Gbps mid-path hosts, both ways:
# not a line (a host link can bind), so the incremental engine; the full
# engine gives the same FCTs
"$bin/m3-flowsim" --flows "$tmp/flows.txt" --parking-lot 5 --out "$tmp/fct-auto.csv" --timing \
    >/dev/null 2>"$tmp/err-pl.txt"
check "parking lot runs on the incremental engine" 'grep -qx "engine: incremental" "$tmp/err-pl.txt"'
"$bin/m3-flowsim" --flows "$tmp/flows.txt" --parking-lot 5 --out "$tmp/fct-full.csv" \
    --engine full >/dev/null 2>&1
check "--engine full: same FCTs" 'paste -d, "$tmp/fct-auto.csv" "$tmp/fct-full.csv" |
    awk -F, "NR > 1 { d = \$6 - \$15; if (d < 0) d = -d; if (d > 1e-8 * \$15) bad = 1 } END { exit bad }"'
"$bin/m3-flowsim" --flows "$tmp/flows.txt" --parking-lot 5 --engine fast >/dev/null 2>&1
check "unknown engine is a usage error" '[ $? -eq 2 ]'

printf '2\n0 1\n1 10Gbps 1us 0\n' >"$tmp/bad-topo.txt"
"$bin/m3-flowsim" --flows "$tmp/flows.txt" --topology "$tmp/bad-topo.txt" --out "$tmp/x.csv" \
    >/dev/null 2>"$tmp/err2.txt"
check "malformed topology fails" '[ $? -ne 0 ]'
check "error names file and line" 'grep -q "bad-topo.txt:[0-9]" "$tmp/err2.txt"'
check "nothing written on failure" '[ ! -e "$tmp/x.csv" ] && [ ! -e "$tmp/x.csv.tmp" ]'

printf '2\n0 4 3 100 1000 0.0\n0 9 3 100 1000 0.1\n' >"$tmp/bad-flows.txt"
"$bin/m3-flowsim" --flows "$tmp/bad-flows.txt" --parking-lot 5 >/dev/null 2>"$tmp/err3.txt"
check "bad host fails" '[ $? -ne 0 ] && grep -q "bad-flows.txt:3" "$tmp/err3.txt"'

"$bin/m3-flowsim" --flows "$tmp/flows.txt" >/dev/null 2>&1
check "usage error exits 2" '[ $? -eq 2 ]'
"$bin/m3-workload" --parking-lot 5 --load 1.5 --flows 10 --out "$tmp/y.txt" >/dev/null 2>&1
check "impossible load rejected" '[ $? -ne 0 ] && [ ! -e "$tmp/y.txt" ]'

[ $fail -eq 0 ] && echo "test-tools: ok"
exit $fail

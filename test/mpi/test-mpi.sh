#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# test-mpi.sh M3_MPI MPIEXEC MODEL - m3 mode across MPI ranks equals the
# single process bit for bit (issue 12): the same scenario (m3's 256-host
# fat-tree, 20,000 generated flows) and seed on 1, 2 and 4 ranks
# (--oversubscribe: the machine may have fewer cores), and once more with
# another seed, which must differ. The results are compared as the exact
# hexadecimal numbers m3-mpi --out writes.
set -u
bin=${1:?m3-mpi}
mpiexec=${2:?mpiexec}
model=${3:?model}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
run() { # NP OUT [extra args]
    local np=$1 out=$2
    shift 2
    OMPI_MCA_rmaps_base_oversubscribe=1 "$mpiexec" --oversubscribe --allow-run-as-root \
        -np "$np" "$bin" --fat-tree 2,16,8,1 --num-flows 20000 --model "$model" \
        --path-samples 300 --bootstrap 50 --threads 1 --out "$out" "$@" >"$out.log" 2>&1
}
run 1 "$tmp/one.txt" || { echo "FAIL: 1 rank"; cat "$tmp/one.txt.log"; fail=1; }
for np in 2 4; do
    if ! run "$np" "$tmp/np$np.txt"; then
        echo "FAIL: $np ranks"
        cat "$tmp/np$np.txt.log"
        fail=1
    elif ! cmp -s "$tmp/one.txt" "$tmp/np$np.txt"; then
        echo "FAIL: $np ranks differ from one"
        diff "$tmp/one.txt" "$tmp/np$np.txt" | head
        fail=1
    fi
done
run 2 "$tmp/seed2.txt" --m3-seed 2 || { echo "FAIL: seed 2"; fail=1; }
if cmp -s "$tmp/one.txt" "$tmp/seed2.txt"; then
    echo "FAIL: another seed gave the same result (the comparison cannot fail)"
    fail=1
fi
grep -q "m3 mode on 4 ranks" "$tmp/np4.txt.log" || { echo "FAIL: no 4-rank report"; fail=1; }
[ "$fail" = 0 ] && echo "test-mpi: ok"
exit $fail

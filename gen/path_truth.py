#!/usr/bin/python3
"""path_truth.py - how much of a network's tail survives m3's decomposition
into paths: the packet-mode slowdown of each sampled path's foreground
flows when the path scenario alone is simulated (what a perfect model
trained on path scenarios would predict), against the same flows' slowdown
in the packet simulation of the whole network.

Input: a directory of gen/m3-path-dump (index.jsonl, pNNNN.topo/.flows)
whose pNNNN.out/fct-packet.csv were written by m3-compare --mode=packet on
each path, and the whole network's fct-packet.csv. Output: one CSV row per
foreground flow (path, n, mult, weight, size, path-sim and network
slowdowns) and, on stdout, the weighted p50/p90/p99 of both (each flow
weighs mult / the path's foreground count, as m3's aggregation weighs
them), overall and per output bucket, and the per-flow ratio's quantiles.

    /usr/bin/python3 gen/path_truth.py DUMP_DIR NETWORK_FCT_CSV --csv OUT.csv

Cost: reading the CSVs, a few seconds for 500 paths."""
import argparse
import csv
import json
import os
import sys

import numpy as np

BOUNDS = (1000, 10000, 50000)
NAMES = ("all", "0-1K", "1K-10K", "10K-50K", "50K-inf")


def read_fct(path):
    """fct-packet.csv -> {id: (size, slowdown)}."""
    out = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            out[int(r["id"])] = (int(r["size"]), float(r["slowdown"]))
    return out


def wq(v, w, q):
    """Nearest-rank weighted quantile."""
    o = np.argsort(v, kind="stable")
    cw = np.cumsum(w[o])
    return float(v[o][min(np.searchsorted(cw, q * cw[-1] - 1e-12), len(v) - 1)])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dump")
    ap.add_argument("network_csv")
    ap.add_argument("--csv", help="per-flow rows to write")
    a = ap.parse_args()
    net = read_fct(a.network_csv)
    rows, missing = [], 0
    with open(os.path.join(a.dump, "index.jsonl")) as f:
        for line in f:
            p = json.loads(line)
            fct = os.path.join(a.dump, p["file"] + ".out", "fct-packet.csv")
            if not os.path.exists(fct):
                missing += 1
                continue
            sim = read_fct(fct)
            for piece, origin in zip(p["fg"], p["fg_origin"]):
                size, sd_path = sim[piece]
                rows.append((p["path"], p["n"], p["mult"], p["mult"] / len(p["fg"]), size,
                             sd_path, net[origin][1]))
    if not rows:
        sys.exit("path_truth.py: no path results under %s" % a.dump)
    r = np.array(rows, dtype=np.float64)
    w, size, sp, sn = r[:, 3], r[:, 4], r[:, 5], r[:, 6]
    if a.csv:
        with open(a.csv, "w", newline="") as f:
            cw = csv.writer(f)
            cw.writerow(["path", "n", "mult", "weight", "size", "slowdown_path_sim",
                         "slowdown_network"])
            cw.writerows(rows)
    print("%d foreground flows of %d paths (%d paths without results)"
          % (len(r), len(np.unique(r[:, 0])), missing))
    b = np.searchsorted(BOUNDS, size, side="right")
    print("%-8s %6s  %-22s %-22s" % ("bucket", "flows", "path sim p50/p90/p99",
                                     "network p50/p90/p99"))
    for i, name in enumerate(NAMES):
        m = np.ones(len(r), bool) if i == 0 else (b == i - 1)
        if m.sum() == 0:
            continue
        f = lambda v: "/".join("%.3f" % wq(v[m], w[m], q) for q in (0.5, 0.9, 0.99))  # noqa: E731
        print("%-8s %6d  %-22s %-22s" % (name, m.sum(), f(sp), f(sn)))
    ratio = sp / sn
    print("per flow path-sim / network slowdown: p10 %.3f, p50 %.3f, p90 %.3f"
          % tuple(np.percentile(ratio, [10, 50, 90])))
    for n in sorted(set(r[:, 1].astype(int))):
        m = r[:, 1] == n
        print("n=%d: %d flows, network p90 %.3f, path sim p90 %.3f, median ratio %.3f"
              % (n, m.sum(), wq(sn[m], w[m], 0.9), wq(sp[m], w[m], 0.9), np.median(ratio[m])))


if __name__ == "__main__":
    main()

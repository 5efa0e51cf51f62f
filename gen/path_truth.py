#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
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
With --model CKPT.pt, also what the model predicts for each path (tokens
from the path's own flowSim run, the default configuration, switch pools
of the parking lot the training data uses) against the path-sim truth:
the mixture's p50/p90/p99 and where each true slowdown falls in its
predicted distribution (a calibrated model spreads these evenly).

    /usr/bin/python3 gen/path_truth.py DUMP_DIR NETWORK_FCT_CSV --csv OUT.csv [--model CKPT]

Cost: reading the CSVs, a few seconds for 500 paths; --model adds flowSim,
features and a forward pass per path (about a minute for 500 paths).

Note: --model needs M3CORE_LIB (build/libm3core.so) and torch; the dump
must have been written with one host per mid position."""
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


def model_check(dump, rows, ckpt):
    """The model's predicted mixture on the dumped paths against the
    path-sim truth of their foreground flows (see the header)."""
    import torch
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bindings"))
    import m3core
    model = torch.jit.load(ckpt)
    model.eval()
    cfg = m3core.config_default()
    by_path = {}
    for r in rows:
        by_path.setdefault(r[0], []).append(r)
    vals, wts, pit = [], [], []
    with open(os.path.join(dump, "index.jsonl")) as f:
        for line in f:
            p = json.loads(line)
            if p["path"] not in by_path:
                continue
            n = p["n"]
            with open(os.path.join(dump, p["file"] + ".flows")) as ff:
                rr = [x.split() for x in ff.read().split("\n")[1:] if x.strip()]
            flows = m3core.make_flows([int(x[1]) for x in rr], [int(x[2]) for x in rr],
                                      [int(x[5]) for x in rr],
                                      [round(float(x[6]) * 1e9) for x in rr])
            ln, pools = m3core.parking_lot(n, 10e9, 40e9 if n > 3 else 10e9, 40e9, 1000, 10e9,
                                           buffer_bytes=cfg["buffer_kb"] * 1000)
            _, fct, ideal = m3core.line_flowsim(ln, flows)
            tok = m3core.path_features(ln, flows, m3core.slowdown(fct, ideal), cfg, pools)
            links = torch.zeros(1, 6, tok.shape[1])
            links[0, :n - 1] = torch.tensor(tok[1:])
            mask = torch.zeros(1, 6, dtype=torch.bool)
            mask[0, :n - 1] = True
            with torch.no_grad():
                out = model(torch.tensor(tok[0:1]), links, mask)[0].numpy()
            for r in by_path[p["path"]]:
                q = out[int(np.searchsorted(BOUNDS, r[4], side="right"))]
                pit.append(float(np.mean(q < r[5])))
                vals.extend(q.tolist())
                wts.extend([r[3] / len(q)] * len(q))
    v, w = np.array(vals), np.array(wts)
    print("model on the same paths: mixture p50/p90/p99 %s"
          % "/".join("%.3f" % wq(v, w, q) for q in (0.5, 0.9, 0.99)))
    print("true path-sim slowdown's rank in the predicted distribution, deciles: %s"
          % np.histogram(pit, bins=10, range=(0, 1))[0].tolist())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dump")
    ap.add_argument("network_csv")
    ap.add_argument("--csv", help="per-flow rows to write")
    ap.add_argument("--model", help="also the model's prediction on the paths (see the header)")
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
    if a.model:
        model_check(a.dump, rows, a.model)


if __name__ == "__main__":
    main()

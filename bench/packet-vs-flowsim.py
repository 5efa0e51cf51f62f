#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Tabulates packet-vs-flowsim runs: OUTDIR/<scenario>-<cc>/summary.json ->
OUTDIR/table.csv (one row per scenario, cc, mode, bucket) and, when
matplotlib is available, OUTDIR/table.png (p50/p99 per CC, packet next to
flowSim, one panel per scenario).

    packet-vs-flowsim.py OUTDIR
"""
import csv
import json
import os
import sys

CCS = ["dctcp", "hpcc", "dcqcn", "timely"]


def bucket_name(b):
    def size(v):
        if v is None:
            return "inf"
        if v >= 1000 and v % 1000 == 0:
            return "%dK" % (v // 1000)
        return str(v)

    return "%s-%s" % (size(b["lo"]), size(b["hi"]))


def load_runs(out):
    runs = []
    for name in sorted(os.listdir(out)):
        path = os.path.join(out, name, "summary.json")
        if not os.path.isfile(path):
            continue
        scenario, _, cc = name.rpartition("-")
        if cc not in CCS:
            continue
        with open(path) as f:
            runs.append((scenario, cc, json.load(f)["modes"]))
    return runs


def write_table(out, runs):
    rows = []
    for scenario, cc, modes in runs:
        for mode, m in modes.items():
            groups = [("all", m["overall"])] + [(bucket_name(b), b) for b in m["buckets"]]
            for bucket, s in groups:
                rows.append({
                    "scenario": scenario, "cc": cc, "mode": mode, "bucket": bucket,
                    "n": s["n"], "p50": s["p50"], "p90": s["p90"], "p99": s["p99"],
                    "wall_s": m.get("wall_s"), "unfinished": m.get("unfinished", 0),
                })
    path = os.path.join(out, "table.csv")
    with open(path + ".tmp", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()) if rows else ["scenario"])
        w.writeheader()
        w.writerows(rows)
    os.replace(path + ".tmp", path)
    return rows


def print_overall(rows):
    print("%-22s %-7s %9s %9s %9s %9s %9s %9s" %
          ("scenario", "cc", "pkt p50", "pkt p99", "fs p50", "fs p99", "p99 err", "pkt s"))
    keyed = {(r["scenario"], r["cc"], r["mode"]): r for r in rows if r["bucket"] == "all"}
    for (scenario, cc, mode), r in sorted(keyed.items()):
        if mode != "packet":
            continue
        f = keyed.get((scenario, cc, "flowsim"))
        if not f or r["p99"] is None or f["p99"] is None:
            continue
        err = (f["p99"] - r["p99"]) / r["p99"]
        print("%-22s %-7s %9.3f %9.3f %9.3f %9.3f %+8.1f%% %9.1f" %
              (scenario, cc, r["p50"], r["p99"], f["p50"], f["p99"], 100 * err, r["wall_s"]))


def plot(out, rows):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("packet-vs-flowsim: no matplotlib, table.csv only", file=sys.stderr)
        return
    overall = [r for r in rows if r["bucket"] == "all"]
    scenarios = sorted({r["scenario"] for r in overall})
    if not scenarios:
        return
    fig, axes = plt.subplots(1, len(scenarios), figsize=(4.5 * len(scenarios), 3.8), squeeze=False)
    for ax, sc in zip(axes[0], scenarios):
        x = range(len(CCS))
        for k, (mode, pct, style) in enumerate([("packet", "p50", "C0"), ("packet", "p99", "C1"),
                                                 ("flowsim", "p50", "C2"), ("flowsim", "p99", "C3")]):
            vals = []
            for cc in CCS:
                r = [r for r in overall if r["scenario"] == sc and r["cc"] == cc and r["mode"] == mode]
                vals.append(r[0][pct] if r and r[0][pct] is not None else float("nan"))
            ax.bar([i + (k - 1.5) * 0.2 for i in x], vals, 0.2, color=style,
                   label="%s %s" % (mode, pct))
        ax.set_xticks(list(x))
        ax.set_xticklabels(CCS)
        ax.set_title(sc)
        ax.set_ylabel("FCT slowdown")
    axes[0][0].legend(fontsize=8)
    fig.tight_layout()
    path = os.path.join(out, "table.png")
    fig.savefig(path + ".tmp.png", dpi=110)
    os.replace(path + ".tmp.png", path)


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = sys.argv[1]
    runs = load_runs(out)
    if not runs:
        print("packet-vs-flowsim: %s: no <scenario>-<cc>/summary.json found" % out, file=sys.stderr)
        return 1
    rows = write_table(out, runs)
    print_overall(rows)
    plot(out, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())

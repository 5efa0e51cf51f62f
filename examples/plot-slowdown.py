#!/usr/bin/env python3
"""Plots the FCT slowdown distributions that m3-compare --out=DIR wrote.

    plot-slowdown.py DIR

Reads DIR/fct-<mode>.csv (one per mode run) and writes DIR/slowdown.png:
one panel per flow-size bucket (all flows, then m3's four buckets), the
CDF of slowdown of every mode on a log axis, p50/p99 in the legend.
Unfinished flows (nan) are left out, as in the tables. Needs matplotlib
(Debian: python3-matplotlib); run it with /usr/bin/python3.
"""
import csv
import glob
import math
import os
import sys

BUCKETS = [("all", 0, math.inf), ("<1K", 0, 1000), ("1K-10K", 1000, 10000),
           ("10K-50K", 10000, 50000), (">=50K", 50000, math.inf)]


def read_mode(path):
    """(size, slowdown) of every finished flow of one fct-<mode>.csv."""
    rows = []
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            s = float(r["slowdown"])
            if not math.isnan(s):
                rows.append((int(r["size"]), s))
    return rows


def nearest_rank(sorted_vals, p):
    if not sorted_vals:
        return float("nan")
    k = max(1, math.ceil(p / 100.0 * len(sorted_vals)))
    return sorted_vals[k - 1]


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = sys.argv[1]
    files = sorted(glob.glob(os.path.join(out, "fct-*.csv")))
    if not files:
        print("plot-slowdown: %s: no fct-<mode>.csv" % out, file=sys.stderr)
        return 1
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("plot-slowdown: matplotlib is missing (python3-matplotlib); no plot",
              file=sys.stderr)
        return 1
    modes = {os.path.basename(f)[4:-4]: read_mode(f) for f in files}
    fig, axes = plt.subplots(1, len(BUCKETS), figsize=(4 * len(BUCKETS), 3.6), squeeze=False)
    for ax, (name, lo, hi) in zip(axes[0], BUCKETS):
        for mode, rows in modes.items():
            vals = sorted(s for size, s in rows if lo <= size < hi)
            if not vals:
                continue
            n = len(vals)
            ax.step(vals, [(i + 1) / n for i in range(n)], where="post",
                    label="%s p50 %.2f p99 %.2f" % (mode, nearest_rank(vals, 50),
                                                    nearest_rank(vals, 99)))
        ax.set_xscale("log")
        ax.set_title("%s bytes" % name if name != "all" else "all flows")
        ax.set_xlabel("FCT slowdown")
        ax.set_ylim(0, 1.01)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="lower right")
    axes[0][0].set_ylabel("CDF")
    fig.tight_layout()
    path = os.path.join(out, "slowdown.png")
    tmp = path + ".tmp.png"
    fig.savefig(tmp, dpi=100)
    os.replace(tmp, path)
    print("wrote %s" % path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

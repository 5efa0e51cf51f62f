#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Plots the counterfactual curve that m3-compare --sweep=KEY:... --out=DIR
wrote: DIR/sweep.json -> DIR/sweep.png.

    plot-sweep.py DIR

One panel for all flows and one per flow-size bucket: p99 FCT slowdown
against the swept value, one line per mode, m3's confidence interval as a
band. Needs matplotlib (Debian: python3-matplotlib); run it with
/usr/bin/python3.
"""
import json
import math
import os
import sys

COLORS = {"packet": "#333333", "flowsim": "#1f77b4", "m3": "#d62728"}


def num(v):
    return float("nan") if v is None else float(v)


def main():
    if len(sys.argv) == 2 and sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0
    if len(sys.argv) != 2 or sys.argv[1].startswith("-"):
        print(__doc__, file=sys.stderr)
        return 2
    path = os.path.join(sys.argv[1], "sweep.json")
    try:
        with open(path) as f:
            doc = json.load(f)
        points = doc["points"]
        xs = [float(p["value"]) for p in points]
    except (OSError, ValueError, KeyError) as e:
        print("plot-sweep: %s: %s" % (path, e), file=sys.stderr)
        return 1
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("plot-sweep: matplotlib is missing (python3-matplotlib); no plot", file=sys.stderr)
        return 1
    modes = list(points[0]["summary"]["modes"].keys())
    nb = len(points[0]["summary"]["modes"][modes[0]]["buckets"])
    fig, axes = plt.subplots(1, nb + 1, figsize=(3.3 * (nb + 1), 3.2), squeeze=False)
    for i, ax in enumerate(axes[0]):
        for m in modes:
            ys, lo, hi = [], [], []
            for p in points:
                r = p["summary"]["modes"][m]
                s = r["overall"] if i == 0 else r["buckets"][i - 1]
                ys.append(num(s["p99"]))
                if "ci_lo" in s:
                    lo.append(num(s["ci_lo"]["p99"]))
                    hi.append(num(s["ci_hi"]["p99"]))
            ax.plot(xs, ys, "o-", color=COLORS.get(m), label=m, ms=3)
            if len(lo) == len(xs):
                ax.fill_between(xs, lo, hi, color=COLORS.get(m), alpha=0.2, lw=0)
        if i == 0:
            ax.set_title("all flows", fontsize=9)
            ax.set_ylabel("p99 FCT slowdown")
        else:
            b = points[0]["summary"]["modes"][modes[0]]["buckets"][i - 1]
            hi_ = "inf" if b["hi"] is None else "%dK" % (b["hi"] // 1000)
            ax.set_title("%dK-%s bytes" % (b["lo"] // 1000, hi_) if b["lo"] else
                         "<%s bytes" % hi_, fontsize=9)
        ax.set_xlabel(doc["key"])
        ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize=8)
    fig.suptitle(doc.get("scenario", ""), fontsize=8)
    fig.tight_layout()
    png = os.path.join(sys.argv[1], "sweep.png")
    tmp = png + ".tmp.png"
    fig.savefig(tmp, dpi=100)
    os.replace(tmp, png)
    print("wrote %s" % png)
    return 0


if __name__ == "__main__":
    sys.exit(main())

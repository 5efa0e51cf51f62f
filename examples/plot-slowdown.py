#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Plots what m3-compare --out=DIR wrote: DIR/summary.json -> DIR/slowdown.png.

    plot-slowdown.py DIR

Left: the overall FCT slowdown distribution of every mode, drawn from its
p1..p100 (`pct`; every mode reports it, so the curves compare like for
like; m3 mode has no per-flow results). Right: p99 per flow-size bucket,
one bar per mode, m3's confidence interval as an error bar, and the relative
error against packet mode above the bars when packet mode ran. Needs
matplotlib (Debian: python3-matplotlib); run it with /usr/bin/python3.
"""
import json
import math
import os
import sys

ORDER = ["packet", "flowsim", "m3"]
COLORS = {"packet": "#333333", "flowsim": "#1f77b4", "m3": "#d62728"}


def label(b):
    def size(v):
        if v is None:
            return "inf"
        return "%dK" % (v // 1000) if v >= 1000 and v % 1000 == 0 else str(v)
    return "%s-%s" % (size(b["lo"]), size(b["hi"]))


def num(v):
    return float("nan") if v is None else float(v)


def main():
    if len(sys.argv) == 2 and sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0
    if len(sys.argv) != 2 or sys.argv[1].startswith("-"):
        print(__doc__, file=sys.stderr)
        return 2
    out = sys.argv[1]
    path = os.path.join(out, "summary.json")
    try:
        with open(path) as f:
            summary = json.load(f)
    except (OSError, ValueError) as e:
        print("plot-slowdown: %s: %s" % (path, e), file=sys.stderr)
        return 1
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("plot-slowdown: matplotlib is missing (python3-matplotlib); no plot",
              file=sys.stderr)
        return 1
    modes = summary.get("modes", {})
    names = [m for m in ORDER if m in modes] + [m for m in modes if m not in ORDER]
    if not names:
        print("plot-slowdown: %s: no modes" % path, file=sys.stderr)
        return 1
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 4))

    for m in names:
        pct = [num(v) for v in modes[m].get("pct", [])]
        if not pct or all(math.isnan(v) for v in pct):
            continue
        ys = [(k + 1) / len(pct) for k in range(len(pct))]
        o = modes[m]["overall"]
        ax.step(pct, ys, where="post", color=COLORS.get(m), lw=1.6,
                label="%s: p50 %.2f, p99 %.2f" % (m, num(o["p50"]), num(o["p99"])))
    ax.set_xscale("log")
    ax.set_xlabel("FCT slowdown (all flows)")
    ax.set_ylabel("CDF")
    ax.set_ylim(0, 1.01)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title(summary.get("scenario", ""), fontsize=8)

    buckets = modes[names[0]]["buckets"]
    width = 0.8 / len(names)
    for i, m in enumerate(names):
        bs = modes[m]["buckets"]
        xs = [j + (i - (len(names) - 1) / 2) * width for j in range(len(bs))]
        ys = [num(b["p99"]) for b in bs]
        err = None
        if all("ci_lo" in b for b in bs):
            lo = [y - num(b["ci_lo"]["p99"]) for y, b in zip(ys, bs)]
            hi = [num(b["ci_hi"]["p99"]) - y for y, b in zip(ys, bs)]
            err = [lo, hi]
        bx.bar(xs, ys, width, yerr=err, capsize=3, color=COLORS.get(m), label=m)
        rel = modes[m].get("vs_packet", {}).get("rel_err", {}).get("buckets")
        if rel:
            for x, y, r in zip(xs, ys, rel):
                if r and r.get("p99") is not None and not math.isnan(y):
                    bx.text(x, y, "%+.0f%%" % (100 * r["p99"]), ha="center", va="bottom",
                            fontsize=6)
    bx.set_xticks(range(len(buckets)))
    bx.set_xticklabels(["%s B" % label(b) for b in buckets], fontsize=8)
    bx.set_ylabel("p99 FCT slowdown")
    bx.set_title("p99 per flow size (m3: %g%% interval; labels: error vs packet)"
                 % (100 * modes.get("m3", {}).get("ci_level", 0.95)), fontsize=8)
    bx.grid(alpha=0.3, axis="y")
    bx.legend(fontsize=8)
    fig.tight_layout()
    png = os.path.join(out, "slowdown.png")
    tmp = png + ".tmp.png"
    fig.savefig(tmp, dpi=100)
    os.replace(tmp, png)
    print("wrote %s" % png)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Writes the rack-to-rack traffic matrices of the evaluation suite (eval/tm/).

The files are committed; this script documents how they were made and
rewrites them identically (fixed seeds, standard library only).

Every matrix is 32 x 32 (row = source rack, column = destination rack), the
rack count of m3's 256-host fat-tree (2 pods x 16 racks; racks 0-15 in pod 0,
16-31 in pod 1, numbered in the order of their first host) and of the k=8
fat-tree (8 pods x 4 racks). Only relative weights matter: the workload
generator draws a rack pair in proportion to its weight and scales arrival
times so that the busiest link carries the requested load.

  hot-racks.tm  four hot racks (2, 9, 18, 27): every pair with a hot source or
                destination weighs 8, all other pairs 1.
  skewed.tm     production-like skew: log-normal weights (sigma 1.5), pairs
                inside a pod x3 (rack locality), same rack x0.5.
  hot-pairs.tm  a few elephant rack pairs: six pairs weigh 60, the rest 1.

Usage: eval/make-tm.py [--out eval/tm]
"""
import argparse
import math
import os
import random

RACKS = 32
PER_POD = 16


def hot_racks():
    hot = {2, 9, 18, 27}
    return [[8.0 if (i in hot or j in hot) else 1.0 for j in range(RACKS)] for i in range(RACKS)]


def skewed():
    rng = random.Random(20240801)
    m = []
    for i in range(RACKS):
        row = []
        for j in range(RACKS):
            w = math.exp(rng.gauss(0.0, 1.5))
            if i // PER_POD == j // PER_POD:
                w *= 3.0
            if i == j:
                w *= 0.5
            row.append(round(w, 4))
        m.append(row)
    return m


def hot_pairs():
    pairs = {(0, 17), (5, 5), (8, 30), (13, 2), (21, 24), (31, 6)}
    return [[60.0 if (i, j) in pairs else 1.0 for j in range(RACKS)] for i in range(RACKS)]


def write(path, comment, m):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("# %s\n# %d x %d rack-to-rack weights, row = source rack; written by eval/make-tm.py\n"
                % (comment, RACKS, RACKS))
        for row in m:
            f.write(" ".join(("%g" % w) for w in row) + "\n")
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "tm"))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    write(os.path.join(a.out, "hot-racks.tm"), "four hot racks (2, 9, 18, 27) x8", hot_racks())
    write(os.path.join(a.out, "skewed.tm"), "log-normal weights sigma 1.5, intra-pod x3", skewed())
    write(os.path.join(a.out, "hot-pairs.tm"), "six elephant rack pairs x60", hot_pairs())


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Synthetic m3 dataset in gen/build_dataset.py's exact .npz format, for tests.

Design. Each sample is a path scenario: n in {3, 5, 7}, a CC, a workload
seed (several samples share one workload, as the real data does: 3 path
lengths x a few configurations per workload) and random tokens laid out as
the schema says (model/core/m3.h, "features"; a copy of schema v1 as data:
the synthetic fields are random, so their scaling version does not matter):
per input bucket 100 sorted log flowSim slowdowns (0 when empty), then the
bucket counts log10(1 + flows) / 5, then the 18 scalar fields. The targets
are a simple, learnable function of the tokens: the foreground's flowSim
percentiles per output bucket (from its token) times a congestion factor that
grows with the link tokens' levels, the CC and the window field, and rises
towards the tail. flowSim's own estimate (the baseline) is the factor-free
curve. Empty output buckets are all zeros with count 0, as in the real data.

Cost. O(S x 7 x D) numbers from numpy's generator; 2000 samples take well
under a second and ~60 MB uncompressed (the file is written compressed).

    fake_dataset.py OUT.npz [--samples 2000] [--seed 1]
"""
import argparse
import hashlib
import json

import numpy as np

IN_BOUNDS = [250, 500, 750, 1000, 2000, 5000, 7500, 10000, 50000]
OUT_BOUNDS = [1000, 10000, 50000]
PCTS = 100
FIELDS = [("n3", 0, 1), ("n5", 0, 1), ("n7", 0, 1), ("cc_dctcp", 0, 1), ("cc_hpcc", 0, 1),
          ("cc_dcqcn", 0, 1), ("cc_timely", 0, 1), ("pfc", 0, 1), ("window_kb", 5, 30),
          ("dctcp_k_kb", 5, 20), ("dcqcn_kmin_kb", 8, 20), ("dcqcn_kmax_kb", 20, 40),
          ("hpcc_eta", 0.70, 0.95), ("hpcc_ai_mbps", 500, 1000), ("timely_tlow_us", 40, 60),
          ("timely_thigh_us", 100, 150), ("link_gbps", 0, 40), ("pool_kb", 0, 1000)]
CFG_KEYS = ["buffer_kb", "window_kb", "pfc", "dctcp_k_kb", "hpcc_eta", "load"]
# output bucket of each input bucket (input bucket b covers [IN_BOUNDS[b-1], IN_BOUNDS[b]))
IN_TO_OUT = [0, 0, 0, 0, 1, 1, 1, 1, 2, 3]


def schema():
    nin = len(IN_BOUNDS) + 1
    return dict(version=1, in_bounds=IN_BOUNDS, pcts=PCTS, out_bounds=OUT_BOUNDS,
                fields=[dict(name=n, lo=lo, hi=hi) for n, lo, hi in FIELDS],
                token_dim=nin * (PCTS + 1) + len(FIELDS))


def make(samples=2000, seed=1, configs_per_workload=4):
    rng = np.random.default_rng(seed)
    nin, nf = len(IN_BOUNDS) + 1, len(FIELDS)
    D = nin * (PCTS + 1) + nf
    S = samples
    ramp = (np.arange(1, PCTS + 1) / PCTS)[None, None, :]

    def tokens(shape, level):
        """Tokens [*, D]: random non-empty buckets with rising log slowdowns."""
        full = shape + (nin,)
        nonempty = rng.random(full) < 0.7
        flows = rng.integers(1, 20000, size=full)
        tail = level[..., None, None] * rng.uniform(0.5, 1.5, size=full)[..., None]
        pct = 0.05 + tail * ramp.reshape((1,) * len(shape) + (1, PCTS)) ** 3
        pct = np.where(nonempty[..., None], pct, 0.0)
        cnt = np.where(nonempty, np.log10(1 + flows) / 5, 0.0)
        t = np.zeros(shape + (D,))
        t[..., : nin * PCTS] = pct.reshape(shape + (nin * PCTS,))
        t[..., nin * PCTS: nin * (PCTS + 1)] = cnt
        return t, nonempty, flows

    n = rng.choice([3, 5, 7], size=S).astype(np.int8)
    cc = rng.integers(0, 4, size=S).astype(np.int8)
    nw = max(S // (3 * configs_per_workload), 10)
    workload_seed = (rng.integers(0, nw, size=S) * 7919 + 12345).astype(np.int64)
    config_seed = rng.integers(0, 2**40, size=S).astype(np.int64)
    cfg = np.stack([rng.uniform(200, 500, S), rng.uniform(5, 30, S),
                    rng.integers(0, 2, S).astype(float), rng.uniform(5, 20, S),
                    rng.uniform(0.7, 0.95, S), rng.uniform(0.2, 0.8, S)], axis=1)

    fields = np.zeros((S, nf))
    fields[np.arange(S), (n - 3) // 2] = 1
    fields[np.arange(S), 3 + cc] = 1
    fields[:, 7] = cfg[:, 2]
    fields[:, 8] = (cfg[:, 1] - 5) / 25
    fields[:, 9] = np.where(cc == 0, (cfg[:, 3] - 5) / 15, 0)
    fields[:, 12] = np.where(cc == 1, (cfg[:, 4] - 0.7) / 0.25, 0)

    load = cfg[:, 5]
    fg, fg_ne, fg_flows = tokens((S,), load * 2)
    links, _, _ = tokens((S, 6), np.repeat(load[:, None], 6, 1) * rng.uniform(0.3, 3, (S, 6)))
    link_mask = np.arange(6)[None, :] < (n[:, None] - 1)
    links = np.where(link_mask[..., None], links, 0.0)
    fg[:, -nf:] = fields
    links[..., -nf:] = np.where(link_mask[..., None], fields[:, None, :], 0.0)
    links[..., -2] = np.where(link_mask, 0.25 + 0.75 * (np.arange(6) > 0), 0)  # link_gbps
    links[..., -1] = np.where(link_mask, cfg[:, 0:1] / 1000, 0)               # pool_kb

    # flowSim's estimate per output bucket: mean of the fg token's input buckets
    fpct = fg[:, : nin * PCTS].reshape(S, nin, PCTS)
    flowsim = np.zeros((S, 4, PCTS))
    count = np.zeros((S, 4), np.int64)
    for o in range(4):
        ins = [b for b in range(nin) if IN_TO_OUT[b] == o]
        ne = fg_ne[:, ins]
        k = ne.sum(1)
        s = (fpct[:, ins, :] * ne[..., None]).sum(1) / np.maximum(k, 1)[:, None]
        flowsim[:, o] = np.where((k > 0)[:, None], np.exp(s), 0)
        count[:, o] = (fg_flows[:, ins] * ne).sum(1)
    mean_link = (links[..., :1000].mean(-1) * link_mask).sum(1) / link_mask.sum(1)
    cong = (1.5 * mean_link + 0.15 * cc + 0.3 * fields[:, 8])[:, None, None]
    target = np.where(count[..., None] > 0, flowsim * np.exp(cong * (0.2 + ramp)), 0.0)

    d = dict(fg=fg.astype(np.float32), links=links.astype(np.float32),
             link_mask=link_mask, target=target.astype(np.float32),
             target_count=count.astype(np.int32), flowsim=flowsim.astype(np.float32),
             flowsim_count=count.astype(np.int32), n=n, cc=cc,
             workload_seed=workload_seed, config_seed=config_seed,
             cfg_values=cfg.astype(np.float64), cfg_keys=np.array(CFG_KEYS))
    h = hashlib.sha256()
    for k in sorted(d):
        h.update(k.encode())
        h.update(np.ascontiguousarray(d[k]).tobytes())
    d["schema_json"] = np.array(json.dumps(schema()))
    d["samples_sha256"] = np.array(h.hexdigest())
    return d


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--samples", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    np.savez_compressed(a.out, **make(a.samples, a.seed))
    print("wrote %s (%d samples)" % (a.out, a.samples))


if __name__ == "__main__":
    main()

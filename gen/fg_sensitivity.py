# SPDX-License-Identifier: GPL-2.0-only
"""fg_sensitivity.py - how the shipped model answers when a path's foreground
token is built from k foreground flows instead of all of them (a sampled
fat-tree path carries about one; every training sample had hundreds or
more): same sample, same flowSim run, the other foreground flows left out of
the token only. Prints the model's p99 error against the packet target (mean
over samples and output buckets with >= 100 foreground flows) for k = all,
50, 5, 1. doc/m3.rst ("Results") quotes its output.

    M3CORE_LIB=build/libm3core.so /usr/bin/python3 gen/fg_sensitivity.py \
        [SAMPLES.jsonl.xz] [CKPT.pt] [N]

Cost: about 1 s per sample on 2 cores (flowSim, four token sets, four
forward passes)."""
import json
import lzma
import os
import sys
import numpy as np
import torch
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bindings"))
import m3core  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from build_dataset import path_inputs  # noqa: E402  the dataset's own inputs

path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "gen/data/h200-2026-11-30d.jsonl.xz")
ckpt = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "ckpts/m3-medium.pt")
count = int(sys.argv[3]) if len(sys.argv) > 3 else 150
rng = np.random.default_rng(0)
model = torch.jit.load(ckpt)
model.eval()
L = 6  # the model's link tokens (ckpts/NAME.json: model.max_links)
samples = [json.loads(line) for line in lzma.open(path)][:count]
res = {k: [] for k in ("all", 50, 5, 1)}
for s in samples:
    n = s["n"]
    flows, _ = m3core.workload_path_m3(n, s["num_flows"], s["workload_seed"])
    cfg, line, pools, sd = path_inputs(s, flows)
    fg = np.where((flows["src"] == 0) & (flows["dst"] == n - 1))[0]
    target = np.array(s["target"]["pcts"], dtype=np.float64)
    counts = s["target"]["counts"]
    for k in res:
        if k == "all":
            keep = np.ones(len(flows), bool)
        else:
            keep = np.ones(len(flows), bool)
            drop = rng.permutation(fg)[k:] if len(fg) > k else []
            keep[drop] = False
        tok = m3core.path_features(line, flows[keep], sd[keep], cfg, pools)
        fgt = torch.tensor(tok[0:1], dtype=torch.float32)
        links = torch.zeros(1, L, tok.shape[1])
        links[0, :n - 1] = torch.tensor(tok[1:])
        mask = torch.zeros(1, L, dtype=torch.bool)
        mask[0, :n - 1] = True
        with torch.no_grad():
            out = model(fgt, links, mask)[0].numpy()
        for b in range(4):
            if counts[b] >= 100:
                res[k].append((out[b, 98] - target[b, 98]) / target[b, 98])
for k, v in res.items():
    v = np.array(v)
    print("foreground flows in the token: %-4s mean signed p99 err %+.1f%%, mean |err| %.1f%% (%d pairs)"
          % (k, 100 * v.mean(), 100 * np.abs(v).mean(), len(v)))

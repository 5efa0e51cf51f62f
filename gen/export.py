#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Exports a trained m3 model to a TorchScript checkpoint that libtorch 1.13 loads.

Design. Run with Debian's /usr/bin/python3 (torch 1.13, the version the C++
side links): builds the model from RUN/config.json, loads RUN/weights.npz
(plain numpy arrays, so weights trained under torch 2.x load here), scripts
it with torch.jit.script and writes, in --ckpts (default ckpts/):
  NAME.pt          the TorchScript module: forward(fg [B, D], links [B, 6, D],
                   link_mask [B, 6] bool) -> slowdown [B, 4, 100] (>= 1,
                   non-decreasing along the last axis);
  NAME.json        metadata: schema (checked against the code's before use),
                   model size, dataset hash, train_samples, the training ranges
                   of every cfg key and token field (for out-of-range warnings),
                   validation (RUN/eval.json's p99 errors and breakdowns), and
                   the CPU time measured here for 500 paths;
  NAME.check.bin   a fixed input and the outputs Python computes for it, for
                   test/infer/test-ckpt-load.cc. Little-endian: "M3CK", then
                   int32 version=1, B, L, D, O, P, then float32 fg [B, D],
                   links [B, L, D], link_mask [B, L] (0/1), expected [B, O, P].
The input is RUN/check_inputs.npz (4 held-out samples) when train.py wrote
it, else deterministic pseudo-random tokens; two extra rows with 2 and 6
valid links are always added. The saved file is reloaded and must match the
eager model to 1e-5 (relative), and must be under 30 MB.

Cost. Scripting takes seconds; the timing runs 2 warm-up and 5 measured
batches of 500 paths with 1 and with 2 intra-op threads, median and minimum
(about a second for the "small" size). Debian's OpenBLAS runs its own
threads inside the matrix products, so 1 intra-op thread is usually faster
on 2 cores.

    /usr/bin/python3 gen/export.py RUN_DIR [--name m3-medium] [--ckpts ckpts]
"""
import argparse
import hashlib
import json
import os
import struct
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model as M  # noqa: E402

MAX_BYTES = 30 * 1024 * 1024


def build_from(run_dir):
    with open(os.path.join(run_dir, "config.json")) as f:
        cfg = json.load(f)
    model = M.M3Model(cfg["token_dim"], dropout=0.0, **cfg["hparams"])
    w = np.load(os.path.join(run_dir, "weights.npz"))
    state = {k: torch.from_numpy(np.array(w[k])) for k in w.files}
    model.load_state_dict(state, strict=True)
    return model.eval(), cfg


def check_input(run_dir, D):
    p = os.path.join(run_dir, "check_inputs.npz")
    if os.path.exists(p):
        c = np.load(p)
        fg, links, mask = c["fg"], c["links"], c["link_mask"].astype(bool)
    else:
        fg, links, mask = (np.zeros((0, D), np.float32), np.zeros((0, 6, D), np.float32),
                           np.zeros((0, 6), bool))
    # two pseudo-random rows (fixed seed): 2 and 6 valid links, some empty buckets
    g = np.random.default_rng(12345)
    nb, P = M.IN_BUCKETS, M.PCTS
    extra_fg = np.zeros((2, D), np.float32)
    extra_l = np.zeros((2, 6, D), np.float32)
    extra_m = np.zeros((2, 6), bool)
    for r, nl in enumerate([2, 6]):
        extra_m[r, :nl] = True
        for t in [extra_fg[r]] + [extra_l[r, i] for i in range(nl)]:
            ne = g.random(nb) < 0.7
            pct = np.sort(g.uniform(0, 2, (nb, P)), axis=1) * ne[:, None]
            t[: nb * P] = pct.reshape(-1)
            t[nb * P: nb * (P + 1)] = ne * g.uniform(0.05, 1.0, nb)
            t[nb * (P + 1):] = g.uniform(0, 1, D - nb * (P + 1))
    return (np.concatenate([fg, extra_fg]).astype(np.float32),
            np.concatenate([links, extra_l]).astype(np.float32),
            np.concatenate([mask, extra_m]))


def write_check(path, fg, links, mask, expected):
    B, L, D = links.shape
    O, P = expected.shape[1:]
    with open(path, "wb") as f:
        f.write(b"M3CK")
        f.write(struct.pack("<6i", 1, B, L, D, O, P))
        for a in (fg, links, mask.astype(np.float32), expected):
            f.write(np.ascontiguousarray(a, dtype="<f4").tobytes())


def time_500(mod, fg, links, mask, threads, reps=5):
    torch.set_num_threads(threads)
    idx = np.arange(500) % len(fg)
    f, l, m = (torch.from_numpy(fg[idx]), torch.from_numpy(links[idx]),
               torch.from_numpy(mask[idx]))
    ts = []
    with torch.no_grad():
        for i in range(2 + reps):
            t = time.perf_counter()
            mod(f, l, m)
            if i >= 2:
                ts.append(time.perf_counter() - t)
    return float(np.median(ts)), float(np.min(ts))


def main(argv=None):
    ap = argparse.ArgumentParser(description="export a trained run to TorchScript")
    ap.add_argument("run_dir")
    ap.add_argument("--name", help="checkpoint name (default m3-<size>)")
    ap.add_argument("--ckpts", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                    "..", "ckpts"))
    ap.add_argument("--no-timing", action="store_true")
    a = ap.parse_args(argv)
    model, cfg = build_from(a.run_dir)
    name = a.name or "m3-%s" % cfg["size"]
    os.makedirs(a.ckpts, exist_ok=True)
    pt = os.path.join(a.ckpts, name + ".pt")

    scripted = torch.jit.script(model)
    scripted.save(pt)
    size = os.path.getsize(pt)
    if size >= MAX_BYTES:
        sys.exit("export.py: %s is %d bytes (limit %d)" % (pt, size, MAX_BYTES))
    loaded = torch.jit.load(pt).eval()

    fg, links, mask = check_input(a.run_dir, cfg["token_dim"])
    with torch.no_grad():
        ref = model(torch.from_numpy(fg), torch.from_numpy(links), torch.from_numpy(mask))
        got = loaded(torch.from_numpy(fg), torch.from_numpy(links), torch.from_numpy(mask))
    rel = ((got - ref).abs() / ref.abs()).max().item()
    if not rel <= 1e-5:
        sys.exit("export.py: scripted output differs from the eager model: rel %g" % rel)
    if not bool((ref[..., 1:] >= ref[..., :-1]).all()) or not bool((ref >= 1).all()):
        sys.exit("export.py: output is not a monotone slowdown curve >= 1")
    chk = os.path.join(a.ckpts, name + ".check.bin")
    write_check(chk, fg, links, mask, ref.numpy())

    timing = {}
    if not a.no_timing:
        for th in (1, 2):
            med, best = time_500(loaded, fg, links, mask, th)
            timing["%d_threads" % th] = {"median_ms": 1000 * med, "min_ms": 1000 * best}
    ev = {}
    evp = os.path.join(a.run_dir, "eval.json")
    if os.path.exists(evp):
        with open(evp) as f:
            ev = json.load(f)
    with open(pt, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    meta = {
        "format": "m3-ckpt", "format_version": 1, "name": name,
        "file": name + ".pt", "file_sha256": sha, "file_bytes": size,
        "check": name + ".check.bin",
        "exported_with_torch": torch.__version__, "trained_with_torch": cfg.get("torch_version"),
        "schema": cfg["schema"],
        "io": {"inputs": ["fg float32 [B, token_dim]", "links float32 [B, 6, token_dim]",
                          "link_mask bool [B, 6] (valid links first)"],
               "output": "slowdown float32 [B, out_buckets, pcts]: p1..p100 per output bucket, "
                         ">= 1, non-decreasing"},
        "model": {"size": cfg["size"], "params": cfg["params"], "hparams": cfg["hparams"],
                  "token_dim": cfg["token_dim"], "max_links": M.MAX_LINKS,
                  "out_buckets": M.OUT_BUCKETS, "pcts": M.PCTS},
        "dataset_sha256": cfg["dataset_sha256"], "train_samples": cfg["train_samples"],
        "train_workloads": cfg.get("train_workloads"), "split": cfg.get("split"),
        "frac": cfg.get("frac"), "best_val_loss": cfg.get("best_val_loss"),
        "fg_aug": cfg.get("fg_aug", 0.0),
        "training_ranges": cfg.get("train_ranges"),
        "validation": {k: ev[k] for k in ("model_p99_err", "flowsim_p99_err", "split",
                                          "test_samples", "test_workloads", "definition",
                                          "model", "flowsim", "fg_sub") if k in ev},
        "cpu_500_paths": timing,
    }
    with open(os.path.join(a.ckpts, name + ".json"), "w") as f:
        json.dump(meta, f, indent=1)
    tstr = ", ".join("%s %.0f ms (min %.0f)" % (k, v["median_ms"], v["min_ms"])
                     for k, v in timing.items())
    tstr = "500 paths: " + tstr if timing else "no timing"
    print("exported %s: %d params, %.2f MB, check rel err %.2g, %s; test p99 |err| model %s, "
          "flowSim %s" % (pt, cfg["params"], size / 1e6, rel, tstr,
                          ev.get("model_p99_err"), ev.get("flowsim_p99_err")))
    return meta


if __name__ == "__main__":
    main()

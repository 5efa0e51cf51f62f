#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""End-to-end test of gen/ on synthetic data: dataset -> train -> export -> load.

Design. gen/fake_dataset.py writes a small dataset in build_dataset.py's
format; gen/train.py trains the "small" model for 2 epochs on the CPU and
the test asserts that the training and validation losses fell; gen/export.py
scripts it (it checks scripted == eager itself); then this test reloads the
saved TorchScript file independently and compares it with the eager model
rebuilt from weights.npz on the stored check input, checks the metadata
JSON and, when given the shim's test program (test/infer/test-infer.c, the
C API of model/infer/m3-infer.h), loads the checkpoint through it: every
load check of the shim on a freshly exported checkpoint, then its check
outputs through the predictor. fake_dataset.py records a copy of schema v1;
the test replaces it with the code's schema (bindings/m3core.py, so
M3CORE_LIB or build/libm3core.so), which the shim requires: the synthetic
tokens have the same layout (token_dim is asserted), only the recorded
field scaling differs, and the synthetic fields are random anyway.

Cost. About 30 s on 2 cores (600 samples, 2 epochs of ~30 steps).

    test_gen_fake.py WORK_DIR [TEST_INFER_BINARY]
"""
import csv
import json
import os
import shutil
import struct
import subprocess
import sys

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "gen"))
sys.path.insert(0, os.path.join(ROOT, "bindings"))
import export  # noqa: E402
import fake_dataset  # noqa: E402
import m3core  # noqa: E402
import train  # noqa: E402


def fail(msg):
    print("FAIL:", msg, flush=True)
    sys.exit(1)


def main():
    work = sys.argv[1]
    loader = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] else None
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    torch.set_num_threads(2)
    data = os.path.join(work, "fake.npz")
    ds = fake_dataset.make(600, seed=3)
    code_schema = m3core.feature_schema()
    if json.loads(str(ds["schema_json"]))["token_dim"] != code_schema["token_dim"]:
        fail("fake_dataset's token layout differs from the code's schema")
    ds["schema_json"] = np.array(json.dumps(code_schema, sort_keys=True))
    np.savez_compressed(data, **ds)
    run = os.path.join(work, "run")
    train.main(["--data", data, "--out", run, "--size", "small", "--epochs", "2",
                "--batch", "32", "--lr", "1e-3", "--cpu", "--log-every", "1"])
    with open(os.path.join(run, "train_log.csv")) as f:
        rows = list(csv.DictReader(f))
    tr = [float(r["train_loss"]) for r in rows]
    va = [float(r["val_loss"]) for r in rows]
    if len(rows) != 2 or not tr[1] < tr[0] or not va[1] < va[0]:
        fail("losses did not fall: train %s val %s" % (tr, va))
    ev = json.load(open(os.path.join(run, "eval.json")))
    for k in ("model_p99_err", "flowsim_p99_err"):
        if not isinstance(ev.get(k), float):
            fail("eval.json lacks %s" % k)
    for k in ("per_cc", "per_n", "per_bucket", "overall_mix"):
        if k not in ev["model"]:
            fail("eval.json lacks model.%s" % k)

    ck = os.path.join(work, "ckpts")
    meta = export.main([run, "--name", "fake", "--ckpts", ck])
    for k in ("schema", "training_ranges", "validation", "dataset_sha256", "train_samples"):
        if meta.get(k) is None:
            fail("metadata lacks %s" % k)

    # independent check: TorchScript file == eager model from weights.npz
    model, _ = export.build_from(run)
    mod = torch.jit.load(os.path.join(ck, "fake.pt")).eval()
    with open(os.path.join(ck, "fake.check.bin"), "rb") as f:
        if f.read(4) != b"M3CK":
            fail("check file magic")
        _, B, L, D, O, P = struct.unpack("<6i", f.read(24))
        body = np.frombuffer(f.read(), "<f4")
    n = [B * D, B * L * D, B * L, B * O * P]
    if len(body) != sum(n):
        fail("check file size")
    parts = np.split(body, np.cumsum(n)[:-1])
    fg = torch.from_numpy(parts[0].reshape(B, D).copy())
    links = torch.from_numpy(parts[1].reshape(B, L, D).copy())
    mask = torch.from_numpy(parts[2].reshape(B, L) > 0.5)
    with torch.no_grad():
        eager = model(fg, links, mask)
        got = mod(fg, links, mask)
    rel = ((got - eager).abs() / eager).max().item()
    rel_file = ((got - torch.from_numpy(parts[3].reshape(B, O, P).copy())).abs() / eager).max().item()
    print("TorchScript vs eager rel err %.3g, vs stored %.3g" % (rel, rel_file), flush=True)
    if not rel <= 1e-5 or not rel_file <= 1e-5:
        fail("TorchScript output differs from the Python model")

    if loader:
        r = subprocess.run([loader, os.path.join(ck, "fake.pt")])
        if r.returncode != 0:
            fail("%s failed (%d)" % (os.path.basename(loader), r.returncode))
    print("ok", flush=True)


if __name__ == "__main__":
    main()

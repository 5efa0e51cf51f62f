#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Trains the m3 model (gen/model.py) on a dataset .npz of gen/build_dataset.py.

Design. The whole dataset goes to the device as tensors once (a few thousand
samples x 7 tokens x ~1 K floats: tens of MB); an epoch is a shuffled pass of
minibatches indexed on the device, so nothing is copied per step. The split
is by WORKLOAD, never by sample: splitmix64(workload_seed) % 10 gives 0-7
train, 8 validation, 9 test, so a workload's traffic (all its path lengths
and configurations) sits on one side only. --frac keeps a deterministic
fraction of the training workloads (learning curves). Loss: m3's relative L1
over the non-empty output buckets, its percentiles p91..p100 weighted
--tail-weight times the others (validation and early stopping use the same
weighting). AdamW (betas 0.9/0.95, wd 0.02), linear
warm-up then cosine decay to 5% of --lr, gradient clipping at 1, early
stopping on the validation loss (the best epoch's weights are kept).
--fg-aug P (with a dataset that has build_dataset's fg_sub variants): each
sample of a step is fed, with probability P, one of its variants whose
foreground token holds only k of its foreground flows (the rest moved into
the link tokens), so the model learns paths with a handful of foreground
flows, as sampled fat-tree paths are; validation then averages the loss of
the full tokens and of every variant, and eval.json adds the test errors
of every variant under "fg_sub".

Outputs in --out DIR: train_log.csv (epoch, train_loss, val_loss, lr,
seconds), weights.npz (the state_dict as numpy arrays: torch 1.13 loads what
2.x trained), config.json (size, hyperparameters, schema, dataset hash,
split sizes, training ranges of every cfg key and token field),
check_inputs.npz (4 held-out samples for the export's consistency check) and
eval.json: on the TEST workloads, the relative p99 error (est - true) / true
of the foreground slowdown per (sample, non-empty output bucket) for the
model and for flowSim alone; mean/median/p90/max |err| overall, per CC, per
path length, per output bucket, and for the foreground's whole distribution
(the count-weighted mixture of its buckets' quantile functions).
--sizes a,b trains each size into DIR/<size>; --learning-curve trains at
25/50/100% of the training workloads into DIR/frac<NN> and writes curve.json.

Cost. One step is a forward and backward pass of --batch paths; on an H200 a
few thousand samples train for hundreds of epochs in a few minutes, on 2 CPU
cores the "small" size does ~10 steps/s at batch 128.

    train.py --data ds.npz --out runs/small [--size small] [--epochs 300]
             [--batch 256] [--lr 5e-4] [--frac 1.0] [--seed 0]
"""
import argparse
import csv
import json
import math
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model as M  # noqa: E402

CC_NAMES = ["dctcp", "hpcc", "dcqcn", "timely"]
SPLIT_RULE = "splitmix64(workload_seed) % 10: 0-7 train, 8 val, 9 test"


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


def splitmix64(x):
    """Vectorised splitmix64 finaliser (uint64 wrap-around arithmetic)."""
    z = np.asarray(x).astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def load(path):
    d = np.load(path, allow_pickle=False)
    out = {k: d[k] for k in d.files}
    out["schema"] = json.loads(str(out.pop("schema_json")))
    out["samples_sha256"] = str(out["samples_sha256"])
    out["cfg_keys"] = [str(k) for k in out["cfg_keys"]]
    return out


def split(ds, frac=1.0, seed=0):
    """Index arrays (train, val, test) by workload; frac of the train workloads."""
    h = splitmix64(ds["workload_seed"]) % np.uint64(10)
    tr, va, te = np.nonzero(h <= 7)[0], np.nonzero(h == 8)[0], np.nonzero(h == 9)[0]
    if frac < 1.0:
        ws = np.unique(ds["workload_seed"][tr])
        key = splitmix64(ws.astype(np.uint64) ^ np.uint64(seed * 2654435761 + 1))
        keep = ws[np.argsort(key)][: max(1, int(math.ceil(frac * len(ws))))]
        tr = tr[np.isin(ds["workload_seed"][tr], keep)]
    return tr, va, te


def train_ranges(ds, idx, fg_aug=False):
    """min/max over the training samples of every cfg key and token field.
    With the fg_sub variants fed (fg_aug), the foreground share seen goes
    down to the smallest variant's k foreground flows of the sample's
    flows, so fg_weight's low end becomes that."""
    sch = ds["schema"]
    nf = len(sch["fields"])
    r = {"cfg": {}, "fields": {}, "n": sorted(int(v) for v in np.unique(ds["n"][idx])),
         "cc": sorted(CC_NAMES[int(v)] for v in np.unique(ds["cc"][idx]))}
    for j, k in enumerate(ds["cfg_keys"]):
        v = ds["cfg_values"][idx, j]
        if v.size:
            r["cfg"][k] = [float(v.min()), float(v.max())]
    if fg_aug and "fg_weight" in r["cfg"] and "num_flows" in ds:
        share = float(np.min(ds["fg_sub_k"])) / float(ds["num_flows"][idx].max())
        r["cfg"]["fg_weight"][0] = min(r["cfg"]["fg_weight"][0], share)
    fgf = ds["fg"][idx, -nf:]
    lk = ds["links"][idx][ds["link_mask"][idx]][:, -nf:]
    allf = np.concatenate([fgf, lk], 0)
    for j, f in enumerate(sch["fields"]):
        lo, hi = float(allf[:, j].min()), float(allf[:, j].max())
        r["fields"][f["name"]] = {"fed": [lo, hi],
                                  "raw": [f["lo"] + lo * (f["hi"] - f["lo"]),
                                          f["lo"] + hi * (f["hi"] - f["lo"])]}
    return r


def stats(err):
    a = np.abs(err)
    if len(a) == 0:
        return {"pairs": 0}
    return {"pairs": int(len(a)), "mean_abs": float(a.mean()), "median_abs": float(np.median(a)),
            "p90_abs": float(np.percentile(a, 90)), "max_abs": float(a.max()),
            "mean_signed": float(np.mean(err))}


def mixture_p99(q, w):
    """p99 of each row's mixture: q [S, B, P] quantiles, w [S, B] bucket weights."""
    S, B, P = q.shape
    v = q.reshape(S, B * P)
    wt = np.repeat(w.astype(np.float64) / P, P, axis=1)
    o = np.argsort(v, axis=1, kind="stable")
    vs = np.take_along_axis(v, o, 1)
    cw = np.cumsum(np.take_along_axis(wt, o, 1), 1)
    tot = cw[:, -1:]
    j = (cw < 0.99 * tot - 1e-9 * tot).sum(1)
    return vs[np.arange(S), np.minimum(j, B * P - 1)], tot[:, 0] > 0


def evaluate(pred, ds, idx):
    """p99 errors of the model and of flowSim on the samples idx."""
    tgt, tc = ds["target"][idx], ds["target_count"][idx]
    fs, fc = ds["flowsim"][idx], ds["flowsim_count"][idx]
    cc, n = ds["cc"][idx], ds["n"][idx]
    ok = (tc > 0) & (fc > 0)
    true99 = np.where(ok, tgt[:, :, 98], 1.0)
    errs = {"model": (pred[:, :, 98] - true99) / true99, "flowsim": (fs[:, :, 98] - true99) / true99}
    res = {"test_samples": int(len(idx)),
           "test_workloads": int(len(np.unique(ds["workload_seed"][idx]))),
           "pairs_flowsim_missing": int(((tc > 0) & (fc == 0)).sum()),
           "definition": "per (sample, non-empty output bucket): (p99_est - p99_true) / p99_true, "
                         "p99 = percentile index 98; overall_mix: p99 of the count-weighted "
                         "mixture of the sample's bucket quantile functions"}
    tmix, tok = mixture_p99(tgt, tc)
    mixes = {"model": mixture_p99(pred, tc)[0], "flowsim": mixture_p99(fs, fc)[0]}
    for who, e in errs.items():
        r = {"all": stats(e[ok])}
        r["per_cc"] = {CC_NAMES[c]: stats(e[ok & (cc == c)[:, None]]) for c in range(4)
                       if (cc == c).any()}
        r["per_n"] = {str(v): stats(e[ok & (n == v)[:, None]]) for v in sorted(set(n.tolist()))}
        r["per_bucket"] = {str(b): stats(e[:, b][ok[:, b]]) for b in range(e.shape[1])}
        m = tok & (tmix > 0)
        r["overall_mix"] = stats((mixes[who][m] - tmix[m]) / tmix[m])
        res[who] = r
    res["model_p99_err"] = res["model"]["all"].get("mean_abs")
    res["flowsim_p99_err"] = res["flowsim"]["all"].get("mean_abs")
    return res


@torch.no_grad()
def predict(model, fg, links, mask, batch=1024):
    model.eval()
    out = [model(fg[i:i + batch], links[i:i + batch], mask[i:i + batch])
           for i in range(0, len(fg), batch)]
    return torch.cat(out) if out else torch.zeros(0, M.OUT_BUCKETS, M.PCTS, device=fg.device)


def run(ds, a, out, size, frac):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    dev = torch.device("cuda" if torch.cuda.is_available() and not a.cpu else "cpu")
    if dev.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    tr, va, te = split(ds, frac, a.seed)
    if len(tr) == 0 or len(va) == 0:
        sys.exit("train.py: the split left no training or validation samples")
    D = ds["fg"].shape[1]
    if D != ds["schema"]["token_dim"]:
        sys.exit("train.py: token_dim %d != schema's %d" % (D, ds["schema"]["token_dim"]))

    def dev_t(x, dtype=None):
        return torch.as_tensor(x, dtype=dtype).to(dev)
    fg, links = dev_t(ds["fg"]), dev_t(ds["links"])
    # the fg_sub variants as extra token sets: [full, k1, k2, ...]
    subs = [(fg, links)]
    if "fg_sub" in ds and a.fg_aug > 0:
        fgs, lks = dev_t(ds["fg_sub"]), dev_t(ds["links_sub"])
        subs += [(fgs[:, v], lks[:, v]) for v in range(fgs.shape[1])]
    V = len(subs) - 1
    mask = dev_t(ds["link_mask"], torch.bool)
    tgt, tc = dev_t(ds["target"]), dev_t(ds["target_count"])
    itr, iva = dev_t(tr, torch.long), dev_t(va, torch.long)

    # --tail-weight W: p91..p100 weigh W times the others in the training loss
    # (the percentiles users read most; validation keeps m3's plain mean).
    pw = None
    if a.tail_weight != 1.0:
        w = np.ones(M.PCTS, np.float32)
        w[90:] = a.tail_weight
        pw = dev_t(w * (M.PCTS / w.sum()))
    model = M.build(D, size, dropout=a.dropout).to(dev)
    npar = M.param_count(model)
    log("size %s: %d params on %s; train %d samples (%d workloads, frac %.2f), val %d, test %d"
        % (size, npar, dev, len(tr), len(np.unique(ds["workload_seed"][tr])), frac,
           len(va), len(te)))
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, betas=(0.9, 0.95), weight_decay=0.02)
    steps_ep = max(1, math.ceil(len(tr) / a.batch))
    total = steps_ep * a.epochs
    warm = min(300, max(1, total // 20))

    def lr_at(step):
        if step < warm:
            return a.lr * (step + 1) / warm
        p = min(1.0, (step - warm) / max(1, total - warm))
        return a.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * p)))

    def val_loss():
        tot = 0.0
        for f, lk in subs:
            p = predict(model, f[iva], lk[iva], mask[iva])
            tot += M.relative_l1(p, tgt[iva], tc[iva], pw).item()
        return tot / len(subs)

    def batch_tokens(b):
        """The step's tokens: each sample full, or with probability
        --fg-aug one of its fg_sub variants drawn uniformly."""
        fb, lb = fg[b], links[b]
        if V:
            use = torch.rand(len(b), device=dev) < a.fg_aug
            v = torch.randint(0, V, (len(b),), device=dev)
            fb = torch.where(use[:, None], fgs[b, v], fb)
            lb = torch.where(use[:, None, None], lks[b, v], lb)
        return fb, lb

    best, best_ep, best_state, bad, step = float("inf"), -1, None, 0, 0
    t0 = time.time()
    with open(os.path.join(out, "train_log.csv"), "w", newline="") as lf:
        w = csv.writer(lf)
        w.writerow(["epoch", "train_loss", "val_loss", "lr", "seconds"])
        for ep in range(a.epochs):
            model.train()
            perm = itr[torch.randperm(len(itr), device=dev)]
            tot, nb = torch.zeros((), device=dev), 0
            for i in range(0, len(perm), a.batch):
                b = perm[i:i + a.batch]
                for g in opt.param_groups:
                    g["lr"] = lr_at(step)
                fb, lb = batch_tokens(b)
                loss = M.relative_l1(model(fb, lb, mask[b]), tgt[b], tc[b], pw)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()
                tot += loss.detach()
                nb += 1
                step += 1
            trl, vl = (tot / nb).item(), val_loss()
            w.writerow([ep, "%.6f" % trl, "%.6f" % vl, "%.3g" % lr_at(step),
                        "%.1f" % (time.time() - t0)])
            lf.flush()
            if vl < best:
                best, best_ep, bad = vl, ep, 0
                best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            else:
                bad += 1
            if ep % a.log_every == 0 or ep == a.epochs - 1 or bad > a.patience:
                log("epoch %d train %.4f val %.4f (best %.4f @%d) %.0fs"
                    % (ep, trl, vl, best, best_ep, time.time() - t0))
            if bad > a.patience:
                log("early stop: no val improvement for %d epochs" % a.patience)
                break
    model.load_state_dict(best_state)
    np.savez(os.path.join(out, "weights.npz"),
             **{k: v.detach().cpu().numpy() for k, v in best_state.items()})

    ite = te if len(te) else va
    res = evaluate(predict(model, fg[dev_t(ite, torch.long)], links[dev_t(ite, torch.long)],
                           mask[dev_t(ite, torch.long)]).cpu().numpy(), ds, ite)
    res["split"] = "test" if len(te) else "val (no test workloads)"
    if "fg_sub" in ds:
        it = dev_t(ite, torch.long)
        fgs_all, lks_all = dev_t(ds["fg_sub"]), dev_t(ds["links_sub"])
        res["fg_sub"] = {}
        for v, k in enumerate(ds["fg_sub_k"].tolist()):
            r = evaluate(predict(model, fgs_all[it, v], lks_all[it, v], mask[it]).cpu().numpy(),
                         ds, ite)
            res["fg_sub"][str(k)] = {"model": r["model"]["all"],
                                     "model_overall_mix": r["model"]["overall_mix"]}
            log("test p99 |err| with %d foreground flows in the token: %.4f (signed %+.4f)"
                % (k, r["model"]["all"]["mean_abs"], r["model"]["all"]["mean_signed"]))
    res["val_loss"] = best
    with open(os.path.join(out, "eval.json"), "w") as f:
        json.dump(res, f, indent=1)
    k = ite[:4]
    np.savez(os.path.join(out, "check_inputs.npz"), fg=ds["fg"][k], links=ds["links"][k],
             link_mask=ds["link_mask"][k])
    hp = dict(M.SIZES[size])
    cfg = {"size": size, "hparams": hp, "dropout": a.dropout, "params": npar,
           "token_dim": int(D), "schema": ds["schema"], "dataset": os.path.abspath(a.data),
           "dataset_sha256": ds["samples_sha256"], "split": SPLIT_RULE, "frac": frac,
           "seed": a.seed, "train_samples": int(len(tr)),
           "train_workloads": int(len(np.unique(ds["workload_seed"][tr]))),
           "val_samples": int(len(va)), "test_samples": int(len(te)),
           "epochs_run": ep + 1, "best_epoch": best_ep, "best_val_loss": best,
           "lr": a.lr, "batch": a.batch, "seconds": time.time() - t0,
           "tail_weight": a.tail_weight, "fg_aug": a.fg_aug if V else 0.0,
           "torch_version": torch.__version__, "device": str(dev),
           "train_ranges": train_ranges(ds, tr, fg_aug=V > 0)}
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=1)
    log("done: val %.4f; test p99 |err| model %.4f, flowSim %.4f (%d pairs) -> %s"
        % (best, res["model_p99_err"] or float("nan"), res["flowsim_p99_err"] or float("nan"),
           res["model"]["all"]["pairs"], out))
    return cfg, res


def main(argv=None):
    ap = argparse.ArgumentParser(description="train the m3 model (see the header)")
    ap.add_argument("--data", required=True, help="dataset .npz (gen/build_dataset.py)")
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--size", default="small", help="one of %s" % ", ".join(M.SIZES))
    ap.add_argument("--sizes", help="comma list: train each size into OUT/<size>")
    ap.add_argument("--learning-curve", action="store_true",
                    help="train at 25/50/100%% of the train workloads; OUT/curve.json")
    ap.add_argument("--epochs", type=int, default=300)
    ap.add_argument("--patience", type=int, default=40, help="early-stopping epochs")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--dropout", type=float, default=0.2)
    ap.add_argument("--frac", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--log-every", type=int, default=10)
    ap.add_argument("--cpu", action="store_true", help="do not use the GPU")
    ap.add_argument("--tail-weight", type=float, default=5.0,
                    help="weight of p91..p100 in the training loss (1 = m3's plain mean; "
                         "5, the default, measured better at p90 and p99: doc/training.rst)")
    ap.add_argument("--fg-aug", type=float, default=0.6,
                    help="probability of feeding a sample's fg_sub variant (few foreground "
                         "flows) instead of its full tokens (0 = never; see the header)")
    a = ap.parse_args(argv)
    if not 0 <= a.fg_aug <= 1:
        ap.error("--fg-aug must lie in [0, 1]")
    sizes = a.sizes.split(",") if a.sizes else [a.size]
    for s in sizes:
        if s not in M.SIZES:
            sys.exit("train.py: unknown size %r (have %s)" % (s, ", ".join(M.SIZES)))
    ds = load(a.data)
    log("dataset %s: %d samples, token_dim %d, sha256 %s" % (a.data, len(ds["fg"]),
                                                             ds["fg"].shape[1],
                                                             ds["samples_sha256"][:12]))
    fracs = [0.25, 0.5, 1.0] if a.learning_curve else [a.frac]
    summary = {}
    for s in sizes:
        for fr in fracs:
            out = a.out
            if len(sizes) > 1:
                out = os.path.join(out, s)
            if a.learning_curve:
                out = os.path.join(out, "frac%03d" % round(fr * 100))
            cfg, res = run(ds, a, out, s, fr)
            summary.setdefault(s, []).append(
                {"frac": fr, "dir": out, "params": cfg["params"],
                 "train_samples": cfg["train_samples"],
                 "train_workloads": cfg["train_workloads"], "val_loss": cfg["best_val_loss"],
                 "model_p99_err": res["model_p99_err"],
                 "flowsim_p99_err": res["flowsim_p99_err"]})
    if a.learning_curve or len(sizes) > 1:
        name = "curve.json" if a.learning_curve else "sizes.json"
        with open(os.path.join(a.out, name), "w") as f:
            json.dump(summary, f, indent=1)
        log("wrote %s" % os.path.join(a.out, name))
    return summary


if __name__ == "__main__":
    main()

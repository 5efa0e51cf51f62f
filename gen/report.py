#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""report.py - the validation report of a trained checkpoint: data and plots.

Design. Reads what training left (train.py's --out DIR: eval.json,
train_log.csv, config.json, weights.npz), the learning curve (curve.json of
train.py --learning-curve), an optional size comparison (JSON
{"size": {params, val_loss, model_p99_err, flowsim_p99_err, cpu_ms_500...}}),
the dataset .npz (build_dataset.py) and the raw sample files, and writes into
--out: results.json (headline, breakdowns per CC / path length / output
bucket, learning curve, sizes, dataset card numbers), p99_error.png,
learning_curve.png, train_loss.png, error_cdf.png and dataset.md. Every
number comes from these inputs; nothing is hard-coded. The headline and the
breakdowns are eval.json's (the test split of the dataset the model was
trained on). eval.json keeps only summary statistics, so the CDF's per-pair
errors are recomputed: the run's weights are loaded into gen/model.py on
the CPU and the test split of --data is evaluated with train.py's own
split() / predict() / evaluate(); if --data is not the training dataset
(its hash differs from config.json's) the CDF covers that dataset's test
split and results.json says so. Outputs are deterministic and overwritten.

Cost: loading the .npz (~100 MB) and one CPU forward pass of the test
split (a few hundred paths of the small model: about a second), reading the
samples (a few MB of xz); a few seconds in all.

  /usr/bin/python3 gen/report.py --run RUN --curve LC/curve.json \
      --sizes doc/training/sizes.json --data DS.npz \
      --samples 'gen/data/*.jsonl.xz' --out doc/training
"""
import argparse
import csv
import glob
import json
import lzma
import os
import sys

import numpy as np
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model as M  # noqa: E402
import train as T  # noqa: E402

WHO = (("model", "model", "tab:blue"), ("flowsim", "flowSim", "tab:gray"))
KEEP = ("pairs", "mean_abs", "median_abs", "p90_abs", "mean_signed")


def bucket_names(bounds):
    kb = ["%gKB" % (b / 1000) for b in bounds]
    return ["<" + kb[0]] + ["%s-%s" % (a, b) for a, b in zip(kb, kb[1:])] + [">=" + kb[-1]]


def dist(v):
    v = np.asarray(v, dtype=float)
    return {"min": float(v.min()), "median": float(np.median(v)), "mean": float(v.mean()),
            "p90": float(np.percentile(v, 90)), "max": float(v.max()), "count": int(v.size)}


def read_samples(pattern):
    rows = []
    for f in sorted(glob.glob(pattern)):
        op = lzma.open if f.endswith(".xz") else open
        with op(f, "rt") as fh:
            rows += [json.loads(ln) for ln in fh if ln.strip()]
    return rows


def per_pair_errors(run, cfg, ds):
    """Per (sample, non-empty bucket) p99 errors on ds's test split, and evaluate()'s summary."""
    torch.set_num_threads(1)
    m = M.build(cfg["token_dim"], cfg["size"], dropout=0.0, **cfg["hparams"])
    w = np.load(os.path.join(run, "weights.npz"))
    m.load_state_dict({k: torch.from_numpy(w[k]) for k in w.files})
    te = T.split(ds)[2]
    t = lambda x, dt=None: torch.as_tensor(x, dtype=dt)  # noqa: E731
    pred = T.predict(m, t(ds["fg"][te]), t(ds["links"][te]),
                     t(ds["link_mask"][te], torch.bool)).numpy()
    summ = T.evaluate(pred, ds, te)
    ok = (ds["target_count"][te] > 0) & (ds["flowsim_count"][te] > 0)
    tgt = np.where(ok, ds["target"][te][:, :, 98], 1.0)
    errs = {"model": ((pred[:, :, 98] - tgt) / tgt)[ok],
            "flowsim": ((ds["flowsim"][te][:, :, 98] - tgt) / tgt)[ok]}
    return errs, summ


def plot_p99(res, ev, bnames, path):
    groups = [("per CC", ev["model"]["per_cc"], None), ("per path length n", ev["model"]["per_n"],
                                                        lambda k: "n=" + k),
              ("per output bucket", ev["model"]["per_bucket"], lambda k: bnames[int(k)])]
    keys = ["per_cc", "per_n", "per_bucket"]
    fig, axs = plt.subplots(1, 3, figsize=(14, 4.6), gridspec_kw={"width_ratios": [4, 3, 4]})
    for ax, (title, d, lab), key in zip(axs, groups, keys):
        ks = list(d)
        x = np.arange(len(ks))
        for j, (who, name, col) in enumerate(WHO):
            v = [ev[who][key][k]["mean_abs"] for k in ks]
            bars = ax.bar(x + (j - 0.5) * 0.38, v, 0.38, label=name, color=col)
            ax.bar_label(bars, fmt="%.2f", fontsize=8, padding=1)
        ax.set_xticks(x)
        ax.set_xticklabels([(lab(k) if lab else k) + "\n(%d)" % d[k]["pairs"] for k in ks])
        ax.set_title(title)
        ax.set_ylim(0, 1.15 * max(ev[w][key][k]["mean_abs"] for w, _, _ in WHO for k in ks))
        ax.grid(axis="y", alpha=0.3)
    axs[0].set_ylabel("mean |p99 error|")
    axs[0].legend(loc="upper left")
    fig.suptitle("Test split, %d samples, %d (sample, bucket) pairs (in brackets): mean |p99 error| "
                 "model %.3f, flowSim %.3f" % (ev["test_samples"], ev["model"]["all"]["pairs"],
                                              res["model_p99_err"], res["flowsim_p99_err"]))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_curve(pts, path, size):
    x = [p["train_samples"] for p in pts]
    fig, ax = plt.subplots(figsize=(7, 4.4))
    ax.plot(x, [p["model_p99_err"] for p in pts], "o-", color="tab:blue", label="model test |p99 err|")
    ax.axhline(pts[-1]["flowsim_p99_err"], color="tab:gray", ls="--", label="flowSim test |p99 err|")
    for p in pts:
        ax.annotate("%d%%" % round(100 * p["frac"]), (p["train_samples"], p["model_p99_err"]),
                    textcoords="offset points", xytext=(0, -15), ha="center", fontsize=8,
                    color="tab:blue")
    ax.set_xlabel("training samples")
    ax.set_ylabel("mean |p99 error| (test)")
    ax2 = ax.twinx()
    ax2.plot(x, [p["val_loss"] for p in pts], "s:", color="tab:orange", mfc="none", ms=9,
             label="val loss (rel. L1)")
    ax.margins(y=0.12)
    ax2.margins(y=0.12)
    ax2.set_ylabel("validation loss", color="tab:orange")
    h = ax.get_legend_handles_labels()
    h2 = ax2.get_legend_handles_labels()
    ax.legend(h[0] + h2[0], h[1] + h2[1], loc="center right", fontsize=9)
    ax.set_title("Learning curve, %s model (25/50/100%% of the training workloads)" % size)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_loss(log, best_ep, path):
    fig, ax = plt.subplots(figsize=(7, 4.4))
    ep = [r["epoch"] for r in log]
    ax.plot(ep, [r["train_loss"] for r in log], label="train")
    ax.plot(ep, [r["val_loss"] for r in log], label="validation")
    ax.axvline(best_ep, color="k", ls=":", lw=1, label="best epoch %d (kept)" % best_ep)
    ax.set_xlabel("epoch")
    ax.set_ylabel("relative L1 loss")
    ax.set_title("Training loss per epoch")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_cdf(errs, note, path):
    fig, ax = plt.subplots(figsize=(7, 4.4))
    for who, name, col in WHO:
        a = np.sort(np.abs(errs[who]))
        ax.plot(a, np.arange(1, len(a) + 1) / len(a), color=col,
                label="%s (median %.3f, p90 %.3f)" % (name, np.median(a), np.percentile(a, 90)))
    ax.set_xscale("log")
    ax.set_xlabel("|p99 error| per (sample, output bucket)")
    ax.set_ylabel("fraction of pairs")
    ax.set_title("CDF of |p99 error|, %s" % note)
    ax.legend(loc="upper left")
    ax.grid(alpha=0.3, which="both")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def card_numbers(ds, rows, bnames):
    cc, n = ds["cc"], ds["n"]
    ns = sorted(set(n.tolist()))
    tr, va, te = T.split(ds)
    ws = ds["workload_seed"]
    pk = lambda k: [r["packet"][k] for r in rows]  # noqa: E731

    def gen_time(sel):
        return {str(k): dist([r["packet"]["wall_s"] for r in rows if sel(r) == k])
                for k in sorted(set(map(sel, rows)))}
    tc = ds["target_count"]
    return {
        "dataset_sha256": ds["samples_sha256"], "samples": int(len(cc)),
        "workloads": int(len(np.unique(ws))),
        "samples_cc_n": {T.CC_NAMES[c]: {str(v): int(((cc == c) & (n == v)).sum()) for v in ns}
                         for c in range(len(T.CC_NAMES))},
        "pfc_on_samples": int(ds["cfg_values"][:, ds["cfg_keys"].index("pfc")].sum()),
        "fg_flows_per_bucket": {bnames[b]: {"median": float(np.median(tc[:, b])),
                                            "total": int(tc[:, b].sum()),
                                            "empty_samples": int((tc[:, b] == 0).sum()),
                                            "under_100": int((tc[:, b] < 100).sum())}
                                for b in range(tc.shape[1])},
        "split": {"rule": T.SPLIT_RULE, **{k: {"samples": int(len(i)),
                                              "workloads": int(len(np.unique(ws[i])))}
                                          for k, i in (("train", tr), ("val", va), ("test", te))}},
        "sample_files": {"lines": len(rows), "flows_per_sample": dist([r["num_flows"] for r in rows]),
                         "workload_range": [min(r["workload_seed"] for r in rows),
                                            max(r["workload_seed"] for r in rows) + 1],
                         "configs_per_workload_n": len(rows) // max(1, len(
                             {(r["workload_seed"], r["n"]) for r in rows})),
                         **{k: {**dist(pk(k)), "samples_nonzero": int(np.count_nonzero(pk(k)))}
                            for k in ("pfc_pauses", "drops", "unfinished", "timeouts")},
                         "stop_reasons": {s: pk("stop_reason").count(s) for s in
                                          sorted(set(pk("stop_reason")))},
                         "wall_s": dist(pk("wall_s")),
                         "wall_s_by_n": gen_time(lambda r: r["n"]),
                         "wall_s_by_cc": gen_time(lambda r: r["config"]["cc"]),
                         "wall_s_total_core_h": float(sum(pk("wall_s")) / 3600)}}


def dataset_md(c, a):
    s = c["sample_files"]
    ns = list(next(iter(c["samples_cc_n"].values())))
    L = ["# Training dataset card", "",
         "Generated by `gen/report.py` from `%s` and `%s`." % (os.path.basename(a.data), a.samples), "",
         "- dataset hash (`samples_sha256`): `%s`" % c["dataset_sha256"],
         "- %d samples, %d workloads; %d with PFC on" % (c["samples"], c["workloads"],
                                                         c["pfc_on_samples"]),
         "- sample files: %d lines, workloads %d..%d, %d configurations per (workload, n)"
         % (s["lines"], s["workload_range"][0], s["workload_range"][1] - 1,
            s["configs_per_workload_n"]),
         "- flows per sample: min %d, median %d, max %d" % tuple(
             s["flows_per_sample"][k] for k in ("min", "median", "max")), "",
         "## Samples per CC and path length", "",
         "| CC | " + " | ".join("n=%s" % v for v in ns) + " | total |",
         "|---|" + "---:|" * (len(ns) + 1)]
    for cc, d in c["samples_cc_n"].items():
        L.append("| %s | %s | %d |" % (cc, " | ".join(str(d[v]) for v in ns), sum(d.values())))
    L += ["", "## Foreground flows per output bucket", "",
          "| bucket | median per sample | total | samples with none | samples with < 100 "
          "(p99 = max) |", "|---|---:|---:|---:|---:|"]
    L += ["| %s | %g | %d | %d | %d |" % (b, d["median"], d["total"], d["empty_samples"], d["under_100"])
          for b, d in c["fg_flows_per_bucket"].items()]
    L += ["", "## Packet-level runs", "",
          "| per sample | samples > 0 | mean | median | p90 | max |", "|---|---:|---:|---:|---:|---:|"]
    L += ["| %s | %d | %.1f | %.0f | %.0f | %.0f |" % (k, s[k]["samples_nonzero"], s[k]["mean"],
                                                      s[k]["median"], s[k]["p90"], s[k]["max"])
          for k in ("pfc_pauses", "drops", "unfinished", "timeouts")]
    L += ["", "Stop reasons: " + ", ".join("%s: %d" % kv for kv in s["stop_reasons"].items()), "",
          "## Generation time", "",
          "Core-seconds per sample (`packet.wall_s`, one core per simulation); total %.1f core-hours."
          % s["wall_s_total_core_h"], "",
          "| group | samples | median | mean | p90 | max |", "|---|---:|---:|---:|---:|---:|"]
    rows = [("all", s["wall_s"])] + [("n=" + k, v) for k, v in s["wall_s_by_n"].items()] + \
        list(s["wall_s_by_cc"].items())
    L += ["| %s | %d | %.2f | %.2f | %.2f | %.2f |" % (g, d["count"], d["median"], d["mean"],
                                                       d["p90"], d["max"]) for g, d in rows]
    sp = c["split"]
    L += ["", "## Split", "", "By workload, rule `%s`." % sp["rule"], "",
          "| part | samples | workloads |", "|---|---:|---:|"]
    L += ["| %s | %d | %d |" % (k, sp[k]["samples"], sp[k]["workloads"]) for k in ("train", "val", "test")]
    w0, w1 = s["workload_range"]
    L += ["", "## Regenerate", "", "See gen/README.md. In order:", "", "```",
          "gen/generate.py --out gen/out/run1 --workloads %d:%d --configs %d -j 16"
          % (w0, w1, s["configs_per_workload_n"]),
          "/usr/bin/python3 gen/build_dataset.py --out DS.npz 'gen/out/run*/samples.jsonl' -j 8",
          "python3 gen/train.py --data DS.npz --out runs/lc --learning-curve",
          "/usr/bin/python3 gen/report.py --run runs/lc/frac100 --curve runs/lc/curve.json \\",
          "    --sizes doc/training/sizes.json --data DS.npz --samples 'gen/out/run*/samples.jsonl'",
          "```", ""]
    return "\n".join(L)


def main():
    ap = argparse.ArgumentParser(description="validation report of a trained checkpoint")
    ap.add_argument("--run", required=True, help="train.py output directory")
    ap.add_argument("--curve", required=True, help="curve.json of train.py --learning-curve")
    ap.add_argument("--sizes", help="JSON of the size comparison")
    ap.add_argument("--data", required=True, help="dataset .npz")
    ap.add_argument("--samples", required=True, help="glob of sample files (.jsonl[.xz])")
    ap.add_argument("--out", default="doc/training")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rd = lambda f: json.load(open(os.path.join(a.run, f)))  # noqa: E731
    ev, cfg = rd("eval.json"), rd("config.json")
    with open(os.path.join(a.run, "train_log.csv")) as f:
        log = [{k: float(v) for k, v in r.items()} for r in csv.DictReader(f)]
    curves = json.load(open(a.curve))
    # the curve of the run's own size, else the one size the file has
    # (e.g. a small-model curve beside a medium run: the plot says which)
    curve_size = cfg["size"] if cfg["size"] in curves else sorted(curves)[0]
    curve = curves[curve_size]
    bnames = bucket_names(cfg["schema"]["out_bounds"])
    ds = T.load(a.data)
    rows = read_samples(a.samples)
    if not rows:
        sys.exit("report.py: no samples match %r" % a.samples)

    errs, summ = per_pair_errors(a.run, cfg, ds)
    same = ds["samples_sha256"] == cfg["dataset_sha256"]
    res = {"model": {k: cfg[k] for k in ("size", "params", "hparams", "best_epoch", "epochs_run",
                                         "train_samples", "train_workloads", "val_samples",
                                         "test_samples", "dataset_sha256", "device", "seconds")},
           "headline": {"model_p99_err": ev["model_p99_err"], "flowsim_p99_err": ev["flowsim_p99_err"],
                        "val_loss": ev["val_loss"], "test_samples": ev["test_samples"],
                        "test_workloads": ev["test_workloads"], "definition": ev["definition"]},
           "breakdown": {who: {g: {k: {s: v[s] for s in KEEP if s in v}
                                   for k, v in ev[who][g].items()}
                               for g in ("per_cc", "per_n", "per_bucket")}
                         for who, _, _ in WHO},
           "overall": {who: {s: ev[who][x].get(s) for x in ("all",) for s in KEEP} for who, _, _ in WHO},
           "overall_mix": {who: {s: ev[who]["overall_mix"].get(s) for s in KEEP} for who, _, _ in WHO},
           "bucket_names": bnames,
           "learning_curve": curve,
           "learning_curve_size": curve_size,
           "sizes": json.load(open(a.sizes)) if a.sizes else None,
           "cdf_recomputed": {"dataset_sha256": ds["samples_sha256"], "same_dataset_as_training": same,
                              "test_samples": summ["test_samples"],
                              "pairs": int(len(errs["model"])),
                              "model_p99_err": summ["model_p99_err"],
                              "flowsim_p99_err": summ["flowsim_p99_err"]},
           "dataset": card_numbers(ds, rows, bnames)}
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump(res, f, indent=1, sort_keys=False)
        f.write("\n")
    plot_p99(res["headline"], ev, bnames, os.path.join(a.out, "p99_error.png"))
    plot_curve(curve, os.path.join(a.out, "learning_curve.png"), curve_size)
    plot_loss(log, cfg["best_epoch"], os.path.join(a.out, "train_loss.png"))
    note = "test split, %d pairs" % len(errs["model"])
    if not same:
        note += "\n(of %s: not the training dataset)" % os.path.basename(a.data)
    plot_cdf(errs, note, os.path.join(a.out, "error_cdf.png"))
    with open(os.path.join(a.out, "dataset.md"), "w") as f:
        f.write(dataset_md(res["dataset"], a))
    h = res["headline"]
    print("test p99 |err| (mean over %d test samples' pairs): model %.4f, flowSim %.4f; val loss %.4f"
          % (h["test_samples"], h["model_p99_err"], h["flowsim_p99_err"], h["val_loss"]))
    r = res["cdf_recomputed"]
    print("recomputed on %s (%d test samples, %d pairs%s): model %.4f, flowSim %.4f"
          % (a.data, r["test_samples"], r["pairs"], "" if same else ", not the training dataset",
             r["model_p99_err"], r["flowsim_p99_err"]))
    print("wrote %s/{results.json,dataset.md,p99_error,learning_curve,train_loss,error_cdf.png}" % a.out)


if __name__ == "__main__":
    main()

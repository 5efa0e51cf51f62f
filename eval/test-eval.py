#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Tests of the evaluation runner (ctest: eval/aggregate-oracle, eval/quick).

  eval/test-eval.py --oracle             # the error and aggregate arithmetic on a
                                         # hand-made input, against hand-computed values
  eval/test-eval.py --bin build --work build/eval-quick
                                         # the quick subset in all three modes through
                                         # run-suite.py into a fresh cache, then checks
                                         # results.json against the mode summaries

Exits non-zero on the first failed check, naming it.
"""
import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import evallib  # noqa: E402

CHECKS = [0]


def check(cond, what):
    CHECKS[0] += 1
    if not cond:
        print("FAIL: " + what)
        sys.exit(1)


def close(a, b, what, tol=1e-9):
    ok = (a is None and b is None) or (a is not None and b is not None and abs(a - b) <= tol)
    check(ok, "%s: got %r, expected %r" % (what, a, b))


# ------------------------------------------------------------ oracle

def summ(overall, buckets, wall, ci=None, bci=None, warnings=()):
    """A mode summary as m3-compare writes it; buckets: 4 p99 values (None =
    empty bucket); ci: (lo, hi) of the overall p99; bci: 4 such pairs."""
    def ent(p99, c):
        e = {"n": 0 if p99 is None else 100, "p50": None if p99 is None else 1.0,
             "p90": None if p99 is None else p99 * 0.8, "p99": p99}
        if c:
            e["ci_lo"] = {"p50": 1.0, "p90": 1.0, "p99": c[0]}
            e["ci_hi"] = {"p50": 1.0, "p90": 1.0, "p99": c[1]}
        return e
    s = {"overall": ent(overall, ci), "buckets": [], "wall_s": wall, "warnings": list(warnings),
         "unfinished": 0}
    for i, (lo, hi) in enumerate(evallib.BUCKETS):
        b = {"lo": lo, "hi": hi}
        b.update(ent(buckets[i], bci[i] if bci and buckets[i] is not None else None))
        s["buckets"].append(b)
    return s


def sc(name, cc, oor=(), sweep=None, group="main"):
    return {"name": name, "group": group, "params": {"cc": cc}, "declared_oor": list(oor),
            "sweep": sweep, "note": ""}


def oracle():
    FG = "fg_weight: 500 of 500 sampled paths have a foreground share ..."
    N = [None, None, None]
    ents = []
    # A: dctcp, in range; bucket 1's interval ends exactly at the truth.
    ents.append(evallib.evaluate_scenario(sc("A", "dctcp"), {
        "packet": summ(2.0, [1.5, 2.0, 3.0, 4.0], 100.0),
        "flowsim": summ(1.6, [1.2, 2.0, 3.3, 3.0], 0.5),
        "m3": summ(2.2, [1.5, 1.8, 3.6, 4.4], 1.0, ci=(2.1, 2.3),
                   bci=[(1.4, 1.6), (1.7, 2.0), (3.5, 3.7), (3.9, 4.5)], warnings=[FG])}))
    # B: hpcc, in range, first bucket empty.
    ents.append(evallib.evaluate_scenario(sc("B", "hpcc"), {
        "packet": summ(4.0, [None, 2.0, 4.0, 5.0], 50.0),
        "flowsim": summ(3.0, [None, 1.0, 4.0, 6.0], 0.5),
        "m3": summ(3.8, [None, 2.1, 3.0, 5.5], 2.0, ci=(3.5, 4.1),
                   bci=[None, (1.9, 2.2), (2.9, 3.1), (5.4, 5.6)], warnings=[FG])}))
    # C: dctcp, declared and detected out of range.
    ents.append(evallib.evaluate_scenario(sc("C", "dctcp", oor=["window_bytes"]), {
        "packet": summ(3.0, [None] * 4, 30.0),
        "flowsim": summ(2.4, [None] * 4, 0.5),
        "m3": summ(1.5, [None] * 4, 1.0, ci=(1.4, 1.6),
                   warnings=["config window_bytes = 60000 is outside the model's training range [5002, 29990]",
                             FG])}))
    # D: no packet result.
    ents.append(evallib.evaluate_scenario(sc("D", "dctcp"), {
        "flowsim": summ(2.0, [1.0] * 4, 0.5), "m3": summ(2.0, [1.0] * 4, 1.0, ci=(1.9, 2.1))}))
    # E: timely, in range, only the last bucket has flows.
    ents.append(evallib.evaluate_scenario(sc("E", "timely"), {
        "packet": summ(1.0, N + [1.0], 10.0),
        "flowsim": summ(1.3, N + [1.3], 0.5),
        "m3": summ(0.9, N + [0.9], 1.0, ci=(0.85, 1.05), bci=[None] * 3 + [(0.85, 1.05)])}))
    # A sweep over window_bytes (4 points); overall only.
    for name, v, pk, m3 in (("S@5000", 5000, 2.0, 1.8), ("S@10000", 10000, 2.5, 1.7),
                            ("S@20000", 20000, 2.51, 1.9), ("S@30000", 30000, 3.0, 2.4)):
        ents.append(evallib.evaluate_scenario(
            sc(name, "dctcp", sweep={"name": "S", "key": "window_bytes", "value": v}, group="sweep"), {
                "packet": summ(pk, [None] * 4, 60.0), "flowsim": summ(2.0, [None] * 4, 0.5),
                "m3": summ(m3, [None] * 4, 1.0, ci=(m3 - 0.1, m3 + 0.1))}))

    A, B, C, D, E = ents[:5]
    # Per-scenario errors.
    close(A["rel_err"]["m3"]["overall"], 0.10, "A m3 overall")
    close(A["rel_err"]["flowsim"]["overall"], -0.20, "A flowsim overall")
    for got, exp, i in zip(A["rel_err"]["m3"]["buckets"], [0.0, -0.10, 0.20, 0.10], range(4)):
        close(got, exp, "A m3 bucket %d" % i)
    for got, exp, i in zip(A["rel_err"]["flowsim"]["buckets"], [-0.20, 0.0, 0.10, -0.25], range(4)):
        close(got, exp, "A flowsim bucket %d" % i)
    check(B["rel_err"]["m3"]["buckets"][0] is None, "B empty bucket has no error")
    close(B["rel_err"]["m3"]["buckets"][2], -0.25, "B m3 bucket 2")
    check(A["inside_ci"]["overall"] is False and B["inside_ci"]["overall"] is True, "inside_ci overall")
    check(A["inside_ci"]["buckets"] == [True, True, False, True], "A inside_ci buckets %r" % A["inside_ci"]["buckets"])
    check(B["inside_ci"]["buckets"] == [None, True, False, False], "B inside_ci buckets %r" % B["inside_ci"]["buckets"])
    close(A["speedup"]["m3"], 100.0, "A m3 speedup")
    close(A["speedup"]["flowsim"], 200.0, "A flowsim speedup")
    check(A["in_range"] and not C["in_range"], "in_range flags")
    check(C["detected_oor"] == ["window_bytes"], "C detected %r" % C["detected_oor"])
    check(A["detected_oor"] == [], "fg_weight is not out of range")
    check(not C["oor_mismatch"] and not A["oor_mismatch"], "no mismatch")
    check(D["missing"] == ["packet"] and D["rel_err"] == {} and D["inside_ci"] is None, "D missing packet")

    g = evallib.aggregate(ents)
    check(g["missing"] == ["D"], "missing %r" % g["missing"])
    check(g["n_scenarios"] == 5 and g["n_scored"] == 4 and g["n_in_range"] == 3, "counts")
    m3, fs = g["overall"]["m3"], g["overall"]["flowsim"]
    check(m3["n"] == 3, "m3 overall n")
    close(m3["mean"], 0.25 / 3, "m3 mean")
    close(m3["median"], 0.10, "m3 median")
    close(m3["p90"], 0.10, "m3 p90")
    close(m3["max"], 0.10, "m3 max")
    close(m3["mean_signed"], -0.05 / 3, "m3 mean signed")
    close(fs["mean"], 0.25, "flowsim mean")
    close(fs["median"], 0.25, "flowsim median")
    close(fs["p90"], 0.29, "flowsim p90")
    close(fs["max"], 0.30, "flowsim max")
    close(fs["mean_signed"], -0.05, "flowsim mean signed")
    b = g["buckets"]
    check(b["0-1K"]["m3"]["n"] == 1, "bucket 0 n")
    close(b["1K-10K"]["m3"]["mean"], 0.075, "bucket 1 m3 mean")
    close(b["1K-10K"]["m3"]["p90"], 0.095, "bucket 1 m3 p90")
    close(b["10K-50K"]["m3"]["p90"], 0.245, "bucket 2 m3 p90")
    close(b["50K-inf"]["m3"]["mean"], 0.10, "bucket 3 m3 mean")
    close(b["50K-inf"]["m3"]["mean_signed"], 0.10 / 3, "bucket 3 m3 signed")
    close(b["50K-inf"]["flowsim"]["mean"], (0.25 + 0.20 + 0.30) / 3, "bucket 3 flowsim mean")
    check(sorted(g["by_cc"]) == ["dctcp", "hpcc", "timely"], "by_cc keys")
    close(g["by_cc"]["dctcp"]["m3"]["mean"], 0.10, "dctcp m3 (C is out of range)")
    check(g["by_cc"]["dctcp"]["m3"]["n"] == 1, "dctcp n")
    close(g["by_cc"]["hpcc"]["m3"]["mean"], 0.05, "hpcc m3")
    check(list(g["by_workload"]) == ["?"] and g["by_workload"]["?"]["m3"]["n"] == 3, "by_workload")
    close(g["by_range"]["out_of_range"]["m3"]["mean"], 0.5, "oor m3")
    close(g["by_range"]["out_of_range"]["flowsim"]["mean"], 0.2, "oor flowsim")
    check(g["by_range"]["out_of_range_names"] == ["C"], "oor names")
    close(g["coverage"]["overall"], 2 / 3, "coverage overall")
    check(g["coverage"]["overall_n"] == 3, "coverage n")
    close(g["coverage"]["buckets"], 5 / 8, "coverage buckets (an endpoint counts as inside)")
    check(g["coverage"]["buckets_n"] == 8, "coverage buckets n")
    close(g["coverage_all"]["overall"], 2 / 4, "coverage all")
    s = g["sweeps"]["S"]
    check(s["points"] == 4 and s["scored"] == 4 and s["key"] == "window_bytes", "sweep counts")
    close(s["m3"]["mean"], (0.1 + 0.32 + 0.61 / 2.51 + 0.2) / 4, "sweep m3 mean")
    check(s["m3"]["bucket_max"] is None, "sweep bucket max of empty buckets")
    check(s["m3"]["direction_agreement"] == {"agree": 1, "steps": 2}, "sweep m3 trend %r" % s["m3"]["direction_agreement"])
    check(s["flowsim"]["direction_agreement"] == {"agree": 0, "steps": 2}, "sweep flowsim trend")
    sp = g["speedup"]["m3"]
    check(sp["n"] == 4, "speedup n")
    close(sp["median"], 27.5, "speedup median")
    close(sp["min"], 10.0, "speedup min")
    close(sp["max"], 100.0, "speedup max")

    # Cache keys: stable, and sensitive to each ingredient.
    tmp = tempfile.mkdtemp(prefix="m3eval-key-")
    try:
        os.makedirs(os.path.join(tmp, "eval", "tm"))
        tm = os.path.join(tmp, "eval", "tm", "t.tm")
        with open(tm, "w") as f:
            f.write("1 2\n3 4\n")
        suite = {"suite_version": 1, "cache_salt": "1", "defaults": {},
                 "mode_options": {"m3": {"path-samples": 500}}}
        p = {"fat-tree": "2,16,8,1", "tm": "matrix:eval/tm/t.tm", "load": 0.5, "cc": "hpcc"}
        k = evallib.cache_key(suite, p, "packet", tmp)
        check(k == evallib.cache_key(suite, dict(p), "packet", tmp), "key is stable")
        check(k != evallib.cache_key(suite, p, "flowsim", tmp), "key depends on the mode")
        check(k != evallib.cache_key(suite, dict(p, load=0.6), "packet", tmp), "key depends on a parameter")
        check(k != evallib.cache_key(dict(suite, cache_salt="2"), p, "packet", tmp), "key depends on the salt")
        k3 = evallib.cache_key(suite, p, "m3", tmp, model_sha="aa")
        check(k3 != evallib.cache_key(suite, p, "m3", tmp, model_sha="bb"), "m3 key depends on the model")
        check(k == evallib.cache_key(dict(suite, mode_options={}), p, "packet", tmp),
              "packet key ignores m3's options")
        os.utime(tm, (1, 1))
        check(k == evallib.cache_key(suite, p, "packet", tmp), "key ignores file times")
        with open(tm, "w") as f:
            f.write("1 2\n3 5\n")
        check(k != evallib.cache_key(suite, p, "packet", tmp), "key depends on the matrix file's contents")
        tmp2 = tempfile.mkdtemp(prefix="m3eval-key2-")
        shutil.copytree(os.path.join(tmp, "eval"), os.path.join(tmp2, "eval"))
        check(evallib.cache_key(suite, p, "packet", tmp) == evallib.cache_key(suite, p, "packet", tmp2),
              "key does not depend on where the checkout lies")
        shutil.rmtree(tmp2)
        args = evallib.absolute_args(evallib.scenario_args(p), p, tmp)
        check(args[0] == "--fat-tree=2,16,8,1" and "--tm=matrix:" + tm in args, "absolute args %r" % args)
    finally:
        shutil.rmtree(tmp)
    # Suite expansion: sweeps, defaults, topology replacement.
    s = {"suite_version": 3, "defaults": {"fat-tree": "2,16,8,1", "load": 0.5, "cc": "dctcp"},
         "scenarios": [{"name": "a", "params": {"k-ary": 4}}],
         "sweeps": [{"name": "w", "key": "window_bytes", "values": [5000, 10000], "base": {"cc": "hpcc"}}]}
    ex = evallib.expand_suite(s)
    check([e["name"] for e in ex] == ["a", "w@5000", "w@10000"], "expanded names")
    check("fat-tree" not in ex[0]["params"] and ex[0]["params"]["k-ary"] == 4, "topology replaced")
    check(ex[2]["params"] == {"fat-tree": "2,16,8,1", "load": 0.5, "cc": "hpcc", "window_bytes": 10000},
          "sweep point params %r" % ex[2]["params"])
    check(evallib.scenario_args(ex[2]["params"]) ==
          ["--fat-tree=2,16,8,1", "--cc=hpcc", "--load=0.5", "--window_bytes=10000"], "args order")
    print("oracle: %d checks passed" % CHECKS[0])


# ------------------------------------------------------------ quick run

def p99_of(s, i=None):
    if i is None:
        return s["overall"]["p99"] if s["overall"]["n"] else None
    lo = evallib.BUCKETS[i][0]
    for b in s["buckets"]:
        if b["lo"] == lo:
            return b["p99"] if b["n"] else None
    return None


def quick(bin_dir, work):
    if os.path.exists(work):
        shutil.rmtree(work)
    os.makedirs(work)
    cache, results = os.path.join(work, "cache"), os.path.join(work, "results.json")
    cmd = [sys.executable, os.path.join(HERE, "run-suite.py"), "--quick", "--bin", bin_dir,
           "--cache", cache, "--results", results, "--no-report", "--heartbeat", "600"]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    print(r.stdout[-3000:])
    check(r.returncode == 0, "run-suite.py --quick exited %d" % r.returncode)

    with open(os.path.join(HERE, "suite.json")) as f:
        suite = json.load(f)
    expect = evallib.expand_suite(suite, quick=True)
    files = sorted(os.listdir(cache))
    check(len(files) == 3 * len(expect) and all(f.endswith(".json") for f in files),
          "one cache file per scenario and mode: %r" % files)
    with open(results) as f:
        res = json.load(f)
    check(res["format"] == "m3-eval-results" and res["suite_version"] == suite["suite_version"],
          "results format and suite_version")
    check([e["name"] for e in res["scenarios"]] == [e["name"] for e in expect], "scenario names")
    for e in res["scenarios"]:
        n = e["name"]
        check(set(e["modes"]) == set(evallib.MODES) and e["missing"] == [], "%s: all modes" % n)
        for m in evallib.MODES:
            s = e["modes"][m]
            check("overall" in s and len(s["buckets"]) == 4 and s.get("wall_s", 0) > 0,
                  "%s %s: summary structure" % (n, m))
        check(e["params"] == next(x["params"] for x in expect if x["name"] == n), "%s: params" % n)
        pk = e["modes"]["packet"]
        check(pk["unfinished"] == 0, "%s: packet flows all finished" % n)
        for m in evallib.ESTIMATORS:
            t, est = p99_of(pk), p99_of(e["modes"][m])
            close(e["rel_err"][m]["overall"], (est - t) / t, "%s %s overall error" % (n, m), 1e-12)
            for i in range(4):
                t, est = p99_of(pk, i), p99_of(e["modes"][m], i)
                exp = None if t is None or est is None else (est - t) / t
                close(e["rel_err"][m]["buckets"][i], exp, "%s %s bucket %d error" % (n, m, i), 1e-12)
            close(e["speedup"][m], pk["wall_s"] / e["modes"][m]["wall_s"], "%s %s speedup" % (n, m), 1e-9)
        o = e["modes"]["m3"]["overall"]
        check(e["inside_ci"]["overall"] == (o["ci_lo"]["p99"] <= p99_of(pk) <= o["ci_hi"]["p99"]),
              "%s: inside_ci" % n)
        if n.startswith("quick-oor"):
            check(not e["in_range"] and "hpcc_eta" in e["detected_oor"], "%s: warning fired" % n)
        else:
            check(e["in_range"], "%s: in range (detected %r)" % (n, e["detected_oor"]))
    # The aggregate again, with the standard library's statistics module.
    a = res["aggregate"]
    inr = [e for e in res["scenarios"] if e["group"] == "main" and e["in_range"]]
    for m in evallib.ESTIMATORS:
        v = [abs(e["rel_err"][m]["overall"]) for e in inr]
        close(a["overall"][m]["mean"], statistics.mean(v), "aggregate %s mean" % m, 1e-12)
        close(a["overall"][m]["median"], statistics.median(v), "aggregate %s median" % m, 1e-12)
        close(a["overall"][m]["max"], max(v), "aggregate %s max" % m, 1e-12)
    cov = [e["inside_ci"]["overall"] for e in inr]
    close(a["coverage"]["overall"], sum(cov) / len(cov), "coverage", 1e-12)
    check(set(a["sweeps"]) == {"quick-sweep-window"} and a["sweeps"]["quick-sweep-window"]["scored"] == 2,
          "quick sweep aggregated")

    # The generated tables name every scenario and carry the aggregate.
    import report
    text = report.rst_report(res)
    check(all("``%s``" % e["name"] in text for e in res["scenarios"]), "results.rst names every scenario")
    check(report.pct(a["overall"]["m3"]["mean"]) in text and "9.9 %" in text,
          "results.rst has our m3 mean and the published one")
    check("Missing packet-mode results" not in text, "nothing reported missing")

    # A second run simulates nothing; a removed packet result is reported missing.
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    check(r.returncode == 0 and "runs to do" not in r.stdout, "re-run hits the cache:\n" + r.stdout)
    victim = next(f for f in files if f.endswith("-packet.json"))
    os.unlink(os.path.join(cache, victim))
    r = subprocess.run(cmd + ["--no-run"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True)
    check(r.returncode == 0, "--no-run with a missing packet result:\n" + r.stdout)
    with open(results) as f:
        res2 = json.load(f)
    miss = [e["name"] for e in res2["scenarios"] if "packet" in e["missing"]]
    check(len(miss) == 1 and res2["aggregate"]["missing"] == miss, "missing packet reported: %r" % miss)
    check("Missing packet-mode results" in report.rst_report(res2), "results.rst reports it missing")
    print("quick: %d checks passed" % CHECKS[0])


def main():
    ap = argparse.ArgumentParser(description="Tests of eval/ (see the module docstring).")
    ap.add_argument("--oracle", action="store_true", help="the arithmetic on hand-made input only")
    ap.add_argument("--bin", help="directory holding m3-compare: run the quick subset")
    ap.add_argument("--work", default=None, help="scratch directory for the quick run")
    a = ap.parse_args()
    if not a.oracle and not a.bin:
        ap.error("give --oracle or --bin")
    if a.oracle:
        oracle()
    if a.bin:
        quick(os.path.abspath(a.bin), os.path.abspath(a.work or os.path.join(tempfile.gettempdir(),
                                                                            "m3-eval-quick")))
    return 0


if __name__ == "__main__":
    sys.exit(main())

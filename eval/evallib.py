# SPDX-License-Identifier: GPL-2.0-only
"""The evaluation suite's pure parts: suite expansion, command lines, cache
keys, and the error/aggregate arithmetic behind doc/evaluation/results.json.

Standard library only (any python3 >= 3.6), so the runner works on a machine
that has nothing but the simulator. eval/run-suite.py does the I/O;
eval/test-eval.py checks this file's arithmetic against hand-computed values.
"""
import hashlib
import json
import math
import os

MODES = ("packet", "flowsim", "m3")
ESTIMATORS = ("flowsim", "m3")
# Output buckets of m3-compare's summary.json, as [lo, hi) bytes (hi None = inf).
BUCKETS = ((0, 1000), (1000, 10000), (10000, 50000), (50000, None))
BUCKET_NAMES = ("0-1K", "1K-10K", "10K-50K", "50K-inf")
# Topology options: a scenario gives one; it replaces the default's.
TOPOLOGY_KEYS = ("fat-tree", "k-ary", "parking-lot", "topology")
# Options that name input files: their contents enter the cache key.
FILE_OPTIONS = ("tm", "workload", "topology", "flows", "config")
# Warnings of m3 mode that every fat-tree scenario raises (a path's foreground
# is one or a few flows among thousands; doc/m3.rst): reported, but they do
# not make a scenario "out of range".
STRUCTURAL_WARNINGS = ("fg_weight",)

# m3's published figures (m3-method.md section 8), |p99 error|, for the report.
PUBLISHED = {
    "m3": {"mean": 0.099, "median": 0.091, "p90": 0.207, "max": 0.32, "n": 192},
    "parsimon": {"mean": 0.183, "median": None, "p90": 0.418, "max": 1.46, "n": 192},
    "sweeps": {"hpcc_eta": 0.066, "window_bytes": 0.057},
}


# ------------------------------------------------------------------ suite

class SuiteError(Exception):
    pass


def _fmt(v):
    """A parameter value as m3-compare reads it (1 not 1.0; 0.95 as is)."""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return str(v)


def merge_params(defaults, over):
    p = dict(defaults)
    if any(k in over for k in TOPOLOGY_KEYS):
        for k in TOPOLOGY_KEYS:
            p.pop(k, None)
    for k, v in over.items():
        if v is None:
            p.pop(k, None)
        else:
            p[k] = v
    return p


def expand_suite(suite, quick=False):
    """The suite's scenarios, sweeps expanded into one scenario per point.

    Each is a dict: name, group ("main" or "sweep"), params (every
    option spelled out), declared_oor (config keys the suite puts outside the
    training ranges), sweep (None or {name, key, value}), note."""
    if "suite_version" not in suite or "defaults" not in suite:
        raise SuiteError("suite file lacks suite_version or defaults")
    defaults = suite["defaults"]
    out = []

    def add(name, group, over, oor, sweep, note):
        if any(s["name"] == name for s in out):
            raise SuiteError("duplicate scenario name %r" % name)
        out.append({"name": name, "group": group, "params": merge_params(defaults, over),
                    "declared_oor": list(oor or []), "sweep": sweep, "note": note or ""})

    if quick:
        for s in suite.get("quick", []):
            add(s["name"], "main", s.get("params", {}), s.get("out_of_range"), None, s.get("note"))
        for sw in suite.get("quick_sweeps", []):
            _add_sweep(add, sw, "sweep")
        return out
    for s in suite["scenarios"]:
        add(s["name"], "main", s.get("params", {}), s.get("out_of_range"), None, s.get("note"))
    for sw in suite.get("sweeps", []):
        _add_sweep(add, sw, "sweep")
    return out


def _add_sweep(add, sw, group):
    for v in sw["values"]:
        over = dict(sw["base"])
        over[sw["key"]] = v
        add("%s@%s" % (sw["name"], _fmt(v)), group, over, sw.get("out_of_range"),
            {"name": sw["name"], "key": sw["key"], "value": v}, sw.get("note"))


def scenario_args(params):
    """m3-compare's options for a scenario: topology first, then sorted keys."""
    args = []
    for k in TOPOLOGY_KEYS:
        if k in params:
            args.append("--%s=%s" % (k, _fmt(params[k])))
    for k in sorted(params):
        if k not in TOPOLOGY_KEYS:
            args.append("--%s=%s" % (k, _fmt(params[k])))
    return args


def referenced_files(params, root):
    """Repository-relative paths of files a scenario's options name."""
    files = []
    for k in FILE_OPTIONS:
        v = params.get(k)
        if not isinstance(v, str):
            continue
        if k == "tm":
            if not v.startswith("matrix:"):
                continue        # uniform, incast:HOST:FRACTION
            path = v[len("matrix:"):]
        else:
            path = v
        if os.path.isfile(os.path.join(root, path)):
            files.append(path)
        elif k != "workload":   # built-in workloads are names, not files
            raise SuiteError("%s=%s: no such file %s" % (k, v, os.path.join(root, path)))
    return files


def absolute_args(args, params, root):
    """The command line with referenced files as absolute paths (the cache
    key uses the relative ones, so keys agree between machines)."""
    out = []
    rel = set(referenced_files(params, root))
    for a in args:
        k, _, v = a[2:].partition("=")
        if k == "tm" and v.startswith("matrix:") and v[7:] in rel:
            a = "--tm=matrix:" + os.path.join(root, v[7:])
        elif k in FILE_OPTIONS and v in rel:
            a = "--%s=%s" % (k, os.path.join(root, v))
        out.append(a)
    return out


def file_sha256(path, _memo={}):
    st = os.stat(path)
    memo_key = (os.path.abspath(path), st.st_size, st.st_mtime_ns)
    if memo_key not in _memo:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        _memo[memo_key] = h.hexdigest()
    return _memo[memo_key]


def mode_args(suite, mode):
    opts = suite.get("mode_options", {}).get(mode, {})
    return ["--%s=%s" % (k, _fmt(opts[k])) for k in sorted(opts)]


def cache_key(suite, params, mode, root, model_sha=None):
    """Hash of everything that determines a mode's result for a scenario."""
    files = {p: file_sha256(os.path.join(root, p)) for p in referenced_files(params, root)}
    doc = {"salt": str(suite.get("cache_salt", "")), "mode": mode,
           "args": scenario_args(params), "mode_args": mode_args(suite, mode), "files": files}
    if mode == "m3":
        if not model_sha:
            raise SuiteError("m3 mode needs the model's sha256 for its cache key")
        doc["model_sha256"] = model_sha
    blob = json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(blob).hexdigest()[:20]


# ------------------------------------------------------------ arithmetic

def rel_err(est, true):
    """(est - true) / true; None when either is missing or true is not > 0."""
    if est is None or true is None:
        return None
    if not (isinstance(est, (int, float)) and isinstance(true, (int, float))):
        return None
    if not (math.isfinite(est) and math.isfinite(true)) or true <= 0:
        return None
    return (est - true) / true


def quantile(xs, q):
    """Linear interpolation between order statistics (position q (n - 1))."""
    s = sorted(xs)
    if not s:
        return None
    pos = q * (len(s) - 1)
    i = int(math.floor(pos))
    if i + 1 >= len(s):
        return s[-1]
    return s[i] + (s[i + 1] - s[i]) * (pos - i)


def abs_stats(errs):
    """n, mean, median, p90 and max of |e|, and the mean signed error."""
    e = [x for x in errs if x is not None]
    if not e:
        return {"n": 0, "mean": None, "median": None, "p90": None, "max": None, "mean_signed": None}
    a = [abs(x) for x in e]
    return {"n": len(e), "mean": sum(a) / len(a), "median": quantile(a, 0.5),
            "p90": quantile(a, 0.9), "max": max(a), "mean_signed": sum(e) / len(e)}


def _bucket(summary, i):
    """Bucket i (by its [lo, hi) range) of a mode summary, or None."""
    lo, hi = BUCKETS[i]
    for b in summary.get("buckets", []):
        if b.get("lo") == lo and b.get("hi") == hi:
            return b
    return None


def _p99(entry):
    if not entry or not entry.get("n"):
        return None
    v = entry.get("p99")
    return v if isinstance(v, (int, float)) and math.isfinite(v) else None


def _inside(entry, truth):
    if truth is None or not entry:
        return None
    lo, hi = entry.get("ci_lo", {}).get("p99"), entry.get("ci_hi", {}).get("p99")
    if lo is None or hi is None:
        return None
    return bool(lo <= truth <= hi)


def warning_fields(warnings):
    """The fields m3 mode's warnings name: 'config KEY = ...' gives KEY, a
    feature warning 'FIELD: ...' gives FIELD."""
    out = []
    for w in warnings or []:
        if w.startswith("config "):
            f = w.split()[1]
        else:
            f = w.split(":", 1)[0].strip()
        if f and f not in out:
            out.append(f)
    return out


def evaluate_scenario(sc, modes):
    """Per-scenario entry of results.json from the mode summaries at hand.

    modes: {mode: summary.json's object for that mode}; any may be absent."""
    pk = modes.get("packet")
    e = {"name": sc["name"], "group": sc["group"], "params": sc["params"],
         "args": scenario_args(sc["params"]), "sweep": sc["sweep"], "note": sc["note"],
         "modes": modes, "missing": [m for m in MODES if m not in modes]}
    p99 = {}
    for m, s in modes.items():
        p99[m] = {"overall": _p99(s.get("overall")),
                  "buckets": [_p99(_bucket(s, i)) for i in range(len(BUCKETS))]}
    e["p99"] = p99
    err = {}
    for m in ESTIMATORS:
        if m in modes and pk is not None:
            err[m] = {"overall": rel_err(p99[m]["overall"], p99["packet"]["overall"]),
                      "buckets": [rel_err(p99[m]["buckets"][i], p99["packet"]["buckets"][i])
                                  for i in range(len(BUCKETS))]}
    e["rel_err"] = err
    if "m3" in modes and pk is not None:
        m3 = modes["m3"]
        e["inside_ci"] = {"overall": _inside(m3.get("overall"), p99["packet"]["overall"]),
                          "buckets": [_inside(_bucket(m3, i), p99["packet"]["buckets"][i])
                                      for i in range(len(BUCKETS))]}
    else:
        e["inside_ci"] = None
    e["wall_s"] = {m: s.get("wall_s") for m, s in modes.items()}
    e["speedup"] = {}
    for m in ESTIMATORS:
        pw, mw = e["wall_s"].get("packet"), e["wall_s"].get(m)
        if pw and mw:
            e["speedup"][m] = pw / mw
    detected = [f for f in warning_fields(modes["m3"].get("warnings"))
                if f not in STRUCTURAL_WARNINGS] if "m3" in modes else None
    e["declared_oor"] = sc["declared_oor"]
    e["detected_oor"] = detected
    e["in_range"] = not sc["declared_oor"] and not detected
    e["oor_mismatch"] = (detected is not None and bool(sc["declared_oor"]) != bool(detected))
    if pk is not None:
        e["packet_unfinished"] = pk.get("unfinished", 0)
    return e


def aggregate(entries):
    """The aggregate block of results.json from evaluate_scenario entries.

    Headline numbers ("overall", "buckets", "by_cc", "coverage") use the main
    scenarios inside the training ranges that have a packet result; "by_range"
    splits all main scenarios; "sweeps" covers each sweep's points."""
    main = [e for e in entries if e["group"] == "main"]
    scored = [e for e in main if e["rel_err"]]
    inr = [e for e in scored if e["in_range"]]
    agg = {"definition": "relative error (est - packet) / packet of the p99 slowdown; "
                         "stats of |error| (p90: linear interpolation between order statistics); "
                         "headline over main scenarios inside the training ranges",
           "n_scenarios": len(main), "n_scored": len(scored), "n_in_range": len(inr),
           "missing": sorted(e["name"] for e in entries if "packet" in e["missing"]),
           "missing_any": sorted(e["name"] for e in entries if e["missing"])}

    def stats(es, m, bucket=None):
        if bucket is None:
            return abs_stats([x["rel_err"][m]["overall"] for x in es if m in x["rel_err"]])
        return abs_stats([x["rel_err"][m]["buckets"][bucket] for x in es if m in x["rel_err"]])

    agg["overall"] = {m: stats(inr, m) for m in ESTIMATORS}
    agg["buckets"] = {BUCKET_NAMES[i]: {m: stats(inr, m, i) for m in ESTIMATORS}
                      for i in range(len(BUCKETS))}
    ccs = sorted({e["params"].get("cc", "?") for e in inr})
    agg["by_cc"] = {cc: {m: stats([e for e in inr if e["params"].get("cc") == cc], m)
                         for m in ESTIMATORS} for cc in ccs}
    wls = sorted({str(e["params"].get("workload", "?")) for e in inr})
    agg["by_workload"] = {w: {m: stats([e for e in inr if str(e["params"].get("workload", "?")) == w], m)
                              for m in ESTIMATORS} for w in wls}
    oor = [e for e in scored if not e["in_range"]]
    agg["by_range"] = {"in_range": {m: stats(inr, m) for m in ESTIMATORS},
                       "out_of_range": {m: stats(oor, m) for m in ESTIMATORS},
                       "out_of_range_names": sorted(e["name"] for e in oor)}

    def coverage(es):
        ov = [e["inside_ci"]["overall"] for e in es if e["inside_ci"]]
        ov = [x for x in ov if x is not None]
        bk = [x for e in es if e["inside_ci"] for x in e["inside_ci"]["buckets"] if x is not None]
        return {"overall": (sum(ov) / len(ov)) if ov else None, "overall_n": len(ov),
                "buckets": (sum(bk) / len(bk)) if bk else None, "buckets_n": len(bk)}

    agg["coverage"] = coverage(inr)
    agg["coverage_all"] = coverage(scored)

    sweeps = {}
    for e in entries:
        if e["sweep"]:
            sweeps.setdefault(e["sweep"]["name"], []).append(e)
    agg["sweeps"] = {}
    for name, es in sweeps.items():
        es = sorted(es, key=lambda x: x["sweep"]["value"])
        s = {"key": es[0]["sweep"]["key"], "points": len(es),
             "scored": sum(1 for x in es if x["rel_err"])}
        for m in ESTIMATORS:
            s[m] = stats([x for x in es if x["rel_err"]], m)
            bk = [abs(x["rel_err"][m]["buckets"][i]) for x in es if m in x["rel_err"]
                  for i in range(len(BUCKETS)) if x["rel_err"][m]["buckets"][i] is not None]
            s[m]["bucket_max"] = max(bk) if bk else None
            s[m]["direction_agreement"] = direction_agreement(es, m)
        sweeps[name] = s
        agg["sweeps"][name] = s

    sp = {}
    for m in ESTIMATORS:
        v = sorted(e["speedup"][m] for e in scored if m in e["speedup"])
        sp[m] = {"n": len(v), "median": quantile(v, 0.5), "min": v[0] if v else None,
                 "max": v[-1] if v else None}
    agg["speedup"] = sp
    return agg


def direction_agreement(points, m):
    """Share of consecutive sweep steps where the estimator's p99 moves the
    same way as packet mode's (steps where packet's moves < 1% are skipped)."""
    agree = n = 0
    for a, b in zip(points, points[1:]):
        pa, pb = a["p99"].get("packet", {}).get("overall"), b["p99"].get("packet", {}).get("overall")
        ea, eb = a["p99"].get(m, {}).get("overall"), b["p99"].get(m, {}).get("overall")
        if None in (pa, pb, ea, eb) or abs(pb - pa) < 0.01 * pa:
            continue
        n += 1
        agree += (pb - pa) * (eb - ea) > 0
    return {"agree": agree, "steps": n}

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""build_dataset.py - path training samples (m3-gen-path JSON lines) -> one .npz
of model inputs and targets, with the inputs computed by the C core itself.

Design. A sample records only seeds and parameters, not its flows. For each
sample this rebuilds exactly what inference will see, through
bindings/m3core.py (the same C code the m3 mode runs): the flows from
(n, num_flows, workload_seed) with m3_workload_path_m3 (checked against the
workload draws the sample recorded, so a core whose recipe changed since
the data was simulated is caught, not silently mislabelled), the line and
the switch pools of the sample's parking lot, flowSim on the line, slowdown
= max(1, fct / ideal), the tokens (m3_path_features) and flowSim's own
estimate of the target (the foreground's flowSim slowdown percentiles per
output bucket, m3_bucket_percentiles), the baseline the model must beat.
Samples are sorted by (n, workload_seed, config_seed, mid_hosts, recipe)
before any work, and
workers return results in that order, so the output does not depend on the
input files' order or on -j. Lines that are malformed, duplicated, or whose
packet run left more than 1% of the flows unfinished are skipped and
reported as file:line: why. The .npz is written to a temporary file in the
output's directory and renamed into place.

Arrays (S samples, D = token_dim, L = 6 link tokens, n <= 7):
  fg [S, D] f32            token 0 (the foreground flows)
  links [S, L, D] f32      tokens 1..n-1, zero rows beyond n-1
  link_mask [S, L] bool    True for the n-1 real link tokens
  target [S, 4, 100] f32   packet-mode foreground slowdown percentiles
  target_count [S, 4] i32  foreground flows per output bucket
  flowsim [S, 4, 100] f32, flowsim_count [S, 4] i32   flowSim's estimate
  fg_sub [S, V, D] f32, links_sub [S, V, L, D] f32 with fg_sub_k [V]: the
    tokens again with only k = fg_sub_k[v] random foreground flows left in
    the foreground token and the others moved into the link tokens as
    background (see fg_variants); training feeds them so that the model
    learns paths whose foreground is a handful of flows, as on fat-trees
  n [S] i8, cc [S] i8 (m3_cc index), workload_seed [S] i64, config_seed [S] i64,
    num_flows [S] i32, mid_hosts [S] i8 (hosts per mid position of the sample's parking lot)
  cfg_values [S, K] f64 with cfg_keys [K]: numeric configuration keys and
    the workload's draws (load = the most loaded link's), for ranges
  schema_json: m3core.feature_schema() as JSON; samples_sha256: SHA-256 of
    the used samples' lines, sorted, each ending in a newline

Cost: per 20k-flow sample a few ms of workload generation, flowSim and
features in C (about 10-20 ms with Python's overhead), spread over -j
processes; memory: the output arrays, about 30 KB per sample.

  /usr/bin/python3 gen/build_dataset.py --out gen/out/ds.npz 'gen/out/run*/samples.jsonl' -j 8
"""
import argparse
import glob
import hashlib
import json
import lzma
import math
import multiprocessing
import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bindings"))
import m3core  # noqa: E402

FORMAT = "m3-path-sample/1"
MAX_LINKS = 6             # link tokens per sample: paths of up to 7 positions
FG_SUB_K = (1, 3, 10)     # foreground flows kept in the fg_sub variants
MAX_UNFINISHED = 0.01     # skip a sample whose packet run left more flows unfinished
LINE_KEYS = ("edge_bps", "inner_bps", "mid_host_bps", "delay_ns", "cap_bps")
# the workload's numeric draws stored with the configuration (info key -> column)
WORKLOAD_COLUMNS = (("max_load", "load"), ("num_pairs", "num_pairs"), ("pair_p", "pair_p"),
                    ("fg_weight", "fg_weight"), ("size_mean", "size_mean"),
                    ("size_shape", "size_shape"), ("burst_sigma", "burst_sigma"))


class Skip(Exception):
    """A sample that cannot be used; the message says why."""


def cfg_keys():
    """Columns of cfg_values: the numeric config keys (not cc, not seed),
    then the workload's draws."""
    keys = [k for k in m3core.config_keys() if k not in ("cc", "seed")]
    return keys + [c for _, c in WORKLOAD_COLUMNS]


def _int(d, k, lo=None, hi=None):
    v = d.get(k)
    if isinstance(v, bool) or not isinstance(v, int):
        raise Skip("%s: expected an integer, found %r" % (k, v))
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        raise Skip("%s: %d is out of range %s..%s" % (k, v, lo, hi))
    return v


def _obj(d, k):
    v = d.get(k)
    if not isinstance(v, dict):
        raise Skip("%s: expected an object" % k)
    return v


def parse_sample(text, schema):
    """One JSON line -> the sample dict, checked; raises Skip."""
    try:
        s = json.loads(text)
    except ValueError as e:
        raise Skip("not JSON: %s" % e)
    if not isinstance(s, dict):
        raise Skip("not a JSON object")
    if s.get("format") != FORMAT:
        raise Skip("format %r (expected %r)" % (s.get("format"), FORMAT))
    _int(s, "n", 2, MAX_LINKS + 1)
    _int(s, "workload_seed", 0, 2**63 - 1)
    _int(s, "config_seed", 0, 2**63 - 1)
    nf = _int(s, "num_flows", 1)
    line = _obj(s, "line")
    for k in LINE_KEYS:
        v = line.get(k)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise Skip("line.%s: expected a finite number, found %r" % (k, v))
    rc = s.get("recipe", m3core.RECIPE_M3)
    if (not isinstance(rc, dict) or set(rc) != set(m3core.RECIPE_M3)
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                       and math.isfinite(v) for v in rc.values())):
        raise Skip("recipe: expected {burst_lo, burst_hi, poisson_share} numbers, found %r"
                   % (rc,))
    mh = line.get("mid_hosts", 1)
    if isinstance(mh, bool) or not isinstance(mh, int) or not 1 <= mh <= 64:
        raise Skip("line.mid_hosts: expected an integer 1..64, found %r" % (mh,))
    _obj(s, "config")
    _obj(s, "workload")
    packet = _obj(s, "packet")
    unfinished = _int(packet, "unfinished", 0)
    if unfinished > MAX_UNFINISHED * nf:
        raise Skip("%d of %d flows unfinished in packet mode (%s; the limit is %g%%)"
                   % (unfinished, nf, packet.get("stop_reason", "?"), 100 * MAX_UNFINISHED))
    target = _obj(s, "target")
    nb, pc = schema["out_buckets"], schema["pcts"]
    counts, pcts = target.get("counts"), target.get("pcts")
    if (not isinstance(counts, list) or len(counts) != nb
            or not all(isinstance(c, int) and not isinstance(c, bool) and c >= 0
                       for c in counts)):
        raise Skip("target.counts: expected %d non-negative integers" % nb)
    if (not isinstance(pcts, list) or len(pcts) != nb
            or not all(isinstance(r, list) and len(r) == pc for r in pcts)):
        raise Skip("target.pcts: expected %d rows of %d numbers" % (nb, pc))
    try:
        arr = np.array(pcts, dtype=np.float64)
    except (TypeError, ValueError):
        raise Skip("target.pcts: not all numbers")
    if not np.all(np.isfinite(arr)):
        raise Skip("target.pcts: not all finite")
    if sum(counts) > nf:
        raise Skip("target.counts: %d foreground flows of %d" % (sum(counts), nf))
    return s


def path_inputs(s, flows):
    """A sample's configuration (parsed and validated by the core), its
    parking-lot line, the switch pools and flowSim's slowdown of each of
    `flows`: what the feature map reads besides the flows."""
    cfg = m3core.config_check(s["config"])
    ln = s["line"]
    # mid_hosts: hosts per mid position (samples before it had one)
    line, pools = m3core.parking_lot(s["n"], ln["edge_bps"], ln["inner_bps"], ln["mid_host_bps"],
                                     int(ln["delay_ns"]), ln["cap_bps"],
                                     buffer_bytes=round(cfg["buffer_kb"] * 1000),
                                     mid_hosts=ln.get("mid_hosts", 1))
    _, fct, ideal = m3core.line_flowsim(line, flows, mtu=cfg["mtu"])
    return cfg, line, pools, m3core.slowdown(fct, ideal)


def fg_variants(n, flows, sd, cfg, line, pools, ks, seed):
    """The path's tokens with only k of its foreground flows as foreground,
    for each k in ks: what a path of a large network looks like, where
    almost every flow crossing the path's links is background and only a
    few follow the whole path. The other foreground flows stay in the
    scenario (same flowSim slowdowns, so the same load) but become
    background: each is cut into the pieces 0 -> n-2 and n-2 -> n-1, which
    cross the same links with the same size and slowdown, so every link
    token gains exactly that flow. The packet target stays that of all the
    foreground flows: the distribution a foreground flow of this path
    sees. -> float32 [len(ks), n, D]; k >= the foreground count (or n < 3,
    where no piece can avoid being foreground) repeats the full tokens."""
    fg = np.nonzero((flows["src"] == 0) & (flows["dst"] == n - 1))[0]
    rng = np.random.default_rng(seed)
    out = []
    full = None
    for k in ks:
        if k >= len(fg) or n < 3:
            if full is None:
                full = m3core.path_features(line, flows, sd, cfg, pools)
            out.append(full)
            continue
        moved = np.zeros(len(flows), bool)
        moved[rng.choice(fg, len(fg) - k, replace=False)] = True
        keep, mv = flows[~moved], flows[moved]
        a, b = mv.copy(), mv.copy()
        a["dst"] = n - 2
        b["src"] = n - 2
        f = np.concatenate([keep, a, b])
        f["id"] = np.arange(len(f))
        sdv = np.concatenate([sd[~moved], sd[moved], sd[moved]])
        out.append(m3core.path_features(line, f, sdv, cfg, pools))
    return np.stack(out)


def build_one(s, schema):
    """Tokens, flowSim target and configuration row of one parsed sample."""
    n, nf = s["n"], s["num_flows"]
    # the arrival recipe (samples before it have m3's)
    flows, info = m3core.workload_path_m3(n, nf, s["workload_seed"],
                                          recipe=s.get("recipe", m3core.RECIPE_M3))
    w = s["workload"]
    if len(flows) != nf:
        raise Skip("workload: regenerated %d flows, the sample has %d" % (len(flows), nf))
    for k, _ in WORKLOAD_COLUMNS:
        if k in w and not np.isclose(float(info[k]), float(w[k]), rtol=1e-9, atol=0):
            raise Skip("workload.%s: the sample has %r, the core regenerates %r from the seed "
                       "(a different core?)" % (k, w[k], info[k]))
    if "size_kind" in w and w["size_kind"] != info["size_kind"]:
        raise Skip("workload.size_kind: the sample has %r, the core regenerates %r"
                   % (w["size_kind"], info["size_kind"]))
    cfg, line, pools, sd = path_inputs(s, flows)
    tok = m3core.path_features(line, flows, sd, cfg, pools)
    fg = (flows["src"] == 0) & (flows["dst"] == n - 1)
    fs, fs_count = m3core.bucket_percentiles(flows["size"][fg], sd[fg], schema["out_bounds"],
                                             schema["pcts"])
    sub = fg_variants(n, flows, sd, cfg, line, pools, FG_SUB_K,
                      (s["workload_seed"] * 1000003 + s["config_seed"]) * 8 + n)
    row = [float(cfg[k]) for k in cfg_keys()[:-len(WORKLOAD_COLUMNS)]]
    row += [float(info[k]) for k, _ in WORKLOAD_COLUMNS]
    return {
        "tokens": tok, "sub": sub, "flowsim": fs, "flowsim_count": fs_count,
        "cc": m3core.CC_NAMES.index(cfg["cc"]), "cfg_values": row,
    }


def _work(item):
    i, where, s, schema = item
    try:
        return i, build_one(s, schema), None
    except (Skip, m3core.M3Error) as e:
        return i, None, "%s: %s" % (where, e)


def read_inputs(patterns, schema, report):
    """Sample lines of the input files -> sorted list of (key, where, sample, text)."""
    files = []
    for p in patterns:
        hits = sorted(glob.glob(p)) if any(c in p for c in "*?[") else [p]
        if not hits:
            raise SystemExit("build_dataset.py: %s: no file matches" % p)
        files += hits
    seen = {}
    out = []
    for path in files:
        try:
            # gen/data/ keeps its shards xz-compressed
            opener = lzma.open if path.endswith(".xz") else open
            fh = opener(path, "rt", encoding="utf-8")
        except OSError as e:
            raise SystemExit("build_dataset.py: %s: %s" % (path, e.strerror))
        with fh:
            for ln, text in enumerate(fh, 1):
                text = text.rstrip("\n")
                where = "%s:%d" % (path, ln)
                if not text.strip():
                    continue
                try:
                    s = parse_sample(text, schema)
                except Skip as e:
                    report(where, str(e))
                    continue
                # the path's mid hosts and arrival recipe make another sample
                rc = s.get("recipe", m3core.RECIPE_M3)
                key = (s["n"], s["workload_seed"], s["config_seed"],
                       s["line"].get("mid_hosts", 1),
                       tuple(float(rc[k]) for k in sorted(m3core.RECIPE_M3)))
                if key in seen:
                    report(where, "duplicate of %s (n=%d workload_seed=%d config_seed=%d "
                           "mid_hosts=%d recipe=%s)" % ((seen[key],) + key))
                    continue
                seen[key] = where
                out.append((key, where, s, text))
    out.sort(key=lambda r: r[0])
    return out


def build(patterns, out_path, jobs=1, progress=True, log=sys.stderr):
    """Builds the dataset; returns (samples written, list of skip messages)."""
    schema = m3core.feature_schema()
    skipped = []

    def report(where, why):
        skipped.append("%s: %s" % (where, why))

    items = read_inputs(patterns, schema, report)
    S, D, nb, pc = len(items), schema["token_dim"], schema["out_buckets"], schema["pcts"]
    keys = cfg_keys()
    arr = {
        "fg": np.zeros((S, D), np.float32),
        "links": np.zeros((S, MAX_LINKS, D), np.float32),
        "fg_sub": np.zeros((S, len(FG_SUB_K), D), np.float32),
        "links_sub": np.zeros((S, len(FG_SUB_K), MAX_LINKS, D), np.float32),
        "link_mask": np.zeros((S, MAX_LINKS), bool),
        "target": np.zeros((S, nb, pc), np.float32),
        "target_count": np.zeros((S, nb), np.int32),
        "flowsim": np.zeros((S, nb, pc), np.float32),
        "flowsim_count": np.zeros((S, nb), np.int32),
        "n": np.zeros(S, np.int8),
        "cc": np.zeros(S, np.int8),
        "workload_seed": np.zeros(S, np.int64),
        "config_seed": np.zeros(S, np.int64),
        "num_flows": np.zeros(S, np.int32),
        "mid_hosts": np.zeros(S, np.int8),
        "cfg_values": np.zeros((S, len(keys)), np.float64),
    }
    used = []
    t0 = last = time.monotonic()
    work = ((i, where, s, schema) for i, (_, where, s, _) in enumerate(items))
    pool = None
    try:
        if jobs > 1 and S > 1:
            pool = multiprocessing.get_context("fork").Pool(jobs)
            results = pool.imap(_work, work, chunksize=4)
        else:
            results = map(_work, work)
        j = 0
        for done, (i, r, err) in enumerate(results, 1):
            if err:
                skipped.append(err)
            else:
                _, _, s, text = items[i]
                n = s["n"]
                arr["fg"][j] = r["tokens"][0]
                arr["links"][j, :n - 1] = r["tokens"][1:]
                arr["link_mask"][j, :n - 1] = True
                arr["fg_sub"][j] = r["sub"][:, 0]
                arr["links_sub"][j, :, :n - 1] = r["sub"][:, 1:]
                arr["target"][j] = s["target"]["pcts"]
                arr["target_count"][j] = s["target"]["counts"]
                arr["flowsim"][j] = r["flowsim"]
                arr["flowsim_count"][j] = r["flowsim_count"]
                arr["n"][j] = n
                arr["cc"][j] = r["cc"]
                arr["workload_seed"][j] = s["workload_seed"]
                arr["config_seed"][j] = s["config_seed"]
                arr["num_flows"][j] = s["num_flows"]
                arr["mid_hosts"][j] = s["line"].get("mid_hosts", 1)
                arr["cfg_values"][j] = r["cfg_values"]
                used.append(text)
                j += 1
            now = time.monotonic()
            if progress and (now - last >= 2 or done == S):
                last = now
                print("build_dataset: %d/%d samples, %d skipped, %.0f samples/s"
                      % (done, S, len(skipped), done / max(now - t0, 1e-9)), file=log)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    h = hashlib.sha256()
    for text in sorted(used):
        h.update(text.encode("utf-8") + b"\n")
    final = {k: v[:j] for k, v in arr.items()}
    final["fg_sub_k"] = np.array(FG_SUB_K, np.int32)
    final["cfg_keys"] = np.array(keys)
    final["schema_json"] = np.array(json.dumps(schema, sort_keys=True))
    final["samples_sha256"] = np.array(h.hexdigest())
    write_atomic(out_path, final)
    return j, skipped


def write_atomic(path, arrays):
    """np.savez into a temporary file next to `path`, then rename."""
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(path) + ".", suffix=".tmp", dir=d)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 -> as open() would make it
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="m3-gen-path samples (JSON lines) -> training .npz (inputs by the C core)")
    ap.add_argument("inputs", nargs="+", help="sample files or globs (JSON lines)")
    ap.add_argument("--out", required=True, help="the .npz to write (atomically)")
    ap.add_argument("-j", "--jobs", type=int, default=1, help="worker processes (default 1)")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    a = ap.parse_args(argv)
    if a.jobs < 1:
        ap.error("-j must be at least 1")
    t0 = time.monotonic()
    try:
        n, skipped = build(a.inputs, a.out, jobs=a.jobs, progress=not a.quiet)
    except m3core.M3Error as e:
        sys.exit("build_dataset.py: %s" % e)
    for msg in skipped[:50]:
        print("build_dataset: skipped %s" % msg, file=sys.stderr)
    if len(skipped) > 50:
        print("build_dataset: ... and %d more skipped" % (len(skipped) - 50), file=sys.stderr)
    print("build_dataset: wrote %s: %d samples, %d skipped, %.1f s"
          % (a.out, n, len(skipped), time.monotonic() - t0))
    return 0 if n > 0 else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Runs the evaluation suite (eval/suite.json) in packet, flowsim and m3 modes
of m3-compare, caches each result, and writes doc/evaluation/results.json and
the report (eval/report.py).

  eval/run-suite.py                         # everything not cached yet, then the report
  eval/run-suite.py --modes=flowsim,m3      # the fast modes only
  eval/run-suite.py --modes=packet -j 16 --bin /opt/m3/build   # ground truth on a big machine
  eval/run-suite.py --quick                 # the CI subset (results in eval/out-quick/)
  eval/run-suite.py --only 'hpcc-*' --plan  # what would run, with estimated packet times

A result is cached in CACHE/<key>-<mode>.json, where key hashes the scenario's
complete m3-compare options, the mode's own options, the contents of the files
they name (traffic matrices), the suite's cache_salt and, for m3, the model's
sha256: a re-run simulates only what changed. --only and --modes restrict what
is simulated; results.json always covers the whole suite (or the quick set),
listing what is missing. Standard library only; the environment (e.g.
LD_LIBRARY_PATH for a bundled m3-compare) is passed on unchanged.
"""
import argparse
import concurrent.futures
import csv
import datetime
import fnmatch
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import evallib  # noqa: E402

# Packet mode's speed on one core of the development machine (data packets
# per wall second), for --plan's estimates only.
PACKETS_PER_S = 95000.0


_NUM_LIST = re.compile(r"\[(\s*(?:-?[0-9.eE+-]+|null),?)+\s*\]")


def dumps(obj):
    """Indented JSON with lists of numbers on one line each."""
    text = json.dumps(obj, indent=1, allow_nan=False)
    return _NUM_LIST.sub(lambda m: re.sub(r"\s+", "", m.group(0)).replace(",", ", "), text)


def atomic_write_json(path, obj):
    d = os.path.dirname(path) or "."
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=d)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(dumps(obj))
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


HOST = {"node": platform.node(), "cpus": os.cpu_count(), "cpu": cpu_model()}


def source_state():
    """The checkout's commit and whether the simulator's sources differ from
    it (provenance only: the cache key ignores it, see cache_salt)."""
    def git(*a):
        try:
            r = subprocess.run(["git", "-C", ROOT] + list(a), stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, universal_newlines=True, timeout=20)
        except (OSError, subprocess.SubprocessError):
            return None
        return r.stdout.strip() if r.returncode == 0 else None
    commit = git("rev-parse", "HEAD")
    if commit is None:
        return None
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "model", "helper", "examples")
    return {"commit": commit, "sources_modified": bool(dirty)}


def wire_packets(csv_path, mtu):
    """Flows and data packets (ceil(size / mtu) per flow) of an fct CSV."""
    flows = pkts = 0
    with open(csv_path, newline="") as f:
        for row in csv.DictReader(f):
            s = int(row["size"])
            flows += 1
            pkts += max(1, -(-s // mtu))
    return flows, pkts


class Job:
    def __init__(self, sc, mode, key, path):
        self.sc, self.mode, self.key, self.path = sc, mode, key, path
        self.est_packets = None
        self.started = None


def build_jobs(args, suite, scenarios, model_sha):
    """One job per distinct (cache key, mode); scenarios that share a
    simulation (a sweep point equal to a scenario) share its cache file."""
    for sc in scenarios:
        sc["keys"] = {m: evallib.cache_key(suite, sc["params"], m, ROOT,
                                           model_sha if m == "m3" else None)
                      for m in evallib.MODES if m != "m3" or model_sha}
        sc["cache_paths"] = {m: os.path.join(args.cache, "%s-%s.json" % (k, m))
                             for m, k in sc["keys"].items()}
    jobs, seen = [], set()
    for sc in scenarios:
        est = None
        c = load_cached(sc["cache_paths"]["flowsim"])
        if c:
            est = c.get("wire_packets")
        for mode in sc["keys"]:
            key = sc["keys"][mode]
            if (key, mode) in seen:
                continue
            seen.add((key, mode))
            j = Job(sc, mode, key, sc["cache_paths"][mode])
            j.est_packets = est
            jobs.append(j)
    return jobs


def selected(args, sc):
    if not args.only:
        return True
    return any(fnmatch.fnmatchcase(sc["name"], pat) or pat == sc["name"] for pat in args.only)


def run_job(args, suite, j, model_path):
    """Runs one mode of one scenario; returns (ok, message)."""
    sc, mode = j.sc, j.mode
    tmp = tempfile.mkdtemp(prefix="m3eval-%s-%s-" % (j.key[:8], mode), dir=args.tmp)
    try:
        cmd = [os.path.join(args.bin, "m3-compare")]
        cmd += evallib.absolute_args(evallib.scenario_args(sc["params"]), sc["params"], ROOT)
        cmd += ["--mode=" + mode] + evallib.mode_args(suite, mode) + ["--out=" + tmp]
        if mode == "m3":
            cmd += ["--model=" + model_path, "--threads=%d" % args.m3_threads]
        if mode == "packet":
            cmd += ["--progress=%d" % args.packet_progress]
        t0 = time.time()
        with open(os.path.join(tmp, "stdout.txt"), "w") as out, \
                open(os.path.join(tmp, "stderr.txt"), "w") as err:
            try:
                rc = subprocess.run(cmd, stdout=out, stderr=err, cwd=ROOT,
                                    timeout=args.timeout or None).returncode
            except subprocess.TimeoutExpired:
                rc = "timeout after %d s" % args.timeout
        elapsed = time.time() - t0
        with open(os.path.join(tmp, "stderr.txt")) as f:
            tail = f.read()[-2000:]
        summ = os.path.join(tmp, "summary.json")
        if rc != 0 or not os.path.exists(summ):
            return False, "rc %s; %s" % (rc, tail.strip().splitlines()[-1] if tail.strip() else "")
        with open(summ) as f:
            s = json.load(f)
        entry = {"format": "m3-eval-cache", "version": 1, "key": j.key, "mode": mode,
                 "scenario": sc["name"], "args": evallib.scenario_args(sc["params"]),
                 "mode_args": evallib.mode_args(suite, mode),
                 "cache_salt": str(suite.get("cache_salt", "")),
                 "model_sha256": args.model_sha if mode == "m3" else None,
                 "scenario_string": s.get("scenario"), "summary": s["modes"][mode],
                 "runner_wall_s": elapsed, "host": HOST, "jobs": args.jobs, "source": args.source,
                 "finished": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}
        csvp = os.path.join(tmp, "fct-%s.csv" % mode)
        if os.path.exists(csvp):
            entry["num_flows"], entry["wire_packets"] = wire_packets(
                csvp, int(sc["params"].get("mtu", 1000)))
        atomic_write_json(j.path, entry)
        return True, "%.1f s" % s["modes"][mode].get("wall_s", elapsed)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def fmt_dur(s):
    s = int(s)
    return "%d:%02d:%02d" % (s // 3600, s % 3600 // 60, s % 60)


def run_all(args, suite, todo, model_path):
    """Runs the jobs, -j at a time, with a progress line per event."""
    lock = threading.Lock()
    state = {"done": 0, "failed": [], "running": {}}
    total, t0 = len(todo), time.time()

    def bar(n):
        w = 24
        k = int(round(w * n / total)) if total else w
        return "[" + "#" * k + "." * (w - k) + "]"

    # ETA from the packet runs: their flowSim packet counts and the seconds
    # per packet measured so far (other modes take seconds).
    state["pk_left"] = sum(j.est_packets or 0 for j in todo if j.mode == "packet")
    state["pk_done"], state["pk_s"] = 0, 0.0

    def eta():
        if not state["pk_done"] or not state["pk_left"]:
            return ""
        left = state["pk_left"] * state["pk_s"] / state["pk_done"] / args.jobs
        return "  ~%s left" % fmt_dur(left)

    def line(msg):
        with lock:
            n = state["done"]
            print("%s %3d/%d %s  %s  (running %d)%s" % (bar(n), n, total, fmt_dur(time.time() - t0), msg,
                                                        len(state["running"]), eta()), flush=True)

    def work(j):
        with lock:
            if state.get("cancel"):
                return
            state["running"][id(j)] = (j, time.time())
        ts = time.time()
        try:
            ok, msg = run_job(args, suite, j, model_path)
        except Exception as e:       # a bad summary, a full disk: report, go on
            ok, msg = False, "%s: %s" % (type(e).__name__, e)
        with lock:
            state["running"].pop(id(j), None)
            state["done"] += 1
            if not ok:
                state["failed"].append((j, msg))
            if j.mode == "packet" and j.est_packets:
                state["pk_left"] -= j.est_packets
                if ok:
                    state["pk_done"] += j.est_packets
                    state["pk_s"] += time.time() - ts
        line("%-6s %-7s %s: %s" % ("ok" if ok else "FAILED", j.mode, j.sc["name"], msg))

    stop = threading.Event()

    def heartbeat():
        while not stop.wait(args.heartbeat):
            with lock:
                r = sorted(state["running"].values(), key=lambda x: x[1])
                msg = ", ".join("%s %s %ds" % (j.sc["name"], j.mode, time.time() - ts) for j, ts in r)
            if r:
                line("still running: " + msg)

    hb = threading.Thread(target=heartbeat, daemon=True)
    hb.start()
    ex = concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs)
    try:
        futs = [ex.submit(work, j) for j in todo]
        for f in futs:
            f.result()
    except KeyboardInterrupt:
        with lock:
            state["cancel"] = True  # queued jobs return at once; running ones got the signal too
        print("interrupted: waiting for the running m3-compare processes to end", flush=True)
        raise
    finally:
        ex.shutdown(wait=True)
        stop.set()
    return state["failed"]


def load_cached(path):
    if not path:
        return None
    try:
        with open(path) as f:
            c = json.load(f)
    except (OSError, ValueError):
        return None
    if c.get("format") != "m3-eval-cache" or "summary" not in c:
        return None
    return c


def build_results(args, suite, scenarios, failed):
    entries = []
    hosts = {}
    fail_msg = {(j.key, j.mode): msg for j, msg in failed}
    for sc in scenarios:
        modes, info = {}, {}
        for mode in evallib.MODES:
            c = load_cached(sc["cache_paths"].get(mode))
            if c:
                modes[mode] = c["summary"]
                info[mode] = {"cache": os.path.relpath(sc["cache_paths"][mode], ROOT),
                              "host": c.get("host"), "jobs": c.get("jobs"),
                              "finished": c.get("finished"), "source": c.get("source")}
                hosts.setdefault(mode, {})
                hk = "%s (%s cpus, %s)" % (c["host"]["node"], c["host"]["cpus"], c["host"]["cpu"]) \
                    if c.get("host") else "?"
                hosts[mode][hk] = hosts[mode].get(hk, 0) + 1
                if c.get("wire_packets") is not None:
                    info["wire_packets"], info["num_flows"] = c["wire_packets"], c.get("num_flows")
        e = evallib.evaluate_scenario(sc, modes)
        e["cache"] = info
        e["failed"] = {m: fail_msg[(k, m)] for m, k in sc["keys"].items() if (k, m) in fail_msg}
        entries.append(e)
    agg = evallib.aggregate(entries)
    agg["hosts"] = hosts
    return {"format": "m3-eval-results", "suite_version": suite["suite_version"],
            "suite": os.path.relpath(args.suite, ROOT), "quick": args.quick,
            "model": {"path": os.path.relpath(args.model, ROOT), "sha256": args.model_sha or "?"},
            "defaults": suite["defaults"], "published": evallib.PUBLISHED,
            "scenarios": entries, "aggregate": agg}


def plan(args, jobs, todo):
    print("%-32s %-8s %-8s %10s %8s" % ("scenario", "mode", "status", "packets", "est s"))
    tot = 0.0
    for j in jobs:
        st = "todo" if j in todo else ("cached" if os.path.exists(j.path) else "skipped")
        est = ""
        if j.mode == "packet" and j.est_packets:
            e = j.est_packets / PACKETS_PER_S
            est = "%.0f" % e
            if j in todo:
                tot += e
        print("%-32s %-8s %-8s %10s %8s" % (j.sc["name"], j.mode, st,
                                             j.est_packets or "", est))
    print("packet runs to do: %d, about %.0f core-s at %.0f k packets/s (this machine: measure)"
          % (sum(1 for j in todo if j.mode == "packet"), tot, PACKETS_PER_S / 1000))


def main():
    ap = argparse.ArgumentParser(description="Runs the m3-ns3 evaluation suite (eval/README.md).",
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--suite", default=os.path.join(HERE, "suite.json"))
    ap.add_argument("--bin", default=os.path.join(ROOT, "build"),
                    help="directory holding m3-compare (default: build/)")
    ap.add_argument("--model", default=os.path.join(ROOT, "ckpts", "m3-medium.pt"),
                    help="m3 checkpoint (its sha256 enters m3's cache key)")
    ap.add_argument("--cache", default=os.path.join(HERE, "cache"))
    ap.add_argument("--results", help="results file (default doc/evaluation/results.json; "
                                      "eval/out-quick/results.json with --quick)")
    ap.add_argument("--doc-dir", help="where the report goes (default: the results file's directory)")
    ap.add_argument("--modes", default="packet,flowsim,m3", help="modes to simulate (comma list)")
    ap.add_argument("-j", "--jobs", type=int, default=1,
                    help="parallel m3-compare processes (1 for meaningful flowsim/m3 wall times)")
    ap.add_argument("--quick", action="store_true", help="the quick (CI) subset instead of the suite")
    ap.add_argument("--only", action="append", default=[],
                    help="simulate only scenarios whose name matches (glob; repeatable)")
    ap.add_argument("--force", action="store_true", help="re-simulate selected results even if cached")
    ap.add_argument("--plan", action="store_true", help="list the jobs and estimates; run nothing")
    ap.add_argument("--no-run", action="store_true", help="rebuild results and report from the cache")
    ap.add_argument("--no-report", action="store_true", help="write results.json only")
    ap.add_argument("--m3-threads", type=int, default=0, help="m3-compare --threads (0 = every core)")
    ap.add_argument("--timeout", type=int, default=0, help="seconds per m3-compare run (0 = none)")
    ap.add_argument("--packet-progress", type=int, default=60, help=argparse.SUPPRESS)
    ap.add_argument("--heartbeat", type=float, default=60.0, help="seconds between 'still running' lines")
    ap.add_argument("--tmp", default=None, help="scratch directory for m3-compare outputs")
    args = ap.parse_args()

    args.suite = os.path.abspath(args.suite)
    args.cache = os.path.abspath(args.cache)
    args.model = os.path.abspath(args.model)
    if not args.results:
        args.results = os.path.join(HERE, "out-quick", "results.json") if args.quick else \
            os.path.join(ROOT, "doc", "evaluation", "results.json")
    args.results = os.path.abspath(args.results)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    bad = [m for m in modes if m not in evallib.MODES]
    if bad:
        ap.error("--modes: unknown %s (packet, flowsim, m3)" % ",".join(bad))
    if args.jobs < 1:
        ap.error("-j must be >= 1")
    with open(args.suite) as f:
        suite = json.load(f)
    scenarios = evallib.expand_suite(suite, quick=args.quick)
    if os.path.exists(args.model):
        args.model_sha = evallib.file_sha256(args.model)
    elif "m3" in modes:
        ap.error("--model: %s not found" % args.model)
    else:
        args.model_sha = None       # m3 results cannot be looked up: reported missing
        print("note: no model at %s; m3 results are reported missing" % args.model)
    jobs = build_jobs(args, suite, scenarios, args.model_sha)
    todo = [j for j in jobs if j.mode in modes and selected(args, j.sc)
            and (args.force or not os.path.exists(j.path))]
    if args.only and not any(selected(args, sc) for sc in scenarios):
        ap.error("--only: no scenario matches %s" % " ".join(args.only))
    # Longest first: packet runs by their flowSim packet count, then the rest.
    todo.sort(key=lambda j: (j.mode != "packet", -(j.est_packets or 0)))
    if args.plan:
        plan(args, jobs, todo)
        return 0
    failed = []
    if todo and not args.no_run:
        exe = os.path.join(args.bin, "m3-compare")
        if not os.access(exe, os.X_OK):
            ap.error("--bin: %s is not an executable m3-compare" % exe)
        print("suite v%s: %d scenarios, %d runs to do (%s), -j %d, cache %s"
              % (suite["suite_version"], len(scenarios), len(todo), ",".join(modes), args.jobs,
                 os.path.relpath(args.cache, ROOT)), flush=True)
        args.source = source_state()
        failed = run_all(args, suite, todo, args.model)
    res = build_results(args, suite, scenarios, failed)
    atomic_write_json(args.results, res)
    a = res["aggregate"]
    print("wrote %s: %d scenarios, %d with packet ground truth, %d missing a mode"
          % (os.path.relpath(args.results, ROOT), len(res["scenarios"]),
             sum(1 for e in res["scenarios"] if "packet" in e["modes"]), len(a["missing_any"])))
    for m in evallib.ESTIMATORS:
        o = a["overall"][m]
        if o["n"]:
            print("  %-7s |p99 err| over %d in-range scenarios: mean %.1f%%, median %.1f%%, "
                  "p90 %.1f%%, max %.1f%%" % (m, o["n"], 100 * o["mean"], 100 * o["median"],
                                               100 * o["p90"], 100 * o["max"]))
    if not args.no_report:
        import report
        report.write_report(res, args.doc_dir or os.path.dirname(args.results))
    if failed:
        print("%d runs FAILED:" % len(failed))
        for j, msg in failed:
            print("  %s %s: %s" % (j.sc["name"], j.mode, msg))
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted; finished runs are cached, results.json not rewritten")
        sys.exit(130)

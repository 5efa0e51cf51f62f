#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""generate.py - runs many path training samples (m3-gen-path) in parallel.

Design: a sample is a task (n, workload seed, config seed); the task list
is a pure function of the options, so a run is deterministic by seed and
can be split across machines by workload range. Each finished sample is
appended as one JSON line to OUT/samples.jsonl by this process alone
(workers only run m3-gen-path into a temporary file), so the file is the
resume state: a restarted run skips every task already there, and a line
cut short by an interruption is dropped. Failures (non-zero exit, wall
timeout) go to OUT/failures.jsonl and are not retried unless asked.

Tasks run in workload order, every n and config of a workload together,
so a run stopped early still covers its workloads evenly. Standard
library only: it runs on the GPU machine's Python too.

Across processes or machines (--shard I/N): shard I of N takes the
workloads w of the range with w % N == I, every n and config of them, and
writes OUT/samples-I-of-N.jsonl and OUT/failures-I-of-N.jsonl (its own
resume state), so N shards may share one OUT; a sample depends only on its
seeds, so the N shards' samples together are the unsharded run's.
--shard env takes I and N from the MPI launcher (mpirun's
OMPI_COMM_WORLD_RANK/SIZE, MPICH's PMI_RANK/SIZE, srun's
SLURM_PROCID/NTASKS): mpirun -np N gen/generate.py --shard env ... runs N
shards, one per rank, without MPI in the script; a job array passes
--shard $TASK/N.

  gen/generate.py --out gen/out/run1 --workloads 0:100 -j 2
  gen/generate.py --out OUT --workloads 0:400 -j 16 --deadline 540
  mpirun -np 4 gen/generate.py --out OUT --workloads 0:400 -j 4 --shard env

Cost: one packet-level simulation per task (about 5 s on one core on
average at 20k flows); this driver's own work is negligible.
"""
import argparse
import concurrent.futures as cf
import json
import os
import statistics
import subprocess
import sys
import threading
import time

FORMAT = "m3-path-sample/1"


def config_seed(workload, n, c):
    """The configuration seed of the c-th configuration of (workload, n)."""
    return workload * 1000 + n * 10 + c


def tasks(args):
    out = []
    for w in range(args.w0, args.w1):
        if w % args.shards != args.shard:
            continue  # another shard's workload
        for n in args.n:
            for c in range(args.configs):
                out.append((n, w, config_seed(w, n, c)))
    return out


def read_done(path):
    """Keys of the complete sample lines in path; truncates a cut-off tail."""
    done = set()
    if not os.path.exists(path):
        return done
    good = 0
    with open(path, "rb") as f:
        data = f.read()
    pos = 0
    for raw in data.split(b"\n"):
        end = pos + len(raw) + 1
        if not raw.strip():
            pos = end
            continue
        try:
            s = json.loads(raw)
            if s.get("format") != FORMAT:
                raise ValueError("format")
            done.add((s["n"], s["workload_seed"], s["config_seed"]))
            good = min(end, len(data))
        except (ValueError, KeyError):
            break
        pos = end
    if good < len(data):
        print(f"generate: {path}: dropping {len(data) - good} bytes of an unfinished line",
              file=sys.stderr)
        with open(path, "r+b") as f:
            f.truncate(good)
    return done


def read_failed(path):
    failed = set()
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                try:
                    s = json.loads(line)
                    failed.add((s["n"], s["workload_seed"], s["config_seed"]))
                except (ValueError, KeyError):
                    pass
    return failed


# (rank, size) variables of the launchers --shard env knows, in order
SHARD_ENV = (("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"), ("PMI_RANK", "PMI_SIZE"),
             ("SLURM_PROCID", "SLURM_NTASKS"))


def parse_shard(text, environ):
    """(I, N) of --shard I/N or --shard env; ValueError says why not."""
    if text == "env":
        for rank, size in SHARD_ENV:
            if rank in environ and size in environ:
                text = f"{environ[rank]}/{environ[size]}"
                break
        else:
            raise ValueError("--shard env: none of " +
                             ", ".join(f"{r}/{s}" for r, s in SHARD_ENV) + " is set")
    try:
        i, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise ValueError(f"--shard takes I/N or env, not {text!r}") from None
    if not 0 <= i < n:
        raise ValueError(f"--shard {text}: need 0 <= I < N")
    return i, n


def out_name(args, stem):
    """OUT's file `stem`.jsonl, or stem-I-of-N.jsonl for a shard of several."""
    tag = f"-{args.shard}-of-{args.shards}" if args.shards > 1 else ""
    return os.path.join(args.out, f"{stem}{tag}.jsonl")


class Runner:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.samples = open(out_name(args, "samples"), "a")
        self.failures = open(out_name(args, "failures"), "a")
        self.tmp = os.path.join(args.out, "tmp")
        os.makedirs(self.tmp, exist_ok=True)
        self.procs = set()
        self.stopping = False
        self.done = 0
        self.failed = 0
        self.walls = []

    def run(self, task):
        n, w, c = task
        if self.stopping:
            return
        path = os.path.join(self.tmp, f"{n}-{w}-{c}.json")
        cmd = [self.args.bin, f"--n={n}", f"--workload-seed={w}", f"--config-seed={c}",
               f"--num-flows={self.args.num_flows}", f"--out={path}",
               f"--mid-hosts={self.args.mid_hosts}", f"--mid-gbps={self.args.mid_gbps:g}",
               f"--burst-lo={self.args.burst_lo:g}", f"--burst-hi={self.args.burst_hi:g}",
               f"--poisson-share={self.args.poisson_share:g}"]
        if self.args.time_limit:
            cmd.append(f"--time-limit={self.args.time_limit}")
        t0 = time.time()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        with self.lock:
            self.procs.add(p)
        try:
            _, err = p.communicate(timeout=self.args.timeout)
            why = None if p.returncode == 0 else f"exit {p.returncode}: {err.strip()[-300:]}"
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()
            why = f"wall timeout {self.args.timeout} s"
        with self.lock:
            self.procs.discard(p)
        if self.stopping and why is not None:
            return  # killed at the deadline: neither done nor failed
        line = None
        if why is None:
            try:
                with open(path) as f:
                    line = f.read().strip()
                json.loads(line)
            except (OSError, ValueError) as e:
                why = f"unreadable output: {e}"
        if os.path.exists(path):
            os.remove(path)
        with self.lock:
            if why is None:
                self.samples.write(line + "\n")
                self.samples.flush()
                self.done += 1
                self.walls.append(time.time() - t0)
            else:
                rec = {"n": n, "workload_seed": w, "config_seed": c, "why": why}
                self.failures.write(json.dumps(rec) + "\n")
                self.failures.flush()
                self.failed += 1

    def kill_all(self):
        self.stopping = True
        with self.lock:
            for p in self.procs:
                p.kill()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="output directory (resume state)")
    ap.add_argument("--workloads", default="0:100", help="workload seed range A:B (B excluded)")
    ap.add_argument("--n", default="3,5,7", help="path lengths")
    ap.add_argument("--configs", type=int, default=2, help="configurations per (workload, n)")
    ap.add_argument("--num-flows", type=int, default=20000)
    ap.add_argument("--mid-hosts", type=int, default=1,
                    help="hosts per mid-path position (8 with --mid-gbps 10: fat-tree-like "
                         "injection, doc/m3.rst Results; 1: m3's parking lot)")
    ap.add_argument("--mid-gbps", type=float, default=40, help="mid-path host link rate, Gb/s")
    ap.add_argument("--burst-lo", type=float, default=1.0,
                    help="arrivals: log-normal sigma from [burst-lo, burst-hi] (m3: 1, 2)")
    ap.add_argument("--burst-hi", type=float, default=2.0)
    ap.add_argument("--poisson-share", type=float, default=0.0,
                    help="arrivals: probability of Poisson instead (m3: 0)")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count())
    ap.add_argument("--bin", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                   "..", "build", "m3-gen-path"))
    ap.add_argument("--timeout", type=float, default=900, help="wall seconds per sample")
    ap.add_argument("--time-limit", type=float, default=0,
                    help="simulated seconds per sample (0 = none)")
    ap.add_argument("--deadline", type=float, default=0,
                    help="stop starting samples after this many wall seconds; kill the "
                         "running ones at deadline + --grace (0 = run to the end)")
    ap.add_argument("--grace", type=float, default=30)
    ap.add_argument("--retry-failed", action="store_true")
    ap.add_argument("--progress", type=float, default=10, help="seconds between progress lines")
    ap.add_argument("--shard", default="0/1",
                    help="I/N: this process runs the workloads w with w %% N == I, into "
                         "OUT/samples-I-of-N.jsonl; env: I and N from the MPI launcher "
                         "(default 0/1: all, into OUT/samples.jsonl)")
    args = ap.parse_args()
    try:
        args.shard, args.shards = parse_shard(args.shard, os.environ)
    except ValueError as e:
        ap.error(str(e))
    try:
        args.w0, args.w1 = (int(x) for x in args.workloads.split(":"))
        args.n = [int(x) for x in args.n.split(",")]
    except ValueError:
        ap.error("--workloads takes A:B and --n a comma list of integers")
    if not (0 <= args.w0 < args.w1) or args.configs < 1 or args.configs > 10 or \
            any(n < 2 or n > 9 for n in args.n) or args.jobs < 1 or args.num_flows < 1:
        ap.error("need 0 <= A < B, 1..10 configs, n in 2..9, jobs >= 1, flows >= 1")
    if not 1 <= args.mid_hosts <= 64 or not 0 < args.mid_gbps <= 1e4:
        ap.error("--mid-hosts takes 1..64 and --mid-gbps a rate in (0, 10000]")
    if not 0 <= args.burst_lo <= args.burst_hi <= 5 or not 0 <= args.poisson_share <= 1:
        ap.error("need 0 <= --burst-lo <= --burst-hi <= 5 and --poisson-share in [0, 1]")
    if not os.access(args.bin, os.X_OK):
        ap.error(f"{args.bin}: not an executable (build it: cmake --build build)")
    os.makedirs(args.out, exist_ok=True)

    done = read_done(out_name(args, "samples"))
    skip = done if args.retry_failed else done | read_failed(out_name(args, "failures"))
    todo = [t for t in tasks(args) if t not in skip]
    total = len(todo)
    print(f"generate: {len(done)} samples already in {out_name(args, 'samples')}, {total} to "
          f"run on {args.jobs} jobs", file=sys.stderr)
    r = Runner(args)
    t0 = time.time()
    last = t0
    with cf.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        pending = set()
        it = iter(todo)
        while True:
            now = time.time()
            late = args.deadline and now - t0 > args.deadline
            while not late and len(pending) < args.jobs:
                t = next(it, None)
                if t is None:
                    break
                pending.add(ex.submit(r.run, t))
            if not pending:
                break
            finished, pending = cf.wait(pending, timeout=1.0)
            now = time.time()
            if args.deadline and now - t0 > args.deadline + args.grace:
                r.kill_all()
            if now - last >= args.progress or not pending:
                last = now
                el = now - t0
                rate = r.done / el if el > 0 else 0
                left = total - r.done - r.failed
                eta = left / rate if rate > 0 else float("inf")
                print(f"generate: {r.done + r.failed}/{total} ({r.failed} failed), "
                      f"{rate * 60:.1f} samples/min, {el:.0f} s elapsed, "
                      f"about {eta / 60:.1f} min left", file=sys.stderr, flush=True)
    r.samples.close()
    r.failures.close()
    el = time.time() - t0
    if r.walls:
        w = sorted(r.walls)
        print(f"generate: {r.done} samples in {el:.0f} s on {args.jobs} jobs: "
              f"{el * args.jobs / max(r.done, 1):.2f} core-s per sample; per-sample wall "
              f"mean {statistics.mean(w):.2f} s, median {statistics.median(w):.2f} s, "
              f"p90 {w[int(0.9 * (len(w) - 1))]:.2f} s, max {w[-1]:.2f} s", file=sys.stderr)
    print(f"generate: {r.failed} failed (see {out_name(args, 'failures')})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

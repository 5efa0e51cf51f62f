#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""test_generate.py - m3-gen-path and gen/generate.py end to end.

Oracles: the sample's configuration is m3_config_sample's draw (through the
bindings, the same C code) with the 10 Gbps cap; its per-bucket foreground
counts equal those of the workload regenerated from the seed; percentiles
are >= 1 and non-decreasing; the same seeds give the same sample; the
driver's task list, resume, cut-off-line repair and failure records; its
shards (--shard) together equal the unsharded run.

Run by ctest (ns3/gen-path) with M3_GEN_PATH and M3CORE_LIB set; about
10 s on 2 cores (small flow counts).
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bindings"))
import m3core  # noqa: E402

GEN = os.environ.get("M3_GEN_PATH", os.path.join(HERE, "..", "build", "m3-gen-path"))
DRIVER = os.path.join(HERE, "generate.py")


def gen_path(tmp, n, w, c, flows=400):
    out = os.path.join(tmp, f"s-{n}-{w}-{c}.json")
    r = subprocess.run([GEN, f"--n={n}", f"--workload-seed={w}", f"--config-seed={c}",
                        f"--num-flows={flows}", f"--out={out}"], capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError(f"m3-gen-path failed: {r.stderr}")
    with open(out) as f:
        return json.load(f)


def drive(tmp, *args, binary=GEN):
    r = subprocess.run([sys.executable, DRIVER, "--out", tmp, "--bin", binary, "--progress",
                        "100", *args], capture_output=True, text=True)
    return r


def keys(path):
    with open(path) as f:
        return [(s["n"], s["workload_seed"], s["config_seed"]) for s in map(json.loads, f)]


class GenPath(unittest.TestCase):
    def test_sample_matches_its_seeds(self):
        with tempfile.TemporaryDirectory() as tmp:
            for n, w, c in [(3, 11, 4), (5, 12, 7), (7, 13, 1)]:
                s = gen_path(tmp, n, w, c)
                self.assertEqual(s["format"], "m3-path-sample/1")
                self.assertEqual((s["n"], s["workload_seed"], s["config_seed"]), (n, w, c))
                # configuration: exactly the core's draw, capped at 10 Gbps
                want = m3core.config_sample(c)
                for k, v in want.items():
                    if k == "nic_rate_gbps":
                        v = 10.0
                    if isinstance(v, float):
                        self.assertAlmostEqual(s["config"][k], v, places=9, msg=k)
                    else:
                        self.assertEqual(s["config"][k], v, msg=k)
                self.assertEqual(s["packet"]["unfinished"], 0)
                # counts: the foreground flows of the regenerated workload
                flows, _ = m3core.workload_path_m3(n, 400, w)
                fg = (flows["src"] == 0) & (flows["dst"] == n - 1)
                bounds = [0, 1000, 10000, 50000, 2**64]
                sizes = flows["size"][fg].astype(float)
                want_counts = [int(((sizes >= bounds[b]) & (sizes < bounds[b + 1])).sum())
                               for b in range(4)]
                self.assertEqual(s["target"]["counts"], want_counts)
                for b, row in enumerate(s["target"]["pcts"]):
                    self.assertEqual(len(row), 100)
                    if want_counts[b] == 0:
                        self.assertTrue(all(v == 0 for v in row))
                    else:
                        self.assertGreaterEqual(row[0], 1.0)
                        self.assertTrue(all(a <= b for a, b in zip(row, row[1:])), row)

    def test_deterministic(self):
        with tempfile.TemporaryDirectory() as tmp:
            a = gen_path(tmp, 5, 21, 3)
            b = gen_path(tmp, 5, 21, 3)
            a["packet"].pop("wall_s")
            b["packet"].pop("wall_s")
            self.assertEqual(a, b)
            c = gen_path(tmp, 5, 21, 4)
            self.assertNotEqual(a["config"], c["config"])

    def test_bad_input_is_refused(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "x.json")
            for args in (["--n=1"], ["--num-flows=0"]):
                r = subprocess.run([GEN, *args, f"--out={out}"], capture_output=True, text=True)
                self.assertNotEqual(r.returncode, 0, args)
                self.assertIn("m3-gen-path:", r.stderr)
                self.assertFalse(os.path.exists(out))
            r = subprocess.run([GEN, "--n=3"], capture_output=True, text=True)
            self.assertEqual(r.returncode, 2)
            self.assertIn("--out", r.stderr)


class Driver(unittest.TestCase):
    def test_tasks_resume_and_repair(self):
        with tempfile.TemporaryDirectory() as tmp:
            r = drive(tmp, "--workloads", "0:2", "--n", "3,5", "--configs", "2",
                      "--num-flows", "200", "-j", "2")
            self.assertEqual(r.returncode, 0, r.stderr)
            path = os.path.join(tmp, "samples.jsonl")
            got = keys(path)
            want = {(n, w, w * 1000 + n * 10 + c) for w in range(2) for n in (3, 5)
                    for c in range(2)}
            self.assertEqual(len(got), 8)
            self.assertEqual(set(got), want)
            # resume: nothing left to do
            r = drive(tmp, "--workloads", "0:2", "--n", "3,5", "--configs", "2",
                      "--num-flows", "200")
            self.assertIn("8 samples already", r.stderr)
            self.assertEqual(len(keys(path)), 8)
            # a line cut short by an interruption is dropped and redone
            with open(path) as f:
                lines = f.readlines()
            with open(path, "w") as f:
                f.writelines(lines[:-1])
                f.write(lines[-1][:50])
            r = drive(tmp, "--workloads", "0:2", "--n", "3,5", "--configs", "2",
                      "--num-flows", "200")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("dropping", r.stderr)
            self.assertEqual(sorted(keys(path)), sorted(want))

    def test_failures_are_recorded_not_retried(self):
        with tempfile.TemporaryDirectory() as tmp:
            bad = os.path.join(tmp, "bad.sh")
            with open(bad, "w") as f:
                f.write("#!/bin/sh\necho broken >&2\nexit 3\n")
            os.chmod(bad, 0o755)
            out = os.path.join(tmp, "out")
            r = drive(out, "--workloads", "0:1", "--n", "3", "--configs", "1", binary=bad)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(os.path.join(out, "failures.jsonl")) as f:
                fails = [json.loads(x) for x in f]
            self.assertEqual(len(fails), 1)
            self.assertIn("exit 3", fails[0]["why"])
            self.assertIn("broken", fails[0]["why"])
            r = drive(out, "--workloads", "0:1", "--n", "3", "--configs", "1", binary=bad)
            self.assertIn("0 to run", r.stderr)
            r = drive(out, "--workloads", "0:1", "--n", "3", "--configs", "1",
                      "--retry-failed", binary=GEN)
            self.assertEqual(len(keys(os.path.join(out, "samples.jsonl"))), 1)

    def test_shards_make_the_single_run(self):
        """Three shards run at once into one directory (one through the MPI
        launcher's variables, as under mpirun): disjoint workloads, and
        together the unsharded run's samples, equal but for wall times."""
        common = ["--workloads", "0:5", "--n", "3", "--configs", "2", "--num-flows", "200",
                  "-j", "1", "--progress", "100", "--bin", GEN]

        def samples(path):
            out = {}
            with open(path) as f:
                for s in map(json.loads, f):
                    s["packet"].pop("wall_s")
                    out[(s["n"], s["workload_seed"], s["config_seed"])] = s
            return out

        with tempfile.TemporaryDirectory() as tmp:
            one, many = os.path.join(tmp, "one"), os.path.join(tmp, "many")
            r = drive(one, "--workloads", "0:5", "--n", "3", "--configs", "2",
                      "--num-flows", "200", "-j", "2")
            self.assertEqual(r.returncode, 0, r.stderr)
            env = dict(os.environ, OMPI_COMM_WORLD_RANK="1", OMPI_COMM_WORLD_SIZE="3")
            procs = [subprocess.Popen([sys.executable, DRIVER, "--out", many, *common,
                                       "--shard", shard], env=env if shard == "env" else None,
                                      stderr=subprocess.PIPE, text=True)
                     for shard in ("0/3", "env", "2/3")]
            for p in procs:
                _, err = p.communicate()
                self.assertEqual(p.returncode, 0, err)
            self.assertFalse(os.path.exists(os.path.join(many, "samples.jsonl")))
            union = {}
            for i in range(3):
                part = samples(os.path.join(many, f"samples-{i}-of-3.jsonl"))
                self.assertTrue(part)
                self.assertEqual({w % 3 for _, w, _ in part}, {i})
                self.assertFalse(set(part) & set(union))
                union.update(part)
            self.assertEqual(union, samples(os.path.join(one, "samples.jsonl")))
            # a shard resumes from its own file
            r = subprocess.run([sys.executable, DRIVER, "--out", many, *common, "--shard", "2/3"],
                               capture_output=True, text=True)
            self.assertIn("2 samples already in", r.stderr)
            self.assertIn("0 to run", r.stderr)

    def test_usage_errors(self):
        with tempfile.TemporaryDirectory() as tmp:
            for args in (["--workloads", "5:5"], ["--n", "1"], ["--workloads", "x"],
                         ["--shard", "3/3"], ["--shard", "0/0"], ["--shard", "1"],
                         ["--shard", "a/b"]):
                r = drive(tmp, *args)
                self.assertEqual(r.returncode, 2, args)
            env = {k: v for k, v in os.environ.items()
                   if not k.startswith(("OMPI_COMM_WORLD_", "PMI_", "SLURM_"))}
            r = subprocess.run([sys.executable, DRIVER, "--out", tmp, "--bin", GEN,
                                "--shard", "env"], capture_output=True, text=True, env=env)
            self.assertEqual(r.returncode, 2)
            self.assertIn("OMPI_COMM_WORLD_RANK", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)

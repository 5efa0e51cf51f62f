# SPDX-License-Identifier: GPL-2.0-only
"""test_estimate.py - bindings/m3estimate.py against oracles (ctest
bindings/estimate; M3CORE_LIB and, for m3 mode, M3_INFER_PLUGIN set by
CMake):
  - flowSim mode: the result's percentiles, overall and per bucket, equal
    numpy's nearest-rank percentiles of the per-flow slowdowns it returns
    (so the m3_result mirror and m3_result_set_fcts agree), bucket counts
    add up, and a flows file gives the same flows as the core's reader;
  - m3 mode with the shipped checkpoint: the interval brackets the
    estimate, bucket counts are the scenario's, 1 and 2 threads give the
    same numbers, another seed another draw, a buffer outside the training
    range is warned about;
  - errors: a missing checkpoint, a bad topology file, no flows."""
import math
import os
import sys
import tempfile
import unittest

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import m3core  # noqa: E402
import m3estimate as me  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def nearest_rank(v, p):
    v = np.sort(v)
    k = max(1, math.ceil(p / 100 * len(v) - 1e-9))
    return v[min(k, len(v)) - 1]


class FlowSim(unittest.TestCase):
    def test_summary_matches_per_flow(self):
        s = me.Scenario("k-ary=4", config={"cc": "hpcc"})
        s.generate("webserver", load=0.6, num_flows=3000, seed=3)
        r = s.estimate_flowsim()
        self.assertEqual(r["mode"], "flowsim")
        self.assertEqual(r["num_flows"], 3000)
        sd = np.maximum(1.0, r["fct_ns"] / r["ideal_ns"])
        for p, key in ((50, "p50"), (90, "p90"), (99, "p99")):
            self.assertEqual(r["overall"][key], nearest_rank(sd, p))
        self.assertEqual(r["pct"][98], r["overall"]["p99"])
        self.assertTrue(np.all(r["fluid_ns"] <= r["fct_ns"] + 1e-6))
        self.assertEqual(sum(b["n"] for b in r["buckets"]), 3000)

    def test_flows_file(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "f.txt")
            with open(path, "w") as f:
                f.write("2\n0 0 15 3 100 5000 0.000001\n1 2 9 3 100 40000 0.000002\n")
            s = me.Scenario("k-ary=4")
            s.read_flows(path)
            r = s.estimate_flowsim()
            self.assertEqual(s.num_flows, 2)
            self.assertEqual(r["overall"]["p50"], 1.0)  # alone on their paths


@unittest.skipUnless(os.path.exists(me.plugin_path()), "inference shim not built")
class M3Mode(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.model = me.Model()
        cls.s = me.Scenario("k-ary=4", config={"cc": "dctcp"})
        cls.s.generate("webserver", load=0.5, num_flows=4000, seed=5)

    def test_interval_and_counts(self):
        r = self.s.estimate_m3(self.model, path_samples=200)
        self.assertEqual(r["mode"], "m3")
        self.assertEqual(r["paths_sampled"], 200)
        o, lo, hi = r["overall"], r["ci_lo"]["overall"], r["ci_hi"]["overall"]
        self.assertTrue(lo["p99"] <= o["p99"] <= hi["p99"])
        self.assertTrue(1 <= o["p50"] <= o["p90"] <= o["p99"])
        self.assertEqual(sum(b["n"] for b in r["buckets"]), 4000)
        self.assertNotIn("fct_ns", r)

    def test_threads_and_seed(self):
        a = self.s.estimate_m3(self.model, path_samples=200, threads=1)
        b = self.s.estimate_m3(self.model, path_samples=200, threads=2)
        c = self.s.estimate_m3(self.model, path_samples=200, threads=2, seed=9)
        for k in ("overall", "buckets", "pct", "ci_lo", "ci_hi"):
            self.assertEqual(a[k], b[k], k)
        self.assertNotEqual(a["pct"], c["pct"])

    def test_out_of_range_warning(self):
        s = me.Scenario("k-ary=4", config={"cc": "dctcp", "buffer_kb": 2000})
        s.generate("webserver", load=0.5, num_flows=2000, seed=5)
        r = s.estimate_m3(self.model, path_samples=50)
        self.assertTrue(any("buffer_kb = 2000" in w for w in r["warnings"]), r["warnings"])


class Errors(unittest.TestCase):
    def test_missing_model(self):
        if not os.path.exists(me.plugin_path()):
            self.skipTest("inference shim not built")
        with self.assertRaises(m3core.M3Error) as e:
            me.Model("/nonexistent/m3-x.pt")
        self.assertIn("m3-x", str(e.exception))

    def test_bad_topology_and_no_flows(self):
        with self.assertRaises(m3core.M3Error) as e:
            me.Scenario(os.path.join(ROOT, "test", "core", "data", "topo-bad-delay.txt"))
        self.assertIn("topo-bad-delay.txt", str(e.exception))
        s = me.Scenario("k-ary=4")
        with self.assertRaises(m3core.M3Error) as e:
            s.estimate_flowsim()
        self.assertIn("no flows", str(e.exception))


if __name__ == "__main__":
    unittest.main(verbosity=2)

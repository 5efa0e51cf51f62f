#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""test_bindings.py - tests of bindings/m3core.py and gen/build_dataset.py.

Design: plain unittest, run as `/usr/bin/python3 bindings/test_bindings.py`
(ctest: bindings/python). The library comes from M3CORE_LIB (ctest sets
it), the command-line tools from M3_TOOLS_DIR, else the library's
directory. Each check is against something independent of the wrapper:
struct layouts by canary bytes around structures the C core fills (a
Python mirror smaller than the C struct is overwritten past its end) and
by reading back values the C code set at known places; the workload
against the file m3-workload writes; flowSim against m3-flowsim's CSV;
percentiles and the token layout against numpy re-implementations of
doc/features.rst; the switch pools against the formula of m3.h with its
constants read from m3.h; the dataset builder against direct calls.

Cost: about 2 s (two tool runs, a few thousand flows, a 3-sample dataset).
"""
import ctypes
import hashlib
import json
import lzma
import os
import re
import subprocess
import sys
import tempfile
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "gen"))
import m3core  # noqa: E402
from m3core import M3Error  # noqa: E402


def tools_dir():
    return os.environ.get("M3_TOOLS_DIR") or os.path.dirname(os.path.abspath(
        m3core.library_path()))


def tool(name):
    p = os.path.join(tools_dir(), name)
    if not os.path.exists(p):
        raise unittest.SkipTest("%s not built (set M3_TOOLS_DIR)" % p)
    return p


def header_define(name):
    """The value of a simple arithmetic #define of m3.h."""
    with open(os.path.join(ROOT, "model", "core", "m3.h")) as fh:
        text = fh.read()
    m = re.search(r"#define\s+%s\s+([^\n/]*)" % name, text)
    expr = m.group(1).strip()
    if not re.fullmatch(r"[0-9.()*+\- ]+", expr):
        raise ValueError("%s: %r is not plain arithmetic" % (name, expr))
    return eval(expr)


def canary(cls, call):
    """Fills an instance of `cls` through `call`, inside a buffer with 64
    guard bytes after it; fails if C wrote past the Python struct's end."""
    size = ctypes.sizeof(cls)
    buf = bytearray(b"\xa5" * (size + 64))
    s = cls.from_buffer(buf)
    rc = call(s)
    tail = bytes(buf[size:])
    del s
    assert tail == b"\xa5" * 64, "%s: C wrote past the mirror's %d bytes" % (cls.__name__, size)
    return rc, cls.from_buffer_copy(bytes(buf[:size]))


def ref_pcts(values, pcts=100):
    """Nearest-rank p1..p`pcts` of values (rank ceil(k/pcts x n))."""
    v = np.sort(np.asarray(values, dtype=np.float64))
    k = np.arange(1, pcts + 1)
    rank = np.ceil(k * len(v) / pcts).astype(int)
    return v[np.maximum(rank, 1) - 1]


def ref_tokens(n, link_bps, flows, sd, cfg, pools, schema):
    """doc/features.rst's token layout, in numpy, independent of the core."""
    bounds = np.array(schema["in_bounds"], dtype=np.uint64)
    nb, pc = schema["in_buckets"], schema["pcts"]
    fields = schema["fields"]
    out = np.zeros((n, schema["token_dim"]))
    src, dst, size = flows["src"].astype(int), flows["dst"].astype(int), flows["size"]
    bucket = np.searchsorted(bounds, size, side="right")
    fg = (src == 0) & (dst == n - 1)
    x = {f["name"]: 0.0 for f in fields}
    if n in (3, 5, 7):
        x["n%d" % n] = 1.0
    x["cc_" + cfg["cc"]] = 1.0
    x["pfc"] = float(cfg["pfc"])
    x["window_kb"] = cfg["window_bytes"] / 1000.0
    active = {"dctcp": ["dctcp_k_kb"], "dcqcn": ["dcqcn_kmin_kb", "dcqcn_kmax_kb"],
              "hpcc": ["hpcc_eta", "hpcc_ai_mbps"],
              "timely": ["timely_tlow_us", "timely_thigh_us"]}[cfg["cc"]]
    for k in active:
        x[k] = cfg[k]
    for t in range(n):
        if t == 0:
            sel = fg
            link = min(link_bps)
            pool = min(pools[1:n - 1]) if n > 2 else 0.0
        else:
            l = t - 1
            sel = ~fg & (src <= l) & (l < dst)
            link = link_bps[l]
            pool = 0.0 if l == 0 else pools[l]
        for b in range(nb):
            m = sel & (bucket == b)
            if m.any():
                out[t, b * pc:(b + 1) * pc] = ref_pcts(np.log(sd[m]), pc)
            out[t, nb * pc + b] = np.log10(1 + m.sum()) / 5
        xt = dict(x, link_gbps=link / 1e9, pool_kb=pool / 1000.0)
        for j, f in enumerate(fields):
            v = xt[f["name"]]
            scaled = (v - f["lo"]) / (f["hi"] - f["lo"])
            # an inactive field is 0, not (0 - lo) / (hi - lo)
            if f["name"] in ("dctcp_k_kb", "dcqcn_kmin_kb", "dcqcn_kmax_kb", "hpcc_eta",
                             "hpcc_ai_mbps", "timely_tlow_us", "timely_thigh_us") \
                    and f["name"] not in active:
                scaled = 0.0
            out[t, nb * (pc + 1) + j] = scaled
    return out


def read_flows_file(path):
    """The m3_flows_write format, parsed here: N, then id src dst pg dport size start_s."""
    with open(path) as fh:
        lines = fh.read().split("\n")
    n = int(lines[0])
    rows = []
    for ln in lines[1:1 + n]:
        i, s, d, pg, dp, sz, st = ln.split()
        sec, _, frac = st.partition(".")
        ns = int(sec) * 10**9 + int((frac + "000000000")[:9])
        rows.append((int(i), int(s), int(d), int(pg), int(dp), int(sz), ns))
    return np.array(rows, dtype=np.int64).reshape(-1, 7)


class Layout(unittest.TestCase):
    def test_flow_dtype_is_the_ctypes_struct(self):
        self.assertEqual(m3core.FLOW_DTYPE.itemsize, ctypes.sizeof(m3core.M3Flow))
        self.assertEqual(ctypes.sizeof(m3core.M3Flow), 48)
        for name, _ in m3core.M3Flow._fields_:
            self.assertEqual(m3core.FLOW_DTYPE.fields[name][1],
                             getattr(m3core.M3Flow, name).offset, name)

    def test_config_struct_fits_and_defaults_are_config_c(self):
        rc, c = canary(m3core.M3Config, lambda s: m3core.lib().m3_config_default(ctypes.byref(s)))
        # model/core/config.c: m3_config_default
        want = {"cc": 0, "buffer_kb": 900, "window_bytes": 18000, "pfc": 1, "mtu": 1000,
                "dctcp_k_kb": 12, "dcqcn_kmin_kb": 14, "dcqcn_kmax_kb": 30, "hpcc_eta": 0.95,
                "hpcc_ai_mbps": 750, "timely_tlow_us": 50, "timely_thigh_us": 125,
                "base_rtt_us": 14.4, "nic_rate_gbps": 0, "seed": 1}
        self.assertEqual({k: getattr(c, k) for k in want}, want)
        d = m3core.config_default()
        self.assertEqual(d["cc"], "dctcp")
        self.assertEqual({k: d[k] for k in want if k != "cc"},
                         {k: v for k, v in want.items() if k != "cc"})

    def test_config_keys_are_the_struct_fields(self):
        self.assertEqual(m3core.config_keys(), [n for n, _ in m3core.M3Config._fields_])

    def test_line_struct_fits(self):
        L = m3core.lib()
        err = m3core.M3ErrorStruct()
        rc, c = canary(m3core.M3Line, lambda s: L.m3_line_preset(
            ctypes.byref(s), 7, 1e10, 4e10, 1234, 5e9, ctypes.byref(err)))
        self.assertEqual(rc, 0, err.msg)
        self.assertEqual((c.n, c.link_bps[0], c.link_bps[1], c.link_bps[5], c.link_bps[6]),
                         (7, 1e10, 4e10, 1e10, 0.0))
        self.assertEqual((c.delay_ns[0], c.delay_ns[5], c.delay_ns[6], c.cap_bps),
                         (1234, 1234, 0, 5e9))

    def test_workload_info_struct_fits(self):
        L = m3core.lib()
        f = m3core.M3Flows()
        err = m3core.M3ErrorStruct()
        try:
            rc, info = canary(m3core.M3PathWorkloadInfo, lambda s: L.m3_workload_path_m3_ex(
                5, 100, 3, ctypes.byref(f), ctypes.byref(s), ctypes.byref(err)))
        finally:
            L.m3_flows_free(ctypes.byref(f))
        self.assertEqual(rc, 0, err.msg)
        self.assertEqual(info.n, 5)
        self.assertLess(info.max_load_link, 4)
        self.assertTrue(0.2 <= info.max_load <= 0.8)

    def test_schema_struct_reads_consistently(self):
        s = m3core.feature_schema()
        self.assertEqual(s["version"], 2)
        self.assertEqual(s["in_bounds"], [250, 500, 750, 1000, 2000, 5000, 7500, 10000, 50000])
        self.assertEqual(s["out_bounds"], [1000, 10000, 50000])
        self.assertEqual(s["out_bounds"], m3core.default_buckets())
        self.assertEqual((s["in_buckets"], s["pcts"], s["out_buckets"]), (10, 100, 4))
        self.assertEqual(s["token_dim"], s["in_buckets"] * (s["pcts"] + 1) + len(s["fields"]))
        # doc/features.rst, schema v2 fields (m3's raw units)
        doc = [("n3", 0, 1), ("n5", 0, 1), ("n7", 0, 1), ("cc_dctcp", 0, 1), ("cc_hpcc", 0, 1),
               ("cc_dcqcn", 0, 1), ("cc_timely", 0, 1), ("pfc", 0, 1), ("window_kb", 0, 1),
               ("dctcp_k_kb", 0, 1), ("dcqcn_kmin_kb", 0, 1), ("dcqcn_kmax_kb", 0, 1),
               ("hpcc_eta", 0, 0.01), ("hpcc_ai_mbps", 0, 10),
               ("timely_tlow_us", 0, 1), ("timely_thigh_us", 0, 1),
               ("link_gbps", 0, 1), ("pool_kb", 0, 10)]
        self.assertEqual([(f["name"], f["lo"], f["hi"]) for f in s["fields"]], doc)
        self.assertEqual(json.loads(json.dumps(s)), s)


class Config(unittest.TestCase):
    def test_sample_is_deterministic_in_range_and_reads_back(self):
        ranges = {k: (lo, hi) for k, lo, hi in m3core.config_training_ranges()}
        owner = {"dctcp_k_kb": "dctcp", "dcqcn_kmin_kb": "dcqcn", "dcqcn_kmax_kb": "dcqcn",
                 "hpcc_eta": "hpcc", "hpcc_ai_mbps": "hpcc", "timely_tlow_us": "timely",
                 "timely_thigh_us": "timely"}
        default = m3core.config_default()
        ccs = set()
        for seed in range(60):
            c = m3core.config_sample(seed)
            self.assertEqual(c, m3core.config_sample(seed))
            self.assertEqual(m3core.config_check(c), c)  # dict -> C -> dict is exact
            self.assertEqual((c["seed"], c["nic_rate_gbps"]), (seed, 10.0))
            ccs.add(c["cc"])
            if c["cc"] == "dcqcn":
                self.assertEqual(c["pfc"], 1)
            for k, (lo, hi) in ranges.items():
                if k in ("cc", "pfc"):
                    continue
                if owner.get(k, c["cc"]) == c["cc"]:
                    self.assertTrue(lo <= c[k] <= hi, (seed, k, c[k]))
                else:
                    self.assertEqual(c[k], default[k], (seed, k))
        self.assertEqual(ccs, set(m3core.CC_NAMES))
        self.assertNotEqual(m3core.config_sample(1), m3core.config_sample(2))

    def test_set_and_errors(self):
        c = m3core.config_set(None, "hpcc_eta", 0.8)
        self.assertEqual(c["hpcc_eta"], 0.8)
        self.assertEqual(m3core.config_set(c, "cc", "TIMELY")["cc"], "timely")
        self.assertEqual(m3core.config_set(c, "buffer_kb", 0.1 + 0.2)["buffer_kb"], 0.1 + 0.2)
        with self.assertRaises(M3Error) as e:
            m3core.config_set(None, "buffer_kb", 0)
        self.assertIn("buffer_kb: 0 is out of range", str(e.exception))
        with self.assertRaises(M3Error) as e:
            m3core.config_set(None, "bufer_kb", 10)
        self.assertIn('did you mean "buffer_kb"', str(e.exception))
        with self.assertRaises(M3Error) as e:
            m3core.config_check({"dcqcn_kmin_kb": 50, "dcqcn_kmax_kb": 40})
        self.assertIn("must not exceed", str(e.exception))


class Workload(unittest.TestCase):
    def test_deterministic_by_seed(self):
        a, ia = m3core.workload_path_m3(5, 3000, 17)
        b, ib = m3core.workload_path_m3(5, 3000, 17)
        c, _ = m3core.workload_path_m3(5, 3000, 18)
        self.assertTrue(np.array_equal(a, b))
        self.assertEqual(ia, ib)
        self.assertFalse(np.array_equal(a, c))
        self.assertEqual(len(a), 3000)
        self.assertTrue(np.all(a["src"] < a["dst"]) and np.all(a["dst"] < 5))
        self.assertTrue(np.any((a["src"] == 0) & (a["dst"] == 4)))
        self.assertTrue(np.all(np.diff(a["start_ns"].astype(np.int64)) >= 0))
        self.assertIn(ia["size_kind"], m3core.SIZE_KINDS)

    def test_matches_m3_workload_tool(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "flows.txt")
            p = subprocess.run([tool("m3-workload"), "--path-m3", "--parking-lot", "7",
                                "--flows", "2500", "--seed", "23", "--out", out],
                               capture_output=True, text=True, check=True)
            ref = read_flows_file(out)
        f, info = m3core.workload_path_m3(7, 2500, 23)
        got = np.stack([f[k].astype(np.int64) for k in
                        ("id", "src", "dst", "pg", "dport", "size", "start_ns")], axis=1)
        self.assertEqual(got.shape, ref.shape)
        self.assertTrue(np.array_equal(got, ref))
        m = re.search(r"path-m3 n=(\d+) pairs=(\d+) p=(\S+) fg_share=(\S+) sizes=(\S+) "
                      r"mean=(\S+) shape=(\S+) burst_sigma=(\S+) load=(\S+) on line link (\d+)",
                      p.stdout)
        self.assertIsNotNone(m, p.stdout)
        mine = ("%u" % info["n"], "%u" % info["num_pairs"], "%g" % info["pair_p"],
                "%.4f" % info["fg_weight"], info["size_kind"], "%.1f" % info["size_mean"],
                "%.4f" % info["size_shape"], "%.4f" % info["burst_sigma"],
                "%.4f" % info["max_load"], "%u" % info["max_load_link"])
        self.assertEqual(mine, m.groups())

    def test_bad_input_raises(self):
        with self.assertRaises(M3Error):
            m3core.workload_path_m3(1, 100, 1)


class Lines(unittest.TestCase):
    def test_preset_and_parking_lot_agree(self):
        a = m3core.line_preset(5, 10e9, 40e9, 1000, 10e9)
        b = m3core.line_from_parking_lot(5, 10e9, 40e9, 40e9, 1000, 10e9)
        self.assertEqual(a.to_dict(), b.to_dict())
        self.assertEqual(a.link_bps.tolist(), [10e9, 40e9, 40e9, 10e9])
        self.assertEqual(a.delay_ns.tolist(), [1000] * 4)

    def test_pools_follow_m3_h(self):
        rtts = header_define("M3_PFC_HEADROOM_RTTS")
        extra = header_define("M3_PFC_HEADROOM_EXTRA_BYTES")
        reserve = header_define("M3_RESERVE_BYTES")
        for n, mid in ((5, 40e9), (7, 10e9), (3, 25e9)):
            edge, inner, delay, buf = 10e9, 40e9, 1000, 400e3
            pools = m3core.parking_lot_pools(n, edge, inner, mid, delay, buf)
            self.assertEqual(len(pools), n - 1)
            rates = [edge] + [inner] * (n - 3) + [edge]
            for p in range(1, n - 1):
                ports = [(rates[p - 1], delay), (rates[p], delay), (mid, 0)]
                want = buf - sum(rtts * r * d * 1e-9 / 8 + extra + reserve for r, d in ports)
                self.assertAlmostEqual(pools[p], want, delta=1.0, msg=(n, p))
            self.assertEqual(pools[0], 0.0)

    def test_alone_fct_is_ideal(self):
        line = m3core.line_preset(5)
        for src, dst, size in ((0, 4, 1), (0, 4, 999), (1, 3, 123456), (2, 3, 5000000),
                               (0, 1, 1000)):
            f = m3core.make_flows([src], [dst], [size], [777])
            fluid, fct, ideal = m3core.line_flowsim(line, f)
            self.assertAlmostEqual(fct[0] / ideal[0], 1.0, delta=1e-12, msg=(src, dst, size))
            self.assertEqual(ideal[0], m3core.line_ideal_ns(line, src, dst, size))
            # fluid: wire bits at the cap (10 Gbps = 10 bits/ns)
            bits = (size + -(-size // 1000) * 48) * 8
            self.assertAlmostEqual(fluid[0], bits / 10.0, delta=1e-9 * bits)

    def test_flowsim_matches_m3_flowsim_tool(self):
        with tempfile.TemporaryDirectory() as d:
            fpath, cpath = os.path.join(d, "flows.txt"), os.path.join(d, "fct.csv")
            subprocess.run([tool("m3-workload"), "--path-m3", "--parking-lot", "5", "--flows",
                            "3000", "--seed", "5", "--out", fpath], capture_output=True,
                           check=True)
            subprocess.run([tool("m3-flowsim"), "--flows", fpath, "--m3-line", "5",
                            "--out", cpath], capture_output=True, check=True)
            with open(cpath) as fh:
                head = fh.readline().strip().split(",")
                rows = np.loadtxt(fh, delimiter=",", ndmin=2)
        col = {k: i for i, k in enumerate(head)}
        f, _ = m3core.workload_path_m3(5, 3000, 5)
        fluid, fct, ideal = m3core.line_flowsim(m3core.line_preset(5), f)
        self.assertTrue(np.array_equal(rows[:, col["id"]].astype(np.int64),
                                       f["id"].astype(np.int64)))
        # the CSV has the ns to 3 decimals: half a ps of rounding
        np.testing.assert_allclose(fluid, rows[:, col["fluid_ns"]], rtol=1e-12, atol=5.1e-4)
        self.assertTrue(np.all(fct >= fluid) and np.all(ideal > 0))
        # real contention: some flows are slowed
        self.assertGreater(np.max(fct / ideal), 1.5)

    def test_errors_carry_the_core_message(self):
        bad = m3core.Line.from_arrays([10e9, 0.0], [1000, 1000], 10e9)
        with self.assertRaises(M3Error) as e:
            m3core.line_check(bad)
        msg = str(e.exception)
        self.assertTrue(msg and "1" in msg, msg)  # names the bad link
        with self.assertRaises(M3Error) as e2:
            m3core.line_flowsim(bad, m3core.make_flows([0], [2], [100], [0]))
        self.assertEqual(str(e2.exception), msg)
        with self.assertRaises(M3Error):
            m3core.line_preset(1)
        with self.assertRaises(M3Error):  # a position off the line
            m3core.line_flowsim(m3core.line_preset(3), m3core.make_flows([0], [5], [100], [0]))


class Features(unittest.TestCase):
    def test_bucket_percentiles(self):
        v = np.arange(1, 101, dtype=np.float64)
        rng = np.random.default_rng(1)
        perm = rng.permutation(v)
        keep = perm.copy()
        out, cnt = m3core.bucket_percentiles(np.full(100, 10), perm, [], 100)
        self.assertEqual(out.shape, (1, 100))
        self.assertTrue(np.array_equal(out[0], v))  # p_k = k
        self.assertTrue(np.array_equal(perm, keep))  # input not modified
        self.assertEqual(cnt.tolist(), [100])
        sizes = rng.integers(1, 100000, 500)
        vals = rng.uniform(1, 50, 500)
        out, cnt = m3core.bucket_percentiles(sizes, vals, [1000, 10000, 50000, 90000, 95000],
                                             37)
        b = np.searchsorted([1000, 10000, 50000, 90000, 95000], sizes, side="right")
        for k in range(6):
            self.assertEqual(cnt[k], np.sum(b == k))
            want = ref_pcts(vals[b == k], 37) if cnt[k] else np.zeros(37)
            self.assertTrue(np.array_equal(out[k], want), k)
        out, cnt = m3core.bucket_percentiles([5, 6], [1.0, 2.0], [1, 10, 20], 4)
        self.assertEqual(cnt.tolist(), [0, 2, 0, 0])
        self.assertEqual(out[1].tolist(), [1.0, 1.0, 2.0, 2.0])
        self.assertEqual(out[[0, 2, 3]].tolist(), [[0.0] * 4] * 3)
        with self.assertRaises(M3Error):
            m3core.bucket_percentiles([1, 2], [1.0, np.nan], [10], 10)

    def hand_case(self, n, link_bps, cfg, pools, flows_n, seed):
        rng = np.random.default_rng(seed)
        src = rng.integers(0, n - 1, flows_n)
        dst = np.array([rng.integers(s + 1, n) for s in src])
        src[: flows_n // 4], dst[: flows_n // 4] = 0, n - 1  # foreground
        # sizes over every input bucket, boundaries included
        sizes = rng.choice([1, 249, 250, 500, 999, 1000, 1999, 2000, 7499, 7500, 10000,
                            49999, 50000, 10**7], flows_n)
        f = m3core.make_flows(src, dst, sizes, np.arange(flows_n) * 100)
        sd = 1 + rng.exponential(2.0, flows_n)
        sd[::7] = 1.0
        line = m3core.Line.from_arrays(link_bps, [1000] * (n - 1), 10e9)
        got = m3core.path_features(line, f, sd, cfg, pools)
        want = ref_tokens(n, link_bps, f, sd, m3core.config_check(cfg), pools,
                          m3core.feature_schema())
        self.assertEqual(got.dtype, np.float32)
        self.assertEqual(got.shape, want.shape)
        np.testing.assert_allclose(got, want.astype(np.float32), rtol=1e-6, atol=1e-6)
        return got

    def test_path_features_match_the_documented_layout(self):
        seeds = {}
        for s in range(100):  # one sampled configuration per CC
            seeds.setdefault(m3core.config_sample(s)["cc"], s)
        pools = [0.0, 300e3, -20e3, 950e3, 123e3, 50e3]
        for i, (cc, s) in enumerate(sorted(seeds.items())):
            cfg = m3core.config_sample(s)
            self.hand_case(5, [10e9, 25e9, 40e9, 10e9], cfg, pools, 400, i)
        self.hand_case(3, [10e9, 40e9], None, pools, 50, 7)
        self.hand_case(4, [10e9, 40e9, 10e9], {"cc": "hpcc", "window_bytes": 0}, pools, 60, 8)
        got = self.hand_case(2, [10e9], {"pfc": 0}, [0.0], 30, 9)
        self.assertEqual(got.shape[0], 2)
        tok = self.hand_case(7, [10e9, 40e9, 40e9, 40e9, 40e9, 10e9], None, pools, 3, 10)
        self.assertTrue(np.all(tok[:, :1000][tok[:, :1000] != 0] >= 0))

    def test_path_features_on_a_workload(self):
        f, _ = m3core.workload_path_m3(7, 4000, 3)
        line, pools = m3core.parking_lot(7, 10e9, 40e9, 40e9, 1000, 10e9, 500e3)
        _, fct, ideal = m3core.line_flowsim(line, f)
        sd = m3core.slowdown(fct, ideal)
        x = m3core.path_features(line, f, sd, m3core.config_sample(4), pools)
        sch = m3core.feature_schema()
        self.assertEqual(x.shape, (7, sch["token_dim"]))
        counts = np.round(10 ** (5 * x[:, 1000:1010].astype(np.float64)) - 1).sum(axis=1)
        fg = (f["src"] == 0) & (f["dst"] == 6)
        self.assertEqual(counts[0], fg.sum())
        for l in range(6):
            self.assertEqual(counts[l + 1], np.sum(~fg & (f["src"] <= l) & (l < f["dst"])))

    def test_path_features_errors(self):
        line = m3core.line_preset(3)
        f = m3core.make_flows([2, 0], [0, 2], [100, 100], [0, 0])
        with self.assertRaises(M3Error) as e:
            m3core.path_features(line, f, [1.0, 1.0], None, [0.0, 0.0])
        self.assertIn("runs from position 2 to 0", str(e.exception))
        f = m3core.make_flows([0], [2], [100], [0])
        with self.assertRaises(M3Error) as e:
            m3core.path_features(line, f, [0.5], None, [0.0, 0.0])
        self.assertIn("slowdown", str(e.exception))
        with self.assertRaises(ValueError):
            m3core.path_features(line, f, [1.0, 1.0], None, [0.0, 0.0])
        with self.assertRaises(ValueError):
            m3core.path_features(line, f, [1.0], None, [0.0])


def fake_sample(n, wseed, cseed, num_flows, rng, unfinished=0):
    flows, info = m3core.workload_path_m3(n, num_flows, wseed)
    cfg = m3core.config_sample(cseed)
    cfg["nic_rate_gbps"] = 10.0
    counts = [int(rng.integers(0, 50)) for _ in range(4)]
    counts[2] = 0
    pcts = [sorted(rng.uniform(1, 20, 100).round(3).tolist()) if c else [0.0] * 100
            for c in counts]
    w = {k: info[k] for k in ("num_pairs", "pair_p", "fg_weight", "size_kind", "size_mean",
                              "size_shape", "burst_sigma", "max_load")}
    return {"format": "m3-path-sample/1", "n": n, "workload_seed": wseed, "config_seed": cseed,
            "num_flows": num_flows,
            "line": {"edge_bps": 1e10, "inner_bps": 4e10, "mid_host_bps": 4e10,
                     "delay_ns": 1000, "cap_bps": 1e10},
            "config": cfg, "workload": w,
            "packet": {"wall_s": 1.0, "stop_reason": "all flows finished",
                       "unfinished": unfinished, "pfc_pauses": 0, "drops": 0, "sim_ms": 3.0},
            "target": {"counts": counts, "pcts": pcts}}


class Dataset(unittest.TestCase):
    def test_build_dataset(self):
        import build_dataset
        rng = np.random.default_rng(3)
        good = [fake_sample(5, 17, 42, 1500, rng), fake_sample(3, 9, 7, 1000, rng),
                fake_sample(7, 9, 8, 1200, rng)]
        too_unfinished = fake_sample(3, 1, 1, 1000, rng, unfinished=11)
        wrong_draw = fake_sample(5, 2, 2, 1000, rng)
        wrong_draw["workload"]["max_load"] += 0.01
        with tempfile.TemporaryDirectory() as d:
            a, b = os.path.join(d, "a.jsonl"), os.path.join(d, "b.jsonl")
            with open(a, "w") as fh:
                fh.write(json.dumps(good[0]) + "\n")
                fh.write("{not json\n")
                fh.write(json.dumps(too_unfinished) + "\n")
                fh.write(json.dumps(good[1]) + "\n")
            with open(b, "w") as fh:
                fh.write(json.dumps(good[2]) + "\n\n")
                fh.write(json.dumps(good[1]) + "\n")  # duplicate key
                fh.write(json.dumps(wrong_draw) + "\n")
            out = os.path.join(d, "ds.npz")
            p = subprocess.run([sys.executable, os.path.join(ROOT, "gen", "build_dataset.py"),
                                "--out", out, os.path.join(d, "*.jsonl"), "-j", "2"],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            for why in ("a.jsonl:2: not JSON", "a.jsonl:3: 11 of 1000 flows unfinished",
                        "b.jsonl:3: duplicate of", "b.jsonl:4: workload.max_load"):
                self.assertIn(why, p.stderr)
            self.assertIn("3 samples, 4 skipped", p.stdout)
            self.assertEqual(sorted(os.listdir(d)), ["a.jsonl", "b.jsonl", "ds.npz"])
            ds = dict(np.load(out, allow_pickle=False))
            # the same data in another order, one process: the same file content
            out2 = os.path.join(d, "ds2.npz")
            n2, sk2 = build_dataset.build([b, a], out2, jobs=1, progress=False)
            ds2 = dict(np.load(out2, allow_pickle=False))
            # gen/data/ keeps xz-compressed shards: they give the same dataset
            for src in (a, b):
                with open(src, "rb") as f, lzma.open(src + ".xz", "wb") as g:
                    g.write(f.read())
            out3 = os.path.join(d, "ds3.npz")
            build_dataset.build([a + ".xz", b + ".xz"], out3, jobs=1, progress=False)
            ds3 = dict(np.load(out3, allow_pickle=False))
        for k in ds:
            self.assertTrue(np.array_equal(ds[k], ds3[k]), k)
        self.assertEqual(n2, 3)
        self.assertEqual(len(sk2), 4)
        self.assertEqual(sorted(ds), sorted(ds2))
        for k in ds:
            self.assertTrue(np.array_equal(ds[k], ds2[k]), k)
        sch = m3core.feature_schema()
        D = sch["token_dim"]
        want_shapes = {"fg": (3, D), "links": (3, 6, D), "link_mask": (3, 6),
                       "target": (3, 4, 100), "target_count": (3, 4), "flowsim": (3, 4, 100),
                       "flowsim_count": (3, 4), "n": (3,), "cc": (3,), "workload_seed": (3,),
                       "config_seed": (3,)}
        for k, shp in want_shapes.items():
            self.assertEqual(ds[k].shape, shp, k)
        self.assertEqual(ds["fg"].dtype, np.float32)
        self.assertEqual(ds["link_mask"].dtype, bool)
        self.assertEqual(ds["n"].dtype, np.int8)
        self.assertEqual(ds["target_count"].dtype, np.int32)
        self.assertEqual(ds["cfg_values"].shape, (3, len(ds["cfg_keys"])))
        self.assertEqual(json.loads(str(ds["schema_json"])), sch)
        order = sorted(good, key=lambda s: (s["n"], s["workload_seed"], s["config_seed"]))
        self.assertEqual(ds["n"].tolist(), [3, 5, 7])
        h = hashlib.sha256()
        for text in sorted(json.dumps(s) for s in good):
            h.update(text.encode() + b"\n")
        self.assertEqual(str(ds["samples_sha256"]), h.hexdigest())
        keys = [str(k) for k in ds["cfg_keys"]]
        for i, s in enumerate(order):
            n = s["n"]
            self.assertEqual(ds["link_mask"][i].tolist(), [True] * (n - 1) + [False] * (7 - n))
            self.assertEqual(ds["cc"][i], m3core.CC_NAMES.index(s["config"]["cc"]))
            self.assertEqual((ds["workload_seed"][i], ds["config_seed"][i]),
                             (s["workload_seed"], s["config_seed"]))
            self.assertTrue(np.array_equal(ds["target"][i],
                                           np.array(s["target"]["pcts"], np.float32)))
            self.assertEqual(ds["target_count"][i].tolist(), s["target"]["counts"])
            self.assertEqual(ds["cfg_values"][i, keys.index("buffer_kb")],
                             s["config"]["buffer_kb"])
            self.assertEqual(ds["cfg_values"][i, keys.index("load")], s["workload"]["max_load"])
            # the tokens are exactly what the core computes for the sample
            flows, _ = m3core.workload_path_m3(n, s["num_flows"], s["workload_seed"])
            line, pools = m3core.parking_lot(n, 1e10, 4e10, 4e10, 1000, 1e10,
                                             round(s["config"]["buffer_kb"] * 1000))
            _, fct, ideal = m3core.line_flowsim(line, flows)
            sd = m3core.slowdown(fct, ideal)
            tok = m3core.path_features(line, flows, sd, s["config"], pools)
            self.assertTrue(np.array_equal(ds["fg"][i], tok[0]))
            self.assertTrue(np.array_equal(ds["links"][i, :n - 1], tok[1:]))
            self.assertFalse(np.any(ds["links"][i, n - 1:]))
            fg = (flows["src"] == 0) & (flows["dst"] == n - 1)
            b = np.searchsorted(sch["out_bounds"], flows["size"][fg], side="right")
            for k in range(4):
                self.assertEqual(ds["flowsim_count"][i, k], np.sum(b == k))
                if np.any(b == k):
                    np.testing.assert_array_equal(
                        ds["flowsim"][i, k], ref_pcts(sd[fg][b == k]).astype(np.float32))


if __name__ == "__main__":
    unittest.main(verbosity=2)

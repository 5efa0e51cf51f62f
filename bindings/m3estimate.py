# SPDX-License-Identifier: GPL-2.0-only
"""m3estimate - the estimators of the C core from Python: a scenario (topology
+ flows + configuration, m3_scenario), flowSim mode (m3_estimate_flowsim) and
m3 mode (m3_estimate_m3 with a checkpoint loaded by the inference shim), each
returning the core's one result type (m3_result) as a dict.

Design: as m3core.py, nothing is re-implemented: the scenario is an
m3_scenario whose topology, routing and flows the core builds and owns; the
result is the m3_result the core fills, mirrored field for field by a ctypes
structure and turned into plain Python. m3 mode needs a model: the libtorch
part of the inference shim (libm3infer-torch.so, CMake target m3infer_torch,
found through $M3_INFER_PLUGIN or build/) exports m3_model_load and
m3_model_predictor; the predictor it fills is handed to libm3core.so's
m3_estimate_m3 unchanged, so Python runs the very pipeline the ns-3 estimator
runs. Loading the shim loads libtorch (about 0.6 s, once per process).

Cost: the C calls' own; results copy the per-flow arrays once into numpy.

    import m3estimate as me
    s = me.Scenario("fat-tree=2,16,8,1", config={"cc": "dctcp"})
    s.generate("webserver", load=0.5, num_flows=100000, seed=1)
    print(s.estimate_flowsim()["overall"], s.estimate_m3()["overall"])
"""
import ctypes
import os
from ctypes import (POINTER, Structure, c_char, c_char_p, c_double, c_int, c_size_t,
                    c_uint32, c_uint64, c_void_p)

import numpy as np

import m3core
from m3core import M3Config, M3Error, M3ErrorStruct, M3Flows, _fail

__all__ = ["Scenario", "Model", "plugin_path", "RESULT_PCTS"]

RESULT_PCTS = 100
_MAX_BUCKETS = 16
_MAX_WARNINGS = 32
_WARNING_LEN = 200
# m3 mode's stages, m3.h's m3_m3_stage in order
STAGE_NAMES = ("index", "sample", "flowsim", "features", "inference", "aggregate")
STAGES = len(STAGE_NAMES)


class _BucketStats(Structure):
    _fields_ = [("lo", c_uint64), ("hi", c_uint64), ("n", c_size_t), ("p50", c_double),
                ("p90", c_double), ("p99", c_double)]


class _Summary(Structure):
    _fields_ = [("overall", _BucketStats), ("buckets", _BucketStats * _MAX_BUCKETS),
                ("num_buckets", c_int)]


class _Result(Structure):
    _fields_ = [("mode", c_char * 16), ("summary", _Summary), ("pct", c_double * RESULT_PCTS),
                ("has_ci", c_int), ("ci_level", c_double), ("ci_lo", _Summary),
                ("ci_hi", _Summary), ("num_flows", c_size_t), ("fct_ns", POINTER(c_double)),
                ("ideal_ns", POINTER(c_double)), ("fluid_ns", POINTER(c_double)),
                ("unfinished", c_size_t), ("wall_s", c_double), ("stop_reason", c_char * 48),
                ("sim_s", c_double), ("data_packets", c_uint64), ("pfc_pauses", c_uint64),
                ("drops", c_uint64), ("timeouts", c_uint64), ("paths_sampled", c_uint32),
                ("paths_distinct", c_uint32), ("stage_s", c_double * STAGES),
                ("stage_peak_mb", c_double * STAGES), ("stage_peaks", c_int),
                ("num_warnings", c_int),
                ("warnings", (c_char * _WARNING_LEN) * _MAX_WARNINGS)]


class _Scenario(Structure):
    _fields_ = [("topo", c_void_p), ("flows", M3Flows), ("config", M3Config)]


class _WorkloadSpec(Structure):
    _fields_ = [("sizes", c_void_p), ("arrival", c_int), ("burst_sigma", c_double),
                ("tm", c_int), ("matrix", POINTER(c_double)), ("racks", c_uint32),
                ("rack_of", POINTER(c_uint32)), ("hotspot", c_uint32),
                ("incast_fraction", c_double), ("load", c_double), ("num_flows", c_size_t),
                ("seed", c_uint64)]


class _Range(Structure):
    _fields_ = [("name", c_char * 32), ("lo", c_double), ("hi", c_double)]


class _Predictor(Structure):
    _fields_ = [("ctx", c_void_p), ("max_links", c_int), ("predict", c_void_p),
                ("cfg_ranges", POINTER(_Range)), ("num_cfg_ranges", c_int),
                ("field_ranges", POINTER(_Range)), ("num_field_ranges", c_int)]


class _M3Opts(Structure):
    _fields_ = [("path_samples", c_uint32), ("seed", c_uint64), ("threads", c_int),
                ("bootstrap", c_uint32), ("ci_level", c_double), ("batch", c_int),
                ("stage_peaks", c_int)]


_E = POINTER(M3ErrorStruct)
_PROTOS = {
    "m3_topology_read": (c_void_p, [c_char_p, _E]),
    "m3_topology_fat_tree_m3": (c_void_p, [c_uint32, c_uint32, c_uint32, c_uint32, c_double,
                                           c_double, c_uint64, _E]),
    "m3_topology_fat_tree_k": (c_void_p, [c_uint32, c_double, c_double, c_uint64, _E]),
    "m3_topology_num_hosts": (c_uint32, [c_void_p]),
    "m3_flows_read": (c_int, [c_char_p, c_void_p, POINTER(M3Flows), _E]),
    "m3_size_dist_builtin": (c_void_p, [c_char_p, _E]),
    "m3_size_dist_free": (None, [c_void_p]),
    "m3_workload_generate": (c_int, [c_void_p, c_void_p, POINTER(_WorkloadSpec),
                                     POINTER(M3Flows), _E]),
    "m3_result_init": (None, [POINTER(_Result), c_char_p]),
    "m3_result_free": (None, [POINTER(_Result)]),
    "m3_estimate_flowsim": (c_int, [POINTER(_Scenario), c_void_p, POINTER(_Result), _E]),
    "m3_m3_opts_default": (None, [POINTER(_M3Opts)]),
    "m3_estimate_m3": (c_int, [POINTER(_Scenario), c_void_p, POINTER(_Predictor),
                               POINTER(_M3Opts), POINTER(_Result), _E]),
}
_ready = False


def _core():
    global _ready
    L = m3core.lib()
    if not _ready:
        for name, (res, args) in _PROTOS.items():
            fn = getattr(L, name)
            fn.restype, fn.argtypes = res, args
        _ready = True
    return L


def plugin_path():
    """The inference shim's libtorch part: $M3_INFER_PLUGIN, else
    build/libm3infer-torch.so under the repository root."""
    env = os.environ.get("M3_INFER_PLUGIN")
    if env:
        return env
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.path.join(root, "build", "libm3infer-torch.so")


_plugin = None


def _shim():
    global _plugin
    if _plugin is None:
        path = plugin_path()
        if not os.path.exists(path):
            raise M3Error("%s: no such file; build the inference shim (cmake --build build "
                          "--target m3infer_torch, needs libtorch-dev) or set M3_INFER_PLUGIN"
                          % path)
        so = ctypes.CDLL(path)
        so.m3_model_load.restype, so.m3_model_load.argtypes = c_void_p, [c_char_p, c_int, _E]
        so.m3_model_free.restype, so.m3_model_free.argtypes = None, [c_void_p]
        so.m3_model_predictor.restype = None
        so.m3_model_predictor.argtypes = [c_void_p, POINTER(_Predictor)]
        _plugin = so
    return _plugin


def _default_model():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.path.join(root, "ckpts", "m3-medium.pt")


class Model:
    """A checkpoint loaded through the inference shim (m3_model_load)."""

    def __init__(self, path=None, threads=1):
        self.path = path or _default_model()
        err = M3ErrorStruct()
        self._m = _shim().m3_model_load(self.path.encode(), threads, ctypes.byref(err))
        if not self._m:
            _fail(err)
        self._pred = _Predictor()
        _shim().m3_model_predictor(self._m, ctypes.byref(self._pred))

    def close(self):
        if self._m:
            _shim().m3_model_free(self._m)
            self._m = None

    def __del__(self):
        self.close()


def _stats(b):
    return {"lo": b.lo, "hi": None if b.hi == 2**64 - 1 else b.hi, "n": b.n, "p50": b.p50,
            "p90": b.p90, "p99": b.p99}


def _result_dict(r, num_flows):
    nb = r.summary.num_buckets
    d = {"mode": r.mode.decode(), "overall": _stats(r.summary.overall),
         "buckets": [_stats(r.summary.buckets[b]) for b in range(nb)],
         "pct": list(r.pct), "wall_s": r.wall_s, "num_flows": r.num_flows,
         "unfinished": r.unfinished,
         "warnings": [r.warnings[i].value.decode("utf-8", "replace")
                      for i in range(min(r.num_warnings, _MAX_WARNINGS))],
         "num_warnings": r.num_warnings}
    if r.has_ci:
        d["ci_level"] = r.ci_level
        d["ci_lo"] = {"overall": _stats(r.ci_lo.overall),
                      "buckets": [_stats(r.ci_lo.buckets[b]) for b in range(nb)]}
        d["ci_hi"] = {"overall": _stats(r.ci_hi.overall),
                      "buckets": [_stats(r.ci_hi.buckets[b]) for b in range(nb)]}
    if r.paths_sampled:
        d["paths_sampled"], d["paths_distinct"] = r.paths_sampled, r.paths_distinct
        d["stage_s"] = dict(zip(STAGE_NAMES, list(r.stage_s)))
    for k in ("fct_ns", "ideal_ns", "fluid_ns"):
        p = getattr(r, k)
        if p and num_flows:
            d[k] = np.ctypeslib.as_array(p, shape=(num_flows,)).copy()
    return d


class Scenario:
    """One m3_scenario with its routing. `topology`: "fat-tree=P,R,H,O"
    (m3's fat-tree, 10/40 Gbps, 1 us), "k-ary=K", or a topology file.
    `config`: a dict of configuration keys (m3core.config_set rules)."""

    def __init__(self, topology, config=None):
        L = _core()
        err = M3ErrorStruct()
        self._s = _Scenario()
        self._routing = None
        self._flows_owned = False
        if topology.startswith("fat-tree="):
            p, r, h, o = (int(x) for x in topology[len("fat-tree="):].split(","))
            topo = L.m3_topology_fat_tree_m3(p, r, h, o, 10e9, 40e9, 1000, ctypes.byref(err))
        elif topology.startswith("k-ary="):
            topo = L.m3_topology_fat_tree_k(int(topology[len("k-ary="):]), 10e9, 40e9, 1000,
                                            ctypes.byref(err))
        else:
            topo = L.m3_topology_read(topology.encode(), ctypes.byref(err))
        if not topo:
            _fail(err)
        self._s.topo = topo
        self._s.config = m3core._config_struct(config)
        self._routing = L.m3_routing_new(topo, ctypes.byref(err))
        if not self._routing:
            self.close()
            _fail(err)

    def close(self):
        L = _core()
        if self._routing:
            L.m3_routing_free(self._routing)
            self._routing = None
        self._drop_flows()
        if self._s.topo:
            L.m3_topology_free(self._s.topo)
            self._s.topo = None

    def __del__(self):
        self.close()

    def _drop_flows(self):
        if self._flows_owned:
            m3core.lib().m3_flows_free(ctypes.byref(self._s.flows))
        self._s.flows = M3Flows()
        self._flows_owned = False

    @property
    def num_flows(self):
        return self._s.flows.n

    @property
    def num_hosts(self):
        return _core().m3_topology_num_hosts(self._s.topo)

    def read_flows(self, path):
        """Flows from a file (m3_flows_read: hosts checked against the topology)."""
        self._drop_flows()
        err = M3ErrorStruct()
        if _core().m3_flows_read(path.encode(), self._s.topo, ctypes.byref(self._s.flows),
                                 ctypes.byref(err)):
            self._drop_flows()
            _fail(err)
        self._flows_owned = True

    def generate(self, sizes="webserver", load=0.5, num_flows=10000, seed=1, burst_sigma=0.0):
        """A workload with uniform traffic (m3_workload_generate): a built-in
        size distribution, the busiest link at `load`, log-normal bursts
        when burst_sigma > 0."""
        L = _core()
        self._drop_flows()
        err = M3ErrorStruct()
        dist = L.m3_size_dist_builtin(sizes.encode(), ctypes.byref(err))
        if not dist:
            _fail(err)
        try:
            w = _WorkloadSpec(sizes=dist, arrival=1 if burst_sigma > 0 else 0,
                              burst_sigma=burst_sigma, tm=0, load=load, num_flows=num_flows,
                              seed=seed)
            self._flows_owned = True
            if L.m3_workload_generate(self._s.topo, self._routing, ctypes.byref(w),
                                      ctypes.byref(self._s.flows), ctypes.byref(err)):
                self._drop_flows()
                _fail(err)
        finally:
            L.m3_size_dist_free(dist)

    def estimate_flowsim(self):
        """flowSim mode: a result dict with per-flow fct_ns, ideal_ns, fluid_ns."""
        return self._run(lambda L, r, e: L.m3_estimate_flowsim(
            ctypes.byref(self._s), self._routing, r, e), "flowsim")

    def estimate_m3(self, model=None, path_samples=500, seed=1, threads=0, bootstrap=200,
                    ci_level=0.95):
        """m3 mode with a Model (or a checkpoint path; default the shipped
        ckpts/m3-medium.pt): a result dict with ci_lo/ci_hi and warnings."""
        m = model if isinstance(model, Model) else Model(model)
        o = _M3Opts()
        _core().m3_m3_opts_default(ctypes.byref(o))
        o.path_samples, o.seed, o.threads = path_samples, seed, threads
        o.bootstrap, o.ci_level = bootstrap, ci_level
        return self._run(lambda L, r, e: L.m3_estimate_m3(
            ctypes.byref(self._s), self._routing, ctypes.byref(m._pred), ctypes.byref(o), r, e),
            "m3")

    def _run(self, call, mode):
        if not self._s.flows.n:
            raise M3Error("%s: the scenario has no flows (read_flows or generate first)" % mode)
        L = _core()
        r = _Result()
        L.m3_result_init(ctypes.byref(r), mode.encode())
        err = M3ErrorStruct()
        try:
            if call(L, ctypes.byref(r), ctypes.byref(err)):
                _fail(err)
            return _result_dict(r, self._s.flows.n)
        finally:
            L.m3_result_free(ctypes.byref(r))

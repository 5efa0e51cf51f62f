# SPDX-License-Identifier: GPL-2.0-only
"""m3core - Python access to the m3-ns3 C core (model/core/m3.h) through ctypes.

Design: training must compute its inputs with the very code that inference
runs, so nothing here re-implements the core: every function is a thin
wrapper over one or a few C calls in libm3core.so (the shared build of the
core, CMake target m3core_shared). The ctypes structures mirror m3.h field
for field (same order, same C types: uint64_t -> c_uint64, enums -> c_int),
and flows cross the boundary as a numpy structured array whose dtype has the
exact layout of m3_flow (FLOW_DTYPE), so a flow array is handed to C as a
pointer, without copying. Outputs come back as numpy arrays. Every C call
that fails (-1) raises M3Error with the core's message; every C object
(flows the core allocated, topologies, routings) is freed in a finally
block, so nothing leaks when a call raises.

Cost: the wrappers add O(1) Python work per call plus, where the core
allocates (workload_path_m3), one copy of its flows into numpy (48 bytes a
flow); everything else is the C core's own cost. Loading the library is
lazy (first call) and happens once per process.

The library is found via the environment variable M3CORE_LIB, else at
build/libm3core.so under the repository root (the parent of bindings/).
Build it with `cmake -S . -B build && cmake --build build --target
m3core_shared`. Needs numpy; Debian's python3 with python3-numpy is enough.
"""
import ctypes
import os
from ctypes import (POINTER, Structure, c_char, c_char_p, c_double, c_float, c_int,
                    c_size_t, c_uint32, c_uint64, c_void_p)

import numpy as np

__all__ = [
    "M3Error", "FLOW_DTYPE", "MTU_DEFAULT", "HEADER_BYTES", "MAX_PATH_LINKS", "CC_NAMES",
    "SIZE_KINDS", "Line", "library_path", "make_flows", "workload_path_m3", "config_keys",
    "config_default", "config_sample", "config_set", "config_check", "config_training_ranges",
    "line_preset", "line_from_parking_lot", "parking_lot", "parking_lot_pools", "line_check",
    "line_ideal_ns", "line_flowsim", "slowdown", "bucket_percentiles", "default_buckets",
    "feature_schema", "path_features",
]

# Constants of m3.h (checked against the library's behaviour by the tests).
MTU_DEFAULT = 1000
HEADER_BYTES = 48
MAX_PATH_LINKS = 64
CC_NAMES = ("dctcp", "hpcc", "dcqcn", "timely")               # m3_cc order
SIZE_KINDS = ("cdf", "exp", "gaussian", "lognormal", "pareto")  # m3_size_kind order


class M3Error(Exception):
    """A failed C call; str(e) is the core's m3_error message."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------- structures

class M3ErrorStruct(Structure):
    _fields_ = [("msg", c_char * 512)]


class M3Flow(Structure):
    _fields_ = [("id", c_uint64), ("src", c_uint32), ("dst", c_uint32), ("pg", c_uint32),
                ("sport", c_uint32), ("dport", c_uint32), ("size", c_uint64),
                ("start_ns", c_uint64)]


class M3Flows(Structure):
    _fields_ = [("v", POINTER(M3Flow)), ("n", c_size_t), ("cap", c_size_t)]


class M3Config(Structure):
    _fields_ = [("cc", c_int), ("buffer_kb", c_double), ("window_bytes", c_double),
                ("pfc", c_int), ("mtu", c_uint32), ("dctcp_k_kb", c_double),
                ("dcqcn_kmin_kb", c_double), ("dcqcn_kmax_kb", c_double),
                ("hpcc_eta", c_double), ("hpcc_ai_mbps", c_double),
                ("timely_tlow_us", c_double), ("timely_thigh_us", c_double),
                ("base_rtt_us", c_double), ("nic_rate_gbps", c_double), ("seed", c_uint64)]


class M3ConfigRange(Structure):
    _fields_ = [("key", c_char_p), ("lo", c_double), ("hi", c_double)]


class M3Line(Structure):
    _fields_ = [("n", c_uint32), ("link_bps", c_double * 64), ("delay_ns", c_uint64 * 64),
                ("cap_bps", c_double)]


class M3FeatureField(Structure):
    _fields_ = [("name", c_char_p), ("lo", c_double), ("hi", c_double)]


class M3FeatureSchema(Structure):
    _fields_ = [("version", c_int), ("in_buckets", c_int), ("in_bounds", POINTER(c_uint64)),
                ("pcts", c_int), ("out_buckets", c_int), ("out_bounds", POINTER(c_uint64)),
                ("num_fields", c_int), ("fields", POINTER(M3FeatureField)),
                ("token_dim", c_int)]


class M3PathWorkloadInfo(Structure):
    _fields_ = [("n", c_uint32), ("num_pairs", c_uint32), ("pair_p", c_double),
                ("fg_weight", c_double), ("size_kind", c_int), ("size_mean", c_double),
                ("size_shape", c_double), ("burst_sigma", c_double), ("max_load", c_double),
                ("max_load_link", c_uint32)]


class M3PathRecipe(Structure):
    _fields_ = [("burst_lo", c_double), ("burst_hi", c_double), ("poisson_share", c_double)]


# m3's own recipe (m3_path_recipe_default)
RECIPE_M3 = {"burst_lo": 1.0, "burst_hi": 2.0, "poisson_share": 0.0}


# m3_flow as a numpy dtype: same fields, same offsets (align=True applies the
# C alignment rules), so an array of it is an m3_flow[] in memory.
FLOW_DTYPE = np.dtype([("id", np.uint64), ("src", np.uint32), ("dst", np.uint32),
                       ("pg", np.uint32), ("sport", np.uint32), ("dport", np.uint32),
                       ("size", np.uint64), ("start_ns", np.uint64)], align=True)

# ---------------------------------------------------------------- the library

_E = POINTER(M3ErrorStruct)
_PD = POINTER(c_double)
_PU64 = POINTER(c_uint64)
_PROTOS = {
    "m3_flows_free": (None, [POINTER(M3Flows)]),
    "m3_workload_path_recipe": (c_int, [c_uint32, c_size_t, c_uint64, POINTER(M3PathRecipe),
                                        POINTER(M3Flows), POINTER(M3PathWorkloadInfo), _E]),
    "m3_config_default": (None, [POINTER(M3Config)]),
    "m3_cc_name": (c_char_p, [c_int]),
    "m3_config_set": (c_int, [POINTER(M3Config), c_char_p, c_char_p, c_char_p, _E]),
    "m3_config_validate": (c_int, [POINTER(M3Config), _E]),
    "m3_config_keys": (POINTER(c_char_p), []),
    "m3_config_training_ranges": (POINTER(M3ConfigRange), []),
    "m3_config_sample": (c_int, [c_uint64, POINTER(M3Config), _E]),
    "m3_topology_parking_lot_hosts": (c_void_p, [c_uint32, c_double, c_double, c_double,
                                                 c_uint32, c_uint64, _E]),
    "m3_topology_free": (None, [c_void_p]),
    "m3_parking_lot_position_node": (c_uint32, [c_uint32, c_uint32]),
    "m3_routing_new": (c_void_p, [c_void_p, _E]),
    "m3_routing_free": (None, [c_void_p]),
    "m3_routing_path": (c_int, [c_void_p, POINTER(M3Flow), POINTER(c_uint32), c_int, _E]),
    "m3_line_check": (c_int, [POINTER(M3Line), _E]),
    "m3_line_preset": (c_int, [POINTER(M3Line), c_uint32, c_double, c_double, c_uint64,
                               c_double, _E]),
    "m3_line_from_path": (c_int, [POINTER(M3Line), c_void_p, POINTER(c_uint32), c_int,
                                  c_double, _E]),
    "m3_line_ideal_ns": (c_double, [POINTER(M3Line), c_uint32, c_uint32, c_uint64, c_uint32,
                                    c_uint32]),
    "m3_line_flowsim": (c_int, [POINTER(M3Line), POINTER(M3Flows), c_uint32, c_uint32, _PD,
                                _PD, _PD, _E]),
    "m3_switch_pool_bytes": (c_double, [c_void_p, c_uint32, c_double]),
    "m3_feature_schema_get": (POINTER(M3FeatureSchema), []),
    "m3_bucket_percentiles": (c_int, [_PU64, _PD, c_size_t, _PU64, c_int, c_int, _PD,
                                      POINTER(c_size_t), _E]),
    "m3_path_features": (c_int, [POINTER(M3Line), POINTER(M3Flows), _PD, POINTER(M3Config),
                                 _PD, POINTER(c_float), _E]),
    "m3_default_buckets": (c_int, [_PU64]),
}

_lib = None


def library_path():
    """Where the shared core is looked for: $M3CORE_LIB, else build/libm3core.so."""
    env = os.environ.get("M3CORE_LIB")
    if env:
        return env
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.path.join(root, "build", "libm3core.so")


def lib():
    """The loaded libm3core.so with its prototypes set (loaded on first use)."""
    global _lib
    if _lib is None:
        path = library_path()
        if not os.path.exists(path):
            raise M3Error("%s: no such file; build the shared core with `cmake -S . -B build "
                          "&& cmake --build build --target m3core_shared` in the repository, "
                          "or point M3CORE_LIB at a libm3core.so" % path)
        try:
            so = ctypes.CDLL(path)
        except OSError as e:
            raise M3Error("%s: cannot load: %s" % (path, e))
        for name, (res, args) in _PROTOS.items():
            try:
                fn = getattr(so, name)
            except AttributeError:
                raise M3Error("%s: lacks %s (a core older than bindings/m3core.py: rebuild "
                              "it)" % (path, name))
            fn.restype = res
            fn.argtypes = args
        _lib = so
    return _lib


def _fail(err):
    raise M3Error(err.msg.decode("utf-8", "replace"))


def _ptr(a, ctype):
    return a.ctypes.data_as(POINTER(ctype))


# ---------------------------------------------------------------- flows

def make_flows(src, dst, size, start_ns, id=None, pg=3, dport=100):
    """A flow array (FLOW_DTYPE) from per-flow sequences; ids 0..N-1 unless given."""
    src = np.asarray(src)
    n = len(src)
    f = np.zeros(n, dtype=FLOW_DTYPE)
    f["id"] = np.arange(n) if id is None else id
    f["src"], f["dst"], f["size"], f["start_ns"] = src, dst, size, start_ns
    f["pg"], f["dport"] = pg, dport
    return f


def _as_flows(flows):
    """A contiguous FLOW_DTYPE array from a flow array or a dict of arrays."""
    if isinstance(flows, np.ndarray) and flows.dtype == FLOW_DTYPE:
        return np.ascontiguousarray(flows)
    if isinstance(flows, (dict, np.ndarray)):
        get = flows.__getitem__
        names = flows.keys() if isinstance(flows, dict) else flows.dtype.names
        f = make_flows(get("src"), get("dst"), get("size"), get("start_ns"),
                       id=get("id") if "id" in names else None)
        for k in ("pg", "sport", "dport"):
            if k in names:
                f[k] = get(k)
        return f
    raise TypeError("flows: expected a FLOW_DTYPE array or a dict of arrays, got %s"
                    % type(flows).__name__)


def _flows_view(f):
    """An m3_flows over the numpy array's memory (no copy; never m3_flows_free it)."""
    return M3Flows(ctypes.cast(f.ctypes.data, POINTER(M3Flow)), len(f), len(f))


def workload_path_m3(n, num_flows, seed, recipe=None):
    """m3's path recipe on a parking lot of n hosts (m3_workload_path_recipe;
    `recipe` a dict as RECIPE_M3, the default).

    Returns (flows, info): flows a FLOW_DTYPE array (src/dst are positions),
    info a dict of the recipe's draws (size_kind by name)."""
    L = lib()
    out = M3Flows()
    info = M3PathWorkloadInfo()
    err = M3ErrorStruct()
    try:
        rc = M3PathRecipe(**(recipe or RECIPE_M3))
        if L.m3_workload_path_recipe(n, num_flows, seed, ctypes.byref(rc), ctypes.byref(out),
                                     ctypes.byref(info), ctypes.byref(err)):
            _fail(err)
        nbytes = out.n * FLOW_DTYPE.itemsize
        if out.n:
            raw = (c_char * nbytes).from_address(ctypes.addressof(out.v.contents))
            flows = np.frombuffer(raw, dtype=FLOW_DTYPE, count=out.n).copy()
        else:
            flows = np.zeros(0, dtype=FLOW_DTYPE)
    finally:
        L.m3_flows_free(ctypes.byref(out))
    d = {name: getattr(info, name) for name, _ in M3PathWorkloadInfo._fields_}
    k = d["size_kind"]
    d["size_kind"] = SIZE_KINDS[k] if 0 <= k < len(SIZE_KINDS) else str(k)
    return flows, d


# ---------------------------------------------------------------- config

def config_keys():
    """The configuration keys, in m3_config_keys() order."""
    p = lib().m3_config_keys()
    keys = []
    i = 0
    while p[i] is not None:
        keys.append(p[i].decode())
        i += 1
    return keys


def _config_dict(c):
    d = {}
    for k in config_keys():
        if k == "cc":
            d[k] = lib().m3_cc_name(c.cc).decode()
        else:
            d[k] = getattr(c, k)  # AttributeError: M3Config lags m3.h
    return d


def _text(v):
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, (float, np.floating)):
        return repr(float(v))  # shortest text that reads back as the same double
    return str(v)


def _config_struct(cfg):
    """An M3Config from None (defaults), an M3Config or a dict of key -> value.

    Keys a dict lacks keep their default; values go through m3_config_set
    (text, so the core's parser and messages apply), then the result is
    validated."""
    if isinstance(cfg, M3Config):
        return cfg
    L = lib()
    c = M3Config()
    L.m3_config_default(ctypes.byref(c))
    err = M3ErrorStruct()
    for k, v in (cfg or {}).items():
        if L.m3_config_set(ctypes.byref(c), str(k).encode(), _text(v).encode(), b"",
                           ctypes.byref(err)):
            _fail(err)
    if L.m3_config_validate(ctypes.byref(c), ctypes.byref(err)):
        _fail(err)
    return c


def config_default():
    """m3_config_default as a dict (key -> value; cc by name)."""
    c = M3Config()
    lib().m3_config_default(ctypes.byref(c))
    return _config_dict(c)


def config_sample(seed):
    """m3_config_sample(seed) as a dict: one training configuration."""
    c = M3Config()
    err = M3ErrorStruct()
    if lib().m3_config_sample(seed, ctypes.byref(c), ctypes.byref(err)):
        _fail(err)
    return _config_dict(c)


def config_set(cfg, key, value):
    """A copy of configuration dict `cfg` (None: defaults) with `key` set to
    `value` through m3_config_set; raises M3Error as the core would."""
    c = _config_struct(cfg)
    c2 = M3Config.from_buffer_copy(c)
    err = M3ErrorStruct()
    if lib().m3_config_set(ctypes.byref(c2), str(key).encode(), _text(value).encode(), b"",
                           ctypes.byref(err)):
        _fail(err)
    return _config_dict(c2)


def config_check(cfg):
    """The dict as the core reads it back (parsed, validated, every key present)."""
    return _config_dict(_config_struct(cfg))


def config_training_ranges():
    """m3_config_training_ranges as a list of (key, lo, hi)."""
    p = lib().m3_config_training_ranges()
    rows = []
    i = 0
    while p[i].key is not None:
        rows.append((p[i].key.decode(), p[i].lo, p[i].hi))
        i += 1
    return rows


# ---------------------------------------------------------------- lines

class Line:
    """An m3_line (plain data). Attributes n, link_bps, delay_ns (numpy
    copies of the n-1 used entries), cap_bps; `c` is the ctypes struct."""

    def __init__(self, c):
        self.c = c

    @property
    def n(self):
        return self.c.n

    @property
    def link_bps(self):
        return np.array(self.c.link_bps[:max(self.c.n - 1, 0)], dtype=np.float64)

    @property
    def delay_ns(self):
        return np.array(self.c.delay_ns[:max(self.c.n - 1, 0)], dtype=np.uint64)

    @property
    def cap_bps(self):
        return self.c.cap_bps

    @classmethod
    def from_arrays(cls, link_bps, delay_ns, cap_bps):
        """A line from per-link rates and delays (not checked here: every
        core call checks it with m3_line_check)."""
        link_bps = list(link_bps)
        delay_ns = list(delay_ns)
        if len(link_bps) != len(delay_ns) or len(link_bps) > MAX_PATH_LINKS:
            raise ValueError("line: %d rates and %d delays (at most %d links)"
                             % (len(link_bps), len(delay_ns), MAX_PATH_LINKS))
        c = M3Line()
        c.n = len(link_bps) + 1
        for i, (r, d) in enumerate(zip(link_bps, delay_ns)):
            c.link_bps[i] = r
            c.delay_ns[i] = int(d)
        c.cap_bps = cap_bps
        return cls(c)

    def to_dict(self):
        return {"n": self.n, "link_bps": self.link_bps.tolist(),
                "delay_ns": [int(d) for d in self.delay_ns], "cap_bps": self.cap_bps}

    def __repr__(self):
        return "Line(%r)" % (self.to_dict(),)


def line_check(line):
    """m3_line_check; raises M3Error naming the bad link."""
    err = M3ErrorStruct()
    if lib().m3_line_check(ctypes.byref(line.c), ctypes.byref(err)):
        _fail(err)


def line_preset(n, edge_bps=10e9, inner_bps=40e9, delay_ns=1000, cap_bps=10e9):
    """m3's preset line (m3_line_preset); defaults are m3's parking lot."""
    c = M3Line()
    err = M3ErrorStruct()
    if lib().m3_line_preset(ctypes.byref(c), n, edge_bps, inner_bps, int(delay_ns), cap_bps,
                            ctypes.byref(err)):
        _fail(err)
    return Line(c)


def parking_lot(n, edge_bps, inner_bps, mid_host_bps, delay_ns, cap_bps, buffer_bytes=None,
                mid_hosts=1):
    """The parking-lot topology of n positions with `mid_hosts` hosts per
    mid position (m3_topology_parking_lot_hosts),
    flow 0 -> n-1 routed on it (m3_routing_path) and made a line
    (m3_line_from_path). Returns (line, pools): pools[l] =
    m3_switch_pool_bytes of the switch at position l (l = 1..n-2) with
    `buffer_bytes` of memory, pools[0] = 0 (a host NIC, not read); pools is
    None when buffer_bytes is None."""
    L = lib()
    err = M3ErrorStruct()
    topo = routing = None
    try:
        topo = L.m3_topology_parking_lot_hosts(n, edge_bps, inner_bps, mid_host_bps,
                                               int(mid_hosts), int(delay_ns), ctypes.byref(err))
        if not topo:
            _fail(err)
        routing = L.m3_routing_new(topo, ctypes.byref(err))
        if not routing:
            _fail(err)
        fl = M3Flow(id=0, src=0, dst=n - 1, pg=3, sport=10000, dport=100, size=1000,
                    start_ns=0)
        dl = (c_uint32 * MAX_PATH_LINKS)()
        k = L.m3_routing_path(routing, ctypes.byref(fl), dl, MAX_PATH_LINKS, ctypes.byref(err))
        if k < 0:
            _fail(err)
        c = M3Line()
        if L.m3_line_from_path(ctypes.byref(c), topo, dl, k, cap_bps, ctypes.byref(err)):
            _fail(err)
        pools = None
        if buffer_bytes is not None:
            pools = np.zeros(max(n - 1, 1), dtype=np.float64)
            for p in range(1, n - 1):
                node = L.m3_parking_lot_position_node(n, p)
                pools[p] = L.m3_switch_pool_bytes(topo, node, float(buffer_bytes))
        return Line(c), pools
    finally:
        if routing:
            L.m3_routing_free(routing)
        if topo:
            L.m3_topology_free(topo)


def line_from_parking_lot(n, edge_bps, inner_bps, mid_host_bps, delay_ns, cap_bps):
    """The line of the parking lot's path 0 -> n-1 (see parking_lot)."""
    return parking_lot(n, edge_bps, inner_bps, mid_host_bps, delay_ns, cap_bps)[0]


def parking_lot_pools(n, edge_bps, inner_bps, mid_host_bps, delay_ns, buffer_bytes):
    """Shared pools (bytes) of the parking lot's switches by line position
    (see parking_lot): an array of n-1, [0] = 0."""
    return parking_lot(n, edge_bps, inner_bps, mid_host_bps, delay_ns, 0.0, buffer_bytes)[1]


def line_ideal_ns(line, src, dst, size, mtu=MTU_DEFAULT, header=HEADER_BYTES):
    """m3_line_ideal_ns of one flow (NaN for a position off the line)."""
    return lib().m3_line_ideal_ns(ctypes.byref(line.c), src, dst, int(size), mtu, header)


def line_flowsim(line, flows, mtu=MTU_DEFAULT, header=HEADER_BYTES):
    """flowSim on a line (m3_line_flowsim). Returns float64 arrays (fluid,
    fct, ideal) in flow order: pure fluid FCT, fluid FCT plus base delay,
    ideal FCT (ns)."""
    f = _as_flows(flows)
    n = len(f)
    fluid = np.empty(max(n, 1))
    fct = np.empty(max(n, 1))
    ideal = np.empty(max(n, 1))
    fv = _flows_view(f)
    err = M3ErrorStruct()
    if lib().m3_line_flowsim(ctypes.byref(line.c), ctypes.byref(fv), mtu, header,
                             _ptr(fluid, c_double), _ptr(fct, c_double), _ptr(ideal, c_double),
                             ctypes.byref(err)):
        _fail(err)
    return fluid[:n], fct[:n], ideal[:n]


def slowdown(fct, ideal):
    """fct / ideal clipped at >= 1 (m3_slowdown), element-wise."""
    return np.maximum(1.0, np.asarray(fct, dtype=np.float64) / np.asarray(ideal, np.float64))


# ---------------------------------------------------------------- features

def bucket_percentiles(sizes, values, bounds, pcts=100):
    """m3_bucket_percentiles: nearest-rank p1..p`pcts` of `values` per size
    bucket (bounds: the inner boundaries). Returns (out float64 [nb, pcts],
    counts int64 [nb]); an empty bucket's row is zeros."""
    sizes = np.ascontiguousarray(sizes, dtype=np.uint64)
    values = np.ascontiguousarray(values, dtype=np.float64)
    bounds = np.ascontiguousarray(bounds, dtype=np.uint64)
    if sizes.shape != values.shape or sizes.ndim != 1:
        raise ValueError("bucket_percentiles: sizes %s and values %s differ in shape"
                         % (sizes.shape, values.shape))
    nb = len(bounds) + 1
    out = np.zeros((nb, max(int(pcts), 1)), dtype=np.float64)
    counts = np.zeros(nb, dtype=np.uintp)  # size_t
    err = M3ErrorStruct()
    # keep 1-element buffers alive for empty inputs so no NULL is passed
    s_buf = sizes if len(sizes) else np.zeros(1, np.uint64)
    v_buf = values if len(values) else np.zeros(1, np.float64)
    b_buf = bounds if len(bounds) else np.zeros(1, np.uint64)
    if lib().m3_bucket_percentiles(_ptr(s_buf, c_uint64), _ptr(v_buf, c_double), len(sizes),
                                   _ptr(b_buf, c_uint64), nb, int(pcts), _ptr(out, c_double),
                                   _ptr(counts, c_size_t), ctypes.byref(err)):
        _fail(err)
    return out[:, :int(pcts)] if pcts > 0 else out[:, :0], counts.astype(np.int64)


def default_buckets():
    """m3's output bucket boundaries (m3_default_buckets): [1000, 10000, 50000]."""
    b = (c_uint64 * 16)()
    nb = lib().m3_default_buckets(b)
    return [int(x) for x in b[:nb - 1]]


def feature_schema():
    """The core's feature schema as a plain dict (JSON-able); datasets and
    checkpoints record it and compare it for equality."""
    s = lib().m3_feature_schema_get().contents
    return {
        "version": s.version,
        "in_buckets": s.in_buckets,
        "in_bounds": [int(s.in_bounds[i]) for i in range(s.in_buckets - 1)],
        "pcts": s.pcts,
        "out_buckets": s.out_buckets,
        "out_bounds": [int(s.out_bounds[i]) for i in range(s.out_buckets - 1)],
        "fields": [{"name": s.fields[i].name.decode(), "lo": s.fields[i].lo,
                    "hi": s.fields[i].hi} for i in range(s.num_fields)],
        "token_dim": s.token_dim,
    }


def path_features(line, flows, slowdown, config, pools):
    """m3_path_features: float32 [n, token_dim], token 0 the foreground flows
    (0 -> n-1), token l+1 the other flows crossing line link l. `slowdown`
    is flowSim's per flow, `config` a dict (or None for the defaults),
    `pools` the shared pools by line position (>= n-1 entries, [0] unread)."""
    f = _as_flows(flows)
    sd = np.ascontiguousarray(slowdown, dtype=np.float64)
    if sd.shape != (len(f),):
        raise ValueError("path_features: %d slowdowns for %d flows" % (sd.size, len(f)))
    n = line.n
    pools = np.ascontiguousarray(pools, dtype=np.float64)
    if pools.ndim != 1 or len(pools) < max(n - 1, 1):
        raise ValueError("path_features: pools needs %d entries (one per line link), got %d"
                         % (max(n - 1, 1), pools.size))
    c = _config_struct(config)
    dim = lib().m3_feature_schema_get().contents.token_dim
    out = np.zeros((max(n, 1), dim), dtype=np.float32)
    sd_buf = sd if len(sd) else np.zeros(1)
    fv = _flows_view(f)
    err = M3ErrorStruct()
    if lib().m3_path_features(ctypes.byref(line.c), ctypes.byref(fv), _ptr(sd_buf, c_double),
                              ctypes.byref(c), _ptr(pools, c_double), _ptr(out, c_float),
                              ctypes.byref(err)):
        _fail(err)
    return out[:n]

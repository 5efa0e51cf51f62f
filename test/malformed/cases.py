# SPDX-License-Identifier: GPL-2.0-only
"""The cases of the malformed-input suite (run.py): one dict per case.

    name   unique name          kind   the input kind it exercises
    cmd    program (in the build directory) and its arguments; {tmp} is the
           case's directory (also the working directory), {src} the project
    files  name -> content written into {tmp} first
    exit   expected exit status (0 done, 1 bad input or failure, 2 usage)
    msg    a fragment the message must contain (stderr; stdout if stream)
    absent / present   files that must not / must exist afterwards
    env    extra environment; torch: needs the libtorch plugin
"""
import json
import os

# ---------------------------------------------------------------- good inputs

# 3 hosts (0, 1, 2) on switch 3
TOPO = "4 1 3\n3\n0 3 10Gbps 1us 0\n1 3 10Gbps 1us 0\n2 3 10Gbps 1us 0\n"
FLOWS = ("3\n0 0 1 3 100 10000 0\n1 1 2 3 100 20000 0.000001\n"
         "2 2 0 3 100 5000 0.000002\n")
CDF = "100 0.5\n1000 1\n"
SMALL = ["--parking-lot=4", "--workload=cache", "--num-flows=20"]
# m3-mpi's cases: ctest's ASAN_OPTIONS (cmake/standalone.cmake) less leaks
MPI_ENV = {"ASAN_OPTIONS": "detect_leaks=0:strict_string_checks=1:"
                           "detect_stack_use_after_return=1"}


def _case(name, kind, cmd, exit, msg, **kw):
    c = {"name": name, "kind": kind, "cmd": cmd, "exit": exit, "msg": msg}
    c.update(kw)
    return c


def topology(name, content, msg, exit=1):
    """A topology file given to m3-flowsim with good flows."""
    return _case("topology/" + name, "topology",
                 ["m3-flowsim", "--flows", "f.txt", "--topology", "t.txt", "--out", "o.csv"],
                 exit, msg, files={"t.txt": content, "f.txt": FLOWS}, absent=["o.csv"])


def flows(name, content, msg, exit=1):
    """A flows file given to m3-flowsim on the good topology."""
    return _case("flows/" + name, "flows",
                 ["m3-flowsim", "--flows", "f.txt", "--topology", "t.txt", "--out", "o.csv"],
                 exit, msg, files={"t.txt": TOPO, "f.txt": content}, absent=["o.csv"])


def config(name, content, msg, exit=1):
    """A configuration file given to m3-compare."""
    return _case("config/" + name, "config",
                 ["m3-compare", "--mode=flowsim", "--config=c.txt", "--out=out"] + SMALL,
                 exit, msg, files={"c.txt": content}, absent=["out/summary.json"])


def cdf(name, content, msg, exit=1, tool="m3-workload"):
    """A size CDF file given to m3-workload (or m3-compare)."""
    if tool == "m3-workload":
        cmd = ["m3-workload", "--parking-lot", "4", "--workload", "./s.cdf", "--num-flows",
               "10", "--out", "o.txt"]
        absent = ["o.txt"]
    else:
        cmd = ["m3-compare", "--mode=flowsim", "--parking-lot=4", "--workload=./s.cdf",
               "--num-flows=10"]
        absent = []
    return _case("cdf/%s/%s" % (tool, name), "size-cdf", cmd, exit, msg,
                 files={"s.cdf": content}, absent=absent)


def tm(name, content, msg, exit=1, tool="m3-workload", fat_tree="1,2,2,1"):
    """A traffic matrix (2 racks of 2 hosts) given to m3-workload or m3-compare."""
    if tool == "m3-workload":
        cmd = ["m3-workload", "--fat-tree", fat_tree, "--tm", "matrix:m.txt", "--num-flows",
               "10", "--out", "o.txt"]
        absent = ["o.txt"]
    else:
        cmd = ["m3-compare", "--mode=flowsim", "--fat-tree=" + fat_tree, "--tm=matrix:m.txt",
               "--workload=cache", "--num-flows=10"]
        absent = []
    return _case("tm/%s/%s" % (tool, name), "traffic-matrix", cmd, exit, msg,
                 files={"m.txt": content}, absent=absent)


def usage(tool, name, args, msg, exit=2, **kw):
    """A command line of `tool`."""
    return _case("args/%s/%s" % (tool, name), "command-line", [tool] + args, exit, msg, **kw)


def checkpoints(src):
    """Checkpoint metadata (NAME.json) variants of the shipped model."""
    with open(os.path.join(src, "ckpts", "m3-medium.json")) as f:
        good = json.load(f)

    def mutated(edit):
        j = json.loads(json.dumps(good))
        edit(j)
        return json.dumps(j)

    def ck(name, text, msg, files=None):
        fs = {"ck.json": text}
        fs.update(files or {})
        return _case("ckpt/" + name, "checkpoint-metadata",
                     ["m3-compare", "--mode=m3", "--model=ck.json"] + SMALL, 1, msg,
                     files=fs, torch=True)

    def set_(path, value):
        def edit(j):
            keys = path.split(".")
            for k in keys[:-1]:
                j = j[k]
            j[keys[-1]] = value
        return edit

    def drop(path):
        def edit(j):
            keys = path.split(".")
            for k in keys[:-1]:
                j = j[k]
            del j[keys[-1]]
        return edit

    return [
        ck("not-json", "{ this is not json", "ck.json: invalid JSON: line 1"),
        ck("nan", '{"format": NaN}', "NaN or Infinity?"),
        ck("array", "[1, 2]", "ck.json: not a JSON object"),
        ck("empty", "", "ck.json: invalid JSON"),
        ck("format", mutated(set_("format", "m3-other")), "format 'm3-other', expected 'm3-ckpt'"),
        ck("version", mutated(set_("format_version", 2)), "format_version 2, this build reads 1"),
        ck("version-float", mutated(set_("format_version", 1.5)),
           "format_version: 1.5 is not an integer"),
        ck("no-schema", mutated(drop("schema")), "ck.json: no schema object"),
        ck("schema-version", mutated(set_("schema.version", 1)),
           "schema version 1, this build reads version 2"),
        ck("schema-bounds", mutated(set_("schema.in_bounds", [1, 2])),
           "schema in_bounds: not a list of"),
        ck("schema-field-name", mutated(lambda j: j["schema"]["fields"][0].update(name="x")),
           "schema field 0 is 'x'"),
        ck("schema-field-scale", mutated(lambda j: j["schema"]["fields"][1].update(hi=1e9)),
           "scales ["),
        ck("max-links-0", mutated(set_("model.max_links", 0)),
           "model.max_links 0 is outside 1..64"),
        ck("max-links-string", mutated(set_("model.max_links", "6")),
           "model.max_links: missing or not a number"),
        ck("token-dim", mutated(set_("model.token_dim", 7)),
           "model.token_dim 7, the schema's token_dim is"),
        ck("pcts", mutated(set_("model.pcts", 99)), "model.pcts 99, the schema has 100"),
        ck("range-pair", mutated(set_("training_ranges.cfg.hpcc_eta", [1])),
           "training_ranges.cfg.hpcc_eta: not a [lo, hi] pair"),
        ck("range-order", mutated(set_("training_ranges.cfg.hpcc_eta", [2, 1])),
           "training_ranges.cfg.hpcc_eta: lo 2 > hi 1"),
        ck("file-bytes", mutated(set_("file_bytes", 12)),
           "ck.pt: cannot open"),
        ck("file-bytes-negative", mutated(set_("file_bytes", -5)),
           "file_bytes -5 is negative"),
        ck("pt-size", mutated(set_("file_bytes", 12)), "ck.pt: 3 bytes, ck.json records 12",
           files={"ck.pt": "abc"}),
        ck("pt-garbage", mutated(set_("file_bytes", 3)), "ck.pt: libtorch cannot load it",
           files={"ck.pt": "abc"}),
        _case("ckpt/no-such-file", "checkpoint-metadata",
              ["m3-compare", "--mode=m3", "--model=nope.pt"] + SMALL, 1,
              "nope.json: cannot open", torch=True),
        _case("ckpt/not-a-checkpoint-name", "checkpoint-metadata",
              ["m3-compare", "--mode=m3", "--model=model.bin"] + SMALL, 1,
              "expected a checkpoint's NAME.pt or NAME.json", torch=True),
    ]


def long_line_topology(n):
    """Hosts 0 and 1 at the ends of a line of n switches (n + 1 links)."""
    nodes = n + 2
    sw = " ".join(str(i) for i in range(2, nodes))
    links = ["0 2 10Gbps 1us 0"]
    links += ["%d %d 10Gbps 1us 0" % (i, i + 1) for i in range(2, nodes - 1)]
    links += ["%d 1 10Gbps 1us 0" % (nodes - 1)]
    return "%d %d %d\n%s\n%s\n" % (nodes, n, len(links), sw, "\n".join(links))


def cases(src):
    c = []
    # ------------------------------------------------------------ topology files
    c += [
        topology("empty", "", "t.txt:0: empty file"),
        topology("comments-only", "# nothing\n\n", "empty file"),
        topology("header-2-fields", "4 1\n", "t.txt:1: expected 3 numbers"),
        topology("header-word", "four 1 3\n", 'node count "four" is not a non-negative integer'),
        topology("header-float", "4.0 1 3\n", "node count \"4.0\""),
        topology("nodes-0", "0 0 0\n", "node count 0 out of range"),
        topology("nodes-huge", "99999999999 0 0\n", "out of range (1..16777216)"),
        topology("switches-exceed", "2 3 0\n", "switch count 3 exceeds node count 2"),
        topology("links-huge", "4 1 4000000000\n3\n", "link count 4000000000 out of range"),
        topology("no-switch-line", "4 1 3\n", "file ends before the switch id line"),
        topology("switch-id-range", "4 1 3\n9\n", 'switch id 1: "9" is not a node id (0..3)'),
        topology("switch-dup", "4 2 3\n3 3\n", "duplicate switch id 3"),
        topology("switch-few", "5 2 4\n3\n", "1 switch ids, but the header declares 2"),
        topology("switch-many", "4 1 3\n3 2\n", "more than the 1 declared switch ids"),
        topology("link-4-fields", TOPO.replace("0 3 10Gbps 1us 0", "0 3 10Gbps 1us"),
                 "t.txt:3: link 1: expected 5 fields"),
        topology("link-endpoint", TOPO.replace("0 3 10Gbps", "7 3 10Gbps"),
                 'link 1: endpoint "7" is not a node id (0..3)'),
        topology("self-loop", TOPO.replace("0 3 10Gbps", "3 3 10Gbps"), "joins node 3 to itself"),
        topology("rate-garbage", TOPO.replace("0 3 10Gbps", "0 3 10Gbpx"),
                 'rate "10Gbpx" is not a rate'),
        topology("rate-overflow", TOPO.replace("0 3 10Gbps", "0 3 1e300Tbps"),
                 "rate 1e300Tbps is outside 1Mbps..1000Tbps"),
        topology("rate-tiny", TOPO.replace("0 3 10Gbps", "0 3 1e-300"),
                 "rate 1e-300 is outside 1Mbps..1000Tbps"),
        topology("rate-zero", TOPO.replace("0 3 10Gbps", "0 3 0Gbps"), "rate 0Gbps is outside"),
        topology("rate-negative", TOPO.replace("0 3 10Gbps", "0 3 -10Gbps"),
                 "rate -10Gbps is outside"),
        topology("rate-inf", TOPO.replace("0 3 10Gbps", "0 3 inf"), 'rate "inf" is not a rate'),
        topology("rate-nan", TOPO.replace("0 3 10Gbps", "0 3 nanGbps"), "is not a rate"),
        topology("rate-hex", TOPO.replace("0 3 10Gbps", "0 3 0x10Gbps"),
                 'rate "0x10Gbps" is not a rate'),
        topology("delay-1e9s", TOPO.replace("10Gbps 1us", "10Gbps 1e9s", 1),
                 "delay 1e9s is outside 0..1s"),
        topology("delay-negative", TOPO.replace("10Gbps 1us", "10Gbps -1us", 1),
                 "delay -1us is outside"),
        topology("delay-no-unit", TOPO.replace("10Gbps 1us", "10Gbps 1000", 1),
                 'delay "1000" is not a delay'),
        topology("error-rate-2", TOPO.replace("1us 0\n", "1us 2\n", 1),
                 'error rate "2" is not a number in [0, 1]'),
        topology("error-rate-word", TOPO.replace("1us 0\n", "1us low\n", 1),
                 'error rate "low" is not a number'),
        topology("links-missing", "4 1 3\n3\n0 3 10Gbps 1us 0\n1 3 10Gbps 1us 0\n",
                 "file ends after 2 of the 3 declared links"),
        topology("links-extra", TOPO + "0 1 10Gbps 1us 0\n",
                 "unexpected line after the 3 declared links"),
        topology("lonely-host", "5 1 3\n3\n0 3 10Gbps 1us 0\n1 3 10Gbps 1us 0\n"
                 "2 3 10Gbps 1us 0\n", "node 4 is a host (not a switch) but has no link"),
        topology("nul-byte", TOPO.replace("3\n0", "3\n\x000", 1), "binary data (NUL byte)"),
        topology("missing-file", None, "t.txt: cannot open"),
        _case("topology/path-too-long", "topology",
              ["m3-flowsim", "--flows", "f.txt", "--topology", "t.txt"], 1,
              "f.txt:2: the route from host 0 to host 1 is 71 links long; the core handles "
              "at most 64",
              files={"t.txt": long_line_topology(70), "f.txt": "1\n0 1 3 100 1000 0\n"}),
        _case("topology/islands", "topology",
              ["m3-flowsim", "--flows", "f.txt", "--topology", "t.txt"], 1,
              "f.txt:2: no route from host 0 to host 1 in the topology",
              files={"t.txt": "4 2 2\n2 3\n0 2 10Gbps 1us 0\n1 3 10Gbps 1us 0\n",
                     "f.txt": "1\n0 1 3 100 1000 0\n"}),
        # a generated workload on a topology without a route names the topology
        _case("topology/islands-workload", "topology",
              ["m3-workload", "--topology", "t.txt", "--num-flows", "10", "--out", "o.txt"], 1,
              "on --topology t.txt: workload: flow 0: no route from node",
              files={"t.txt": "6 2 4\n4 5\n0 4 10Gbps 1us 0\n1 4 10Gbps 1us 0\n"
                              "2 5 10Gbps 1us 0\n3 5 10Gbps 1us 0\n"},
              absent=["o.txt"]),
        _case("topology/path-too-long-workload", "topology",
              ["m3-compare", "--mode=flowsim", "--topology=t.txt", "--workload=cache",
               "--num-flows=10", "--out=out"], 1,
              "--workload=cache on t.txt: workload: flow 0: path longer than 64 links",
              files={"t.txt": long_line_topology(70)}, absent=["out/summary.json"]),
        _case("topology/packet-host-2-links", "topology",
              ["m3-compare", "--mode=flowsim,packet", "--topology=t.txt", "--flows=f.txt"], 1,
              "packet: t.txt: host 0 has 2 links",
              files={"t.txt": "4 2 4\n2 3\n0 2 10Gbps 1us 0\n0 3 10Gbps 1us 0\n"
                              "1 2 10Gbps 1us 0\n1 3 10Gbps 1us 0\n",
                     "f.txt": "1\n0 1 3 100 1000 0\n"}),
        _case("topology/crlf-accepted", "topology",
              ["m3-flowsim", "--flows", "f.txt", "--topology", "t.txt"], 0, "flowSim FCT",
              stream="stdout",
              files={"t.txt": TOPO.replace("\n", "\r\n"), "f.txt": FLOWS.replace("\n", "\r\n")}),
        # flowSim has no losses: a non-zero error_rate is run, with a warning
        _case("topology/error-rate-flowsim-warns", "topology",
              ["m3-flowsim", "--flows", "f.txt", "--topology", "t.txt", "--out", "o.csv"], 0,
              "t.txt: 1 links have a non-zero error_rate (up to 0.01): flowSim does not model "
              "losses", files={"t.txt": TOPO.replace("1us 0\n", "1us 0.01\n", 1), "f.txt": FLOWS},
              present=["o.csv"]),
    ]
    c[[x["name"] for x in c].index("topology/missing-file")]["files"].pop("t.txt")
    # ------------------------------------------------------------ flows files
    c += [
        flows("empty", "", "f.txt:0: empty file (expected the flow count)"),
        flows("count-word", "three\n", "f.txt:1: expected the flow count"),
        flows("count-2-fields", "3 4\n", "expected the flow count as the only field"),
        flows("count-exponent", "3e0\n" + FLOWS[2:], "expected the flow count"),
        flows("count-huge", "1000000000000\n", "f.txt:1: the count of 1000000000000 flows needs "
              "about 48.0 TB"),
        flows("lines-missing", "4" + FLOWS[1:], "file ends after 3 of the 4 declared flows"),
        flows("lines-extra", "2" + FLOWS[1:], "unexpected line after the 2 declared flows"),
        flows("5-fields", "1\n0 1 3 100 1000\n", "expected 7 fields"),
        flows("8-fields", "1\n0 0 1 3 100 1000 0 9\n", "found more than 7"),
        flows("mixed-forms", "2\n0 0 1 3 100 1000 0\n0 1 3 100 1000 0\n",
              "f.txt:3: expected 7 fields like the first flow line"),
        flows("src-range", "1\n0 9 1 3 100 1000 0\n", 'src "9" is not a node id (0..3)'),
        flows("dst-switch", "1\n0 0 3 3 100 1000 0\n", "dst 3 is a switch, not a host"),
        flows("src-is-dst", "1\n0 1 1 3 100 1000 0\n", "src and dst are the same node 1"),
        flows("pg-8", "1\n0 0 1 8 100 1000 0\n", 'priority group "8" is not in 0..7'),
        flows("dport-big", "1\n0 0 1 3 70000 1000 0\n", 'dport "70000" is not a port number'),
        flows("size-0", "1\n0 0 1 3 100 0 0\n", "size is 0"),
        flows("size-exponent", "1\n0 0 1 3 100 1e3 0\n", 'size "1e3" is not a byte count'),
        flows("size-trailing", "1\n0 0 1 3 100 10abc 0\n", 'size "10abc" is not a byte count'),
        flows("size-2TB", "1\n0 0 1 3 100 2000000000000 0\n",
              "is above the largest flow, 1e12 bytes"),
        flows("size-overflow", "1\n0 0 1 3 100 99999999999999999999999 0\n",
              "is not a byte count"),
        flows("start-negative", "1\n0 0 1 3 100 1000 -1\n", "start time -1 is negative"),
        flows("start-1e10", "1\n0 0 1 3 100 1000 1e10\n",
              "start time 1e10 s is after the latest start, 1e6 s"),
        flows("start-word", "1\n0 0 1 3 100 1000 soon\n", 'start time "soon" is not a time'),
        flows("start-two-points", "1\n0 0 1 3 100 1000 0.1.2\n", "is not a time in seconds"),
        flows("start-back", "2\n0 0 1 3 100 1000 0.5\n1 1 2 3 100 1000 0.1\n",
              "f.txt:3: start time goes back"),
        flows("id-negative", "1\n-1 0 1 3 100 1000 0\n", 'flow id "-1" is not a non-negative'),
        flows("nul-byte", "1\n0 0 1 3 100 1000 0\x00\n", "binary data (NUL byte)"),
        _case("flows/packet-4GiB", "flows",
              ["m3-compare", "--mode=flowsim,packet", "--topology=t.txt", "--flows=f.txt"], 1,
              "packet: f.txt:2: flow 0 (id 0): size 4294967296 bytes is 4 GiB or more",
              files={"t.txt": TOPO, "f.txt": "1\n0 0 1 3 100 4294967296 0\n"}),
        # the packet mode's own limits name the file's line, comments counted
        _case("flows/packet-4GiB-line", "flows",
              ["m3-compare", "--mode=packet", "--topology=t.txt", "--flows=f.txt"], 1,
              "packet: f.txt:7: flow 1 (id 8): size 5000000000 bytes is 4 GiB or more",
              files={"t.txt": TOPO, "f.txt": "# two flows\n2\n\n7 0 1 3 100 1000 0  # small\n"
                                             "# the big one:\n   \n8 1 2 3 100 5000000000 0\n"}),
        _case("flows/no-topology-file", "flows",
              ["m3-compare", "--mode=flowsim", "--flows=f.txt", "--parking-lot=4"], 1,
              'f.txt:2: src "9" is not a node id',
              files={"f.txt": "1\n0 9 1 3 100 1000 0\n"}),
    ]
    # ------------------------------------------------------------ configuration files
    c += [
        config("no-equals", "cc dctcp\n", 'c.txt:1: expected "key = value"'),
        config("typo", "bufer_kb = 300\n", 'unknown key "bufer_kb" (did you mean "buffer_kb"?)'),
        config("unknown", "colour = blue\n", 'unknown key "colour" (known keys:'),
        config("duplicate", "cc = hpcc\ncc = dctcp\n", 'c.txt:2: duplicate key "cc"'),
        config("cc", "cc = cubic\n", '"cubic" is not a congestion control'),
        config("pfc-2", "pfc = 2\n", 'pfc: "2" is not 0 or 1'),
        config("mtu-10", "mtu = 10\n", 'mtu: "10" is out of range'),
        config("hpcc-eta-tiny", "hpcc_eta = 1e-7\n", "hpcc_eta: 1e-7 is out of range"),
        config("buffer-huge", "buffer_kb = 1e300\n", "buffer_kb: 1e300 is out of range"),
        config("base-rtt-huge", "base_rtt_us = 1e15\n", "base_rtt_us: 1e15 is out of range"),
        config("timely-thigh-huge", "timely_thigh_us = 1e15\n", "timely_thigh_us: 1e15 is out"),
        config("timely-order", "timely_tlow_us = 200\ntimely_thigh_us = 100\n",
               "c.txt:2: timely_tlow_us (200) must be below timely_thigh_us (100)"),
        config("dcqcn-order", "dcqcn_kmin_kb = 50\n", "dcqcn_kmin_kb (50) must not exceed"),
        config("two-values", "cc = dc tcp\n", "cc: expected one value after '='"),
        config("no-value", "cc =\n", "expected one value after '='"),
        config("no-key", "= 3\n", "expected one key before '='"),
        config("nic-tiny", "nic_rate_gbps = 1e-300\n", "nic_rate_gbps: 1e-300 is out of range"),
        config("seed-negative", "seed = -1\n", 'seed: "-1" is not a non-negative integer'),
        config("window-hex", "window_bytes = 0x10\n", 'window_bytes: "0x10" is not a number'),
        config("ai-nan", "hpcc_ai_mbps = nan\n", 'hpcc_ai_mbps: "nan" is not a number'),
        config("missing-file", None, "c.txt: cannot open"),
    ]
    c[[x["name"] for x in c].index("config/missing-file")]["files"].pop("c.txt")
    # ------------------------------------------------------------ size CDF files
    for tool in ("m3-workload", "m3-compare"):
        c += [
            cdf("empty", "", "s.cdf: no CDF points", tool=tool),
            cdf("one-field", "100\n", "s.cdf:1: expected `size_bytes cumulative_probability`",
                tool=tool),
            cdf("bad-size", "abc 0.5\n1000 1\n", "s.cdf:1: bad size 'abc'", tool=tool),
            cdf("prob-above-1", "100 0.5\n1000 1.5\n",
                "s.cdf:2: cumulative probability 1.5 outside [0, 1]", tool=tool),
            cdf("size-decreasing", "1000 0.5\n100 1\n", "not above the previous size", tool=tool),
            cdf("prob-decreasing", "100 0.6\n1000 0.5\n2000 1\n", "below the previous 0.6",
                tool=tool),
            cdf("last-not-1", "100 0.2\n1000 0.5\n", "last cumulative probability is 0.5",
                tool=tool),
            cdf("size-huge", "100 0.5\n1e13 1\n", "size 1e+13 out of range", tool=tool),
        ]
    c += [
        cdf("missing", None, "s.cdf: cannot open"),
        cdf("prob-trailing", "100 0.5x\n1000 1\n", "bad cumulative probability '0.5x'"),
    ]
    c[[x["name"] for x in c].index("cdf/m3-workload/missing")]["files"].pop("s.cdf")
    # ------------------------------------------------------------ traffic matrices
    for tool in ("m3-workload", "m3-compare"):
        c += [
            tm("rows-few", "1 1\n", "m.txt: 1 rows; expected 2", tool=tool),
            tm("rows-many", "1 1\n1 1\n1 1\n", "m.txt:3: more than 2 rows", tool=tool),
            tm("row-short", "1\n1 1\n", "m.txt:1: expected 2 weights", tool=tool),
            tm("negative", "1 -1\n1 1\n", "m.txt:1: weight 2 '-1' is not a number >= 0",
               tool=tool),
            tm("all-zero", "0 0\n0 0\n", "m.txt: all weights are zero", tool=tool),
            tm("overflow", "1 1e400\n1 1\n", "weight 2 '1e400' is not a number", tool=tool),
        ]
    c += [
        tm("missing", None, "m.txt: cannot open"),
        tm("one-host-racks", "1 0\n0 0\n",
           "weight on racks (0, 0) but they hold no two distinct hosts", fat_tree="1,2,1,1"),
    ]
    c[[x["name"] for x in c].index("tm/m3-workload/missing")]["files"].pop("m.txt")
    # ------------------------------------------------------------ checkpoint metadata
    c += checkpoints(src)
    # ------------------------------------------------------------ m3-flowsim command line
    f = {"f.txt": FLOWS, "t.txt": TOPO}
    flowsim = [
        ("help", ["-h"], "usage: m3-flowsim", 0, {"stream": "stdout"}),
        ("unknown", ["--flows", "f.txt", "--parking-lot", "4", "--bogus"],
         "--bogus: unknown option", 2, {}),
        ("stray", ["--flows", "f.txt", "--parking-lot", "4", "extra"],
         "'extra': unexpected argument", 2, {}),
        ("missing-value", ["--flows", "f.txt", "--parking-lot"], "--parking-lot: missing value",
         2, {}),
        ("no-flows", ["--parking-lot", "4"], "--flows: missing", 2, {}),
        ("two-topologies", ["--flows", "f.txt", "--parking-lot", "4", "--topology", "t.txt"],
         "give exactly one of --topology, --parking-lot, --m3-line", 2, {}),
        ("twice", ["--flows", "f.txt", "--parking-lot", "4", "--parking-lot=5"],
         "--parking-lot: given twice", 2, {}),
        ("parking-1", ["--flows", "f.txt", "--parking-lot", "1"],
         "--parking-lot: 1 is out of range (2..65)", 2, {}),
        ("parking-word", ["--flows", "f.txt", "--parking-lot", "four"],
         "--parking-lot: 'four' is not a whole number", 2, {}),
        ("parking-fraction", ["--flows", "f.txt", "--parking-lot", "4.5"],
         "'4.5' is not a whole number", 2, {}),
        ("cap-overflow", ["--flows", "f.txt", "--parking-lot", "4", "--cap", "1e300Tbps"],
         "--cap: 1e300Tbps is outside 1Mbps..1000Tbps", 2, {}),
        ("cap-tiny-no-hang", ["--flows", "f.txt", "--parking-lot", "4", "--cap", "1e-300"],
         "--cap: 1e-300 is outside", 2, {}),
        ("cap-word", ["--flows", "f.txt", "--parking-lot", "4", "--cap", "fast"],
         "--cap: 'fast' is not a rate", 2, {}),
        ("flag-with-value", ["--flows", "f.txt", "--parking-lot", "4", "--timing=yes"],
         "--timing: takes no value", 2, {}),
        ("out-directory", ["--flows", "f.txt", "--parking-lot", "4", "--out", "d"],
         "--out: d is a directory, not a file", 1, {"dirs": ["d"]}),
        ("out-missing-dir", ["--flows", "f.txt", "--parking-lot", "4", "--out", "no/o.csv"],
         "--out: no/o.csv: directory no: No such file", 1, {}),
        ("memory-limit-unit", ["--flows", "f.txt", "--parking-lot", "4"],
         "M3_MEMORY_LIMIT: '8GB' is not a positive number of bytes", 1,
         {"env": {"M3_MEMORY_LIMIT": "8GB"}}),
        ("out-tmp-dir-kept", ["--flows", "f.txt", "--parking-lot", "4", "--out", "o.csv"],
         "flowSim FCT", 0, {"stream": "stdout", "files": dict(f, **{"o.csv.tmp/keep": "x"}),
                            "present": ["o.csv.tmp/keep", "o.csv"]}),
        ("out-tmp-file-kept", ["--flows", "f.txt", "--parking-lot", "4", "--out", "o.csv"],
         "flowSim FCT", 0, {"stream": "stdout", "files": dict(f, **{"o.csv.tmp": "mine"}),
                            "present": ["o.csv.tmp", "o.csv"]}),
    ]
    for name, args, msg, code, extra in flowsim:
        kw = {"files": dict(f)}
        kw.update(extra)
        c.append(usage("m3-flowsim", name, args, msg, exit=code, **kw))
    # ------------------------------------------------------------ m3-workload command line
    out = ["--out", "o.txt"]
    workload = [
        ("help", ["--help"], "usage: m3-workload", 0, {"stream": "stdout"}),
        ("flows-exponent-ok", ["--parking-lot", "4", "--num-flows", "1e2"] + out, "", 0,
         {"present": ["o.txt"]}),
        ("flows-trailing", ["--parking-lot", "4", "--num-flows=10abc"] + out,
         "--num-flows: '10abc' is not a whole number", 2, {}),
        ("flows-fraction", ["--parking-lot", "4", "--num-flows", "1e-3"] + out,
         "'1e-3' is not a whole number", 2, {}),
        ("flows-zero", ["--parking-lot", "4", "--num-flows", "0"] + out,
         "--num-flows: 0 is out of range (1..100000000)", 2, {}),
        ("flows-alias-twice", ["--parking-lot", "4", "--num-flows", "5", "--flows", "6"] + out,
         "--num-flows: given together with its alias --flows", 2, {}),
        ("load-trailing", ["--parking-lot", "4", "--load", "0.5x"] + out,
         "--load: '0.5x' is not a number", 2, {}),
        ("load-zero", ["--parking-lot", "4", "--load", "0"] + out,
         "--load: 0 is out of range", 2, {}),
        ("load-nan", ["--parking-lot", "4", "--load", "nan"] + out, "'nan' is not a number", 2,
         {}),
        ("k-ary-odd", ["--k-ary", "5"] + out, "--k-ary: 5 is not even", 2, {}),
        ("k-ary-big", ["--k-ary", "66"] + out, "--k-ary: 66 is out of range (2..64)", 2, {}),
        ("fat-tree-short", ["--fat-tree", "2,16"] + out,
         "--fat-tree: '2,16' is not PODS,RACKS,HOSTS,OVERSUB", 2, {}),
        ("fat-tree-oversub", ["--fat-tree", "2,16,8,3"] + out,
         "--fat-tree: fat-tree: oversubscription 3:1 not supported", 2, {}),
        ("fat-tree-memory", ["--fat-tree", "64,256,256,1"] + out,
         "--fat-tree: the routing table needs about 139.2 GB", 1,
         {"env": {"M3_MEMORY_LIMIT": "16e9"}}),
        ("k-ary-64-memory", ["--k-ary", "64", "--num-flows", "10"] + out,
         "--k-ary: the routing table needs about 332.6 MB", 1,
         {"env": {"M3_MEMORY_LIMIT": "1e8"}}),
        ("memory-limit-word", ["--parking-lot", "4", "--num-flows", "10"] + out,
         "M3_MEMORY_LIMIT: 'abc' is not a positive number of bytes", 1,
         {"env": {"M3_MEMORY_LIMIT": "abc"}}),
        ("no-topology", ["--num-flows", "10"] + out, "give exactly one of --topology", 2, {}),
        ("no-out", ["--parking-lot", "4"], "--out: missing", 2, {}),
        ("stray", ["--parking-lot", "4", "websearch"] + out, "'websearch': unexpected", 2, {}),
        ("unknown", ["--parking-lot", "4", "--size", "cache"] + out,
         "--size: unknown option", 2, {}),
        ("workload-name", ["--parking-lot", "4", "--workload", "webservr"] + out,
         "'webservr' is not a built-in distribution", 2, {}),
        ("workload-exp-word", ["--parking-lot", "4", "--workload", "exp:big"] + out,
         "'exp:big' does not match exp:MEAN", 2, {}),
        ("workload-pareto-shape", ["--parking-lot", "4", "--workload", "pareto:5000:1.5"] + out,
         "pareto sizes: shape xi 1.5 out of range (0, 1)", 2, {}),
        ("workload-mean-small", ["--parking-lot", "4", "--workload", "exp:10"] + out,
         "mean 10 must exceed the minimum 50 bytes", 2, {}),
        ("burst-sigma-big", ["--parking-lot", "4", "--burst-sigma", "6"] + out,
         "--burst-sigma: 6 is out of range", 2, {}),
        ("arrivals-sigma", ["--parking-lot", "4", "--arrivals", "lognormal:9"] + out,
         "--arrivals: 'lognormal:9' is not poisson or lognormal:SIGMA", 2, {}),
        ("arrivals-and-sigma", ["--parking-lot", "4", "--arrivals", "poisson",
                                "--burst-sigma", "1"] + out,
         "given together with --burst-sigma", 2, {}),
        ("incast-host", ["--parking-lot", "4", "--tm", "incast:5:0.5"] + out,
         "incast hotspot 5 is not a host", 2, {}),
        ("incast-fraction", ["--parking-lot", "4", "--tm", "incast:1:2"] + out,
         "'incast:1:2' is not incast:HOST:FRACTION", 2, {}),
        ("tm-kind", ["--parking-lot", "4", "--tm", "gravity"] + out,
         "'gravity' is not uniform, matrix:FILE", 2, {}),
        ("path-m3-no-parking", ["--path-m3", "--k-ary", "4"] + out,
         "--path-m3: needs --parking-lot N", 2, {}),
        ("path-m3-load", ["--path-m3", "--parking-lot", "5", "--load", "0.3"] + out,
         "draws sizes, arrivals, pairs and load itself", 2, {}),
        ("seed-negative", ["--parking-lot", "4", "--seed", "-1"] + out,
         "--seed: '-1' is not a whole number", 2, {}),
        ("min-size-zero", ["--parking-lot", "4", "--min-size", "0"] + out,
         "--min-size: 0 is out of range", 2, {}),
        ("load-span", ["--parking-lot", "4", "--workload", "pareto:1e10:0.5", "--load", "1e-6",
                       "--num-flows", "100"] + out,
         "more than the latest start time (1e6 s)", 1, {}),
    ]
    for name, args, msg, code, extra in workload:
        kw = {"absent": ["o.txt"] if code else []}
        kw.update(extra)
        c.append(usage("m3-workload", name, args, msg, exit=code, **kw))
    # ------------------------------------------------------------ m3-compare command line
    compare = [
        ("help", ["--help"], "Options (--key=value or --key value)", 0, {"stream": "stdout"}),
        ("help-short", ["-h"], "--num-flows", 0, {"stream": "stdout"}),
        ("num-flows-exponent-ok", ["--num-flows=1e2"], "100 flows", 0, {"stream": "stdout"}),
        ("num-flows-trailing", ["--num-flows=10abc"],
         "--num-flows: '10abc' is not a whole number", 2, {}),
        ("num-flows-empty", ["--num-flows="], "--num-flows: empty value", 2, {}),
        ("load-trailing", ["--load=0.5x"], "--load: '0.5x' is not a number", 2, {}),
        ("load-one-plus", ["--load=1.5"], "--load: 1.5 is out of range ((0, 1])", 2, {}),
        ("stray", ["results"], "'results': unexpected argument", 2, {}),
        ("unknown-suggest", ["--num-flow=5"], "--num-flow: unknown option (did you mean "
         "--num-flows?)", 2, {}),
        ("unknown", ["--colour=blue"], "--colour: unknown option", 2, {}),
        ("missing-value", ["--workload-seed"], "--workload-seed: missing value", 2, {}),
        ("twice", ["--load=0.3"], "--load: given twice", 2, {"base": ["--load=0.4"]}),
        ("mode", ["--mode=fast"], "--mode: 'fast' is not a mode", 2, {}),
        ("mode-repeated", ["--mode=flowsim,flowsim"], "'flowsim' is listed twice", 2, {}),
        ("sweep-form", ["--sweep=hpcc_eta"], "--sweep: 'hpcc_eta' is not KEY:V1,V2", 2, {}),
        ("sweep-value", ["--sweep=hpcc_eta:0.9,5"], "--sweep: hpcc_eta: 5 is out of range", 2,
         {}),
        ("sweep-key", ["--sweep=eta:0.9,0.8"], 'unknown key "eta"', 2, {}),
        ("path-samples-word", ["--mode=m3", "--path-samples=many"],
         "--path-samples: 'many' is not an unsigned integer", 2, {}),
        ("ci-level", ["--mode=m3", "--ci-level=2"], "--ci-level: 2 is out of range (in (0, 1))", 2,
         {}),
        ("stall-zero", ["--mode=packet", "--stall-ms=0"],
         "--stall-ms: 0 is out of range (> 0 and at most 1e9)", 2, {}),
        ("time-limit-huge", ["--mode=packet", "--time-limit=1e300"],
         "--time-limit: 1e300 is out of range (0 to 1e6)", 2, {}),
        ("path-samples-huge", ["--path-samples=1e12"],
         "--path-samples: 1e12 is out of range (1 to 1000000)", 2, {}),
        ("k-ary-odd", ["--k-ary=5"], "--k-ary: 5 is not an even K in 2..64", 2, {}),
        ("fat-tree-short", ["--fat-tree=2,16"], "--fat-tree: '2,16' is not PODS,RACKS,HOSTS",
         2, {}),
        ("parking-66", ["--parking-lot=66"], "--parking-lot: 66 is out of range (2..65)", 2,
         {}),
        ("hpcc-eta", ["--hpcc_eta=1e-7"], "hpcc_eta: 1e-7 is out of range", 2, {}),
        ("buffer-inf", ["--buffer_kb=1e300"], "buffer_kb: 1e300 is out of range", 2, {}),
        ("timely-thigh", ["--timely_thigh_us=1e15"], "timely_thigh_us: 1e15 is out of range",
         2, {}),
        ("cc", ["--cc=reno"], '"reno" is not a congestion control', 2, {}),
        ("attr-refused", ["--ns3::M3CcHpcc::Eta=0.8"],
         "--ns3::M3CcHpcc::Eta: set by the scenario's configuration: use --hpcc_eta", 2, {}),
        ("attr-buffer-refused", ["--ns3::M3SharedBuffer::BufferSize=100"],
         "use --buffer_kb", 2, {}),
        ("attr-rate-refused", ["--ns3::M3PortDevice::DataRate=1Gbps"],
         "set per link from the topology", 2, {}),
        ("attr-bad-value", ["--ns3::M3CcHpcc::MaxStage=abc"],
         "--ns3::M3CcHpcc::MaxStage=abc: not a whole number", 2, {}),
        ("attr-trailing", ["--ns3::M3Switch::Alpha=0.5x"], "Alpha=0.5x: not a number", 2, {}),
        ("attr-no-type", ["--ns3::M3Nope::X=1"], "no type ns3::M3Nope", 2, {}),
        ("attr-no-attribute", ["--ns3::M3Switch::Alfa=1"],
         "ns3::M3Switch has no attribute 'Alfa'", 2, {}),
        ("attr-time", ["--ns3::M3RdmaNic::NackInterval=5 parsecs"], "not a time", 2, {}),
        ("attr-ok", ["--ns3::M3Switch::Alpha=0.5"], "flows", 0, {"stream": "stdout"}),
        ("rngrun-word", ["--RngRun=abc"], "--RngRun=abc: not a whole number", 2, {}),
        ("rngrun-vs-seed", ["--mode=packet", "--RngRun=3", "--seed=2"],
         "--RngRun=3 and the configuration's seed 2 disagree", 1, {}),
        ("out-is-file", ["--out=o"], "--out=o: cannot create directory", 1,
         {"files": {"o": "x"}, "present": ["o"]}),
        ("pfc-log-dir", ["--mode=packet", "--pfc-log=no/p.txt"],
         "packet: --pfc-log: no/p.txt: directory no", 1, {}),
        ("k-ary-64-memory", ["--k-ary=64"], "--k-ary=64: the routing table needs about", 1,
         {"env": {"M3_MEMORY_LIMIT": "1e8"}}),
        ("packet-memory", ["--mode=flowsim,packet", "--k-ary=16"],
         "packet: --k-ary=16 --num-flows=20: the network needs about 93.4 MB", 1,
         {"env": {"M3_MEMORY_LIMIT": "5e7"}}),
        # refused from the topology and --num-flows, before 1e7 flows are drawn
        ("packet-memory-before-flows", ["--mode=flowsim,packet", "--k-ary=8", "--num-flows=1e7"],
         "packet: --k-ary=8 --num-flows=1e7: the network needs about 12.5 GB (384 links, "
         "10000000 flows)", 1, {"env": {"M3_MEMORY_LIMIT": "2e9"}, "timeout": 10}),
        ("packet-memory-flows-file", ["--mode=packet", "--k-ary=4", "--flows=f.txt"],
         "packet: --k-ary=4 --flows=f.txt: the network needs about 125.0 GB (48 links, "
         "100000000 flows)", 1,
         {"env": {"M3_MEMORY_LIMIT": "1e9"}, "timeout": 10,
          "files": {"f.txt": "# many\n\n100000000\n0 0 1 3 100 1000 0\n"}}),
        ("memory-limit-zero", [], "M3_MEMORY_LIMIT: '0' is not a positive number of bytes", 1,
         {"env": {"M3_MEMORY_LIMIT": "0"}}),
        ("flows-and-topology-file", ["--topology=nope.txt"], "nope.txt: cannot open", 1, {}),
        # an option's value the scenario cannot take: a usage error, as in m3-workload
        ("workload-unknown", ["--workload=webservr"], "unknown size distribution 'webservr'", 2,
         {}),
        ("workload-exp-huge", ["--workload=exp:1e300"],
         "--workload=exp:1e300: size distribution: mean 1e+300 must exceed", 2, {}),
        ("workload-exp-word", ["--workload=exp:big"], "expected exp:MEAN with numbers", 2, {}),
        ("workload-cdf-missing", ["--workload=./no.cdf"], "./no.cdf: cannot open", 1, {}),
        ("incast-host", ["--tm=incast:9:0.5"], "--tm=incast:9:0.5: node 9 is not a host", 2,
         {}),
        ("incast-fraction", ["--tm=incast:1:2"], "FRACTION must be in [0, 1]", 2, {}),
        ("tm-kind", ["--tm=gravity"], "--tm=gravity: expected uniform, matrix:FILE", 2, {}),
        ("two-topologies", ["--k-ary=4", "--parking-lot=4"],
         "give only one of --topology, --fat-tree, --k-ary, --parking-lot", 2, {}),
        ("config-keys-clash", ["--dcqcn_kmin_kb=500"],
         "dcqcn_kmin_kb (500) must not exceed dcqcn_kmax_kb", 2, {}),
    ]
    for name, args, msg, code, extra in compare:
        base = extra.pop("base", None)
        given = {a.split("=")[0] for a in args}
        topo = ("--parking-lot", "--k-ary", "--fat-tree", "--topology")
        scen = [a for a in SMALL if a.split("=")[0] not in given and
                not (a.startswith("--parking-lot") and given & set(topo))]
        if base:
            scen += base
        mode = [] if any(a.startswith("--mode") for a in args) else ["--mode=flowsim"]
        c.append(usage("m3-compare", name, mode + scen + args, msg, exit=code, **extra))
    # ------------------------------------------------------------ m3-gen-path command line
    gen = [
        ("help", ["--help"], "usage: m3-gen-path", 0, {"stream": "stdout"}),
        ("no-out", ["--n=3"], "--out: missing", 2, {}),
        ("n-1", ["--n=1", "--out=s.json"], "--n: 1 is out of range (2..65)", 2, {}),
        ("n-word", ["--n=five", "--out=s.json"], "--n: 'five' is not a whole number", 2, {}),
        ("flows-zero", ["--num-flows=0", "--out=s.json"], "--num-flows: 0 is out of range", 2,
         {}),
        ("stall-zero", ["--stall-ms=0", "--out=s.json"], "--stall-ms: 0 is out of range", 2, {}),
        ("seed-trailing", ["--config-seed=3x", "--out=s.json"], "'3x' is not a whole number", 2,
         {}),
        ("stray", ["--out=s.json", "now"], "'now': unexpected argument", 2, {}),
        ("out-dir-missing", ["--out=no/s.json", "--num-flows=10"],
         "--out: no/s.json: directory no", 1, {}),
        ("out-is-dir", ["--out=d", "--num-flows=10"], "--out: d is a directory", 1,
         {"dirs": ["d"]}),
        # the packet network's memory, refused before 1e7 flows are drawn
        ("memory-before-flows", ["--num-flows=1e7", "--out=s.json"],
         "packet: --n=5 --num-flows=10000000: the network needs about 12.5 GB", 1,
         {"env": {"M3_MEMORY_LIMIT": "2e9"}, "timeout": 10}),
    ]
    for name, args, msg, code, extra in gen:
        kw = {"absent": ["s.json"] if code else []}
        kw.update(extra)
        c.append(usage("m3-gen-path", name, args, msg, exit=code, **kw))
    # ------------------------------------------------------------ the other programs
    c += [
        usage("m3-estimators-example", "k-odd", ["--k-ary=5"], "--k-ary: 5 is not even"),
        usage("m3-estimators-example", "flows-zero", ["--num-flows=0"],
              "--num-flows: 0 is out of range"),
        usage("m3-estimators-example", "cc", ["--cc=cubic"], '"cubic" is not a congestion'),
        usage("m3-estimators-example", "old-flag", ["--flows=10"],
              "--flows: unknown option"),
        # m3-mpi (one rank): option values are usage errors, files input errors.
        # OpenMPI's MPI_Init leaves allocations of its plugins (unloaded by
        # then, so no suppression can name them) that LeakSanitizer reports;
        # the rest of ASan stays on in the sanitizer build.
        usage("m3-mpi", "load", ["--fat-tree=1,2,2,1", "--load=2"],
              "--load: '2' is not in (0, 1)", env=MPI_ENV),
        usage("m3-mpi", "workload-unknown", ["--fat-tree=1,2,2,1", "--workload=bogus"],
              "unknown size distribution 'bogus'", env=MPI_ENV),
        usage("m3-mpi", "fat-tree-oversub", ["--fat-tree=1,2,2,3"],
              "oversubscription 3:1 not supported", env=MPI_ENV),
        usage("m3-mpi", "topology-missing", ["--topology=nope.txt"], "nope.txt: cannot open",
              exit=1, env=MPI_ENV),
        usage("bench-flowsim", "unknown", ["--fast"], "--fast: unknown option"),
        usage("bench-flowsim", "reps", ["--reps=100"], "--reps: 100 is out of range (1..64)"),
        usage("bench-flowsim", "help", ["-h"], "usage: bench-flowsim", exit=0, stream="stdout"),
        usage("bench-m3", "flows-list", ["--flows=1,,2"], "--flows: '1,,2' is not N[,N...]"),
        usage("bench-m3", "threads", ["--threads=x"], "--threads: 'x' is not a whole number"),
        usage("bench-packet", "case", ["--case=k-ary-4"], "--case: 'k-ary-4' is not"),
        usage("bench-packet", "progress", ["--progress=-1"], "--progress: -1 is out of range"),
    ]
    return c

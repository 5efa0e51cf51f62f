/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3.h - the public API of the m3-ns3 C core.
 *
 * The core has no ns-3 dependency. It holds one scenario type (topology +
 * flows + network configuration) that both the packet mode (ns-3) and the
 * m3 mode (flowSim + model) consume, one routing implementation (shortest
 * paths, per-switch seeded ECMP), workload generation, the flowSim fluid
 * simulator and the FCT statistics.
 *
 * Conventions: opaque handles for objects with internals, plain structs for
 * plain data; every fallible call returns 0 on success or -1 on failure and
 * fills an m3_error whose message reads "file:line: what is wrong" for input
 * errors. Units: bytes, nanoseconds, bits per second.
 */
#ifndef M3_H
#define M3_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- errors */

typedef struct m3_error {
    char msg[512];
} m3_error;

/* ------------------------------------------------------------- constants */

#define M3_MTU_DEFAULT 1000u /* payload bytes per packet */
#define M3_HEADER_BYTES 48u  /* L2 + IPv4 + UDP + seq header (no INT) */
#define M3_MAX_PATH_LINKS 64 /* longest route the core handles */

/* ---------------------------------------------------------------- limits */

/* What the models accept. Every reader, builder and setter refuses a value
 * outside these ranges up front, naming the file and line or the flag, so
 * that no simulation starts on input it cannot run. They are chosen so that
 * the largest flow at the slowest rate, started at the latest start time,
 * still ends inside ns-3's time range (signed 64-bit ns, about 292 years)
 * and flowSim's double-precision clock keeps nanosecond resolution:
 * 1 TB at 1 Mbps takes 8e6 s, and 1e6 s + 8e6 s is 9e15 ns. */
#define M3_RATE_MIN_BPS 1e6                    /* 1 Mbps, slowest link or cap */
#define M3_RATE_MAX_BPS 1e15                   /* 1 Pbps, fastest link or cap */
#define M3_DELAY_MAX_NS 1000000000ull          /* 1 s, longest link delay */
#define M3_FLOW_MAX_BYTES 1000000000000ull     /* 1 TB, largest flow */
#define M3_PACKET_FLOW_MAX_BYTES 4294967295ull /* packet mode: 32-bit sequence numbers */
#define M3_START_MAX_NS 1000000000000000ull    /* 1e6 s (11.6 days), latest start */

/* ---------------------------------------------------------------- numbers in text */

/* The one number syntax of every reader and command-line tool: an optional
 * sign, digits with an optional fraction, an optional exponent, and nothing
 * else (no spaces, hexadecimal, inf or nan, nothing after the number).
 * Overflow (1e999) and underflow (1e-999) are refused, not rounded to
 * infinity or zero. Each returns 0, or -1 when the text is not such a
 * number; the range-checked ones return -2 when it is, but out of range. */
int m3_parse_double(const char *s, double *out);
/* Digits only, 0..UINT64_MAX (file fields: ids, sizes, node ids). */
int m3_parse_u64(const char *s, uint64_t *out);
/* A whole number 0..max written as digits or in the decimal syntax above
 * when its value is exactly an integer: "1000", "1e3" and "2.5e3" are
 * accepted, "1.5", "1e-3" and "10abc" are not (-1); above max is -2. */
int m3_parse_count(const char *s, uint64_t max, uint64_t *out);
/* A rate: a number and an optional unit bps, Kbps (or kbps), Mbps, Gbps,
 * Tbps; -2 outside M3_RATE_MIN_BPS..M3_RATE_MAX_BPS. */
int m3_parse_rate(const char *s, double *bps);
/* A delay: a number and a unit s, ms, us or ns, rounded to the ns; -2 when
 * negative or above M3_DELAY_MAX_NS. */
int m3_parse_delay(const char *s, uint64_t *ns);

/* The writers' number formatting, without printf: the text is written at
 * `p` (no terminating NUL) and the end returned. m3_format_u64 is "%llu";
 * m3_format_fixed is exactly printf's "%.*f" with `decimals` 0..9
 * (correctly rounded, ties to even), at most M3_FORMAT_FIXED_MAX chars. */
#define M3_FORMAT_FIXED_MAX 330
char *m3_format_u64(char *p, uint64_t v);
char *m3_format_fixed(char *p, double v, int decimals);

/* ---------------------------------------------------------------- output files */

/* Writes a file through a temporary of its own, `path.tmp.XXXXXX` (created
 * exclusively, so no existing file or directory is ever truncated or
 * removed), renamed over `path` on commit: a failure at any point leaves
 * `path` as it was and removes only the temporary this writer created. */
typedef struct m3_atomic_file {
    FILE *fp;
    char *path, *tmp;
} m3_atomic_file;
int m3_atomic_open(m3_atomic_file *af, const char *path, m3_error *err);
int m3_atomic_commit(m3_atomic_file *af, m3_error *err);
void m3_atomic_abort(m3_atomic_file *af);
/* Checks up front, before any work, that `path` can be written by the
 * writer above: its directory exists and is writable, and `path` is not a
 * directory. `flag` ("--out", may be NULL) prefixes the message. */
int m3_check_output_path(const char *path, const char *flag, m3_error *err);

/* ---------------------------------------------------------------- memory */

/* Physical memory of this machine in bytes; the environment variable
 * M3_MEMORY_LIMIT (bytes, e.g. 8e9) replaces it when set (to anything but
 * a positive number, it makes m3_memory_check refuse). */
double m3_memory_limit_bytes(void);
/* Refuses work that needs more than m3_memory_limit_bytes(): 0 when
 * `need_bytes` fits, else -1 and "WHAT needs about 35.3 TB (DETAIL), more
 * than the 23.4 GB of memory of this machine". */
int m3_memory_check(double need_bytes, const char *what, const char *detail, m3_error *err);
/* Formats a byte count as "23.4 GB" (decimal units) into buf. */
const char *m3_format_bytes(double bytes, char *buf, size_t size);

/* ---------------------------------------------------------------- topology */

typedef struct m3_topology m3_topology;

typedef struct m3_link {
    uint32_t a, b;     /* endpoint node ids */
    double rate_bps;   /* line rate, bits per second */
    uint64_t delay_ns; /* one-way propagation delay */
    double error_rate; /* probability a frame is lost on the link, 0..1: the
                            * packet mode drops frames with it (M3PortDevice
                            * ErrorRate); flowSim and m3 do not model loss and
                            * warn when it is non-zero */
} m3_link;

/* Builds an empty topology of `nodes` nodes (all hosts until marked). */
m3_topology *m3_topology_new(uint32_t nodes, m3_error *err);
void m3_topology_free(m3_topology *t);
int m3_topology_set_switch(m3_topology *t, uint32_t node, m3_error *err);
/* Adds an undirected link; returns its index or -1. */
int m3_topology_add_link(m3_topology *t, const m3_link *l, m3_error *err);

uint32_t m3_topology_num_nodes(const m3_topology *t);
uint32_t m3_topology_num_links(const m3_topology *t);
int m3_topology_is_switch(const m3_topology *t, uint32_t node);
const m3_link *m3_topology_link(const m3_topology *t, uint32_t link);
/* The number of links with a non-zero error_rate, and (when `worst` is not
 * NULL) the largest rate: the fluid modes, which model no losses, warn with
 * it. */
uint32_t m3_topology_lossy_links(const m3_topology *t, double *worst);
/* Hosts in increasing id order. */
uint32_t m3_topology_num_hosts(const m3_topology *t);
uint32_t m3_topology_host(const m3_topology *t, uint32_t i);

/* Directed links: undirected link i gives 2i (a -> b) and 2i+1 (b -> a). */
static inline uint32_t m3_dlink_src(const m3_topology *t, uint32_t d)
{
    const m3_link *l = m3_topology_link(t, d >> 1);
    return (d & 1) ? l->b : l->a;
}
static inline uint32_t m3_dlink_dst(const m3_topology *t, uint32_t d)
{
    const m3_link *l = m3_topology_link(t, d >> 1);
    return (d & 1) ? l->a : l->b;
}
/* Directed links leaving `node`, in the order the links were added. */
uint32_t m3_topology_degree(const m3_topology *t, uint32_t node);
uint32_t m3_topology_out_dlink(const m3_topology *t, uint32_t node, uint32_t i);

/* The community text format (packet-model.md section 6). Input rules the
 * reader enforces, each refusal as "path:line: what is wrong": a header
 * line "nodes switches links" (nodes 1..2^24, switches <= nodes, links
 * <= 2^30); the switch ids on one line (absent when there are none), each
 * a node id once; exactly `links` lines "a b rate delay error_rate" with
 * a != b, the rate a number with an optional unit (bps, Kbps, Mbps, Gbps,
 * Tbps) within M3_RATE_MIN_BPS..M3_RATE_MAX_BPS, the delay a number with
 * a unit (s, ms, us, ns) at most M3_DELAY_MAX_NS, error_rate in [0, 1];
 * every host (node not listed as a switch) with a link; nothing after.
 * '#' starts a comment; blank lines and CRLF line ends are accepted. */
m3_topology *m3_topology_read(const char *path, m3_error *err);
int m3_topology_write(const m3_topology *t, const char *path, m3_error *err);

/* Built-in topologies. */
/* m3's parking lot of n line positions (n >= 2). Hosts 0..n-1 are the
 * positions, so a flow "from position i to j" is a flow from host i to host
 * j. Line link l (l = 0..n-2, topology link index l) joins position l and
 * l+1: the first and last are `edge_bps`, inner ones `inner_bps`. Inner
 * positions 1..n-2 are switches n..2n-3, each with its host attached by a
 * link of `mid_host_bps` and no propagation delay (links n-1..2n-4); hosts
 * 0 and n-1 sit directly on the end links. Line links have `delay_ns`. */
m3_topology *m3_topology_parking_lot(uint32_t n, double edge_bps, double inner_bps,
                                     double mid_host_bps, uint64_t delay_ns, m3_error *err);
/* Switch node id of line position p (the host itself for p = 0, n-1). */
uint32_t m3_parking_lot_position_node(uint32_t n, uint32_t p);
/* The same line with `mid_hosts` (1..M3_PARKING_LOT_MAX_MID_HOSTS) hosts on
 * every mid-path switch, each on a `mid_host_bps` link: as a fat-tree
 * switch receives a path's flows from many ports, not one (doc/m3.rst,
 * "Results"). mid_hosts 1 is m3_topology_parking_lot. Node ids: hosts
 * 0..n-1 and switches n..2n-3 as there, then the other hosts of each mid
 * position (m3_parking_lot_host). */
#define M3_PARKING_LOT_MAX_MID_HOSTS 64
m3_topology *m3_topology_parking_lot_hosts(uint32_t n, double edge_bps, double inner_bps,
                                           double mid_host_bps, uint32_t mid_hosts,
                                           uint64_t delay_ns, m3_error *err);
/* Node id of host k (0..mid_hosts-1) of line position p; p itself for
 * k = 0 and for the end positions. */
uint32_t m3_parking_lot_host(uint32_t n, uint32_t mid_hosts, uint32_t p, uint32_t k);

/* m3's evaluation fat-tree: pods x racks x hosts; 2 fabric switches per
 * pod, each rack switch has one uplink to each; spine planes: 2 planes
 * (one per fabric index) of `spines_per_plane` switches; oversub 1, 2, 4
 * sets spines_per_plane = racks / oversub. Host links `host_bps`, fabric
 * `fabric_bps`, every link `delay_ns`. Node ids: hosts first. */
m3_topology *m3_topology_fat_tree_m3(uint32_t pods, uint32_t racks, uint32_t hosts,
                                     uint32_t oversub, double host_bps, double fabric_bps,
                                     uint64_t delay_ns, m3_error *err);
/* Classic k-ary fat-tree (k even): k^3/4 hosts, k pods of k/2 edge and k/2
 * aggregation switches, (k/2)^2 core switches. Hosts first. */
m3_topology *m3_topology_fat_tree_k(uint32_t k, double host_bps, double fabric_bps,
                                    uint64_t delay_ns, m3_error *err);

/* ---------------------------------------------------------------- flows */

typedef struct m3_flow {
    uint64_t id;
    uint32_t src, dst;     /* host node ids */
    uint32_t pg;           /* priority group */
    uint32_t sport, dport; /* sport assigned per source from 10000 up */
    uint64_t size;         /* bytes */
    uint64_t start_ns;
} m3_flow;

typedef struct m3_flows {
    m3_flow *v;
    size_t n, cap;
} m3_flows;

/* Moves flows given in positions (src/dst 0..n-1) onto the hosts of
 * m3_topology_parking_lot_hosts: each mid-position end goes to one of its
 * position's hosts, chosen by a hash of (flow index, end), so that the
 * choice is reproducible; the ends 0 and n-1 stay; source ports are
 * assigned again. No-op for mid_hosts 1. */
void m3_parking_lot_spread_flows(m3_flows *f, uint32_t n, uint32_t mid_hosts);

void m3_flows_init(m3_flows *f);
void m3_flows_free(m3_flows *f);
int m3_flows_push(m3_flows *f, const m3_flow *fl, m3_error *err);
/* Assigns source ports like the original simulator: per source host, 10000,
 * 10001, ... in flow order. Readers and generators call it. */
void m3_flows_assign_sports(m3_flows *f);
/* 1 when both hold the same flows, field by field, in the same order. */
int m3_flows_equal(const m3_flows *a, const m3_flows *b);
/* Reads `N` then `id src dst pg dport size start_s` lines, or the older form
 * without id (ids become 0..N-1). Start times are rounded to the ns. If `t`
 * is given, src/dst must be distinct hosts of it. */
int m3_flows_read(const char *path, const m3_topology *t, m3_flows *out, m3_error *err);
/* Input rules every flows file follows (both readers enforce them, with
 * "path:line" in each message): the first field line holds the count N and
 * exactly N flow lines follow, all of one form; ids, node ids, pg, dport and
 * size are plain digits; src and dst are distinct hosts; pg is 0..7, dport
 * 0..65535, size 1..M3_FLOW_MAX_BYTES; start times are decimal seconds
 * (2.5e-3 allowed), at most M3_START_MAX_NS, and never decrease from one
 * line to the next (flows sorted by start time). */
struct m3_routing;
/* m3_flows_read on r's topology that also checks every flow has a route of
 * at most M3_MAX_PATH_LINKS links ("flows.txt:7: no route from host 3 to
 * host 9 in the topology"). */
int m3_flows_read_routed(const char *path, const struct m3_routing *r, m3_flows *out,
                         m3_error *err);
int m3_flows_write(const m3_flows *f, const char *path, m3_error *err);

/* ---------------------------------------------------------------- config */

typedef enum m3_cc { M3_CC_DCTCP = 0, M3_CC_HPCC, M3_CC_DCQCN, M3_CC_TIMELY, M3_CC_COUNT } m3_cc;

typedef struct m3_config {
    m3_cc cc;
    double buffer_kb;    /* switch shared buffer */
    double window_bytes; /* fixed window; 0 = no window */
    int pfc;             /* 0 or 1 */
    uint32_t mtu;        /* payload bytes */
    double dctcp_k_kb;   /* at 10 Gbps; scaled with port rate */
    double dcqcn_kmin_kb, dcqcn_kmax_kb;
    double hpcc_eta;
    double hpcc_ai_mbps;
    double timely_tlow_us, timely_thigh_us;
    double base_rtt_us;
    double nic_rate_gbps; /* per-flow rate cap (m3's "max rate"); 0 = the host link rate */
    uint64_t seed;
} m3_config;

void m3_config_default(m3_config *c);
const char *m3_cc_name(m3_cc cc);
/* Sets one key from its text value; `where` ("file:line" or "--flag")
 * prefixes errors. Unknown keys suggest the nearest known key. */
int m3_config_set(m3_config *c, const char *key, const char *value, const char *where,
                  m3_error *err);
/* `key = value` lines; '#' starts a comment. */
int m3_config_read(const char *path, m3_config *c, m3_error *err);
int m3_config_write(const m3_config *c, const char *path, m3_error *err);
/* Checks ranges and cross-field constraints (e.g. dcqcn kmin <= kmax). */
int m3_config_validate(const m3_config *c, m3_error *err);
/* NULL-terminated list of the known keys. */
const char *const *m3_config_keys(void);

/* Training configurations (m3-method.md section 7; the buffer range is ours,
 * chosen so that the switches' shared pools cover those of m3's fat-tree:
 * doc/training.rst). One row per sampled key, in draw order. */
typedef struct m3_config_range {
    const char *key; /* an m3_config key */
    double lo, hi;   /* uniform draw range (cc, pfc: index ranges) */
} m3_config_range;
/* NULL-key-terminated table of the ranges m3_config_sample draws from. */
const m3_config_range *m3_config_training_ranges(void);
/* Draws one configuration from `seed`: cc uniform over the four, each of its
 * parameters uniform over its range, the other CCs' parameters at their
 * defaults, PFC on or off (always on for DCQCN), nic_rate_gbps 10.
 * Deterministic: the same seed gives the same configuration. */
int m3_config_sample(uint64_t seed, m3_config *c, m3_error *err);

/* ---------------------------------------------------------------- scenario */

/* The one scenario type both modes run. Owns its topology and flows. */
typedef struct m3_scenario {
    m3_topology *topo;
    m3_flows flows;
    m3_config config;
} m3_scenario;

void m3_scenario_init(m3_scenario *s);
void m3_scenario_free(m3_scenario *s);

/* ---------------------------------------------------------------- routing */

typedef struct m3_routing m3_routing;

/* Shortest paths over switches (hosts are never transit), ECMP by a 32-bit
 * hash of (src ip, dst ip, sport, dport) seeded with the switch id. */
m3_routing *m3_routing_new(const m3_topology *t, m3_error *err);
void m3_routing_free(m3_routing *r);
/* The topology the routing was built on. */
const m3_topology *m3_routing_topology(const m3_routing *r);
/* Bytes m3_routing_new allocates for `t`: a 16-bit distance per node for
 * every switch that hosts hang off (and every host with more than one
 * link), and a 32-bit next-hop entry per switch for each of those (plus
 * each switch's distinct next-hop sets, a few per port, not counted);
 * m3_routing_new refuses, with this number, a topology whose table
 * exceeds m3_memory_limit_bytes(). A route then costs O(path length). */
double m3_routing_memory_bytes(const m3_topology *t);
/* The IPv4 address of a node, as the original simulator numbers them. */
uint32_t m3_node_ip(uint32_t node);
/* The hash the switches use; exposed for tests. */
uint32_t m3_ecmp_hash(uint32_t sip, uint32_t dip, uint16_t sport, uint16_t dport, uint32_t seed);
/* Next directed link from `node` towards host `dst` for a packet with this
 * 5-tuple. Returns -1 when `dst` is unreachable. The packet simulator calls
 * it per packet; the path query below is built on it. */
int m3_routing_next(const m3_routing *r, uint32_t node, uint32_t dst, uint32_t sip, uint32_t dip,
                    uint16_t sport, uint16_t dport);
/* Hop count from `node` to host `dst` (-1 unreachable). */
int m3_routing_distance(const m3_routing *r, uint32_t node, uint32_t dst);
/* The directed links of a flow's path, returns the count or -1. */
int m3_routing_path(const m3_routing *r, const m3_flow *f, uint32_t *dlinks, int max,
                    m3_error *err);

/* Flow indexes: flow -> path, path -> links and foreground flows,
 * directed link -> flows crossing it. */
typedef struct m3_route_index m3_route_index;

/* Memory: per flow 8 bytes (its path; its place in the path's list) and
 * 4 bytes per link it crosses (the per-link lists); per distinct path 8
 * bytes and 4 per link, up to twice that while the arrays grow, plus,
 * while the paths are found (freed before the per-link lists are built),
 * a hash table of 8 bytes x 1.4 to 2.9 slots per path, or per path
 * extrapolated from the first 64th of the flows (at most one per flow).
 * With a path of its own per flow and 6 links, 64 bytes per flow kept and
 * at the peak (measured: 1,200 MB for 20M flows on the 6,144-host
 * fat-tree). Time: linear in flows x hops: per flow one route (O(path
 * length), m3_routing_next), one hash lookup (its cache miss overlapped
 * with the next flows' routing) and one append per link; 0.30 us per flow
 * at 1M and 5M flows, 0.42 at 20M (more of the table's misses go to
 * memory), doc/scale.rst. */
m3_route_index *m3_route_index_new(const m3_routing *r, const m3_flows *f, m3_error *err);
void m3_route_index_free(m3_route_index *x);
uint32_t m3_route_index_num_paths(const m3_route_index *x);
uint32_t m3_route_index_flow_path(const m3_route_index *x, size_t flow);
/* Links of a path; *n receives the count. */
const uint32_t *m3_route_index_path_links(const m3_route_index *x, uint32_t path, uint32_t *n);
/* Flows (indices into the flow array) whose route is exactly this path. */
const uint32_t *m3_route_index_path_flows(const m3_route_index *x, uint32_t path, size_t *n);
/* Flows crossing a directed link, in increasing flow index. */
const uint32_t *m3_route_index_link_flows(const m3_route_index *x, uint32_t dlink, size_t *n);
/* The flows the index was built on. */
size_t m3_route_index_num_flows(const m3_route_index *x);

/* ---------------------------------------------------------------- workloads */

typedef enum m3_size_kind {
    M3_SIZE_CDF = 0,   /* empirical CDF (built-in name or file) */
    M3_SIZE_EXP,       /* exponential with mean */
    M3_SIZE_GAUSSIAN,  /* positive Gaussian with mean, sigma/mean = shape (0: 0.5) */
    M3_SIZE_LOGNORMAL, /* log-normal with mean, shape sigma */
    M3_SIZE_PARETO     /* generalised Pareto with mean, shape xi */
} m3_size_kind;

typedef struct m3_size_dist m3_size_dist;

/* Built-in empirical distributions: "websearch", "hadoop", "webserver",
 * "cache", "rpc". NULL-terminated list. */
const char *const *m3_size_dist_builtin_names(void);
m3_size_dist *m3_size_dist_builtin(const char *name, m3_error *err);
/* A CDF file: lines `size_bytes cumulative_probability`, increasing. */
m3_size_dist *m3_size_dist_read(const char *path, m3_error *err);
/* Synthetic: `shape` is sigma for log-normal, xi in (0, 1) for Pareto,
 * sigma/mean of the untruncated normal for Gaussian (0 = 0.5), unused for
 * exponential. Sizes are at least `min_bytes` (m3: 50) and at most 1 TB;
 * the scale is solved so the mean after both clamps is `mean_bytes`. */
m3_size_dist *m3_size_dist_synthetic(m3_size_kind kind, double mean_bytes, double shape,
                                     uint64_t min_bytes, m3_error *err);
void m3_size_dist_free(m3_size_dist *d);
/* The exact mean of the sizes the sampler returns. */
double m3_size_dist_mean(const m3_size_dist *d);

typedef enum m3_arrival_kind { M3_ARRIVAL_POISSON = 0, M3_ARRIVAL_LOGNORMAL } m3_arrival_kind;
typedef enum m3_tm_kind { M3_TM_UNIFORM = 0, M3_TM_MATRIX, M3_TM_INCAST } m3_tm_kind;

typedef struct m3_workload_spec {
    const m3_size_dist *sizes;
    m3_arrival_kind arrival;
    double burst_sigma; /* log-normal inter-arrival shape */
    m3_tm_kind tm;
    /* M3_TM_MATRIX: rack-to-rack weights, racks x racks, row-major; hosts
     * of rack r are rack_of[h] == r. */
    const double *matrix;
    uint32_t racks;
    const uint32_t *rack_of; /* per host index (m3_topology_host order) */
    /* M3_TM_INCAST: `incast_fraction` of flows go to `hotspot` host. */
    uint32_t hotspot;
    double incast_fraction;
    double load; /* target utilisation of the busiest link */
    size_t num_flows;
    uint64_t seed;
} m3_workload_spec;

/* Generates flows so that the busiest directed link (with `r`'s routing)
 * carries `load` of its capacity on average. */
int m3_workload_generate(const m3_topology *t, const m3_routing *r, const m3_workload_spec *w,
                         m3_flows *out, m3_error *err);

/* Racks for M3_TM_MATRIX: a host's rack is the switch it attaches to,
 * numbered in order of first appearance over hosts. `rack_of` receives one
 * entry per host (m3_topology_host order). Returns the rack count or -1. */
int m3_host_racks(const m3_topology *t, uint32_t *rack_of, m3_error *err);
/* Reads a racks x racks weight matrix (row = source rack), one row per
 * line, whitespace-separated weights >= 0, '#' comments. */
int m3_tm_read(const char *path, uint32_t racks, double *matrix, m3_error *err);

/* m3's path-workload recipe (m3-method.md section 7) on a parking lot of
 * n hosts: foreground pair (0, n-1) plus random pairs. */
int m3_workload_path_m3(uint32_t n, size_t num_flows, uint64_t seed, m3_flows *out, m3_error *err);

/* The parameters the recipe drew, for labelling generated data. */
typedef struct m3_path_workload_info {
    uint32_t n;         /* line positions */
    uint32_t num_pairs; /* host pairs with traffic, foreground included */
    double pair_p;      /* the p of the pair weights U(0,1) p / pairs */
    double fg_weight;   /* foreground share of the flows (normalised) */
    m3_size_kind size_kind;
    double size_mean;       /* bytes */
    double size_shape;      /* as in m3_size_dist_synthetic */
    double burst_sigma;     /* log-normal inter-arrival shape */
    double max_load;        /* load of the most loaded line link */
    uint32_t max_load_link; /* that line link (joins positions l, l+1) */
} m3_path_workload_info;

/* Same as m3_workload_path_m3; `info` (may be NULL) receives the draws. */
int m3_workload_path_m3_ex(uint32_t n, size_t num_flows, uint64_t seed, m3_flows *out,
                           m3_path_workload_info *info, m3_error *err);
/* The recipe's arrival process, widened beyond m3's (log-normal sigma
 * U[1, 2] for every sample): a share of Poisson samples and a sigma range.
 * Fat-tree workloads are often Poisson or weakly bursty, which m3's
 * recipe never draws (doc/m3.rst, "Results"). The default, m3's, draws
 * the same random stream as m3_workload_path_m3. */
typedef struct m3_path_recipe {
    double burst_lo, burst_hi; /* log-normal sigma U[lo, hi], 0 <= lo <= hi <= 5 */
    double poisson_share;      /* probability of Poisson arrivals (burst_sigma 0) */
} m3_path_recipe;
void m3_path_recipe_default(m3_path_recipe *rc); /* 1, 2, 0 */
int m3_workload_path_recipe(uint32_t n, size_t num_flows, uint64_t seed, const m3_path_recipe *rc,
                            m3_flows *out, m3_path_workload_info *info, m3_error *err);

/* ---------------------------------------------------------------- lines */

/* A path as a line ("parking lot", m3-method.md section 2 step 4): n
 * positions, line link l (l = 0..n-2) joins positions l and l+1. A flow
 * from position i to j (i < j) crosses links i..j-1; i > j runs on the
 * reverse direction's own links. Plain data: no allocation. */
#define M3_LINE_MAX_POSITIONS (M3_MAX_PATH_LINKS + 1)
typedef struct m3_line {
    uint32_t n;                           /* positions, 2..M3_LINE_MAX_POSITIONS */
    double link_bps[M3_MAX_PATH_LINKS];   /* rate of line link l */
    uint64_t delay_ns[M3_MAX_PATH_LINKS]; /* propagation delay of line link l */
    double cap_bps;                       /* per-flow rate cap (NIC); 0 = none */
} m3_line;
/* The functions on lines follow flowSim's section below. */

/* ---------------------------------------------------------------- flowSim */

/* The engines that compute flowSim on a routed topology (doc/flowsim.rst).
 * All give the same FCTs (the tests compare each with the naive oracle
 * flow by flow); they differ in cost. */
typedef enum m3_flowsim_engine {
    M3_FLOWSIM_AUTO = 0,    /* the line engine when the routed flows form a line of at
                             * most 11 positions (m3_flowsim_auto_engine), else the
                             * incremental one */
    M3_FLOWSIM_INCREMENTAL, /* any topology: an event re-solves only the rates it can
                             * change; its cost does not grow with the active flows */
    M3_FLOWSIM_LINE,        /* lines only (fails when the flows do not form one) */
    M3_FLOWSIM_FULL,        /* any topology: the whole allocation at every rate-changing
                             * event (the previous engine: a baseline, a second oracle) */
    M3_FLOWSIM_NAIVE,       /* the reference algorithm (m3_flowsim_run_naive) */
    M3_FLOWSIM_ENGINE_COUNT
} m3_flowsim_engine;

typedef struct m3_flowsim_opts {
    double rate_cap_bps; /* per-flow cap (NIC), 0 = none; lines carry their own */
    uint32_t mtu;        /* payload per packet for the header overhead */
    uint32_t header_bytes;
    m3_flowsim_engine engine; /* m3_flowsim_run's engine (default M3_FLOWSIM_AUTO) */
} m3_flowsim_opts;

void m3_flowsim_opts_default(m3_flowsim_opts *o);
/* "auto", "incremental", "line", "full", "naive"; NULL out of range. */
const char *m3_flowsim_engine_name(m3_flowsim_engine e);
/* The engine of that name: 0, or -1 for an unknown name. */
int m3_flowsim_engine_parse(const char *name, m3_flowsim_engine *e);
/* Bits on the wire for a flow of `size` bytes. */
double m3_wire_bits(uint64_t size, uint32_t mtu, uint32_t header);

/* Max-min fair fluid simulation with the engine o->engine. `fct_ns`
 * receives one fluid FCT per flow (input order). Flows on the same path
 * form one class (max-min gives them one rate). */
int m3_flowsim_run(const m3_topology *t, const m3_routing *r, const m3_flows *f,
                   const m3_flowsim_opts *o, double *fct_ns, m3_error *err);
/* The engine M3_FLOWSIM_AUTO runs for these flows: M3_FLOWSIM_LINE when
 * the routed flows form a line of 2..11 positions, else
 * M3_FLOWSIM_INCREMENTAL; -1 on error. A line: one routed path P holds a
 * contiguous run of every flow's links (P's direction or the reverse),
 * and each other link a flow crosses can never bind, because its capacity
 * is at least the sum, over the directions of its flows, of the smallest
 * capacity on P that all of them cross (the hosts of a parking lot on
 * ideal links; or on host-rate links, when they all send one way). Costs
 * one route index (O(flows x path length)). */
int m3_flowsim_auto_engine(const m3_topology *t, const m3_routing *r, const m3_flows *f,
                           const m3_flowsim_opts *o, m3_error *err);
/* m3_flowsim_run on flows already routed and indexed (`x`: m3_route_index_new
 * of a routing on `t` and these flows), so that a caller that has the
 * index pays for it once; the naive engine runs on the index's paths. */
int m3_flowsim_run_indexed(const m3_topology *t, const m3_route_index *x, const m3_flows *f,
                           const m3_flowsim_opts *o, double *fct_ns, m3_error *err);
/* Same on a line (see "lines" below): flow src < dst uses line links
 * src .. dst-1 (src > dst the reverse direction's own links). The per-flow
 * cap is the line's cap_bps (m3_flowsim_opts has no part here: the line
 * carries its cap, `mtu` and `header` give the wire bits). */
int m3_flowsim_run_line(const m3_line *l, const m3_flows *f, uint32_t mtu, uint32_t header,
                        double *fct_ns, m3_error *err);
/* The reference algorithm (m3's): recompute the allocation from scratch over
 * all active flows at every event. Oracle for tests, baseline for bench. */
int m3_flowsim_run_line_naive(const m3_line *l, const m3_flows *f, uint32_t mtu, uint32_t header,
                              double *fct_ns, m3_error *err);
/* flowSim as an estimator of packet-level FCTs: per flow the fluid FCT,
 * the fluid FCT plus the path's base delay (propagation and first-packet
 * store-and-forward), and the ideal FCT. Any output may not be NULL. */
int m3_flowsim_estimate(const m3_topology *t, const m3_routing *r, const m3_flows *f,
                        const m3_flowsim_opts *o, double *fluid_ns, double *fct_ns,
                        double *ideal_ns, m3_error *err);
/* Its second step on an index (as m3_flowsim_run_indexed): from the fluid
 * FCTs, each flow's ideal FCT and estimate (fluid plus base delay); each
 * path's rates and delays are looked up once. O(flows x path length). */
int m3_flowsim_estimate_from_fluid(const m3_topology *t, const m3_route_index *x, const m3_flows *f,
                                   const m3_flowsim_opts *o, const double *fluid_ns, double *fct_ns,
                                   double *ideal_ns, m3_error *err);
/* The same reference algorithm on any routed topology. */
int m3_flowsim_run_naive(const m3_topology *t, const m3_routing *r, const m3_flows *f,
                         const m3_flowsim_opts *o, double *fct_ns, m3_error *err);

/* ---------------------------------------------------------------- lines: functions */

/* The one validity check of a line that every line user calls (flowSim's
 * line engines included): n in 2..M3_LINE_MAX_POSITIONS, rates finite and
 * > 0, delays below 1 s, cap finite and >= 0. The message names the bad
 * link and its value. */
int m3_line_check(const m3_line *l, m3_error *err);
/* m3's preset: first and last link `edge_bps`, inner links `inner_bps`,
 * every link `delay_ns`, flows capped at `cap_bps`. */
int m3_line_preset(m3_line *l, uint32_t n, double edge_bps, double inner_bps, uint64_t delay_ns,
                   double cap_bps, m3_error *err);
/* The line of a routed path: its directed links in order, host to host
 * (contiguous: each link starts where the previous one ends), 1..
 * M3_MAX_PATH_LINKS of them; link l of the path becomes line link l. */
int m3_line_from_path(m3_line *l, const m3_topology *t, const uint32_t *dlinks, int nlinks,
                      double cap_bps, m3_error *err);
/* Ideal FCT (packet-model.md section 5) of a flow over line links
 * [min(src,dst), max(src,dst)) under the line's cap; 0 when src == dst,
 * NaN when a position is off the line or mtu is 0. Links are taken in
 * the order the flow crosses them: the result is m3_ideal_fct_ns's on the
 * routed path the line stands for, to the last bit. */
double m3_line_ideal_ns(const m3_line *l, uint32_t src, uint32_t dst, uint64_t size, uint32_t mtu,
                        uint32_t header);
/* flowSim on a line, the one entry point for a path's flowSim slowdowns:
 * flows name positions as src/dst. Per flow: the pure fluid FCT, the fluid
 * FCT plus the base delay (propagation and first-packet store-and-forward
 * over its links), and the ideal FCT; any output may be NULL. The base
 * delay is the ideal FCT less the flow's wire bits at its bottleneck (cap
 * included), clipped at >= 0, as m3_flowsim_estimate computes it: a flow
 * alone gets fct == ideal whenever that difference is >= 0. */
int m3_line_flowsim(const m3_line *l, const m3_flows *f, uint32_t mtu, uint32_t header,
                    double *fluid_ns, double *fct_ns, double *ideal_ns, m3_error *err);

/* ---------------------------------------------------------------- switch memory */

/* The switch memory layout of the packet mode (M3Switch, M3SharedBuffer
 * defaults): per port a PFC headroom of RTTS x rate x delay / 8 + EXTRA
 * bytes and one reserve; the rest of the buffer is the shared pool whose
 * dynamic threshold decides PFC and drops. */
#define M3_PFC_HEADROOM_RTTS 3.0
#define M3_PFC_HEADROOM_EXTRA_BYTES 2244
#define M3_RESERVE_BYTES (4 * 1024) /* per port, as M3SharedBuffer counts it */
/* The shared pool of switch `node` with `buffer_bytes` of memory: the
 * buffer less every port's headroom and reserve (negative when they exceed
 * it: pause storms with PFC on). A port is a link of the node; its
 * headroom's rate x delay part is rounded to the byte as M3Switch rounds
 * it (llround), so the pool equals M3SharedBuffer's
 * B - total headroom - total reserve for the same switch. NaN when `node`
 * is not in the topology. */
double m3_switch_pool_bytes(const m3_topology *t, uint32_t node, double buffer_bytes);

/* ---------------------------------------------------------------- features */

/* The feature map (m3-method.md section 4, doc/features.rst). The schema is
 * data with a version: datasets and checkpoints record it, and a checkpoint
 * of another schema is refused. */
#define M3_FEAT_VERSION 2
#define M3_FEAT_IN_BUCKETS 10
#define M3_FEAT_PCTS 100
#define M3_FEAT_OUT_BUCKETS 4

typedef struct m3_feature_field {
    const char *name;
    double lo, hi; /* the value fed is (x - lo) / (hi - lo) */
} m3_feature_field;

typedef struct m3_feature_schema {
    int version;
    int in_buckets;             /* flowSim slowdown buckets by size */
    const uint64_t *in_bounds;  /* in_buckets - 1 inner boundaries, bytes */
    int pcts;                   /* percentiles p1..p100 per bucket */
    int out_buckets;            /* predicted buckets */
    const uint64_t *out_bounds; /* out_buckets - 1 inner boundaries */
    int num_fields;             /* scalar fields after the counts */
    const m3_feature_field *fields;
    int token_dim; /* in_buckets * (pcts + 1) + num_fields */
} m3_feature_schema;

/* A token: for each input bucket its pcts values log(flowSim slowdown)
 * (0 when empty), then per bucket log10(1 + flows) / 5, then the fields:
 * the configuration vector (an inactive CC's parameters are 0) and the
 * token's own link rate and switch pool (doc/features.rst). */

const m3_feature_schema *m3_feature_schema_get(void);

/* Nearest-rank percentiles p1..p`pcts` of `values` per size bucket (bounds:
 * nb - 1 inner boundaries): out[b * pcts + k]; counts[b] the flows of bucket
 * b; an empty bucket's percentiles are 0. `values` is not modified. */
int m3_bucket_percentiles(const uint64_t *sizes, const double *values, size_t n,
                          const uint64_t *bounds, int nb, int pcts, double *out, size_t *counts,
                          m3_error *err);

/* The tokens of one path scenario, n x token_dim floats, row-major: token 0
 * the foreground flows (position 0 to n-1), token l+1 every other flow that
 * crosses line link l. `slowdown` is flowSim's per flow; `pool_bytes[l]` is
 * the shared pool (m3_switch_pool_bytes) of the switch that feeds line
 * link l, for l = 1..n-2 ([0] is a host NIC and is not read). */
int m3_path_features(const m3_line *l, const m3_flows *f, const double *slowdown,
                     const m3_config *c, const double *pool_bytes, float *out, m3_error *err);

/* ---------------------------------------------------------------- stats */

/* Ideal FCT of packet-model.md section 5 over the given directed links
 * (0 for none; NaN for more than M3_MAX_PATH_LINKS or mtu 0). */
double m3_ideal_fct_ns(const m3_topology *t, const uint32_t *dlinks, int n, uint64_t size,
                       uint32_t mtu, uint32_t header, double nic_bps);
/* fct / ideal clipped at >= 1. */
double m3_slowdown(double fct_ns, double ideal_ns);
/* Ideal FCT of every flow over its routed path. */
int m3_ideal_fcts(const m3_topology *t, const m3_routing *r, const m3_flows *f, uint32_t mtu,
                  uint32_t header, double nic_bps, double *ideal_ns, m3_error *err);
/* Per-flow results as CSV (input order), written atomically:
 * id,src,dst,size,start_ns,fct_ns,ideal_ns,slowdown[,fluid_ns]; the last
 * column only when `fluid_ns` is given (flowSim's pure fluid FCT). */
int m3_fct_csv_write(const char *path, const m3_flows *f, const double *fct_ns,
                     const double *ideal_ns, const double *fluid_ns, m3_error *err);

/* Nearest-rank percentile of sorted values (p in (0, 100]). */
double m3_percentile_sorted(const double *sorted, size_t n, double p);

#define M3_MAX_BUCKETS 16
typedef struct m3_bucket_stats {
    uint64_t lo, hi; /* size range [lo, hi); hi = UINT64_MAX for inf */
    size_t n;
    double p50, p90, p99;
} m3_bucket_stats;

typedef struct m3_summary {
    m3_bucket_stats overall;
    m3_bucket_stats buckets[M3_MAX_BUCKETS];
    int num_buckets;
} m3_summary;

/* m3's four output buckets: (0,1K), [1K,10K), [10K,50K), [50K,inf). */
int m3_default_buckets(uint64_t *bounds /* >= 3 */);
/* Summarises slowdowns by flow size; `bounds` are the nb-1 inner bucket
 * boundaries (increasing). */
int m3_summarize(const uint64_t *sizes, const double *slowdown, size_t n, const uint64_t *bounds,
                 int nb, m3_summary *out, m3_error *err);
void m3_summary_print(const m3_summary *s, const char *title, void *file /* FILE* */);

/* ---------------------------------------------------------------- results */

/* m3 mode's stages, in order (doc/scale.rst). stage_s partitions the
 * estimate's wall time: the per-path work runs on every core, flowSim
 * (the path's scenario cut from the index, then flowSim) interleaved with
 * features, so the two share the wall time of the path work in proportion
 * to their summed per-path times; while the calling thread predicts, the
 * time is inference's. Peaks: flowSim, features and inference run
 * interleaved and get the one peak of them together. */
typedef enum m3_m3_stage {
    M3_STAGE_INDEX,     /* route every flow, build the route index */
    M3_STAGE_SAMPLE,    /* draw the paths, check their lengths */
    M3_STAGE_FLOWSIM,   /* per path: scenario + flowSim */
    M3_STAGE_FEATURES,  /* per path: tokens */
    M3_STAGE_INFERENCE, /* the model (and, across processes, the sharing) */
    M3_STAGE_AGGREGATE, /* mixture and bootstrap */
    M3_M3_STAGES
} m3_m3_stage;
/* "index", "sample", "flowsim", "features", "inference", "aggregate" */
const char *m3_m3_stage_name(int stage);

/* The process's peak resident set in MB since its start or the last
 * m3_peak_rss_reset (Linux: VmHWM of /proc/self/status; elsewhere
 * getrusage's ru_maxrss); -1 when unknown. */
double m3_peak_rss_mb(void);
/* Starts that peak anew from the current resident set (Linux: writes 5 to
 * /proc/self/clear_refs); 0, or -1 when the system refuses. getrusage's
 * ru_maxrss follows it too: a process that measures its own peak should
 * not ask an estimate for stage peaks. */
int m3_peak_rss_reset(void);

/* One result type for every estimator (flowSim, packet, m3; doc/m3.rst):
 * the slowdown summary overall and per output bucket, the whole overall
 * distribution as p1..p100, a confidence interval where the estimator has
 * one (m3 mode: bootstrap over the sampled paths), per-flow FCTs where the
 * mode has them, wall time, and warnings. Plain data; the per-flow arrays
 * are owned (m3_result_free). Percentiles of an empty bucket are NaN. */
#define M3_RESULT_PCTS 100
#define M3_RESULT_MAX_WARNINGS 32
#define M3_RESULT_WARNING_LEN 200

typedef struct m3_result {
    char mode[16];              /* "flowsim", "packet", "m3" */
    m3_summary summary;         /* overall and m3's 4 buckets; n = the scenario's flows */
    double pct[M3_RESULT_PCTS]; /* overall slowdown p1..p100 (pct[k] = p(k+1)) */
    int has_ci;                 /* 1: ci_lo / ci_hi hold an interval of each percentile */
    double ci_level;            /* its nominal coverage, e.g. 0.95 */
    m3_summary ci_lo, ci_hi;    /* same layout as summary: bounds of p50, p90, p99 */
    size_t num_flows;           /* flows of the scenario */
    double *fct_ns;             /* per flow, input order (NaN: unfinished), or NULL */
    double *ideal_ns;           /* per flow, or NULL */
    double *fluid_ns;           /* flowSim's pure fluid FCT per flow, or NULL */
    size_t unfinished;          /* flows without an FCT, left out of the percentiles */
    double wall_s;              /* the estimator's wall time */
    /* packet mode */
    char stop_reason[48]; /* "all flows finished", "stalled", "time limit" */
    double sim_s;         /* simulated time */
    uint64_t data_packets, pfc_pauses, drops, timeouts;
    /* m3 mode */
    uint32_t paths_sampled;  /* draws (with multiplicity) */
    uint32_t paths_distinct; /* distinct paths simulated and predicted */
    /* per stage (m3_m3_stage): wall seconds, and with m3_m3_opts'
     * stage_peaks the peak resident MB; stage_peaks 0: not measured, 1:
     * each stage's own peak, 2: the process's peak up to the stage's end
     * (the peak could not be started anew) */
    double stage_s[M3_M3_STAGES];
    double stage_peak_mb[M3_M3_STAGES];
    int stage_peaks;
    /* warnings (out-of-range inputs, configuration), one line each */
    int num_warnings; /* may exceed the stored lines: the rest are counted only */
    char warnings[M3_RESULT_MAX_WARNINGS][M3_RESULT_WARNING_LEN];
} m3_result;

void m3_result_init(m3_result *r, const char *mode);
void m3_result_free(m3_result *r);
/* Takes per-flow FCTs and ideal FCTs (copied; `fluid_ns` may be NULL) and
 * fills slowdowns' summary and pct over the flows with a finite FCT; the
 * others are counted in `unfinished`. The one FCT -> summary path of every
 * mode that has per-flow results. */
int m3_result_set_fcts(m3_result *r, const m3_flows *f, const double *fct_ns,
                       const double *ideal_ns, const double *fluid_ns, m3_error *err);
/* Appends a warning line (printf-style); beyond M3_RESULT_MAX_WARNINGS it
 * is counted, not stored. */
void m3_result_warn(m3_result *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Writes `len` bytes to `path` through path.tmp and a rename: on failure
 * nothing is left behind (the one atomic writer; C++ callers use it too). */
int m3_write_file_atomic(const char *path, const void *data, size_t len, m3_error *err);

/* The per-flow rate cap of a scenario: config nic_rate_gbps, or (0) the
 * fastest host link's rate. The one definition every mode uses. */
double m3_scenario_nic_bps(const m3_scenario *s);

/* flowSim mode: flowSim over the whole routed network (m3_flowsim_estimate
 * with the scenario's MTU, header and NIC cap) into a result with per-flow
 * FCTs (fluid included) and its wall time. */
int m3_estimate_flowsim(const m3_scenario *s, const m3_routing *r, m3_result *out, m3_error *err);

/* ---------------------------------------------------------------- m3 mode */

/* m3 mode (m3-method.md section 2, doc/m3.rst): route and index, sample
 * paths, relabel each as a line, flowSim it, featurise, predict, aggregate
 * with a bootstrap interval. The model is reached through m3_predictor, so
 * the core has no libtorch dependency (model/infer/ provides one). */

/* A training range of a checkpoint: a configuration key (cfg) or a
 * feature field's raw value (m3_feature_schema names). */
typedef struct m3_range {
    char name[32];
    double lo, hi;
} m3_range;

typedef struct m3_predictor {
    void *ctx;
    int max_links; /* link tokens the model takes per path */
    /* Predicts `batch` paths. fg[b * D + j], links[(b * max_links + l) * D
     * + j], mask[b * max_links + l] (1 = present; present links first),
     * D = the schema's token_dim. out[(b * out_buckets + o) * pcts + k]:
     * slowdown percentile p(k+1) of output bucket o, >= 1, non-decreasing.
     * Must be callable from one thread at a time (the core does so). */
    int (*predict)(void *ctx, int batch, const float *fg, const float *links, const uint8_t *mask,
                   float *out, m3_error *err);
    const m3_range *cfg_ranges; /* may be NULL: no configuration warnings */
    int num_cfg_ranges;
    const m3_range *field_ranges; /* may be NULL: no feature warnings */
    int num_field_ranges;
} m3_predictor;

typedef struct m3_m3_opts {
    uint32_t path_samples; /* K draws of a path (m3: 500) */
    uint64_t seed;         /* path draws and bootstrap */
    int threads;           /* 0 = every online core; results do not depend on it */
    uint32_t bootstrap;    /* replicates of the interval; 0 = no interval */
    double ci_level;       /* nominal coverage in (0, 1) */
    int batch;             /* paths per predict call */
    int stage_peaks;       /* 1: each stage's peak memory into the result, by
                              m3_peak_rss_reset at every stage's start */
} m3_m3_opts;

void m3_m3_opts_default(m3_m3_opts *o); /* 500, seed 1, 0, 200, 0.95, 128, 0 */

/* The whole m3 estimate of a scenario. Warnings (configuration or path
 * features outside the predictor's training ranges; path lengths the model
 * was not trained on) go into `out`. Fails on paths longer than the
 * predictor's max_links. No per-flow arrays. */
int m3_estimate_m3(const m3_scenario *s, const m3_routing *r, const m3_predictor *p,
                   const m3_m3_opts *o, m3_result *out, m3_error *err);

/* m3 mode spread over several processes (tools/m3-mpi.c runs it under
 * MPI; doc/scale.rst). Every process runs the estimate on the same
 * scenario, options and seed, so all draw the same paths; the distinct
 * paths are cut into batches of o->batch by index, as in one process, and
 * a process computes the batches b with b % parts == part (flowSim,
 * features, inference). `share` then makes every process hold every
 * batch's results, and every process aggregates them: the result equals
 * the single process's bit for bit (a batch is the same batch wherever it
 * runs; nothing else depends on the process). Stage times are the
 * process's own; `share`'s time counts as inference. */
#define M3_M3_PATH_STATS 5 /* per-path feature observations (range warnings) */
typedef struct m3_m3_parts {
    uint32_t part, parts; /* 0 <= part < parts */
    /* Called once, after this process's batches, by every process: batch
     * b (paths b x batch .. min(P, (b + 1) x batch) - 1) was computed by
     * process b % parts, whose arrays hold its values; on return every
     * process's arrays must hold every path's. Per path: pred_n floats,
     * fg_n and stats_n doubles, path-major. 0, or -1 with err. */
    int (*share)(void *ctx, uint32_t paths, uint32_t batch, float *pred, size_t pred_n,
                 double *fg_counts, size_t fg_n, double *stats, size_t stats_n, m3_error *err);
    void *ctx;
} m3_m3_parts;
int m3_estimate_m3_parts(const m3_scenario *s, const m3_routing *r, const m3_predictor *p,
                         const m3_m3_opts *o, const m3_m3_parts *parts, m3_result *out,
                         m3_error *err);

/* The stages, public for tests and tools. */

/* Step 3: `draws` paths, each the routed path of a flow drawn uniformly
 * (so a path's chance is its share of foreground flows). Distinct paths in
 * increasing path id into paths[], their multiplicities into mult[] (both
 * sized >= draws); returns the distinct count, or -1. Deterministic in the
 * seed. */
int m3_sample_paths(const m3_route_index *x, size_t num_flows, uint32_t draws, uint64_t seed,
                    uint32_t *paths, uint32_t *mult, m3_error *err);

/* Step 4: the path scenario of routed path `path` of the index: the line
 * (its links' rates and delays, the NIC cap) and one flow per contiguous
 * run of path links that a scenario flow crosses (a flow that leaves the
 * path and comes back gives several), positions as src/dst, sizes and
 * start times kept, in scenario flow order. Foreground flows (routed on
 * exactly this path) become 0 -> n-1. origin[i] is the scenario flow of
 * piece i. Owns its arrays. */
typedef struct m3_path_scenario {
    m3_line line;
    uint32_t dlinks[M3_MAX_PATH_LINKS]; /* the routed path, line link l = dlinks[l] */
    double
        pool_bytes[M3_MAX_PATH_LINKS]; /* shared pool of the switch feeding line link l (0: host) */
    m3_flows flows;
    uint32_t *origin;
    size_t num_fg;     /* pieces 0 -> n-1 */
    uint32_t *scratch; /* reused between builds */
    size_t scratch_cap;
    uint64_t *seen;  /* a bit per scenario flow, all 0 between builds */
    uint8_t *run;    /* 2 per scenario flow: the path links it crosses */
    size_t seen_cap; /* scenario flows the two cover */
} m3_path_scenario;

/* A built scenario may be built again: its arrays are reused and grown. */
void m3_path_scenario_init(m3_path_scenario *ps);
void m3_path_scenario_free(m3_path_scenario *ps);
int m3_path_scenario_build(const m3_scenario *s, const m3_route_index *x, uint32_t path,
                           m3_path_scenario *out, m3_error *err);

/* Step 8: the network-wide distribution from per-path predictions, as an
 * exact weighted mixture of quantile functions. Each path's prediction of
 * bucket b is a distribution with mass 1/pcts at each of its percentiles;
 * within bucket b a path weighs mult[p] x fg_counts[p][b] / (its foreground
 * flows) (its expected share of bucket b's flows); the overall distribution
 * mixes the buckets by bucket_share[b] (the scenario's exact flow shares).
 * Percentiles are nearest-rank on the mixture. With `bootstrap` > 0 the
 * multiplicities are resampled (multinomial over the draws) that many
 * times, and ci_lo/ci_hi are the (1-level)/2 and (1+level)/2 quantiles of
 * each percentile over the replicates. Fills out->summary (n from
 * bucket_flows), pct, and the interval. */
typedef struct m3_mixture {
    uint32_t num_paths;
    int out_buckets, pcts;
    const float *pred;          /* [path][bucket][pct] slowdown */
    const double *fg_counts;    /* [path][bucket] foreground flows */
    const uint32_t *mult;       /* [path] multiplicity */
    const size_t *bucket_flows; /* [bucket] flows of the scenario */
    const uint64_t *bounds;     /* out_buckets - 1 inner bounds */
    int threads;                /* bootstrap workers (0, 1: the caller only); the
                                   * result does not depend on it */
} m3_mixture;

int m3_aggregate(const m3_mixture *m, uint32_t bootstrap, double level, uint64_t seed,
                 m3_result *out, m3_error *err);

#ifdef __cplusplus
}
#endif
#endif /* M3_H */

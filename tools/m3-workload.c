/* SPDX-License-Identifier: GPL-2.0-only */
/* m3-workload - writes a flows file (packet-model.md section 6) for a
 * topology, a size distribution, an arrival process, a traffic matrix and a
 * target load; or m3's path recipe on a parking lot. Command line:
 * tools/m3-cli.h (usage errors name the flag and exit 2); nothing is
 * written on failure. */
#include "m3-cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USAGE M3_CLI_USAGE

static const char usage[] =
    "usage: m3-workload TOPOLOGY [options] --out FILE\n"
    "       m3-workload --path-m3 --parking-lot N [--num-flows N] [--workload-seed S] --out FILE\n"
    "\n"
    "Topology (exactly one; rates and delays as in m3-compare):\n"
    "  --topology FILE            community topology text file\n"
    "  --parking-lot N            the parking lot of every tool: N positions 2..65, hosts 0\n"
    "                             and N-1 on 10 Gbps end links, inner line links 40 Gbps,\n"
    "                             mid-path hosts on 40 Gbps links, 1 us per line link\n"
    "  --fat-tree P,R,H,O         m3's fat-tree: pods, racks/pod, hosts/rack, oversub 1|2|4\n"
    "                             (host links 10 Gbps, fabric 40 Gbps, 1 us)\n"
    "  --k-ary K                  classic k-ary fat-tree (k even, 2..64; 10/40 Gbps, 1 us)\n"
    "Workload (the names and defaults of m3-compare's options):\n"
    "  --workload SPEC            flow sizes (default webserver; alias --sizes):\n"
    "                               websearch|hadoop|webserver|cache|rpc  built-in CDF\n"
    "                               FILE                 `size_bytes cum_probability` lines\n"
    "                               exp:MEAN             exponential\n"
    "                               gaussian:MEAN[:CV]   positive Gaussian, sigma/mean CV (0.5)\n"
    "                               lognormal:MEAN:SIGMA log-normal, shape SIGMA\n"
    "                               pareto:MEAN:XI       generalised Pareto, XI in (0, 1)\n"
    "  --min-size B               minimum synthetic size in bytes (default 50)\n"
    "  --burst-sigma S            log-normal inter-arrival shape in (0, 5]; 0 (default) is\n"
    "                             Poisson (also: --arrivals poisson | lognormal:SIGMA)\n"
    "  --tm KIND                  uniform (default) | matrix:FILE (racks x racks weights,\n"
    "                             a host's rack is its switch) | incast:HOST:FRACTION\n"
    "                             (FRACTION of flows go to node HOST)\n"
    "  --load X                   busiest link's load in (0, 1] (default 0.5)\n"
    "  --num-flows N              number of flows, 1..1e8 (default 50000; 20000 with\n"
    "                             --path-m3, as m3-gen-path; alias --flows)\n"
    "  --workload-seed S          random seed (default 1; alias --seed)\n"
    "  --path-m3                  m3's path recipe (m3-method.md section 7) on the\n"
    "                             --parking-lot; draws sizes, arrivals and load itself\n"
    "  --out FILE                 flows file to write (written atomically)\n"
    "  -h, --help                 this text\n"
    "Options take --key=value or --key value; numbers are plain decimals (1e3 where the\n"
    "value is a whole number). The flows are sorted by start time. Exit status: 0 done,\n"
    "1 bad input file or failure, 2 usage error.\n";

typedef struct opts {
    const char *topology, *sizes, *arrivals, *tm, *out;
    const char *topo_value; /* the topology flag's value, as given, for messages */
    uint32_t parking, kary, ft[4];
    int has_ft, path_m3, nset_topo;
    double load;
    uint64_t flows, seed, min_size;
    int set_sizes, set_arrivals, set_tm, set_load, set_min, set_flows;
} opts;

/* Prints "m3-workload: FLAG: message" and returns the usage exit code. */
#define bad m3_cli_bad

/* "a,b,c,d" -> four whole numbers, each <= 1e6 (the builders check more). */
static int parse_fat_tree(const char *s, uint32_t v[4])
{
    char buf[128];
    if (strlen(s) >= sizeof buf)
        return -1;
    strcpy(buf, s);
    char *p = buf;
    for (int i = 0; i < 4; i++) {
        char *c = strchr(p, ',');
        if ((i < 3) != (c != NULL))
            return -1;
        if (c)
            *c = '\0';
        uint64_t x;
        if (m3_parse_count(p, 1000000, &x))
            return -1;
        v[i] = (uint32_t)x;
        p = c ? c + 1 : p;
    }
    return 0;
}

/* The value of the first given of two alias options (both given: usage error). */
static const m3_cli_option *alias(m3_cli_option *opt, const char *a, const char *b, int *rc)
{
    m3_cli_option *x = m3_cli_get(opt, a), *y = m3_cli_get(opt, b);
    if (x->value && y->value)
        *rc = bad(a, "given together with its alias %s", b);
    return x->value ? x : y->value ? y : NULL;
}

static int parse_args(int argc, char **argv, opts *o)
{
    m3_cli_tool = "m3-workload";
    m3_cli_option opt[] = {
        {"--topology", 1, NULL}, {"--parking-lot", 1, NULL},   {"--fat-tree", 1, NULL},
        {"--k-ary", 1, NULL},    {"--workload", 1, NULL},      {"--sizes", 1, NULL},
        {"--min-size", 1, NULL}, {"--arrivals", 1, NULL},      {"--burst-sigma", 1, NULL},
        {"--tm", 1, NULL},       {"--load", 1, NULL},          {"--num-flows", 1, NULL},
        {"--flows", 1, NULL},    {"--workload-seed", 1, NULL}, {"--seed", 1, NULL},
        {"--path-m3", 0, NULL},  {"--out", 1, NULL},           {NULL, 0, NULL},
    };
    int rc = m3_cli_parse(argc, argv, opt, usage);
    if (rc < 0)
        exit(0);
    if (rc)
        return rc;
    const m3_cli_option *x;
    o->path_m3 = m3_cli_get(opt, "--path-m3")->value != NULL;
    if ((x = m3_cli_get(opt, "--topology"))->value) {
        o->topo_value = x->value;
        o->topology = x->value;
        o->nset_topo++;
    }
    if ((x = m3_cli_get(opt, "--parking-lot"))->value) {
        o->topo_value = x->value;
        uint64_t v;
        if (m3_cli_count(x, 2, M3_LINE_MAX_POSITIONS, &v))
            return EXIT_USAGE;
        o->parking = (uint32_t)v;
        o->nset_topo++;
    }
    if ((x = m3_cli_get(opt, "--fat-tree"))->value) {
        o->topo_value = x->value;
        if (parse_fat_tree(x->value, o->ft))
            return bad(x->name, "'%s' is not PODS,RACKS,HOSTS,OVERSUB (whole numbers)", x->value);
        o->has_ft = 1;
        o->nset_topo++;
    }
    if ((x = m3_cli_get(opt, "--k-ary"))->value) {
        o->topo_value = x->value;
        uint64_t v;
        if (m3_cli_count(x, 2, 64, &v))
            return EXIT_USAGE;
        if (v % 2)
            return bad(x->name, "%s is not even", x->value);
        o->kary = (uint32_t)v;
        o->nset_topo++;
    }
    if ((x = alias(opt, "--workload", "--sizes", &rc)) || rc) {
        if (rc)
            return rc;
        o->sizes = x->value;
        o->set_sizes = 1;
    }
    if ((x = m3_cli_get(opt, "--min-size"))->value) {
        if (m3_cli_count(x, 1, M3_FLOW_MAX_BYTES, &o->min_size))
            return EXIT_USAGE;
        o->set_min = 1;
    }
    const m3_cli_option *arr = m3_cli_get(opt, "--arrivals"),
                        *bs = m3_cli_get(opt, "--burst-sigma");
    if (arr->value && bs->value)
        return bad("--arrivals", "given together with --burst-sigma (one arrival process)");
    if (arr->value) {
        o->arrivals = arr->value;
        o->set_arrivals = 1;
    }
    if (bs->value) {
        double sigma = 0;
        static char spec[64];
        if (m3_cli_real(bs, 0, 0, 5, "0 for Poisson, or (0, 5]", &sigma))
            return EXIT_USAGE;
        if (sigma > 0) {
            snprintf(spec, sizeof spec, "lognormal:%.17g", sigma);
            o->arrivals = spec;
        }
        o->set_arrivals = 1;
    }
    if ((x = m3_cli_get(opt, "--tm"))->value) {
        o->tm = x->value;
        o->set_tm = 1;
    }
    if ((x = m3_cli_get(opt, "--load"))->value) {
        if (m3_cli_real(x, 0, 1, 1, "a load in (0, 1]", &o->load))
            return EXIT_USAGE;
        o->set_load = 1;
    }
    if ((x = alias(opt, "--num-flows", "--flows", &rc)) || rc) {
        if (rc)
            return rc;
        if (m3_cli_count(x, 1, 100000000, &o->flows))
            return EXIT_USAGE;
        o->set_flows = 1;
    }
    if ((x = alias(opt, "--workload-seed", "--seed", &rc)) || rc) {
        if (rc)
            return rc;
        if (m3_cli_count(x, 0, UINT64_MAX, &o->seed))
            return EXIT_USAGE;
    }
    if (!(x = m3_cli_get(opt, "--out"))->value)
        return bad("--out", "missing (where to write the flows)");
    o->out = x->value;
    if (o->nset_topo != 1)
        return bad("--topology", "give exactly one of --topology, --parking-lot, --fat-tree, "
                                 "--k-ary");
    if (o->path_m3) {
        if (!o->parking)
            return bad("--path-m3", "needs --parking-lot N");
        if (o->set_sizes || o->set_arrivals || o->set_tm || o->set_load || o->set_min)
            return bad("--path-m3", "draws sizes, arrivals, pairs and load itself; drop "
                                    "--workload/--min-size/--burst-sigma/--arrivals/--tm/--load");
        if (!o->set_flows)
            o->flows = 20000;
    }
    /* checked before any work: the file can be written */
    int orc = m3_cli_output(m3_cli_get(opt, "--out"));
    return orc ? orc : 0;
}

/* "kind:a[:b]" -> number of numbers parsed (or -1). */
static int split_nums(const char *s, double *a, double *b)
{
    char buf[256];
    if (strlen(s) >= sizeof buf)
        return -1;
    strcpy(buf, s);
    char *c1 = strchr(buf, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c1)
        return 0;
    *c1 = '\0';
    if (c2)
        *c2 = '\0';
    if (m3_parse_double(c1 + 1, a) || (c2 && m3_parse_double(c2 + 1, b)))
        return -1;
    return c2 ? 2 : 1;
}

static m3_size_dist *make_sizes(const opts *o, int *rc)
{
    static const struct {
        const char *p;
        m3_size_kind k;
        int min_n, max_n;
    } syn[] = {
        {"exp:", M3_SIZE_EXP, 1, 1},
        {"gaussian:", M3_SIZE_GAUSSIAN, 1, 2},
        {"lognormal:", M3_SIZE_LOGNORMAL, 2, 2},
        {"pareto:", M3_SIZE_PARETO, 2, 2},
    };
    m3_error err;
    m3_size_dist *d = NULL;
    const char *s = o->sizes;
    for (const char *const *n = m3_size_dist_builtin_names(); *n; n++)
        if (!strcmp(*n, s)) {
            if (!(d = m3_size_dist_builtin(s, &err)))
                *rc = bad("--workload", "%s", err.msg);
            return d;
        }
    for (size_t i = 0; i < sizeof syn / sizeof syn[0]; i++)
        if (!strncmp(s, syn[i].p, strlen(syn[i].p))) {
            double mean = 0, shape = 0;
            int n = split_nums(s, &mean, &shape);
            if (n < syn[i].min_n || n > syn[i].max_n) {
                *rc = bad("--workload",
                          "'%s' does not match exp:MEAN, gaussian:MEAN[:CV], "
                          "lognormal:MEAN:SIGMA or pareto:MEAN:XI (numbers)",
                          s);
                return NULL;
            }
            if (!(d = m3_size_dist_synthetic(syn[i].k, mean, shape, o->min_size, &err)))
                *rc = bad("--workload", "%s", err.msg);
            return d;
        }
    if (!strchr(s, '/') && !strchr(s, '.') && !strchr(s, ':')) {
        /* neither a path nor a synthetic spec: name the choices */
        *rc = bad("--workload",
                  "'%s' is not a built-in distribution (websearch, hadoop, "
                  "webserver, cache, rpc), a synthetic spec or a CDF file path",
                  s);
        return NULL;
    }
    if (!(d = m3_size_dist_read(s, &err))) {
        fprintf(stderr, "m3-workload: --workload: %s\n", err.msg);
        *rc = 1;
    }
    return d;
}

static m3_topology *make_topology(const opts *o, int *rc)
{
    m3_error err;
    m3_topology *t;
    const char *flag;
    if (o->topology) {
        flag = "--topology";
        t = m3_topology_read(o->topology, &err);
    } else if (o->parking) {
        flag = "--parking-lot";
        t = m3_topology_parking_lot(o->parking, 10e9, 40e9, 40e9, 1000, &err);
    } else if (o->has_ft) {
        flag = "--fat-tree";
        t = m3_topology_fat_tree_m3(o->ft[0], o->ft[1], o->ft[2], o->ft[3], 10e9, 40e9, 1000, &err);
    } else {
        flag = "--k-ary";
        t = m3_topology_fat_tree_k(o->kary, 10e9, 40e9, 1000, &err);
    }
    if (!t) {
        /* a file's content is an input error (1); a builder's argument a usage error (2) */
        fprintf(stderr, "m3-workload: %s: %s\n", flag, err.msg);
        *rc = o->topology ? 1 : EXIT_USAGE;
    }
    return t;
}

/* The flag that chose the topology, for messages about it. */
static const char *topology_flag(const opts *o)
{
    return o->topology  ? "--topology"
           : o->parking ? "--parking-lot"
           : o->has_ft  ? "--fat-tree"
                        : "--k-ary";
}

/* Fills the arrival and traffic-matrix parts of the spec; the matrix and
 * rack arrays are returned for the caller to free. */
static int make_spec(const opts *o, const m3_topology *t, m3_workload_spec *w, double **matrix,
                     uint32_t **rack_of)
{
    m3_error err;
    double a = 0, b = 0;
    if (!strcmp(o->arrivals, "poisson")) {
        w->arrival = M3_ARRIVAL_POISSON;
    } else if (!strncmp(o->arrivals, "lognormal:", 10) && split_nums(o->arrivals, &a, &b) == 1 &&
               a > 0 && a <= 5) {
        w->arrival = M3_ARRIVAL_LOGNORMAL;
        w->burst_sigma = a;
    } else {
        return bad("--arrivals", "'%s' is not poisson or lognormal:SIGMA (SIGMA in (0, 5])",
                   o->arrivals);
    }
    if (!strcmp(o->tm, "uniform")) {
        w->tm = M3_TM_UNIFORM;
    } else if (!strncmp(o->tm, "incast:", 7)) {
        if (split_nums(o->tm, &a, &b) != 2 || a < 0 || a != floor(a) || a > UINT32_MAX ||
            !(b >= 0 && b <= 1))
            return bad("--tm", "'%s' is not incast:HOST:FRACTION (FRACTION in [0, 1])", o->tm);
        w->tm = M3_TM_INCAST;
        w->hotspot = (uint32_t)a;
        w->incast_fraction = b;
        if (w->hotspot >= m3_topology_num_nodes(t) || m3_topology_is_switch(t, w->hotspot))
            return bad("--tm", "incast hotspot %u is not a host of the topology", w->hotspot);
    } else if (!strncmp(o->tm, "matrix:", 7)) {
        uint32_t nh = m3_topology_num_hosts(t);
        *rack_of = calloc(nh ? nh : 1, sizeof **rack_of);
        if (!*rack_of)
            return bad("--tm", "out of memory");
        int racks = m3_host_racks(t, *rack_of, &err);
        if (racks < 0)
            return bad("--tm", "%s", err.msg);
        *matrix = calloc((size_t)racks * racks, sizeof **matrix);
        if (!*matrix)
            return bad("--tm", "out of memory");
        if (m3_tm_read(o->tm + 7, (uint32_t)racks, *matrix, &err)) {
            fprintf(stderr, "m3-workload: --tm: %s\n", err.msg);
            return 1;
        }
        w->tm = M3_TM_MATRIX;
        w->matrix = *matrix;
        w->racks = (uint32_t)racks;
        w->rack_of = *rack_of;
    } else {
        return bad("--tm", "'%s' is not uniform, matrix:FILE or incast:HOST:FRACTION", o->tm);
    }
    return 0;
}

static int run_path_m3(const opts *o)
{
    m3_flows f;
    m3_flows_init(&f);
    m3_path_workload_info in;
    m3_error err;
    if (m3_workload_path_m3_ex(o->parking, o->flows, o->seed, &f, &in, &err)) {
        fprintf(stderr, "m3-workload: %s\n", err.msg);
        return 1;
    }
    static const char *const kind[] = {"cdf", "exp", "gaussian", "lognormal", "pareto"};
    printf("path-m3 n=%u pairs=%u p=%g fg_share=%.4f sizes=%s mean=%.1f shape=%.4f "
           "burst_sigma=%.4f load=%.4f on line link %u\n",
           in.n, in.num_pairs, in.pair_p, in.fg_weight, kind[in.size_kind], in.size_mean,
           in.size_shape, in.burst_sigma, in.max_load, in.max_load_link);
    int rc = m3_flows_write(&f, o->out, &err) ? 1 : 0;
    if (rc)
        fprintf(stderr, "m3-workload: %s\n", err.msg);
    m3_flows_free(&f);
    return rc;
}

int main(int argc, char **argv)
{
    opts o = {0};
    o.sizes = "webserver";
    o.arrivals = "poisson";
    o.tm = "uniform";
    o.load = 0.5;
    o.flows = 50000;
    o.seed = 1;
    o.min_size = 50;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc;
    if (o.path_m3)
        return run_path_m3(&o);

    m3_error err;
    m3_topology *t = make_topology(&o, &rc);
    m3_size_dist *sizes = t ? make_sizes(&o, &rc) : NULL;
    m3_routing *r = NULL;
    double *matrix = NULL;
    uint32_t *rack_of = NULL;
    m3_flows f;
    m3_flows_init(&f);
    m3_workload_spec w = {0};
    if (!sizes)
        goto out;
    w.sizes = sizes;
    w.load = o.load;
    w.num_flows = (size_t)o.flows;
    w.seed = o.seed;
    if ((rc = make_spec(&o, t, &w, &matrix, &rack_of)))
        goto out;
    rc = 1;
    if (!(r = m3_routing_new(t, &err))) {
        fprintf(stderr, "m3-workload: %s: %s\n", topology_flag(&o), err.msg);
        goto out;
    }
    if (m3_workload_generate(t, r, &w, &f, &err)) {
        /* name the topology: a missing or too long route is its doing */
        fprintf(stderr, "m3-workload: on %s %s: %s\n", topology_flag(&o), o.topo_value, err.msg);
        goto out;
    }
    if (m3_flows_write(&f, o.out, &err)) {
        fprintf(stderr, "m3-workload: %s\n", err.msg);
        goto out;
    }
    rc = 0;
out:
    m3_flows_free(&f);
    m3_routing_free(r);
    free(matrix);
    free(rack_of);
    m3_size_dist_free(sizes);
    m3_topology_free(t);
    return rc;
}

/* m3-workload - writes a flows file (packet-model.md section 6) for a
 * topology, a size distribution, an arrival process, a traffic matrix and a
 * target load; or m3's path recipe on a parking lot. Argument errors print
 * one line naming the flag and exit 2; nothing is written on failure. */
#include "m3.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USAGE 2

static const char usage[] =
    "usage: m3-workload TOPOLOGY [options] --out FILE\n"
    "       m3-workload --path-m3 --parking-lot N [--flows N] [--seed S] --out FILE\n"
    "\n"
    "Topology (exactly one):\n"
    "  --topology FILE            community topology text file\n"
    "  --parking-lot N            m3's parking lot of N positions (10/40 Gbps, 1 us)\n"
    "  --fat-tree P,R,H,O         m3's fat-tree: pods, racks/pod, hosts/rack, oversub 1|2|4\n"
    "                             (host links 10 Gbps, fabric 40 Gbps, 1 us)\n"
    "  --k-ary K                  classic k-ary fat-tree (k even; 10/40 Gbps, 1 us)\n"
    "Workload:\n"
    "  --sizes SPEC               flow sizes (default websearch):\n"
    "                               websearch|hadoop|webserver|cache|rpc  built-in CDF\n"
    "                               FILE                 `size_bytes cum_probability` lines\n"
    "                               exp:MEAN             exponential\n"
    "                               gaussian:MEAN[:CV]   positive Gaussian, sigma/mean CV (0.5)\n"
    "                               lognormal:MEAN:SIGMA log-normal, shape SIGMA\n"
    "                               pareto:MEAN:XI       generalised Pareto, XI in (0, 1)\n"
    "  --min-size B               minimum synthetic size in bytes (default 50)\n"
    "  --arrivals KIND            poisson (default) | lognormal:SIGMA\n"
    "  --tm KIND                  uniform (default) | matrix:FILE (racks x racks weights,\n"
    "                             a host's rack is its switch) | incast:HOST:FRACTION\n"
    "                             (FRACTION of flows go to node HOST)\n"
    "  --load X                   busiest link's load in (0, 1] (default 0.5)\n"
    "  --flows N                  number of flows (default 10000)\n"
    "  --seed S                   random seed (default 1)\n"
    "  --path-m3                  m3's path recipe (m3-method.md section 7) on the\n"
    "                             --parking-lot; draws sizes, arrivals and load itself\n"
    "  --out FILE                 flows file to write (written atomically)\n"
    "  --help                     this text\n";

typedef struct opts {
    const char *topology, *sizes, *arrivals, *tm, *out;
    uint32_t parking, kary, ft[4];
    int has_ft, path_m3, nset_topo;
    double load;
    uint64_t flows, seed, min_size;
    int set_sizes, set_arrivals, set_tm, set_load, set_min;
} opts;

/* Prints "m3-workload: FLAG: message" and returns the usage exit code. */
static int bad(const char *flag, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static int bad(const char *flag, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "m3-workload: %s: ", flag);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return EXIT_USAGE;
}

static int parse_u64(const char *s, uint64_t *v)
{
    if (!s || *s < '0' || *s > '9')
        return -1;
    char *e;
    errno = 0;
    unsigned long long x = strtoull(s, &e, 10);
    if (errno || *e)
        return -1;
    *v = x;
    return 0;
}

static int parse_dbl(const char *s, double *v)
{
    if (!s || !*s)
        return -1;
    char *e;
    errno = 0;
    double x = strtod(s, &e);
    if (errno || *e || !isfinite(x))
        return -1;
    *v = x;
    return 0;
}

static int parse_u32(const char *s, uint32_t *v)
{
    uint64_t x;
    if (parse_u64(s, &x) || x > UINT32_MAX)
        return -1;
    *v = (uint32_t)x;
    return 0;
}

/* "a,b,c,d" -> four u32. */
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
        if (parse_u32(p, &v[i]))
            return -1;
        p = c ? c + 1 : p;
    }
    return 0;
}

static int parse_args(int argc, char **argv, opts *o)
{
    for (int i = 1; i < argc; i++) {
        char *flag = argv[i], *val = NULL, *eq = strchr(flag, '=');
        if (!strcmp(flag, "--help") || !strcmp(flag, "-h")) {
            fputs(usage, stdout);
            exit(0);
        }
        if (!strcmp(flag, "--path-m3")) {
            o->path_m3 = 1;
            continue;
        }
        if (strncmp(flag, "--", 2))
            return bad(flag, "unexpected argument (see --help)");
        if (eq) {
            *eq = '\0';
            val = eq + 1;
        } else if (i + 1 < argc) {
            val = argv[++i];
        }
        static const char *const known[] = {"--topology", "--parking-lot", "--fat-tree",
                                            "--k-ary", "--sizes", "--min-size", "--arrivals",
                                            "--tm", "--load", "--flows", "--seed", "--out", NULL};
        int k = 0;
        while (known[k] && strcmp(known[k], flag))
            k++;
        if (!known[k])
            return bad(flag, "unknown option (see --help)");
        if (!val)
            return bad(flag, "missing value");
        if (!strcmp(flag, "--topology")) {
            o->topology = val;
            o->nset_topo++;
        } else if (!strcmp(flag, "--parking-lot")) {
            if (parse_u32(val, &o->parking) || o->parking < 2 || o->parking > 64)
                return bad(flag, "'%s' is not a position count in 2..64", val);
            o->nset_topo++;
        } else if (!strcmp(flag, "--fat-tree")) {
            if (parse_fat_tree(val, o->ft))
                return bad(flag, "'%s' is not PODS,RACKS,HOSTS,OVERSUB", val);
            o->has_ft = 1;
            o->nset_topo++;
        } else if (!strcmp(flag, "--k-ary")) {
            if (parse_u32(val, &o->kary) || o->kary < 2 || o->kary % 2)
                return bad(flag, "'%s' is not an even k >= 2", val);
            o->nset_topo++;
        } else if (!strcmp(flag, "--sizes")) {
            o->sizes = val;
            o->set_sizes = 1;
        } else if (!strcmp(flag, "--min-size")) {
            if (parse_u64(val, &o->min_size) || o->min_size < 1)
                return bad(flag, "'%s' is not a size >= 1 byte", val);
            o->set_min = 1;
        } else if (!strcmp(flag, "--arrivals")) {
            o->arrivals = val;
            o->set_arrivals = 1;
        } else if (!strcmp(flag, "--tm")) {
            o->tm = val;
            o->set_tm = 1;
        } else if (!strcmp(flag, "--load")) {
            if (parse_dbl(val, &o->load) || !(o->load > 0 && o->load <= 1))
                return bad(flag, "'%s' is not a load in (0, 1]", val);
            o->set_load = 1;
        } else if (!strcmp(flag, "--flows")) {
            if (parse_u64(val, &o->flows) || o->flows < 1 || o->flows > 100000000)
                return bad(flag, "'%s' is not a flow count in 1..1e8", val);
        } else if (!strcmp(flag, "--seed")) {
            if (parse_u64(val, &o->seed))
                return bad(flag, "'%s' is not an unsigned integer", val);
        } else {
            o->out = val;
        }
    }
    if (!o->out)
        return bad("--out", "missing (where to write the flows)");
    if (o->nset_topo != 1)
        return bad("--topology", "give exactly one of --topology, --parking-lot, --fat-tree, "
                   "--k-ary");
    if (o->path_m3) {
        if (!o->parking)
            return bad("--path-m3", "needs --parking-lot N");
        if (o->set_sizes || o->set_arrivals || o->set_tm || o->set_load || o->set_min)
            return bad("--path-m3", "draws sizes, arrivals, pairs and load itself; drop "
                       "--sizes/--min-size/--arrivals/--tm/--load");
    }
    return 0;
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
    if (parse_dbl(c1 + 1, a) || (c2 && parse_dbl(c2 + 1, b)))
        return -1;
    return c2 ? 2 : 1;
}

static m3_size_dist *make_sizes(const opts *o, int *rc)
{
    static const struct { const char *p; m3_size_kind k; int min_n, max_n; } syn[] = {
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
                *rc = bad("--sizes", "%s", err.msg);
            return d;
        }
    for (size_t i = 0; i < sizeof syn / sizeof syn[0]; i++)
        if (!strncmp(s, syn[i].p, strlen(syn[i].p))) {
            double mean = 0, shape = 0;
            int n = split_nums(s, &mean, &shape);
            if (n < syn[i].min_n || n > syn[i].max_n) {
                *rc = bad("--sizes", "'%s' does not match exp:MEAN, gaussian:MEAN[:CV], "
                          "lognormal:MEAN:SIGMA or pareto:MEAN:XI", s);
                return NULL;
            }
            if (!(d = m3_size_dist_synthetic(syn[i].k, mean, shape, o->min_size, &err)))
                *rc = bad("--sizes", "%s", err.msg);
            return d;
        }
    if (!(d = m3_size_dist_read(s, &err)))
        *rc = bad("--sizes", "%s", err.msg);
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
        t = m3_topology_fat_tree_m3(o->ft[0], o->ft[1], o->ft[2], o->ft[3], 10e9, 40e9, 1000,
                                    &err);
    } else {
        flag = "--k-ary";
        t = m3_topology_fat_tree_k(o->kary, 10e9, 40e9, 1000, &err);
    }
    if (!t)
        *rc = bad(flag, "%s", err.msg);
    return t;
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
        if (m3_tm_read(o->tm + 7, (uint32_t)racks, *matrix, &err))
            return bad("--tm", "%s", err.msg);
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
    o.sizes = "websearch";
    o.arrivals = "poisson";
    o.tm = "uniform";
    o.load = 0.5;
    o.flows = 10000;
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
    if (!(r = m3_routing_new(t, &err)) || m3_workload_generate(t, r, &w, &f, &err) ||
        m3_flows_write(&f, o.out, &err)) {
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

/* SPDX-License-Identifier: GPL-2.0-only */
/* m3-flowsim - max-min fluid FCTs for a flows file on a topology file, the
 * parking lot every tool shares, or m3's fluid line preset; writes a
 * per-flow CSV and prints the slowdown summary (overall and per size
 * bucket). The engine is the core's choice (the line engine when the routed
 * flows form a line, else the incremental one) unless --engine names one.
 * Command line: tools/m3-cli.h. */
#define _POSIX_C_SOURCE 200809L
#include "m3-cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage[] =
    "usage: m3-flowsim --flows FILE (--topology FILE | --parking-lot N | --m3-line N)\n"
    "                  [--out FILE] [--cap RATE] [--engine NAME] [--timing]\n"
    "  --flows FILE        flows: N, then `id src dst pg dport size start_s` (or without id),\n"
    "                      sorted by start time; src and dst distinct hosts with a route\n"
    "  --topology FILE     topology in the community text format; routes with ECMP\n"
    "  --parking-lot N     the parking lot of every tool (m3-workload, m3-compare): N\n"
    "                      positions 2..65, hosts 0 and N-1 on the 10 Gbps end links, inner\n"
    "                      line links 40 Gbps, mid-path hosts on 40 Gbps links, 1 us per\n"
    "                      line link\n"
    "  --m3-line N         m3's fluid preset instead: the same line, but mid-path hosts on\n"
    "                      ideal links (1 Pbps, no delay) and flows capped at 10 Gbps, so\n"
    "                      only the line links shape FCTs (what m3 trains flowSim on)\n"
    "  --out FILE          per-flow CSV: id,src,dst,size,start_ns,fct_ns,ideal_ns,slowdown,\n"
    "                      fluid_ns (fct_ns = fluid FCT + the path's base delay: propagation\n"
    "                      and first-packet store-and-forward); written atomically\n"
    "  --cap RATE          per-flow rate cap, e.g. 10Gbps, 1Mbps..1000Tbps (default: the\n"
    "                      fastest host link's rate, as in m3-compare; 10Gbps with --m3-line)\n"
    "  --engine NAME       auto (default: line when the routed flows form a line of at\n"
    "                      most 11 positions, else incremental), incremental, line, full\n"
    "                      (the whole allocation at every event), naive (the oracle)\n"
    "  --timing            print `timing: parse_ms=X simulate_ms=Y write_ms=Z` and\n"
    "                      `engine: NAME` (the engine that ran) to stderr\n"
    "  -h, --help          this text\n"
    "Options take --key=value or --key value. Exit status: 0 done, 1 bad input file or\n"
    "failure, 2 usage error (unknown option, malformed number, ...).\n";

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* flowSim has no losses: say so when the topology gives links an error
 * rate, instead of ignoring it silently (as m3-compare's flowsim mode). */
static void warn_losses(const m3_topology *t, const char *path)
{
    double most;
    uint32_t n = m3_topology_lossy_links(t, &most);
    if (n)
        fprintf(stderr,
                "m3-flowsim: warning: %s: %u links have a non-zero error_rate (up to %g): "
                "flowSim does not model losses, only m3-compare's packet mode does\n",
                path, n, most);
}

int main(int argc, char **argv)
{
    m3_cli_tool = "m3-flowsim";
    m3_cli_option opt[] = {
        {"--flows", 1, NULL},   {"--topology", 1, NULL}, {"--parking-lot", 1, NULL},
        {"--m3-line", 1, NULL}, {"--out", 1, NULL},      {"--cap", 1, NULL},
        {"--engine", 1, NULL},  {"--timing", 0, NULL},   {NULL, 0, NULL},
    };
    int prc = m3_cli_parse(argc, argv, opt, usage);
    if (prc)
        return prc < 0 ? 0 : prc;
    const char *flows_path = m3_cli_get(opt, "--flows")->value;
    const char *topo_path = m3_cli_get(opt, "--topology")->value;
    const char *out = m3_cli_get(opt, "--out")->value;
    int timing = m3_cli_get(opt, "--timing")->value != NULL;
    m3_cli_option *pl = m3_cli_get(opt, "--parking-lot"), *ml = m3_cli_get(opt, "--m3-line");
    int ntopo = (topo_path != NULL) + (pl->value != NULL) + (ml->value != NULL);
    if (!flows_path)
        return m3_cli_bad("--flows", "missing (the flows to simulate; see --help)");
    if (ntopo != 1)
        return m3_cli_bad("--topology", "give exactly one of --topology, --parking-lot, "
                                        "--m3-line");
    uint64_t parking = 0;
    int m3_line = ml->value != NULL;
    if (pl->value && m3_cli_count(pl, 2, M3_LINE_MAX_POSITIONS, &parking))
        return M3_CLI_USAGE;
    if (ml->value && m3_cli_count(ml, 2, M3_LINE_MAX_POSITIONS, &parking))
        return M3_CLI_USAGE;
    double cap = 0;
    m3_cli_option *co = m3_cli_get(opt, "--cap");
    if (co->value && m3_cli_rate(co, &cap))
        return M3_CLI_USAGE;
    m3_flowsim_engine engine = M3_FLOWSIM_AUTO;
    const char *ename = m3_cli_get(opt, "--engine")->value;
    if (ename && m3_flowsim_engine_parse(ename, &engine))
        return m3_cli_bad("--engine", "'%s' is not one of auto, incremental, line, full, naive",
                          ename);
    if (out && m3_cli_output(m3_cli_get(opt, "--out")))
        return 1;

    int rc = 1;
    m3_error err = {{0}};
    m3_topology *t = NULL;
    m3_routing *r = NULL;
    m3_flows f;
    m3_flows_init(&f);
    double *fluid = NULL, *fct = NULL, *ideal = NULL, *sd = NULL;
    uint64_t *sizes = NULL;
    m3_flowsim_opts o;
    m3_flowsim_opts_default(&o);

    double t0 = now_ms();
    uint32_t n = (uint32_t)parking;
    if (m3_line)
        /* mid-path hosts on ideal, zero-delay links: only the line links
         * shape FCTs, as in m3's preset */
        t = m3_topology_parking_lot(n, 10e9, 40e9, M3_RATE_MAX_BPS, 1000, &err);
    else if (parking)
        t = m3_topology_parking_lot(n, 10e9, 40e9, 40e9, 1000, &err);
    else
        t = m3_topology_read(topo_path, &err);
    if (!t)
        goto done;
    warn_losses(t, topo_path);
    if (!(r = m3_routing_new(t, &err)))
        goto done;
    if (m3_flows_read_routed(flows_path, r, &f, &err))
        goto done;
    fluid = calloc(f.n + 1, sizeof *fluid);
    fct = calloc(f.n + 1, sizeof *fct);
    ideal = calloc(f.n + 1, sizeof *ideal);
    sd = calloc(f.n + 1, sizeof *sd);
    sizes = calloc(f.n + 1, sizeof *sizes);
    if (!fluid || !fct || !ideal || !sd || !sizes) {
        snprintf(err.msg, sizeof err.msg, "out of memory for %zu flows", f.n);
        goto done;
    }
    double t1 = now_ms();

    /* the cap: --cap, else m3's 10 Gbps on its line preset, else the
     * scenario rule of m3-compare (the fastest host link) */
    if (cap > 0) {
        o.rate_cap_bps = cap;
    } else if (m3_line) {
        o.rate_cap_bps = 10e9;
    } else {
        m3_scenario sc;
        m3_scenario_init(&sc);
        sc.topo = t;
        o.rate_cap_bps = m3_scenario_nic_bps(&sc);
    }
    o.engine = engine;
    /* the engine auto runs, named with --timing (its test costs a route
     * index, outside the timed parts) */
    int ran = engine;
    if (timing && engine == M3_FLOWSIM_AUTO &&
        (ran = m3_flowsim_auto_engine(t, r, &f, &o, &err)) < 0)
        goto done;
    double t1s = now_ms();
    if (m3_flowsim_estimate(t, r, &f, &o, fluid, fct, ideal, &err))
        goto done;
    double t2 = now_ms();

    for (size_t i = 0; i < f.n; i++) {
        sd[i] = m3_slowdown(fct[i], ideal[i]);
        sizes[i] = f.v[i].size;
    }
    if (out && m3_fct_csv_write(out, &f, fct, ideal, fluid, &err))
        goto done;
    double t3 = now_ms();

    m3_summary s;
    uint64_t bounds[3];
    int nb = m3_default_buckets(bounds);
    if (m3_summarize(sizes, sd, f.n, bounds, nb, &s, &err))
        goto done;
    m3_summary_print(&s, "flowSim FCT slowdown", stdout);
    if (timing)
        fprintf(stderr, "timing: parse_ms=%.3f simulate_ms=%.3f write_ms=%.3f\nengine: %s\n",
                t1 - t0, t2 - t1s, t3 - t2, m3_flowsim_engine_name((m3_flowsim_engine)ran));
    rc = 0;
done:
    if (rc)
        fprintf(stderr, "m3-flowsim: %s\n", err.msg);
    free(fluid);
    free(fct);
    free(ideal);
    free(sd);
    free(sizes);
    m3_flows_free(&f);
    m3_routing_free(r);
    m3_topology_free(t);
    return rc;
}

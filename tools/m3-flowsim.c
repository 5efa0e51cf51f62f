/* m3-flowsim - max-min fluid FCTs for a flows file on a topology file or
 * m3's parking-lot preset; writes a per-flow CSV and prints the slowdown
 * summary (overall and per size bucket). */
#define _POSIX_C_SOURCE 200809L
#include "m3.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage[] =
    "usage: m3-flowsim --flows FILE (--topology FILE | --parking-lot N) [--out FILE] [--timing]\n"
    "                  [--cap RATE]\n"
    "  --flows FILE        flows: N, then `id src dst pg dport size start_s` (or without id)\n"
    "  --topology FILE     topology in the community text format; routes with ECMP\n"
    "  --parking-lot N     m3's preset: a line of N positions (hosts 0..N-1), first and last\n"
    "                      link 10 Gbps, inner 40 Gbps, flows capped at 10 Gbps\n"
    "  --out FILE          per-flow CSV: id,src,dst,size,start_ns,fct_ns,ideal_ns,slowdown,\n"
    "                      fluid_ns (fct_ns = fluid FCT + the path's base delay: propagation\n"
    "                      and first-packet store-and-forward)\n"
    "  --timing            print `timing: parse_ms=X simulate_ms=Y write_ms=Z` to stderr\n"
    "  --cap RATE          per-flow rate cap, e.g. 10Gbps (default: 10Gbps on the parking\n"
    "                      lot, none on a topology)\n";

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int parse_rate(const char *s, double *bps)
{
    /* accepts 10Gbps, 100Mbps, or plain bits per second */
    char *end;
    double v = strtod(s, &end);
    double mul = !strcmp(end, "Gbps") ? 1e9 : !strcmp(end, "Mbps") ? 1e6
               : !strcmp(end, "Kbps") ? 1e3 : (!strcmp(end, "bps") || !*end) ? 1 : 0;
    if (end == s || mul == 0 || !(v > 0))
        return -1;
    *bps = v * mul;
    return 0;
}

int main(int argc, char **argv)
{
    const char *flows_path = NULL, *topo_path = NULL, *out = NULL;
    long parking = 0;
    int timing = 0;
    double cap = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_val = i + 1 < argc;
        if (!strcmp(a, "--flows") && has_val)
            flows_path = argv[++i];
        else if (!strcmp(a, "--topology") && has_val)
            topo_path = argv[++i];
        else if (!strcmp(a, "--parking-lot") && has_val) {
            char *end;
            parking = strtol(argv[++i], &end, 10);
            if (*end || parking < 2 || parking > 64) {
                fprintf(stderr, "m3-flowsim: --parking-lot: \"%s\" is not a position count 2..64\n",
                        argv[i]);
                return 2;
            }
        } else if (!strcmp(a, "--out") && has_val)
            out = argv[++i];
        else if (!strcmp(a, "--cap") && has_val) {
            if (parse_rate(argv[++i], &cap)) {
                fprintf(stderr, "m3-flowsim: --cap: \"%s\" is not a rate (e.g. 10Gbps)\n", argv[i]);
                return 2;
            }
        } else if (!strcmp(a, "--timing"))
            timing = 1;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage, stdout);
            return 0;
        } else {
            fprintf(stderr, "m3-flowsim: unknown or incomplete option \"%s\"\n%s", a, usage);
            return 2;
        }
    }
    if (!flows_path || (!topo_path) == (!parking)) {
        fprintf(stderr, "m3-flowsim: need --flows and exactly one of --topology, --parking-lot\n%s",
                usage);
        return 2;
    }

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
    if (parking)
        /* mid-path hosts on very fast, zero-delay links: only the line
         * links shape FCTs, as in m3's preset */
        t = m3_topology_parking_lot(n, 10e9, 40e9, 1e15, 1000, &err);
    else
        t = m3_topology_read(topo_path, &err);
    if (!t)
        goto done;
    if (m3_flows_read(flows_path, t, &f, &err))
        goto done;
    if (!(r = m3_routing_new(t, &err)))
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

    /* the parking lot is m3's preset on its topology: flows capped at
     * 10 Gbps, mid-path hosts on very fast links */
    o.rate_cap_bps = cap > 0 ? cap : parking ? 10e9 : 0;
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
        fprintf(stderr, "timing: parse_ms=%.3f simulate_ms=%.3f write_ms=%.3f\n", t1 - t0,
                t2 - t1, t3 - t2);
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

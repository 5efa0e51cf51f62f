/* SPDX-License-Identifier: GPL-2.0-only */
/* bench-flowsim - flowSim's engines, timed, each against a baseline
 * measured in the same run (doc/flowsim.rst records the numbers):
 *  - the line engine on m3's 7-host parking lot against the naive
 *    from-scratch algorithm, and its cost per event as the number of
 *    simultaneously active flows grows;
 *  - the incremental engine (any topology) on m3's fat-trees against the
 *    full re-allocation engine it replaced: the 256-host one with the
 *    workload m3-workload makes by default (webserver sizes, Poisson, load
 *    0.5) at 100k and 1M flows, the same with bursty arrivals, a 6,144-host
 *    one, and its cost per event as the active flows grow.
 * Prints numbers and asserts nothing about time. Times are process CPU
 * time (the development machine is shared, and CPU time is what other jobs
 * perturb least); the fat-tree rows also give wall time.
 *
 *   bench-flowsim [--quick] [--no-fat-tree] [--fat-tree-only] [--no-full]
 *                 [--path-only] [--reps N] [--row I] [--no-naive] [--json FILE]
 *
 * --row I runs only path row I (0-3) and --no-naive skips the naive
 * engine: together they make a short run for a profiler (callgrind). */
#define _POSIX_C_SOURCE 200809L
#define BENCH_NAME "bench-flowsim"
#include "../tools/m3-cli.h"
#include "bench-util.h"
#include "m3.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Flows on `t`: log-normal sizes (mean 10 KB, sigma 1.5), log-normal
 * inter-arrivals with sigma 2, busiest link at `load`; the traffic matrix
 * comes from `tm` (NULL: uniform). */
static void generate(const m3_topology *t, size_t nflows, double load, uint64_t seed,
                     const m3_workload_spec *tm, m3_flows *out)
{
    m3_error err;
    m3_routing *r = m3_routing_new(t, &err);
    m3_size_dist *d = m3_size_dist_synthetic(M3_SIZE_LOGNORMAL, 10000, 1.5, 50, &err);
    if (!r || !d)
        bench_die("workload setup", &err);
    m3_workload_spec w;
    memset(&w, 0, sizeof w);
    w.sizes = d;
    w.arrival = M3_ARRIVAL_LOGNORMAL;
    w.burst_sigma = 2.0;
    w.tm = M3_TM_UNIFORM;
    if (tm) {
        w.tm = tm->tm;
        w.matrix = tm->matrix;
        w.racks = tm->racks;
        w.rack_of = tm->rack_of;
    }
    w.load = load;
    w.num_flows = nflows;
    w.seed = seed;
    if (m3_workload_generate(t, r, &w, out, &err))
        bench_die("workload", &err);
    m3_size_dist_free(d);
    m3_routing_free(r);
}

/* The path workload: 7 hosts in m3's parking lot, pairs i < j as
 * in m3's path scenarios (every flow runs along the path's direction). */
static void path_workload(size_t nflows, double load, uint64_t seed, m3_flows *out)
{
    m3_error err;
    m3_topology *t = m3_topology_parking_lot(7, 10e9, 40e9, 1e15, 1000, &err);
    if (!t)
        bench_die("topology", &err);
    /* one "rack" per position, weight 1 for every pair i < j */
    double matrix[49];
    uint32_t rack_of[7];
    for (uint32_t i = 0; i < 7; i++) {
        rack_of[i] = i;
        for (uint32_t j = 0; j < 7; j++)
            matrix[i * 7 + j] = j > i;
    }
    m3_workload_spec tm;
    memset(&tm, 0, sizeof tm);
    tm.tm = M3_TM_MATRIX;
    tm.matrix = matrix;
    tm.racks = 7;
    tm.rack_of = rack_of;
    generate(t, nflows, load, seed, &tm, out);
    m3_topology_free(t);
}

typedef int (*line_engine)(const m3_line *, const m3_flows *, uint32_t, uint32_t, double *,
                           m3_error *);

/* m3's 7-position preset: 10/40/40/40/40/10 Gbps, flows capped at 10 */
static double time_line(line_engine run, const m3_flows *f, double *fct)
{
    m3_line l;
    m3_error err;
    if (m3_line_preset(&l, 7, 10e9, 40e9, 0, 10e9, &err))
        bench_die("line", &err);
    double t0 = bench_cpu_s();
    if (run(&l, f, M3_MTU_DEFAULT, M3_HEADER_BYTES, fct, &err))
        bench_die("flowsim", &err);
    return bench_cpu_s() - t0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double max_rel_diff(const double *a, const double *b, size_t n)
{
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        double d = (a[i] - b[i]) / b[i];
        d = d < 0 ? -d : d;
        if (d > worst)
            worst = d;
    }
    return worst;
}

/* K long flows active throughout, plus M short flows arriving one at a
 * time on a line: isolates the cost of one event at K active flows. */
static void active_workload(size_t K, size_t M, m3_flows *f)
{
    m3_flows_init(f);
    uint64_t s = 12345;
    m3_error err;
    for (size_t i = 0; i < K + M; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        uint32_t a = (uint32_t)(s >> 33) % 6, b = a + 1 + (uint32_t)(s >> 40) % (6 - a);
        m3_flow x = {i, a, b, 3, 10000, 100, 0, 0};
        if (i < K) {
            x.size = 1000000000ull; /* outlives the measurement window */
        } else {
            x.size = 1000;
            x.start_ns = (uint64_t)(i - K + 1) * 100000; /* one at a time */
        }
        if (m3_flows_push(f, &x, &err))
            bench_die("push", &err);
    }
    m3_flows_assign_sports(f);
}

/* ---- the parking lot: line engine against the naive algorithm ---- */

/* Opens JSON key `key` of the top-level object (a comma before all but
 * the first). */
static void js_key(FILE *js, int *first, const char *key)
{
    if (js)
        fprintf(js, "%s\"%s\": [\n", *first ? "" : ",\n", key);
    *first = 0;
}

static void path_rows(int quick, int reps, int row, int naive_on, FILE *js, int *first)
{
    struct {
        size_t n;
        double load;
    } cases[] = {{20000, 0.8}, {100000, 0.8}, {400000, 0.8}, {400000, 0.95}};
    int ncases = quick ? 2 : 4, written = 0;
    js_key(js, first, "path");
    printf("flowSim on m3's 7-host parking lot (log-normal arrivals sigma 2)\n");
    printf("  %8s %5s %12s %12s %12s %12s %9s %10s\n", "flows", "load", "fast flows/s", "(median)",
           "naive flows/s", "speedup", "naive s", "max |rel|");
    for (int c = 0; c < ncases; c++) {
        if (row >= 0 && c != row)
            continue;
        m3_flows f;
        m3_flows_init(&f);
        path_workload(cases[c].n, cases[c].load, 7 + c, &f);
        double *a = calloc(f.n, sizeof *a), *b = calloc(f.n, sizeof *b);
        /* best and median of `reps` for the fast engine (the best is the
         * run least disturbed by other jobs on a shared machine; the
         * median shows how much they disturb); the naive one once */
        double times[64];
        int nt = reps < 64 ? reps : 64;
        for (int rep = 0; rep < nt; rep++)
            times[rep] = time_line(m3_flowsim_run_line, &f, a);
        qsort(times, (size_t)nt, sizeof *times, cmp_double);
        double tf = times[0], tmed = times[nt / 2];
        double tn = 0, diff = 0;
        if (naive_on) {
            tn = time_line(m3_flowsim_run_line_naive, &f, b);
            diff = max_rel_diff(a, b, f.n);
        }
        printf("  %8zu %5.2f %12.3g %12.3g %12.3g %11.1fx %9.2f %10.2g\n", f.n, cases[c].load,
               f.n / tf, f.n / tmed, f.n / tn, tn / tf, tn, diff);
        fflush(stdout);
        if (js)
            fprintf(js,
                    "%s  {\"flows\": %zu, \"load\": %.2f, \"fast_flows_per_s\": %.0f, "
                    "\"fast_flows_per_s_median\": %.0f, \"reps\": %d, "
                    "\"naive_flows_per_s\": %.0f, \"speedup\": %.2f, \"max_rel_diff\": %.3g}",
                    written++ ? ",\n" : "", f.n, cases[c].load, f.n / tf, f.n / tmed, nt,
                    naive_on ? f.n / tn : 0, naive_on ? tn / tf : 0, diff);
        free(a);
        free(b);
        m3_flows_free(&f);
    }
    if (js)
        fprintf(js, "]");
}

/* cost per event against the number of active flows, on a line */
static void line_per_event(int quick, FILE *js, int *first)
{
    js_key(js, first, "per_event");
    printf("\ncost per event with K flows active (line of 7, 2000 short flows)\n");
    printf("  %8s %14s %14s\n", "K", "fast ns/event", "naive ns/event");
    size_t Ks[] = {10, 100, 1000, 4000, 16000};
    int nk = quick ? 3 : 5;
    for (int k = 0; k < nk; k++) {
        m3_flows f;
        size_t M = 2000;
        active_workload(Ks[k], M, &f);
        double *a = calloc(f.n, sizeof *a);
        /* the measurement window is the short flows' events; the long flows
         * finish later and are subtracted with a K-only run */
        double tf = time_line(m3_flowsim_run_line, &f, a);
        m3_flows only = f;
        only.n = Ks[k];
        double tf0 = time_line(m3_flowsim_run_line, &only, a);
        double fast = (tf - tf0) / (2.0 * M) * 1e9;
        double naive = -1;
        if (Ks[k] <= 4000) {
            double tn = time_line(m3_flowsim_run_line_naive, &f, a);
            double tn0 = time_line(m3_flowsim_run_line_naive, &only, a);
            naive = (tn - tn0) / (2.0 * M) * 1e9;
        }
        if (naive >= 0)
            printf("  %8zu %14.0f %14.0f\n", Ks[k], fast, naive);
        else
            printf("  %8zu %14.0f %14s\n", Ks[k], fast, "(skipped)");
        fflush(stdout);
        if (js)
            fprintf(js,
                    "%s  {\"active\": %zu, \"fast_ns_per_event\": %.1f, "
                    "\"naive_ns_per_event\": %.1f}",
                    k ? ",\n" : "", Ks[k], fast, naive);
        free(a);
        m3_flows_free(&f);
    }
    if (js)
        fprintf(js, "]");
}

/* ---- fat-trees: the incremental engine against the full one ---- */

/* Flows on m3's fat-tree t as `m3-workload --fat-tree P,R,H,1` makes them
 * by default (webserver sizes, Poisson arrivals, load 0.5, workload seed
 * 1), or with `bursty` those of the earlier benchmark (log-normal sizes,
 * mean 10 KB, sigma 1.5; log-normal inter-arrivals, sigma 2; seed 3). */
static void fat_tree_workload(const m3_topology *t, size_t n, int bursty, m3_flows *out)
{
    m3_error err;
    if (!bursty) {
        m3_routing *r = m3_routing_new(t, &err);
        m3_size_dist *d = m3_size_dist_builtin("webserver", &err);
        if (!r || !d)
            bench_die("workload setup", &err);
        m3_workload_spec w = bench_default_workload(d, n);
        if (m3_workload_generate(t, r, &w, out, &err))
            bench_die("workload", &err);
        m3_size_dist_free(d);
        m3_routing_free(r);
    } else {
        generate(t, n, 0.5, 3, NULL, out);
    }
}

/* One engine on the fat-tree's flows: m3_flowsim_run (route index and
 * engine), CPU and wall seconds. */
static void time_topology(const m3_topology *t, const m3_routing *r, const m3_flows *f,
                          m3_flowsim_engine e, double *fct, double *cpu, double *wall)
{
    m3_error err;
    m3_flowsim_opts o;
    m3_flowsim_opts_default(&o);
    o.rate_cap_bps = 10e9; /* the host rate: what m3-compare's flowSim mode uses */
    o.engine = e;
    double c0 = bench_cpu_s(), w0 = bench_wall_s();
    if (m3_flowsim_run(t, r, f, &o, fct, &err))
        bench_die("flowsim", &err);
    *cpu = bench_cpu_s() - c0;
    *wall = bench_wall_s() - w0;
}

/* Time-average number of active flows: total FCT over the span. */
static double mean_active(const m3_flows *f, const double *fct)
{
    double sum = 0, end = 0;
    for (size_t i = 0; i < f->n; i++) {
        sum += fct[i];
        double e = (double)f->v[i].start_ns + fct[i];
        end = e > end ? e : end;
    }
    double span = f->n ? end - (double)f->v[0].start_ns : 0;
    return span > 0 ? sum / span : 0;
}

/* K long flows between random hosts of the 256-host fat-tree, active
 * throughout, then M short ones arriving one at a time (every 100 us):
 * isolates the cost of an event at K active flows. */
static void fat_tree_active_workload(const m3_topology *t, size_t K, size_t M, m3_flows *f)
{
    m3_flows_init(f);
    uint64_t s = 777;
    m3_error err;
    uint32_t nh = m3_topology_num_hosts(t);
    for (size_t i = 0; i < K + M; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        uint32_t a = (uint32_t)(s >> 33) % nh, b = (uint32_t)(s >> 20) % (nh - 1);
        b += b >= a;
        m3_flow x = {i, m3_topology_host(t, a), m3_topology_host(t, b), 3, 10000, 100, 0, 0};
        if (i < K) {
            x.size = 1000000000ull; /* outlives the measurement window */
        } else {
            x.size = 1000;
            x.start_ns = (uint64_t)(i - K + 1) * 100000;
        }
        if (m3_flows_push(f, &x, &err))
            bench_die("push", &err);
    }
    m3_flows_assign_sports(f);
}

static void fat_tree_rows(int quick, int full_on, FILE *js, int *first)
{
    struct {
        uint32_t pods, racks, hosts;
        size_t flows;
        int bursty, full;
    } rows[] = {
        {2, 16, 8, 100000, 0, 1},  {2, 16, 8, 1000000, 0, 1}, {2, 16, 8, 100000, 1, 1},
        {2, 16, 8, 1000000, 1, 0}, {16, 48, 8, 100000, 0, 1}, {16, 48, 8, 1000000, 0, 0},
    };
    int nrows = quick ? 1 : (int)(sizeof rows / sizeof rows[0]);
    js_key(js, first, "fat_tree");
    printf("\nflowSim on m3's fat-trees (1:1, 10/40 Gbps, cap 10 Gbps): the incremental engine\n"
           "against the full re-allocation one; seconds of m3_flowsim_run (route index +\n"
           "engine), CPU [wall]; workload: m3-workload's default (webserver, Poisson, load 0.5)\n"
           "or bursty (log-normal sizes 10 KB sigma 1.5, inter-arrivals sigma 2)\n");
    printf("  %6s %-8s %8s %7s %8s %17s %10s %17s %8s %9s\n", "hosts", "workload", "flows",
           "active", "index s", "incremental s", "flows/s", "full s", "full/inc", "max |rel|");
    for (int i = 0; i < nrows; i++) {
        m3_error err;
        m3_topology *t = m3_topology_fat_tree_m3(rows[i].pods, rows[i].racks, rows[i].hosts, 1,
                                                 10e9, 40e9, 1000, &err);
        m3_routing *r = t ? m3_routing_new(t, &err) : NULL;
        if (!r)
            bench_die("fat-tree", &err);
        m3_flows f;
        m3_flows_init(&f);
        fat_tree_workload(t, rows[i].flows, rows[i].bursty, &f);
        /* the route index alone, for how much of a run it is */
        double c0 = bench_cpu_s();
        m3_route_index *x = m3_route_index_new(r, &f, &err);
        double tix = bench_cpu_s() - c0;
        if (!x)
            bench_die("route index", &err);
        m3_route_index_free(x);
        double *a = calloc(f.n, sizeof *a), *b = calloc(f.n, sizeof *b);
        double ci, wi, cf = 0, wf = 0, diff = 0;
        time_topology(t, r, &f, M3_FLOWSIM_INCREMENTAL, a, &ci, &wi);
        int full = full_on && rows[i].full;
        if (full) {
            time_topology(t, r, &f, M3_FLOWSIM_FULL, b, &cf, &wf);
            diff = max_rel_diff(a, b, f.n);
        }
        uint32_t nh = m3_topology_num_hosts(t);
        const char *wl = rows[i].bursty ? "bursty" : "default";
        char fs[32] = "(skipped)", ratio[16] = "", dif[16] = "";
        if (full) {
            snprintf(fs, sizeof fs, "%.2f [%.2f]", cf, wf);
            snprintf(ratio, sizeof ratio, "%.1fx", cf / ci);
            snprintf(dif, sizeof dif, "%.2g", diff);
        }
        char is[32];
        snprintf(is, sizeof is, "%.2f [%.2f]", ci, wi);
        printf("  %6u %-8s %8zu %7.0f %8.2f %17s %10.3g %17s %8s %9s\n", nh, wl, f.n,
               mean_active(&f, a), tix, is, f.n / ci, fs, ratio, dif);
        fflush(stdout);
        if (js)
            fprintf(js,
                    "%s  {\"hosts\": %u, \"workload\": \"%s\", \"flows\": %zu, "
                    "\"mean_active\": %.1f, \"index_cpu_s\": %.3f, "
                    "\"incremental_cpu_s\": %.3f, \"incremental_wall_s\": %.3f, "
                    "\"full_cpu_s\": %.3f, \"full_wall_s\": %.3f, \"max_rel_diff\": %.3g}",
                    i ? ",\n" : "", nh, wl, f.n, mean_active(&f, a), tix, ci, wi, full ? cf : -1,
                    full ? wf : -1, diff);
        free(a);
        free(b);
        m3_flows_free(&f);
        m3_routing_free(r);
        m3_topology_free(t);
    }
    if (js)
        fprintf(js, "]");

    /* cost per event against the number of active flows */
    js_key(js, first, "fat_tree_per_event");
    printf("\ncost per event with K flows active (256-host fat-tree, 2000 short flows, CPU)\n");
    printf("  %8s %18s %18s\n", "K", "incremental ns/ev", "full ns/ev");
    size_t Ks[] = {100, 1000, 10000};
    int nk = quick ? 2 : 3;
    m3_error err;
    m3_topology *t = m3_topology_fat_tree_m3(2, 16, 8, 1, 10e9, 40e9, 1000, &err);
    m3_routing *r = t ? m3_routing_new(t, &err) : NULL;
    if (!r)
        bench_die("fat-tree", &err);
    for (int k = 0; k < nk; k++) {
        m3_flows f;
        size_t M = 2000;
        fat_tree_active_workload(t, Ks[k], M, &f);
        m3_flows only = f;
        only.n = Ks[k];
        double *a = calloc(f.n, sizeof *a), w, per[2] = {-1, -1};
        for (int e = 0; e < 1 + full_on; e++) {
            m3_flowsim_engine eng = e ? M3_FLOWSIM_FULL : M3_FLOWSIM_INCREMENTAL;
            double c1, c0;
            time_topology(t, r, &f, eng, a, &c1, &w);
            time_topology(t, r, &only, eng, a, &c0, &w);
            per[e] = (c1 - c0) / (2.0 * M) * 1e9;
        }
        printf("  %8zu %18.0f %18.0f\n", Ks[k], per[0], per[1]);
        fflush(stdout);
        if (js)
            fprintf(js,
                    "%s  {\"active\": %zu, \"incremental_ns_per_event\": %.1f, "
                    "\"full_ns_per_event\": %.1f}",
                    k ? ",\n" : "", Ks[k], per[0], per[1]);
        free(a);
        m3_flows_free(&f);
    }
    m3_routing_free(r);
    m3_topology_free(t);
    if (js)
        fprintf(js, "]");
}

int main(int argc, char **argv)
{
    static const char usage[] =
        "usage: bench-flowsim [--quick] [--no-fat-tree] [--fat-tree-only] [--no-full]\n"
        "                     [--path-only] [--reps N] [--row I] [--no-naive] [--json FILE]\n"
        "  --quick          smaller sizes\n"
        "  --no-fat-tree    skip the fat-tree rows (minutes)\n"
        "  --fat-tree-only  only the fat-tree rows\n"
        "  --no-full        skip the full re-allocation engine (the fat-trees' baseline)\n"
        "  --path-only      only the parking-lot rows\n"
        "  --reps N         runs of the fast engine per path row, 1..64 (default 15)\n"
        "  --row I          only path row I, 0..3\n"
        "  --no-naive       skip the naive engine\n"
        "  --json FILE      also write the numbers to FILE\n"
        "  -h, --help       this text\n"
        "Options take --key=value or --key value; usage errors exit 2.\n";
    m3_cli_tool = "bench-flowsim";
    m3_cli_option opt[] = {
        {"--quick", 0, NULL},   {"--no-fat-tree", 0, NULL}, {"--fat-tree-only", 0, NULL},
        {"--no-full", 0, NULL}, {"--path-only", 0, NULL},   {"--reps", 1, NULL},
        {"--row", 1, NULL},     {"--no-naive", 0, NULL},    {"--json", 1, NULL},
        {NULL, 0, NULL},
    };
    int prc = m3_cli_parse(argc, argv, opt, usage);
    if (prc)
        return prc < 0 ? 0 : prc;
    int quick = m3_cli_get(opt, "--quick")->value != NULL;
    int fat_tree = m3_cli_get(opt, "--no-fat-tree")->value == NULL;
    int fat_tree_only = m3_cli_get(opt, "--fat-tree-only")->value != NULL;
    int full_on = m3_cli_get(opt, "--no-full")->value == NULL;
    int path_only = m3_cli_get(opt, "--path-only")->value != NULL;
    int naive_on = m3_cli_get(opt, "--no-naive")->value == NULL;
    const char *json = m3_cli_get(opt, "--json")->value;
    int reps = 15, row = -1;
    uint64_t v;
    if (m3_cli_get(opt, "--reps")->value) {
        if (m3_cli_count(m3_cli_get(opt, "--reps"), 1, 64, &v))
            return M3_CLI_USAGE;
        reps = (int)v;
    }
    if (m3_cli_get(opt, "--row")->value) {
        if (m3_cli_count(m3_cli_get(opt, "--row"), 0, 3, &v))
            return M3_CLI_USAGE;
        row = (int)v;
    }
    if (fat_tree_only && (path_only || !fat_tree))
        return m3_cli_bad("--fat-tree-only", "contradicts --path-only and --no-fat-tree");
    FILE *js = NULL;
    if (json && !(js = fopen(json, "w"))) {
        fprintf(stderr, "bench-flowsim: cannot write %s\n", json);
        return 1;
    }
    int first = 1;
    if (js)
        fprintf(js, "{");
    if (!fat_tree_only) {
        path_rows(quick, reps, row, naive_on, js, &first);
        if (!path_only)
            line_per_event(quick, js, &first);
    }
    if (fat_tree && !path_only)
        fat_tree_rows(quick, full_on, js, &first);
    if (js) {
        fprintf(js, "}\n");
        fclose(js);
    }
    return 0;
}

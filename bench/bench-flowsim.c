/* SPDX-License-Identifier: GPL-2.0-only */
/* bench-flowsim - flowSim throughput (flows per second, simulation only,
 * no file I/O) on the workloads of the foundation issue, against the naive
 * from-scratch baseline measured in the same run, and the cost per event
 * as the number of simultaneously active flows grows. Prints numbers and
 * asserts nothing about time. Times are process CPU time, not wall time:
 * the development machine is shared, and CPU time is what other jobs
 * perturb least.
 *
 *   bench-flowsim [--quick] [--no-fat-tree] [--path-only] [--reps N] [--row I]
 *                 [--no-naive] [--json FILE]
 *
 * --row I runs only path row I (0-3) and --no-naive skips the naive
 * engine: together they make a short run for a profiler (callgrind). */
#define _POSIX_C_SOURCE 200809L
#include "../tools/m3-cli.h"
#include "m3.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, const m3_error *err)
{
    fprintf(stderr, "bench-flowsim: %s: %s\n", what, err->msg);
    exit(1);
}

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
        die("workload setup", &err);
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
        die("workload", &err);
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
        die("topology", &err);
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
        die("line", &err);
    double t0 = now_s();
    if (run(&l, f, M3_MTU_DEFAULT, M3_HEADER_BYTES, fct, &err))
        die("flowsim", &err);
    return now_s() - t0;
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
            die("push", &err);
    }
    m3_flows_assign_sports(f);
}

int main(int argc, char **argv)
{
    int quick = 0, fat_tree = 1, path_only = 0, reps = 15, row = -1, naive_on = 1;
    const char *json = NULL;
    static const char usage[] =
        "usage: bench-flowsim [--quick] [--no-fat-tree] [--path-only] [--reps N] [--row I]\n"
        "                     [--no-naive] [--json FILE]\n"
        "  --quick        smaller sizes\n"
        "  --no-fat-tree  skip the 256-host fat-tree run (minutes)\n"
        "  --path-only    only the parking-lot rows\n"
        "  --reps N       runs of the fast engine per path row, 1..64 (default 15)\n"
        "  --row I        only path row I, 0..3\n"
        "  --no-naive     skip the naive engine\n"
        "  --json FILE    also write the numbers to FILE\n"
        "  -h, --help     this text\n"
        "Options take --key=value or --key value; usage errors exit 2.\n";
    m3_cli_tool = "bench-flowsim";
    m3_cli_option opt[] = {
        {"--quick", 0, NULL}, {"--no-fat-tree", 0, NULL}, {"--path-only", 0, NULL},
        {"--reps", 1, NULL}, {"--row", 1, NULL}, {"--no-naive", 0, NULL},
        {"--json", 1, NULL}, {NULL, 0, NULL},
    };
    int prc = m3_cli_parse(argc, argv, opt, usage);
    if (prc)
        return prc < 0 ? 0 : prc;
    quick = m3_cli_get(opt, "--quick")->value != NULL;
    fat_tree = m3_cli_get(opt, "--no-fat-tree")->value == NULL; /* the slow part: minutes */
    path_only = m3_cli_get(opt, "--path-only")->value != NULL;  /* the path rows only */
    naive_on = m3_cli_get(opt, "--no-naive")->value == NULL;
    json = m3_cli_get(opt, "--json")->value;
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
    FILE *js = NULL;
    if (json && !(js = fopen(json, "w"))) {
        fprintf(stderr, "bench-flowsim: cannot write %s\n", json);
        return 1;
    }
    if (js)
        fprintf(js, "{\"path\": [\n");

    struct { size_t n; double load; } cases[] = {
        {20000, 0.8}, {100000, 0.8}, {400000, 0.8}, {400000, 0.95}};
    int ncases = quick ? 2 : 4;
    printf("flowSim on m3's 7-host parking lot (log-normal arrivals sigma 2)\n");
    printf("  %8s %5s %12s %12s %12s %12s %9s %10s\n", "flows", "load", "fast flows/s",
           "(median)", "naive flows/s", "speedup", "naive s", "max |rel|");
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
            fprintf(js, "  {\"flows\": %zu, \"load\": %.2f, \"fast_flows_per_s\": %.0f, "
                        "\"fast_flows_per_s_median\": %.0f, \"reps\": %d, "
                        "\"naive_flows_per_s\": %.0f, \"speedup\": %.2f, \"max_rel_diff\": %.3g}%s\n",
                    f.n, cases[c].load, f.n / tf, f.n / tmed, nt, f.n / tn, tn / tf, diff,
                    c + 1 < ncases ? "," : "");
        free(a);
        free(b);
        m3_flows_free(&f);
    }

    if (path_only) {
        if (js) {
            fprintf(js, "]}\n");
            fclose(js);
        }
        return 0;
    }
    /* cost per event against the number of active flows */
    if (js)
        fprintf(js, "], \"per_event\": [\n");
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
            fprintf(js, "  {\"active\": %zu, \"fast_ns_per_event\": %.1f, \"naive_ns_per_event\": %.1f}%s\n",
                    Ks[k], fast, naive, k + 1 < nk ? "," : "");
        free(a);
        m3_flows_free(&f);
    }

    if (!fat_tree) {
        if (js) {
            fprintf(js, "]}\n");
            fclose(js);
        }
        return 0;
    }
    /* a 256-host fat-tree (m3's: 2 pods x 16 racks x 8 hosts, 1:1) */
    size_t nft = quick ? 100000 : 1000000;
    m3_error err;
    m3_topology *t = m3_topology_fat_tree_m3(2, 16, 8, 1, 10e9, 40e9, 1000, &err);
    if (!t)
        die("fat-tree", &err);
    m3_flows f;
    m3_flows_init(&f);
    generate(t, nft, 0.5, 3, NULL, &f);
    m3_routing *r = m3_routing_new(t, &err);
    if (!r)
        die("fat-tree routing", &err);
    double *a = calloc(f.n, sizeof *a);
    m3_flowsim_opts o;
    m3_flowsim_opts_default(&o);
    double t0 = now_s();
    if (m3_flowsim_run(t, r, &f, &o, a, &err))
        die("fat-tree flowsim", &err);
    double tt = now_s() - t0;
    printf("\nflowSim on a 256-host fat-tree (2x16x8, 1:1), load 0.5, routing included\n");
    printf("  %zu flows in %.2f s: %.3g flows/s\n", f.n, tt, f.n / tt);
    if (js)
        fprintf(js, "], \"fat_tree\": {\"flows\": %zu, \"seconds\": %.3f, \"flows_per_s\": %.0f}}\n",
                f.n, tt, f.n / tt);
    free(a);
    m3_flows_free(&f);
    m3_routing_free(r);
    m3_topology_free(t);
    if (js)
        fclose(js);
    return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* m3-mpi - m3 mode across processes with MPI (issue 12, item 4):
 *
 *   mpirun -np N m3-mpi SCENARIO [m3 options] [--out FILE]
 *
 * Every rank builds the same scenario (the same topology, the same flows:
 * generated from the same seed or read from the same file), draws the same
 * paths, and computes the batches of distinct paths b with b % N == rank
 * (m3_estimate_m3_parts); the batches' results then go from their rank to
 * every rank (MPI_Bcast per batch), and every rank aggregates them. The
 * result equals the single-process one bit for bit for the same seed; rank
 * 0 prints it and writes --out. What the ranks share is the per-path
 * predictions (400 floats a path), so the network carries little; each
 * rank holds the whole scenario and its route index (doc/scale.rst).
 *
 * Inference runs its matrix products on one thread per rank (below), so
 * that its numbers do not depend on how mpirun binds the ranks to cores;
 * m3-compare, whose OpenBLAS uses every core, may differ from m3-mpi in
 * the last bits of a float.
 *
 * --out FILE writes every number of the result in C's exact hexadecimal
 * notation (%a), one per line, so that runs can be compared byte for byte.
 * Command line: tools/m3-cli.h.
 *
 * Rank 0 prints each stage's wall time and peak memory (issue 12's
 * benchmark, doc/scale.rst): the scenario (generate or parse), the model's
 * load, and the estimate's stages (m3_m3_stage); the time is the slowest
 * rank's, the peak the largest rank's and the ranks' sum. A stage's peak
 * is the largest resident set of the rank during the stage (VmHWM, started
 * anew at the stage's start), what earlier stages left allocated
 * included. */
#define _GNU_SOURCE /* sched_getaffinity */
#include "m3-cli.h"
#include "m3-infer.h"

#include <mpi.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: mpirun -np N m3-mpi (--fat-tree P,R,H,O | --topology FILE)\n"
    "              (--flows FILE | [--workload NAME] [--load X] [--num-flows N]\n"
    "               [--workload-seed S]) [--config FILE] [--model PT] [--path-samples K]\n"
    "              [--m3-seed S] [--bootstrap B] [--threads T] [--out FILE]\n"
    "  --fat-tree P,R,H,O  m3's fat-tree (10/40 Gbps, 1 us), e.g. 16,48,8,1 (6,144 hosts)\n"
    "  --topology FILE     topology in the community text format\n"
    "  --flows FILE        flows file (every rank reads it)\n"
    "  --workload NAME     generated flows: websearch|hadoop|webserver|cache|rpc\n"
    "                      (default webserver), Poisson arrivals\n"
    "  --load X            busiest link's load in (0, 1) (default 0.5)\n"
    "  --num-flows N       flows to generate, 1..1e8 (default 50000)\n"
    "  --workload-seed S   workload seed (default 1)\n"
    "  --config FILE       network configuration (`key = value` lines)\n"
    "  --model PT          checkpoint (default ckpts/m3-medium.pt)\n"
    "  --path-samples K    path draws, 1..100000 (default 500)\n"
    "  --m3-seed S         seed of the draws and the bootstrap (default 1)\n"
    "  --bootstrap B       bootstrap replicates, 0..100000 (default 200)\n"
    "  --threads T         threads per rank, 0..256 (default 0: every online core)\n"
    "  --out FILE          the result's numbers in hexadecimal floating point (rank 0)\n"
    "  -h, --help          this text\n"
    "Options take --key=value or --key value. Exit status: 0 done, 1 failure, 2 usage.\n";

/* Batch b of the distinct paths, from its rank to every rank. */
typedef struct share_ctx {
    int rank, size;
} share_ctx;

static int share(void *ctx, uint32_t paths, uint32_t batch, float *pred, size_t pred_n, double *fg,
                 size_t fg_n, double *stats, size_t stats_n, m3_error *err)
{
    const share_ctx *c = ctx;
    for (uint32_t first = 0; first < paths; first += batch) {
        int owner = (int)((first / batch) % (uint32_t)c->size);
        size_t n = paths - first < batch ? paths - first : batch;
        if (MPI_Bcast(pred + first * pred_n, (int)(n * pred_n), MPI_FLOAT, owner, MPI_COMM_WORLD) !=
                MPI_SUCCESS ||
            MPI_Bcast(fg + first * fg_n, (int)(n * fg_n), MPI_DOUBLE, owner, MPI_COMM_WORLD) !=
                MPI_SUCCESS ||
            MPI_Bcast(stats + first * stats_n, (int)(n * stats_n), MPI_DOUBLE, owner,
                      MPI_COMM_WORLD) != MPI_SUCCESS)
            return snprintf(err->msg, sizeof err->msg, "MPI_Bcast of batch %u failed",
                            first / batch),
                   -1;
    }
    return 0;
}

static void write_bucket(FILE *fp, const char *what, const m3_bucket_stats *b)
{
    fprintf(fp, "%s %zu %a %a %a\n", what, b->n, b->p50, b->p90, b->p99);
}

static int write_exact(const char *path, const m3_result *r, m3_error *err)
{
    m3_atomic_file af;
    if (m3_atomic_open(&af, path, err))
        return -1;
    FILE *fp = af.fp;
    fprintf(fp, "flows %zu paths %u %u\n", r->num_flows, r->paths_sampled, r->paths_distinct);
    const m3_summary *sums[3] = {&r->summary, &r->ci_lo, &r->ci_hi};
    static const char *names[3] = {"estimate", "ci_lo", "ci_hi"};
    for (int s = 0; s < 3; s++) {
        char what[32];
        snprintf(what, sizeof what, "%s all", names[s]);
        write_bucket(fp, what, &sums[s]->overall);
        for (int b = 0; b < sums[s]->num_buckets; b++) {
            snprintf(what, sizeof what, "%s %d", names[s], b);
            write_bucket(fp, what, &sums[s]->buckets[b]);
        }
    }
    for (int k = 0; k < M3_RESULT_PCTS; k++)
        fprintf(fp, "p%d %a\n", k + 1, r->pct[k]);
    return m3_atomic_commit(&af, err);
}

/* Cores this rank may run on (its affinity mask: mpirun binds each rank
 * to one core by default), 0 when unknown. */
static int cores_allowed(void)
{
#ifdef CPU_COUNT
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        return CPU_COUNT(&set);
#endif
    return 0;
}

/* Set when build() fails on an option's value: a usage error, exit 2 (the
 * ranks parse the same command line, so each sets it alike). */
static int usage_error;

/* err's message, printf-style, for an option's value; -1. */
static int bad(m3_error *err, const char *fmt, const char *what)
{
    snprintf(err->msg, sizeof err->msg, fmt, what);
    usage_error = 1;
    return -1;
}

/* The scenario every rank builds alike. */
static int build(m3_cli_option *opt, m3_scenario *s, m3_routing **r, m3_error *err)
{
    const char *ft = m3_cli_get(opt, "--fat-tree")->value;
    const char *topo = m3_cli_get(opt, "--topology")->value;
    if (ft) {
        uint64_t v[4];
        char buf[128];
        snprintf(buf, sizeof buf, "%s", ft);
        int n = 0;
        for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save))
            if (n == 4 || m3_parse_count(tok, 100000, &v[n++]))
                return bad(err, "--fat-tree: '%s' is not P,R,H,O", ft);
        if (n != 4)
            return bad(err, "--fat-tree: '%s' is not P,R,H,O", ft);
        s->topo = m3_topology_fat_tree_m3((uint32_t)v[0], (uint32_t)v[1], (uint32_t)v[2],
                                          (uint32_t)v[3], 10e9, 40e9, 1000, err);
        usage_error = !s->topo; /* the builder refuses only its arguments */
    } else {
        s->topo = m3_topology_read(topo, err);
    }
    if (!s->topo || !(*r = m3_routing_new(s->topo, err)))
        return -1;
    const char *cfg = m3_cli_get(opt, "--config")->value;
    if (cfg && m3_config_read(cfg, &s->config, err))
        return -1;
    const char *flows = m3_cli_get(opt, "--flows")->value;
    if (flows)
        return m3_flows_read_routed(flows, *r, &s->flows, err);
    m3_workload_spec w;
    memset(&w, 0, sizeof w);
    const char *name = m3_cli_get(opt, "--workload")->value;
    m3_size_dist *d = m3_size_dist_builtin(name ? name : "webserver", err);
    if (!d) {
        usage_error = 1; /* not a built-in's name */
        return -1;
    }
    w.sizes = d;
    w.load = 0.5;
    w.num_flows = 50000;
    w.seed = 1;
    uint64_t v;
    const char *x;
    if ((x = m3_cli_get(opt, "--load")->value) &&
        (m3_parse_double(x, &w.load) || !(w.load > 0 && w.load < 1))) {
        m3_size_dist_free(d);
        return bad(err, "--load: '%s' is not in (0, 1)", x);
    }
    if ((x = m3_cli_get(opt, "--num-flows")->value)) {
        if (m3_parse_count(x, 100000000, &v) || v == 0) {
            m3_size_dist_free(d);
            return bad(err, "--num-flows: '%s' is not 1..1e8", x);
        }
        w.num_flows = (size_t)v;
    }
    if ((x = m3_cli_get(opt, "--workload-seed")->value)) {
        if (m3_parse_u64(x, &w.seed)) {
            m3_size_dist_free(d);
            return bad(err, "--workload-seed: '%s' is not a whole number", x);
        }
    }
    int rc = m3_workload_generate(s->topo, *r, &w, &s->flows, err);
    m3_size_dist_free(d);
    return rc;
}

/* The lowest failing rank's message, on every rank (collective). 1 when
 * every rank succeeded. */
static int agree(int ok, m3_error *err, int *who)
{
    int rank, size, first;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int mine = ok ? size : rank;
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (first == size)
        return 1;
    MPI_Bcast(err->msg, (int)sizeof err->msg, MPI_CHAR, first, MPI_COMM_WORLD);
    *who = first;
    return 0;
}

static int parse_m3_opts(m3_cli_option *opt, m3_m3_opts *mo)
{
    m3_m3_opts_default(mo);
    uint64_t v;
    m3_cli_option *o;
    if ((o = m3_cli_get(opt, "--path-samples"))->value) {
        if (m3_cli_count(o, 1, 100000, &v))
            return -1;
        mo->path_samples = (uint32_t)v;
    }
    if ((o = m3_cli_get(opt, "--m3-seed"))->value) {
        if (m3_cli_count(o, 0, UINT64_MAX, &v))
            return -1;
        mo->seed = v;
    }
    if ((o = m3_cli_get(opt, "--bootstrap"))->value) {
        if (m3_cli_count(o, 0, 100000, &v))
            return -1;
        mo->bootstrap = (uint32_t)v;
    }
    if ((o = m3_cli_get(opt, "--threads"))->value) {
        if (m3_cli_count(o, 0, 256, &v))
            return -1;
        mo->threads = (int)v;
    }
    if ((m3_cli_get(opt, "--fat-tree")->value != NULL) ==
        (m3_cli_get(opt, "--topology")->value != NULL))
        return m3_cli_bad("--fat-tree", "give exactly one of --fat-tree, --topology"), -1;
    return 0;
}

int main(int argc, char **argv)
{
    /* Inference the same in every rank: Debian's OpenBLAS, under libtorch,
     * splits a matrix product over as many threads as the process may use
     * cores, and mpirun binds each rank to one, so the sums' order (their
     * last bits) would follow the binding. One thread everywhere, set before
     * the model's first load opens libtorch. */
    setenv("OPENBLAS_NUM_THREADS", "1", 1);
    setenv("OMP_NUM_THREADS", "1", 1);
    MPI_Init(&argc, &argv);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    /* the ranks parse the same command line alike: only rank 0 speaks */
    if (rank && (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))) {
        MPI_Finalize();
        return 1;
    }
    m3_cli_tool = "m3-mpi";
    m3_cli_option opt[] = {
        {"--fat-tree", 1, NULL},      {"--topology", 1, NULL}, {"--flows", 1, NULL},
        {"--workload", 1, NULL},      {"--load", 1, NULL},     {"--num-flows", 1, NULL},
        {"--workload-seed", 1, NULL}, {"--config", 1, NULL},   {"--model", 1, NULL},
        {"--path-samples", 1, NULL},  {"--m3-seed", 1, NULL},  {"--bootstrap", 1, NULL},
        {"--threads", 1, NULL},       {"--out", 1, NULL},      {NULL, 0, NULL},
    };
    m3_m3_opts mo;
    int rc = m3_cli_parse(argc, argv, opt, usage);
    if (!rc && parse_m3_opts(opt, &mo))
        rc = M3_CLI_USAGE;
    mo.stage_peaks = 1;
    const char *out = m3_cli_get(opt, "--out")->value;
    /* the output's directory, checked by rank 0 for all */
    int out_ok = !out || rank || m3_cli_output(m3_cli_get(opt, "--out")) == 0;
    if (!rc)
        MPI_Bcast(&out_ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (rc || !out_ok) {
        MPI_Finalize();
        return rc < 0 ? 0 : rc ? rc : 1;
    }

    m3_error err = {{0}};
    m3_scenario s;
    m3_scenario_init(&s);
    m3_routing *r = NULL;
    m3_model *model = NULL;
    m3_result res;
    m3_result_init(&res, "m3");
    /* per stage: wall s and peak MB; 0, 1: the scenario, the model */
    double st_s[2 + M3_M3_STAGES] = {0}, st_mb[2 + M3_M3_STAGES] = {0};
    double t0 = MPI_Wtime();
    /* each step ends with every rank agreeing (collectively) on success */
    m3_peak_rss_reset();
    int who = 0, ok = agree(build(opt, &s, &r, &err) == 0, &err, &who);
    st_s[0] = MPI_Wtime() - t0;
    st_mb[0] = m3_peak_rss_mb();
    if (ok) {
        const char *mp = m3_cli_get(opt, "--model")->value;
        double ta = MPI_Wtime();
        m3_peak_rss_reset();
        model = m3_model_load(mp ? mp : "ckpts/m3-medium.pt", 1, &err);
        ok = agree(model != NULL, &err, &who);
        st_s[1] = MPI_Wtime() - ta;
        st_mb[1] = m3_peak_rss_mb();
    }
    if (ok) {
        m3_predictor p;
        m3_model_predictor(model, &p);
        share_ctx sc = {rank, size};
        m3_m3_parts parts = {(uint32_t)rank, (uint32_t)size, share, &sc};
        /* a failure before the sharing would leave the other ranks waiting
         * in MPI_Bcast: such failures (a path too long, a failing model)
         * happen alike on every rank, which runs the same scenario */
        ok = agree(m3_estimate_m3_parts(&s, r, &p, &mo, &parts, &res, &err) == 0, &err, &who);
    }
    /* per stage: the slowest rank's time, the largest rank's peak and
     * the ranks' sum; the run's peak: each rank's largest, then the same */
    enum { NST = 2 + M3_M3_STAGES };
    double rss = 0, rss_max, rss_sum, s_max[NST], mb_max[NST], mb_sum[NST];
    for (int k = 0; k < M3_M3_STAGES; k++) {
        st_s[2 + k] = res.stage_s[k];
        st_mb[2 + k] = res.stage_peak_mb[k];
    }
    for (int k = 0; k < NST; k++)
        rss = st_mb[k] > rss ? st_mb[k] : rss;
    MPI_Reduce(st_s, s_max, NST, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    MPI_Reduce(st_mb, mb_max, NST, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    MPI_Reduce(st_mb, mb_sum, NST, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
    MPI_Reduce(&rss, &rss_max, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    MPI_Reduce(&rss, &rss_sum, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
    if (!ok) {
        fprintf(stderr, "m3-mpi: rank %d: %s\n", who, err.msg);
    } else if (rank == 0) {
        printf("m3 mode on %d rank%s: %zu flows, %u path draws, %u distinct paths, %.3f s "
               "(estimate %.3f s)\n",
               size, size > 1 ? "s" : "", res.num_flows, res.paths_sampled, res.paths_distinct,
               MPI_Wtime() - t0, res.wall_s);
        printf("  %-10s %9s %14s %14s\n", "stage", "wall s", "peak MB/rank", "peak MB, all");
        for (int k = 0; k < NST; k++)
            printf("  %-10s %9.3f %14.0f %14.0f\n",
                   k == 0   ? (m3_cli_get(opt, "--flows")->value ? "parse" : "generate")
                   : k == 1 ? "model"
                            : m3_m3_stage_name(k - 2),
                   s_max[k], mb_max[k], mb_sum[k]);
        printf("peak RSS %.0f MB per rank at most, %.0f MB over the ranks%s\n", rss_max, rss_sum,
               res.stage_peaks == 2 ? " (peaks since the start: the reset was refused)" : "");
        long online = sysconf(_SC_NPROCESSORS_ONLN);
        int threads = mo.threads ? mo.threads : (int)online, cores = cores_allowed();
        if (cores > 0 && threads > cores)
            printf("note: %d threads per rank, bound to %d core%s (mpirun binds each rank; "
                   "mpirun --bind-to none lets the threads spread)\n",
                   threads, cores, cores > 1 ? "s" : "");
        m3_summary_print(&res.summary, "m3 FCT slowdown", stdout);
        for (int w = 0; w < res.num_warnings && w < M3_RESULT_MAX_WARNINGS; w++)
            printf("warning: %s\n", res.warnings[w]);
        if (out && write_exact(out, &res, &err)) {
            fprintf(stderr, "m3-mpi: %s\n", err.msg);
            ok = 0;
        }
    }
    m3_result_free(&res);
    m3_model_free(model);
    m3_routing_free(r);
    m3_scenario_free(&s);
    MPI_Finalize();
    return ok ? 0 : usage_error ? M3_CLI_USAGE : 1;
}

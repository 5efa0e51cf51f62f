/* SPDX-License-Identifier: GPL-2.0-only */
/* bench-m3 - m3 mode's cost, stage by stage, on m3's 256-host fat-tree
 * (2 pods x 16 racks x 8 hosts, 10/40 Gbps, 1 us; web-server sizes, load
 * 0.5) with the shipped model, against the flowSim baseline measured in the
 * same run. Prints numbers and asserts nothing about time.
 *
 * --fat-tree P,R,H,O picks another of m3's fat-trees (issue 12's scale
 * benchmark: 16,48,8,1, 6,144 hosts, with --flows 1e6,5e6,2e7
 * --no-per-path).
 *
 * Per flow count (each in a child process, so its peak memory is its own):
 * workload generation, or with --parse the flows written to a file (not
 * timed) and read back, as a user's flows file is; the model's load; the
 * m3 estimate and its stages (m3_m3_stage: index, sample, flowSim and
 * features on all cores, inference, aggregation + bootstrap), each with its
 * wall time and peak memory; and flowSim over the whole network (unless
 * --no-flowsim). Per path (one thread, the distinct sampled paths of the
 * 100k case): flows per path, flowSim and features separately, and
 * inference per path (one batch of all paths / paths). Then m3's path
 * scenario of 20,000 flows (the training recipe, n = 7): flowSim +
 * features per path. The packet-mode speedup comes from bench/bench-m3.sh,
 * which runs m3-compare --mode=packet,m3 on the same scenario.
 *
 *   bench-m3 [--model ckpts/m3-medium.pt] [--flows 100000,1000000]
 *            [--threads 0] [--torch-threads 1] [--fat-tree P,R,H,O]
 *            [--parse] [--tmp DIR] [--no-flowsim] [--no-per-path]
 *            [--json FILE]
 *
 * Times are wall clock (the estimate runs on several threads). A stage's
 * peak is the largest resident set of the process during the stage
 * (Linux's VmHWM, started anew at the stage's start: m3_peak_rss_reset),
 * what earlier stages left allocated included; the run's peak is the
 * largest of them. */
#define _POSIX_C_SOURCE 200809L
#define BENCH_NAME "bench-m3"
#include "../tools/m3-cli.h"
#include "bench-util.h"
#include "m3-infer.h"
#include "m3.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct opts {
    const char *model;
    size_t flows[8];
    int nflows;
    int threads, torch_threads;
    const char *json;
    uint32_t ft[4]; /* the fat-tree: pods, racks, hosts, oversubscription */
    int per_path;   /* the per-path rows after the first case */
    int parse;      /* the flows through a file */
    int flowsim;    /* the flowSim baseline after m3 */
    const char *tmp;
} opts;

/* Stages outside the estimate: their wall time and peak memory. */
typedef struct clock_mark {
    double t;
} clock_mark;

static clock_mark stage_start(void)
{
    m3_peak_rss_reset();
    clock_mark c = {bench_wall_s()};
    return c;
}

static double stage_s(clock_mark c, double *peak_mb)
{
    *peak_mb = m3_peak_rss_mb();
    return bench_wall_s() - c.t;
}

/* The scenario; *in_s and *in_mb: generation's, or with o->parse reading
 * the flows file's, wall time and peak. */
static void scenario(const opts *o, m3_scenario *s, m3_routing **r, size_t nflows, double *in_s,
                     double *in_mb)
{
    m3_error err;
    m3_scenario_init(s);
    s->topo =
        m3_topology_fat_tree_m3(o->ft[0], o->ft[1], o->ft[2], o->ft[3], 10e9, 40e9, 1000, &err);
    if (!s->topo || !(*r = m3_routing_new(s->topo, &err)))
        bench_die("topology", &err);
    m3_size_dist *d = m3_size_dist_builtin("webserver", &err);
    if (!d)
        bench_die("sizes", &err);
    m3_workload_spec w;
    memset(&w, 0, sizeof w);
    w.sizes = d;
    w.load = 0.5;
    w.num_flows = nflows;
    w.seed = 1;
    clock_mark c = stage_start();
    if (m3_workload_generate(s->topo, *r, &w, &s->flows, &err))
        bench_die("workload", &err);
    *in_s = stage_s(c, in_mb);
    m3_size_dist_free(d);
    if (o->parse) {
        char path[4096];
        snprintf(path, sizeof path, "%s/bench-m3-%ld-flows.txt", o->tmp, (long)getpid());
        if (m3_flows_write(&s->flows, path, &err))
            bench_die("write flows", &err);
        m3_flows_free(&s->flows);
        m3_flows_init(&s->flows);
        c = stage_start();
        int rc = m3_flows_read_routed(path, *r, &s->flows, &err);
        *in_s = stage_s(c, in_mb);
        remove(path);
        if (rc)
            bench_die("parse", &err);
    }
}

/* One thread, the distinct paths of a draw: flowSim and features apart. */
static void per_path(const m3_scenario *s, const m3_routing *r, FILE *js)
{
    m3_error err;
    m3_route_index *x = m3_route_index_new(r, &s->flows, &err);
    if (!x)
        bench_die("index", &err);
    uint32_t paths[500], mult[500];
    int P = m3_sample_paths(x, s->flows.n, 500, 1, paths, mult, &err);
    if (P < 0)
        bench_die("sample", &err);
    const int D = m3_feature_schema_get()->token_dim;
    m3_path_scenario ps;
    m3_path_scenario_init(&ps);
    double t_build = 0, t_fs = 0, t_feat = 0, flows = 0;
    float *tok = malloc((size_t)M3_LINE_MAX_POSITIONS * D * sizeof *tok);
    for (int q = 0; q < P; q++) {
        double t0 = bench_wall_s();
        if (m3_path_scenario_build(s, x, paths[q], &ps, &err))
            bench_die("path scenario", &err);
        double t1 = bench_wall_s();
        size_t F = ps.flows.n;
        double *fct = malloc(F * 8), *ideal = malloc(F * 8), *sd = malloc(F * 8);
        if (m3_line_flowsim(&ps.line, &ps.flows, s->config.mtu, M3_HEADER_BYTES, NULL, fct, ideal,
                            &err))
            bench_die("flowsim", &err);
        for (size_t i = 0; i < F; i++)
            sd[i] = m3_slowdown(fct[i], ideal[i]);
        double t2 = bench_wall_s();
        if (m3_path_features(&ps.line, &ps.flows, sd, &s->config, ps.pool_bytes, tok, &err))
            bench_die("features", &err);
        double t3 = bench_wall_s();
        t_build += t1 - t0;
        t_fs += t2 - t1;
        t_feat += t3 - t2;
        flows += (double)F;
        free(fct);
        free(ideal);
        free(sd);
    }
    printf("  per path (%d distinct paths of 500 draws, 1 thread): %.0f flows on average; "
           "relabel %.3f ms, flowSim %.3f ms, features %.3f ms\n",
           P, flows / P, 1e3 * t_build / P, 1e3 * t_fs / P, 1e3 * t_feat / P);
    if (js)
        fprintf(js,
                "  \"per_path\": {\"paths\": %d, \"flows_mean\": %.1f, \"relabel_ms\": %.4f, "
                "\"flowsim_ms\": %.4f, \"features_ms\": %.4f},\n",
                P, flows / P, 1e3 * t_build / P, 1e3 * t_fs / P, 1e3 * t_feat / P);
    free(tok);
    m3_path_scenario_free(&ps);
    m3_route_index_free(x);
}

/* m3's training path: 7 positions, 20,000 flows, its recipe. */
static void path_20k(const m3_config *c, FILE *js)
{
    m3_error err;
    const int D = m3_feature_schema_get()->token_dim, reps = 10;
    float *tok = malloc((size_t)7 * D * sizeof *tok);
    double t_fs = 0, t_feat = 0;
    for (int k = 0; k < reps; k++) {
        m3_flows f;
        m3_flows_init(&f);
        if (m3_workload_path_m3(7, 20000, 100 + k, &f, &err))
            bench_die("path workload", &err);
        m3_line l;
        if (m3_line_preset(&l, 7, 10e9, 40e9, 1000, 10e9, &err))
            bench_die("line", &err);
        double *fct = malloc(f.n * 8), *ideal = malloc(f.n * 8), *sd = malloc(f.n * 8);
        double pools[7] = {0, 500e3, 500e3, 500e3, 500e3, 500e3, 0};
        double t0 = bench_wall_s();
        if (m3_line_flowsim(&l, &f, c->mtu, M3_HEADER_BYTES, NULL, fct, ideal, &err))
            bench_die("flowsim", &err);
        for (size_t i = 0; i < f.n; i++)
            sd[i] = m3_slowdown(fct[i], ideal[i]);
        double t1 = bench_wall_s();
        if (m3_path_features(&l, &f, sd, c, pools, tok, &err))
            bench_die("features", &err);
        t_fs += t1 - t0;
        t_feat += bench_wall_s() - t1;
        free(fct);
        free(ideal);
        free(sd);
        m3_flows_free(&f);
    }
    printf("path of 20,000 flows (m3's recipe, n = 7, %d workloads): flowSim %.2f ms, features "
           "%.2f ms, together %.2f ms (m3's engine: 2,660 ms)\n",
           reps, 1e3 * t_fs / reps, 1e3 * t_feat / reps, 1e3 * (t_fs + t_feat) / reps);
    if (js)
        fprintf(js, "  \"path_20k\": {\"flowsim_ms\": %.3f, \"features_ms\": %.3f},\n",
                1e3 * t_fs / reps, 1e3 * t_feat / reps);
    free(tok);
}

/* One flow count, in a child process: its line of the table. */
static void one_case(const opts *o, size_t nflows, int with_per_path, const char *jpath)
{
    m3_error err;
    m3_scenario s;
    m3_routing *r;
    double in_s, in_mb, load_s, load_mb;
    scenario(o, &s, &r, nflows, &in_s, &in_mb);
    const char *in_name = o->parse ? "parse" : "generate";
    FILE *js = jpath ? fopen(jpath, "w") : NULL;
    if (js)
        fprintf(js, "{\n  \"flows\": %zu,\n  \"%s_s\": %.4f,\n  \"%s_peak_mb\": %.1f,\n", s.flows.n,
                in_name, in_s, in_name, in_mb);
    clock_mark c = stage_start();
    m3_model *m = m3_model_load(o->model, o->torch_threads, &err);
    if (!m)
        bench_die("model", &err);
    load_s = stage_s(c, &load_mb);
    m3_predictor p;
    m3_model_predictor(m, &p);
    m3_m3_opts mo;
    m3_m3_opts_default(&mo);
    mo.threads = o->threads;
    mo.stage_peaks = 1;
    m3_result res;
    m3_result_init(&res, "m3");
    if (m3_estimate_m3(&s, r, &p, &mo, &res, &err))
        bench_die("m3", &err);
    double peak = in_mb > load_mb ? in_mb : load_mb;
    for (int k = 0; k < M3_M3_STAGES; k++)
        peak = res.stage_peak_mb[k] > peak ? res.stage_peak_mb[k] : peak;
    printf("%zu flows: m3 %.3f s, %u distinct paths, p99 %.3f [%.3f, %.3f]; peak %.0f MB%s\n",
           s.flows.n, res.wall_s, res.paths_distinct, res.summary.overall.p99,
           res.ci_lo.overall.p99, res.ci_hi.overall.p99, peak,
           res.stage_peaks == 1 ? "" : " (peaks since the start: the reset was refused)");
    printf("  %-10s %9s %10s\n", "stage", "wall s", "peak MB");
    printf("  %-10s %9.3f %10.0f\n", in_name, in_s, in_mb);
    printf("  %-10s %9.3f %10.0f  (libtorch's start-up included, once per process)\n", "model",
           load_s, load_mb);
    for (int k = 0; k < M3_M3_STAGES; k++)
        printf("  %-10s %9.3f %10.0f\n", m3_m3_stage_name(k), res.stage_s[k], res.stage_peak_mb[k]);
    printf("  %-10s %9.3f %10.0f  (%s, model and estimate)\n", "total", in_s + load_s + res.wall_s,
           peak, in_name);
    printf("  inference per path: %.3f ms\n",
           1e3 * res.stage_s[M3_STAGE_INFERENCE] / res.paths_distinct);
    m3_result fr;
    m3_result_init(&fr, "flowsim");
    if (o->flowsim) {
        if (m3_estimate_flowsim(&s, r, &fr, &err))
            bench_die("flowsim", &err);
        printf("  flowSim (whole network): %.3f s, p99 %.3f; m3 is %.1fx %s\n", fr.wall_s,
               fr.summary.overall.p99,
               fr.wall_s > res.wall_s ? fr.wall_s / res.wall_s : res.wall_s / fr.wall_s,
               fr.wall_s > res.wall_s ? "faster" : "slower");
    }
    if (js) {
        fprintf(js, "  \"model_load_s\": %.4f,\n  \"model_load_peak_mb\": %.1f,\n", load_s,
                load_mb);
        fprintf(js,
                "  \"m3\": {\"wall_s\": %.4f, \"paths_distinct\": %u, \"peak_mb\": %.1f, "
                "\"p99\": %.4f, \"stages\": [",
                res.wall_s, res.paths_distinct, peak, res.summary.overall.p99);
        for (int k = 0; k < M3_M3_STAGES; k++)
            fprintf(js, "%s{\"stage\": \"%s\", \"wall_s\": %.4f, \"peak_mb\": %.1f}", k ? ", " : "",
                    m3_m3_stage_name(k), res.stage_s[k], res.stage_peak_mb[k]);
        fprintf(js, "]},\n");
        if (o->flowsim)
            fprintf(js, "  \"flowsim\": {\"wall_s\": %.4f, \"p99\": %.4f},\n", fr.wall_s,
                    fr.summary.overall.p99);
    }
    if (with_per_path) {
        per_path(&s, r, js);
        path_20k(&s.config, js);
    }
    if (js) {
        fprintf(js, "  \"threads\": %d\n}\n", o->threads);
        fclose(js);
    }
    m3_result_free(&res);
    m3_result_free(&fr);
    m3_model_free(m);
    m3_routing_free(r);
    m3_scenario_free(&s);
}

int main(int argc, char **argv)
{
    opts o = {
        "ckpts/m3-medium.pt", {100000, 1000000}, 2, 0, 1, NULL, {2, 16, 8, 1}, 1, 0, 1, "/tmp"};
    static const char usage[] =
        "usage: bench-m3 [--model PT] [--flows N,N] [--threads T] [--torch-threads T]\n"
        "                [--fat-tree P,R,H,O] [--parse] [--tmp DIR] [--no-flowsim]\n"
        "                [--no-per-path] [--json FILE]\n"
        "  --model PT          checkpoint (default ckpts/m3-medium.pt)\n"
        "  --flows N,N         flow counts of the cases, up to 8 (default 100000,1000000)\n"
        "  --threads T         m3 mode's threads, 0..256 (default 2; 0 = every core)\n"
        "  --torch-threads T   libtorch intra-op threads, 0..256 (default 1)\n"
        "  --fat-tree P,R,H,O  m3's fat-tree (default 2,16,8,1: 256 hosts)\n"
        "  --parse             the flows written to a file (not timed) and read back\n"
        "  --tmp DIR           directory for that file (default /tmp)\n"
        "  --no-flowsim        skip the flowSim baseline\n"
        "  --no-per-path       skip the per-path rows of the first case\n"
        "  --json FILE         also write the numbers to FILE\n"
        "  -h, --help          this text\n"
        "Options take --key=value or --key value; usage errors exit 2.\n";
    m3_cli_tool = "bench-m3";
    m3_cli_option opt[] = {
        {"--model", 1, NULL},       {"--threads", 1, NULL}, {"--torch-threads", 1, NULL},
        {"--json", 1, NULL},        {"--flows", 1, NULL},   {"--fat-tree", 1, NULL},
        {"--no-per-path", 0, NULL}, {"--parse", 0, NULL},   {"--tmp", 1, NULL},
        {"--no-flowsim", 0, NULL},  {NULL, 0, NULL},
    };
    int prc = m3_cli_parse(argc, argv, opt, usage);
    if (prc)
        return prc < 0 ? 0 : prc;
    uint64_t v;
    if (m3_cli_get(opt, "--model")->value)
        o.model = m3_cli_get(opt, "--model")->value;
    if (m3_cli_get(opt, "--json")->value)
        o.json = m3_cli_get(opt, "--json")->value;
    if (m3_cli_get(opt, "--threads")->value) {
        if (m3_cli_count(m3_cli_get(opt, "--threads"), 0, 256, &v))
            return M3_CLI_USAGE;
        o.threads = (int)v;
    }
    if (m3_cli_get(opt, "--torch-threads")->value) {
        if (m3_cli_count(m3_cli_get(opt, "--torch-threads"), 0, 256, &v))
            return M3_CLI_USAGE;
        o.torch_threads = (int)v;
    }
    o.per_path = m3_cli_get(opt, "--no-per-path")->value == NULL;
    o.parse = m3_cli_get(opt, "--parse")->value != NULL;
    o.flowsim = m3_cli_get(opt, "--no-flowsim")->value == NULL;
    if (m3_cli_get(opt, "--tmp")->value)
        o.tmp = m3_cli_get(opt, "--tmp")->value;
    if (m3_cli_get(opt, "--fat-tree")->value) {
        const char *text = m3_cli_get(opt, "--fat-tree")->value;
        char buf[128];
        snprintf(buf, sizeof buf, "%s", text);
        int n = 0;
        for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
            m3_cli_option one = {"--fat-tree", 1, tok};
            if (n == 4 || m3_cli_count(&one, 1, 100000, &v))
                return m3_cli_bad("--fat-tree", "'%s' is not P,R,H,O", text);
            o.ft[n++] = (uint32_t)v;
        }
        if (n != 4)
            return m3_cli_bad("--fat-tree", "'%s' is not P,R,H,O", text);
    }
    if (m3_cli_get(opt, "--flows")->value) {
        /* N,N,...: whole numbers 1..1e8, at most 8 */
        char buf[256];
        const char *text = m3_cli_get(opt, "--flows")->value;
        if (strlen(text) >= sizeof buf)
            return m3_cli_bad("--flows", "too long");
        strcpy(buf, text);
        o.nflows = 0;
        for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
            m3_cli_option one = {"--flows", 1, tok};
            if (o.nflows == 8)
                return m3_cli_bad("--flows", "at most 8 counts");
            if (m3_cli_count(&one, 1, 100000000, &v))
                return M3_CLI_USAGE;
            o.flows[o.nflows++] = (size_t)v;
        }
        if (o.nflows == 0 || text[strlen(text) - 1] == ',' || strstr(text, ",,"))
            return m3_cli_bad("--flows", "'%s' is not N[,N...]", text);
    }
    printf("bench-m3: m3's fat-tree %u,%u,%u,%u (%u hosts), web-server sizes, load 0.5, 500 "
           "path draws, model %s, %ld online cores\n",
           o.ft[0], o.ft[1], o.ft[2], o.ft[3], o.ft[0] * o.ft[1] * o.ft[2], o.model,
           sysconf(_SC_NPROCESSORS_ONLN));
    FILE *all = o.json ? fopen(o.json, "w") : NULL;
    if (all)
        fprintf(all, "{\"cases\": [\n");
    for (int k = 0; k < o.nflows; k++) {
        char part[64];
        snprintf(part, sizeof part, "/tmp/bench-m3-%d-%d.json", (int)getpid(), k);
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            one_case(&o, o.flows[k], k == 0 && o.per_path, all ? part : NULL);
            fflush(stdout);
            _exit(0);
        }
        int st;
        waitpid(pid, &st, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st)) {
            fprintf(stderr, "bench-m3: the %zu-flow case failed\n", o.flows[k]);
            return 1;
        }
        if (all) {
            FILE *f = fopen(part, "r");
            char buf[4096];
            size_t n;
            while (f && (n = fread(buf, 1, sizeof buf, f)) > 0)
                fwrite(buf, 1, n, all);
            if (f)
                fclose(f);
            remove(part);
            fprintf(all, k + 1 < o.nflows ? ",\n" : "\n");
        }
    }
    if (all) {
        fprintf(all, "]}\n");
        fclose(all);
    }
    return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* bench-scale - the flowSim baseline at scale (issue 12, item 5), stage by
 * stage: wall time, CPU time and peak memory of each stage on a large
 * fat-tree with millions of flows. Prints numbers and asserts nothing.
 *
 * Per flow count, in a child process of its own (so that its memory is its
 * own): the fat-tree and its routing, then the stages of the flowSim
 * baseline as m3_estimate_flowsim runs them:
 *   generate   m3_workload_generate (webserver sizes, Poisson arrivals,
 *              load 0.5, workload seed 1: m3-workload's defaults)
 *   parse      with --parse: the flows written to a file (not timed), then
 *              m3_flows_read_routed, as m3-compare --flows reads them
 *   index      m3_route_index_new: every flow's route, paths, link lists
 *   flowsim    m3_flowsim_run_indexed (the engine auto picks)
 *   estimate   m3_flowsim_estimate_from_fluid: ideal FCTs and estimates
 *   aggregate  m3_result_set_fcts: slowdowns and their percentiles
 *   write      with --csv: m3_fct_csv_write of the per-flow results
 * A stage's peak is the largest resident set of the process during the
 * stage (Linux's VmHWM, reset at the stage's start through
 * /proc/self/clear_refs), what was allocated before it included: the
 * memory the whole estimate needs is the largest of them.
 *
 *   bench-scale [--fat-tree P,R,H,O] [--flows LIST] [--parse] [--csv]
 *               [--tmp DIR] [--json FILE]
 *
 * Defaults: --fat-tree 16,48,8,1 (6,144 hosts: 16 pods of 48 racks of 8
 * hosts, m3's builder, 10/40 Gbps, 1 us), --flows 1e6,5e6,2e7. */
#define _POSIX_C_SOURCE 200809L
#define BENCH_NAME "bench-scale"
#include "../tools/m3-cli.h"
#include "bench-util.h"
#include "m3.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* kB of a /proc/self/status field, -1 when absent */
static long status_kb(const char *field)
{
    FILE *fp = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    size_t n = strlen(field);
    while (fp && fgets(line, sizeof line, fp))
        if (!strncmp(line, field, n))
            v = atol(line + n);
    if (fp)
        fclose(fp);
    return v;
}

/* Resets the peak resident set (VmHWM) to the current one; 0 when the
 * kernel refused (the peaks are then the process's since its start). */
static int reset_peak(void)
{
    FILE *fp = fopen("/proc/self/clear_refs", "w");
    if (!fp)
        return 0;
    int ok = fputs("5", fp) >= 0;
    return fclose(fp) == 0 && ok;
}

typedef struct stage {
    const char *name;
    double wall, cpu, peak_mb;
} stage;

typedef struct run {
    stage st[8];
    int n;
    double t_wall, t_cpu;
    int reset_ok;
} run;

static void stage_begin(run *r)
{
    r->reset_ok = reset_peak();
    r->t_wall = bench_wall_s();
    r->t_cpu = bench_cpu_s();
}

static void stage_end(run *r, const char *name)
{
    stage *s = &r->st[r->n++];
    s->name = name;
    s->wall = bench_wall_s() - r->t_wall;
    s->cpu = bench_cpu_s() - r->t_cpu;
    s->peak_mb = status_kb("VmHWM:") / 1024.0;
}

typedef struct opts {
    uint32_t ft[4];
    size_t flows[8];
    int nflows, parse, csv;
    const char *tmp, *json;
} opts;

/* One flow count, in the child: prints its rows and appends its JSON. */
static int run_one(const opts *o, size_t nflows, int first)
{
    m3_error err;
    m3_topology *t =
        m3_topology_fat_tree_m3(o->ft[0], o->ft[1], o->ft[2], o->ft[3], 10e9, 40e9, 1000, &err);
    m3_routing *r = t ? m3_routing_new(t, &err) : NULL;
    m3_size_dist *d = m3_size_dist_builtin("webserver", &err);
    if (!t || !r || !d)
        bench_die("setup", &err);
    run rn;
    memset(&rn, 0, sizeof rn);
    m3_scenario sc;
    m3_scenario_init(&sc);
    sc.topo = t;
    m3_config_default(&sc.config);

    stage_begin(&rn);
    m3_workload_spec w = bench_default_workload(d, nflows);
    if (m3_workload_generate(t, r, &w, &sc.flows, &err))
        bench_die("generate", &err);
    stage_end(&rn, "generate");

    char path[4096] = "";
    if (o->parse) {
        snprintf(path, sizeof path, "%s/bench-scale-%ld-flows.txt", o->tmp, (long)getpid());
        if (m3_flows_write(&sc.flows, path, &err))
            bench_die("write flows", &err);
        m3_flows_free(&sc.flows);
        m3_flows_init(&sc.flows);
        stage_begin(&rn);
        if (m3_flows_read_routed(path, r, &sc.flows, &err))
            bench_die("parse", &err);
        stage_end(&rn, "parse");
        remove(path);
    }
    const m3_flows *f = &sc.flows;
    size_t n = f->n ? f->n : 1;

    stage_begin(&rn);
    m3_route_index *x = m3_route_index_new(r, f, &err);
    if (!x)
        bench_die("index", &err);
    stage_end(&rn, "index");

    m3_flowsim_opts fo;
    m3_flowsim_opts_default(&fo);
    fo.rate_cap_bps = m3_scenario_nic_bps(&sc);
    fo.mtu = sc.config.mtu;
    int engine = m3_flowsim_auto_engine(t, r, f, &fo, &err);
    stage_begin(&rn);
    double *fluid = malloc(n * sizeof *fluid), *fct = malloc(n * sizeof *fct);
    double *ideal = malloc(n * sizeof *ideal);
    if (!fluid || !fct || !ideal) {
        snprintf(err.msg, sizeof err.msg, "out of memory");
        bench_die("flowsim", &err);
    }
    if (m3_flowsim_run_indexed(t, x, f, &fo, fluid, &err))
        bench_die("flowsim", &err);
    stage_end(&rn, "flowsim");

    stage_begin(&rn);
    if (m3_flowsim_estimate_from_fluid(t, x, f, &fo, fluid, fct, ideal, &err))
        bench_die("estimate", &err);
    stage_end(&rn, "estimate");
    m3_route_index_free(x);

    stage_begin(&rn);
    m3_result res;
    m3_result_init(&res, "flowsim");
    if (m3_result_set_fcts(&res, f, fct, ideal, fluid, &err))
        bench_die("aggregate", &err);
    stage_end(&rn, "aggregate");

    if (o->csv) {
        snprintf(path, sizeof path, "%s/bench-scale-%ld-fct.csv", o->tmp, (long)getpid());
        stage_begin(&rn);
        if (m3_fct_csv_write(path, f, fct, ideal, fluid, &err))
            bench_die("write", &err);
        stage_end(&rn, "write");
        remove(path);
    }

    double tw = 0, tc = 0, peak = 0;
    for (int i = 0; i < rn.n; i++) {
        tw += rn.st[i].wall;
        tc += rn.st[i].cpu;
        peak = rn.st[i].peak_mb > peak ? rn.st[i].peak_mb : peak;
    }
    uint32_t hosts = m3_topology_num_hosts(t);
    printf("%u hosts, %zu flows (%s engine), p99 slowdown %.3f%s\n", hosts, f->n,
           m3_flowsim_engine_name((m3_flowsim_engine)engine), res.summary.overall.p99,
           rn.reset_ok ? "" : " (peaks since the start: clear_refs refused)");
    printf("  %-10s %9s %9s %10s\n", "stage", "wall s", "CPU s", "peak MB");
    for (int i = 0; i < rn.n; i++)
        printf("  %-10s %9.2f %9.2f %10.0f\n", rn.st[i].name, rn.st[i].wall, rn.st[i].cpu,
               rn.st[i].peak_mb);
    printf("  %-10s %9.2f %9.2f %10.0f\n\n", "total", tw, tc, peak);
    fflush(stdout);
    if (o->json) {
        FILE *js = fopen(o->json, "a");
        if (!js) {
            fprintf(stderr, "bench-scale: cannot write %s\n", o->json);
            return 1;
        }
        fprintf(js,
                "%s  {\"hosts\": %u, \"fat_tree\": \"%u,%u,%u,%u\", \"flows\": %zu, "
                "\"engine\": \"%s\", \"p99\": %.4f, \"peak_reset\": %s, \"stages\": [",
                first ? "" : ",\n", hosts, o->ft[0], o->ft[1], o->ft[2], o->ft[3], f->n,
                m3_flowsim_engine_name((m3_flowsim_engine)engine), res.summary.overall.p99,
                rn.reset_ok ? "true" : "false");
        for (int i = 0; i < rn.n; i++)
            fprintf(js,
                    "%s{\"stage\": \"%s\", \"wall_s\": %.3f, \"cpu_s\": %.3f, "
                    "\"peak_mb\": %.1f}",
                    i ? ", " : "", rn.st[i].name, rn.st[i].wall, rn.st[i].cpu, rn.st[i].peak_mb);
        fprintf(js, "], \"total_wall_s\": %.3f, \"total_cpu_s\": %.3f, \"peak_mb\": %.1f}", tw, tc,
                peak);
        fclose(js);
    }
    m3_result_free(&res);
    free(fluid);
    free(fct);
    free(ideal);
    m3_scenario_free(&sc);
    m3_routing_free(r);
    m3_size_dist_free(d);
    return 0;
}

int main(int argc, char **argv)
{
    static const char usage[] =
        "usage: bench-scale [--fat-tree P,R,H,O] [--flows LIST] [--parse] [--csv] [--tmp DIR]\n"
        "                   [--json FILE]\n"
        "  --fat-tree P,R,H,O  m3's fat-tree (default 16,48,8,1: 6,144 hosts)\n"
        "  --flows LIST        flow counts, comma-separated (default 1e6,5e6,2e7; at most 8)\n"
        "  --parse             also time reading the flows from a file (written to --tmp)\n"
        "  --csv               also time writing the per-flow CSV (to --tmp)\n"
        "  --tmp DIR           directory for those files (default /tmp)\n"
        "  --json FILE         also write the numbers to FILE\n"
        "  -h, --help          this text\n"
        "Options take --key=value or --key value; usage errors exit 2.\n";
    m3_cli_tool = "bench-scale";
    m3_cli_option opt[] = {
        {"--fat-tree", 1, NULL}, {"--flows", 1, NULL}, {"--parse", 0, NULL}, {"--csv", 0, NULL},
        {"--tmp", 1, NULL},      {"--json", 1, NULL},  {NULL, 0, NULL},
    };
    int prc = m3_cli_parse(argc, argv, opt, usage);
    if (prc)
        return prc < 0 ? 0 : prc;
    opts o = {{16, 48, 8, 1}, {1000000, 5000000, 20000000}, 3, 0, 0, "/tmp", NULL};
    o.parse = m3_cli_get(opt, "--parse")->value != NULL;
    o.csv = m3_cli_get(opt, "--csv")->value != NULL;
    if (m3_cli_get(opt, "--tmp")->value)
        o.tmp = m3_cli_get(opt, "--tmp")->value;
    o.json = m3_cli_get(opt, "--json")->value;
    const char *ft = m3_cli_get(opt, "--fat-tree")->value;
    if (ft) {
        char buf[128];
        snprintf(buf, sizeof buf, "%s", ft);
        char *save = NULL, *tok = strtok_r(buf, ",", &save);
        for (int i = 0; i < 4; i++, tok = strtok_r(NULL, ",", &save)) {
            uint64_t v;
            if (!tok || m3_parse_count(tok, 100000, &v) || v == 0)
                return m3_cli_bad("--fat-tree", "'%s' is not P,R,H,O (four positive counts)", ft);
            o.ft[i] = (uint32_t)v;
        }
        if (tok)
            return m3_cli_bad("--fat-tree", "'%s' is not P,R,H,O (four positive counts)", ft);
    }
    const char *fl = m3_cli_get(opt, "--flows")->value;
    if (fl) {
        char buf[256];
        snprintf(buf, sizeof buf, "%s", fl);
        o.nflows = 0;
        char *save = NULL;
        for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            uint64_t v;
            if (o.nflows == 8 || m3_parse_count(tok, 100000000, &v) || v == 0)
                return m3_cli_bad("--flows", "'%s' is not a list of at most 8 counts 1..1e8", fl);
            o.flows[o.nflows++] = (size_t)v;
        }
        if (!o.nflows)
            return m3_cli_bad("--flows", "empty list");
    }
    if (o.json) {
        FILE *js = fopen(o.json, "w");
        if (!js) {
            fprintf(stderr, "bench-scale: cannot write %s\n", o.json);
            return 1;
        }
        fputs("{\"flowsim\": [\n", js);
        fclose(js);
    }
    int rc = 0;
    for (int i = 0; i < o.nflows; i++) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid < 0) {
            perror("bench-scale: fork");
            return 1;
        }
        if (pid == 0)
            _exit(run_one(&o, o.flows[i], i == 0));
        int status;
        if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
            fprintf(stderr, "bench-scale: the run of %zu flows failed\n", o.flows[i]);
            rc = 1;
        }
    }
    if (o.json) {
        FILE *js = fopen(o.json, "a");
        if (js) {
            fputs("]}\n", js);
            fclose(js);
        }
    }
    return rc;
}

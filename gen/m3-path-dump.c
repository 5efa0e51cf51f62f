/* SPDX-License-Identifier: GPL-2.0-only */
/* m3-path-dump.c - writes the path scenarios m3 mode would sample from a
 * network, each as a topology and a flows file that m3-compare can run in
 * packet mode: the measurement of how much of a network's slowdown survives
 * the decomposition into paths (gen/path_truth.py, doc/m3.rst "Results").
 *
 * Design. The same stages as m3 mode (m3_route_index_new,
 * m3_sample_paths, m3_path_scenario_build), then per distinct path:
 * OUT/pNNNN.topo, m3's parking lot of the path's n positions with its
 * line rates (edge = line link 0, inner = line link 1) and delay, mid-path
 * hosts on 40 Gbps links as in the training data (m3-path-sample-helper);
 * with --mid-hosts H > 1, the same line with H hosts on every mid-path
 * switch (--mid-gbps links), a position's pieces spread over its hosts by
 * a hash, as a fat-tree's switch receives flows from many ports;
 * OUT/pNNNN.flows, the relabelled pieces with ids 0..; and one line of
 * OUT/index.jsonl: {"path", "file", "n", "mult", "fg": [piece ids],
 * "fg_origin": [their flow ids in the network's flows file], "flows"}.
 * Cost: m3 mode's sampling and relabelling (well under a second for 100k
 * flows) plus writing the files.
 *
 *   m3-path-dump --fat-tree P,R,H,O --flows FILE [--samples K] [--seed S]
 *                [--mid-hosts H] [--mid-gbps G] --out DIR
 */
#include "../tools/m3-cli.h"
#include "m3.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] =
    "usage: m3-path-dump --fat-tree P,R,H,O --flows FILE [--samples K] [--seed S]\n"
    "                    [--mid-hosts H] [--mid-gbps G] --out DIR\n"
    "Writes the path scenarios m3 mode samples from a fat-tree's flows as\n"
    "topology and flows files for m3-compare --mode=packet (see the header).\n";

static int write_path(const char *dir, uint32_t k, uint32_t path, uint32_t mult,
                      m3_path_scenario *ps, const m3_flows *net, uint32_t mid_hosts, double mid_bps,
                      FILE *index, m3_error *err)
{
    const m3_line *l = &ps->line;
    double inner = l->n > 2 ? l->link_bps[1] : l->link_bps[0];
    m3_topology *t = m3_topology_parking_lot_hosts(l->n, l->link_bps[0], inner, mid_bps, mid_hosts,
                                                   l->delay_ns[0], err);
    if (!t)
        return -1;
    char file[4096];
    snprintf(file, sizeof file, "%s/p%04u.topo", dir, k);
    int rc = m3_topology_write(t, file, err);
    m3_topology_free(t);
    if (rc)
        return -1;
    m3_flows pieces = ps->flows; /* relabelled ids 0.. so packet results index back */
    for (size_t i = 0; i < pieces.n; i++)
        pieces.v[i].id = i;
    snprintf(file, sizeof file, "%s/p%04u.flows", dir, k);
    m3_flows hosts = pieces; /* the file's copy: positions -> hosts */
    hosts.v = malloc((pieces.n ? pieces.n : 1) * sizeof *hosts.v);
    if (!hosts.v) {
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return -1;
    }
    memcpy(hosts.v, pieces.v, pieces.n * sizeof *hosts.v);
    m3_parking_lot_spread_flows(&hosts, l->n, mid_hosts);
    rc = m3_flows_write(&hosts, file, err);
    free(hosts.v);
    if (rc)
        return -1;
    fprintf(index,
            "{\"path\": %u, \"file\": \"p%04u\", \"n\": %u, \"mult\": %u, \"flows\": %zu, "
            "\"fg\": [",
            path, k, l->n, mult, pieces.n);
    int first = 1;
    for (size_t i = 0; i < pieces.n; i++)
        if (pieces.v[i].src == 0 && pieces.v[i].dst == l->n - 1) {
            fprintf(index, "%s%zu", first ? "" : ", ", i);
            first = 0;
        }
    fprintf(index, "], \"fg_origin\": [");
    first = 1;
    for (size_t i = 0; i < pieces.n; i++)
        if (pieces.v[i].src == 0 && pieces.v[i].dst == l->n - 1) {
            fprintf(index, "%s%llu", first ? "" : ", ",
                    (unsigned long long)net->v[ps->origin[i]].id);
            first = 0;
        }
    fprintf(index, "]}\n");
    return 0;
}

int main(int argc, char **argv)
{
    m3_cli_tool = "m3-path-dump";
    m3_cli_option opt[] = {{"--fat-tree", 1, NULL}, {"--flows", 1, NULL}, {"--out", 1, NULL},
                           {"--samples", 1, NULL},  {"--seed", 1, NULL},  {"--mid-hosts", 1, NULL},
                           {"--mid-gbps", 1, NULL}, {NULL, 0, NULL}};
    int prc = m3_cli_parse(argc, argv, opt, usage);
    if (prc)
        return prc < 0 ? 0 : prc;
    const char *ft = m3_cli_get(opt, "--fat-tree")->value;
    const char *flows = m3_cli_get(opt, "--flows")->value;
    const char *out = m3_cli_get(opt, "--out")->value;
    uint64_t samples = 200, seed = 1, mid_hosts = 1;
    double mid_gbps = 40;
    m3_cli_option *o;
    if (((o = m3_cli_get(opt, "--samples"))->value && m3_cli_count(o, 1, 1000000, &samples)) ||
        ((o = m3_cli_get(opt, "--seed"))->value && m3_cli_count(o, 0, UINT64_MAX, &seed)) ||
        ((o = m3_cli_get(opt, "--mid-hosts"))->value && m3_cli_count(o, 1, 64, &mid_hosts)) ||
        ((o = m3_cli_get(opt, "--mid-gbps"))->value &&
         m3_cli_real(o, 0, 1, 1e4, "0 < G <= 10000", &mid_gbps)))
        return M3_CLI_USAGE;
    unsigned p, r, h, os;
    char extra;
    if (!ft)
        return m3_cli_bad("--fat-tree", "required");
    if (sscanf(ft, "%u,%u,%u,%u%c", &p, &r, &h, &os, &extra) != 4)
        return m3_cli_bad("--fat-tree", "'%s' is not PODS,RACKS,HOSTS,OVERSUB", ft);
    if (!flows)
        return m3_cli_bad("--flows", "required");
    if (!out)
        return m3_cli_bad("--out", "required");

    m3_error err = {0};
    m3_scenario s;
    m3_scenario_init(&s);
    m3_routing *rt = NULL;
    m3_route_index *x = NULL;
    uint32_t *paths = NULL, *mult = NULL;
    m3_path_scenario ps;
    m3_path_scenario_init(&ps);
    FILE *index = NULL;
    int rc = 1;
    s.topo = m3_topology_fat_tree_m3(p, r, h, os, 10e9, 40e9, 1000, &err);
    if (!s.topo || m3_flows_read(flows, s.topo, &s.flows, &err))
        goto done;
    if (!(rt = m3_routing_new(s.topo, &err)) || !(x = m3_route_index_new(rt, &s.flows, &err)))
        goto done;
    paths = malloc(samples * sizeof *paths);
    mult = malloc(samples * sizeof *mult);
    if (!paths || !mult) {
        snprintf(err.msg, sizeof err.msg, "out of memory");
        goto done;
    }
    int distinct = m3_sample_paths(x, s.flows.n, (uint32_t)samples, seed, paths, mult, &err);
    if (distinct < 0)
        goto done;
    if (mkdir(out, 0777) && errno != EEXIST) {
        snprintf(err.msg, sizeof err.msg, "%.400s: %s", out, strerror(errno));
        goto done;
    }
    char file[4096];
    snprintf(file, sizeof file, "%s/index.jsonl", out);
    if (!(index = fopen(file, "w"))) {
        snprintf(err.msg, sizeof err.msg, "%.400s: %s", file, strerror(errno));
        goto done;
    }
    for (int k = 0; k < distinct; k++)
        if (m3_path_scenario_build(&s, x, paths[k], &ps, &err) ||
            write_path(out, (uint32_t)k, paths[k], mult[k], &ps, &s.flows, (uint32_t)mid_hosts,
                       mid_gbps * 1e9, index, &err))
            goto done;
    fprintf(stderr, "m3-path-dump: %d distinct paths of %llu draws -> %s\n", distinct,
            (unsigned long long)samples, out);
    rc = 0;
done:
    if (rc)
        fprintf(stderr, "m3-path-dump: %s\n", err.msg);
    if (index && fclose(index) && !rc) {
        fprintf(stderr, "m3-path-dump: index.jsonl: write failed\n");
        rc = 1;
    }
    m3_path_scenario_free(&ps);
    free(paths);
    free(mult);
    m3_route_index_free(x);
    m3_routing_free(rt);
    m3_scenario_free(&s);
    return rc;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* test-decompose.c - m3 mode's path sampling and path scenarios (m3.h "m3
 * mode", m3-method.md section 2 steps 3-4) on a k = 4 fat-tree:
 *  - a hand-picked case: on the path host 0 -> host 15, foreground flows
 *    become 0 -> 6, a flow that shares the first rack uplink and the last
 *    fabric downlink but crosses another core is cut into exactly the two
 *    pieces 1 -> 2 and 4 -> 5, and a flow elsewhere is absent;
 *  - the line and switch pools are the topology's;
 *  - on a random workload, every sampled path's pieces equal an oracle
 *    that marks which path links each flow's route uses (a different
 *    algorithm from the implementation's route walk);
 *  - sampling: multiplicities add up to the draws, distinct paths come in
 *    increasing id, the same seed gives the same draws, and paths are drawn
 *    in proportion to their foreground flows (100,000 draws, 1:2:7). */
#include "check.h"
#include "m3.h"

#include <stdlib.h>
#include <string.h>

static m3_flow mk(uint64_t id, uint32_t s, uint32_t d, uint32_t sport, uint64_t size,
                  uint64_t start)
{
    m3_flow f = {id, s, d, 3, sport, 100, size, start};
    return f;
}

/* The scenario's route index after setting its flows. */
static m3_route_index *index_of(m3_scenario *s, m3_routing **r)
{
    m3_error err;
    *r = m3_routing_new(s->topo, &err);
    CHECK(*r != NULL);
    m3_route_index *x = m3_route_index_new(*r, &s->flows, &err);
    CHECK_MSG(x != NULL, "%s", err.msg);
    return x;
}

static int route(const m3_routing *r, const m3_flow *f, uint32_t *l)
{
    m3_error err;
    return m3_routing_path(r, f, l, M3_MAX_PATH_LINKS, &err);
}

static void test_hand_case(void)
{
    m3_error err;
    m3_scenario s;
    m3_scenario_init(&s);
    s.topo = m3_topology_fat_tree_k(4, 10e9, 40e9, 1000, &err);
    CHECK(s.topo != NULL);
    m3_routing *r = m3_routing_new(s.topo, &err);
    /* path A: host 0 -> host 15 with sport 10000 */
    m3_flow a = mk(0, 0, 15, 10000, 3000, 0);
    uint32_t pa[M3_MAX_PATH_LINKS], pb[M3_MAX_PATH_LINKS];
    CHECK(route(r, &a, pa) == 6);
    /* B: host 1 -> host 14 (same racks), a sport whose route uses A's
     * rack uplink (link 1) and A's last fabric downlink (link 4) but not
     * A's core links: it leaves the path at the aggregation switch and
     * comes back one hop before the end */
    m3_flow b = mk(1, 1, 14, 0, 50000, 10);
    int found = 0;
    for (uint32_t sp = 10000; sp < 12000 && !found; sp++) {
        b.sport = sp;
        CHECK(route(r, &b, pb) == 6);
        found = pb[1] == pa[1] && pb[2] != pa[2] && pb[4] == pa[4];
    }
    CHECK_MSG(found, "no source port gives the leave-and-rejoin route");
    m3_flow c = mk(2, 0, 15, 10000, 700, 20); /* same 5-tuple as A: foreground */
    m3_flow d = mk(3, 4, 6, 10000, 900, 30);  /* pod 1 only: off the path */
    m3_flow v[] = {a, b, c, d};
    for (size_t i = 0; i < 4; i++)
        CHECK(m3_flows_push(&s.flows, &v[i], &err) == 0);
    m3_routing_free(r);

    m3_route_index *x = index_of(&s, &r);
    uint32_t path = m3_route_index_flow_path(x, 0);
    CHECK(m3_route_index_flow_path(x, 2) == path);
    m3_path_scenario ps;
    m3_path_scenario_init(&ps);
    CHECK_MSG(m3_path_scenario_build(&s, x, path, &ps, &err) == 0, "%s", err.msg);
    CHECK(ps.line.n == 7);
    CHECK(ps.num_fg == 2);
    CHECK(ps.flows.n == 4); /* a, b (two pieces), c */
    if (ps.flows.n == 4) {
        CHECK(ps.origin[0] == 0 && ps.flows.v[0].src == 0 && ps.flows.v[0].dst == 6);
        CHECK(ps.origin[1] == 1 && ps.flows.v[1].src == 1 && ps.flows.v[1].dst == 2);
        CHECK(ps.origin[2] == 1 && ps.flows.v[2].src == 4 && ps.flows.v[2].dst == 5);
        CHECK(ps.origin[3] == 2 && ps.flows.v[3].src == 0 && ps.flows.v[3].dst == 6);
        CHECK(ps.flows.v[1].size == 50000 && ps.flows.v[2].start_ns == 10);
    }
    /* line and pools from the topology */
    for (int l = 0; l < 6; l++) {
        const m3_link *ln = m3_topology_link(s.topo, pa[l] >> 1);
        CHECK(ps.dlinks[l] == pa[l]);
        CHECK(ps.line.link_bps[l] == ln->rate_bps && ps.line.delay_ns[l] == ln->delay_ns);
        double want =
            l ? m3_switch_pool_bytes(s.topo, m3_dlink_src(s.topo, pa[l]), s.config.buffer_kb * 1000)
              : 0;
        CHECK_NEAR(ps.pool_bytes[l], want, 1e-12);
    }
    CHECK(ps.line.cap_bps == 10e9);
    /* building again into the same object gives the same result */
    m3_flows first = ps.flows;
    m3_flow keep[4];
    memcpy(keep, first.v, sizeof keep);
    CHECK(m3_path_scenario_build(&s, x, path, &ps, &err) == 0);
    CHECK(ps.flows.n == 4 && memcmp(keep, ps.flows.v, sizeof keep) == 0);
    CHECK(m3_path_scenario_build(&s, x, 999, &ps, &err) == -1);
    m3_path_scenario_free(&ps);
    m3_route_index_free(x);
    m3_routing_free(r);
    m3_scenario_free(&s);
}

/* Oracle pieces of flow f on path p: mark the path positions its route
 * uses, then runs of consecutive marked positions. */
static size_t oracle_pieces(const uint32_t *p, int pn, const uint32_t *fl, int fn, uint32_t *src,
                            uint32_t *dst)
{
    int used[M3_MAX_PATH_LINKS] = {0};
    for (int k = 0; k < pn; k++)
        for (int i = 0; i < fn; i++)
            used[k] |= fl[i] == p[k];
    size_t n = 0;
    for (int k = 0; k < pn;) {
        if (!used[k]) {
            k++;
            continue;
        }
        int e = k;
        while (e < pn && used[e])
            e++;
        src[n] = (uint32_t)k;
        dst[n++] = (uint32_t)e;
        k = e;
    }
    return n;
}

static void test_random_against_oracle(void)
{
    m3_error err;
    m3_scenario s;
    m3_scenario_init(&s);
    s.topo = m3_topology_fat_tree_k(4, 10e9, 40e9, 1000, &err);
    m3_routing *r = m3_routing_new(s.topo, &err);
    m3_size_dist *d = m3_size_dist_builtin("webserver", &err);
    m3_workload_spec w = {0};
    w.sizes = d;
    w.load = 0.5;
    w.num_flows = 3000;
    w.seed = 7;
    CHECK(m3_workload_generate(s.topo, r, &w, &s.flows, &err) == 0);
    m3_size_dist_free(d);
    m3_routing_free(r);
    m3_route_index *x = index_of(&s, &r);
    uint32_t paths[64], mult[64];
    int P = m3_sample_paths(x, s.flows.n, 64, 3, paths, mult, &err);
    CHECK(P > 10);
    m3_path_scenario ps;
    m3_path_scenario_init(&ps);
    size_t mismatches = 0, split_seen = 0;
    uint32_t pl[M3_MAX_PATH_LINKS], fl[M3_MAX_PATH_LINKS], os[M3_MAX_PATH_LINKS],
        od[M3_MAX_PATH_LINKS];
    for (int q = 0; q < P; q++) {
        CHECK(m3_path_scenario_build(&s, x, paths[q], &ps, &err) == 0);
        uint32_t pn;
        const uint32_t *links = m3_route_index_path_links(x, paths[q], &pn);
        memcpy(pl, links, pn * sizeof *pl);
        size_t k = 0, fg = 0;
        for (size_t i = 0; i < s.flows.n; i++) {
            int fn = route(r, &s.flows.v[i], fl);
            size_t n = oracle_pieces(pl, (int)pn, fl, fn, os, od);
            split_seen += n > 1;
            int is_fg = m3_route_index_flow_path(x, i) == paths[q];
            fg += is_fg;
            for (size_t j = 0; j < n; j++, k++) {
                if (k >= ps.flows.n || ps.origin[k] != i || ps.flows.v[k].src != os[j] ||
                    ps.flows.v[k].dst != od[j] || ps.flows.v[k].size != s.flows.v[i].size ||
                    ps.flows.v[k].start_ns != s.flows.v[i].start_ns)
                    mismatches++;
                if (is_fg && !(os[j] == 0 && od[j] == pn))
                    mismatches++;
            }
        }
        CHECK(k == ps.flows.n);
        CHECK(fg == ps.num_fg);
    }
    CHECK_MSG(mismatches == 0, "%zu pieces differ from the oracle", mismatches);
    CHECK_MSG(split_seen > 0, "the workload has no flow that leaves and rejoins a path");
    m3_path_scenario_free(&ps);
    m3_route_index_free(x);
    m3_routing_free(r);
    m3_scenario_free(&s);
}

static void test_sampling(void)
{
    m3_error err;
    m3_scenario s;
    m3_scenario_init(&s);
    s.topo = m3_topology_fat_tree_k(4, 10e9, 40e9, 1000, &err);
    /* three host pairs with 1, 2 and 7 flows (same 5-tuple: one path each) */
    const uint32_t pair[3][2] = {{0, 15}, {2, 9}, {5, 6}};
    const int count[3] = {1, 2, 7};
    uint64_t id = 0;
    for (int p = 0; p < 3; p++)
        for (int c = 0; c < count[p]; c++) {
            m3_flow f = mk(id, pair[p][0], pair[p][1], 10000, 1000, id * 10);
            id++;
            CHECK(m3_flows_push(&s.flows, &f, &err) == 0);
        }
    m3_routing *r;
    m3_route_index *x = index_of(&s, &r);
    CHECK(m3_route_index_num_paths(x) == 3);
    enum { DRAWS = 100000 };
    uint32_t *paths = calloc(DRAWS, sizeof *paths), *mult = calloc(DRAWS, sizeof *mult);
    int P = m3_sample_paths(x, s.flows.n, DRAWS, 11, paths, mult, &err);
    CHECK(P == 3);
    uint64_t sum = 0;
    for (int q = 0; q < P; q++) {
        sum += mult[q];
        if (q)
            CHECK(paths[q] > paths[q - 1]);
        uint32_t path = paths[q];
        int which = -1;
        for (int p = 0; p < 3; p++)
            if (m3_route_index_flow_path(x, p == 0 ? 0 : p == 1 ? 1 : 3) == path)
                which = p;
        CHECK(which >= 0);
        if (which >= 0)
            CHECK_NEAR((double)mult[q] / DRAWS, count[which] / 10.0, 0.006);
    }
    CHECK(sum == DRAWS);
    uint32_t p2[16], m2[16], p3[16], m3v[16];
    int a = m3_sample_paths(x, s.flows.n, 16, 5, p2, m2, &err);
    int b = m3_sample_paths(x, s.flows.n, 16, 5, p3, m3v, &err);
    CHECK(a == b && memcmp(p2, p3, a * sizeof *p2) == 0 && memcmp(m2, m3v, a * sizeof *m2) == 0);
    CHECK(m3_sample_paths(x, s.flows.n, 0, 5, p2, m2, &err) == -1);
    CHECK(m3_sample_paths(x, 0, 16, 5, p2, m2, &err) == -1);
    free(paths);
    free(mult);
    m3_route_index_free(x);
    m3_routing_free(r);
    m3_scenario_free(&s);
}

int main(void)
{
    test_hand_case();
    test_random_against_oracle();
    test_sampling();
    return check_finish("test-decompose");
}

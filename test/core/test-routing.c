/* SPDX-License-Identifier: GPL-2.0-only */
/* test-routing.c - shortest paths, ECMP determinism and spread, hosts never
 * transit, the flow/path/link indexes, and the next-hop table against an
 * oracle built from the distances on random topologies. */
#include "check.h"
#include "m3.h"

#include <stdlib.h>
#include <string.h>

static m3_flow mk(uint64_t id, uint32_t s, uint32_t d, uint32_t sport)
{
    m3_flow f = {id, s, d, 3, sport, 100, 1000, 0};
    return f;
}

static void test_hash(void)
{
    /* deterministic, seed- and field-sensitive */
    uint32_t a = m3_ecmp_hash(1, 2, 3, 4, 5);
    CHECK(a == m3_ecmp_hash(1, 2, 3, 4, 5));
    CHECK(a != m3_ecmp_hash(1, 2, 3, 4, 6));
    CHECK(a != m3_ecmp_hash(1, 2, 4, 3, 5));
    CHECK(a != m3_ecmp_hash(2, 1, 3, 4, 5));
    CHECK(m3_node_ip(0) == 0x0b000001u);
    CHECK(m3_node_ip(257) == 0x0b010101u);
}

/* m3's fat-tree: 2 pods x 4 racks x 2 hosts, 1:1. Path lengths by locality,
 * the same path every time, and an even spread over the equal paths. */
static void test_fat_tree_paths(void)
{
    m3_error err;
    m3_topology *t = m3_topology_fat_tree_m3(2, 4, 2, 1, 10e9, 40e9, 1000, &err);
    CHECK_MSG(t != NULL, "%s", err.msg);
    if (!t)
        return;
    CHECK(m3_topology_num_hosts(t) == 16);
    /* 16 hosts + 8 ToR + 4 fabric + 2 planes x 4 spines */
    CHECK(m3_topology_num_nodes(t) == 16 + 8 + 4 + 8);
    m3_routing *r = m3_routing_new(t, &err);
    CHECK(r != NULL);
    uint32_t p[M3_MAX_PATH_LINKS], q[M3_MAX_PATH_LINKS];
    m3_flow same_rack = mk(0, 0, 1, 10000), same_pod = mk(1, 0, 2, 10000),
            cross = mk(2, 0, 15, 10000);
    CHECK(m3_routing_path(r, &same_rack, p, M3_MAX_PATH_LINKS, &err) == 2);
    CHECK(m3_routing_path(r, &same_pod, p, M3_MAX_PATH_LINKS, &err) == 4);
    CHECK(m3_routing_path(r, &cross, p, M3_MAX_PATH_LINKS, &err) == 6);
    int n1 = m3_routing_path(r, &cross, q, M3_MAX_PATH_LINKS, &err);
    CHECK(n1 == 6 && !memcmp(p, q, sizeof(uint32_t) * 6));
    /* consecutive links, from src to dst, only switches inside */
    CHECK(m3_dlink_src(t, p[0]) == 0 && m3_dlink_dst(t, p[5]) == 15);
    for (int i = 0; i + 1 < 6; i++) {
        CHECK(m3_dlink_dst(t, p[i]) == m3_dlink_src(t, p[i + 1]));
        CHECK(m3_topology_is_switch(t, m3_dlink_dst(t, p[i])));
    }
    /* spread: 8000 flows host 0 -> host 15 over 2 fabric x 4 spines = 8 paths */
    size_t nf = 8000;
    m3_flows fs = {calloc(nf, sizeof(m3_flow)), nf, nf};
    for (size_t i = 0; i < nf; i++)
        fs.v[i] = mk(i, 0, 15, 10000 + (uint32_t)i);
    m3_route_index *x = m3_route_index_new(r, &fs, &err);
    CHECK(x != NULL);
    if (x) {
        CHECK(m3_route_index_num_paths(x) == 8);
        for (uint32_t k = 0; k < m3_route_index_num_paths(x); k++) {
            size_t n;
            m3_route_index_path_flows(x, k, &n);
            CHECK_MSG(n > 1000 * 0.85 && n < 1000 * 1.15, "path %u has %zu of 8000 flows", k, n);
        }
        /* link index agrees with the paths */
        uint32_t len;
        const uint32_t *links = m3_route_index_path_links(x, m3_route_index_flow_path(x, 0), &len);
        size_t n;
        const uint32_t *lf = m3_route_index_link_flows(x, links[0], &n);
        CHECK(n == nf); /* every flow leaves host 0 on its only link */
        CHECK(lf[0] == 0);
        m3_route_index_link_flows(x, links[2], &n);
        CHECK(n > 1000 * 0.85 && n < 1000 * 1.15); /* one of 8 spine uplinks */
        m3_route_index_free(x);
    }
    free(fs.v);
    m3_routing_free(r);
    m3_topology_free(t);
}

/* A host with two links must not be used as a shortcut. */
static void test_hosts_never_transit(void)
{
    m3_error err;
    /* hosts 0,1,2; switches 3,4; host 1 is dual-homed to 3 and 4; the only
     * switch path from 3 to 4 is the long way through switch 5 */
    m3_topology *t = m3_topology_new(6, &err);
    m3_topology_set_switch(t, 3, &err);
    m3_topology_set_switch(t, 4, &err);
    m3_topology_set_switch(t, 5, &err);
    m3_link ls[] = {{0, 3, 10e9, 1000, 0}, {1, 3, 10e9, 1000, 0}, {1, 4, 10e9, 1000, 0},
                    {2, 4, 10e9, 1000, 0}, {3, 5, 10e9, 1000, 0}, {5, 4, 10e9, 1000, 0}};
    for (int i = 0; i < 6; i++)
        CHECK(m3_topology_add_link(t, &ls[i], &err) == i);
    m3_routing *r = m3_routing_new(t, &err);
    uint32_t p[M3_MAX_PATH_LINKS];
    m3_flow f = mk(0, 0, 2, 10000);
    int n = m3_routing_path(r, &f, p, M3_MAX_PATH_LINKS, &err);
    CHECK(n == 4); /* 0-3-5-4-2, not 0-3-1-4-2 */
    for (int i = 0; i + 1 < n; i++)
        CHECK(m3_dlink_dst(t, p[i]) != 1);
    CHECK(m3_routing_distance(r, 0, 2) == 4);
    /* unreachable: a host on its own */
    m3_topology *u = m3_topology_new(3, &err);
    m3_topology_set_switch(u, 2, &err);
    m3_link l0 = {0, 2, 10e9, 1000, 0};
    m3_topology_add_link(u, &l0, &err);
    m3_routing *ru = m3_routing_new(u, &err);
    m3_flow g = mk(5, 0, 1, 10000);
    err.msg[0] = 0;
    CHECK(m3_routing_path(ru, &g, p, M3_MAX_PATH_LINKS, &err) == -1);
    CHECK(strstr(err.msg, "no route") != NULL);
    m3_routing_free(ru);
    m3_topology_free(u);
    m3_routing_free(r);
    m3_topology_free(t);
}

/* k = 4 fat-tree: cross-pod flows spread over the 4 cores. */
static void test_k_ary(void)
{
    m3_error err;
    m3_topology *t = m3_topology_fat_tree_k(4, 10e9, 10e9, 1000, &err);
    CHECK(t && m3_topology_num_hosts(t) == 16 && m3_topology_num_nodes(t) == 36);
    m3_routing *r = m3_routing_new(t, &err);
    size_t nf = 4000;
    m3_flows fs = {calloc(nf, sizeof(m3_flow)), nf, nf};
    for (size_t i = 0; i < nf; i++)
        fs.v[i] = mk(i, i % 4, 12 + i % 4, 10000 + (uint32_t)(i / 4));
    m3_route_index *x = m3_route_index_new(r, &fs, &err);
    /* count flows per core switch */
    size_t per_core[4] = {0};
    for (uint32_t c = 0; c < 4; c++) {
        uint32_t core = 32 + c;
        for (uint32_t i = 0; i < m3_topology_degree(t, core); i++) {
            size_t n;
            m3_route_index_link_flows(x, m3_topology_out_dlink(t, core, i), &n);
            per_core[c] += n;
        }
    }
    for (int c = 0; c < 4; c++)
        CHECK_MSG(per_core[c] > 850 && per_core[c] < 1150, "core %d: %zu of 4000", c, per_core[c]);
    m3_route_index_free(x);
    free(fs.v);
    m3_routing_free(r);
    m3_topology_free(t);
}

static void test_parking_lot_topology(void)
{
    m3_error err;
    m3_topology *t = m3_topology_parking_lot(5, 10e9, 40e9, 100e9, 1000, &err);
    CHECK(t && m3_topology_num_nodes(t) == 8 && m3_topology_num_hosts(t) == 5);
    m3_routing *r = m3_routing_new(t, &err);
    uint32_t p[M3_MAX_PATH_LINKS];
    m3_flow fg = mk(0, 0, 4, 10000), mid = mk(1, 1, 3, 10000);
    CHECK(m3_routing_path(r, &fg, p, M3_MAX_PATH_LINKS, &err) == 4);
    for (uint32_t l = 0; l < 4; l++)
        CHECK(p[l] == 2 * l); /* line link l, forward */
    CHECK(m3_topology_link(t, 0)->rate_bps == 10e9 && m3_topology_link(t, 1)->rate_bps == 40e9);
    CHECK(m3_routing_path(r, &mid, p, M3_MAX_PATH_LINKS, &err) == 4); /* mid host links too */
    CHECK(p[1] == 2 && p[2] == 4);
    m3_routing_free(r);
    m3_topology_free(t);
    CHECK(m3_topology_parking_lot(1, 10e9, 40e9, 40e9, 1000, &err) == NULL);
    CHECK(m3_topology_fat_tree_m3(2, 4, 2, 3, 10e9, 40e9, 1000, &err) == NULL);
    CHECK(strstr(err.msg, "oversubscription") != NULL);
    CHECK(m3_topology_fat_tree_k(5, 10e9, 40e9, 1000, &err) == NULL);
}

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* The routing's rule, from its distances alone: at `node`, the links to
 * neighbours one hop closer to `dst` that may carry the packet on (a
 * switch, or dst itself), in adjacency order; among several the ECMP hash
 * seeded with the node picks one. The oracle of m3_routing_next's
 * next-hop table. */
static int oracle_next(const m3_topology *t, const m3_routing *r, uint32_t node, uint32_t dst,
                       uint32_t sip, uint32_t dip, uint16_t sport, uint16_t dport)
{
    int here = node == dst ? -1 : m3_routing_distance(r, node, dst);
    if (here < 0)
        return -1;
    uint32_t cand[256], n = 0;
    for (uint32_t i = 0; i < m3_topology_degree(t, node) && n < 256; i++) {
        uint32_t d = m3_topology_out_dlink(t, node, i), v = m3_dlink_dst(t, d);
        if (v != dst && !m3_topology_is_switch(t, v))
            continue;
        int dv = m3_routing_distance(r, v, dst);
        if (dv >= 0 && dv + 1 == here)
            cand[n++] = d;
    }
    if (n == 0)
        return -1;
    return (int)cand[n == 1 ? 0 : m3_ecmp_hash(sip, dip, sport, dport, node) % n];
}

/* Random topologies (switch graphs with several shortest paths, hosts on
 * one or two switches, a host behind another host, an unreachable island)
 * and the built-in ones: every node's next hop towards every host, for
 * random 5-tuples, equals the oracle's. */
static void test_next_hops_against_oracle(void)
{
    m3_error err;
    for (uint64_t seed = 1; seed <= 30; seed++) {
        uint64_t s = seed * 2654435761u;
        m3_topology *t;
        if (seed == 28)
            t = m3_topology_fat_tree_m3(2, 4, 2, 2, 10e9, 40e9, 1000, &err);
        else if (seed == 29)
            t = m3_topology_fat_tree_k(4, 10e9, 40e9, 1000, &err);
        else if (seed == 30)
            t = m3_topology_parking_lot_hosts(5, 10e9, 40e9, 40e9, 3, 1000, &err);
        else {
            uint32_t ns = 2 + (uint32_t)(rnd(&s) % 9), nh = 2 + (uint32_t)(rnd(&s) % 10);
            t = m3_topology_new(nh + ns + 3, &err);
            for (uint32_t i = 0; i < ns; i++)
                m3_topology_set_switch(t, nh + i, &err);
            m3_topology_set_switch(t, nh + ns + 2, &err); /* island: one switch, one host */
            for (uint32_t i = 1; i < ns; i++) {
                m3_link l = {nh + i, nh + (uint32_t)(rnd(&s) % i), 10e9, 1000, 0};
                m3_topology_add_link(t, &l, &err);
            }
            for (uint32_t x = 0; x < ns; x++) {
                uint32_t a = (uint32_t)(rnd(&s) % ns), b = (uint32_t)(rnd(&s) % ns);
                m3_link l = {nh + a, nh + b, 10e9, 1000, 0};
                if (a != b)
                    m3_topology_add_link(t, &l, &err);
            }
            for (uint32_t h = 0; h < nh; h++) {
                m3_link l = {h, nh + (uint32_t)(rnd(&s) % ns), 10e9, 1000, 0};
                m3_topology_add_link(t, &l, &err);
                if (rnd(&s) % 3 == 0) {
                    m3_link l2 = {h, nh + (uint32_t)(rnd(&s) % ns), 10e9, 1000, 0};
                    if (l2.b != l.b)
                        m3_topology_add_link(t, &l2, &err);
                }
            }
            m3_link behind = {nh + ns, 0, 10e9, 1000, 0}; /* host behind host 0 */
            m3_link island = {nh + ns + 1, nh + ns + 2, 10e9, 1000, 0};
            m3_topology_add_link(t, &behind, &err);
            m3_topology_add_link(t, &island, &err);
        }
        CHECK_MSG(t != NULL, "seed %llu: %s", (unsigned long long)seed, err.msg);
        m3_routing *r = t ? m3_routing_new(t, &err) : NULL;
        CHECK_MSG(r != NULL, "seed %llu: %s", (unsigned long long)seed, err.msg);
        if (!r) {
            m3_topology_free(t);
            continue;
        }
        size_t bad = 0, checked = 0;
        for (uint32_t node = 0; node < m3_topology_num_nodes(t); node++)
            for (uint32_t i = 0; i < m3_topology_num_hosts(t); i++) {
                uint32_t dst = m3_topology_host(t, i);
                for (int k = 0; k < 8; k++) {
                    uint32_t sip = (uint32_t)rnd(&s), dip = m3_node_ip(dst);
                    uint16_t sport = (uint16_t)rnd(&s), dport = (uint16_t)rnd(&s);
                    int got = m3_routing_next(r, node, dst, sip, dip, sport, dport);
                    bad += got != oracle_next(t, r, node, dst, sip, dip, sport, dport);
                    checked++;
                }
            }
        CHECK_MSG(bad == 0, "seed %llu: %zu of %zu next hops differ from the oracle",
                  (unsigned long long)seed, bad, checked);
        m3_routing_free(r);
        m3_topology_free(t);
    }
}

int main(void)
{
    test_hash();
    test_fat_tree_paths();
    test_hosts_never_transit();
    test_k_ary();
    test_parking_lot_topology();
    test_next_hops_against_oracle();
    return check_finish("test-routing");
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* routing.c - shortest-path routing with per-switch seeded ECMP, the one
 * implementation both the packet simulator and the m3 estimator use.
 *
 * A BFS from every host gives hop distances over switches (hosts are never
 * transit). At a node, the candidate next hops towards host d are the
 * neighbours one hop closer to d; among several, a 32-bit hash of the
 * packet's (src ip, dst ip, sport, dport) seeded with the node id picks one,
 * modulo the count, so a flow always takes the same path and ACKs (hashed on
 * their own header) choose the reverse path independently. */
#include "m3-internal.h"

#include <stdlib.h>
#include <string.h>

struct m3_routing {
    const m3_topology *topo;
    uint32_t num_nodes;
    uint32_t num_rows;
    uint32_t *row_of;     /* host node -> its distance row; NO_ROW for switches */
    uint8_t *row_off;     /* host node -> hops its row's distances are short by (0 or 1) */
    uint16_t *dist;       /* [row][node], UNREACHED if none */
};

#define UNREACHED 0xffffu
#define NO_ROW UINT32_MAX

/* Distance tables. A host with one link to a switch s is reached only
 * through s, so its distance from any other node is s's distance plus one:
 * every such host shares the row of s (a BFS from s over switches), with
 * row_off 1. Other hosts (several links, or one link to a host) get a BFS
 * of their own (row_off 0). On m3's fat-trees that is one row per rack
 * switch instead of one per host. */

/* Distance from node v to destination host dst (UNREACHED if none). */
static uint32_t dist_to(const m3_routing *r, uint32_t v, uint32_t dst)
{
    if (v == dst)
        return 0;
    uint16_t d = r->dist[(size_t)r->row_of[dst] * r->num_nodes + v];
    return d == UNREACHED ? UNREACHED : (uint32_t)d + r->row_off[dst];
}

/* The switch a host hangs off when it has exactly one link to a switch,
 * else the host itself. */
static uint32_t anchor_of(const m3_topology *t, uint32_t h)
{
    if (m3_topology_degree(t, h) != 1)
        return h;
    uint32_t s = m3_dlink_dst(t, m3_topology_out_dlink(t, h, 0));
    return m3_topology_is_switch(t, s) ? s : h;
}

/* Rows the table needs: distinct anchors over hosts. `row_of_anchor` (may
 * be NULL) receives node -> row for anchors. */
static uint32_t count_rows(const m3_topology *t, uint32_t *row_of_anchor)
{
    uint32_t rows = 0;
    uint8_t *seen = calloc(t->num_nodes ? t->num_nodes : 1, 1);
    if (!seen)
        return t->num_hosts; /* an upper bound */
    for (uint32_t i = 0; i < t->num_hosts; i++) {
        uint32_t a = anchor_of(t, t->hosts[i]);
        if (!seen[a]) {
            seen[a] = 1;
            if (row_of_anchor)
                row_of_anchor[a] = rows;
            rows++;
        }
    }
    free(seen);
    return rows;
}

double m3_routing_memory_bytes(const m3_topology *t)
{
    if (m3_topology_finalize((m3_topology *)t, NULL))
        return 0;
    return (double)count_rows(t, NULL) * t->num_nodes * sizeof(uint16_t) +
           (double)t->num_nodes * (sizeof(uint32_t) + 1);
}

const m3_topology *m3_routing_topology(const m3_routing *r) { return r->topo; }

uint32_t m3_node_ip(uint32_t node)
{
    /* 11.x.y.1 numbering of the original simulator */
    return 0x0b000001u + ((node / 256u) << 16) + ((node % 256u) << 8);
}

static uint32_t rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

/* MurmurHash3 (x86, 32-bit) of the three 32-bit words (sip, dip, ports). */
uint32_t m3_ecmp_hash(uint32_t sip, uint32_t dip, uint16_t sport, uint16_t dport, uint32_t seed)
{
    const uint32_t c1 = 0xcc9e2d51u, c2 = 0x1b873593u;
    uint32_t words[3] = {sip, dip, (uint32_t)sport | ((uint32_t)dport << 16)};
    uint32_t h = seed;
    for (int i = 0; i < 3; i++) {
        uint32_t k = words[i] * c1;
        k = rotl32(k, 15) * c2;
        h ^= k;
        h = rotl32(h, 13) * 5u + 0xe6546b64u;
    }
    h ^= 12u; /* length in bytes */
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

static void bfs_from(m3_routing *r, uint32_t src, uint16_t *dist, uint32_t *queue)
{
    const m3_topology *t = r->topo;
    for (uint32_t v = 0; v < r->num_nodes; v++)
        dist[v] = UNREACHED;
    uint32_t head = 0, tail = 0;
    dist[src] = 0;
    queue[tail++] = src;
    while (head < tail) {
        uint32_t u = queue[head++];
        if (u != src && !m3_topology_is_switch(t, u))
            continue; /* a host other than the source forwards nothing */
        uint32_t deg = m3_topology_degree(t, u);
        for (uint32_t i = 0; i < deg; i++) {
            uint32_t v = m3_dlink_dst(t, m3_topology_out_dlink(t, u, i));
            if (dist[v] == UNREACHED && dist[u] + 1u < UNREACHED) {
                dist[v] = (uint16_t)(dist[u] + 1);
                queue[tail++] = v;
            }
        }
    }
}

m3_routing *m3_routing_new(const m3_topology *t, m3_error *err)
{
    if (m3_topology_finalize((m3_topology *)t, err))
        return NULL;
    char detail[160];
    uint32_t rows = count_rows(t, NULL);
    snprintf(detail, sizeof detail, "%u distance rows x %u nodes x 2 bytes", rows, t->num_nodes);
    if (m3_memory_check(m3_routing_memory_bytes(t), "the routing table", detail, err))
        return NULL;
    m3_routing *r = m3_calloc(1, sizeof *r, err);
    if (!r)
        return NULL;
    r->topo = t;
    r->num_nodes = t->num_nodes;
    r->row_of = m3_calloc(r->num_nodes, sizeof *r->row_of, err);
    r->row_off = m3_calloc(r->num_nodes, 1, err);
    uint32_t *row_of_anchor = m3_calloc(r->num_nodes, sizeof *row_of_anchor, err);
    uint32_t *queue = m3_calloc(r->num_nodes, sizeof *queue, err);
    if (r->row_of && row_of_anchor) {
        r->num_rows = count_rows(t, row_of_anchor);
        r->dist = m3_calloc((size_t)r->num_rows * r->num_nodes, sizeof *r->dist, err);
    }
    if (!r->row_of || !r->row_off || !row_of_anchor || !queue || !r->dist) {
        free(queue);
        free(row_of_anchor);
        m3_routing_free(r);
        return NULL;
    }
    for (uint32_t v = 0; v < r->num_nodes; v++)
        r->row_of[v] = NO_ROW;
    for (uint32_t i = 0; i < t->num_hosts; i++) {
        uint32_t h = t->hosts[i], a = anchor_of(t, h);
        r->row_of[h] = row_of_anchor[a];
        r->row_off[h] = a != h;
    }
    /* one BFS per row, from its anchor */
    for (uint32_t i = 0; i < t->num_hosts; i++) {
        uint32_t a = anchor_of(t, t->hosts[i]);
        if (row_of_anchor[a] != NO_ROW) {
            bfs_from(r, a, r->dist + (size_t)row_of_anchor[a] * r->num_nodes, queue);
            row_of_anchor[a] = NO_ROW; /* each row once */
        }
    }
    free(queue);
    free(row_of_anchor);
    return r;
}

void m3_routing_free(m3_routing *r)
{
    if (!r)
        return;
    free(r->row_of);
    free(r->row_off);
    free(r->dist);
    free(r);
}

int m3_routing_distance(const m3_routing *r, uint32_t node, uint32_t dst)
{
    if (node >= r->num_nodes || dst >= r->num_nodes || r->row_of[dst] == NO_ROW)
        return -1;
    uint32_t d = dist_to(r, node, dst);
    return d == UNREACHED ? -1 : (int)d;
}

int m3_routing_next(const m3_routing *r, uint32_t node, uint32_t dst, uint32_t sip, uint32_t dip,
                    uint16_t sport, uint16_t dport)
{
    if (node == dst || node >= r->num_nodes || dst >= r->num_nodes || r->row_of[dst] == NO_ROW)
        return -1;
    uint32_t here = dist_to(r, node, dst);
    if (here == UNREACHED)
        return -1;
    const m3_topology *t = r->topo;
    uint32_t deg = m3_topology_degree(t, node), count = 0;
    const uint32_t *out = t->adj + t->adj_off[node];
    /* candidates: neighbours one hop closer that may carry the packet on */
    for (uint32_t pass = 0; pass < 2; pass++) {
        uint32_t pick = 0, seen = 0;
        if (pass == 1) {
            if (count == 1)
                pick = 0;
            else
                pick = m3_ecmp_hash(sip, dip, sport, dport, node) % count;
        }
        for (uint32_t i = 0; i < deg; i++) {
            uint32_t v = m3_dlink_dst(t, out[i]);
            if (v != dst && !t->is_switch[v])
                continue;
            if (dist_to(r, v, dst) + 1 != here)
                continue;
            if (pass == 0)
                count++;
            else if (seen++ == pick)
                return (int)out[i];
        }
        if (count == 0)
            return -1;
    }
    return -1;
}

int m3_routing_path(const m3_routing *r, const m3_flow *f, uint32_t *dlinks, int max,
                    m3_error *err)
{
    uint32_t sip = m3_node_ip(f->src), dip = m3_node_ip(f->dst);
    uint32_t node = f->src;
    int n = 0;
    if (f->src == f->dst)
        return m3_fail(err, "flow %llu: source and destination are both node %u",
                       (unsigned long long)f->id, f->src);
    while (node != f->dst) {
        int d = m3_routing_next(r, node, f->dst, sip, dip, (uint16_t)f->sport, (uint16_t)f->dport);
        if (d < 0)
            return m3_fail(err, "flow %llu: no route from node %u to node %u",
                           (unsigned long long)f->id, f->src, f->dst);
        if (n == max)
            return m3_fail(err, "flow %llu: path longer than %d links", (unsigned long long)f->id,
                           max);
        dlinks[n++] = (uint32_t)d;
        node = m3_dlink_dst(r->topo, (uint32_t)d);
    }
    return n;
}

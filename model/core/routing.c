/* SPDX-License-Identifier: GPL-2.0-only */
/* routing.c - shortest-path routing with per-switch seeded ECMP, the one
 * implementation both the packet simulator and the m3 estimator use.
 *
 * A BFS from every host gives hop distances over switches (hosts are never
 * transit). At a node, the candidate next hops towards host d are the
 * neighbours one hop closer to d; among several, a 32-bit hash of the
 * packet's (src ip, dst ip, sport, dport) seeded with the node id picks one,
 * modulo the count, so a flow always takes the same path and ACKs (hashed on
 * their own header) choose the reverse path independently.
 *
 * Next hops come from a table: for every switch and every distance row,
 * the candidate links in adjacency order (the set does not depend on which
 * host of the row is the destination, except at the row's own switch,
 * where the last hop is the host's link). Each switch's distinct sets are
 * stored once. A hop then costs one lookup and, among several candidates,
 * one hash: a route costs O(path length), not O(path length x switch
 * degree) as scanning the neighbours' distances did. The table takes 4
 * bytes per (switch, row) plus the distinct sets; m3_routing_memory_bytes
 * counts it. Hosts (the first hop) scan their few links. */
#include "m3-internal.h"

#include <stdlib.h>
#include <string.h>

struct m3_routing {
    const m3_topology *topo;
    uint32_t num_nodes;
    uint32_t num_rows;
    uint32_t *row_of; /* host node -> its distance row; NO_ROW for switches */
    uint8_t *row_off; /* host node -> hops its row's distances are short by (0 or 1) */
    uint16_t *dist;   /* [row][node], UNREACHED if none */
    /* next hops: switch node -> its index; [switch index][row] -> offset
     * of a set in `sets`: a count, then that many directed links (row
     * major: [row][switch index]) */
    uint32_t *sw_index;
    uint32_t num_switches;
    uint32_t *nh;
    uint32_t *sets;
    uint32_t *last_hop; /* host -> directed link from its anchor switch (row_off 1) */
    uint32_t *host_sw;  /* host with one link, to a switch -> that switch's index */
};

#define UNREACHED 0xffffu
#define NO_ROW UINT32_MAX
#define NH_LAST UINT32_MAX /* next-hop entry of a row's own switch: the host's link */

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

static uint32_t count_switches(const m3_topology *t)
{
    uint32_t n = 0;
    for (uint32_t v = 0; v < t->num_nodes; v++)
        n += t->is_switch[v] != 0;
    return n;
}

double m3_routing_memory_bytes(const m3_topology *t)
{
    if (m3_topology_finalize((m3_topology *)t, NULL))
        return 0;
    double rows = count_rows(t, NULL);
    return rows * t->num_nodes * sizeof(uint16_t) + rows * count_switches(t) * sizeof(uint32_t) +
           (double)t->num_nodes * (4 * sizeof(uint32_t) + 1);
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

/* A switch's distinct next-hop sets, while the table is built: open
 * addressing on (switch, hash of the set), grown at half load. */
typedef struct nh_dedup {
    uint64_t *hash;
    uint32_t *sw, *off;
    size_t size, used;
} nh_dedup;

static int dedup_grow(nh_dedup *d, m3_error *err)
{
    size_t ns = d->size ? 2 * d->size : 1024;
    uint64_t *h = m3_calloc(ns, sizeof *h, err);
    uint32_t *sw = m3_calloc(ns, sizeof *sw, err), *off = m3_calloc(ns, sizeof *off, err);
    if (!h || !sw || !off) {
        free(h);
        free(sw);
        free(off);
        return -1;
    }
    for (size_t i = 0; i < d->size; i++) {
        if (!d->hash[i])
            continue;
        size_t q = (size_t)d->hash[i] & (ns - 1);
        while (h[q])
            q = (q + 1) & (ns - 1);
        h[q] = d->hash[i];
        sw[q] = d->sw[i];
        off[q] = d->off[i];
    }
    free(d->hash);
    free(d->sw);
    free(d->off);
    d->hash = h;
    d->sw = sw;
    d->off = off;
    d->size = ns;
    return 0;
}

/* The next-hop table (header). `row_anchor`: row -> its anchor node. Rows
 * outside, switches inside, so that a row's distances stay in cache. */
static int build_next_hops(m3_routing *r, const uint32_t *row_anchor, m3_error *err)
{
    const m3_topology *t = r->topo;
    uint32_t S = r->num_switches = count_switches(t), R = r->num_rows, maxdeg = 1;
    for (uint32_t v = 0; v < t->num_nodes; v++)
        if (m3_topology_degree(t, v) > maxdeg)
            maxdeg = m3_topology_degree(t, v);
    size_t pool_cap = 1024, pool_len = 1;
    nh_dedup dd = {NULL, NULL, NULL, 0, 0};
    r->sw_index = m3_calloc(t->num_nodes, sizeof *r->sw_index, err);
    r->nh = m3_calloc((size_t)S * R + 1, sizeof *r->nh, err);
    r->sets = m3_calloc(pool_cap, sizeof *r->sets, err); /* sets[0] = 0: the empty set */
    r->last_hop = m3_calloc(t->num_nodes, sizeof *r->last_hop, err);
    r->host_sw = m3_calloc(t->num_nodes, sizeof *r->host_sw, err);
    uint32_t *sw_node = m3_calloc((size_t)S + 1, sizeof *sw_node, err);
    uint32_t *cand = m3_calloc(maxdeg + 1, sizeof *cand, err);
    /* per switch, the links that can be a next hop: to a switch, or to a
     * host with a row of its own (the last hop to it); their far ends */
    size_t nadj = t->adj_off[t->num_nodes];
    uint32_t *fwd_off = m3_calloc((size_t)S + 2, sizeof *fwd_off, err);
    uint32_t *fwd_link = m3_calloc(nadj + 1, sizeof *fwd_link, err);
    uint32_t *fwd_dst = m3_calloc(nadj + 1, sizeof *fwd_dst, err);
    int rc = -1;
    if (!r->sw_index || !r->nh || !r->sets || !r->last_hop || !r->host_sw || !sw_node || !cand ||
        !fwd_off || !fwd_link || !fwd_dst || dedup_grow(&dd, err))
        goto out;
    uint32_t si = 0, nf = 0;
    for (uint32_t u = 0; u < t->num_nodes; u++) {
        r->sw_index[u] = t->is_switch[u] ? si : NO_ROW;
        if (!t->is_switch[u])
            continue;
        sw_node[si] = u;
        for (uint32_t i = t->adj_off[u]; i < t->adj_off[u + 1]; i++) {
            uint32_t v = m3_dlink_dst(t, t->adj[i]);
            if (t->is_switch[v] || (r->row_of[v] != NO_ROW && !r->row_off[v])) {
                fwd_link[nf] = t->adj[i];
                fwd_dst[nf++] = v;
            }
        }
        fwd_off[++si] = nf;
    }
    for (uint32_t row = 0; row < R; row++) {
        const uint16_t *d = r->dist + (size_t)row * r->num_nodes;
        uint32_t *nh = r->nh + (size_t)row * S;
        for (si = 0; si < S; si++) {
            uint32_t u = sw_node[si], du = d[u], n = 0;
            if (du == UNREACHED || du == 0) {
                nh[si] = du == 0 ? NH_LAST : 0; /* 0: the empty set */
                continue;
            }
            for (uint32_t i = fwd_off[si]; i < fwd_off[si + 1]; i++) {
                uint32_t v = fwd_dst[i];
                if ((t->is_switch[v] || v == row_anchor[row]) && (uint32_t)d[v] + 1 == du)
                    cand[n++] = fwd_link[i];
            }
            if (!n) {
                nh[si] = 0;
                continue;
            }
            uint64_t h = (1469598103934665603ull ^ u) * 1099511628211ull;
            for (uint32_t i = 0; i < n; i++)
                h = (h ^ cand[i]) * 1099511628211ull;
            h |= 1;
            size_t q = (size_t)h & (dd.size - 1);
            while (dd.hash[q] && !(dd.hash[q] == h && dd.sw[q] == u && r->sets[dd.off[q]] == n &&
                                   !memcmp(r->sets + dd.off[q] + 1, cand, n * sizeof *cand)))
                q = (q + 1) & (dd.size - 1);
            if (!dd.hash[q]) {
                if (pool_len + n + 1 > UINT32_MAX - 1) {
                    m3_fail(err, "routing: next-hop sets too large");
                    goto out;
                }
                if (pool_len + n + 1 > pool_cap) {
                    while (pool_len + n + 1 > pool_cap)
                        pool_cap *= 2;
                    uint32_t *g = m3_realloc_array(r->sets, pool_cap, sizeof *g, err);
                    if (!g)
                        goto out;
                    r->sets = g;
                }
                r->sets[pool_len] = n;
                memcpy(r->sets + pool_len + 1, cand, n * sizeof *cand);
                dd.hash[q] = h;
                dd.sw[q] = u;
                dd.off[q] = (uint32_t)pool_len;
                pool_len += n + 1;
                if (2 * ++dd.used > dd.size) {
                    uint32_t off = (uint32_t)(pool_len - n - 1);
                    if (dedup_grow(&dd, err))
                        goto out;
                    nh[si] = off;
                    continue;
                }
            }
            nh[si] = dd.off[q];
        }
    }
    for (uint32_t v = 0; v < t->num_nodes; v++)
        r->host_sw[v] = NO_ROW;
    for (uint32_t i = 0; i < t->num_hosts; i++) {
        uint32_t h = t->hosts[i];
        if (r->row_off[h]) { /* one link, to a switch */
            r->last_hop[h] = m3_topology_out_dlink(t, h, 0) ^ 1;
            r->host_sw[h] = r->sw_index[m3_dlink_dst(t, m3_topology_out_dlink(t, h, 0))];
        }
    }
    rc = 0;
out:
    free(sw_node);
    free(cand);
    free(fwd_off);
    free(fwd_link);
    free(fwd_dst);
    free(dd.hash);
    free(dd.sw);
    free(dd.off);
    return rc;
}

m3_routing *m3_routing_new(const m3_topology *t, m3_error *err)
{
    if (m3_topology_finalize((m3_topology *)t, err))
        return NULL;
    char detail[160];
    uint32_t rows = count_rows(t, NULL);
    snprintf(detail, sizeof detail,
             "%u distance rows x %u nodes x 2 bytes, and x %u switches x 4 bytes", rows,
             t->num_nodes, count_switches(t));
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
    uint32_t *row_anchor = NULL; /* row -> its anchor node */
    if (r->row_of && row_of_anchor) {
        r->num_rows = count_rows(t, row_of_anchor);
        r->dist = m3_calloc((size_t)r->num_rows * r->num_nodes, sizeof *r->dist, err);
        row_anchor = m3_calloc((size_t)r->num_rows + 1, sizeof *row_anchor, err);
    }
    if (!r->row_of || !r->row_off || !row_of_anchor || !queue || !r->dist || !row_anchor) {
        free(queue);
        free(row_of_anchor);
        free(row_anchor);
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
            uint32_t row = row_of_anchor[a];
            bfs_from(r, a, r->dist + (size_t)row * r->num_nodes, queue);
            row_of_anchor[a] = NO_ROW; /* each row once */
            row_anchor[row] = a;
        }
    }
    int bad = build_next_hops(r, row_anchor, err);
    free(queue);
    free(row_of_anchor);
    free(row_anchor);
    if (bad) {
        m3_routing_free(r);
        return NULL;
    }
    return r;
}

void m3_routing_free(m3_routing *r)
{
    if (!r)
        return;
    free(r->row_of);
    free(r->row_off);
    free(r->dist);
    free(r->sw_index);
    free(r->nh);
    free(r->sets);
    free(r->last_hop);
    free(r->host_sw);
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
    uint32_t si = r->sw_index[node];
    if (si != NO_ROW) {
        /* a switch: its candidates for dst's row (none when unreachable),
         * or, at the row's own switch, the host's link */
        uint32_t off = r->nh[(size_t)r->row_of[dst] * r->num_switches + si];
        if (off == NH_LAST)
            return (int)r->last_hop[dst];
        const uint32_t *set = r->sets + off;
        uint32_t count = set[0];
        if (count == 0)
            return -1;
        uint32_t pick = count == 1 ? 0 : m3_ecmp_hash(sip, dip, sport, dport, node) % count;
        return (int)set[1 + pick];
    }
    /* a host on one link to a switch: that link, when the switch reaches dst
     * (the host is one hop further from dst than its switch) */
    if (r->host_sw[node] != NO_ROW)
        return r->nh[(size_t)r->row_of[dst] * r->num_switches + r->host_sw[node]] != 0
                   ? (int)(r->last_hop[node] ^ 1)
                   : -1;
    /* another host: over its few links */
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

int m3_routing_path(const m3_routing *r, const m3_flow *f, uint32_t *dlinks, int max, m3_error *err)
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
        const m3_link *l = &r->topo->links[d >> 1];
        node = (d & 1) ? l->a : l->b; /* m3_dlink_dst, without the call */
    }
    return n;
}

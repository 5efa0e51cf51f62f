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
    int32_t *host_index;  /* node -> host index or -1 */
    uint16_t *dist;       /* [host index][node], UNREACHED if none */
};

#define UNREACHED 0xffffu

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

static void bfs_from(m3_routing *r, uint32_t dst, uint16_t *dist, uint32_t *queue)
{
    const m3_topology *t = r->topo;
    for (uint32_t v = 0; v < r->num_nodes; v++)
        dist[v] = UNREACHED;
    uint32_t head = 0, tail = 0;
    dist[dst] = 0;
    queue[tail++] = dst;
    while (head < tail) {
        uint32_t u = queue[head++];
        if (u != dst && !m3_topology_is_switch(t, u))
            continue; /* a host other than the destination forwards nothing */
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
    m3_routing *r = m3_calloc(1, sizeof *r, err);
    if (!r)
        return NULL;
    r->topo = t;
    r->num_nodes = t->num_nodes;
    uint32_t nh = t->num_hosts;
    r->host_index = m3_calloc(r->num_nodes, sizeof *r->host_index, err);
    r->dist = m3_calloc((size_t)nh * r->num_nodes, sizeof *r->dist, err);
    uint32_t *queue = m3_calloc(r->num_nodes, sizeof *queue, err);
    if (!r->host_index || !r->dist || !queue) {
        free(queue);
        m3_routing_free(r);
        return NULL;
    }
    for (uint32_t v = 0; v < r->num_nodes; v++)
        r->host_index[v] = -1;
    for (uint32_t i = 0; i < nh; i++) {
        r->host_index[t->hosts[i]] = (int32_t)i;
        bfs_from(r, t->hosts[i], r->dist + (size_t)i * r->num_nodes, queue);
    }
    free(queue);
    return r;
}

void m3_routing_free(m3_routing *r)
{
    if (!r)
        return;
    free(r->host_index);
    free(r->dist);
    free(r);
}

int m3_routing_distance(const m3_routing *r, uint32_t node, uint32_t dst)
{
    if (node >= r->num_nodes || dst >= r->num_nodes || r->host_index[dst] < 0)
        return -1;
    uint16_t d = r->dist[(size_t)r->host_index[dst] * r->num_nodes + node];
    return d == UNREACHED ? -1 : d;
}

int m3_routing_next(const m3_routing *r, uint32_t node, uint32_t dst, uint32_t sip, uint32_t dip,
                    uint16_t sport, uint16_t dport)
{
    if (node == dst || node >= r->num_nodes || dst >= r->num_nodes || r->host_index[dst] < 0)
        return -1;
    const uint16_t *dist = r->dist + (size_t)r->host_index[dst] * r->num_nodes;
    if (dist[node] == UNREACHED)
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
            if (dist[v] + 1 != dist[node] || (v != dst && !t->is_switch[v]))
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

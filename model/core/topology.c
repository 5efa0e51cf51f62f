/* SPDX-License-Identifier: GPL-2.0-only */
/* topology.c - the topology object: nodes, switch marks, undirected links,
 * and the derived adjacency over directed links. */
#include "m3-internal.h"

#include <stdlib.h>
#include <string.h>

m3_topology *m3_topology_new(uint32_t nodes, m3_error *err)
{
    if (nodes == 0 || nodes > (1u << 24)) {
        m3_fail(err, "topology: node count %u out of range (1..%u)", nodes, 1u << 24);
        return NULL;
    }
    m3_topology *t = m3_calloc(1, sizeof *t, err);
    if (!t)
        return NULL;
    t->num_nodes = nodes;
    t->is_switch = m3_calloc(nodes, 1, err);
    if (!t->is_switch) {
        free(t);
        return NULL;
    }
    return t;
}

void m3_topology_free(m3_topology *t)
{
    if (!t)
        return;
    free(t->is_switch);
    free(t->links);
    free(t->adj_off);
    free(t->adj);
    free(t->hosts);
    free(t);
}

int m3_topology_set_switch(m3_topology *t, uint32_t node, m3_error *err)
{
    if (node >= t->num_nodes)
        return m3_fail(err, "switch id %u out of range (0..%u)", node, t->num_nodes - 1);
    t->is_switch[node] = 1;
    t->adj_valid = 0;
    return 0;
}

int m3_topology_add_link(m3_topology *t, const m3_link *l, m3_error *err)
{
    if (l->a >= t->num_nodes || l->b >= t->num_nodes)
        return m3_fail(err, "link %u-%u: node out of range (0..%u)", l->a, l->b, t->num_nodes - 1);
    if (l->a == l->b)
        return m3_fail(err, "link %u-%u: a link cannot join a node to itself", l->a, l->b);
    if (!(l->rate_bps >= M3_RATE_MIN_BPS && l->rate_bps <= M3_RATE_MAX_BPS))
        return m3_fail(err, "link %u-%u: rate %g bps is outside 1 Mbps..1 Pbps", l->a, l->b,
                       l->rate_bps);
    if (l->delay_ns > M3_DELAY_MAX_NS)
        return m3_fail(err, "link %u-%u: delay %llu ns is above 1 s", l->a, l->b,
                       (unsigned long long)l->delay_ns);
    if (!(l->error_rate >= 0 && l->error_rate <= 1))
        return m3_fail(err, "link %u-%u: error rate must be in [0, 1]", l->a, l->b);
    if (t->num_links >= (1u << 30))
        return m3_fail(err, "too many links");
    if (t->num_links == t->cap_links) {
        uint32_t nc = t->cap_links ? t->cap_links * 2 : 16;
        m3_link *nl = m3_realloc_array(t->links, nc, sizeof *nl, err);
        if (!nl)
            return -1;
        t->links = nl;
        t->cap_links = nc;
    }
    t->links[t->num_links] = *l;
    t->adj_valid = 0;
    return (int)t->num_links++;
}

int m3_topology_finalize(m3_topology *t, m3_error *err)
{
    if (t->adj_valid)
        return 0;
    uint32_t n = t->num_nodes;
    uint32_t *off = m3_calloc(n + 1, sizeof *off, err);
    uint32_t *adj = m3_calloc(2 * (size_t)t->num_links, sizeof *adj, err);
    uint32_t *hosts = m3_calloc(n, sizeof *hosts, err);
    if (!off || !adj || !hosts) {
        free(off);
        free(adj);
        free(hosts);
        return -1;
    }
    for (uint32_t i = 0; i < t->num_links; i++) {
        off[t->links[i].a + 1]++;
        off[t->links[i].b + 1]++;
    }
    for (uint32_t v = 0; v < n; v++)
        off[v + 1] += off[v];
    uint32_t *fill = m3_calloc(n, sizeof *fill, err);
    if (!fill) {
        free(off);
        free(adj);
        free(hosts);
        return -1;
    }
    for (uint32_t i = 0; i < t->num_links; i++) {
        adj[off[t->links[i].a] + fill[t->links[i].a]++] = 2 * i;
        adj[off[t->links[i].b] + fill[t->links[i].b]++] = 2 * i + 1;
    }
    free(fill);
    uint32_t nh = 0;
    for (uint32_t v = 0; v < n; v++)
        if (!t->is_switch[v])
            hosts[nh++] = v;
    free(t->adj_off);
    free(t->adj);
    free(t->hosts);
    t->adj_off = off;
    t->adj = adj;
    t->hosts = hosts;
    t->num_hosts = nh;
    t->adj_valid = 1;
    return 0;
}

/* Accessors finalize lazily; the cast is safe because finalize only fills
 * caches derived from the links. On allocation failure the caches stay
 * empty and the accessors report no neighbours. */
static const m3_topology *ready(const m3_topology *t)
{
    if (!t->adj_valid)
        m3_topology_finalize((m3_topology *)t, NULL);
    return t;
}

uint32_t m3_topology_num_nodes(const m3_topology *t) { return t->num_nodes; }
uint32_t m3_topology_num_links(const m3_topology *t) { return t->num_links; }
int m3_topology_is_switch(const m3_topology *t, uint32_t node)
{
    return node < t->num_nodes && t->is_switch[node];
}
const m3_link *m3_topology_link(const m3_topology *t, uint32_t link) { return &t->links[link]; }

uint32_t m3_topology_lossy_links(const m3_topology *t, double *worst)
{
    uint32_t lossy = 0;
    double most = 0;
    for (uint32_t i = 0; i < t->num_links; i++) {
        double e = t->links[i].error_rate;
        lossy += e > 0;
        most = e > most ? e : most;
    }
    if (worst)
        *worst = most;
    return lossy;
}
uint32_t m3_topology_num_hosts(const m3_topology *t) { return ready(t)->num_hosts; }
uint32_t m3_topology_host(const m3_topology *t, uint32_t i) { return ready(t)->hosts[i]; }
uint32_t m3_topology_degree(const m3_topology *t, uint32_t node)
{
    ready(t);
    return t->adj_off ? t->adj_off[node + 1] - t->adj_off[node] : 0;
}
uint32_t m3_topology_out_dlink(const m3_topology *t, uint32_t node, uint32_t i)
{
    return ready(t)->adj[t->adj_off[node] + i];
}

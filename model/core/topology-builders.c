/* SPDX-License-Identifier: GPL-2.0-only */
/* topology-builders.c - the built-in topologies: m3's parking lot, m3's
 * evaluation fat-tree, and the classic k-ary fat-tree. */
#include "m3-internal.h"

static int link(m3_topology *t, uint32_t a, uint32_t b, double bps, uint64_t delay, m3_error *err)
{
    m3_link l = {a, b, bps, delay, 0.0};
    return m3_topology_add_link(t, &l, err) < 0 ? -1 : 0;
}

uint32_t m3_parking_lot_position_node(uint32_t n, uint32_t p)
{
    return (p == 0 || p + 1 == n) ? p : n + p - 1;
}

uint32_t m3_parking_lot_host(uint32_t n, uint32_t mid_hosts, uint32_t p, uint32_t k)
{
    if (k == 0 || p == 0 || p + 1 >= n)
        return p;
    return 2 * n - 2 + (p - 1) * (mid_hosts - 1) + (k - 1);
}

m3_topology *m3_topology_parking_lot(uint32_t n, double edge_bps, double inner_bps,
                                     double mid_host_bps, uint64_t delay_ns, m3_error *err)
{
    return m3_topology_parking_lot_hosts(n, edge_bps, inner_bps, mid_host_bps, 1, delay_ns, err);
}

m3_topology *m3_topology_parking_lot_hosts(uint32_t n, double edge_bps, double inner_bps,
                                           double mid_host_bps, uint32_t mid_hosts,
                                           uint64_t delay_ns, m3_error *err)
{
    /* a route between two of its hosts crosses at most n - 1 links */
    if (n < 2 || n > M3_LINE_MAX_POSITIONS) {
        m3_fail(err, "parking lot: %u positions (need 2..%d)", n, M3_LINE_MAX_POSITIONS);
        return NULL;
    }
    if (mid_hosts < 1 || mid_hosts > M3_PARKING_LOT_MAX_MID_HOSTS) {
        m3_fail(err, "parking lot: %u hosts per mid position (need 1..%d)", mid_hosts,
                M3_PARKING_LOT_MAX_MID_HOSTS);
        return NULL;
    }
    if (!(edge_bps > 0) || !(inner_bps > 0) || !(mid_host_bps > 0)) {
        m3_fail(err, "parking lot: link rates must be positive");
        return NULL;
    }
    uint32_t switches_end = n + (n - 2);
    uint32_t nodes = switches_end + (n - 2) * (mid_hosts - 1);
    m3_topology *t = m3_topology_new(nodes, err);
    if (!t)
        return NULL;
    for (uint32_t s = n; s < switches_end; s++)
        if (m3_topology_set_switch(t, s, err))
            goto fail;
    /* line links first, so that line link l is topology link l */
    for (uint32_t l = 0; l + 1 < n; l++) {
        double bps = (l == 0 || l + 2 == n) ? edge_bps : inner_bps;
        if (link(t, m3_parking_lot_position_node(n, l), m3_parking_lot_position_node(n, l + 1), bps,
                 delay_ns, err))
            goto fail;
    }
    for (uint32_t p = 1; p + 1 < n; p++)
        for (uint32_t k = 0; k < mid_hosts; k++)
            if (link(t, m3_parking_lot_host(n, mid_hosts, p, k), m3_parking_lot_position_node(n, p),
                     mid_host_bps, 0, err))
                goto fail;
    if (m3_topology_finalize(t, err))
        goto fail;
    return t;
fail:
    m3_topology_free(t);
    return NULL;
}

void m3_parking_lot_spread_flows(m3_flows *f, uint32_t n, uint32_t mid_hosts)
{
    if (mid_hosts <= 1)
        return;
    for (size_t i = 0; i < f->n; i++) {
        /* splitmix64 of (flow, end): independent, reproducible choices */
        for (int end = 0; end < 2; end++) {
            uint64_t z = (uint64_t)i * 2 + (uint64_t)end + 0x9E3779B97F4A7C15ull;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
            z ^= z >> 31;
            uint32_t *pos = end ? &f->v[i].dst : &f->v[i].src;
            if (*pos >= 1 && *pos + 1 < n)
                *pos = m3_parking_lot_host(n, mid_hosts, *pos, (uint32_t)(z % mid_hosts));
        }
    }
    m3_flows_assign_sports(f); /* the sources changed */
}

m3_topology *m3_topology_fat_tree_m3(uint32_t pods, uint32_t racks, uint32_t hosts,
                                     uint32_t oversub, double host_bps, double fabric_bps,
                                     uint64_t delay_ns, m3_error *err)
{
    if (pods < 1 || racks < 1 || hosts < 1 || pods > 64 || racks > 256 || hosts > 256) {
        m3_fail(err, "fat-tree: pods/racks/hosts %u/%u/%u out of range (1..64/256/256)", pods,
                racks, hosts);
        return NULL;
    }
    if (oversub != 1 && oversub != 2 && oversub != 4) {
        m3_fail(err, "fat-tree: oversubscription %u:1 not supported (1, 2 or 4)", oversub);
        return NULL;
    }
    if (racks % oversub) {
        m3_fail(err, "fat-tree: %u racks per pod not divisible by oversubscription %u", racks,
                oversub);
        return NULL;
    }
    if (!(host_bps > 0) || !(fabric_bps > 0)) {
        m3_fail(err, "fat-tree: link rates must be positive");
        return NULL;
    }
    /* Each fabric switch has `racks` downlinks; 1:1 gives it as many
     * uplinks, one to each spine of its plane. */
    uint32_t spines = racks / oversub; /* per plane; 2 planes */
    uint32_t nh = pods * racks * hosts, ntor = pods * racks, nfab = pods * 2, nsp = 2 * spines;
    m3_topology *t = m3_topology_new(nh + ntor + nfab + nsp, err);
    if (!t)
        return NULL;
    uint32_t tor0 = nh, fab0 = nh + ntor, sp0 = nh + ntor + nfab;
    for (uint32_t s = nh; s < nh + ntor + nfab + nsp; s++)
        if (m3_topology_set_switch(t, s, err))
            goto fail;
    for (uint32_t h = 0; h < nh; h++)
        if (link(t, h, tor0 + h / hosts, host_bps, delay_ns, err))
            goto fail;
    for (uint32_t r = 0; r < ntor; r++)
        for (uint32_t f = 0; f < 2; f++)
            if (link(t, tor0 + r, fab0 + (r / racks) * 2 + f, fabric_bps, delay_ns, err))
                goto fail;
    for (uint32_t p = 0; p < pods; p++)
        for (uint32_t f = 0; f < 2; f++)
            for (uint32_t s = 0; s < spines; s++)
                if (link(t, fab0 + p * 2 + f, sp0 + f * spines + s, fabric_bps, delay_ns, err))
                    goto fail;
    if (m3_topology_finalize(t, err))
        goto fail;
    return t;
fail:
    m3_topology_free(t);
    return NULL;
}

m3_topology *m3_topology_fat_tree_k(uint32_t k, double host_bps, double fabric_bps,
                                    uint64_t delay_ns, m3_error *err)
{
    if (k < 2 || k % 2 || k > 64) {
        m3_fail(err, "k-ary fat-tree: k = %u must be even and in 2..64", k);
        return NULL;
    }
    if (!(host_bps > 0) || !(fabric_bps > 0)) {
        m3_fail(err, "k-ary fat-tree: link rates must be positive");
        return NULL;
    }
    uint32_t h = k / 2, nh = k * h * h, nedge = k * h, nagg = k * h, ncore = h * h;
    m3_topology *t = m3_topology_new(nh + nedge + nagg + ncore, err);
    if (!t)
        return NULL;
    uint32_t e0 = nh, a0 = nh + nedge, c0 = nh + nedge + nagg;
    for (uint32_t s = nh; s < c0 + ncore; s++)
        if (m3_topology_set_switch(t, s, err))
            goto fail;
    for (uint32_t i = 0; i < nh; i++)
        if (link(t, i, e0 + i / h, host_bps, delay_ns, err))
            goto fail;
    for (uint32_t p = 0; p < k; p++)
        for (uint32_t e = 0; e < h; e++)
            for (uint32_t a = 0; a < h; a++)
                if (link(t, e0 + p * h + e, a0 + p * h + a, fabric_bps, delay_ns, err))
                    goto fail;
    /* aggregation switch a of every pod connects to core switches a*h .. a*h+h-1 */
    for (uint32_t p = 0; p < k; p++)
        for (uint32_t a = 0; a < h; a++)
            for (uint32_t c = 0; c < h; c++)
                if (link(t, a0 + p * h + a, c0 + a * h + c, fabric_bps, delay_ns, err))
                    goto fail;
    if (m3_topology_finalize(t, err))
        goto fail;
    return t;
fail:
    m3_topology_free(t);
    return NULL;
}

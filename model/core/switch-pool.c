/* SPDX-License-Identifier: GPL-2.0-only */
/* switch-pool.c - the shared pool of a switch's memory as the packet mode
 * lays it out (M3Switch::Setup and M3SharedBuffer with their defaults):
 * the buffer less, per port, a PFC headroom of M3_PFC_HEADROOM_RTTS x rate
 * x delay / 8 bytes (rounded with llround, as M3Switch does) plus
 * M3_PFC_HEADROOM_EXTRA_BYTES, and one M3_RESERVE_BYTES reserve. The ns-3
 * classes take these constants as their attribute defaults, and the
 * m3-switch test suite checks the two agree, so the numbers live in m3.h.
 *
 * Cost: O(degree of the node), no allocation. */
#include "m3-internal.h"

#include <math.h>

double m3_switch_pool_bytes(const m3_topology *t, uint32_t node, double buffer_bytes)
{
    /* NaN for a node that is not in the topology */
    if (node >= m3_topology_num_nodes(t))
        return NAN;
    double pool = buffer_bytes;
    uint32_t deg = m3_topology_degree(t, node);
    for (uint32_t i = 0; i < deg; i++) {
        const m3_link *l = m3_topology_link(t, m3_topology_out_dlink(t, node, i) >> 1);
        double delay_s = (double)l->delay_ns / 1e9;
        long long headroom = llround(M3_PFC_HEADROOM_RTTS * l->rate_bps * delay_s / 8.0);
        pool -= (double)headroom + M3_PFC_HEADROOM_EXTRA_BYTES + M3_RESERVE_BYTES;
    }
    return pool;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* scenario.c - the scenario both modes run: it owns its topology and flows
 * and carries the network configuration. */
#include "m3-internal.h"

void m3_scenario_init(m3_scenario *s)
{
    s->topo = NULL;
    m3_flows_init(&s->flows);
    m3_config_default(&s->config);
}

/* Releases what the scenario owns and leaves it freshly initialised, so a
 * second free is harmless. */
void m3_scenario_free(m3_scenario *s)
{
    m3_topology_free(s->topo);
    m3_flows_free(&s->flows);
    m3_scenario_init(s);
}

double m3_scenario_nic_bps(const m3_scenario *s)
{
    if (s->config.nic_rate_gbps > 0)
        return s->config.nic_rate_gbps * 1e9;
    /* a host's NIC runs at its own link's rate; the fastest host link keeps
     * the cap from binding tighter than any host's own link */
    double best = 0;
    const m3_topology *t = s->topo;
    if (!t)
        return 0;
    for (uint32_t i = 0; i < m3_topology_num_hosts(t); i++) {
        uint32_t h = m3_topology_host(t, i);
        for (uint32_t j = 0; j < m3_topology_degree(t, h); j++) {
            double bps = m3_topology_link(t, m3_topology_out_dlink(t, h, j) >> 1)->rate_bps;
            if (bps > best)
                best = bps;
        }
    }
    return best;
}

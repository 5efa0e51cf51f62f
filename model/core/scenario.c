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

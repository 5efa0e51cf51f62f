/* flowsim-estimate.c - flowSim as an FCT estimator: the fluid FCT plus the
 * flow's base delay, so that its slowdown is comparable with a packet-level
 * simulation. The base delay is what the ideal FCT adds on top of streaming
 * the flow's bits at its bottleneck rate: propagation plus the first
 * packet's store-and-forward at every hop (m3-method.md section 3 derives it
 * in closed form; here it comes from the path's actual links). */
#include "m3-internal.h"

#include <stdlib.h>

int m3_flowsim_estimate(const m3_topology *t, const m3_routing *r, const m3_flows *f,
                        const m3_flowsim_opts *o, double *fluid_ns, double *fct_ns,
                        double *ideal_ns, m3_error *err)
{
    if (m3_flowsim_run(t, r, f, o, fluid_ns, err))
        return -1;
    uint32_t links[M3_MAX_PATH_LINKS];
    for (size_t i = 0; i < f->n; i++) {
        int n = m3_routing_path(r, &f->v[i], links, M3_MAX_PATH_LINKS, err);
        if (n < 0)
            return -1;
        double bottleneck = o->rate_cap_bps > 0 ? o->rate_cap_bps : 1e300;
        for (int k = 0; k < n; k++) {
            double bps = m3_topology_link(t, links[k] >> 1)->rate_bps;
            if (bps < bottleneck)
                bottleneck = bps;
        }
        double solo = m3_wire_bits(f->v[i].size, o->mtu, o->header_bytes) / bottleneck * 1e9;
        ideal_ns[i] = m3_ideal_fct_ns(t, links, n, f->v[i].size, o->mtu, o->header_bytes,
                                      o->rate_cap_bps);
        double base = ideal_ns[i] - solo;
        fct_ns[i] = fluid_ns[i] + (base > 0 ? base : 0);
    }
    return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* flowsim-estimate.c - flowSim as an FCT estimator: the fluid FCT plus the
 * flow's base delay, so that its slowdown is comparable with a packet-level
 * simulation. The base delay is what the ideal FCT adds on top of streaming
 * the flow's bits at its bottleneck rate: propagation plus the first
 * packet's store-and-forward at every hop (m3-method.md section 3 derives it
 * in closed form; here it comes from the path's actual links).
 *
 * m3_fluid_plus_base_ns is that step for one flow, shared with the line
 * version (line.c, m3_line_flowsim). m3_flowsim_estimate routes and
 * indexes the flows once, for the fluid run and for this step, which costs
 * O(path length) per flow and a lookup of each path's links, no
 * allocation. */
#include "m3-internal.h"

#include <stdlib.h>

double m3_fluid_plus_base_ns(double fluid_ns, double ideal_ns, double bottleneck_bps, uint64_t size,
                             uint32_t mtu, uint32_t header)
{
    double solo = m3_wire_bits(size, mtu, header) / bottleneck_bps * 1e9;
    double base = ideal_ns - solo;
    return fluid_ns + (base > 0 ? base : 0);
}

int m3_flowsim_estimate_from_fluid(const m3_topology *t, const m3_route_index *x, const m3_flows *f,
                                   const m3_flowsim_opts *o, const double *fluid_ns, double *fct_ns,
                                   double *ideal_ns, m3_error *err)
{
    if (m3_route_index_num_flows(x) != f->n)
        return m3_fail(err, "flowsim: the route index holds %zu flows, not the %zu given",
                       m3_route_index_num_flows(x), f->n);
    uint32_t nd = 2 * m3_topology_num_links(t);
    double bps[M3_MAX_PATH_LINKS];
    uint64_t delay[M3_MAX_PATH_LINKS];
    for (uint32_t p = 0; p < m3_route_index_num_paths(x); p++) {
        uint32_t n;
        size_t nf;
        const uint32_t *links = m3_route_index_path_links(x, p, &n);
        const uint32_t *flows = m3_route_index_path_flows(x, p, &nf);
        if (n > M3_MAX_PATH_LINKS)
            return m3_fail(err, "flowsim: path %u of %u links (at most %d)", p, n,
                           M3_MAX_PATH_LINKS);
        for (uint32_t k = 0; k < n; k++)
            if (links[k] >= nd)
                return m3_fail(err,
                               "flowsim: the route index has directed link %u; the "
                               "topology has %u",
                               links[k], nd);
        m3_dlinks_rates(t, links, (int)n, bps, delay);
        for (size_t j = 0; j < nf; j++) {
            uint32_t i = flows[j];
            double bottleneck;
            ideal_ns[i] = m3_ideal_fct_links(bps, delay, (int)n, f->v[i].size, o->mtu,
                                             o->header_bytes, o->rate_cap_bps, &bottleneck);
            fct_ns[i] = m3_fluid_plus_base_ns(fluid_ns[i], ideal_ns[i], bottleneck, f->v[i].size,
                                              o->mtu, o->header_bytes);
        }
    }
    return 0;
}

int m3_flowsim_estimate(const m3_topology *t, const m3_routing *r, const m3_flows *f,
                        const m3_flowsim_opts *o, double *fluid_ns, double *fct_ns,
                        double *ideal_ns, m3_error *err)
{
    if (m3_flowsim_check_input(f, o->rate_cap_bps, o->mtu, err))
        return -1;
    m3_route_index *x = m3_route_index_new(r, f, err);
    if (!x)
        return -1;
    int rc = m3_flowsim_run_indexed(t, x, f, o, fluid_ns, err) ||
             m3_flowsim_estimate_from_fluid(t, x, f, o, fluid_ns, fct_ns, ideal_ns, err);
    m3_route_index_free(x);
    return rc ? -1 : 0;
}

int m3_estimate_flowsim(const m3_scenario *s, const m3_routing *r, m3_result *out, m3_error *err)
{
    double t0 = m3_now_s();
    const m3_flows *f = &s->flows;
    m3_flowsim_opts o;
    m3_flowsim_opts_default(&o);
    o.rate_cap_bps = m3_scenario_nic_bps(s);
    o.mtu = s->config.mtu;
    o.header_bytes = M3_HEADER_BYTES;
    size_t n = f->n ? f->n : 1;
    double *fluid = m3_calloc(n, sizeof *fluid, err);
    double *fct = m3_calloc(n, sizeof *fct, err);
    double *ideal = m3_calloc(n, sizeof *ideal, err);
    int rc = -1;
    if (fluid && fct && ideal &&
        m3_flowsim_estimate(s->topo, r, f, &o, fluid, fct, ideal, err) == 0 &&
        m3_result_set_fcts(out, f, fct, ideal, fluid, err) == 0)
        rc = 0;
    free(fluid);
    free(fct);
    free(ideal);
    if (rc == 0)
        m3_warn_loss(s->topo, "flowSim", out);
    out->wall_s = m3_now_s() - t0;
    return rc;
}

void m3_warn_loss(const m3_topology *t, const char *mode, m3_result *out)
{
    double worst;
    uint32_t lossy = m3_topology_lossy_links(t, &worst);
    if (lossy)
        m3_result_warn(out,
                       "%u links have a non-zero error_rate (up to %g): %s does not model "
                       "losses, only the packet mode does",
                       lossy, worst, mode);
}

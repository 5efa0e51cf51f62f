/* SPDX-License-Identifier: GPL-2.0-only */
/* line.c - a path as a line (m3-method.md section 2 step 4): the one
 * validity check every line user calls, the preset and the line of a
 * routed path, the ideal FCT of a flow on a line, and flowSim's per-flow
 * estimates on a line (the path pipeline's entry point for flowSim
 * slowdowns).
 *
 * Design: m3_line is plain data (fixed arrays of M3_MAX_PATH_LINKS), so
 * building one allocates nothing. The ideal FCT is not written here: a
 * flow's links are a contiguous range of the line's arrays, handed to
 * m3_ideal_fct_links (stats.c), the same arithmetic m3_ideal_fct_ns uses
 * on a topology. m3_line_flowsim runs m3_flowsim_run_line and adds each
 * flow's base delay with m3_fluid_plus_base_ns (flowsim-estimate.c), the
 * step m3_flowsim_estimate takes on a topology.
 *
 * Cost: m3_line_check O(n); preset and from_path O(n); ideal O(links
 * crossed); m3_line_flowsim the fluid run plus O(links crossed) per flow,
 * and at most one array of f->n doubles (when the fluid FCTs are wanted
 * only as a step to fct_ns), allocated before the run. */
#include "m3-internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int m3_line_check(const m3_line *l, m3_error *err)
{
    if (!l)
        return m3_fail(err, "line: no line given");
    if (l->n < 2 || l->n > M3_LINE_MAX_POSITIONS)
        return m3_fail(err, "line: %u positions (need 2..%d)", l->n, M3_LINE_MAX_POSITIONS);
    for (uint32_t k = 0; k + 1 < l->n; k++) {
        if (!(l->link_bps[k] >= M3_RATE_MIN_BPS && l->link_bps[k] <= M3_RATE_MAX_BPS))
            return m3_fail(err, "line: link %u rate %g bps (need 1 Mbps..1 Pbps)", k,
                           l->link_bps[k]);
        if (l->delay_ns[k] > M3_DELAY_MAX_NS)
            return m3_fail(err, "line: link %u delay %llu ns (need at most 1 s)", k,
                           (unsigned long long)l->delay_ns[k]);
    }
    if (!(l->cap_bps == 0 || (l->cap_bps >= M3_RATE_MIN_BPS && l->cap_bps <= M3_RATE_MAX_BPS)))
        return m3_fail(err, "line: cap %g bps (need 0 = no cap, or 1 Mbps..1 Pbps)", l->cap_bps);
    return 0;
}

int m3_line_preset(m3_line *l, uint32_t n, double edge_bps, double inner_bps, uint64_t delay_ns,
                   double cap_bps, m3_error *err)
{
    memset(l, 0, sizeof *l);
    l->n = n;
    l->cap_bps = cap_bps;
    if (n >= 2 && n <= M3_LINE_MAX_POSITIONS)
        for (uint32_t k = 0; k + 1 < n; k++) {
            l->link_bps[k] = (k == 0 || k + 2 == n) ? edge_bps : inner_bps;
            l->delay_ns[k] = delay_ns;
        }
    return m3_line_check(l, err);
}

int m3_line_from_path(m3_line *l, const m3_topology *t, const uint32_t *dlinks, int nlinks,
                      double cap_bps, m3_error *err)
{
    memset(l, 0, sizeof *l);
    if (nlinks < 1 || nlinks > M3_MAX_PATH_LINKS)
        return m3_fail(err, "line: path of %d links (need 1..%d)", nlinks, M3_MAX_PATH_LINKS);
    uint32_t nd = 2 * m3_topology_num_links(t);
    for (int k = 0; k < nlinks; k++) {
        if (dlinks[k] >= nd)
            return m3_fail(err, "line: path link %d is directed link %u (the topology has %u)", k,
                           dlinks[k], nd);
        if (k && m3_dlink_src(t, dlinks[k]) != m3_dlink_dst(t, dlinks[k - 1]))
            return m3_fail(err,
                           "line: path link %d (directed link %u) starts at node %u, not at "
                           "node %u where link %d ends",
                           k, dlinks[k], m3_dlink_src(t, dlinks[k]), m3_dlink_dst(t, dlinks[k - 1]),
                           k - 1);
        const m3_link *ln = m3_topology_link(t, dlinks[k] >> 1);
        l->link_bps[k] = ln->rate_bps;
        l->delay_ns[k] = ln->delay_ns;
    }
    l->n = (uint32_t)nlinks + 1;
    l->cap_bps = cap_bps;
    return m3_line_check(l, err);
}

/* The ideal FCT over line links [min, max) of the flow's positions, and
 * its bottleneck (cap included). Positions must be on the line. The links
 * are summed in the order the flow crosses them (a flow backwards gets
 * them reversed), so the result is m3_ideal_fct_ns's to the last bit on
 * the routed path the line stands for. */
static double line_ideal(const m3_line *l, uint32_t src, uint32_t dst, uint64_t size, uint32_t mtu,
                         uint32_t header, double *bottleneck)
{
    if (src <= dst)
        return m3_ideal_fct_links(l->link_bps + src, l->delay_ns + src, (int)(dst - src), size, mtu,
                                  header, l->cap_bps, bottleneck);
    double bps[M3_MAX_PATH_LINKS];
    uint64_t delay[M3_MAX_PATH_LINKS];
    int n = 0;
    for (uint32_t k = src; k-- > dst;) {
        bps[n] = l->link_bps[k];
        delay[n++] = l->delay_ns[k];
    }
    return m3_ideal_fct_links(bps, delay, n, size, mtu, header, l->cap_bps, bottleneck);
}

double m3_line_ideal_ns(const m3_line *l, uint32_t src, uint32_t dst, uint64_t size, uint32_t mtu,
                        uint32_t header)
{
    if (!l || l->n > M3_LINE_MAX_POSITIONS || src >= l->n || dst >= l->n)
        return NAN;
    return line_ideal(l, src, dst, size, mtu, header, NULL);
}

int m3_line_flowsim(const m3_line *l, const m3_flows *f, uint32_t mtu, uint32_t header,
                    double *fluid_ns, double *fct_ns, double *ideal_ns, m3_error *err)
{
    if (m3_line_check(l, err))
        return -1;
    if (mtu == 0)
        return m3_fail(err, "line flowsim: mtu must be positive");
    for (size_t i = 0; i < f->n; i++) {
        const m3_flow *fl = &f->v[i];
        if (fl->src >= l->n || fl->dst >= l->n || fl->src == fl->dst)
            return m3_fail(err,
                           "line flowsim: flow %llu: %u -> %u is not a pair of distinct "
                           "positions 0..%u",
                           (unsigned long long)fl->id, fl->src, fl->dst, l->n - 1);
    }
    double *fluid = fluid_ns, *scratch = NULL;
    if (!fluid && fct_ns) {
        fluid = scratch = m3_calloc(f->n, sizeof *scratch, err);
        if (!scratch)
            return -1;
    }
    if (fluid && m3_flowsim_run_line(l, f, mtu, header, fluid, err)) {
        free(scratch);
        return -1;
    }
    for (size_t i = 0; i < f->n && (fct_ns || ideal_ns); i++) {
        const m3_flow *fl = &f->v[i];
        double bottleneck;
        double ideal = line_ideal(l, fl->src, fl->dst, fl->size, mtu, header, &bottleneck);
        if (ideal_ns)
            ideal_ns[i] = ideal;
        if (fct_ns)
            fct_ns[i] = m3_fluid_plus_base_ns(fluid[i], ideal, bottleneck, fl->size, mtu, header);
    }
    free(scratch);
    return 0;
}

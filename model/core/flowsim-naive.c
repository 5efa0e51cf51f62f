/* SPDX-License-Identifier: GPL-2.0-only */
/* flowsim-naive.c - the reference max-min fluid simulation, the way m3's
 * flowSim computes it: at every event, recompute the allocation from
 * scratch over every active flow and advance every flow's remaining bits.
 * O(events x active flows x path length x rounds). Kept as the tests'
 * oracle and the benchmark's baseline, not for production use. It routes
 * the flows itself (m3_flowsim_run_naive), independently of the route
 * index the other engines use, or runs on a class problem
 * (m3_flowsim_naive_engine). */
#include "m3-internal.h"

#include <math.h>
#include <stdlib.h>

/* Flow q uses links links[off[q] .. off[q+1]); capacities in bits per ns. */
typedef struct naive_problem {
    uint32_t num_links;
    const double *cap;
    const uint32_t *off, *links;
} naive_problem;

/* Progressive filling over individual flows. */
static void naive_allocate(const naive_problem *p, double cap_flow, size_t nact,
                           const uint32_t *act, double *rate, uint8_t *frozen, double *rem,
                           double *cnt)
{
    for (size_t a = 0; a < nact; a++)
        frozen[act[a]] = 0;
    for (uint32_t l = 0; l < p->num_links; l++)
        rem[l] = p->cap[l];
    size_t left = nact;
    while (left > 0) {
        for (uint32_t l = 0; l < p->num_links; l++)
            cnt[l] = 0;
        for (size_t a = 0; a < nact; a++)
            if (!frozen[act[a]])
                for (uint32_t i = p->off[act[a]]; i < p->off[act[a] + 1]; i++)
                    cnt[p->links[i]] += 1;
        double share = INFINITY;
        uint32_t best = UINT32_MAX;
        for (uint32_t l = 0; l < p->num_links; l++)
            if (cnt[l] > 0 && rem[l] / cnt[l] < share) {
                share = rem[l] / cnt[l];
                best = l;
            }
        if (best == UINT32_MAX || share >= cap_flow) {
            for (size_t a = 0; a < nact; a++)
                if (!frozen[act[a]])
                    rate[act[a]] = cap_flow;
            return;
        }
        for (size_t a = 0; a < nact; a++) {
            uint32_t q = act[a];
            int crosses = 0;
            for (uint32_t i = p->off[q]; i < p->off[q + 1] && !crosses; i++)
                crosses = p->links[i] == best;
            if (frozen[q] || !crosses)
                continue;
            frozen[q] = 1;
            rate[q] = share;
            left--;
            for (uint32_t i = p->off[q]; i < p->off[q + 1]; i++)
                rem[p->links[i]] -= share;
        }
    }
}

static int naive_run(const naive_problem *p, const m3_flows *f, const m3_flowsim_opts *o,
                     double *fct_ns, m3_error *err)
{
    size_t N = f->n;
    for (size_t q = 1; q < N; q++)
        if (f->v[q].start_ns < f->v[q - 1].start_ns)
            return m3_fail(err, "flowsim (naive): flows must be sorted by start time");
    double *remaining = m3_calloc(N, sizeof *remaining, err);
    double *rate = m3_calloc(N, sizeof *rate, err);
    uint8_t *frozen = m3_calloc(N, 1, err);
    uint32_t *act = m3_calloc(N, sizeof *act, err);
    double *rem = m3_calloc(p->num_links, sizeof *rem, err);
    double *cnt = m3_calloc(p->num_links, sizeof *cnt, err);
    int rc = -1;
    if (!remaining || !rate || !frozen || !act || !rem || !cnt)
        goto out;
    for (size_t q = 0; q < N; q++)
        remaining[q] = m3_wire_bits(f->v[q].size, o->mtu, o->header_bytes);
    double cap_flow = o->rate_cap_bps > 0 ? o->rate_cap_bps / 1e9 : INFINITY;
    double t = 0;
    size_t next = 0, nact = 0;
    while (next < N || nact > 0) {
        double best_dt = INFINITY;
        size_t best_a = 0;
        for (size_t a = 0; a < nact; a++) {
            double dt = remaining[act[a]] / rate[act[a]];
            if (dt < best_dt) {
                best_dt = dt;
                best_a = a;
            }
        }
        double ta = next < N ? (double)f->v[next].start_ns : INFINITY;
        int arrival = ta <= t + best_dt;
        double dt = arrival ? ta - t : best_dt;
        for (size_t a = 0; a < nact; a++)
            remaining[act[a]] -= rate[act[a]] * dt;
        if (arrival) {
            t = ta;
            while (next < N && (double)f->v[next].start_ns == ta)
                act[nact++] = (uint32_t)next++;
        } else {
            t += best_dt;
            uint32_t q = act[best_a];
            fct_ns[q] = t - (double)f->v[q].start_ns;
            act[best_a] = act[--nact];
        }
        if (nact)
            naive_allocate(p, cap_flow, nact, act, rate, frozen, rem, cnt);
    }
    rc = 0;
out:
    free(remaining);
    free(rate);
    free(frozen);
    free(act);
    free(rem);
    free(cnt);
    return rc;
}

int m3_flowsim_run_line_naive(const m3_line *line, const m3_flows *f, uint32_t mtu, uint32_t header,
                              double *fct_ns, m3_error *err)
{
    if (m3_line_check(line, err) || m3_flowsim_check_input(f, 0, mtu, err))
        return -1;
    uint32_t n = line->n;
    size_t N = f->n;
    double *cap = m3_calloc(2 * (size_t)(n - 1), sizeof *cap, err);
    uint32_t *off = m3_calloc(N + 1, sizeof *off, err);
    uint32_t *links = m3_calloc(N * (n - 1) + 1, sizeof *links, err);
    int rc = -1;
    if (!cap || !off || !links)
        goto out;
    for (uint32_t l = 0; l + 1 < n; l++)
        cap[2 * l] = cap[2 * l + 1] = line->link_bps[l] / 1e9;
    uint32_t used = 0;
    for (size_t q = 0; q < N; q++) {
        const m3_flow *fl = &f->v[q];
        if (fl->src >= n || fl->dst >= n || fl->src == fl->dst) {
            m3_fail(err, "flowsim: flow %llu: %u -> %u is not a pair of distinct positions",
                    (unsigned long long)fl->id, fl->src, fl->dst);
            goto out;
        }
        uint32_t rev = fl->src > fl->dst, lo = rev ? fl->dst : fl->src,
                 hi = rev ? fl->src : fl->dst;
        for (uint32_t l = lo; l < hi; l++)
            links[used++] = 2 * l + rev;
        off[q + 1] = used;
    }
    naive_problem p = {2 * (n - 1), cap, off, links};
    m3_flowsim_opts o;
    m3_flowsim_opts_default(&o);
    o.rate_cap_bps = line->cap_bps;
    o.mtu = mtu;
    o.header_bytes = header;
    rc = naive_run(&p, f, &o, fct_ns, err);
out:
    free(cap);
    free(off);
    free(links);
    return rc;
}

int m3_flowsim_naive_engine(const m3_fs_problem *cp, const m3_flows *f, const m3_flowsim_opts *o,
                            double *fct_ns, m3_error *err)
{
    size_t N = f->n, total = 0;
    for (size_t q = 0; q < N; q++) {
        uint32_t c = cp->flow_class[q];
        total += cp->class_link_off[c + 1] - cp->class_link_off[c];
    }
    if (total > UINT32_MAX)
        return m3_fail(err, "flowsim (naive): %zu flow-link pairs, too many", total);
    uint32_t *off = m3_calloc(N + 1, sizeof *off, err);
    uint32_t *links = m3_calloc(total + 1, sizeof *links, err);
    int rc = -1;
    if (off && links) {
        for (size_t q = 0; q < N; q++) {
            uint32_t c = cp->flow_class[q], k = off[q];
            for (uint32_t i = cp->class_link_off[c]; i < cp->class_link_off[c + 1]; i++)
                links[k++] = cp->class_links[i];
            off[q + 1] = k;
        }
        naive_problem p = {cp->num_links, cp->cap, off, links};
        rc = naive_run(&p, f, o, fct_ns, err);
    }
    free(off);
    free(links);
    return rc;
}

int m3_flowsim_run_naive(const m3_topology *t, const m3_routing *r, const m3_flows *f,
                         const m3_flowsim_opts *o, double *fct_ns, m3_error *err)
{
    if (m3_flowsim_check_input(f, o->rate_cap_bps, o->mtu, err))
        return -1;
    size_t N = f->n;
    uint32_t L = 2 * m3_topology_num_links(t);
    double *cap = m3_calloc(L, sizeof *cap, err);
    uint32_t *off = m3_calloc(N + 1, sizeof *off, err);
    uint32_t *links = m3_calloc(N * M3_MAX_PATH_LINKS + 1, sizeof *links, err);
    int rc = -1;
    if (!cap || !off || !links)
        goto out;
    for (uint32_t l = 0; l < L; l++)
        cap[l] = m3_topology_link(t, l / 2)->rate_bps / 1e9;
    for (size_t q = 0; q < N; q++) {
        int len = m3_routing_path(r, &f->v[q], links + off[q], M3_MAX_PATH_LINKS, err);
        if (len < 0)
            goto out;
        off[q + 1] = off[q] + (uint32_t)len;
    }
    naive_problem p = {L, cap, off, links};
    rc = naive_run(&p, f, o, fct_ns, err);
out:
    free(cap);
    free(off);
    free(links);
    return rc;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* flowsim.c - flowSim's front ends: the options, the input check, the
 * problem of a routed topology (classes of flows with one path), the
 * choice of engine and the line front end.
 *
 * Engines (doc/flowsim.rst): flowsim-incr.c (any topology, incremental:
 * the default), flowsim-line.c (lines of up to 11 positions: picked
 * whenever the routed flows form one), flowsim-full.c (any topology, the
 * whole allocation at every event: the baseline) and flowsim-naive.c (the
 * oracle). They all take the same inputs and give the same FCTs.
 *
 * A routed problem costs one route index (O(flows x path length), CSR
 * arrays of that size); recognising a line costs O(classes x path length)
 * and O(directed links) of scratch, and running it on the line engine a
 * copy of the flows with positions for hosts. */
#include "m3-internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void m3_flowsim_opts_default(m3_flowsim_opts *o)
{
    o->rate_cap_bps = 0;
    o->mtu = M3_MTU_DEFAULT;
    o->header_bytes = M3_HEADER_BYTES;
    o->engine = M3_FLOWSIM_AUTO;
}

static const char *const engine_names[M3_FLOWSIM_ENGINE_COUNT] = {"auto", "incremental", "line",
                                                                  "full", "naive"};

const char *m3_flowsim_engine_name(m3_flowsim_engine e)
{
    return (unsigned)e < M3_FLOWSIM_ENGINE_COUNT ? engine_names[e] : NULL;
}

int m3_flowsim_engine_parse(const char *name, m3_flowsim_engine *e)
{
    for (int i = 0; name && i < M3_FLOWSIM_ENGINE_COUNT; i++)
        if (!strcmp(name, engine_names[i])) {
            *e = (m3_flowsim_engine)i;
            return 0;
        }
    return -1;
}

double m3_wire_bits(uint64_t size, uint32_t mtu, uint32_t header)
{
    uint64_t pkts = (size + mtu - 1) / mtu;
    return (double)(size + pkts * header) * 8.0;
}

static int cmp_arrival(const void *a, const void *b)
{
    const m3_fs_arrival *x = a, *y = b;
    if (x->start_ns != y->start_ns)
        return x->start_ns < y->start_ns ? -1 : 1;
    return x->flow < y->flow ? -1 : (x->flow > y->flow);
}

void m3_fs_arrivals(const m3_flows *f, uint32_t mtu, uint32_t header, m3_fs_arrival *order,
                    double *bits)
{
    int sorted = 1;
    for (size_t i = 0; i < f->n; i++) {
        order[i].start_ns = f->v[i].start_ns;
        order[i].flow = (uint32_t)i;
        bits[i] = m3_wire_bits(f->v[i].size, mtu, header);
        if (i && f->v[i].start_ns < f->v[i - 1].start_ns)
            sorted = 0;
    }
    if (!sorted)
        qsort(order, f->n, sizeof *order, cmp_arrival);
}

int m3_flowsim_check_input(const m3_flows *f, double cap_bps, uint32_t mtu, m3_error *err)
{
    if (!(cap_bps == 0 || (cap_bps >= M3_RATE_MIN_BPS && cap_bps <= M3_RATE_MAX_BPS)))
        return m3_fail(err, "flowsim: rate cap %g bps (need 0 = none, or 1 Mbps..1 Pbps)", cap_bps);
    if (mtu == 0)
        return m3_fail(err, "flowsim: mtu must be positive");
    if (f->n > UINT32_MAX - 1)
        return m3_fail(err, "flowsim: too many flows (%zu)", f->n);
    for (size_t i = 0; i < f->n; i++) {
        const m3_flow *x = &f->v[i];
        if (x->size == 0 || x->size > M3_FLOW_MAX_BYTES)
            return m3_fail(err, "flowsim: flow %llu: size %llu bytes (need 1..1e12)",
                           (unsigned long long)x->id, (unsigned long long)x->size);
        if (x->start_ns > M3_START_MAX_NS)
            return m3_fail(err, "flowsim: flow %llu: start %llu ns is after 1e6 s",
                           (unsigned long long)x->id, (unsigned long long)x->start_ns);
    }
    return 0;
}

/* ---- a line of n positions ---- */

int m3_flowsim_run_line(const m3_line *line, const m3_flows *f, uint32_t mtu, uint32_t header,
                        double *fct_ns, m3_error *err)
{
    if (m3_line_check(line, err) || m3_flowsim_check_input(f, 0, mtu, err))
        return -1;
    uint32_t n = line->n;
    if (n <= M3_LINE_ENGINE_MAX_NODES)
        return m3_flowsim_line_engine(line, f, mtu, header, fct_ns, err);
    /* longer lines: the incremental engine on classes (i, j) */
    uint32_t L = 2 * (n - 1), C = n * n;
    double *cap = m3_calloc(L, sizeof *cap, err);
    uint32_t *off = m3_calloc((size_t)C + 1, sizeof *off, err);
    uint32_t *links = m3_calloc((size_t)C * (n - 1), sizeof *links, err);
    uint32_t *fc = m3_calloc(f->n + 1, sizeof *fc, err);
    int rc = -1;
    if (!cap || !off || !links || !fc)
        goto out;
    for (uint32_t l = 0; l + 1 < n; l++)
        cap[2 * l] = cap[2 * l + 1] = line->link_bps[l] / 1e9;
    /* class i*n + j: forward links 2l for i < j, reverse links 2l+1 else */
    uint32_t used = 0;
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < n; j++) {
            if (i < j)
                for (uint32_t l = i; l < j; l++)
                    links[used++] = 2 * l;
            else
                for (uint32_t l = j; l < i; l++)
                    links[used++] = 2 * l + 1;
            off[i * n + j + 1] = used;
        }
    for (size_t q = 0; q < f->n; q++) {
        const m3_flow *fl = &f->v[q];
        if (fl->src >= n || fl->dst >= n || fl->src == fl->dst) {
            m3_fail(err, "flowsim: flow %llu: %u -> %u is not a pair of distinct positions 0..%u",
                    (unsigned long long)fl->id, fl->src, fl->dst, n - 1);
            goto out;
        }
        fc[q] = fl->src * n + fl->dst;
    }
    m3_fs_problem p = {L, cap, C, off, links, fc};
    m3_flowsim_opts o;
    m3_flowsim_opts_default(&o);
    o.rate_cap_bps = line->cap_bps;
    o.mtu = mtu;
    o.header_bytes = header;
    rc = m3_flowsim_incr_engine(&p, f, &o, fct_ns, err);
out:
    free(cap);
    free(off);
    free(links);
    free(fc);
    return rc;
}

/* ---- a routed topology ---- */

/* The problem of flows routed on a topology (on the caller's index), and
 * the options its engines run with (`eff`: the cap made explicit, below). */
typedef struct fs_routed {
    const m3_route_index *x;
    double *cap;
    uint32_t *off, *fc;
    m3_fs_problem p;
    m3_flowsim_opts eff;
} fs_routed;

static void fs_routed_free(fs_routed *rp)
{
    free(rp->cap);
    free(rp->off);
    free(rp->fc);
}

static int fs_routed_build(const m3_topology *t, const m3_route_index *x, const m3_flows *f,
                           const m3_flowsim_opts *o, fs_routed *rp, m3_error *err)
{
    memset(rp, 0, sizeof *rp);
    rp->x = x;
    if (m3_route_index_num_flows(x) != f->n)
        return m3_fail(err, "flowsim: the route index holds %zu flows, not the %zu given",
                       m3_route_index_num_flows(x), f->n);
    uint32_t L = 2 * m3_topology_num_links(t), C = m3_route_index_num_paths(rp->x);
    rp->cap = m3_calloc((size_t)L + 1, sizeof *rp->cap, err);
    rp->off = m3_calloc((size_t)C + 1, sizeof *rp->off, err);
    rp->fc = m3_calloc(f->n + 1, sizeof *rp->fc, err);
    if (!rp->cap || !rp->off || !rp->fc)
        return -1; /* the caller frees what was allocated */
    for (uint32_t l = 0; l < L; l++)
        rp->cap[l] = m3_topology_link(t, l / 2)->rate_bps / 1e9;
    uint32_t total = 0;
    for (uint32_t c = 0; c < C; c++) {
        uint32_t len;
        const uint32_t *pl = m3_route_index_path_links(rp->x, c, &len);
        for (uint32_t j = 0; j < len; j++)
            if (pl[j] >= L)
                return m3_fail(err,
                               "flowsim: the route index has directed link %u; the "
                               "topology has %u",
                               pl[j], L);
        total += len;
        rp->off[c + 1] = total;
    }
    for (size_t q = 0; q < f->n; q++)
        rp->fc[q] = m3_route_index_flow_path(rp->x, q);
    /* When every host link has the same rate R, no flow can exceed R: using
     * R as the cap leaves the max-min allocation unchanged (the constraint
     * is implied by the host link's) and lets the engines skip
     * reallocations for flows that run at R. */
    rp->eff = *o;
    double host_rate = -1;
    for (uint32_t l = 0; l < m3_topology_num_links(t) && host_rate != 0; l++) {
        const m3_link *ln = m3_topology_link(t, l);
        if (m3_topology_is_switch(t, ln->a) && m3_topology_is_switch(t, ln->b))
            continue;
        host_rate = host_rate < 0 || host_rate == ln->rate_bps ? ln->rate_bps : 0;
    }
    if (host_rate > 0 && (rp->eff.rate_cap_bps <= 0 || rp->eff.rate_cap_bps > host_rate))
        rp->eff.rate_cap_bps = host_rate;
    /* the index stores path links contiguously in path order */
    uint32_t len0;
    const uint32_t *links = C ? m3_route_index_path_links(rp->x, 0, &len0) : NULL;
    m3_fs_problem p = {L, rp->cap, C, rp->off, links, rp->fc};
    rp->p = p;
    return 0;
}

/* Whether the routed problem is a line along class `spine`'s path P
 * (m3.h, m3_flowsim_auto_engine, states the rule): 1 with the line in
 * `line` and each class's position range [lo, hi) and direction (rev: it
 * runs from hi to lo) when it is, 0 when not, -1 on error. `at`, `amax`
 * and `bmin` are scratch of L, 2L and 2L bytes.
 *
 * Each class must cross a contiguous run of P, or of P reversed, and
 * nothing of P before or after it. An off-P link l is redundant when its
 * capacity is at least B_fwd + B_rev, B_dir the smallest capacity on the
 * P links that all of l's classes of that direction cross: l's load is
 * then at most those links' loads together, so dropping its constraint
 * keeps the feasible rates, hence the max-min allocation (a function of
 * them alone). */
static int fs_line_along(const m3_topology *t, const fs_routed *rp, uint32_t spine, m3_line *line,
                         uint8_t *lo, uint8_t *hi, uint8_t *rev, int8_t *at, uint8_t *amax,
                         uint8_t *bmin)
{
    const m3_fs_problem *p = &rp->p;
    uint32_t C = p->num_classes, L = p->num_links;
    uint32_t m = p->class_link_off[spine + 1] - p->class_link_off[spine];
    const uint32_t *P = p->class_links + p->class_link_off[spine];
    /* at[d]: 1 + i for P's link i, -(1 + i) for its reverse, 0 off P;
     * per off-P link and direction: the largest lo, smallest hi seen */
    memset(at, 0, L);
    memset(amax, 0, 2 * (size_t)L);
    memset(bmin, 0xff, 2 * (size_t)L);
    for (uint32_t i = 0; i < m; i++) {
        at[P[i]] = (int8_t)(1 + i);
        at[P[i] ^ 1] = (int8_t) - (1 + (int)i);
    }
    for (uint32_t c = 0; c < C; c++) {
        const uint32_t *cl = p->class_links + p->class_link_off[c];
        uint32_t len = p->class_link_off[c + 1] - p->class_link_off[c];
        int first = -1, last = -1, dir = 0, phase = 0; /* 0 before P, 1 on, 2 after */
        for (uint32_t j = 0; j < len; j++) {
            int a = at[cl[j]];
            if (!a) {
                phase += phase == 1;
                continue;
            }
            int d = a < 0, i = (a < 0 ? -a : a) - 1;
            if (phase == 2 || (phase == 1 && (d != dir || i != last + (d ? -1 : 1))))
                return 0; /* leaves P and comes back, or turns: not a line */
            if (phase == 0) {
                phase = 1;
                dir = d;
                first = i;
            }
            last = i;
        }
        if (phase == 0)
            return 0; /* crosses no link of P */
        lo[c] = (uint8_t)(dir ? last : first);
        hi[c] = (uint8_t)((dir ? first : last) + 1);
        rev[c] = (uint8_t)dir;
        for (uint32_t j = 0; j < len; j++) {
            uint32_t l = cl[j];
            if (at[l])
                continue;
            if (lo[c] > amax[2 * l + dir])
                amax[2 * l + dir] = lo[c];
            if (hi[c] < bmin[2 * l + dir])
                bmin[2 * l + dir] = hi[c];
        }
    }
    for (uint32_t l = 0; l < L; l++) {
        double need = 0;
        for (int d = 0; d < 2; d++) {
            if (bmin[2 * l + d] == 0xff)
                continue; /* no class of this direction crosses l */
            if (amax[2 * l + d] >= bmin[2 * l + d])
                return 0; /* no P link that all of them cross */
            double b = INFINITY;
            for (uint32_t i = amax[2 * l + d]; i < bmin[2 * l + d]; i++)
                b = p->cap[P[i]] < b ? p->cap[P[i]] : b;
            need += b;
        }
        if (p->cap[l] < need)
            return 0;
    }
    memset(line, 0, sizeof *line);
    line->n = m + 1;
    for (uint32_t i = 0; i < m; i++) {
        const m3_link *ln = m3_topology_link(t, P[i] >> 1);
        line->link_bps[i] = ln->rate_bps;
        line->delay_ns[i] = ln->delay_ns;
    }
    line->cap_bps = rp->eff.rate_cap_bps;
    return 1;
}

/* Tries the spines a line can have: a line's longest flows span it, so
 * the candidates are the classes of the greatest length, up to
 * FS_LINE_TRIES of them (a parking lot's mid-host flows are as long as its
 * end-to-end ones). Conservative: may say no to a line whose flows never
 * span it, which then runs on the incremental engine (same results). */
#define FS_LINE_TRIES 16
static int fs_find_line(const m3_topology *t, const fs_routed *rp, m3_line *line, uint8_t *lo,
                        uint8_t *hi, uint8_t *rev, m3_error *err)
{
    const m3_fs_problem *p = &rp->p;
    uint32_t C = p->num_classes, L = p->num_links, m = 0;
    for (uint32_t c = 0; c < C; c++)
        if (p->class_link_off[c + 1] - p->class_link_off[c] > m)
            m = p->class_link_off[c + 1] - p->class_link_off[c];
    if (C == 0 || m + 1 > M3_LINE_ENGINE_MAX_NODES)
        return 0;
    int8_t *at = m3_calloc((size_t)L + 1, 1, err);
    uint8_t *amax = m3_calloc(2 * (size_t)L + 1, 1, err);
    uint8_t *bmin = m3_calloc(2 * (size_t)L + 1, 1, err);
    int rc = -1;
    if (at && amax && bmin) {
        rc = 0;
        for (uint32_t c = 0, tries = 0; c < C && !rc && tries < FS_LINE_TRIES; c++)
            if (p->class_link_off[c + 1] - p->class_link_off[c] == m) {
                tries++;
                rc = fs_line_along(t, rp, c, line, lo, hi, rev, at, amax, bmin);
            }
    }
    free(at);
    free(amax);
    free(bmin);
    return rc;
}

/* The flows of a line found by fs_find_line on the line engine. */
static int fs_run_as_line(const fs_routed *rp, const m3_line *line, const uint8_t *lo,
                          const uint8_t *hi, const uint8_t *rev, const m3_flows *f, double *fct,
                          m3_error *err)
{
    m3_flows lf;
    lf.n = lf.cap = f->n;
    lf.v = m3_realloc_array(NULL, f->n + 1, sizeof *lf.v, err);
    if (!lf.v)
        return -1;
    for (size_t q = 0; q < f->n; q++) {
        uint32_t c = rp->fc[q];
        lf.v[q] = f->v[q];
        lf.v[q].src = rev[c] ? hi[c] : lo[c];
        lf.v[q].dst = rev[c] ? lo[c] : hi[c];
    }
    int rc = m3_line_check(line, err) ||
             m3_flowsim_line_engine(line, &lf, rp->eff.mtu, rp->eff.header_bytes, fct, err);
    free(lf.v);
    return rc ? -1 : 0;
}

/* Runs flowSim with o->engine (auto: the line engine when fs_find_line
 * finds a line, else the incremental one) into fct, and returns 0; with
 * fct NULL only picks the engine and returns it. -1 on error. The naive
 * engine routes the flows itself when given the routing `r`, else runs on
 * the index's paths. */
static int fs_routed_run(const m3_topology *t, const m3_routing *r, const m3_route_index *x,
                         const m3_flows *f, const m3_flowsim_opts *o, double *fct, m3_error *err)
{
    if (m3_flowsim_check_input(f, o->rate_cap_bps, o->mtu, err))
        return -1;
    m3_flowsim_engine e = o->engine;
    if ((unsigned)e >= M3_FLOWSIM_ENGINE_COUNT)
        return m3_fail(err, "flowsim: engine %d out of range", (int)e);
    if (e == M3_FLOWSIM_NAIVE && (!fct || r))
        return fct ? m3_flowsim_run_naive(t, r, f, o, fct, err) : (int)e;
    fs_routed rp;
    if (fs_routed_build(t, x, f, o, &rp, err)) {
        fs_routed_free(&rp);
        return -1;
    }
    uint32_t C = rp.p.num_classes;
    uint8_t *lo = NULL, *hi = NULL, *rev = NULL;
    m3_line line;
    int rc = -1;
    if (e == M3_FLOWSIM_AUTO || e == M3_FLOWSIM_LINE) {
        lo = m3_calloc((size_t)C + 1, 1, err);
        hi = m3_calloc((size_t)C + 1, 1, err);
        rev = m3_calloc((size_t)C + 1, 1, err);
        int is_line = lo && hi && rev ? fs_find_line(t, &rp, &line, lo, hi, rev, err) : -1;
        if (is_line < 0)
            goto out;
        if (!is_line && e == M3_FLOWSIM_LINE) {
            m3_fail(err,
                    "flowsim: the line engine needs flows that form a line of 2..%d "
                    "positions (m3_flowsim_auto_engine), and these do not",
                    M3_LINE_ENGINE_MAX_NODES);
            goto out;
        }
        e = is_line ? M3_FLOWSIM_LINE : M3_FLOWSIM_INCREMENTAL;
    }
    if (!fct)
        rc = (int)e;
    else if (e == M3_FLOWSIM_LINE)
        rc = fs_run_as_line(&rp, &line, lo, hi, rev, f, fct, err);
    else if (e == M3_FLOWSIM_FULL)
        rc = m3_flowsim_full_engine(&rp.p, f, &rp.eff, fct, err);
    else if (e == M3_FLOWSIM_NAIVE)
        rc = m3_flowsim_naive_engine(&rp.p, f, o, fct, err);
    else
        rc = m3_flowsim_incr_engine(&rp.p, f, &rp.eff, fct, err);
out:
    free(lo);
    free(hi);
    free(rev);
    fs_routed_free(&rp);
    return rc;
}

/* Builds the index unless the engine is the naive one with a routing. */
static int fs_run_routing(const m3_topology *t, const m3_routing *r, const m3_flows *f,
                          const m3_flowsim_opts *o, double *fct, m3_error *err)
{
    if (o->engine == M3_FLOWSIM_NAIVE)
        return fs_routed_run(t, r, NULL, f, o, fct, err);
    if (m3_flowsim_check_input(f, o->rate_cap_bps, o->mtu, err))
        return -1;
    m3_route_index *x = m3_route_index_new(r, f, err);
    if (!x)
        return -1;
    int rc = fs_routed_run(t, r, x, f, o, fct, err);
    m3_route_index_free(x);
    return rc;
}

int m3_flowsim_run(const m3_topology *t, const m3_routing *r, const m3_flows *f,
                   const m3_flowsim_opts *o, double *fct_ns, m3_error *err)
{
    if (!fct_ns)
        return m3_fail(err, "flowsim: no output array");
    return fs_run_routing(t, r, f, o, fct_ns, err) < 0 ? -1 : 0;
}

int m3_flowsim_run_indexed(const m3_topology *t, const m3_route_index *x, const m3_flows *f,
                           const m3_flowsim_opts *o, double *fct_ns, m3_error *err)
{
    if (!fct_ns)
        return m3_fail(err, "flowsim: no output array");
    return fs_routed_run(t, NULL, x, f, o, fct_ns, err) < 0 ? -1 : 0;
}

int m3_flowsim_auto_engine(const m3_topology *t, const m3_routing *r, const m3_flows *f,
                           const m3_flowsim_opts *o, m3_error *err)
{
    m3_flowsim_opts a = *o;
    a.engine = M3_FLOWSIM_AUTO;
    return fs_run_routing(t, r, f, &a, NULL, err);
}

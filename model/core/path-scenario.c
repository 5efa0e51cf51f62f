/* SPDX-License-Identifier: GPL-2.0-only */
/* path-scenario.c - m3-method.md section 2 step 4: one routed path and every
 * flow that touches it, relabelled as a line ("parking lot").
 *
 * Line link l is the path's l-th directed link; position l is the node where
 * it starts. A flow crossing path links i..j-1 in a row becomes a flow from
 * position i to position j; a flow that leaves the path and rejoins it gives
 * one piece per contiguous run (same size, same start). Flows routed on
 * exactly this path are the foreground, 0 -> n-1. The switch at position l
 * (l >= 1) feeds line link l; its shared pool (m3_switch_pool_bytes at the
 * configured buffer) goes to the feature map as in training.
 *
 * Cost: O(sum over path links of the flows crossing them + scenario flows
 * / 64) to gather the flows (a bit per scenario flow, read in order: flows
 * touching several links appear once, in scenario order), then O(1) per
 * flow that crosses the path in one run, and O(route length x path length)
 * for one that leaves and rejoins it (its route cut along the path); the
 * flows are prefetched, as they are scattered. Memory: 2 bytes and a bit
 * per scenario flow, ceil(links / 2) pieces per flow crossing the path.
 * The arrays grow only when a larger path scenario comes: a worker reuses
 * one m3_path_scenario for all its paths. Measured per path of the
 * default scenario (bench-m3; 3,667 flows on average): 0.09 ms, down from
 * 0.45 ms when the links' lists were merged and every flow's route cut. */
#include "m3-internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void m3_path_scenario_init(m3_path_scenario *ps)
{
    memset(ps, 0, sizeof *ps);
    m3_flows_init(&ps->flows);
}

void m3_path_scenario_free(m3_path_scenario *ps)
{
    m3_flows_free(&ps->flows);
    free(ps->origin);
    free(ps->scratch);
    free(ps->seen);
    free(ps->run);
    m3_path_scenario_init(ps);
}

/* Position of directed link d on the path, or -1. Paths are short (6
 * links in a 3-tier fat-tree): a scan beats a map. */
static int path_pos(const uint32_t *links, uint32_t n, uint32_t d)
{
    for (uint32_t k = 0; k < n; k++)
        if (links[k] == d)
            return (int)k;
    return -1;
}

/* Calls emit(src, dst) for each contiguous run of path links in the
 * flow's route; returns the number of runs. */
static size_t cut_pieces(const uint32_t *plinks, uint32_t pn, const uint32_t *flinks, uint32_t fn,
                         uint32_t *src, uint32_t *dst, size_t max)
{
    size_t runs = 0;
    int start = -1, prev = -1;
    for (uint32_t i = 0; i <= fn; i++) {
        int k = i < fn ? path_pos(plinks, pn, flinks[i]) : -1;
        if (k >= 0 && start >= 0 && k == prev + 1) {
            prev = k;
            continue;
        }
        if (start >= 0) {
            if (runs < max) {
                src[runs] = (uint32_t)start;
                dst[runs] = (uint32_t)prev + 1;
            }
            runs++;
        }
        start = prev = k;
    }
    return runs;
}

/* How many flows ahead the cutting pass prefetches. */
#define PREFETCH_AHEAD 8
/* A flow's run end when it crosses the path in several runs. */
#define RUN_SPLIT 0xff

static int grow(m3_path_scenario *ps, size_t pieces, m3_error *err)
{
    if (pieces <= ps->flows.cap)
        return 0;
    m3_flow *v = m3_realloc_array(ps->flows.v, pieces, sizeof *v, err);
    if (!v)
        return -1;
    ps->flows.v = v;
    uint32_t *o = m3_realloc_array(ps->origin, pieces, sizeof *o, err);
    if (!o)
        return -1;
    ps->origin = o;
    ps->flows.cap = pieces;
    return 0;
}

int m3_path_scenario_build(const m3_scenario *s, const m3_route_index *x, uint32_t path,
                           m3_path_scenario *ps, m3_error *err)
{
    if (path >= m3_route_index_num_paths(x))
        return m3_fail(err, "path scenario: path %u of %u", path, m3_route_index_num_paths(x));
    uint32_t pn;
    const uint32_t *plinks = m3_route_index_path_links(x, path, &pn);
    if (pn > M3_MAX_PATH_LINKS)
        return m3_fail(err, "path scenario: path of %u links (at most %d)", pn, M3_MAX_PATH_LINKS);
    if (m3_line_from_path(&ps->line, s->topo, plinks, (int)pn, m3_scenario_nic_bps(s), err))
        return -1;
    memcpy(ps->dlinks, plinks, pn * sizeof *plinks);
    double buffer = (double)llround(s->config.buffer_kb * 1000);
    for (uint32_t l = 0; l < pn; l++)
        ps->pool_bytes[l] =
            l ? m3_switch_pool_bytes(s->topo, m3_dlink_src(s->topo, plinks[l]), buffer) : 0;

    /* every flow crossing a path link, once, in scenario order: a bit per
     * scenario flow set from the links' lists, then read in order (and
     * cleared for the next build), which is cheaper than merging the lists.
     * Meanwhile each flow's run of path links: links first..end-1, or
     * RUN_SPLIT when it leaves the path and comes back. */
    size_t total = 0, n = s->flows.n;
    for (uint32_t l = 0; l < pn; l++) {
        size_t k;
        m3_route_index_link_flows(x, plinks[l], &k);
        total += k;
    }
    if (total > ps->scratch_cap) {
        uint32_t *sc = m3_realloc_array(ps->scratch, total, sizeof *sc, err);
        if (!sc)
            return -1;
        ps->scratch = sc;
        ps->scratch_cap = total;
    }
    if (n > ps->seen_cap) {
        uint64_t *seen = m3_calloc((n + 63) / 64, sizeof *seen, err);
        uint8_t *run = m3_calloc(n, 2, err);
        if (!seen || !run) {
            free(seen);
            free(run);
            return -1;
        }
        free(ps->seen);
        free(ps->run);
        ps->seen = seen;
        ps->run = run;
        ps->seen_cap = n;
    }
    for (uint32_t l = 0; l < pn; l++) {
        size_t k;
        const uint32_t *lf = m3_route_index_link_flows(x, plinks[l], &k);
        for (size_t i = 0; i < k; i++) {
            uint64_t bit = 1ull << (lf[i] % 64), *word = &ps->seen[lf[i] / 64];
            uint8_t *run = ps->run + 2 * (size_t)lf[i];
            if (!(*word & bit)) {
                *word |= bit;
                run[0] = (uint8_t)l;
                run[1] = (uint8_t)(l + 1);
            } else {
                run[1] = run[1] == l ? (uint8_t)(l + 1) : RUN_SPLIT;
            }
        }
    }
    size_t u = 0;
    for (size_t w = 0; w < (n + 63) / 64; w++) {
        for (uint64_t b = ps->seen[w]; b; b &= b - 1)
            ps->scratch[u++] = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(b));
        ps->seen[w] = 0;
    }

    /* runs of one flow on the path are separated by at least one link it
     * does not cross: at most ceil(pn / 2) pieces a flow, so the arrays
     * are sized once, for that bound, and the flows are cut in one pass.
     * Routes are shortest paths, so they never visit a node twice: two
     * path links in a row that a flow crosses are in a row on its route
     * too, and a flow with one run is one piece, [first, end), with no
     * need to look up its route (a cache miss); only split flows are cut
     * along their routes. */
    uint32_t src[M3_MAX_PATH_LINKS], dst[M3_MAX_PATH_LINKS];
    if (grow(ps, u * ((pn + 1) / 2), err))
        return -1;
    ps->flows.n = 0;
    ps->num_fg = 0;
    for (size_t i = 0; i < u; i++) {
        /* the flows are scattered over the scenario's array, each one
         * a cache miss: fetch a few ahead so that the misses overlap */
        if (i + PREFETCH_AHEAD < u) {
            const m3_flow *ahead = &s->flows.v[ps->scratch[i + PREFETCH_AHEAD]];
            __builtin_prefetch(ahead); /* a flow can straddle two lines */
            __builtin_prefetch((const char *)(ahead + 1) - 1);
        }
        uint32_t fi = ps->scratch[i];
        const uint8_t *run = ps->run + 2 * (size_t)fi;
        const m3_flow *f = &s->flows.v[fi];
        size_t runs = 1;
        src[0] = run[0];
        dst[0] = run[1];
        if (run[1] == RUN_SPLIT) {
            uint32_t fn;
            const uint32_t *flinks =
                m3_route_index_path_links(x, m3_route_index_flow_path(x, fi), &fn);
            runs = cut_pieces(plinks, pn, flinks, fn, src, dst, M3_MAX_PATH_LINKS);
        } else if (run[0] == 0 && run[1] == pn && m3_route_index_flow_path(x, fi) == path) {
            ps->num_fg++;
        }
        for (size_t r = 0; r < runs; r++) {
            m3_flow *p = &ps->flows.v[ps->flows.n];
            *p = *f;
            p->src = src[r];
            p->dst = dst[r];
            ps->origin[ps->flows.n++] = fi;
        }
    }
    return 0;
}

/* flowsim-naive.c - the reference max-min fluid simulation on a line, the
 * way m3's flowSim computes it: at every event, recompute the allocation
 * from scratch over every active flow and advance every flow's remaining
 * bits. O(events x active flows x links). Kept as the tests' oracle and the
 * benchmark's baseline, not for production use. */
#include "m3-internal.h"

#include <math.h>
#include <stdlib.h>

/* Progressive filling over individual flows; a flow uses line links
 * [lo, hi) in direction dir (0 forward, 1 reverse). */
static void naive_allocate(uint32_t nlinks, const double *cap, double cap_flow, size_t nact,
                           const uint32_t *act, const uint32_t *lo, const uint32_t *hi,
                           const uint8_t *dir, double *rate, uint8_t *frozen, double *rem,
                           double *cnt)
{
    for (size_t a = 0; a < nact; a++)
        frozen[act[a]] = 0;
    for (uint32_t l = 0; l < 2 * nlinks; l++)
        rem[l] = cap[l / 2];
    size_t left = nact;
    while (left > 0) {
        for (uint32_t l = 0; l < 2 * nlinks; l++)
            cnt[l] = 0;
        for (size_t a = 0; a < nact; a++) {
            uint32_t i = act[a];
            if (frozen[i])
                continue;
            for (uint32_t l = lo[i]; l < hi[i]; l++)
                cnt[2 * l + dir[i]] += 1;
        }
        double share = INFINITY;
        uint32_t best = UINT32_MAX;
        for (uint32_t l = 0; l < 2 * nlinks; l++)
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
            uint32_t i = act[a];
            if (frozen[i] || dir[i] != best % 2 || best / 2 < lo[i] || best / 2 >= hi[i])
                continue;
            frozen[i] = 1;
            rate[i] = share;
            left--;
            for (uint32_t l = lo[i]; l < hi[i]; l++)
                rem[2 * l + dir[i]] -= share;
        }
    }
}

int m3_flowsim_run_line_naive(uint32_t n, const double *link_bps, const m3_flows *f,
                              const m3_flowsim_opts *o, double *fct_ns, m3_error *err)
{
    if (n < 2 || n > 64)
        return m3_fail(err, "flowsim: line of %u positions (need 2..64)", n);
    size_t N = f->n;
    uint32_t nl = n - 1;
    for (size_t q = 1; q < N; q++)
        if (f->v[q].start_ns < f->v[q - 1].start_ns)
            return m3_fail(err, "flowsim (naive): flows must be sorted by start time");
    double *cap = m3_calloc(nl, sizeof *cap, err);
    double *remaining = m3_calloc(N, sizeof *remaining, err);
    double *rate = m3_calloc(N, sizeof *rate, err);
    uint32_t *lo = m3_calloc(N, sizeof *lo, err), *hi = m3_calloc(N, sizeof *hi, err);
    uint8_t *dir = m3_calloc(N, 1, err), *frozen = m3_calloc(N, 1, err);
    uint32_t *act = m3_calloc(N, sizeof *act, err);
    double *rem = m3_calloc(2 * nl, sizeof *rem, err), *cnt = m3_calloc(2 * nl, sizeof *cnt, err);
    int rc = -1;
    if (!cap || !remaining || !rate || !lo || !hi || !dir || !frozen || !act || !rem || !cnt)
        goto out;
    for (uint32_t l = 0; l < nl; l++)
        cap[l] = link_bps[l] / 1e9;
    for (size_t q = 0; q < N; q++) {
        const m3_flow *fl = &f->v[q];
        if (fl->src >= n || fl->dst >= n || fl->src == fl->dst) {
            m3_fail(err, "flowsim: flow %llu: %u -> %u is not a pair of distinct positions",
                    (unsigned long long)fl->id, fl->src, fl->dst);
            goto out;
        }
        dir[q] = fl->src > fl->dst;
        lo[q] = dir[q] ? fl->dst : fl->src;
        hi[q] = dir[q] ? fl->src : fl->dst;
        remaining[q] = m3_wire_bits(fl->size, o->mtu, o->header_bytes);
    }
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
            uint32_t i = act[best_a];
            fct_ns[i] = t - (double)f->v[i].start_ns;
            act[best_a] = act[--nact];
        }
        if (nact)
            naive_allocate(nl, cap, cap_flow, nact, act, lo, hi, dir, rate, frozen, rem, cnt);
    }
    rc = 0;
out:
    free(cap);
    free(remaining);
    free(rate);
    free(lo);
    free(hi);
    free(dir);
    free(frozen);
    free(act);
    free(rem);
    free(cnt);
    return rc;
}

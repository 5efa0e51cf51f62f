/* flowsim-line.c - the max-min fluid simulation specialised to a line of
 * at most LN_MAX_NODES positions (m3's parking lot).
 *
 * On a line a flow's links are a contiguous range [lo, hi) of one
 * direction, and the two directions share no link: each direction is its
 * own max-min problem with at most LN_MAX_CLASSES classes (one per range),
 * small enough for fixed arrays and 64-bit class masks instead of the
 * general engine's CSR lists. Classes run processor sharing exactly as in
 * flowsim.c (cumulative per-flow service S, per-class heaps of finish tags).
 * An event reallocates only its own direction, and not even that when it
 * provably leaves every other rate unchanged. All memory is allocated
 * before the event loop. */
#include "m3-internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LN_MAX_NODES M3_LINE_ENGINE_MAX_NODES
#define LN_MAX_LINKS (LN_MAX_NODES - 1)
#define LN_MAX_CLASSES (LN_MAX_LINKS * (LN_MAX_LINKS + 1) / 2)

typedef struct ln_entry {
    double tag;
    uint32_t flow;
} ln_entry;

/* One direction: classes c = [lo[c], hi[c]) over links 0..L-1. */
typedef struct ln_dir {
    uint64_t active;                    /* classes with flows */
    uint64_t at_cap;                    /* active classes at the per-flow cap */
    uint32_t cnt[LN_MAX_CLASSES];
    uint32_t on[LN_MAX_LINKS];          /* active flows per link */
    uint32_t cand;                      /* links with on > fit (see ln_allocate) */
    double load[LN_MAX_LINKS];          /* allocated bits per ns per link */
    /* lazily advanced service S(t) = S0 + rate (t - t0); T: when the
     * class's first flow finishes at the current rate */
    double S0[LN_MAX_CLASSES], t0[LN_MAX_CLASSES], rate[LN_MAX_CLASSES];
    double T[LN_MAX_CLASSES + 1];      /* inf for idle classes and the padding */
    ln_entry *heap[LN_MAX_CLASSES];     /* per-class heap of finish tags */
    int dirty;                          /* needs a reallocation */
    /* the earliest T and its class, kept up to date by the allocation
     * (which sees every active class) and by single-class updates; a full
     * scan only when the earliest class's T grows or it goes idle */
    double tmin;
    int kmin, rescan;
} ln_dir;

typedef struct ln_state {
    uint32_t L, C;
    double cap[LN_MAX_LINKS];           /* bits per ns */
    uint32_t fit[LN_MAX_LINKS];         /* flows that fit at the cap: fit * cap_flow <= cap */
    double cap_flow;                    /* per-flow cap, bits per ns */
    uint8_t lo[LN_MAX_CLASSES], hi[LN_MAX_CLASSES];
    uint64_t cross[LN_MAX_LINKS];       /* classes crossing each link */
    ln_dir dir[2];
} ln_state;

/* ---- per-class binary min-heaps of finish tags ---- */

static void ln_push(ln_entry *h, uint32_t len, ln_entry e)
{
    uint32_t i = len;
    while (i > 0) {
        uint32_t up = (i - 1) / 2;
        if (h[up].tag <= e.tag)
            break;
        h[i] = h[up];
        i = up;
    }
    h[i] = e;
}

static void ln_pop(ln_entry *h, uint32_t n /* size after the pop */)
{
    ln_entry last = h[n];
    uint32_t i = 0;
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && h[c + 1].tag < h[c].tag)
            c++;
        if (last.tag <= h[c].tag)
            break;
        h[i] = h[c];
        i = c;
    }
    h[i] = last;
}

/* ---- water-filling of one direction ---- */

/* Sets class k's rate (inv: its reciprocal) at time t: banks its service at
 * the old rate and re-times it, unless neither the rate nor its first flow
 * changed (T < t marks a changed first flow). */
static inline void ln_set_rate(ln_dir *d, int k, double rate, double inv, double t)
{
    if (rate != d->rate[k] || d->T[k] < t) {
        d->S0[k] += d->rate[k] * (t - d->t0[k]);
        d->t0[k] = t;
        d->rate[k] = rate;
        d->T[k] = t + (d->heap[k][0].tag - d->S0[k]) * inv;
    }
    /* the value only (a minsd); ln_allocate finds its class afterwards */
    d->tmin = d->T[k] < d->tmin ? d->T[k] : d->tmin;
}

/* The earliest T of a direction by a fixed-length scan (idle classes hold
 * T = inf; it predicts better than walking the active mask). */
static void ln_scan(const ln_state *s, ln_dir *d)
{
    const double *T = d->T;
    double m0 = INFINITY, m1 = INFINITY;
    for (uint32_t k = 0; k < s->C; k += 2) { /* T[C] is inf padding */
        m0 = T[k] < m0 ? T[k] : m0;
        m1 = T[k + 1] < m1 ? T[k + 1] : m1;
    }
    double m = m0 < m1 ? m0 : m1;
    int k = 0;
    if (m < INFINITY)
        while (T[k] != m)
            k++;
    d->tmin = m;
    d->kmin = k;
    d->rescan = 0;
}

/* Freezes the classes of `fr` at `rate`: each of their flows takes `rate`
 * on every link of its range. A difference array over the links replaces a
 * loop over each class's range (fewer, predictable branches). */
static void ln_freeze(const ln_state *s, ln_dir *d, uint64_t fr, double rate, double t,
                      int32_t *nl, double *rem)
{
    int32_t diff[LN_MAX_LINKS + 1] = {0};
    double inv = 1.0 / rate;
    for (; fr; fr &= fr - 1) {
        int k = __builtin_ctzll(fr);
        int32_t c = (int32_t)d->cnt[k];
        diff[s->lo[k]] += c;
        diff[s->hi[k]] -= c;
        ln_set_rate(d, k, rate, inv, t);
    }
    int32_t acc = 0;
    for (uint32_t l = 0; l < s->L; l++) {
        acc += diff[l];
        nl[l] -= acc;
        rem[l] -= acc * rate;
    }
}

/* Max-min rates by progressive filling: saturate the link with the smallest
 * fair share, freeze the classes crossing it, repeat; the rest run at the
 * per-flow cap. */
static void ln_allocate(const ln_state *s, ln_dir *d, double t)
{
    const uint32_t L = s->L;
    double rem[LN_MAX_LINKS];
    int32_t nl[LN_MAX_LINKS];
    /* Only a link whose flows could not all run at the cap can hold anyone
     * below it: frozen flows take at most the cap each, so on a link with
     * on <= fit the share rem / nl never drops below the cap. On m3's
     * parking lot that leaves the two edge links most of the time. */
    uint32_t cand = d->cand;
    for (uint32_t l = 0; l < L; l++) {
        rem[l] = s->cap[l];
        nl[l] = (int32_t)d->on[l];
    }
    uint64_t unfrozen = d->active;
    d->tmin = INFINITY;
    d->rescan = 0;
    while (unfrozen && cand) {
        /* smallest rem/nl by cross-multiplication: one division, not one
         * per link; a link with nl = 0 never wins (0 < 0 is false) */
        double br = 1, bn = 0;
        uint32_t best = 0;
        for (uint32_t m = cand; m; m &= m - 1) {
            uint32_t l = (uint32_t)__builtin_ctz(m);
            double r = rem[l] > 0 ? rem[l] : 0, c = nl[l];
            int win = r * bn < br * c;
            best = win ? l : best;
            br = win ? r : br;
            bn = win ? c : bn;
        }
        double share = br / bn;
        if (!(share < s->cap_flow))
            break;
        uint64_t fr = unfrozen & s->cross[best];
        unfrozen &= ~fr;
        cand &= ~(1u << best);
        ln_freeze(s, d, fr, share, t, nl, rem);
    }
    d->at_cap = unfrozen;
    if (unfrozen)
        ln_freeze(s, d, unfrozen, s->cap_flow, t, nl, rem);
    for (uint32_t l = 0; l < L; l++)
        d->load[l] = s->cap[l] - rem[l];
    int k = 0;
    while (d->T[k] != d->tmin)
        k++;
    d->kmin = k;
    d->dirty = 0;
}

/* Slack below which a link counts as saturated, relative to its capacity:
 * far above rounding error, far below any real share. */
#define LN_SLACK 1e-9

/* A new flow of class k runs at the cap without changing any other rate
 * when k is idle or at the cap and each of its links has room for one
 * more flow at the cap. */
static int ln_admits_at_cap(const ln_state *s, const ln_dir *d, uint32_t k)
{
    if (!isfinite(s->cap_flow) || (d->cnt[k] && !(d->at_cap >> k & 1)))
        return 0;
    for (uint32_t l = s->lo[k]; l < s->hi[k]; l++)
        if (s->cap[l] - d->load[l] < s->cap_flow + LN_SLACK * s->cap[l])
            return 0;
    return 1;
}

static void ln_add(const ln_state *s, ln_dir *d, uint32_t k, int flows, double load)
{
    for (uint32_t l = s->lo[k]; l < s->hi[k]; l++) {
        d->on[l] += flows;
        d->load[l] += load;
        d->cand = (d->cand & ~(1u << l)) | (uint32_t)(d->on[l] > s->fit[l]) << l;
    }
}

/* ---- the event loop ---- */

typedef struct ln_arrival {
    uint64_t start_ns;
    uint32_t flow;
} ln_arrival;

static int ln_cmp_arrival(const void *a, const void *b)
{
    const ln_arrival *x = a, *y = b;
    if (x->start_ns != y->start_ns)
        return x->start_ns < y->start_ns ? -1 : 1;
    return x->flow < y->flow ? -1 : (x->flow > y->flow);
}

int m3_flowsim_line_engine(uint32_t n, const double *link_bps, const m3_flows *f,
                           const m3_flowsim_opts *o, double *fct, m3_error *err)
{
    if (n < 2 || n > LN_MAX_NODES)
        return m3_fail(err, "flowsim: line engine: %u positions (need 2..%d)", n, LN_MAX_NODES);
    size_t N = f->n;
    if (N > UINT32_MAX - 1)
        return m3_fail(err, "flowsim: too many flows (%zu)", N);
    if (o->mtu == 0)
        return m3_fail(err, "flowsim: mtu must be positive");
    ln_state *s = m3_calloc(1, sizeof *s, err);
    ln_arrival *order = m3_calloc(N, sizeof *order, err);
    double *bits = m3_calloc(N, sizeof *bits, err);
    uint8_t *cls = m3_calloc(N, 1, err);
    ln_entry *heaps = m3_calloc(N + 1, sizeof *heaps, err);
    int rc = -1;
    if (!s || !order || !bits || !cls || !heaps)
        goto out;
    s->L = n - 1;
    s->cap_flow = o->rate_cap_bps > 0 ? o->rate_cap_bps / 1e9 : INFINITY;
    for (uint32_t l = 0; l < s->L; l++) {
        if (!(link_bps[l] > 0)) {
            m3_fail(err, "flowsim: line link %u has no capacity", l);
            goto out;
        }
        s->cap[l] = link_bps[l] / 1e9;
        /* the largest m with m * cap_flow <= cap, exactly as the
         * allocation would compare; 0 without a cap (every flow counts) */
        double m = isfinite(s->cap_flow) ? floor(s->cap[l] / s->cap_flow) : 0;
        if (m > (double)(UINT32_MAX - 1))
            m = (double)(UINT32_MAX - 1);
        while (m > 0 && m * s->cap_flow > s->cap[l])
            m--;
        while (m < (double)(UINT32_MAX - 1) && (m + 1) * s->cap_flow <= s->cap[l])
            m++;
        s->fit[l] = (uint32_t)m;
    }
    /* class index of range [i, j) */
    uint8_t idx[LN_MAX_NODES][LN_MAX_NODES];
    for (uint32_t i = 0; i < s->L; i++)
        for (uint32_t j = i + 1; j <= s->L; j++) {
            uint32_t k = s->C++;
            idx[i][j] = (uint8_t)k;
            s->lo[k] = (uint8_t)i;
            s->hi[k] = (uint8_t)j;
            for (uint32_t l = i; l < j; l++)
                s->cross[l] |= 1ull << k;
        }
    /* per flow: direction (bit 7) and class; heap regions sized by the
     * number of flows of each class */
    size_t count[2][LN_MAX_CLASSES] = {{0}};
    int sorted = 1;
    for (size_t q = 0; q < N; q++) {
        const m3_flow *fl = &f->v[q];
        if (fl->src >= n || fl->dst >= n || fl->src == fl->dst) {
            m3_fail(err, "flowsim: flow %llu: %u -> %u is not a pair of distinct positions 0..%u",
                    (unsigned long long)fl->id, fl->src, fl->dst, n - 1);
            goto out;
        }
        uint32_t rev = fl->src > fl->dst;
        uint32_t k = rev ? idx[fl->dst][fl->src] : idx[fl->src][fl->dst];
        cls[q] = (uint8_t)(rev << 7 | k);
        count[rev][k]++;
        order[q].start_ns = fl->start_ns;
        order[q].flow = (uint32_t)q;
        bits[q] = m3_wire_bits(fl->size, o->mtu, o->header_bytes);
        if (q && fl->start_ns < f->v[q - 1].start_ns)
            sorted = 0;
    }
    size_t used = 0;
    for (int r = 0; r < 2; r++)
        for (uint32_t k = 0; k < s->C; k++) {
            s->dir[r].T[k] = s->dir[r].T[k + 1] = INFINITY;
            s->dir[r].tmin = INFINITY;
            s->dir[r].heap[k] = heaps + used;
            used += count[r][k];
        }
    if (!sorted)
        qsort(order, N, sizeof *order, ln_cmp_arrival);

    double t = 0;
    size_t next = 0;
    while (next < N || s->dir[0].active || s->dir[1].active) {
        /* earliest completion over both directions */
        int rc_dir = s->dir[1].tmin < s->dir[0].tmin;
        double tc = s->dir[rc_dir].tmin;
        int kc = s->dir[rc_dir].kmin;
        double ta = next < N ? (double)order[next].start_ns : INFINITY;
        if (ta <= tc) {
            t = ta;
            /* every flow arriving at this instant, then at most one
             * reallocation per direction */
            while (next < N && (double)order[next].start_ns == ta) {
                uint32_t q = order[next++].flow;
                ln_dir *d = &s->dir[cls[q] >> 7];
                uint32_t k = cls[q] & 127;
                int fast = !d->dirty && ln_admits_at_cap(s, d, k);
                if (d->cnt[k] == 0) {
                    d->active |= 1ull << k;
                    d->S0[k] = 0; /* tags restart from zero: keeps magnitudes small */
                    d->rate[k] = 0;
                } else {
                    d->S0[k] += d->rate[k] * (t - d->t0[k]);
                }
                d->t0[k] = t;
                ln_entry e = {d->S0[k] + bits[q], q};
                ln_push(d->heap[k], d->cnt[k]++, e);
                if (fast) {
                    d->rate[k] = s->cap_flow;
                    d->at_cap |= 1ull << k;
                    ln_add(s, d, k, 1, s->cap_flow);
                    d->T[k] = t + (d->heap[k][0].tag - d->S0[k]) / s->cap_flow;
                    /* T did not grow: its first flow is the same or new */
                    if ((int)k == d->kmin || d->T[k] < d->tmin) {
                        d->tmin = d->T[k];
                        d->kmin = (int)k;
                    }
                } else {
                    ln_add(s, d, k, 1, 0);
                    d->dirty = 1;
                    d->T[k] = -INFINITY; /* its first flow may have changed */
                }
            }
        } else {
            t = tc;
            ln_dir *d = &s->dir[rc_dir];
            uint32_t k = (uint32_t)kc;
            uint32_t q = d->heap[k][0].flow;
            d->S0[k] = d->heap[k][0].tag;
            d->t0[k] = t;
            fct[q] = t; /* the start is subtracted at the end: the flow array is cold here */
            ln_pop(d->heap[k], --d->cnt[k]);
            /* a flow at the cap sits on nobody's bottleneck: a class held
             * by link l gets the largest rate on l, below the cap. So its
             * leaving frees only its own load. */
            int fast = (d->at_cap >> k & 1) && isfinite(s->cap_flow);
            ln_add(s, d, k, -1, fast ? -s->cap_flow : 0);
            if (!fast)
                d->dirty = 1;
            d->rescan = 1; /* k was the earliest class */
            if (d->cnt[k] == 0) {
                d->active &= ~(1ull << k);
                d->at_cap &= ~(1ull << k);
                d->T[k] = INFINITY;
            } else if (fast) {
                d->T[k] = t + (d->heap[k][0].tag - d->S0[k]) / d->rate[k];
            } else {
                d->T[k] = -INFINITY;
            }
        }
        for (int r = 0; r < 2; r++) {
            ln_dir *d = &s->dir[r];
            if (d->dirty && d->active) {
                ln_allocate(s, d, t);
            } else if (d->dirty) { /* idle: nothing allocated */
                memset(d->load, 0, sizeof d->load);
                d->dirty = d->rescan = 0;
                d->tmin = INFINITY;
            } else if (d->rescan) {
                ln_scan(s, d);
            }
        }
    }
    for (size_t q = 0; q < N; q++)
        fct[q] -= (double)f->v[q].start_ns;
    rc = 0;
out:
    free(s);
    free(order);
    free(bits);
    free(cls);
    free(heaps);
    return rc;
}

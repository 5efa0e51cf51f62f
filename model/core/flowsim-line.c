/* SPDX-License-Identifier: GPL-2.0-only */
/* flowsim-line.c - the max-min fluid simulation specialised to a line of
 * at most LN_MAX_NODES positions (m3's parking lot).
 *
 * On a line a flow's links are a contiguous range [lo, hi) of one
 * direction, and the two directions share no link: each direction is its
 * own max-min problem with at most LN_MAX_CLASSES classes (one per range),
 * small enough for fixed arrays and 64-bit class masks. Classes run
 * processor sharing (per-class heaps of finish tags); rates and service
 * clocks are per bottleneck group (see ln_dir). All memory is allocated
 * before the event loop. */
#include "m3-internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LN_MAX_NODES M3_LINE_ENGINE_MAX_NODES
#define LN_MAX_LINKS (LN_MAX_NODES - 1)
#define LN_MAX_CLASSES (LN_MAX_LINKS * (LN_MAX_LINKS + 1) / 2)
#define LN_GROUPS (LN_MAX_LINKS + 1)
#define LN_TPAD ((LN_GROUPS + 1) & ~1) /* T[] scanned in pairs */

typedef struct ln_entry {
    double tag;
    uint32_t flow;
} ln_entry;

/* One direction: classes c = [lo[c], hi[c]) over links 0..L-1.
 *
 * Max-min gives every class bottlenecked at link b the same per-flow rate
 * r_b, and every class at the cap the cap. So rates live in groups (one per
 * link, plus the cap group), each with a service clock V_g = integral of
 * r_g dt; a class's flows keep tags in their own service units and the
 * class's offset base[k] turns them into its group's clock (tag + base).
 * A group's rate change is O(1), whatever the number of its classes;
 * only a class that changes group is re-based.
 *
 * The groups of the link bottlenecks, in water-filling order, form the
 * structure; an event first re-solves the rates on the stored structure
 * and checks the max-min conditions (ln_resolve), and runs the
 * water-filling (ln_fill) only when they fail. */
typedef struct ln_dir {
    uint64_t active; /* classes with flows */
    uint32_t cnt[LN_MAX_CLASSES];
    uint8_t grp[LN_MAX_CLASSES];    /* group of an active class */
    double base[LN_MAX_CLASSES];    /* group clock minus class service */
    ln_entry *heap[LN_MAX_CLASSES]; /* per-class heap of finish tags */
    int32_t on[LN_MAX_LINKS];       /* active flows per link */
    uint32_t cand;                  /* links with on > fit */
    uint32_t m;                     /* bottleneck links, in order */
    uint8_t order[LN_MAX_LINKS];
    uint64_t gmask[LN_GROUPS];         /* classes of each group */
    double N[LN_GROUPS][LN_MAX_LINKS]; /* flows of group g on link l */
    /* group clock: V at time tg, rate r; minkey: the group's smallest
     * tag + base (class kmin); T: when that flow finishes */
    double V[LN_GROUPS], tg[LN_GROUPS], r[LN_GROUPS], minkey[LN_GROUPS];
    /* 1 / r: the finish times multiply instead of divide (they sit on the
     * chain from one event to the next; measured 4-6% faster) */
    double inv_r[LN_GROUPS];
    uint8_t kmin[LN_GROUPS];
    double T[LN_TPAD]; /* inf for empty groups and the padding */
    uint32_t stale;    /* groups whose T must be recomputed */
    int dirty;         /* rates to re-solve */
    /* groups whose rows or classes changed since the last committed
     * re-solve; all ones after a water-filling (its rates were not
     * checked by a re-solve) */
    uint32_t dg;
    double tmin; /* the earliest T, group gmin */
    int gmin;
} ln_dir;

typedef struct ln_state {
    uint32_t L, C;
    double cap[LN_MAX_LINKS];  /* bits per ns */
    int32_t fit[LN_MAX_LINKS]; /* flows that fit at the cap: fit * cap_flow <= cap */
    double cap_flow;           /* per-flow cap, bits per ns */
    uint8_t lo[LN_MAX_CLASSES], hi[LN_MAX_CLASSES];
    uint32_t links[LN_MAX_CLASSES]; /* the class's links as a mask */
    uint64_t cross[LN_MAX_LINKS];   /* classes crossing each link */
    ln_dir dir[2];
} ln_state;

/* The cap group follows the link groups: the scans of T stay short. */
static inline int ln_capg(const ln_state *s) { return (int)s->L; }

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

/* ---- group clocks ---- */

static inline double ln_clock(const ln_dir *d, int g, double t)
{
    return d->V[g] + d->r[g] * (t - d->tg[g]);
}

static inline void ln_set_rate(ln_dir *d, int g, double r)
{
    d->r[g] = r;
    d->inv_r[g] = 1 / r;
}

/* Banks the service at the current rate: done before any rate change. */
static inline void ln_advance(ln_dir *d, int g, double t)
{
    d->V[g] = ln_clock(d, g, t);
    d->tg[g] = t;
}

/* The group's smallest key, by a scan over its classes. */
static void ln_rescan_group(ln_dir *d, int g)
{
    double m = INFINITY;
    int km = 0;
    for (uint64_t x = d->gmask[g]; x; x &= x - 1) {
        int k = __builtin_ctzll(x);
        double key = d->heap[k][0].tag + d->base[k];
        km = key < m ? k : km;
        m = key < m ? key : m;
    }
    d->minkey[g] = m;
    d->kmin[g] = (uint8_t)km;
    d->stale |= 1u << g;
}

/* Recomputes T of the stale groups and the direction's earliest T. */
static void ln_retime(const ln_state *s, ln_dir *d)
{
    uint32_t stale = d->stale;
    double sm = INFINITY;
    int sg = 0;
    for (uint32_t x = stale; x; x &= x - 1) {
        int g = __builtin_ctz(x);
        /* an empty group's minkey is inf, and so is its T */
        double T = d->tg[g] + (d->minkey[g] - d->V[g]) * d->inv_r[g];
        d->T[g] = T;
        sg = T < sm ? g : sg;
        sm = T < sm ? T : sm;
    }
    d->stale = 0;
    /* If the earliest group kept its T, every other unchanged T is still
     * >= it, so the new earliest is it or the smallest recomputed T. On a
     * tie either is correct (both groups finish a flow at that time). */
    if (!(stale >> d->gmin & 1)) {
        if (sm < d->tmin) {
            d->tmin = sm;
            d->gmin = sg;
        }
        return;
    }
    /* two independent chains, index tracked without branches */
    double m0 = d->T[0], m1 = d->T[1];
    int g0 = 0, g1 = 1;
    for (int g = 2; g < (int)s->L + 1; g += 2) { /* T[L + 1] is inf: padding */
        g0 = d->T[g] < m0 ? g : g0;
        m0 = d->T[g] < m0 ? d->T[g] : m0;
        g1 = d->T[g + 1] < m1 ? g + 1 : g1;
        m1 = d->T[g + 1] < m1 ? d->T[g + 1] : m1;
    }
    double m = m1 < m0 ? m1 : m0;
    int g = m1 < m0 ? g1 : g0;
    d->tmin = m;
    d->gmin = g;
}

/* ---- the allocation ---- */

/* The load of link l under the current rates. */
static double ln_load(const ln_state *s, const ln_dir *d, uint32_t l)
{
    double ld = d->gmask[ln_capg(s)] ? s->cap_flow * d->N[ln_capg(s)][l] : 0;
    for (uint32_t i = 0; i < d->m; i++)
        ld += d->r[d->order[i]] * d->N[d->order[i]][l];
    return ld;
}

/* Re-solves the rates on the stored structure; 0 when it no longer holds.
 *
 * Why the result is the max-min allocation: the structure keeps the
 * water-filling's invariant that a bottleneck group's classes cross no
 * earlier bottleneck link, and cap classes cross none (ln_fill builds it,
 * a joining class takes the first bottleneck link it crosses, and a group
 * that empties only leaves the list). Rates solved in order then saturate
 * every bottleneck link exactly. A rate allocation is max-min fair iff it
 * is feasible and each flow either runs at its cap or crosses a saturated
 * link on which no flow gets more. The checks below are exactly that:
 * 0 < r_b < cap (the cap classes have theirs), r_b >= the rate of every
 * earlier group with flows on b (later groups have none there), and every
 * other link within capacity (those with on <= fit are, since every rate is
 * at most the cap). The allocation being unique, this equals the
 * water-filling's, up to rounding. */
/* Link b's share reached the cap: it no longer holds anyone. Its classes
 * go where the water-filling would freeze them without b: the first later
 * bottleneck link they cross, else the cap (which keeps the invariant of
 * ln_resolve: they crossed no link before b). */
static void ln_release(const ln_state *s, ln_dir *d, uint32_t pos, double t)
{
    int b = d->order[pos];
    ln_advance(d, b, t);
    uint32_t moved = 0;
    for (uint64_t x = d->gmask[b]; x; x &= x - 1) {
        int k = __builtin_ctzll(x);
        int g = ln_capg(s);
        for (uint32_t i = pos + 1; i < d->m; i++)
            if (s->cross[d->order[i]] >> k & 1) {
                g = d->order[i];
                break;
            }
        if (!d->gmask[g]) {
            d->V[g] = 0;
            d->tg[g] = t;
        } else {
            ln_advance(d, g, t); /* idempotent at the same t */
        }
        d->base[k] += d->V[g] - d->V[b];
        double c = d->cnt[k];
        for (uint32_t l = s->lo[k]; l < s->hi[k]; l++) {
            d->N[b][l] -= c;
            d->N[g][l] += c;
        }
        d->gmask[g] |= 1ull << k;
        d->grp[k] = (uint8_t)g;
        moved |= 1u << g;
    }
    /* no mark in dg: b sits at or after the first changed group (the
     * re-solve reached it), and the groups it feeds come after b */
    d->gmask[b] = 0;
    d->minkey[b] = INFINITY;
    d->stale |= 1u << b;
    for (; moved; moved &= moved - 1)
        ln_rescan_group(d, __builtin_ctz(moved));
}

/* Link l, not in the structure, is over capacity at the rates rn of the
 * groups ord[0..m) just solved: inserts it at the place where the
 * water-filling would saturate it, the first position p whose group's rate
 * is at least l's share there (the share with the groups before p at their
 * rates and every other flow on l frozen with l), and moves into l's group
 * the classes crossing l from the groups at p and after and from the cap.
 * 0 when it cannot (l would hold nobody), with nothing changed.
 *
 * Why the re-solve after it is still exact: it keeps ln_resolve's
 * invariant. The moved classes sat at p or later (or at the cap), so they
 * cross no bottleneck link before p; the classes left after p and at the
 * cap do not cross l; the groups before p are untouched. The re-solve's
 * checks then prove the allocation max-min as before (or fail, and the
 * water-filling runs); the choice of p only decides whether they pass. */
static int ln_insert(const ln_state *s, ln_dir *d, uint32_t l, const uint8_t *ord, const double *rn,
                     uint32_t m, double t)
{
    if (d->gmask[l])
        return 0;
    double rem = s->cap[l], n = d->on[l];
    uint64_t before = 0;
    uint32_t p = 0;
    for (; p < m; p++) {
        if (rem <= rn[p] * n) /* share rem / n <= rn[p], without dividing */
            break;
        double c = d->N[ord[p]][l];
        rem -= rn[p] * c;
        n -= c;
        before |= d->gmask[ord[p]];
    }
    if (!(n > 0))
        return 0;
    double *row = d->N[l];
    for (uint32_t j = 0; j < s->L; j++)
        row[j] = 0;
    d->V[l] = 0; /* a fresh clock */
    d->tg[l] = t;
    uint32_t moved = 1u << l;
    for (uint64_t x = s->cross[l] & d->active & ~before; x; x &= x - 1) {
        int k = __builtin_ctzll(x);
        int g = d->grp[k];
        ln_advance(d, g, t); /* at the old rate: nothing committed yet */
        d->base[k] += d->V[l] - d->V[g];
        double c = d->cnt[k];
        for (uint32_t j = s->lo[k]; j < s->hi[k]; j++) {
            d->N[g][j] -= c;
            row[j] += c;
        }
        d->gmask[g] &= ~(1ull << k);
        d->gmask[l] |= 1ull << k;
        d->grp[k] = (uint8_t)l;
        moved |= 1u << g;
    }
    d->dg |= moved; /* l may go before the first changed group */
    for (uint32_t j = m; j > p; j--)
        d->order[j] = ord[j - 1];
    d->order[p] = (uint8_t)l;
    for (uint32_t j = 0; j < p; j++)
        d->order[j] = ord[j];
    d->m = m + 1;
    for (; moved; moved &= moved - 1)
        ln_rescan_group(d, __builtin_ctz(moved));
    return 1;
}

static int ln_resolve(const ln_state *s, ln_dir *d, double t)
{
    if (d->gmask[ln_capg(s)] && !isfinite(s->cap_flow))
        return 0;
    double rn[LN_MAX_LINKS];
    uint8_t ord[LN_MAX_LINKS];
    uint32_t m, bm, inserts = 0, passes = 0;
again:
    /* a release empties a group, an insert is bounded: this bound only
     * turns a broken structure into a water-filling instead of a hang */
    if (++passes > 2 * LN_MAX_LINKS + 8)
        return 0;
    m = bm = 0;
    /* The groups before the first changed one keep their rates, and
     * passed their checks at the last commit: b's rate depends only on
     * the rows of b's group and the earlier ones at link b (the later
     * groups and the cap cross no earlier bottleneck link: the invariant
     * above), and those rows are unchanged. A changed group's rate may
     * now fall below an earlier group's on its link: its own `lo` check,
     * below, still compares it with every earlier group. After a
     * water-filling dg is all ones (its rates were not checked here). */
    uint32_t i0 = 0;
    for (; i0 < d->m && !(d->dg >> d->order[i0] & 1); i0++) {
        uint32_t b = d->order[i0];
        rn[m] = d->r[b];
        ord[m++] = (uint8_t)b;
        bm |= 1u << b;
    }
    for (uint32_t i = i0; i < d->m; i++) {
        uint32_t b = d->order[i];
        double n = d->N[b][b];
        if (n == 0) /* its group emptied: no longer a bottleneck */
            continue;
        double rem = s->cap[b], lo = 0;
        for (uint32_t j = 0; j < m; j++) {
            double c = d->N[ord[j]][b];
            rem -= rn[j] * c;
            lo = c > 0 && rn[j] > lo ? rn[j] : lo;
        }
        double r = rem / n;
        if (!(r < s->cap_flow) && r > 0) { /* b stops being a bottleneck */
            /* the groups solved so far keep their rows (the released
             * classes cross none of their links): go on with the next */
            ln_release(s, d, i, t);
            continue;
        }
        if (!(r > 0 && r >= lo))
            return 0;
        rn[m] = r;
        ord[m++] = (uint8_t)b;
        bm |= 1u << b;
    }
    double capload = d->gmask[ln_capg(s)] ? s->cap_flow : 0;
    for (uint32_t x = d->cand & ~bm; x; x &= x - 1) {
        uint32_t l = (uint32_t)__builtin_ctz(x);
        double ld = capload * d->N[ln_capg(s)][l];
        for (uint32_t j = 0; j < m; j++)
            ld += rn[j] * d->N[ord[j]][l];
        if (!(ld <= s->cap[l])) {
            /* the rates from i0 on are not committed: the next pass
             * must not take them for unchanged ones (the insert drops
             * emptied groups, maybe the changed one, from the order) */
            for (uint32_t j = i0; j < m; j++)
                d->dg |= 1u << ord[j];
            /* bounded: an insert and a release could undo each other */
            if (inserts++ < 4 && ln_insert(s, d, l, ord, rn, m, t))
                goto again;
            return 0;
        }
    }
    /* the prefix is the stored order's, at its stored rates */
    for (uint32_t j = i0; j < m; j++) {
        int g = ord[j];
        if (rn[j] != d->r[g]) {
            ln_advance(d, g, t);
            ln_set_rate(d, g, rn[j]);
            d->stale |= 1u << g;
        }
        d->order[j] = (uint8_t)g;
    }
    d->m = m;
    d->dg = 0;
    return 1;
}

/* Writes into row the flows per link of the classes in mask. */
static const double *ln_row_of(const ln_state *s, const ln_dir *d, uint64_t mask, double *row)
{
    for (uint32_t l = 0; l < s->L; l++)
        row[l] = 0;
    for (; mask; mask &= mask - 1) {
        int k = __builtin_ctzll(mask);
        double c = d->cnt[k];
        for (uint32_t l = s->lo[k]; l < s->hi[k]; l++)
            row[l] += c;
    }
    return row;
}

/* Max-min rates by progressive filling: saturate the link with the smallest
 * fair share, freeze the classes crossing it into its group, repeat; the
 * rest form the cap group. Then moves the classes whose group changed. */
static void ln_fill(const ln_state *s, ln_dir *d, double t)
{
    const uint32_t L = s->L;
    double rem[LN_MAX_LINKS], nl[LN_MAX_LINKS], rn[LN_GROUPS];
    /* the rows of the new groups go straight into N: a row is read only
     * while its group is used, and every used group's row is written here
     * (the cap group's, empty or not) */
    double(*Nn)[LN_MAX_LINKS] = d->N;
    uint64_t nmask[LN_GROUPS];
    uint8_t ord[LN_MAX_LINKS];
    uint32_t m = 0;
    /* Only a link whose flows could not all run at the cap can hold anyone
     * below it: frozen flows take at most the cap each, so on a link with
     * on <= fit the share rem / nl never drops below the cap. */
    uint32_t cand = d->cand;
    for (uint32_t l = 0; l < L; l++) {
        rem[l] = s->cap[l];
        nl[l] = d->on[l];
    }
    uint64_t unfrozen = d->active;
    while (unfrozen && cand) {
        /* smallest rem/nl by cross-multiplication: one division, not one
         * per link; a link with nl = 0 never wins (0 < 0 is false) */
        double br = 1, bn = 0;
        uint32_t best = 0;
        for (uint32_t x = cand; x; x &= x - 1) {
            uint32_t l = (uint32_t)__builtin_ctz(x);
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
        const double *row = ln_row_of(s, d, fr, Nn[best]);
        for (uint32_t l = 0; l < L; l++) {
            nl[l] -= row[l];
            rem[l] -= row[l] * share;
        }
        nmask[best] = fr;
        rn[best] = share;
        ord[m++] = (uint8_t)best;
    }
    ln_row_of(s, d, unfrozen, Nn[ln_capg(s)]);
    nmask[ln_capg(s)] = unfrozen;
    rn[ln_capg(s)] = d->r[ln_capg(s)];
    /* every clock to t at the old rates; a group that starts now starts at 0 */
    uint32_t oldg = 0, newg = 0;
    for (uint32_t i = 0; i < d->m; i++)
        oldg |= 1u << d->order[i];
    oldg |= (uint32_t)(d->gmask[ln_capg(s)] != 0) << ln_capg(s);
    for (uint32_t i = 0; i < m; i++)
        newg |= 1u << ord[i];
    newg |= (uint32_t)(nmask[ln_capg(s)] != 0) << ln_capg(s);
    for (uint32_t x = oldg | newg; x; x &= x - 1) {
        int g = __builtin_ctz(x);
        if (oldg >> g & 1) {
            ln_advance(d, g, t);
        } else {
            d->V[g] = 0;
            d->tg[g] = t;
        }
    }
    /* re-base the classes that move: keep S = V_old - base */
    for (uint32_t x = newg; x; x &= x - 1) {
        int g = __builtin_ctz(x);
        for (uint64_t y = nmask[g] & ~d->gmask[g]; y; y &= y - 1) {
            int k = __builtin_ctzll(y);
            d->base[k] += d->V[g] - d->V[d->grp[k]];
            d->grp[k] = (uint8_t)g;
        }
    }
    for (uint32_t x = oldg & ~newg; x; x &= x - 1) {
        int g = __builtin_ctz(x);
        d->gmask[g] = 0;
        d->minkey[g] = INFINITY;
    }
    d->stale |= oldg & ~newg;
    for (uint32_t x = newg; x; x &= x - 1) {
        int g = __builtin_ctz(x);
        int changed = nmask[g] != d->gmask[g];
        d->gmask[g] = nmask[g];
        if (rn[g] != d->r[g]) {
            ln_set_rate(d, g, rn[g]);
            d->stale |= 1u << g;
        }
        if (changed)
            ln_rescan_group(d, g);
    }
    for (uint32_t i = 0; i < m; i++)
        d->order[i] = ord[i];
    d->m = m;
    /* its rates were never checked: a rounding that breaks a max-min
     * check must not hide in a skipped prefix */
    d->dg = ~0u;
}

/* Adds `flows` (+1 or -1) flows of class k to the link counts of its
 * range and updates the candidate links there. */
static inline void ln_count(const ln_state *s, ln_dir *d, uint32_t k, int32_t flows)
{
    double *row = d->N[d->grp[k]], df = flows;
    int32_t *on = d->on;
    d->dg |= 1u << d->grp[k];
    uint32_t over = 0;
    for (uint32_t l = s->lo[k]; l < s->hi[k]; l++) {
        row[l] += df;
        on[l] += flows;
        over |= (uint32_t)(on[l] > s->fit[l]) << l;
    }
    d->cand = (d->cand & ~s->links[k]) | over;
}

/* A new flow of cap class k runs at the cap without changing any other
 * rate when each of its links has room for one more flow at the cap. */
static int ln_cap_room(const ln_state *s, const ln_dir *d, uint32_t k)
{
    if (!isfinite(s->cap_flow))
        return 0;
    for (uint32_t l = s->lo[k]; l < s->hi[k]; l++)
        if (d->on[l] >= s->fit[l] && !(ln_load(s, d, l) + s->cap_flow <= s->cap[l]))
            return 0;
    return 1;
}

/* ---- the event loop ---- */

typedef struct ln_arrival {
    double t;    /* start, ns (exact below 2^53) */
    double bits; /* on the wire */
    uint32_t flow;
    uint32_t k; /* class */
} ln_arrival;

static int ln_cmp_arrival(const void *a, const void *b)
{
    const ln_arrival *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->flow < y->flow ? -1 : (x->flow > y->flow);
}

/* A flow of class k arrives at t. */
static void ln_arrive(const ln_state *s, ln_dir *d, const ln_arrival *a, double t)
{
    uint32_t k = a->k;
    if (d->cnt[k] == 0) {
        /* joins the first bottleneck link it crosses (the water-filling
         * would freeze it there), else the cap */
        int g = ln_capg(s);
        for (uint32_t i = 0; i < d->m; i++)
            if (s->cross[d->order[i]] >> k & 1) {
                g = d->order[i];
                break;
            }
        if (!d->gmask[g]) { /* a fresh clock: keeps magnitudes small */
            d->V[g] = 0;
            d->tg[g] = t;
        }
        d->active |= 1ull << k;
        d->gmask[g] |= 1ull << k;
        d->grp[k] = (uint8_t)g;
        d->base[k] = ln_clock(d, g, t); /* service 0 */
    }
    int g = d->grp[k];
    double base = d->base[k];
    ln_entry e = {ln_clock(d, g, t) - base + a->bits, a->flow};
    ln_push(d->heap[k], d->cnt[k]++, e);
    if (e.tag + base < d->minkey[g]) {
        d->minkey[g] = e.tag + base;
        d->kmin[g] = (uint8_t)k;
        d->stale |= 1u << g;
    }
    if (g != ln_capg(s) || d->dirty || !ln_cap_room(s, d, k))
        d->dirty = 1;
    ln_count(s, d, k, 1);
}

/* The earliest flow of group gmin completes at t = tmin. */
static void ln_complete(const ln_state *s, ln_dir *d, double t, double *fct)
{
    int g = d->gmin;
    uint32_t k = d->kmin[g];
    d->V[g] = d->minkey[g]; /* exactly the clock of this completion */
    d->tg[g] = t;
    fct[d->heap[k][0].flow] =
        t; /* the start is subtracted at the end: the flow array is cold here */
    ln_pop(d->heap[k], --d->cnt[k]);
    ln_count(s, d, k, -1);
    if (d->cnt[k] == 0) {
        d->active &= ~(1ull << k);
        d->gmask[g] &= ~(1ull << k);
    }
    ln_rescan_group(d, g);
    /* a flow at the cap sits on nobody's bottleneck (the cap classes
     * cross no bottleneck link): its leaving changes no other rate */
    if (g != ln_capg(s))
        d->dirty = 1;
}

/* One direction from start to end: the directions share no link, so
 * each is its own max-min problem. `a` holds its arrivals in time order;
 * completion times (not yet minus the start) go to fct. */
static int ln_run(const ln_state *s, ln_dir *d, const ln_arrival *a, size_t na, double *fct,
                  m3_error *err)
{
    size_t next = 0;
    /* each flow makes one arrival and one completion event: a bug that
     * stops the loop from making progress fails here instead of hanging */
    size_t events = 0, max_events = 4 * na + 16;
    while (next < na || d->active) {
        if (++events > max_events)
            return m3_fail(err, "flowsim: line engine: no progress after %zu events (%zu flows)",
                           max_events, na);
        double t, ta = next < na ? a[next].t : INFINITY;
        if (ta <= d->tmin) {
            /* every flow arriving at this instant, then one re-solve */
            t = ta;
            do
                ln_arrive(s, d, &a[next], t);
            while (++next < na && a[next].t == ta);
        } else {
            t = d->tmin;
            ln_complete(s, d, t, fct);
        }
        if (d->dirty && !ln_resolve(s, d, t))
            ln_fill(s, d, t);
        d->dirty = 0;
        ln_retime(s, d);
    }
    return 0;
}

int m3_flowsim_line_engine(const m3_line *line, const m3_flows *f, uint32_t mtu, uint32_t header,
                           double *fct, m3_error *err)
{
    uint32_t n = line->n;
    if (n < 2 || n > LN_MAX_NODES)
        return m3_fail(err, "flowsim: line engine: %u positions (need 2..%d)", n, LN_MAX_NODES);
    size_t N = f->n;
    if (N > UINT32_MAX - 1)
        return m3_fail(err, "flowsim: too many flows (%zu)", N);
    if (mtu == 0)
        return m3_fail(err, "flowsim: mtu must be positive");
    ln_state *s = m3_calloc(1, sizeof *s, err);
    /* written before they are read: no zeroing (it cost 3% of a run) */
    ln_arrival *arr = m3_realloc_array(NULL, N + 1, sizeof *arr, err);
    uint8_t *rev = m3_realloc_array(NULL, N + 1, 1, err);
    ln_entry *heaps = m3_realloc_array(NULL, N + 1, sizeof *heaps, err);
    int rc = -1;
    if (!s || !arr || !rev || !heaps)
        goto out;
    s->L = n - 1;
    s->cap_flow = line->cap_bps > 0 ? line->cap_bps / 1e9 : INFINITY;
    for (uint32_t l = 0; l < s->L; l++) {
        s->cap[l] = line->link_bps[l] / 1e9; /* > 0: m3_line_check */
        /* the largest m with m * cap_flow <= cap, exactly as the
         * allocation would compare; 0 without a cap (every flow counts) */
        double m = isfinite(s->cap_flow) ? floor(s->cap[l] / s->cap_flow) : 0;
        if (m > (double)(INT32_MAX - 1))
            m = (double)(INT32_MAX - 1);
        while (m > 0 && m * s->cap_flow > s->cap[l])
            m--;
        while (m < (double)(INT32_MAX - 1) && (m + 1) * s->cap_flow <= s->cap[l])
            m++;
        s->fit[l] = (int32_t)m;
    }
    /* class index of range [i, j) */
    uint8_t idx[LN_MAX_NODES][LN_MAX_NODES];
    for (uint32_t i = 0; i < s->L; i++)
        for (uint32_t j = i + 1; j <= s->L; j++) {
            uint32_t k = s->C++;
            idx[i][j] = (uint8_t)k;
            s->lo[k] = (uint8_t)i;
            s->hi[k] = (uint8_t)j;
            for (uint32_t l = i; l < j; l++) {
                s->cross[l] |= 1ull << k;
                s->links[k] |= 1u << l;
            }
        }
    /* per flow: direction and class; the arrivals of direction 0 first,
     * then those of direction 1, each in input order; heap regions sized
     * by the number of flows of each class */
    size_t count[2][LN_MAX_CLASSES] = {{0}};
    size_t per_dir[2] = {0, 0};
    int sorted = 1;
    for (size_t q = 0; q < N; q++) {
        const m3_flow *fl = &f->v[q];
        if (fl->src >= n || fl->dst >= n || fl->src == fl->dst) {
            m3_fail(err, "flowsim: flow %llu: %u -> %u is not a pair of distinct positions 0..%u",
                    (unsigned long long)fl->id, fl->src, fl->dst, n - 1);
            goto out;
        }
        uint32_t r = fl->src > fl->dst;
        rev[q] = (uint8_t)r;
        per_dir[r]++;
        count[r][r ? idx[fl->dst][fl->src] : idx[fl->src][fl->dst]]++;
        if (q && fl->start_ns < f->v[q - 1].start_ns)
            sorted = 0;
    }
    size_t slot[2] = {0, per_dir[0]};
    for (size_t q = 0; q < N; q++) {
        const m3_flow *fl = &f->v[q];
        uint32_t r = rev[q];
        ln_arrival *x = &arr[slot[r]++];
        x->t = (double)fl->start_ns;
        x->bits = m3_wire_bits(fl->size, mtu, header);
        x->flow = (uint32_t)q;
        x->k = r ? idx[fl->dst][fl->src] : idx[fl->src][fl->dst];
    }
    size_t used = 0;
    for (int r = 0; r < 2; r++) {
        ln_dir *d = &s->dir[r];
        for (uint32_t k = 0; k < s->C; k++) {
            d->heap[k] = heaps + used;
            used += count[r][k];
        }
        for (int g = 0; g < LN_TPAD; g++)
            d->T[g] = INFINITY;
        for (int g = 0; g < LN_GROUPS; g++) {
            d->minkey[g] = INFINITY;
            d->inv_r[g] = 1; /* finite: inf x 0 would make T NaN */
        }
        /* without a cap the cap group only holds joining classes until the
         * fill at the same instant moves them: a finite clock rate keeps
         * their base finite */
        ln_set_rate(d, ln_capg(s), isfinite(s->cap_flow) ? s->cap_flow : 1);
        d->tmin = INFINITY;
        ln_arrival *a = arr + (r ? per_dir[0] : 0);
        if (!sorted)
            qsort(a, per_dir[r], sizeof *a, ln_cmp_arrival);
        if (ln_run(s, d, a, per_dir[r], fct, err))
            goto out;
    }
    for (size_t q = 0; q < N; q++)
        fct[q] -= (double)f->v[q].start_ns;
    rc = 0;
out:
    free(s);
    free(arr);
    free(rev);
    free(heaps);
    return rc;
}

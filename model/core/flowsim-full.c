/* SPDX-License-Identifier: GPL-2.0-only */
/* flowsim-full.c - max-min fair fluid simulation (m3-method.md section 3)
 * that recomputes the whole allocation at every rate-changing event: the
 * general engine before the incremental one (flowsim-incr.c), kept as the
 * benchmark's baseline and the tests' second oracle (M3_FLOWSIM_FULL).
 *
 * Flows that cross exactly the same set of links form a class; max-min
 * fairness gives every flow of a class the same rate, so the engine works
 * on classes. Each class runs processor sharing: it keeps its cumulative
 * per-flow service S (bits), a flow finishes when S reaches its finish tag
 * (S at arrival + its bits), and the earliest tag sits on top of a per-class
 * heap. An event (arrival or completion) costs O(active classes x path
 * length) for the water-filling (skipped when the flow runs at the cap and
 * its links have room) plus O(active classes) to find the next completion
 * and O(log n) for the heap: it grows with the number of active classes.
 * Times are ns, capacities bits per ns (Gbps). All memory is allocated
 * before the event loop. */
#include "m3-internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Everything the event loop touches, allocated once. */
typedef struct fs_state {
    const m3_fs_problem *p;
    double cap_flow; /* per-flow cap, bits per ns */
    /* classes */
    uint32_t *heap_off, *cnt; /* per class: heap region and size */
    /* lazily advanced service: S(t) = S0 + rate (t - t0); T is the time the
     * class's first flow finishes at the current rate */
    double *S0, *t0, *T, *rate, *old_rate;
    uint32_t *act, *act_pos, nact; /* active classes */
    uint8_t *frozen;
    /* flow heaps (finish tag, flow), partitioned by class */
    m3_fs_heap_entry *fheap;
    /* links: CSR of incidences (class-link pairs) per link; only the active
     * classes' incidences are kept in the first lac_len[l] slots */
    uint32_t *inc_class; /* incidence -> class */
    uint32_t *link_inc_off, *link_inc, *lac_len, *inc_pos;
    uint32_t *alink, *alink_pos, nalink; /* links with active classes */
    double *nl, *rem;
    double *flows_on; /* active flows per link */
    double *load;     /* allocated bits per ns per link */
    uint32_t *ver;
    uint32_t *work;          /* scratch list of links */
    m3_fs_heap_entry *lheap; /* link shares, lazily invalidated */
    size_t lheap_len;
} fs_state;

#define NOT_LISTED UINT32_MAX

static void fs_free(fs_state *s)
{
    free(s->heap_off);
    free(s->cnt);
    free(s->S0);
    free(s->t0);
    free(s->T);
    free(s->rate);
    free(s->old_rate);
    free(s->act);
    free(s->act_pos);
    free(s->frozen);
    free(s->fheap);
    free(s->inc_class);
    free(s->link_inc_off);
    free(s->link_inc);
    free(s->lac_len);
    free(s->inc_pos);
    free(s->alink);
    free(s->alink_pos);
    free(s->nl);
    free(s->rem);
    free(s->flows_on);
    free(s->load);
    free(s->ver);
    free(s->work);
    free(s->lheap);
}

static int fs_alloc(fs_state *s, const m3_fs_problem *p, size_t nflows, m3_error *err)
{
    memset(s, 0, sizeof *s);
    s->p = p;
    uint32_t C = p->num_classes, L = p->num_links;
    size_t I = p->class_link_off[C];
    s->heap_off = m3_calloc((size_t)C + 1, sizeof *s->heap_off, err);
    s->cnt = m3_calloc(C, sizeof *s->cnt, err);
    s->S0 = m3_calloc(C, sizeof *s->S0, err);
    s->t0 = m3_calloc(C, sizeof *s->t0, err);
    s->T = m3_calloc(C, sizeof *s->T, err);
    s->rate = m3_calloc(C, sizeof *s->rate, err);
    s->old_rate = m3_calloc(C, sizeof *s->old_rate, err);
    s->act = m3_calloc(C, sizeof *s->act, err);
    s->act_pos = m3_calloc(C, sizeof *s->act_pos, err);
    s->frozen = m3_calloc(C, 1, err);
    s->fheap = m3_calloc(nflows, sizeof *s->fheap, err);
    s->inc_class = m3_calloc(I, sizeof *s->inc_class, err);
    s->link_inc_off = m3_calloc((size_t)L + 1, sizeof *s->link_inc_off, err);
    s->link_inc = m3_calloc(I, sizeof *s->link_inc, err);
    s->lac_len = m3_calloc(L, sizeof *s->lac_len, err);
    s->inc_pos = m3_calloc(I, sizeof *s->inc_pos, err);
    s->alink = m3_calloc(L, sizeof *s->alink, err);
    s->alink_pos = m3_calloc(L, sizeof *s->alink_pos, err);
    s->nl = m3_calloc(L, sizeof *s->nl, err);
    s->rem = m3_calloc(L, sizeof *s->rem, err);
    s->flows_on = m3_calloc(L, sizeof *s->flows_on, err);
    s->load = m3_calloc(L, sizeof *s->load, err);
    s->ver = m3_calloc(L, sizeof *s->ver, err);
    s->work = m3_calloc(L, sizeof *s->work, err);
    s->lheap = m3_calloc(I + L + 1, sizeof *s->lheap, err);
    if (!s->heap_off || !s->cnt || !s->S0 || !s->t0 || !s->T || !s->rate || !s->old_rate ||
        !s->act || !s->act_pos || !s->frozen || !s->fheap || !s->inc_class || !s->link_inc_off ||
        !s->link_inc || !s->lac_len || !s->inc_pos || !s->alink || !s->alink_pos || !s->nl ||
        !s->rem || !s->flows_on || !s->load || !s->ver || !s->work || !s->lheap) {
        fs_free(s);
        return -1;
    }
    /* heap regions sized by each class's total flow count */
    for (size_t i = 0; i < nflows; i++)
        s->heap_off[p->flow_class[i] + 1]++;
    for (uint32_t k = 0; k < C; k++)
        s->heap_off[k + 1] += s->heap_off[k];
    for (uint32_t k = 0; k < C; k++)
        for (uint32_t i = p->class_link_off[k]; i < p->class_link_off[k + 1]; i++) {
            s->inc_class[i] = k;
            s->link_inc_off[p->class_links[i] + 1]++;
        }
    for (uint32_t l = 0; l < L; l++) {
        s->link_inc_off[l + 1] += s->link_inc_off[l];
        s->alink_pos[l] = NOT_LISTED;
    }
    return 0;
}

/* ---- the per-class heaps of finish tags ---- */

static void class_push(fs_state *s, uint32_t k, double tag, uint32_t flow)
{
    size_t len = s->cnt[k];
    m3_fs_heap_entry e = {tag, flow, 0};
    m3_fs_heap_push(s->fheap + s->heap_off[k], &len, e);
    s->cnt[k] = (uint32_t)len;
}

static void class_pop(fs_state *s, uint32_t k)
{
    size_t len = s->cnt[k];
    m3_fs_heap_pop(s->fheap + s->heap_off[k], &len);
    s->cnt[k] = (uint32_t)len;
}

/* ---- activation bookkeeping ---- */

static void activate(fs_state *s, uint32_t k, double t)
{
    const m3_fs_problem *p = s->p;
    s->S0[k] = 0;
    s->t0[k] = t;
    s->rate[k] = 0;
    s->act_pos[k] = s->nact;
    s->act[s->nact++] = k;
    for (uint32_t i = p->class_link_off[k]; i < p->class_link_off[k + 1]; i++) {
        uint32_t l = p->class_links[i];
        uint32_t pos = s->lac_len[l]++;
        s->link_inc[s->link_inc_off[l] + pos] = i;
        s->inc_pos[i] = pos;
        if (pos == 0) {
            s->alink_pos[l] = s->nalink;
            s->alink[s->nalink++] = l;
        }
    }
}

static void deactivate(fs_state *s, uint32_t k)
{
    const m3_fs_problem *p = s->p;
    uint32_t pos = s->act_pos[k], last = s->act[--s->nact];
    s->act[pos] = last;
    s->act_pos[last] = pos;
    s->S0[k] = 0; /* tags restart from zero: keeps magnitudes small */
    for (uint32_t i = p->class_link_off[k]; i < p->class_link_off[k + 1]; i++) {
        uint32_t l = p->class_links[i];
        uint32_t *list = s->link_inc + s->link_inc_off[l];
        uint32_t at = s->inc_pos[i], moved = list[--s->lac_len[l]];
        list[at] = moved;
        s->inc_pos[moved] = at;
        if (s->lac_len[l] == 0) {
            s->load[l] = 0;
            uint32_t ap = s->alink_pos[l], lastl = s->alink[--s->nalink];
            s->alink[ap] = lastl;
            s->alink_pos[lastl] = ap;
            s->alink_pos[l] = NOT_LISTED;
        }
    }
}

/* ---- water-filling ---- */

static void lm3_fs_heap_push(fs_state *s, double key, uint32_t l)
{
    m3_fs_heap_entry e = {key, l, s->ver[l]};
    m3_fs_heap_push(s->lheap, &s->lheap_len, e);
}

/* Freezes every unfrozen class crossing link l at `share`. */
static uint32_t freeze_link(fs_state *s, uint32_t l, double share, int use_heap)
{
    const m3_fs_problem *p = s->p;
    uint32_t frozen = 0;
    const uint32_t *list = s->link_inc + s->link_inc_off[l];
    for (uint32_t j = 0; j < s->lac_len[l]; j++) {
        uint32_t k = s->inc_class[list[j]];
        if (s->frozen[k])
            continue;
        s->frozen[k] = 1;
        s->rate[k] = share;
        frozen++;
        double c = s->cnt[k];
        for (uint32_t i = p->class_link_off[k]; i < p->class_link_off[k + 1]; i++) {
            uint32_t m = p->class_links[i];
            s->nl[m] -= c;
            s->rem[m] -= c * share;
            if (use_heap && m != l) {
                s->ver[m]++;
                if (s->nl[m] > 0.5)
                    lm3_fs_heap_push(s, s->rem[m] > 0 ? s->rem[m] / s->nl[m] : 0, m);
            }
        }
    }
    return frozen;
}

/* Max-min rates of the active classes by progressive filling: saturate the
 * link with the smallest fair share, freeze its classes, repeat; stop at
 * the per-flow cap. Small instances scan for the bottleneck, large ones use
 * a lazily updated heap of link shares. Afterwards every active link knows
 * its allocated load, which the event loop's shortcut for arrivals tests. */
static void allocate(fs_state *s, double t)
{
    const m3_fs_problem *p = s->p;
    uint32_t m = s->nalink;
    for (uint32_t a = 0; a < s->nact; a++) {
        uint32_t k = s->act[a];
        s->old_rate[k] = s->rate[k];
        s->frozen[k] = 0;
    }
    for (uint32_t j = 0; j < m; j++) {
        uint32_t l = s->alink[j];
        s->nl[l] = s->flows_on[l];
        s->rem[l] = p->cap[l];
        s->work[j] = l;
    }
    uint32_t unfrozen = s->nact;
    int use_heap = m > 16;
    if (use_heap) {
        s->lheap_len = 0;
        for (uint32_t j = 0; j < m; j++) {
            uint32_t l = s->work[j];
            s->ver[l]++;
            lm3_fs_heap_push(s, s->rem[l] / s->nl[l], l);
        }
    }
    while (unfrozen > 0) {
        uint32_t best = UINT32_MAX;
        double share = INFINITY;
        if (!use_heap) {
            for (uint32_t j = 0; j < m;) {
                uint32_t l = s->work[j];
                if (s->nl[l] < 0.5) { /* no unfrozen flows left on l */
                    s->work[j] = s->work[--m];
                    continue;
                }
                double sh = s->rem[l] > 0 ? s->rem[l] / s->nl[l] : 0;
                if (sh < share) {
                    share = sh;
                    best = l;
                }
                j++;
            }
        } else {
            while (s->lheap_len > 0) {
                m3_fs_heap_entry e = m3_fs_heap_pop(s->lheap, &s->lheap_len);
                if (e.ver == s->ver[e.id] && s->nl[e.id] > 0.5) {
                    best = e.id;
                    share = e.key;
                    break;
                }
            }
        }
        if (best == UINT32_MAX || share >= s->cap_flow) {
            for (uint32_t a = 0; a < s->nact && unfrozen; a++) {
                uint32_t k = s->act[a];
                if (s->frozen[k])
                    continue;
                s->rate[k] = s->cap_flow;
                unfrozen--;
                double c = s->cnt[k] * s->cap_flow;
                for (uint32_t i = p->class_link_off[k]; i < p->class_link_off[k + 1]; i++)
                    s->rem[p->class_links[i]] -= c;
            }
            break;
        }
        s->ver[best]++;
        unfrozen -= freeze_link(s, best, share, use_heap);
    }
    for (uint32_t j = 0; j < s->nalink; j++) {
        uint32_t l = s->alink[j];
        s->load[l] = p->cap[l] - s->rem[l];
    }
    /* bank service at the old rate and re-time only classes whose rate
     * changed; the others keep their S0, t0 and T */
    for (uint32_t a = 0; a < s->nact; a++) {
        uint32_t k = s->act[a];
        if (s->rate[k] == s->old_rate[k] && s->T[k] >= t)
            continue;
        s->S0[k] += s->old_rate[k] * (t - s->t0[k]);
        s->t0[k] = t;
        s->T[k] = t + (s->fheap[s->heap_off[k]].key - s->S0[k]) / s->rate[k];
    }
}

/* ---- shortcuts that avoid a reallocation ---- */

static void add_flows(fs_state *s, uint32_t k, double d)
{
    const m3_fs_problem *p = s->p;
    for (uint32_t i = p->class_link_off[k]; i < p->class_link_off[k + 1]; i++)
        s->flows_on[p->class_links[i]] += d;
}

static void add_load(fs_state *s, uint32_t k, double d)
{
    const m3_fs_problem *p = s->p;
    for (uint32_t i = p->class_link_off[k]; i < p->class_link_off[k + 1]; i++)
        s->load[p->class_links[i]] += d;
}

/* A new flow of class k can run at the cap without changing anyone else's
 * rate when k is uncongested (idle or at the cap) and every link of k has
 * room for one more flow at the cap. */
static int admits_at_cap(const fs_state *s, uint32_t k)
{
    const m3_fs_problem *p = s->p;
    if (!isfinite(s->cap_flow) || (s->cnt[k] && s->rate[k] < s->cap_flow))
        return 0;
    for (uint32_t i = p->class_link_off[k]; i < p->class_link_off[k + 1]; i++) {
        uint32_t l = p->class_links[i];
        if (p->cap[l] - s->load[l] < s->cap_flow + M3_FS_SLACK * p->cap[l])
            return 0;
    }
    return 1;
}

/* A flow at the cap never sits on anyone's bottleneck link: a class
 * bottlenecked on link l gets the largest rate on l, which is below the cap.
 * So a flow leaving from a class at the cap changes no other rate. */
static int releases_at_cap(const fs_state *s, uint32_t k)
{
    return isfinite(s->cap_flow) && s->rate[k] >= s->cap_flow;
}

/* ---- the event loop ---- */

int m3_flowsim_full_engine(const m3_fs_problem *p, const m3_flows *f, const m3_flowsim_opts *o,
                           double *fct, m3_error *err)
{
    size_t n = f->n;
    if (n > UINT32_MAX - 1)
        return m3_fail(err, "flowsim: too many flows (%zu)", n);
    if (o->mtu == 0)
        return m3_fail(err, "flowsim: mtu must be positive");
    fs_state s;
    if (fs_alloc(&s, p, n, err))
        return -1;
    s.cap_flow = o->rate_cap_bps > 0 ? o->rate_cap_bps / 1e9 : INFINITY;
    m3_fs_arrival *order = m3_realloc_array(NULL, n + 1, sizeof *order, err);
    double *bits = m3_realloc_array(NULL, n + 1, sizeof *bits, err);
    if (!order || !bits) {
        free(order);
        free(bits);
        fs_free(&s);
        return -1;
    }
    m3_fs_arrivals(f, o->mtu, o->header_bytes, order, bits);

    double t = 0;
    size_t next = 0;
    while (next < n || s.nact > 0) {
        double tc = INFINITY;
        uint32_t kc = UINT32_MAX;
        for (uint32_t a = 0; a < s.nact; a++) {
            uint32_t k = s.act[a];
            if (s.T[k] < tc) {
                tc = s.T[k];
                kc = k;
            }
        }
        double ta = next < n ? (double)order[next].start_ns : INFINITY;
        int full = 0;
        if (ta <= tc) {
            t = ta;
            /* every flow arriving at this instant, then at most one
             * reallocation */
            while (next < n && (double)order[next].start_ns == ta) {
                uint32_t i = order[next++].flow;
                uint32_t k = p->flow_class[i];
                int fast = !full && admits_at_cap(&s, k);
                if (s.cnt[k] == 0)
                    activate(&s, k, t);
                s.S0[k] += s.rate[k] * (t - s.t0[k]);
                s.t0[k] = t;
                class_push(&s, k, s.S0[k] + bits[i], i);
                add_flows(&s, k, 1.0);
                if (fast) {
                    s.rate[k] = s.cap_flow;
                    add_load(&s, k, s.cap_flow);
                    s.T[k] = t + (s.fheap[s.heap_off[k]].key - s.S0[k]) / s.rate[k];
                } else {
                    full = 1;
                    s.T[k] = -INFINITY; /* its first flow may have changed */
                }
            }
        } else {
            t = tc;
            uint32_t k = kc;
            uint32_t i = s.fheap[s.heap_off[k]].id;
            s.S0[k] = s.fheap[s.heap_off[k]].key;
            s.t0[k] = t;
            fct[i] = t - (double)f->v[i].start_ns;
            class_pop(&s, k);
            add_flows(&s, k, -1.0);
            /* a flow leaving from a class at the cap: only its load goes */
            full = !releases_at_cap(&s, k);
            if (!full)
                add_load(&s, k, -s.cap_flow);
            if (s.cnt[k] == 0)
                deactivate(&s, k);
            else if (!full)
                s.T[k] = t + (s.fheap[s.heap_off[k]].key - s.S0[k]) / s.rate[k];
            else
                s.T[k] = -INFINITY;
        }
        if (full && s.nact)
            allocate(&s, t);
    }
    free(order);
    free(bits);
    fs_free(&s);
    return 0;
}

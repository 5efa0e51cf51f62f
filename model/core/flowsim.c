/* SPDX-License-Identifier: GPL-2.0-only */
/* flowsim.c - max-min fair fluid simulation (m3-method.md section 3).
 *
 * Flows that cross exactly the same set of links form a class; max-min
 * fairness gives every flow of a class the same rate, so the engine works
 * on classes. Each class runs processor sharing: it keeps its cumulative
 * per-flow service S (bits), a flow finishes when S reaches its finish tag
 * (S at arrival + its bits), and the earliest tag sits on top of a per-class
 * heap. An event (arrival or completion) costs O(active classes x path
 * length) for the water-filling plus O(log n) for the heap, independent of
 * the number of active flows. Times are ns, capacities bits per ns (Gbps).
 * All memory is allocated before the event loop. */
#include "m3-internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void m3_flowsim_opts_default(m3_flowsim_opts *o)
{
    o->rate_cap_bps = 0;
    o->mtu = M3_MTU_DEFAULT;
    o->header_bytes = M3_HEADER_BYTES;
}

double m3_wire_bits(uint64_t size, uint32_t mtu, uint32_t header)
{
    uint64_t pkts = (size + mtu - 1) / mtu;
    return (double)(size + pkts * header) * 8.0;
}

/* The static problem: links, classes and which class each flow is in. */
typedef struct fs_problem {
    uint32_t num_links;
    const double *cap;              /* bits per ns, per link */
    uint32_t num_classes;
    const uint32_t *class_link_off; /* CSR class -> links */
    const uint32_t *class_links;
    const uint32_t *flow_class;     /* per flow */
} fs_problem;

typedef struct fs_heap_entry {
    double key;
    uint32_t id, ver;
} fs_heap_entry;

/* Everything the event loop touches, allocated once. */
typedef struct fs_state {
    const fs_problem *p;
    double cap_flow;                /* per-flow cap, bits per ns */
    /* classes */
    uint32_t *heap_off, *cnt;       /* per class: heap region and size */
    /* lazily advanced service: S(t) = S0 + rate (t - t0); T is the time the
     * class's first flow finishes at the current rate */
    double *S0, *t0, *T, *rate, *old_rate;
    uint32_t *act, *act_pos, nact;  /* active classes */
    uint8_t *frozen;
    /* flow heaps (finish tag, flow), partitioned by class */
    fs_heap_entry *fheap;
    /* links: CSR of incidences (class-link pairs) per link; only the active
     * classes' incidences are kept in the first lac_len[l] slots */
    uint32_t *inc_class;            /* incidence -> class */
    uint32_t *link_inc_off, *link_inc, *lac_len, *inc_pos;
    uint32_t *alink, *alink_pos, nalink; /* links with active classes */
    double *nl, *rem;
    double *flows_on;               /* active flows per link */
    double *load;                   /* allocated bits per ns per link */
    uint32_t *ver;
    uint32_t *work;                 /* scratch list of links */
    fs_heap_entry *lheap;           /* link shares, lazily invalidated */
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

static int fs_alloc(fs_state *s, const fs_problem *p, size_t nflows, m3_error *err)
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
    if (!s->heap_off || !s->cnt || !s->S0 || !s->t0 || !s->T || !s->rate || !s->old_rate || !s->act || !s->act_pos || !s->frozen ||
        !s->fheap || !s->inc_class || !s->link_inc_off || !s->link_inc ||
        !s->lac_len || !s->inc_pos || !s->alink || !s->alink_pos || !s->nl || !s->rem ||
        !s->flows_on || !s->load || !s->ver || !s->work || !s->lheap) {
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

/* ---- binary min-heaps of (key, id) entries: the per-class heaps of
 * finish tags and the heap of link shares ---- */

static void heap_push(fs_heap_entry *h, size_t *len, fs_heap_entry e)
{
    size_t i = (*len)++;
    while (i > 0) {
        size_t up = (i - 1) / 2;
        if (h[up].key <= e.key)
            break;
        h[i] = h[up];
        i = up;
    }
    h[i] = e;
}

static fs_heap_entry heap_pop(fs_heap_entry *h, size_t *len)
{
    fs_heap_entry top = h[0], last = h[--*len];
    size_t n = *len, i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && h[c + 1].key < h[c].key)
            c++;
        if (last.key <= h[c].key)
            break;
        h[i] = h[c];
        i = c;
    }
    if (n)
        h[i] = last;
    return top;
}

static void class_push(fs_state *s, uint32_t k, double tag, uint32_t flow)
{
    size_t len = s->cnt[k];
    fs_heap_entry e = {tag, flow, 0};
    heap_push(s->fheap + s->heap_off[k], &len, e);
    s->cnt[k] = (uint32_t)len;
}

static void class_pop(fs_state *s, uint32_t k)
{
    size_t len = s->cnt[k];
    heap_pop(s->fheap + s->heap_off[k], &len);
    s->cnt[k] = (uint32_t)len;
}

/* ---- activation bookkeeping ---- */

static void activate(fs_state *s, uint32_t k, double t)
{
    const fs_problem *p = s->p;
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
    const fs_problem *p = s->p;
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

static void lheap_push(fs_state *s, double key, uint32_t l)
{
    fs_heap_entry e = {key, l, s->ver[l]};
    heap_push(s->lheap, &s->lheap_len, e);
}

/* Freezes every unfrozen class crossing link l at `share`. */
static uint32_t freeze_link(fs_state *s, uint32_t l, double share, int use_heap)
{
    const fs_problem *p = s->p;
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
                    lheap_push(s, s->rem[m] > 0 ? s->rem[m] / s->nl[m] : 0, m);
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
    const fs_problem *p = s->p;
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
            lheap_push(s, s->rem[l] / s->nl[l], l);
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
                fs_heap_entry e = heap_pop(s->lheap, &s->lheap_len);
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
    const fs_problem *p = s->p;
    for (uint32_t i = p->class_link_off[k]; i < p->class_link_off[k + 1]; i++)
        s->flows_on[p->class_links[i]] += d;
}

static void add_load(fs_state *s, uint32_t k, double d)
{
    const fs_problem *p = s->p;
    for (uint32_t i = p->class_link_off[k]; i < p->class_link_off[k + 1]; i++)
        s->load[p->class_links[i]] += d;
}

/* Slack below which a link counts as saturated, relative to its capacity:
 * far above rounding error, far below any real share. */
#define FS_SLACK 1e-9

/* A new flow of class k can run at the cap without changing anyone else's
 * rate when k is uncongested (idle or at the cap) and every link of k has
 * room for one more flow at the cap. */
static int admits_at_cap(const fs_state *s, uint32_t k)
{
    const fs_problem *p = s->p;
    if (!isfinite(s->cap_flow) || (s->cnt[k] && s->rate[k] < s->cap_flow))
        return 0;
    for (uint32_t i = p->class_link_off[k]; i < p->class_link_off[k + 1]; i++) {
        uint32_t l = p->class_links[i];
        if (p->cap[l] - s->load[l] < s->cap_flow + FS_SLACK * p->cap[l])
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

typedef struct fs_arrival {
    uint64_t start_ns;
    uint32_t flow;
} fs_arrival;

static int cmp_arrival(const void *a, const void *b)
{
    const fs_arrival *x = a, *y = b;
    if (x->start_ns != y->start_ns)
        return x->start_ns < y->start_ns ? -1 : 1;
    return x->flow < y->flow ? -1 : (x->flow > y->flow);
}

static int fs_run(const fs_problem *p, const m3_flows *f, const m3_flowsim_opts *o, double *fct,
                  m3_error *err)
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
    fs_arrival *order = m3_calloc(n, sizeof *order, err);
    double *bits = m3_calloc(n, sizeof *bits, err);
    if (!order || !bits) {
        free(order);
        free(bits);
        fs_free(&s);
        return -1;
    }
    int sorted = 1;
    for (size_t i = 0; i < n; i++) {
        order[i].start_ns = f->v[i].start_ns;
        order[i].flow = (uint32_t)i;
        bits[i] = m3_wire_bits(f->v[i].size, o->mtu, o->header_bytes);
        if (i && f->v[i].start_ns < f->v[i - 1].start_ns)
            sorted = 0;
    }
    if (!sorted)
        qsort(order, n, sizeof *order, cmp_arrival);

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

/* ---- front ends: a line of n positions, and any routed topology ---- */

int m3_flowsim_run_line(const m3_line *line, const m3_flows *f, uint32_t mtu, uint32_t header,
                        double *fct_ns, m3_error *err)
{
    if (m3_line_check(line, err) || m3_flowsim_check_input(f, 0, mtu, err))
        return -1;
    uint32_t n = line->n;
    if (n <= M3_LINE_ENGINE_MAX_NODES)
        return m3_flowsim_line_engine(line, f, mtu, header, fct_ns, err);
    uint32_t L = 2 * (n - 1), C = n * n;
    double *cap = m3_calloc(L, sizeof *cap, err);
    uint32_t *off = m3_calloc((size_t)C + 1, sizeof *off, err);
    uint32_t *links = m3_calloc((size_t)C * (n - 1), sizeof *links, err);
    uint32_t *fc = m3_calloc(f->n, sizeof *fc, err);
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
    fs_problem p = {L, cap, C, off, links, fc};
    m3_flowsim_opts o = {line->cap_bps, mtu, header};
    rc = fs_run(&p, f, &o, fct_ns, err);
out:
    free(cap);
    free(off);
    free(links);
    free(fc);
    return rc;
}

int m3_flowsim_check_input(const m3_flows *f, double cap_bps, uint32_t mtu, m3_error *err)
{
    if (!(cap_bps == 0 || (cap_bps >= M3_RATE_MIN_BPS && cap_bps <= M3_RATE_MAX_BPS)))
        return m3_fail(err, "flowsim: rate cap %g bps (need 0 = none, or 1 Mbps..1 Pbps)",
                       cap_bps);
    if (mtu == 0)
        return m3_fail(err, "flowsim: mtu must be positive");
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

int m3_flowsim_run(const m3_topology *t, const m3_routing *r, const m3_flows *f,
                   const m3_flowsim_opts *o, double *fct_ns, m3_error *err)
{
    if (m3_flowsim_check_input(f, o->rate_cap_bps, o->mtu, err))
        return -1;
    m3_route_index *x = m3_route_index_new(r, f, err);
    if (!x)
        return -1;
    uint32_t L = 2 * m3_topology_num_links(t), C = m3_route_index_num_paths(x);
    double *cap = m3_calloc(L, sizeof *cap, err);
    uint32_t *off = m3_calloc((size_t)C + 1, sizeof *off, err);
    uint32_t *fc = m3_calloc(f->n, sizeof *fc, err);
    int rc = -1;
    if (!cap || !off || !fc)
        goto out;
    for (uint32_t l = 0; l < L; l++)
        cap[l] = m3_topology_link(t, l / 2)->rate_bps / 1e9;
    uint32_t total = 0;
    for (uint32_t c = 0; c < C; c++) {
        uint32_t len;
        m3_route_index_path_links(x, c, &len);
        total += len;
        off[c + 1] = total;
    }
    for (size_t q = 0; q < f->n; q++)
        fc[q] = m3_route_index_flow_path(x, q);
    /* When every host link has the same rate R, no flow can exceed R: using
     * R as the cap leaves the max-min allocation unchanged and lets the
     * event loop skip reallocations for flows that run at R. */
    m3_flowsim_opts eff = *o;
    double host_rate = -1;
    for (uint32_t l = 0; l < m3_topology_num_links(t) && host_rate != 0; l++) {
        const m3_link *ln = m3_topology_link(t, l);
        if (m3_topology_is_switch(t, ln->a) && m3_topology_is_switch(t, ln->b))
            continue;
        host_rate = host_rate < 0 || host_rate == ln->rate_bps ? ln->rate_bps : 0;
    }
    if (host_rate > 0 && (eff.rate_cap_bps <= 0 || eff.rate_cap_bps > host_rate))
        eff.rate_cap_bps = host_rate;
    /* the index stores path links contiguously in path order */
    uint32_t len0;
    const uint32_t *links = C ? m3_route_index_path_links(x, 0, &len0) : NULL;
    fs_problem p = {L, cap, C, off, links, fc};
    rc = fs_run(&p, f, &eff, fct_ns, err);
out:
    free(cap);
    free(off);
    free(fc);
    m3_route_index_free(x);
    return rc;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* flowsim-incr.c - max-min fair fluid simulation on any routed topology
 * with an incremental allocation: an event re-solves only the rates it can
 * change, so its cost does not grow with the number of active flows.
 *
 * Classes. Flows on the same path form a class and get one rate (max-min
 * gives equal flows equal rates). A class runs processor sharing: its
 * cumulative per-flow service S (bits) is banked whenever its rate changes,
 * a flow finishes when S reaches its finish tag (S at arrival + its bits),
 * and a per-class heap holds the tags. A heap of the active classes by the
 * time their earliest flow finishes gives the next completion.
 *
 * The allocation and its certificate. Between events the engine keeps the
 * max-min rates together with why they are max-min: each active class is
 * at the per-flow cap, or has a bottleneck link, saturated, on which no
 * class runs faster (the link's "members" are the classes it bottlenecks;
 * they share its level). A feasible allocation with such a certificate is
 * the max-min allocation, which is unique. Per link the engine keeps the
 * load (sum of flows x rate), its members and level, its active classes,
 * and an upper bound on the fastest rate among them.
 *
 * An event (the arrivals at one instant, or one completion) changes the
 * flow counts of a few classes. The re-solve:
 *   1. lifts a set S of classes, first those whose count changed, out of
 *      the link loads (every other class keeps its rate and its load);
 *   2. water-fills S alone on the capacity the others leave;
 *   3. checks the certificate where S meets the rest, on every link that an
 *      S class crosses or a departed class crossed ("touched" links): the
 *      members outside S keep their level only if the link is still
 *      saturated, no S class there runs faster, and none bottlenecked
 *      there runs slower; an S class bottlenecked on a link without members
 *      outside S must run at least as fast as every class crossing it. A
 *      failed check adds the classes concerned to S and the fill runs
 *      again. S only grows, so this ends; once S holds half the active
 *      classes, or the rounds have cost four full fills, it becomes all of
 *      them: the full water-filling, which needs no check;
 *   4. commits: service banked at the old rates, new rates, bottlenecks
 *      and loads, finish times re-timed.
 * If the checks pass, every class meets the max-min condition: S classes
 * by the fill and the checks, the others because nothing they depend on
 * changed or the checks kept it. Arrivals that run at the cap on links
 * with room for them, and completions of flows at the cap, change no other
 * rate and skip the re-solve.
 *
 * Tolerance: a link counts as saturated within M3_FS_SLACK of its
 * capacity, and rates compare within the same relative slack (rounding
 * makes equal levels differ in the last bits); an allocation accepted this
 * way is the max-min one to about that relative error.
 *
 * Cost per event: O(log) heap work, plus, when rates change, O(|S| x path
 * length) for the fill and the checks (S: the classes whose rate the event
 * changes and their neighbours in the bottleneck structure), plus a scan of
 * a link's active classes where a check needs the fastest one and the
 * stored bound does not settle it. It does not depend on the number of
 * active flows elsewhere; one bottleneck shared by every class (incast)
 * makes S every class, as it must (all their rates change), and the bound
 * on the rounds keeps an event within a few full water-fillings. Memory,
 * allocated before the event loop: O(flows + classes x path length +
 * links). Times are ns, capacities bits per ns. */
#include "m3-internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define IC_NONE UINT32_MAX      /* no position / no bottleneck yet */
#define IC_CAP (UINT32_MAX - 1) /* bottleneck: the per-flow cap */

/* A class: what an event reads and writes of it, in one cache line. */
typedef struct ic_class {
    double S0, t0;     /* service S0 (bits per flow) banked at t0 */
    double rate;       /* per flow, bits per ns */
    double T;          /* when its earliest flow finishes */
    double nr;         /* the re-solve's new rate */
    uint32_t cnt;      /* active flows */
    uint32_t heap_off; /* its region of fheap */
    uint32_t bn;       /* bottleneck link, IC_CAP or IC_NONE */
    uint32_t nb;       /* the re-solve's: IC_NONE until frozen */
    uint32_t hpos;     /* place in the heap of classes, or IC_NONE */
    uint32_t in_s;     /* == epoch: in S */
} ic_class;

typedef struct ic_state {
    const m3_fs_problem *p;
    uint32_t C, L;
    double cap_flow;         /* per-flow cap, bits per ns (inf: none) */
    ic_class *cl;            /* C + 1 (heap_off's prefix sums) */
    m3_fs_heap_entry *fheap; /* finish tags, per class */
    uint32_t *mem_pos;       /* its place in its bottleneck's member list */
    uint32_t nact;
    size_t inc_act;      /* links of the active classes, summed */
    uint32_t *ch, chlen; /* the classes by T (indexed binary heap) */
    /* links: active classes (incidences) and members, both in the link's
     * region of the incidence arrays; load, level, fastest-rate bound */
    const uint32_t *inc_off; /* link -> its region */
    uint32_t *inc_class;     /* incidence (class-link pair) -> class */
    uint32_t *link_inc, *lac_len, *inc_pos;
    uint32_t *mem, *nmem;
    double *load, *lam, *maxr;
    /* the re-solve's scratch: S, touched links, the fill */
    uint32_t epoch;
    uint32_t *sl, ns;                        /* S */
    size_t s_inc;                            /* links of S's classes, summed */
    uint32_t *lmark, *tl, nt;                /* touched links: marks (epoch) and list */
    uint32_t *scls, *mem_in;                 /* per touched link: S classes, S members */
    double *sfl;                             /* per touched link: S flows */
    double *nl, *rem, *smax, *sminbn, *sadd; /* the fill's and the check's */
    uint32_t *lbeg, *lfill, *lcls;           /* S classes per touched link (CSR) */
    uint32_t *work;                          /* links a small fill scans */
    uint32_t *ver;
    m3_fs_heap_entry *lheap;
    size_t lheap_len;
} ic_state;

/* Fills over at most this many touched links scan them for the smallest
 * share; larger ones use the heap. */
#define IC_SCAN_LINKS 16

static void ic_free(ic_state *s)
{
    void *v[] = {s->cl,        s->fheap,    s->mem_pos, s->ch,      (void *)s->inc_off,
                 s->inc_class, s->link_inc, s->lac_len, s->inc_pos, s->mem,
                 s->nmem,      s->load,     s->lam,     s->maxr,    s->sl,
                 s->lmark,     s->tl,       s->scls,    s->mem_in,  s->sfl,
                 s->nl,        s->rem,      s->smax,    s->sminbn,  s->sadd,
                 s->lbeg,      s->lfill,    s->lcls,    s->work,    s->ver,
                 s->lheap};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        free(v[i]);
}

static int ic_alloc(ic_state *s, const m3_fs_problem *p, size_t N, m3_error *err)
{
    memset(s, 0, sizeof *s);
    s->p = p;
    uint32_t C = s->C = p->num_classes, L = s->L = p->num_links;
    size_t I = p->class_link_off[C], c1 = (size_t)C + 1, l1 = (size_t)L + 1;
    s->cl = m3_calloc(c1, sizeof *s->cl, err);
    s->fheap = m3_calloc(N + 1, sizeof *s->fheap, err);
    s->mem_pos = m3_calloc(c1, sizeof *s->mem_pos, err);
    s->ch = m3_calloc(c1, sizeof *s->ch, err);
    uint32_t *inc_off = m3_calloc(l1, sizeof *inc_off, err);
    s->inc_off = inc_off;
    s->inc_class = m3_calloc(I + 1, sizeof *s->inc_class, err);
    s->link_inc = m3_calloc(I + 1, sizeof *s->link_inc, err);
    s->lac_len = m3_calloc(l1, sizeof *s->lac_len, err);
    s->inc_pos = m3_calloc(I + 1, sizeof *s->inc_pos, err);
    s->mem = m3_calloc(I + 1, sizeof *s->mem, err);
    s->nmem = m3_calloc(l1, sizeof *s->nmem, err);
    s->load = m3_calloc(l1, sizeof *s->load, err);
    s->lam = m3_calloc(l1, sizeof *s->lam, err);
    s->maxr = m3_calloc(l1, sizeof *s->maxr, err);
    s->sl = m3_calloc(c1, sizeof *s->sl, err);
    s->lmark = m3_calloc(l1, sizeof *s->lmark, err);
    s->tl = m3_calloc(l1, sizeof *s->tl, err);
    s->scls = m3_calloc(l1, sizeof *s->scls, err);
    s->mem_in = m3_calloc(l1, sizeof *s->mem_in, err);
    s->sfl = m3_calloc(l1, sizeof *s->sfl, err);
    s->nl = m3_calloc(l1, sizeof *s->nl, err);
    s->rem = m3_calloc(l1, sizeof *s->rem, err);
    s->smax = m3_calloc(l1, sizeof *s->smax, err);
    s->sminbn = m3_calloc(l1, sizeof *s->sminbn, err);
    s->sadd = m3_calloc(l1, sizeof *s->sadd, err);
    s->lbeg = m3_calloc(l1, sizeof *s->lbeg, err);
    s->lfill = m3_calloc(l1, sizeof *s->lfill, err);
    s->lcls = m3_calloc(I + 1, sizeof *s->lcls, err);
    s->work = m3_calloc(l1, sizeof *s->work, err);
    s->ver = m3_calloc(l1, sizeof *s->ver, err);
    s->lheap = m3_calloc(I + l1, sizeof *s->lheap, err);
    if (!s->cl || !s->fheap || !s->mem_pos || !s->ch || !inc_off || !s->inc_class || !s->link_inc ||
        !s->lac_len || !s->inc_pos || !s->mem || !s->nmem || !s->load || !s->lam || !s->maxr ||
        !s->sl || !s->lmark || !s->tl || !s->scls || !s->mem_in || !s->sfl || !s->nl || !s->rem ||
        !s->smax || !s->sminbn || !s->sadd || !s->lbeg || !s->lfill || !s->lcls || !s->work ||
        !s->ver || !s->lheap) {
        ic_free(s);
        return -1;
    }
    /* heap regions sized by each class's flow count */
    for (size_t i = 0; i < N; i++)
        s->cl[p->flow_class[i] + 1].heap_off++;
    for (uint32_t k = 0; k < C; k++)
        s->cl[k + 1].heap_off += s->cl[k].heap_off;
    for (uint32_t k = 0; k < C; k++) {
        s->cl[k].bn = IC_NONE;
        s->cl[k].hpos = IC_NONE;
        for (uint32_t i = p->class_link_off[k]; i < p->class_link_off[k + 1]; i++) {
            s->inc_class[i] = k;
            inc_off[p->class_links[i] + 1]++;
        }
    }
    for (uint32_t l = 0; l < L; l++)
        inc_off[l + 1] += inc_off[l];
    return 0;
}

/* ---- the classes by earliest finish: an indexed binary min-heap ---- */

static void ch_place(ic_state *s, uint32_t i, uint32_t k)
{
    s->ch[i] = k;
    s->cl[k].hpos = i;
}

static void ch_up(ic_state *s, uint32_t i)
{
    uint32_t k = s->ch[i];
    double key = s->cl[k].T;
    while (i > 0) {
        uint32_t up = (i - 1) / 2;
        if (s->cl[s->ch[up]].T <= key)
            break;
        ch_place(s, i, s->ch[up]);
        i = up;
    }
    ch_place(s, i, k);
}

static void ch_down(ic_state *s, uint32_t i)
{
    uint32_t k = s->ch[i], n = s->chlen;
    double key = s->cl[k].T;
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && s->cl[s->ch[c + 1]].T < s->cl[s->ch[c]].T)
            c++;
        if (key <= s->cl[s->ch[c]].T)
            break;
        ch_place(s, i, s->ch[c]);
        i = c;
    }
    ch_place(s, i, k);
}

/* Sets class k's finish time (inserting it when absent). */
static void ch_set(ic_state *s, uint32_t k, double T)
{
    if (s->cl[k].hpos == IC_NONE) {
        s->cl[k].T = T;
        ch_place(s, s->chlen++, k);
        ch_up(s, s->cl[k].hpos);
        return;
    }
    double old = s->cl[k].T;
    s->cl[k].T = T;
    if (T < old)
        ch_up(s, s->cl[k].hpos);
    else if (T > old)
        ch_down(s, s->cl[k].hpos);
}

static void ch_remove(ic_state *s, uint32_t k)
{
    uint32_t i = s->cl[k].hpos, last = s->ch[--s->chlen];
    s->cl[k].hpos = IC_NONE;
    if (last == k)
        return;
    ch_place(s, i, last);
    ch_up(s, i);
    ch_down(s, s->cl[last].hpos);
}

/* The time class k's earliest flow finishes at its current rate. */
static void ic_retime(ic_state *s, uint32_t k)
{
    double left = s->fheap[s->cl[k].heap_off].key - s->cl[k].S0;
    ch_set(s, k, s->cl[k].rate > 0 ? s->cl[k].t0 + left / s->cl[k].rate : INFINITY);
}

/* Banks class k's service up to t at its current rate. */
static inline void ic_bank(ic_state *s, uint32_t k, double t)
{
    s->cl[k].S0 += s->cl[k].rate * (t - s->cl[k].t0);
    s->cl[k].t0 = t;
}

/* ---- membership: active classes and bottleneck members per link ---- */

static void ic_activate(ic_state *s, uint32_t k, double t)
{
    const m3_fs_problem *p = s->p;
    s->cl[k].S0 = 0;
    s->cl[k].t0 = t;
    s->cl[k].rate = 0;
    s->cl[k].bn = IC_NONE;
    s->nact++;
    s->inc_act += p->class_link_off[k + 1] - p->class_link_off[k];
    for (uint32_t i = p->class_link_off[k]; i < p->class_link_off[k + 1]; i++) {
        uint32_t l = p->class_links[i];
        uint32_t pos = s->lac_len[l]++;
        s->link_inc[s->inc_off[l] + pos] = i;
        s->inc_pos[i] = pos;
    }
}

static void mem_add(ic_state *s, uint32_t k, uint32_t l)
{
    uint32_t pos = s->nmem[l]++;
    s->mem[s->inc_off[l] + pos] = k;
    s->mem_pos[k] = pos;
}

static void mem_del(ic_state *s, uint32_t k, uint32_t l)
{
    uint32_t *list = s->mem + s->inc_off[l];
    uint32_t pos = s->mem_pos[k], last = list[--s->nmem[l]];
    list[pos] = last;
    s->mem_pos[last] = pos;
}

/* Sets class k's bottleneck (members lists follow). */
static void ic_set_bn(ic_state *s, uint32_t k, uint32_t b)
{
    if (s->cl[k].bn == b)
        return;
    if (s->cl[k].bn < IC_CAP)
        mem_del(s, k, s->cl[k].bn);
    if (b < IC_CAP)
        mem_add(s, k, b);
    s->cl[k].bn = b;
}

static void ic_deactivate(ic_state *s, uint32_t k)
{
    const m3_fs_problem *p = s->p;
    ic_set_bn(s, k, IC_NONE);
    if (s->cl[k].hpos != IC_NONE)
        ch_remove(s, k);
    s->nact--;
    s->inc_act -= p->class_link_off[k + 1] - p->class_link_off[k];
    s->cl[k].rate = 0;
    for (uint32_t i = p->class_link_off[k]; i < p->class_link_off[k + 1]; i++) {
        uint32_t l = p->class_links[i];
        uint32_t *list = s->link_inc + s->inc_off[l];
        uint32_t at = s->inc_pos[i], moved = list[--s->lac_len[l]];
        list[at] = moved;
        s->inc_pos[moved] = at;
        if (s->lac_len[l] == 0) { /* exact zeros: no rounding carried on */
            s->load[l] = 0;
            s->maxr[l] = 0;
        }
    }
}

/* ---- the re-solve ---- */

static void ic_touch(ic_state *s, uint32_t l)
{
    if (s->lmark[l] == s->epoch)
        return;
    s->lmark[l] = s->epoch;
    s->tl[s->nt++] = l;
    s->scls[l] = 0;
    s->mem_in[l] = 0;
    s->sfl[l] = 0;
}

/* Adds class k to S: its load leaves its links, which become touched. */
static void ic_lift(ic_state *s, uint32_t k)
{
    const m3_fs_problem *p = s->p;
    if (s->cl[k].in_s == s->epoch)
        return;
    s->cl[k].in_s = s->epoch;
    s->sl[s->ns++] = k;
    s->s_inc += p->class_link_off[k + 1] - p->class_link_off[k];
    double c = s->cl[k].cnt, x = c * s->cl[k].rate;
    for (uint32_t i = p->class_link_off[k]; i < p->class_link_off[k + 1]; i++) {
        uint32_t l = p->class_links[i];
        ic_touch(s, l);
        s->scls[l]++;
        s->sfl[l] += c;
        s->mem_in[l] += s->cl[k].bn == l;
        /* the last active class leaving a link leaves it exactly empty */
        s->load[l] = s->scls[l] == s->lac_len[l] ? 0 : s->load[l] - x;
    }
}

static void lheap_push(ic_state *s, uint32_t l)
{
    double share = s->rem[l] > 0 ? s->rem[l] / s->nl[l] : 0;
    m3_fs_heap_entry e = {share, l, ++s->ver[l]};
    m3_fs_heap_push(s->lheap, &s->lheap_len, e);
}

/* Water-fills S on what the other classes leave: saturate the touched link
 * with the smallest fair share, freeze its S classes at that share, repeat;
 * classes whose share reaches the cap run at the cap. Writes nr and nb. */
static void ic_fill(ic_state *s)
{
    const m3_fs_problem *p = s->p;
    /* S classes per touched link, CSR */
    uint32_t used = 0;
    for (uint32_t j = 0; j < s->nt; j++) {
        uint32_t l = s->tl[j];
        s->lbeg[l] = s->lfill[l] = used;
        used += s->scls[l];
        s->rem[l] = p->cap[l] - s->load[l];
        s->nl[l] = s->sfl[l];
    }
    for (uint32_t a = 0; a < s->ns; a++) {
        uint32_t k = s->sl[a];
        s->cl[k].nb = IC_NONE; /* not frozen */
        for (uint32_t i = p->class_link_off[k]; i < p->class_link_off[k + 1]; i++)
            s->lcls[s->lfill[p->class_links[i]]++] = k;
    }
    /* links that hold unfrozen S flows: few are scanned for the smallest
     * share, many go through a heap of shares (lazily invalidated) */
    uint32_t m = 0;
    int use_heap = s->nt > IC_SCAN_LINKS;
    s->lheap_len = 0;
    for (uint32_t j = 0; j < s->nt; j++)
        if (s->nl[s->tl[j]] > 0.5) {
            if (use_heap)
                lheap_push(s, s->tl[j]);
            else
                s->work[m++] = s->tl[j];
        }
    uint32_t left = s->ns;
    while (left > 0) {
        uint32_t best = IC_NONE;
        double share = INFINITY;
        if (!use_heap) {
            for (uint32_t j = 0; j < m;) {
                uint32_t l = s->work[j];
                if (s->nl[l] < 0.5) { /* no unfrozen S flows left on l */
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
        }
        while (use_heap && s->lheap_len > 0) {
            m3_fs_heap_entry e = m3_fs_heap_pop(s->lheap, &s->lheap_len);
            if (e.ver == s->ver[e.id] && s->nl[e.id] > 0.5) {
                best = e.id;
                share = e.key;
                break;
            }
        }
        if (best == IC_NONE || !(share < s->cap_flow)) {
            /* every class left runs at the cap (or, with no cap and no
             * link, a class without links: none exist) */
            for (uint32_t a = 0; a < s->ns && left; a++) {
                uint32_t k = s->sl[a];
                if (s->cl[k].nb != IC_NONE)
                    continue;
                s->cl[k].nr = s->cap_flow;
                s->cl[k].nb = IC_CAP;
                left--;
            }
            break;
        }
        s->ver[best]++; /* drop its stale entries */
        for (uint32_t j = s->lbeg[best]; j < s->lfill[best]; j++) {
            uint32_t k = s->lcls[j];
            if (s->cl[k].nb != IC_NONE)
                continue;
            s->cl[k].nr = share;
            s->cl[k].nb = best;
            left--;
            double c = s->cl[k].cnt;
            for (uint32_t i = p->class_link_off[k]; i < p->class_link_off[k + 1]; i++) {
                uint32_t l = p->class_links[i];
                s->nl[l] -= c;
                s->rem[l] -= c * share;
                if (use_heap && l != best && s->nl[l] > 0.5)
                    lheap_push(s, l);
            }
        }
    }
}

/* Adds the members of link l outside S to S. */
static void ic_lift_members(ic_state *s, uint32_t l)
{
    const uint32_t *list = s->mem + s->inc_off[l];
    for (uint32_t j = 0; j < s->nmem[l]; j++)
        ic_lift(s, list[j]);
}

/* The certificate where S meets the rest (header, step 3). Returns 1 when
 * it holds, 0 when it added classes to S. */
static int ic_check(ic_state *s)
{
    const m3_fs_problem *p = s->p;
    const double eps = M3_FS_SLACK;
    uint32_t nt = s->nt; /* links touched by lifts below are checked next round */
    for (uint32_t j = 0; j < nt; j++) {
        uint32_t l = s->tl[j];
        s->smax[l] = 0;
        s->sminbn[l] = INFINITY;
        s->sadd[l] = 0;
    }
    for (uint32_t a = 0; a < s->ns; a++) {
        uint32_t k = s->sl[a];
        double r = s->cl[k].nr, x = s->cl[k].cnt * r;
        for (uint32_t i = p->class_link_off[k]; i < p->class_link_off[k + 1]; i++) {
            uint32_t l = p->class_links[i];
            s->sadd[l] += x;
            s->smax[l] = r > s->smax[l] ? r : s->smax[l];
        }
        if (s->cl[k].nb < IC_CAP && r < s->sminbn[s->cl[k].nb])
            s->sminbn[s->cl[k].nb] = r;
    }
    int ok = 1;
    for (uint32_t j = 0; j < nt; j++) {
        uint32_t l = s->tl[j];
        if (s->nmem[l] > s->mem_in[l]) {
            /* members outside S keep level lam only on a saturated link
             * where no S class runs faster and none bottlenecked here
             * slower */
            double lam = s->lam[l];
            if (!(s->load[l] + s->sadd[l] >= p->cap[l] * (1 - eps)) ||
                s->smax[l] > lam * (1 + eps) || s->sminbn[l] < lam * (1 - eps)) {
                ic_lift_members(s, l);
                ok = 0;
            }
        } else if (s->sminbn[l] < INFINITY && s->maxr[l] > s->sminbn[l] * (1 + eps)) {
            /* an S class is bottlenecked here: nobody outside S may run
             * faster; the bound did not settle it, so look (and tighten
             * the bound to the classes outside S: the commit adds S's) */
            double lim = s->sminbn[l] * (1 + eps), mx = 0;
            const uint32_t *list = s->link_inc + s->inc_off[l];
            for (uint32_t q = 0; q < s->lac_len[l]; q++) {
                uint32_t k = s->inc_class[list[q]];
                if (s->cl[k].in_s == s->epoch)
                    continue;
                if (s->cl[k].rate > lim) {
                    ic_lift(s, k);
                    ok = 0;
                } else if (s->cl[k].rate > mx) {
                    mx = s->cl[k].rate;
                }
            }
            s->maxr[l] = mx; /* those lifted are S's now */
        }
    }
    return ok;
}

/* Step 4: the new rates of S at time t. */
static void ic_commit(ic_state *s, double t)
{
    const m3_fs_problem *p = s->p;
    for (uint32_t a = 0; a < s->ns; a++) {
        uint32_t k = s->sl[a];
        double r = s->cl[k].nr, x = s->cl[k].cnt * r;
        for (uint32_t i = p->class_link_off[k]; i < p->class_link_off[k + 1]; i++) {
            uint32_t l = p->class_links[i];
            s->load[l] += x;
            s->maxr[l] = r > s->maxr[l] ? r : s->maxr[l];
        }
        ic_set_bn(s, k, s->cl[k].nb);
        if (s->cl[k].nb < IC_CAP)
            s->lam[s->cl[k].nb] = r;
        /* a new flow may have a new earliest tag: always re-timed */
        if (r != s->cl[k].rate) {
            ic_bank(s, k, t);
            s->cl[k].rate = r;
        }
        ic_retime(s, k);
    }
}

/* Re-solves after the seeds in S were lifted and the links of departed
 * classes touched. */
static void ic_resolve(ic_state *s, double t)
{
    /* the work of the rounds so far, against that of a full
     * water-filling: when the bottleneck structure moves nearly
     * everywhere, widening S round by round must not cost much more than
     * solving everything (a bound of 4 full fills keeps the rounds that
     * end sooner: measured, 1 cost 45% more per event with 1,000 long
     * flows on the 256-host fat-tree, 4 and 16 the same as no bound) */
    size_t spent = 0;
    for (;;) {
        ic_fill(s);
        if (s->ns == s->nact || ic_check(s))
            break;
        spent += s->s_inc + s->nt;
        if (2 * s->ns >= s->nact || spent >= 4 * s->inc_act) /* the full water-filling */
            for (uint32_t a = 0; a < s->chlen; a++)
                ic_lift(s, s->ch[a]);
    }
    ic_commit(s, t);
}

/* The per-flow cap fits `extra` more bits per ns on every link of k
 * (within the slack), so k's new flows run at the cap without changing
 * anyone: a link with room is nobody's bottleneck. */
static int ic_room(const ic_state *s, uint32_t k, double extra)
{
    const m3_fs_problem *p = s->p;
    for (uint32_t i = p->class_link_off[k]; i < p->class_link_off[k + 1]; i++) {
        uint32_t l = p->class_links[i];
        if (!(s->load[l] + extra <= p->cap[l] * (1 - M3_FS_SLACK)))
            return 0;
    }
    return 1;
}

/* ---- the event loop ---- */

int m3_flowsim_incr_engine(const m3_fs_problem *p, const m3_flows *f, const m3_flowsim_opts *o,
                           double *fct, m3_error *err)
{
    size_t n = f->n;
    if (n > UINT32_MAX - 1)
        return m3_fail(err, "flowsim: too many flows (%zu)", n);
    if (o->mtu == 0)
        return m3_fail(err, "flowsim: mtu must be positive");
    ic_state s;
    if (ic_alloc(&s, p, n, err))
        return -1;
    s.cap_flow = o->rate_cap_bps > 0 ? o->rate_cap_bps / 1e9 : INFINITY;
    m3_fs_arrival *order = m3_realloc_array(NULL, n + 1, sizeof *order, err);
    double *bits = m3_realloc_array(NULL, n + 1, sizeof *bits, err);
    /* classes whose count changed at this instant */
    uint32_t *changed = m3_realloc_array(NULL, (size_t)s.C + 1, sizeof *changed, err);
    uint32_t *chg_mark = m3_calloc((size_t)s.C + 1, sizeof *chg_mark, err);
    int rc = -1;
    if (!order || !bits || !changed || !chg_mark)
        goto out;
    m3_fs_arrivals(f, o->mtu, o->header_bytes, order, bits);

    size_t next = 0, events = 0, max_events = 2 * n + 16;
    while (next < n || s.chlen > 0) {
        /* each flow makes one arrival and one completion: a loop that stops
         * making progress fails here instead of hanging */
        if (++events > max_events)
            goto stuck;
        double tc = s.chlen ? s.cl[s.ch[0]].T : INFINITY;
        double ta = next < n ? (double)order[next].start_ns : INFINITY;
        if (ta == INFINITY && tc == INFINITY)
            goto stuck;
        s.epoch++;
        s.ns = s.nt = 0;
        s.s_inc = 0;
        if (ta <= tc) {
            double t = ta;
            uint32_t nch = 0;
            /* every flow arriving at this instant, then one re-solve */
            while (next < n && (double)order[next].start_ns == ta) {
                uint32_t i = order[next++].flow;
                uint32_t k = p->flow_class[i];
                if (s.cl[k].cnt == 0)
                    ic_activate(&s, k, t);
                ic_bank(&s, k, t);
                m3_fs_heap_entry e = {s.cl[k].S0 + bits[i], i, 0};
                size_t len = s.cl[k].cnt++;
                m3_fs_heap_push(s.fheap + s.cl[k].heap_off, &len, e);
                for (uint32_t j = p->class_link_off[k]; j < p->class_link_off[k + 1]; j++)
                    s.load[p->class_links[j]] += s.cl[k].rate;
                if (chg_mark[k] != s.epoch) {
                    chg_mark[k] = s.epoch;
                    changed[nch++] = k;
                }
            }
            for (uint32_t a = 0; a < nch; a++) {
                uint32_t k = changed[a];
                int fresh = s.cl[k].bn == IC_NONE;
                if (isfinite(s.cap_flow) && (fresh || s.cl[k].bn == IC_CAP) &&
                    ic_room(&s, k, fresh ? s.cl[k].cnt * s.cap_flow : 0)) {
                    /* at the cap, on links with room: nobody else changes */
                    for (uint32_t j = p->class_link_off[k]; j < p->class_link_off[k + 1]; j++) {
                        uint32_t l = p->class_links[j];
                        if (fresh)
                            s.load[l] += s.cl[k].cnt * s.cap_flow;
                        s.maxr[l] = s.cap_flow > s.maxr[l] ? s.cap_flow : s.maxr[l];
                    }
                    s.cl[k].rate = s.cap_flow;
                    ic_set_bn(&s, k, IC_CAP);
                    ic_retime(&s, k);
                } else {
                    ic_lift(&s, k);
                }
            }
            if (s.ns)
                ic_resolve(&s, t);
        } else {
            double t = tc;
            uint32_t k = s.ch[0];
            m3_fs_heap_entry top = s.fheap[s.cl[k].heap_off];
            s.cl[k].S0 = top.key; /* exactly the service of this completion */
            s.cl[k].t0 = t;
            fct[top.id] = t - (double)f->v[top.id].start_ns;
            size_t len = s.cl[k].cnt--;
            m3_fs_heap_pop(s.fheap + s.cl[k].heap_off, &len);
            for (uint32_t j = p->class_link_off[k]; j < p->class_link_off[k + 1]; j++)
                s.load[p->class_links[j]] -= s.cl[k].rate;
            /* a flow at the cap sits on nobody's bottleneck: a class
             * bottlenecked on a link runs the fastest there, below the cap */
            int at_cap = s.cl[k].bn == IC_CAP;
            if (s.cl[k].cnt == 0) {
                if (!at_cap)
                    for (uint32_t j = p->class_link_off[k]; j < p->class_link_off[k + 1]; j++)
                        ic_touch(&s, p->class_links[j]);
                ic_deactivate(&s, k);
            } else if (at_cap) {
                ic_retime(&s, k);
            } else {
                ic_lift(&s, k); /* re-timed at the commit */
            }
            if (s.ns || s.nt)
                ic_resolve(&s, t);
        }
    }
    rc = 0;
    goto out;
stuck:
    m3_fail(err,
            "flowsim: incremental engine: no progress after %zu events (%zu flows, %u "
            "classes active)",
            events, n, s.nact);
out:
    free(order);
    free(bits);
    free(changed);
    free(chg_mark);
    ic_free(&s);
    return rc;
}

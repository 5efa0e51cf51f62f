/* SPDX-License-Identifier: GPL-2.0-only */
/* test-flowsim.c - flowSim against hand-computed max-min cases, against
 * the naive from-scratch oracle on random workloads, and every engine
 * (auto, incremental, full, line where the flows form a line) against the
 * oracle flow by flow on random topologies, fat-trees and parking lots:
 * bursts of simultaneous flows, equal sizes (tied rates and finishes),
 * incast, per-flow caps below the host rate and none. */
#include "check.h"
#include "m3.h"

#include <stdlib.h>
#include <string.h>

#define W 83840.0 /* wire bits of a 10000-byte flow: (10000 + 10 * 48) * 8 */

static m3_flow mk(uint64_t id, uint32_t s, uint32_t d, uint64_t size, uint64_t start)
{
    m3_flow f = {id, s, d, 3, 10000, 100, size, start};
    return f;
}

static void set_flows(m3_flows *fs, m3_flow *v, size_t n)
{
    fs->v = v;
    fs->n = n;
    fs->cap = n;
}

/* A line of n positions with rates bps[0..n-2], no delays, cap `cap`
 * (n out of range kept, for the checks to refuse). */
static m3_line mkline(uint32_t n, const double *bps, double cap)
{
    m3_line l;
    memset(&l, 0, sizeof l);
    l.n = n;
    l.cap_bps = cap;
    for (uint32_t k = 0; k + 1 < n && k < M3_MAX_PATH_LINKS; k++)
        l.link_bps[k] = bps[k];
    return l;
}

static void run_line(uint32_t n, const double *bps, m3_flow *v, size_t nf, double cap, double *fct)
{
    m3_flows fs;
    set_flows(&fs, v, nf);
    m3_line l = mkline(n, bps, cap);
    m3_error err;
    CHECK_MSG(m3_flowsim_run_line(&l, &fs, M3_MTU_DEFAULT, M3_HEADER_BYTES, fct, &err) == 0, "%s",
              err.msg);
}

static void test_wire_bits(void)
{
    CHECK_NEAR(m3_wire_bits(10000, 1000, 48), W, 0);
    CHECK_NEAR(m3_wire_bits(1, 1000, 48), 49 * 8, 0);
    CHECK_NEAR(m3_wire_bits(1001, 1000, 48), (1001 + 96) * 8, 0);
}

static void test_one_flow(void)
{
    double bps[1] = {10e9}, fct[1];
    m3_flow v[1] = {mk(0, 0, 1, 10000, 5000)};
    run_line(2, bps, v, 1, 0, fct);
    CHECK_NEAR(fct[0], W / 10, 1e-12); /* 8384 ns, independent of start */
}

static void test_equal_flows(void)
{
    double bps[1] = {10e9}, fct[4];
    m3_flow v[4];
    for (int i = 0; i < 4; i++)
        v[i] = mk(i, 0, 1, 10000, 0);
    run_line(2, bps, v, 4, 0, fct);
    for (int i = 0; i < 4; i++)
        CHECK_NEAR(fct[i], 4 * W / 10, 1e-12);
}

/* Line 0-1-2-3 at 10 Gbps: long flow A 0->3, two flows 1->2 (B, C), D 0->1,
 * E 2->3. Link 1 carries 3 flows: A, B, C get 10/3; D and E get 20/3 and
 * finish at 0.15 W; A, B, C stay bottlenecked on link 1 and end at 0.3 W. */
static void test_parking_lot_classic(void)
{
    double bps[3] = {10e9, 10e9, 10e9}, fct[5];
    m3_flow v[5] = {mk(0, 0, 3, 10000, 0), mk(1, 1, 2, 10000, 0), mk(2, 1, 2, 10000, 0),
                    mk(3, 0, 1, 10000, 0), mk(4, 2, 3, 10000, 0)};
    run_line(4, bps, v, 5, 0, fct);
    CHECK_NEAR(fct[3], 0.15 * W, 1e-9);
    CHECK_NEAR(fct[4], 0.15 * W, 1e-9);
    for (int i = 0; i < 3; i++)
        CHECK_NEAR(fct[i], 0.3 * W, 1e-9);
}

/* Second flow arrives when the first is half done: both at 5 Gbps until the
 * first ends at 0.15 W; the second then runs alone and ends at 0.2 W. */
static void test_staggered(void)
{
    double bps[1] = {10e9}, fct[2];
    m3_flow v[2] = {mk(0, 0, 1, 10000, 0), mk(1, 0, 1, 10000, 4192)};
    run_line(2, bps, v, 2, 0, fct);
    CHECK_NEAR(fct[0], 0.15 * W, 1e-9);
    CHECK_NEAR(fct[1], 0.2 * W - 4192, 1e-9);
}

static void test_rate_cap(void)
{
    double bps[3] = {10e9, 40e9, 10e9}, fct[2];
    /* an inner flow alone on 40 Gbps is held to the 10 Gbps NIC cap */
    m3_flow v[2] = {mk(0, 1, 2, 10000, 0), mk(1, 1, 2, 10000, 100000)};
    run_line(4, bps, v, 2, 10e9, fct);
    CHECK_NEAR(fct[0], W / 10, 1e-12);
    /* without a cap it gets the whole link */
    run_line(4, bps, v, 2, 0, fct);
    CHECK_NEAR(fct[0], W / 40, 1e-12);
}

static void test_reverse_direction_independent(void)
{
    double bps[1] = {10e9}, fct[2];
    m3_flow v[2] = {mk(0, 0, 1, 10000, 0), mk(1, 1, 0, 10000, 0)};
    run_line(2, bps, v, 2, 0, fct);
    CHECK_NEAR(fct[0], W / 10, 1e-12); /* full duplex: no sharing */
    CHECK_NEAR(fct[1], W / 10, 1e-12);
}

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* The line engine against the naive oracle on the flows v: every flow's
 * FCT within 1e-6 relative; `what` names the case in the message. */
static void check_against_oracle(uint32_t n, const double *bps, m3_flow *v, size_t nf, double cap,
                                 const char *what, uint64_t seed)
{
    double *a = calloc(nf, sizeof *a), *b = calloc(nf, sizeof *b);
    m3_flows fs;
    set_flows(&fs, v, nf);
    m3_line l = mkline(n, bps, cap);
    m3_error err;
    CHECK(m3_flowsim_run_line(&l, &fs, M3_MTU_DEFAULT, M3_HEADER_BYTES, a, &err) == 0);
    CHECK(m3_flowsim_run_line_naive(&l, &fs, M3_MTU_DEFAULT, M3_HEADER_BYTES, b, &err) == 0);
    size_t bad = 0;
    double worst = 0;
    for (size_t i = 0; i < nf; i++) {
        double rel = fabs(a[i] - b[i]) / b[i];
        worst = rel > worst ? rel : worst;
        bad += rel > 1e-6;
    }
    CHECK_MSG(bad == 0, "%s n=%u seed=%llu cap=%g: %zu of %zu flows differ, worst rel %.3g", what,
              n, (unsigned long long)seed, cap, bad, nf, worst);
    free(a);
    free(b);
}

/* Random bursty workloads on m3's parking-lot preset: the class engine
 * must reproduce the from-scratch oracle flow by flow. Lines of up to 11
 * positions run the dedicated line engine, longer ones the general one;
 * `cap` 0 means no per-flow cap. */
static void test_against_oracle_cap(uint32_t n, size_t nf, uint64_t seed, int same_start,
                                    double cap)
{
    double bps[16];
    for (uint32_t l = 0; l + 1 < n; l++)
        bps[l] = (l == 0 || l + 2 == n) ? 10e9 : 40e9;
    m3_flow *v = calloc(nf, sizeof *v);
    uint64_t t = 0, s = seed;
    for (size_t i = 0; i < nf; i++) {
        uint32_t x = rnd(&s) % n, y = rnd(&s) % (n - 1);
        if (y >= x)
            y++;
        uint64_t size = 50 + rnd(&s) % (rnd(&s) % 4 == 0 ? 200000 : 5000);
        if (!same_start || rnd(&s) % 3 == 0)
            t += rnd(&s) % 3000;
        v[i] = mk(i, x, y, size, t);
    }
    check_against_oracle(n, bps, v, nf, cap, "oracle", seed);
    free(v);
}

static void test_against_oracle(uint32_t n, size_t nf, uint64_t seed, int same_start)
{
    test_against_oracle_cap(n, nf, seed, same_start, 10e9);
}

/* The line engine skips links where every flow fits at the cap (on * cap
 * <= capacity): at 40 Gbps and a 10 Gbps cap, 4 flows run at the cap and a
 * fifth makes the link the bottleneck. Off by one either way fails. */
static void test_line_fit_boundary(void)
{
    double bps[1] = {40e9}, fct[5];
    m3_flow v[5];
    for (int i = 0; i < 5; i++)
        v[i] = mk(i, 0, 1, 10000, 0);
    run_line(2, bps, v, 4, 10e9, fct);
    for (int i = 0; i < 4; i++)
        CHECK_NEAR(fct[i], W / 10, 1e-12);
    run_line(2, bps, v, 5, 10e9, fct);
    for (int i = 0; i < 5; i++)
        CHECK_NEAR(fct[i], W / 8, 1e-12);
}

/* An arrival runs at the cap without a reallocation only when its links
 * have room for it. On 25 Gbps, A and B run at the 10 Gbps cap; C arrives
 * at 1000 ns with 5 Gbps left, so all three drop to 25/3 Gbps: A and B
 * finish their last 73840 bits at 1000 + 73840 * 3 / 25 ns, and C, which
 * has sent 73840 bits by then, its last 10000 at the cap. */
static void test_line_admission_needs_room(void)
{
    double bps[1] = {25e9}, fct[3];
    m3_flow v[3] = {mk(0, 0, 1, 10000, 0), mk(1, 0, 1, 10000, 0), mk(2, 0, 1, 10000, 1000)};
    run_line(2, bps, v, 3, 10e9, fct);
    double t_ab = 1000 + (W - 10000) * 3 / 25;
    CHECK_NEAR(fct[0], t_ab, 1e-9);
    CHECK_NEAR(fct[1], t_ab, 1e-9);
    CHECK_NEAR(fct[2], t_ab, 1e-9); /* (t_ab + 1000) - 1000 */
}

/* A class changes bottleneck group and back, in both directions at once.
 * Links 10 and 30 Gbps, no cap. A (over both links, 2W) and four B (link
 * 1 only, W) start together: link 1's share 30/5 = 6 is the smallest, so
 * all five run at 6 in link 1's group; the Bs end at W/6, and A moves to
 * link 0's group at 10 and ends W' / 10 later (W': A's bits past the
 * first W). B5 (link 1, W) arrives at W/6 + 1000 while A still holds link
 * 0: it gets 30 - 10 = 20 and ends W/20 after its start. The reverse
 * direction (2 -> 0 and 2 -> 1) runs the same problem at the same time. */
static void test_line_group_moves(void)
{
    double bps[2] = {10e9, 30e9}, fct[12];
    uint64_t t1 = (uint64_t)(W / 6) + 1000;
    m3_flow v[12];
    for (int dir = 0; dir < 2; dir++) {
        uint32_t a = dir ? 2 : 0, c = dir ? 0 : 2, b = dir ? 2 : 1, e = dir ? 1 : 2;
        v[6 * dir] = mk(6 * dir, a, c, 20000, 0);
        for (int i = 1; i <= 4; i++)
            v[6 * dir + i] = mk(6 * dir + i, b, e, 10000, 0);
        v[6 * dir + 5] = mk(6 * dir + 5, b, e, 10000, t1);
    }
    run_line(3, bps, v, 12, 0, fct);
    double wa = m3_wire_bits(20000, 1000, 48);
    for (int dir = 0; dir < 2; dir++) {
        double *f = fct + 6 * dir;
        for (int i = 1; i <= 4; i++)
            CHECK_NEAR(f[i], W / 6, 1e-9);
        CHECK_NEAR(f[0], W / 6 + (wa - W) / 10, 1e-9);
        CHECK_NEAR(f[5], W / 20, 1e-9);
    }
}

/* The cap group: four flows fill 40 Gbps at the 10 Gbps cap; a fifth
 * arrives when they are half done and all five drop to 8 in the link's
 * group; when the four end, the fifth returns to the cap group. */
static void test_line_cap_group_moves(void)
{
    double bps[1] = {40e9}, fct[10];
    double t1 = W / 20; /* 4192 ns, an integer */
    m3_flow v[10];
    for (int i = 0; i < 5; i++) {
        v[i] = mk(i, 0, 1, 10000, i == 4 ? (uint64_t)t1 : 0);
        v[5 + i] = mk(5 + i, 1, 0, 10000, i == 4 ? (uint64_t)t1 : 0); /* and backwards */
    }
    run_line(2, bps, v, 10, 10e9, fct);
    for (int r = 0; r < 2; r++) {
        for (int i = 0; i < 4; i++)
            CHECK_NEAR(fct[5 * r + i], t1 + W / 16, 1e-9);
        CHECK_NEAR(fct[5 * r + 4], W / 16 + W / 20, 1e-9);
    }
}

/* A bottleneck that stops being one: links 10 and 25 Gbps, cap 10. X
 * (both links) and Z (link 0) share link 0 at 5; three Y (link 1) get
 * (25 - 5) / 3. When Z ends (at W/5), link 0's share reaches the cap and X
 * must move to link 1's group (25/4 each), not to the cap: at the cap,
 * link 1 would be over capacity. Checked against the naive engine, both
 * directions at once. */
static void test_line_release(void)
{
    double bps[2] = {10e9, 25e9}, a[10], b[10];
    m3_flow v[10];
    for (int dir = 0; dir < 2; dir++) {
        uint32_t p0 = dir ? 2 : 0, p1 = 1, p2 = dir ? 0 : 2;
        /* forward: X 0->2, Z 0->1, Y 1->2; backward: X 2->0, Z 1->0 (link 0),
         * Y 2->1 (link 1) */
        v[5 * dir] = mk(5 * dir, p0, p2, 100000, 0);
        v[5 * dir + 1] = dir ? mk(5 * dir + 1, p1, 0, 10000, 0) : mk(1, 0, p1, 10000, 0);
        for (int i = 2; i < 5; i++)
            v[5 * dir + i] = dir ? mk(5 * dir + i, 2, p1, 100000, 0) : mk(i, p1, 2, 100000, 0);
    }
    m3_flows fs;
    set_flows(&fs, v, 10);
    m3_line l = mkline(3, bps, 10e9);
    m3_error err;
    CHECK(m3_flowsim_run_line(&l, &fs, M3_MTU_DEFAULT, M3_HEADER_BYTES, a, &err) == 0);
    CHECK(m3_flowsim_run_line_naive(&l, &fs, M3_MTU_DEFAULT, M3_HEADER_BYTES, b, &err) == 0);
    for (int i = 0; i < 10; i++)
        CHECK_NEAR(a[i], b[i], 1e-9);
    CHECK_NEAR(a[1], W / 5, 1e-9);
    CHECK_NEAR(a[6], W / 5, 1e-9);
}

/* The earliest finish is kept incrementally: when the earliest group is
 * untouched by an event, only the recomputed groups can undercut it. Links
 * 10 and 10 Gbps, no cap: A (link 0) would end at W/10; C joins A at 1000
 * and pushes A's finish later (the earliest group is touched: full scan);
 * at 2000 a short D joins B on link 1 and finishes first at 2000 +
 * 8384 / 5 while link 0's group, then the earliest, is untouched. */
static void test_line_earliest_untouched(void)
{
    double bps[2] = {10e9, 10e9}, fct[4], ref[4];
    m3_flow v[4] = {mk(0, 0, 1, 10000, 0), mk(1, 1, 2, 30000, 0), mk(2, 0, 1, 10000, 1000),
                    mk(3, 1, 2, 1000, 2000)};
    run_line(3, bps, v, 4, 0, fct);
    double wd = m3_wire_bits(1000, 1000, 48), wb = m3_wire_bits(30000, 1000, 48);
    CHECK_NEAR(fct[3], wd / 5, 1e-9);
    CHECK_NEAR(fct[0], 1000 + (W - 10000) / 5, 1e-9);
    CHECK_NEAR(fct[2], (W - 10000) / 5 + 10000 / 10.0,
               1e-9); /* 73840 bits by A's end, then alone */
    CHECK_NEAR(fct[1], 2000 + wd / 5 + (wb - 20000 - wd) / 10, 1e-9);
    m3_flows fs;
    set_flows(&fs, v, 4);
    m3_line l = mkline(3, bps, 0);
    m3_error err;
    CHECK(m3_flowsim_run_line_naive(&l, &fs, M3_MTU_DEFAULT, M3_HEADER_BYTES, ref, &err) == 0);
    for (int i = 0; i < 4; i++)
        CHECK_NEAR(fct[i], ref[i], 1e-9);
}

/* A link outside the stored structure saturates and is inserted at its
 * place in the water-filling order. Line 0-1-2-3-4, cap 10 Gbps, links
 * 10, X, 20, 100 Gbps. At 0: A (3 flows, link 0) and B (link 0-1) share
 * link 0 at 2.5; C (3 flows, link 2) and D (links 1-2) share link 2 at 5.
 * At 1000 four E flows (link 1, at the cap: no bottleneck crossed) push
 * link 1 over capacity: its share X / 6 (X = 10) is below 2.5, so it goes
 * first and takes B, D and E; (X - 2.5) / 5 (X = 20) lies between the two
 * rates (it takes D and E); (X - 7.5) / 4 (X = 40) is above both (E only).
 * Each forward, backward (same links, other direction) and both at once,
 * against the naive engine. */
static void test_line_insert(void)
{
    static const double xs[3] = {10e9, 20e9, 40e9};
    for (int xi = 0; xi < 3; xi++)
        for (int dirs = 1; dirs < 4; dirs++) {
            double bps[4] = {10e9, xs[xi], 20e9, 100e9}, a[24], b[24];
            m3_flow v[24];
            size_t nf = 0;
            /* (lo, hi, flows, start): a flow over links lo..hi-1; in start
             * order (the naive engine wants it) */
            static const int cl[5][4] = {
                {0, 1, 3, 0}, {0, 2, 1, 0}, {2, 3, 3, 0}, {1, 3, 1, 0}, {1, 2, 4, 1000}};
            for (int c = 0; c < 5; c++)
                for (int dir = 0; dir < 2; dir++) {
                    if (!(dirs >> dir & 1))
                        continue;
                    for (int i = 0; i < cl[c][2]; i++) {
                        uint32_t lo = (uint32_t)cl[c][0], hi = (uint32_t)cl[c][1];
                        v[nf] = mk(nf, dir ? hi : lo, dir ? lo : hi, 100000 + 1000 * nf,
                                   (uint64_t)cl[c][3]);
                        nf++;
                    }
                }
            m3_flows fs;
            set_flows(&fs, v, nf);
            m3_line l = mkline(5, bps, 10e9);
            m3_error err;
            CHECK(m3_flowsim_run_line(&l, &fs, M3_MTU_DEFAULT, M3_HEADER_BYTES, a, &err) == 0);
            CHECK_MSG(
                m3_flowsim_run_line_naive(&l, &fs, M3_MTU_DEFAULT, M3_HEADER_BYTES, b, &err) == 0,
                "%s", err.msg);
            for (size_t i = 0; i < nf; i++)
                CHECK_MSG(fabs(a[i] - b[i]) <= 1e-9 * b[i],
                          "insert x=%g dirs=%d flow %zu: %.9g vs %.9g", xs[xi], dirs, i, a[i],
                          b[i]);
        }
}

/* The re-solve starts at the first group changed since the last one; the
 * groups before it keep their rates. Links 10 and 30 Gbps, no cap: X
 * (both links) and Z (link 0) share link 0 at 5, two Y (link 1) get 12.5.
 * At 1000 a second Z changes the first group: both rates must follow
 * (10/3, then 13.3). At 2000 four Y change only the later group: link 0
 * keeps 10/3, Y drop to 4.4. At 3000 six more Y push link 1's share
 * (2.2) below link 0's: the check against the earlier group fails and the
 * water-filling puts link 1 first (30/13, Z at 3.85). Each direction and
 * both at once, against the naive engine. */
static void test_line_resolve_prefix(void)
{
    /* (lo, hi, flows, start, size) in start order */
    static const int cl[6][5] = {{0, 2, 1, 0, 200000},    {0, 1, 1, 0, 100000},
                                 {1, 2, 2, 0, 200000},    {0, 1, 1, 1000, 100000},
                                 {1, 2, 4, 2000, 200000}, {1, 2, 6, 3000, 50000}};
    for (int dirs = 1; dirs < 4; dirs++) {
        double bps[2] = {10e9, 30e9}, a[30], b[30];
        m3_flow v[30];
        size_t nf = 0;
        for (int c = 0; c < 6; c++)
            for (int dir = 0; dir < 2; dir++) {
                if (!(dirs >> dir & 1))
                    continue;
                for (int i = 0; i < cl[c][2]; i++) {
                    uint32_t lo = (uint32_t)cl[c][0], hi = (uint32_t)cl[c][1];
                    v[nf] = mk(nf, dir ? hi : lo, dir ? lo : hi, (uint64_t)cl[c][4] + 100 * nf,
                               (uint64_t)cl[c][3]);
                    nf++;
                }
            }
        m3_flows fs;
        set_flows(&fs, v, nf);
        m3_line l = mkline(3, bps, 0);
        m3_error err;
        CHECK(m3_flowsim_run_line(&l, &fs, M3_MTU_DEFAULT, M3_HEADER_BYTES, a, &err) == 0);
        CHECK_MSG(m3_flowsim_run_line_naive(&l, &fs, M3_MTU_DEFAULT, M3_HEADER_BYTES, b, &err) == 0,
                  "%s", err.msg);
        for (size_t i = 0; i < nf; i++)
            CHECK_MSG(fabs(a[i] - b[i]) <= 1e-9 * b[i], "prefix dirs=%d flow %zu: %.9g vs %.9g",
                      dirs, i, a[i], b[i]);
    }
}

/* A re-solve whose first changed group empties and then inserts a link:
 * the insert drops the empty group from the order, and the groups solved
 * after it must not pass for unchanged ones. Links 1, 10, 13 Gbps, cap
 * 10: A (links 0-1) holds link 0 at 1; B (2 flows, link 1) and C (links
 * 1-2) share link 1 at 8/3; D (link 2) runs at the cap. When A ends,
 * link 1's share rises to 10/3 and link 2 (10/3 + 10 > 13) is inserted:
 * D must get 13 - 10/3, not 13 - 8/3 (the old rate of link 1's group). */
static void test_line_resolve_prefix_insert(void)
{
    static const int cl[4][4] = {
        {0, 2, 1, 1000}, {1, 2, 2, 1000000}, {1, 3, 1, 1000000}, {2, 3, 1, 1000000}};
    for (int dirs = 1; dirs < 4; dirs++) {
        double bps[3] = {1e9, 10e9, 13e9}, a[10], b[10];
        m3_flow v[10];
        size_t nf = 0;
        for (int c = 0; c < 4; c++)
            for (int dir = 0; dir < 2; dir++) {
                if (!(dirs >> dir & 1))
                    continue;
                for (int i = 0; i < cl[c][2]; i++) {
                    uint32_t lo = (uint32_t)cl[c][0], hi = (uint32_t)cl[c][1];
                    v[nf] = mk(nf, dir ? hi : lo, dir ? lo : hi, (uint64_t)cl[c][3] + 100 * nf, 0);
                    nf++;
                }
            }
        m3_flows fs;
        set_flows(&fs, v, nf);
        m3_line l = mkline(4, bps, 10e9);
        m3_error err;
        CHECK(m3_flowsim_run_line(&l, &fs, M3_MTU_DEFAULT, M3_HEADER_BYTES, a, &err) == 0);
        CHECK_MSG(m3_flowsim_run_line_naive(&l, &fs, M3_MTU_DEFAULT, M3_HEADER_BYTES, b, &err) == 0,
                  "%s", err.msg);
        for (size_t i = 0; i < nf; i++)
            CHECK_MSG(fabs(a[i] - b[i]) <= 1e-9 * b[i],
                      "prefix insert dirs=%d flow %zu: %.9g vs %.9g", dirs, i, a[i], b[i]);
    }
}

/* Random link capacities, caps and both directions: bottlenecks move
 * between links and to and from the cap at nearly every event, the case
 * the line engine's stored structure (re-solved, checked, rebuilt) and its
 * group clocks (classes re-based when they move) must get right. */
static void test_line_shifting_bottlenecks(uint32_t n, size_t nf, uint64_t seed, double cap)
{
    static const double rates[5] = {5e9, 10e9, 25e9, 40e9, 100e9};
    double bps[16];
    uint64_t s = seed;
    for (uint32_t l = 0; l + 1 < n; l++)
        bps[l] = rates[rnd(&s) % 5];
    m3_flow *v = calloc(nf, sizeof *v);
    uint64_t t = 0;
    for (size_t i = 0; i < nf; i++) {
        uint32_t x = rnd(&s) % n, y = rnd(&s) % (n - 1);
        if (y >= x)
            y++;
        /* mostly short flows, some long ones that live through many shifts */
        uint64_t size = 100 + rnd(&s) % (rnd(&s) % 8 == 0 ? 400000 : 20000);
        if (rnd(&s) % 2 == 0) /* bursts: half the flows share a start */
            t += rnd(&s) % 4000;
        v[i] = mk(i, x, y, size, t);
    }
    check_against_oracle(n, bps, v, nf, cap, "shifting", seed);
    free(v);
}

/* The incremental engine on the parking-lot topology (mid-path hosts on
 * very fast links, as in m3's path preset) equals the line engine. */
static void test_topology_equals_line(void)
{
    const uint32_t n = 5;
    m3_error err;
    m3_topology *t = m3_topology_parking_lot(n, 10e9, 40e9, 1e15, 1000, &err);
    CHECK(t != NULL);
    if (!t)
        return;
    m3_routing *r = m3_routing_new(t, &err);
    CHECK(r != NULL);
    size_t nf = 3000;
    m3_flow *v = calloc(nf, sizeof *v);
    double *a = calloc(nf, sizeof *a), *b = calloc(nf, sizeof *b);
    uint64_t tt = 0, s = 99;
    for (size_t i = 0; i < nf; i++) {
        uint32_t x = rnd(&s) % n, y = rnd(&s) % (n - 1);
        if (y >= x)
            y++;
        tt += rnd(&s) % 2000;
        v[i] = mk(i, x, y, 100 + rnd(&s) % 30000, tt);
        v[i].sport = 10000 + (uint32_t)i;
    }
    m3_flows fs;
    set_flows(&fs, v, nf);
    m3_flowsim_opts o;
    m3_flowsim_opts_default(&o);
    o.rate_cap_bps = 10e9;
    o.engine = M3_FLOWSIM_INCREMENTAL;
    double bps[4] = {10e9, 40e9, 40e9, 10e9};
    m3_line l = mkline(n, bps, o.rate_cap_bps);
    CHECK_MSG(m3_flowsim_run(t, r, &fs, &o, a, &err) == 0, "%s", err.msg);
    CHECK(m3_flowsim_run_line(&l, &fs, o.mtu, o.header_bytes, b, &err) == 0);
    size_t bad = 0;
    for (size_t i = 0; i < nf; i++)
        if (fabs(a[i] - b[i]) > 1e-6 * b[i])
            bad++;
    CHECK_MSG(bad == 0, "%zu flows differ", bad);
    free(v);
    free(a);
    free(b);
    m3_routing_free(r);
    m3_topology_free(t);
}

/* ---- every engine against the oracle on routed topologies ---- */

/* Relative FCT tolerance of the engines against the naive oracle. The
 * engines call a link saturated within M3_FS_SLACK (1e-9) of its capacity
 * and compare levels within the same slack, so a rate may differ from the
 * oracle's by about 1e-9 relative (the FCT by as much); an FCT is a
 * difference of two event times, whose rounding (1e-16 x times up to 1e8
 * ns here) is below 1e-9 of the shortest FCT (about 40 ns). 1e-8 leaves a
 * factor of 10 over both; an allocation error moves FCTs by far more (a
 * flow that gets a wrong share is off by percents). */
#define ENGINE_TOL 1e-8

static const m3_flowsim_engine engines[] = {M3_FLOWSIM_AUTO, M3_FLOWSIM_INCREMENTAL,
                                            M3_FLOWSIM_FULL, M3_FLOWSIM_LINE};

/* Runs every engine (the line engine only where the flows form a line)
 * on flows v and compares each flow's FCT with the naive oracle's. */
static void check_engines(const m3_topology *t, const m3_routing *r, m3_flow *v, size_t nf,
                          double cap, const char *what, uint64_t seed)
{
    m3_flows fs;
    set_flows(&fs, v, nf);
    m3_flowsim_opts o;
    m3_flowsim_opts_default(&o);
    o.rate_cap_bps = cap;
    m3_error err;
    double *ref = calloc(nf + 1, sizeof *ref), *a = calloc(nf + 1, sizeof *a);
    o.engine = M3_FLOWSIM_NAIVE;
    CHECK_MSG(m3_flowsim_run(t, r, &fs, &o, ref, &err) == 0, "%s: naive: %s", what, err.msg);
    int picked = m3_flowsim_auto_engine(t, r, &fs, &o, &err);
    CHECK_MSG(picked == M3_FLOWSIM_LINE || picked == M3_FLOWSIM_INCREMENTAL, "%s: auto: %s", what,
              err.msg);
    for (size_t e = 0; e < sizeof engines / sizeof engines[0]; e++) {
        if (engines[e] == M3_FLOWSIM_LINE && picked != M3_FLOWSIM_LINE)
            continue;
        o.engine = engines[e];
        int rc = m3_flowsim_run(t, r, &fs, &o, a, &err);
        CHECK_MSG(rc == 0, "%s: %s: %s", what, m3_flowsim_engine_name(o.engine), err.msg);
        if (rc)
            continue;
        size_t bad = 0, worst_i = 0;
        double worst = 0;
        for (size_t i = 0; i < nf; i++) {
            double rel = fabs(a[i] - ref[i]) / ref[i];
            if (!(rel <= worst)) {
                worst = rel;
                worst_i = i;
            }
            bad += !(rel <= ENGINE_TOL);
        }
        CHECK_MSG(bad == 0,
                  "%s seed %llu cap %g: %s: %zu of %zu flows differ from the oracle, "
                  "worst rel %.3g (flow %zu: %.12g vs %.12g)",
                  what, (unsigned long long)seed, cap, m3_flowsim_engine_name(o.engine), bad, nf,
                  worst, worst_i, a[worst_i], ref[worst_i]);
    }
    free(ref);
    free(a);
}

/* A random connected topology: `ns` switches on a random tree plus extra
 * links, link rates from {10, 25, 40, 100} Gbps; `nh` hosts each on a
 * random switch at 10 Gbps (uniform: the engines infer the cap) or at
 * random rates, and with `multi` some hosts on two switches. */
static m3_topology *random_topology(uint32_t ns, uint32_t nh, int uniform_hosts, int multi,
                                    uint64_t *s)
{
    static const double rates[4] = {10e9, 25e9, 40e9, 100e9};
    m3_error err;
    m3_topology *t = m3_topology_new(nh + ns, &err);
    CHECK(t != NULL);
    for (uint32_t i = 0; i < ns; i++)
        CHECK(m3_topology_set_switch(t, nh + i, &err) == 0);
    for (uint32_t i = 1; i < ns; i++) {
        m3_link ln = {nh + i, nh + (uint32_t)(rnd(s) % i), rates[rnd(s) % 4], 1000, 0};
        CHECK(m3_topology_add_link(t, &ln, &err) >= 0);
    }
    for (uint32_t x = 0; x < ns / 2; x++) { /* extra links: several shortest paths */
        uint32_t a = (uint32_t)(rnd(s) % ns), b = (uint32_t)(rnd(s) % ns);
        if (a == b)
            continue;
        m3_link ln = {nh + a, nh + b, rates[rnd(s) % 4], 500 + rnd(s) % 1000, 0};
        CHECK(m3_topology_add_link(t, &ln, &err) >= 0);
    }
    for (uint32_t h = 0; h < nh; h++) {
        uint32_t sw = nh + (uint32_t)(rnd(s) % ns);
        m3_link ln = {h, sw, uniform_hosts ? 10e9 : rates[rnd(s) % 3], 1000, 0};
        CHECK(m3_topology_add_link(t, &ln, &err) >= 0);
        if (multi && rnd(s) % 4 == 0) {
            uint32_t sw2 = nh + (uint32_t)(rnd(s) % ns);
            if (sw2 != sw) {
                m3_link l2 = {h, sw2, ln.rate_bps, 1000, 0};
                CHECK(m3_topology_add_link(t, &l2, &err) >= 0);
            }
        }
    }
    return t;
}

/* Flows among the hosts of t in start order: `burst` of every 4 arrivals
 * share the previous start (zero gaps), sizes 50 B to 300 KB with a tail;
 * `equal` makes every size 10000 bytes (equal rates, tied finishes);
 * `hot` >= 0 sends half the flows to that host (incast). */
static m3_flow *random_flows(const m3_topology *t, size_t nf, int burst, int equal, int hot,
                             uint64_t *s)
{
    uint32_t nh = m3_topology_num_hosts(t);
    m3_flow *v = calloc(nf, sizeof *v);
    uint64_t tt = 0;
    for (size_t i = 0; i < nf; i++) {
        uint32_t x = (uint32_t)(rnd(s) % nh), y = (uint32_t)(rnd(s) % (nh - 1));
        if (y >= x)
            y++;
        if (hot >= 0 && rnd(s) % 2 == 0) {
            y = (uint32_t)hot;
            x = (uint32_t)(rnd(s) % (nh - 1));
            x += x >= y;
        }
        if (!((uint64_t)burst > rnd(s) % 4))
            tt += rnd(s) % 3000;
        uint64_t size = equal ? 10000 : 50 + rnd(s) % (rnd(s) % 5 == 0 ? 300000 : 8000);
        v[i] = mk(i, m3_topology_host(t, x), m3_topology_host(t, y), size, tt);
        v[i].sport = 10000 + (uint32_t)(rnd(s) % 5000);
    }
    return v;
}

/* Random topologies, flows and caps: every engine equals the oracle. */
static void test_engines_random_topologies(void)
{
    static const double caps[4] = {0, 10e9, 5e9, 25e9};
    for (uint64_t seed = 1; seed <= 12; seed++) {
        uint64_t s = seed * 7919;
        m3_error err;
        m3_topology *t = random_topology(3 + (uint32_t)(seed % 6), 6 + (uint32_t)(seed % 9),
                                         seed % 3 != 0, seed % 4 == 1, &s);
        m3_routing *r = t ? m3_routing_new(t, &err) : NULL;
        CHECK_MSG(r != NULL, "seed %llu: %s", (unsigned long long)seed, err.msg);
        if (!r) {
            m3_topology_free(t);
            continue;
        }
        m3_flow *v =
            random_flows(t, 1500, (int)(seed % 4), seed % 5 == 0, seed % 6 == 2 ? 0 : -1, &s);
        check_engines(t, r, v, 1500, caps[seed % 4], "random topology", seed);
        free(v);
        m3_routing_free(r);
        m3_topology_free(t);
    }
}

/* Fat-trees (m3's, oversubscribed ones, and a k-ary one): bursts of many
 * simultaneous flows, equal sizes (ties), incast, caps below the host
 * rate. */
static void test_engines_fat_trees(void)
{
    m3_error err;
    struct {
        int kary;
        uint32_t pods, racks, hosts, oversub;
        int burst, equal, hot;
        double cap;
        size_t nf;
    } cases[] = {
        {0, 2, 4, 2, 1, 3, 0, -1, 0, 3000},    /* 3 in 4 arrivals simultaneous */
        {0, 2, 4, 2, 4, 1, 0, -1, 10e9, 3000}, /* oversubscribed: fabric bottlenecks */
        {0, 2, 4, 4, 2, 4, 1, -1, 0, 800},     /* all at t = 0, equal sizes: ties */
        {0, 2, 4, 2, 1, 2, 0, 5, 5e9, 1200},   /* incast to host 5, capped at 5 Gbps */
        {1, 4, 0, 0, 0, 2, 1, -1, 10e9, 2000}, /* k = 4 fat-tree, equal sizes */
        {1, 4, 0, 0, 0, 0, 0, 3, 0, 1200},     /* k = 4, incast */
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        uint64_t s = 31 + c;
        m3_topology *t =
            cases[c].kary ? m3_topology_fat_tree_k(4, 10e9, 40e9, 1000, &err)
                          : m3_topology_fat_tree_m3(cases[c].pods, cases[c].racks, cases[c].hosts,
                                                    cases[c].oversub, 10e9, 40e9, 1000, &err);
        CHECK(t != NULL);
        m3_routing *r = m3_routing_new(t, &err);
        CHECK(r != NULL);
        m3_flow *v = random_flows(t, cases[c].nf, cases[c].burst, cases[c].equal, cases[c].hot, &s);
        if (cases[c].burst == 4) /* one instant: every flow starts at 0 */
            for (size_t i = 0; i < cases[c].nf; i++)
                v[i].start_ns = 0;
        check_engines(t, r, v, cases[c].nf, cases[c].cap, "fat-tree", c);
        free(v);
        m3_routing_free(r);
        m3_topology_free(t);
    }
}

/* Parking lots: flows that form a line go to the line engine (mid hosts on
 * ideal links; or on 40 Gbps links with every flow one way), the others
 * (40 Gbps mid hosts, both ways: a host link can bind; a line too long for
 * the line engine) to the incremental engine; all equal the oracle. */
static void test_engines_parking_lots(void)
{
    m3_error err;
    struct {
        uint32_t n;
        double mid_bps;
        int forward_only;
        int want;
    } cases[] = {
        {6, 1e15, 0, M3_FLOWSIM_LINE},
        {6, 40e9, 1, M3_FLOWSIM_LINE},
        {6, 40e9, 0, M3_FLOWSIM_INCREMENTAL},
        {13, 1e15, 0, M3_FLOWSIM_INCREMENTAL}, /* longer than the line engine's 11 */
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const uint32_t n = cases[c].n;
        m3_topology *t = m3_topology_parking_lot(n, 10e9, 40e9, cases[c].mid_bps, 1000, &err);
        m3_routing *r = m3_routing_new(t, &err);
        uint64_t s = 77 + c;
        m3_flow *v = random_flows(t, 3000, 2, 0, -1, &s);
        for (size_t i = 0; i < 3000 && cases[c].forward_only; i++)
            if (v[i].src > v[i].dst) {
                uint32_t x = v[i].src;
                v[i].src = v[i].dst;
                v[i].dst = x;
            }
        m3_flows fs;
        set_flows(&fs, v, 3000);
        m3_flowsim_opts o;
        m3_flowsim_opts_default(&o);
        o.rate_cap_bps = 10e9;
        int got = m3_flowsim_auto_engine(t, r, &fs, &o, &err);
        CHECK_MSG(got == cases[c].want, "parking lot %zu: auto picked %d, want %d", c, got,
                  cases[c].want);
        check_engines(t, r, v, 3000, 10e9, "parking lot", c);
        free(v);
        m3_routing_free(r);
        m3_topology_free(t);
    }
}

/* The engine names, and the line engine refused where there is no line. */
static void test_engine_names(void)
{
    for (int e = 0; e < M3_FLOWSIM_ENGINE_COUNT; e++) {
        m3_flowsim_engine back;
        CHECK(m3_flowsim_engine_parse(m3_flowsim_engine_name((m3_flowsim_engine)e), &back) == 0);
        CHECK(back == (m3_flowsim_engine)e);
    }
    m3_flowsim_engine x;
    CHECK(m3_flowsim_engine_parse("fast", &x) == -1);
    CHECK(m3_flowsim_engine_name(M3_FLOWSIM_ENGINE_COUNT) == NULL);
    m3_error err;
    m3_topology *t = m3_topology_fat_tree_m3(2, 4, 2, 1, 10e9, 40e9, 1000, &err);
    m3_routing *r = m3_routing_new(t, &err);
    m3_flow v[2] = {mk(0, 0, 15, 1000, 0), mk(1, 3, 9, 1000, 0)};
    m3_flows fs;
    set_flows(&fs, v, 2);
    m3_flowsim_opts o;
    m3_flowsim_opts_default(&o);
    o.engine = M3_FLOWSIM_LINE;
    double fct[2];
    CHECK(m3_flowsim_run(t, r, &fs, &o, fct, &err) == -1);
    CHECK(strstr(err.msg, "line") != NULL);
    /* no flows: every engine runs, auto picks the incremental one */
    set_flows(&fs, v, 0);
    for (int e = 0; e < M3_FLOWSIM_ENGINE_COUNT; e++) {
        o.engine = (m3_flowsim_engine)e;
        CHECK_MSG(m3_flowsim_run(t, r, &fs, &o, fct, &err) == (e == M3_FLOWSIM_LINE ? -1 : 0),
                  "%s on no flows", m3_flowsim_engine_name(o.engine));
    }
    CHECK(m3_flowsim_auto_engine(t, r, &fs, &o, &err) == M3_FLOWSIM_INCREMENTAL);
    m3_routing_free(r);
    m3_topology_free(t);
}

/* The incremental engine sorts unsorted input by start time. */
static void test_incremental_unsorted(void)
{
    m3_error err;
    m3_topology *t = m3_topology_fat_tree_m3(2, 4, 2, 1, 10e9, 40e9, 1000, &err);
    m3_routing *r = m3_routing_new(t, &err);
    uint64_t s = 5;
    const size_t nf = 2000;
    m3_flow *v = random_flows(t, nf, 2, 0, -1, &s), *w = calloc(nf, sizeof *w);
    for (size_t i = 0; i < nf; i++)
        w[i] = v[nf - 1 - i];
    double *a = calloc(nf, sizeof *a), *b = calloc(nf, sizeof *b);
    m3_flows fv, fw;
    set_flows(&fv, v, nf);
    set_flows(&fw, w, nf);
    m3_flowsim_opts o;
    m3_flowsim_opts_default(&o);
    o.engine = M3_FLOWSIM_INCREMENTAL;
    CHECK(m3_flowsim_run(t, r, &fv, &o, a, &err) == 0);
    CHECK(m3_flowsim_run(t, r, &fw, &o, b, &err) == 0);
    size_t bad = 0;
    for (size_t i = 0; i < nf; i++)
        bad += !(fabs(b[nf - 1 - i] - a[i]) <= 1e-12 * a[i]);
    CHECK_MSG(bad == 0, "%zu of %zu reversed flows changed FCT", bad, nf);
    free(v);
    free(w);
    free(a);
    free(b);
    m3_routing_free(r);
    m3_topology_free(t);
}

/* The indexed entry points equal the routing ones: m3_flowsim_run_indexed
 * (every engine; the naive one on the index's paths) and the estimate's
 * second step, whose ideal FCTs equal m3_ideal_fcts' per-flow routes to
 * the last bit. An index of other flows is refused. */
static void test_indexed(void)
{
    m3_error err;
    m3_topology *t = m3_topology_fat_tree_m3(2, 4, 2, 2, 10e9, 40e9, 1000, &err);
    m3_routing *r = m3_routing_new(t, &err);
    uint64_t s = 11;
    const size_t nf = 1500;
    m3_flow *v = random_flows(t, nf, 2, 0, -1, &s);
    m3_flows fs;
    set_flows(&fs, v, nf);
    m3_route_index *x = m3_route_index_new(r, &fs, &err);
    CHECK(x != NULL && m3_route_index_num_flows(x) == nf);
    double *a = calloc(nf, sizeof *a), *b = calloc(nf, sizeof *b), *c = calloc(nf, sizeof *c);
    double *d = calloc(nf, sizeof *d), *e = calloc(nf, sizeof *e), *g = calloc(nf, sizeof *g);
    m3_flowsim_opts o;
    m3_flowsim_opts_default(&o);
    o.rate_cap_bps = 10e9;
    for (int en = 0; en < M3_FLOWSIM_ENGINE_COUNT; en++) {
        if (en == M3_FLOWSIM_LINE)
            continue;
        o.engine = (m3_flowsim_engine)en;
        CHECK_MSG(m3_flowsim_run(t, r, &fs, &o, a, &err) == 0, "%s", err.msg);
        CHECK_MSG(m3_flowsim_run_indexed(t, x, &fs, &o, b, &err) == 0, "%s", err.msg);
        size_t bad = 0;
        for (size_t i = 0; i < nf; i++)
            bad += !(fabs(a[i] - b[i]) <= ENGINE_TOL * a[i]);
        CHECK_MSG(bad == 0, "%s: %zu flows differ indexed", m3_flowsim_engine_name(o.engine), bad);
    }
    o.engine = M3_FLOWSIM_AUTO;
    CHECK(m3_flowsim_estimate(t, r, &fs, &o, a, b, c, &err) == 0);
    CHECK(m3_flowsim_run_indexed(t, x, &fs, &o, d, &err) == 0);
    CHECK(m3_flowsim_estimate_from_fluid(t, x, &fs, &o, d, e, g, &err) == 0);
    double *ideal = calloc(nf, sizeof *ideal);
    CHECK(m3_ideal_fcts(t, r, &fs, o.mtu, o.header_bytes, o.rate_cap_bps, ideal, &err) == 0);
    size_t bad = 0;
    for (size_t i = 0; i < nf; i++)
        bad += a[i] != d[i] || b[i] != e[i] || c[i] != g[i] || g[i] != ideal[i];
    CHECK_MSG(bad == 0, "%zu flows: estimate in two steps differs", bad);
    /* an index of fewer flows */
    m3_flows half;
    set_flows(&half, v, nf / 2);
    m3_route_index *y = m3_route_index_new(r, &half, &err);
    CHECK(m3_flowsim_run_indexed(t, y, &fs, &o, d, &err) == -1);
    CHECK(strstr(err.msg, "route index holds 750 flows") != NULL);
    CHECK(m3_flowsim_estimate_from_fluid(t, y, &fs, &o, d, e, g, &err) == -1);
    m3_route_index_free(y);
    free(ideal);
    free(a);
    free(b);
    free(c);
    free(d);
    free(e);
    free(g);
    free(v);
    m3_route_index_free(x);
    m3_routing_free(r);
    m3_topology_free(t);
}

/* A flow alone: flowSim's estimate (fluid + base delay) is its ideal FCT. */
static void test_estimate_alone(void)
{
    m3_error err;
    m3_topology *t = m3_topology_fat_tree_m3(2, 4, 2, 1, 10e9, 40e9, 1000, &err);
    m3_routing *r = m3_routing_new(t, &err);
    m3_flow v[2] = {mk(0, 0, 15, 12345, 0), mk(1, 3, 2, 700, 1000000)};
    m3_flows fs;
    set_flows(&fs, v, 2);
    m3_flowsim_opts o;
    m3_flowsim_opts_default(&o);
    double fluid[2], fct[2], ideal[2];
    CHECK(m3_flowsim_estimate(t, r, &fs, &o, fluid, fct, ideal, &err) == 0);
    for (int i = 0; i < 2; i++) {
        CHECK_NEAR(fct[i], ideal[i], 1e-12);
        CHECK(fluid[i] < fct[i]);
    }
    CHECK_NEAR(fluid[0], m3_wire_bits(12345, 1000, 48) / 10, 1e-12);
    m3_routing_free(r);
    m3_topology_free(t);
}

/* Unsorted input is simulated by start time, FCTs still in input order. */
static void test_unsorted_input(void)
{
    double bps[1] = {10e9}, fct[2];
    m3_flow v[2] = {mk(0, 0, 1, 10000, 4192), mk(1, 0, 1, 10000, 0)};
    run_line(2, bps, v, 2, 0, fct);
    CHECK_NEAR(fct[1], 0.15 * W, 1e-9);
    CHECK_NEAR(fct[0], 0.2 * W - 4192, 1e-9);
}

/* The line engine splits the flows by direction and sorts each part when
 * the input is not in start order: a bursty workload in both directions
 * (many equal starts), shuffled, gives every flow the FCT it has in order. */
static void test_unsorted_both_directions(void)
{
    const uint32_t n = 7;
    const size_t nf = 3000;
    double bps[6] = {10e9, 40e9, 40e9, 40e9, 40e9, 10e9};
    m3_flow *v = calloc(nf, sizeof *v), *w = calloc(nf, sizeof *w);
    double *a = calloc(nf, sizeof *a), *b = calloc(nf, sizeof *b);
    size_t *perm = calloc(nf, sizeof *perm);
    uint64_t t = 0, s = 99;
    for (size_t i = 0; i < nf; i++) {
        uint32_t x = rnd(&s) % n, y = rnd(&s) % (n - 1);
        if (y >= x)
            y++;
        if (rnd(&s) % 3 == 0)
            t += rnd(&s) % 3000;
        v[i] = mk(i, x, y, 50 + rnd(&s) % 20000, t);
        perm[i] = i;
    }
    for (size_t i = nf - 1; i > 0; i--) {
        size_t j = rnd(&s) % (i + 1), x = perm[i];
        perm[i] = perm[j];
        perm[j] = x;
    }
    for (size_t i = 0; i < nf; i++)
        w[i] = v[perm[i]];
    run_line(n, bps, v, nf, 10e9, a);
    run_line(n, bps, w, nf, 10e9, b);
    size_t bad = 0;
    for (size_t i = 0; i < nf; i++)
        bad += !(fabs(b[i] - a[perm[i]]) <= 1e-9 * a[perm[i]]);
    CHECK_MSG(bad == 0, "%zu of %zu shuffled flows changed FCT", bad, nf);
    free(v);
    free(w);
    free(a);
    free(b);
    free(perm);
}

static void test_bad_input(void)
{
    double bps[1] = {10e9}, fct[1];
    m3_flow v[1] = {mk(7, 0, 3, 1000, 0)};
    m3_flows fs;
    set_flows(&fs, v, 1);
    m3_line l1 = mkline(1, bps, 0);
    m3_line l2 = mkline(2, bps, 0);
    m3_error err = {{0}};
    CHECK(m3_flowsim_run_line(&l2, &fs, M3_MTU_DEFAULT, M3_HEADER_BYTES, fct, &err) == -1);
    CHECK(strstr(err.msg, "flow 7") != NULL);
    CHECK(m3_flowsim_run_line(&l1, &fs, M3_MTU_DEFAULT, M3_HEADER_BYTES, fct, &err) == -1);
}

int main(void)
{
    test_wire_bits();
    test_one_flow();
    test_equal_flows();
    test_parking_lot_classic();
    test_staggered();
    test_rate_cap();
    test_reverse_direction_independent();
    test_unsorted_input();
    test_unsorted_both_directions();
    test_bad_input();
    test_line_earliest_untouched(); /* before the oracle runs: a broken shortcut can loop there */
    test_against_oracle(3, 3000, 1, 0);
    test_against_oracle(5, 3000, 2, 0);
    test_against_oracle(7, 4000, 3, 0);
    test_against_oracle(7, 4000, 4, 1);
    test_against_oracle_cap(7, 4000, 5, 0, 0);     /* no cap: every link a candidate */
    test_against_oracle_cap(7, 4000, 6, 1, 15e9);  /* two flows fit an inner link */
    test_against_oracle_cap(11, 4000, 7, 0, 10e9); /* longest line of the line engine */
    test_against_oracle_cap(12, 3000, 8, 0, 10e9); /* general engine behind run_line */
    test_line_fit_boundary();
    test_line_admission_needs_room();
    test_line_group_moves();
    test_line_cap_group_moves();
    test_line_release();
    test_line_insert();
    test_line_resolve_prefix();
    test_line_resolve_prefix_insert();
    for (uint64_t seed = 20; seed < 26; seed++) {
        test_line_shifting_bottlenecks(4, 3000, seed, 10e9);
        test_line_shifting_bottlenecks(7, 3000, seed + 100, seed % 2 ? 25e9 : 10e9);
        test_line_shifting_bottlenecks(11, 2000, seed + 200, seed % 3 ? 10e9 : 0);
    }
    test_topology_equals_line();
    test_estimate_alone();
    test_engine_names();
    test_incremental_unsorted();
    test_engines_parking_lots();
    test_engines_fat_trees();
    test_engines_random_topologies();
    test_indexed();
    return check_finish("test-flowsim");
}

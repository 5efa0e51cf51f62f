/* SPDX-License-Identifier: GPL-2.0-only */
/* test-line.c - lines (m3_line) and switch memory against oracles: the
 * line check refuses each class of bad input with a message naming it; a
 * flow alone gets its ideal FCT (hand-computed for two sizes) as flowSim's
 * estimate; equal flows share a link; the line of a routed parking-lot
 * path is the preset; the line's ideal FCT is m3_ideal_fct_ns on the same
 * topology links; m3_line_flowsim agrees flow by flow with
 * m3_flowsim_estimate on the equivalent parking lot; the switch pool of a
 * hand-computed switch. */
#include "check.h"
#include "m3.h"

#include <stdlib.h>
#include <string.h>

#define MTU M3_MTU_DEFAULT
#define HDR M3_HEADER_BYTES

static void set_flows(m3_flows *fs, m3_flow *v, size_t n)
{
    fs->v = v;
    fs->n = n;
    fs->cap = n;
}

static m3_flow mk(uint64_t id, uint32_t s, uint32_t d, uint64_t size, uint64_t start)
{
    m3_flow f = {id, s, d, 3, 10000, 100, size, start};
    return f;
}

/* m3's preset on 7 positions, 1 us links, 10 Gbps cap */
static m3_line preset7(void)
{
    m3_line l;
    m3_error err;
    CHECK_MSG(m3_line_preset(&l, 7, 10e9, 40e9, 1000, 10e9, &err) == 0, "%s", err.msg);
    return l;
}

/* `l` refused by m3_line_check and by both flowSim line engines, each
 * with a message containing `want`. */
static void check_refused(const m3_line *l, const char *want, const char *what)
{
    m3_flow v[1] = {mk(0, 0, 1, 1000, 0)};
    m3_flows fs;
    set_flows(&fs, v, 1);
    double fct[1];
    m3_error err = {{0}};
    CHECK_MSG(m3_line_check(l, &err) == -1, "%s accepted", what);
    CHECK_MSG(strstr(err.msg, want) != NULL, "%s: \"%s\" lacks \"%s\"", what, err.msg, want);
    memset(&err, 0, sizeof err);
    CHECK_MSG(m3_flowsim_run_line(l, &fs, MTU, HDR, fct, &err) == -1, "%s: run_line", what);
    CHECK_MSG(strstr(err.msg, want) != NULL, "%s: run_line: \"%s\"", what, err.msg);
    memset(&err, 0, sizeof err);
    CHECK_MSG(m3_flowsim_run_line_naive(l, &fs, MTU, HDR, fct, &err) == -1, "%s: naive", what);
    CHECK_MSG(strstr(err.msg, want) != NULL, "%s: naive: \"%s\"", what, err.msg);
    memset(&err, 0, sizeof err);
    CHECK_MSG(m3_line_flowsim(l, &fs, MTU, HDR, fct, NULL, NULL, &err) == -1, "%s: flowsim", what);
    CHECK_MSG(strstr(err.msg, want) != NULL, "%s: line_flowsim: \"%s\"", what, err.msg);
}

static void test_check(void)
{
    m3_error err;
    m3_line good = preset7(), l;
    CHECK(m3_line_check(&good, &err) == 0);
    /* the longest line is accepted, one more position is not */
    CHECK_MSG(m3_line_preset(&l, M3_LINE_MAX_POSITIONS, 10e9, 40e9, 1000, 0, &err) == 0, "%s",
              err.msg);
    l = good;
    l.n = 1;
    check_refused(&l, "1 positions", "n = 1");
    l.n = M3_LINE_MAX_POSITIONS + 1;
    check_refused(&l, "66 positions", "n = 66");
    CHECK(m3_line_preset(&l, M3_LINE_MAX_POSITIONS + 1, 10e9, 40e9, 1000, 0, &err) == -1);
    l = good;
    l.link_bps[2] = 0;
    check_refused(&l, "link 2 rate 0", "rate 0");
    l = good;
    l.link_bps[3] = NAN;
    check_refused(&l, "link 3 rate nan", "rate NaN");
    l = good;
    l.link_bps[5] = INFINITY;
    check_refused(&l, "link 5 rate inf", "rate inf");
    l = good;
    l.link_bps[0] = -10e9;
    check_refused(&l, "link 0 rate -1e+10", "negative rate");
    l = good;
    l.cap_bps = -1;
    check_refused(&l, "cap -1", "negative cap");
    l = good;
    l.cap_bps = NAN;
    check_refused(&l, "cap nan", "NaN cap");
    l = good;
    l.delay_ns[1] = 1000000001;
    check_refused(&l, "link 1 delay 1000000001", "delay 1 s + 1 ns");
    l.delay_ns[1] = 1000000000;
    CHECK(m3_line_check(&l, &err) == 0);
    /* links past the line's end are not read */
    l = good;
    l.link_bps[6] = NAN;
    CHECK(m3_line_check(&l, &err) == 0);
    /* the parking lot takes the same range */
    m3_topology *t = m3_topology_parking_lot(M3_LINE_MAX_POSITIONS, 10e9, 40e9, 40e9, 1000, &err);
    CHECK_MSG(t != NULL, "%s", err.msg);
    m3_topology_free(t);
    CHECK(m3_topology_parking_lot(M3_LINE_MAX_POSITIONS + 1, 10e9, 40e9, 40e9, 1000, &err) == NULL);
}

/* A flow alone: the estimate (fluid + base delay) is its ideal FCT, for
 * every size around the MTU and positions on edge and inner links, in
 * both directions; two sizes' ideal hand-computed. */
static void test_solo(void)
{
    static const uint64_t sizes[5] = {1, 999, 1000, 1001, 1000000};
    static const uint32_t pos[7][2] = {{0, 6}, {1, 2}, {2, 5}, {6, 0}, {3, 1}, {0, 1}, {5, 6}};
    m3_line l = preset7();
    for (int c = 0; c < 2; c++) {
        l.cap_bps = c ? 0 : 10e9;
        for (int s = 0; s < 5; s++)
            for (int p = 0; p < 7; p++) {
                m3_flow v[1] = {mk(9, pos[p][0], pos[p][1], sizes[s], 12345)};
                m3_flows fs;
                set_flows(&fs, v, 1);
                double fluid, fct, ideal;
                m3_error err;
                CHECK_MSG(m3_line_flowsim(&l, &fs, MTU, HDR, &fluid, &fct, &ideal, &err) == 0, "%s",
                          err.msg);
                CHECK_MSG(fabs(fct - ideal) <= 1e-9 * ideal,
                          "cap %g size %llu %u -> %u: fct %.12g ideal %.12g", l.cap_bps,
                          (unsigned long long)sizes[s], pos[p][0], pos[p][1], fct, ideal);
                CHECK(ideal == m3_line_ideal_ns(&l, pos[p][0], pos[p][1], sizes[s], MTU, HDR));
                /* the fluid FCT: wire bits at the bottleneck */
                uint32_t lo = pos[p][0] < pos[p][1] ? pos[p][0] : pos[p][1];
                uint32_t hi = pos[p][0] ^ pos[p][1] ^ lo;
                double b = l.cap_bps > 0 ? l.cap_bps : 1e300;
                for (uint32_t k = lo; k < hi; k++)
                    b = l.link_bps[k] < b ? l.link_bps[k] : b;
                CHECK_NEAR(fluid, m3_wire_bits(sizes[s], MTU, HDR) / b * 1e9, 1e-12);
            }
    }
    /* 0 -> 6, 1000 B: 6 us of propagation; 1048 B stored and forwarded
     * twice at 10 Gbps (838.4 ns) and four times at 40 (209.6 ns) */
    l.cap_bps = 10e9;
    CHECK_NEAR(m3_line_ideal_ns(&l, 0, 6, 1000, MTU, HDR), 8515.2, 1e-12);
    /* 1001 B: one more byte and one more header at 10 Gbps */
    CHECK_NEAR(m3_line_ideal_ns(&l, 0, 6, 1001, MTU, HDR), 8515.2 + 0.8 + 38.4, 1e-12);
    CHECK(m3_line_ideal_ns(&l, 2, 2, 1000, MTU, HDR) == 0);
    CHECK(isnan(m3_line_ideal_ns(&l, 0, 7, 1000, MTU, HDR)));
    CHECK(isnan(m3_line_ideal_ns(&l, 0, 6, 1000, 0, HDR)));
}

/* Two equal flows on one link take twice as long as one alone: on a
 * 10 Gbps edge link under the cap, and on a 40 Gbps inner link without. */
static void test_two_equal(void)
{
    m3_line l = preset7();
    static const uint32_t pos[2][2] = {{0, 1}, {2, 3}};
    for (int c = 0; c < 2; c++) {
        l.cap_bps = c ? 0 : 10e9;
        m3_flow v[2] = {mk(0, pos[c][0], pos[c][1], 50000, 100),
                        mk(1, pos[c][0], pos[c][1], 50000, 100)};
        m3_flows fs;
        set_flows(&fs, v, 1);
        double alone, two[2];
        m3_error err;
        CHECK(m3_line_flowsim(&l, &fs, MTU, HDR, &alone, NULL, NULL, &err) == 0);
        fs.n = 2;
        CHECK(m3_line_flowsim(&l, &fs, MTU, HDR, two, NULL, NULL, &err) == 0);
        CHECK_NEAR(two[0], 2 * alone, 1e-12);
        CHECK_NEAR(two[1], 2 * alone, 1e-12);
    }
}

/* Outputs may be NULL: fct alone (fluid in scratch), ideal alone. Bad
 * flows and a zero MTU are refused. */
static void test_outputs(void)
{
    m3_line l = preset7();
    m3_flow v[3] = {mk(0, 0, 6, 30000, 0), mk(1, 2, 4, 20000, 1000), mk(2, 5, 1, 7000, 1500)};
    m3_flows fs;
    set_flows(&fs, v, 3);
    double fluid[3], fct[3], ideal[3], fct2[3], ideal2[3];
    m3_error err = {{0}};
    CHECK(m3_line_flowsim(&l, &fs, MTU, HDR, fluid, fct, ideal, &err) == 0);
    CHECK(m3_line_flowsim(&l, &fs, MTU, HDR, NULL, fct2, NULL, &err) == 0);
    CHECK(m3_line_flowsim(&l, &fs, MTU, HDR, NULL, NULL, ideal2, &err) == 0);
    for (int i = 0; i < 3; i++) {
        CHECK(fct2[i] == fct[i]);
        CHECK(ideal2[i] == ideal[i]);
        CHECK(fct[i] >= fluid[i]);
    }
    CHECK(m3_line_flowsim(&l, &fs, MTU, HDR, NULL, NULL, NULL, &err) == 0);
    v[1].dst = 7;
    CHECK(m3_line_flowsim(&l, &fs, MTU, HDR, NULL, NULL, ideal, &err) == -1);
    CHECK(strstr(err.msg, "flow 1") != NULL);
    v[1].dst = 4;
    CHECK(m3_line_flowsim(&l, &fs, 0, HDR, fluid, NULL, NULL, &err) == -1);
    CHECK(strstr(err.msg, "mtu") != NULL);
}

/* The routed path 0 -> n-1 of m3's parking lot is the preset; a broken
 * chain of links is refused. */
static void test_from_path(void)
{
    const uint32_t n = 7;
    m3_error err;
    m3_topology *t = m3_topology_parking_lot(n, 10e9, 40e9, 1e15, 1000, &err);
    m3_routing *r = m3_routing_new(t, &err);
    CHECK(t && r);
    if (!t || !r)
        return;
    m3_flow fl = mk(0, 0, n - 1, 1000, 0);
    uint32_t dl[M3_MAX_PATH_LINKS];
    int k = m3_routing_path(r, &fl, dl, M3_MAX_PATH_LINKS, &err);
    CHECK(k == (int)n - 1);
    m3_line a, b = preset7();
    CHECK_MSG(m3_line_from_path(&a, t, dl, k, 10e9, &err) == 0, "%s", err.msg);
    CHECK(a.n == b.n && a.cap_bps == b.cap_bps);
    for (uint32_t i = 0; i + 1 < n; i++) {
        CHECK(a.link_bps[i] == b.link_bps[i]);
        CHECK(a.delay_ns[i] == b.delay_ns[i]);
    }
    /* the reverse route gives the same line, mirrored (the preset is) */
    fl = mk(0, n - 1, 0, 1000, 0);
    k = m3_routing_path(r, &fl, dl, M3_MAX_PATH_LINKS, &err);
    CHECK(m3_line_from_path(&a, t, dl, k, 10e9, &err) == 0);
    for (uint32_t i = 0; i + 1 < n; i++)
        CHECK(a.link_bps[i] == b.link_bps[n - 2 - i]);
    /* links 0 and 2 do not meet */
    uint32_t gap[2] = {0, 4};
    CHECK(m3_line_from_path(&a, t, gap, 2, 0, &err) == -1);
    CHECK_MSG(strstr(err.msg, "path link 1") != NULL, "%s", err.msg);
    /* a link against its direction */
    uint32_t back[2] = {0, 3};
    CHECK(m3_line_from_path(&a, t, back, 2, 0, &err) == -1);
    uint32_t bad[1] = {2 * m3_topology_num_links(t)};
    CHECK(m3_line_from_path(&a, t, bad, 1, 0, &err) == -1);
    CHECK(m3_line_from_path(&a, t, dl, 0, 0, &err) == -1);
    CHECK(m3_line_from_path(&a, t, dl, 1, -5, &err) == -1); /* the cap is checked too */
    m3_routing_free(r);
    m3_topology_free(t);
}

/* m3_line_ideal_ns is m3_ideal_fct_ns over the parking lot's line links,
 * both directions, every pair, with and without a cap. */
static void test_ideal_equals_topology(void)
{
    const uint32_t n = 7;
    static const uint64_t sizes[4] = {1, 1000, 1001, 123456};
    m3_error err;
    m3_topology *t = m3_topology_parking_lot(n, 10e9, 40e9, 1e15, 1000, &err);
    CHECK(t != NULL);
    if (!t)
        return;
    m3_line l = preset7();
    for (int c = 0; c < 2; c++) {
        l.cap_bps = c ? 0 : 10e9;
        for (uint32_t i = 0; i < n; i++)
            for (uint32_t j = 0; j < n; j++) {
                if (i == j)
                    continue;
                uint32_t dl[M3_MAX_PATH_LINKS], k = 0;
                if (i < j)
                    for (uint32_t x = i; x < j; x++)
                        dl[k++] = 2 * x; /* line link x is topology link x, a -> b */
                else
                    for (uint32_t x = i; x-- > j;)
                        dl[k++] = 2 * x + 1;
                for (int s = 0; s < 4; s++) {
                    double a = m3_line_ideal_ns(&l, i, j, sizes[s], MTU, HDR);
                    double b = m3_ideal_fct_ns(t, dl, (int)k, sizes[s], MTU, HDR, l.cap_bps);
                    CHECK_MSG(a == b, "%u -> %u size %llu: %.17g vs %.17g", i, j,
                              (unsigned long long)sizes[s], a, b);
                }
            }
    }
    m3_topology_free(t);
}

/* m3_line_flowsim against m3_flowsim_estimate on the equivalent parking
 * lot: mid-path hosts on links so much faster than the 10 Gbps cap that
 * they neither bottleneck a flow nor add a measurable store-and-forward
 * (8384 bits at 1e15 bps, the fastest rate the core accepts: 8.4e-3 ns,
 * up to 1.3e-5 of the shortest ideal FCTs, hence the 2e-5 tolerance on
 * the FCT and ideal columns; fluid FCTs agree to 1e-6). Flows of m3's path recipe, some
 * turned around so both directions run. */
static void test_flowsim_equals_estimate(uint32_t n, uint64_t seed)
{
    m3_error err;
    m3_flows f;
    m3_flows_init(&f);
    CHECK_MSG(m3_workload_path_m3(n, 3000, seed, &f, &err) == 0, "%s", err.msg);
    for (size_t i = 0; i < f.n; i += 3) {
        uint32_t x = f.v[i].src;
        f.v[i].src = f.v[i].dst;
        f.v[i].dst = x;
    }
    m3_flows_assign_sports(&f);
    m3_topology *t = m3_topology_parking_lot(n, 10e9, 40e9, M3_RATE_MAX_BPS, 1000, &err);
    m3_routing *r = t ? m3_routing_new(t, &err) : NULL;
    CHECK(t && r);
    m3_line l;
    CHECK(m3_line_preset(&l, n, 10e9, 40e9, 1000, 10e9, &err) == 0);
    double *a = calloc(6 * f.n, sizeof *a);
    double *fl_a = a, *fct_a = a + f.n, *id_a = a + 2 * f.n;
    double *fl_b = a + 3 * f.n, *fct_b = a + 4 * f.n, *id_b = a + 5 * f.n;
    m3_flowsim_opts o;
    m3_flowsim_opts_default(&o);
    o.rate_cap_bps = 10e9;
    CHECK_MSG(m3_line_flowsim(&l, &f, MTU, HDR, fl_a, fct_a, id_a, &err) == 0, "%s", err.msg);
    CHECK_MSG(m3_flowsim_estimate(t, r, &f, &o, fl_b, fct_b, id_b, &err) == 0, "%s", err.msg);
    size_t bad = 0;
    for (size_t i = 0; i < f.n; i++)
        bad += !(fabs(fl_a[i] - fl_b[i]) <= 1e-6 * fl_b[i]) ||
               !(fabs(fct_a[i] - fct_b[i]) <= 2e-5 * fct_b[i]) ||
               !(fabs(id_a[i] - id_b[i]) <= 2e-5 * id_b[i]);
    CHECK_MSG(bad == 0, "n=%u seed=%llu: %zu of %zu flows differ", n, (unsigned long long)seed, bad,
              f.n);
    free(a);
    m3_routing_free(r);
    m3_topology_free(t);
    m3_flows_free(&f);
}

/* Switch 4 with four hosts: 10 Gbps 1 us, 40 Gbps 1.5 us, 25 Gbps 333 ns,
 * 100 Gbps 7 ns. Headrooms 3 x rate x delay / 8: 3750, 22500, 3121.875 ->
 * 3122, 262.5 -> 263 (llround: half away from zero); plus 2244 and a
 * 4096 B reserve per port: 1e6 - 29635 - 8976 - 16384 = 945005. */
static void test_switch_pool(void)
{
    m3_error err;
    m3_topology *t = m3_topology_new(5, &err);
    CHECK(m3_topology_set_switch(t, 4, &err) == 0);
    static const double gbps[4] = {10, 40, 25, 100};
    static const uint64_t delay[4] = {1000, 1500, 333, 7};
    for (uint32_t h = 0; h < 4; h++) {
        m3_link ln = {h, 4, gbps[h] * 1e9, delay[h], 0};
        CHECK(m3_topology_add_link(t, &ln, &err) >= 0);
    }
    CHECK(M3_RESERVE_BYTES == 4096 && M3_PFC_HEADROOM_EXTRA_BYTES == 2244);
    CHECK(m3_switch_pool_bytes(t, 4, 1e6) == 945005);
    CHECK(m3_switch_pool_bytes(t, 4, 50000) == 50000 - 1e6 + 945005); /* negative */
    /* a host has one port */
    CHECK(m3_switch_pool_bytes(t, 1, 1e6) == 1e6 - 22500 - 2244 - 4096);
    CHECK(isnan(m3_switch_pool_bytes(t, 5, 1e6)));
    m3_topology_free(t);
    /* m3's parking lot: position 1's switch has line links 0 (10 Gbps) and
     * 1 (40 Gbps), 1 us each, and its host on a link without delay */
    t = m3_topology_parking_lot(7, 10e9, 40e9, 40e9, 1000, &err);
    CHECK(m3_switch_pool_bytes(t, m3_parking_lot_position_node(7, 1), 1e6) ==
          1e6 - 3750 - 15000 - 3 * (2244 + 4096));
    m3_topology_free(t);
}

/* Several hosts per mid position: mid_hosts 1 is the parking lot link for
 * link; with 3, every extra host hangs off its position's switch, a flow
 * from any of a position's hosts routes over the same line links as from
 * its first host, and spreading flows keeps the end positions, puts every
 * mid end on one of its position's hosts, reaches all of them and is
 * reproducible. */
static void test_mid_hosts(void)
{
    m3_error err;
    const uint32_t n = 5, mh = 3;
    m3_topology *a = m3_topology_parking_lot(n, 10e9, 40e9, 40e9, 1000, &err);
    m3_topology *b = m3_topology_parking_lot_hosts(n, 10e9, 40e9, 40e9, 1, 1000, &err);
    CHECK(a && b && m3_topology_num_links(a) == m3_topology_num_links(b));
    for (uint32_t i = 0; a && b && i < m3_topology_num_links(a); i++)
        CHECK(!memcmp(m3_topology_link(a, i), m3_topology_link(b, i), sizeof(m3_link)));
    m3_topology_free(a);
    m3_topology_free(b);
    CHECK(m3_topology_parking_lot_hosts(n, 10e9, 40e9, 40e9, 0, 1000, &err) == NULL);
    CHECK(m3_topology_parking_lot_hosts(n, 10e9, 40e9, 40e9, 65, 1000, &err) == NULL);

    m3_topology *t = m3_topology_parking_lot_hosts(n, 10e9, 40e9, 10e9, mh, 1000, &err);
    CHECK_MSG(t != NULL, "%s", err.msg);
    if (!t)
        return;
    CHECK(m3_topology_num_hosts(t) == n + (n - 2) * (mh - 1));
    CHECK(m3_topology_num_links(t) == (n - 1) + (n - 2) * mh);
    m3_routing *r = m3_routing_new(t, &err);
    CHECK(r != NULL);
    for (uint32_t p = 1; r && p + 1 < n; p++)
        for (uint32_t k = 0; k < mh; k++) {
            uint32_t h = m3_parking_lot_host(n, mh, p, k);
            CHECK(!m3_topology_is_switch(t, h));
            m3_flow f = mk(1, h, n - 1, 1000, 0);
            uint32_t dl[M3_MAX_PATH_LINKS];
            int len = m3_routing_path(r, &f, dl, M3_MAX_PATH_LINKS, &err);
            /* host link, then line links p .. n-2 (topology links p .. n-2) */
            CHECK(len == (int)(n - p));
            CHECK(m3_dlink_src(t, dl[0]) == h);
            CHECK(m3_dlink_dst(t, dl[0]) == m3_parking_lot_position_node(n, p));
            for (int j = 1; j < len; j++)
                CHECK(dl[j] / 2 == p + (uint32_t)j - 1);
        }
    m3_routing_free(r);

    m3_flows fs, again;
    m3_flows_init(&fs);
    m3_flows_init(&again);
    for (uint32_t i = 0; i < 600; i++) {
        m3_flow f = mk(i, i % n, (i / n) % n, 1000, i);
        if (f.src != f.dst) {
            m3_flows_push(&fs, &f, &err);
            m3_flows_push(&again, &f, &err);
        }
    }
    m3_flows before = fs;
    before.v = malloc(fs.n * sizeof *fs.v);
    memcpy(before.v, fs.v, fs.n * sizeof *fs.v);
    m3_parking_lot_spread_flows(&fs, n, mh);
    m3_parking_lot_spread_flows(&again, n, mh);
    CHECK(m3_flows_equal(&fs, &again));
    int seen[M3_LINE_MAX_POSITIONS][4] = {{0}};
    for (size_t i = 0; i < fs.n; i++)
        for (int end = 0; end < 2; end++) {
            uint32_t p = end ? before.v[i].dst : before.v[i].src;
            uint32_t h = end ? fs.v[i].dst : fs.v[i].src;
            if (p == 0 || p == n - 1) {
                CHECK(h == p);
                continue;
            }
            int k = -1;
            for (uint32_t q = 0; q < mh; q++)
                if (m3_parking_lot_host(n, mh, p, q) == h)
                    k = (int)q;
            CHECK_MSG(k >= 0, "flow %zu end %d: host %u is not one of position %u's", i, end, h, p);
            if (k >= 0)
                seen[p][k]++;
        }
    for (uint32_t p = 1; p + 1 < n; p++)
        for (uint32_t k = 0; k < mh; k++)
            CHECK_MSG(seen[p][k] > 20, "position %u host %u: %d flow ends", p, k, seen[p][k]);
    free(before.v);
    m3_flows_free(&fs);
    m3_flows_free(&again);
    m3_topology_free(t);
}

int main(void)
{
    test_mid_hosts();
    test_check();
    test_solo();
    test_two_equal();
    test_outputs();
    test_from_path();
    test_ideal_equals_topology();
    test_flowsim_equals_estimate(7, 1);
    test_flowsim_equals_estimate(7, 2);
    test_flowsim_equals_estimate(4, 3);
    test_flowsim_equals_estimate(16, 4); /* past the line engine: the general one */
    test_switch_pool();
    return check_finish("test-line");
}

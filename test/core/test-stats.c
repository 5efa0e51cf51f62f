/* SPDX-License-Identifier: GPL-2.0-only */
/* test-stats.c - the ideal FCT formula, slowdown, nearest-rank percentiles
 * and per-bucket summaries. */
#include "check.h"
#include "m3.h"

#include <stdlib.h>

static void test_ideal_fct(void)
{
    m3_error err;
    m3_topology *t = m3_topology_new(3, &err);
    m3_topology_set_switch(t, 1, &err);
    m3_link a = {0, 1, 10e9, 1000, 0}, b = {1, 2, 40e9, 1000, 0};
    m3_topology_add_link(t, &a, &err);
    m3_topology_add_link(t, &b, &err);
    uint32_t one[1] = {0}, two[2] = {0, 2};
    /* one packet, one link: 1 us + 1048 B at 10 Gbps */
    CHECK_NEAR(m3_ideal_fct_ns(t, one, 1, 1000, 1000, 48, 0), 1000 + 838.4, 1e-12);
    /* tiny flow: 60 B on the wire... the formula uses size + header */
    CHECK_NEAR(m3_ideal_fct_ns(t, one, 1, 10, 1000, 48, 0), 1000 + 58 * 0.8, 1e-12);
    /* 3000 B over 10G + 40G: 2 us + first packet stored at both hops
     * (838.4 + 209.6) + 2000 B at 10G (1600) + 2 more headers (76.8) */
    CHECK_NEAR(m3_ideal_fct_ns(t, two, 2, 3000, 1000, 48, 0), 2000 + 1048 + 1600 + 76.8, 1e-12);
    /* the NIC cap lowers the bottleneck for the streaming part only */
    CHECK_NEAR(m3_ideal_fct_ns(t, two + 1, 1, 3000, 1000, 48, 10e9), 1000 + 209.6 + 1600 + 76.8,
               1e-12);
    /* exactly one MTU more: the extra header count is floor((size-1)/MTU) */
    CHECK_NEAR(m3_ideal_fct_ns(t, one, 1, 2000, 1000, 48, 0), 1000 + 838.4 + 800 + 38.4, 1e-12);
    m3_topology_free(t);
}

static void test_slowdown(void)
{
    CHECK_NEAR(m3_slowdown(300, 100), 3, 0);
    CHECK_NEAR(m3_slowdown(50, 100), 1, 0); /* clipped */
    CHECK_NEAR(m3_slowdown(50, 0), 1, 0);
}

static void test_percentiles(void)
{
    double v[100];
    for (int i = 0; i < 100; i++)
        v[i] = i + 1;
    CHECK(m3_percentile_sorted(v, 100, 50) == 50);
    CHECK(m3_percentile_sorted(v, 100, 99) == 99);
    CHECK(m3_percentile_sorted(v, 100, 100) == 100);
    CHECK(m3_percentile_sorted(v, 100, 1) == 1);
    CHECK(m3_percentile_sorted(v, 100, 0.5) == 1);
    CHECK(m3_percentile_sorted(v, 10, 99) == 10);
    CHECK(m3_percentile_sorted(v, 10, 50) == 5);
    CHECK(m3_percentile_sorted(v, 1, 50) == 1);
    CHECK(isnan(m3_percentile_sorted(v, 0, 50)));
}

static void test_summary(void)
{
    uint64_t bounds[3];
    CHECK(m3_default_buckets(bounds) == 4);
    uint64_t sizes[8] = {1, 999, 1000, 9999, 10000, 49999, 50000, 1000000};
    double sd[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    m3_summary s;
    m3_error err;
    CHECK(m3_summarize(sizes, sd, 8, bounds, 4, &s, &err) == 0);
    CHECK(s.overall.n == 8 && s.overall.p50 == 4 && s.overall.p99 == 8);
    for (int b = 0; b < 4; b++) {
        CHECK(s.buckets[b].n == 2);
        CHECK(s.buckets[b].p50 == 2 * b + 1 && s.buckets[b].p99 == 2 * b + 2);
    }
    CHECK(s.buckets[0].lo == 0 && s.buckets[0].hi == 1000);
    CHECK(s.buckets[3].lo == 50000 && s.buckets[3].hi == UINT64_MAX);
    uint64_t bad[3] = {1000, 1000, 5};
    CHECK(m3_summarize(sizes, sd, 8, bad, 4, &s, &err) == -1);
}

int main(void)
{
    test_ideal_fct();
    test_slowdown();
    test_percentiles();
    test_summary();
    return check_finish("test-stats");
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* test-stats.c - the ideal FCT formula, slowdown, nearest-rank percentiles
 * and per-bucket summaries (below and above the radix sort's threshold). */
#include "check.h"
#include "m3.h"

#include <math.h>
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

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Above 65,536 values the summaries sort by radix (m3_sort_doubles): the
 * same percentiles as qsort, per bucket and p1..p100, on values with ties,
 * an infinity, and values from 1 to above 1e10. */
static void test_summary_large(void)
{
    enum { N = 200003 };
    uint64_t bounds[3], *sizes = malloc(N * sizeof *sizes);
    double *sd = malloc(N * sizeof *sd), *fct = malloc(N * sizeof *fct);
    double *ideal = malloc(N * sizeof *ideal), *sorted = malloc(N * sizeof *sorted);
    m3_flows f;
    m3_flows_init(&f);
    m3_error err;
    CHECK(m3_default_buckets(bounds) == 4);
    uint64_t x = 12345;
    for (size_t i = 0; i < N; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        sizes[i] = 1 + (x >> 40) % 100000;
        double u = (double)(x >> 11) / 9007199254740992.0; /* [0, 1) */
        sd[i] = i % 7 == 0 ? 1.0 : i == 5 ? INFINITY : 1.0 / (1e-300 + u * u * u);
        fct[i] = sd[i] * 1000; /* slowdown fct / ideal, >= 1 */
        ideal[i] = 1000;
        m3_flow fl = {.id = i, .src = 0, .dst = 1, .size = sizes[i], .start_ns = i};
        CHECK(m3_flows_push(&f, &fl, &err) == 0);
    }
    m3_summary s;
    CHECK(m3_summarize(sizes, sd, N, bounds, 4, &s, &err) == 0);
    for (int b = -1; b < 4; b++) {
        size_t k = 0;
        for (size_t i = 0; i < N; i++)
            if (b < 0 || ((!b || sizes[i] >= bounds[b - 1]) && (b == 3 || sizes[i] < bounds[b])))
                sorted[k++] = sd[i];
        qsort(sorted, k, sizeof *sorted, cmp_double);
        const m3_bucket_stats *got = b < 0 ? &s.overall : &s.buckets[b];
        CHECK(got->n == k);
        CHECK(got->p50 == m3_percentile_sorted(sorted, k, 50));
        CHECK(got->p90 == m3_percentile_sorted(sorted, k, 90));
        CHECK(got->p99 == m3_percentile_sorted(sorted, k, 99));
    }
    m3_result r;
    m3_result_init(&r, "flowsim");
    CHECK(m3_result_set_fcts(&r, &f, fct, ideal, NULL, &err) == 0);
    size_t k = 0; /* the infinite FCT is an unfinished flow */
    for (size_t i = 0; i < N; i++)
        if (isfinite(fct[i]))
            sorted[k++] = m3_slowdown(fct[i], ideal[i]);
    qsort(sorted, k, sizeof *sorted, cmp_double);
    CHECK(r.unfinished == 1 && k == N - 1);
    for (int q = 0; q < M3_RESULT_PCTS; q++)
        CHECK(r.pct[q] == m3_percentile_sorted(sorted, k, q + 1));
    CHECK(r.pct[M3_RESULT_PCTS - 1] > 1e10);
    m3_result_free(&r);
    m3_flows_free(&f);
    free(sizes);
    free(sd);
    free(fct);
    free(ideal);
    free(sorted);
}

int main(void)
{
    test_ideal_fct();
    test_slowdown();
    test_percentiles();
    test_summary();
    test_summary_large();
    return check_finish("test-stats");
}

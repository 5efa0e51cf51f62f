/* SPDX-License-Identifier: GPL-2.0-only */
/* test-workload.c - size distributions, workload generation and m3's path
 * recipe: sampled means, achieved load (recomputed here independently),
 * determinism, traffic matrices, and CDF file errors. */
#include "check.h"
#include "m3.h"
#include "workload-internal.h"

#include <stdlib.h>
#include <string.h>

/* Mean of n draws. */
static double sampled_mean(const m3_size_dist *d, size_t n, unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += (double)m3_size_dist_draw(d, r);
    gsl_rng_free(r);
    return s / (double)n;
}

static void test_synthetic_means(void)
{
    static const struct {
        m3_size_kind k;
        double shape;
        const char *name;
    } fam[] = {
        {M3_SIZE_EXP, 0, "exp"},
        {M3_SIZE_GAUSSIAN, 0, "gaussian"},
        {M3_SIZE_GAUSSIAN, 1.0, "gauss1"},
        {M3_SIZE_LOGNORMAL, 1.0, "lognormal1"},
        {M3_SIZE_LOGNORMAL, 2.0, "lognormal2"},
        {M3_SIZE_PARETO, 0.1, "pareto.1"},
        {M3_SIZE_PARETO, 0.4, "pareto.4"},
    };
    static const double means[] = {100, 1e3, 3e4, 1e5};
    m3_error err;
    double worst = 0;
    for (size_t f = 0; f < sizeof fam / sizeof fam[0]; f++)
        for (size_t m = 0; m < sizeof means / sizeof means[0]; m++) {
            m3_size_dist *d = m3_size_dist_synthetic(fam[f].k, means[m], fam[f].shape, 50, &err);
            CHECK_MSG(d != NULL, "%s", err.msg);
            if (!d)
                continue;
            double exact = m3_size_dist_mean(d);
            double got = sampled_mean(d, 2000000, 7 + f * 10 + m);
            CHECK_NEAR(exact, means[m], 1e-6);
            CHECK_MSG(fabs(got / exact - 1) < 0.02, "%s mean %g: sampled %g vs %g", fam[f].name,
                      means[m], got, exact);
            if (fabs(got / exact - 1) > worst)
                worst = fabs(got / exact - 1);
            m3_size_dist_free(d);
        }
    printf("synthetic: worst |sampled/exact - 1| = %.4f%%\n", 100 * worst);

    /* Bad parameters. */
    CHECK(!m3_size_dist_synthetic(M3_SIZE_PARETO, 1e4, 1.0, 50, &err));
    CHECK(!m3_size_dist_synthetic(M3_SIZE_LOGNORMAL, 1e4, 0, 50, &err));
    CHECK(!m3_size_dist_synthetic(M3_SIZE_EXP, 40, 0, 50, &err));
    CHECK(!m3_size_dist_synthetic(M3_SIZE_CDF, 1e4, 0, 50, &err));
}

static void test_minimum(void)
{
    m3_error err;
    m3_size_dist *d = m3_size_dist_synthetic(M3_SIZE_LOGNORMAL, 200, 2.0, 50, &err);
    CHECK(d != NULL);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    uint64_t lo = UINT64_MAX;
    for (int i = 0; i < 100000; i++) {
        uint64_t s = m3_size_dist_draw(d, r);
        if (s < lo)
            lo = s;
    }
    CHECK(lo == 50);
    gsl_rng_free(r);
    m3_size_dist_free(d);
}

static void test_builtin_means(void)
{
    m3_error err;
    const char *const *names = m3_size_dist_builtin_names();
    int count = 0;
    for (; names[count]; count++) {
        m3_size_dist *d = m3_size_dist_builtin(names[count], &err);
        CHECK_MSG(d != NULL, "%s", err.msg);
        if (!d)
            continue;
        double exact = m3_size_dist_mean(d);
        double got = sampled_mean(d, 4000000, 100 + count);
        printf("builtin %-10s mean %12.1f B, sampled %12.1f (%+.3f%%)\n", names[count], exact, got,
               100 * (got / exact - 1));
        CHECK_MSG(fabs(got / exact - 1) < 0.03, "%s: %g vs %g", names[count], got, exact);
        m3_size_dist_free(d);
    }
    CHECK(count == 5);
    CHECK(!m3_size_dist_builtin("nope", &err));
    CHECK(strstr(err.msg, "websearch") != NULL);
}

/* Writes `text` to `path`. */
static void put(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    fputs(text, fp);
    fclose(fp);
}

static void expect_cdf_error(const char *text, const char *where)
{
    const char *path = "tmp-test-workload.cdf";
    m3_error err = {{0}};
    put(path, text);
    m3_size_dist *d = m3_size_dist_read(path, &err);
    CHECK_MSG(!d && strstr(err.msg, where), "expected '%s' in '%s'", where, err.msg);
    m3_size_dist_free(d);
    remove(path);
}

static void test_cdf_file(void)
{
    const char *path = "tmp-test-workload.cdf";
    m3_error err;
    put(path, "# size cdf\n100 0\n\n200 0.5   # half\n400 1\n");
    m3_size_dist *d = m3_size_dist_read(path, &err);
    CHECK_MSG(d != NULL, "%s", err.msg);
    if (d) {
        CHECK_NEAR(m3_size_dist_mean(d), 0.5 * 150 + 0.5 * 300, 1e-12);
        CHECK_NEAR(sampled_mean(d, 400000, 3), 225, 0.01);
        m3_size_dist_free(d);
    }
    remove(path);
    expect_cdf_error("100 0\n200 0.5\n200 1\n", "tmp-test-workload.cdf:3:");
    expect_cdf_error("100 0\n200 0.5\n150 1\n", "tmp-test-workload.cdf:3:");
    expect_cdf_error("100 0\n200 1.5\n", "tmp-test-workload.cdf:2:");
    expect_cdf_error("100 0.2\n200 0.1\n300 1\n", "tmp-test-workload.cdf:2:");
    expect_cdf_error("# c\n100 0\n200 0.9\n", "tmp-test-workload.cdf:3:");
    expect_cdf_error("100 0\nabc 1\n", "tmp-test-workload.cdf:2:");
    expect_cdf_error("100 0 7\n", "tmp-test-workload.cdf:1:");
    expect_cdf_error("# empty\n", "tmp-test-workload.cdf");
    CHECK(!m3_size_dist_read("does-not-exist.cdf", &err));
}

/* ---------------------------------------------------------------- load */

static double wire_bits(uint64_t size) { return 8.0 * (size + (size + 999) / 1000 * 48.0); }

/* Busiest directed link's load over [0, last start], recomputed. */
static double achieved_load(const m3_topology *t, const m3_routing *r, const m3_flows *f)
{
    uint32_t nd = 2 * m3_topology_num_links(t), path[M3_MAX_PATH_LINKS];
    double *bits = calloc(nd, sizeof *bits), span = (double)f->v[f->n - 1].start_ns * 1e-9;
    m3_error err;
    int routed = 1;
    for (size_t i = 0; i < f->n; i++) {
        int n = m3_routing_path(r, &f->v[i], path, M3_MAX_PATH_LINKS, &err);
        routed &= n > 0;
        for (int k = 0; k < n; k++)
            bits[path[k]] += wire_bits(f->v[i].size);
    }
    CHECK(routed);
    double best = 0;
    for (uint32_t d = 0; d < nd; d++) {
        double u = bits[d] / (m3_topology_link(t, d / 2)->rate_bps * span);
        best = u > best ? u : best;
    }
    free(bits);
    return best;
}

/* Invariants every generated flow list must hold. */
static void check_flows(const m3_topology *t, const m3_flows *f, size_t n)
{
    CHECK(f->n == n);
    int ok = 1;
    for (size_t i = 0; i < f->n; i++) {
        const m3_flow *x = &f->v[i];
        ok &= x->id == i && x->src != x->dst && !m3_topology_is_switch(t, x->src) &&
              !m3_topology_is_switch(t, x->dst) && x->pg == 3 && x->dport == 100 &&
              x->sport >= 10000 && x->size >= 1 && (i == 0 || x->start_ns >= f->v[i - 1].start_ns);
    }
    CHECK(ok);
}

static void run_load_case(const char *name, m3_topology *t, m3_workload_spec *w)
{
    m3_error err;
    m3_routing *r = m3_routing_new(t, &err);
    CHECK_MSG(r != NULL, "%s", err.msg);
    if (!r)
        return;
    m3_flows f;
    m3_flows_init(&f);
    int rc = m3_workload_generate(t, r, w, &f, &err);
    CHECK_MSG(rc == 0, "%s: %s", name, err.msg);
    if (rc == 0) {
        check_flows(t, &f, w->num_flows);
        double got = achieved_load(t, r, &f);
        printf("load %-12s requested %.3f achieved %.5f (%+.4f%%)\n", name, w->load, got,
               100 * (got / w->load - 1));
        CHECK_MSG(fabs(got / w->load - 1) < 0.01, "%s: %g vs %g", name, got, w->load);
    }
    m3_flows_free(&f);
    m3_routing_free(r);
}

static void test_load(void)
{
    m3_error err;
    m3_size_dist *ws = m3_size_dist_builtin("websearch", &err);
    m3_size_dist *ex = m3_size_dist_synthetic(M3_SIZE_EXP, 20000, 0, 50, &err);
    m3_workload_spec w = {0};
    w.sizes = ex;
    w.load = 0.5;
    w.num_flows = 20000;
    w.seed = 1;

    m3_topology *pl = m3_topology_parking_lot(5, 10e9, 40e9, 40e9, 1000, &err);
    run_load_case("parking-lot", pl, &w);
    w.arrival = M3_ARRIVAL_LOGNORMAL;
    w.burst_sigma = 2;
    w.sizes = ws;
    w.load = 0.3;
    run_load_case("pl-lognorm", pl, &w);

    m3_topology *ft = m3_topology_fat_tree_m3(2, 2, 4, 2, 10e9, 40e9, 1000, &err);
    CHECK_MSG(ft != NULL, "%s", err.msg);
    w.load = 0.7;
    w.arrival = M3_ARRIVAL_POISSON;
    run_load_case("fat-tree", ft, &w);

    /* Rack-to-rack matrix: all traffic rack 0 -> rack 2 and inside rack 1. */
    uint32_t rack_of[16];
    int racks = m3_host_racks(ft, rack_of, &err);
    CHECK(racks == 4);
    double tm[16] = {0};
    tm[0 * 4 + 2] = 3;
    tm[1 * 4 + 1] = 1;
    w.tm = M3_TM_MATRIX;
    w.matrix = tm;
    w.racks = (uint32_t)racks;
    w.rack_of = rack_of;
    w.sizes = ex;
    run_load_case("fat-tree-tm", ft, &w);
    m3_routing *r = m3_routing_new(ft, &err);
    m3_flows f;
    m3_flows_init(&f);
    CHECK(m3_workload_generate(ft, r, &w, &f, &err) == 0);
    size_t bad = 0, cross = 0;
    for (size_t i = 0; i < f.n; i++) {
        uint32_t a = rack_of[f.v[i].src], b = rack_of[f.v[i].dst]; /* hosts are ids 0..15 */
        cross += a == 0 && b == 2;
        bad += !((a == 0 && b == 2) || (a == 1 && b == 1));
    }
    CHECK(bad == 0);
    CHECK(fabs((double)cross / f.n - 0.75) < 0.02);

    /* Incast on a k = 4 fat-tree. */
    m3_topology *k4 = m3_topology_fat_tree_k(4, 10e9, 40e9, 1000, &err);
    CHECK_MSG(k4 != NULL, "%s", err.msg);
    memset(&w, 0, sizeof w);
    w.sizes = ex;
    w.tm = M3_TM_INCAST;
    w.hotspot = m3_topology_host(k4, 3);
    w.incast_fraction = 0.3;
    w.load = 0.4;
    w.num_flows = 20000;
    w.seed = 5;
    run_load_case("k4-incast", k4, &w);
    m3_routing *r4 = m3_routing_new(k4, &err);
    m3_flows g;
    m3_flows_init(&g);
    CHECK(m3_workload_generate(k4, r4, &w, &g, &err) == 0);
    size_t hot = 0;
    for (size_t i = 0; i < g.n; i++)
        hot += g.v[i].dst == w.hotspot;
    double expect = 0.3 + 0.7 / m3_topology_num_hosts(k4);
    printf("incast: fraction to hotspot %.4f (expected %.4f)\n", (double)hot / g.n, expect);
    CHECK(fabs((double)hot / g.n - expect) < 0.015);

    /* Same seed -> identical; different seed -> different. */
    m3_flows h;
    m3_flows_init(&h);
    CHECK(m3_workload_generate(k4, r4, &w, &h, &err) == 0);
    CHECK(m3_flows_equal(&h, &g));
    w.seed = 6;
    CHECK(m3_workload_generate(k4, r4, &w, &h, &err) == 0);
    CHECK(!m3_flows_equal(&h, &g));

    /* Bad specs fail and leave the output alone. */
    size_t before = h.n;
    w.load = 0;
    CHECK(m3_workload_generate(k4, r4, &w, &h, &err) < 0);
    w.load = 0.5;
    w.hotspot = 16; /* a switch */
    CHECK(m3_workload_generate(k4, r4, &w, &h, &err) < 0);
    CHECK(strstr(err.msg, "hotspot") != NULL);
    CHECK(h.n == before);

    m3_flows_free(&f);
    m3_flows_free(&g);
    m3_flows_free(&h);
    m3_routing_free(r);
    m3_routing_free(r4);
    m3_topology_free(pl);
    m3_topology_free(ft);
    m3_topology_free(k4);
    m3_size_dist_free(ws);
    m3_size_dist_free(ex);
}

static void test_tm_read(void)
{
    const char *path = "tmp-test-workload.tm";
    double m[4];
    m3_error err;
    put(path, "# racks\n0 1\n2 0.5\n");
    CHECK(m3_tm_read(path, 2, m, &err) == 0 && m[1] == 1 && m[2] == 2 && m[3] == 0.5);
    put(path, "0 1\n2\n");
    CHECK(m3_tm_read(path, 2, m, &err) < 0 && strstr(err.msg, "tmp-test-workload.tm:2:"));
    put(path, "0 1\n2 -1\n");
    CHECK(m3_tm_read(path, 2, m, &err) < 0 && strstr(err.msg, "tmp-test-workload.tm:2:"));
    put(path, "0 1\n");
    CHECK(m3_tm_read(path, 2, m, &err) < 0);
    remove(path);
}

/* ---------------------------------------------------------------- path */

static void test_path_recipe(void)
{
    m3_error err;
    double worst = 0;
    for (uint32_t n = 2; n <= 7; n++)
        for (uint64_t seed = 1; seed <= 6; seed++) {
            m3_flows f;
            m3_flows_init(&f);
            m3_path_workload_info in;
            int rc = m3_workload_path_m3_ex(n, 5000, seed, &f, &in, &err);
            CHECK_MSG(rc == 0, "%s", err.msg);
            if (rc)
                continue;
            int fg = 0, ok = 1;
            double bits[8] = {0};
            for (size_t i = 0; i < f.n; i++) {
                const m3_flow *x = &f.v[i];
                fg |= x->src == 0 && x->dst == n - 1;
                ok &= x->src < x->dst && x->dst < n && x->id == i && x->pg == 3 && x->size >= 50 &&
                      (i == 0 || x->start_ns >= f.v[i - 1].start_ns);
                for (uint32_t l = x->src; l < x->dst; l++)
                    bits[l] += wire_bits(x->size);
            }
            CHECK(fg && ok);
            CHECK(in.num_pairs >= (n == 2 ? 1u : 2u) && in.num_pairs <= n * (n - 1) / 2);
            CHECK(in.max_load >= 0.2 && in.max_load <= 0.8);
            CHECK(in.burst_sigma >= 1 && in.burst_sigma <= 2);
            CHECK(in.size_mean >= 1e3 && in.size_mean <= 1e5);
            double span = f.v[f.n - 1].start_ns * 1e-9, best = 0;
            for (uint32_t l = 0; l + 1 < n; l++) {
                double u = bits[l] / ((l == 0 || l + 2 == n ? 10e9 : 40e9) * span);
                best = u > best ? u : best;
            }
            CHECK_NEAR(best, in.max_load, 0.01);
            if (fabs(best / in.max_load - 1) > worst)
                worst = fabs(best / in.max_load - 1);
            /* Same seed, same flows; the plain entry point agrees. */
            m3_flows g;
            m3_flows_init(&g);
            CHECK(m3_workload_path_m3(n, 5000, seed, &g, &err) == 0);
            CHECK(m3_flows_equal(&g, &f));
            m3_flows_free(&g);
            m3_flows_free(&f);
        }
    printf("path recipe: worst load error %.5f%%\n", 100 * worst);
    m3_flows f;
    m3_flows_init(&f);
    CHECK(m3_workload_path_m3(1, 10, 1, &f, &err) < 0);
    CHECK(m3_workload_path_m3(5, 0, 1, &f, &err) < 0);
}

/* The widened arrival recipe: the default is m3's stream exactly; Poisson
 * samples have sigma 0 and exponential gaps (CV near 1, where log-normal
 * sigma 1..2 gives CV 1.3..7); sigma stays in its range; bad recipes are
 * refused. */
static void test_path_recipe_arrivals(void)
{
    m3_error err;
    m3_path_recipe rc;
    m3_path_recipe_default(&rc);
    m3_flows f, g;
    m3_flows_init(&f);
    m3_flows_init(&g);
    m3_path_workload_info a, b;
    for (uint64_t seed = 1; seed <= 5; seed++) {
        CHECK(m3_workload_path_m3_ex(5, 3000, seed, &f, &a, &err) == 0);
        CHECK(m3_workload_path_recipe(5, 3000, seed, &rc, &g, &b, &err) == 0);
        CHECK(m3_flows_equal(&f, &g) && a.burst_sigma == b.burst_sigma);
    }
    rc.poisson_share = 1.0;
    for (uint64_t seed = 1; seed <= 5; seed++) {
        CHECK(m3_workload_path_recipe(5, 20000, seed, &rc, &g, &b, &err) == 0);
        CHECK(b.burst_sigma == 0.0);
        double s1 = 0, s2 = 0;
        size_t k = 0;
        for (size_t i = 1; i < g.n; i++) {
            double d = (double)(g.v[i].start_ns - g.v[i - 1].start_ns);
            s1 += d;
            s2 += d * d;
            k++;
        }
        double mean = s1 / k, cv = sqrt(s2 / k - mean * mean) / mean;
        CHECK_MSG(cv > 0.9 && cv < 1.1, "seed %llu: Poisson gaps' CV %.3f",
                  (unsigned long long)seed, cv);
    }
    rc.poisson_share = 0.5;
    rc.burst_lo = 0.2;
    rc.burst_hi = 0.6;
    int poisson = 0;
    for (uint64_t seed = 1; seed <= 40; seed++) {
        CHECK(m3_workload_path_recipe(3, 100, seed, &rc, &g, &b, &err) == 0);
        poisson += b.burst_sigma == 0.0;
        CHECK(b.burst_sigma == 0.0 || (b.burst_sigma >= 0.2 && b.burst_sigma <= 0.6));
    }
    CHECK_MSG(poisson >= 10 && poisson <= 30, "%d of 40 Poisson at share 0.5", poisson);
    rc.burst_hi = 0.1; /* below lo */
    CHECK(m3_workload_path_recipe(3, 100, 1, &rc, &g, &b, &err) < 0);
    rc.burst_hi = 0.6;
    rc.poisson_share = 1.5;
    CHECK(m3_workload_path_recipe(3, 100, 1, &rc, &g, &b, &err) < 0);
    CHECK(m3_workload_path_recipe(3, 100, 1, NULL, &g, &b, &err) < 0);
    m3_flows_free(&f);
    m3_flows_free(&g);
}

int main(void)
{
    test_path_recipe_arrivals();
    test_synthetic_means();
    test_minimum();
    test_builtin_means();
    test_cdf_file();
    test_load();
    test_tm_read();
    test_path_recipe();
    return check_finish("test-workload");
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* test-aggregate.c - m3 mode's aggregation (m3_aggregate, m3-method.md
 * section 6) against oracles:
 *  - one path: its own percentiles come back;
 *  - random small mixtures: every reported percentile equals a brute-force
 *    weighted nearest-rank quantile (O(atoms^2), written from the
 *    documented weights: mult x bucket share of the path's foreground);
 *  - known distributions: two uniforms' quantile functions at 2,000
 *    points mix into the analytic quantiles of the mixture (0.5%);
 *  - a bucket no sampled path covers falls back to multiplicities and
 *    warns; an empty bucket is NaN;
 *  - the interval is the same on 1 and 3 bootstrap workers;
 *  - coverage: over 120 repetitions of drawing 500 paths from a population
 *    of 300, the 90% bootstrap interval of p90 and p99 (bucket and overall)
 *    covers the population's true value in 80-97% of them;
 *  - bad input is refused. */
#include "check.h"
#include "m3.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>

static const uint64_t bounds[3] = {1000, 10000, 50000};

/* Brute force: smallest atom value v with weighted CDF(v) >= q. */
static double brute_quantile(const double *v, const double *w, size_t n, double q)
{
    double tot = 0;
    for (size_t i = 0; i < n; i++)
        tot += w[i];
    double best = INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (!(w[i] > 0))
            continue;
        double c = 0;
        for (size_t j = 0; j < n; j++)
            if (v[j] <= v[i])
                c += w[j];
        if (c >= q * tot - 1e-12 * tot && v[i] < best)
            best = v[i];
    }
    return best;
}

static void test_one_path(void)
{
    float pred[4 * 100];
    double fg[4] = {5, 0, 0, 0};
    uint32_t mult[1] = {3};
    size_t bf[4] = {10, 0, 0, 0};
    for (int k = 0; k < 100; k++)
        for (int b = 0; b < 4; b++)
            pred[b * 100 + k] = (float)(1 + k);
    m3_mixture m = {1, 4, 100, pred, fg, mult, bf, bounds, 0};
    m3_result r;
    m3_result_init(&r, "m3");
    m3_error err;
    CHECK(m3_aggregate(&m, 0, 0.95, 1, &r, &err) == 0);
    CHECK(r.summary.buckets[0].p50 == 50 && r.summary.buckets[0].p99 == 99);
    CHECK(r.summary.overall.p90 == 90 && r.pct[0] == 1 && r.pct[99] == 100);
    CHECK(r.summary.buckets[0].n == 10 && r.summary.overall.n == 10);
    CHECK(isnan(r.summary.buckets[1].p50)); /* the scenario has no flows there */
    CHECK(!r.has_ci);
    m3_result_free(&r);
}

static void test_random_vs_brute(void)
{
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 42);
    enum { P = 7, O = 4, K = 20 };
    for (int trial = 0; trial < 30; trial++) {
        float pred[P * O * K];
        double fg[P * O];
        uint32_t mult[P];
        size_t bf[O];
        for (int p = 0; p < P; p++) {
            mult[p] = 1 + (uint32_t)gsl_rng_uniform_int(g, 5);
            for (int b = 0; b < O; b++) {
                fg[p * O + b] = (double)gsl_rng_uniform_int(g, 4);
                float v = 1;
                for (int k = 0; k < K; k++) {
                    v += (float)gsl_rng_uniform_int(g, 3); /* ties included */
                    pred[(p * O + b) * K + k] = v;
                }
            }
            if (fg[p * O] + fg[p * O + 1] + fg[p * O + 2] + fg[p * O + 3] == 0)
                fg[p * O + 3] = 1;
        }
        for (int b = 0; b < O; b++)
            bf[b] = 1 + gsl_rng_uniform_int(g, 100);
        m3_mixture m = {P, O, K, pred, fg, mult, bf, bounds, 0};
        m3_result r;
        m3_result_init(&r, "m3");
        m3_error err;
        CHECK(m3_aggregate(&m, 0, 0.9, 1, &r, &err) == 0);
        /* the oracle's weights, straight from the documented rule */
        double v[P * O * K], w_in[P * O * K], w_all[P * O * K];
        size_t total = bf[0] + bf[1] + bf[2] + bf[3];
        for (int b = 0; b < O; b++) {
            double W = 0;
            for (int p = 0; p < P; p++) {
                double tot = fg[p * O] + fg[p * O + 1] + fg[p * O + 2] + fg[p * O + 3];
                W += mult[p] * fg[p * O + b] / tot;
            }
            int fallback = W == 0;
            if (fallback)
                for (int p = 0; p < P; p++)
                    W += mult[p];
            for (int p = 0; p < P; p++) {
                double tot = fg[p * O] + fg[p * O + 1] + fg[p * O + 2] + fg[p * O + 3];
                double wp = fallback ? mult[p] : mult[p] * fg[p * O + b] / tot;
                for (int k = 0; k < K; k++) {
                    size_t i = (size_t)(p * O + b) * K + k;
                    v[i] = pred[i];
                    w_in[i] = b == 0 ? wp / W : 0;
                    w_all[i] = wp / W * bf[b] / total;
                }
            }
        }
        /* bucket 0 (weights of other buckets zeroed) and overall */
        CHECK(r.summary.buckets[0].p50 == brute_quantile(v, w_in, P * O * K, 0.5));
        CHECK(r.summary.buckets[0].p99 == brute_quantile(v, w_in, P * O * K, 0.99));
        CHECK(r.summary.overall.p90 == brute_quantile(v, w_all, P * O * K, 0.9));
        for (int q = 1; q <= 100; q += 7)
            CHECK(r.pct[q - 1] == brute_quantile(v, w_all, P * O * K, q / 100.0));
        m3_result_free(&r);
    }
    gsl_rng_free(g);
}

static void test_known_mixture(void)
{
    /* bucket 3: U(1,3) on path 0 (weight 1), U(2,6) on path 1 (weight 1) */
    enum { K = 2000 };
    float *pred = calloc(2 * 4 * K, sizeof *pred);
    for (int k = 0; k < K; k++) {
        double q = (k + 1.0) / K;
        for (int b = 0; b < 4; b++) {
            pred[(0 * 4 + b) * K + k] = (float)(1 + 2 * q);
            pred[(1 * 4 + b) * K + k] = (float)(2 + 4 * q);
        }
    }
    double fg[8] = {0, 0, 0, 4, 0, 0, 0, 9};
    uint32_t mult[2] = {5, 5};
    size_t bf[4] = {0, 0, 0, 100};
    m3_mixture m = {2, 4, K, pred, fg, mult, bf, bounds, 0};
    m3_result r;
    m3_result_init(&r, "m3");
    m3_error err;
    CHECK(m3_aggregate(&m, 0, 0.9, 1, &r, &err) == 0);
    /* F(x) = (x-1)/4 on [1,2], (x-1)/4 + (x-2)/8 on [2,3], 1/2 + (x-2)/8 on
     * [3,6]: p50 = 8/3, p90 = 5.2, p99 = 5.92, p20 = 1.8 */
    CHECK_NEAR(r.summary.buckets[3].p50, 8.0 / 3, 0.005);
    CHECK_NEAR(r.summary.buckets[3].p90, 5.2, 0.005);
    CHECK_NEAR(r.summary.buckets[3].p99, 5.92, 0.005);
    CHECK_NEAR(r.pct[19], 1.8, 0.005);              /* p20 */
    CHECK_NEAR(r.summary.overall.p99, 5.92, 0.005); /* one bucket: the same */
    m3_result_free(&r);
    free(pred);
}

static void test_fallback_and_errors(void)
{
    float pred[2 * 4 * 10];
    for (int i = 0; i < 80; i++)
        pred[i] = (float)(1 + i % 10 + (i / 40) * 10);
    double fg[8] = {1, 0, 0, 0, 1, 0, 0, 0}; /* no path has bucket-1 flows */
    uint32_t mult[2] = {1, 3};
    size_t bf[4] = {50, 50, 0, 0};
    m3_mixture m = {2, 4, 10, pred, fg, mult, bf, bounds, 0};
    m3_result r;
    m3_result_init(&r, "m3");
    m3_error err;
    CHECK(m3_aggregate(&m, 10, 0.9, 1, &r, &err) == 0);
    CHECK(r.num_warnings == 1 && strstr(r.warnings[0], "[1000, 10000)") != NULL);
    /* bucket 1 by multiplicity 1:3: values 1..10 weight 1/4, 11..20 3/4 */
    CHECK(r.summary.buckets[1].p50 == 14);
    CHECK(isnan(r.summary.buckets[2].p50) && r.summary.buckets[2].n == 0);
    CHECK(r.has_ci && r.ci_lo.buckets[1].p50 <= 14 && r.ci_hi.buckets[1].p50 >= 14);
    m3_result_free(&r);
    m3_result_init(&r, "m3");
    CHECK(m3_aggregate(&m, 10, 1.5, 1, &r, &err) == -1);
    CHECK(strstr(err.msg, "confidence level") != NULL);
    pred[3] = NAN;
    CHECK(m3_aggregate(&m, 0, 0.9, 1, &r, &err) == -1);
    size_t none[4] = {0, 0, 0, 0};
    m.bucket_flows = none;
    pred[3] = 1;
    CHECK(m3_aggregate(&m, 0, 0.9, 1, &r, &err) == -1);
    m3_result_free(&r);
}

/* Population of paths with Weibull-like quantile functions; the estimand
 * weighs every flow equally: path p's bucket b by its n_pb flows, which is
 * m3_aggregate of the whole population with mult = n_p (exact by the
 * brute-force test above). Each repetition draws 500 flows' paths. */
static void test_coverage(void)
{
    enum { N = 300, O = 4, K = 100, DRAWS = 500, REPS = 120 };
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 9);
    float *pop = calloc((size_t)N * O * K, sizeof *pop);
    float *sub = calloc((size_t)N * O * K, sizeof *sub);
    double *cnt = calloc((size_t)N * O, sizeof *cnt), *subcnt = calloc((size_t)N * O, 8);
    uint32_t *np = calloc(N, sizeof *np), *subm = calloc(N, sizeof *subm);
    unsigned int *draw = calloc(N, sizeof *draw);
    double *prob = calloc(N, sizeof *prob);
    size_t bf[O] = {0}, total = 0;
    for (int p = 0; p < N; p++) {
        double scale = exp(gsl_ran_gaussian(g, 0.6)), shape = 0.3 + gsl_rng_uniform(g);
        for (int b = 0; b < O; b++) {
            cnt[p * O + b] = (double)gsl_rng_uniform_int(g, 30);
            np[p] += (uint32_t)cnt[p * O + b];
            for (int k = 0; k < K; k++) {
                double q = (k + 0.5) / K;
                pop[((size_t)p * O + b) * K + k] =
                    (float)(1 + 0.5 * scale * (b + 1) * pow(-log(1 - q), 1 / shape));
            }
        }
        if (np[p] == 0) {
            cnt[p * O] = 1;
            np[p] = 1;
        }
        for (int b = 0; b < O; b++)
            bf[b] += (size_t)cnt[p * O + b];
        total += np[p];
    }
    for (int p = 0; p < N; p++)
        prob[p] = (double)np[p] / (double)total;
    m3_error err;
    m3_result truth;
    m3_result_init(&truth, "truth");
    m3_mixture all = {N, O, K, pop, cnt, np, bf, bounds, 0};
    CHECK(m3_aggregate(&all, 0, 0.9, 1, &truth, &err) == 0);

    int cov_b90 = 0, cov_b99 = 0, cov_o99 = 0;
    for (int rep = 0; rep < REPS; rep++) {
        gsl_ran_multinomial(g, N, DRAWS, prob, draw);
        uint32_t P = 0;
        for (int p = 0; p < N; p++) {
            if (!draw[p])
                continue;
            memcpy(sub + (size_t)P * O * K, pop + (size_t)p * O * K, O * K * sizeof *sub);
            memcpy(subcnt + (size_t)P * O, cnt + (size_t)p * O, O * sizeof *subcnt);
            subm[P++] = draw[p];
        }
        m3_mixture m = {P, O, K, sub, subcnt, subm, bf, bounds, 0};
        m3_result r;
        m3_result_init(&r, "m3");
        CHECK(m3_aggregate(&m, 200, 0.9, 100 + rep, &r, &err) == 0);
        if (rep < 3) { /* the interval does not depend on the workers */
            m3_result r3;
            m3_result_init(&r3, "m3");
            m.threads = 3;
            CHECK(m3_aggregate(&m, 200, 0.9, 100 + rep, &r3, &err) == 0);
            CHECK(memcmp(&r.ci_lo, &r3.ci_lo, sizeof r.ci_lo) == 0 &&
                  memcmp(&r.ci_hi, &r3.ci_hi, sizeof r.ci_hi) == 0);
            m3_result_free(&r3);
        }
        const m3_bucket_stats *lo = &r.ci_lo.buckets[3], *hi = &r.ci_hi.buckets[3];
        cov_b90 +=
            lo->p90 <= truth.summary.buckets[3].p90 && truth.summary.buckets[3].p90 <= hi->p90;
        cov_b99 +=
            lo->p99 <= truth.summary.buckets[3].p99 && truth.summary.buckets[3].p99 <= hi->p99;
        cov_o99 += r.ci_lo.overall.p99 <= truth.summary.overall.p99 &&
                   truth.summary.overall.p99 <= r.ci_hi.overall.p99;
        m3_result_free(&r);
    }
    fprintf(stderr,
            "coverage of the 90%% interval over %d repetitions: bucket p90 %.2f, "
            "bucket p99 %.2f, overall p99 %.2f\n",
            REPS, (double)cov_b90 / REPS, (double)cov_b99 / REPS, (double)cov_o99 / REPS);
    CHECK(cov_b90 >= 0.80 * REPS && cov_b90 <= 0.97 * REPS);
    CHECK(cov_b99 >= 0.80 * REPS && cov_b99 <= 0.97 * REPS);
    CHECK(cov_o99 >= 0.80 * REPS && cov_o99 <= 0.97 * REPS);
    m3_result_free(&truth);
    free(pop);
    free(sub);
    free(cnt);
    free(subcnt);
    free(np);
    free(subm);
    free(draw);
    free(prob);
    gsl_rng_free(g);
}

int main(void)
{
    test_one_path();
    test_random_vs_brute();
    test_known_mixture();
    test_fallback_and_errors();
    test_coverage();
    return check_finish("test-aggregate");
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* test-features.c - the feature schema v2, per-bucket nearest-rank
 * percentiles, the tokens of a hand-built path against values worked out
 * by hand, and the training-configuration sampler.
 *
 * Oracles: percentiles of data whose ranks are known (1..100, ties, empty
 * buckets, sizes on a boundary); a 4-position line whose token contents,
 * counts, one-hots and scaled fields are computed in this file from the
 * schema's definition; the sampler's draw order reproduced with GSL's own
 * mt19937. Cost: well under a second (2000 sampled configurations). */
#include "check.h"
#include "m3.h"

#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- schema */

static void test_schema(void)
{
    const m3_feature_schema *s = m3_feature_schema_get();
    CHECK(s->version == M3_FEAT_VERSION && s->version == 2);
    CHECK(s->in_buckets == 10 && s->pcts == 100 && s->out_buckets == 4);
    static const uint64_t in[9] = {250, 500, 750, 1000, 2000, 5000, 7500, 10000, 50000};
    static const uint64_t outb[3] = {1000, 10000, 50000};
    CHECK(!memcmp(s->in_bounds, in, sizeof in));
    CHECK(!memcmp(s->out_bounds, outb, sizeof outb));
    static const char *const names[] = {"n3",
                                        "n5",
                                        "n7",
                                        "cc_dctcp",
                                        "cc_hpcc",
                                        "cc_dcqcn",
                                        "cc_timely",
                                        "pfc",
                                        "window_kb",
                                        "dctcp_k_kb",
                                        "dcqcn_kmin_kb",
                                        "dcqcn_kmax_kb",
                                        "hpcc_eta",
                                        "hpcc_ai_mbps",
                                        "timely_tlow_us",
                                        "timely_thigh_us",
                                        "link_gbps",
                                        "pool_kb"};
    CHECK(s->num_fields == 18);
    for (int i = 0; i < s->num_fields && i < 18; i++) {
        CHECK_MSG(!strcmp(s->fields[i].name, names[i]), "field %d is %s", i, s->fields[i].name);
        CHECK(s->fields[i].hi > s->fields[i].lo);
    }
    CHECK(s->token_dim == 10 * 101 + 18);
}

/* --------------------------------------------------- bucket percentiles */

static void test_bucket_percentiles(void)
{
    m3_error err;
    const uint64_t bounds[2] = {1000, 2000};
    double out[3 * 100];
    size_t counts[3];

    /* 1..100 in bucket 1 (shuffled): p_k == k; buckets 0 and 2 empty */
    uint64_t sz[100];
    double v[100], keep[100];
    for (int i = 0; i < 100; i++) {
        sz[i] = 1500;
        v[i] = (double)((i * 37) % 100 + 1);
        keep[i] = v[i];
    }
    CHECK(m3_bucket_percentiles(sz, v, 100, bounds, 3, 100, out, counts, &err) == 0);
    CHECK(counts[0] == 0 && counts[1] == 100 && counts[2] == 0);
    for (int k = 0; k < 100; k++) {
        CHECK_MSG(out[100 + k] == k + 1, "p%d = %g", k + 1, out[100 + k]);
        CHECK(out[k] == 0 && out[200 + k] == 0);
    }
    CHECK(!memcmp(v, keep, sizeof v)); /* values not modified */

    /* ties: {1, 1, 1, 2} -> p1..p75 = 1 (rank ceil(0.75 x 4) = 3), p76.. = 2 */
    uint64_t s4[4] = {10, 10, 10, 10};
    double v4[4] = {2, 1, 1, 1};
    CHECK(m3_bucket_percentiles(s4, v4, 4, bounds, 3, 100, out, counts, &err) == 0);
    CHECK(counts[0] == 4 && counts[1] == 0 && counts[2] == 0);
    CHECK(out[0] == 1 && out[74] == 1 && out[75] == 2 && out[99] == 2);

    /* boundaries: bucket b is [bound[b-1], bound[b]) */
    uint64_t sb[5] = {999, 1000, 1999, 2000, 1u << 30};
    double vb[5] = {1, 2, 3, 4, 5};
    CHECK(m3_bucket_percentiles(sb, vb, 5, bounds, 3, 100, out, counts, &err) == 0);
    CHECK(counts[0] == 1 && counts[1] == 2 && counts[2] == 2);
    CHECK(out[0] == 1 && out[99] == 1);
    CHECK(out[100] == 2 && out[149] == 2 && out[150] == 3 && out[199] == 3);
    CHECK(out[200] == 4 && out[250] == 5 && out[299] == 5);

    /* a flow of exactly 1000 B lands in [1000, 2000) of the schema */
    const m3_feature_schema *s = m3_feature_schema_get();
    uint64_t s1[1] = {1000};
    double v1[1] = {7};
    double o10[10 * 100];
    size_t c10[10];
    CHECK(m3_bucket_percentiles(s1, v1, 1, s->in_bounds, s->in_buckets, s->pcts, o10, c10, &err) ==
          0);
    for (int b = 0; b < 10; b++)
        CHECK(c10[b] == (b == 4));
    CHECK(o10[4 * 100] == 7 && o10[4 * 100 + 99] == 7 && o10[3 * 100 + 99] == 0);

    /* a coarser grid: p25, p50, p75, p100 of 1..8 */
    double v8[8] = {8, 7, 6, 5, 4, 3, 2, 1};
    uint64_t s8[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    double o4[4];
    size_t c1;
    CHECK(m3_bucket_percentiles(s8, v8, 8, NULL, 1, 4, o4, &c1, &err) == 0);
    CHECK(c1 == 8 && o4[0] == 2 && o4[1] == 4 && o4[2] == 6 && o4[3] == 8);

    /* no flows at all: every bucket empty */
    CHECK(m3_bucket_percentiles(NULL, NULL, 0, bounds, 3, 100, out, counts, &err) == 0);
    CHECK(counts[0] == 0 && counts[1] == 0 && counts[2] == 0 && out[150] == 0);

    /* refusals */
    double vn[2] = {1, NAN};
    uint64_t sn[2] = {1, 1};
    CHECK(m3_bucket_percentiles(sn, vn, 2, bounds, 3, 100, out, counts, &err) == -1);
    CHECK_MSG(strstr(err.msg, "value 1") != NULL, "%s", err.msg);
    const uint64_t bad[2] = {2000, 1000};
    CHECK(m3_bucket_percentiles(sn, v, 2, bad, 3, 100, out, counts, &err) == -1);
    CHECK(m3_bucket_percentiles(sn, v, 2, bounds, 0, 100, out, counts, &err) == -1);
    CHECK(m3_bucket_percentiles(sn, v, 2, bounds, 3, 0, out, counts, &err) == -1);
}

/* -------------------------------------------------------- path tokens */

#define DIM (10 * 101 + 18)
#define CNT(b) (10 * 100 + (b))
#define FLD(i) (10 * 101 + (i))
enum {
    N3,
    N5,
    N7,
    DCTCP,
    HPCC,
    DCQCN,
    TIMELY,
    PFC,
    WIN,
    DK,
    QMIN,
    QMAX,
    ETA,
    AI,
    TLOW,
    THIGH,
    LINK,
    POOL
};

static void push(m3_flows *f, uint32_t src, uint32_t dst, uint64_t size)
{
    m3_error err;
    m3_flow fl = {f->n, src, dst, 3, 0, 100, size, 0};
    CHECK(m3_flows_push(f, &fl, &err) == 0);
}

/* Every percentile of bucket b of token t is `v`. */
static int bucket_is(const float *tok, int b, double v)
{
    for (int k = 0; k < 100; k++)
        if (fabs(tok[b * 100 + k] - v) > 1e-6)
            return 0;
    return 1;
}

static void test_path_features(void)
{
    m3_error err;
    /* 4 positions, links 10, 40, 25 Gbps */
    m3_line l;
    memset(&l, 0, sizeof l);
    l.n = 4;
    l.link_bps[0] = 10e9;
    l.link_bps[1] = 40e9;
    l.link_bps[2] = 25e9;
    for (int k = 0; k < 3; k++)
        l.delay_ns[k] = 1000;
    l.cap_bps = 10e9;
    const double pool[4] = {-1 /* host NIC: not read */, 300000, -5000, -1};

    m3_flows f;
    m3_flows_init(&f);
    push(&f, 0, 3, 100);   /* 0: foreground, bucket 0 */
    push(&f, 0, 3, 1000);  /* 1: foreground, bucket 4 */
    push(&f, 0, 1, 500);   /* 2: link 0 -> token 1, bucket 2 */
    push(&f, 1, 3, 20000); /* 3: links 1, 2 -> tokens 2, 3, bucket 8 */
    push(&f, 2, 3, 60000); /* 4: link 2 -> token 3, bucket 9 */
    push(&f, 0, 2, 1000);  /* 5: links 0, 1 -> tokens 1, 2, bucket 4 */
    push(&f, 0, 2, 1500);  /* 6: as 5, same bucket */
    const double sd[7] = {2, 4, 1, 3, 1.5, 5, 7};

    m3_config c;
    m3_config_default(&c);
    c.cc = M3_CC_DCTCP;
    c.pfc = 0;
    c.window_bytes = 18000;
    c.dctcp_k_kb = 12;
    c.hpcc_eta = 0.8; /* inactive: must not show */

    float *out = calloc(4 * DIM, sizeof *out);
    CHECK(m3_path_features(&l, &f, sd, &c, pool, out, &err) == 0);
    const float *t0 = out, *t1 = out + DIM, *t2 = out + 2 * DIM, *t3 = out + 3 * DIM;
    const double one = log10(2) / 5, two = log10(3) / 5;

    /* token 0: flows 0 (bucket 0, log 2) and 1 (bucket 4, log 4) */
    CHECK(bucket_is(t0, 0, log(2)) && bucket_is(t0, 4, log(4)));
    for (int b = 0; b < 10; b++) {
        CHECK_NEAR(t0[CNT(b)], b == 0 || b == 4 ? one : 0, 1e-6);
        if (b != 0 && b != 4)
            CHECK(bucket_is(t0, b, 0));
    }
    /* token 1: flows 2 (bucket 2, log 1 = 0), 5 and 6 (bucket 4: log 5, log 7) */
    CHECK(bucket_is(t1, 2, 0));
    CHECK_NEAR(t1[CNT(2)], one, 1e-6);
    CHECK_NEAR(t1[CNT(4)], two, 1e-6);
    CHECK_NEAR(t1[4 * 100 + 0], log(5), 1e-6);  /* p1 */
    CHECK_NEAR(t1[4 * 100 + 49], log(5), 1e-6); /* p50: rank 1 of 2 */
    CHECK_NEAR(t1[4 * 100 + 50], log(7), 1e-6); /* p51: rank 2 */
    CHECK_NEAR(t1[4 * 100 + 99], log(7), 1e-6);
    CHECK(t1[CNT(8)] == 0 && t1[CNT(9)] == 0 && t1[CNT(0)] == 0);
    /* token 2: flows 3 (bucket 8, log 3), 5, 6 (bucket 4) */
    CHECK(bucket_is(t2, 8, log(3)));
    CHECK_NEAR(t2[CNT(8)], one, 1e-6);
    CHECK_NEAR(t2[CNT(4)], two, 1e-6);
    CHECK(t2[CNT(2)] == 0 && t2[CNT(9)] == 0);
    /* token 3: flows 3 (bucket 8) and 4 (bucket 9, log 1.5) */
    CHECK(bucket_is(t3, 8, log(3)) && bucket_is(t3, 9, log(1.5)));
    CHECK_NEAR(t3[CNT(8)], one, 1e-6);
    CHECK_NEAR(t3[CNT(9)], one, 1e-6);
    CHECK(t3[CNT(4)] == 0 && bucket_is(t3, 4, 0));

    /* fields: the same configuration part in every token */
    for (int t = 0; t < 4; t++) {
        const float *fo = out + t * DIM + FLD(0);
        CHECK(fo[N3] == 0 && fo[N5] == 0 && fo[N7] == 0); /* n = 4: no one-hot */
        CHECK(fo[DCTCP] == 1 && fo[HPCC] == 0 && fo[DCQCN] == 0 && fo[TIMELY] == 0);
        CHECK(fo[PFC] == 0);
        CHECK_NEAR(fo[WIN], 18.0, 1e-6);
        CHECK_NEAR(fo[DK], 12.0, 1e-6);
        CHECK(fo[QMIN] == 0 && fo[QMAX] == 0 && fo[ETA] == 0 && fo[AI] == 0);
        CHECK(fo[TLOW] == 0 && fo[THIGH] == 0);
    }
    /* link rates in Gbps; the foreground takes the bottleneck */
    CHECK_NEAR(t0[FLD(LINK)], 10, 1e-6);
    CHECK_NEAR(t1[FLD(LINK)], 10, 1e-6);
    CHECK_NEAR(t2[FLD(LINK)], 40, 1e-6);
    CHECK_NEAR(t3[FLD(LINK)], 25, 1e-6);
    /* pools in KB / 10: link 0 is fed by a NIC (0); the foreground the min */
    CHECK(t1[FLD(POOL)] == 0);
    CHECK_NEAR(t2[FLD(POOL)], 30, 1e-6);
    CHECK_NEAR(t3[FLD(POOL)], -0.5, 1e-6);
    CHECK_NEAR(t0[FLD(POOL)], -0.5, 1e-6);

    /* n = 3 with HPCC and PFC: one-hot n3, HPCC's scaled parameters only */
    m3_line l3 = l;
    l3.n = 3;
    m3_flows g;
    m3_flows_init(&g);
    push(&g, 0, 2, 100);
    push(&g, 1, 2, 100);
    const double sd3[2] = {1, 1};
    c.cc = M3_CC_HPCC;
    c.pfc = 1;
    c.hpcc_eta = 0.8;
    c.hpcc_ai_mbps = 600;
    CHECK(m3_path_features(&l3, &g, sd3, &c, pool, out, &err) == 0);
    for (int t = 0; t < 3; t++) {
        const float *fo = out + t * DIM + FLD(0);
        CHECK(fo[N3] == 1 && fo[N5] == 0 && fo[N7] == 0);
        CHECK(fo[DCTCP] == 0 && fo[HPCC] == 1 && fo[PFC] == 1);
        CHECK(fo[DK] == 0);
        CHECK_NEAR(fo[ETA], 80, 1e-5);
        CHECK_NEAR(fo[AI], 60, 1e-5);
    }
    CHECK_NEAR(out[FLD(POOL)], 30, 1e-6); /* only switch: position 1 */
    CHECK(out[DIM + CNT(0)] == 0);        /* link 0 carries no background */
    CHECK_NEAR(out[2 * DIM + CNT(0)], one, 1e-6);

    /* n = 2: every flow is foreground; no pools needed */
    m3_line l2 = l;
    l2.n = 2;
    m3_flows h;
    m3_flows_init(&h);
    push(&h, 0, 1, 100);
    CHECK(m3_path_features(&l2, &h, sd3, &c, NULL, out, &err) == 0);
    CHECK(out[FLD(POOL)] == 0 && out[DIM + FLD(POOL)] == 0);
    CHECK_NEAR(out[CNT(0)], one, 1e-6);
    CHECK(out[DIM + CNT(0)] == 0);

    /* refusals name the flow */
    double bad[7];
    memcpy(bad, sd, sizeof bad);
    f.v[3].src = 3;
    f.v[3].dst = 1;
    CHECK(m3_path_features(&l, &f, sd, &c, pool, out, &err) == -1);
    CHECK_MSG(strstr(err.msg, "flow 3") != NULL, "%s", err.msg);
    f.v[3].src = 1;
    f.v[3].dst = 4; /* past the last position */
    CHECK(m3_path_features(&l, &f, sd, &c, pool, out, &err) == -1);
    CHECK_MSG(strstr(err.msg, "flow 3") != NULL, "%s", err.msg);
    f.v[3].dst = 3;
    bad[5] = 0.5;
    CHECK(m3_path_features(&l, &f, bad, &c, pool, out, &err) == -1);
    CHECK_MSG(strstr(err.msg, "flow 5") != NULL, "%s", err.msg);
    bad[5] = NAN;
    CHECK(m3_path_features(&l, &f, bad, &c, pool, out, &err) == -1);
    CHECK_MSG(strstr(err.msg, "flow 5") != NULL, "%s", err.msg);
    bad[5] = INFINITY;
    CHECK(m3_path_features(&l, &f, bad, &c, pool, out, &err) == -1);
    CHECK(m3_path_features(&l, &f, sd, &c, pool, out, &err) == 0); /* restored */
    m3_line lbad = l;
    lbad.n = 1;
    CHECK(m3_path_features(&lbad, &f, sd, &c, pool, out, &err) == -1);
    CHECK(m3_path_features(&l, &f, sd, &c, NULL, out, &err) == -1); /* pools needed */
    const double nan_pool[4] = {0, NAN, 0, 0};
    CHECK(m3_path_features(&l, &f, sd, &c, nan_pool, out, &err) == -1);

    free(out);
    m3_flows_free(&f);
    m3_flows_free(&g);
    m3_flows_free(&h);
}

/* ------------------------------------------------------- config sampler */

static double field_of(const m3_config *c, const char *key)
{
    if (!strcmp(key, "cc"))
        return c->cc;
    if (!strcmp(key, "pfc"))
        return c->pfc;
    if (!strcmp(key, "buffer_kb"))
        return c->buffer_kb;
    if (!strcmp(key, "window_bytes"))
        return c->window_bytes;
    if (!strcmp(key, "dctcp_k_kb"))
        return c->dctcp_k_kb;
    if (!strcmp(key, "dcqcn_kmin_kb"))
        return c->dcqcn_kmin_kb;
    if (!strcmp(key, "dcqcn_kmax_kb"))
        return c->dcqcn_kmax_kb;
    if (!strcmp(key, "hpcc_eta"))
        return c->hpcc_eta;
    if (!strcmp(key, "hpcc_ai_mbps"))
        return c->hpcc_ai_mbps;
    if (!strcmp(key, "timely_tlow_us"))
        return c->timely_tlow_us;
    if (!strcmp(key, "timely_thigh_us"))
        return c->timely_thigh_us;
    return NAN;
}

/* The CC a key belongs to, -1 for every CC. */
static int owner_of(const char *key)
{
    if (!strncmp(key, "dctcp_", 6))
        return M3_CC_DCTCP;
    if (!strncmp(key, "dcqcn_", 6))
        return M3_CC_DCQCN;
    if (!strncmp(key, "hpcc_", 5))
        return M3_CC_HPCC;
    if (!strncmp(key, "timely_", 7))
        return M3_CC_TIMELY;
    return -1;
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* m3_path_features sorts the flows by their log slowdowns rounded to
 * float: doubles that round to one float (here 600 of them, given in
 * decreasing order) and ties of equal values must still give each
 * token's nearest-rank percentiles of the doubles, rounded to float. The
 * oracle: qsort of the doubles, m3_percentile_sorted, a float cast. */
static void test_path_features_float_ties(void)
{
    m3_error err;
    m3_line l;
    CHECK(m3_line_preset(&l, 3, 10e9, 40e9, 1000, 10e9, &err) == 0);
    const double pool[3] = {0, 300000, 0};
    enum { N = 2000 };
    m3_flows f;
    m3_flows_init(&f);
    double *sd = calloc(N, sizeof *sd), *ref = calloc(N, sizeof *ref);
    for (int i = 0; i < N; i++) {
        /* sources and sinks of the 3 tokens; sizes of 2 input buckets */
        push(&f, i % 3 == 2 ? 1 : 0, i % 3 == 1 ? 1 : 2, i % 2 ? 100 : 3000);
        if (i < 600)
            sd[i] = exp(0.5) * (1 + 1e-12 * (600 - i)); /* one float, 600 doubles */
        else if (i < 900)
            sd[i] = 2.5; /* equal values */
        else
            sd[i] = 1 + (double)((i * 7919) % 1000) / 997; /* spread, unordered */
    }
    m3_config c;
    m3_config_default(&c);
    float *out = calloc(3 * DIM, sizeof *out);
    CHECK(m3_path_features(&l, &f, sd, &c, pool, out, &err) == 0);
    const uint64_t *bounds = m3_feature_schema_get()->in_bounds;
    for (int t = 0; t < 3; t++)
        for (int b = 0; b < 10; b++) {
            int n = 0;
            for (int i = 0; i < N; i++) {
                const m3_flow *fl = &f.v[i];
                int in = t == 0 ? fl->src == 0 && fl->dst == 2
                                : !(fl->src == 0 && fl->dst == 2) && fl->src <= (uint32_t)t - 1 &&
                                      (uint32_t)t - 1 < fl->dst;
                int bk = 0;
                while (bk < 9 && fl->size >= bounds[bk])
                    bk++;
                if (in && bk == b)
                    ref[n++] = log(sd[i]);
            }
            qsort(ref, (size_t)n, sizeof *ref, cmp_dbl);
            const float *o = out + (size_t)t * DIM + b * 100;
            for (int k = 0; k < 100; k++)
                CHECK(o[k] == (n ? (float)m3_percentile_sorted(ref, (size_t)n, k + 1.0) : 0.0f));
        }
    free(out);
    free(sd);
    free(ref);
    m3_flows_free(&f);
}

static void test_config_sample(void)
{
    m3_error err;
    const m3_config_range *r = m3_config_training_ranges();
    static const char *const order[] = {"cc",
                                        "pfc",
                                        "buffer_kb",
                                        "window_bytes",
                                        "dctcp_k_kb",
                                        "dcqcn_kmin_kb",
                                        "dcqcn_kmax_kb",
                                        "hpcc_eta",
                                        "hpcc_ai_mbps",
                                        "timely_tlow_us",
                                        "timely_thigh_us"};
    int rows = 0;
    while (r[rows].key)
        rows++;
    CHECK(rows == 11);
    for (int i = 0; i < rows && i < 11; i++) {
        CHECK_MSG(!strcmp(r[i].key, order[i]), "row %d is %s", i, r[i].key);
        int known = 0;
        for (const char *const *k = m3_config_keys(); *k; k++)
            known |= !strcmp(*k, r[i].key);
        CHECK_MSG(known, "%s is not a config key", r[i].key);
        CHECK(r[i].lo <= r[i].hi);
    }

    m3_config a, b, def;
    m3_config_default(&def);
    CHECK(m3_config_sample(42, &a, &err) == 0);
    CHECK(m3_config_sample(42, &b, &err) == 0);
    CHECK(!memcmp(&a, &b, sizeof a));
    CHECK(a.seed == 42 && a.nic_rate_gbps == 10);

    /* draw order: row i is the i-th gsl_rng_uniform of mt19937 seeded
     * with the seed folded to 32 bits */
    uint64_t seed = 0x123456789abcdefULL;
    CHECK(m3_config_sample(seed, &a, &err) == 0);
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, (unsigned long)((seed ^ (seed >> 32)) & 0xffffffffu));
    double u[11];
    for (int i = 0; i < 11; i++)
        u[i] = gsl_rng_uniform(g);
    gsl_rng_free(g);
    CHECK(a.cc == (m3_cc)(int)floor(u[0] * 4));
    CHECK_NEAR(a.buffer_kb, 80 + 920 * u[2], 1e-12);
    CHECK_NEAR(a.window_bytes, 5000 + 25000 * u[3], 1e-12);

    int cc_count[M3_CC_COUNT] = {0}, pfc_off[M3_CC_COUNT] = {0};
    int bad_range = 0, bad_default = 0, bad_valid = 0, dcqcn_nopfc = 0;
    const int N = 2000;
    for (int s = 0; s < N; s++) {
        m3_config c;
        if (m3_config_sample((uint64_t)s * 7919 + 1, &c, &err)) {
            bad_valid++;
            continue;
        }
        if (m3_config_validate(&c, &err))
            bad_valid++;
        cc_count[c.cc]++;
        if (!c.pfc)
            pfc_off[c.cc]++;
        if (c.cc == M3_CC_DCQCN && !c.pfc)
            dcqcn_nopfc++;
        for (int i = 0; r[i].key; i++) {
            int own = owner_of(r[i].key);
            double v = field_of(&c, r[i].key);
            if (own >= 0 && own != (int)c.cc) {
                if (v != field_of(&def, r[i].key))
                    bad_default++;
            } else if (!(v >= r[i].lo && v <= r[i].hi)) {
                bad_range++;
                if (bad_range < 5)
                    fprintf(stderr, "seed %d: %s = %g outside [%g, %g]\n", s, r[i].key, v, r[i].lo,
                            r[i].hi);
            }
        }
        if (c.nic_rate_gbps != 10 || c.mtu != def.mtu || c.base_rtt_us != def.base_rtt_us)
            bad_default++;
    }
    CHECK(bad_valid == 0);
    CHECK(bad_range == 0);
    CHECK(bad_default == 0);
    CHECK(dcqcn_nopfc == 0);
    for (int k = 0; k < M3_CC_COUNT; k++) {
        double share = (double)cc_count[k] / N;
        CHECK_MSG(share >= 0.20 && share <= 0.30, "%s drawn %.1f%%", m3_cc_name((m3_cc)k),
                  100 * share);
        if (k != M3_CC_DCQCN)
            CHECK_MSG(pfc_off[k] > cc_count[k] / 4, "%s: PFC off %d of %d", m3_cc_name((m3_cc)k),
                      pfc_off[k], cc_count[k]);
    }
    CHECK(m3_config_sample(1, NULL, &err) == -1);
}

/* The buffer range's claim (doc/features.rst): U(80, 1000) KB gives the
 * 3-port path switches pools of about 31..973 KB, which cover the rack and
 * fabric switch pools of m3's 256-host fat-tree at a 1 MB buffer. */
static void test_buffer_range_covers_fat_tree(void)
{
    m3_error err;
    const m3_config_range *r = m3_config_training_ranges();
    while (r->key && strcmp(r->key, "buffer_kb"))
        r++;
    CHECK(r->key != NULL);
    double path_lo = INFINITY, path_hi = -INFINITY;
    for (uint32_t n = 3; n <= 7; n += 2) {
        m3_topology *t = m3_topology_parking_lot(n, 10e9, 40e9, 10e9, 1000, &err);
        CHECK(t != NULL);
        if (!t)
            continue;
        for (uint32_t p = 1; p + 1 < n; p++) {
            uint32_t sw = m3_parking_lot_position_node(n, p);
            double lo = m3_switch_pool_bytes(t, sw, r->lo * 1000);
            double hi = m3_switch_pool_bytes(t, sw, r->hi * 1000);
            path_lo = lo < path_lo ? lo : path_lo;
            path_hi = hi > path_hi ? hi : path_hi;
        }
        m3_topology_free(t);
    }
    /* per port: headroom 3 x rate x 1 us / 8 (0 on the zero-delay host
     * link) + the extra bytes + one reserve */
    const double port = M3_PFC_HEADROOM_EXTRA_BYTES + M3_RESERVE_BYTES;
    CHECK_NEAR(path_lo, 80000 - (2 * 15000 + 3 * port), 1e-9); /* inner 40 + 40 Gbps */
    CHECK_NEAR(path_hi, 1e6 - (2 * 3750 + 3 * port), 1e-9);    /* n = 3: 10 + 10 Gbps */
    CHECK(path_lo > 30000 && path_hi < 975000);
    for (uint32_t oversub = 1; oversub <= 4; oversub *= 2) {
        m3_topology *t = m3_topology_fat_tree_m3(2, 16, 8, oversub, 10e9, 40e9, 1000, &err);
        CHECK(t != NULL);
        if (!t)
            continue;
        for (uint32_t v = 0; v < m3_topology_num_nodes(t); v++) {
            if (!m3_topology_is_switch(t, v) || m3_topology_degree(t, v) < 10)
                continue; /* rack (10 ports) and fabric (20..32) switches */
            double pool = m3_switch_pool_bytes(t, v, 1e6);
            CHECK_MSG(pool >= path_lo && pool <= path_hi, "switch %u (%u ports): %g B", v,
                      m3_topology_degree(t, v), pool);
        }
        m3_topology_free(t);
    }
}

int main(void)
{
    test_schema();
    test_bucket_percentiles();
    test_path_features();
    test_path_features_float_ties();
    test_config_sample();
    test_buffer_range_covers_fat_tree();
    return check_finish("test-features");
}

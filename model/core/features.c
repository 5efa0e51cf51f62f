/* SPDX-License-Identifier: GPL-2.0-only */
/* features.c - the feature map (m3-method.md section 4, doc/features.rst):
 * schema v2 as static data, per-size-bucket nearest-rank percentiles, and
 * the tokens of one path scenario.
 *
 * Design. The schema (buckets, percentiles, fields and their scaling) is
 * const data behind m3_feature_schema_get, so datasets and checkpoints can
 * record it and compare it. Bucket percentiles work on a scratch copy of
 * the values grouped by bucket with a counting pass (bucket of a size by
 * binary search over the bounds), each group sorted with qsort and read
 * with m3_percentile_sorted. A path's tokens are index lists over the flows
 * (CSR: one counting pass while validating, one filling pass): the
 * foreground flows (0 -> n-1) form token 0, every other flow joins the
 * tokens of the line links it crosses. The configuration part of the
 * fields is computed once and copied into every token; each token then
 * gets its own link rate and switch pool.
 *
 * Cost. m3_bucket_percentiles: one allocation (n doubles + nb counters),
 * O(n nb + n log n) time. m3_path_features: allocations for the flows'
 * buckets, their log slowdowns with the radix sort's scratch, and the token
 * lists; O(F nb) to bucket the F flows, one radix sort of their log
 * slowdowns rounded to float (4 passes at most, the digits counted in one
 * read), O(E) to fill the token lists, E <= F x (n - 1) being the token
 * entries. Measured per path of the default scenario (bench-m3; 3,667
 * flows on average): 0.15 ms, down from 0.26 ms with a binary search per
 * bucket and an 8-pass radix sort on the doubles, a counting read a pass. */
#include "m3-internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ schema v2 */

static const uint64_t in_bounds_v2[M3_FEAT_IN_BUCKETS - 1] = {250,  500,  750,   1000, 2000,
                                                              5000, 7500, 10000, 50000};
static const uint64_t out_bounds_v2[M3_FEAT_OUT_BUCKETS - 1] = {1000, 10000, 50000};

/* Field order; must match fields_v2 below. */
enum {
    F_N3,
    F_N5,
    F_N7,
    F_CC_DCTCP,
    F_CC_HPCC,
    F_CC_DCQCN,
    F_CC_TIMELY,
    F_PFC,
    F_WINDOW_KB,
    F_DCTCP_K_KB,
    F_DCQCN_KMIN_KB,
    F_DCQCN_KMAX_KB,
    F_HPCC_ETA,
    F_HPCC_AI_MBPS,
    F_TIMELY_TLOW_US,
    F_TIMELY_THIGH_US,
    F_LINK_GBPS,
    F_POOL_KB,
    F_COUNT
};

/* Scaling: m3's raw units (lo 0), which beat scaling each field to [0, 1]
 * over its training range by 2.2 to 2.7 points of test p99 error over two
 * seeds (doc/training.rst): a field's effect has to stand out against 1000
 * percentile values of order 1. */
static const m3_feature_field fields_v2[F_COUNT] = {
    [F_N3] = {"n3", 0, 1},
    [F_N5] = {"n5", 0, 1},
    [F_N7] = {"n7", 0, 1},
    [F_CC_DCTCP] = {"cc_dctcp", 0, 1},
    [F_CC_HPCC] = {"cc_hpcc", 0, 1},
    [F_CC_DCQCN] = {"cc_dcqcn", 0, 1},
    [F_CC_TIMELY] = {"cc_timely", 0, 1},
    [F_PFC] = {"pfc", 0, 1},
    [F_WINDOW_KB] = {"window_kb", 0, 1},           /* KB */
    [F_DCTCP_K_KB] = {"dctcp_k_kb", 0, 1},         /* KB */
    [F_DCQCN_KMIN_KB] = {"dcqcn_kmin_kb", 0, 1},   /* KB */
    [F_DCQCN_KMAX_KB] = {"dcqcn_kmax_kb", 0, 1},   /* KB */
    [F_HPCC_ETA] = {"hpcc_eta", 0, 0.01},          /* eta x 100 */
    [F_HPCC_AI_MBPS] = {"hpcc_ai_mbps", 0, 10},    /* Mb/s / 10 */
    [F_TIMELY_TLOW_US] = {"timely_tlow_us", 0, 1}, /* us */
    [F_TIMELY_THIGH_US] = {"timely_thigh_us", 0, 1},
    [F_LINK_GBPS] = {"link_gbps", 0, 1}, /* Gb/s */
    [F_POOL_KB] = {"pool_kb", 0, 10},    /* KB / 10, as m3 fed its buffer */
};

#define TOKEN_DIM (M3_FEAT_IN_BUCKETS * (M3_FEAT_PCTS + 1) + F_COUNT)

static const m3_feature_schema schema_v2 = {
    .version = M3_FEAT_VERSION,
    .in_buckets = M3_FEAT_IN_BUCKETS,
    .in_bounds = in_bounds_v2,
    .pcts = M3_FEAT_PCTS,
    .out_buckets = M3_FEAT_OUT_BUCKETS,
    .out_bounds = out_bounds_v2,
    .num_fields = F_COUNT,
    .fields = fields_v2,
    .token_dim = TOKEN_DIM,
};

const m3_feature_schema *m3_feature_schema_get(void) { return &schema_v2; }

/* ------------------------------------------------- bucket percentiles */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Bucket of `size`: the number of bounds <= size (bucket b is
 * [bounds[b-1], bounds[b])). A count without branches: the bounds are few
 * (M3_MAX_BUCKETS), and a binary search's branches mispredict on random
 * sizes. */
int m3_bucket_of(uint64_t size, const uint64_t *bounds, int nb)
{
    int b = 0;
    for (int i = 0; i + 1 < nb; i++)
        b += size >= bounds[i];
    return b;
}

/* The work of m3_bucket_percentiles on entries idx[0..n) (identity when
 * idx is NULL) with caller scratch: `sorted` holds n doubles, `pos` nb
 * counters. Inputs are already checked. */
static void bucket_pcts(const uint64_t *sizes, const double *values, const uint32_t *idx, size_t n,
                        const uint64_t *bounds, int nb, int pcts, double *out, size_t *counts,
                        double *sorted, size_t *pos, int presorted)
{
    memset(counts, 0, (size_t)nb * sizeof *counts);
    for (size_t i = 0; i < n; i++)
        counts[m3_bucket_of(sizes[idx ? idx[i] : i], bounds, nb)]++;
    size_t start = 0;
    for (int b = 0; b < nb; b++) {
        pos[b] = start;
        start += counts[b];
    }
    for (size_t i = 0; i < n; i++) {
        size_t j = idx ? idx[i] : i;
        sorted[pos[m3_bucket_of(sizes[j], bounds, nb)]++] = values[j];
    }
    start = 0;
    for (int b = 0; b < nb; b++) {
        double *v = sorted + start, *o = out + (size_t)b * (size_t)pcts;
        size_t c = counts[b];
        start += c;
        if (!c) {
            memset(o, 0, (size_t)pcts * sizeof *o);
            continue;
        }
        if (!presorted) /* entries in increasing value stay so per bucket */
            qsort(v, c, sizeof *v, cmp_double);
        for (int k = 0; k < pcts; k++)
            o[k] = m3_percentile_sorted(v, c, 100.0 * (k + 1) / pcts);
    }
}

static int check_bounds(const uint64_t *bounds, int nb, int pcts, const char *who, m3_error *err)
{
    if (nb < 1)
        return m3_fail(err, "%s: %d buckets (need at least 1)", who, nb);
    if (pcts < 1)
        return m3_fail(err, "%s: %d percentiles (need at least 1)", who, pcts);
    if (nb > 1 && !bounds)
        return m3_fail(err, "%s: no bucket bounds", who);
    for (int b = 1; b + 1 < nb; b++)
        if (bounds[b] <= bounds[b - 1])
            return m3_fail(err,
                           "%s: bucket bounds must increase (bound %d is %llu, bound %d "
                           "is %llu)",
                           who, b - 1, (unsigned long long)bounds[b - 1], b,
                           (unsigned long long)bounds[b]);
    return 0;
}

int m3_bucket_percentiles(const uint64_t *sizes, const double *values, size_t n,
                          const uint64_t *bounds, int nb, int pcts, double *out, size_t *counts,
                          m3_error *err)
{
    static const char who[] = "bucket percentiles";
    if (check_bounds(bounds, nb, pcts, who, err))
        return -1;
    if (!out || !counts || (n && (!sizes || !values)))
        return m3_fail(err, "%s: missing input or output array", who);
    for (size_t i = 0; i < n; i++)
        if (isnan(values[i]))
            return m3_fail(err, "%s: value %zu is NaN", who, i);
    /* one block: n doubles, then nb counters */
    size_t words = n + (size_t)nb;
    double *sorted = m3_calloc(words ? words : 1, sizeof(double), err);
    if (!sorted)
        return -1;
    _Static_assert(sizeof(size_t) <= sizeof(double), "counters fit a double slot");
    bucket_pcts(sizes, values, NULL, n, bounds, nb, pcts, out, counts, sorted,
                (size_t *)(void *)(sorted + n), 0);
    free(sorted);
    return 0;
}

/* ---------------------------------------------------------- path tokens */

static double scaled(int field, double x)
{
    return (x - fields_v2[field].lo) / (fields_v2[field].hi - fields_v2[field].lo);
}

/* The configuration fields, the same in every token (link and pool are
 * left 0 for the caller). An inactive CC's parameters are 0. */
static void config_fields(uint32_t n, const m3_config *c, double *f)
{
    memset(f, 0, F_COUNT * sizeof *f);
    if (n == 3)
        f[F_N3] = 1;
    else if (n == 5)
        f[F_N5] = 1;
    else if (n == 7)
        f[F_N7] = 1;
    static const int cc_field[M3_CC_COUNT] = {
        [M3_CC_DCTCP] = F_CC_DCTCP,
        [M3_CC_HPCC] = F_CC_HPCC,
        [M3_CC_DCQCN] = F_CC_DCQCN,
        [M3_CC_TIMELY] = F_CC_TIMELY,
    };
    f[cc_field[c->cc]] = 1;
    f[F_PFC] = c->pfc ? 1 : 0;
    f[F_WINDOW_KB] = scaled(F_WINDOW_KB, c->window_bytes / 1000.0);
    switch (c->cc) {
    case M3_CC_DCTCP:
        f[F_DCTCP_K_KB] = scaled(F_DCTCP_K_KB, c->dctcp_k_kb);
        break;
    case M3_CC_DCQCN:
        f[F_DCQCN_KMIN_KB] = scaled(F_DCQCN_KMIN_KB, c->dcqcn_kmin_kb);
        f[F_DCQCN_KMAX_KB] = scaled(F_DCQCN_KMAX_KB, c->dcqcn_kmax_kb);
        break;
    case M3_CC_HPCC:
        f[F_HPCC_ETA] = scaled(F_HPCC_ETA, c->hpcc_eta);
        f[F_HPCC_AI_MBPS] = scaled(F_HPCC_AI_MBPS, c->hpcc_ai_mbps);
        break;
    case M3_CC_TIMELY:
        f[F_TIMELY_TLOW_US] = scaled(F_TIMELY_TLOW_US, c->timely_tlow_us);
        f[F_TIMELY_THIGH_US] = scaled(F_TIMELY_THIGH_US, c->timely_thigh_us);
        break;
    default:
        break;
    }
}

/* A flow's log slowdown rounded to float, as its IEEE-754 bits (>= +0,
 * so the bits order like the values), and the flow's index. */
typedef struct keyed {
    uint32_t key;
    uint32_t i;
} keyed;

/* LSD radix sort of a[0..n) by key, 8 bits a pass, tmp of n: O(4n), stable,
 * passes where every key has the same digit skipped. The four digit
 * counts are taken in one read of the keys: four counters bumped per key
 * rather than one in each of four reads, whose increments of one counter
 * (keys sharing a digit) wait on each other. Returns the array that holds
 * the result (a or tmp). */
static const keyed *radix_sort(keyed *a, keyed *tmp, size_t n)
{
    size_t count[4][257];
    memset(count, 0, sizeof count);
    for (size_t i = 0; i < n; i++)
        for (int d = 0; d < 4; d++)
            count[d][((a[i].key >> (8 * d)) & 0xff) + 1]++;
    for (int d = 0; d < 4; d++) {
        size_t *c = count[d];
        int skip = 0;
        for (int v = 1; v <= 256; v++)
            skip |= c[v] == n;
        if (skip)
            continue;
        for (int v = 0; v < 256; v++)
            c[v + 1] += c[v];
        for (size_t i = 0; i < n; i++)
            tmp[c[(a[i].key >> (8 * d)) & 0xff]++] = a[i];
        keyed *x = a;
        a = tmp;
        tmp = x;
    }
    return a;
}

int m3_path_features(const m3_line *l, const m3_flows *f, const double *slowdown,
                     const m3_config *c, const double *pool_bytes, float *out, m3_error *err)
{
    static const char who[] = "path features";
    if (!l || !f || !c || !out || (f->n && !slowdown))
        return m3_fail(err, "%s: missing input or output", who);
    if (m3_line_check(l, err))
        return -1;
    if (m3_config_validate(c, err))
        return -1;
    const uint32_t n = l->n, ntok = n;
    if (n > 2 && !pool_bytes)
        return m3_fail(err, "%s: no switch pools for a line of %u positions", who, n);
    for (uint32_t p = 1; p + 1 < n; p++)
        if (!isfinite(pool_bytes[p]))
            return m3_fail(err, "%s: pool_bytes[%u] is not finite", who, p);
    if (f->n > UINT32_MAX)
        return m3_fail(err, "%s: %zu flows (at most %u)", who, f->n, UINT32_MAX);

    /* pass 1: check the flows, each one's input bucket, and the entries
     * of every (token, bucket) list */
    const int nb = M3_FEAT_IN_BUCKETS, pcts = M3_FEAT_PCTS;
    const size_t F = f->n;
    size_t cnt[M3_LINE_MAX_POSITIONS][M3_FEAT_IN_BUCKETS];
    memset(cnt, 0, sizeof cnt);
    uint8_t *bkt = m3_calloc(F ? F : 1, 1, err);
    if (!bkt)
        return -1;
    for (size_t i = 0; i < F; i++) {
        const m3_flow *fl = &f->v[i];
        double s = slowdown[i];
        if (fl->src >= fl->dst || fl->dst >= n || !isfinite(s) || !(s >= 1)) {
            free(bkt);
            if (fl->src >= fl->dst || fl->dst >= n)
                return m3_fail(err,
                               "%s: flow %zu (id %llu) runs from position %u to %u (need "
                               "src < dst <= %u)",
                               who, i, (unsigned long long)fl->id, fl->src, fl->dst, n - 1);
            return m3_fail(err,
                           "%s: flow %zu (id %llu) has slowdown %g (need finite and "
                           ">= 1)",
                           who, i, (unsigned long long)fl->id, s);
        }
        int b = m3_bucket_of(fl->size, in_bounds_v2, nb);
        bkt[i] = (uint8_t)b;
        if (fl->src == 0 && fl->dst == n - 1)
            cnt[0][b]++;
        else
            for (uint32_t k = fl->src; k < fl->dst; k++)
                cnt[k + 1][b]++;
    }
    size_t off[M3_LINE_MAX_POSITIONS][M3_FEAT_IN_BUCKETS],
        pos[M3_LINE_MAX_POSITIONS][M3_FEAT_IN_BUCKETS];
    size_t entries = 0;
    for (uint32_t t = 0; t < ntok; t++)
        for (int b = 0; b < nb; b++) {
            off[t][b] = pos[t][b] = entries;
            entries += cnt[t][b];
        }

    /* pass 2: the flows in increasing log slowdown (one radix sort), each
     * appended to its lists, which therefore come out sorted: no sort per
     * token and bucket (a flow sits in up to n - 1 link tokens). The sort
     * is on the values rounded to float (4 passes of 8-byte entries rather
     * than 8 of 16-byte ones), which may leave doubles that round to one
     * float out of order; the tokens are floats, and a nearest-rank
     * percentile of a list in float order rounds to the same float. */
    keyed *order = m3_calloc(2 * (F ? F : 1), sizeof *order, err);
    double *lv = m3_calloc(F ? F : 1, sizeof *lv, err);
    double *vals = m3_calloc(entries ? entries : 1, sizeof *vals, err);
    if (!order || !lv || !vals) {
        free(bkt);
        free(order);
        free(lv);
        free(vals);
        return -1;
    }
    for (size_t i = 0; i < F; i++) {
        lv[i] = log(slowdown[i]);
        float x = (float)lv[i];
        memcpy(&order[i].key, &x, sizeof x);
        order[i].i = (uint32_t)i;
    }
    const keyed *sorted = radix_sort(order, order + F, F);
    for (size_t r = 0; r < F; r++) {
        uint32_t i = sorted[r].i;
        const m3_flow *fl = &f->v[i];
        int b = bkt[i];
        if (fl->src == 0 && fl->dst == n - 1)
            vals[pos[0][b]++] = lv[i];
        else
            for (uint32_t k = fl->src; k < fl->dst; k++)
                vals[pos[k + 1][b]++] = lv[i];
    }
    free(order);
    free(lv);
    free(bkt);

    /* the fields every token shares; link and pool per token */
    double cfg[F_COUNT];
    config_fields(n, c, cfg);
    double bottleneck = INFINITY, min_pool = INFINITY;
    for (uint32_t k = 0; k + 1 < n; k++)
        if (l->link_bps[k] < bottleneck)
            bottleneck = l->link_bps[k];
    for (uint32_t p = 1; p + 1 < n; p++)
        if (pool_bytes[p] < min_pool)
            min_pool = pool_bytes[p];
    if (n == 2)
        min_pool = 0;

    for (uint32_t t = 0; t < ntok; t++) {
        float *o = out + (size_t)t * TOKEN_DIM;
        for (int b = 0; b < nb; b++) {
            const double *v = vals + off[t][b];
            size_t c = cnt[t][b];
            for (int k = 0; k < pcts; k++)
                o[b * pcts + k] =
                    c ? (float)m3_percentile_sorted(v, c, 100.0 * (k + 1) / pcts) : 0.0f;
            o[nb * pcts + b] = (float)(log10(1.0 + (double)c) / 5.0);
        }
        /* token 0: the path's bottleneck and its tightest switch; token
         * l+1: line link l and the switch at position l (a host NIC at 0) */
        double link_bps = t == 0 ? bottleneck : l->link_bps[t - 1];
        double pool = t == 0 ? min_pool : (t == 1 ? 0 : pool_bytes[t - 1]);
        float *fo = o + nb * (pcts + 1);
        for (int j = 0; j < F_COUNT; j++)
            fo[j] = (float)cfg[j];
        fo[F_LINK_GBPS] = (float)scaled(F_LINK_GBPS, link_bps / 1e9);
        fo[F_POOL_KB] = (float)scaled(F_POOL_KB, pool / 1000.0);
    }
    free(vals);
    return 0;
}

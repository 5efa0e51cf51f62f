/* SPDX-License-Identifier: GPL-2.0-only */
/* aggregate.c - m3-method.md section 6: the network-wide slowdown
 * distribution from per-path predictions, with a bootstrap interval.
 *
 * Each path's prediction for output bucket b is a distribution with mass
 * 1/pcts on each of its pcts percentiles. Within bucket b, path p weighs
 * mult[p] x fg[p][b] / fg[p] (multiplicity times the share of its
 * foreground flows that fall in b: sampling drew it in proportion to all
 * its flows), normalised over the paths; when no sampled path has flows in
 * a bucket that the scenario has, the bucket falls back to multiplicities
 * alone (and says so). The overall distribution mixes the buckets by the
 * scenario's exact flow shares. Percentiles are nearest-rank on the
 * mixture: the smallest value whose cumulative weight reaches p. This is
 * exact, with no resampling of values (m3's notebook drew 200,000).
 *
 * All atoms (path, bucket, percentile) are sorted by value once; a
 * mixture's percentiles then take one pass over them with the weights of
 * the moment, which is what makes the bootstrap cheap: each replicate
 * redraws the multiplicities (multinomial over the draws, GSL) and
 * re-walks the sorted atoms. Atoms that weigh nothing in the estimate
 * and in every replicate (a path's buckets without foreground flows,
 * unless the bucket falls back to multiplicities somewhere) are dropped
 * before the sort: on a fat-tree, where a path has one or two foreground
 * flows, that leaves about a third. Cost: O(A log A) for the sort, A =
 * the kept atoms out of paths x buckets x pcts (62,700 of 200,000 for the
 * default scenario's 500 paths), then O(A) per replicate, the replicates
 * spread over m->threads POSIX threads; memory 12 bytes per atom plus
 * replicates x (3 x (buckets + 1) + paths) doubles. Measured on the default
 * scenario with one thread (CPU time): 36 ms, of which the 200 walks take
 * 20 ms (about 4 cycles an atom: the running sums' additions, in order),
 * down from 60 ms when all atoms were sorted and every walk recomputed
 * the percentile levels. */
#include "m3-internal.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct atom {
    float v;
    uint32_t key;   /* path * out_buckets + bucket */
    uint8_t bucket; /* key % out_buckets, for the walks */
} atom;

static int cmp_atom(const void *a, const void *b)
{
    const atom *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return (x->key > y->key) - (x->key < y->key);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* What one pass computes: per bucket p50/p90/p99, overall p1..p100. */
typedef struct mix_out {
    double bucket[M3_MAX_BUCKETS][3];
    double pct[M3_RESULT_PCTS];
} mix_out;

static const double q3[3] = {0.50, 0.90, 0.99};

/* Per (path, bucket) the mass of each of its atoms, within its bucket and
 * overall, from multiplicities `mult`. Returns a bitmask of the buckets
 * that fell back to multiplicities alone. */
static unsigned weights(const m3_mixture *m, const double *mult, const double *share, double *w_in,
                        double *w_all)
{
    const int O = m->out_buckets;
    unsigned fallback = 0;
    for (int b = 0; b < O; b++) {
        double W = 0;
        for (uint32_t p = 0; p < m->num_paths; p++) {
            double tot = 0;
            for (int c = 0; c < O; c++)
                tot += m->fg_counts[(size_t)p * O + c];
            double w = tot > 0 ? mult[p] * m->fg_counts[(size_t)p * O + b] / tot : 0;
            w_in[(size_t)p * O + b] = w;
            W += w;
        }
        if (!(W > 0) && share[b] > 0) {
            fallback |= 1u << b;
            for (uint32_t p = 0; p < m->num_paths; p++)
                W += w_in[(size_t)p * O + b] = mult[p];
        }
        for (uint32_t p = 0; p < m->num_paths; p++) {
            double x = W > 0 ? w_in[(size_t)p * O + b] / (W * m->pcts) : 0;
            w_in[(size_t)p * O + b] = x;
            w_all[(size_t)p * O + b] = x * share[b];
        }
    }
    return fallback;
}

/* One pass over the sorted atoms with the weights of the moment. Each
 * running sum is compared with the threshold of its next percentile, kept
 * in a variable (INFINITY once all are found), rather than with the
 * percentile's level recomputed at every atom: the same comparisons, since
 * a level crossed is crossed at the same atom either way. */
static void walk(const m3_mixture *m, const atom *a, size_t na, const double *share,
                 const double *w_in, const double *w_all, mix_out *o)
{
    const int O = m->out_buckets;
    double cum[M3_MAX_BUCKETS] = {0}, all = 0, thr[M3_MAX_BUCKETS], thr_all;
    int next[M3_MAX_BUCKETS] = {0}, nextp = 0;
    const double eps = 1e-12;
    for (int b = 0; b < O; b++) {
        for (int j = 0; j < 3; j++)
            o->bucket[b][j] = NAN;
        thr[b] = share[b] > 0 ? q3[0] - eps : INFINITY; /* buckets without flows: none */
    }
    for (int k = 0; k < M3_RESULT_PCTS; k++)
        o->pct[k] = NAN;
    thr_all = 1 / 100.0 - eps;
    for (size_t i = 0; i < na; i++) {
        uint32_t key = a[i].key;
        int b = a[i].bucket;
        double v = a[i].v;
        cum[b] += w_in[key];
        if (cum[b] >= thr[b]) {
            while (next[b] < 3 && cum[b] >= q3[next[b]] - eps)
                o->bucket[b][next[b]++] = v;
            thr[b] = next[b] < 3 ? q3[next[b]] - eps : INFINITY;
        }
        all += w_all[key];
        if (all >= thr_all) {
            while (nextp < M3_RESULT_PCTS && all >= (nextp + 1) / 100.0 - eps)
                o->pct[nextp++] = v;
            thr_all = nextp < M3_RESULT_PCTS ? (nextp + 1) / 100.0 - eps : INFINITY;
        }
    }
    /* rounding can leave the top percentiles a hair short of the total */
    for (int b = 0; b < O; b++)
        for (; share[b] > 0 && next[b] < 3 && na; next[b]++)
            o->bucket[b][next[b]] = a[na - 1].v;
}

/* Linear interpolation between order statistics of sorted v[0..n-1]. */
static double quantile_lin(const double *v, size_t n, double q)
{
    if (n == 0)
        return NAN;
    double h = q * (double)(n - 1);
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n)
        return v[n - 1];
    return v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]);
}

static void set_stats(m3_bucket_stats *s, const double *v3)
{
    s->p50 = v3[0];
    s->p90 = v3[1];
    s->p99 = v3[2];
}

/* Replicates first, first + step, ... of the bootstrap: weights from the
 * replicate's multiplicities, one walk, its statistics into rep. */
typedef struct boot_job {
    const m3_mixture *m;
    const atom *a;
    size_t na;
    const double *share, *redraws;
    uint32_t bootstrap;
    double *rep;
    int ns;
    uint32_t first, step;
} boot_job;

static void *boot_worker(void *arg)
{
    const boot_job *j = arg;
    const m3_mixture *m = j->m;
    const int O = m->out_buckets;
    size_t nw = (size_t)m->num_paths * O;
    double *w_in = malloc(nw * sizeof *w_in), *w_all = malloc(nw * sizeof *w_all);
    mix_out mo;
    for (uint32_t r = j->first; r < j->bootstrap; r += j->step) {
        double *row = j->rep + (size_t)r * j->ns;
        if (!w_in || !w_all) {
            row[0] = INFINITY; /* the caller reports it */
            continue;
        }
        weights(m, j->redraws + (size_t)r * m->num_paths, j->share, w_in, w_all);
        walk(m, j->a, j->na, j->share, w_in, w_all, &mo);
        for (int b = 0; b < O; b++)
            memcpy(row + 3 * b, mo.bucket[b], 3 * sizeof *row);
        row[3 * O] = mo.pct[49];
        row[3 * O + 1] = mo.pct[89];
        row[3 * O + 2] = mo.pct[98];
    }
    free(w_in);
    free(w_all);
    return NULL;
}

int m3_aggregate(const m3_mixture *m, uint32_t bootstrap, double level, uint64_t seed,
                 m3_result *out, m3_error *err)
{
    const int O = m->out_buckets, K = m->pcts;
    const uint32_t P = m->num_paths;
    if (O < 1 || O > M3_MAX_BUCKETS || K < 1 || P == 0)
        return m3_fail(err, "aggregate: %u paths, %d buckets, %d percentiles", P, O, K);
    if (bootstrap && !(level > 0 && level < 1))
        return m3_fail(err, "aggregate: confidence level %g (need 0 < level < 1)", level);
    size_t flows = 0;
    for (int b = 0; b < O; b++)
        flows += m->bucket_flows[b];
    if (flows == 0)
        return m3_fail(err, "aggregate: the scenario has no flows");
    uint64_t draws = 0;
    for (uint32_t p = 0; p < P; p++)
        draws += m->mult[p];

    double share[M3_MAX_BUCKETS];
    for (int b = 0; b < O; b++)
        share[b] = (double)m->bucket_flows[b] / (double)flows;
    size_t na = (size_t)P * O * K, nw = (size_t)P * O;
    atom *a = m3_calloc(na, sizeof *a, err);
    double *w_in = m3_calloc(nw, sizeof *w_in, err);
    double *w_all = m3_calloc(nw, sizeof *w_all, err);
    double *mult = m3_calloc(P, sizeof *mult, err);
    double *prob = m3_calloc(P, sizeof *prob, err);
    unsigned int *redraw = m3_calloc(P, sizeof *redraw, err);
    const int ns = 3 * (O + 1); /* statistics with an interval */
    double *rep = bootstrap ? m3_calloc((size_t)bootstrap * ns, sizeof *rep, err) : NULL;
    double *col = NULL, *redraws = NULL;
    gsl_rng *rng = NULL;
    int rc = -1;
    if (!a || !w_in || !w_all || !mult || !prob || !redraw || (bootstrap && !rep))
        goto done;
    for (size_t i = 0; i < na; i++)
        if (!isfinite(m->pred[i])) {
            m3_fail(err, "aggregate: path %zu bucket %zu percentile %zu is %g", i / (O * K),
                    i / K % O, i % K + 1, (double)m->pred[i]);
            goto done;
        }
    for (uint32_t p = 0; p < P; p++) {
        mult[p] = m->mult[p];
        prob[p] = (double)m->mult[p] / (double)draws;
    }

    /* the bootstrap's multiplicities, all drawn up front from one stream
     * (so the draws do not depend on the thread count) */
    if (bootstrap) {
        rng = m3_rng_new(seed ^ 0xb0075742a9e1ull, err);
        redraws = rng ? m3_calloc((size_t)bootstrap * P, sizeof *redraws, err) : NULL;
        if (!redraws)
            goto done;
        for (uint32_t r = 0; r < bootstrap; r++) {
            gsl_ran_multinomial(rng, P, (unsigned int)draws, prob, redraw);
            for (uint32_t p = 0; p < P; p++)
                redraws[(size_t)r * P + p] = redraw[p];
        }
    }
    /* keep the atoms that can weigh something: those of paths with
     * foreground flows in the bucket, and all of a bucket that falls back
     * to multiplicities in the estimate or in any replicate (a bucket
     * without foreground flows anywhere keeps all its atoms). They are
     * chosen before the sort, which then orders a third of them on a
     * fat-tree. */
    unsigned all_of = 0;
    for (uint32_t r = 0; r <= bootstrap; r++) {
        const double *mu = r == bootstrap ? mult : redraws + (size_t)r * P;
        for (int b = 0; b < O; b++) {
            double W = 0;
            for (uint32_t p = 0; p < P; p++)
                if (m->fg_counts[(size_t)p * O + b] > 0)
                    W += mu[p];
            if (!(W > 0))
                all_of |= 1u << b;
        }
    }
    size_t kept = 0;
    for (size_t i = 0; i < na; i++) {
        uint32_t key = (uint32_t)(i / K), b = key % (uint32_t)O;
        if ((all_of >> b & 1) || m->fg_counts[key] > 0)
            a[kept++] = (atom){m->pred[i], key, (uint8_t)b};
    }
    na = kept;
    qsort(a, na, sizeof *a, cmp_atom);

    /* the point estimate */
    unsigned fb = weights(m, mult, share, w_in, w_all);
    mix_out mo;
    walk(m, a, na, share, w_in, w_all, &mo);
    out->summary.num_buckets = O;
    out->summary.overall.lo = 0;
    out->summary.overall.hi = UINT64_MAX;
    out->summary.overall.n = flows;
    double o3[3] = {mo.pct[49], mo.pct[89], mo.pct[98]};
    set_stats(&out->summary.overall, o3);
    for (int b = 0; b < O; b++) {
        m3_bucket_stats *s = &out->summary.buckets[b];
        s->lo = b ? m->bounds[b - 1] : 0;
        s->hi = b + 1 < O ? m->bounds[b] : UINT64_MAX;
        s->n = m->bucket_flows[b];
        set_stats(s, mo.bucket[b]);
        if (fb >> b & 1) {
            char hi[32] = "inf";
            if (s->hi != UINT64_MAX)
                snprintf(hi, sizeof hi, "%llu", (unsigned long long)s->hi);
            m3_result_warn(out,
                           "flows of [%llu, %s) bytes: no sampled path has foreground "
                           "flows of this size; the bucket mixes every sampled path's "
                           "prediction by multiplicity",
                           (unsigned long long)s->lo, hi);
        }
    }
    memcpy(out->pct, mo.pct, sizeof out->pct);
    out->ci_lo.num_buckets = out->ci_hi.num_buckets = O;
    out->ci_lo.overall = out->ci_hi.overall = out->summary.overall;
    for (int b = 0; b < O; b++)
        out->ci_lo.buckets[b] = out->ci_hi.buckets[b] = out->summary.buckets[b];
    out->has_ci = 0;
    if (!bootstrap) {
        rc = 0;
        goto done;
    }

    /* the bootstrap: re-walk the replicates on `threads` workers */
    boot_job bj = {m, a, na, share, redraws, bootstrap, rep, ns, 0, 0};
    int T = m->threads > 1 ? m->threads : 1;
    if ((uint32_t)T > bootstrap)
        T = (int)bootstrap;
    pthread_t tid[64];
    boot_job jobs[64];
    int started = 0;
    for (int t = 1; t < T && t < 64; t++) {
        jobs[t] = bj;
        jobs[t].first = (uint32_t)t;
        jobs[t].step = (uint32_t)T;
        if (pthread_create(&tid[started], NULL, boot_worker, &jobs[t]))
            break;
        started++;
    }
    /* the caller takes replicate 0 and every stride not started */
    jobs[0] = bj;
    jobs[0].first = 0;
    jobs[0].step = (uint32_t)T;
    boot_worker(&jobs[0]);
    for (int t = started + 1; t < T && t < 64; t++) {
        jobs[t] = bj;
        jobs[t].first = (uint32_t)t;
        jobs[t].step = (uint32_t)T;
        boot_worker(&jobs[t]);
    }
    for (int t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    for (uint32_t r = 0; r < bootstrap; r++)
        if (isinf(rep[(size_t)r * ns])) { /* a worker could not allocate */
            m3_fail(err, "aggregate: out of memory in the bootstrap");
            goto done;
        }
    col = m3_calloc(bootstrap, sizeof *col, err);
    if (!col)
        goto done;
    for (int j = 0; j < ns; j++) {
        size_t k = 0;
        for (uint32_t r = 0; r < bootstrap; r++)
            if (!isnan(rep[(size_t)r * ns + j]))
                col[k++] = rep[(size_t)r * ns + j];
        qsort(col, k, sizeof *col, cmp_double);
        double lo = quantile_lin(col, k, (1 - level) / 2),
               hi = quantile_lin(col, k, (1 + level) / 2);
        m3_bucket_stats *sl = j < 3 * O ? &out->ci_lo.buckets[j / 3] : &out->ci_lo.overall;
        m3_bucket_stats *sh = j < 3 * O ? &out->ci_hi.buckets[j / 3] : &out->ci_hi.overall;
        double *pl = j % 3 == 0 ? &sl->p50 : j % 3 == 1 ? &sl->p90 : &sl->p99;
        double *ph = j % 3 == 0 ? &sh->p50 : j % 3 == 1 ? &sh->p90 : &sh->p99;
        *pl = lo;
        *ph = hi;
    }
    out->has_ci = 1;
    out->ci_level = level;
    rc = 0;
done:
    if (rng)
        gsl_rng_free(rng);
    free(a);
    free(w_in);
    free(w_all);
    free(mult);
    free(prob);
    free(redraw);
    free(rep);
    free(col);
    free(redraws);
    return rc;
}

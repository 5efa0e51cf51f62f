/* SPDX-License-Identifier: GPL-2.0-only */
/* workload-path.c - m3's path-workload recipe (m3-method.md section 7) on
 * a line of n positions, for training data.
 *
 * Draws, in this order from one mt19937 stream:
 *   pairs      total uniform in 2 .. n(n-1)/2: the foreground (0, n-1) plus
 *              others (i < j) drawn without replacement (a shuffle);
 *   weights    foreground 1, others U(0,1) p / pairs with p uniform over
 *              {pairs, 10, 20, 50}; normalised; each flow picks its pair
 *              from them;
 *   sizes      one family uniform over exponential, Gaussian (sigma/mean
 *              0.5), log-normal (sigma U[1, 2]), generalised Pareto (xi
 *              U[0.1, 0.5], finite variance); mean log-uniform in 1 KB ..
 *              100 KB (log-uniform so that each decade is equally likely);
 *              minimum 50 B;
 *   arrivals   log-normal gaps with sigma U[1, 2]; with a recipe
 *              (m3_workload_path_recipe): first, only when poisson_share
 *              > 0, a uniform draw picks Poisson gaps with that
 *              probability (burst_sigma 0), else sigma is U[burst_lo,
 *              burst_hi] (so the default recipe draws exactly m3's stream);
 *   load       U[0.2, 0.8] on the most loaded line link.
 * Links: line link l joins positions l and l+1; the first and last are
 * 10 Gbps, inner ones 40 Gbps (m3's preset). A flow i -> j (i < j) crosses
 * line links i .. j-1; the arrival span is set as in workload.c so the most
 * loaded of them carries the drawn load. The shapes of the log-normal and
 * Pareto families are not given by m3's description: they are our choice. */
#include "m3-internal.h"
#include "workload-internal.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PATH_EDGE_BPS 10e9
#define PATH_INNER_BPS 40e9
#define PATH_MIN_BYTES 50

typedef struct path_pair {
    uint32_t src, dst;
} path_pair;

/* The foreground pair first, then the others drawn without replacement.
 * Returns the number of pairs or -1. */
static int draw_pairs(uint32_t n, gsl_rng *r, path_pair *pairs, m3_error *err)
{
    uint32_t all = n * (n - 1) / 2;
    uint32_t want = all < 2 ? all : 2 + (uint32_t)gsl_rng_uniform_int(r, all - 1);
    path_pair *others = m3_calloc(all, sizeof *others, err);
    if (!others)
        return -1;
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = i + 1; j < n; j++)
            if (!(i == 0 && j == n - 1))
                others[k++] = (path_pair){i, j};
    if (k > 1) /* GSL's shuffle loops forever on 0 elements */
        gsl_ran_shuffle(r, others, k, sizeof *others);
    pairs[0] = (path_pair){0, n - 1};
    memcpy(pairs + 1, others, (want - 1) * sizeof *pairs);
    free(others);
    return (int)want;
}

static m3_size_dist *draw_sizes(gsl_rng *r, m3_path_workload_info *info, m3_error *err)
{
    static const m3_size_kind kinds[] = {M3_SIZE_EXP, M3_SIZE_GAUSSIAN, M3_SIZE_LOGNORMAL,
                                         M3_SIZE_PARETO};
    info->size_kind = kinds[gsl_rng_uniform_int(r, 4)];
    info->size_mean = exp(gsl_ran_flat(r, log(1e3), log(1e5)));
    switch (info->size_kind) {
    case M3_SIZE_GAUSSIAN:
        info->size_shape = 0.5;
        break;
    case M3_SIZE_LOGNORMAL:
        info->size_shape = gsl_ran_flat(r, 1.0, 2.0);
        break;
    case M3_SIZE_PARETO:
        info->size_shape = gsl_ran_flat(r, 0.1, 0.5);
        break;
    default:
        info->size_shape = 0;
    }
    return m3_size_dist_synthetic(info->size_kind, info->size_mean, info->size_shape,
                                  PATH_MIN_BYTES, err);
}

int m3_workload_path_m3(uint32_t n, size_t num_flows, uint64_t seed, m3_flows *out, m3_error *err)
{
    return m3_workload_path_m3_ex(n, num_flows, seed, out, NULL, err);
}

void m3_path_recipe_default(m3_path_recipe *rc)
{
    rc->burst_lo = 1.0;
    rc->burst_hi = 2.0;
    rc->poisson_share = 0.0;
}

int m3_workload_path_m3_ex(uint32_t n, size_t num_flows, uint64_t seed, m3_flows *out,
                           m3_path_workload_info *info, m3_error *err)
{
    m3_path_recipe rc;
    m3_path_recipe_default(&rc);
    return m3_workload_path_recipe(n, num_flows, seed, &rc, out, info, err);
}

int m3_workload_path_recipe(uint32_t n, size_t num_flows, uint64_t seed,
                            const m3_path_recipe *recipe, m3_flows *out,
                            m3_path_workload_info *info, m3_error *err)
{
    const m3_path_recipe *rp = recipe;
    if (!rp || !(rp->burst_lo >= 0) || !(rp->burst_hi >= rp->burst_lo) || !(rp->burst_hi <= 5) ||
        !(rp->poisson_share >= 0 && rp->poisson_share <= 1))
        return m3_fail(err, "path workload: recipe needs 0 <= burst_lo <= burst_hi <= 5 and "
                            "poisson_share in [0, 1]");
    if (n < 2 || n > M3_LINE_MAX_POSITIONS)
        return m3_fail(err, "path workload: %u positions (need 2..%d)", n, M3_LINE_MAX_POSITIONS);
    if (num_flows == 0 || num_flows > ((size_t)1 << 32))
        return m3_fail(err, "path workload: flow count %zu out of range (1..2^32)", num_flows);
    if (!out)
        return m3_fail(err, "path workload: no output");
    m3_path_workload_info in;
    memset(&in, 0, sizeof in);
    in.n = n;
    m3_flows f;
    m3_flows_init(&f);
    path_pair *pairs = m3_calloc(n * (n - 1) / 2, sizeof *pairs, err);
    double *w = NULL, *arr = NULL, bits[M3_MAX_PATH_LINKS] = {0};
    gsl_ran_discrete_t *pick = NULL;
    m3_size_dist *sizes = NULL;
    int rc = -1;
    gsl_rng *r = m3_rng_new(seed, err);
    if (!r || !pairs)
        goto out;
    int np = draw_pairs(n, r, pairs, err);
    if (np < 0)
        goto out;
    in.num_pairs = (uint32_t)np;
    const double ps[4] = {(double)np, 10, 20, 50};
    in.pair_p = ps[gsl_rng_uniform_int(r, 4)];
    w = m3_calloc((size_t)np, sizeof *w, err);
    if (!w)
        goto out;
    double wsum = w[0] = 1.0;
    for (int k = 1; k < np; k++)
        wsum += w[k] = gsl_rng_uniform(r) * in.pair_p / np;
    in.fg_weight = w[0] / wsum;
    if (!(sizes = draw_sizes(r, &in, err)))
        goto out;
    int poisson = rp->poisson_share > 0 && gsl_rng_uniform(r) < rp->poisson_share;
    in.burst_sigma = poisson ? 0.0 : gsl_ran_flat(r, rp->burst_lo, rp->burst_hi);
    in.max_load = gsl_ran_flat(r, 0.2, 0.8);
    pick = gsl_ran_discrete_preproc((size_t)np, w); /* normalises */
    arr = m3_calloc(num_flows, sizeof *arr, err);
    if (!pick || !arr) {
        m3_fail(err, "path workload: out of memory");
        goto out;
    }
    double clock = 0;
    for (size_t i = 0; i < num_flows; i++) {
        const path_pair *p = &pairs[gsl_ran_discrete(r, pick)];
        m3_flow fl = {i, p->src, p->dst, 3, 0, 100, m3_size_dist_draw(sizes, r), 0};
        clock +=
            m3_unit_gap(poisson ? M3_ARRIVAL_POISSON : M3_ARRIVAL_LOGNORMAL, in.burst_sigma, r);
        arr[i] = clock;
        if (m3_flows_push(&f, &fl, err))
            goto out;
        double b = 8.0 * m3_wire_bytes(fl.size);
        for (uint32_t l = p->src; l < p->dst; l++)
            bits[l] += b;
    }
    double busy = 0;
    for (uint32_t l = 0; l + 1 < n; l++) {
        double s = bits[l] / (l == 0 || l + 2 == n ? PATH_EDGE_BPS : PATH_INNER_BPS);
        if (s > busy) {
            busy = s;
            in.max_load_link = l;
        }
    }
    if (m3_set_start_times(&f, arr, busy, in.max_load, err))
        goto out;
    m3_flows_assign_sports(&f);
    m3_flows_free(out);
    *out = f;
    m3_flows_init(&f);
    if (info)
        *info = in;
    rc = 0;
out:
    m3_flows_free(&f);
    m3_size_dist_free(sizes);
    if (pick)
        gsl_ran_discrete_free(pick);
    if (r)
        gsl_rng_free(r);
    free(pairs);
    free(w);
    free(arr);
    return rc;
}

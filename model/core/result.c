/* SPDX-License-Identifier: GPL-2.0-only */
/* result.c - the one result type of every estimator (m3.h "results").
 *
 * m3_result_set_fcts is the only place where per-flow FCTs become
 * slowdowns and a summary (overall, per output bucket, p1..p100): the
 * flowSim and packet modes both go through it, so their numbers are
 * comparable by construction. Cost: one copy of the arrays and the sorts of
 * m3_summarize, O(n) (m3_sort_doubles). */
#include "m3-internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void summary_nan(m3_summary *s)
{
    uint64_t bounds[M3_MAX_BUCKETS];
    int nb = m3_default_buckets(bounds);
    memset(s, 0, sizeof *s);
    s->num_buckets = nb;
    s->overall.lo = 0;
    s->overall.hi = UINT64_MAX;
    s->overall.p50 = s->overall.p90 = s->overall.p99 = NAN;
    for (int b = 0; b < nb; b++) {
        s->buckets[b].lo = b ? bounds[b - 1] : 0;
        s->buckets[b].hi = b + 1 < nb ? bounds[b] : UINT64_MAX;
        s->buckets[b].p50 = s->buckets[b].p90 = s->buckets[b].p99 = NAN;
    }
}

const char *m3_m3_stage_name(int stage)
{
    static const char *const names[M3_M3_STAGES] = {"index",    "sample",    "flowsim",
                                                    "features", "inference", "aggregate"};
    return stage >= 0 && stage < M3_M3_STAGES ? names[stage] : "?";
}

void m3_result_init(m3_result *r, const char *mode)
{
    memset(r, 0, sizeof *r);
    snprintf(r->mode, sizeof r->mode, "%s", mode ? mode : "");
    summary_nan(&r->summary);
    summary_nan(&r->ci_lo);
    summary_nan(&r->ci_hi);
    for (int k = 0; k < M3_RESULT_PCTS; k++)
        r->pct[k] = NAN;
    r->sim_s = NAN;
}

void m3_result_free(m3_result *r)
{
    free(r->fct_ns);
    free(r->ideal_ns);
    free(r->fluid_ns);
    r->fct_ns = r->ideal_ns = r->fluid_ns = NULL;
}

static double *copy_array(const double *v, size_t n, m3_error *err)
{
    double *c = m3_calloc(n ? n : 1, sizeof *c, err);
    if (c && n)
        memcpy(c, v, n * sizeof *c);
    return c;
}

int m3_result_set_fcts(m3_result *r, const m3_flows *f, const double *fct_ns,
                       const double *ideal_ns, const double *fluid_ns, m3_error *err)
{
    size_t n = f->n;
    double *fct = copy_array(fct_ns, n, err);
    double *ideal = copy_array(ideal_ns, n, err);
    double *fluid = fluid_ns ? copy_array(fluid_ns, n, err) : NULL;
    uint64_t *sizes = m3_calloc(n ? n : 1, sizeof *sizes, err);
    double *sd = m3_calloc(n ? n : 1, sizeof *sd, err);
    if (!fct || !ideal || (fluid_ns && !fluid) || !sizes || !sd)
        goto fail;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(fct[i]))
            continue;
        sizes[k] = f->v[i].size;
        sd[k++] = m3_slowdown(fct[i], ideal[i]);
    }
    uint64_t bounds[M3_MAX_BUCKETS];
    int nb = m3_default_buckets(bounds);
    m3_summary s;
    if (m3_summarize(sizes, sd, k, bounds, nb, &s, err))
        goto fail;
    /* empty buckets: NaN, not a made-up number */
    for (int b = 0; b < s.num_buckets; b++)
        if (s.buckets[b].n == 0)
            s.buckets[b].p50 = s.buckets[b].p90 = s.buckets[b].p99 = NAN;
    m3_sort_doubles(sd, k);
    for (int p = 0; p < M3_RESULT_PCTS; p++)
        r->pct[p] = k ? m3_percentile_sorted(sd, k, p + 1) : NAN;
    m3_result_free(r);
    r->summary = s;
    r->num_flows = n;
    r->unfinished = n - k;
    r->fct_ns = fct;
    r->ideal_ns = ideal;
    r->fluid_ns = fluid;
    free(sizes);
    free(sd);
    return 0;
fail:
    free(fct);
    free(ideal);
    free(fluid);
    free(sizes);
    free(sd);
    return -1;
}

void m3_result_warn(m3_result *r, const char *fmt, ...)
{
    if (r->num_warnings < M3_RESULT_MAX_WARNINGS) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->warnings[r->num_warnings], M3_RESULT_WARNING_LEN, fmt, ap);
        va_end(ap);
    }
    r->num_warnings++;
}

int m3_write_file_atomic(const char *path, const void *data, size_t len, m3_error *err)
{
    m3_atomic_file af;
    if (m3_atomic_open(&af, path, err))
        return -1;
    if (len && fwrite(data, 1, len, af.fp) != len) {
        m3_atomic_abort(&af);
        return m3_fail(err, "%s: write failed", path);
    }
    return m3_atomic_commit(&af, err);
}

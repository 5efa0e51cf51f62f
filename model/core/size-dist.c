/* SPDX-License-Identifier: GPL-2.0-only */
/* size-dist.c - flow-size distributions: empirical CDFs (built-in tables or
 * files) and four synthetic families, with their exact sampled means.
 *
 * Empirical: the CDF is piecewise linear between the points, so a size is
 * uniform inside a segment; a first point with probability p0 > 0 is an
 * atom of mass p0. Sampling is inverse transform; the result is rounded to
 * the nearest byte (at least 1), which keeps the mean of each segment
 * exactly (x0 + x1) / 2 for the integer end points.
 *
 * Synthetic: each family has a scale parameter; samples are clamped to
 * [min_bytes, SIZE_CAP] and rounded to the nearest byte. The scale is solved
 * numerically so that the mean of the CLAMPED distribution equals the
 * requested mean, so the sampler achieves the requested mean and
 * m3_size_dist_mean returns it (up to the bisection's 1e-12 relative error
 * and the rounding to whole bytes, whose bias on a continuous density is far
 * below a byte). The clamped mean is min + integral_min^cap S(x) dx, S the
 * survival function; the integrals below are closed forms.
 *
 *   exponential  S(x) = exp(-x / b)                        scale b
 *   gaussian     N(mu, (cv mu)^2) conditioned on x > 0 (rejection);
 *                cv = shape, 0.5 when shape is 0             scale mu
 *   log-normal   ln x ~ N(m, sigma^2), sigma = shape         scale e^m
 *   gen. Pareto  location 0, S(x) = (1 + xi x / s)^(-1/xi),
 *                xi = shape in (0, 1), mean s / (1 - xi)    scale s
 */
#include "m3-internal.h"
#include "workload-internal.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Largest synthetic flow: heavy tails must not overflow uint64_t or make a
 * single flow take hours; the mean accounts for the cap. 1 TB. */
#define SIZE_CAP 1e12
#define GAUSSIAN_CV_DEFAULT 0.5

struct m3_size_dist {
    m3_size_kind kind;
    double mean;       /* exact mean of what the sampler returns */
    m3_cdf_point *pts; /* empirical */
    size_t n;
    double scale, shape; /* synthetic, see the table above */
    double lo, hi;       /* clamp */
};

/* ------------------------------------------------------------ empirical */

static double cdf_mean(const m3_cdf_point *p, size_t n)
{
    double m = p[0].prob * p[0].bytes;
    for (size_t i = 1; i < n; i++)
        m += (p[i].prob - p[i - 1].prob) * 0.5 * (p[i - 1].bytes + p[i].bytes);
    return m;
}

/* Checks one point against the previous; `where` is "path:line". */
static int check_point(const m3_cdf_point *prev, const m3_cdf_point *p, const char *where,
                       m3_error *err)
{
    if (!(p->bytes >= 0) || p->bytes > SIZE_CAP)
        return m3_fail(err, "%s: size %g out of range (0..%g bytes)", where, p->bytes, SIZE_CAP);
    if (!(p->prob >= 0 && p->prob <= 1))
        return m3_fail(err, "%s: cumulative probability %g outside [0, 1]", where, p->prob);
    if (prev && !(p->bytes > prev->bytes))
        return m3_fail(err, "%s: size %g not above the previous size %g (sizes must increase)",
                       where, p->bytes, prev->bytes);
    if (prev && p->prob < prev->prob)
        return m3_fail(err, "%s: cumulative probability %g below the previous %g", where, p->prob,
                       prev->prob);
    return 0;
}

static int check_last(const m3_cdf_point *p, const char *where, m3_error *err)
{
    if (fabs(p->prob - 1.0) > 1e-9)
        return m3_fail(err, "%s: last cumulative probability is %g; it must be 1", where, p->prob);
    return 0;
}

/* Takes ownership of pts (freed on failure). */
static m3_size_dist *empirical_new(m3_cdf_point *pts, size_t n, m3_error *err)
{
    m3_size_dist *d = m3_calloc(1, sizeof *d, err);
    if (!d) {
        free(pts);
        return NULL;
    }
    pts[n - 1].prob = 1.0; /* exact, after the tolerance check */
    d->kind = M3_SIZE_CDF;
    d->pts = pts;
    d->n = n;
    d->mean = cdf_mean(pts, n);
    return d;
}

m3_size_dist *m3_size_dist_builtin(const char *name, m3_error *err)
{
    const m3_cdf_table *t = m3_cdf_table_find(name);
    if (!t) {
        m3_fail(err,
                "unknown size distribution '%s' (built-in: websearch, hadoop, webserver, "
                "cache, rpc)",
                name ? name : "");
        return NULL;
    }
    char where[64];
    for (size_t i = 0; i < t->n; i++) {
        snprintf(where, sizeof where, "built-in %s point %zu", t->name, i + 1);
        if (check_point(i ? &t->pts[i - 1] : NULL, &t->pts[i], where, err))
            return NULL;
    }
    if (check_last(&t->pts[t->n - 1], t->name, err))
        return NULL;
    m3_cdf_point *pts = m3_calloc(t->n, sizeof *pts, err);
    if (!pts)
        return NULL;
    memcpy(pts, t->pts, t->n * sizeof *pts);
    return empirical_new(pts, t->n, err);
}

m3_size_dist *m3_size_dist_read(const char *path, m3_error *err)
{
    m3_line_reader lr;
    if (m3_line_reader_open(&lr, path, err))
        return NULL;
    m3_cdf_point *pts = NULL;
    size_t n = 0, cap = 0, last_line = 0;
    char *line, *tok[3], where[600];
    int rc;
    while ((rc = m3_line_reader_next(&lr, &line, err)) == 1) {
        snprintf(where, sizeof where, "%s:%zu", path, lr.lineno);
        int nt = m3_split_ws(line, tok, 2);
        m3_cdf_point p;
        if (nt != 2) {
            m3_fail(err, "%s: expected `size_bytes cumulative_probability`", where);
            goto fail;
        }
        if (m3_parse_double(tok[0], &p.bytes)) {
            m3_fail(err, "%s: bad size '%s'", where, tok[0]);
            goto fail;
        }
        if (m3_parse_double(tok[1], &p.prob)) {
            m3_fail(err, "%s: bad cumulative probability '%s'", where, tok[1]);
            goto fail;
        }
        if (check_point(n ? &pts[n - 1] : NULL, &p, where, err))
            goto fail;
        if (n == cap) {
            size_t nc = cap ? 2 * cap : 32;
            m3_cdf_point *np = m3_realloc_array(pts, nc, sizeof *np, err);
            if (!np)
                goto fail;
            pts = np;
            cap = nc;
        }
        pts[n++] = p;
        last_line = lr.lineno;
    }
    if (rc < 0)
        goto fail;
    if (n == 0) {
        m3_fail(err, "%s: no CDF points (expected `size_bytes cumulative_probability` lines)",
                path);
        goto fail;
    }
    snprintf(where, sizeof where, "%s:%zu", path, last_line);
    if (check_last(&pts[n - 1], where, err))
        goto fail;
    m3_line_reader_close(&lr);
    return empirical_new(pts, n, err);
fail:
    m3_line_reader_close(&lr);
    free(pts);
    return NULL;
}

static double cdf_draw(const m3_size_dist *d, gsl_rng *r)
{
    const m3_cdf_point *p = d->pts;
    double u = gsl_rng_uniform(r); /* [0, 1) */
    if (u < p[0].prob)
        return p[0].bytes;
    size_t lo = 1, hi = d->n - 1; /* first i >= 1 with p[i].prob > u */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p[mid].prob > u)
            hi = mid;
        else
            lo = mid + 1;
    }
    const m3_cdf_point *a = &p[lo - 1], *b = &p[lo];
    return a->bytes + (u - a->prob) / (b->prob - a->prob) * (b->bytes - a->bytes);
}

/* ------------------------------------------------------------ synthetic */

static double phi(double z) { return gsl_ran_ugaussian_pdf(z); }
static double upper(double z) { return gsl_cdf_ugaussian_Q(z); }

/* integral of Q(z) dz = z Q(z) - phi(z) */
static double int_upper(double z)
{
    if (z > 40)
        return 0;
    return z * upper(z) - phi(z);
}

/* Mean of the family with this scale, clamped to [a, c]. */
static double clamped_mean(m3_size_kind k, double s, double shape, double a, double c)
{
    switch (k) {
    case M3_SIZE_EXP:
        return a + s * (exp(-a / s) - exp(-c / s));
    case M3_SIZE_GAUSSIAN: {
        double sd = shape * s;
        double keep = upper(-s / sd); /* P(x > 0) */
        double area = sd * (int_upper((c - s) / sd) - int_upper((a - s) / sd));
        return a + area / keep;
    }
    case M3_SIZE_LOGNORMAL: {
        double m = log(s), sg = shape;
        double sa = upper((log(a) - m) / sg), sc = upper((log(c) - m) / sg);
        double partial = exp(m + 0.5 * sg * sg) *
                         (upper((log(a) - m - sg * sg) / sg) - upper((log(c) - m - sg * sg) / sg));
        return a + (c * sc - a * sa + partial);
    }
    case M3_SIZE_PARETO: {
        double xi = shape, e = 1.0 - 1.0 / xi;
        return a + s / (1.0 - xi) * (pow(1.0 + xi * a / s, e) - pow(1.0 + xi * c / s, e));
    }
    default:
        return NAN;
    }
}

/* Bisection in log(scale): clamped_mean is increasing in the scale. */
static int solve_scale(m3_size_kind k, double target, double shape, double a, double c,
                       double *scale, m3_error *err)
{
    double lo = log(target) - 40, hi = log(target) + 5;
    if (!(clamped_mean(k, exp(hi), shape, a, c) >= target))
        return m3_fail(err,
                       "size distribution: mean %g not reachable below the %g-byte cap "
                       "with this shape",
                       target, c);
    for (int i = 0; i < 200 && hi - lo > 1e-13; i++) {
        double mid = 0.5 * (lo + hi);
        if (clamped_mean(k, exp(mid), shape, a, c) < target)
            lo = mid;
        else
            hi = mid;
    }
    *scale = exp(0.5 * (lo + hi));
    return 0;
}

m3_size_dist *m3_size_dist_synthetic(m3_size_kind kind, double mean_bytes, double shape,
                                     uint64_t min_bytes, m3_error *err)
{
    if (kind != M3_SIZE_EXP && kind != M3_SIZE_GAUSSIAN && kind != M3_SIZE_LOGNORMAL &&
        kind != M3_SIZE_PARETO) {
        m3_fail(err, "size distribution: kind %d is not synthetic", (int)kind);
        return NULL;
    }
    if (min_bytes < 1) {
        m3_fail(err, "size distribution: minimum size must be at least 1 byte");
        return NULL;
    }
    if (!(mean_bytes > (double)min_bytes && mean_bytes <= 1e11)) {
        m3_fail(err,
                "size distribution: mean %g must exceed the minimum %llu bytes (and be at "
                "most 1e11)",
                mean_bytes, (unsigned long long)min_bytes);
        return NULL;
    }
    if (kind == M3_SIZE_GAUSSIAN) {
        if (shape == 0)
            shape = GAUSSIAN_CV_DEFAULT;
        if (!(shape > 0 && shape <= 10)) {
            m3_fail(err, "gaussian sizes: sigma/mean %g out of range (0, 10]", shape);
            return NULL;
        }
    } else if (kind == M3_SIZE_LOGNORMAL && !(shape > 0 && shape <= 5)) {
        m3_fail(err, "log-normal sizes: sigma %g out of range (0, 5]", shape);
        return NULL;
    } else if (kind == M3_SIZE_PARETO && !(shape > 0 && shape < 1)) {
        m3_fail(err, "pareto sizes: shape xi %g out of range (0, 1)", shape);
        return NULL;
    } else if (kind == M3_SIZE_EXP) {
        shape = 0;
    }
    m3_size_dist *d = m3_calloc(1, sizeof *d, err);
    if (!d)
        return NULL;
    d->kind = kind;
    d->shape = shape;
    d->lo = (double)min_bytes;
    d->hi = SIZE_CAP;
    if (solve_scale(kind, mean_bytes, shape, d->lo, d->hi, &d->scale, err)) {
        free(d);
        return NULL;
    }
    d->mean = clamped_mean(kind, d->scale, shape, d->lo, d->hi);
    return d;
}

static double synthetic_draw(const m3_size_dist *d, gsl_rng *r)
{
    double x;
    switch (d->kind) {
    case M3_SIZE_EXP:
        x = gsl_ran_exponential(r, d->scale);
        break;
    case M3_SIZE_GAUSSIAN:
        do
            x = d->scale + gsl_ran_gaussian_ziggurat(r, d->shape * d->scale);
        while (x <= 0); /* truncation at 0 by rejection; accepts >= 50% */
        break;
    case M3_SIZE_LOGNORMAL:
        x = gsl_ran_lognormal(r, log(d->scale), d->shape);
        break;
    default: /* M3_SIZE_PARETO, by inversion of S */
        x = d->scale / d->shape * (pow(gsl_rng_uniform_pos(r), -d->shape) - 1.0);
        break;
    }
    return x < d->lo ? d->lo : x > d->hi ? d->hi : x;
}

/* ------------------------------------------------------------ common */

uint64_t m3_size_dist_draw(const m3_size_dist *d, gsl_rng *r)
{
    double x = d->kind == M3_SIZE_CDF ? cdf_draw(d, r) : synthetic_draw(d, r);
    uint64_t v = (uint64_t)llround(x);
    return v ? v : 1;
}

void m3_size_dist_free(m3_size_dist *d)
{
    if (!d)
        return;
    free(d->pts);
    free(d);
}

double m3_size_dist_mean(const m3_size_dist *d) { return d->mean; }

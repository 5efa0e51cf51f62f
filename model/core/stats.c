/* SPDX-License-Identifier: GPL-2.0-only */
/* stats.c - ideal FCT (packet-model.md section 5), slowdown, nearest-rank
 * percentiles, and per-size-bucket summaries. The ideal FCT is written
 * once, over arrays of link rates and delays (m3_ideal_fct_links): routed
 * paths (m3_ideal_fct_ns) and lines (line.c) gather their links into
 * arrays of at most M3_MAX_PATH_LINKS on the stack and call it. */
#include "m3-internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double m3_ideal_fct_links(const double *bps, const uint64_t *delay_ns, int n, uint64_t size,
                          uint32_t mtu, uint32_t header, double nic_bps, double *bottleneck_bps)
{
    /* the first packet is stored and forwarded at every hop; the rest
     * stream behind it at the bottleneck rate */
    double first = (double)(size < mtu ? size : mtu);
    double delay = 0, store = 0, bottleneck = nic_bps > 0 ? nic_bps : INFINITY;
    for (int i = 0; i < n; i++) {
        delay += (double)delay_ns[i];
        store += (first + header) * 8.0 / bps[i] * 1e9;
        if (bps[i] < bottleneck)
            bottleneck = bps[i];
    }
    if (bottleneck_bps)
        *bottleneck_bps = bottleneck;
    if (mtu == 0)
        return NAN;
    if (n == 0 || !isfinite(bottleneck))
        return 0;
    double rest = ((double)size - first) * 8.0 / bottleneck * 1e9;
    uint64_t more = size ? (size - 1) / mtu : 0; /* packets after the first */
    double extra_headers = (double)more * header * 8.0 / bottleneck * 1e9;
    return delay + store + rest + extra_headers;
}

void m3_dlinks_rates(const m3_topology *t, const uint32_t *dlinks, int n, double *bps,
                     uint64_t *delay_ns)
{
    for (int i = 0; i < n; i++) {
        const m3_link *l = m3_topology_link(t, dlinks[i] >> 1);
        bps[i] = l->rate_bps;
        delay_ns[i] = l->delay_ns;
    }
}

double m3_ideal_fct_ns(const m3_topology *t, const uint32_t *dlinks, int n, uint64_t size,
                       uint32_t mtu, uint32_t header, double nic_bps)
{
    double bps[M3_MAX_PATH_LINKS];
    uint64_t delay[M3_MAX_PATH_LINKS];
    if (n < 0 || n > M3_MAX_PATH_LINKS)
        return NAN;
    m3_dlinks_rates(t, dlinks, n, bps, delay);
    return m3_ideal_fct_links(bps, delay, n, size, mtu, header, nic_bps, NULL);
}

double m3_slowdown(double fct_ns, double ideal_ns)
{
    if (!(ideal_ns > 0))
        return 1.0;
    double s = fct_ns / ideal_ns;
    return s < 1.0 ? 1.0 : s;
}

double m3_percentile_sorted(const double *sorted, size_t n, double p)
{
    if (n == 0)
        return NAN;
    /* nearest rank: the smallest value with at least p% of values <= it */
    double r = ceil(p / 100.0 * (double)n - 1e-9);
    size_t rank = r < 1 ? 1 : (size_t)r;
    if (rank > n)
        rank = n;
    return sorted[rank - 1];
}

int m3_default_buckets(uint64_t *bounds)
{
    bounds[0] = 1000;
    bounds[1] = 10000;
    bounds[2] = 50000;
    return 4;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A double's bits as a key whose unsigned order is the doubles' order:
 * the sign bit flipped for positives, every bit for negatives. */
static uint64_t key_of(double d)
{
    uint64_t k;
    memcpy(&k, &d, sizeof k);
    return k >> 63 ? ~k : k | (1ull << 63);
}

static double double_of(uint64_t k)
{
    k = k >> 63 ? k & ~(1ull << 63) : ~k;
    double d;
    memcpy(&d, &k, sizeof d);
    return d;
}

void m3_sort_doubles(double *v, size_t n)
{
    enum { BITS = 11, DIGITS = 1 << BITS, PASSES = (64 + BITS - 1) / BITS };
    uint64_t *a = n >= 65536 ? malloc(n * sizeof *a) : NULL;
    uint64_t *b = a ? malloc(n * sizeof *b) : NULL;
    size_t *count = b ? calloc((size_t)PASSES * DIGITS, sizeof *count) : NULL;
    if (!count) {
        free(a);
        free(b);
        qsort(v, n, sizeof *v, cmp_double);
        return;
    }
    /* every pass's digit counts in one read */
    for (size_t i = 0; i < n; i++) {
        uint64_t k = a[i] = key_of(v[i]);
        for (int p = 0; p < PASSES; p++)
            count[p * DIGITS + ((k >> (p * BITS)) & (DIGITS - 1))]++;
    }
    for (int p = 0; p < PASSES; p++) {
        size_t *c = count + p * DIGITS;
        int shift = p * BITS;
        if (c[(a[0] >> shift) & (DIGITS - 1)] == n)
            continue; /* every key has this digit */
        size_t sum = 0;
        for (size_t d = 0; d < DIGITS; d++) {
            size_t x = c[d];
            c[d] = sum;
            sum += x;
        }
        for (size_t i = 0; i < n; i++)
            b[c[(a[i] >> shift) & (DIGITS - 1)]++] = a[i];
        uint64_t *t = a;
        a = b;
        b = t;
    }
    for (size_t i = 0; i < n; i++)
        v[i] = double_of(a[i]);
    free(a);
    free(b);
    free(count);
}

static void fill_stats(m3_bucket_stats *b, double *v, size_t n)
{
    m3_sort_doubles(v, n);
    b->n = n;
    b->p50 = m3_percentile_sorted(v, n, 50);
    b->p90 = m3_percentile_sorted(v, n, 90);
    b->p99 = m3_percentile_sorted(v, n, 99);
}

int m3_summarize(const uint64_t *sizes, const double *slowdown, size_t n, const uint64_t *bounds,
                 int nb, m3_summary *out, m3_error *err)
{
    if (nb < 1 || nb > M3_MAX_BUCKETS)
        return m3_fail(err, "summary: %d buckets (need 1..%d)", nb, M3_MAX_BUCKETS);
    for (int b = 1; b + 1 < nb; b++)
        if (bounds[b] <= bounds[b - 1])
            return m3_fail(err, "summary: bucket bounds must increase");
    memset(out, 0, sizeof *out);
    out->num_buckets = nb;
    double *all = m3_calloc(n, sizeof *all, err);
    double *part = m3_calloc(n, sizeof *part, err);
    if (!all || !part) {
        free(all);
        free(part);
        return -1;
    }
    memcpy(all, slowdown, n * sizeof *all);
    out->overall.lo = 0;
    out->overall.hi = UINT64_MAX;
    fill_stats(&out->overall, all, n);
    for (int b = 0; b < nb; b++) {
        uint64_t lo = b ? bounds[b - 1] : 0, hi = b + 1 < nb ? bounds[b] : UINT64_MAX;
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (sizes[i] >= lo && sizes[i] < hi)
                part[k++] = slowdown[i];
        out->buckets[b].lo = lo;
        out->buckets[b].hi = hi;
        fill_stats(&out->buckets[b], part, k);
    }
    free(all);
    free(part);
    return 0;
}

static void fmt_size(char *buf, size_t len, uint64_t v)
{
    if (v == UINT64_MAX)
        snprintf(buf, len, "inf");
    else if (v >= 1000000 && v % 1000000 == 0)
        snprintf(buf, len, "%lluM", (unsigned long long)(v / 1000000));
    else if (v >= 1000 && v % 1000 == 0)
        snprintf(buf, len, "%lluK", (unsigned long long)(v / 1000));
    else
        snprintf(buf, len, "%llu", (unsigned long long)v);
}

void m3_summary_print(const m3_summary *s, const char *title, void *file)
{
    FILE *fp = file ? (FILE *)file : stdout;
    fprintf(fp, "%s\n", title ? title : "FCT slowdown");
    fprintf(fp, "  %-16s %10s %9s %9s %9s\n", "flow size", "flows", "p50", "p90", "p99");
    for (int b = 0; b <= s->num_buckets; b++) {
        const m3_bucket_stats *x = b < s->num_buckets ? &s->buckets[b] : &s->overall;
        char lo[32], hi[32], range[72];
        fmt_size(lo, sizeof lo, x->lo);
        fmt_size(hi, sizeof hi, x->hi);
        if (b == s->num_buckets)
            snprintf(range, sizeof range, "all");
        else
            snprintf(range, sizeof range, "[%s, %s)", lo, hi);
        if (x->n)
            fprintf(fp, "  %-16s %10zu %9.3f %9.3f %9.3f\n", range, x->n, x->p50, x->p90, x->p99);
        else
            fprintf(fp, "  %-16s %10zu %9s %9s %9s\n", range, x->n, "-", "-", "-");
    }
}

int m3_ideal_fcts(const m3_topology *t, const m3_routing *r, const m3_flows *f, uint32_t mtu,
                  uint32_t header, double nic_bps, double *ideal_ns, m3_error *err)
{
    uint32_t links[M3_MAX_PATH_LINKS];
    for (size_t i = 0; i < f->n; i++) {
        int n = m3_routing_path(r, &f->v[i], links, M3_MAX_PATH_LINKS, err);
        if (n < 0)
            return -1;
        ideal_ns[i] = m3_ideal_fct_ns(t, links, n, f->v[i].size, mtu, header, nic_bps);
    }
    return 0;
}

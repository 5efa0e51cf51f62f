/* SPDX-License-Identifier: GPL-2.0-only */
/* workload.c - synthetic workloads on any topology: host pairs from a
 * traffic matrix, sizes from a distribution, arrivals from a renewal
 * process, and a time scale that puts the busiest link at the target load.
 *
 * Load calibration. Expected per-link loads would need the ECMP spread of
 * every pair; instead we use the flows themselves: all pairs, sizes and
 * unit-mean arrival gaps are drawn first, source ports assigned, then every
 * flow is routed with the real routing (m3_routing_path, same hash as the
 * switches) and its wire bits, size + ceil(size / MTU) x 48 header bytes,
 * are summed on each directed link of its path. With B_l the bits of link l
 * and C_l its rate, the arrival span T (time 0 to the last arrival) is set
 * to max_l B_l / C_l / load, so the busiest link carries exactly `load` of
 * its capacity averaged over the span: all unit-rate arrival times are
 * multiplied by T / (last unit-rate arrival) and rounded to the ns. */
#include "m3-internal.h"
#include "workload-internal.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FLOW_PG 3u
#define FLOW_DPORT 100u
#define MAX_RACKS 1024u

double m3_unit_gap(m3_arrival_kind kind, double sigma, gsl_rng *r)
{
    if (kind == M3_ARRIVAL_LOGNORMAL)
        return gsl_ran_lognormal(r, -0.5 * sigma * sigma, sigma);
    return gsl_ran_exponential(r, 1.0);
}

int m3_set_start_times(m3_flows *f, const double *arrivals, double busiest_seconds, double load,
                       m3_error *err)
{
    if (f->n == 0)
        return 0;
    double span_s = busiest_seconds / load;
    if (!(span_s > 0) || span_s * 1e9 > (double)M3_START_MAX_NS)
        return m3_fail(err,
                       "workload: the flows need %g s of arrivals at this load, more than "
                       "the latest start time (1e6 s); use fewer flows or a higher load",
                       span_s);
    double k = span_s * 1e9 / arrivals[f->n - 1];
    for (size_t i = 0; i < f->n; i++)
        f->v[i].start_ns = (uint64_t)llround(arrivals[i] * k);
    return 0;
}

/* ------------------------------------------------------------ racks, TM */

int m3_host_racks(const m3_topology *t, uint32_t *rack_of, m3_error *err)
{
    uint32_t nh = m3_topology_num_hosts(t), nn = m3_topology_num_nodes(t), racks = 0;
    uint32_t *id = m3_calloc(nn, sizeof *id, err); /* rack + 1 per attach node */
    if (!id)
        return -1;
    for (uint32_t i = 0; i < nh; i++) {
        uint32_t h = m3_topology_host(t, i);
        if (m3_topology_degree(t, h) == 0) {
            free(id);
            return m3_fail(err, "host %u has no link, so no rack", h);
        }
        uint32_t tor = m3_dlink_dst(t, m3_topology_out_dlink(t, h, 0));
        if (!id[tor])
            id[tor] = ++racks;
        rack_of[i] = id[tor] - 1;
    }
    free(id);
    return (int)racks;
}

int m3_tm_read(const char *path, uint32_t racks, double *matrix, m3_error *err)
{
    m3_line_reader lr;
    if (m3_line_reader_open(&lr, path, err))
        return -1;
    char *line, **tok = m3_calloc((size_t)racks + 1, sizeof *tok, err);
    uint32_t row = 0;
    int rc;
    double sum = 0;
    if (!tok) {
        m3_line_reader_close(&lr);
        return -1;
    }
    while ((rc = m3_line_reader_next(&lr, &line, err)) == 1) {
        if (row == racks) {
            rc = m3_fail(err, "%s:%zu: more than %u rows (the topology has %u racks)", path,
                         lr.lineno, racks, racks);
            break;
        }
        int nt = m3_split_ws(line, tok, (int)racks);
        if (nt != (int)racks) {
            rc = m3_fail(err, "%s:%zu: expected %u weights (one per rack), found %s%d", path,
                         lr.lineno, racks, nt > (int)racks ? "more than " : "",
                         nt > (int)racks ? (int)racks : nt);
            break;
        }
        for (uint32_t c = 0; c < racks; c++) {
            double w;
            if (m3_parse_double(tok[c], &w) || w < 0) {
                rc = m3_fail(err, "%s:%zu: weight %u '%s' is not a number >= 0", path, lr.lineno,
                             c + 1, tok[c]);
                goto done;
            }
            matrix[(size_t)row * racks + c] = w;
            sum += w;
        }
        row++;
    }
    if (rc == 0 && row != racks)
        rc = m3_fail(err, "%s: %u rows; expected %u (one per rack)", path, row, racks);
    else if (rc == 0 && !(sum > 0))
        rc = m3_fail(err, "%s: all weights are zero", path);
done:
    free(tok);
    m3_line_reader_close(&lr);
    return rc < 0 ? -1 : 0;
}

/* ------------------------------------------------------------ pair picking */

typedef struct pair_picker {
    const m3_topology *t;
    const m3_workload_spec *w;
    uint32_t nh;
    uint32_t hot_index;              /* incast: host index of the hotspot */
    gsl_ran_discrete_t *rack_pair;   /* matrix: over racks x racks */
    uint32_t *rack_off, *rack_hosts; /* matrix: hosts of each rack (CSR) */
} pair_picker;

static void picker_free(pair_picker *p)
{
    if (p->rack_pair)
        gsl_ran_discrete_free(p->rack_pair);
    free(p->rack_off);
    free(p->rack_hosts);
}

static int picker_matrix(pair_picker *p, m3_error *err)
{
    const m3_workload_spec *w = p->w;
    uint32_t R = w->racks;
    if (!w->matrix || !w->rack_of || R == 0 || R > MAX_RACKS)
        return m3_fail(err, "traffic matrix: need weights, rack_of and 1..%u racks", MAX_RACKS);
    p->rack_off = m3_calloc((size_t)R + 1, sizeof *p->rack_off, err);
    p->rack_hosts = m3_calloc(p->nh, sizeof *p->rack_hosts, err);
    if (!p->rack_off || !p->rack_hosts)
        return -1;
    for (uint32_t i = 0; i < p->nh; i++) {
        if (w->rack_of[i] >= R)
            return m3_fail(err, "traffic matrix: host index %u in rack %u of %u", i, w->rack_of[i],
                           R);
        p->rack_off[w->rack_of[i] + 1]++;
    }
    for (uint32_t r = 0; r < R; r++)
        p->rack_off[r + 1] += p->rack_off[r];
    uint32_t *fill = m3_calloc(R, sizeof *fill, err);
    if (!fill)
        return -1;
    for (uint32_t i = 0; i < p->nh; i++) {
        uint32_t r = w->rack_of[i];
        p->rack_hosts[p->rack_off[r] + fill[r]++] = i;
    }
    free(fill);
    double sum = 0;
    for (uint32_t a = 0; a < R; a++)
        for (uint32_t b = 0; b < R; b++) {
            double x = w->matrix[(size_t)a * R + b];
            uint32_t na = p->rack_off[a + 1] - p->rack_off[a];
            uint32_t nb = p->rack_off[b + 1] - p->rack_off[b];
            if (!(x >= 0) || !isfinite(x))
                return m3_fail(err, "traffic matrix: weight (%u, %u) is not a number >= 0", a, b);
            if (x > 0 && (na == 0 || nb == 0 || (a == b && na < 2)))
                return m3_fail(err,
                               "traffic matrix: weight on racks (%u, %u) but they hold no "
                               "two distinct hosts",
                               a, b);
            sum += x;
        }
    if (!(sum > 0))
        return m3_fail(err, "traffic matrix: all weights are zero");
    p->rack_pair = gsl_ran_discrete_preproc((size_t)R * R, w->matrix);
    if (!p->rack_pair)
        return m3_fail(err, "traffic matrix: out of memory");
    return 0;
}

static int picker_init(pair_picker *p, const m3_topology *t, const m3_workload_spec *w,
                       m3_error *err)
{
    memset(p, 0, sizeof *p);
    p->t = t;
    p->w = w;
    p->nh = m3_topology_num_hosts(t);
    if (p->nh < 2)
        return m3_fail(err, "workload: the topology has %u hosts; need at least 2", p->nh);
    switch (w->tm) {
    case M3_TM_UNIFORM:
        return 0;
    case M3_TM_MATRIX:
        return picker_matrix(p, err);
    case M3_TM_INCAST:
        if (!(w->incast_fraction >= 0 && w->incast_fraction <= 1))
            return m3_fail(err, "incast: fraction %g outside [0, 1]", w->incast_fraction);
        for (uint32_t i = 0; i < p->nh; i++)
            if (m3_topology_host(t, i) == w->hotspot) {
                p->hot_index = i;
                return 0;
            }
        return m3_fail(err, "incast: hotspot %u is not a host", w->hotspot);
    default:
        return m3_fail(err, "workload: unknown traffic matrix kind %d", (int)w->tm);
    }
}

/* Uniform over ordered pairs of distinct host indexes. */
static void pick_uniform(uint32_t nh, gsl_rng *r, uint32_t *s, uint32_t *d)
{
    *s = (uint32_t)gsl_rng_uniform_int(r, nh);
    *d = (uint32_t)gsl_rng_uniform_int(r, nh - 1);
    if (*d >= *s)
        (*d)++;
}

/* Host indexes of one flow. */
static void pick_pair(const pair_picker *p, gsl_rng *r, uint32_t *s, uint32_t *d)
{
    const m3_workload_spec *w = p->w;
    if (w->tm == M3_TM_INCAST && gsl_rng_uniform(r) < w->incast_fraction) {
        *d = p->hot_index;
        *s = (uint32_t)gsl_rng_uniform_int(r, p->nh - 1);
        if (*s >= *d)
            (*s)++;
    } else if (w->tm == M3_TM_MATRIX) {
        size_t k = gsl_ran_discrete(r, p->rack_pair);
        uint32_t a = (uint32_t)(k / w->racks), b = (uint32_t)(k % w->racks);
        uint32_t na = p->rack_off[a + 1] - p->rack_off[a];
        uint32_t nb = p->rack_off[b + 1] - p->rack_off[b];
        uint32_t i = (uint32_t)gsl_rng_uniform_int(r, na), j;
        if (a == b) { /* distinct hosts inside one rack */
            j = (uint32_t)gsl_rng_uniform_int(r, nb - 1);
            if (j >= i)
                j++;
        } else {
            j = (uint32_t)gsl_rng_uniform_int(r, nb);
        }
        *s = p->rack_hosts[p->rack_off[a] + i];
        *d = p->rack_hosts[p->rack_off[b] + j];
    } else {
        pick_uniform(p->nh, r, s, d);
    }
}

/* ------------------------------------------------------------ generation */

static int check_spec(const m3_workload_spec *w, m3_error *err)
{
    if (!w->sizes)
        return m3_fail(err, "workload: no size distribution");
    if (w->num_flows == 0 || w->num_flows > ((size_t)1 << 32))
        return m3_fail(err, "workload: flow count %zu out of range (1..2^32)", w->num_flows);
    if (!(w->load > 0 && w->load <= 1))
        return m3_fail(err, "workload: load %g outside (0, 1]", w->load);
    if (w->arrival == M3_ARRIVAL_LOGNORMAL && !(w->burst_sigma > 0 && w->burst_sigma <= 5))
        return m3_fail(err, "workload: log-normal arrival sigma %g outside (0, 5]", w->burst_sigma);
    if (w->arrival != M3_ARRIVAL_POISSON && w->arrival != M3_ARRIVAL_LOGNORMAL)
        return m3_fail(err, "workload: unknown arrival kind %d", (int)w->arrival);
    return 0;
}

/* Seconds of transmission on the busiest directed link. */
static int busiest_seconds(const m3_topology *t, const m3_routing *rt, const m3_flows *f,
                           double *out, m3_error *err)
{
    uint32_t nd = 2 * m3_topology_num_links(t);
    double *bits = m3_calloc(nd, sizeof *bits, err);
    if (!bits)
        return -1;
    uint32_t path[M3_MAX_PATH_LINKS];
    for (size_t i = 0; i < f->n; i++) {
        m3_error e;
        int n = m3_routing_path(rt, &f->v[i], path, M3_MAX_PATH_LINKS, &e);
        if (n < 0) {
            free(bits);
            return m3_fail(err,
                           "workload: %s (every pair of hosts the traffic matrix can pick "
                           "needs a route of at most %d links)",
                           e.msg, M3_MAX_PATH_LINKS);
        }
        double b = 8.0 * m3_wire_bytes(f->v[i].size);
        for (int k = 0; k < n; k++)
            bits[path[k]] += b;
    }
    double best = 0;
    for (uint32_t d = 0; d < nd; d++) {
        double s = bits[d] / m3_topology_link(t, d >> 1)->rate_bps;
        if (s > best)
            best = s;
    }
    free(bits);
    *out = best;
    return 0;
}

int m3_workload_generate(const m3_topology *t, const m3_routing *rt, const m3_workload_spec *w,
                         m3_flows *out, m3_error *err)
{
    if (!t || !rt || !w || !out)
        return m3_fail(err, "workload: missing topology, routing, spec or output");
    if (check_spec(w, err))
        return -1;
    char what[64], detail[64];
    snprintf(what, sizeof what, "a workload of %zu flows", w->num_flows);
    snprintf(detail, sizeof detail, "%zu bytes per flow", sizeof(m3_flow) + sizeof(double));
    if (m3_memory_check((double)w->num_flows * (sizeof(m3_flow) + sizeof(double)), what, detail,
                        err))
        return -1;
    pair_picker pk;
    m3_flows f;
    m3_flows_init(&f);
    double *arr = NULL, busy = 0;
    gsl_rng *r = NULL;
    int rc = -1;
    if (picker_init(&pk, t, w, err))
        goto out;
    r = m3_rng_new(w->seed, err);
    arr = m3_calloc(w->num_flows, sizeof *arr, err);
    if (!r || !arr)
        goto out;
    double clock = 0;
    for (size_t i = 0; i < w->num_flows; i++) {
        uint32_t s, d;
        pick_pair(&pk, r, &s, &d);
        m3_flow fl = {i,
                      m3_topology_host(t, s),
                      m3_topology_host(t, d),
                      FLOW_PG,
                      0,
                      FLOW_DPORT,
                      m3_size_dist_draw(w->sizes, r),
                      0};
        clock += m3_unit_gap(w->arrival, w->burst_sigma, r);
        arr[i] = clock;
        if (m3_flows_push(&f, &fl, err))
            goto out;
    }
    m3_flows_assign_sports(&f); /* routing hashes the source port */
    if (busiest_seconds(t, rt, &f, &busy, err) || m3_set_start_times(&f, arr, busy, w->load, err))
        goto out;
    m3_flows_free(out);
    *out = f;
    m3_flows_init(&f);
    rc = 0;
out:
    m3_flows_free(&f);
    free(arr);
    if (r)
        gsl_rng_free(r);
    picker_free(&pk);
    return rc;
}

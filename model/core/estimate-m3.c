/* SPDX-License-Identifier: GPL-2.0-only */
/* estimate-m3.c - m3 mode end to end (m3-method.md section 2, doc/m3.rst):
 * index the routed flows, sample paths, and per batch of distinct paths
 * build each path's line scenario, flowSim it and featurise it (in
 * parallel, one worker per core), predict the batch (one call into the
 * model), then aggregate with a bootstrap interval. The calling thread
 * predicts a batch while the other workers compute the next one's paths
 * (then it joins them): inference overlaps the path work. On the 2-core
 * development machine, idle, the default scenario's paths and inference
 * take 0.27-0.29 s together, where one after the other they would take
 * 0.38 s (0.26 s of CPU for the paths on both cores, 0.25 s for
 * one-thread inference; doc/m3.rst, benchmark).
 *
 * Determinism: every path writes only its own slots, batches are cut by
 * path index with a fixed size, and errors are reported for the lowest
 * failing path, so the result does not depend on the thread count, nor on
 * how m3_estimate_m3_parts spreads the batches over processes.
 *
 * Warnings: configuration keys outside the predictor's training ranges
 * (only the keys the scenario's CC uses), path tokens whose link rate or
 * switch pool lies outside the trained feature range, and path lengths
 * the feature map has no one-hot for.
 *
 * Cost: route index O(flows x hops); per path O(F log F) for F flows
 * touching it (flowSim's line engine and the feature percentiles); memory
 * per worker one path scenario and one path's tokens, two sets of batch
 * buffers of batch x (max_links + 1) x token_dim floats, predictions
 * 4 x pcts floats per distinct path. */
#define _POSIX_C_SOURCE 200809L /* sysconf */
#include "m3-internal.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void m3_m3_opts_default(m3_m3_opts *o)
{
    o->path_samples = 500;
    o->seed = 1;
    o->threads = 0;
    o->bootstrap = 200;
    o->ci_level = 0.95;
    o->batch = 128;
    o->stage_peaks = 0;
}

/* Per-path observations of the fields the checkpoint has ranges for. */
enum { ST_LINK_MIN, ST_LINK_MAX, ST_POOL_MIN, ST_POOL_MAX, ST_FG_SHARE, ST_COUNT };
_Static_assert(ST_COUNT == M3_M3_PATH_STATS, "m3.h's M3_M3_PATH_STATS");

typedef struct batch_job {
    const m3_scenario *s;
    const m3_route_index *x;
    const uint32_t *paths; /* distinct sampled paths */
    uint32_t first, count; /* this batch: paths[first .. first+count) */
    int max_links, D, O;
    const uint64_t *out_bounds;
    float *fg, *links; /* batch buffers */
    uint8_t *mask;
    double *fg_counts; /* [path][O], all paths */
    double *stats;     /* [path][ST_COUNT], all paths */
    m3_error *errs;    /* [count] */
    int *failed;       /* [count] */
    atomic_uint next;
    atomic_ullong *clocks; /* ns in flowSim, in features, over all paths */
} batch_job;

#define MAX_THREADS 256

typedef struct worker_mem {
    m3_path_scenario ps;
    double *fct, *ideal, *sd;
    size_t cap;
    float *tok; /* (max_links + 1) x D */
} worker_mem;

static int worker_grow(worker_mem *w, size_t n, m3_error *err)
{
    if (n <= w->cap)
        return 0;
    double *a = m3_realloc_array(w->fct, n, sizeof *a, err);
    if (!a)
        return -1;
    w->fct = a;
    if (!(a = m3_realloc_array(w->ideal, n, sizeof *a, err)))
        return -1;
    w->ideal = a;
    if (!(a = m3_realloc_array(w->sd, n, sizeof *a, err)))
        return -1;
    w->sd = a;
    w->cap = n;
    return 0;
}

/* One path: line scenario, flowSim, tokens into the batch's slot i. */
static int one_path(batch_job *j, worker_mem *w, uint32_t i, m3_error *err)
{
    const double t_start = m3_now_s();
    uint32_t p = j->first + i;
    m3_path_scenario *ps = &w->ps;
    if (m3_path_scenario_build(j->s, j->x, j->paths[p], ps, err))
        return -1;
    size_t F = ps->flows.n;
    if (worker_grow(w, F ? F : 1, err))
        return -1;
    uint32_t mtu = j->s->config.mtu;
    if (m3_line_flowsim(&ps->line, &ps->flows, mtu, M3_HEADER_BYTES, NULL, w->fct, w->ideal, err))
        return -1;
    for (size_t k = 0; k < F; k++)
        w->sd[k] = m3_slowdown(w->fct[k], w->ideal[k]);
    const double t_flowsim = m3_now_s();
    if (m3_path_features(&ps->line, &ps->flows, w->sd, &j->s->config, ps->pool_bytes, w->tok, err))
        return -1;
    atomic_fetch_add(&j->clocks[0], (unsigned long long)(1e9 * (t_flowsim - t_start)));
    atomic_fetch_add(&j->clocks[1], (unsigned long long)(1e9 * (m3_now_s() - t_flowsim)));
    const size_t D = (size_t)j->D, L = (size_t)j->max_links;
    uint32_t n = ps->line.n;
    memcpy(j->fg + i * D, w->tok, D * sizeof(float));
    memset(j->links + i * L * D, 0, L * D * sizeof(float));
    memcpy(j->links + i * L * D, w->tok + D, (n - 1) * D * sizeof(float));
    for (size_t l = 0; l < L; l++)
        j->mask[i * L + l] = l + 1 < n;

    double *c = j->fg_counts + (size_t)p * j->O;
    for (int b = 0; b < j->O; b++)
        c[b] = 0;
    for (size_t k = 0; k < F; k++)
        if (ps->flows.v[k].src == 0 && ps->flows.v[k].dst == n - 1)
            c[m3_bucket_of(ps->flows.v[k].size, j->out_bounds, j->O)] += 1;

    /* what the tokens carry, in the units of the checkpoint's ranges */
    double *st = j->stats + (size_t)p * ST_COUNT;
    st[ST_LINK_MIN] = st[ST_POOL_MIN] = INFINITY;
    st[ST_LINK_MAX] = st[ST_POOL_MAX] = -INFINITY;
    st[ST_FG_SHARE] = F ? (double)ps->num_fg / (double)F : 0;
    for (uint32_t l = 0; l + 1 < n; l++) {
        double g = ps->line.link_bps[l] / 1e9, kb = ps->pool_bytes[l] / 1000;
        st[ST_LINK_MIN] = fmin(st[ST_LINK_MIN], g);
        st[ST_LINK_MAX] = fmax(st[ST_LINK_MAX], g);
        st[ST_POOL_MIN] = fmin(st[ST_POOL_MIN], kb);
        st[ST_POOL_MAX] = fmax(st[ST_POOL_MAX], kb);
    }
    return 0;
}

static void *batch_worker(void *arg)
{
    batch_job *j = arg;
    worker_mem w;
    memset(&w, 0, sizeof w);
    m3_path_scenario_init(&w.ps);
    m3_error err;
    w.tok = m3_calloc((size_t)(j->max_links + 1) * j->D, sizeof(float), &err);
    for (;;) {
        unsigned i = atomic_fetch_add(&j->next, 1u);
        if (i >= j->count)
            break;
        if (!w.tok) {
            j->errs[i] = err;
            j->failed[i] = 1;
            continue;
        }
        if (one_path(j, &w, i, &j->errs[i]))
            j->failed[i] = 1;
    }
    m3_path_scenario_free(&w.ps);
    free(w.fct);
    free(w.ideal);
    free(w.sd);
    free(w.tok);
    return NULL;
}

/* Starts a batch's paths on up to `extra` new threads; batch_finish joins
 * them. Returns the number started (fewer: slower, same result). */
static int batch_start(batch_job *j, int extra, pthread_t *tid)
{
    atomic_init(&j->next, 0u);
    memset(j->failed, 0, j->count * sizeof *j->failed);
    if ((uint32_t)extra > j->count - 1)
        extra = (int)j->count - 1;
    int started = 0;
    for (; started < extra && started < MAX_THREADS; started++)
        if (pthread_create(&tid[started], NULL, batch_worker, j))
            break;
    return started;
}

/* The caller works on the batch's remaining paths, then joins the threads;
 * the error is the lowest failing path's. */
static int batch_finish(batch_job *j, pthread_t *tid, int started, m3_error *err)
{
    batch_worker(j);
    for (int t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    for (uint32_t i = 0; i < j->count; i++)
        if (j->failed[i]) {
            *err = j->errs[i];
            return -1;
        }
    return 0;
}

static const m3_range *find_range(const m3_range *r, int n, const char *name)
{
    for (int i = 0; r && i < n; i++)
        if (strcmp(r[i].name, name) == 0)
            return &r[i];
    return NULL;
}

/* A checkpoint's ranges are the extremes its training data reached, a hair
 * inside the ranges the values were drawn from (hpcc_eta 0.7005 for a draw
 * over [0.7, 0.95]); 1% of the width keeps the drawn ends in range. */
static int outside(const m3_range *r, double v)
{
    double tol = 0.01 * (r->hi - r->lo) + 1e-9 * fmax(1.0, fmax(fabs(r->lo), fabs(r->hi)));
    return !(v >= r->lo - tol && v <= r->hi + tol);
}

/* Configuration keys the scenario's CC reads, checked against the ranges. */
static void warn_config(const m3_scenario *s, const m3_predictor *p, m3_result *out)
{
    const m3_config *c = &s->config;
    struct {
        const char *key;
        double v;
        int used;
    } k[] = {
        {"buffer_kb", c->buffer_kb, 1},
        {"window_bytes", c->window_bytes, 1},
        {"pfc", c->pfc, 1},
        {"mtu", c->mtu, 1},
        {"base_rtt_us", c->base_rtt_us, 1},
        {"nic_rate_gbps", m3_scenario_nic_bps(s) / 1e9, 1},
        {"dctcp_k_kb", c->dctcp_k_kb, c->cc == M3_CC_DCTCP},
        {"dcqcn_kmin_kb", c->dcqcn_kmin_kb, c->cc == M3_CC_DCQCN},
        {"dcqcn_kmax_kb", c->dcqcn_kmax_kb, c->cc == M3_CC_DCQCN},
        {"hpcc_eta", c->hpcc_eta, c->cc == M3_CC_HPCC},
        {"hpcc_ai_mbps", c->hpcc_ai_mbps, c->cc == M3_CC_HPCC},
        {"timely_tlow_us", c->timely_tlow_us, c->cc == M3_CC_TIMELY},
        {"timely_thigh_us", c->timely_thigh_us, c->cc == M3_CC_TIMELY},
    };
    for (size_t i = 0; i < sizeof k / sizeof *k; i++) {
        const m3_range *r = find_range(p->cfg_ranges, p->num_cfg_ranges, k[i].key);
        if (k[i].used && r && outside(r, k[i].v))
            m3_result_warn(out,
                           "config %s = %g is outside the model's training range "
                           "[%g, %g]",
                           k[i].key, k[i].v, r->lo, r->hi);
    }
}

static void warn_features(const m3_predictor *p, const double *stats, const uint32_t *mult,
                          const uint8_t *npos, uint32_t P, uint32_t draws, m3_result *out)
{
    /* token fields, and the foreground's share of a path's flows, whose
     * training range the checkpoint records with the workload draws
     * (fg_weight); the model underestimates far below it (doc/m3.rst) */
    static const struct {
        const char *field, *unit, *what;
        int lo, hi, cfg;
    } f[] = {
        {"link_gbps", " Gbps", "link rate", ST_LINK_MIN, ST_LINK_MAX, 0},
        {"pool_kb", " KB", "switch shared pool (buffer less PFC headroom and reserve)", ST_POOL_MIN,
         ST_POOL_MAX, 0},
        {"fg_weight", "", "foreground share of its flows", ST_FG_SHARE, ST_FG_SHARE, 1},
    };
    for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
        const m3_range *r = f[i].cfg ? find_range(p->cfg_ranges, p->num_cfg_ranges, f[i].field)
                                     : find_range(p->field_ranges, p->num_field_ranges, f[i].field);
        if (!r)
            continue;
        uint32_t bad = 0;
        double lo = INFINITY, hi = -INFINITY;
        for (uint32_t q = 0; q < P; q++) {
            const double *st = stats + (size_t)q * ST_COUNT;
            lo = fmin(lo, st[f[i].lo]);
            hi = fmax(hi, st[f[i].hi]);
            if (outside(r, st[f[i].lo]) || outside(r, st[f[i].hi]))
                bad += mult[q];
        }
        if (bad)
            m3_result_warn(out,
                           "%s: %u of %u sampled paths have a %s outside the model's "
                           "training range [%g, %g]%s (seen %g to %g)",
                           f[i].field, bad, draws, f[i].what, r->lo, r->hi, f[i].unit, lo, hi);
    }
    uint32_t odd = 0, example = 0;
    for (uint32_t q = 0; q < P; q++)
        if (npos[q] != 3 && npos[q] != 5 && npos[q] != 7) {
            odd += mult[q];
            example = npos[q];
        }
    if (odd)
        m3_result_warn(out,
                       "path length: %u of %u sampled paths have %u positions (%u links); "
                       "the model was trained on 3, 5 and 7",
                       odd, draws, example, example - 1);
}

/* With o->stage_peaks: the peak memory of the stage that ends here into
 * out (stage -1: none), and the peak started anew for the next. */
static void peak_mark(const m3_m3_opts *o, m3_result *out, int stage)
{
    if (!o->stage_peaks)
        return;
    if (stage >= 0)
        out->stage_peak_mb[stage] = m3_peak_rss_mb();
    if (m3_peak_rss_reset())
        out->stage_peaks = 2; /* peaks since the process's start */
    else if (!out->stage_peaks)
        out->stage_peaks = 1;
}

int m3_estimate_m3(const m3_scenario *s, const m3_routing *r, const m3_predictor *p,
                   const m3_m3_opts *o, m3_result *out, m3_error *err)
{
    return m3_estimate_m3_parts(s, r, p, o, NULL, out, err);
}

int m3_estimate_m3_parts(const m3_scenario *s, const m3_routing *r, const m3_predictor *p,
                         const m3_m3_opts *o, const m3_m3_parts *parts, m3_result *out,
                         m3_error *err)
{
    double t0 = m3_now_s();
    if (parts &&
        (parts->parts < 1 || parts->part >= parts->parts || (parts->parts > 1 && !parts->share)))
        return m3_fail(err,
                       "m3: part %u of %u parts (need part < parts; several need a share "
                       "function)",
                       parts ? parts->part : 0, parts ? parts->parts : 0);
    const m3_feature_schema *sc = m3_feature_schema_get();
    if (!s || !s->topo || !r || !p || !p->predict || !o || !out)
        return m3_fail(err, "m3: missing scenario, routing, predictor or options");
    if (p->max_links < 1 || p->max_links > M3_MAX_PATH_LINKS)
        return m3_fail(err, "m3: the model takes %d links per path (need 1..%d)", p->max_links,
                       M3_MAX_PATH_LINKS);
    if (o->path_samples < 1 || o->batch < 1 || o->threads < 0)
        return m3_fail(err, "m3: path samples %u, batch %d, threads %d (need >= 1, >= 1, >= 0)",
                       o->path_samples, o->batch, o->threads);
    if (o->bootstrap && !(o->ci_level > 0 && o->ci_level < 1))
        return m3_fail(err, "m3: confidence level %g (need 0 < level < 1)", o->ci_level);
    if (s->flows.n == 0)
        return m3_fail(err, "m3: the scenario has no flows");
    if (m3_config_validate(&s->config, err))
        return -1;
    int threads = o->threads;
    if (threads == 0) {
        long c = sysconf(_SC_NPROCESSORS_ONLN);
        threads = c > 0 ? (int)(c < MAX_THREADS ? c : MAX_THREADS) : 1;
    }
    const int O = sc->out_buckets, K = sc->pcts, D = sc->token_dim, L = p->max_links;
    const uint32_t K_draws = o->path_samples;

    peak_mark(o, out, -1);
    m3_route_index *x = m3_route_index_new(r, &s->flows, err);
    if (!x)
        return -1;
    double t_index = m3_now_s();
    peak_mark(o, out, M3_STAGE_INDEX);
    atomic_ullong clocks[2];
    atomic_init(&clocks[0], 0ull);
    atomic_init(&clocks[1], 0ull);
    int rc = -1;
    uint32_t *paths = m3_calloc(K_draws, sizeof *paths, err);
    uint32_t *mult = m3_calloc(K_draws, sizeof *mult, err);
    float *pred = NULL;
    uint8_t *npos = NULL;
    double *fg_counts = NULL, *stats = NULL;
    batch_job jobs[2];
    memset(jobs, 0, sizeof jobs);
    if (!paths || !mult)
        goto done;
    int P = m3_sample_paths(x, s->flows.n, K_draws, o->seed, paths, mult, err);
    if (P < 0)
        goto done;
    npos = m3_calloc((size_t)P, 1, err);
    if (!npos)
        goto done;
    for (int q = 0; q < P; q++) {
        uint32_t nl;
        const uint32_t *pl = m3_route_index_path_links(x, paths[q], &nl);
        if ((int)nl > L) {
            m3_fail(err,
                    "m3: the path from node %u to node %u has %u links; the model takes "
                    "at most %d (a 3-tier fat-tree needs 6)",
                    m3_dlink_src(s->topo, pl[0]), m3_dlink_dst(s->topo, pl[nl - 1]), nl, L);
            goto done;
        }
        npos[q] = (uint8_t)(nl + 1);
    }
    warn_config(s, p, out);
    m3_warn_loss(s->topo, "m3", out);
    double t1 = m3_now_s();
    peak_mark(o, out, M3_STAGE_SAMPLE);

    /* Two sets of batch buffers: while the caller predicts one batch, the
     * other threads compute the next batch's paths into the other set
     * (then the caller joins them), so that inference, which uses one core
     * well, overlaps the path work. */
    int B = o->batch < P ? o->batch : P;
    pred = m3_calloc((size_t)P * O * K, sizeof *pred, err);
    fg_counts = m3_calloc((size_t)P * O, sizeof *fg_counts, err);
    stats = m3_calloc((size_t)P * ST_COUNT, sizeof *stats, err);
    if (!pred || !fg_counts || !stats)
        goto done;
    for (int k = 0; k < 2; k++) {
        batch_job *j = &jobs[k];
        j->s = s;
        j->x = x;
        j->paths = paths;
        j->max_links = L;
        j->D = D;
        j->O = O;
        j->out_bounds = sc->out_bounds;
        j->fg_counts = fg_counts;
        j->stats = stats;
        j->clocks = clocks;
        j->fg = m3_calloc((size_t)B * D, sizeof *j->fg, err);
        j->links = m3_calloc((size_t)B * L * D, sizeof *j->links, err);
        j->mask = m3_calloc((size_t)B * L, sizeof *j->mask, err);
        j->errs = m3_calloc((size_t)B, sizeof *j->errs, err);
        j->failed = m3_calloc((size_t)B, sizeof *j->failed, err);
        if (!j->fg || !j->links || !j->mask || !j->errs || !j->failed)
            goto done;
    }
    double t_inf = 0, ta = m3_now_s();
    uint32_t nparts = parts ? parts->parts : 1, mine = parts ? parts->part : 0;
    const int nbatches = (P + B - 1) / B;
    batch_job *pending = NULL; /* paths done, not yet predicted */
    pthread_t tid[MAX_THREADS];
    for (int k = 0; k <= nbatches; k++) { /* k = nbatches: the last prediction */
        if (k < nbatches && (uint32_t)k % nparts != mine)
            continue; /* another process's batch */
        batch_job *j = NULL;
        int started = 0;
        if (k < nbatches) {
            j = pending == &jobs[0] ? &jobs[1] : &jobs[0];
            j->first = (uint32_t)(k * B);
            j->count = (uint32_t)(P - k * B < B ? P - k * B : B);
            started = batch_start(j, threads - 1, tid);
        }
        int rc_pred = 0;
        if (pending) {
            double tp = m3_now_s();
            rc_pred = p->predict(p->ctx, (int)pending->count, pending->fg, pending->links,
                                 pending->mask, pred + (size_t)pending->first * O * K, err);
            t_inf += m3_now_s() - tp;
        }
        m3_error ferr;
        int rc_paths = j ? batch_finish(j, tid, started, &ferr) : 0;
        if (rc_pred) /* the earlier batch's error first */
            goto done;
        if (rc_paths) {
            *err = ferr;
            goto done;
        }
        pending = j;
    }
    double t_feat = m3_now_s() - ta - t_inf;
    if (nparts > 1) {
        double ta = m3_now_s();
        if (parts->share(parts->ctx, (uint32_t)P, (uint32_t)B, pred, (size_t)O * K, fg_counts,
                         (size_t)O, stats, ST_COUNT, err))
            goto done;
        t_inf += m3_now_s() - ta;
    }
    warn_features(p, stats, mult, npos, (uint32_t)P, K_draws, out);

    double t2 = m3_now_s();
    peak_mark(o, out, M3_STAGE_FLOWSIM);
    size_t bucket_flows[M3_MAX_BUCKETS] = {0};
    for (size_t i = 0; i < s->flows.n; i++)
        bucket_flows[m3_bucket_of(s->flows.v[i].size, sc->out_bounds, O)]++;
    m3_mixture m = {
        .num_paths = (uint32_t)P,
        .out_buckets = O,
        .pcts = K,
        .pred = pred,
        .fg_counts = fg_counts,
        .mult = mult,
        .bucket_flows = bucket_flows,
        .bounds = sc->out_bounds,
        .threads = threads,
    };
    if (m3_aggregate(&m, o->bootstrap, o->ci_level, o->seed, out, err))
        goto done;
    out->num_flows = s->flows.n;
    out->paths_sampled = K_draws;
    out->paths_distinct = (uint32_t)P;
    /* the path work's wall time, split by the per-path clocks */
    double c_fs = (double)atomic_load(&clocks[0]), c_ft = (double)atomic_load(&clocks[1]);
    double fs_share = c_fs + c_ft > 0 ? c_fs / (c_fs + c_ft) : 0.5;
    out->stage_s[M3_STAGE_INDEX] = t_index - t0;
    out->stage_s[M3_STAGE_SAMPLE] = t1 - t_index;
    out->stage_s[M3_STAGE_FLOWSIM] = t_feat * fs_share;
    out->stage_s[M3_STAGE_FEATURES] = t_feat - out->stage_s[M3_STAGE_FLOWSIM];
    out->stage_s[M3_STAGE_INFERENCE] = t_inf;
    out->stage_s[M3_STAGE_AGGREGATE] = m3_now_s() - t2;
    peak_mark(o, out, M3_STAGE_AGGREGATE);
    out->stage_peak_mb[M3_STAGE_FEATURES] = out->stage_peak_mb[M3_STAGE_FLOWSIM];
    out->stage_peak_mb[M3_STAGE_INFERENCE] = out->stage_peak_mb[M3_STAGE_FLOWSIM];
    out->wall_s = m3_now_s() - t0;
    rc = 0;
done:
    m3_route_index_free(x);
    free(paths);
    free(mult);
    free(npos);
    free(pred);
    for (int k = 0; k < 2; k++) {
        free(jobs[k].fg);
        free(jobs[k].links);
        free(jobs[k].mask);
        free(jobs[k].errs);
        free(jobs[k].failed);
    }
    free(fg_counts);
    free(stats);
    return rc;
}

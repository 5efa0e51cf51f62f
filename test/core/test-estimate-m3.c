/* SPDX-License-Identifier: GPL-2.0-only */
/* test-estimate-m3.c - m3 mode end to end in the core (m3_estimate_m3)
 * with a stand-in model (a deterministic function of the tokens), so the
 * plumbing is checked without libtorch:
 *  - the tokens and mask the predictor receives for a path equal
 *    m3_path_features on that path's scenario (built by hand here);
 *  - the result does not depend on the thread count (1, 2, 3) and is
 *    deterministic in the seed; flows per bucket are the scenario's;
 *  - spread over 2, 3 or 4 simulated processes (m3_estimate_m3_parts), it
 *    equals the single-process result bit for bit;
 *  - warnings: a buffer outside the configuration range, a switch pool
 *    outside the feature range, foreground shares below the trained ones;
 *    a range of another CC's key stays silent;
 *  - a path longer than the model takes and a failing predictor give
 *    clear errors. */
#include "check.h"
#include "m3.h"

#include <stdlib.h>
#include <string.h>

typedef struct fake {
    int calls;
    float *first_fg; /* batch 0, row 0 */
    uint8_t first_mask[M3_MAX_PATH_LINKS];
    int fail;
} fake;

static int fake_predict(void *ctx, int batch, const float *fg, const float *links,
                        const uint8_t *mask, float *out, m3_error *err)
{
    fake *f = ctx;
    const m3_feature_schema *sc = m3_feature_schema_get();
    const int D = sc->token_dim, L = 6, O = sc->out_buckets, K = sc->pcts;
    (void)links;
    if (f->fail)
        return (snprintf(err->msg, sizeof err->msg, "fake model: out of cheese"), -1);
    if (f->calls++ == 0) {
        memcpy(f->first_fg, fg, D * sizeof *fg);
        memcpy(f->first_mask, mask, L);
    }
    for (int b = 0; b < batch; b++) {
        /* grows with the foreground's flowSim slowdown, the number of
         * link tokens and the bucket: different paths, different answers */
        double base = 1 + fabs(fg[b * D + 9 * 100 + 49]), links_on = 0;
        for (int l = 0; l < L; l++)
            links_on += mask[b * L + l];
        for (int o = 0; o < O; o++)
            for (int k = 0; k < K; k++)
                out[((size_t)b * O + o) * K + k] =
                    (float)(base * (1 + 0.1 * links_on) * (1 + o) * (1 + 0.02 * k));
    }
    return 0;
}

static void make_scenario(m3_scenario *s, m3_routing **r)
{
    m3_error err;
    m3_scenario_init(s);
    s->topo = m3_topology_fat_tree_k(4, 10e9, 40e9, 1000, &err);
    *r = m3_routing_new(s->topo, &err);
    m3_workload_spec w = {0};
    w.sizes = m3_size_dist_builtin("webserver", &err);
    w.load = 0.5;
    w.num_flows = 4000;
    w.seed = 5;
    CHECK(m3_workload_generate(s->topo, *r, &w, &s->flows, &err) == 0);
    m3_size_dist_free((m3_size_dist *)w.sizes);
}

static m3_predictor predictor(fake *f)
{
    m3_predictor p;
    memset(&p, 0, sizeof p);
    p.ctx = f;
    p.max_links = 6;
    p.predict = fake_predict;
    return p;
}

static void test_tokens_reach_the_model(void)
{
    m3_scenario s;
    m3_routing *r;
    make_scenario(&s, &r);
    const int D = m3_feature_schema_get()->token_dim;
    fake f = {0};
    f.first_fg = calloc(D, sizeof(float));
    m3_predictor p = predictor(&f);
    m3_m3_opts o;
    m3_m3_opts_default(&o);
    o.path_samples = 50;
    o.bootstrap = 0;
    m3_result res;
    m3_result_init(&res, "m3");
    m3_error err;
    CHECK_MSG(m3_estimate_m3(&s, r, &p, &o, &res, &err) == 0, "%s", err.msg);
    CHECK(f.calls == 1);
    CHECK(res.paths_sampled == 50 && res.paths_distinct > 5 && res.paths_distinct <= 50);
    CHECK(res.summary.overall.n == s.flows.n);
    /* path 0 of the draw, by hand */
    m3_route_index *x = m3_route_index_new(r, &s.flows, &err);
    uint32_t paths[50], mult[50];
    m3_sample_paths(x, s.flows.n, 50, o.seed, paths, mult, &err);
    m3_path_scenario ps;
    m3_path_scenario_init(&ps);
    CHECK(m3_path_scenario_build(&s, x, paths[0], &ps, &err) == 0);
    size_t F = ps.flows.n;
    double *fct = calloc(F, 8), *ideal = calloc(F, 8), *sd = calloc(F, 8);
    float *tok = calloc((size_t)ps.line.n * D, sizeof *tok);
    CHECK(m3_line_flowsim(&ps.line, &ps.flows, s.config.mtu, M3_HEADER_BYTES, NULL, fct, ideal,
                          &err) == 0);
    for (size_t i = 0; i < F; i++)
        sd[i] = m3_slowdown(fct[i], ideal[i]);
    CHECK(m3_path_features(&ps.line, &ps.flows, sd, &s.config, ps.pool_bytes, tok, &err) == 0);
    CHECK(memcmp(tok, f.first_fg, D * sizeof *tok) == 0);
    for (uint32_t l = 0; l < 6; l++)
        CHECK(f.first_mask[l] == (l + 1 < ps.line.n));
    free(fct);
    free(ideal);
    free(sd);
    free(tok);
    free(f.first_fg);
    m3_path_scenario_free(&ps);
    m3_route_index_free(x);
    m3_result_free(&res);
    m3_routing_free(r);
    m3_scenario_free(&s);
}

static int same_numbers(const m3_result *a, const m3_result *b)
{
    return memcmp(&a->summary, &b->summary, sizeof a->summary) == 0 &&
           memcmp(a->pct, b->pct, sizeof a->pct) == 0 &&
           memcmp(&a->ci_lo, &b->ci_lo, sizeof a->ci_lo) == 0 &&
           memcmp(&a->ci_hi, &b->ci_hi, sizeof a->ci_hi) == 0 &&
           a->paths_distinct == b->paths_distinct;
}

static void test_threads_and_seeds(void)
{
    m3_scenario s;
    m3_routing *r;
    make_scenario(&s, &r);
    const int D = m3_feature_schema_get()->token_dim;
    m3_result res[4];
    m3_error err;
    for (int t = 0; t < 4; t++) {
        fake f = {0};
        f.first_fg = calloc(D, sizeof(float));
        m3_predictor p = predictor(&f);
        m3_m3_opts o;
        m3_m3_opts_default(&o);
        o.path_samples = 200;
        o.batch = 32;
        o.threads = t < 3 ? t + 1 : 1;
        o.seed = t < 3 ? 1 : 2;
        m3_result_init(&res[t], "m3");
        CHECK_MSG(m3_estimate_m3(&s, r, &p, &o, &res[t], &err) == 0, "%s", err.msg);
        free(f.first_fg);
    }
    CHECK(res[0].has_ci && res[0].ci_lo.overall.p99 <= res[0].summary.overall.p99 &&
          res[0].summary.overall.p99 <= res[0].ci_hi.overall.p99);
    CHECK(same_numbers(&res[0], &res[1]));
    CHECK(same_numbers(&res[0], &res[2]));
    CHECK(!same_numbers(&res[0], &res[3]));
    size_t n = 0;
    for (int b = 0; b < res[0].summary.num_buckets; b++)
        n += res[0].summary.buckets[b].n;
    CHECK(n == s.flows.n);
    for (int t = 0; t < 4; t++)
        m3_result_free(&res[t]);
    m3_routing_free(r);
    m3_scenario_free(&s);
}

/* Processes of m3_estimate_m3_parts, simulated in one: pass 1 runs every
 * part and records its own batches' results (its share then stops the
 * estimate), pass 2 runs each part again with a share that fills in the
 * others' from the record, as MPI would. Every part's result equals the
 * single-process estimate bit for bit, warnings included. */
typedef struct sim_share {
    int fill; /* 0: record this part's batches, 1: fill in */
    uint32_t part, parts;
    float *pred; /* the record, all paths */
    double *fg, *stats;
} sim_share;

static int sim_share_fn(void *ctx, uint32_t paths, uint32_t batch, float *pred, size_t pred_n,
                        double *fg, size_t fg_n, double *stats, size_t stats_n, m3_error *err)
{
    sim_share *sh = ctx;
    for (uint32_t first = 0; first < paths; first += batch) {
        uint32_t owner = (first / batch) % sh->parts,
                 n = paths - first < batch ? paths - first : batch;
        if (!sh->fill && owner != sh->part)
            continue;
        float *pd = sh->fill ? pred : sh->pred, *ps = sh->fill ? sh->pred : pred;
        double *fd = sh->fill ? fg : sh->fg, *fs = sh->fill ? sh->fg : fg;
        double *sd = sh->fill ? stats : sh->stats, *ss = sh->fill ? sh->stats : stats;
        memcpy(pd + (size_t)first * pred_n, ps + (size_t)first * pred_n, n * pred_n * sizeof *pd);
        memcpy(fd + (size_t)first * fg_n, fs + (size_t)first * fg_n, n * fg_n * sizeof *fd);
        memcpy(sd + (size_t)first * stats_n, ss + (size_t)first * stats_n,
               n * stats_n * sizeof *sd);
    }
    if (!sh->fill)
        return (snprintf(err->msg, sizeof err->msg, "recorded"), -1);
    return 0;
}

static void test_parts(void)
{
    m3_scenario s;
    m3_routing *r;
    make_scenario(&s, &r);
    const int D = m3_feature_schema_get()->token_dim;
    const m3_feature_schema *sc = m3_feature_schema_get();
    m3_error err;
    m3_m3_opts o;
    m3_m3_opts_default(&o);
    o.path_samples = 300;
    o.batch = 16;
    fake f = {0};
    f.first_fg = calloc(D, sizeof(float));
    m3_predictor p = predictor(&f);
    m3_result one;
    m3_result_init(&one, "m3");
    CHECK_MSG(m3_estimate_m3(&s, r, &p, &o, &one, &err) == 0, "%s", err.msg);
    size_t P = one.paths_distinct;
    CHECK(P > 3 * 16); /* several batches per part */
    for (uint32_t parts = 2; parts <= 4; parts++) {
        sim_share sh = {0,
                        0,
                        parts,
                        calloc(P * sc->out_buckets * sc->pcts, sizeof(float)),
                        calloc(P * sc->out_buckets, sizeof(double)),
                        calloc(P * M3_M3_PATH_STATS, sizeof(double))};
        for (uint32_t k = 0; k < parts; k++) {
            sh.part = k;
            m3_m3_parts pa = {k, parts, sim_share_fn, &sh};
            m3_result res;
            m3_result_init(&res, "m3");
            CHECK(m3_estimate_m3_parts(&s, r, &p, &o, &pa, &res, &err) == -1);
            CHECK(strstr(err.msg, "recorded") != NULL);
            m3_result_free(&res);
        }
        sh.fill = 1;
        for (uint32_t k = 0; k < parts; k++) {
            sh.part = k;
            m3_m3_parts pa = {k, parts, sim_share_fn, &sh};
            m3_result res;
            m3_result_init(&res, "m3");
            CHECK_MSG(m3_estimate_m3_parts(&s, r, &p, &o, &pa, &res, &err) == 0, "%s", err.msg);
            CHECK_MSG(same_numbers(&res, &one), "%u parts, part %u differs", parts, k);
            CHECK(res.num_warnings == one.num_warnings);
            m3_result_free(&res);
        }
        free(sh.pred);
        free(sh.fg);
        free(sh.stats);
    }
    m3_m3_parts bad = {2, 2, sim_share_fn, NULL};
    m3_result res;
    m3_result_init(&res, "m3");
    CHECK(m3_estimate_m3_parts(&s, r, &p, &o, &bad, &res, &err) == -1);
    CHECK(strstr(err.msg, "part 2 of 2 parts") != NULL);
    m3_result_free(&res);
    m3_result_free(&one);
    free(f.first_fg);
    m3_routing_free(r);
    m3_scenario_free(&s);
}

static void test_warnings_and_errors(void)
{
    m3_scenario s;
    m3_routing *r;
    make_scenario(&s, &r);
    s.config.cc = M3_CC_HPCC;
    s.config.buffer_kb = 400;
    const int D = m3_feature_schema_get()->token_dim;
    fake f = {0};
    f.first_fg = calloc(D, sizeof(float));
    m3_predictor p = predictor(&f);
    m3_range cfg[3] = {{"buffer_kb", 80, 200}, {"dctcp_k_kb", 50, 60}, {"fg_weight", 0.03, 0.99}};
    m3_range fields[2] = {{"pool_kb", 0, 10}, {"link_gbps", 10, 40}};
    p.cfg_ranges = cfg;
    p.num_cfg_ranges = 3;
    p.field_ranges = fields;
    p.num_field_ranges = 2;
    m3_m3_opts o;
    m3_m3_opts_default(&o);
    o.path_samples = 40;
    o.bootstrap = 0;
    m3_result res;
    m3_result_init(&res, "m3");
    m3_error err;
    CHECK_MSG(m3_estimate_m3(&s, r, &p, &o, &res, &err) == 0, "%s", err.msg);
    int buffer = 0, pool = 0, other = 0, share = 0;
    for (int i = 0; i < res.num_warnings && i < M3_RESULT_MAX_WARNINGS; i++) {
        /* a k=4 fat-tree path: a few foreground flows among hundreds */
        share += strstr(res.warnings[i], "fg_weight: ") != NULL &&
                 strstr(res.warnings[i], "of 40 sampled paths") != NULL;
        buffer += strstr(res.warnings[i], "buffer_kb = 400") != NULL;
        pool += strstr(res.warnings[i], "pool_kb") != NULL;
        other +=
            strstr(res.warnings[i], "dctcp") != NULL || strstr(res.warnings[i], "link") != NULL;
    }
    CHECK(buffer == 1 && pool == 1 && other == 0 && share == 1);
    m3_result_free(&res);

    /* a model that takes 4 links cannot see the 6-link paths */
    p.max_links = 4;
    m3_result_init(&res, "m3");
    o.path_samples = 200;
    CHECK(m3_estimate_m3(&s, r, &p, &o, &res, &err) == -1);
    CHECK_MSG(strstr(err.msg, "6 links") && strstr(err.msg, "at most 4"), "%s", err.msg);
    p.max_links = 6;
    f.fail = 1;
    CHECK(m3_estimate_m3(&s, r, &p, &o, &res, &err) == -1);
    CHECK(strstr(err.msg, "out of cheese") != NULL);
    f.fail = 0;
    o.ci_level = 1.2;
    o.bootstrap = 10;
    CHECK(m3_estimate_m3(&s, r, &p, &o, &res, &err) == -1);
    m3_result_free(&res);
    free(f.first_fg);
    m3_routing_free(r);
    m3_scenario_free(&s);
}

int main(void)
{
    test_tokens_reach_the_model();
    test_threads_and_seeds();
    test_parts();
    test_warnings_and_errors();
    return check_finish("test-estimate-m3");
}

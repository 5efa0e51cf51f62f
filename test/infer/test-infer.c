/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test-infer - the inference shim through its C API only (m3-infer.h): loads
 * a checkpoint, runs its check inputs through the m3_predictor and compares
 * with the outputs Python recorded, then prints what inference costs.
 *
 * Design. NAME.check.bin (gen/export.py: "M3CK", int32 version=1, B, L, D, O,
 * P, then float32 fg [B, D], links [B, L, D], link_mask [B, L] (0/1),
 * expected [B, O, P], little-endian) is read here independently of the shim.
 * The test fails when: the load fails; the info disagrees with the schema or
 * the predictor (max_links, token_dim, out_buckets, pcts, an empty name); the
 * training ranges are not one per schema field, in schema order, lo <= hi;
 * any output of the B check rows differs from Python's by more than --tol
 * (relative, default 1e-4), is below 1 or decreases along the percentiles;
 * a batch of 500 paths (the rows repeated, so the predictor's memory layout
 * is exercised at the size the m3 mode uses) differs from the same rows
 * predicted alone; predict accepts batch 0. Then it prints (asserts nothing
 * about time) the load time and the time of 500 paths with 1 and with 2
 * intra-op threads (each a fresh load with that `threads`): the first call
 * after the load (whose check run is libtorch's first forward), and the
 * median and minimum of 5 calls after 2 warm-up calls, in one batch
 * of 500 and in batches of 128 (m3_m3_opts' default). Wall time, since
 * libtorch and OpenBLAS run threads of their own.
 * It also checks that libtorch is not in the process before the first
 * m3_model_load (/proc/self/maps), since m3infer loads it with dlopen.
 * With --expect-unavailable it checks the torch-free build instead: no
 * inference available and a load refused with how to get it; with
 * --expect-refusal TEXT that the load fails with TEXT and the path in the
 * message (a missing plugin: M3_INFER_PLUGIN pointing nowhere).
 *
 * Cost: three loads (the first also loads libtorch, ~0.5 s) and about 40
 * forwards of 500 paths: 5 to 20 s for m3-medium on 2 busy cores.
 *
 *   test-infer NAME.pt [--tol 1e-4]
 *   test-infer --expect-unavailable NAME.pt
 *   test-infer --expect-refusal TEXT NAME.pt
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "m3-infer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PATHS 500

static int failures;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                                            \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

typedef struct check_data {
    int b, l, d, o, p;
    float *fg, *links, *expected;
    uint8_t *mask;
} check_data;

static float *read_floats(FILE *f, size_t n)
{
    float *v = malloc(n * sizeof *v);
    if (v && fread(v, sizeof *v, n, f) != n) {
        free(v);
        return NULL;
    }
    return v;
}

static int read_check(const char *path, check_data *c)
{
    FILE *f = fopen(path, "rb");
    char magic[4];
    int32_t h[6];
    if (!f) {
        printf("%s: cannot open\n", path);
        return -1;
    }
    if (fread(magic, 1, 4, f) != 4 || memcmp(magic, "M3CK", 4) != 0 ||
        fread(h, sizeof h[0], 6, f) != 6 || h[0] != 1 || h[1] < 1 || h[2] < 1 || h[3] < 1 ||
        h[4] < 1 || h[5] < 1) {
        printf("%s: bad header\n", path);
        fclose(f);
        return -1;
    }
    c->b = h[1], c->l = h[2], c->d = h[3], c->o = h[4], c->p = h[5];
    size_t b = (size_t)c->b, l = (size_t)c->l, d = (size_t)c->d;
    c->fg = read_floats(f, b * d);
    c->links = read_floats(f, b * l * d);
    float *mask = read_floats(f, b * l);
    c->expected = read_floats(f, b * (size_t)c->o * (size_t)c->p);
    fclose(f);
    if (!c->fg || !c->links || !mask || !c->expected) {
        printf("%s: truncated\n", path);
        free(mask);
        return -1;
    }
    c->mask = malloc(b * l);
    for (size_t i = 0; i < b * l; i++)
        c->mask[i] = mask[i] > 0.5f;
    free(mask);
    return 0;
}

/* Rows r % b of the check data, `n` of them. */
static void repeat_rows(const check_data *c, int n, float *fg, float *links, uint8_t *mask)
{
    size_t d = (size_t)c->d, l = (size_t)c->l;
    for (int i = 0; i < n; i++) {
        size_t r = (size_t)(i % c->b);
        memcpy(fg + i * d, c->fg + r * d, d * sizeof *fg);
        memcpy(links + i * l * d, c->links + r * l * d, l * d * sizeof *links);
        memcpy(mask + i * l, c->mask + r * l, l);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Times PATHS paths in batches of `batch`: first call, then median/min of 5
 * after 2 warm-up calls, in ms. */
static void time_paths(const m3_predictor *p, const float *fg, const float *links,
                       const uint8_t *mask, float *out, int d, int batch, double *first,
                       double *median, double *min)
{
    double ms[5];
    m3_error err;
    for (int rep = 0; rep < 8; rep++) {
        double t0 = now_s();
        for (int at = 0; at < PATHS; at += batch) {
            int n = PATHS - at < batch ? PATHS - at : batch;
            size_t off = (size_t)at;
            if (p->predict(p->ctx, n, fg + off * (size_t)d,
                           links + off * (size_t)p->max_links * (size_t)d,
                           mask + off * (size_t)p->max_links, out, &err) != 0) {
                CHECK(0, "timing: %s", err.msg);
                return;
            }
        }
        double t = 1000 * (now_s() - t0);
        if (rep == 0)
            *first = t;
        if (rep >= 3)
            ms[rep - 3] = t;
    }
    qsort(ms, 5, sizeof ms[0], cmp_double);
    *median = ms[2];
    *min = ms[0];
}

/* 1 when a libtorch library is mapped into this process (Linux), 0 when
 * not, -1 when /proc/self/maps cannot be read. */
static int libtorch_mapped(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[4096];
    int found = 0;
    if (!f)
        return -1;
    while (!found && fgets(line, sizeof line, f))
        found = strstr(line, "libtorch") != NULL;
    fclose(f);
    return found;
}

/* The load must fail with a message naming `pt` and holding `words`. */
static int expect_refusal(const char *pt, const char *words)
{
    m3_error err = {{0}};
    m3_model *m = m3_model_load(pt, 0, &err);
    CHECK(m == NULL, "m3_model_load succeeded");
    CHECK(strstr(err.msg, pt) && strstr(err.msg, words),
          "message does not name the file and say '%s': '%s'", words, err.msg);
    printf("refused: %s\n", err.msg);
    m3_model_free(m);
    if (failures)
        return 1;
    printf("ok\n");
    return 0;
}

int main(int argc, char **argv)
{
    const char *pt = NULL, *refusal = NULL;
    double tol = 1e-4;
    int unavailable = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--tol") && i + 1 < argc)
            tol = atof(argv[++i]);
        else if (!strcmp(argv[i], "--expect-unavailable"))
            unavailable = 1;
        else if (!strcmp(argv[i], "--expect-refusal") && i + 1 < argc)
            refusal = argv[++i];
        else if (argv[i][0] != '-' && !pt)
            pt = argv[i];
        else
            pt = NULL, i = argc;
    }
    if (!pt) {
        fprintf(stderr,
                "usage: %s [--expect-unavailable | --expect-refusal TEXT] NAME.pt "
                "[--tol T]\n",
                argv[0]);
        return 2;
    }
    if (unavailable) {
        CHECK(m3_infer_available() == 0, "m3_infer_available() is 1 without libtorch");
        return expect_refusal(pt, "m3-ns3 was built without libtorch: install libtorch-dev "
                                  "and reconfigure") ||
               failures;
    }
    CHECK(m3_infer_available() == 1, "m3_infer_available() is 0 in a build with libtorch");
    if (refusal)
        return expect_refusal(pt, refusal);

    /* load: libtorch comes into the process here, not at its start */
    int before = libtorch_mapped();
    CHECK(before != 1, "libtorch is loaded before m3_model_load (the module would pay its "
                       "start-up in every program)");
    m3_error err = {{0}};
    double t0 = now_s();
    m3_model *m = m3_model_load(pt, 1, &err);
    double load_s = now_s() - t0;
    if (!m) {
        printf("FAIL: %s\n", err.msg);
        return 1;
    }
    CHECK(before == -1 || libtorch_mapped() == 1, "libtorch not mapped after a model loaded");
    const m3_model_info *info = m3_model_get_info(m);
    const m3_feature_schema *s = m3_feature_schema_get();
    m3_predictor p;
    m3_model_predictor(m, &p);
    printf("loaded %s in %.3f s: '%s' (size %s, %ld params, %ld training samples, dataset "
           "%.12s...), validation p99 |err| model %.3f, flowSim %.3f\n",
           pt, load_s, info->name, info->size, info->params, info->train_samples,
           info->dataset_sha256, info->model_p99_err, info->flowsim_p99_err);
    CHECK(info->name[0] != '\0', "empty model name");
    CHECK(info->max_links == p.max_links && p.max_links >= 1, "max_links: info %d, predictor %d",
          info->max_links, p.max_links);
    CHECK(info->token_dim == s->token_dim && info->out_buckets == s->out_buckets &&
              info->pcts == s->pcts,
          "info D %d O %d P %d, schema %d %d %d", info->token_dim, info->out_buckets, info->pcts,
          s->token_dim, s->out_buckets, s->pcts);
    CHECK(p.ctx != NULL && p.predict != NULL, "predictor without ctx or predict");

    /* training ranges: every schema field, in order, and cfg keys */
    CHECK(p.num_field_ranges == s->num_fields, "%d field ranges, the schema has %d fields",
          p.num_field_ranges, s->num_fields);
    for (int i = 0; i < p.num_field_ranges && i < s->num_fields; i++)
        CHECK(!strcmp(p.field_ranges[i].name, s->fields[i].name) &&
                  p.field_ranges[i].lo <= p.field_ranges[i].hi,
              "field range %d: '%s' [%g, %g], schema field '%s'", i, p.field_ranges[i].name,
              p.field_ranges[i].lo, p.field_ranges[i].hi, s->fields[i].name);
    CHECK(p.num_cfg_ranges > 0 && p.cfg_ranges != NULL, "no cfg training ranges");
    for (int i = 0; i < p.num_cfg_ranges; i++)
        CHECK(p.cfg_ranges[i].name[0] && p.cfg_ranges[i].lo <= p.cfg_ranges[i].hi,
              "cfg range %d: '%s' [%g, %g]", i, p.cfg_ranges[i].name, p.cfg_ranges[i].lo,
              p.cfg_ranges[i].hi);
    printf("training ranges: %d cfg keys, %d fields\n", p.num_cfg_ranges, p.num_field_ranges);

    /* the check rows against Python's outputs */
    char chk[4096];
    size_t len = strlen(pt);
    snprintf(chk, sizeof chk, "%.*s.check.bin", (int)(len > 3 ? len - 3 : len), pt);
    check_data c;
    if (read_check(chk, &c) != 0)
        return 1;
    CHECK(c.l == p.max_links && c.d == info->token_dim && c.o == info->out_buckets &&
              c.p == info->pcts,
          "check file shape L %d D %d O %d P %d", c.l, c.d, c.o, c.p);
    if (failures)
        return 1;
    size_t op = (size_t)c.o * (size_t)c.p, total = (size_t)c.b * op;
    float *y = malloc(total * sizeof *y);
    if (p.predict(p.ctx, c.b, c.fg, c.links, c.mask, y, &err) != 0) {
        printf("FAIL: predict: %s\n", err.msg);
        return 1;
    }
    double worst = 0;
    size_t over = 0, bad_curve = 0;
    for (size_t i = 0; i < total; i++) {
        double e = c.expected[i], r = fabs(y[i] - e) / fmax(fabs(e), 1e-12);
        if (!(r <= tol))
            over++;
        if (!(r <= worst))
            worst = r;
        if (!(y[i] >= 1.0f) || (i % (size_t)c.p != 0 && y[i] < y[i - 1]))
            bad_curve++;
    }
    printf("check: %d paths, %zu outputs, max relative error %.3g (tol %.1g), %zu over, %zu "
           "not a non-decreasing curve >= 1\n",
           c.b, total, worst, tol, over, bad_curve);
    CHECK(over == 0, "%zu outputs differ from Python's", over);
    CHECK(bad_curve == 0, "%zu outputs below 1 or decreasing", bad_curve);

    /* 500 paths in one batch: each row as predicted alone */
    size_t d = (size_t)c.d, l = (size_t)c.l;
    float *fg5 = malloc(PATHS * d * sizeof *fg5), *l5 = malloc(PATHS * l * d * sizeof *l5);
    uint8_t *m5 = malloc(PATHS * l);
    float *y5 = malloc(PATHS * op * sizeof *y5);
    repeat_rows(&c, PATHS, fg5, l5, m5);
    if (p.predict(p.ctx, PATHS, fg5, l5, m5, y5, &err) != 0) {
        printf("FAIL: predict of %d paths: %s\n", PATHS, err.msg);
        return 1;
    }
    double worst5 = 0;
    for (size_t i = 0; i < PATHS * op; i++) {
        double e = y[(i / op) % (size_t)c.b * op + i % op];
        double r = fabs(y5[i] - e) / fmax(fabs(e), 1e-12);
        if (!(r <= worst5))
            worst5 = r;
    }
    printf("batch of %d: max relative difference to the rows alone %.3g\n", PATHS, worst5);
    CHECK(worst5 <= tol, "a batch of %d paths differs from its rows alone (%g)", PATHS, worst5);

    /* errors come back as -1 with a message, not as a crash */
    err.msg[0] = '\0';
    CHECK(p.predict(p.ctx, 0, fg5, l5, m5, y5, &err) == -1 && err.msg[0],
          "predict accepted batch 0");
    printf("batch 0 refused: %s\n", err.msg);

    /* cost (printed only) */
    m3_model_free(m);
    for (int threads = 1; threads <= 2; threads++) {
        t0 = now_s();
        m = m3_model_load(pt, threads, &err);
        load_s = now_s() - t0;
        if (!m) {
            printf("FAIL: reload with %d threads: %s\n", threads, err.msg);
            return 1;
        }
        m3_model_predictor(m, &p);
        double first, med, min, first128, med128, min128;
        time_paths(&p, fg5, l5, m5, y5, c.d, PATHS, &first, &med, &min);
        time_paths(&p, fg5, l5, m5, y5, c.d, 128, &first128, &med128, &min128);
        printf("timing, %d intra-op thread%s: load %.3f s; %d paths in one batch: first %.1f "
               "ms, then median %.1f ms, min %.1f ms; in batches of 128: median %.1f ms, "
               "min %.1f ms\n",
               threads, threads > 1 ? "s" : "", load_s, PATHS, first, med, min, med128, min128);
        m3_model_free(m);
    }
    free(y), free(y5), free(fg5), free(l5), free(m5);
    free(c.fg), free(c.links), free(c.mask), free(c.expected);
    if (failures) {
        printf("%d failure(s)\n", failures);
        return 1;
    }
    printf("ok\n");
    return 0;
}

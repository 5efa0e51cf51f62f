/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test-infer-bad - broken checkpoints must be refused by m3_model_load with
 * NULL and a message that names the file at fault and the problem, never
 * with a crash or a model.
 *
 * Design. From a good checkpoint (SRC.pt with SRC.json and SRC.check.bin
 * beside it, normally ckpts/m3-medium) the test writes, per case, a copy
 * named x.{pt,json,check.bin} into WORK/CASE/ with one thing broken, loads
 * it and checks the message for the path of the file at fault and for the
 * words that say what is wrong. Controls first: the unchanged copy loads
 * (through x.pt and through x.json), and so does a copy whose recorded
 * outputs moved by 1e-6 relative (inside the 1e-4 tolerance), so each
 * refusal below is the edit's doing. Cases: a missing .pt, .json,
 * .check.bin; malformed JSON (a stray comma: the message gives its line;
 * the file cut in half; a NaN, which Python's json writes: the message
 * says so); wrong format name; wrong format_version; a schema
 * of another version; the last schema field renamed; model.token_dim off
 * by one; the .pt cut in half; 64 bytes flipped in the middle of the .pt
 * (libtorch refuses it or the check outputs differ); the check file cut
 * short; one recorded output moved by 1 % (the outputs differ); a path
 * that is neither NAME.pt nor NAME.json. JSON edits are text replacements
 * of what gen/export.py writes; a replacement that finds nothing fails the
 * test (the fixture changed), it is not skipped.
 *
 * Cost: about 20 loads, the few that reach libtorch ~0.3 s each.
 *
 *   test-infer-bad SRC.pt WORK_DIR
 */
#define _POSIX_C_SOURCE 200809L
#include "m3-infer.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int failures;
static const char *work;

typedef struct blob {
    char *data;
    size_t n;
} blob;

static blob read_all(const char *path)
{
    blob b = {NULL, 0};
    FILE *f = fopen(path, "rb");
    if (!f) {
        printf("FAIL: cannot read %s\n", path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    b.n = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    b.data = malloc(b.n + 1);
    if (fread(b.data, 1, b.n, f) != b.n) {
        printf("FAIL: cannot read %s\n", path);
        exit(1);
    }
    b.data[b.n] = '\0';
    fclose(f);
    return b;
}

static blob copy_of(blob b)
{
    blob c = {malloc(b.n + 1), b.n};
    memcpy(c.data, b.data, b.n + 1);
    return c;
}

/* The k-th (1-based) occurrence of `from` replaced by `to`; the test stops
 * when there is none, since the fixture no longer has what the case edits. */
static blob replace_nth(blob b, const char *from, const char *to, int k, size_t *at)
{
    const char *p = b.data;
    for (int i = 0; p && i < k; i++)
        p = strstr(i ? p + 1 : p, from);
    if (!p) {
        printf("FAIL: the fixture has no occurrence %d of '%s'\n", k, from);
        exit(1);
    }
    size_t pos = (size_t)(p - b.data), nf = strlen(from), nt = strlen(to);
    blob c = {malloc(b.n - nf + nt + 1), b.n - nf + nt};
    memcpy(c.data, b.data, pos);
    memcpy(c.data + pos, to, nt);
    memcpy(c.data + pos + nt, b.data + pos + nf, b.n - pos - nf + 1);
    if (at)
        *at = pos;
    return c;
}

static void write_file(const char *path, const blob *b)
{
    if (!b) {
        if (unlink(path) != 0 && errno != ENOENT)
            printf("FAIL: cannot remove %s\n", path), exit(1);
        return;
    }
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(b->data, 1, b->n, f) != b->n || fclose(f) != 0)
        printf("FAIL: cannot write %s\n", path), exit(1);
}

/* WORK/NAME/x.{json,pt,check.bin} from the blobs (NULL: the file is absent);
 * returns WORK/NAME/x. */
static const char *make_case(const char *name, const blob *json, const blob *pt, const blob *chk)
{
    static char base[4096];
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", work, name);
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        printf("FAIL: cannot create %s\n", path), exit(1);
    snprintf(base, sizeof base, "%s/%s/x", work, name);
    snprintf(path, sizeof path, "%s.json", base);
    write_file(path, json);
    snprintf(path, sizeof path, "%s.pt", base);
    write_file(path, pt);
    snprintf(path, sizeof path, "%s.check.bin", base);
    write_file(path, chk);
    return base;
}

/* Loads BASE + load_ext; expects NULL and a message holding BASE + bad_ext
 * (the file at fault) and every one of the NULL-terminated words. */
static void expect_refusal(const char *name, const char *base, const char *load_ext,
                           const char *bad_ext, ...)
{
    char path[4200], bad[4200];
    snprintf(path, sizeof path, "%s%s", base, load_ext);
    snprintf(bad, sizeof bad, "%s%s: ", base, bad_ext);
    m3_error err;
    memset(&err, 0, sizeof err);
    m3_model *m = m3_model_load(path, 1, &err);
    if (m) {
        printf("FAIL %s: loaded\n", name);
        failures++;
        m3_model_free(m);
        return;
    }
    int ok = strstr(err.msg, bad) != NULL;
    va_list ap;
    va_start(ap, bad_ext);
    for (const char *w; (w = va_arg(ap, const char *)) != NULL;)
        ok = ok && strstr(err.msg, w) != NULL;
    va_end(ap);
    printf("%s %s: %s\n", ok ? "ok  " : "FAIL", name, err.msg);
    if (!ok) {
        printf("     expected the file '%s' and the words given in test-infer-bad.c\n", bad);
        failures++;
    }
}

/* Same, but the message may hold either of two words. */
static void expect_refusal_either(const char *name, const char *base, const char *bad_ext,
                                  const char *w1, const char *w2)
{
    char path[4200], bad[4200];
    snprintf(path, sizeof path, "%s.pt", base);
    snprintf(bad, sizeof bad, "%s%s: ", base, bad_ext);
    m3_error err;
    memset(&err, 0, sizeof err);
    m3_model *m = m3_model_load(path, 1, &err);
    int ok = !m && strstr(err.msg, bad) && (strstr(err.msg, w1) || strstr(err.msg, w2));
    printf("%s %s: %s\n", ok ? "ok  " : "FAIL", name, m ? "loaded" : err.msg);
    failures += !ok;
    m3_model_free(m);
}

static void expect_load(const char *name, const char *base, const char *ext)
{
    char path[4200];
    snprintf(path, sizeof path, "%s%s", base, ext);
    m3_error err;
    memset(&err, 0, sizeof err);
    m3_model *m = m3_model_load(path, 1, &err);
    printf("%s %s: %s\n", m ? "ok  " : "FAIL", name, m ? "loads" : err.msg);
    failures += !m;
    m3_model_free(m);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s SRC.pt WORK_DIR\n", argv[0]);
        return 2;
    }
    size_t len = strlen(argv[1]);
    if (len < 4 || strcmp(argv[1] + len - 3, ".pt") != 0) {
        fprintf(stderr, "%s: not a NAME.pt\n", argv[1]);
        return 2;
    }
    work = argv[2];
    if (mkdir(work, 0755) != 0 && errno != EEXIST) {
        printf("FAIL: cannot create %s\n", work);
        return 1;
    }
    char src[4096];
    snprintf(src, sizeof src, "%.*s.json", (int)(len - 3), argv[1]);
    blob json = read_all(src);
    blob pt = read_all(argv[1]);
    snprintf(src, sizeof src, "%.*s.check.bin", (int)(len - 3), argv[1]);
    blob chk = read_all(src);
    const m3_feature_schema *s = m3_feature_schema_get();
    const char *base;
    char from[128], to[128], line[32];

    /* controls */
    base = make_case("good", &json, &pt, &chk);
    expect_load("good copy through x.pt", base, ".pt");
    expect_load("good copy through x.json", base, ".json");
    blob close_enough = copy_of(chk);
    float last;
    memcpy(&last, close_enough.data + chk.n - 4, 4);
    last *= 1.000001f;
    memcpy(close_enough.data + chk.n - 4, &last, 4);
    base = make_case("check-within-tolerance", &json, &pt, &close_enough);
    expect_load("a recorded output moved by 1e-6 (within 1e-4)", base, ".pt");

    /* missing files */
    base = make_case("missing-pt", &json, NULL, &chk);
    expect_refusal("missing .pt", base, ".json", ".pt", "cannot open", NULL);
    base = make_case("missing-json", NULL, &pt, &chk);
    expect_refusal("missing .json", base, ".pt", ".json", "cannot open", NULL);
    base = make_case("missing-check", &json, &pt, NULL);
    expect_refusal("missing .check.bin", base, ".pt", ".check.bin", "cannot open", NULL);

    /* metadata */
    size_t at;
    blob b = replace_nth(json, "\"format_version\": 1,", "\"format_version\": 1,,", 1, &at);
    int ln = 1;
    for (size_t i = 0; i < at; i++)
        ln += json.data[i] == '\n';
    snprintf(line, sizeof line, "line %d", ln);
    base = make_case("json-syntax", &b, &pt, &chk);
    expect_refusal("malformed JSON (stray comma)", base, ".pt", ".json", "invalid JSON", line,
                   NULL);
    blob half = {json.data, json.n / 2};
    base = make_case("json-cut", &half, &pt, &chk);
    expect_refusal("JSON cut in half", base, ".pt", ".json", "invalid JSON", NULL);
    b = replace_nth(json, "\"model_p99_err\": ", "\"model_p99_err\": NaN, \"was\": ", 1, NULL);
    base = make_case("json-nan", &b, &pt, &chk);
    expect_refusal("NaN in the JSON (Python writes it)", base, ".pt", ".json", "invalid JSON",
                   "NaN or Infinity?", NULL);
    b = replace_nth(json, "\"format\": \"m3-ckpt\"", "\"format\": \"m3-model\"", 1, NULL);
    base = make_case("format", &b, &pt, &chk);
    expect_refusal("wrong format", base, ".pt", ".json", "format 'm3-model'", NULL);
    b = replace_nth(json, "\"format_version\": 1,", "\"format_version\": 2,", 1, NULL);
    base = make_case("format-version", &b, &pt, &chk);
    expect_refusal("wrong format_version", base, ".pt", ".json", "format_version 2", NULL);

    /* schema */
    int other = s->version > 1 ? s->version - 1 : s->version + 1;
    snprintf(from, sizeof from, "\"version\": %d", s->version);
    snprintf(to, sizeof to, "\"version\": %d", other);
    b = replace_nth(json, from, to, 1, NULL);
    base = make_case("schema-version", &b, &pt, &chk);
    snprintf(from, sizeof from, "schema version %d, this build reads version %d", other,
             s->version);
    expect_refusal("schema of another version", base, ".pt", ".json", from, NULL);
    const char *last_field = s->fields[s->num_fields - 1].name;
    snprintf(from, sizeof from, "\"name\": \"%s\"", last_field);
    snprintf(to, sizeof to, "\"name\": \"%s_x\"", last_field);
    b = replace_nth(json, from, to, 1, NULL);
    base = make_case("field-renamed", &b, &pt, &chk);
    snprintf(to, sizeof to, "schema field %d is '%s_x'", s->num_fields - 1, last_field);
    expect_refusal("a schema field renamed", base, ".pt", ".json", to, last_field, NULL);
    /* the second "token_dim" is the model's (the schema comes first) */
    snprintf(from, sizeof from, "\"token_dim\": %d", s->token_dim);
    snprintf(to, sizeof to, "\"token_dim\": %d", s->token_dim - 1);
    b = replace_nth(json, from, to, 2, NULL);
    base = make_case("token-dim", &b, &pt, &chk);
    snprintf(to, sizeof to, "model.token_dim %d", s->token_dim - 1);
    expect_refusal("model.token_dim mismatch", base, ".pt", ".json", to, NULL);

    /* the TorchScript file */
    blob pt_half = {pt.data, pt.n / 2};
    base = make_case("pt-truncated", &json, &pt_half, &chk);
    expect_refusal("truncated .pt", base, ".pt", ".pt", "truncated", NULL);
    blob flipped = copy_of(pt);
    for (size_t i = pt.n / 2; i < pt.n / 2 + 64; i++)
        flipped.data[i] = (char)(flipped.data[i] ^ 0xff);
    base = make_case("pt-flipped", &json, &flipped, &chk);
    expect_refusal_either("64 bytes flipped in the middle of the .pt", base, ".pt", "libtorch",
                          "differs from");

    /* the check data */
    blob chk_short = {chk.data, chk.n - 100};
    base = make_case("check-truncated", &json, &pt, &chk_short);
    expect_refusal("truncated .check.bin", base, ".pt", ".check.bin", "truncated", NULL);
    blob moved = copy_of(chk);
    memcpy(&last, moved.data + chk.n - 4, 4);
    last *= 1.01f;
    memcpy(moved.data + chk.n - 4, &last, 4);
    base = make_case("check-differs", &json, &pt, &moved);
    expect_refusal("a recorded output moved by 1 %", base, ".pt", ".pt", "differs from",
                   "check.bin", "corrupt or mismatched weights", NULL);

    /* a path that is not a checkpoint's */
    base = make_case("suffix", &json, &pt, &chk);
    expect_refusal("NAME.check.bin given", base, ".check.bin", ".check.bin",
                   "expected a checkpoint's NAME.pt or NAME.json", NULL);

    if (failures) {
        printf("%d failure(s)\n", failures);
        return 1;
    }
    printf("ok\n");
    return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* test-io.c - the fast text I/O of large files: the block line reader
 * (lines across block boundaries, CRLF, comments, blank lines, no final
 * newline, NUL bytes and over-long lines with the line they are on); the
 * flows reader's fast path against its general path, line by line (the
 * same flow, or the same error); the printf-free number formatting
 * against printf (ties to even, random values, non-finite ones); and a
 * write/read round trip. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */

#include "check.h"
#include "m3.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[64];

static const char *tmp_path(const char *name)
{
    static char buf[4][256];
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, 256, "%s/%s", tmpdir, name);
    return p;
}

static const char *write_file(const char *name, const char *text, size_t len)
{
    const char *p = tmp_path(name);
    FILE *fp = fopen(p, "wb");
    CHECK(fp != NULL);
    if (fp) {
        fwrite(text, 1, len, fp);
        fclose(fp);
    }
    return p;
}

static const char *write_text(const char *name, const char *text)
{
    return write_file(name, text, strlen(text));
}

/* ---- the block line reader, through the flows reader ---- */

static void test_reader_layout(void)
{
    m3_error err;
    m3_flows f;
    /* CRLF, comments, blank and blank-looking lines, tabs, no final newline */
    const char *p = write_text("layout.txt", "# flows\r\n\r\n  3  # three\r\n"
                                             "0 1 2 3 100 1000 0.5\r\n"
                                             "   \t\r\n"
                                             "1\t1\t2\t3\t100\t2000\t0.75   # late\r\n"
                                             "2 2 1 3 100 3000 1");
    CHECK_MSG(m3_flows_read(p, NULL, &f, &err) == 0, "%s", err.msg);
    CHECK(f.n == 3);
    if (f.n == 3) {
        CHECK(f.v[0].start_ns == 500000000 && f.v[1].start_ns == 750000000);
        CHECK(f.v[1].size == 2000 && f.v[2].src == 2 && f.v[2].start_ns == 1000000000);
    }
    m3_flows_free(&f);

    /* a comment of 1.5 MB pushes the flow lines across the first block's
     * end; 70000 flows span several blocks */
    size_t nf = 70000, cap = 2000000 + nf * 48;
    char *text = malloc(cap);
    size_t len = (size_t)snprintf(text, cap, "%zu\n#", nf);
    memset(text + len, 'x', 1500000);
    len += 1500000;
    text[len++] = '\n';
    for (size_t i = 0; i < nf; i++)
        len += (size_t)snprintf(text + len, cap - len, "%zu %zu %zu 3 100 %zu %zu.%03zu\n", i,
                                i % 7, 7 + i % 5, 1 + i, i / 1000, i % 1000);
    p = write_file("blocks.txt", text, len);
    CHECK_MSG(m3_flows_read(p, NULL, &f, &err) == 0, "%s", err.msg);
    size_t bad = f.n != nf;
    for (size_t i = 0; i < f.n && i < nf; i++)
        bad += f.v[i].id != i || f.v[i].src != i % 7 || f.v[i].dst != 7 + i % 5 ||
               f.v[i].size != 1 + i || f.v[i].start_ns != i * 1000000;
    CHECK_MSG(bad == 0, "%zu flows read wrong across blocks", bad);
    m3_flows_free(&f);
    free(text);
}

/* A NUL byte or an over-long line is reported with its line number. */
static void test_reader_errors(void)
{
    m3_error err;
    m3_flows f;
    const char nul[] = "2\n0 1 2 3 100 1000 0.5\n1 1 2 3 1\00000 2000 0.75\n";
    const char *p = write_file("nul.txt", nul, sizeof nul - 1);
    CHECK(m3_flows_read(p, NULL, &f, &err) == -1);
    CHECK_MSG(strstr(err.msg, "nul.txt:3: binary data (NUL byte)") != NULL, "%s", err.msg);

    /* 16 MB - 1 bytes is the longest line; one more is too long, unless a
     * NUL comes first */
    size_t max = ((size_t)1 << 24) - 1;
    char *text = malloc(max + 64);
    size_t len = (size_t)snprintf(text, 64, "1\n#");
    memset(text + len, 'y', max - 1);
    len += max - 1;
    len += (size_t)snprintf(text + len, 64, "\n0 1 2 3 100 1000 0.5\n");
    p = write_file("longest.txt", text, len);
    CHECK_MSG(m3_flows_read(p, NULL, &f, &err) == 0, "longest line refused: %s", err.msg);
    m3_flows_free(&f);
    len = (size_t)snprintf(text, 64, "1\n#");
    memset(text + len, 'y', max);
    len += max;
    len += (size_t)snprintf(text + len, 64, "\n0 1 2 3 100 1000 0.5\n");
    p = write_file("toolong.txt", text, len);
    CHECK(m3_flows_read(p, NULL, &f, &err) == -1);
    CHECK_MSG(strstr(err.msg, "toolong.txt:2: line too long") != NULL, "%s", err.msg);
    text[1000] = '\0';
    p = write_file("toolong-nul.txt", text, len);
    CHECK(m3_flows_read(p, NULL, &f, &err) == -1);
    CHECK_MSG(strstr(err.msg, "toolong-nul.txt:2: binary data") != NULL, "%s", err.msg);
    free(text);
}

/* ---- the flows reader's fast path against its general path ---- */

/* Each line is read once as the first flow line (the general path always
 * takes it) and once after a plain line (the fast path tries it first):
 * the same flow, or the same error message. */
static void test_fast_path_equals_general(void)
{
    static const char *lines[] = {
        "5 1 2 3 100 1000 0.5",
        "5 1 2 3 100 1000 0.5000000004", /* 10th decimal: rounds down */
        "5 1 2 3 100 1000 0.5000000005", /* and up */
        "5 1 2 3 100 1000 0.9999999995", /* up to the next second */
        "5 1 2 3 100 1000 12.",
        "5 1 2 3 100 1000 .25",
        "5 1 2 3 100 1000 1000000", /* the latest start */
        "5 1 2 3 100 1000 1000000.000000001",
        "5 1 2 3 100 1000 10000000",
        "5 1 2 3 100 1000 +2.5",
        "5 1 2 3 100 1000 2.5e-3",
        "5 1 2 3 100 1000 -0",
        "5 1 2 3 100 1000 -1",
        "5 1 2 3 100 1000 1.2.3",
        "5 1 2 3 100 1000 .",
        "0005 0001 0002 0003 000100 0001000 0000.5",
        "18446744073709551615 1 2 3 100 1000 1",
        "18446744073709551616 1 2 3 100 1000 1",
        "5 4294967295 2 3 100 1000 1",
        "5 4294967296 2 3 100 1000 1",
        "5 1 1 3 100 1000 1", /* src = dst */
        "5 1 2 8 100 1000 1", /* pg above 7 */
        "5 1 2 7 65535 1000 1",
        "5 1 2 7 65536 1000 1",
        "5 1 2 3 100 0 1",             /* empty flow */
        "5 1 2 3 100 1000000000000 1", /* 1 TB */
        "5 1 2 3 100 1000000000001 1",
        "5  1\t\t2 3   100 1000 1",
        "5 1 2 3 100 1000 1\v", /* \v: space to the general path */
        "5 1\f2 3 100 1000 1",
        "5 1 2 3 1e2 1000 1",
        "5 1 2 3 100 1000 0x1",
    };
    m3_error e1, e2;
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        char a[256], b[256];
        snprintf(a, sizeof a, "1\n%s\n", lines[i]);
        snprintf(b, sizeof b, "2\n0 1 2 3 100 1000 0\n%s\n", lines[i]);
        m3_flows fa, fb;
        memset(&e1, 0, sizeof e1);
        memset(&e2, 0, sizeof e2);
        int ra = m3_flows_read(write_text("general.txt", a), NULL, &fa, &e1);
        int rb = m3_flows_read(write_text("fast.txt", b), NULL, &fb, &e2);
        CHECK_MSG(ra == rb, "\"%s\": general %d (%s), fast %d (%s)", lines[i], ra, e1.msg, rb,
                  e2.msg);
        if (ra == 0 && rb == 0 && fb.n == 2) {
            m3_flow x = fa.v[0], y = fb.v[1];
            x.sport = y.sport = 0;
            CHECK_MSG(!memcmp(&x, &y, sizeof x), "\"%s\": the paths read different flows",
                      lines[i]);
        } else if (ra && rb) {
            /* same message after the file name and line number */
            const char *ma = strstr(e1.msg, "general.txt:2: "),
                       *mb = strstr(e2.msg, "fast.txt:3: ");
            CHECK_MSG(ma && mb && !strcmp(ma + 15, mb + 12), "\"%s\": \"%s\" vs \"%s\"", lines[i],
                      e1.msg, e2.msg);
        }
        m3_flows_free(&fa);
        m3_flows_free(&fb);
    }
    /* a line of another field count than the first flow line's goes to
     * the general path, which names the difference */
    m3_flows fc;
    CHECK(m3_flows_read(write_text("fast.txt", "2\n0 1 2 3 100 1000 0\n5 1 2 3 100 1000 1 9\n"),
                        NULL, &fc, &e2) == -1);
    CHECK_MSG(strstr(e2.msg, "fast.txt:3: expected 7 fields like the first flow line, found "
                             "more than 7") != NULL,
              "%s", e2.msg);
    CHECK(m3_flows_read(write_text("fast.txt", "2\n1 2 3 100 1000 0\n1 2 3 100 1000 1 9\n"), NULL,
                        &fc, &e2) == -1);
    CHECK_MSG(strstr(e2.msg, "fast.txt:3: expected 6 fields like the first flow line, found 7") !=
                  NULL,
              "%s", e2.msg);
    /* on a topology: a switch or an unknown node as an endpoint */
    m3_error err;
    m3_topology *t = m3_topology_parking_lot(4, 10e9, 40e9, 40e9, 1000, &err);
    static const char *on_topo[] = {"5 0 3 3 100 1000 1", "5 0 4 3 100 1000 1",
                                    "5 0 9 3 100 1000 1", "5 6 1 3 100 1000 1"};
    for (size_t i = 0; i < sizeof on_topo / sizeof on_topo[0]; i++) {
        char a[128], b[128];
        snprintf(a, sizeof a, "1\n%s\n", on_topo[i]);
        snprintf(b, sizeof b, "2\n0 1 2 3 100 1000 0\n%s\n", on_topo[i]);
        m3_flows fa, fb;
        int ra = m3_flows_read(write_text("general.txt", a), t, &fa, &e1);
        int rb = m3_flows_read(write_text("fast.txt", b), t, &fb, &e2);
        CHECK_MSG(ra == rb, "on the topology \"%s\": %d vs %d", on_topo[i], ra, rb);
        m3_flows_free(&fa);
        m3_flows_free(&fb);
    }
    m3_topology_free(t);
}

/* ---- printf-free formatting ---- */

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static int same_as_printf(double v, int d)
{
    char a[400], b[400];
    snprintf(a, sizeof a, "%.*f", d, v);
    char *e = m3_format_fixed(b, v, d);
    *e = '\0';
    return !strcmp(a, b);
}

static void test_format(void)
{
    /* ties go to even, as printf's */
    static const struct {
        double v;
        int d;
        const char *want;
    } ties[] = {{0.5, 0, "0"},        {1.5, 0, "2"},
                {2.5, 0, "2"},        {0.0625, 3, "0.062"},
                {0.1875, 3, "0.188"}, {1.0 / 1024, 9, "0.000976562"},
                {-0.5, 0, "-0"},      {-0.0, 3, "-0.000"},
                {1e300, 0, NULL},     {123456.7890625, 6, "123456.789062"}};
    for (size_t i = 0; i < sizeof ties / sizeof ties[0]; i++) {
        char b[400];
        char *e = m3_format_fixed(b, ties[i].v, ties[i].d);
        *e = '\0';
        if (ties[i].want)
            CHECK_MSG(!strcmp(b, ties[i].want), "%.17g %%.%df: %s, want %s", ties[i].v, ties[i].d,
                      b, ties[i].want);
        CHECK_MSG(same_as_printf(ties[i].v, ties[i].d), "%.17g %%.%df differs from printf",
                  ties[i].v, ties[i].d);
    }
    static const double odd[] = {0.0, 1e-320, 4.9e-324, 1e21, 9007199254740993.0, 1e22, 1e23};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
        for (int d = 0; d <= 9; d++)
            CHECK_MSG(same_as_printf(odd[i], d), "%.17g %%.%df differs from printf", odd[i], d);
    double inf = 1.0 / 0.0, nan = inf - inf;
    CHECK(same_as_printf(inf, 3) && same_as_printf(-inf, 3) && same_as_printf(nan, 3));
    /* random bit patterns, values of FCT magnitude, and dyadic values
     * (which make exact ties) */
    uint64_t s = 99;
    size_t bad = 0;
    for (int k = 0; k < 300000; k++) {
        uint64_t bits = rnd(&s);
        double v;
        if (k % 3 == 0)
            memcpy(&v, &bits, sizeof v);
        else if (k % 3 == 1)
            v = (double)(bits % 100000000000ull) / (double)((bits >> 40) % 1000 + 1);
        else
            v = ldexp((double)(bits >> 11), -(int)(bits % 70));
        bad += !same_as_printf(v, (int)(rnd(&s) % 10));
    }
    CHECK_MSG(bad == 0, "%zu of 300000 values differ from printf", bad);
    char b[32];
    static const uint64_t us[] = {0, 7, 10, 4294967295u, 18446744073709551615ull};
    for (size_t i = 0; i < sizeof us / sizeof us[0]; i++) {
        char a[32];
        snprintf(a, sizeof a, "%llu", (unsigned long long)us[i]);
        *m3_format_u64(b, us[i]) = '\0';
        CHECK(!strcmp(a, b));
    }
}

/* Flows written and read back are the same flows. */
static void test_round_trip(void)
{
    m3_error err;
    m3_topology *t = m3_topology_fat_tree_m3(2, 4, 2, 1, 10e9, 40e9, 1000, &err);
    m3_routing *r = m3_routing_new(t, &err);
    m3_size_dist *d = m3_size_dist_builtin("cache", &err);
    m3_workload_spec w;
    memset(&w, 0, sizeof w);
    w.sizes = d;
    w.load = 0.6;
    w.num_flows = 20000;
    w.seed = 4;
    m3_flows f, g;
    m3_flows_init(&f);
    CHECK(m3_workload_generate(t, r, &w, &f, &err) == 0);
    const char *p = tmp_path("round.txt");
    CHECK(m3_flows_write(&f, p, &err) == 0);
    CHECK_MSG(m3_flows_read_routed(p, r, &g, &err) == 0, "%s", err.msg);
    CHECK(m3_flows_equal(&f, &g));
    m3_flows_free(&f);
    m3_flows_free(&g);
    m3_size_dist_free(d);
    m3_routing_free(r);
    m3_topology_free(t);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/m3-test-io-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        fprintf(stderr, "test-io: no temporary directory\n");
        return 1;
    }
    test_reader_layout();
    test_reader_errors();
    test_fast_path_equals_general();
    test_format();
    test_round_trip();
    static const char *names[] = {"layout.txt",  "blocks.txt",  "nul.txt",
                                  "longest.txt", "toolong.txt", "toolong-nul.txt",
                                  "general.txt", "fast.txt",    "round.txt"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        remove(tmp_path(names[i]));
    rmdir(tmpdir);
    return check_finish("test-io");
}

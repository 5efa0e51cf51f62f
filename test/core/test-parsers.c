/* SPDX-License-Identifier: GPL-2.0-only */
/* test-parsers.c - the topology, flow and config readers and writers:
 * round trips, both flow forms, exact start-time rounding, error messages
 * (file, line, what), atomic writes, sport assignment, validation.
 * Runs with test/core as the working directory (fixtures in data/). */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, rmdir */

#include "check.h"
#include "m3.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[64];

/* Path of a scratch file in the test's temporary directory. */
static const char *tmp_path(const char *name)
{
    static char buf[8][256];
    static int next;
    char *p = buf[next++ % 8];
    snprintf(p, 256, "%s/%s", tmpdir, name);
    return p;
}

static const char *write_tmp(const char *name, const char *text)
{
    const char *p = tmp_path(name);
    FILE *fp = fopen(p, "w");
    if (fp) {
        fputs(text, fp);
        fclose(fp);
    }
    return p;
}

static int file_exists(const char *p)
{
    FILE *fp = fopen(p, "r");
    if (fp)
        fclose(fp);
    return fp != NULL;
}

/* Reads a whole small file into buf; returns its length or -1. */
static long slurp(const char *p, char *buf, size_t cap)
{
    FILE *fp = fopen(p, "r");
    if (!fp)
        return -1;
    size_t n = fread(buf, 1, cap - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    return (long)n;
}

/* The error must name "<file>:<line>:" and contain `what`. */
#define CHECK_ERR(err, where, what)                                                                \
    do {                                                                                           \
        CHECK_MSG(strstr((err).msg, where) != NULL, "want \"%s\" in \"%s\"", where, (err).msg);    \
        CHECK_MSG(strstr((err).msg, what) != NULL, "want \"%s\" in \"%s\"", what, (err).msg);      \
    } while (0)

static int same_topology(const m3_topology *a, const m3_topology *b)
{
    if (m3_topology_num_nodes(a) != m3_topology_num_nodes(b) ||
        m3_topology_num_links(a) != m3_topology_num_links(b))
        return 0;
    for (uint32_t v = 0; v < m3_topology_num_nodes(a); v++)
        if (m3_topology_is_switch(a, v) != m3_topology_is_switch(b, v))
            return 0;
    for (uint32_t i = 0; i < m3_topology_num_links(a); i++) {
        const m3_link *x = m3_topology_link(a, i), *y = m3_topology_link(b, i);
        if (x->a != y->a || x->b != y->b || x->rate_bps != y->rate_bps ||
            x->delay_ns != y->delay_ns || x->error_rate != y->error_rate)
            return 0;
    }
    return 1;
}

static int same_config(const m3_config *a, const m3_config *b)
{
    return a->cc == b->cc && a->buffer_kb == b->buffer_kb && a->window_bytes == b->window_bytes &&
           a->pfc == b->pfc && a->mtu == b->mtu && a->dctcp_k_kb == b->dctcp_k_kb &&
           a->dcqcn_kmin_kb == b->dcqcn_kmin_kb && a->dcqcn_kmax_kb == b->dcqcn_kmax_kb &&
           a->hpcc_eta == b->hpcc_eta && a->hpcc_ai_mbps == b->hpcc_ai_mbps &&
           a->timely_tlow_us == b->timely_tlow_us && a->timely_thigh_us == b->timely_thigh_us &&
           a->base_rtt_us == b->base_rtt_us && a->nic_rate_gbps == b->nic_rate_gbps &&
           a->seed == b->seed;
}

/* ------------------------------------------------------------- topology */

static void test_topology_read_good(void)
{
    m3_error err = {{0}};
    m3_topology *t = m3_topology_read("data/topo-good.txt", &err);
    CHECK_MSG(t != NULL, "%s", err.msg);
    if (!t)
        return;
    CHECK(m3_topology_num_nodes(t) == 4);
    CHECK(m3_topology_num_links(t) == 3);
    CHECK(m3_topology_is_switch(t, 3) && !m3_topology_is_switch(t, 0));
    CHECK(m3_topology_num_hosts(t) == 3 && m3_topology_host(t, 2) == 2);
    const m3_link *l0 = m3_topology_link(t, 0), *l1 = m3_topology_link(t, 1),
                  *l2 = m3_topology_link(t, 2);
    CHECK(l0->a == 0 && l0->b == 3 && l0->rate_bps == 10e9 && l0->delay_ns == 1000);
    CHECK(l1->a == 3 && l1->b == 2 && l1->rate_bps == 40e9 && l1->delay_ns == 1000);
    CHECK(l1->error_rate == 0.001);
    CHECK(l2->rate_bps == 100e6 && l2->delay_ns == 1000); /* 0.001ms */
    CHECK(m3_topology_degree(t, 3) == 3);
    double worst = -1;
    CHECK(m3_topology_lossy_links(t, &worst) == 1 && worst == 0.001);
    CHECK(m3_topology_lossy_links(t, NULL) == 1);

    /* read -> write -> read gives the same topology and the same text */
    const char *p1 = tmp_path("topo1.txt"), *p2 = tmp_path("topo2.txt");
    CHECK_MSG(m3_topology_write(t, p1, &err) == 0, "%s", err.msg);
    m3_topology *u = m3_topology_read(p1, &err);
    CHECK_MSG(u && same_topology(t, u), "%s", err.msg);
    if (u)
        CHECK(m3_topology_write(u, p2, &err) == 0);
    char a[1024], b[1024];
    CHECK(slurp(p1, a, sizeof a) > 0 && slurp(p2, b, sizeof b) > 0 && !strcmp(a, b));
    CHECK(strstr(a, "0 3 10Gbps 1000ns 0\n") != NULL);
    CHECK(strstr(a, "3 2 40Gbps 1000ns 0.001\n") != NULL);
    CHECK(strstr(a, "1 3 100Mbps 1000ns 0\n") != NULL);
    CHECK(!file_exists(tmp_path("topo1.txt.tmp")));
    m3_topology_free(u);
    m3_topology_free(t);

    /* no switches: the switch line may be absent */
    t = m3_topology_read("data/topo-noswitch.txt", &err);
    CHECK_MSG(t && m3_topology_num_hosts(t) == 2, "%s", err.msg);
    if (t) {
        CHECK(m3_topology_link(t, 0)->rate_bps == 25e9 &&
              m3_topology_link(t, 0)->error_rate == 0.5);
        double worst = -1;
        CHECK(m3_topology_lossy_links(t, &worst) == m3_topology_num_links(t) && worst == 0.5);
        m3_topology_free(t);
    }
}

static void test_topology_roundtrip_builtin(void)
{
    m3_error err;
    /* odd rates must survive the text form bit for bit */
    m3_topology *t = m3_topology_parking_lot(5, 10e9, 40e9, 1e10 / 3, 1500, &err);
    CHECK_MSG(t != NULL, "%s", err.msg);
    if (!t)
        return;
    m3_link odd = {0, 5, 12.5e9, 7, 1e-7};
    CHECK(m3_topology_add_link(t, &odd, &err) >= 0);
    const char *p = tmp_path("lot.txt");
    CHECK(m3_topology_write(t, p, &err) == 0);
    m3_topology *u = m3_topology_read(p, &err);
    CHECK_MSG(u && same_topology(t, u), "%s", u ? "differs" : err.msg);
    m3_topology_free(u);
    m3_topology_free(t);

    t = m3_topology_fat_tree_k(4, 10e9, 40e9, 1000, &err);
    CHECK(t != NULL);
    if (!t)
        return;
    CHECK(m3_topology_write(t, p, &err) == 0);
    u = m3_topology_read(p, &err);
    CHECK_MSG(u && same_topology(t, u), "%s", u ? "differs" : err.msg);
    CHECK(u && m3_topology_num_hosts(u) == 16);
    m3_topology_free(u);
    m3_topology_free(t);
}

static void test_topology_errors(void)
{
    static const struct {
        const char *file, *where, *what;
    } cases[] = {
        {"data/bad-rate.txt", "bad-rate.txt:4:", "link 2: rate \"10Gbs\" is not a rate"},
        {"data/topo-bad-tokens.txt", "topo-bad-tokens.txt:5:", "expected 5 fields"},
        {"data/topo-bad-node.txt", "topo-bad-node.txt:4:", "endpoint \"3\" is not a node id"},
        {"data/topo-dup-switch.txt", "topo-dup-switch.txt:2:", "duplicate switch id 3"},
        {"data/topo-self-loop.txt", "topo-self-loop.txt:5:", "joins node 2 to itself"},
        {"data/topo-few-links.txt", "topo-few-links.txt:4:", "after 2 of the 3 declared links"},
        {"data/topo-extra-line.txt", "topo-extra-line.txt:6:", "unexpected line"},
        {"data/topo-lonely-host.txt", "topo-lonely-host.txt:2:", "node 2 is a host"},
        {"data/topo-bad-delay.txt", "topo-bad-delay.txt:4:", "delay \"1\""},
        {"data/topo-bad-error.txt", "topo-bad-error.txt:3:", "error rate \"1.5\""},
        {"data/no-such-file.txt", "no-such-file.txt", "cannot open"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        m3_error err = {{0}};
        m3_topology *t = m3_topology_read(cases[i].file, &err);
        CHECK_MSG(t == NULL, "%s was accepted", cases[i].file);
        m3_topology_free(t);
        CHECK_ERR(err, cases[i].where, cases[i].what);
    }
    /* header problems, written on the fly */
    static const struct {
        const char *text, *what;
    } hdr[] = {
        {"", "empty file"},
        {"3 1\n", "expected 3 numbers"},
        {"3 4 0\n", "exceeds node count"},
        {"0 0 0\n", "node count 0"},
        {"3 x 1\n", "switch count \"x\""},
        {"3 2 1\n2\n0 2 1Gbps 1us 0\n", "1 switch ids, but the header declares 2"},
        {"3 1 1\n1 2\n0 2 1Gbps 1us 0\n", "more than the 1 declared"},
        {"3 1 1\n7\n0 2 1Gbps 1us 0\n", "\"7\" is not a node id"},
    };
    for (size_t i = 0; i < sizeof hdr / sizeof hdr[0]; i++) {
        m3_error err = {{0}};
        const char *p = write_tmp("hdr.txt", hdr[i].text);
        m3_topology *t = m3_topology_read(p, &err);
        CHECK_MSG(t == NULL, "header case %zu accepted", i);
        m3_topology_free(t);
        CHECK_ERR(err, "hdr.txt:", hdr[i].what);
    }
}

/* ---------------------------------------------------------------- flows */

static void test_flows_forms(void)
{
    m3_error err = {{0}};
    m3_topology *t = m3_topology_read("data/topo-good.txt", &err);
    CHECK(t != NULL);
    m3_flows f7, f6;
    CHECK_MSG(m3_flows_read("data/flows-7.txt", t, &f7, &err) == 0, "%s", err.msg);
    CHECK_MSG(m3_flows_read("data/flows-6.txt", t, &f6, &err) == 0, "%s", err.msg);
    CHECK(f7.n == 4 && f6.n == 4);
    if (f7.n == 4 && f6.n == 4) {
        static const uint64_t start[4] = {2000000000u, 2000000002u, 2100000000u, 3000000000u};
        static const uint32_t sport[4] = {10000, 10000, 10001, 10002};
        for (int i = 0; i < 4; i++) {
            CHECK(f7.v[i].id == 10u + (uint64_t)i);
            CHECK(f6.v[i].id == (uint64_t)i);
            CHECK(f7.v[i].start_ns == start[i] && f6.v[i].start_ns == start[i]);
            CHECK(f7.v[i].sport == sport[i] && f6.v[i].sport == sport[i]);
            CHECK(f7.v[i].src == f6.v[i].src && f7.v[i].dst == f6.v[i].dst);
            CHECK(f7.v[i].size == f6.v[i].size && f7.v[i].pg == 3 && f7.v[i].dport == 100);
        }
        CHECK(f7.v[1].src == 1 && f7.v[1].dst == 2 && f7.v[1].size == 50000);
        CHECK(f7.v[3].size == 123456789u);
    }

    /* write -> read gives the same flows; starts are exact 9-decimal text */
    const char *p = tmp_path("flows.txt");
    CHECK(m3_flows_write(&f7, p, &err) == 0);
    char text[1024];
    CHECK(slurp(p, text, sizeof text) > 0);
    CHECK(strstr(text, "4\n10 0 2 3 100 1000 2.000000000\n") == text);
    CHECK(strstr(text, "11 1 2 3 100 50000 2.000000002\n") != NULL);
    CHECK(strstr(text, "13 0 2 3 100 123456789 3.000000000\n") != NULL);
    m3_flows back;
    CHECK_MSG(m3_flows_read(p, t, &back, &err) == 0, "%s", err.msg);
    CHECK(m3_flows_equal(&f7, &back));
    m3_flows_free(&back);
    m3_flows_free(&f7);
    m3_flows_free(&f6);

    /* without a topology any distinct node ids are allowed */
    CHECK_MSG(m3_flows_read("data/flows-switch.txt", NULL, &back, &err) == 0, "%s", err.msg);
    CHECK(back.n == 2 && back.v[1].src == 3);
    m3_flows_free(&back);
    m3_topology_free(t);
}

static void test_flows_rounding(void)
{
    static const struct {
        const char *s;
        uint64_t ns;
    } cases[] = {
        {"0.0000000015", 2}, /* half up on the 10th digit */
        {"0.0000000014999", 1},
        {"0.0000000005", 1},
        {"0.0000000004999999", 0},
        {"1.0000000004", 1000000000u},
        {"0.1", 100000000u}, /* exact, no binary fraction error */
        {"0.3", 300000000u},
        {"2.000001234", 2000001234u},
        {"12345.678901234", 12345678901234u},
        {"12345.6789012345", 12345678901235u},
        {"5", 5000000000u},
        {"5.", 5000000000u},
        {".5", 500000000u},
        {"0.9999999999", 1000000000u}, /* carries into the seconds */
        {"1e-6", 1000},
        {"2.5E-3", 2500000u},
        {"1.5e0", 1500000000u},
        {"-0", 0},
    };
    size_t n = sizeof cases / sizeof cases[0];
    /* the cases are not sorted: read them one file each */
    for (size_t i = 0; i < n; i++) {
        char one[128];
        snprintf(one, sizeof one, "1\n0 1 3 100 10 %s\n", cases[i].s);
        m3_flows f;
        m3_error err = {{0}};
        const char *p = write_tmp("round.txt", one);
        CHECK_MSG(m3_flows_read(p, NULL, &f, &err) == 0, "%s: %s", cases[i].s, err.msg);
        CHECK_MSG(f.n == 1 && f.v[0].start_ns == cases[i].ns, "%s -> %llu, want %llu", cases[i].s,
                  f.n ? (unsigned long long)f.v[0].start_ns : 0ull,
                  (unsigned long long)cases[i].ns);
        m3_flows_free(&f);
    }
    /* bad start texts */
    static const char *bad[] = {"1.5s",
                                "1..5",
                                ".",
                                "",
                                "abc",
                                "1e",
                                "nan",
                                "inf",
                                "0x10",
                                "1.2.3",
                                "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char one[128];
        snprintf(one, sizeof one, "1\n0 1 3 100 10 %s\n", bad[i]);
        m3_flows f;
        m3_error err = {{0}};
        const char *p = write_tmp("badstart.txt", one);
        CHECK_MSG(m3_flows_read(p, NULL, &f, &err) != 0, "start \"%s\" accepted", bad[i]);
        CHECK(f.n == 0 && f.v == NULL);
        CHECK_MSG(strstr(err.msg, "badstart.txt:2:") != NULL, "%s", err.msg);
    }
}

static void test_flows_errors(void)
{
    static const struct {
        const char *file, *where, *what;
    } cases[] = {
        {"data/flows-unsorted.txt", "flows-unsorted.txt:4:", "start time goes back"},
        {"data/flows-mixed.txt", "flows-mixed.txt:3:", "expected 7 fields"},
        {"data/flows-size0.txt", "flows-size0.txt:4:", "size is 0"},
        {"data/flows-same.txt", "flows-same.txt:2:", "same node 1"},
        {"data/flows-switch.txt", "flows-switch.txt:3:", "src 3 is a switch"},
        {"data/flows-range.txt", "flows-range.txt:2:", "dst \"9\" is not a node id (0..3)"},
        {"data/flows-short.txt", "flows-short.txt:3:", "after 2 of the 3 declared flows"},
        {"data/flows-long.txt", "flows-long.txt:3:", "unexpected line"},
        {"data/flows-negative.txt", "flows-negative.txt:2:", "negative"},
        {"data/flows-badstart.txt", "flows-badstart.txt:2:", "\"1.5s\" is not a time"},
        {"data/flows-badcount.txt", "flows-badcount.txt:1:", "flow count"},
    };
    m3_error err = {{0}};
    m3_topology *t = m3_topology_read("data/topo-good.txt", &err);
    CHECK(t != NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        m3_flows f;
        memset(&err, 0, sizeof err);
        CHECK_MSG(m3_flows_read(cases[i].file, t, &f, &err) != 0, "%s accepted", cases[i].file);
        CHECK_MSG(f.n == 0 && f.v == NULL, "%s: flows left behind", cases[i].file);
        CHECK_ERR(err, cases[i].where, cases[i].what);
    }
    static const struct {
        const char *text, *what;
    } more[] = {
        {"1\n0 1 3 100 10\n", "found 5"},          {"1\n0 0 1 3 100 10 1 9\n", "found more than 7"},
        {"1\n0 1 9 100 10 1\n", "priority group"}, {"1\n0 1 3 70000 10 1\n", "dport"},
        {"1\n0 1 3 100 -5 1\n", "size \"-5\""},    {"1\nx 0 1 3 100 10 1\n", "flow id \"x\""},
        {"1\n-1 0 3 100 10 1\n", "src \"-1\""},    {"", "empty file"},
    };
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) {
        m3_flows f;
        memset(&err, 0, sizeof err);
        const char *p = write_tmp("more.txt", more[i].text);
        CHECK_MSG(m3_flows_read(p, t, &f, &err) != 0, "case %zu accepted", i);
        CHECK_ERR(err, "more.txt:", more[i].what);
    }
    m3_topology_free(t);
}

static void test_sports(void)
{
    m3_error err;
    m3_flows f;
    m3_flows_init(&f);
    /* two sources interleaved, then one source past the 16-bit port space */
    m3_flow fl = {0};
    fl.dst = 1000000;
    for (int i = 0; i < 6; i++) {
        fl.src = (i % 2) ? 4000000000u : 7;
        CHECK(m3_flows_push(&f, &fl, &err) == 0);
    }
    m3_flows_assign_sports(&f);
    CHECK(f.v[0].sport == 10000 && f.v[2].sport == 10001 && f.v[4].sport == 10002);
    CHECK(f.v[1].sport == 10000 && f.v[3].sport == 10001 && f.v[5].sport == 10002);
    m3_flows_free(&f);
    CHECK(f.n == 0 && f.v == NULL);

    fl.src = 3;
    int ok = 1;
    for (int i = 0; i < 55537 && ok; i++)
        ok = m3_flows_push(&f, &fl, &err) == 0;
    CHECK(ok);
    m3_flows_assign_sports(&f);
    CHECK(f.n == 55537);
    CHECK(f.v[55535].sport == 65535); /* the last port */
    CHECK(f.v[55536].sport == 10000); /* wraps */
    m3_flows_free(&f);
}

static void test_atomic_writes(void)
{
    m3_error err = {{0}};
    const char *p = "no-such-dir-m3/out.txt";
    m3_topology *t = m3_topology_parking_lot(3, 10e9, 40e9, 40e9, 1000, &err);
    CHECK(t != NULL);
    CHECK(t && m3_topology_write(t, p, &err) != 0);
    CHECK(strstr(err.msg, "no-such-dir-m3/out.txt") != NULL);
    m3_topology_free(t);

    m3_flows f;
    m3_flows_init(&f);
    m3_flow fl = {1, 0, 2, 3, 0, 100, 1000, 5};
    CHECK(m3_flows_push(&f, &fl, &err) == 0);
    CHECK(m3_flows_write(&f, p, &err) != 0);
    m3_config c;
    m3_config_default(&c);
    CHECK(m3_config_write(&c, p, &err) != 0);
    CHECK(!file_exists(p) && !file_exists("no-such-dir-m3/out.txt.tmp"));

    /* a write that succeeds leaves no temporary behind */
    const char *q = tmp_path("f.txt");
    CHECK(m3_flows_write(&f, q, &err) == 0);
    CHECK(file_exists(q) && !file_exists(tmp_path("f.txt.tmp")));
    m3_flows_free(&f);

    /* an invalid config is not written at all */
    c.mtu = 5;
    const char *r = tmp_path("bad-cfg.txt");
    CHECK(m3_config_write(&c, r, &err) != 0 && !file_exists(r));
    CHECK(strstr(err.msg, "mtu") != NULL);
}

/* ---------------------------------------------------------------- config */

static void test_config(void)
{
    m3_error err = {{0}};
    m3_config c, d;
    m3_config_default(&c);
    CHECK_MSG(m3_config_validate(&c, &err) == 0, "%s", err.msg);
    CHECK(c.cc == M3_CC_DCTCP && c.pfc == 1 && c.mtu == 1000 && c.buffer_kb == 900);
    CHECK(c.dcqcn_kmin_kb == 14 && c.dcqcn_kmax_kb == 30 && c.hpcc_eta == 0.95);
    CHECK(!strcmp(m3_cc_name(M3_CC_HPCC), "hpcc") && !strcmp(m3_cc_name(M3_CC_TIMELY), "timely"));

    const char *const *keys = m3_config_keys();
    int nk = 0;
    while (keys[nk])
        nk++;
    CHECK(nk == 15);

    CHECK_MSG(m3_config_read("data/cfg-good.txt", &c, &err) == 0, "%s", err.msg);
    CHECK(c.cc == M3_CC_HPCC && c.buffer_kb == 250 && c.window_bytes == 9000 && c.pfc == 0);
    CHECK(c.mtu == 1500 && c.dctcp_k_kb == 8 && c.dcqcn_kmin_kb == 10 && c.dcqcn_kmax_kb == 35);
    CHECK(c.hpcc_eta == 0.8 && c.hpcc_ai_mbps == 600 && c.timely_tlow_us == 45);
    CHECK(c.timely_thigh_us == 140 && c.base_rtt_us == 12.5 && c.seed == 42);

    /* write -> read gives the same values; every key is written */
    c.base_rtt_us = 0.1 + 0.2; /* needs 17 digits */
    c.nic_rate_gbps = 10;
    const char *p = tmp_path("cfg.txt");
    CHECK_MSG(m3_config_write(&c, p, &err) == 0, "%s", err.msg);
    char text[2048];
    CHECK(slurp(p, text, sizeof text) > 0);
    for (int i = 0; keys[i]; i++) {
        char k[64];
        snprintf(k, sizeof k, "\n%s = ", keys[i]);
        CHECK_MSG(strstr(text, k) != NULL, "key %s not written", keys[i]);
    }
    CHECK(strstr(text, "cc = hpcc\n") && strstr(text, "hpcc_eta = 0.8\n"));
    m3_config_default(&d);
    CHECK_MSG(m3_config_read(p, &d, &err) == 0, "%s", err.msg);
    CHECK(same_config(&c, &d));
    CHECK(d.base_rtt_us == 0.1 + 0.2 && d.hpcc_eta == 0.8 && d.seed == 42 && d.pfc == 0);

    /* the setter serves flags too: leading "--", case-insensitive cc */
    m3_config_default(&c);
    CHECK(m3_config_set(&c, "--cc", "TiMeLy", "--cc", &err) == 0 && c.cc == M3_CC_TIMELY);
    CHECK(m3_config_set(&c, "--window_bytes", "0", NULL, &err) == 0 && c.window_bytes == 0);
    CHECK(m3_config_set(&c, "seed", "18446744073709551615", NULL, &err) == 0 &&
          c.seed == UINT64_MAX);
    CHECK(m3_config_set(&c, "--hpcc-eta", "0.9", "--hpcc-eta", &err) != 0);
    CHECK_MSG(strstr(err.msg, "--hpcc-eta: unknown key \"hpcc-eta\" (did you mean \"hpcc_eta\"?)"),
              "%s", err.msg);
    CHECK(m3_config_set(&c, "colour", "red", "x", &err) != 0);
    CHECK_MSG(strstr(err.msg, "unknown key \"colour\" (known keys:") != NULL, "%s", err.msg);
    static const struct {
        const char *key, *value, *what;
    } bad[] = {
        {"pfc", "2", "pfc: \"2\" is not 0 or 1"},
        {"mtu", "63", "mtu: \"63\" is out of range (accepted: integer 64..9000)"},
        {"mtu", "1500.5", "mtu"},
        {"buffer_kb", "0", "buffer_kb: 0 is out of range (accepted: > 0 and at most 1e7 (10 GB))"},
        {"buffer_kb", "nan", "buffer_kb: \"nan\" is not a number"},
        {"window_bytes", "-1", "window_bytes: -1 is out of range"},
        {"hpcc_eta", "0", "hpcc_eta: 0 is out of range (accepted: 0.01..1)"},
        {"hpcc_eta", "1.01", "hpcc_eta: 1.01 is out of range (accepted: 0.01..1)"},
        {"hpcc_eta", "1e-7", "hpcc_eta: 1e-7 is out of range"},
        {"buffer_kb", "1e300", "buffer_kb: 1e300 is out of range"},
        {"base_rtt_us", "1e15", "base_rtt_us: 1e15 is out of range"},
        {"timely_thigh_us", "1e15", "timely_thigh_us: 1e15 is out of range"},
        {"nic_rate_gbps", "1e-300", "nic_rate_gbps: 1e-300 is out of range"},
        {"hpcc_ai_mbps", "0x10", "hpcc_ai_mbps: \"0x10\" is not a number"},
        {"window_bytes", "5e3x", "window_bytes: \"5e3x\" is not a number"},
        {"base_rtt_us", "inf", "base_rtt_us"},
        {"nic_rate_gbps", "-1", "nic_rate_gbps: -1 is out of range"},
        {"nic_rate_gbps", "1e7", "nic_rate_gbps: 1e7 is out of range"},
        {"seed", "-3", "seed"},
        {"cc", "cubic", "accepted: dctcp, hpcc, dcqcn, timely"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        m3_config_default(&c);
        d = c;
        memset(&err, 0, sizeof err);
        CHECK_MSG(m3_config_set(&c, bad[i].key, bad[i].value, "f:9", &err) != 0, "%s=%s accepted",
                  bad[i].key, bad[i].value);
        CHECK_ERR(err, "f:9: ", bad[i].what);
        CHECK(same_config(&c, &d)); /* unchanged */
    }

    /* validation of cross-field and range constraints */
    m3_config_default(&c);
    c.dcqcn_kmin_kb = 40;
    CHECK(m3_config_validate(&c, &err) != 0 && strstr(err.msg, "dcqcn_kmin_kb"));
    m3_config_default(&c);
    c.timely_tlow_us = c.timely_thigh_us;
    CHECK(m3_config_validate(&c, &err) != 0 && strstr(err.msg, "timely_tlow_us"));
    m3_config_default(&c);
    c.buffer_kb = NAN;
    CHECK(m3_config_validate(&c, &err) != 0 && strstr(err.msg, "buffer_kb"));
    m3_config_default(&c);
    c.mtu = 9001;
    CHECK(m3_config_validate(&c, &err) != 0 && strstr(err.msg, "mtu"));
    m3_config_default(&c);
    c.pfc = 2;
    CHECK(m3_config_validate(&c, &err) != 0 && strstr(err.msg, "pfc"));
    m3_config_default(&c);
    c.cc = M3_CC_COUNT;
    CHECK(m3_config_validate(&c, &err) != 0 && strstr(err.msg, "cc"));
}

static void test_config_errors(void)
{
    static const struct {
        const char *file, *where, *what;
    } cases[] = {
        {"data/cfg-typo.txt",
         "cfg-typo.txt:3: ", "unknown key \"bufer_kb\" (did you mean \"buffer_kb\"?)"},
        {"data/cfg-dup.txt", "cfg-dup.txt:3: ", "duplicate key \"mtu\" (first set on line 1)"},
        {"data/cfg-noeq.txt", "cfg-noeq.txt:2: ", "expected \"key = value\""},
        {"data/cfg-badval.txt", "cfg-badval.txt:2: ", "hpcc_eta: 1.5 is out of range"},
        {"data/cfg-kminmax.txt", "cfg-kminmax.txt:3: ", "must not exceed dcqcn_kmax_kb"},
        {"data/cfg-badcc.txt", "cfg-badcc.txt:1: ", "\"reno\" is not a congestion control"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        m3_config c, d;
        m3_config_default(&c);
        d = c;
        m3_error err = {{0}};
        CHECK_MSG(m3_config_read(cases[i].file, &c, &err) != 0, "%s accepted", cases[i].file);
        CHECK_ERR(err, cases[i].where, cases[i].what);
        CHECK(same_config(&c, &d)); /* a failed read changes nothing */
    }
    static const struct {
        const char *text, *what;
    } more[] = {
        {"= 5\n", "more.cfg:1: expected one key before '='"},
        {"mtu =\n", "more.cfg:1: mtu: expected one value after '='"},
        {"mtu = 1 000\n", "more.cfg:1: mtu: expected one value"},
        {"# only kmin, the default kmax (30) is below it\n\ndcqcn_kmin_kb = 31\n",
         "more.cfg:3: dcqcn_kmin_kb (31) must not exceed"},
        {"timely_thigh_us = 20\n", "more.cfg:1: timely_tlow_us (50) must be below"},
    };
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) {
        m3_config c;
        m3_config_default(&c);
        m3_error err = {{0}};
        const char *p = write_tmp("more.cfg", more[i].text);
        CHECK_MSG(m3_config_read(p, &c, &err) != 0, "case %zu accepted", i);
        CHECK_MSG(strstr(err.msg, more[i].what) != NULL, "want \"%s\" in \"%s\"", more[i].what,
                  err.msg);
    }
    /* a file of only comments and "--key" spellings is fine */
    m3_config c;
    m3_config_default(&c);
    m3_error err = {{0}};
    const char *p = write_tmp("flags.cfg", "# nothing\n--pfc = 0\n");
    CHECK_MSG(m3_config_read(p, &c, &err) == 0 && c.pfc == 0, "%s", err.msg);
}

static void test_scenario(void)
{
    m3_scenario s;
    m3_error err;
    m3_scenario_init(&s);
    CHECK(s.topo == NULL && s.flows.n == 0 && s.config.mtu == 1000);
    s.topo = m3_topology_read("data/topo-good.txt", &err);
    CHECK(s.topo != NULL);
    CHECK(m3_flows_read("data/flows-7.txt", s.topo, &s.flows, &err) == 0);
    m3_scenario_free(&s);
    CHECK(s.topo == NULL && s.flows.v == NULL);
    m3_scenario_free(&s); /* twice is harmless */
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/m3-test-parsers-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_topology_read_good();
    test_topology_roundtrip_builtin();
    test_topology_errors();
    test_flows_forms();
    test_flows_rounding();
    test_flows_errors();
    test_sports();
    test_atomic_writes();
    test_config();
    test_config_errors();
    test_scenario();

    static const char *made[] = {"topo1.txt", "topo2.txt", "hdr.txt",      "lot.txt",
                                 "flows.txt", "round.txt", "badstart.txt", "more.txt",
                                 "f.txt",     "cfg.txt",   "more.cfg",     "flags.cfg"};
    for (size_t i = 0; i < sizeof made / sizeof made[0]; i++)
        remove(tmp_path(made[i]));
    if (rmdir(tmpdir))
        fprintf(stderr, "note: %s not empty\n", tmpdir);
    return check_finish("test-parsers");
}

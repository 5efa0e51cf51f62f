/* SPDX-License-Identifier: GPL-2.0-only */
/* config.c - the network configuration: m3's defaults, one setter shared by
 * config files and command-line flags, the `key = value` file format, and
 * validation. */
#include "m3-internal.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Key ids, in m3_config_keys() order. */
enum {
    K_CC,
    K_BUFFER_KB,
    K_WINDOW_BYTES,
    K_PFC,
    K_MTU,
    K_DCTCP_K_KB,
    K_DCQCN_KMIN_KB,
    K_DCQCN_KMAX_KB,
    K_HPCC_ETA,
    K_HPCC_AI_MBPS,
    K_TIMELY_TLOW_US,
    K_TIMELY_THIGH_US,
    K_BASE_RTT_US,
    K_NIC_RATE_GBPS,
    K_SEED,
    K_COUNT
};

static const char *const key_names[K_COUNT + 1] = {
    "cc",          "buffer_kb",     "window_bytes",   "pfc",
    "mtu",         "dctcp_k_kb",    "dcqcn_kmin_kb",  "dcqcn_kmax_kb",
    "hpcc_eta",    "hpcc_ai_mbps",  "timely_tlow_us", "timely_thigh_us",
    "base_rtt_us", "nic_rate_gbps", "seed",           NULL,
};

static const char *const cc_names[M3_CC_COUNT] = {"dctcp", "hpcc", "dcqcn", "timely"};

const char *const *m3_config_keys(void) { return key_names; }

const char *m3_cc_name(m3_cc cc) { return (unsigned)cc < M3_CC_COUNT ? cc_names[cc] : "unknown"; }

/* Defaults: the middle of m3's training ranges (m3-method.md section 7). */
void m3_config_default(m3_config *c)
{
    memset(c, 0, sizeof *c);
    c->cc = M3_CC_DCTCP;
    /* m3 used 400 KB; on m3's 256-host fat-tree a 32-port fabric switch
     * needs 683 KB of PFC headroom and reserve alone, so 400 KB pauses on
     * every packet. 900 KB leaves every switch of that fat-tree a shared
     * pool of 217-857 KB, inside the model's training range (doc/m3.rst). */
    c->buffer_kb = 900;
    c->window_bytes = 18000; /* about one BDP of m3's paths */
    c->pfc = 1;
    c->mtu = M3_MTU_DEFAULT;
    c->dctcp_k_kb = 12;    /* at 10 Gbps */
    c->dcqcn_kmin_kb = 14; /* 0.4 x 35, the middle of 0.4 x U(20, 50) */
    c->dcqcn_kmax_kb = 30; /* 0.4 x 75, the middle of 0.4 x U(50, 100) */
    c->hpcc_eta = 0.95;
    c->hpcc_ai_mbps = 750;
    c->timely_tlow_us = 50;
    c->timely_thigh_us = 125;
    c->base_rtt_us = 14.4;
    c->nic_rate_gbps = 0; /* the host link rate */
    c->seed = 1;
}

/* Edit distance, case-insensitive, for "did you mean" suggestions. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return (size_t)-1;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            int same = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]);
            size_t best = diag + !same;
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static int find_key(const char *key)
{
    for (int i = 0; i < K_COUNT; i++)
        if (!strcmp(key, key_names[i]))
            return i;
    return -1;
}

/* The "where: " prefix of messages, empty when there is no location. */
static const char *pre(const char *where) { return where && *where ? where : ""; }
static const char *sep(const char *where) { return where && *where ? ": " : ""; }

static int unknown_key(const char *key, const char *where, m3_error *err)
{
    int best = -1;
    size_t bd = (size_t)-1;
    for (int i = 0; i < K_COUNT; i++) {
        size_t d = edit_distance(key, key_names[i]);
        if (d < bd) {
            bd = d;
            best = i;
        }
    }
    /* Suggest only plausible typos, not any key at all. */
    size_t len = strlen(key);
    if (best >= 0 && bd <= (len < 9 ? 2 : 3))
        return m3_fail(err, "%s%sunknown key \"%s\" (did you mean \"%s\"?)", pre(where), sep(where),
                       key, key_names[best]);
    return m3_fail(err,
                   "%s%sunknown key \"%s\" (known keys: cc buffer_kb window_bytes pfc mtu "
                   "dctcp_k_kb dcqcn_kmin_kb dcqcn_kmax_kb hpcc_eta hpcc_ai_mbps timely_tlow_us "
                   "timely_thigh_us base_rtt_us nic_rate_gbps seed)",
                   pre(where), sep(where), key);
}

/* The ranges of the numeric keys: what the packet mode's models accept
 * and physical sense (buffers up to 10 GB, times from 1 ns to 1 s, rates
 * from 1 Kbps (AI steps) to 1 Tbps). One table for the setter and
 * m3_config_validate. */
typedef struct range {
    int key;
    double lo, hi;
    int lo_strict;
    const char *text;
} range;

#define NIC_RANGE "0 (the host link rate) or 0.001..1e6 Gbps"

static const range ranges[] = {
    {K_BUFFER_KB, 0, 1e7, 1, "> 0 and at most 1e7 (10 GB)"},
    {K_WINDOW_BYTES, 0, 1e9, 0, "0 (no window) to 1e9"},
    {K_DCTCP_K_KB, 0, 1e7, 1, "> 0 and at most 1e7"},
    {K_DCQCN_KMIN_KB, 0, 1e7, 1, "> 0 and at most 1e7"},
    {K_DCQCN_KMAX_KB, 0, 1e7, 1, "> 0 and at most 1e7"},
    {K_HPCC_ETA, 0.01, 1, 0, "0.01..1"},
    {K_HPCC_AI_MBPS, 0.001, 1e6, 0, "0.001..1e6 Mbps"},
    {K_TIMELY_TLOW_US, 0.001, 1e6, 0, "0.001..1e6 us"},
    {K_TIMELY_THIGH_US, 0.001, 1e6, 0, "0.001..1e6 us"},
    {K_BASE_RTT_US, 0.001, 1e6, 0, "0.001..1e6 us"},
};

static const range *range_of(int key)
{
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
        if (ranges[i].key == key)
            return &ranges[i];
    return NULL;
}

static double *double_field(m3_config *c, int key)
{
    switch (key) {
    case K_BUFFER_KB:
        return &c->buffer_kb;
    case K_WINDOW_BYTES:
        return &c->window_bytes;
    case K_DCTCP_K_KB:
        return &c->dctcp_k_kb;
    case K_DCQCN_KMIN_KB:
        return &c->dcqcn_kmin_kb;
    case K_DCQCN_KMAX_KB:
        return &c->dcqcn_kmax_kb;
    case K_HPCC_ETA:
        return &c->hpcc_eta;
    case K_HPCC_AI_MBPS:
        return &c->hpcc_ai_mbps;
    case K_TIMELY_TLOW_US:
        return &c->timely_tlow_us;
    case K_TIMELY_THIGH_US:
        return &c->timely_thigh_us;
    case K_BASE_RTT_US:
        return &c->base_rtt_us;
    case K_NIC_RATE_GBPS:
        return &c->nic_rate_gbps;
    default:
        return NULL;
    }
}

/* Finite double with a lower bound (strict or not) and optional upper. */
static int set_double(double *dst, const char *key, const char *value, double lo, int lo_strict,
                      double hi, const char *range, const char *where, m3_error *err)
{
    double v;
    if (m3_parse_double(value, &v))
        return m3_fail(err, "%s%s%s: \"%s\" is not a number (accepted: %s)", pre(where), sep(where),
                       key, value, range);
    if ((lo_strict ? !(v > lo) : !(v >= lo)) || v > hi)
        return m3_fail(err, "%s%s%s: %s is out of range (accepted: %s)", pre(where), sep(where),
                       key, value, range);
    *dst = v;
    return 0;
}

int m3_config_set(m3_config *c, const char *key, const char *value, const char *where,
                  m3_error *err)
{
    if (!key)
        key = "";
    if (key[0] == '-' && key[1] == '-')
        key += 2;
    int k = find_key(key);
    if (k < 0)
        return unknown_key(key, where, err);
    const char *name = key_names[k];
    if (!value)
        value = "";
    uint64_t u;
    switch (k) {
    case K_CC:
        for (int i = 0; i < M3_CC_COUNT; i++) {
            const char *a = value, *b = cc_names[i];
            while (*a && tolower((unsigned char)*a) == *b)
                a++, b++;
            if (!*a && !*b) {
                c->cc = (m3_cc)i;
                return 0;
            }
        }
        return m3_fail(err,
                       "%s%scc: \"%s\" is not a congestion control (accepted: dctcp, hpcc, "
                       "dcqcn, timely)",
                       pre(where), sep(where), value);
    case K_PFC:
        if (!strcmp(value, "0") || !strcmp(value, "1")) {
            c->pfc = value[0] - '0';
            return 0;
        }
        return m3_fail(err, "%s%spfc: \"%s\" is not 0 or 1", pre(where), sep(where), value);
    case K_MTU:
        if (m3_parse_u64(value, &u) || u < 64 || u > 9000)
            return m3_fail(err, "%s%smtu: \"%s\" is out of range (accepted: integer 64..9000)",
                           pre(where), sep(where), value);
        c->mtu = (uint32_t)u;
        return 0;
    case K_SEED:
        if (m3_parse_u64(value, &u))
            return m3_fail(err,
                           "%s%sseed: \"%s\" is not a non-negative integer (accepted: "
                           "0..18446744073709551615)",
                           pre(where), sep(where), value);
        c->seed = u;
        return 0;
    case K_NIC_RATE_GBPS:
        /* 0 (the host link rate) or a rate in M3_RATE_MIN_BPS..M3_RATE_MAX_BPS */
        {
            double old = c->nic_rate_gbps;
            if (set_double(&c->nic_rate_gbps, name, value, 0, 0, M3_RATE_MAX_BPS / 1e9, NIC_RANGE,
                           where, err))
                return -1;
            if (c->nic_rate_gbps != 0 && c->nic_rate_gbps < M3_RATE_MIN_BPS / 1e9) {
                c->nic_rate_gbps = old;
                return m3_fail(err, "%s%s%s: %s is out of range (accepted: %s)", pre(where),
                               sep(where), name, value, NIC_RANGE);
            }
            return 0;
        }
    default: {
        const range *g = range_of(k);
        return set_double(double_field(c, k), name, value, g->lo, g->lo_strict, g->hi, g->text,
                          where, err);
    }
    }
    return m3_fail(err, "internal error: key %s not handled", name);
}

/* Validation that also says which keys are at fault (k2 = -1 if one), so
 * the file reader can point at the right line. */
static int validate(const m3_config *c, int *k1, int *k2, m3_error *err)
{
    *k1 = *k2 = -1;
    if ((unsigned)c->cc >= M3_CC_COUNT) {
        *k1 = K_CC;
        return m3_fail(err, "cc: %d is not a congestion control", (int)c->cc);
    }
    if (c->pfc != 0 && c->pfc != 1) {
        *k1 = K_PFC;
        return m3_fail(err, "pfc: %d is not 0 or 1", c->pfc);
    }
    if (c->mtu < 64 || c->mtu > 9000) {
        *k1 = K_MTU;
        return m3_fail(err, "mtu: %u is out of range (accepted: 64..9000)", c->mtu);
    }
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        double v = *double_field((m3_config *)c, ranges[i].key);
        int low = ranges[i].lo_strict ? !(v > ranges[i].lo) : !(v >= ranges[i].lo);
        if (!isfinite(v) || low || v > ranges[i].hi) {
            *k1 = ranges[i].key;
            return m3_fail(err, "%s: %.17g is out of range (accepted: %s)",
                           key_names[ranges[i].key], v, ranges[i].text);
        }
    }
    double nic = c->nic_rate_gbps;
    if (!isfinite(nic) ||
        !(nic == 0 || (nic >= M3_RATE_MIN_BPS / 1e9 && nic <= M3_RATE_MAX_BPS / 1e9))) {
        *k1 = K_NIC_RATE_GBPS;
        return m3_fail(err, "nic_rate_gbps: %.17g is out of range (accepted: %s)", nic, NIC_RANGE);
    }
    if (c->dcqcn_kmin_kb > c->dcqcn_kmax_kb) {
        *k1 = K_DCQCN_KMIN_KB;
        *k2 = K_DCQCN_KMAX_KB;
        return m3_fail(err, "dcqcn_kmin_kb (%g) must not exceed dcqcn_kmax_kb (%g)",
                       c->dcqcn_kmin_kb, c->dcqcn_kmax_kb);
    }
    if (!(c->timely_tlow_us < c->timely_thigh_us)) {
        *k1 = K_TIMELY_TLOW_US;
        *k2 = K_TIMELY_THIGH_US;
        return m3_fail(err, "timely_tlow_us (%g) must be below timely_thigh_us (%g)",
                       c->timely_tlow_us, c->timely_thigh_us);
    }
    return 0;
}

int m3_config_validate(const m3_config *c, m3_error *err)
{
    int k1, k2;
    return validate(c, &k1, &k2, err);
}

/* Trims leading and trailing whitespace in place. */
static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

static int has_space(const char *s)
{
    for (; *s; s++)
        if (isspace((unsigned char)*s))
            return 1;
    return 0;
}

int m3_config_read(const char *path, m3_config *c, m3_error *err)
{
    /* Keys the file does not set keep their value in *c, so callers layer
     * defaults, then a file, then flags. *c changes only on success. */
    m3_config tmp = *c;
    size_t seen[K_COUNT] = {0}; /* line where each key was set, 0 = not */
    m3_line_reader lr;
    if (m3_line_reader_open(&lr, path, err))
        return -1;
    char *line;
    int r;
    while ((r = m3_line_reader_next(&lr, &line, err)) > 0) {
        size_t ln = lr.lineno;
        char where[400];
        snprintf(where, sizeof where, "%s:%zu", path, ln);
        char *eq = strchr(line, '=');
        if (!eq) {
            m3_fail(err, "%s: expected \"key = value\", found \"%.60s\"", where, line);
            goto fail;
        }
        *eq = '\0';
        char *key = trim(line), *value = trim(eq + 1);
        if (!*key || has_space(key)) {
            m3_fail(err, "%s: expected one key before '='", where);
            goto fail;
        }
        if (!*value || has_space(value)) {
            m3_fail(err, "%s: %s: expected one value after '='", where, key);
            goto fail;
        }
        int k = find_key(key[0] == '-' && key[1] == '-' ? key + 2 : key);
        if (k >= 0 && seen[k]) {
            m3_fail(err, "%s: duplicate key \"%s\" (first set on line %zu)", where, key_names[k],
                    seen[k]);
            goto fail;
        }
        if (m3_config_set(&tmp, key, value, where, err))
            goto fail;
        seen[k] = ln;
    }
    if (r < 0)
        goto fail;
    int k1, k2;
    m3_error e;
    if (validate(&tmp, &k1, &k2, &e)) {
        /* Blame the later of the offending keys this file set. */
        size_t l1 = k1 >= 0 ? seen[k1] : 0, l2 = k2 >= 0 ? seen[k2] : 0;
        size_t ln = l1 > l2 ? l1 : l2;
        if (ln)
            m3_fail(err, "%s:%zu: %s", path, ln, e.msg);
        else
            m3_fail(err, "%s: %s", path, e.msg);
        goto fail;
    }
    m3_line_reader_close(&lr);
    *c = tmp;
    return 0;
fail:
    m3_line_reader_close(&lr);
    return -1;
}

/* Shortest of %.15g / %.17g that reads back as the same double. */
static void put_double(FILE *fp, const char *key, double v)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.15g", v);
    if (strtod(buf, NULL) != v)
        snprintf(buf, sizeof buf, "%.17g", v);
    fprintf(fp, "%s = %s\n", key, buf);
}

int m3_config_write(const m3_config *c, const char *path, m3_error *err)
{
    /* Never write a file that m3_config_read would reject. */
    if (m3_config_validate(c, err))
        return -1;
    m3_atomic_file af;
    if (m3_atomic_open(&af, path, err))
        return -1;
    FILE *fp = af.fp;
    fprintf(fp, "# m3 network configuration (key = value)\n");
    fprintf(fp, "cc = %s\n", m3_cc_name(c->cc));
    put_double(fp, "buffer_kb", c->buffer_kb);
    put_double(fp, "window_bytes", c->window_bytes);
    fprintf(fp, "pfc = %d\n", c->pfc);
    fprintf(fp, "mtu = %u\n", c->mtu);
    put_double(fp, "dctcp_k_kb", c->dctcp_k_kb);
    put_double(fp, "dcqcn_kmin_kb", c->dcqcn_kmin_kb);
    put_double(fp, "dcqcn_kmax_kb", c->dcqcn_kmax_kb);
    put_double(fp, "hpcc_eta", c->hpcc_eta);
    put_double(fp, "hpcc_ai_mbps", c->hpcc_ai_mbps);
    put_double(fp, "timely_tlow_us", c->timely_tlow_us);
    put_double(fp, "timely_thigh_us", c->timely_thigh_us);
    put_double(fp, "base_rtt_us", c->base_rtt_us);
    put_double(fp, "nic_rate_gbps", c->nic_rate_gbps);
    fprintf(fp, "seed = %" PRIu64 "\n", c->seed);
    return m3_atomic_commit(&af, err);
}

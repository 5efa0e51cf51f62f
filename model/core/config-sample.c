/* SPDX-License-Identifier: GPL-2.0-only */
/* config-sample.c - training configurations (m3-method.md section 7; the
 * buffer range is ours, doc/features.rst says why).
 *
 * Design: the ranges are one static table, one row per sampled key in draw
 * order, and a parallel table says which m3_config field each row sets and
 * which CC owns it (-1: every CC). m3_config_sample takes exactly one
 * gsl_rng_uniform draw per row, in table order, from one mt19937 stream
 * seeded by the seed, whatever CC the first row picks: row i always uses
 * the i-th draw, so adding a CC or a row at the end shifts no existing
 * draw. A row then lands in the configuration only when its CC is the one
 * drawn (or it belongs to every CC); the other CCs' parameters keep their
 * m3_config_default values. Integer rows (cc, pfc) take
 * lo + floor(u (hi - lo + 1)), continuous rows lo + u (hi - lo).
 * Cost: O(rows) time, one generator allocation. */
#include "m3-internal.h" /* m3_rng_new */

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stddef.h>

#define NIC_RATE_GBPS 10.0

static const m3_config_range ranges[] = {
    {"cc", 0, M3_CC_COUNT - 1}, /* index into m3_cc, uniform */
    {"pfc", 0, 1},              /* off / on; forced on for DCQCN */
    {"buffer_kb", 80, 1000},    /* ours: 3-port switch pools ~31..973 KB */
    {"window_bytes", 5000, 30000},
    {"dctcp_k_kb", 5, 20},     /* at 10 Gbps */
    {"dcqcn_kmin_kb", 8, 20},  /* 0.4 x U(20, 50) */
    {"dcqcn_kmax_kb", 20, 40}, /* 0.4 x U(50, 100) */
    {"hpcc_eta", 0.70, 0.95},
    {"hpcc_ai_mbps", 500, 1000},
    {"timely_tlow_us", 40, 60},
    {"timely_thigh_us", 100, 150},
    {NULL, 0, 0},
};

#define NUM_ROWS ((int)(sizeof ranges / sizeof ranges[0]) - 1)

/* Where row i goes. `field` is a double of m3_config; cc and pfc are
 * handled by name (ROW_CC, ROW_PFC). */
enum { ROW_CC = 0, ROW_PFC = 1 };
static const struct {
    size_t field;
    int owner; /* the m3_cc that uses it, -1 for all */
} slots[NUM_ROWS] = {
    {0, -1},
    {0, -1},
    {offsetof(m3_config, buffer_kb), -1},
    {offsetof(m3_config, window_bytes), -1},
    {offsetof(m3_config, dctcp_k_kb), M3_CC_DCTCP},
    {offsetof(m3_config, dcqcn_kmin_kb), M3_CC_DCQCN},
    {offsetof(m3_config, dcqcn_kmax_kb), M3_CC_DCQCN},
    {offsetof(m3_config, hpcc_eta), M3_CC_HPCC},
    {offsetof(m3_config, hpcc_ai_mbps), M3_CC_HPCC},
    {offsetof(m3_config, timely_tlow_us), M3_CC_TIMELY},
    {offsetof(m3_config, timely_thigh_us), M3_CC_TIMELY},
};

_Static_assert(sizeof slots / sizeof slots[0] == NUM_ROWS, "one slot per range row");

const m3_config_range *m3_config_training_ranges(void) { return ranges; }

int m3_config_sample(uint64_t seed, m3_config *c, m3_error *err)
{
    if (!c)
        return m3_fail(err, "config sample: no configuration to fill");
    gsl_rng *r = m3_rng_new(seed, err);
    if (!r)
        return -1;
    double v[NUM_ROWS];
    for (int i = 0; i < NUM_ROWS; i++) {
        double u = gsl_rng_uniform(r), lo = ranges[i].lo, hi = ranges[i].hi;
        if (i == ROW_CC || i == ROW_PFC) {
            double k = lo + floor(u * (hi - lo + 1));
            v[i] = k > hi ? hi : k;
        } else {
            v[i] = lo + u * (hi - lo);
        }
    }
    gsl_rng_free(r);

    m3_config s;
    m3_config_default(&s);
    s.cc = (m3_cc)(int)v[ROW_CC];
    s.pfc = s.cc == M3_CC_DCQCN ? 1 : (int)v[ROW_PFC];
    for (int i = 0; i < NUM_ROWS; i++) {
        if (i == ROW_CC || i == ROW_PFC)
            continue;
        if (slots[i].owner < 0 || slots[i].owner == (int)s.cc)
            *(double *)((char *)&s + slots[i].field) = v[i];
    }
    s.nic_rate_gbps = NIC_RATE_GBPS;
    s.seed = seed;
    if (m3_config_validate(&s, err))
        return -1;
    *c = s;
    return 0;
}

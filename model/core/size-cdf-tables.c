/* SPDX-License-Identifier: GPL-2.0-only */
/* size-cdf-tables.c - the built-in empirical flow-size CDFs.
 *
 * Every table is (bytes, cumulative probability) points, read by us off the
 * published figures. Values read off a plot are approximate: expect a few
 * percent of error in probability and in size at any point, and note that
 * the means are dominated by the last segments (the tails), which a figure
 * pins down least well. Where the community circulates digitisations of
 * the same figure (simulator artifacts of HPCC, Homa, Parsimon/m3) we
 * cross-checked our reading against them. Sampling interpolates linearly
 * between points (size-dist.c). */
#include "workload-internal.h"

#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Web search: Alizadeh et al., "Data Center TCP (DCTCP)", SIGCOMM 2010,
 * Figure 4 (flow-size distribution of the background traffic of the
 * measured web-search cluster), in the tabulated form that pFabric, HPCC
 * and most later work use. The figure's lowest bin is taken to start at
 * 1 KB (not 0) so that no flow is empty. Mean about 1.6 MB. */
static const m3_cdf_point websearch[] = {
    {1000, 0.00},    {10000, 0.15},   {20000, 0.20},    {30000, 0.30},
    {50000, 0.40},   {80000, 0.53},   {200000, 0.60},   {1000000, 0.70},
    {2000000, 0.80}, {5000000, 0.90}, {10000000, 0.97}, {30000000, 1.00},
};

/* Roy et al., "Inside the Social Network's (Datacenter) Network", SIGCOMM
 * 2015, Figure 6 (flow-size CDFs per service; the "all destinations"
 * curves). Hadoop: bimodal, most flows a few hundred bytes, a mode near
 * 50-80 KB and a long tail to ~100 MB. */
static const m3_cdf_point hadoop[] = {
    {50, 0.000},       {100, 0.005},     {250, 0.020},     {300, 0.050},     {330, 0.130},
    {380, 0.170},      {410, 0.210},     {490, 0.270},     {590, 0.330},     {630, 0.460},
    {730, 0.530},      {840, 0.580},     {1300, 0.625},    {1600, 0.665},    {3200, 0.680},
    {6400, 0.700},     {13000, 0.710},   {23000, 0.716},   {40000, 0.740},   {50000, 0.815},
    {72000, 0.835},    {80000, 0.870},   {150000, 0.915},  {265000, 0.950},  {570000, 0.962},
    {1240000, 0.972},  {2000000, 0.984}, {3000000, 0.987}, {4700000, 0.989}, {11000000, 0.991},
    {96000000, 1.000},
};

/* Same paper and figure: Web server. Mostly small (median ~1.5 KB), tail
 * to ~20 MB. */
static const m3_cdf_point webserver[] = {
    {64, 0.000},     {80, 0.009},     {140, 0.012},     {150, 0.087},      {160, 0.097},
    {220, 0.100},    {280, 0.102},    {305, 0.204},     {450, 0.219},      {610, 0.273},
    {780, 0.315},    {1020, 0.362},   {1240, 0.416},    {1320, 0.460},     {1530, 0.520},
    {1870, 0.570},   {2140, 0.628},   {2680, 0.672},    {3580, 0.717},     {5240, 0.756},
    {7330, 0.782},   {11500, 0.812},  {17400, 0.835},   {25700, 0.862},    {38800, 0.882},
    {69500, 0.905},  {102000, 0.922}, {163000, 0.933},  {238000, 0.954},   {329000, 0.974},
    {527000, 0.989}, {834000, 0.992}, {1300000, 0.994}, {19800000, 1.000},
};

/* Same paper and figure: Cache follower. Wide spread: half the flows
 * below ~20 KB, a mode around 2-3 MB. */
static const m3_cdf_point cache[] = {
    {50, 0.000},      {70, 0.006},      {76, 0.029},        {133, 0.032},      {183, 0.045},
    {271, 0.055},     {321, 0.071},     {349, 0.161},       {436, 0.176},      {484, 0.246},
    {561, 0.271},     {651, 0.276},     {731, 0.312},       {913, 0.330},      {1040, 0.336},
    {1320, 0.361},    {2420, 0.396},    {3780, 0.420},      {6160, 0.439},     {11600, 0.467},
    {18900, 0.491},   {31200, 0.517},   {46600, 0.542},     {73500, 0.575},    {114000, 0.609},
    {173000, 0.649},  {233000, 0.691},  {304000, 0.725},    {431000, 0.754},   {695000, 0.775},
    {1120000, 0.785}, {1640000, 0.811}, {1980000, 0.856},   {2300000, 0.897},  {2610000, 0.948},
    {2900000, 0.978}, {4390000, 0.995}, {12500000, 0.9976}, {28400000, 1.000},
};

/* Google RPC sizes: Montazeri et al., "Homa", SIGCOMM 2018, Figure 1,
 * workload W3 (all RPCs of a Google datacenter), read at powers of two.
 * Very small messages dominate (median ~256 B); a thin tail reaches ~15 MB.
 * The probabilities near 1 are given to more digits because the tail holds
 * much of the mean. */
static const m3_cdf_point rpc[] = {
    {1, 0.0},           {3, 0.065},          {32, 0.097},
    {64, 0.155},        {128, 0.352},        {256, 0.498},
    {512, 0.785},       {1024, 0.863},       {2048, 0.909},
    {4096, 0.935},      {8192, 0.964},       {16384, 0.9847},
    {32768, 0.9904},    {65536, 0.9933},     {131072, 0.9971},
    {262144, 0.99845},  {524288, 0.99950},   {1048576, 0.99976},
    {2097152, 0.99989}, {4194304, 0.999954}, {8388608, 0.999985},
    {15000000, 1.0},
};

static const m3_cdf_table tables[] = {
    {"websearch", websearch, N(websearch)},
    {"hadoop", hadoop, N(hadoop)},
    {"webserver", webserver, N(webserver)},
    {"cache", cache, N(cache)},
    {"rpc", rpc, N(rpc)},
};

static const char *const names[] = {"websearch", "hadoop", "webserver", "cache", "rpc", NULL};

const char *const *m3_size_dist_builtin_names(void) { return names; }

const m3_cdf_table *m3_cdf_table_find(const char *name)
{
    for (size_t i = 0; name && i < N(tables); i++)
        if (!strcmp(tables[i].name, name))
            return &tables[i];
    return NULL;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* bench-util.h - the clocks, the default workload and the fatal exit the C
 * benchmarks share (bench-flowsim, bench-m3, bench-scale). A benchmark defines BENCH_NAME
 * (its program name, for messages) before including this header. Header
 * only: each benchmark is one translation unit. */
#ifndef M3_BENCH_UTIL_H
#define M3_BENCH_UTIL_H

#include "m3.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef BENCH_NAME
#error "define BENCH_NAME before including bench-util.h"
#endif

/* Wall-clock seconds (monotonic). */
static inline double bench_wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU seconds of the whole process, all threads, user and system. */
static inline double bench_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* m3's default fat-tree workload, as m3-compare draws it: `sizes` (the
 * web-server distribution), Poisson arrivals, uniform traffic, load 0.5,
 * seed 1. */
static inline m3_workload_spec bench_default_workload(const m3_size_dist *sizes, size_t n)
{
    m3_workload_spec w;
    memset(&w, 0, sizeof w);
    w.sizes = sizes;
    w.arrival = M3_ARRIVAL_POISSON;
    w.tm = M3_TM_UNIFORM;
    w.load = 0.5;
    w.num_flows = n;
    w.seed = 1;
    return w;
}

/* A benchmark cannot go on without its inputs: say what failed, exit 1. */
static inline void bench_die(const char *what, const m3_error *err)
{
    fprintf(stderr, "%s: %s: %s\n", BENCH_NAME, what, err->msg);
    exit(1);
}

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * workload-internal.h - definitions shared by the workload files
 * (size-dist.c, size-cdf-tables.c, workload.c, workload-path.c) and their
 * test. Not public: users of the core see only m3.h.
 */
#ifndef M3_WORKLOAD_INTERNAL_H
#define M3_WORKLOAD_INTERNAL_H

#include "m3-internal.h" /* m3_rng_new */

#include <gsl/gsl_rng.h>

/* One point of an empirical CDF: P(size <= bytes) = prob. */
typedef struct m3_cdf_point {
    double bytes;
    double prob;
} m3_cdf_point;

/* A built-in table (size-cdf-tables.c). */
typedef struct m3_cdf_table {
    const char *name;
    const m3_cdf_point *pts;
    size_t n;
} m3_cdf_table;

/* The built-in table called `name`, or NULL. */
const m3_cdf_table *m3_cdf_table_find(const char *name);

/* One flow size drawn from `d` with `r`. No allocation. */
uint64_t m3_size_dist_draw(const m3_size_dist *d, gsl_rng *r);

/* Bytes on the wire for a flow of `size` payload bytes with the default
 * MTU and header (packet-model.md section 1). */
static inline double m3_wire_bytes(uint64_t size)
{
    uint64_t pkts = (size + M3_MTU_DEFAULT - 1) / M3_MTU_DEFAULT;
    return (double)size + (double)pkts * M3_HEADER_BYTES;
}

/* Arrival gaps with mean 1 (time is rescaled to the load afterwards):
 * exponential, or log-normal with shape `sigma` and mu = -sigma^2/2. */
double m3_unit_gap(m3_arrival_kind kind, double sigma, gsl_rng *r);

/* Sets start times so that `busiest_seconds` (the busiest directed link's
 * bits divided by its rate: the seconds of transmission it carries) equals
 * load x span, span being the time from 0 to the last arrival. `arrivals`
 * holds the f->n unit-rate arrival times (increasing); they are scaled by
 * one factor and rounded to integer ns. */
int m3_set_start_times(m3_flows *f, const double *arrivals, double busiest_seconds, double load,
                       m3_error *err);

#endif

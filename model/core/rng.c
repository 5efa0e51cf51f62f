/* SPDX-License-Identifier: GPL-2.0-only */
/* rng.c - the core's one random stream constructor (m3_rng_new), shared by
 * the workload generators and the configuration sampler so that a seed
 * means the same stream everywhere.
 *
 * Design: GSL's mt19937, seeded with the 64-bit seed folded to the 32 bits
 * mt19937 takes (seed ^ seed >> 32), so seeds that differ only in their
 * high half still give different streams. Cost: one allocation of the
 * generator state (about 2.5 KB) and its seeding, O(624). */
#include "m3-internal.h"

gsl_rng *m3_rng_new(uint64_t seed, m3_error *err)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r) {
        m3_fail(err, "out of memory (random generator)");
        return NULL;
    }
    gsl_rng_set(r, (unsigned long)((seed ^ (seed >> 32)) & 0xffffffffu));
    return r;
}

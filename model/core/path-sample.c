/* SPDX-License-Identifier: GPL-2.0-only */
/* path-sample.c - m3-method.md section 2 step 3: draw paths in proportion
 * to their foreground flows by drawing flows uniformly and taking each
 * one's routed path; keep the distinct paths with their multiplicities.
 * Cost: O(draws log draws) time, no allocation beyond the RNG. */
#include "m3-internal.h"

#include <gsl/gsl_rng.h>
#include <stdlib.h>

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

int m3_sample_paths(const m3_route_index *x, size_t num_flows, uint32_t draws, uint64_t seed,
                    uint32_t *paths, uint32_t *mult, m3_error *err)
{
    if (num_flows == 0)
        return m3_fail(err, "path sampling: the scenario has no flows");
    if (draws == 0)
        return m3_fail(err, "path sampling: 0 draws (need >= 1)");
    if (num_flows > 0xffffffffu)
        return m3_fail(err, "path sampling: %zu flows (at most %u)", num_flows, 0xffffffffu);
    gsl_rng *rng = m3_rng_new(seed, err);
    if (!rng)
        return -1;
    for (uint32_t d = 0; d < draws; d++)
        paths[d] =
            m3_route_index_flow_path(x, (size_t)gsl_rng_uniform_int(rng, (unsigned long)num_flows));
    gsl_rng_free(rng);
    qsort(paths, draws, sizeof *paths, cmp_u32);
    uint32_t k = 0;
    for (uint32_t d = 0; d < draws; d++) {
        if (k && paths[k - 1] == paths[d]) {
            mult[k - 1]++;
        } else {
            paths[k] = paths[d];
            mult[k++] = 1;
        }
    }
    return (int)k;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* fuzz-size-cdf - m3_size_dist_read on any bytes. An accepted CDF must have
 * a finite mean within its sizes and draw sizes of 1 byte .. 1 TB. */
#include "fuzz-input.h"

#include "m3.h"
#include "workload-internal.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    m3_error err;
    m3_size_dist *d = m3_size_dist_read(fuzz_input_path(data, size), &err);
    if (!d) {
        FUZZ_ASSERT(err.msg[0] != '\0', "refused without a message");
        return 0;
    }
    double mean = m3_size_dist_mean(d);
    FUZZ_ASSERT(isfinite(mean) && mean >= 0 && mean <= 1e12, "mean %g", mean);
    gsl_rng *r = m3_rng_new(size, &err);
    FUZZ_ASSERT(r != NULL, "%s", err.msg);
    for (int i = 0; i < 16; i++) {
        uint64_t s = m3_size_dist_draw(d, r);
        FUZZ_ASSERT(s >= 1 && s <= M3_FLOW_MAX_BYTES, "drew %llu", (unsigned long long)s);
    }
    gsl_rng_free(r);
    m3_size_dist_free(d);
    return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* fuzz-numbers - the strict number parsers (m3.h, "numbers in text") and
 * m3_config_set of every key on any text: accepted values are finite and in
 * range, and a count agrees with the double of the same text. */
#include "fuzz-input.h"

#include "m3.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char s[256];
    if (size >= sizeof s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    double d, bps;
    uint64_t u, ns;
    int dok = m3_parse_double(s, &d) == 0;
    if (dok)
        FUZZ_ASSERT(isfinite(d), "%g", d);
    if (m3_parse_count(s, UINT64_MAX, &u) == 0) {
        FUZZ_ASSERT(dok, "count without a number: %s", s);
        FUZZ_ASSERT(fabs((double)u - d) <= 1e-15 * d + 0.5, "%llu vs %.17g", (unsigned long long)u,
                    d);
    }
    if (m3_parse_u64(s, &u) == 0)
        FUZZ_ASSERT(strspn(s, "0123456789") == strlen(s) && s[0] != '\0', "digits: %s", s);
    if (m3_parse_rate(s, &bps) == 0)
        FUZZ_ASSERT(bps >= M3_RATE_MIN_BPS && bps <= M3_RATE_MAX_BPS, "rate %g", bps);
    if (m3_parse_delay(s, &ns) == 0)
        FUZZ_ASSERT(ns <= M3_DELAY_MAX_NS, "delay %llu", (unsigned long long)ns);
    m3_error err;
    for (const char *const *k = m3_config_keys(); *k; k++) {
        m3_config c;
        m3_config_default(&c);
        if (m3_config_set(&c, *k, s, "--fuzz", &err) == 0 && strcmp(*k, "dcqcn_kmin_kb") &&
            strcmp(*k, "dcqcn_kmax_kb") && strcmp(*k, "timely_tlow_us") &&
            strcmp(*k, "timely_thigh_us"))
            FUZZ_ASSERT(m3_config_validate(&c, &err) == 0, "%s=%s: %s", *k, s, err.msg);
    }
    return 0;
}

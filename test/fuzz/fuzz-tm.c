/* SPDX-License-Identifier: GPL-2.0-only */
/* fuzz-tm - m3_tm_read on any bytes; the first byte picks the rack count
 * (1..16). An accepted matrix has finite weights >= 0, not all zero. */
#include "fuzz-input.h"

#include "m3.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint32_t racks = 1 + data[0] % 16;
    double matrix[16 * 16];
    m3_error err;
    if (m3_tm_read(fuzz_input_path(data + 1, size - 1), racks, matrix, &err) != 0) {
        FUZZ_ASSERT(err.msg[0] != '\0', "refused without a message");
        return 0;
    }
    double sum = 0;
    for (uint32_t i = 0; i < racks * racks; i++) {
        FUZZ_ASSERT(isfinite(matrix[i]) && matrix[i] >= 0, "weight %g", matrix[i]);
        sum += matrix[i];
    }
    FUZZ_ASSERT(sum > 0, "all zero accepted");
    return 0;
}

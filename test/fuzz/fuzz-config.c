/* SPDX-License-Identifier: GPL-2.0-only */
/* fuzz-config - m3_config_read on any bytes over the defaults. An accepted
 * configuration must validate, and write and read back to the same values. */
#include "fuzz-input.h"

#include "m3.h"

static int same(const m3_config *a, const m3_config *b)
{
    return a->cc == b->cc && a->buffer_kb == b->buffer_kb && a->window_bytes == b->window_bytes &&
           a->pfc == b->pfc && a->mtu == b->mtu && a->dctcp_k_kb == b->dctcp_k_kb &&
           a->dcqcn_kmin_kb == b->dcqcn_kmin_kb && a->dcqcn_kmax_kb == b->dcqcn_kmax_kb &&
           a->hpcc_eta == b->hpcc_eta && a->hpcc_ai_mbps == b->hpcc_ai_mbps &&
           a->timely_tlow_us == b->timely_tlow_us && a->timely_thigh_us == b->timely_thigh_us &&
           a->base_rtt_us == b->base_rtt_us && a->nic_rate_gbps == b->nic_rate_gbps &&
           a->seed == b->seed;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    m3_error err;
    m3_config c, before;
    m3_config_default(&c);
    before = c;
    if (m3_config_read(fuzz_input_path(data, size), &c, &err) != 0) {
        FUZZ_ASSERT(err.msg[0] != '\0', "refused without a message");
        FUZZ_ASSERT(same(&c, &before), "a refused file changed the configuration");
        return 0;
    }
    FUZZ_ASSERT(m3_config_validate(&c, &err) == 0, "accepted but invalid: %s", err.msg);
    const char *out = fuzz_out_path();
    FUZZ_ASSERT(m3_config_write(&c, out, &err) == 0, "%s", err.msg);
    m3_config d;
    m3_config_default(&d);
    d.cc = M3_CC_TIMELY; /* every key is written: none of these survives */
    d.seed = 12345;
    FUZZ_ASSERT(m3_config_read(out, &d, &err) == 0, "written file refused: %s", err.msg);
    FUZZ_ASSERT(same(&c, &d), "round trip differs");
    return 0;
}

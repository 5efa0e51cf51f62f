/* SPDX-License-Identifier: GPL-2.0-only */
/* fuzz-flows - the flows reader on any bytes: without a topology, on m3's
 * parking lot of 6 positions, and with routes checked. Accepted flows must
 * obey the input rules (m3.h), write and read back identically, and
 * flowSim must finish on the routed ones. */
#include "fuzz-input.h"

#include "m3.h"

static m3_topology *topo;
static m3_routing *routing;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    m3_error err;
    if (!topo) {
        topo = m3_topology_parking_lot(6, 10e9, 40e9, 40e9, 1000, &err);
        routing = topo ? m3_routing_new(topo, &err) : NULL;
        FUZZ_ASSERT(routing != NULL, "%s", err.msg);
    }
    const char *in = fuzz_input_path(data, size);
    m3_flows f;
    if (m3_flows_read(in, NULL, &f, &err) == 0) {
        for (size_t i = 0; i < f.n; i++) {
            const m3_flow *x = &f.v[i];
            FUZZ_ASSERT(x->src != x->dst && x->pg <= 7 && x->dport <= 65535 && x->size >= 1 &&
                            x->size <= M3_FLOW_MAX_BYTES && x->start_ns <= M3_START_MAX_NS &&
                            (i == 0 || x->start_ns >= f.v[i - 1].start_ns),
                        "flow %zu breaks the input rules", i);
        }
        const char *out = fuzz_out_path();
        FUZZ_ASSERT(m3_flows_write(&f, out, &err) == 0, "%s", err.msg);
        m3_flows g;
        FUZZ_ASSERT(m3_flows_read(out, NULL, &g, &err) == 0, "written flows refused: %s", err.msg);
        FUZZ_ASSERT(m3_flows_equal(&f, &g), "round trip differs");
        m3_flows_free(&g);
        m3_flows_free(&f);
    } else {
        FUZZ_ASSERT(err.msg[0] != '\0', "refused without a message");
    }
    if (m3_flows_read_routed(in, routing, &f, &err) == 0) {
        if (f.n > 0 && f.n <= 64) {
            double fct[64];
            m3_flowsim_opts o;
            m3_flowsim_opts_default(&o);
            FUZZ_ASSERT(m3_flowsim_run(topo, routing, &f, &o, fct, &err) == 0, "%s", err.msg);
            for (size_t i = 0; i < f.n; i++)
                FUZZ_ASSERT(fct[i] > 0 && fct[i] < 1e17, "fct %g", fct[i]);
        }
        m3_flows_free(&f);
    }
    return 0;
}

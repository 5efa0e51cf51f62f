/* SPDX-License-Identifier: GPL-2.0-only */
/* fuzz-topology - m3_topology_read on any bytes. A topology it accepts must
 * route (m3_routing_new), and write and read back to the same nodes, switch
 * marks and links (the writer's text is one the reader takes). */
#include "fuzz-input.h"

#include "m3.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    m3_error err;
    m3_topology *t = m3_topology_read(fuzz_input_path(data, size), &err);
    if (!t) {
        FUZZ_ASSERT(err.msg[0] != '\0', "refused without a message");
        return 0;
    }
    m3_routing *r = m3_routing_new(t, &err);
    FUZZ_ASSERT(r != NULL, "%s", err.msg);
    for (uint32_t i = 0; i < m3_topology_num_hosts(t) && i < 4; i++) {
        uint32_t a = m3_topology_host(t, i), b = m3_topology_host(t, 0);
        int d = m3_routing_distance(r, a, b);
        FUZZ_ASSERT(d >= -1 && (a != b || d == 0), "distance %d", d);
    }
    m3_routing_free(r);
    const char *out = fuzz_out_path();
    FUZZ_ASSERT(m3_topology_write(t, out, &err) == 0, "%s", err.msg);
    m3_topology *u = m3_topology_read(out, &err);
    FUZZ_ASSERT(u != NULL, "written topology refused: %s", err.msg);
    FUZZ_ASSERT(m3_topology_num_nodes(u) == m3_topology_num_nodes(t), "nodes");
    FUZZ_ASSERT(m3_topology_num_links(u) == m3_topology_num_links(t), "links");
    for (uint32_t v = 0; v < m3_topology_num_nodes(t); v++)
        FUZZ_ASSERT(m3_topology_is_switch(u, v) == m3_topology_is_switch(t, v), "switch %u", v);
    for (uint32_t i = 0; i < m3_topology_num_links(t); i++) {
        const m3_link *x = m3_topology_link(t, i), *y = m3_topology_link(u, i);
        FUZZ_ASSERT(x->a == y->a && x->b == y->b && x->rate_bps == y->rate_bps &&
                        x->delay_ns == y->delay_ns && x->error_rate == y->error_rate,
                    "link %u: %.17g %.17g", i, x->rate_bps, y->rate_bps);
    }
    m3_topology_free(u);
    m3_topology_free(t);
    return 0;
}

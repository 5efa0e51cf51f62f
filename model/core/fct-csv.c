/* SPDX-License-Identifier: GPL-2.0-only */
/* fct-csv.c - the per-flow result file every mode writes. Lines are
 * formatted in place without printf (m3_format_u64, m3_format_fixed: the
 * same text as "%llu" and "%.3f") into a block buffer; O(flows), one
 * megabyte of buffer. */
#include "m3-internal.h"

#include <stdlib.h>
#include <string.h>

int m3_fct_csv_write(const char *path, const m3_flows *f, const double *fct_ns,
                     const double *ideal_ns, const double *fluid_ns, m3_error *err)
{
    m3_atomic_file af;
    if (m3_atomic_open(&af, path, err))
        return -1;
    m3_out o;
    if (m3_out_open(&o, af.fp, err)) {
        m3_atomic_abort(&af);
        return -1;
    }
    fprintf(af.fp, "id,src,dst,size,start_ns,fct_ns,ideal_ns,slowdown%s\n",
            fluid_ns ? ",fluid_ns" : "");
    for (size_t i = 0; i < f->n; i++) {
        const m3_flow *x = &f->v[i];
        char *p = m3_out_room(&o, 5 * 21 + 4 * (M3_FORMAT_FIXED_MAX + 1) + 1);
        p = m3_format_u64(p, x->id);
        *p++ = ',';
        p = m3_format_u64(p, x->src);
        *p++ = ',';
        p = m3_format_u64(p, x->dst);
        *p++ = ',';
        p = m3_format_u64(p, x->size);
        *p++ = ',';
        p = m3_format_u64(p, x->start_ns);
        *p++ = ',';
        p = m3_format_fixed(p, fct_ns[i], 3);
        *p++ = ',';
        p = m3_format_fixed(p, ideal_ns[i], 3);
        *p++ = ',';
        p = m3_format_fixed(p, m3_slowdown(fct_ns[i], ideal_ns[i]), 6);
        if (fluid_ns) {
            *p++ = ',';
            p = m3_format_fixed(p, fluid_ns[i], 3);
        }
        *p++ = '\n';
        o.len = (size_t)(p - o.buf);
    }
    m3_out_close(&o);
    return m3_atomic_commit(&af, err);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* fct-csv.c - the per-flow result file every mode writes. */
#include "m3-internal.h"

int m3_fct_csv_write(const char *path, const m3_flows *f, const double *fct_ns,
                     const double *ideal_ns, const double *fluid_ns, m3_error *err)
{
    m3_atomic_file af;
    if (m3_atomic_open(&af, path, err))
        return -1;
    fprintf(af.fp, "id,src,dst,size,start_ns,fct_ns,ideal_ns,slowdown%s\n",
            fluid_ns ? ",fluid_ns" : "");
    for (size_t i = 0; i < f->n; i++) {
        const m3_flow *x = &f->v[i];
        fprintf(af.fp, "%llu,%u,%u,%llu,%llu,%.3f,%.3f,%.6f", (unsigned long long)x->id, x->src,
                x->dst, (unsigned long long)x->size, (unsigned long long)x->start_ns, fct_ns[i],
                ideal_ns[i], m3_slowdown(fct_ns[i], ideal_ns[i]));
        if (fluid_ns)
            fprintf(af.fp, ",%.3f", fluid_ns[i]);
        fputc('\n', af.fp);
    }
    return m3_atomic_commit(&af, err);
}

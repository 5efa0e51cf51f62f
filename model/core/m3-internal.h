/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-internal.h - definitions shared by the C core's own files. Not public:
 * users of the core see only m3.h.
 */
#ifndef M3_INTERNAL_H
#define M3_INTERNAL_H

#include "m3.h"

#include <gsl/gsl_rng.h>
#include <stdarg.h>
#include <stdio.h>

struct m3_topology {
    uint32_t num_nodes;
    uint8_t *is_switch; /* per node */
    m3_link *links;
    uint32_t num_links, cap_links;
    /* adjacency (CSR over directed links), rebuilt lazily after edits */
    uint32_t *adj_off; /* num_nodes + 1 */
    uint32_t *adj;     /* directed link ids */
    int adj_valid;
    uint32_t *hosts; /* host ids, increasing */
    uint32_t num_hosts;
};

/* Rebuilds adjacency and host list if links or switch marks changed. */
int m3_topology_finalize(m3_topology *t, m3_error *err);

/* flowSim's dedicated line engine (flowsim-line.c): m3_flowsim_run_line's
 * contract for lines of 2..M3_LINE_ENGINE_MAX_NODES positions (one
 * direction's classes fit a 64-bit mask). The caller has checked the line
 * (m3_line_check); the per-flow cap is l->cap_bps. */
#define M3_LINE_ENGINE_MAX_NODES 11
int m3_flowsim_line_engine(const m3_line *l, const m3_flows *f, uint32_t mtu, uint32_t header,
                           double *fct_ns, m3_error *err);

/* ---- flowSim's engines (flowsim.c chooses one) ----
 *
 * The problem every topology engine solves: directed links with
 * capacities in bits per ns, classes of flows (flows on one path; max-min
 * gives them one rate) as CSR lists of links, and each flow's class. */
typedef struct m3_fs_problem {
    uint32_t num_links;
    const double *cap; /* bits per ns, per link, > 0 */
    uint32_t num_classes;
    const uint32_t *class_link_off; /* CSR class -> links */
    const uint32_t *class_links;
    const uint32_t *flow_class; /* per flow */
} m3_fs_problem;

/* The incremental engine (flowsim-incr.c) and the full re-allocation one
 * (flowsim-full.c): the same contract as m3_flowsim_run on a problem; the
 * per-flow cap, mtu and header come from `o` (its engine field is not
 * read). FCTs in input order; flows need not be sorted. */
int m3_flowsim_incr_engine(const m3_fs_problem *p, const m3_flows *f, const m3_flowsim_opts *o,
                           double *fct_ns, m3_error *err);
int m3_flowsim_full_engine(const m3_fs_problem *p, const m3_flows *f, const m3_flowsim_opts *o,
                           double *fct_ns, m3_error *err);
/* The naive oracle (flowsim-naive.c) on a problem's classes, flow by flow;
 * flows sorted by start time. */
int m3_flowsim_naive_engine(const m3_fs_problem *p, const m3_flows *f, const m3_flowsim_opts *o,
                            double *fct_ns, m3_error *err);

/* Entries of the engines' binary min-heaps: finish tags of a class's flows
 * (id = flow) and fair shares of links (id = link, ver = the version that
 * was current when pushed, for lazy invalidation). */
typedef struct m3_fs_heap_entry {
    double key;
    uint32_t id, ver;
} m3_fs_heap_entry;

static inline void m3_fs_heap_push(m3_fs_heap_entry *h, size_t *len, m3_fs_heap_entry e)
{
    size_t i = (*len)++;
    while (i > 0) {
        size_t up = (i - 1) / 2;
        if (h[up].key <= e.key)
            break;
        h[i] = h[up];
        i = up;
    }
    h[i] = e;
}

static inline m3_fs_heap_entry m3_fs_heap_pop(m3_fs_heap_entry *h, size_t *len)
{
    m3_fs_heap_entry top = h[0], last = h[--*len];
    size_t n = *len, i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && h[c + 1].key < h[c].key)
            c++;
        if (last.key <= h[c].key)
            break;
        h[i] = h[c];
        i = c;
    }
    if (n)
        h[i] = last;
    return top;
}

/* Slack below which a link counts as saturated, relative to its capacity:
 * far above rounding error, far below any real share. Both topology
 * engines decide with it. */
#define M3_FS_SLACK 1e-9

/* Arrival order: flows by start time, then input index. */
typedef struct m3_fs_arrival {
    uint64_t start_ns;
    uint32_t flow;
} m3_fs_arrival;
/* The arrivals of `f` in that order and each flow's wire bits, into
 * caller-allocated arrays of f->n entries. */
void m3_fs_arrivals(const m3_flows *f, uint32_t mtu, uint32_t header, m3_fs_arrival *order,
                    double *bits);

/* flowSim's input check, shared by its engines: the per-flow cap (0 = none,
 * else within M3_RATE_MIN_BPS..M3_RATE_MAX_BPS), mtu > 0, every flow's size
 * in 1..M3_FLOW_MAX_BYTES and start at most M3_START_MAX_NS, so that the
 * event loop always ends. */
int m3_flowsim_check_input(const m3_flows *f, double cap_bps, uint32_t mtu, m3_error *err);

/* Warns into `out` when links of `t` have a non-zero error_rate, which
 * only the packet mode simulates (`mode` names the estimator). */
void m3_warn_loss(const m3_topology *t, const char *mode, m3_result *out);

/* Ideal FCT (packet-model.md section 5) over n links given as arrays of
 * rates (bps) and propagation delays (ns), bottleneck capped at nic_bps
 * (0 = no cap): the one copy of the formula, behind m3_ideal_fct_ns and
 * m3_line_ideal_ns. 0 when n == 0; NaN when mtu == 0. `bottleneck_bps`
 * (may be NULL) receives the bottleneck rate, cap included (inf when n ==
 * 0 and no cap). O(n), no allocation. */
double m3_ideal_fct_links(const double *bps, const uint64_t *delay_ns, int n, uint64_t size,
                          uint32_t mtu, uint32_t header, double nic_bps, double *bottleneck_bps);
/* The rates and delays of directed links `dlinks` of `t` (n <= 
 * M3_MAX_PATH_LINKS) into bps[n] and delay_ns[n]. */
void m3_dlinks_rates(const m3_topology *t, const uint32_t *dlinks, int n, double *bps,
                     uint64_t *delay_ns);
/* flowSim's FCT estimate of one flow: the fluid FCT plus the base delay,
 * base = ideal - the flow's wire bits at its bottleneck (its ideal's
 * streaming), clipped at >= 0. Shared by m3_flowsim_estimate and
 * m3_line_flowsim. */
double m3_fluid_plus_base_ns(double fluid_ns, double ideal_ns, double bottleneck_bps, uint64_t size,
                             uint32_t mtu, uint32_t header);

/* mt19937 seeded from the 64-bit seed folded to the 32 bits it uses
 * (rng.c). The one random stream constructor of the core: workloads,
 * configuration sampling. Free with gsl_rng_free. */
gsl_rng *m3_rng_new(uint64_t seed, m3_error *err);

/* The size bucket of `size` for nb - 1 increasing inner bounds: b with
 * bounds[b-1] <= size < bounds[b] (features.c; a count of the bounds <= size). */
int m3_bucket_of(uint64_t size, const uint64_t *bounds, int nb);

/* Sorts v[n] ascending, as qsort with (x > y) - (x < y) does for values
 * that are not NaN (stats.c; NaNs, which that comparison leaves anywhere,
 * go to an end): qsort below 65,536 values, above an LSD radix sort of the
 * doubles' order-preserving 64-bit keys, 11 bits a pass (passes whose
 * digit every key shares are skipped): O(n), with 16 bytes per value of
 * scratch (qsort if that fails). */
void m3_sort_doubles(double *v, size_t n);

/* Monotonic wall clock in seconds (util.c), for the results' timings. */
double m3_now_s(void);

/* Formats err->msg printf-style; always returns -1 so callers can
 * `return m3_fail(err, ...)`. err may be NULL. */
int m3_fail(m3_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Checked allocation helpers: NULL on failure with an error set. */
void *m3_calloc(size_t n, size_t size, m3_error *err);
void *m3_realloc_array(void *p, size_t n, size_t size, m3_error *err);

/* The strict number parsers are public (m3.h, "numbers in text"). */

/* Line reader that tracks line numbers, strips '#' comments and blank lines. */
/* Reads the file in blocks of M3_LINE_BLOCK bytes into `buf` (grown for a
 * longer line, up to 16 MB) and hands out lines in place: no per-character
 * stdio, no allocation per line. */
#define M3_LINE_BLOCK ((size_t)1 << 20)
typedef struct m3_line_reader {
    FILE *fp;
    const char *path;
    size_t lineno;
    char *buf;
    size_t cap;
    size_t pos, len; /* unread bytes: buf[pos .. len) */
    int eof;         /* the file has no more bytes */
} m3_line_reader;

int m3_line_reader_open(m3_line_reader *lr, const char *path, m3_error *err);
/* Returns 1 with a line (comments/whitespace-only lines skipped), 0 at EOF,
 * -1 on error. */
int m3_line_reader_next(m3_line_reader *lr, char **line, m3_error *err);
void m3_line_reader_close(m3_line_reader *lr);
/* Next whitespace-separated token of *cursor, NUL-terminated in place;
 * NULL at the end. */
char *m3_next_token(char **cursor);
/* Splits on whitespace in place; returns the token count, max + 1 when
 * there are more than max. */
int m3_split_ws(char *line, char **tok, int max);

/* The atomic file writer is public (m3.h, "output files"). */

/* A block buffer for writers of many short lines: text is formatted in
 * place (m3_format_u64, m3_format_fixed) and written by the megabyte. */
#define M3_OUT_BLOCK ((size_t)1 << 20)
typedef struct m3_out {
    FILE *fp;
    char *buf;
    size_t len;
} m3_out;
int m3_out_open(m3_out *o, FILE *fp, m3_error *err);
/* Room for `need` (at most M3_OUT_BLOCK / 2) more bytes at the returned
 * position; the caller then sets o->len to the end of what it wrote. */
char *m3_out_room(m3_out *o, size_t need);
/* Writes what is left and frees the buffer (the FILE stays open). */
void m3_out_close(m3_out *o);

#endif

/*
 * m3-internal.h - definitions shared by the C core's own files. Not public:
 * users of the core see only m3.h.
 */
#ifndef M3_INTERNAL_H
#define M3_INTERNAL_H

#include "m3.h"

#include <stdarg.h>
#include <stdio.h>

struct m3_topology {
    uint32_t num_nodes;
    uint8_t *is_switch;      /* per node */
    m3_link *links;
    uint32_t num_links, cap_links;
    /* adjacency (CSR over directed links), rebuilt lazily after edits */
    uint32_t *adj_off;       /* num_nodes + 1 */
    uint32_t *adj;           /* directed link ids */
    int adj_valid;
    uint32_t *hosts;         /* host ids, increasing */
    uint32_t num_hosts;
};

/* Rebuilds adjacency and host list if links or switch marks changed. */
int m3_topology_finalize(m3_topology *t, m3_error *err);

/* flowSim's dedicated line engine (flowsim-line.c): m3_flowsim_run_line's
 * contract for lines of 2..M3_LINE_ENGINE_MAX_NODES positions (one
 * direction's classes fit a 64-bit mask). */
#define M3_LINE_ENGINE_MAX_NODES 11
int m3_flowsim_line_engine(uint32_t n, const double *link_bps, const m3_flows *f,
                           const m3_flowsim_opts *o, double *fct_ns, m3_error *err);

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

/* Parses helpers used by every reader: strict numbers, no trailing junk. */
int m3_parse_u64(const char *s, uint64_t *out);
int m3_parse_double(const char *s, double *out);
/* "10Gbps", "40Gbps", "100Mbps", "1e10" (bps) -> bits per second. */
int m3_parse_rate(const char *s, double *bps);
/* "1us", "1000ns", "0.001ms", "1e-6s" -> ns (rounded). */
int m3_parse_delay(const char *s, uint64_t *ns);

/* Line reader that tracks line numbers, strips '#' comments and blank lines. */
typedef struct m3_line_reader {
    FILE *fp;
    const char *path;
    size_t lineno;
    char *buf;
    size_t cap;
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

/* Writes to path.tmp then renames, so failures leave nothing half-written. */
typedef struct m3_atomic_file {
    FILE *fp;
    char *path, *tmp;
} m3_atomic_file;
int m3_atomic_open(m3_atomic_file *af, const char *path, m3_error *err);
int m3_atomic_commit(m3_atomic_file *af, m3_error *err);
void m3_atomic_abort(m3_atomic_file *af);

#endif

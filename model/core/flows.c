/* SPDX-License-Identifier: GPL-2.0-only */
/* flows.c - the flow list: growth, source-port assignment, and the
 * community flow file format (packet-model.md section 6):
 *
 *   N
 *   id src dst pg dport size start_s      (or the older form without id)
 *
 * Start times are seconds as decimal text; they are converted to integer
 * nanoseconds by rounding, exactly, from the digits. */
#include "m3-internal.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SPORT_BASE 10000u
#define SPORT_SPAN (65536u - SPORT_BASE) /* 10000 .. 65535 */
#define MAX_PG 7u                        /* 8 priority queues per port */
/* Whole seconds such that s * 1e9 + 1e9 still fits in uint64_t (the
 * digit loop's guard; the limit itself is M3_START_MAX_NS). */
#define MAX_START_S (UINT64_MAX / 1000000000u - 1)

void m3_flows_init(m3_flows *f)
{
    f->v = NULL;
    f->n = f->cap = 0;
}

void m3_flows_free(m3_flows *f)
{
    free(f->v);
    m3_flows_init(f);
}

int m3_flows_push(m3_flows *f, const m3_flow *fl, m3_error *err)
{
    if (f->n == f->cap) {
        size_t nc = f->cap ? f->cap * 2 : 64;
        m3_flow *nv = m3_realloc_array(f->v, nc, sizeof *nv, err);
        if (!nv)
            return -1;
        f->v = nv;
        f->cap = nc;
    }
    f->v[f->n++] = *fl;
    return 0;
}

static uint32_t sport_of(uint64_t k) { return SPORT_BASE + (uint32_t)(k % SPORT_SPAN); }

void m3_flows_assign_sports(m3_flows *f)
{
    if (f->n == 0)
        return;
    /* Per-source counters in an open-addressing table (sources are sparse
     * when no topology bounds them). */
    size_t cap = 16;
    while (cap < 2 * f->n)
        cap *= 2;
    uint32_t *key = calloc(cap, sizeof *key);
    uint64_t *cnt = calloc(cap, sizeof *cnt); /* count + 1; 0 = empty slot */
    if (!key || !cnt) {
        /* No memory for the table: count earlier flows of the same source,
         * quadratic but still correct. */
        free(key);
        free(cnt);
        for (size_t i = 0; i < f->n; i++) {
            uint64_t k = 0;
            for (size_t j = 0; j < i; j++)
                k += f->v[j].src == f->v[i].src;
            f->v[i].sport = sport_of(k);
        }
        return;
    }
    for (size_t i = 0; i < f->n; i++) {
        uint32_t s = f->v[i].src;
        size_t h = (size_t)((s * 2654435761u) & (cap - 1)); /* Fibonacci hash; wraps */
        while (cnt[h] && key[h] != s)
            h = (h + 1) & (cap - 1);
        if (!cnt[h]) {
            key[h] = s;
            cnt[h] = 1;
        }
        f->v[i].sport = sport_of(cnt[h]++ - 1);
    }
    free(key);
    free(cnt);
}

/* Seconds as text -> ns, rounded half up. Plain decimals are converted
 * from their digits so that e.g. 0.1 gives exactly 100000000; exponent
 * forms go through double. Returns -1 if not a time, -2 if negative,
 * -3 if too large. */
static int parse_start_ns(const char *s, uint64_t *ns)
{
    if (*s == '-') {
        double v;
        if (s[strspn(s, "0123456789.eE+-")] || m3_parse_double(s, &v))
            return -1;
        if (v < 0)
            return -2;
        *ns = 0; /* "-0" */
        return 0;
    }
    if (strpbrk(s, "eE")) {
        double v;
        if (s[strspn(s, "0123456789.eE+-")] || m3_parse_double(s, &v))
            return -1;
        if (v < 0)
            return -2;
        if (v * 1e9 > (double)M3_START_MAX_NS)
            return -3;
        *ns = (uint64_t)llround(v * 1e9);
        return 0;
    }
    const char *p = s;
    if (*p == '+')
        p++;
    uint64_t ip = 0;
    int digits = 0;
    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        ip = ip * 10 + (uint64_t)(*p - '0');
        if (ip > MAX_START_S) /* checked per digit, so ip * 10 never overflows */
            return -3;
    }
    uint64_t frac = 0;
    int nf = 0, round_up = 0;
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++, digits++, nf++) {
            if (nf < 9)
                frac = frac * 10 + (uint64_t)(*p - '0');
            else if (nf == 9)
                round_up = *p >= '5';
        }
    }
    if (*p || digits == 0)
        return -1;
    for (int i = nf; i < 9; i++)
        frac *= 10;
    *ns = ip * 1000000000u + frac + (uint64_t)round_up;
    return *ns > M3_START_MAX_NS ? -3 : 0;
}

/* Parses an unsigned field that must fit in `max`. */
static int parse_u32_max(const char *s, uint32_t max, uint32_t *out)
{
    uint64_t v;
    if (m3_parse_u64(s, &v) || v > max)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

/* Checks that `node` can be a flow endpoint. */
static int check_endpoint(const char *path, size_t ln, const char *what, const char *tok,
                          const m3_topology *t, uint32_t *node, m3_error *err)
{
    uint32_t limit = t ? m3_topology_num_nodes(t) - 1 : UINT32_MAX;
    if (parse_u32_max(tok, limit, node))
        return m3_fail(err, "%s:%zu: %s \"%s\" is not a node id (0..%u)", path, ln, what, tok,
                       limit);
    if (t && m3_topology_is_switch(t, *node))
        return m3_fail(err, "%s:%zu: %s %u is a switch, not a host", path, ln, what, *node);
    return 0;
}

/* Parses one flow line; `with_id` selects the 7-token form. */
static int parse_flow(const char *path, size_t ln, char **tok, int with_id, uint64_t index,
                      const m3_topology *t, m3_flow *fl, m3_error *err)
{
    memset(fl, 0, sizeof *fl);
    if (with_id) {
        if (m3_parse_u64(tok[0], &fl->id))
            return m3_fail(err, "%s:%zu: flow id \"%s\" is not a non-negative integer", path, ln,
                           tok[0]);
        tok++;
    } else {
        fl->id = index;
    }
    if (check_endpoint(path, ln, "src", tok[0], t, &fl->src, err) ||
        check_endpoint(path, ln, "dst", tok[1], t, &fl->dst, err))
        return -1;
    if (fl->src == fl->dst)
        return m3_fail(err, "%s:%zu: src and dst are the same node %u", path, ln, fl->src);
    if (parse_u32_max(tok[2], MAX_PG, &fl->pg))
        return m3_fail(err, "%s:%zu: priority group \"%s\" is not in 0..%u", path, ln, tok[2],
                       MAX_PG);
    if (parse_u32_max(tok[3], 65535, &fl->dport))
        return m3_fail(err, "%s:%zu: dport \"%s\" is not a port number (0..65535)", path, ln,
                       tok[3]);
    if (m3_parse_u64(tok[4], &fl->size))
        return m3_fail(err, "%s:%zu: size \"%s\" is not a byte count", path, ln, tok[4]);
    if (fl->size == 0)
        return m3_fail(err, "%s:%zu: size is 0 (a flow must carry at least 1 byte)", path, ln);
    if (fl->size > M3_FLOW_MAX_BYTES)
        return m3_fail(err,
                       "%s:%zu: size %" PRIu64 " bytes is above the largest flow, 1e12 "
                       "bytes (1 TB)",
                       path, ln, fl->size);
    switch (parse_start_ns(tok[5], &fl->start_ns)) {
    case 0:
        return 0;
    case -2:
        return m3_fail(err, "%s:%zu: start time %s is negative", path, ln, tok[5]);
    case -3:
        return m3_fail(err, "%s:%zu: start time %s s is after the latest start, 1e6 s", path, ln,
                       tok[5]);
    default:
        return m3_fail(err, "%s:%zu: start time \"%s\" is not a time in seconds (e.g. 2.000001)",
                       path, ln, tok[5]);
    }
}

/* ---- the fast path of a flow line ----
 *
 * Most lines are plain: fields of digits separated by spaces or tabs, the
 * start time digits with an optional fraction. parse_flow_fast parses
 * such a line in one pass, with no token splitting and no library call,
 * and checks every value; anything else (another separator or syntax, a
 * value out of range, a long number) sends the line to the general path,
 * which parses it again and reports what is wrong. So the fast path
 * accepts a subset of what parse_flow accepts and gives the same flow. */

static inline int fast_sep(char c) { return c == ' ' || c == '\t'; }

/* Up to 19 digits (no overflow), then a separator or the end. */
static inline const char *fast_u64(const char *p, uint64_t *v)
{
    while (fast_sep(*p))
        p++;
    uint64_t x = 0;
    int n = 0;
    for (; (unsigned)(*p - '0') < 10u; p++, n++)
        x = x * 10 + (uint64_t)(*p - '0');
    if (n == 0 || n > 19 || (*p && !fast_sep(*p)))
        return NULL;
    *v = x;
    return p;
}

/* Seconds as digits[.digits], as parse_start_ns converts them; at most 7
 * integer digits (the latest start is 1e6 s). */
static inline const char *fast_start(const char *p, uint64_t *ns)
{
    while (fast_sep(*p))
        p++;
    uint64_t ip = 0, frac = 0;
    int digits = 0, nf = 0, round_up = 0;
    for (; (unsigned)(*p - '0') < 10u; p++, digits++)
        ip = ip * 10 + (uint64_t)(*p - '0');
    if (digits > 7)
        return NULL;
    if (*p == '.')
        for (p++; (unsigned)(*p - '0') < 10u; p++, digits++, nf++) {
            if (nf < 9)
                frac = frac * 10 + (uint64_t)(*p - '0');
            else if (nf == 9)
                round_up = *p >= '5';
        }
    if (digits == 0 || (*p && !fast_sep(*p)))
        return NULL;
    for (int i = nf; i < 9; i++)
        frac *= 10;
    *ns = ip * 1000000000u + frac + (uint64_t)round_up;
    return *ns > M3_START_MAX_NS ? NULL : p;
}

/* 1 with the flow, 0 when the general path must take the line. */
static int parse_flow_fast(const char *p, int with_id, uint64_t index, const m3_topology *t,
                           m3_flow *fl)
{
    uint64_t v[6];
    memset(fl, 0, sizeof *fl);
    fl->id = index;
    if (with_id && !(p = fast_u64(p, &fl->id)))
        return 0;
    for (int i = 0; i < 5; i++)
        if (!(p = fast_u64(p, &v[i])))
            return 0;
    if (!(p = fast_start(p, &fl->start_ns)))
        return 0;
    while (fast_sep(*p))
        p++;
    if (*p)
        return 0; /* more fields */
    uint64_t limit = t ? m3_topology_num_nodes(t) - 1 : UINT32_MAX;
    if (v[0] > limit || v[1] > limit || v[0] == v[1] || v[2] > MAX_PG || v[3] > 65535 ||
        v[4] == 0 || v[4] > M3_FLOW_MAX_BYTES)
        return 0;
    if (t && (m3_topology_is_switch(t, (uint32_t)v[0]) || m3_topology_is_switch(t, (uint32_t)v[1])))
        return 0;
    fl->src = (uint32_t)v[0];
    fl->dst = (uint32_t)v[1];
    fl->pg = (uint32_t)v[2];
    fl->dport = (uint32_t)v[3];
    fl->size = v[4];
    return 1;
}

/* Checks that flow `fl` (line `ln`) has a route of at most
 * M3_MAX_PATH_LINKS links in `r`. */
static int check_route(const char *path, size_t ln, const m3_routing *r, const m3_flow *fl,
                       m3_error *err)
{
    uint32_t links[M3_MAX_PATH_LINKS];
    m3_error e;
    if (m3_routing_path(r, fl, links, M3_MAX_PATH_LINKS, &e) >= 0)
        return 0;
    if (m3_routing_distance(r, fl->src, fl->dst) < 0)
        return m3_fail(err, "%s:%zu: no route from host %u to host %u in the topology", path, ln,
                       fl->src, fl->dst);
    return m3_fail(err,
                   "%s:%zu: the route from host %u to host %u is %d links long; the core "
                   "handles at most %d",
                   path, ln, fl->src, fl->dst, m3_routing_distance(r, fl->src, fl->dst),
                   M3_MAX_PATH_LINKS);
}

static int read_flows(m3_line_reader *lr, const m3_topology *t, const m3_routing *rt, m3_flows *f,
                      m3_error *err)
{
    const char *path = lr->path;
    char *line, *tok[8];
    int r = m3_line_reader_next(lr, &line, err);
    if (r < 0)
        return -1;
    if (r == 0)
        return m3_fail(err, "%s:%zu: empty file (expected the flow count)", path, lr->lineno);
    uint64_t n;
    int nt = m3_split_ws(line, tok, 1);
    if (nt != 1 || m3_parse_u64(tok[0], &n))
        return m3_fail(err, "%s:%zu: expected the flow count as the only field on the first line",
                       path, lr->lineno);
    char what[600], detail[64];
    snprintf(what, sizeof what, "%s:%zu: the count of %" PRIu64 " flows", path, lr->lineno, n);
    snprintf(detail, sizeof detail, "%zu bytes per flow", sizeof(m3_flow));
    if (m3_memory_check((double)n * sizeof(m3_flow), what, detail, err))
        return -1;
    int form = 0; /* 7 or 6 tokens, fixed by the first flow line */
    uint64_t prev_start = 0;
    size_t prev_line = 0;
    for (uint64_t i = 0; i < n; i++) {
        r = m3_line_reader_next(lr, &line, err);
        if (r < 0)
            return -1;
        if (r == 0)
            return m3_fail(err,
                           "%s:%zu: file ends after %" PRIu64 " of the %" PRIu64 " declared flows",
                           path, lr->lineno, i, n);
        size_t ln = lr->lineno;
        m3_flow fl;
        if (form && parse_flow_fast(line, form == 7, i, t, &fl))
            goto parsed;
        nt = m3_split_ws(line, tok, 7);
        if (!form) {
            if (nt != 7 && nt != 6)
                return m3_fail(err,
                               "%s:%zu: expected 7 fields \"id src dst pg dport size "
                               "start_s\" or 6 without id, found %s%d",
                               path, ln, nt > 7 ? "more than " : "", nt > 7 ? 7 : nt);
            form = nt;
        } else if (nt != form) {
            return m3_fail(err, "%s:%zu: expected %d fields like the first flow line, found %s%d",
                           path, ln, form, nt > 7 ? "more than " : "", nt > 7 ? 7 : nt);
        }
        if (parse_flow(path, ln, tok, form == 7, i, t, &fl, err))
            return -1;
    parsed:
        if (rt && check_route(path, ln, rt, &fl, err))
            return -1;
        if (i > 0 && fl.start_ns < prev_start)
            return m3_fail(err,
                           "%s:%zu: start time goes back (%" PRIu64 " ns < %" PRIu64
                           " ns on line %zu); flows must be sorted by start time",
                           path, ln, fl.start_ns, prev_start, prev_line);
        prev_start = fl.start_ns;
        prev_line = ln;
        if (m3_flows_push(f, &fl, err))
            return -1;
    }
    r = m3_line_reader_next(lr, &line, err);
    if (r < 0)
        return -1;
    if (r > 0)
        return m3_fail(err,
                       "%s:%zu: unexpected line after the %" PRIu64 " declared flows: "
                       "\"%.60s\"",
                       path, lr->lineno, n, line);
    return 0;
}

static int flows_read(const char *path, const m3_topology *t, const m3_routing *r, m3_flows *out,
                      m3_error *err);

int m3_flows_read(const char *path, const m3_topology *t, m3_flows *out, m3_error *err)
{
    return flows_read(path, t, NULL, out, err);
}

int m3_flows_read_routed(const char *path, const m3_routing *r, m3_flows *out, m3_error *err)
{
    return flows_read(path, m3_routing_topology(r), r, out, err);
}

static int flows_read(const char *path, const m3_topology *t, const m3_routing *r, m3_flows *out,
                      m3_error *err)
{
    /* *out is treated as uninitialised; it receives the flows only if the
     * whole file is good, and is left empty otherwise. */
    m3_flows_init(out);
    m3_line_reader lr;
    if (m3_line_reader_open(&lr, path, err))
        return -1;
    m3_flows f;
    m3_flows_init(&f);
    int rc = read_flows(&lr, t, r, &f, err);
    m3_line_reader_close(&lr);
    if (rc) {
        m3_flows_free(&f);
        return -1;
    }
    m3_flows_assign_sports(&f);
    *out = f;
    return 0;
}

int m3_flows_write(const m3_flows *f, const char *path, m3_error *err)
{
    m3_atomic_file af;
    if (m3_atomic_open(&af, path, err))
        return -1;
    m3_out o;
    if (m3_out_open(&o, af.fp, err)) {
        m3_atomic_abort(&af);
        return -1;
    }
    fprintf(af.fp, "%zu\n", f->n);
    /* "id src dst pg dport size s.nnnnnnnnn", formatted in place */
    for (size_t i = 0; i < f->n; i++) {
        const m3_flow *x = &f->v[i];
        char *p = m3_out_room(&o, 7 * 21 + 10);
        p = m3_format_u64(p, x->id);
        *p++ = ' ';
        p = m3_format_u64(p, x->src);
        *p++ = ' ';
        p = m3_format_u64(p, x->dst);
        *p++ = ' ';
        p = m3_format_u64(p, x->pg);
        *p++ = ' ';
        p = m3_format_u64(p, x->dport);
        *p++ = ' ';
        p = m3_format_u64(p, x->size);
        *p++ = ' ';
        p = m3_format_u64(p, x->start_ns / 1000000000u);
        *p++ = '.';
        uint64_t ns = x->start_ns % 1000000000u;
        for (int d = 8; d >= 0; d--) {
            p[d] = (char)('0' + ns % 10);
            ns /= 10;
        }
        p += 9;
        *p++ = '\n';
        o.len = (size_t)(p - o.buf);
    }
    m3_out_close(&o);
    return m3_atomic_commit(&af, err);
}

int m3_flows_equal(const m3_flows *a, const m3_flows *b)
{
    /* field by field: m3_flow has padding, so no memcmp */
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++) {
        const m3_flow *x = &a->v[i], *y = &b->v[i];
        if (x->id != y->id || x->src != y->src || x->dst != y->dst || x->pg != y->pg ||
            x->sport != y->sport || x->dport != y->dport || x->size != y->size ||
            x->start_ns != y->start_ns)
            return 0;
    }
    return 1;
}

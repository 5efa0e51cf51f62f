/* SPDX-License-Identifier: GPL-2.0-only */
/* topology-io.c - the community topology text format (packet-model.md
 * section 6):
 *
 *   nodes switches links
 *   switch ids (exactly `switches` of them; absent when there are none)
 *   a b rate delay error_rate      (exactly `links` lines)
 *
 * Every input problem is reported as "path:line: what is wrong". */
#include "m3-internal.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Largest counts we accept; they match m3_topology_new / add_link. */
#define MAX_NODES (1u << 24)
#define MAX_LINKS (1u << 30)

/* A node id token: a plain unsigned integer below `nodes`. */
static int parse_node(const char *s, uint32_t nodes, uint32_t *out)
{
    uint64_t v;
    if (m3_parse_u64(s, &v) || v >= nodes)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

/* Parses the header line "nodes switches links". */
static int read_header(m3_line_reader *lr, uint32_t *nodes, uint32_t *switches, uint32_t *links,
                       m3_error *err)
{
    char *line, *tok[4];
    int r = m3_line_reader_next(lr, &line, err);
    if (r < 0)
        return -1;
    if (r == 0)
        return m3_fail(err, "%s:%zu: empty file (expected \"nodes switches links\")", lr->path,
                       lr->lineno);
    int n = m3_split_ws(line, tok, 3);
    if (n != 3)
        return m3_fail(err,
                       "%s:%zu: expected 3 numbers \"nodes switches links\", found %s%d tokens",
                       lr->path, lr->lineno, n > 3 ? "more than " : "", n > 3 ? 3 : n);
    uint64_t v[3];
    static const char *what[3] = {"node count", "switch count", "link count"};
    for (int i = 0; i < 3; i++)
        if (m3_parse_u64(tok[i], &v[i]))
            return m3_fail(err, "%s:%zu: %s \"%s\" is not a non-negative integer", lr->path,
                           lr->lineno, what[i], tok[i]);
    if (v[0] < 1 || v[0] > MAX_NODES)
        return m3_fail(err, "%s:%zu: node count %" PRIu64 " out of range (1..%u)", lr->path,
                       lr->lineno, v[0], MAX_NODES);
    if (v[1] > v[0])
        return m3_fail(err, "%s:%zu: switch count %" PRIu64 " exceeds node count %" PRIu64,
                       lr->path, lr->lineno, v[1], v[0]);
    if (v[2] > MAX_LINKS)
        return m3_fail(err, "%s:%zu: link count %" PRIu64 " out of range (0..%u)", lr->path,
                       lr->lineno, v[2], MAX_LINKS);
    *nodes = (uint32_t)v[0];
    *switches = (uint32_t)v[1];
    *links = (uint32_t)v[2];
    return 0;
}

/* Parses the switch-id line; walks tokens one at a time since the count
 * can be large. */
static int read_switches(m3_line_reader *lr, m3_topology *t, uint32_t switches, m3_error *err)
{
    char *line;
    int r = m3_line_reader_next(lr, &line, err);
    if (r < 0)
        return -1;
    if (r == 0)
        return m3_fail(err, "%s:%zu: file ends before the switch id line (%u switches declared)",
                       lr->path, lr->lineno, switches);
    uint32_t count = 0;
    char *p = line, *tok;
    while ((tok = m3_next_token(&p))) {
        count++;
        if (count > switches)
            return m3_fail(err, "%s:%zu: more than the %u declared switch ids", lr->path,
                           lr->lineno, switches);
        uint32_t id;
        if (parse_node(tok, t->num_nodes, &id))
            return m3_fail(err, "%s:%zu: switch id %u: \"%s\" is not a node id (0..%u)", lr->path,
                           lr->lineno, count, tok, t->num_nodes - 1);
        if (t->is_switch[id])
            return m3_fail(err, "%s:%zu: duplicate switch id %u", lr->path, lr->lineno, id);
        if (m3_topology_set_switch(t, id, err))
            return -1;
    }
    if (count < switches)
        return m3_fail(err, "%s:%zu: %u switch ids, but the header declares %u", lr->path,
                       lr->lineno, count, switches);
    return 0;
}

/* Parses one link line; `k` is the 1-based link number for messages. */
static int read_link(m3_line_reader *lr, char *line, uint32_t k, m3_topology *t, m3_error *err)
{
    const char *path = lr->path;
    size_t ln = lr->lineno;
    char *tok[6];
    int n = m3_split_ws(line, tok, 5);
    if (n != 5)
        return m3_fail(err,
                       "%s:%zu: link %u: expected 5 fields \"a b rate delay error_rate\", "
                       "found %s%d",
                       path, ln, k, n > 5 ? "more than " : "", n > 5 ? 5 : n);
    m3_link l;
    if (parse_node(tok[0], t->num_nodes, &l.a))
        return m3_fail(err, "%s:%zu: link %u: endpoint \"%s\" is not a node id (0..%u)", path, ln,
                       k, tok[0], t->num_nodes - 1);
    if (parse_node(tok[1], t->num_nodes, &l.b))
        return m3_fail(err, "%s:%zu: link %u: endpoint \"%s\" is not a node id (0..%u)", path, ln,
                       k, tok[1], t->num_nodes - 1);
    if (l.a == l.b)
        return m3_fail(err, "%s:%zu: link %u: joins node %u to itself", path, ln, k, l.a);
    int rc = m3_parse_rate(tok[2], &l.rate_bps);
    if (rc == -2)
        return m3_fail(err, "%s:%zu: link %u: rate %s is outside 1Mbps..1000Tbps", path, ln, k,
                       tok[2]);
    if (rc)
        return m3_fail(err, "%s:%zu: link %u: rate \"%s\" is not a rate (use e.g. 10Gbps)", path,
                       ln, k, tok[2]);
    rc = m3_parse_delay(tok[3], &l.delay_ns);
    if (rc == -2)
        return m3_fail(err, "%s:%zu: link %u: delay %s is outside 0..1s", path, ln, k, tok[3]);
    if (rc)
        return m3_fail(err, "%s:%zu: link %u: delay \"%s\" is not a delay (use e.g. 1us or 1000ns)",
                       path, ln, k, tok[3]);
    if (m3_parse_double(tok[4], &l.error_rate) || !(l.error_rate >= 0 && l.error_rate <= 1))
        return m3_fail(err, "%s:%zu: link %u: error rate \"%s\" is not a number in [0, 1]", path,
                       ln, k, tok[4]);
    m3_error e;
    if (m3_topology_add_link(t, &l, &e) < 0)
        return m3_fail(err, "%s:%zu: %s", path, ln, e.msg);
    return 0;
}

m3_topology *m3_topology_read(const char *path, m3_error *err)
{
    m3_line_reader lr;
    m3_topology *t = NULL;
    if (m3_line_reader_open(&lr, path, err))
        return NULL;
    uint32_t nodes = 0, switches = 0, links = 0;
    if (read_header(&lr, &nodes, &switches, &links, err))
        goto fail;
    if (!(t = m3_topology_new(nodes, err)))
        goto fail;
    /* Blank lines are skipped, so with no switches the line may be absent. */
    if (switches > 0 && read_switches(&lr, t, switches, err))
        goto fail;
    size_t decl_line = lr.lineno; /* where the host/switch split was fixed */
    char *line;
    for (uint32_t k = 1; k <= links; k++) {
        int r = m3_line_reader_next(&lr, &line, err);
        if (r < 0)
            goto fail;
        if (r == 0) {
            m3_fail(err, "%s:%zu: file ends after %u of the %u declared links", path, lr.lineno,
                    k - 1, links);
            goto fail;
        }
        if (read_link(&lr, line, k, t, err))
            goto fail;
    }
    int r = m3_line_reader_next(&lr, &line, err);
    if (r < 0)
        goto fail;
    if (r > 0) {
        m3_fail(err, "%s:%zu: unexpected line after the %u declared links: \"%.60s\"", path,
                lr.lineno, links, line);
        goto fail;
    }
    if (m3_topology_finalize(t, err))
        goto fail;
    /* A host with no link can neither send nor receive: almost surely a
     * typo in the switch list or a missing link line. */
    for (uint32_t v = 0; v < nodes; v++)
        if (!t->is_switch[v] && m3_topology_degree(t, v) == 0) {
            m3_fail(err, "%s:%zu: node %u is a host (not a switch) but has no link", path,
                    decl_line, v);
            goto fail;
        }
    m3_line_reader_close(&lr);
    return t;
fail:
    m3_line_reader_close(&lr);
    m3_topology_free(t);
    return NULL;
}

/* Writes a rate in the largest unit that names it exactly, so reading it
 * back gives the same double. */
static void write_rate(FILE *fp, double bps)
{
    static const struct {
        const char *u;
        double mul;
    } units[] = {
        {"Tbps", 1e12},
        {"Gbps", 1e9},
        {"Mbps", 1e6},
        {"Kbps", 1e3},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        double q = bps / units[i].mul;
        if (q >= 1 && q < 1e15 && q == floor(q) && q * units[i].mul == bps) {
            fprintf(fp, "%.0f%s", q, units[i].u);
            return;
        }
    }
    fprintf(fp, "%.17gbps", bps);
}

int m3_topology_write(const m3_topology *t, const char *path, m3_error *err)
{
    m3_atomic_file af;
    if (m3_atomic_open(&af, path, err))
        return -1;
    uint32_t switches = 0;
    for (uint32_t v = 0; v < t->num_nodes; v++)
        switches += t->is_switch[v] != 0;
    fprintf(af.fp, "%u %u %u\n", t->num_nodes, switches, t->num_links);
    const char *sep = "";
    for (uint32_t v = 0; v < t->num_nodes; v++)
        if (t->is_switch[v]) {
            fprintf(af.fp, "%s%u", sep, v);
            sep = " ";
        }
    fputc('\n', af.fp);
    for (uint32_t i = 0; i < t->num_links; i++) {
        const m3_link *l = &t->links[i];
        fprintf(af.fp, "%u %u ", l->a, l->b);
        write_rate(af.fp, l->rate_bps);
        /* shortest text that reads back as the same error rate */
        char er[40];
        snprintf(er, sizeof er, "%.15g", l->error_rate);
        if (strtod(er, NULL) != l->error_rate)
            snprintf(er, sizeof er, "%.17g", l->error_rate);
        fprintf(af.fp, " %" PRIu64 "ns %s\n", l->delay_ns, er);
    }
    return m3_atomic_commit(&af, err);
}

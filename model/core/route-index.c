/* SPDX-License-Identifier: GPL-2.0-only */
/* route-index.c - per-flow routes grouped into distinct paths, with the
 * indexes the estimator needs: flow -> path, path -> links and foreground
 * flows, directed link -> flows crossing it. All arrays are CSR. */
#define _DEFAULT_SOURCE /* posix_memalign, madvise on glibc */
#include "m3-internal.h"

#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h> /* madvise */
#endif

struct m3_route_index {
    uint32_t num_paths;
    uint32_t *flow_path;                  /* per flow */
    uint32_t *path_link_off, *path_links; /* CSR path -> dlinks */
    uint32_t *path_flow_off, *path_flows; /* CSR path -> flows */
    uint32_t num_dlinks;
    size_t *link_flow_off; /* CSR dlink -> flows */
    uint32_t *link_flows;
};

/* FNV-1a over the link ids, then a 64-bit finaliser (splitmix64's), so
 * that both the slot (low bits) and the check (high 32 bits) depend on
 * every link */
static uint64_t hash_links(const uint32_t *l, int n)
{
    uint64_t h = 1469598103934665603ull;
    for (int i = 0; i < n; i++) {
        h ^= l[i];
        h *= 1099511628211ull;
    }
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 31;
    return h;
}

/* A slot of the path table: the high 32 bits of the path's hash, and its
 * id + 1 in the low 32 (0: an empty slot). */
#define SLOT(h, p) (((h)&0xffffffff00000000ull) | ((uint64_t)(p) + 1))
#define SLOT_PATH(s) ((uint32_t)(s)-1)

/* Arrays of millions of entries that are read or written at random (the
 * path table, the per-link flow lists): on Linux in huge pages, so that an
 * access costs a cache miss without a page walk (advice only: the kernel
 * may decline). Freed with free(). */
static void *alloc_big(size_t n, size_t size, int zero, m3_error *err)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const size_t huge = (size_t)2 << 20;
    if (n && size && n <= SIZE_MAX / size && n * size >= 2 * huge) {
        void *p = NULL;
        if (posix_memalign(&p, huge, n * size)) {
            m3_fail(err, "out of memory (%zu x %zu bytes)", n, size);
            return NULL;
        }
        madvise(p, n * size, MADV_HUGEPAGE);
        if (zero)
            memset(p, 0, n * size);
        return p;
    }
#endif
    return zero ? m3_calloc(n ? n : 1, size, err) : m3_realloc_array(NULL, n ? n : 1, size, err);
}

/* The table at `size` slots (a power of two), every path of x inserted
 * anew in id order: its links are read in order, only the slots at random. */
static int rebuild_table(uint64_t **table, size_t size, const m3_route_index *x, m3_error *err)
{
    free(*table);
    *table = alloc_big(size, sizeof **table, 1, err);
    if (!*table)
        return -1;
    for (uint32_t p = 0; p < x->num_paths; p++) {
        uint32_t off = x->path_link_off[p];
        uint64_t h = hash_links(x->path_links + off, (int)(x->path_link_off[p + 1] - off));
        size_t q = (size_t)h & (size - 1);
        while ((*table)[q])
            q = (q + 1) & (size - 1);
        (*table)[q] = SLOT(h, p);
    }
    return 0;
}

void m3_route_index_free(m3_route_index *x)
{
    if (!x)
        return;
    free(x->flow_path);
    free(x->path_link_off);
    free(x->path_links);
    free(x->path_flow_off);
    free(x->path_flows);
    free(x->link_flow_off);
    free(x->link_flows);
    free(x);
}

/* Paths a table of s slots takes before it doubles: 7/10 of them. With
 * linear probing over 8-byte slots, a lookup at that load still reads
 * mostly one cache line, and a smaller table stays in cache longer. */
#define FULL(s) ((s) / 10 * 7)

/* Flows routed per round of the first pass: their hashes are known before
 * their slots are read, so the slots' cache misses overlap. */
#define ROUND 16

m3_route_index *m3_route_index_new(const m3_routing *r, const m3_flows *f, m3_error *err)
{
    m3_route_index *x = m3_calloc(1, sizeof *x, err);
    if (!x)
        return NULL;
    size_t n = f->n;
    size_t cap_paths = 64, cap_links = 256, used_links = 0;
    size_t table_size = 1024; /* open addressing, power of two, FULL(size) paths at most */
    uint64_t *table = alloc_big(table_size, sizeof *table, 1, err);
    x->flow_path = m3_calloc(n, sizeof *x->flow_path, err);
    x->path_link_off = m3_calloc(cap_paths + 1, sizeof *x->path_link_off, err);
    x->path_links = m3_calloc(cap_links, sizeof *x->path_links, err);
    if (!table || !x->flow_path || !x->path_link_off || !x->path_links)
        goto fail;
    uint32_t links[ROUND][M3_MAX_PATH_LINKS];
    int len[ROUND];
    uint64_t hash[ROUND];
    uint32_t max_dlink = 0;
    int sized = 0;
    for (size_t i0 = 0; i0 < n; i0 += ROUND) {
        int m = n - i0 < ROUND ? (int)(n - i0) : ROUND;
        for (int k = 0; k < m; k++) {
            len[k] = m3_routing_path(r, &f->v[i0 + k], links[k], M3_MAX_PATH_LINKS, err);
            if (len[k] < 0)
                goto fail;
            for (int j = 0; j < len[k]; j++)
                if (links[k][j] + 1 > max_dlink)
                    max_dlink = links[k][j] + 1;
            hash[k] = hash_links(links[k], len[k]);
#if defined(__GNUC__)
            __builtin_prefetch(&table[(size_t)hash[k] & (table_size - 1)]);
#endif
        }
        for (int k = 0; k < m; k++) {
            uint64_t h = hash[k];
            size_t slot = (size_t)h & (table_size - 1);
            uint32_t found = UINT32_MAX;
            for (uint64_t v; (v = table[slot]); slot = (slot + 1) & (table_size - 1)) {
                if ((v ^ h) >> 32)
                    continue;
                uint32_t p = SLOT_PATH(v), off = x->path_link_off[p];
                if (x->path_link_off[p + 1] - off == (uint32_t)len[k] &&
                    !memcmp(x->path_links + off, links[k], (size_t)len[k] * sizeof **links)) {
                    found = p;
                    break;
                }
            }
            if (found == UINT32_MAX) {
                found = x->num_paths++;
                if (x->num_paths + 1 > cap_paths) {
                    cap_paths *= 2;
                    uint32_t *o = m3_realloc_array(x->path_link_off, cap_paths + 1, sizeof *o, err);
                    if (!o)
                        goto fail;
                    x->path_link_off = o;
                }
                if (used_links + (size_t)len[k] > cap_links) {
                    while (used_links + (size_t)len[k] > cap_links)
                        cap_links *= 2;
                    uint32_t *o = m3_realloc_array(x->path_links, cap_links, sizeof *o, err);
                    if (!o)
                        goto fail;
                    x->path_links = o;
                }
                memcpy(x->path_links + used_links, links[k], (size_t)len[k] * sizeof **links);
                used_links += (size_t)len[k];
                x->path_link_off[found + 1] = (uint32_t)used_links;
                table[slot] = SLOT(h, found);
                if (x->num_paths > FULL(table_size) &&
                    rebuild_table(&table, table_size *= 2, x, err))
                    goto fail;
            }
            x->flow_path[i0 + k] = found;
        }
        /* after the first 64th of the flows, the table at once at the size
         * its growth would reach if paths kept coming at the rate so far
         * (paths grow more slowly than flows: at most one per flow), which
         * spares most of the rebuilds of a table of millions of paths */
        size_t done = i0 + (size_t)m;
        if (!sized && done >= n / 64) {
            sized = 1;
            size_t want = (size_t)((double)x->num_paths * ((double)n / (double)done)),
                   s = table_size;
            while (FULL(s) < want)
                s *= 2;
            if (s > table_size && rebuild_table(&table, table_size = s, x, err))
                goto fail;
        }
    }
    free(table);
    table = NULL;

    /* path -> flows */
    uint32_t np = x->num_paths;
    x->path_flow_off = m3_calloc(np + 1, sizeof *x->path_flow_off, err);
    x->path_flows = m3_calloc(n, sizeof *x->path_flows, err);
    if (!x->path_flow_off || !x->path_flows)
        goto fail;
    for (size_t i = 0; i < n; i++)
        x->path_flow_off[x->flow_path[i] + 1]++;
    for (uint32_t p = 0; p < np; p++)
        x->path_flow_off[p + 1] += x->path_flow_off[p];
    uint32_t *fill = m3_calloc(np + 1, sizeof *fill, err);
    if (!fill)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        uint32_t p = x->flow_path[i];
        x->path_flows[x->path_flow_off[p] + fill[p]++] = (uint32_t)i;
    }
    free(fill);

    /* dlink -> flows */
    x->num_dlinks = max_dlink;
    x->link_flow_off = m3_calloc((size_t)max_dlink + 1, sizeof *x->link_flow_off, err);
    if (!x->link_flow_off)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        uint32_t p = x->flow_path[i];
        for (uint32_t k = x->path_link_off[p]; k < x->path_link_off[p + 1]; k++)
            x->link_flow_off[x->path_links[k] + 1]++;
    }
    for (uint32_t l = 0; l < max_dlink; l++)
        x->link_flow_off[l + 1] += x->link_flow_off[l];
    x->link_flows = alloc_big(x->link_flow_off[max_dlink], sizeof *x->link_flows, 0, err);
    size_t *lfill = m3_calloc((size_t)max_dlink + 1, sizeof *lfill, err);
    if (!x->link_flows || !lfill) {
        free(lfill);
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t p = x->flow_path[i];
        for (uint32_t k = x->path_link_off[p]; k < x->path_link_off[p + 1]; k++) {
            uint32_t l = x->path_links[k];
            x->link_flows[x->link_flow_off[l] + lfill[l]++] = (uint32_t)i;
        }
    }
    free(lfill);
    return x;
fail:
    free(table);
    m3_route_index_free(x);
    return NULL;
}

uint32_t m3_route_index_num_paths(const m3_route_index *x) { return x->num_paths; }
size_t m3_route_index_num_flows(const m3_route_index *x)
{
    return x->path_flow_off ? x->path_flow_off[x->num_paths] : 0;
}
uint32_t m3_route_index_flow_path(const m3_route_index *x, size_t flow)
{
    return x->flow_path[flow];
}

const uint32_t *m3_route_index_path_links(const m3_route_index *x, uint32_t path, uint32_t *n)
{
    *n = x->path_link_off[path + 1] - x->path_link_off[path];
    return x->path_links + x->path_link_off[path];
}

const uint32_t *m3_route_index_path_flows(const m3_route_index *x, uint32_t path, size_t *n)
{
    *n = x->path_flow_off[path + 1] - x->path_flow_off[path];
    return x->path_flows + x->path_flow_off[path];
}

const uint32_t *m3_route_index_link_flows(const m3_route_index *x, uint32_t dlink, size_t *n)
{
    if (dlink >= x->num_dlinks) {
        *n = 0;
        return x->link_flows;
    }
    *n = x->link_flow_off[dlink + 1] - x->link_flow_off[dlink];
    return x->link_flows + x->link_flow_off[dlink];
}

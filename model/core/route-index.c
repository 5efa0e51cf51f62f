/* SPDX-License-Identifier: GPL-2.0-only */
/* route-index.c - per-flow routes grouped into distinct paths, with the
 * indexes the estimator needs: flow -> path, path -> links and foreground
 * flows, directed link -> flows crossing it. All arrays are CSR. */
#include "m3-internal.h"

#include <stdlib.h>
#include <string.h>

struct m3_route_index {
    uint32_t num_paths;
    uint32_t *flow_path;                  /* per flow */
    uint32_t *path_link_off, *path_links; /* CSR path -> dlinks */
    uint32_t *path_flow_off, *path_flows; /* CSR path -> flows */
    uint32_t num_dlinks;
    size_t *link_flow_off; /* CSR dlink -> flows */
    uint32_t *link_flows;
};

static uint64_t hash_links(const uint32_t *l, int n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a over link ids */
    for (int i = 0; i < n; i++) {
        h ^= l[i];
        h *= 1099511628211ull;
    }
    return h ? h : 1;
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

m3_route_index *m3_route_index_new(const m3_routing *r, const m3_flows *f, m3_error *err)
{
    m3_route_index *x = m3_calloc(1, sizeof *x, err);
    if (!x)
        return NULL;
    size_t n = f->n;
    size_t cap_paths = 64, cap_links = 256, used_links = 0;
    size_t table_size = 1024; /* open addressing, power of two */
    uint64_t *table_hash = m3_calloc(table_size, sizeof *table_hash, err);
    uint32_t *table_path = m3_calloc(table_size, sizeof *table_path, err);
    x->flow_path = m3_calloc(n, sizeof *x->flow_path, err);
    x->path_link_off = m3_calloc(cap_paths + 1, sizeof *x->path_link_off, err);
    x->path_links = m3_calloc(cap_links, sizeof *x->path_links, err);
    if (!table_hash || !table_path || !x->flow_path || !x->path_link_off || !x->path_links)
        goto fail;
    uint32_t links[M3_MAX_PATH_LINKS];
    uint32_t max_dlink = 0;
    for (size_t i = 0; i < n; i++) {
        int len = m3_routing_path(r, &f->v[i], links, M3_MAX_PATH_LINKS, err);
        if (len < 0)
            goto fail;
        for (int k = 0; k < len; k++)
            if (links[k] + 1 > max_dlink)
                max_dlink = links[k] + 1;
        uint64_t h = hash_links(links, len);
        size_t slot = (size_t)h & (table_size - 1);
        uint32_t found = UINT32_MAX;
        while (table_hash[slot]) {
            if (table_hash[slot] == h) {
                uint32_t p = table_path[slot];
                uint32_t plen = x->path_link_off[p + 1] - x->path_link_off[p];
                if (plen == (uint32_t)len &&
                    !memcmp(x->path_links + x->path_link_off[p], links, len * sizeof *links)) {
                    found = p;
                    break;
                }
            }
            slot = (slot + 1) & (table_size - 1);
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
            if (used_links + (size_t)len > cap_links) {
                while (used_links + (size_t)len > cap_links)
                    cap_links *= 2;
                uint32_t *o = m3_realloc_array(x->path_links, cap_links, sizeof *o, err);
                if (!o)
                    goto fail;
                x->path_links = o;
            }
            memcpy(x->path_links + used_links, links, len * sizeof *links);
            used_links += (size_t)len;
            x->path_link_off[found + 1] = (uint32_t)used_links;
            table_hash[slot] = h;
            table_path[slot] = found;
            if (2 * (size_t)x->num_paths > table_size) { /* grow and rehash */
                size_t ns = table_size * 2;
                uint64_t *nh = m3_calloc(ns, sizeof *nh, err);
                uint32_t *np = m3_calloc(ns, sizeof *np, err);
                if (!nh || !np) {
                    free(nh);
                    free(np);
                    goto fail;
                }
                for (size_t s = 0; s < table_size; s++) {
                    if (!table_hash[s])
                        continue;
                    size_t q = (size_t)table_hash[s] & (ns - 1);
                    while (nh[q])
                        q = (q + 1) & (ns - 1);
                    nh[q] = table_hash[s];
                    np[q] = table_path[s];
                }
                free(table_hash);
                free(table_path);
                table_hash = nh;
                table_path = np;
                table_size = ns;
            }
        }
        x->flow_path[i] = found;
    }
    free(table_hash);
    free(table_path);
    table_hash = NULL;
    table_path = NULL;

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
    x->link_flows = m3_calloc(x->link_flow_off[max_dlink], sizeof *x->link_flows, err);
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
    free(table_hash);
    free(table_path);
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

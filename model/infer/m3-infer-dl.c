/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-infer-dl.c - the inference shim's front in a build with libtorch: the
 * API of m3-infer.h, forwarded to the libtorch part (m3-infer.cc, built as
 * the plugin libm3infer-torch.so), which is loaded with dlopen on the first
 * m3_model_load.
 *
 * Design. libtorch's shared libraries register their thousands of operators
 * from static constructors when they are loaded: about 0.5 s at the start of
 * every program that links them, used or not (measured on the development
 * machine: m3-compare's flowSim mode on a small scenario takes 0.01 s
 * without libtorch linked into the ns-3 module and 0.52-0.77 s with it).
 * The ns-3 module links this front instead, which needs only libdl, so
 * flowSim, the packet mode, the training-sample generator and the test
 * runners start as fast as before, and only a program that loads a model
 * pays for libtorch, once. The plugin is found at the path the build wrote
 * into this file (M3_INFER_PLUGIN_PATH), or at $M3_INFER_PLUGIN when that is
 * set (a moved build). Its process-wide handle, opened once under
 * pthread_once and never closed (libtorch cannot be unloaded cleanly), is
 * the one global of the shim. The plugin exports the API under the same
 * names; the four that need a model are looked up in it with dlsym.
 *
 * Cost: one dlopen (the 0.5 s above) and four dlsym on the first load;
 * then one indirect call per API call.
 */
#include "m3-infer.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef M3_INFER_PLUGIN_PATH
#error "M3_INFER_PLUGIN_PATH (the path of libm3infer-torch.so) must be defined by the build"
#endif

typedef struct plugin {
    m3_model *(*load)(const char *, int, m3_error *);
    void (*free_model)(m3_model *);
    const m3_model_info *(*get_info)(const m3_model *);
    void (*predictor)(m3_model *, m3_predictor *);
    int ok;        /* 1: every function found */
    char why[400]; /* otherwise: what went wrong */
} plugin;

static plugin the_plugin;
static pthread_once_t the_plugin_once = PTHREAD_ONCE_INIT;

/* dlsym into *fn, a function pointer (the same size as void * on POSIX). */
static void find(void *h, const char *name, void *fn, const char *path, plugin *p)
{
    void *f = dlsym(h, name);
    memcpy(fn, &f, sizeof f);
    if (!f && p->ok)
        snprintf(p->why, sizeof p->why, "%s lacks %s", path, name);
    if (!f)
        p->ok = 0;
}

static void open_plugin(void)
{
    plugin *p = &the_plugin;
    const char *env = getenv("M3_INFER_PLUGIN");
    const char *path = env && env[0] ? env : M3_INFER_PLUGIN_PATH;
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(p->why, sizeof p->why,
                 "cannot load the libtorch part of m3-ns3's inference (%s; set "
                 "M3_INFER_PLUGIN to libm3infer-torch.so of this build)",
                 e ? e : path);
        return;
    }
    p->ok = 1;
    find(h, "m3_model_load", &p->load, path, p);
    find(h, "m3_model_free", &p->free_model, path, p);
    find(h, "m3_model_get_info", &p->get_info, path, p);
    find(h, "m3_model_predictor", &p->predictor, path, p);
}

m3_model *m3_model_load(const char *path, int threads, m3_error *err)
{
    pthread_once(&the_plugin_once, open_plugin);
    if (!the_plugin.ok) {
        if (err)
            snprintf(err->msg, sizeof err->msg, "%s: %s", path ? path : "(null)", the_plugin.why);
        return NULL;
    }
    return the_plugin.load(path, threads, err);
}

/* A model exists only when the plugin loaded, so these need no once. */
void m3_model_free(m3_model *m)
{
    if (m)
        the_plugin.free_model(m);
}

const m3_model_info *m3_model_get_info(const m3_model *m)
{
    return m ? the_plugin.get_info(m) : NULL;
}

void m3_model_predictor(m3_model *m, m3_predictor *out)
{
    if (m)
        the_plugin.predictor(m, out);
    else
        memset(out, 0, sizeof *out);
}

int m3_infer_available(void) { return 1; }

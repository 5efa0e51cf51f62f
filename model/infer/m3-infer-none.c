/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-infer-none.c - the inference shim of a build without libtorch.
 *
 * Design. The build compiles this file instead of m3-infer.cc when CMake
 * finds no libtorch (Debian: libtorch-dev), and always for waf-era ns-3.
 * It is a build configuration, not a stub: the API of m3-infer.h links,
 * m3_infer_available() says 0, and m3_model_load refuses with the reason
 * and the remedy, so the m3 mode can tell its user why it cannot run while
 * flowSim and the packet mode work as usual.
 *
 * Cost: none.
 */
#include "m3-infer.h"

#include <stdio.h>
#include <string.h>

m3_model *m3_model_load(const char *path, int threads, m3_error *err)
{
    (void)threads;
    if (err)
        snprintf(err->msg, sizeof err->msg,
                 "%s: m3-ns3 was built without libtorch: install libtorch-dev and reconfigure",
                 path ? path : "(null)");
    return NULL;
}

void m3_model_free(m3_model *m) { (void)m; }

const m3_model_info *m3_model_get_info(const m3_model *m)
{
    (void)m;
    return NULL;
}

void m3_model_predictor(m3_model *m, m3_predictor *out)
{
    (void)m;
    memset(out, 0, sizeof *out);
}

int m3_infer_available(void) { return 0; }

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-infer.h - the C API of the inference shim: a trained m3 checkpoint
 * (ckpts/NAME.pt, TorchScript, with NAME.json and NAME.check.bin beside it;
 * gen/export.py writes all three) loaded through libtorch and offered to the
 * C core as an m3_predictor.
 *
 * Only m3-infer.cc includes libtorch headers; everything else sees this
 * header. Conventions are the core's (m3.h): an opaque handle, 0/-1 returns
 * with the error text in m3_error, no globals of our own (but the handle of
 * the libtorch plugin, below), and no libtorch exception ever crosses into C.
 *
 * Builds (cmake/torch.cmake, library target m3infer): with libtorch, m3infer
 * is m3-infer-dl.c, which loads m3-infer.cc's plugin libm3infer-torch.so
 * with dlopen on the first m3_model_load, so that programs which never load
 * a model do not pay libtorch's start-up (about 0.5 s); without libtorch it
 * is m3-infer-none.c, whose m3_model_load refuses and says how to get it.
 *
 * Loading checks, in order, and refuses with "FILE: problem" on the first
 * failure: the metadata JSON parses and says format "m3-ckpt" version 1;
 * its feature schema equals the code's (m3_feature_schema_get(): version,
 * buckets, bounds, percentiles, field names and scaling, token size); the
 * .pt exists with the recorded size; libtorch loads it; the fixed inputs of
 * NAME.check.bin give the recorded outputs (relative 1e-4), so corrupt or
 * mismatched weights are caught at load, not at the first estimate.
 * model/infer/README.md has the details and the measured costs.
 */
#ifndef M3_INFER_H
#define M3_INFER_H

/* By its path beside this file, so that the include resolves wherever the
 * build system puts (or points to) this header: in-tree ns-3's header stubs
 * include the real file, whose directory does not hold m3.h. */
#include "../core/m3.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct m3_model m3_model;

/* What the checkpoint's metadata says about itself. */
typedef struct m3_model_info {
    char name[64]; /* e.g. "m3-medium" */
    char size[32]; /* gen/model.py size name */
    long params;   /* trainable parameters */
    int max_links, out_buckets, pcts, token_dim;
    long train_samples;
    char dataset_sha256[72];
    double model_p99_err;   /* validation: mean |p99 error|, model */
    double flowsim_p99_err; /* same for flowSim alone */
} m3_model_info;

/* `path` is NAME.pt or NAME.json (the other files are found beside it).
 * `threads` > 0 sets libtorch's intra-op threads and OpenBLAS's threads
 * (process-wide settings); 0 leaves their defaults. NULL + err on any
 * failure. */
m3_model *m3_model_load(const char *path, int threads, m3_error *err);
void m3_model_free(m3_model *m);
const m3_model_info *m3_model_get_info(const m3_model *m);
/* An m3_predictor over the model (valid while the model lives): predict
 * runs the TorchScript forward without gradients; training ranges come
 * from the metadata's training_ranges (cfg: configuration keys; fields:
 * the raw range of every feature field). */
void m3_model_predictor(m3_model *m, m3_predictor *out);
/* 1 when this build has libtorch; 0 when m3_model_load can only fail
 * (saying how to build with it). */
int m3_infer_available(void);

#ifdef __cplusplus
}
#endif
#endif /* M3_INFER_H */

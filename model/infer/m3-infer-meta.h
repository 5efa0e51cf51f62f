// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-infer-meta.h - the checkpoint metadata (gen/export.py's NAME.json) of
 * the inference shim, parsed and checked without libtorch, so that the
 * checks are fuzzed (test/fuzz/fuzz-ckpt-meta.cc) and the plugin
 * (m3-infer.cc) only loads what passed them. Internal to model/infer/.
 */
#ifndef M3_INFER_META_H
#define M3_INFER_META_H

#include "m3-infer.h"

#include <string>
#include <vector>

/** What NAME.json says, once it passed every check. */
struct M3CkptMeta
{
    m3_model_info info;                //!< name, size, shape, validation numbers
    std::vector<m3_range> cfgRanges;   //!< training_ranges.cfg, file order
    std::vector<m3_range> fieldRanges; //!< training_ranges.fields.*.raw, schema order
    long fileBytes = 0;                //!< the size NAME.pt must have
};

/**
 * Parses \p text, the content of \p file, and checks steps 1-3 of
 * m3-infer.cc's design: the JSON parses (line and column in the message),
 * format "m3-ckpt" version 1, the schema equals this build's item by item,
 * model.max_links / out_buckets / pcts / token_dim agree with it,
 * training_ranges are well formed, file_bytes is an integer. True and
 * \p out filled, or false and \p error = "FILE: problem". Never throws.
 */
bool M3CkptMetaParse(const std::string& text,
                     const std::string& file,
                     M3CkptMeta* out,
                     std::string* error);

#endif /* M3_INFER_META_H */

// SPDX-License-Identifier: GPL-2.0-only
// fuzz-ckpt-meta - the checkpoint metadata checks (M3CkptMetaParse) on any
// bytes: no exception escapes, a refusal names the file, an accepted
// metadata has the schema's shape and well-ordered ranges.
#include "m3-infer-meta.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    std::string text(reinterpret_cast<const char*>(data), size);
    M3CkptMeta meta;
    std::string error;
    if (!M3CkptMetaParse(text, "fuzz.json", &meta, &error))
    {
        if (error.compare(0, 11, "fuzz.json: ") != 0)
        {
            std::fprintf(stderr, "refusal without the file name: %s\n", error.c_str());
            std::abort();
        }
        return 0;
    }
    const m3_feature_schema* s = m3_feature_schema_get();
    if (meta.info.max_links < 1 || meta.info.max_links > M3_MAX_PATH_LINKS ||
        meta.info.token_dim != s->token_dim || meta.info.pcts != s->pcts ||
        meta.info.out_buckets != s->out_buckets || meta.fileBytes < 0)
    {
        std::fprintf(stderr, "accepted a metadata of another shape\n");
        std::abort();
    }
    for (const auto& r : meta.cfgRanges)
    {
        if (!(r.lo <= r.hi))
        {
            std::fprintf(stderr, "accepted range %s [%g, %g]\n", r.name, r.lo, r.hi);
            std::abort();
        }
    }
    return 0;
}

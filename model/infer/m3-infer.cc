// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-infer.cc - the inference shim: a trained m3 checkpoint (gen/export.py's
 * NAME.pt, NAME.json, NAME.check.bin) loaded through libtorch and offered to
 * the C core as an m3_predictor. API and conventions: m3-infer.h. This is
 * the only file of the project that includes libtorch headers.
 *
 * Design. m3_model_load reads NAME.json (checked by m3-infer-meta.cc, with
 * nlohmann-json and without libtorch, so that it is fuzzed) and refuses, with
 * "FILE: problem" and a NULL return, at the first of these that fails:
 *   1. the JSON parses (the message gives line and column) and says format
 *      "m3-ckpt", format_version 1;
 *   2. its schema equals m3_feature_schema_get() item by item (version
 *      first, then buckets and bounds, percentiles, every field's name, lo
 *      and hi, token_dim), and the message names the first difference;
 *   3. model.max_links / out_buckets / pcts / token_dim agree with the schema
 *      (max_links in 1..M3_MAX_PATH_LINKS), training_ranges are well formed;
 *   4. NAME.pt exists with the file_bytes the JSON records (a truncated or
 *      replaced file stops here) and torch::jit::load accepts it;
 *   5. NAME.check.bin ("M3CK", int32 version 1, B, L, D, O, P, then float32
 *      fg, links, mask, expected; little-endian) has the model's shape and
 *      exactly its size, and its inputs, run through the same Predict() the
 *      predictor uses, give its outputs within relative 1e-4: weights that
 *      libtorch reads but that are corrupt are refused here, at load.
 * No exception crosses into C: every entry point catches Refusal (our own,
 * thrown by the checks), c10::Error, std::exception and anything else.
 * Predict wraps the caller's buffers with from_blob (no copy; the mask is
 * turned into bool, B x L bytes), runs forward under c10::InferenceMode,
 * checks the output is [B, out_buckets, pcts] and finite, and copies it out.
 * The model owns its training ranges (m3_range vectors) and its info.
 *
 * Built as the plugin libm3infer-torch.so, which m3-infer-dl.c (the m3infer
 * library that programs link) loads with dlopen on the first m3_model_load,
 * so that only programs that load a model pay libtorch's start-up.
 *
 * Cost (m3-small: 1.0 M parameters, 4.1 MB; the shipped m3-medium, 3.9 M
 * parameters, 15.8 MB, predicts 500 paths in 225-265 ms), measured with
 * test-infer on the
 * 2-core development machine while other jobs kept its load average at 3-6,
 * wall time: the first load in a process 0.82-1.0 s, about 0.6 s of it
 * libtorch's own start-up (the dlopen); a later load 0.04-0.13 s (JSON,
 * torch::jit::load, the 6-path check); predict of 500 paths 83-220 ms
 * (median; 77-200 ms best) with 1 intra-op thread, in one batch or in
 * batches of 128, and 3 to 8 times that with 2 intra-op threads: libgomp's
 * threads spin while Debian's OpenBLAS runs the matrix products on threads
 * of its own (every core, whatever at::set_num_threads says), so on a small
 * busy machine 1 is the setting to use. gen/export.py measured 79 ms with
 * Python on a quieter machine. Since then a load with threads > 0 sets
 * OpenBLAS's threads too, and runs the graph executor without profiling,
 * whose first forwards instrumented and re-optimised the graph: m3-medium,
 * 1 thread, CPU time of the first batch of 128 paths in a process 110-118
 * ms before, 73-80 ms after (about 65 ms for later batches, 220 ms for 500
 * paths).
 */
#include "m3-infer.h"

#include "m3-infer-meta.h"
#include "m3-infer-refusal.h"

#include <ATen/Parallel.h>
#include <algorithm>
#include <c10/core/InferenceMode.h>
#include <cerrno>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <dlfcn.h>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/script.h>
#include <vector>

struct m3_model
{
    torch::jit::script::Module module;
    m3_model_info info;
    std::string ptPath;                // for messages
    int threads;                       // > 0: re-applied before each forward
    std::vector<m3_range> cfgRanges;   // training_ranges.cfg, file order
    std::vector<m3_range> fieldRanges; // training_ranges.fields.*.raw, schema order
};

namespace
{

const double kCheckTolerance = 1e-4; // relative, per output value

using m3infer::Refusal;
using m3infer::Refuse;
using m3infer::Str;

int
Fail(m3_error* err, const std::string& msg)
{
    if (err)
    {
        snprintf(err->msg, sizeof err->msg, "%s", msg.c_str());
    }
    return -1;
}

// libtorch's messages carry a C++ stack trace after the first line.
std::string
FirstLine(const char* s)
{
    std::string t(s);
    return t.substr(0, t.find('\n'));
}

// OpenBLAS, which Debian's libtorch multiplies with, runs threads of its own
// whatever at::set_num_threads says, and they spin between products: its
// own setter, where the process has it (another BLAS: nothing to do).
void
SetBlasThreads(int threads)
{
    void* h = dlopen("libopenblas.so.0", RTLD_LAZY | RTLD_NOLOAD);
    if (!h)
    {
        return;
    }
    void* f = dlsym(h, "openblas_set_num_threads");
    if (f)
    {
        reinterpret_cast<void (*)(int)>(f)(threads);
    }
    dlclose(h);
}

// ---------------------------------------------------------------- check data

struct CheckData
{
    int32_t b, l, d, o, p;
    std::vector<float> fg, links, expected;
    std::vector<uint8_t> mask;
};

CheckData
ReadCheck(const std::string& file, const m3_model_info& info)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
    {
        Refuse(file, "cannot open: %s", strerror(errno));
    }
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    int32_t h[6];
    if (bytes.size() < 4 + sizeof h || memcmp(bytes.data(), "M3CK", 4) != 0)
    {
        Refuse(file, "not a check file (no \"M3CK\" header)");
    }
    memcpy(h, bytes.data() + 4, sizeof h);
    if (h[0] != 1)
    {
        Refuse(file, "check file version %d, this build reads 1", h[0]);
    }
    CheckData c{h[1], h[2], h[3], h[4], h[5], {}, {}, {}, {}};
    if (c.b < 1 || c.b > 4096 || c.l != info.max_links || c.d != info.token_dim ||
        c.o != info.out_buckets || c.p != info.pcts)
    {
        Refuse(file,
               "shape B %d, L %d, D %d, O %d, P %d; the model takes B 1..4096, L %d, "
               "D %d, O %d, P %d",
               c.b,
               c.l,
               c.d,
               c.o,
               c.p,
               info.max_links,
               info.token_dim,
               info.out_buckets,
               info.pcts);
    }
    size_t nfg = size_t(c.b) * c.d, nl = size_t(c.b) * c.l * c.d, nm = size_t(c.b) * c.l;
    size_t ne = size_t(c.b) * c.o * c.p;
    size_t want = 4 + sizeof h + 4 * (nfg + nl + nm + ne);
    if (bytes.size() != want)
    {
        Refuse(file,
               "%zu bytes, its header's shape needs %zu (%s)",
               bytes.size(),
               want,
               bytes.size() < want ? "truncated" : "trailing data");
    }
    const char* p = bytes.data() + 4 + sizeof h;
    auto take = [&p](std::vector<float>& v, size_t n)
    {
        v.resize(n);
        memcpy(v.data(), p, 4 * n);
        p += 4 * n;
    };
    std::vector<float> mask;
    take(c.fg, nfg);
    take(c.links, nl);
    take(mask, nm);
    take(c.expected, ne);
    for (float x : mask)
    {
        c.mask.push_back(x > 0.5f ? 1 : 0);
    }
    return c;
}

// ---------------------------------------------------------------- predict

int
Predict(void* ctx,
        int batch,
        const float* fg,
        const float* links,
        const uint8_t* mask,
        float* out,
        m3_error* err)
{
    m3_model* m = static_cast<m3_model*>(ctx);
    const char* pt = m ? m->ptPath.c_str() : "m3 model";
    try
    {
        if (!m || batch < 1 || !fg || !links || !mask || !out)
        {
            return Fail(err, std::string(pt) + ": predict: no model, batch < 1 or a NULL buffer");
        }
        const int64_t b = batch, l = m->info.max_links, d = m->info.token_dim;
        const int64_t o = m->info.out_buckets, p = m->info.pcts;
        if (m->threads > 0)
        {
            at::set_num_threads(m->threads); // libtorch's setting is per calling thread too
        }
        c10::InferenceMode guard;
        // forward reads its inputs only, so the caller's const buffers are safe
        torch::Tensor f = torch::from_blob(const_cast<float*>(fg), {b, d}, torch::kFloat32);
        torch::Tensor k = torch::from_blob(const_cast<float*>(links), {b, l, d}, torch::kFloat32);
        torch::Tensor ok =
            torch::from_blob(const_cast<uint8_t*>(mask), {b, l}, torch::kUInt8).ne(0);
        torch::Tensor y = m->module.forward({f, k, ok}).toTensor();
        if (y.dim() != 3 || y.size(0) != b || y.size(1) != o || y.size(2) != p)
        {
            return Fail(err,
                        Str("%s: predict: output shape %s, expected [%d, %d, %d]",
                            pt,
                            c10::str(y.sizes()).c_str(),
                            batch,
                            int(o),
                            int(p)));
        }
        y = y.to(torch::kFloat32).contiguous();
        const float* v = y.data_ptr<float>();
        for (int64_t i = 0; i < b * o * p; i++)
        {
            if (!std::isfinite(v[i]))
            {
                return Fail(err,
                            Str("%s: predict: path %d of the batch gives a non-finite "
                                "slowdown (%g)",
                                pt,
                                int(i / (o * p)),
                                double(v[i])));
            }
        }
        memcpy(out, v, sizeof(float) * b * o * p);
        return 0;
    }
    catch (const c10::Error& e)
    {
        return Fail(err,
                    std::string(pt) +
                        ": predict: libtorch: " + FirstLine(e.what_without_backtrace()));
    }
    catch (const std::exception& e)
    {
        return Fail(err, std::string(pt) + ": predict: " + e.what());
    }
    catch (...)
    {
        return Fail(err, std::string(pt) + ": predict: unknown C++ exception");
    }
}

// Step 5: the check inputs through Predict must give Python's outputs.
void
RunCheck(m3_model* m, const std::string& file)
{
    CheckData c = ReadCheck(file, m->info);
    std::vector<float> y(c.expected.size());
    m3_error err;
    if (Predict(m, c.b, c.fg.data(), c.links.data(), c.mask.data(), y.data(), &err) != 0)
    {
        throw Refusal{std::string(err.msg) + " (on " + file + ")"};
    }
    double worst = 0;
    size_t at = 0;
    for (size_t i = 0; i < y.size(); i++)
    {
        double e = c.expected[i];
        double r = std::fabs(y[i] - e) / std::max(std::fabs(e), 1e-12);
        if (!(r <= worst))
        {
            worst = r, at = i; // NaN-safe: a NaN error is the worst
        }
    }
    if (!(worst <= kCheckTolerance))
    {
        size_t op = size_t(c.o) * c.p;
        Refuse(m->ptPath,
               "output differs from %s: relative error %g (tolerance %g) at path "
               "%zu, bucket %zu, p%zu (%g, expected %g): corrupt or mismatched weights",
               file.c_str(),
               worst,
               kCheckTolerance,
               at / op,
               at % op / c.p,
               at % c.p + 1,
               double(y[at]),
               double(c.expected[at]));
    }
}

bool
EndsWith(const std::string& s, const std::string& tail)
{
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

m3_model*
Load(const char* path, int threads)
{
    std::string p = path ? path : "";
    std::string base;
    if (EndsWith(p, ".pt"))
    {
        base = p.substr(0, p.size() - 3);
    }
    else if (EndsWith(p, ".json"))
    {
        base = p.substr(0, p.size() - 5);
    }
    else
    {
        Refuse(p, "expected a checkpoint's NAME.pt or NAME.json");
    }
    std::string jsonPath = base + ".json", ptPath = base + ".pt", checkPath = base + ".check.bin";
    // 1-3: metadata (m3-infer-meta.cc)
    std::ifstream in(jsonPath, std::ios::binary);
    if (!in)
    {
        Refuse(jsonPath, "cannot open: %s", strerror(errno));
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    M3CkptMeta meta;
    std::string why;
    if (!M3CkptMetaParse(text, jsonPath, &meta, &why))
    {
        throw Refusal{why};
    }
    std::unique_ptr<m3_model> m(new m3_model());
    m->ptPath = ptPath;
    m->threads = threads;
    m->info = meta.info;
    m->cfgRanges = meta.cfgRanges;
    m->fieldRanges = meta.fieldRanges;

    // 4: the TorchScript file
    long bytes = meta.fileBytes;
    std::ifstream pt(ptPath, std::ios::binary | std::ios::ate);
    if (!pt)
    {
        Refuse(ptPath, "cannot open: %s", strerror(errno));
    }
    long have = static_cast<long>(pt.tellg());
    pt.close();
    if (have != bytes)
    {
        Refuse(ptPath,
               "%ld bytes, %s records %ld (%s)",
               have,
               jsonPath.c_str(),
               bytes,
               have < bytes ? "truncated" : "a different file");
    }
    if (threads > 0)
    {
        at::set_num_threads(threads);
        SetBlasThreads(threads);
    }
    // The graph executor without profiling: the profiling one spends the
    // first forwards of a process instrumenting and re-optimising the graph
    // (about 40 ms of CPU more for m3-medium's first batch of 128 paths);
    // this one optimises the graph once, to the same outputs bit for bit.
    // A process-wide setting of libtorch, which only this file uses.
    torch::jit::getProfilingMode() = false;
    try
    {
        m->module = torch::jit::load(ptPath);
    }
    catch (const c10::Error& e)
    {
        Refuse(ptPath,
               "libtorch cannot load it: %s",
               FirstLine(e.what_without_backtrace()).c_str());
    }
    m->module.eval();

    // 5: the recorded inputs give the recorded outputs
    RunCheck(m.get(), checkPath);
    return m.release();
}

} // namespace

// ---------------------------------------------------------------- C API

extern "C" m3_model*
m3_model_load(const char* path, int threads, m3_error* err)
{
    std::string where = path ? path : "(null)";
    try
    {
        return Load(path, threads);
    }
    catch (const Refusal& r)
    {
        Fail(err, r.msg);
    }
    catch (const c10::Error& e)
    {
        Fail(err, where + ": libtorch: " + FirstLine(e.what_without_backtrace()));
    }
    catch (const std::exception& e)
    {
        Fail(err, where + ": " + e.what());
    }
    catch (...)
    {
        Fail(err, where + ": unknown C++ exception");
    }
    return nullptr;
}

extern "C" void
m3_model_free(m3_model* m)
{
    try
    {
        delete m;
    }
    catch (...)
    {
    }
}

extern "C" const m3_model_info*
m3_model_get_info(const m3_model* m)
{
    return m ? &m->info : nullptr;
}

extern "C" void
m3_model_predictor(m3_model* m, m3_predictor* out)
{
    memset(out, 0, sizeof *out);
    if (!m)
    {
        return;
    }
    out->ctx = m;
    out->max_links = m->info.max_links;
    out->predict = Predict;
    out->cfg_ranges = m->cfgRanges.empty() ? nullptr : m->cfgRanges.data();
    out->num_cfg_ranges = static_cast<int>(m->cfgRanges.size());
    out->field_ranges = m->fieldRanges.empty() ? nullptr : m->fieldRanges.data();
    out->num_field_ranges = static_cast<int>(m->fieldRanges.size());
}

extern "C" int
m3_infer_available(void)
{
    return 1;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-infer-meta.cc - checkpoint metadata checks of the inference shim (see
 * m3-infer-meta.h): nlohmann-json and the C core's feature schema, no
 * libtorch. Every refusal reads "FILE: problem"; no exception leaves
 * M3CkptMetaParse.
 */
#include "m3-infer-meta.h"

#include "m3-infer-refusal.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>

using Json = nlohmann::ordered_json; // keeps the file's key order (cfg ranges)

namespace
{

using m3infer::Refusal;
using m3infer::Refuse;
using m3infer::Str;

// ---------------------------------------------------------------- JSON access

// The value at a dotted key ("model.max_links"), or nullptr when absent.
const Json*
Find(const Json& j, const std::string& dotted)
{
    const Json* v = &j;
    size_t start = 0;
    while (true)
    {
        size_t dot = dotted.find('.', start);
        std::string key = dotted.substr(start, dot - start);
        if (!v->is_object() || !v->contains(key))
        {
            return nullptr;
        }
        v = &(*v)[key];
        if (dot == std::string::npos)
        {
            return v;
        }
        start = dot + 1;
    }
}

double
Number(const Json* v, const std::string& file, const std::string& key)
{
    if (!v || !v->is_number())
    {
        Refuse(file, "%s: missing or not a number", key.c_str());
    }
    return v->get<double>();
}

long
Integer(const Json* v, const std::string& file, const std::string& key)
{
    double x = Number(v, file, key);
    if (x != std::floor(x) || std::fabs(x) > 1e15)
    {
        Refuse(file, "%s: %g is not an integer", key.c_str(), x);
    }
    return static_cast<long>(x);
}

std::string
String(const Json* v, const std::string& file, const std::string& key)
{
    if (!v || !v->is_string())
    {
        Refuse(file, "%s: missing or not a string", key.c_str());
    }
    return v->get<std::string>();
}

// Optional values for the info: absent or of another type gives `dflt`.
double
OptNumber(const Json& j, const char* key, double dflt)
{
    const Json* v = Find(j, key);
    return v && v->is_number() ? v->get<double>() : dflt;
}

void
OptString(const Json& j, const char* key, char* out, size_t size)
{
    const Json* v = Find(j, key);
    snprintf(out, size, "%s", v && v->is_string() ? v->get<std::string>().c_str() : "");
}

Json
ParseJson(const std::string& text, const std::string& file)
{
    try
    {
        return Json::parse(text);
    }
    catch (const Json::parse_error& e)
    {
        // "[json.exception.parse_error.101] parse error at line 3, column 5:
        // syntax error ...; last read: '<up to a line of text>'"
        std::string w = e.what();
        size_t at = w.find("parse error at ");
        w = at == std::string::npos ? w : w.substr(at + 15);
        w = w.substr(0, w.find("; last read:"));
        const char* hint = w.find("invalid literal") == std::string::npos
                               ? ""
                               : " (NaN or Infinity? Python writes them, JSON has none)";
        Refuse(file, "invalid JSON: %s%s", w.c_str(), hint);
    }
}

// ---------------------------------------------------------------- checks

bool
Same(double a, double b)
{
    return std::fabs(a - b) <= 1e-12 * std::max(1.0, std::fabs(b));
}

void
CheckInt(const Json& s, const std::string& file, const char* key, long want)
{
    long have = Integer(Find(s, key), file, std::string("schema.") + key);
    if (have != want)
    {
        Refuse(file, "schema %s is %ld, this build's is %ld", key, have, want);
    }
}

void
CheckBounds(const Json& s, const std::string& file, const char* key, const uint64_t* want, int n)
{
    const Json* v = Find(s, key);
    if (!v || !v->is_array() || v->size() != static_cast<size_t>(n))
    {
        Refuse(file, "schema %s: not a list of %d bounds as in this build", key, n);
    }
    for (int i = 0; i < n; i++)
    {
        long have = Integer(&(*v)[i], file, Str("schema.%s[%d]", key, i));
        if (have != static_cast<long>(want[i]))
        {
            Refuse(file,
                   "schema %s[%d] is %ld, this build's is %lu",
                   key,
                   i,
                   have,
                   static_cast<unsigned long>(want[i]));
        }
    }
}

// The schema recorded with the model must be the one this build computes
// features with; the first difference is named.
void
CheckSchema(const Json& j, const std::string& file, const m3_feature_schema* c)
{
    const Json* sp = Find(j, "schema");
    if (!sp || !sp->is_object())
    {
        Refuse(file, "no schema object");
    }
    const Json& s = *sp;
    long version = Integer(Find(s, "version"), file, "schema.version");
    if (version != c->version)
    {
        Refuse(file,
               "schema version %ld, this build reads version %d (train and export a "
               "model on schema %d data: gen/README.md)",
               version,
               c->version,
               c->version);
    }
    CheckInt(s, file, "in_buckets", c->in_buckets);
    CheckBounds(s, file, "in_bounds", c->in_bounds, c->in_buckets - 1);
    CheckInt(s, file, "pcts", c->pcts);
    CheckInt(s, file, "out_buckets", c->out_buckets);
    CheckBounds(s, file, "out_bounds", c->out_bounds, c->out_buckets - 1);
    const Json* f = Find(s, "fields");
    if (!f || !f->is_array() || f->size() != static_cast<size_t>(c->num_fields))
    {
        Refuse(file, "schema fields: not a list of %d fields as in this build", c->num_fields);
    }
    for (int i = 0; i < c->num_fields; i++)
    {
        const m3_feature_field& cf = c->fields[i];
        std::string key = Str("schema.fields[%d]", i);
        std::string name = String(Find((*f)[i], "name"), file, key + ".name");
        if (name != cf.name)
        {
            Refuse(file, "schema field %d is '%s', this build's is '%s'", i, name.c_str(), cf.name);
        }
        double lo = Number(Find((*f)[i], "lo"), file, key + ".lo");
        double hi = Number(Find((*f)[i], "hi"), file, key + ".hi");
        if (!Same(lo, cf.lo) || !Same(hi, cf.hi))
        {
            Refuse(file,
                   "schema field '%s' scales [%g, %g], this build [%g, %g]",
                   cf.name,
                   lo,
                   hi,
                   cf.lo,
                   cf.hi);
        }
    }
    CheckInt(s, file, "token_dim", c->token_dim);
}

// "model": what the TorchScript module takes and returns.
void
CheckModel(const Json& j, const std::string& file, const m3_feature_schema* c, m3_model_info* info)
{
    info->max_links =
        static_cast<int>(Integer(Find(j, "model.max_links"), file, "model.max_links"));
    info->out_buckets =
        static_cast<int>(Integer(Find(j, "model.out_buckets"), file, "model.out_buckets"));
    info->pcts = static_cast<int>(Integer(Find(j, "model.pcts"), file, "model.pcts"));
    info->token_dim =
        static_cast<int>(Integer(Find(j, "model.token_dim"), file, "model.token_dim"));
    if (info->max_links < 1 || info->max_links > M3_MAX_PATH_LINKS)
    {
        Refuse(file, "model.max_links %d is outside 1..%d", info->max_links, M3_MAX_PATH_LINKS);
    }
    if (info->token_dim != c->token_dim)
    {
        Refuse(file,
               "model.token_dim %d, the schema's token_dim is %d",
               info->token_dim,
               c->token_dim);
    }
    if (info->out_buckets != c->out_buckets)
    {
        Refuse(file, "model.out_buckets %d, the schema has %d", info->out_buckets, c->out_buckets);
    }
    if (info->pcts != c->pcts)
    {
        Refuse(file, "model.pcts %d, the schema has %d", info->pcts, c->pcts);
    }
}

m3_range
Range(const std::string& name, const Json* v, const std::string& file, const std::string& key)
{
    if (!v || !v->is_array() || v->size() != 2)
    {
        Refuse(file, "%s: not a [lo, hi] pair", key.c_str());
    }
    m3_range r;
    if (name.size() >= sizeof r.name)
    {
        Refuse(file, "%s: name longer than %zu characters", key.c_str(), sizeof r.name - 1);
    }
    snprintf(r.name, sizeof r.name, "%s", name.c_str());
    r.lo = Number(&(*v)[0], file, key + "[0]");
    r.hi = Number(&(*v)[1], file, key + "[1]");
    if (!(r.lo <= r.hi))
    {
        Refuse(file, "%s: lo %g > hi %g", key.c_str(), r.lo, r.hi);
    }
    return r;
}

// training_ranges (optional as a whole or per part): cfg {key: [lo, hi]} in
// file order; fields {name: {"raw": [lo, hi]}} for every schema field.
void
ReadRanges(const Json& j, const std::string& file, const m3_feature_schema* c, M3CkptMeta* m)
{
    const Json* cfg = Find(j, "training_ranges.cfg");
    if (cfg && cfg->is_object())
    {
        for (const auto& kv : cfg->items())
        {
            m->cfgRanges.push_back(
                Range(kv.key(), &kv.value(), file, "training_ranges.cfg." + kv.key()));
        }
    }
    const Json* fields = Find(j, "training_ranges.fields");
    if (fields && fields->is_object())
    {
        for (int i = 0; i < c->num_fields; i++)
        {
            std::string key = std::string("training_ranges.fields.") + c->fields[i].name;
            m->fieldRanges.push_back(
                Range(c->fields[i].name, Find(j, key + ".raw"), file, key + ".raw"));
        }
    }
}

void
Parse(const std::string& text, const std::string& file, M3CkptMeta* out)
{
    const m3_feature_schema* schema = m3_feature_schema_get();
    Json j = ParseJson(text, file);
    if (!j.is_object())
    {
        Refuse(file, "not a JSON object");
    }
    std::string format = String(Find(j, "format"), file, "format");
    if (format != "m3-ckpt")
    {
        Refuse(file, "format '%s', expected 'm3-ckpt'", format.c_str());
    }
    long version = Integer(Find(j, "format_version"), file, "format_version");
    if (version != 1)
    {
        Refuse(file, "format_version %ld, this build reads 1", version);
    }
    CheckSchema(j, file, schema);
    m3_model_info* info = &out->info;
    std::memset(info, 0, sizeof *info);
    CheckModel(j, file, schema, info);
    ReadRanges(j, file, schema, out);
    OptString(j, "name", info->name, sizeof info->name);
    OptString(j, "model.size", info->size, sizeof info->size);
    OptString(j, "dataset_sha256", info->dataset_sha256, sizeof info->dataset_sha256);
    info->params = static_cast<long>(OptNumber(j, "model.params", -1));
    info->train_samples = static_cast<long>(OptNumber(j, "train_samples", -1));
    info->model_p99_err = OptNumber(j, "validation.model_p99_err", NAN);
    info->flowsim_p99_err = OptNumber(j, "validation.flowsim_p99_err", NAN);
    out->fileBytes = Integer(Find(j, "file_bytes"), file, "file_bytes");
    if (out->fileBytes < 0)
    {
        Refuse(file, "file_bytes %ld is negative", out->fileBytes);
    }
}

} // namespace

bool
M3CkptMetaParse(const std::string& text,
                const std::string& file,
                M3CkptMeta* out,
                std::string* error)
{
    try
    {
        M3CkptMeta m;
        Parse(text, file, &m);
        *out = std::move(m);
        return true;
    }
    catch (const Refusal& r)
    {
        *error = r.msg;
    }
    catch (const std::exception& e)
    {
        *error = file + ": " + e.what();
    }
    catch (...)
    {
        *error = file + ": unknown C++ exception";
    }
    return false;
}

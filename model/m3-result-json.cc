// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-result-json.cc - summary.json from M3Results with nlohmann-json,
 * written atomically by the core (see the header for the layout).
 */
#include "m3-result-json.h"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace ns3
{

namespace
{

using Json = nlohmann::ordered_json;

/** A number, or null when JSON cannot hold it. */
Json
Num(double v)
{
    return std::isfinite(v) ? Json(v) : Json(nullptr);
}

/** {"p50", "p90", "p99"} of one bucket. */
Json
Pcts(const m3_bucket_stats& b)
{
    return Json{{"p50", Num(b.p50)}, {"p90", Num(b.p90)}, {"p99", Num(b.p99)}};
}

/** One bucket (or the overall row): n, percentiles, and the interval when there is one. */
Json
Stats(const m3_result& r,
      const m3_bucket_stats& b,
      const m3_bucket_stats* lo,
      const m3_bucket_stats* hi)
{
    Json j{{"n", b.n}, {"p50", Num(b.p50)}, {"p90", Num(b.p90)}, {"p99", Num(b.p99)}};
    if (r.has_ci && lo && hi)
    {
        j["ci_lo"] = Pcts(*lo);
        j["ci_hi"] = Pcts(*hi);
    }
    return j;
}

/** [lo, hi) of a bucket; hi null for infinity. */
void
AddRange(Json& j, const m3_bucket_stats& b)
{
    j["lo"] = b.lo;
    j["hi"] = b.hi == UINT64_MAX ? Json(nullptr) : Json(b.hi);
}

Json
Buckets(const m3_result& r)
{
    Json a = Json::array();
    for (int i = 0; i < r.summary.num_buckets; i++)
    {
        Json range;
        AddRange(range, r.summary.buckets[i]);
        Json s = Stats(r, r.summary.buckets[i], &r.ci_lo.buckets[i], &r.ci_hi.buckets[i]);
        range.update(s);
        a.push_back(std::move(range));
    }
    return a;
}

Json
PctArray(const double* v)
{
    Json a = Json::array();
    for (int k = 0; k < M3_RESULT_PCTS; k++)
    {
        a.push_back(Num(v[k]));
    }
    return a;
}

Json
RelPcts(const m3_bucket_stats& est, const m3_bucket_stats& ref)
{
    return Json{{"p50", Num(M3RelativeError(est.p50, ref.p50))},
                {"p90", Num(M3RelativeError(est.p90, ref.p90))},
                {"p99", Num(M3RelativeError(est.p99, ref.p99))}};
}

/** "vs_packet" of a non-packet mode. */
Json
VsPacket(const m3_result& r, const m3_result& packet)
{
    Json buckets = Json::array();
    for (int i = 0; i < r.summary.num_buckets && i < packet.summary.num_buckets; i++)
    {
        Json b;
        AddRange(b, r.summary.buckets[i]);
        b.update(RelPcts(r.summary.buckets[i], packet.summary.buckets[i]));
        buckets.push_back(std::move(b));
    }
    double rel[M3_RESULT_PCTS];
    for (int k = 0; k < M3_RESULT_PCTS; k++)
    {
        rel[k] = M3RelativeError(r.pct[k], packet.pct[k]);
    }
    double speedup =
        r.wall_s > 0 ? packet.wall_s / r.wall_s : std::numeric_limits<double>::quiet_NaN();
    return Json{{"speedup", Num(speedup)},
                {"rel_err",
                 {{"overall", RelPcts(r.summary.overall, packet.summary.overall)},
                  {"buckets", std::move(buckets)},
                  {"pct", PctArray(rel)}}}};
}

Json
Mode(const m3_result& r, const m3_result* packet)
{
    const std::string mode = r.mode;
    Json j;
    j["overall"] = Stats(r, r.summary.overall, &r.ci_lo.overall, &r.ci_hi.overall);
    j["buckets"] = Buckets(r);
    j["pct"] = PctArray(r.pct);
    j["num_flows"] = r.num_flows;
    j["unfinished"] = r.unfinished;
    j["wall_s"] = Num(r.wall_s);
    Json warnings = Json::array();
    for (int i = 0; i < r.num_warnings && i < M3_RESULT_MAX_WARNINGS; i++)
    {
        warnings.push_back(r.warnings[i]);
    }
    j["warnings"] = std::move(warnings);
    j["num_warnings"] = r.num_warnings;
    if (mode == "packet")
    {
        j["stop_reason"] = r.stop_reason;
        j["sim_s"] = Num(r.sim_s);
        j["data_packets"] = r.data_packets;
        j["pfc_pauses"] = r.pfc_pauses;
        j["drops"] = r.drops;
        j["timeouts"] = r.timeouts;
    }
    if (mode == "m3")
    {
        j["ci_level"] = r.has_ci ? Num(r.ci_level) : Json(nullptr);
        j["paths_sampled"] = r.paths_sampled;
        j["paths_distinct"] = r.paths_distinct;
        Json stages = Json::object();
        Json peaks = Json::object();
        for (int k = 0; k < M3_M3_STAGES; k++)
        {
            stages[m3_m3_stage_name(k)] = Num(r.stage_s[k]);
            peaks[m3_m3_stage_name(k)] = Num(r.stage_peak_mb[k]);
        }
        j["stage_s"] = stages;
        if (r.stage_peaks)
        {
            j["stage_peak_mb"] = peaks;
        }
    }
    if (packet && mode != "packet")
    {
        j["vs_packet"] = VsPacket(r, *packet);
    }
    return j;
}

} // namespace

double
M3RelativeError(double estimate, double reference)
{
    if (!std::isfinite(estimate) || !std::isfinite(reference) || reference == 0)
    {
        return std::numeric_limits<double>::quiet_NaN();
    }
    return (estimate - reference) / reference;
}

std::string
M3SummaryJson(const std::vector<const M3Result*>& results, const std::string& scenario)
{
    const m3_result* packet = nullptr;
    for (const M3Result* r : results)
    {
        if (r->GetMode() == "packet")
        {
            packet = &r->Get();
        }
    }
    Json doc;
    doc["format"] = "m3-summary";
    doc["version"] = 2;
    doc["scenario"] = scenario;
    Json modes = Json::object();
    for (const M3Result* r : results)
    {
        modes[r->GetMode()] = Mode(r->Get(), packet);
    }
    doc["modes"] = std::move(modes);
    // Text from files (scenario names, warnings) may not be UTF-8: replace
    // bad bytes rather than fail the whole summary.
    return doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

bool
M3WriteSummaryJson(const std::string& path,
                   const std::vector<const M3Result*>& results,
                   const std::string& scenario,
                   std::string* error)
{
    std::string text = M3SummaryJson(results, scenario);
    m3_error err;
    if (m3_write_file_atomic(path.c_str(), text.data(), text.size(), &err) != 0)
    {
        if (error)
        {
            *error = err.msg;
        }
        return false;
    }
    return true;
}

} // namespace ns3

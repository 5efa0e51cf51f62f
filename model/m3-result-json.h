/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-result-json.h - the one summary.json writer: the results of one run
 * (one per mode, same scenario) as a JSON document.
 *
 * Design: the document is built with nlohmann-json (no hand-made JSON
 * text; the library is private to the .cc, so users of this header need
 * none) and written with the core's m3_write_file_atomic, so a failure
 * leaves no file. Numbers that JSON cannot hold (NaN: empty buckets,
 * undefined errors) are null. Cost: about 3 KB of text per mode; linear
 * in the number of modes.
 *
 * Layout (format "m3-summary", version 2):
 *
 *   {"format": "m3-summary", "version": 2, "scenario": "...",
 *    "modes": {"<mode>": {
 *      "overall": {"n", "p50", "p90", "p99"
 *                  [, "ci_lo": {"p50", "p90", "p99"}, "ci_hi": {...}]},
 *      "buckets": [{"lo", "hi" (null = inf), "n", "p50", ... as overall}],
 *      "pct": [p1 .. p100 of the overall distribution],
 *      "num_flows", "unfinished", "wall_s",
 *      "warnings": ["..."], "num_warnings" (stored lines may be fewer),
 *      packet:  "stop_reason", "sim_s", "data_packets", "pfc_pauses",
 *               "drops", "timeouts";
 *      m3:      "ci_level", "paths_sampled", "paths_distinct",
 *               "stage_s": {"index", "sample", "flowsim", "features", "inference",
 *               "aggregate"} (m3_m3_stage), "stage_peak_mb" (the same keys,
 *               when measured);
 *      other modes, when a packet result is in the run:
 *               "vs_packet": {"speedup", "rel_err": {"overall": {"p50", "p90",
 *               "p99"}, "buckets": [{"lo", "hi", "p50", "p90", "p99"}],
 *               "pct": [...]}}  (relative error = (mode - packet) / packet)
 *   }}}
 */
#ifndef M3_RESULT_JSON_H
#define M3_RESULT_JSON_H

#include "ns3/m3-result.h"

#include <string>
#include <vector>

namespace ns3
{

/** The summary.json text of \p results (modes in order; names must differ). */
std::string M3SummaryJson(const std::vector<const M3Result*>& results, const std::string& scenario);

/**
 * Writes M3SummaryJson to \p path atomically (m3_write_file_atomic): on
 * failure nothing is left at \p path and \p error says why.
 */
bool M3WriteSummaryJson(const std::string& path,
                        const std::vector<const M3Result*>& results,
                        const std::string& scenario,
                        std::string* error);

/** (estimate - reference) / reference; NaN when either is not finite or reference is 0. */
double M3RelativeError(double estimate, double reference);

} // namespace ns3

#endif /* M3_RESULT_JSON_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-result.h - the C++ owner of one m3_result, the result type every
 * estimator (flowSim, packet, m3) fills.
 *
 * Design: M3Result holds an m3_result by value and is its only owner: the
 * constructor initialises it (m3_result_init), the destructor frees its
 * per-flow arrays (m3_result_free); moving hands the arrays over and
 * leaves the source empty; copying is not allowed (the arrays would be
 * freed twice). Core calls take Raw(); everything else reads through the
 * accessors. Writing the result out is not its job: summary.json is
 * m3-result-json.h, the table m3-result-table.h. Cost: the struct is about
 * 10 KB (warnings, three summaries, p1..p100); the per-flow arrays are
 * 8 bytes per flow each when the mode has them.
 */
#ifndef M3_RESULT_H
#define M3_RESULT_H

#include "ns3/m3.h"

#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup m3
 * \brief One estimate of a scenario's FCT slowdown distribution.
 *
 * Percentiles of an empty bucket, and every percentile of a mode that
 * failed or has not run, are NaN. Per-flow arrays (GetFctNs, ...) are
 * null for modes without per-flow results (m3).
 */
class M3Result
{
  public:
    /** An empty result of mode \p mode ("flowsim", "packet", "m3"). */
    explicit M3Result(const std::string& mode = "");
    ~M3Result();

    M3Result(M3Result&& other) noexcept;
    M3Result& operator=(M3Result&& other) noexcept;
    M3Result(const M3Result&) = delete;
    M3Result& operator=(const M3Result&) = delete;

    /** Frees everything and starts over as an empty result of \p mode. */
    void Reset(const std::string& mode);

    /** The C struct to fill, for the core's m3_result_* and m3_estimate_* calls. */
    m3_result* Raw();
    /** The C struct to read (every field; the accessors below cover the common ones). */
    const m3_result& Get() const;

    std::string GetMode() const;
    /** Overall and per-bucket n, p50, p90, p99. */
    const m3_summary& GetSummary() const;
    /** Overall slowdown percentile \p p, 1..100 (NaN outside or when empty). */
    double GetPercentile(int p) const;

    /** Whether GetCiLo/GetCiHi hold an interval (m3 mode). */
    bool HasInterval() const;
    /** Its nominal coverage, e.g. 0.95. */
    double GetCiLevel() const;
    /** Lower / upper bounds of p50, p90, p99, in GetSummary()'s layout. */
    const m3_summary& GetCiLo() const;
    const m3_summary& GetCiHi() const;

    /** Flows of the scenario. */
    size_t GetNumFlows() const;
    /** Flows left out of the percentiles (packet mode: not finished). */
    size_t GetUnfinished() const;
    /** Whether per-flow FCTs are present. */
    bool HasFlows() const;
    /** Per flow, input order, or null (GetNumFlows() entries). */
    const double* GetFctNs() const;
    const double* GetIdealNs() const;
    const double* GetFluidNs() const;

    /** The estimator's wall time in seconds. */
    double GetWallSeconds() const;
    void SetWallSeconds(double s);

    /** Stored warning lines (at most M3_RESULT_MAX_WARNINGS). */
    std::vector<std::string> GetWarnings() const;
    /** Warnings issued, including those only counted. */
    int GetNumWarnings() const;
    /** Appends a warning line (m3_result_warn). */
    void Warn(const std::string& line);

    /**
     * Takes per-flow FCTs and ideal FCTs (\p fluidNs may be null) of the
     * flows \p flows and computes the summary and p1..p100 over the flows
     * with a finite FCT (m3_result_set_fcts). False + error on failure.
     */
    bool SetFcts(const m3_flows& flows,
                 const double* fctNs,
                 const double* idealNs,
                 const double* fluidNs,
                 std::string* error);

  private:
    m3_result m_r;
};

} // namespace ns3

#endif /* M3_RESULT_H */

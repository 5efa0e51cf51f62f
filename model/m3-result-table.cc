// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-result-table.cc - the slowdown table of one run's results (see the
 * header).
 */
#include "m3-result-table.h"

#include "m3-result-json.h"

#include <cmath>
#include <cstdarg>
#include <cstdio>

namespace ns3
{

namespace
{

/** printf into a std::string. */
std::string Fmt(const char* fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

std::string
Fmt(const char* fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return buf;
}

/** 1000 -> "1K", 50000 -> "50K", UINT64_MAX -> "inf". */
std::string
SizeLabel(uint64_t b)
{
    if (b == UINT64_MAX)
    {
        return "inf";
    }
    if (b >= 1000000 && b % 1000000 == 0)
    {
        return std::to_string(b / 1000000) + "M";
    }
    if (b >= 1000 && b % 1000 == 0)
    {
        return std::to_string(b / 1000) + "K";
    }
    return std::to_string(b);
}

/** A percentile cell: "1.234", "1.234 [1.10, 1.40]" with an interval, "-" when empty. */
std::string
Cell(double v, bool ci, double lo, double hi)
{
    if (!std::isfinite(v))
    {
        return "-";
    }
    if (!ci)
    {
        return Fmt("%.3f", v);
    }
    return Fmt("%.3f [%.2f, %.2f]", v, lo, hi);
}

std::string
ErrCell(double est, double ref)
{
    double e = M3RelativeError(est, ref);
    return std::isfinite(e) ? Fmt("%+.1f%%", e * 100) : "-";
}

/** Bucket \p i of a summary; -1 is the overall row. */
const m3_bucket_stats&
Row(const m3_summary& s, int i)
{
    return i < 0 ? s.overall : s.buckets[i];
}

/** The footer notes of a mode: its own statistics. */
std::string
Notes(const m3_result& r)
{
    const std::string mode = r.mode;
    if (mode == "packet")
    {
        std::string s = Fmt("%s at %.3f ms simulated; %llu data packets, %llu PFC pauses, "
                            "%llu drops, %llu timeouts",
                            r.stop_reason,
                            r.sim_s * 1e3,
                            static_cast<unsigned long long>(r.data_packets),
                            static_cast<unsigned long long>(r.pfc_pauses),
                            static_cast<unsigned long long>(r.drops),
                            static_cast<unsigned long long>(r.timeouts));
        return s + Fmt("; %zu unfinished flows", r.unfinished);
    }
    if (mode == "m3")
    {
        std::string s =
            Fmt("%u path draws, %u distinct paths; stages", r.paths_sampled, r.paths_distinct);
        for (int k = 0; k < M3_M3_STAGES; k++)
        {
            s += Fmt(" %s%.3f", k ? "+ " : "", r.stage_s[k]);
        }
        s += " s (index, sample, flowSim, features, inference, aggregate)";
        if (r.has_ci)
        {
            s += Fmt("; [lo, hi] = %.0f%% bootstrap interval", r.ci_level * 100);
        }
        return s;
    }
    if (r.unfinished > 0)
    {
        return Fmt("%zu flows without an FCT", r.unfinished);
    }
    return "";
}

} // namespace

std::string
M3BucketLabel(const m3_bucket_stats& b)
{
    return SizeLabel(b.lo) + "-" + SizeLabel(b.hi);
}

void
M3PrintTable(std::ostream& os, const std::vector<const M3Result*>& results)
{
    if (results.empty())
    {
        return;
    }
    const m3_result* packet = nullptr;
    bool anyCi = false;
    for (const M3Result* r : results)
    {
        if (r->GetMode() == "packet")
        {
            packet = &r->Get();
        }
        anyCi = anyCi || r->HasInterval();
    }
    const bool errs = packet && results.size() > 1;
    const int w = anyCi ? 22 : 9; // percentile cell width
    std::string head = Fmt("%-10s %-8s %9s  %-*s %-*s %-*s",
                           "size",
                           "mode",
                           "flows",
                           w,
                           "p50",
                           w,
                           "p90",
                           w,
                           "p99");
    if (errs)
    {
        head += Fmt(" %8s %8s %8s", "err p50", "err p90", "err p99");
    }
    head.erase(head.find_last_not_of(' ') + 1);
    os << head << "\n";
    const int nb = results[0]->GetSummary().num_buckets;
    for (int i = -1; i < nb; i++)
    {
        for (size_t m = 0; m < results.size(); m++)
        {
            const m3_result& r = results[m]->Get();
            if (i >= r.summary.num_buckets)
            {
                continue;
            }
            const m3_bucket_stats& b = Row(r.summary, i);
            const m3_bucket_stats& lo = Row(r.ci_lo, i);
            const m3_bucket_stats& hi = Row(r.ci_hi, i);
            bool ci = r.has_ci != 0;
            std::string label = m == 0 ? (i < 0 ? "all" : M3BucketLabel(b)) : "";
            std::string line = Fmt("%-10s %-8s %9zu  %-*s %-*s %-*s",
                                   label.c_str(),
                                   r.mode,
                                   b.n,
                                   w,
                                   Cell(b.p50, ci, lo.p50, hi.p50).c_str(),
                                   w,
                                   Cell(b.p90, ci, lo.p90, hi.p90).c_str(),
                                   w,
                                   Cell(b.p99, ci, lo.p99, hi.p99).c_str());
            if (errs && &r != packet && i < packet->summary.num_buckets)
            {
                const m3_bucket_stats& p = Row(packet->summary, i);
                line += Fmt(" %8s %8s %8s",
                            ErrCell(b.p50, p.p50).c_str(),
                            ErrCell(b.p90, p.p90).c_str(),
                            ErrCell(b.p99, p.p99).c_str());
            }
            // no trailing blanks from the padded cells
            line.erase(line.find_last_not_of(' ') + 1);
            os << line << "\n";
        }
    }
    os << "\n" << Fmt("%-8s %10s %9s  %s", "mode", "wall s", "speedup", "notes") << "\n";
    for (const M3Result* res : results)
    {
        const m3_result& r = res->Get();
        std::string speedup = "-";
        if (packet && r.wall_s > 0 && packet->wall_s > 0)
        {
            speedup = Fmt("%.1fx", packet->wall_s / r.wall_s);
        }
        std::string line =
            Fmt("%-8s %10.3f %9s  %s", r.mode, r.wall_s, speedup.c_str(), Notes(r).c_str());
        line.erase(line.find_last_not_of(' ') + 1);
        os << line << "\n";
    }
}

} // namespace ns3

/*
 * m3-compare - estimates the FCT slowdown distribution of one scenario and
 * prints it as a table (and, with --out, as CSV + JSON).
 *
 * Modes: flowsim (max-min fair fluid simulation from the C core) and
 * packet (the packet-level ns-3 network of M3PacketHelper: RDMA NICs, PFC,
 * shared-buffer switches, ECN, INT). --mode takes one or a comma list;
 * every mode runs on the same scenario. The m3 mode (flowSim + model)
 * comes later and slots in next to them.
 *
 *   ./m3-compare                                   # m3's 256-host fat-tree
 *   ./m3-compare --parking-lot=5 --workload=cache --load=0.6 --out=results
 *   ./m3-compare --topology=topo.txt --flows=flows.txt --cc=hpcc
 *   ./m3-compare --mode=packet,flowsim --k-ary=4 --num-flows=2000 --progress=5
 */
#include "ns3/command-line.h"
#include "ns3/log.h"
#include "ns3/m3-packet-helper.h"
#include "ns3/m3-scenario-helper.h"
#include "ns3/m3-scenario.h"
#include "ns3/nstime.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("M3Compare");

namespace
{

/** Per-flow results of one mode, in flow order. */
struct ModeResult
{
    std::vector<double> fct;
    std::vector<double> ideal;
    std::vector<double> slowdown;
    m3_summary summary;
    double wallS = 0;
    bool isPacket = false;
    size_t unfinished = 0;   //!< packet mode: flows with no FCT (NaN), not in the percentiles
    std::string stopReason;  //!< packet mode: why the simulation stopped
};

/** Slowdown summary over the flows that finished (finite FCT). */
bool
Summarize(const m3_flows& flows, ModeResult* r, std::string* error)
{
    std::vector<uint64_t> sizes;
    std::vector<double> sd;
    sizes.reserve(flows.n);
    sd.reserve(flows.n);
    r->slowdown.assign(flows.n, std::nan(""));
    for (size_t i = 0; i < flows.n; i++)
    {
        if (!std::isfinite(r->fct[i]))
        {
            continue;
        }
        r->slowdown[i] = m3_slowdown(r->fct[i], r->ideal[i]);
        sizes.push_back(flows.v[i].size);
        sd.push_back(r->slowdown[i]);
    }
    uint64_t bounds[M3_MAX_BUCKETS];
    int nb = m3_default_buckets(bounds);
    m3_error err;
    if (m3_summarize(sizes.data(), sd.data(), sd.size(), bounds, nb, &r->summary, &err) != 0)
    {
        *error = std::string("summary: ") + err.msg;
        return false;
    }
    return true;
}

/**
 * flowSim over the whole network (m3_flowsim_estimate). A fluid FCT is pure
 * transmission under max-min sharing; the estimate adds the path's base
 * delay (propagation and first-packet store-and-forward), so a flow alone
 * in the network has slowdown exactly 1. Flows are capped at the host rate.
 */
bool
RunFlowSim(const M3Scenario& s, ModeResult* r, std::string* error)
{
    const m3_flows& flows = s.GetFlows();
    const m3_topology* topo = s.GetTopology();
    double nic = s.GetNicRateBps();
    m3_flowsim_opts opts;
    m3_flowsim_opts_default(&opts);
    opts.rate_cap_bps = nic;
    opts.mtu = s.GetConfig().mtu;
    opts.header_bytes = M3_HEADER_BYTES;

    auto t0 = std::chrono::steady_clock::now();
    m3_error err;
    std::vector<double> fluid(flows.n, 0);
    r->fct.assign(flows.n, 0);
    r->ideal.assign(flows.n, 0);
    r->slowdown.assign(flows.n, 0);
    if (m3_flowsim_estimate(topo,
                            s.GetRouting(),
                            &flows,
                            &opts,
                            fluid.data(),
                            r->fct.data(),
                            r->ideal.data(),
                            &err) != 0)
    {
        *error = std::string("flowsim: ") + err.msg;
        return false;
    }
    if (!Summarize(flows, r, error))
    {
        return false;
    }
    r->wallS = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return true;
}

/** Options of the packet mode. */
struct PacketOptions
{
    double progressS = 0;   //!< wall seconds between progress lines (0 = none)
    std::string pfcLog;     //!< PFC log file (empty = none)
    double stallMs = 100;   //!< stop when no flow progresses for this long (simulated)
    double limitS = 0;      //!< simulated time limit (0 = none)
};

/**
 * The packet-level simulation of the scenario (M3PacketHelper). Unfinished
 * flows (stalled or past the time limit) keep FCT NaN: they are counted,
 * reported and left out of the percentiles, never dropped silently.
 */
bool
RunPacket(Ptr<M3Scenario> s, const PacketOptions& o, ModeResult* r, std::string* error)
{
    auto t0 = std::chrono::steady_clock::now();
    M3PacketHelper ph;
    ph.SetProgress(o.progressS);
    ph.SetStopConditions(MicroSeconds(static_cast<int64_t>(o.stallMs * 1000)),
                         MicroSeconds(static_cast<int64_t>(o.limitS * 1e6)));
    if (!ph.Install(s, error))
    {
        ph.Destroy();
        return false;
    }
    std::vector<std::string> warnings = ph.GetWarnings();
    for (size_t i = 0; i < warnings.size() && i < 3; i++)
    {
        std::cerr << "m3-compare: packet: warning: " << warnings[i] << "\n";
    }
    if (warnings.size() > 3)
    {
        std::cerr << "m3-compare: packet: warning: " << warnings.size() - 3
                  << " more switches like these\n";
    }
    if (!o.pfcLog.empty() && !ph.EnablePfcLog(o.pfcLog, error))
    {
        ph.Destroy();
        return false;
    }
    ph.Run();
    r->isPacket = true;
    r->fct = ph.GetFctNs();
    r->ideal = ph.GetIdealNs();
    r->unfinished = r->fct.size() - ph.GetNumFinished();
    r->stopReason = ph.GetStopReason();
    std::printf("packet: %s at %.3f ms simulated; %llu data packets, %llu PFC pauses, "
                "%llu drops, %llu timeouts\n",
                r->stopReason.c_str(),
                ph.GetSimulatedTime().GetSeconds() * 1e3,
                static_cast<unsigned long long>(ph.GetDataPackets()),
                static_cast<unsigned long long>(ph.GetPfcPauses()),
                static_cast<unsigned long long>(ph.GetDrops()),
                static_cast<unsigned long long>(ph.GetTimeouts()));
    ph.Destroy();
    if (r->unfinished > 0)
    {
        std::cerr << "m3-compare: packet: " << r->unfinished << " of " << r->fct.size()
                  << " flows did not finish (" << r->stopReason
                  << "); they have FCT NaN in the CSV and are left out of the percentiles\n";
    }
    if (!Summarize(s->GetFlows(), r, error))
    {
        return false;
    }
    r->wallS = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return true;
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

void
PrintRow(const std::string& mode, const std::string& bucket, const m3_bucket_stats& b)
{
    if (b.n == 0)
    {
        std::printf("%-8s %-10s %9zu %9s %9s %9s\n", mode.c_str(), bucket.c_str(), b.n, "-", "-",
                    "-");
        return;
    }
    std::printf("%-8s %-10s %9zu %9.3f %9.3f %9.3f\n", mode.c_str(), bucket.c_str(), b.n, b.p50,
                b.p90, b.p99);
}

void
PrintTable(const std::string& mode, const ModeResult& r)
{
    std::printf("%-8s %-10s %9s %9s %9s %9s\n", "mode", "size", "flows", "p50", "p90", "p99");
    PrintRow(mode, "all", r.summary.overall);
    for (int i = 0; i < r.summary.num_buckets; i++)
    {
        const m3_bucket_stats& b = r.summary.buckets[i];
        PrintRow(mode, SizeLabel(b.lo) + "-" + SizeLabel(b.hi), b);
    }
    if (r.isPacket)
    {
        std::printf("%s unfinished flows: %zu\n", mode.c_str(), r.unfinished);
    }
    std::printf("%s wall time: %.3f s\n", mode.c_str(), r.wallS);
}

/** A JSON number, or null for values JSON cannot hold (empty buckets). */
std::string
Num(double v)
{
    if (!std::isfinite(v))
    {
        return "null";
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

std::string
StatsJson(const m3_bucket_stats& b, bool withRange)
{
    bool empty = b.n == 0;
    std::string s = "{";
    if (withRange)
    {
        s += "\"lo\": " + std::to_string(b.lo) + ", \"hi\": " +
             (b.hi == UINT64_MAX ? std::string("null") : std::to_string(b.hi)) + ", ";
    }
    s += "\"n\": " + std::to_string(b.n) + ", \"p50\": " + (empty ? "null" : Num(b.p50)) +
         ", \"p90\": " + (empty ? "null" : Num(b.p90)) +
         ", \"p99\": " + (empty ? "null" : Num(b.p99)) + "}";
    return s;
}

/** One mode's entry of summary.json. */
std::string
ModeJson(const std::string& mode, const ModeResult& r)
{
    std::string s = "\"" + mode + "\": {\n  \"overall\": " + StatsJson(r.summary.overall, false) +
                    ",\n  \"buckets\": [";
    for (int i = 0; i < r.summary.num_buckets; i++)
    {
        s += std::string(i ? ",\n    " : "\n    ") + StatsJson(r.summary.buckets[i], true);
    }
    s += "],\n  \"wall_s\": " + Num(r.wallS);
    if (r.isPacket)
    {
        s += ",\n  \"unfinished\": " + std::to_string(r.unfinished) + ",\n  \"stop_reason\": \"" +
             r.stopReason + "\"";
    }
    return s + "\n}";
}

bool
WriteJson(const std::string& path,
          const std::vector<std::string>& modes,
          const std::vector<ModeResult>& results)
{
    FILE* fp = std::fopen(path.c_str(), "w");
    if (!fp)
    {
        return false;
    }
    std::string s = "{\"modes\": {";
    for (size_t i = 0; i < modes.size(); i++)
    {
        s += (i ? ",\n" : "") + ModeJson(modes[i], results[i]);
    }
    s += "}}\n";
    bool ok = std::fputs(s.c_str(), fp) >= 0;
    return std::fclose(fp) == 0 && ok;
}

/**
 * summary.json goes to a temporary name first; each CSV is written
 * atomically by the core; only then is the JSON renamed. A failure leaves
 * neither the JSON nor any CSV of this run.
 */
bool
WriteOutputs(const std::string& dir,
             const std::vector<std::string>& modes,
             const m3_flows& flows,
             const std::vector<ModeResult>& results,
             std::string* error)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
    {
        *error = dir + ": cannot create directory: " + ec.message();
        return false;
    }
    const std::string json = dir + "/summary.json";
    const std::string jsonTmp = json + ".tmp";
    if (!WriteJson(jsonTmp, modes, results))
    {
        *error = jsonTmp + ": cannot write";
        fs::remove(jsonTmp, ec);
        return false;
    }
    std::vector<std::string> written;
    auto undo = [&]() {
        fs::remove(jsonTmp, ec);
        for (const auto& w : written)
        {
            fs::remove(w, ec);
        }
    };
    for (size_t i = 0; i < modes.size(); i++)
    {
        const std::string csv = dir + "/fct-" + modes[i] + ".csv";
        m3_error err;
        if (m3_fct_csv_write(csv.c_str(),
                             &flows,
                             results[i].fct.data(),
                             results[i].ideal.data(),
                             nullptr,
                             &err) != 0)
        {
            *error = err.msg;
            undo();
            return false;
        }
        written.push_back(csv);
    }
    fs::rename(jsonTmp, json, ec);
    if (ec)
    {
        *error = json + ": cannot rename: " + ec.message();
        undo();
        return false;
    }
    return true;
}

/** "packet,flowsim" -> {"packet", "flowsim"}; false + error on unknown or repeated modes. */
bool
ParseModes(const std::string& list, std::vector<std::string>* modes, std::string* error)
{
    std::stringstream ss(list);
    std::string m;
    std::set<std::string> seen;
    while (std::getline(ss, m, ','))
    {
        if (m != "flowsim" && m != "packet")
        {
            *error = "--mode: '" + m + "' is not a mode (accepted: flowsim, packet, or a comma "
                     "list such as packet,flowsim; 'm3' is planned)";
            return false;
        }
        if (!seen.insert(m).second)
        {
            *error = "--mode: '" + m + "' is listed twice";
            return false;
        }
        modes->push_back(m);
    }
    if (modes->empty())
    {
        *error = "--mode: empty (accepted: flowsim, packet, or a comma list)";
        return false;
    }
    return true;
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string mode = "flowsim";
    std::string out;
    PacketOptions popts;

    // Default: m3's evaluation fat-tree (256 hosts, 1:1) with a web-server
    // workload at a moderate load.
    M3ScenarioHelper helper;
    helper.SetDefaultTopology("fat-tree=2,16,8,1");
    helper.SetDefaultWorkload("webserver", 0.5, 50000);

    CommandLine cmd(__FILE__);
    cmd.Usage("Estimates the FCT slowdown distribution of a datacenter scenario.");
    cmd.AddValue("mode", "estimator(s): flowsim, packet, or a comma list (packet,flowsim)", mode);
    cmd.AddValue("out", "directory for fct-<mode>.csv and summary.json", out);
    cmd.AddValue("progress", "packet: a progress line on stderr every this many wall seconds "
                             "(0 = none)", popts.progressS);
    cmd.AddValue("pfc-log", "packet: write PFC frames sent (`time_ns node port queue type`)",
                 popts.pfcLog);
    cmd.AddValue("stall-ms", "packet: stop when no flow progresses for this simulated time",
                 popts.stallMs);
    cmd.AddValue("time-limit", "packet: stop at this simulated time in seconds (0 = none)",
                 popts.limitS);
    helper.AddCommandLine(cmd);
    cmd.Parse(argc, argv);

    std::vector<std::string> modes;
    std::string error;
    if (!ParseModes(mode, &modes, &error))
    {
        std::cerr << "m3-compare: " << error << "\n";
        return 1;
    }
    if (!(popts.stallMs > 0) || !(popts.limitS >= 0) || !(popts.progressS >= 0))
    {
        std::cerr << "m3-compare: --stall-ms must be > 0, --time-limit and --progress >= 0\n";
        return 1;
    }

    Ptr<M3Scenario> scenario = helper.Build(&error);
    if (!scenario)
    {
        std::cerr << "m3-compare: " << error << "\n";
        return 1;
    }
    const m3_flows& flows = scenario->GetFlows();
    if (flows.n == 0)
    {
        std::cerr << "m3-compare: the scenario has no flows\n";
        return 1;
    }
    std::printf("scenario: %s: %u hosts, %u links, %zu flows, cc %s\n", helper.Describe().c_str(),
                m3_topology_num_hosts(scenario->GetTopology()),
                m3_topology_num_links(scenario->GetTopology()), flows.n,
                m3_cc_name(scenario->GetConfig().cc));

    std::vector<ModeResult> results(modes.size());
    for (size_t i = 0; i < modes.size(); i++)
    {
        bool ok = modes[i] == "packet" ? RunPacket(scenario, popts, &results[i], &error)
                                       : RunFlowSim(*scenario, &results[i], &error);
        if (!ok)
        {
            std::cerr << "m3-compare: " << error << "\n";
            return 1;
        }
        PrintTable(modes[i], results[i]);
    }

    if (!out.empty())
    {
        if (!WriteOutputs(out, modes, flows, results, &error))
        {
            std::cerr << "m3-compare: " << error << "\n";
            return 1;
        }
        for (const auto& m : modes)
        {
            std::printf("wrote %s/fct-%s.csv\n", out.c_str(), m.c_str());
        }
        std::printf("wrote %s/summary.json\n", out.c_str());
    }
    scenario->Dispose();
    return 0;
}

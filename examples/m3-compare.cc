/*
 * m3-compare - estimates the FCT slowdown distribution of one scenario and
 * prints it as a table (and, with --out, as CSV + JSON).
 *
 * Modes: flowsim (max-min fair fluid simulation from the C core). The
 * packet-level (ns-3) and m3 (flowSim + model) modes come later; the
 * output files are shaped so that they slot in next to flowsim.
 *
 *   ./m3-compare                                   # m3's 256-host fat-tree
 *   ./m3-compare --parking-lot=5 --workload=cache --load=0.6 --out=results
 *   ./m3-compare --topology=topo.txt --flows=flows.txt --cc=hpcc
 */
#include "ns3/command-line.h"
#include "ns3/log.h"
#include "ns3/m3-scenario-helper.h"
#include "ns3/m3-scenario.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
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
};

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
    double nic = s.GetHostRateBps();
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
    std::vector<uint64_t> sizes(flows.n);
    for (size_t i = 0; i < flows.n; i++)
    {
        r->slowdown[i] = m3_slowdown(r->fct[i], r->ideal[i]);
        sizes[i] = flows.v[i].size;
    }
    uint64_t bounds[M3_MAX_BUCKETS];
    int nb = m3_default_buckets(bounds);
    if (m3_summarize(sizes.data(), r->slowdown.data(), flows.n, bounds, nb, &r->summary, &err) !=
        0)
    {
        *error = std::string("summary: ") + err.msg;
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

bool
WriteJson(const std::string& path, const std::string& mode, const ModeResult& r)
{
    FILE* fp = std::fopen(path.c_str(), "w");
    if (!fp)
    {
        return false;
    }
    std::string s = "{\"modes\": {\"" + mode + "\": {\n  \"overall\": " +
                    StatsJson(r.summary.overall, false) + ",\n  \"buckets\": [";
    for (int i = 0; i < r.summary.num_buckets; i++)
    {
        s += std::string(i ? ",\n    " : "\n    ") + StatsJson(r.summary.buckets[i], true);
    }
    s += "],\n  \"wall_s\": " + Num(r.wallS) + "\n}}}\n";
    bool ok = std::fputs(s.c_str(), fp) >= 0;
    return std::fclose(fp) == 0 && ok;
}

/**
 * summary.json goes to a temporary name first; the CSV is written atomically
 * by the core; only then is the JSON renamed. A failure leaves neither.
 */
bool
WriteOutputs(const std::string& dir,
             const std::string& mode,
             const m3_flows& flows,
             const ModeResult& r,
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
    const std::string csv = dir + "/fct-" + mode + ".csv";
    const std::string json = dir + "/summary.json";
    const std::string jsonTmp = json + ".tmp";
    if (!WriteJson(jsonTmp, mode, r))
    {
        *error = jsonTmp + ": cannot write";
        fs::remove(jsonTmp, ec);
        return false;
    }
    m3_error err;
    if (m3_fct_csv_write(csv.c_str(), &flows, r.fct.data(), r.ideal.data(), nullptr, &err) != 0)
    {
        *error = err.msg;
        fs::remove(jsonTmp, ec);
        return false;
    }
    fs::rename(jsonTmp, json, ec);
    if (ec)
    {
        *error = json + ": cannot rename: " + ec.message();
        fs::remove(jsonTmp, ec);
        fs::remove(csv, ec);
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

    // Default: m3's evaluation fat-tree (256 hosts, 1:1) with a web-server
    // workload at a moderate load.
    M3ScenarioHelper helper;
    helper.SetDefaultTopology("fat-tree=2,16,8,1");
    helper.SetDefaultWorkload("webserver", 0.5, 50000);

    CommandLine cmd(__FILE__);
    cmd.Usage("Estimates the FCT slowdown distribution of a datacenter scenario.");
    cmd.AddValue("mode", "estimator: flowsim (packet and m3 come later)", mode);
    cmd.AddValue("out", "directory for fct-<mode>.csv and summary.json", out);
    helper.AddCommandLine(cmd);
    cmd.Parse(argc, argv);

    if (mode != "flowsim")
    {
        std::cerr << "m3-compare: --mode=" << mode
                  << ": unknown or not yet available mode (only 'flowsim' exists now; "
                     "'packet' and 'm3' are planned)\n";
        return 1;
    }

    std::string error;
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

    ModeResult result;
    if (!RunFlowSim(*scenario, &result, &error))
    {
        std::cerr << "m3-compare: " << error << "\n";
        return 1;
    }
    PrintTable(mode, result);

    if (!out.empty())
    {
        if (!WriteOutputs(out, mode, flows, result, &error))
        {
            std::cerr << "m3-compare: " << error << "\n";
            return 1;
        }
        std::printf("wrote %s/fct-%s.csv and %s/summary.json\n", out.c_str(), mode.c_str(),
                    out.c_str());
    }
    scenario->Dispose();
    return 0;
}

/*
 * m3-gen-path - one training sample: a parking-lot path scenario
 * (M3PathSampleHelper: m3's workload recipe from --workload-seed, a
 * configuration drawn from --config-seed over all four CCs and the
 * training ranges) run in packet mode; writes the sample as one JSON line
 * (format "m3-path-sample/1", doc/training.rst): the seeds, the line, the
 * configuration, the workload draws, packet-mode statistics and the
 * target, the foreground flows' slowdown percentiles per output bucket.
 * The flows themselves are not stored: they are regenerated from the seed.
 *
 *   ./m3-gen-path --n=5 --workload-seed=17 --config-seed=3 --out=sample.json
 *
 * gen/generate.py runs it many times in parallel. Cost: one packet-level
 * simulation of --num-flows flows (about 0.4 to 30 s on one core at 20k).
 */
#include "ns3/command-line.h"
#include "ns3/m3-packet-helper.h"
#include "ns3/m3-path-sample-helper.h"
#include "ns3/nstime.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

using namespace ns3;
using json = nlohmann::json;

namespace
{

const char* const kFormat = "m3-path-sample/1";

json
ConfigJson(const m3_config& c)
{
    return json{{"cc", m3_cc_name(c.cc)},
                {"buffer_kb", c.buffer_kb},
                {"window_bytes", c.window_bytes},
                {"pfc", c.pfc},
                {"mtu", c.mtu},
                {"dctcp_k_kb", c.dctcp_k_kb},
                {"dcqcn_kmin_kb", c.dcqcn_kmin_kb},
                {"dcqcn_kmax_kb", c.dcqcn_kmax_kb},
                {"hpcc_eta", c.hpcc_eta},
                {"hpcc_ai_mbps", c.hpcc_ai_mbps},
                {"timely_tlow_us", c.timely_tlow_us},
                {"timely_thigh_us", c.timely_thigh_us},
                {"base_rtt_us", c.base_rtt_us},
                {"nic_rate_gbps", c.nic_rate_gbps},
                {"seed", c.seed}};
}

const char*
SizeKindName(m3_size_kind k)
{
    switch (k)
    {
    case M3_SIZE_EXP:
        return "exp";
    case M3_SIZE_GAUSSIAN:
        return "gaussian";
    case M3_SIZE_LOGNORMAL:
        return "lognormal";
    case M3_SIZE_PARETO:
        return "pareto";
    default:
        return "cdf";
    }
}

/** Percentiles with 5 significant digits: the dataset stays small. */
double
Round5(double v)
{
    if (!(v > 0) || !std::isfinite(v))
    {
        return v;
    }
    double scale = std::pow(10.0, 4 - std::floor(std::log10(v)));
    return std::round(v * scale) / scale;
}

/** Writes \p text to \p path through a temporary file and a rename. */
bool
WriteAtomic(const std::string& path, const std::string& text, std::string* error)
{
    const std::string tmp = path + ".tmp";
    {
        std::ofstream os(tmp, std::ios::trunc);
        os << text;
        os.close();
        if (!os)
        {
            *error = tmp + ": cannot write";
            std::remove(tmp.c_str());
            return false;
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec)
    {
        *error = path + ": cannot rename: " + ec.message();
        std::remove(tmp.c_str());
        return false;
    }
    return true;
}

} // namespace

int
main(int argc, char* argv[])
{
    M3PathSampleSpec spec;
    uint64_t numFlows = spec.numFlows;
    std::string out;
    double stallMs = 100;
    double limitS = 0;
    double progressS = 0;

    CommandLine cmd(__FILE__);
    cmd.Usage("Simulates one path training sample in packet mode and writes it as JSON.");
    cmd.AddValue("n", "path positions (m3 trains on 3, 5, 7)", spec.n);
    cmd.AddValue("workload-seed", "seed of m3's path-workload recipe", spec.workloadSeed);
    cmd.AddValue("config-seed", "seed of the configuration draw", spec.configSeed);
    cmd.AddValue("num-flows", "flows in the path scenario", numFlows);
    cmd.AddValue("out", "the sample's JSON file (written atomically)", out);
    cmd.AddValue("stall-ms", "stop when no flow progresses for this simulated time", stallMs);
    cmd.AddValue("time-limit", "stop at this simulated time in seconds (0 = none)", limitS);
    cmd.AddValue("progress", "a progress line on stderr every this many wall seconds", progressS);
    cmd.Parse(argc, argv);
    if (out.empty())
    {
        std::cerr << "m3-gen-path: --out=FILE is required\n";
        return 2;
    }
    if (!(stallMs > 0) || !(limitS >= 0) || !(progressS >= 0))
    {
        std::cerr << "m3-gen-path: --stall-ms must be > 0, --time-limit and --progress >= 0\n";
        return 2;
    }
    spec.numFlows = numFlows;

    auto t0 = std::chrono::steady_clock::now();
    std::string error;
    M3PathSampleHelper sample(spec);
    Ptr<M3Scenario> scenario = sample.Build(&error);
    if (!scenario)
    {
        std::cerr << "m3-gen-path: " << error << "\n";
        return 1;
    }

    M3PacketHelper ph;
    ph.SetProgress(progressS);
    ph.SetStopConditions(MicroSeconds(static_cast<int64_t>(stallMs * 1000)),
                         MicroSeconds(static_cast<int64_t>(limitS * 1e6)));
    if (!ph.Install(scenario, &error))
    {
        ph.Destroy();
        std::cerr << "m3-gen-path: " << error << "\n";
        return 1;
    }
    std::vector<std::string> warnings = ph.GetWarnings();
    ph.Run();
    std::vector<double> fct = ph.GetFctNs();
    std::vector<double> ideal = ph.GetIdealNs();
    const size_t unfinished = fct.size() - ph.GetNumFinished();
    json packet{{"stop_reason", ph.GetStopReason()},
                {"unfinished", unfinished},
                {"pfc_pauses", ph.GetPfcPauses()},
                {"drops", ph.GetDrops()},
                {"timeouts", ph.GetTimeouts()},
                {"data_packets", ph.GetDataPackets()},
                {"sim_ms", ph.GetSimulatedTime().GetSeconds() * 1e3},
                {"warnings", warnings.size()}};
    ph.Destroy();

    std::vector<double> pcts;
    std::vector<size_t> counts;
    if (!M3PathSampleHelper::ForegroundTargets(*scenario, fct, ideal, &pcts, &counts, &error))
    {
        std::cerr << "m3-gen-path: " << error << "\n";
        return 1;
    }
    const m3_feature_schema* schema = m3_feature_schema_get();
    json rows = json::array();
    for (int b = 0; b < schema->out_buckets; b++)
    {
        json row = json::array();
        for (int k = 0; k < schema->pcts; k++)
        {
            row.push_back(Round5(pcts[size_t(b) * schema->pcts + k]));
        }
        rows.push_back(row);
    }
    const m3_path_workload_info& info = sample.GetWorkloadInfo();
    packet["wall_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    json doc{{"format", kFormat},
             {"n", spec.n},
             {"workload_seed", spec.workloadSeed},
             {"config_seed", spec.configSeed},
             {"num_flows", spec.numFlows},
             {"line",
              {{"edge_bps", spec.edgeBps},
               {"inner_bps", spec.innerBps},
               {"mid_host_bps", spec.midHostBps},
               {"delay_ns", spec.delayNs},
               {"cap_bps", spec.capBps}}},
             {"config", ConfigJson(scenario->GetConfig())},
             {"workload",
              {{"num_pairs", info.num_pairs},
               {"pair_p", info.pair_p},
               {"fg_weight", info.fg_weight},
               {"size_kind", SizeKindName(info.size_kind)},
               {"size_mean", info.size_mean},
               {"size_shape", info.size_shape},
               {"burst_sigma", info.burst_sigma},
               {"max_load", info.max_load}}},
             {"packet", packet},
             {"target", {{"counts", counts}, {"pcts", rows}}}};
    if (!WriteAtomic(out, doc.dump() + "\n", &error))
    {
        std::cerr << "m3-gen-path: " << error << "\n";
        return 1;
    }
    size_t fg = 0;
    for (size_t c : counts)
    {
        fg += c;
    }
    std::printf("m3-gen-path: n=%u workload %llu config %llu (%s): %zu flows, %zu foreground, "
                "%zu unfinished, %.2f s\n",
                spec.n,
                static_cast<unsigned long long>(spec.workloadSeed),
                static_cast<unsigned long long>(spec.configSeed),
                m3_cc_name(scenario->GetConfig().cc),
                scenario->GetFlows().n,
                fg,
                unfinished,
                packet["wall_s"].get<double>());
    scenario->Dispose();
    return 0;
}

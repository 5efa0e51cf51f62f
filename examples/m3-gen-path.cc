// SPDX-License-Identifier: GPL-2.0-only
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
#include "ns3/m3-command-line.h"
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

    M3CommandLine cmd("m3-gen-path",
                      "usage: m3-gen-path --out=FILE [--n=N] [--workload-seed=S] "
                      "[--config-seed=S] [--num-flows=N] [options]\n"
                      "Simulates one path training sample in packet mode and writes it as JSON.");
    cmd.AddCount("n",
                 "path positions, 2..65 (m3 trains on 3, 5, 7; default 5)",
                 &spec.n,
                 2,
                 M3_LINE_MAX_POSITIONS);
    cmd.AddCount("workload-seed",
                 "seed of m3's path-workload recipe (default 1)",
                 &spec.workloadSeed,
                 0,
                 UINT64_MAX);
    cmd.AddCount("config-seed",
                 "seed of the configuration draw (default 1)",
                 &spec.configSeed,
                 0,
                 UINT64_MAX);
    cmd.AddCount("num-flows",
                 "flows in the path scenario, 1..1e8 (default 20000)",
                 &numFlows,
                 1,
                 100000000);
    uint64_t midHosts = spec.midHosts;
    cmd.AddCount("mid-hosts",
                 "hosts per mid-path position, 1..64, spread over by hash "
                 "(default 1: m3's parking lot)",
                 &midHosts,
                 1,
                 M3_PARKING_LOT_MAX_MID_HOSTS);
    double midGbps = spec.midHostBps / 1e9;
    cmd.AddReal("mid-gbps",
                "rate of the mid-path hosts' links, Gb/s (default 40)",
                &midGbps,
                0,
                true,
                1e4,
                "> 0 and at most 1e4");
    cmd.AddReal("burst-lo",
                "arrivals: log-normal sigma drawn from [burst-lo, burst-hi] "
                "(default 1, m3's recipe)",
                &spec.recipe.burst_lo,
                0,
                false,
                5,
                "0..5");
    cmd.AddReal("burst-hi", "(default 2)", &spec.recipe.burst_hi, 0, false, 5, "0..5");
    cmd.AddReal("poisson-share",
                "arrivals: probability of Poisson arrivals instead "
                "(default 0, m3's recipe)",
                &spec.recipe.poisson_share,
                0,
                false,
                1,
                "0..1");
    cmd.AddText("out", "the sample's JSON file (written atomically; required)", &out);
    cmd.AddReal("stall-ms",
                "stop when no flow progresses for this simulated time, ms "
                "(default 100)",
                &stallMs,
                0,
                true,
                1e6,
                "> 0 and at most 1e6");
    cmd.AddReal("time-limit",
                "stop at this simulated time in seconds (default 0 = none)",
                &limitS,
                0,
                false,
                1e6,
                "0..1e6");
    cmd.AddReal("progress",
                "a progress line on stderr every this many wall seconds "
                "(default 0 = none)",
                &progressS,
                0,
                false,
                1e6,
                "0..1e6");
    cmd.Parse(argc, argv);
    spec.midHosts = uint32_t(midHosts);
    if (spec.recipe.burst_hi < spec.recipe.burst_lo)
    {
        std::cerr << "m3-gen-path: --burst-hi: below --burst-lo\n";
        return 2;
    }
    spec.midHostBps = midGbps * 1e9;
    if (out.empty())
    {
        std::cerr << "m3-gen-path: --out: missing (the sample's JSON file)\n";
        return 2;
    }
    m3_error oerr;
    if (m3_check_output_path(out.c_str(), "--out", &oerr) != 0)
    {
        // checked before the simulation, not after it
        std::cerr << "m3-gen-path: " << oerr.msg << "\n";
        return 1;
    }
    spec.numFlows = numFlows;

    auto t0 = std::chrono::steady_clock::now();
    std::string error;
    // The packet network's memory, from the line and --num-flows, before
    // the workload is drawn (1e8 flows take a minute and gigabytes).
    m3_error terr;
    m3_topology* line = m3_topology_parking_lot_hosts(spec.n,
                                                      spec.edgeBps,
                                                      spec.innerBps,
                                                      spec.midHostBps,
                                                      spec.midHosts,
                                                      spec.delayNs,
                                                      &terr);
    const bool fits =
        !line || M3PacketHelper::CheckMemory(line,
                                             numFlows,
                                             "--n=" + std::to_string(spec.n) +
                                                 " --num-flows=" + std::to_string(numFlows),
                                             &error);
    m3_topology_free(line); // a line that cannot be built: Build() says why
    if (!fits)
    {
        std::cerr << "m3-gen-path: " << error << "\n";
        return 1;
    }
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
    if (!M3PathSampleHelper::ForegroundTargets(*scenario,
                                               spec.n,
                                               fct,
                                               ideal,
                                               &pcts,
                                               &counts,
                                               &error))
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
             {"recipe",
              {{"burst_lo", spec.recipe.burst_lo},
               {"burst_hi", spec.recipe.burst_hi},
               {"poisson_share", spec.recipe.poisson_share}}},
             {"line",
              {{"edge_bps", spec.edgeBps},
               {"inner_bps", spec.innerBps},
               {"mid_host_bps", spec.midHostBps},
               {"mid_hosts", spec.midHosts},
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
    const std::string text = doc.dump() + "\n";
    m3_error werr;
    if (m3_write_file_atomic(out.c_str(), text.data(), text.size(), &werr) != 0)
    {
        std::cerr << "m3-gen-path: " << werr.msg << "\n";
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

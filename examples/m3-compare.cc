// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-compare - estimates the FCT slowdown distribution of one scenario with
 * one or more estimators and prints them side by side (with --out, also
 * fct-<mode>.csv and summary.json).
 *
 * Modes (M3EstimatorHelper): packet (the packet-level ns-3 network, the
 * ground truth), flowsim (max-min fair fluid simulation of the whole
 * network) and m3 (flowSim on sampled paths corrected by the learned
 * model, with a bootstrap interval). --mode takes one, a comma list, or
 * all (= packet,flowsim,m3, the default); every mode runs on the same
 * scenario, in the order given. The table shows, per size bucket and mode,
 * p50/p90/p99 (m3 with its interval), each mode's relative error against
 * packet when packet ran, and the wall times with speedups over packet.
 *
 * Failures are checked as early as they can be: options, the scenario,
 * each estimator's own checks (the packet network's memory and the values
 * its models take, --pfc-log, the m3 model and its path lengths; every
 * --sweep value), the output directory (writable?) all before the first
 * mode runs. A usage error (M3CommandLine: unknown option, stray argument,
 * malformed number; M3ScenarioHelper: a value the scenario cannot take,
 * such as --workload=bogus or --tm=incast:99:0.5) prints one line and exits
 * 2; any other failure (a file's content, memory) prints one message and
 * exits 1, and --out then holds nothing of this run.
 *
 *   ./m3-compare                                   # all modes, m3's 256-host fat-tree
 *   ./m3-compare --mode=m3,flowsim --parking-lot=5 --workload=cache --out=results
 *   ./m3-compare --mode=packet,flowsim --k-ary=4 --num-flows=2000 --progress=5
 *   ./m3-compare --mode=m3 --model=ckpts/m3-medium.pt --path-samples=1000 --threads=2
 *
 * --sweep=KEY:V1,V2,... runs a counterfactual curve instead: the same
 * scenario once per value of configuration key KEY, every mode of --mode at
 * each point (m3 alone is the quick what-if; add packet to check it). It
 * prints p99 overall and per bucket per point and mode, and with --out
 * writes sweep.json ({"key", "scenario", "points": [{"value", "summary":
 * <summary.json of that point>}]}) for examples/plot-sweep.py.
 *
 *   ./m3-compare --mode=m3,flowsim --cc=hpcc --sweep=hpcc_eta:0.7,0.75,0.8,0.85,0.9,0.95
 */
#include "ns3/log.h"
#include "ns3/m3-command-line.h"
#include "ns3/m3-estimator-helper.h"
#include "ns3/m3-model-estimator.h"
#include "ns3/m3-result-json.h"
#include "ns3/m3-result-table.h"
#include "ns3/m3-scenario-helper.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("M3Compare");

namespace
{

/** Creates \p dir if needed and proves a file can be written there. */
bool
CheckOutDir(const std::string& dir, std::string* error)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
    {
        *error = "--out=" + dir + ": cannot create directory: " + ec.message();
        return false;
    }
    const std::string probe = dir + "/.m3-compare-write-test";
    m3_error err;
    if (m3_write_file_atomic(probe.c_str(), "", 0, &err) != 0)
    {
        *error = "--out=" + dir + ": not writable (" + err.msg + ")";
        return false;
    }
    fs::remove(probe, ec);
    return true;
}

/**
 * fct-<mode>.csv of every mode with per-flow results, then summary.json;
 * each file is written atomically, and a failure removes what this call
 * wrote, so --out holds all of this run's files or none.
 */
bool
WriteOutputs(const std::string& dir,
             const m3_flows& flows,
             const std::vector<const M3Result*>& results,
             const std::string& scenario,
             std::vector<std::string>* written,
             std::string* error)
{
    auto undo = [written]()
    {
        std::error_code ec;
        for (const auto& w : *written)
        {
            std::filesystem::remove(w, ec);
        }
        written->clear();
    };
    for (const M3Result* r : results)
    {
        if (!r->HasFlows())
        {
            continue;
        }
        const std::string csv = dir + "/fct-" + r->GetMode() + ".csv";
        m3_error err;
        if (m3_fct_csv_write(csv.c_str(),
                             &flows,
                             r->GetFctNs(),
                             r->GetIdealNs(),
                             r->GetFluidNs(),
                             &err) != 0)
        {
            *error = err.msg;
            undo();
            return false;
        }
        written->push_back(csv);
    }
    const std::string json = dir + "/summary.json";
    if (!M3WriteSummaryJson(json, results, scenario, error))
    {
        undo();
        return false;
    }
    written->push_back(json);
    return true;
}

/** A result's warnings on stderr: the stored lines, then how many more. */
void
PrintWarnings(const M3Result& r)
{
    std::vector<std::string> lines = r.GetWarnings();
    for (const auto& w : lines)
    {
        std::cerr << r.GetMode() << ": warning: " << w << "\n";
    }
    if (r.GetNumWarnings() > int(lines.size()))
    {
        std::cerr << r.GetMode() << ": warning: " << r.GetNumWarnings() - int(lines.size())
                  << " more warnings\n";
    }
}

/** One line on stderr; the exit status (1, or 2 for a usage error). */
int
Fail(const std::string& msg, int rc = 1)
{
    std::cerr << "m3-compare: " << msg << "\n";
    return rc;
}

/** "key:v1,v2" -> key and values; false + error when malformed. */
bool
ParseSweep(const std::string& spec,
           std::string* key,
           std::vector<std::string>* values,
           std::string* error)
{
    size_t colon = spec.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == spec.size())
    {
        *error = "--sweep: '" + spec + "' is not KEY:V1,V2,... (e.g. hpcc_eta:0.7,0.8,0.9)";
        return false;
    }
    *key = spec.substr(0, colon);
    std::stringstream ss(spec.substr(colon + 1));
    std::string v;
    while (std::getline(ss, v, ','))
    {
        if (v.empty())
        {
            *error = "--sweep: empty value in '" + spec + "'";
            return false;
        }
        values->push_back(v);
    }
    if (values->size() < 2)
    {
        *error = "--sweep: give at least two values (" + spec + ")";
        return false;
    }
    return true;
}

/**
 * The counterfactual curve: every value is set (and checked, with
 * "--sweep" in the message) before anything runs, then each point runs
 * every estimator. One summary per point goes into sweep.json.
 */
int
RunSweep(Ptr<M3Scenario> scenario,
         const std::vector<Ptr<M3Estimator>>& estimators,
         const std::string& spec,
         const std::string& description,
         const std::string& out)
{
    std::string key, error;
    std::vector<std::string> values;
    if (!ParseSweep(spec, &key, &values, &error))
    {
        return Fail(error);
    }
    const m3_config base = scenario->GetConfig();
    for (const auto& v : values)
    {
        if (!scenario->SetConfigKey(key, v, "--sweep", &error) || !scenario->ValidateConfig(&error))
        {
            return Fail(error);
        }
        scenario->SetConfig(base);
    }
    nlohmann::json points = nlohmann::json::array();
    std::printf("%-12s %-8s %22s", key.c_str(), "mode", "p99 all");
    for (const char* b : {"p99 <1K", "p99 1K-10K", "p99 10K-50K", "p99 >=50K"})
    {
        std::printf(" %22s", b);
    }
    std::printf(" %8s\n", "wall s");
    for (const auto& v : values)
    {
        scenario->SetConfig(base);
        scenario->SetConfigKey(key, v, "--sweep", &error);
        std::vector<M3Result> results(estimators.size());
        std::vector<const M3Result*> view;
        for (size_t i = 0; i < estimators.size(); i++)
        {
            if (!estimators[i]->Estimate(scenario, results[i], &error))
            {
                return Fail(key + "=" + v + ": " + error);
            }
            view.push_back(&results[i]);
        }
        for (const M3Result& r : results)
        {
            auto cell =
                [&r](const m3_bucket_stats& b, const m3_bucket_stats& lo, const m3_bucket_stats& hi)
            {
                char buf[64];
                if (r.HasInterval())
                {
                    std::snprintf(buf, sizeof buf, "%.3f [%.3f,%.3f]", b.p99, lo.p99, hi.p99);
                }
                else
                {
                    std::snprintf(buf, sizeof buf, "%.3f", b.p99);
                }
                return std::string(buf);
            };
            const m3_summary& s = r.GetSummary();
            std::printf("%-12s %-8s %22s",
                        v.c_str(),
                        r.GetMode().c_str(),
                        cell(s.overall, r.GetCiLo().overall, r.GetCiHi().overall).c_str());
            for (int b = 0; b < s.num_buckets; b++)
            {
                std::printf(
                    " %22s",
                    cell(s.buckets[b], r.GetCiLo().buckets[b], r.GetCiHi().buckets[b]).c_str());
            }
            std::printf(" %8.3f\n", r.GetWallSeconds());
            if (r.GetMode() != "packet")
            {
                PrintWarnings(r);
            }
        }
        std::fflush(stdout);
        nlohmann::json point;
        point["value"] = v;
        point["summary"] = nlohmann::json::parse(M3SummaryJson(view, description));
        points.push_back(point);
    }
    scenario->SetConfig(base);
    if (!out.empty())
    {
        nlohmann::json doc;
        doc["format"] = "m3-sweep";
        doc["version"] = 1;
        doc["key"] = key;
        doc["scenario"] = description;
        doc["points"] = points;
        const std::string text = doc.dump(1) + "\n";
        const std::string path = out + "/sweep.json";
        m3_error err;
        if (m3_write_file_atomic(path.c_str(), text.data(), text.size(), &err) != 0)
        {
            return Fail(err.msg);
        }
        std::printf("wrote %s\n", path.c_str());
    }
    return 0;
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string mode = "all";
    std::string out;

    // Default: m3's evaluation fat-tree (256 hosts, 1:1) with a web-server
    // workload at a moderate load.
    M3ScenarioHelper scenarioHelper;
    scenarioHelper.SetDefaultTopology("fat-tree=2,16,8,1");
    scenarioHelper.SetDefaultWorkload("webserver", 0.5, 50000);
    M3EstimatorHelper estimatorHelper;

    M3CommandLine cmd("m3-compare",
                      "usage: m3-compare [--mode=all|packet|flowsim|m3|LIST] [--out=DIR] "
                      "[--sweep=KEY:V1,V2,...] [options]\n"
                      "Estimates the FCT slowdown distribution of a datacenter scenario with "
                      "the packet, flowsim and m3 estimators and compares them. Default "
                      "scenario: --fat-tree=2,16,8,1 --workload=webserver --load=0.5 "
                      "--num-flows=50000.");
    cmd.AddText("mode",
                "estimators: packet, flowsim, m3, a comma list (m3,flowsim), or all "
                "(= packet,flowsim,m3)",
                &mode);
    cmd.AddText("out",
                "directory for fct-<mode>.csv and summary.json (sweep.json with --sweep)",
                &out);
    std::string sweep;
    cmd.AddText("sweep",
                "KEY:V1,V2,...: a counterfactual curve over configuration key KEY, every "
                "mode of --mode at each value (e.g. hpcc_eta:0.7,0.8,0.9)",
                &sweep);
    estimatorHelper.AddCommandLine(cmd);
    scenarioHelper.AddCommandLine(cmd);
    // The packet mode's attributes that the scenario's configuration sets
    // are refused as --ns3::... overrides (each message names the key).
    cmd.RefuseScenarioAttributes();
    cmd.Parse(argc, argv);

    // Everything that can be checked before a mode runs is checked first.
    // Options alone: a bad one is a usage error (exit 2).
    std::vector<std::string> modes;
    std::string error;
    if (!M3EstimatorHelper::ParseModes(mode, &modes, &error))
    {
        return Fail(error, 2);
    }
    std::string sweepKey;
    std::vector<std::string> sweepValues;
    if (!sweep.empty() && !ParseSweep(sweep, &sweepKey, &sweepValues, &error))
    {
        return Fail(error, 2);
    }
    std::vector<Ptr<M3Estimator>> estimators;
    for (const auto& m : modes)
    {
        Ptr<M3Estimator> e = estimatorHelper.Create(m, &error);
        if (!e)
        {
            return Fail(error, 2);
        }
        estimators.push_back(e);
    }
    // What the flows will need is refused before they are generated or
    // read (the packet network's memory for --num-flows=1e8 on --k-ary=64).
    scenarioHelper.SetFlowCountCheck(
        [&estimators](Ptr<M3Scenario> s, uint64_t n, const std::string& where, std::string* err)
        {
            for (const auto& e : estimators)
            {
                if (!e->CheckFlowCount(s, n, where, err))
                {
                    return false;
                }
            }
            return true;
        });
    // An option's value the scenario cannot take (--workload=bogus,
    // --tm=incast:99:0.5) is a usage error too; a file's content is not.
    bool usage = false;
    Ptr<M3Scenario> scenario = scenarioHelper.Build(&error, &usage);
    if (!scenario)
    {
        return Fail(error, usage ? 2 : 1);
    }
    const m3_flows& flows = scenario->GetFlows();
    if (flows.n == 0)
    {
        return Fail("the scenario has no flows");
    }
    // Each estimator's own checks (the packet network's memory and model
    // values, --pfc-log, the m3 model and its path lengths), every value of
    // a sweep included, before the first one runs.
    std::vector<std::string> points =
        sweepValues.empty() ? std::vector<std::string>{""} : sweepValues;
    const m3_config base = scenario->GetConfig();
    for (const auto& v : points)
    {
        if (!v.empty() && (!scenario->SetConfigKey(sweepKey, v, "--sweep", &error) ||
                           !scenario->ValidateConfig(&error)))
        {
            return Fail(error, 2);
        }
        for (const auto& e : estimators)
        {
            if (!e->Check(scenario, &error))
            {
                return Fail(v.empty() ? error : sweepKey + "=" + v + ": " + error);
            }
        }
        scenario->SetConfig(base);
    }
    if (!out.empty() && !CheckOutDir(out, &error))
    {
        return Fail(error);
    }

    const std::string description = scenarioHelper.Describe();
    std::printf("scenario: %s: %u hosts, %u links, %zu flows, cc %s\n",
                description.c_str(),
                m3_topology_num_hosts(scenario->GetTopology()),
                m3_topology_num_links(scenario->GetTopology()),
                flows.n,
                m3_cc_name(scenario->GetConfig().cc));
    std::fflush(stdout);
    if (!sweep.empty())
    {
        int rc = RunSweep(scenario, estimators, sweep, description, out);
        for (const auto& e : estimators)
        {
            e->Dispose();
        }
        scenario->Dispose();
        return rc;
    }

    std::vector<M3Result> results(estimators.size());
    std::vector<const M3Result*> view;
    for (size_t i = 0; i < estimators.size(); i++)
    {
        if (!estimators[i]->Estimate(scenario, results[i], &error))
        {
            return Fail(error);
        }
        view.push_back(&results[i]);
    }
    for (const M3Result& r : results)
    {
        // The packet estimator reported its own as it found them.
        if (r.GetMode() != "packet")
        {
            PrintWarnings(r);
        }
    }
    std::cout << "\n";
    M3PrintTable(std::cout, view);

    if (!out.empty())
    {
        std::vector<std::string> written;
        if (!WriteOutputs(out, flows, view, description, &written, &error))
        {
            return Fail(error);
        }
        for (const auto& w : written)
        {
            std::printf("wrote %s\n", w.c_str());
        }
    }
    for (const auto& e : estimators)
    {
        e->Dispose();
    }
    scenario->Dispose();
    return 0;
}

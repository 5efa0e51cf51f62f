// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-estimators-example - the scripting API of the m3 module in one page:
 * build a scenario, create the three estimators through the helper, run
 * each on the same scenario, read the results.
 *
 * The scenario is small so that the packet mode takes a few seconds: a
 * k=4 fat-tree (16 hosts, 10 Gbps hosts, 40 Gbps fabric) with 3000 flows
 * of web-server sizes, Poisson arrivals, uniform traffic matrix, the
 * busiest link at 50% load, DCTCP.
 *
 *   ./m3-estimators-example
 *   ./m3-estimators-example --k-ary=4 --num-flows=5000 --cc=hpcc
 *
 * An estimator that fails (e.g. m3 in a build without libtorch) is reported
 * and skipped; the program fails only when none of them ran.
 */
#include "ns3/m3-command-line.h"
#include "ns3/m3-estimator-helper.h"
#include "ns3/m3-result-table.h"
#include "ns3/m3-scenario.h"
#include "ns3/nstime.h"
#include "ns3/uinteger.h"

#include <iostream>
#include <string>
#include <vector>

using namespace ns3;

int
main(int argc, char* argv[])
{
    uint32_t k = 4;
    uint32_t numFlows = 3000;
    std::string cc = "dctcp";
    M3CommandLine cmd("m3-estimators-example",
                      "usage: m3-estimators-example [--k-ary=K] [--num-flows=N] [--cc=CC]\n"
                      "The three estimators on one k-ary fat-tree scenario.");
    cmd.AddCount("k-ary", "classic k-ary fat-tree of this even K, 2..16 (default 4)", &k, 2, 16);
    cmd.AddCount("num-flows", "number of flows, 1..1e6 (default 3000)", &numFlows, 1, 1000000);
    cmd.AddChecked("cc",
                   "congestion control: dctcp (default), hpcc, dcqcn, timely",
                   &cc,
                   [](const std::string& v, std::string* error)
                   {
                       m3_config c;
                       m3_config_default(&c);
                       m3_error err;
                       if (m3_config_set(&c, "cc", v.c_str(), nullptr, &err) != 0)
                       {
                           *error = err.msg;
                           return false;
                       }
                       return true;
                   });
    cmd.Parse(argc, argv);
    if (k % 2)
    {
        std::cerr << "m3-estimators-example: --k-ary: " << k << " is not even\n";
        return 2;
    }

    // 1. The scenario: topology, flows, network configuration.
    std::string error;
    Ptr<M3Scenario> scenario = CreateObject<M3Scenario>();
    if (!scenario->BuildKAry(k, &error) || !scenario->SetConfigKey("cc", cc, "--cc", &error))
    {
        std::cerr << error << "\n";
        return 1;
    }
    m3_error err;
    m3_size_dist* sizes = m3_size_dist_builtin("webserver", &err);
    if (!sizes)
    {
        std::cerr << err.msg << "\n";
        return 1;
    }
    m3_workload_spec spec{};
    spec.sizes = sizes;
    spec.arrival = M3_ARRIVAL_POISSON;
    spec.tm = M3_TM_UNIFORM;
    spec.load = 0.5;
    spec.num_flows = numFlows;
    spec.seed = 1;
    bool generated = scenario->GenerateWorkload(spec, &error);
    m3_size_dist_free(sizes);
    if (!generated)
    {
        std::cerr << error << "\n";
        return 1;
    }
    std::cout << "k=" << k << " fat-tree, " << scenario->GetFlows().n << " flows, cc " << cc
              << "\n";

    // 2. The estimators, by mode name, with a few attributes set.
    M3EstimatorHelper helper;
    helper.SetAttribute("packet", "StallTime", TimeValue(MilliSeconds(50)));
    helper.SetAttribute("m3", "PathSamples", UintegerValue(300));
    helper.SetAttribute("m3", "Bootstrap", UintegerValue(100));

    // 3. Run each on the same scenario; one M3Result per estimator.
    std::vector<M3Result> results;
    for (const std::string& mode : M3EstimatorHelper::GetModeNames())
    {
        Ptr<M3Estimator> estimator = helper.Create(mode, &error);
        M3Result result;
        if (!estimator || !estimator->Estimate(scenario, result, &error))
        {
            std::cerr << "skipped: " << error << "\n";
            continue;
        }
        // The accessors: overall percentiles, intervals where there are some.
        const m3_bucket_stats& all = result.GetSummary().overall;
        std::cout << result.GetMode() << ": p99 slowdown " << all.p99;
        if (result.HasInterval())
        {
            std::cout << " [" << result.GetCiLo().overall.p99 << ", "
                      << result.GetCiHi().overall.p99 << "]";
        }
        std::cout << " in " << result.GetWallSeconds() << " s\n";
        results.push_back(std::move(result));
    }
    if (results.empty())
    {
        return 1;
    }

    // 4. All results side by side, errors against packet where it ran.
    std::vector<const M3Result*> view;
    for (const M3Result& r : results)
    {
        view.push_back(&r);
    }
    std::cout << "\n";
    M3PrintTable(std::cout, view);
    scenario->Dispose();
    return 0;
}

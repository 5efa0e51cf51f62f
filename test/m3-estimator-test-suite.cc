// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-estimator-test-suite.cc - one TestSuite per estimator, one for the
 * helper that creates them and one for the result type:
 *
 *   m3-flowsim-estimator  equals the core's m3_estimate_flowsim flow by flow;
 *   m3-packet-estimator   equals M3PacketHelper run directly (FCTs identical),
 *                         its attributes reach the run (stall, time limit,
 *                         PFC log) and its statistics reach the result;
 *   m3-model-estimator    a missing model fails with a message naming the
 *                         file; attributes and defaults; with libtorch and
 *                         the shipped model: an estimate with an interval,
 *                         deterministic in its seed, the model loaded once;
 *   m3-estimator-helper   creates each estimator by mode name and TypeId,
 *                         refuses unknown ones and bad values with a
 *                         message, passes attributes and command-line
 *                         options on, parses --mode lists;
 *   m3-result             M3Result moves; summary.json parses back
 *                         (nlohmann) with the fields written.
 */
#include "ns3/command-line.h"
#include "ns3/double.h"
#include "ns3/m3-estimator-helper.h"
#include "ns3/m3-flowsim-estimator.h"
#include "ns3/m3-infer.h"
#include "ns3/m3-model-estimator.h"
#include "ns3/m3-packet-estimator.h"
#include "ns3/m3-packet-helper.h"
#include "ns3/m3-result-json.h"
#include "ns3/m3-result.h"
#include "ns3/m3-scenario-helper.h"
#include "ns3/string.h"
#include "ns3/test.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

/** A small generated scenario: a k=4 fat-tree with \p flows web-server flows. */
Ptr<M3Scenario>
SmallScenario(uint64_t flows, const std::string& topology = "k-ary=4")
{
    M3ScenarioHelper helper;
    helper.SetDefaultTopology(topology);
    helper.SetDefaultWorkload("webserver", 0.5, flows);
    std::string error;
    Ptr<M3Scenario> s = helper.Build(&error);
    NS_ABORT_MSG_IF(!s, "test scenario: " << error);
    return s;
}

/** Same bits, NaN equal to NaN. */
bool
Same(double a, double b)
{
    return (std::isnan(a) && std::isnan(b)) || a == b;
}

bool
FileExists(const std::string& path)
{
    std::ifstream f(path);
    return f.good();
}

} // namespace

// ---------------------------------------------------------------- flowSim

/** The flowSim estimator returns the core's result, flow by flow. */
class M3FlowSimEstimatorCoreTestCase : public TestCase
{
  public:
    M3FlowSimEstimatorCoreTestCase()
        : TestCase("flowSim estimator equals m3_estimate_flowsim flow by flow")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<M3Scenario> s = SmallScenario(2000);
        Ptr<M3FlowSimEstimator> e = CreateObject<M3FlowSimEstimator>();
        NS_TEST_EXPECT_MSG_EQ(e->GetModeName(), "flowsim", "mode name");
        M3Result r;
        std::string error;
        NS_TEST_ASSERT_MSG_EQ(e->Estimate(s, r, &error), true, error);

        m3_result core;
        m3_result_init(&core, "flowsim");
        m3_error err;
        NS_TEST_ASSERT_MSG_EQ(m3_estimate_flowsim(&s->GetScenario(), s->GetRouting(), &core, &err),
                              0,
                              err.msg);
        NS_TEST_ASSERT_MSG_EQ(r.GetMode(), "flowsim", "mode");
        NS_TEST_ASSERT_MSG_EQ(r.GetNumFlows(), s->GetFlows().n, "flows");
        NS_TEST_ASSERT_MSG_EQ(r.HasFlows(), true, "per-flow results");
        NS_TEST_ASSERT_MSG_NE(r.GetFluidNs(), nullptr, "fluid FCTs");
        size_t differ = 0;
        for (size_t i = 0; i < r.GetNumFlows(); i++)
        {
            differ += !Same(r.GetFctNs()[i], core.fct_ns[i]) ||
                      !Same(r.GetIdealNs()[i], core.ideal_ns[i]) ||
                      !Same(r.GetFluidNs()[i], core.fluid_ns[i]);
        }
        NS_TEST_EXPECT_MSG_EQ(differ, 0, "flows whose FCT, ideal or fluid FCT differ");
        const m3_summary& a = r.GetSummary();
        NS_TEST_EXPECT_MSG_EQ(a.overall.n, core.summary.overall.n, "overall n");
        NS_TEST_EXPECT_MSG_EQ(a.overall.p99, core.summary.overall.p99, "overall p99");
        for (int b = 0; b < a.num_buckets; b++)
        {
            NS_TEST_EXPECT_MSG_EQ(Same(a.buckets[b].p90, core.summary.buckets[b].p90),
                                  true,
                                  "bucket " << b << " p90");
        }
        for (int p = 1; p <= M3_RESULT_PCTS; p++)
        {
            NS_TEST_EXPECT_MSG_EQ(Same(r.GetPercentile(p), core.pct[p - 1]), true, "p" << p);
        }
        NS_TEST_EXPECT_MSG_GT(r.GetWallSeconds(), 0, "wall time");
        m3_result_free(&core);
    }
};

/** A scenario without flows (or without topology) is refused with the mode named. */
class M3FlowSimEstimatorEmptyTestCase : public TestCase
{
  public:
    M3FlowSimEstimatorEmptyTestCase()
        : TestCase("an empty scenario is refused, the message names the mode")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<M3FlowSimEstimator> e = CreateObject<M3FlowSimEstimator>();
        M3Result r;
        std::string error;
        Ptr<M3Scenario> bare = CreateObject<M3Scenario>();
        NS_TEST_EXPECT_MSG_EQ(e->Estimate(bare, r, &error), false, "no topology");
        NS_TEST_EXPECT_MSG_EQ(error, "flowsim: the scenario has no topology", "message");
        NS_TEST_ASSERT_MSG_EQ(bare->BuildKAry(4, &error), true, error);
        NS_TEST_EXPECT_MSG_EQ(e->Estimate(bare, r, &error), false, "no flows");
        NS_TEST_EXPECT_MSG_EQ(error, "flowsim: the scenario has no flows", "message");
        NS_TEST_EXPECT_MSG_EQ(std::isnan(r.GetSummary().overall.p50), true, "no numbers left");
    }
};

/** TestSuite "m3-flowsim-estimator". */
class M3FlowSimEstimatorTestSuite : public TestSuite
{
  public:
    M3FlowSimEstimatorTestSuite()
        : TestSuite("m3-flowsim-estimator", UNIT)
    {
        AddTestCase(new M3FlowSimEstimatorCoreTestCase, TestCase::QUICK);
        AddTestCase(new M3FlowSimEstimatorEmptyTestCase, TestCase::QUICK);
    }
};

static M3FlowSimEstimatorTestSuite g_m3FlowSimEstimatorTestSuite;

// ---------------------------------------------------------------- packet

/** The packet estimator gives M3PacketHelper's FCTs, bit for bit. */
class M3PacketEstimatorHelperTestCase : public TestCase
{
  public:
    M3PacketEstimatorHelperTestCase()
        : TestCase("packet estimator equals M3PacketHelper run directly")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<M3Scenario> s = SmallScenario(200);
        std::string error;

        M3PacketHelper ph;
        NS_TEST_ASSERT_MSG_EQ(ph.Install(s, &error), true, error);
        ph.Run();
        std::vector<double> fct = ph.GetFctNs();
        std::vector<double> ideal = ph.GetIdealNs();
        std::string stop = ph.GetStopReason();
        uint64_t packets = ph.GetDataPackets();
        uint64_t pauses = ph.GetPfcPauses();
        uint64_t drops = ph.GetDrops();
        uint64_t timeouts = ph.GetTimeouts();
        double simS = ph.GetSimulatedTime().GetSeconds();
        ph.Destroy();

        Ptr<M3PacketEstimator> e = CreateObject<M3PacketEstimator>();
        NS_TEST_EXPECT_MSG_EQ(e->GetModeName(), "packet", "mode name");
        M3Result r;
        NS_TEST_ASSERT_MSG_EQ(e->Estimate(s, r, &error), true, error);
        NS_TEST_ASSERT_MSG_EQ(r.HasFlows(), true, "per-flow results");
        NS_TEST_ASSERT_MSG_EQ(r.GetNumFlows(), fct.size(), "flows");
        size_t differ = 0;
        for (size_t i = 0; i < fct.size(); i++)
        {
            differ += !Same(r.GetFctNs()[i], fct[i]) || !Same(r.GetIdealNs()[i], ideal[i]);
        }
        NS_TEST_EXPECT_MSG_EQ(differ, 0, "flows whose FCT or ideal FCT differ");
        NS_TEST_EXPECT_MSG_EQ(r.GetFluidNs(), nullptr, "no fluid FCTs in packet mode");
        const m3_result& raw = r.Get();
        NS_TEST_EXPECT_MSG_EQ(std::string(raw.stop_reason), stop, "stop reason");
        NS_TEST_EXPECT_MSG_EQ(stop, "all flows finished", "the run completes");
        NS_TEST_EXPECT_MSG_EQ(raw.data_packets, packets, "data packets");
        NS_TEST_EXPECT_MSG_EQ(raw.pfc_pauses, pauses, "PFC pauses");
        NS_TEST_EXPECT_MSG_EQ(raw.drops, drops, "drops");
        NS_TEST_EXPECT_MSG_EQ(raw.timeouts, timeouts, "timeouts");
        NS_TEST_EXPECT_MSG_EQ(raw.sim_s, simS, "simulated time");
        NS_TEST_EXPECT_MSG_EQ(r.GetUnfinished(), 0, "unfinished");
        NS_TEST_EXPECT_MSG_GT(raw.data_packets, 0, "packets were sent");

        // The same numbers as the core makes of these FCTs.
        M3Result direct("packet");
        NS_TEST_ASSERT_MSG_EQ(
            direct.SetFcts(s->GetFlows(), fct.data(), ideal.data(), nullptr, &error),
            true,
            error);
        NS_TEST_EXPECT_MSG_EQ(r.GetSummary().overall.p99, direct.GetSummary().overall.p99, "p99");
    }
};

/** StallTime, TimeLimit and PfcLogFile reach the run; unfinished flows are counted. */
class M3PacketEstimatorAttributesTestCase : public TestCase
{
  public:
    M3PacketEstimatorAttributesTestCase()
        : TestCase("packet estimator attributes reach the run")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<M3PacketEstimator> e = CreateObject<M3PacketEstimator>();
        TimeValue t;
        e->GetAttribute("StallTime", t);
        NS_TEST_EXPECT_MSG_EQ(t.Get(), MilliSeconds(100), "default StallTime");
        e->GetAttribute("TimeLimit", t);
        NS_TEST_EXPECT_MSG_EQ(t.Get(), Time(0), "default TimeLimit");

        // A time limit before most flows can finish.
        Ptr<M3Scenario> s = SmallScenario(500);
        std::string pfcLog = CreateTempDirFilename("pfc.txt");
        std::remove(pfcLog.c_str());
        e->SetAttribute("TimeLimit", TimeValue(MicroSeconds(300)));
        e->SetAttribute("PfcLogFile", StringValue(pfcLog));
        M3Result r;
        std::string error;
        NS_TEST_ASSERT_MSG_EQ(e->Estimate(s, r, &error), true, error);
        NS_TEST_EXPECT_MSG_EQ(std::string(r.Get().stop_reason), "time limit", "stop reason");
        NS_TEST_EXPECT_MSG_EQ_TOL(r.Get().sim_s, 300e-6, 1e-9, "stopped at the limit");
        NS_TEST_EXPECT_MSG_GT(r.GetUnfinished(), 0, "unfinished flows counted");
        NS_TEST_EXPECT_MSG_EQ(r.GetSummary().overall.n + r.GetUnfinished(),
                              s->GetFlows().n,
                              "percentiles over the finished flows only");
        NS_TEST_EXPECT_MSG_EQ(std::isnan(r.GetFctNs()[s->GetFlows().n - 1]), true, "NaN FCT");
        NS_TEST_EXPECT_MSG_GT(r.GetNumWarnings(), 0, "unfinished flows are a warning");
        NS_TEST_EXPECT_MSG_EQ(FileExists(pfcLog), true, "PFC log written");

        // An unwritable PFC log is an error naming it.
        e->SetAttribute("TimeLimit", TimeValue(Time(0)));
        e->SetAttribute("PfcLogFile", StringValue("/nonexistent-dir/pfc.txt"));
        NS_TEST_EXPECT_MSG_EQ(e->Estimate(s, r, &error), false, "bad log path");
        NS_TEST_EXPECT_MSG_NE(error.find("/nonexistent-dir/pfc.txt"),
                              std::string::npos,
                              "names the file: " << error);
        NS_TEST_EXPECT_MSG_EQ(error.compare(0, 8, "packet: "), 0, "one mode prefix: " << error);
    }
};

/** The PFC headroom warning reaches the result. */
class M3PacketEstimatorWarningTestCase : public TestCase
{
  public:
    M3PacketEstimatorWarningTestCase()
        : TestCase("packet estimator stores the configuration warnings")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<M3Scenario> s = SmallScenario(100);
        std::string error;
        NS_TEST_ASSERT_MSG_EQ(s->SetConfigKey("buffer_kb", "20", "", &error), true, error);
        NS_TEST_ASSERT_MSG_EQ(s->SetConfigKey("pfc", "1", "", &error), true, error);
        Ptr<M3PacketEstimator> e = CreateObject<M3PacketEstimator>();
        M3Result r;
        NS_TEST_ASSERT_MSG_EQ(e->Estimate(s, r, &error), true, error);
        NS_TEST_EXPECT_MSG_EQ(r.GetNumWarnings(), 20, "one per switch of the k=4 fat-tree");
        NS_TEST_EXPECT_MSG_NE(r.GetWarnings()[0].find("PFC headroom"),
                              std::string::npos,
                              r.GetWarnings()[0]);
    }
};

/** TestSuite "m3-packet-estimator". */
class M3PacketEstimatorTestSuite : public TestSuite
{
  public:
    M3PacketEstimatorTestSuite()
        : TestSuite("m3-packet-estimator", UNIT)
    {
        AddTestCase(new M3PacketEstimatorHelperTestCase, TestCase::QUICK);
        AddTestCase(new M3PacketEstimatorAttributesTestCase, TestCase::QUICK);
        AddTestCase(new M3PacketEstimatorWarningTestCase, TestCase::QUICK);
    }
};

static M3PacketEstimatorTestSuite g_m3PacketEstimatorTestSuite;

// ---------------------------------------------------------------- m3

/** A missing model is an error naming the file, not a crash. */
class M3ModelEstimatorMissingTestCase : public TestCase
{
  public:
    M3ModelEstimatorMissingTestCase()
        : TestCase("a missing model fails with a message naming the file")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<M3Scenario> s = SmallScenario(200);
        Ptr<M3ModelEstimator> e = CreateObject<M3ModelEstimator>();
        NS_TEST_EXPECT_MSG_EQ(e->GetModeName(), "m3", "mode name");
        const std::string missing = CreateTempDirFilename("no-such-model.pt");
        e->SetAttribute("Model", StringValue(missing));
        M3Result r;
        std::string error;
        NS_TEST_EXPECT_MSG_EQ(e->Estimate(s, r, &error), false, "refused");
        NS_TEST_EXPECT_MSG_NE(error.find(missing), std::string::npos, "names it: " << error);
        NS_TEST_EXPECT_MSG_EQ(error.compare(0, 4, "m3: "), 0, "mode prefix: " << error);
        NS_TEST_EXPECT_MSG_EQ(e->GetModelInfo(), nullptr, "nothing loaded");
        NS_TEST_EXPECT_MSG_EQ(std::isnan(r.GetSummary().overall.p99), true, "no numbers");
        // Twice: no state left behind by the failure.
        NS_TEST_EXPECT_MSG_EQ(e->Estimate(s, r, &error), false, "refused again");
    }
};

/** Defaults and set values of the attributes. */
class M3ModelEstimatorAttributesTestCase : public TestCase
{
  public:
    M3ModelEstimatorAttributesTestCase()
        : TestCase("m3 estimator attributes: defaults and set values")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<M3ModelEstimator> e = CreateObject<M3ModelEstimator>();
        StringValue model;
        e->GetAttribute("Model", model);
        const std::string def = M3ModelEstimator::GetDefaultModelPath();
        NS_TEST_EXPECT_MSG_EQ(model.Get(), def, "default model");
        NS_TEST_EXPECT_MSG_NE(def.find("ckpts/m3-medium.pt"), std::string::npos, def);
#ifdef M3_TEST_DATA_DIR
        // The builds that pass the test data directory also define the
        // module's source directory: the shipped model is found there.
        NS_TEST_EXPECT_MSG_EQ(FileExists(def), true, "the default model exists: " << def);
#endif
        UintegerValue u;
        e->GetAttribute("PathSamples", u);
        NS_TEST_EXPECT_MSG_EQ(u.Get(), 500, "PathSamples");
        e->GetAttribute("Threads", u);
        NS_TEST_EXPECT_MSG_EQ(u.Get(), 0, "Threads");
        e->GetAttribute("Seed", u);
        NS_TEST_EXPECT_MSG_EQ(u.Get(), 1, "Seed");
        e->GetAttribute("Bootstrap", u);
        NS_TEST_EXPECT_MSG_EQ(u.Get(), 200, "Bootstrap");
        DoubleValue d;
        e->GetAttribute("ConfidenceLevel", d);
        NS_TEST_EXPECT_MSG_EQ(d.Get(), 0.95, "ConfidenceLevel");
        NS_TEST_EXPECT_MSG_EQ(e->SetAttributeFailSafe("PathSamples", UintegerValue(0)),
                              false,
                              "0 path samples refused");
        NS_TEST_EXPECT_MSG_EQ(e->SetAttributeFailSafe("ConfidenceLevel", DoubleValue(1.5)),
                              false,
                              "level above 1 refused");
        // a level of exactly 1 passes the attribute checker but no interval
        // has it: LoadModel, which callers run before long work, refuses it
        e->SetAttribute("ConfidenceLevel", DoubleValue(1.0));
        std::string error;
        NS_TEST_EXPECT_MSG_EQ(e->LoadModel(&error), false, "level 1 refused at load");
        NS_TEST_EXPECT_MSG_NE(error.find("ConfidenceLevel"), std::string::npos, error);
    }
};

/** With libtorch and the shipped model: an estimate with an interval, deterministic. */
class M3ModelEstimatorRunTestCase : public TestCase
{
  public:
    M3ModelEstimatorRunTestCase()
        : TestCase("m3 estimator runs the shipped model (when libtorch is built in)")
    {
    }

  private:
    void DoRun() override
    {
        const std::string model = M3ModelEstimator::GetDefaultModelPath();
        if (!m3_infer_available() || !FileExists(model))
        {
            std::fprintf(stderr,
                         "m3-model-estimator: skipped the run (libtorch %s, model %s)\n",
                         m3_infer_available() ? "built in" : "not built in",
                         FileExists(model) ? "present" : "missing");
            return;
        }
        Ptr<M3Scenario> s = SmallScenario(1000);
        Ptr<M3ModelEstimator> e = CreateObject<M3ModelEstimator>();
        e->SetAttribute("PathSamples", UintegerValue(100));
        e->SetAttribute("Bootstrap", UintegerValue(50));
        e->SetAttribute("Seed", UintegerValue(7));
        e->SetAttribute("Threads", UintegerValue(1));
        M3Result a;
        std::string error;
        NS_TEST_ASSERT_MSG_EQ(e->Estimate(s, a, &error), true, error);
        const m3_model_info* info = e->GetModelInfo();
        NS_TEST_ASSERT_MSG_NE(info, nullptr, "model loaded");
        NS_TEST_EXPECT_MSG_EQ(a.GetMode(), "m3", "mode");
        NS_TEST_EXPECT_MSG_EQ(a.Get().paths_sampled, 100, "PathSamples reached the core");
        NS_TEST_EXPECT_MSG_GT(a.Get().paths_distinct, 0, "distinct paths");
        NS_TEST_EXPECT_MSG_EQ(a.HasInterval(), true, "interval");
        NS_TEST_EXPECT_MSG_EQ(a.GetCiLevel(), 0.95, "level");
        NS_TEST_EXPECT_MSG_EQ(a.HasFlows(), false, "no per-flow results");
        NS_TEST_EXPECT_MSG_EQ(a.GetNumFlows(), s->GetFlows().n, "flows");
        const m3_bucket_stats& o = a.GetSummary().overall;
        NS_TEST_EXPECT_MSG_GT_OR_EQ(o.p50, 1.0, "p50 >= 1");
        NS_TEST_EXPECT_MSG_GT_OR_EQ(o.p99, o.p50, "p99 >= p50");
        NS_TEST_EXPECT_MSG_LT_OR_EQ(a.GetCiLo().overall.p99, a.GetCiHi().overall.p99, "lo <= hi");

        // Same seed, same numbers; the model is not loaded again.
        M3Result b;
        NS_TEST_ASSERT_MSG_EQ(e->Estimate(s, b, &error), true, error);
        NS_TEST_EXPECT_MSG_EQ(e->GetModelInfo(), info, "model kept across estimates");
        NS_TEST_EXPECT_MSG_EQ(b.GetSummary().overall.p99, o.p99, "deterministic p99");
        NS_TEST_EXPECT_MSG_EQ(b.GetCiHi().overall.p99, a.GetCiHi().overall.p99, "same interval");

        // No interval when asked for none.
        e->SetAttribute("Bootstrap", UintegerValue(0));
        NS_TEST_ASSERT_MSG_EQ(e->Estimate(s, b, &error), true, error);
        NS_TEST_EXPECT_MSG_EQ(b.HasInterval(), false, "Bootstrap 0: no interval");

        // Changing Model reloads: a missing one now fails, naming it.
        e->SetAttribute("Model", StringValue(CreateTempDirFilename("gone.pt")));
        NS_TEST_EXPECT_MSG_EQ(e->Estimate(s, b, &error), false, "new model path is loaded");
        NS_TEST_EXPECT_MSG_NE(error.find("gone.pt"), std::string::npos, error);
    }
};

/** TestSuite "m3-model-estimator". */
class M3ModelEstimatorTestSuite : public TestSuite
{
  public:
    M3ModelEstimatorTestSuite()
        : TestSuite("m3-model-estimator", UNIT)
    {
        AddTestCase(new M3ModelEstimatorMissingTestCase, TestCase::QUICK);
        AddTestCase(new M3ModelEstimatorAttributesTestCase, TestCase::QUICK);
        AddTestCase(new M3ModelEstimatorRunTestCase, TestCase::QUICK);
    }
};

static M3ModelEstimatorTestSuite g_m3ModelEstimatorTestSuite;

// ---------------------------------------------------------------- helper

/** Every mode by name and by TypeId; unknown names refused. */
class M3EstimatorHelperCreateTestCase : public TestCase
{
  public:
    M3EstimatorHelperCreateTestCase()
        : TestCase("the helper creates each estimator by name and TypeId")
    {
    }

  private:
    void DoRun() override
    {
        M3EstimatorHelper h;
        std::string error;
        const std::vector<std::pair<std::string, std::string>> kinds = {
            {"flowsim", "ns3::M3FlowSimEstimator"},
            {"packet", "ns3::M3PacketEstimator"},
            {"m3", "ns3::M3ModelEstimator"},
        };
        for (const auto& k : kinds)
        {
            NS_TEST_EXPECT_MSG_EQ(M3EstimatorHelper::GetTypeIdName(k.first), k.second, k.first);
            Ptr<M3Estimator> byName = h.Create(k.first, &error);
            NS_TEST_ASSERT_MSG_NE(byName, nullptr, error);
            NS_TEST_EXPECT_MSG_EQ(byName->GetInstanceTypeId().GetName(), k.second, k.first);
            NS_TEST_EXPECT_MSG_EQ(byName->GetModeName(), k.first, "mode name");
            Ptr<M3Estimator> byType = h.Create(k.second, &error);
            NS_TEST_ASSERT_MSG_NE(byType, nullptr, error);
            NS_TEST_EXPECT_MSG_EQ(byType->GetModeName(), k.first, k.second);
        }
        for (const std::string bad : {"fluid", "", "ns3::M3Scenario", "ns3::M3Estimator"})
        {
            error.clear();
            NS_TEST_EXPECT_MSG_EQ(h.Create(bad, &error), nullptr, "'" << bad << "' refused");
            NS_TEST_EXPECT_MSG_NE(error.find("unknown estimator '" + bad + "'"),
                                  std::string::npos,
                                  error);
        }
        NS_TEST_EXPECT_MSG_EQ(M3EstimatorHelper::GetModeNames().size(), 3, "three modes");
    }
};

/** SetAttribute values and command-line options reach the estimators. */
class M3EstimatorHelperAttributesTestCase : public TestCase
{
  public:
    M3EstimatorHelperAttributesTestCase()
        : TestCase("attribute settings and options reach the estimator")
    {
    }

  private:
    void DoRun() override
    {
        std::string error;
        M3EstimatorHelper h;
        h.SetAttribute("m3", "PathSamples", UintegerValue(123));
        h.SetAttribute("ns3::M3ModelEstimator", "Seed", UintegerValue(9));
        h.SetAttribute("packet", "TimeLimit", TimeValue(MilliSeconds(3)));
        Ptr<M3Estimator> m3 = h.Create("m3", &error);
        NS_TEST_ASSERT_MSG_NE(m3, nullptr, error);
        UintegerValue u;
        m3->GetAttribute("PathSamples", u);
        NS_TEST_EXPECT_MSG_EQ(u.Get(), 123, "PathSamples by mode name");
        m3->GetAttribute("Seed", u);
        NS_TEST_EXPECT_MSG_EQ(u.Get(), 9, "Seed by TypeId");
        Ptr<M3Estimator> packet = h.Create("packet", &error);
        NS_TEST_ASSERT_MSG_NE(packet, nullptr, error);
        TimeValue t;
        packet->GetAttribute("TimeLimit", t);
        NS_TEST_EXPECT_MSG_EQ(t.Get(), MilliSeconds(3), "TimeLimit");

        // Command-line options, after the settings above (they win).
        CommandLine cmd;
        h.AddCommandLine(cmd);
        const char* argv[] = {"prog",
                              "--path-samples=77",
                              "--threads=2",
                              "--m3-seed=5",
                              "--ci-level=0.9",
                              "--bootstrap=10",
                              "--model=/x/y.pt",
                              "--stall-ms=5",
                              "--time-limit=0.25",
                              "--progress=2",
                              "--pfc-log=/tmp/p.txt"};
        cmd.Parse(int(sizeof argv / sizeof argv[0]), const_cast<char**>(argv));
        m3 = h.Create("m3", &error);
        NS_TEST_ASSERT_MSG_NE(m3, nullptr, error);
        m3->GetAttribute("PathSamples", u);
        NS_TEST_EXPECT_MSG_EQ(u.Get(), 77, "--path-samples");
        m3->GetAttribute("Threads", u);
        NS_TEST_EXPECT_MSG_EQ(u.Get(), 2, "--threads");
        m3->GetAttribute("Seed", u);
        NS_TEST_EXPECT_MSG_EQ(u.Get(), 5, "--m3-seed");
        m3->GetAttribute("Bootstrap", u);
        NS_TEST_EXPECT_MSG_EQ(u.Get(), 10, "--bootstrap");
        DoubleValue d;
        m3->GetAttribute("ConfidenceLevel", d);
        NS_TEST_EXPECT_MSG_EQ(d.Get(), 0.9, "--ci-level");
        StringValue s;
        m3->GetAttribute("Model", s);
        NS_TEST_EXPECT_MSG_EQ(s.Get(), "/x/y.pt", "--model");
        packet = h.Create("packet", &error);
        NS_TEST_ASSERT_MSG_NE(packet, nullptr, error);
        packet->GetAttribute("StallTime", t);
        NS_TEST_EXPECT_MSG_EQ(t.Get(), MilliSeconds(5), "--stall-ms");
        packet->GetAttribute("TimeLimit", t);
        NS_TEST_EXPECT_MSG_EQ(t.Get(), MilliSeconds(250), "--time-limit");
        packet->GetAttribute("ProgressInterval", d);
        NS_TEST_EXPECT_MSG_EQ(d.Get(), 2.0, "--progress");
        packet->GetAttribute("PfcLogFile", s);
        NS_TEST_EXPECT_MSG_EQ(s.Get(), "/tmp/p.txt", "--pfc-log");
        // flowSim has no options: untouched by the others'.
        NS_TEST_EXPECT_MSG_NE(h.Create("flowsim", &error), nullptr, error);
    }
};

/** Bad option values and unknown attributes give messages, not aborts. */
class M3EstimatorHelperBadValueTestCase : public TestCase
{
  public:
    M3EstimatorHelperBadValueTestCase()
        : TestCase("bad values and attribute names are refused with a message")
    {
    }

  private:
    void DoRun() override
    {
        struct Case
        {
            const char* arg;
            const char* mode;
            const char* expect;
        };
        const Case cases[] = {
            {"--path-samples=abc", "m3", "--path-samples=abc: not an unsigned integer"},
            {"--path-samples=0", "m3", "--path-samples=0: must be 1 to 1000000"},
            {"--threads=-1", "m3", "--threads=-1: not an unsigned integer"},
            {"--ci-level=2", "m3", "--ci-level=2: must be in (0, 1)"},
            {"--stall-ms=0", "packet", "--stall-ms=0: must be > 0 and at most 1e9"},
            {"--time-limit=-1", "packet", "--time-limit=-1: must be 0 to 1e6"},
            {"--time-limit=1e10", "packet", "--time-limit=1e10: must be 0 to 1e6"},
            {"--path-samples=1e12", "m3", "--path-samples=1e12: must be 1 to 1000000"},
            {"--progress=soon", "packet", "--progress=soon: not a number"},
        };
        for (const Case& c : cases)
        {
            M3EstimatorHelper h;
            CommandLine cmd;
            h.AddCommandLine(cmd);
            const char* argv[] = {"prog", c.arg};
            cmd.Parse(2, const_cast<char**>(argv));
            std::string error;
            NS_TEST_EXPECT_MSG_EQ(h.Create(c.mode, &error), nullptr, c.arg);
            NS_TEST_EXPECT_MSG_EQ(error, c.expect, c.arg);
        }
        M3EstimatorHelper h;
        h.SetAttribute("flowsim", "NoSuchAttribute", UintegerValue(1));
        std::string error;
        NS_TEST_EXPECT_MSG_EQ(h.Create("flowsim", &error), nullptr, "unknown attribute");
        NS_TEST_EXPECT_MSG_NE(error.find("NoSuchAttribute"), std::string::npos, error);
    }
};

/** --mode lists. */
class M3EstimatorHelperModesTestCase : public TestCase
{
  public:
    M3EstimatorHelperModesTestCase()
        : TestCase("--mode: one, a list, all; unknown, repeated and empty refused")
    {
    }

  private:
    void DoRun() override
    {
        std::vector<std::string> modes;
        std::string error;
        NS_TEST_ASSERT_MSG_EQ(M3EstimatorHelper::ParseModes("all", &modes, &error), true, error);
        NS_TEST_EXPECT_MSG_EQ(modes.size(), 3, "all");
        NS_TEST_EXPECT_MSG_EQ(modes[0] + "," + modes[1] + "," + modes[2],
                              "packet,flowsim,m3",
                              "all's order");
        NS_TEST_ASSERT_MSG_EQ(M3EstimatorHelper::ParseModes("m3,flowsim", &modes, &error),
                              true,
                              error);
        NS_TEST_EXPECT_MSG_EQ(modes.size(), 2, "list");
        NS_TEST_EXPECT_MSG_EQ(modes[0], "m3", "order kept");
        NS_TEST_EXPECT_MSG_EQ(M3EstimatorHelper::ParseModes("m3,bogus", &modes, &error),
                              false,
                              "unknown");
        NS_TEST_EXPECT_MSG_NE(error.find("'bogus' is not a mode"), std::string::npos, error);
        NS_TEST_EXPECT_MSG_EQ(M3EstimatorHelper::ParseModes("m3,m3", &modes, &error),
                              false,
                              "repeated");
        NS_TEST_EXPECT_MSG_EQ(M3EstimatorHelper::ParseModes("", &modes, &error), false, "empty");
    }
};

/** TestSuite "m3-estimator-helper". */
class M3EstimatorHelperTestSuite : public TestSuite
{
  public:
    M3EstimatorHelperTestSuite()
        : TestSuite("m3-estimator-helper", UNIT)
    {
        AddTestCase(new M3EstimatorHelperCreateTestCase, TestCase::QUICK);
        AddTestCase(new M3EstimatorHelperAttributesTestCase, TestCase::QUICK);
        AddTestCase(new M3EstimatorHelperBadValueTestCase, TestCase::QUICK);
        AddTestCase(new M3EstimatorHelperModesTestCase, TestCase::QUICK);
    }
};

static M3EstimatorHelperTestSuite g_m3EstimatorHelperTestSuite;

// ---------------------------------------------------------------- result

/** Moving hands the per-flow arrays over; the source is left empty. */
class M3ResultMoveTestCase : public TestCase
{
  public:
    M3ResultMoveTestCase()
        : TestCase("M3Result moves its arrays and leaves the source empty")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<M3Scenario> s = SmallScenario(300);
        M3Result a;
        std::string error;
        NS_TEST_ASSERT_MSG_EQ(CreateObject<M3FlowSimEstimator>()->Estimate(s, a, &error),
                              true,
                              error);
        const double* fct = a.GetFctNs();
        double p99 = a.GetSummary().overall.p99;
        M3Result b(std::move(a));
        NS_TEST_EXPECT_MSG_EQ(b.GetFctNs(), fct, "arrays moved, not copied");
        NS_TEST_EXPECT_MSG_EQ(b.GetSummary().overall.p99, p99, "summary moved");
        NS_TEST_EXPECT_MSG_EQ(a.GetFctNs(), nullptr, "source has no arrays");
        NS_TEST_EXPECT_MSG_EQ(a.GetMode(), "flowsim", "source keeps its mode");
        NS_TEST_EXPECT_MSG_EQ(std::isnan(a.GetSummary().overall.p99), true, "source empty");
        M3Result c("m3");
        c = std::move(b);
        NS_TEST_EXPECT_MSG_EQ(c.GetFctNs(), fct, "move assignment");
        NS_TEST_EXPECT_MSG_EQ(c.GetMode(), "flowsim", "mode moved");
        c.Warn("a warning");
        NS_TEST_EXPECT_MSG_EQ(c.GetWarnings().size(), 1, "warning stored");
        c.Reset("packet");
        NS_TEST_EXPECT_MSG_EQ(c.HasFlows(), false, "reset frees");
        NS_TEST_EXPECT_MSG_EQ(c.GetNumWarnings(), 0, "reset clears warnings");
    }
};

/** summary.json parses back with what was written. */
class M3ResultJsonTestCase : public TestCase
{
  public:
    M3ResultJsonTestCase()
        : TestCase("summary.json round-trips through nlohmann-json")
    {
    }

  private:
    void DoRun() override
    {
        using nlohmann::json;
        Ptr<M3Scenario> s = SmallScenario(300);
        std::string error;
        // flowSim: a real result; "packet": the same FCTs scaled, with statistics;
        // "m3": a summary with an interval, as the m3 mode makes them.
        M3Result flow;
        NS_TEST_ASSERT_MSG_EQ(CreateObject<M3FlowSimEstimator>()->Estimate(s, flow, &error),
                              true,
                              error);
        const size_t n = s->GetFlows().n;
        std::vector<double> fct(flow.GetFctNs(), flow.GetFctNs() + n);
        for (double& f : fct)
        {
            f *= 1.5;
        }
        fct[0] = std::nan(""); // one unfinished flow
        M3Result packet("packet");
        NS_TEST_ASSERT_MSG_EQ(
            packet.SetFcts(s->GetFlows(), fct.data(), flow.GetIdealNs(), nullptr, &error),
            true,
            error);
        m3_result* pr = packet.Raw();
        std::snprintf(pr->stop_reason, sizeof pr->stop_reason, "all flows finished");
        pr->sim_s = 0.25;
        pr->data_packets = 1234;
        pr->pfc_pauses = 5;
        pr->drops = 6;
        pr->timeouts = 7;
        pr->wall_s = 10;
        M3Result m3("m3");
        m3_result* mr = m3.Raw();
        mr->summary = flow.GetSummary();
        mr->summary.buckets[3].n = 0;
        mr->summary.buckets[3].p50 = mr->summary.buckets[3].p90 = mr->summary.buckets[3].p99 =
            std::nan("");
        mr->ci_lo = mr->summary;
        mr->ci_hi = mr->summary;
        mr->ci_lo.overall.p99 -= 0.5;
        mr->ci_hi.overall.p99 += 0.5;
        mr->has_ci = 1;
        mr->ci_level = 0.9;
        for (int k = 0; k < M3_RESULT_PCTS; k++)
        {
            mr->pct[k] = flow.GetPercentile(k + 1);
        }
        mr->num_flows = n;
        mr->paths_sampled = 500;
        mr->paths_distinct = 42;
        mr->stage_s[M3_STAGE_INFERENCE] = 0.125;
        mr->wall_s = 0.5;
        m3.Warn("feature x: out of range");

        const std::string path = CreateTempDirFilename("summary.json");
        std::vector<const M3Result*> all = {&packet, &flow, &m3};
        NS_TEST_ASSERT_MSG_EQ(M3WriteSummaryJson(path, all, "k-ary=4 test", &error), true, error);
        std::ifstream in(path);
        json j = json::parse(in, nullptr, false);
        NS_TEST_ASSERT_MSG_EQ(j.is_discarded(), false, "parses");
        NS_TEST_EXPECT_MSG_EQ(j["format"], "m3-summary", "format");
        NS_TEST_EXPECT_MSG_EQ(j["version"], 2, "version");
        NS_TEST_EXPECT_MSG_EQ(j["scenario"], "k-ary=4 test", "scenario");
        const json& modes = j["modes"];
        NS_TEST_ASSERT_MSG_EQ(modes.size(), 3, "three modes");

        const json& jf = modes["flowsim"];
        NS_TEST_EXPECT_MSG_EQ(jf["overall"]["n"], flow.GetSummary().overall.n, "n");
        NS_TEST_EXPECT_MSG_EQ(jf["overall"]["p99"].get<double>(),
                              flow.GetSummary().overall.p99,
                              "p99 exact");
        NS_TEST_EXPECT_MSG_EQ(jf["buckets"].size(), 4, "four buckets");
        NS_TEST_EXPECT_MSG_EQ(jf["buckets"][1]["lo"], 1000, "bucket lo");
        NS_TEST_EXPECT_MSG_EQ(jf["buckets"][3]["hi"].is_null(), true, "inf is null");
        NS_TEST_EXPECT_MSG_EQ(jf["pct"].size(), 100, "p1..p100");
        NS_TEST_EXPECT_MSG_EQ(jf["pct"][89].get<double>(), flow.GetPercentile(90), "p90");
        NS_TEST_EXPECT_MSG_EQ(jf.contains("stop_reason"), false, "no packet fields");
        NS_TEST_EXPECT_MSG_EQ(jf["overall"].contains("ci_lo"), false, "no interval");
        double rel =
            M3RelativeError(flow.GetSummary().overall.p99, packet.GetSummary().overall.p99);
        NS_TEST_EXPECT_MSG_EQ(jf["vs_packet"]["rel_err"]["overall"]["p99"].get<double>(),
                              rel,
                              "relative error against packet");
        NS_TEST_EXPECT_MSG_EQ(jf["vs_packet"]["rel_err"]["pct"].size(), 100, "per percentile");
        NS_TEST_EXPECT_MSG_EQ(jf["vs_packet"]["speedup"].get<double>(),
                              10 / flow.GetWallSeconds(),
                              "speedup");

        const json& jp = modes["packet"];
        NS_TEST_EXPECT_MSG_EQ(jp["stop_reason"], "all flows finished", "stop reason");
        NS_TEST_EXPECT_MSG_EQ(jp["sim_s"], 0.25, "sim_s");
        NS_TEST_EXPECT_MSG_EQ(jp["data_packets"], 1234, "data_packets");
        NS_TEST_EXPECT_MSG_EQ(jp["pfc_pauses"], 5, "pfc_pauses");
        NS_TEST_EXPECT_MSG_EQ(jp["drops"], 6, "drops");
        NS_TEST_EXPECT_MSG_EQ(jp["timeouts"], 7, "timeouts");
        NS_TEST_EXPECT_MSG_EQ(jp["unfinished"], 1, "unfinished");
        NS_TEST_EXPECT_MSG_EQ(jp["overall"]["n"], n - 1, "n over finished flows");
        NS_TEST_EXPECT_MSG_EQ(jp.contains("vs_packet"), false, "packet is the reference");

        const json& jm = modes["m3"];
        NS_TEST_EXPECT_MSG_EQ(jm["overall"]["ci_lo"]["p99"].get<double>(),
                              mr->ci_lo.overall.p99,
                              "ci_lo");
        NS_TEST_EXPECT_MSG_EQ(jm["overall"]["ci_hi"]["p99"].get<double>(),
                              mr->ci_hi.overall.p99,
                              "ci_hi");
        NS_TEST_EXPECT_MSG_EQ(jm["buckets"][0].contains("ci_lo"), true, "bucket interval");
        NS_TEST_EXPECT_MSG_EQ(jm["buckets"][3]["p50"].is_null(), true, "empty bucket: null");
        NS_TEST_EXPECT_MSG_EQ(jm["buckets"][3]["ci_hi"]["p99"].is_null(), true, "null bound");
        NS_TEST_EXPECT_MSG_EQ(jm["vs_packet"]["rel_err"]["buckets"][3]["p99"].is_null(),
                              true,
                              "no error for an empty bucket");
        NS_TEST_EXPECT_MSG_EQ(jm["ci_level"], 0.9, "ci_level");
        NS_TEST_EXPECT_MSG_EQ(jm["paths_sampled"], 500, "paths_sampled");
        NS_TEST_EXPECT_MSG_EQ(jm["paths_distinct"], 42, "paths_distinct");
        NS_TEST_EXPECT_MSG_EQ(jm["stage_s"]["inference"], 0.125, "stage time");
        NS_TEST_EXPECT_MSG_EQ(jm["warnings"].size(), 1, "warnings");
        NS_TEST_EXPECT_MSG_EQ(jm["warnings"][0], "feature x: out of range", "warning text");
        NS_TEST_EXPECT_MSG_EQ(jm["num_warnings"], 1, "num_warnings");

        // A failed write leaves nothing behind.
        const std::string bad = CreateTempDirFilename("no-dir/summary.json");
        NS_TEST_EXPECT_MSG_EQ(M3WriteSummaryJson(bad, all, "", &error), false, "no directory");
        NS_TEST_EXPECT_MSG_NE(error.find("no-dir"), std::string::npos, error);
        NS_TEST_EXPECT_MSG_EQ(FileExists(bad), false, "no file");
    }
};

/** TestSuite "m3-result". */
class M3ResultTestSuite : public TestSuite
{
  public:
    M3ResultTestSuite()
        : TestSuite("m3-result", UNIT)
    {
        AddTestCase(new M3ResultMoveTestCase, TestCase::QUICK);
        AddTestCase(new M3ResultJsonTestCase, TestCase::QUICK);
    }
};

static M3ResultTestSuite g_m3ResultTestSuite;

// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-scenario-test-suite.cc - TestSuite "m3-scenario": the ns-3 wrapper
 * loads what the C core reads, routes as the core routes, carries config
 * keys through, and reports bad input with file:line.
 */
#include "ns3/command-line.h"
#include "ns3/m3-command-line.h"
#include "ns3/m3-scenario-helper.h"
#include "ns3/m3-scenario.h"
#include "ns3/string.h"
#include "ns3/test.h"

#include <sstream>
#include <string>
#include <vector>

using namespace ns3;

/**
 * \defgroup m3-tests m3 module tests
 * \ingroup m3
 * \ingroup tests
 *
 * The TestSuites of the m3 module (test/m3-*-test-suite.cc); the C core's
 * own tests are C programs (test/core/).
 */

namespace
{

/**
 * The fixtures live in test/data. The standalone build and the in-tree
 * CMake build pass their absolute path; waf builds fall back to ns-3's
 * data-dir lookup (NS_TEST_SOURCEDIR, relative to the ns-3 top level).
 */
std::string
Fixture(TestCase* tc, const std::string& name)
{
#ifdef M3_TEST_DATA_DIR
    (void)tc;
    return std::string(M3_TEST_DATA_DIR) + "/" + name;
#else
    return tc->CreateDataDirFilename("data/" + name);
#endif
}

/** Every (src, dst) host pair with a few source ports each. */
std::vector<m3_flow>
AllPairFlows(const m3_topology* t)
{
    std::vector<m3_flow> flows;
    uint32_t n = m3_topology_num_hosts(t);
    uint64_t id = 0;
    for (uint32_t i = 0; i < n; i++)
    {
        for (uint32_t j = 0; j < n; j++)
        {
            if (i == j)
            {
                continue;
            }
            for (uint32_t p = 0; p < 4; p++)
            {
                m3_flow f{};
                f.id = id++;
                f.src = m3_topology_host(t, i);
                f.dst = m3_topology_host(t, j);
                f.pg = 3;
                f.sport = 10000 + p * 7 + i;
                f.dport = 100;
                f.size = 1000;
                flows.push_back(f);
            }
        }
    }
    return flows;
}

} // namespace

/** Loading the fixtures gives the counts written in them. */
class M3ScenarioLoadTestCase : public TestCase
{
  public:
    M3ScenarioLoadTestCase()
        : TestCase("fixture files load with the expected counts")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<M3Scenario> s = CreateObject<M3Scenario>();
        NS_TEST_ASSERT_MSG_EQ(s->HasTopology(), false, "a new scenario is empty");
        std::string error;
        bool ok = s->LoadFromFiles(Fixture(this, "topo-leaf-spine.txt"),
                                   Fixture(this, "flows-leaf-spine.txt"),
                                   Fixture(this, "config-hpcc.txt"),
                                   &error);
        NS_TEST_ASSERT_MSG_EQ(ok, true, "load failed: " << error);
        const m3_topology* t = s->GetTopology();
        NS_TEST_EXPECT_MSG_EQ(m3_topology_num_nodes(t), 8, "nodes");
        NS_TEST_EXPECT_MSG_EQ(m3_topology_num_hosts(t), 4, "hosts");
        NS_TEST_EXPECT_MSG_EQ(m3_topology_num_links(t), 8, "links");
        NS_TEST_EXPECT_MSG_EQ(m3_topology_is_switch(t, 6), 1, "node 6 is a spine");
        const m3_flows& f = s->GetFlows();
        NS_TEST_ASSERT_MSG_EQ(f.n, 5, "flows");
        NS_TEST_EXPECT_MSG_EQ(f.v[2].size, 300000, "flow 2 size");
        NS_TEST_EXPECT_MSG_EQ(f.v[4].start_ns, 5000, "flow 4 start, rounded to the ns");
        NS_TEST_EXPECT_MSG_EQ(s->GetConfig().cc, M3_CC_HPCC, "config file applied");
        NS_TEST_EXPECT_MSG_EQ_TOL(s->GetConfig().window_bytes, 20000, 1e-9, "window");

        // The same files through the attributes and Load().
        Ptr<M3Scenario> a = CreateObject<M3Scenario>();
        a->SetAttribute("TopologyFile", StringValue(Fixture(this, "topo-leaf-spine.txt")));
        a->SetAttribute("FlowsFile", StringValue(Fixture(this, "flows-leaf-spine.txt")));
        NS_TEST_ASSERT_MSG_EQ(a->Load(&error), true, "Load() via attributes: " << error);
        NS_TEST_EXPECT_MSG_EQ(a->GetFlows().n, 5, "flows via attributes");

        // Built-in: m3's fat-tree 2 pods x 4 racks x 2 hosts.
        NS_TEST_ASSERT_MSG_EQ(s->BuildFatTree(2, 4, 2, 1, &error), true, error);
        NS_TEST_EXPECT_MSG_EQ(m3_topology_num_hosts(s->GetTopology()), 16, "fat-tree hosts");
        NS_TEST_EXPECT_MSG_EQ(s->GetFlows().n, 0, "a new topology drops the old flows");
        NS_TEST_ASSERT_MSG_EQ(s->BuildKAry(4, &error), true, error);
        NS_TEST_EXPECT_MSG_EQ(m3_topology_num_hosts(s->GetTopology()), 16, "k=4 hosts");
        NS_TEST_ASSERT_MSG_EQ(s->BuildParkingLot(5, &error), true, error);
        NS_TEST_EXPECT_MSG_EQ(m3_topology_num_hosts(s->GetTopology()), 5, "parking-lot hosts");
    }
};

/** A flow's path through NextHop equals m3_routing_path for the same flow. */
class M3ScenarioPathTestCase : public TestCase
{
  public:
    M3ScenarioPathTestCase()
        : TestCase("the wrapper routes every flow like m3_routing_path")
    {
    }

  private:
    void CheckAllPairs(Ptr<M3Scenario> s, const std::string& label)
    {
        size_t multiPathPairs = 0;
        for (const m3_flow& f : AllPairFlows(s->GetTopology()))
        {
            uint32_t core[M3_MAX_PATH_LINKS];
            m3_error err;
            int n = m3_routing_path(s->GetRouting(), &f, core, M3_MAX_PATH_LINKS, &err);
            NS_TEST_ASSERT_MSG_GT(n, 0, label << ": core path " << f.src << "->" << f.dst);
            std::vector<uint32_t> mine = s->GetPath(f);
            NS_TEST_ASSERT_MSG_EQ(mine.size(),
                                  static_cast<size_t>(n),
                                  label << ": hop count " << f.src << "->" << f.dst);
            for (int i = 0; i < n; i++)
            {
                NS_TEST_ASSERT_MSG_EQ(mine[i], core[i], label << ": link " << i);
            }
            multiPathPairs += n > 2;
        }
        NS_TEST_EXPECT_MSG_GT(multiPathPairs, 0, label << ": some paths cross the fabric");
    }

    void DoRun() override
    {
        Ptr<M3Scenario> s = CreateObject<M3Scenario>();
        std::string error;
        NS_TEST_ASSERT_MSG_EQ(s->LoadFromFiles(Fixture(this, "topo-leaf-spine.txt"),
                                               Fixture(this, "flows-leaf-spine.txt"),
                                               "",
                                               &error),
                              true,
                              error);
        CheckAllPairs(s, "leaf-spine");
        // The fixture's own flows, with the ports the reader assigned.
        const m3_flows& fl = s->GetFlows();
        for (size_t i = 0; i < fl.n; i++)
        {
            uint32_t core[M3_MAX_PATH_LINKS];
            m3_error err;
            int n = m3_routing_path(s->GetRouting(), &fl.v[i], core, M3_MAX_PATH_LINKS, &err);
            std::vector<uint32_t> mine = s->GetPath(fl.v[i]);
            NS_TEST_ASSERT_MSG_EQ(mine.size(), static_cast<size_t>(n), "fixture flow " << i);
            NS_TEST_EXPECT_MSG_EQ(m3_dlink_src(s->GetTopology(), mine.front()),
                                  fl.v[i].src,
                                  "path starts at the source");
            NS_TEST_EXPECT_MSG_EQ(m3_dlink_dst(s->GetTopology(), mine.back()),
                                  fl.v[i].dst,
                                  "path ends at the destination");
        }
        NS_TEST_ASSERT_MSG_EQ(s->BuildFatTree(2, 4, 2, 2, &error), true, error);
        CheckAllPairs(s, "fat-tree 2x4x2 2:1");
        NS_TEST_ASSERT_MSG_EQ(s->BuildKAry(4, &error), true, error);
        CheckAllPairs(s, "k-ary 4");
    }
};

/** Config keys set through the wrapper (and the helper's flags) show up. */
class M3ScenarioConfigTestCase : public TestCase
{
  public:
    M3ScenarioConfigTestCase()
        : TestCase("config keys pass through the wrapper and the helper")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<M3Scenario> s = CreateObject<M3Scenario>();
        std::string error;
        NS_TEST_ASSERT_MSG_EQ(s->SetConfigKey("cc", "timely", "", &error), true, error);
        NS_TEST_EXPECT_MSG_EQ(s->GetConfig().cc, M3_CC_TIMELY, "cc");
        NS_TEST_ASSERT_MSG_EQ(s->SetConfigKey("buffer_kb", "321", "", &error), true, error);
        NS_TEST_EXPECT_MSG_EQ_TOL(s->GetConfig().buffer_kb, 321, 1e-9, "buffer_kb");

        NS_TEST_EXPECT_MSG_EQ(s->SetConfigKey("bufer_kb", "1", "--bufer_kb", &error),
                              false,
                              "a misspelt key is refused");
        NS_TEST_EXPECT_MSG_NE(error.find("--bufer_kb"),
                              std::string::npos,
                              "the error names where: " << error);
        NS_TEST_EXPECT_MSG_EQ_TOL(s->GetConfig().buffer_kb, 321, 1e-9, "unchanged");

        // The helper: a config file, then a flag that overrides one key.
        std::string topo = "--topology=" + Fixture(this, "topo-leaf-spine.txt");
        std::string flows = "--flows=" + Fixture(this, "flows-leaf-spine.txt");
        std::string cfg = "--config=" + Fixture(this, "config-hpcc.txt");
        std::vector<std::string> args = {"m3-test", topo, flows, cfg, "--hpcc_eta=0.8"};
        std::vector<char*> argv;
        for (std::string& a : args)
        {
            argv.push_back(&a[0]);
        }
        M3ScenarioHelper helper;
        CommandLine cmd;
        helper.AddCommandLine(cmd);
        cmd.Parse(static_cast<int>(argv.size()), argv.data());
        Ptr<M3Scenario> h = helper.Build(&error);
        NS_TEST_ASSERT_MSG_NE(h, nullptr, "helper build: " << error);
        NS_TEST_EXPECT_MSG_EQ(h->GetConfig().cc, M3_CC_HPCC, "cc from --config");
        NS_TEST_EXPECT_MSG_EQ_TOL(h->GetConfig().hpcc_eta, 0.8, 1e-9, "--hpcc_eta wins");
        NS_TEST_EXPECT_MSG_EQ(h->GetFlows().n, 5, "flows from --flows");
    }
};

/** A bad file gives an error naming file:line, and changes nothing. */
class M3ScenarioBadFileTestCase : public TestCase
{
  public:
    M3ScenarioBadFileTestCase()
        : TestCase("bad input is reported with file:line")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<M3Scenario> s = CreateObject<M3Scenario>();
        std::string error;
        bool ok = s->LoadFromFiles(Fixture(this, "topo-leaf-spine.txt"),
                                   Fixture(this, "flows-bad-host.txt"),
                                   "",
                                   &error);
        NS_TEST_ASSERT_MSG_EQ(ok, false, "a flow to a switch must be refused");
        NS_TEST_EXPECT_MSG_NE(error.find("flows-bad-host.txt:3"),
                              std::string::npos,
                              "file:line in: " << error);
        NS_TEST_EXPECT_MSG_EQ(s->HasTopology(), false, "a failed load leaves nothing behind");

        ok = s->LoadFromFiles(Fixture(this, "flows-leaf-spine.txt"),
                              Fixture(this, "flows-leaf-spine.txt"),
                              "",
                              &error);
        NS_TEST_EXPECT_MSG_EQ(ok, false, "a flows file is not a topology");
        NS_TEST_EXPECT_MSG_NE(error.find("flows-leaf-spine.txt:"),
                              std::string::npos,
                              "file:line in: " << error);

        ok = s->LoadFromFiles(Fixture(this, "no-such-file.txt"),
                              Fixture(this, "flows-leaf-spine.txt"),
                              "",
                              &error);
        NS_TEST_EXPECT_MSG_EQ(ok, false, "a missing file is refused");
        NS_TEST_EXPECT_MSG_NE(error.find("no-such-file.txt"),
                              std::string::npos,
                              "the error names the file: " << error);

        M3ScenarioHelper helper;
        CommandLine cmd;
        helper.AddCommandLine(cmd);
        std::vector<std::string> args = {"m3-test", "--fat-tree=2,16", "--workload=cache"};
        std::vector<char*> argv;
        for (std::string& a : args)
        {
            argv.push_back(&a[0]);
        }
        cmd.Parse(static_cast<int>(argv.size()), argv.data());
        NS_TEST_EXPECT_MSG_EQ(helper.Build(&error), nullptr, "a short --fat-tree is refused");
        NS_TEST_EXPECT_MSG_NE(error.find("--fat-tree=2,16"),
                              std::string::npos,
                              "the error names the flag: " << error);
    }
};

/**
 * M3CommandLine, the programs' one convention: strict numbers, usage
 * errors that name the flag, attribute overrides checked (ns-3's own
 * parsers abort on bad text) or refused, and nothing stored on error.
 */
class M3CommandLineTestCase : public TestCase
{
  public:
    M3CommandLineTestCase()
        : TestCase("the command line: strict numbers, usage errors, checked overrides")
    {
    }

  private:
    void DoRun() override
    {
        struct Case
        {
            std::vector<std::string> args;
            int rc;
            const char* error;
        };
        const Case cases[] = {
            {{"--num-flows=1e2", "--load=0.25", "--name", "x"}, 0, ""},
            {{"--num-flows=1e3"}, 2, "--num-flows: 1e3 is out of range (1..100)"},
            {{"--num-flows=10abc"}, 2, "--num-flows: '10abc' is not a whole number"},
            {{"--num-flows=1e-3"}, 2, "'1e-3' is not a whole number"},
            {{"--num-flows=0"}, 2, "--num-flows: 0 is out of range (1..100)"},
            {{"--load=0.5x"}, 2, "--load: '0.5x' is not a number"},
            {{"--load=inf"}, 2, "'inf' is not a number"},
            {{"--load=2"}, 2, "--load: 2 is out of range ((0, 1])"},
            {{"extra"}, 2, "'extra': unexpected argument"},
            {{"--nme=x"}, 2, "--nme: unknown option (did you mean --name?)"},
            {{"--load=0.1", "--load=0.2"}, 2, "--load: given twice"},
            {{"--name="}, 2, "--name: empty value"},
            {{"--name"}, 2, "--name: missing value"},
            {{"--ns3::M3CcHpcc::Eta=0.5"}, 2, "use --hpcc_eta"},
            {{"--ns3::M3CcHpcc::MaxStage=3x"}, 2, "MaxStage=3x: not a whole number"},
            {{"--ns3::M3Nope::X=1"}, 2, "no type ns3::M3Nope"},
            {{"--RngRun=abc"}, 2, "--RngRun=abc: not a whole number"},
            {{"--help"}, 1, ""},
        };
        for (const Case& c : cases)
        {
            M3CommandLine cmd("test", "usage: test");
            uint64_t flows = 5;
            double load = 0.5;
            std::string name = "unset";
            cmd.AddCount("num-flows", "flows", &flows, 1, 100);
            cmd.AddReal("load", "load", &load, 0, true, 1, "(0, 1]");
            cmd.AddText("name", "a name", &name);
            cmd.RefuseScenarioAttributes();
            std::string error;
            std::ostringstream out;
            int rc = cmd.Parse(c.args, &error, &out);
            std::string all;
            for (const auto& a : c.args)
            {
                all += a + " ";
            }
            NS_TEST_EXPECT_MSG_EQ(rc, c.rc, all << error);
            NS_TEST_EXPECT_MSG_NE(error.find(c.error), std::string::npos, all << ": " << error);
            if (rc == 0)
            {
                NS_TEST_EXPECT_MSG_EQ(flows, 100u, "1e2 is exactly 100");
                NS_TEST_EXPECT_MSG_EQ(name, "x", "--name x (the value as the next argument)");
            }
            else if (rc == 2)
            {
                NS_TEST_EXPECT_MSG_EQ(flows, 5u, "a refused command line stored a value");
                NS_TEST_EXPECT_MSG_EQ(name, "unset", "a refused command line stored a value");
            }
        }
    }
};

/** A small generated workload routes and loads as asked. */
class M3ScenarioWorkloadTestCase : public TestCase
{
  public:
    M3ScenarioWorkloadTestCase()
        : TestCase("the helper generates a workload on a built-in topology")
    {
    }

  private:
    void DoRun() override
    {
        M3ScenarioHelper helper;
        helper.SetDefaultTopology("fat-tree=2,4,2,1");
        helper.SetDefaultWorkload("webserver", 0.4, 500);
        std::string error;
        Ptr<M3Scenario> s = helper.Build(&error);
        NS_TEST_ASSERT_MSG_NE(s, nullptr, error);
        const m3_flows& f = s->GetFlows();
        NS_TEST_ASSERT_MSG_EQ(f.n, 500, "flows");
        for (size_t i = 0; i < f.n; i++)
        {
            NS_TEST_ASSERT_MSG_EQ(m3_topology_is_switch(s->GetTopology(), f.v[i].src), 0, "src");
            NS_TEST_ASSERT_MSG_NE(f.v[i].src, f.v[i].dst, "src != dst");
            if (i > 0)
            {
                NS_TEST_ASSERT_MSG_GT_OR_EQ(f.v[i].start_ns, f.v[i - 1].start_ns, "sorted");
            }
        }
    }
};

/** TestSuite "m3-scenario". */
class M3ScenarioTestSuite : public TestSuite
{
  public:
    M3ScenarioTestSuite()
        : TestSuite("m3-scenario", UNIT)
    {
#if defined(NS_TEST_SOURCEDIR) && !defined(M3_TEST_DATA_DIR)
        SetDataDir(NS_TEST_SOURCEDIR);
#endif
        AddTestCase(new M3ScenarioLoadTestCase, TestCase::QUICK);
        AddTestCase(new M3ScenarioPathTestCase, TestCase::QUICK);
        AddTestCase(new M3ScenarioConfigTestCase, TestCase::QUICK);
        AddTestCase(new M3ScenarioBadFileTestCase, TestCase::QUICK);
        AddTestCase(new M3ScenarioWorkloadTestCase, TestCase::QUICK);
        AddTestCase(new M3CommandLineTestCase, TestCase::QUICK);
    }
};

/** Registers the suite with the TestRunner. */
static M3ScenarioTestSuite g_m3ScenarioTestSuite;

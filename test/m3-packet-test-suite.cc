// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-packet-test-suite.cc - the packet mode end to end: M3Scenario ->
 * M3PacketHelper -> measured FCTs, rates, queues and counters, one test
 * per check of packet-model.md section 7.
 *
 * Scenarios are small (a star of a few hosts, a 5-position parking lot, a
 * k = 4 fat-tree) and short (a few ms simulated), so the suite runs in well
 * under two minutes on a small machine. Tolerances are stated next to each
 * assertion; failure messages carry the measured values.
 */
#include "ns3/config.h"
#include "ns3/double.h"
#include "ns3/global-value.h"
#include "ns3/m3-packet-helper.h"
#include "ns3/m3-port-device.h"
#include "ns3/m3-rdma-header.h"
#include "ns3/m3-scenario.h"
#include "ns3/packet.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/test.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

/** One flow of a hand-written scenario. */
struct FlowSpec
{
    uint32_t src;
    uint32_t dst;
    uint64_t size;
    double startUs;
};

const m3_cc kAllCcs[] = {M3_CC_DCTCP, M3_CC_HPCC, M3_CC_DCQCN, M3_CC_TIMELY};

/**
 * Builds a scenario: \p topo is "star=N" (N hosts 0..N-1 on one switch N,
 * 10 Gbps, 1 us; "star=N@4us" for another link delay), "parking-lot=N" or
 * "k-ary=K"; flows are written to a
 * flows file in the test's temp directory and read back, as a user would.
 */
Ptr<M3Scenario>
MakeScenario(const std::function<std::string(const std::string&)>& tempFile,
             const std::string& topo,
             const std::vector<FlowSpec>& flows,
             const std::map<std::string, std::string>& config,
             std::string* error)
{
    Ptr<M3Scenario> s = CreateObject<M3Scenario>();
    std::string kind = topo.substr(0, topo.find('='));
    uint32_t n = std::stoul(topo.substr(topo.find('=') + 1));
    std::string delay =
        topo.find('@') == std::string::npos ? "1us" : topo.substr(topo.find('@') + 1);
    bool ok = false;
    if (kind == "star")
    {
        std::string path = tempFile("star-topo.txt");
        std::ofstream f(path);
        f << (n + 1) << " 1 " << n << "\n" << n << "\n";
        for (uint32_t h = 0; h < n; h++)
        {
            f << h << " " << n << " 10Gbps " << delay << " 0\n";
        }
        f.close();
        ok = s->ReadTopology(path, error);
    }
    else if (kind == "parking-lot")
    {
        ok = s->BuildParkingLot(n, error);
    }
    else if (kind == "k-ary")
    {
        ok = s->BuildKAry(n, error);
    }
    if (!ok)
    {
        return nullptr;
    }
    std::string path = tempFile("flows.txt");
    std::ofstream f(path);
    f << flows.size() << "\n";
    for (size_t i = 0; i < flows.size(); i++)
    {
        char line[200];
        std::snprintf(line,
                      sizeof line,
                      "%zu %u %u 3 100 %llu %.9f\n",
                      i,
                      flows[i].src,
                      flows[i].dst,
                      static_cast<unsigned long long>(flows[i].size),
                      flows[i].startUs * 1e-6);
        f << line;
    }
    f.close();
    if (!s->ReadFlows(path, error))
    {
        return nullptr;
    }
    for (const auto& kv : config)
    {
        if (!s->SetConfigKey(kv.first, kv.second, "test", error))
        {
            return nullptr;
        }
    }
    return s;
}

/** The switch port of \p sw whose directed link leads to \p peer. */
uint32_t
PortTowards(const m3_topology* t, uint32_t sw, uint32_t peer)
{
    for (uint32_t j = 0; j < m3_topology_degree(t, sw); j++)
    {
        if (m3_dlink_dst(t, m3_topology_out_dlink(t, sw, j)) == peer)
        {
            return j;
        }
    }
    return UINT32_MAX;
}

/** Time on the wire of one full data packet at 10 Gbps, ns. */
double
PacketTimeNs(uint32_t mtu, uint32_t header)
{
    return (mtu + header) * 8.0 / 10.0;
}

/**
 * Measurements of N long flows into one bottleneck port: acknowledged
 * bytes per flow over [t1, t2], queue samples of the bottleneck egress
 * every 1 us in that window, and the port's transmitted bytes.
 */
struct Probe
{
    M3PacketHelper* helper = nullptr;
    std::vector<m3_flow> flows;
    uint32_t sw = 0;
    uint32_t port = 0;
    std::vector<uint64_t> una1, una2;
    uint64_t tx1 = 0, tx2 = 0;
    std::vector<double> queue;

    uint64_t Una(size_t i) const
    {
        const M3RdmaSender* s = helper->GetNic(flows[i].src)->GetSender(uint32_t(i));
        return s ? s->sndUna : 0;
    }

    void Mark(bool first)
    {
        auto& v = first ? una1 : una2;
        v.clear();
        for (size_t i = 0; i < flows.size(); i++)
        {
            v.push_back(Una(i));
        }
        (first ? tx1 : tx2) = helper->GetSwitch(sw)->GetPort(port)->GetTxBytes();
    }

    void Sample()
    {
        queue.push_back(double(helper->GetSwitch(sw)->GetQueueBytes(port)));
    }

    void Schedule(Time t1, Time t2)
    {
        Simulator::Schedule(t1, &Probe::Mark, this, true);
        Simulator::Schedule(t2, &Probe::Mark, this, false);
        for (Time t = t1; t < t2; t += MicroSeconds(1))
        {
            Simulator::Schedule(t, &Probe::Sample, this);
        }
    }

    double MeanQueue() const
    {
        double sum = 0;
        for (double q : queue)
        {
            sum += q;
        }
        return queue.empty() ? 0 : sum / queue.size();
    }
};

std::string
CcName(m3_cc cc)
{
    return m3_cc_name(cc);
}

/**
 * Base of the cases here: tears the simulator down even when an assertion
 * returned early from DoRun.
 */
class M3PacketTestBase : public TestCase
{
  public:
    explicit M3PacketTestBase(const std::string& name)
        : TestCase(name)
    {
    }

  protected:
    void DoTeardown() override
    {
        Simulator::Destroy();
    }

    /** MakeScenario with files in this case's temporary directory. */
    Ptr<M3Scenario> Make(const std::string& topo,
                         const std::vector<FlowSpec>& flows,
                         const std::map<std::string, std::string>& config,
                         std::string* error)
    {
        return MakeScenario([this](const std::string& f) { return CreateTempDirFilename(f); },
                            topo,
                            flows,
                            config,
                            error);
    }
};

} // namespace

/**
 * \ingroup m3-tests
 * One flow alone: its FCT equals the ideal FCT within one packet time, on a
 * parking lot and on a k = 4 fat-tree, for every CC. The expectation uses
 * the frame's real header (48 B plus the CC's INT or timestamp bytes); the
 * helper's ideal (48 B, section 5) is checked to be the textbook formula.
 */
class M3PacketAloneTestCase : public M3PacketTestBase
{
  public:
    M3PacketAloneTestCase()
        : M3PacketTestBase(
              "one flow alone finishes in its ideal FCT (parking lot, fat-tree, all CCs)")
    {
    }

  private:
    void DoRun() override
    {
        struct Case
        {
            std::string topo;
            uint32_t src, dst;
        };
        // parking lot 5: hosts 0..4, 0 -> 4 crosses all 4 line links;
        // k-ary 4: hosts 0..15, 0 -> 15 crosses the core (6 links).
        const Case cases[] = {{"parking-lot=5", 0, 4}, {"k-ary=4", 0, 15}, {"k-ary=4", 3, 2}};
        const uint64_t sizes[] = {700, 30000};
        for (const auto& c : cases)
        {
            for (m3_cc cc : kAllCcs)
            {
                for (uint64_t size : sizes)
                {
                    std::string error;
                    // A window of 30 KB (m3's upper end) is above the BDP of
                    // both paths, so the window never throttles a lone flow.
                    Ptr<M3Scenario> s = Make(c.topo,
                                             {{c.src, c.dst, size, 10}},
                                             {{"cc", CcName(cc)}, {"window_bytes", "30000"}},
                                             &error);
                    NS_TEST_ASSERT_MSG_NE(s, nullptr, error);
                    M3PacketHelper h;
                    NS_TEST_ASSERT_MSG_EQ(h.Install(s, &error), true, error);
                    h.Run();
                    std::string what = c.topo + " " + std::to_string(c.src) + "->" +
                                       std::to_string(c.dst) + " " + CcName(cc) + " " +
                                       std::to_string(size) + " B";
                    NS_TEST_ASSERT_MSG_EQ(h.GetNumFinished(), 1u, what << ": did not finish");
                    double fct = h.GetFctNs()[0];
                    std::vector<uint32_t> path = s->GetPath(s->GetFlows().v[0]);
                    uint32_t mtu = s->GetConfig().mtu;
                    double nic = s->GetNicRateBps();
                    double ideal48 = m3_ideal_fct_ns(s->GetTopology(),
                                                     path.data(),
                                                     int(path.size()),
                                                     size,
                                                     mtu,
                                                     M3_HEADER_BYTES,
                                                     nic);
                    NS_TEST_ASSERT_MSG_EQ_TOL(h.GetIdealNs()[0],
                                              ideal48,
                                              1e-6,
                                              what << ": helper's ideal FCT");
                    M3IntHeader::Mode mode = cc == M3_CC_HPCC     ? M3IntHeader::HPCC
                                             : cc == M3_CC_TIMELY ? M3IntHeader::TIMELY
                                                                  : M3IntHeader::NONE;
                    uint32_t header = M3_HEADER_BYTES + M3IntHeader::SizeOf(mode);
                    double expect = m3_ideal_fct_ns(s->GetTopology(),
                                                    path.data(),
                                                    int(path.size()),
                                                    size,
                                                    mtu,
                                                    header,
                                                    nic);
                    double tol = PacketTimeNs(mtu, header);
                    NS_TEST_ASSERT_MSG_EQ_TOL(fct,
                                              expect,
                                              tol,
                                              what << ": FCT " << fct << " ns, ideal with "
                                                   << header << "-byte headers " << expect
                                                   << " ns (48-byte ideal " << ideal48 << ")");
                    NS_TEST_ASSERT_MSG_EQ(h.GetDrops(), 0u, what);
                    h.Destroy();
                    s->Dispose();
                }
            }
        }
    }
};

/**
 * N long flows into one 10 Gbps port (a star, so all RTTs are equal): each
 * gets about 1/N of the goodput and together they fill the link, for every
 * CC. Also the CC-specific checks of section 7 on the same kind of run:
 * DCTCP's queue oscillates around K; HPCC keeps the queue near zero at a
 * utilisation near eta when its additive increase is small, and with m3's
 * large increase (750 Mb/s per flow) settles at the standing queue its
 * equations predict; TIMELY's RTT (base + queueing) stays below T_high.
 */
class M3PacketSharingTestCase : public M3PacketTestBase
{
  public:
    M3PacketSharingTestCase()
        : M3PacketTestBase(
              "N flows share a bottleneck fairly at line rate; DCTCP queue ~K, HPCC queue ~0")
    {
    }

  private:
    static constexpr uint32_t kFlows = 4;

    /** Measured over [t1, t2]. */
    struct Result
    {
        std::vector<double> rate; //!< goodput per flow, bit/s
        double total = 0;         //!< sum of goodputs
        double meanQueue = 0;     //!< bottleneck egress bytes, sampled every 1 us
        double util = 0;          //!< bottleneck wire utilisation
        double eta = 0, k = 0, baseRttUs = 0, tHighUs = 0, tLowUs = 0;
    };

    Result RunOne(m3_cc cc, const std::map<std::string, std::string>& extra, Time t1, Time t2)
    {
        std::vector<FlowSpec> flows;
        for (uint32_t i = 0; i < kFlows; i++)
        {
            flows.push_back({i, kFlows, 100000000, 0});
        }
        std::map<std::string, std::string> config = extra;
        config["cc"] = CcName(cc);
        std::string error;
        Result res;
        Ptr<M3Scenario> s = Make("star=" + std::to_string(kFlows + 1), flows, config, &error);
        NS_TEST_EXPECT_MSG_NE(s, nullptr, error);
        if (!s)
        {
            return res;
        }
        M3PacketHelper h;
        NS_TEST_EXPECT_MSG_EQ(h.Install(s, &error), true, error);
        h.SetStopConditions(MilliSeconds(100), t2 + MicroSeconds(10));
        Probe p;
        p.helper = &h;
        p.flows.assign(s->GetFlows().v, s->GetFlows().v + s->GetFlows().n);
        p.sw = kFlows + 1; // the star's switch (hosts 0..kFlows)
        p.port = PortTowards(s->GetTopology(), p.sw, kFlows);
        p.Schedule(t1, t2);
        h.Run();
        double dt = (t2 - t1).GetSeconds();
        for (uint32_t i = 0; i < kFlows; i++)
        {
            res.rate.push_back((p.una2[i] - p.una1[i]) * 8.0 / dt);
            res.total += res.rate.back();
        }
        res.util = (p.tx2 - p.tx1) * 8.0 / dt / 10e9;
        res.meanQueue = p.MeanQueue();
        const m3_config& c = s->GetConfig();
        res.eta = c.hpcc_eta;
        res.k = c.dctcp_k_kb * 1000;
        res.baseRttUs = c.base_rtt_us;
        res.tHighUs = c.timely_thigh_us;
        res.tLowUs = c.timely_tlow_us;
        h.Destroy();
        s->Dispose();
        return res;
    }

    /** Fair shares and a full link; returns a one-line description. */
    std::string CheckShares(const std::string& name, const Result& r, double minTotal)
    {
        std::ostringstream os;
        os << name << ": goodput (Gb/s)";
        for (double x : r.rate)
        {
            os << " " << x / 1e9;
        }
        os << ", total " << r.total / 1e9 << ", utilisation " << r.util << ", mean queue "
           << r.meanQueue << " B";
        std::cerr << "  sharing " << os.str() << "\n";
        NS_TEST_EXPECT_MSG_EQ(r.rate.size(), kFlows, name);
        for (size_t i = 0; i < r.rate.size(); i++)
        {
            // Fair share within 30%.
            NS_TEST_EXPECT_MSG_EQ_TOL(r.rate[i] / (r.total / kFlows), 1.0, 0.3, os.str());
        }
        NS_TEST_EXPECT_MSG_GT(r.total, minTotal, os.str());
        return os.str();
    }

    void DoRun() override
    {
        const double goodputLine = 10e9 * 1000.0 / (1000.0 + 48.0); // payload share of 10 Gbps
        const Time t1 = MilliSeconds(3);
        const Time t2 = MilliSeconds(8);

        Result dctcp = RunOne(M3_CC_DCTCP, {}, t1, t2);
        std::string d = CheckShares("dctcp", dctcp, 0.95 * goodputLine);
        // DCTCP: K = Kmin = Kmax, Pmax 1: the queue hovers around K.
        NS_TEST_EXPECT_MSG_GT(dctcp.meanQueue, dctcp.k / 2, d << "; K " << dctcp.k);
        NS_TEST_EXPECT_MSG_LT(dctcp.meanQueue, dctcp.k * 2, d << "; K " << dctcp.k);
        NS_TEST_EXPECT_MSG_GT(dctcp.util, 0.97, d);

        // HPCC with an additive increase far below (1 - eta) x line / N:
        // the link runs at about eta and the queue stays near empty.
        Result hpcc = RunOne(M3_CC_HPCC, {{"hpcc_ai_mbps", "50"}}, t1, t2);
        std::string hs = CheckShares("hpcc ai 50", hpcc, 0.85 * goodputLine);
        NS_TEST_EXPECT_MSG_EQ_TOL(hpcc.util, hpcc.eta, 0.04, hs);
        NS_TEST_EXPECT_MSG_LT(hpcc.meanQueue, 1500, hs);
        NS_TEST_EXPECT_MSG_LT(hpcc.meanQueue, dctcp.meanQueue / 5, hs << " vs " << d);

        // HPCC with m3's default 750 Mb/s: per update R = R / k + AI, so at
        // a fair share R = C / N the equilibrium is k = R / (R - AI) and
        // U = eta k > 1: the excess is a standing queue
        // q = (eta k - 1) x C x T / 8 (T = base RTT), with the link full.
        Result hpccM3 = RunOne(M3_CC_HPCC, {}, t1, t2);
        std::string hm = CheckShares("hpcc ai 750", hpccM3, 0.95 * goodputLine);
        double r = 10e9 / kFlows;
        double kk = r / (r - 750e6);
        double qPred = (hpccM3.eta * kk - 1) * 10e9 * hpccM3.baseRttUs * 1e-6 / 8;
        NS_TEST_EXPECT_MSG_EQ_TOL(hpccM3.meanQueue / qPred,
                                  1.0,
                                  0.4,
                                  hm << "; predicted standing queue " << qPred << " B");

        // DCQCN converges through 55 us timers with a 2 Mb/s additive
        // increase, so it is measured later and over a longer window.
        Result dcqcn = RunOne(M3_CC_DCQCN, {}, MilliSeconds(20), MilliSeconds(60));
        CheckShares("dcqcn", dcqcn, 0.95 * goodputLine);

        Result timely = RunOne(M3_CC_TIMELY, {}, t1, t2);
        std::string ts = CheckShares("timely", timely, 0.95 * goodputLine);
        // RTT = base (4 x 1 us propagation + data and ACK serialisation)
        // + queueing; TIMELY keeps it below T_high.
        double rttUs = 4 + PacketTimeNs(1000, 56) / 1000 + timely.meanQueue * 8 / 10e9 * 1e6;
        std::cerr << "  timely: steady RTT about " << rttUs << " us (T_low " << timely.tLowUs
                  << ", T_high " << timely.tHighUs << ")\n";
        NS_TEST_EXPECT_MSG_LT(rttUs, timely.tHighUs, ts << "; RTT " << rttUs << " us");
    }
};

/**
 * Incast into a small buffer: with PFC on the switch pauses the senders and
 * drops nothing; with PFC off it drops, and go-back-N (NACK or timeout)
 * still completes every flow.
 *
 * The links have m3's 1 us of delay. After a pause decision the port still
 * receives a round trip of data plus the frames already committed (the one
 * on the wire upstream and the one ahead of the PFC frame): about 2.5 KB +
 * 2.2 KB, more than the 3.75 KB of section 3's 3 x rate x delay headroom.
 * The switch adds HeadroomExtra (2244 B) for those frames, so PFC must be
 * lossless here.
 */
class M3PacketIncastTestCase : public M3PacketTestBase
{
  public:
    M3PacketIncastTestCase()
        : M3PacketTestBase("incast: PFC on pauses and never drops; PFC off drops and recovers")
    {
    }

  private:
    void DoRun() override
    {
        const uint32_t senders = 12;
        std::vector<FlowSpec> flows;
        for (uint32_t i = 0; i < senders; i++)
        {
            flows.push_back({i, senders, 200000, 0});
        }
        for (m3_cc cc : kAllCcs)
        {
            for (int pfc = 1; pfc >= 0; pfc--)
            {
                std::string error;
                Ptr<M3Scenario> s = Make("star=" + std::to_string(senders + 1),
                                         flows,
                                         {{"cc", CcName(cc)},
                                          {"pfc", std::to_string(pfc)},
                                          {"buffer_kb", "100"},
                                          {"window_bytes", "0"}},
                                         &error);
                NS_TEST_ASSERT_MSG_NE(s, nullptr, error);
                M3PacketHelper h;
                NS_TEST_ASSERT_MSG_EQ(h.Install(s, &error), true, error);
                std::string pfcLog = CreateTempDirFilename("pfc.txt");
                NS_TEST_ASSERT_MSG_EQ(h.EnablePfcLog(pfcLog, &error), true, error);
                h.SetStopConditions(MilliSeconds(50), MilliSeconds(200));
                h.Run();
                std::string what = CcName(cc) + " pfc " + std::to_string(pfc);
                std::cerr << "  incast " << what << ": pauses " << h.GetPfcPauses() << ", drops "
                          << h.GetDrops() << ", timeouts " << h.GetTimeouts() << ", finished "
                          << h.GetNumFinished() << "/" << senders << " (" << h.GetStopReason()
                          << ")\n";
                NS_TEST_ASSERT_MSG_EQ(h.GetNumFinished(),
                                      senders,
                                      what << ": " << h.GetStopReason());
                // The log holds one line per PFC frame sent, pauses included.
                std::ifstream in(pfcLog);
                uint64_t lines = 0;
                uint64_t pauseLines = 0;
                uint64_t tns;
                uint32_t node, port, queue, type;
                while (in >> tns >> node >> port >> queue >> type)
                {
                    lines++;
                    pauseLines += type == 1;
                    NS_TEST_ASSERT_MSG_EQ(node, senders + 1, what << ": PFC from a non-switch");
                }
                NS_TEST_ASSERT_MSG_EQ(pauseLines, h.GetPfcPauses(), what << ": PFC log");
                if (pfc)
                {
                    NS_TEST_ASSERT_MSG_GT(h.GetPfcPauses(), 0u, what << ": no pause frame");
                    NS_TEST_ASSERT_MSG_EQ(h.GetDrops(), 0u, what << ": drops with PFC on");
                }
                else
                {
                    NS_TEST_ASSERT_MSG_EQ(h.GetPfcPauses(), 0u, what << ": pauses with PFC off");
                    NS_TEST_ASSERT_MSG_GT(h.GetDrops(), 0u, what << ": the incast fit the buffer");
                }
                h.Destroy();
                s->Dispose();
            }
        }
    }
};

/**
 * ECMP: on a k = 4 fat-tree every data packet of a flow crosses exactly
 * the directed links M3Scenario::GetPath names (the 5-tuple hash is the
 * core's), and flows between two pods spread over all 4 core switches.
 */
class M3PacketEcmpTestCase : public M3PacketTestBase
{
  public:
    M3PacketEcmpTestCase()
        : M3PacketTestBase("ECMP: packets follow M3Scenario::GetPath and spread over equal paths")
    {
    }

  private:
    /** (sport, src host) of data frames seen on each directed link. */
    std::vector<std::set<std::pair<uint32_t, uint32_t>>> m_seen;

    static void OnTx(M3PacketEcmpTestCase* tc, uint32_t dlink, Ptr<const Packet> p)
    {
        M3Header h;
        p->PeekHeader(h);
        if (h.kind == M3Header::DATA)
        {
            tc->m_seen[dlink].insert({h.sport, h.srcNode});
        }
    }

    void DoRun() override
    {
        // Hosts 0..3 are pod 0, 8..11 pod 2; 16 flows per source, small.
        std::vector<FlowSpec> flows;
        for (uint32_t k = 0; k < 16; k++)
        {
            for (uint32_t src = 0; src < 4; src++)
            {
                flows.push_back({src, 8 + (k + src) % 4, 3000, 5.0 * k + src});
            }
        }
        std::string error;
        Ptr<M3Scenario> s = Make("k-ary=4", flows, {}, &error);
        NS_TEST_ASSERT_MSG_NE(s, nullptr, error);
        M3PacketHelper h;
        NS_TEST_ASSERT_MSG_EQ(h.Install(s, &error), true, error);
        const m3_topology* t = s->GetTopology();
        uint32_t nd = 2 * m3_topology_num_links(t);
        m_seen.assign(nd, {});
        // Every device: find its directed link through its node's out links.
        for (uint32_t d = 0; d < nd; d++)
        {
            uint32_t from = m3_dlink_src(t, d);
            Ptr<Node> node = h.GetNodes().Get(from);
            for (uint32_t j = 0; j < m3_topology_degree(t, from); j++)
            {
                if (m3_topology_out_dlink(t, from, j) == d)
                {
                    node->GetDevice(j)->TraceConnectWithoutContext(
                        "MacTx",
                        MakeBoundCallback(&M3PacketEcmpTestCase::OnTx, this, d));
                }
            }
        }
        h.Run();
        NS_TEST_ASSERT_MSG_EQ(h.GetNumFinished(), flows.size(), h.GetStopReason());
        std::map<uint32_t, uint32_t> perCore;
        const m3_flows& fl = s->GetFlows();
        for (size_t i = 0; i < fl.n; i++)
        {
            std::vector<uint32_t> path = s->GetPath(fl.v[i]);
            std::set<uint32_t> onPath(path.begin(), path.end());
            std::pair<uint32_t, uint32_t> key{fl.v[i].sport, fl.v[i].src};
            for (uint32_t d = 0; d < nd; d++)
            {
                bool seen = m_seen[d].count(key) > 0;
                bool expected = onPath.count(d) > 0;
                NS_TEST_ASSERT_MSG_EQ(seen,
                                      expected,
                                      "flow " << i << " on directed link " << d
                                              << (seen ? ": off its path" : ": missed"));
            }
            NS_TEST_ASSERT_MSG_EQ(path.size(), 6u, "flow " << i << " should cross the core");
            perCore[m3_dlink_dst(t, path[2])]++;
        }
        NS_TEST_ASSERT_MSG_EQ(perCore.size(),
                              4u,
                              "the 64 flows used only " << perCore.size() << " of 4 cores");
        for (const auto& kv : perCore)
        {
            // 64 flows over 4 cores: 16 expected; 6 is 2.5 sigma below.
            NS_TEST_ASSERT_MSG_GT(kv.second, 5u, "core " << kv.first << " carries " << kv.second);
        }
        h.Destroy();
        s->Dispose();
    }
};

/**
 * Determinism: the same scenario and seed give identical FCTs (every CC);
 * DCQCN's random ECN marking follows the seed, so another seed changes them.
 */
class M3PacketDeterminismTestCase : public M3PacketTestBase
{
  public:
    M3PacketDeterminismTestCase()
        : M3PacketTestBase("same scenario and seed give identical FCTs; the seed drives ECN draws")
    {
    }

  private:
    std::vector<double> RunOnce(m3_cc cc, uint64_t seed)
    {
        std::vector<FlowSpec> flows;
        for (uint32_t i = 0; i < 6; i++)
        {
            flows.push_back({i, 6 + i % 2, 150000 + 10000 * i, 3.0 * i});
        }
        std::string error;
        Ptr<M3Scenario> s =
            Make("star=8", flows, {{"cc", CcName(cc)}, {"seed", std::to_string(seed)}}, &error);
        NS_TEST_EXPECT_MSG_NE(s, nullptr, error);
        if (!s)
        {
            return {};
        }
        M3PacketHelper h;
        NS_TEST_EXPECT_MSG_EQ(h.Install(s, &error), true, error);
        h.Run();
        std::vector<double> fct = h.GetFctNs();
        NS_TEST_EXPECT_MSG_EQ(h.GetNumFinished(), flows.size(), h.GetStopReason());
        h.Destroy();
        s->Dispose();
        return fct;
    }

    void DoRun() override
    {
        for (m3_cc cc : kAllCcs)
        {
            std::vector<double> a = RunOnce(cc, 7);
            std::vector<double> b = RunOnce(cc, 7);
            NS_TEST_ASSERT_MSG_EQ(a.size(), 6u, CcName(cc));
            NS_TEST_ASSERT_MSG_EQ((a == b), true, CcName(cc) << ": two runs with seed 7 differ");
        }
        std::vector<double> a = RunOnce(M3_CC_DCQCN, 7);
        std::vector<double> c = RunOnce(M3_CC_DCQCN, 8);
        NS_TEST_ASSERT_MSG_EQ((a != c), true, "DCQCN: seeds 7 and 8 gave identical FCTs");
    }
};

/**
 * Input checks and stop conditions: flows of 4 GiB or more are refused
 * (32-bit sequence numbers), a host with two links is refused, and a flow
 * that cannot progress (retransmission timeout off, tail dropped) is
 * reported unfinished (NaN) when the stall detector stops the run.
 */
class M3PacketInputTestCase : public M3PacketTestBase
{
  public:
    M3PacketInputTestCase()
        : M3PacketTestBase("bad input is refused; stalled flows are reported, not lost")
    {
    }

  private:
    void DoRun() override
    {
        std::string error;
        Ptr<M3Scenario> s = Make("star=3", {{0, 2, (uint64_t(1) << 32), 0}}, {}, &error);
        NS_TEST_ASSERT_MSG_NE(s, nullptr, error);
        {
            M3PacketHelper h;
            NS_TEST_ASSERT_MSG_EQ(h.Install(s, &error), false, "a 4 GiB flow was accepted");
            NS_TEST_ASSERT_MSG_NE(error.find("4 GiB"), std::string::npos, error);
            h.Destroy();
        }
        s->Dispose();

        // A host with two links: 0 - 1 (switch) and 0 - 2 (switch).
        std::string topo = CreateTempDirFilename("two-links.txt");
        {
            std::ofstream f(topo);
            f << "4 2 3\n1 2\n0 1 10Gbps 1us 0\n0 2 10Gbps 1us 0\n3 1 10Gbps 1us 0\n";
        }
        s = CreateObject<M3Scenario>();
        NS_TEST_ASSERT_MSG_EQ(s->ReadTopology(topo, &error), true, error);
        {
            M3PacketHelper h;
            NS_TEST_ASSERT_MSG_EQ(h.Install(s, &error), false, "a two-port host was accepted");
            NS_TEST_ASSERT_MSG_NE(error.find("host 0"), std::string::npos, error);
            h.Destroy();
        }
        s->Dispose();

        // Stall: PFC off, no retransmission timeout, an incast that drops.
        // The original simulator would run forever; here the run stops and
        // the unfinished flows keep FCT NaN.
        std::vector<FlowSpec> flows;
        for (uint32_t i = 0; i < 8; i++)
        {
            flows.push_back({i, 8, 100000, 0});
        }
        s = Make("star=9",
                 flows,
                 {{"pfc", "0"}, {"buffer_kb", "50"}, {"window_bytes", "0"}},
                 &error);
        NS_TEST_ASSERT_MSG_NE(s, nullptr, error);
        M3PacketHelper h;
        h.SetNicAttribute("RetransmitTimeout", TimeValue(Time(0)));
        NS_TEST_ASSERT_MSG_EQ(h.Install(s, &error), true, error);
        h.SetStopConditions(MilliSeconds(5), Seconds(1));
        h.Run();
        size_t nan = 0;
        for (double f : h.GetFctNs())
        {
            nan += std::isnan(f);
        }
        std::cerr << "  stall: drops " << h.GetDrops() << ", finished " << h.GetNumFinished()
                  << ", stop: " << h.GetStopReason() << " at " << h.GetSimulatedTime().As(Time::MS)
                  << "\n";
        NS_TEST_ASSERT_MSG_GT(h.GetDrops(), 0u, "the incast did not drop");
        NS_TEST_ASSERT_MSG_EQ(nan, flows.size() - h.GetNumFinished(), "NaN count");
        if (h.GetNumFinished() < flows.size())
        {
            NS_TEST_ASSERT_MSG_EQ(h.GetStopReason(), "stalled", "unfinished flows, but");
            NS_TEST_ASSERT_MSG_LT(h.GetSimulatedTime(), MilliSeconds(500), "stall not detected");
        }
        h.Destroy();
        s->Dispose();
    }
};

/**
 * A buffer smaller than the PFC headroom + reserve its switch needs is
 * reported at Install. On a k = 8 fat-tree (1 us links) an edge switch has
 * 4 host ports at 10 Gbps (3750 + 2244 B of headroom each) and 4 uplinks at
 * 40 Gbps (15000 + 2244 B): 92,952 B of headroom + 8 x 4096 B of reserve;
 * aggregation and core switches have 8 ports at 40 Gbps: 137,952 + 32,768.
 * A 100 KB buffer leaves every switch's threshold negative (80 warnings:
 * 32 edge, 32 aggregation, 16 core); 200 KB leaves none; with PFC off the
 * headroom does not matter and nothing is reported.
 */
class M3PacketBufferWarningTestCase : public M3PacketTestBase
{
  public:
    M3PacketBufferWarningTestCase()
        : M3PacketTestBase("a buffer below the switch's headroom + reserve is reported")
    {
    }

  private:
    size_t Warnings(const std::string& bufferKb, const std::string& pfc)
    {
        std::string error;
        Ptr<M3Scenario> s =
            Make("k-ary=8", {{0, 127, 1000, 0}}, {{"buffer_kb", bufferKb}, {"pfc", pfc}}, &error);
        NS_TEST_EXPECT_MSG_NE(s, nullptr, error);
        if (!s)
        {
            return SIZE_MAX;
        }
        M3PacketHelper h;
        NS_TEST_EXPECT_MSG_EQ(h.Install(s, &error), true, error);
        size_t n = h.GetWarnings().size();
        if (n > 0)
        {
            std::string w = h.GetWarnings()[0];
            NS_TEST_EXPECT_MSG_NE(w.find("headroom 92952 B + reserve 32768 B exceed the "
                                         "buffer of 100000 B"),
                                  std::string::npos,
                                  "warning text: " << w);
        }
        h.Destroy();
        s->Dispose();
        return n;
    }

    void DoRun() override
    {
        NS_TEST_ASSERT_MSG_EQ(Warnings("100", "1"), 80u, "every switch of the fat-tree");
        NS_TEST_ASSERT_MSG_EQ(Warnings("200", "1"), 0u, "200 KB is enough");
        NS_TEST_ASSERT_MSG_EQ(Warnings("100", "0"), 0u, "PFC off: headroom unused");
    }
};

/**
 * What the user sets reaches the model (issue 11): a link's error_rate
 * loses frames (counted as drops) while go-back-N still finishes every
 * flow; a model default set with Config::SetDefault (what
 * --ns3::TYPE::ATTRIBUTE does) wins over the configuration's mapping;
 * --RngRun sets the run number unless it disagrees with the seed.
 */
class M3PacketUserSettingsTestCase : public M3PacketTestBase
{
  public:
    M3PacketUserSettingsTestCase()
        : M3PacketTestBase("error_rate loses frames; user defaults and RngRun take effect")
    {
    }

  private:
    void DoRun() override
    {
        std::string error;
        // error_rate 0.02 on every link of a 3-host star
        std::string topo = CreateTempDirFilename("lossy.txt");
        {
            std::ofstream f(topo);
            f << "4 1 3\n3\n0 3 10Gbps 1us 0.02\n1 3 10Gbps 1us 0.02\n2 3 10Gbps 1us 0.02\n";
        }
        Ptr<M3Scenario> s = CreateObject<M3Scenario>();
        NS_TEST_ASSERT_MSG_EQ(s->ReadTopology(topo, &error), true, error);
        std::string flows = CreateTempDirFilename("lossy-flows.txt");
        {
            std::ofstream f(flows);
            f << "2\n0 0 2 3 100 200000 0\n1 1 2 3 100 200000 0\n";
        }
        NS_TEST_ASSERT_MSG_EQ(s->ReadFlows(flows, &error), true, error);
        {
            M3PacketHelper h;
            NS_TEST_ASSERT_MSG_EQ(h.Install(s, &error), true, error);
            h.Run();
            NS_TEST_EXPECT_MSG_GT(h.GetDrops(), 0u, "no frame was lost at error_rate 0.02");
            NS_TEST_EXPECT_MSG_EQ(h.GetNumFinished(), 2u, "go-back-N finishes both flows");
            h.Destroy();
        }
        s->Dispose();

        // A user default wins over the configuration's mapping.
        s = Make("star=3", {{0, 2, 1000, 0}}, {{"cc", "dctcp"}}, &error);
        NS_TEST_ASSERT_MSG_NE(s, nullptr, error);
        Config::SetDefault("ns3::M3Switch::EcnPmax", DoubleValue(0.25));
        {
            M3PacketHelper h;
            NS_TEST_ASSERT_MSG_EQ(h.Install(s, &error), true, error);
            DoubleValue pmax;
            h.GetSwitch(3)->GetAttribute("EcnPmax", pmax);
            NS_TEST_EXPECT_MSG_EQ(pmax.Get(), 0.25, "the user's EcnPmax (DCTCP maps 1)");
            h.Destroy();
        }
        Config::SetDefault("ns3::M3Switch::EcnPmax", DoubleValue(1.0));
        {
            M3PacketHelper h;
            NS_TEST_ASSERT_MSG_EQ(h.Install(s, &error), true, error);
            DoubleValue pmax;
            h.GetSwitch(3)->GetAttribute("EcnPmax", pmax);
            NS_TEST_EXPECT_MSG_EQ(pmax.Get(), 1.0, "back to the mapping");
            h.Destroy();
        }

        // --RngRun: taken when given; refused when it disagrees with the seed.
        GlobalValue::Bind("RngRun", UintegerValue(7));
        {
            M3PacketHelper h;
            NS_TEST_ASSERT_MSG_EQ(h.Install(s, &error), true, error);
            NS_TEST_EXPECT_MSG_EQ(RngSeedManager::GetRun(), 7u, "RngRun taken");
            h.Destroy();
        }
        NS_TEST_ASSERT_MSG_EQ(s->SetConfigKey("seed", "3", "test", &error), true, error);
        GlobalValue::Bind("RngRun", UintegerValue(9));
        {
            M3PacketHelper h;
            NS_TEST_EXPECT_MSG_EQ(h.Install(s, &error), false, "RngRun 9 against seed 3");
            NS_TEST_EXPECT_MSG_NE(error.find("--RngRun=9 and the configuration's seed 3"),
                                  std::string::npos,
                                  error);
            h.Destroy();
        }
        GlobalValue::Bind("RngRun", UintegerValue(1));
        {
            M3PacketHelper h;
            NS_TEST_ASSERT_MSG_EQ(h.Install(s, &error), true, error);
            NS_TEST_EXPECT_MSG_EQ(RngSeedManager::GetRun(), 3u, "the seed without RngRun");
            h.Destroy();
        }
        GlobalValue::Bind("RngRun", UintegerValue(1));
        s->Dispose();
    }
};

/**
 * \ingroup m3-tests
 * The packet mode end to end.
 */
class M3PacketTestSuite : public TestSuite
{
  public:
    M3PacketTestSuite()
        : TestSuite("m3-packet", UNIT)
    {
        AddTestCase(new M3PacketInputTestCase, TestCase::QUICK);
        AddTestCase(new M3PacketAloneTestCase, TestCase::QUICK);
        AddTestCase(new M3PacketEcmpTestCase, TestCase::QUICK);
        AddTestCase(new M3PacketDeterminismTestCase, TestCase::QUICK);
        AddTestCase(new M3PacketIncastTestCase, TestCase::QUICK);
        AddTestCase(new M3PacketSharingTestCase, TestCase::QUICK);
        AddTestCase(new M3PacketBufferWarningTestCase, TestCase::QUICK);
        AddTestCase(new M3PacketUserSettingsTestCase, TestCase::QUICK);
    }
};

/** Registers the suite. */
static M3PacketTestSuite g_m3PacketTestSuite;

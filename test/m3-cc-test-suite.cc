// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-cc-test-suite.cc - TestSuite "m3-cc": the four congestion controls
 * driven by a hand-made sender and synthetic ACKs, against hand-computed
 * rates (packet-model.md section 4). Every sender here has a 10 Gbps line
 * rate and max rate, a 1 Gbps min rate and a 14.4 us base RTT.
 */
#include "ns3/double.h"
#include "ns3/m3-cc-dcqcn.h"
#include "ns3/m3-cc-dctcp.h"
#include "ns3/m3-cc-hpcc.h"
#include "ns3/m3-cc-timely.h"
#include "ns3/m3-rdma-flow.h"
#include "ns3/m3-rdma-header.h"
#include "ns3/nstime.h"
#include "ns3/object-factory.h"
#include "ns3/simulator.h"
#include "ns3/test.h"
#include "ns3/uinteger.h"

#include <functional>
#include <vector>

using namespace ns3;

namespace
{

const double kGbps = 1e9;

/** A sender as the NIC would hand it to its CC, at \p rateGbps. */
void
InitSender(M3RdmaSender& s, double rateGbps = 10)
{
    s.lineRate = DataRate("10Gbps");
    s.maxRate = DataRate("10Gbps");
    s.minRate = DataRate("1Gbps");
    s.rate = DataRate(static_cast<uint64_t>(rateGbps * kGbps));
    s.baseRtt = NanoSeconds(14400);
    s.windowBytes = 18000;
    s.size = 1000000000;
}

/** An ACK up to \p seq. */
M3AckInfo
Ack(uint64_t seq, bool ecn = false, const M3IntHeader* ih = nullptr, Time now = Time(0))
{
    M3AckInfo a;
    a.ackSeq = seq;
    a.newlyAcked = 1000;
    a.ecnEcho = ecn;
    a.intHeader = ih;
    a.now = now;
    return a;
}

double
Bps(const M3RdmaSender& s)
{
    return static_cast<double>(s.rate.GetBitRate());
}

} // namespace

/**
 * Every CC is created by TypeId name with the attribute names the packet
 * helper sets, and declares the INT mode / ECN use the network needs.
 */
class M3CcTypeIdTestCase : public TestCase
{
  public:
    M3CcTypeIdTestCase()
        : TestCase("CCs: TypeId names, attributes, INT mode and ECN use")
    {
    }

  private:
    void DoRun() override
    {
        ObjectFactory f;
        f.SetTypeId("ns3::M3CcDctcp");
        f.Set("G", DoubleValue(0.1));
        f.Set("AiRate", DataRateValue(DataRate("1Gbps")));
        Ptr<M3CongestionControl> dctcp = f.Create<M3CongestionControl>();
        NS_TEST_ASSERT_MSG_EQ(dctcp->UsesEcn(), true, "DCTCP uses ECN");
        NS_TEST_ASSERT_MSG_EQ(dctcp->GetIntMode(), M3IntHeader::NONE, "DCTCP has no INT");

        f = ObjectFactory();
        f.SetTypeId("ns3::M3CcHpcc");
        f.Set("Eta", DoubleValue(0.9));
        f.Set("AiRate", DataRateValue(DataRate("500Mbps")));
        f.Set("MaxStage", UintegerValue(5));
        Ptr<M3CongestionControl> hpcc = f.Create<M3CongestionControl>();
        NS_TEST_ASSERT_MSG_EQ(hpcc->UsesEcn(), false, "HPCC needs no ECN");
        NS_TEST_ASSERT_MSG_EQ(hpcc->GetIntMode(), M3IntHeader::HPCC, "HPCC INT");

        f = ObjectFactory();
        f.SetTypeId("ns3::M3CcDcqcn");
        f.Set("G", DoubleValue(0.01));
        f.Set("AlphaTimer", TimeValue(MicroSeconds(55)));
        f.Set("DecreaseTimer", TimeValue(MicroSeconds(4)));
        f.Set("IncreaseTimer", TimeValue(MicroSeconds(300)));
        f.Set("FastRecoveryStages", UintegerValue(5));
        f.Set("AiRate", DataRateValue(DataRate("5Mbps")));
        f.Set("HyperAiRate", DataRateValue(DataRate("50Mbps")));
        Ptr<M3CongestionControl> dcqcn = f.Create<M3CongestionControl>();
        NS_TEST_ASSERT_MSG_EQ(dcqcn->UsesEcn(), true, "DCQCN uses ECN");
        NS_TEST_ASSERT_MSG_EQ(dcqcn->GetIntMode(), M3IntHeader::NONE, "DCQCN has no INT");

        f = ObjectFactory();
        f.SetTypeId("ns3::M3CcTimely");
        f.Set("TLow", TimeValue(MicroSeconds(40)));
        f.Set("THigh", TimeValue(MicroSeconds(100)));
        f.Set("Beta", DoubleValue(0.5));
        f.Set("Alpha", DoubleValue(0.5));
        f.Set("MinRtt", TimeValue(MicroSeconds(10)));
        f.Set("AiRate", DataRateValue(DataRate("20Mbps")));
        f.Set("HyperAiRate", DataRateValue(DataRate("100Mbps")));
        f.Set("HaiThreshold", UintegerValue(3));
        Ptr<M3CongestionControl> timely = f.Create<M3CongestionControl>();
        NS_TEST_ASSERT_MSG_EQ(timely->UsesEcn(), false, "TIMELY needs no ECN");
        NS_TEST_ASSERT_MSG_EQ(timely->GetIntMode(), M3IntHeader::TIMELY, "TIMELY timestamp");
    }
};

/**
 * DCTCP: alpha moves once per window with F = marked / ACKs of the window;
 * one cut per reduction period; AI once per window outside reductions.
 */
class M3CcDctcpWindowTestCase : public TestCase
{
  public:
    M3CcDctcpWindowTestCase()
        : TestCase("DCTCP: alpha per window, one cut per reduction, AI per window")
    {
    }

  private:
    void DoRun() override
    {
        M3RdmaSender s;
        InitSender(s);
        Ptr<M3CcDctcp> cc = CreateObject<M3CcDctcp>();
        cc->Start(&s);

        // Window 1: 11 packets out; the first ACK only marks the window end.
        s.sndNxt = 11000;
        cc->OnAck(Ack(1000));
        NS_TEST_ASSERT_MSG_EQ(cc->GetAlpha(), 1.0, "alpha starts at 1");
        NS_TEST_ASSERT_MSG_EQ(Bps(s), 10 * kGbps, "AI capped at maxRate");

        // Six marked ACKs: a single cut with alpha = 1, to half.
        cc->OnAck(Ack(2000, true));
        NS_TEST_ASSERT_MSG_EQ(Bps(s), 5 * kGbps, "cut rate (1 - alpha/2)");
        NS_TEST_ASSERT_MSG_EQ(cc->InReduction(), true, "reduction period opened");
        for (uint64_t seq = 3000; seq <= 7000; seq += 1000)
        {
            cc->OnAck(Ack(seq, true));
        }
        NS_TEST_ASSERT_MSG_EQ(Bps(s), 5 * kGbps, "no second cut in the reduction period");
        for (uint64_t seq = 8000; seq <= 11000; seq += 1000)
        {
            cc->OnAck(Ack(seq));
        }
        NS_TEST_ASSERT_MSG_EQ(cc->GetAlpha(), 1.0, "alpha unchanged inside the window");
        NS_TEST_ASSERT_MSG_EQ(Bps(s), 5 * kGbps, "no AI inside a reduction period");
        NS_TEST_ASSERT_MSG_EQ(cc->InReduction(), true, "ACK == end does not pass it");

        // ACK 12000 passes 11000: 12 ACKs, 6 marked -> F = 0.5; reduction over; AI.
        s.sndNxt = 23000;
        cc->OnAck(Ack(12000));
        NS_TEST_ASSERT_MSG_EQ_TOL(cc->GetAlpha(), 15.0 / 16 + 0.5 / 16, 1e-12, "alpha, F = 0.5");
        NS_TEST_ASSERT_MSG_EQ(cc->InReduction(), false, "reduction ended");
        NS_TEST_ASSERT_MSG_EQ_TOL(Bps(s), 5.615 * kGbps, 1, "one AI at the window end");

        // Window 2, nothing marked: no AI until it ends, then alpha decays.
        for (uint64_t seq = 13000; seq <= 23000; seq += 1000)
        {
            cc->OnAck(Ack(seq));
        }
        NS_TEST_ASSERT_MSG_EQ_TOL(Bps(s), 5.615 * kGbps, 1, "AI once per window, not per ACK");
        s.sndNxt = 30000;
        cc->OnAck(Ack(24000));
        double alpha = (15.0 / 16 + 0.5 / 16) * 15.0 / 16;
        NS_TEST_ASSERT_MSG_EQ_TOL(cc->GetAlpha(), alpha, 1e-12, "alpha, F = 0 (counts reset)");
        NS_TEST_ASSERT_MSG_EQ_TOL(Bps(s), 6.23 * kGbps, 1, "second AI");

        // A mark now cuts with the decayed alpha.
        cc->OnAck(Ack(25000, true));
        NS_TEST_ASSERT_MSG_EQ_TOL(Bps(s), 6.23 * kGbps * (1 - alpha / 2), 2, "cut with alpha");
        cc->Stop();
        cc->Stop(); // twice is harmless
    }
};

/** DCTCP: cuts stop at minRate; AI scales with the line rate. */
class M3CcDctcpLimitsTestCase : public TestCase
{
  public:
    M3CcDctcpLimitsTestCase()
        : TestCase("DCTCP: floor at minRate, AI scaled with the line rate")
    {
    }

  private:
    void DoRun() override
    {
        M3RdmaSender s;
        InitSender(s, 1.5);
        Ptr<M3CcDctcp> cc = CreateObject<M3CcDctcp>();
        cc->Start(&s);
        s.sndNxt = 5000;
        cc->OnAck(Ack(1000, true));
        NS_TEST_ASSERT_MSG_EQ(Bps(s), 1 * kGbps, "1.5G x 0.5 floors at minRate");

        M3RdmaSender f;
        InitSender(f);
        f.lineRate = DataRate("40Gbps");
        f.maxRate = DataRate("40Gbps");
        f.rate = DataRate("20Gbps");
        Ptr<M3CcDctcp> fast = CreateObject<M3CcDctcp>();
        fast->Start(&f);
        f.sndNxt = 5000;
        fast->OnAck(Ack(1000));
        NS_TEST_ASSERT_MSG_EQ_TOL(Bps(f), 22.46 * kGbps, 1, "AI = 4 x 615 Mb/s at 40 Gbps");
    }
};

namespace
{

/** An HPCC INT header with one record per (time, txBytes, qlen) triple. */
M3IntHeader
Int(std::vector<std::vector<uint64_t>> hops)
{
    M3IntHeader h(M3IntHeader::HPCC);
    for (const auto& v : hops)
    {
        h.PushHop(10000000000ULL, v[0], v[1], v[2]);
    }
    return h;
}

} // namespace

/**
 * HPCC: a hop at full rate with an empty queue gives u = 1 and
 * R = Rc eta + R_AI on every ACK; Rc moves only once per RTT; the first
 * ACK only records.
 */
class M3CcHpccRateTestCase : public TestCase
{
  public:
    M3CcHpccRateTestCase()
        : TestCase("HPCC: fast react from Rc, Rc once per RTT, first ACK records")
    {
    }

  private:
    void DoRun() override
    {
        M3RdmaSender s;
        InitSender(s, 5);
        Ptr<M3CcHpcc> cc = CreateObject<M3CcHpcc>();
        cc->Start(&s);
        s.sndNxt = 20000;

        // 16000 B in 12.8 us = 10 Gbps, the hop's line rate.
        const uint64_t t0 = 1000000, b0 = 128000;
        M3IntHeader h0 = Int({{t0, b0, 0}});
        cc->OnAck(Ack(1000, false, &h0));
        NS_TEST_ASSERT_MSG_EQ(Bps(s), 5 * kGbps, "first ACK only records");
        NS_TEST_ASSERT_MSG_EQ(cc->GetUtilisation(), 1.0, "u starts at 1");

        M3IntHeader h1 = Int({{t0 + 12800, b0 + 16000, 0}});
        cc->OnAck(Ack(2000, false, &h1));
        // u = 1, k = 1 / 0.95: R = 5 x 0.95 + 0.75 Gbps
        NS_TEST_ASSERT_MSG_EQ_TOL(cc->GetUtilisation(), 1.0, 1e-9, "u at full rate");
        NS_TEST_ASSERT_MSG_EQ_TOL(Bps(s), 5.5 * kGbps, 2, "R = Rc / (u / eta) + AI");
        NS_TEST_ASSERT_MSG_EQ_TOL(cc->GetReferenceRate().GetBitRate(),
                                  5 * kGbps,
                                  1,
                                  "Rc is kept between RTT updates");

        M3IntHeader h2 = Int({{t0 + 25600, b0 + 32000, 0}});
        cc->OnAck(Ack(3000, false, &h2));
        NS_TEST_ASSERT_MSG_EQ_TOL(Bps(s), 5.5 * kGbps, 2, "fast react starts from Rc again");

        // Passing sndNxt of the last update: R becomes the reference.
        M3IntHeader h3 = Int({{t0 + 38400, b0 + 48000, 0}});
        cc->OnAck(Ack(21000, false, &h3));
        NS_TEST_ASSERT_MSG_EQ_TOL(cc->GetReferenceRate().GetBitRate(),
                                  5.5 * kGbps,
                                  2,
                                  "Rc = R once per RTT");
        M3IntHeader h4 = Int({{t0 + 51200, b0 + 64000, 0}});
        cc->OnAck(Ack(22000, false, &h4));
        NS_TEST_ASSERT_MSG_EQ_TOL(Bps(s), 5.5 * 0.95 * kGbps + 0.75 * kGbps, 4, "from new Rc");

        // The same record again (tau = 0): ignored, no division by zero.
        cc->OnAck(Ack(22000, false, &h4));
        NS_TEST_ASSERT_MSG_EQ_TOL(Bps(s), 5.975 * kGbps, 4, "tau = 0 ignored");
    }
};

/** HPCC: a standing queue cuts harder; an idle path returns to maxRate. */
class M3CcHpccQueueTestCase : public TestCase
{
  public:
    M3CcHpccQueueTestCase()
        : TestCase("HPCC: queue term, tau cap, clamp, path change")
    {
    }

  private:
    void DoRun() override
    {
        M3RdmaSender s;
        InitSender(s, 5);
        Ptr<M3CcHpcc> cc = CreateObject<M3CcHpcc>();
        cc->Start(&s);
        s.sndNxt = 20000;
        const uint64_t t0 = 1000000, b0 = 128000;

        // Two hops; the second is the busy one (full rate and a queue of
        // min(8000, 16000) = 8000 B: 8000 x 8 / (10 Gbps x 14.4 us) = 4/9).
        M3IntHeader h0 = Int({{t0, b0, 0}, {t0, b0, 8000}});
        cc->OnAck(Ack(1000, false, &h0));
        M3IntHeader h1 = Int({{t0 + 12800, b0 + 8064, 0}, {t0 + 12800, b0 + 16000, 16000}});
        cc->OnAck(Ack(2000, false, &h1));
        double bigU = 1 + 4.0 / 9;
        double u = (1.0 * (14400 - 12800) + bigU * 12800) / 14400;
        NS_TEST_ASSERT_MSG_EQ_TOL(cc->GetUtilisation(), u, 1e-9, "u from the busiest hop");
        double r = 5 * kGbps / (u / 0.95) + 0.75 * kGbps;
        NS_TEST_ASSERT_MSG_EQ_TOL(Bps(s), r, 4, "the queue cuts below Rc eta + AI");
        NS_TEST_ASSERT_MSG_LT(Bps(s), 5.5 * kGbps, "harder than without a queue");

        // Half rate over 25.6 us > T: tau capped at T, so u = U = 0.5, and
        // R = Rc / (0.5 / 0.95) + AI = 10.25 Gbps is clamped to maxRate.
        M3IntHeader h2 = Int({{t0 + 38400, b0 + 16000, 0}, {t0 + 38400, b0 + 32000, 0}});
        cc->OnAck(Ack(21000, false, &h2));
        NS_TEST_ASSERT_MSG_EQ_TOL(cc->GetUtilisation(), 0.5, 1e-9, "tau capped at T");
        NS_TEST_ASSERT_MSG_EQ(Bps(s), 10 * kGbps, "clamped to maxRate");
        NS_TEST_ASSERT_MSG_EQ(cc->GetReferenceRate().GetBitRate(),
                              10000000000ULL,
                              "Rc clamped too");

        // A new path (one hop instead of two): records only.
        M3IntHeader h3 = Int({{t0 + 40000, b0, 0}});
        cc->OnAck(Ack(22000, false, &h3));
        NS_TEST_ASSERT_MSG_EQ(Bps(s), 10 * kGbps, "path change only records");
        NS_TEST_ASSERT_MSG_EQ_TOL(cc->GetUtilisation(), 0.5, 1e-9, "u untouched");
        // Full rate on the new path: u = (0.5 x 1.6 + 1 x 12.8) / 14.4.
        M3IntHeader h4 = Int({{t0 + 52800, b0 + 16000, 0}});
        cc->OnAck(Ack(23000, false, &h4));
        u = (0.5 * 1600 + 1.0 * 12800) / 14400;
        NS_TEST_ASSERT_MSG_EQ_TOL(cc->GetUtilisation(), u, 1e-9, "compared on the new path");
        double r4 = std::min(10 * kGbps, 10 * kGbps * 0.95 / u + 0.75 * kGbps);
        NS_TEST_ASSERT_MSG_EQ_TOL(Bps(s), r4, 4, "rate on the new path");
    }
};

/**
 * HPCC with MaxStage > 0: below the target it adds R_AI to Rc for
 * MaxStage RTTs before the multiplicative step.
 */
class M3CcHpccStageTestCase : public TestCase
{
  public:
    M3CcHpccStageTestCase()
        : TestCase("HPCC: additive stages up to MaxStage")
    {
    }

  private:
    void DoRun() override
    {
        M3RdmaSender s;
        InitSender(s, 2);
        Ptr<M3CcHpcc> cc = CreateObject<M3CcHpcc>();
        cc->SetAttribute("MaxStage", UintegerValue(1));
        cc->Start(&s);
        const uint64_t t0 = 1000000, b0 = 128000;
        // 28800 B per 25.6 us = 9 Gbps on a 10 Gbps hop; tau >= T, so
        // u = U = 0.9 < eta at once. Every ACK closes an RTT.
        s.sndNxt = 1000;
        M3IntHeader h = Int({{t0, b0, 0}});
        cc->OnAck(Ack(1000, false, &h));
        std::vector<double> rates;
        for (uint32_t i = 1; i <= 3; i++)
        {
            s.sndNxt = 1000 * (i + 1);
            M3IntHeader hi = Int({{t0 + 25600 * i, b0 + 28800 * i, 0}});
            cc->OnAck(Ack(1000 * (i + 1), false, &hi));
            rates.push_back(Bps(s));
        }
        NS_TEST_ASSERT_MSG_EQ_TOL(cc->GetUtilisation(), 0.9, 1e-9, "u = U when tau >= T");
        // 1: stage 0 < MaxStage: Rc + AI (stage 1); 2: stage reached
        // MaxStage: Rc / (u / eta) + AI (stage 0); 3: additive again.
        NS_TEST_ASSERT_MSG_EQ_TOL(rates[0], 2.75 * kGbps, 2, "additive stage");
        double r1 = 2.75 * kGbps / (0.9 / 0.95) + 0.75 * kGbps;
        NS_TEST_ASSERT_MSG_EQ_TOL(rates[1], r1, 4, "multiplicative at MaxStage");
        NS_TEST_ASSERT_MSG_EQ_TOL(rates[2],
                                  r1 + 0.75 * kGbps,
                                  4,
                                  "additive again after stage reset");
    }
};

/**
 * DCQCN with the simulator: the first echo starts the timers; alpha decays
 * per tick; the decrease waits for its timer; recovery averages toward the
 * target, then AI, then hyper AI raise the target.
 */
class M3CcDcqcnTimerTestCase : public TestCase
{
  public:
    M3CcDcqcnTimerTestCase()
        : TestCase("DCQCN: alpha ticks, timed decrease, fast recovery, AI and hyper AI")
    {
    }

  private:
    struct Probe
    {
        double rate;
        double alpha;
        double target;
        uint32_t stage;
    };

    void DoRun() override
    {
        M3RdmaSender s;
        InitSender(s, 5);
        Ptr<M3CcDcqcn> cc = CreateObject<M3CcDcqcn>();
        cc->Start(&s);
        cc->OnAck(Ack(1000, true, nullptr, Simulator::Now()));
        NS_TEST_ASSERT_MSG_EQ(Bps(s), 5 * kGbps, "the echo itself does not cut");

        std::vector<double> at = {49, 50.0005, 51, 104, 106, 161, 216, 251};
        std::vector<Probe> p(at.size());
        for (size_t i = 0; i < at.size(); i++)
        {
            Simulator::Schedule(NanoSeconds(static_cast<int64_t>(at[i] * 1000)),
                                [&, i]()
                                {
                                    p[i] = {Bps(s),
                                            cc->GetAlpha(),
                                            static_cast<double>(cc->GetTargetRate().GetBitRate()),
                                            cc->GetStage()};
                                });
        }
        Simulator::Stop(MicroSeconds(260));
        Simulator::Run();
        cc->Stop();
        cc->Stop();
        Simulator::Destroy();

        const double d = 255.0 / 256;
        NS_TEST_ASSERT_MSG_EQ(p[0].rate, 5 * kGbps, "49 us: no cut before the decrease timer");
        NS_TEST_ASSERT_MSG_EQ(p[0].alpha, 1.0, "alpha = 1 on the first echo");
        NS_TEST_ASSERT_MSG_EQ_TOL(p[1].alpha, d, 1e-12, "first tick decays (echo already counted)");
        NS_TEST_ASSERT_MSG_EQ(p[1].rate, 5 * kGbps, "the decrease comes after the alpha tick");
        double cut = 5 * kGbps * (1 - d / 2);
        NS_TEST_ASSERT_MSG_EQ_TOL(p[2].rate, cut, 1, "51 us: rate (1 - alpha/2)");
        NS_TEST_ASSERT_MSG_EQ_TOL(p[2].target, 5 * kGbps, 1, "target = rate before the cut");
        NS_TEST_ASSERT_MSG_EQ_TOL(p[3].rate, cut, 1, "100 us: no echo, no second cut");
        NS_TEST_ASSERT_MSG_EQ_TOL(p[3].alpha, d * d, 1e-12, "alpha decays per tick");
        double r1 = (cut + 5 * kGbps) / 2;
        NS_TEST_ASSERT_MSG_EQ_TOL(p[4].rate, r1, 2, "105 us: fast recovery average");
        NS_TEST_ASSERT_MSG_EQ(p[4].stage, 1, "stage 1");
        NS_TEST_ASSERT_MSG_EQ_TOL(p[5].target, 5.002 * kGbps, 1, "160 us: target + AI");
        double r2 = (r1 + 5.002 * kGbps) / 2;
        NS_TEST_ASSERT_MSG_EQ_TOL(p[5].rate, r2, 3, "160 us: average toward the raised target");
        NS_TEST_ASSERT_MSG_EQ_TOL(p[6].target, 5.022 * kGbps, 1, "215 us: target + hyper AI");
        NS_TEST_ASSERT_MSG_EQ_TOL(p[6].rate, (r2 + 5.022 * kGbps) / 2, 4, "215 us: rate");
        NS_TEST_ASSERT_MSG_EQ(p[6].stage, 3, "stage 3");
        NS_TEST_ASSERT_MSG_EQ_TOL(p[7].alpha, d * d * d * d * d, 1e-12, "five ticks by 251 us");
    }
};

/**
 * DCQCN: a later echo raises alpha at the next tick, cuts from the current
 * rate and restarts the increase timer; Stop cancels every timer; the
 * target never exceeds maxRate.
 */
class M3CcDcqcnEchoTestCase : public TestCase
{
  public:
    M3CcDcqcnEchoTestCase()
        : TestCase("DCQCN: second echo, increase-timer restart, Stop, target cap")
    {
    }

  private:
    void DoRun() override
    {
        M3RdmaSender s;
        InitSender(s, 5);
        Ptr<M3CcDcqcn> cc = CreateObject<M3CcDcqcn>();
        cc->Start(&s);
        cc->OnAck(Ack(1000, true));
        Simulator::Schedule(MicroSeconds(120), [&]() { cc->OnAck(Ack(2000, true)); });
        double at149 = 0, at151 = 0, at161 = 0, at206 = 0, alpha151 = 0, target151 = 0;
        Simulator::Schedule(MicroSeconds(149), [&]() { at149 = Bps(s); });
        Simulator::Schedule(MicroSeconds(151),
                            [&]()
                            {
                                at151 = Bps(s);
                                alpha151 = cc->GetAlpha();
                                target151 = static_cast<double>(cc->GetTargetRate().GetBitRate());
                            });
        Simulator::Schedule(MicroSeconds(161), [&]() { at161 = Bps(s); });
        Simulator::Schedule(MicroSeconds(206), [&]() { at206 = Bps(s); });
        Simulator::Schedule(MicroSeconds(207),
                            [&]()
                            {
                                cc->Stop();
                                cc->Stop();
                            });
        double at400 = -1;
        uint64_t events400 = 0, events450 = 0;
        Simulator::Schedule(MicroSeconds(400),
                            [&]()
                            {
                                at400 = Bps(s);
                                events400 = Simulator::GetEventCount();
                            });
        Simulator::Schedule(MicroSeconds(450), [&]() { events450 = Simulator::GetEventCount(); });
        Simulator::Stop(MicroSeconds(500)); // a safety net: timers that survive Stop run forever
        Simulator::Run();
        Simulator::Destroy();

        const double d = 255.0 / 256;
        double cut1 = 5 * kGbps * (1 - d / 2);
        double r1 = (cut1 + 5 * kGbps) / 2; // 105 us
        NS_TEST_ASSERT_MSG_EQ_TOL(at149, r1, 2, "149 us: after one recovery step");
        double alpha = d * d * d + 1.0 / 256;
        NS_TEST_ASSERT_MSG_EQ_TOL(alpha151, alpha, 1e-12, "150 us tick adds g for the echo");
        NS_TEST_ASSERT_MSG_EQ_TOL(target151, r1, 2, "target = rate at the second cut");
        double cut2 = r1 * (1 - alpha / 2);
        NS_TEST_ASSERT_MSG_EQ_TOL(at151, cut2, 3, "second cut from the current rate");
        NS_TEST_ASSERT_MSG_EQ_TOL(at161, cut2, 3, "160 us: increase timer was restarted");
        NS_TEST_ASSERT_MSG_EQ_TOL(at206, (cut2 + r1) / 2, 4, "205 us: first recovery step");
        NS_TEST_ASSERT_MSG_EQ_TOL(at400, (cut2 + r1) / 2, 4, "no change after Stop");
        NS_TEST_ASSERT_MSG_EQ(events450 - events400, 1, "no timer event after Stop");

        // Target cap: from maxRate, AI and hyper AI cannot push it above.
        M3RdmaSender m;
        InitSender(m, 10);
        Ptr<M3CcDcqcn> top = CreateObject<M3CcDcqcn>();
        top->Start(&m);
        top->OnAck(Ack(1000, true));
        double target = 0;
        Simulator::Schedule(MicroSeconds(220),
                            [&]()
                            { target = static_cast<double>(top->GetTargetRate().GetBitRate()); });
        Simulator::Stop(MicroSeconds(221));
        Simulator::Run();
        top->Stop();
        Simulator::Destroy();
        NS_TEST_ASSERT_MSG_EQ(target, 10 * kGbps, "target capped at maxRate");
    }
};

namespace
{

/** A TIMELY ACK at \p nowUs whose data packet was sent \p rttUs before. */
struct TimelyAck
{
    M3IntHeader ih{M3IntHeader::TIMELY};
    M3AckInfo info;

    TimelyAck(uint64_t seq, double nowUs, double rttUs)
    {
        Time now = NanoSeconds(static_cast<int64_t>(nowUs * 1000));
        ih.tsNs = static_cast<uint64_t>((nowUs - rttUs) * 1000);
        info = Ack(seq, false, &ih, now);
    }
};

} // namespace

/**
 * TIMELY: first sample records; one update per RTT; rtt > THigh cuts by
 * Beta (1 - THigh / rtt); rtt < TLow adds AI, hyper AI after 5 increases.
 */
class M3CcTimelyThresholdTestCase : public TestCase
{
  public:
    M3CcTimelyThresholdTestCase()
        : TestCase("TIMELY: THigh cut, TLow increase, hyper AI after 5 increases")
    {
    }

  private:
    void DoRun() override
    {
        M3RdmaSender s;
        InitSender(s, 5);
        Ptr<M3CcTimely> cc = CreateObject<M3CcTimely>();
        cc->Start(&s);
        s.sndNxt = 20000;
        TimelyAck a1(1000, 1000, 100);
        cc->OnAck(a1.info);
        NS_TEST_ASSERT_MSG_EQ(Bps(s), 5 * kGbps, "first sample only records");
        TimelyAck a2(2000, 1001, 300);
        cc->OnAck(a2.info);
        NS_TEST_ASSERT_MSG_EQ(Bps(s), 5 * kGbps, "no update before the ACK passes sndNxt");

        s.sndNxt = 40000;
        TimelyAck a3(21000, 1100, 200);
        cc->OnAck(a3.info);
        // 5 x (1 - 0.8 (1 - 125 / 200)) = 3.5
        NS_TEST_ASSERT_MSG_EQ_TOL(Bps(s), 3.5 * kGbps, 2, "rtt > THigh: Rc (1 - b (1 - TH/rtt))");

        std::vector<double> rates;
        uint64_t seq = 41000;
        for (uint32_t i = 0; i < 7; i++)
        {
            s.sndNxt = seq + 20000;
            TimelyAck a(seq, 1200 + 100 * i, 30);
            cc->OnAck(a.info);
            rates.push_back(Bps(s));
            seq = s.sndNxt + 1000;
        }
        for (uint32_t i = 0; i < 5; i++)
        {
            NS_TEST_ASSERT_MSG_EQ_TOL(rates[i],
                                      3.5 * kGbps + (i + 1) * 0.01 * kGbps,
                                      4,
                                      "rtt < TLow: + AI");
        }
        NS_TEST_ASSERT_MSG_EQ_TOL(rates[5],
                                  3.55 * kGbps + 0.05 * kGbps,
                                  4,
                                  "sixth increase: hyper AI");
        NS_TEST_ASSERT_MSG_EQ_TOL(rates[6], 3.65 * kGbps, 4, "hyper AI continues");

        // A cut resets the run of increases.
        s.sndNxt = seq + 20000;
        TimelyAck c(seq, 2000, 250);
        cc->OnAck(c.info);
        double rc = 3.65 * kGbps * (1 - 0.8 * (1 - 125.0 / 250));
        NS_TEST_ASSERT_MSG_EQ_TOL(Bps(s), rc, 4, "rtt 250 us cut");
        NS_TEST_ASSERT_MSG_EQ(cc->GetIncreaseStage(), 0, "cut resets the stage");
        seq = s.sndNxt + 1000;
        s.sndNxt = seq + 20000;
        TimelyAck i1(seq, 2100, 30);
        cc->OnAck(i1.info);
        NS_TEST_ASSERT_MSG_EQ_TOL(Bps(s), rc + 0.01 * kGbps, 4, "AI again after a cut");
    }
};

/**
 * TIMELY between TLow and THigh: gradient = EWMA of RTT differences (in
 * ns) / MinRtt; positive -> Rc max(0, 1 - Beta g), clamped to minRate;
 * non-positive -> increase.
 */
class M3CcTimelyGradientTestCase : public TestCase
{
  public:
    M3CcTimelyGradientTestCase()
        : TestCase("TIMELY: gradient EWMA, decrease, increase, floor at minRate")
    {
    }

  private:
    void DoRun() override
    {
        M3RdmaSender s;
        InitSender(s, 5);
        Ptr<M3CcTimely> cc = CreateObject<M3CcTimely>();
        cc->Start(&s);
        uint64_t seq = 1000;
        double now = 1000;
        auto step = [&](double rttUs)
        {
            s.sndNxt = seq + 20000;
            TimelyAck a(seq, now, rttUs);
            cc->OnAck(a.info);
            seq = s.sndNxt + 1000;
            now += 100;
            return Bps(s);
        };
        // The test macros evaluate their arguments more than once: step first.
        step(60);
        // diff 20 us: d = 0.875 x 20000 = 17500 ns, g = 0.875, 1 - 0.8 g = 0.3
        double r = step(80);
        NS_TEST_ASSERT_MSG_EQ_TOL(r, 1.5 * kGbps, 2, "positive gradient");
        NS_TEST_ASSERT_MSG_EQ_TOL(cc->GetRttDiff(), 17500, 1e-6, "EWMA in ns");
        // diff 0: d = 0.125 x 17500 = 2187.5, g = 0.109375, factor 0.9125
        r = step(80);
        NS_TEST_ASSERT_MSG_EQ_TOL(r, 1.5 * 0.9125 * kGbps, 2, "EWMA keeps the old gradient");
        // diff -10 us: d = 273.4375 - 8750 < 0: increase
        r = step(70);
        NS_TEST_ASSERT_MSG_EQ_TOL(r,
                                  1.36875 * kGbps + 0.01 * kGbps,
                                  2,
                                  "negative gradient: increase");
        // diff +50 us: g > 1.25, factor max(0, .) = 0: floor at minRate
        r = step(120);
        NS_TEST_ASSERT_MSG_EQ(r, 1 * kGbps, "factor 0 clamps to minRate");
    }
};

/** TestSuite "m3-cc". */
class M3CcTestSuite : public TestSuite
{
  public:
    M3CcTestSuite()
        : TestSuite("m3-cc", UNIT)
    {
        AddTestCase(new M3CcTypeIdTestCase, TestCase::QUICK);
        AddTestCase(new M3CcDctcpWindowTestCase, TestCase::QUICK);
        AddTestCase(new M3CcDctcpLimitsTestCase, TestCase::QUICK);
        AddTestCase(new M3CcHpccRateTestCase, TestCase::QUICK);
        AddTestCase(new M3CcHpccQueueTestCase, TestCase::QUICK);
        AddTestCase(new M3CcHpccStageTestCase, TestCase::QUICK);
        AddTestCase(new M3CcDcqcnTimerTestCase, TestCase::QUICK);
        AddTestCase(new M3CcDcqcnEchoTestCase, TestCase::QUICK);
        AddTestCase(new M3CcTimelyThresholdTestCase, TestCase::QUICK);
        AddTestCase(new M3CcTimelyGradientTestCase, TestCase::QUICK);
    }
};

/** Registers the suite with the TestRunner. */
static M3CcTestSuite g_m3CcTestSuite;

// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-rdma-nic-test-suite.cc - the host NIC (M3RdmaNic) and the base of the
 * congestion controls, on two hosts joined by one M3PortChannel
 * (10 Gbps, 1 us). The CC is a test-only fixed-rate one, so these tests
 * depend on no congestion-control algorithm.
 */
#include "ns3/boolean.h"
#include "ns3/data-rate.h"
#include "ns3/m3-cc.h"
#include "ns3/m3-port-channel.h"
#include "ns3/m3-port-device.h"
#include "ns3/m3-rdma-header.h"
#include "ns3/m3-rdma-nic.h"
#include "ns3/m3.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/test.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <vector>

namespace ns3
{

namespace
{

/** What the test CCs saw; shared through a "Probe" attribute. */
class M3TestCcProbe : public Object
{
  public:
    static TypeId GetTypeId()
    {
        static TypeId tid = TypeId("ns3::M3TestCcProbe").SetParent<Object>().SetGroupName("m3");
        return tid;
    }

    uint32_t acks = 0;
    uint32_t nacks = 0;
    uint32_t ecnEchoes = 0;
    uint32_t starts = 0;
    uint32_t stops = 0;
    std::vector<Time> rtts; //!< now - echoed timestamp (TIMELY mode)
};

/** Fixed-rate CC: sets Rate at start (0 = stay at max) and never changes it. */
class M3TestFixedRateCc : public M3CongestionControl
{
  public:
    static TypeId GetTypeId()
    {
        static TypeId tid =
            TypeId("ns3::M3TestFixedRateCc")
                .SetParent<M3CongestionControl>()
                .SetGroupName("m3")
                .AddConstructor<M3TestFixedRateCc>()
                .AddAttribute("Rate",
                              "Fixed sending rate; 0 = the flow's max rate.",
                              DataRateValue(DataRate(0)),
                              MakeDataRateAccessor(&M3TestFixedRateCc::m_rate),
                              MakeDataRateChecker())
                .AddAttribute("Ecn",
                              "What UsesEcn() answers.",
                              BooleanValue(false),
                              MakeBooleanAccessor(&M3TestFixedRateCc::m_ecn),
                              MakeBooleanChecker())
                .AddAttribute("IntMode",
                              "What GetIntMode() answers (0 none, 1 HPCC, 2 TIMELY).",
                              UintegerValue(0),
                              MakeUintegerAccessor(&M3TestFixedRateCc::m_intMode),
                              MakeUintegerChecker<uint32_t>(0, 2))
                .AddAttribute("RateOnFirstAck",
                              "Rate set on the first ACK; 0 = keep the rate.",
                              DataRateValue(DataRate(0)),
                              MakeDataRateAccessor(&M3TestFixedRateCc::m_rateOnAck),
                              MakeDataRateChecker())
                .AddAttribute("Probe",
                              "Where to record what was seen.",
                              PointerValue(),
                              MakePointerAccessor(&M3TestFixedRateCc::m_probe),
                              MakePointerChecker<M3TestCcProbe>());
        return tid;
    }

    M3IntHeader::Mode GetIntMode() const override
    {
        return static_cast<M3IntHeader::Mode>(m_intMode);
    }

    bool UsesEcn() const override
    {
        return m_ecn;
    }

    void Start(M3RdmaSender* s) override
    {
        M3CongestionControl::Start(s);
        if (m_rate.GetBitRate() > 0)
        {
            SetRate(m_rate);
        }
        if (m_probe)
        {
            ++m_probe->starts;
        }
    }

    void Stop() override
    {
        if (m_probe)
        {
            ++m_probe->stops;
        }
        M3CongestionControl::Stop();
    }

    void OnAck(const M3AckInfo& ack) override
    {
        if (m_rateOnAck.GetBitRate() > 0)
        {
            SetRate(m_rateOnAck);
            m_rateOnAck = DataRate(0);
        }
        if (!m_probe)
        {
            return;
        }
        ++(ack.nack ? m_probe->nacks : m_probe->acks);
        m_probe->ecnEchoes += ack.ecnEcho ? 1 : 0;
        if (ack.intHeader && ack.intHeader->mode == M3IntHeader::TIMELY)
        {
            m_probe->rtts.push_back(ack.now - NanoSeconds(ack.intHeader->tsNs));
        }
    }

  private:
    DataRate m_rate;
    DataRate m_rateOnAck;
    bool m_ecn = false;
    uint32_t m_intMode = 0;
    Ptr<M3TestCcProbe> m_probe;
};

/** Nothing overridden but OnAck: exposes the base class's helpers. */
class M3TestBareCc : public M3CongestionControl
{
  public:
    static TypeId GetTypeId()
    {
        static TypeId tid = TypeId("ns3::M3TestBareCc")
                                .SetParent<M3CongestionControl>()
                                .SetGroupName("m3")
                                .AddConstructor<M3TestBareCc>();
        return tid;
    }

    void OnAck(const M3AckInfo&) override
    {
    }

    void CallSetRate(DataRate r)
    {
        SetRate(r);
    }

    DataRate CallScaledIncrease(DataRate r) const
    {
        return ScaledIncrease(r);
    }

    M3RdmaSender* Sender() const
    {
        return m_sender;
    }
};

NS_OBJECT_ENSURE_REGISTERED(M3TestCcProbe);
NS_OBJECT_ENSURE_REGISTERED(M3TestFixedRateCc);
NS_OBJECT_ENSURE_REGISTERED(M3TestBareCc);

const DataRate kLine("10Gbps");
const Time kDelay = MicroSeconds(1);

/** Serialisation time of \p bytes at \p rate, as the device computes it. */
Time
Tx(uint32_t bytes, DataRate rate = kLine)
{
    return rate.CalculateBytesTxTime(bytes);
}

m3_flow
MakeFlow(uint64_t id, uint32_t pg, uint32_t sport, uint64_t size, uint64_t startNs)
{
    m3_flow f{};
    f.id = id;
    f.src = 0;
    f.dst = 1;
    f.pg = pg;
    f.sport = sport;
    f.dport = 100;
    f.size = size;
    f.start_ns = startNs;
    return f;
}

/** Ideal FCT (packet-model.md section 5) on the 2-host, 1-link topology. */
double
IdealNs(uint64_t size)
{
    m3_error err;
    m3_topology* t = m3_topology_new(2, &err);
    m3_link l{0, 1, 10e9, 1000, 0.0};
    int li = m3_topology_add_link(t, &l, &err);
    uint32_t dlink = static_cast<uint32_t>(li) << 1; // direction a -> b
    double ideal = m3_ideal_fct_ns(t, &dlink, 1, size, 1000, M3_HEADER_BYTES, 10e9);
    m3_topology_free(t);
    return ideal;
}

/** A data or ACK frame as it left a device. */
struct SeenFrame
{
    Time at;
    M3Header h;
    uint32_t size;
};

/**
 * Host 0 and host 1 (C core node ids 0 and 1) on one 10 Gbps / 1 us
 * channel, each with a NIC using M3TestFixedRateCc. Flows go 0 -> 1.
 */
class TwoHosts
{
  public:
    TwoHosts()
    {
        probe = CreateObject<M3TestCcProbe>();
        Ptr<M3PortChannel> ch = CreateObject<M3PortChannel>();
        ch->SetAttribute("Delay", TimeValue(kDelay));
        for (uint32_t i = 0; i < 2; ++i)
        {
            Ptr<Node> n = CreateObject<Node>();
            dev[i] = CreateObject<M3PortDevice>();
            dev[i]->SetAttribute("DataRate", DataRateValue(kLine));
            dev[i]->SetAttribute("InterframeGap", TimeValue(Time(0)));
            n->AddDevice(dev[i]);
            dev[i]->Attach(ch);
            nic[i] = CreateObject<M3RdmaNic>();
            nic[i]->SetAttribute("CongestionControl", StringValue("ns3::M3TestFixedRateCc"));
            nic[i]->SetCcAttribute("Probe", PointerValue(probe));
            n->AggregateObject(nic[i]);
            nic[i]->Setup(i, dev[i]);
            dev[i]->TraceConnectWithoutContext("MacTx",
                                               MakeCallback(&TwoHosts::OnTx, this).Bind(i));
        }
        nic[1]->TraceConnectWithoutContext("FlowComplete", MakeCallback(&TwoHosts::OnFct, this));
        nic[0]->TraceConnectWithoutContext("SenderComplete",
                                           MakeCallback(&TwoHosts::OnSenderDone, this));
    }

    void Add(uint32_t index, const m3_flow& f)
    {
        nic[0]->AddSender(index, f);
        nic[1]->AddReceiver(index, f);
    }

    /**
     * Runs to the end of events, with a far safety stop so nothing hangs;
     * records whether events were left at the stop and the last frame time.
     */
    void Run()
    {
        Simulator::Stop(Seconds(1));
        Simulator::Run();
        drained = Simulator::IsFinished();
        events = Simulator::GetEventCount();
        for (const auto& frames : tx)
        {
            for (const auto& f : frames)
            {
                lastFrame = std::max(lastFrame, f.at);
            }
        }
    }

    /** Data frames host 0 sent for source port \p sport. */
    uint32_t DataFrames(uint32_t sport) const
    {
        uint32_t n = 0;
        for (const auto& f : tx[0])
        {
            n += (f.h.kind == M3Header::DATA && f.h.sport == sport) ? 1 : 0;
        }
        return n;
    }

    Ptr<M3PortDevice> dev[2];
    Ptr<M3RdmaNic> nic[2];
    Ptr<M3TestCcProbe> probe;
    std::map<uint32_t, Time> fct;       //!< receiver FCT by flow index
    std::map<uint32_t, Time> senderFct; //!< last ACK - start by flow index
    std::vector<SeenFrame> tx[2];       //!< frames each device started sending
    Time lastFrame;                     //!< when the last frame started
    bool drained = false;               //!< no events left after the safety stop
    uint64_t events = 0;                //!< events executed

  private:
    void OnFct(uint32_t index, Time t)
    {
        fct[index] = t;
    }

    void OnSenderDone(uint32_t index, Time t)
    {
        senderFct[index] = t;
    }

    void OnTx(uint32_t i, Ptr<const Packet> p)
    {
        SeenFrame f;
        f.at = Simulator::Now();
        p->PeekHeader(f.h);
        f.size = p->GetSize();
        tx[i].push_back(f);
    }
};

/** Peeks a frame's M3Header. */
M3Header
Peek(Ptr<Packet> p)
{
    M3Header h;
    p->PeekHeader(h);
    return h;
}

} // namespace

/** The window, the base CC's clamping and scaling, the lazy CC lookup. */
class M3NicBasicsTest : public TestCase
{
  public:
    M3NicBasicsTest()
        : TestCase("window arithmetic, CC base class, lazy CongestionControl lookup")
    {
    }

  private:
    void DoRun() override
    {
        M3RdmaSender s;
        s.size = 10000;
        s.maxRate = DataRate("10Gbps");
        s.lineRate = DataRate("40Gbps");
        s.minRate = DataRate("1Gbps");
        s.rate = DataRate("2.5Gbps");
        NS_TEST_ASSERT_MSG_EQ(s.Window(), 0, "W = 0 means no window");
        NS_TEST_ASSERT_MSG_EQ(s.CanSend(), true, "no window: can send");
        s.windowBytes = 2000;
        NS_TEST_ASSERT_MSG_EQ(s.Window(), 500, "variable window: W x rate / maxRate");
        s.variableWindow = false;
        NS_TEST_ASSERT_MSG_EQ(s.Window(), 2000, "fixed window");
        s.variableWindow = true;
        s.rate = DataRate(1000); // 1 kb/s: W x rate / max rounds to 0
        NS_TEST_ASSERT_MSG_EQ(s.Window(), 1, "the effective window is at least 1 byte");
        s.rate = DataRate("10Gbps");
        s.sndNxt = 1999;
        NS_TEST_ASSERT_MSG_EQ(s.CanSend(), true, "1999 in flight < 2000");
        s.sndNxt = 2000;
        NS_TEST_ASSERT_MSG_EQ(s.CanSend(), false, "2000 in flight fills the window");
        s.sndUna = 1000;
        NS_TEST_ASSERT_MSG_EQ(s.CanSend(), true, "an ACK opens the window");
        s.sndNxt = 10000;
        s.windowBytes = 0;
        NS_TEST_ASSERT_MSG_EQ(s.CanSend(), false, "nothing left to send");

        Ptr<M3TestBareCc> cc = CreateObject<M3TestBareCc>();
        NS_TEST_ASSERT_MSG_EQ(cc->GetIntMode(), M3IntHeader::NONE, "default INT mode");
        NS_TEST_ASSERT_MSG_EQ(cc->UsesEcn(), false, "default: no ECN");
        s.rate = DataRate("5Gbps");
        cc->CallSetRate(DataRate("3Gbps")); // before Start: no sender, no effect
        NS_TEST_ASSERT_MSG_EQ(s.rate, DataRate("5Gbps"), "SetRate before Start is ignored");
        cc->Start(&s);
        NS_TEST_ASSERT_MSG_EQ(cc->Sender(), &s, "Start stores the sender");
        cc->CallSetRate(DataRate("3Gbps"));
        NS_TEST_ASSERT_MSG_EQ(s.rate, DataRate("3Gbps"), "in range: set as is");
        cc->CallSetRate(DataRate("100Gbps"));
        NS_TEST_ASSERT_MSG_EQ(s.rate, s.maxRate, "clamped to maxRate");
        cc->CallSetRate(DataRate("1Mbps"));
        NS_TEST_ASSERT_MSG_EQ(s.rate, s.minRate, "clamped to minRate");
        NS_TEST_ASSERT_MSG_EQ(cc->CallScaledIncrease(DataRate("615Mbps")),
                              DataRate("2460Mbps"),
                              "AI scales with the line rate (40 Gbps: x4)");
        cc->Stop();
        NS_TEST_ASSERT_MSG_EQ(cc->Sender(), nullptr, "Stop clears the sender");
        cc->CallSetRate(DataRate("3Gbps"));
        NS_TEST_ASSERT_MSG_EQ(s.rate, s.minRate, "SetRate after Stop is ignored");

        // The default CC class need not exist until a flow starts.
        Ptr<M3RdmaNic> nic = CreateObject<M3RdmaNic>();
        StringValue name;
        nic->GetAttribute("CongestionControl", name);
        NS_TEST_ASSERT_MSG_EQ(name.Get(), "ns3::M3CcDctcp", "default CC");
        TimeValue rto;
        nic->GetAttribute("RetransmitTimeout", rto);
        NS_TEST_ASSERT_MSG_EQ(rto.Get(), MilliSeconds(1), "RTO default 1 ms");
        nic->SetCcAttribute("NoSuchAttribute", UintegerValue(1)); // checked only at first start
        nic->Dispose();
    }
};

/** (a) one 100 KB flow, (b) small flows: packet counts and FCT = ideal. */
class M3NicSoloFlowTest : public TestCase
{
  public:
    M3NicSoloFlowTest()
        : TestCase("a flow alone: FCT equals the ideal; exact packet counts and sizes")
    {
    }

  private:
    void DoRun() override
    {
        TwoHosts net;
        const uint64_t sizes[] = {100000, 1, 999, 1000, 1001};
        for (uint32_t i = 0; i < 5; ++i)
        {
            // 500 us apart: each flow runs alone
            net.Add(i, MakeFlow(i, 3, 10000 + i, sizes[i], 500000ULL * i));
        }
        net.Add(5, MakeFlow(5, 3, 10005, 0, 3000000));
        net.Run();
        for (uint32_t i = 0; i < 5; ++i)
        {
            uint64_t size = sizes[i];
            uint32_t packets = static_cast<uint32_t>((size + 999) / 1000);
            NS_TEST_ASSERT_MSG_EQ(net.fct.count(i), 1, "flow " << i << " finished");
            NS_TEST_ASSERT_MSG_EQ(net.DataFrames(10000 + i), packets, "packets of size " << size);
            double ideal = IdealNs(size);
            double fct = net.fct[i].GetNanoSeconds();
            // the device rounds each frame's time to 1 ns: allow that per packet
            NS_TEST_ASSERT_MSG_EQ_TOL(fct, ideal, packets * 1.0, "FCT of size " << size);
            // and the sender sees the last ACK one 60-byte ACK + delay later,
            // or one ACK time more when the previous ACK still occupies the wire
            Time ackBack = Tx(60) + kDelay;
            NS_TEST_ASSERT_MSG_GT_OR_EQ(net.senderFct[i], net.fct[i] + ackBack, "sender FCT");
            NS_TEST_ASSERT_MSG_LT_OR_EQ(net.senderFct[i],
                                        net.fct[i] + ackBack + (packets > 1 ? Tx(60) : Time(0)),
                                        "sender FCT");
        }
        // wire sizes: payload + 48, the last frame shorter; ACKs 60 B
        for (const auto& f : net.tx[0])
        {
            if (f.h.sport == 10004)
            {
                uint32_t expect = f.h.seq == 0 ? 1048 : 49;
                NS_TEST_ASSERT_MSG_EQ(f.size, expect, "data frame size");
                NS_TEST_ASSERT_MSG_EQ(f.h.ecn,
                                      M3Header::ECN_NOT_ECT,
                                      "no ECN when the CC has none");
                NS_TEST_ASSERT_MSG_EQ(f.h.pg, 3, "data priority = flow pg");
                NS_TEST_ASSERT_MSG_EQ(((f.h.flags & M3Header::FLAG_LAST) != 0),
                                      (f.h.seq == 1000),
                                      "FLAG_LAST on the last packet only");
            }
        }
        for (const auto& f : net.tx[1])
        {
            NS_TEST_ASSERT_MSG_EQ(f.h.kind, M3Header::ACK, "only ACKs come back");
            NS_TEST_ASSERT_MSG_EQ(f.size, 60, "ACK padded to 60 B");
            NS_TEST_ASSERT_MSG_EQ(f.h.pg, 3, "ACK on the data priority by default");
        }
        NS_TEST_ASSERT_MSG_EQ(net.nic[0]->GetRetransmittedPackets(), 0, "no retransmissions");
        NS_TEST_ASSERT_MSG_EQ(net.probe->starts, 6, "one CC per flow");
        NS_TEST_ASSERT_MSG_EQ(net.probe->stops, 6, "every CC stopped");
        NS_TEST_ASSERT_MSG_EQ(net.fct.count(5), 1, "an empty flow completes");
        NS_TEST_ASSERT_MSG_EQ(net.fct[5], Time(0), "at once");
        NS_TEST_ASSERT_MSG_EQ(net.DataFrames(10005), 0, "without sending anything");
        NS_TEST_ASSERT_MSG_EQ(net.senderFct[5], Time(0), "the sender is done at its start");
        NS_TEST_ASSERT_MSG_EQ(net.probe->acks, 100 + 1 + 1 + 1 + 2, "one ACK per data packet");
        Simulator::Destroy();
    }
};

/** (c) a fixed window limits throughput; the variable window follows the rate. */
class M3NicWindowTest : public TestCase
{
  public:
    M3NicWindowTest()
        : TestCase("window: stop-and-wait with W = 1 packet; variable window scales with rate")
    {
    }

  private:
    /** FCT of a 10-packet flow under the given window settings. */
    Time RunOne(uint64_t window, bool variable, DataRate rate)
    {
        TwoHosts net;
        net.nic[0]->SetAttribute("WindowBytes", UintegerValue(window));
        net.nic[0]->SetAttribute("VariableWindow", BooleanValue(variable));
        net.nic[0]->SetCcAttribute("Rate", DataRateValue(rate));
        net.Add(0, MakeFlow(0, 3, 10000, 10000, 0));
        net.Run();
        Time fct = net.fct.count(0) ? net.fct[0] : Time(-1);
        Simulator::Destroy();
        return fct;
    }

    void DoRun() override
    {
        // one packet in flight: each round is data out, ACK back
        Time round = Tx(1048) + kDelay + Tx(60) + kDelay;
        Time stopAndWait = 9 * round + Tx(1048) + kDelay;
        Time fixed1 = RunOne(1000, false, DataRate(0));
        NS_TEST_ASSERT_MSG_EQ(fixed1, stopAndWait, "W = 1000 B: one packet per round trip");
        // variable window: W = 2000 at half the max rate is 1000 again, and
        // pacing at 5 Gbps (1.7 us per packet) is faster than a round (2.9 us)
        Time variable = RunOne(2000, true, DataRate("5Gbps"));
        NS_TEST_ASSERT_MSG_EQ(variable, stopAndWait, "W x rate / maxRate = 1000 B");
        // fixed W = 2000 at 5 Gbps: two packets per round, so clearly faster
        Time fixed2 = RunOne(2000, false, DataRate("5Gbps"));
        NS_TEST_ASSERT_MSG_LT(fixed2.GetNanoSeconds(),
                              stopAndWait.GetNanoSeconds() * 7 / 10,
                              "VariableWindow off: the full W");
        // no window: line rate, the ideal
        Time open = RunOne(0, false, DataRate(0));
        NS_TEST_ASSERT_MSG_EQ(open, 10 * Tx(1048) + kDelay, "no window: back to back");
    }
};

/** (d) pacing at a fixed rate below the line rate. */
class M3NicPacingTest : public TestCase
{
  public:
    M3NicPacingTest()
        : TestCase("pacing: a 2 Gbps flow sends one 1048-byte packet per 4192 ns")
    {
    }

  private:
    void DoRun() override
    {
        TwoHosts net;
        DataRate rate("2Gbps");
        net.nic[0]->SetCcAttribute("Rate", DataRateValue(rate));
        net.Add(0, MakeFlow(0, 3, 10000, 100000, 0));
        net.Run();
        NS_TEST_ASSERT_MSG_EQ(net.fct.count(0), 1, "finished");
        Time expect = 99 * Tx(1048, rate) + Tx(1048) + kDelay;
        NS_TEST_ASSERT_MSG_EQ_TOL(net.fct[0].GetNanoSeconds(),
                                  expect.GetNanoSeconds(),
                                  2,
                                  "FCT = 99 pacing intervals + last packet");
        double sizeOverRate = 100000 * 8.0 / 2e9 * 1e9 * 1048.0 / 1000.0;
        NS_TEST_ASSERT_MSG_EQ_TOL(net.fct[0].GetNanoSeconds() / sizeOverRate,
                                  1.0,
                                  0.02,
                                  "FCT ~ wire bytes / rate");
        // spacing between consecutive data frames is the pacing interval
        Time prev(-1);
        for (const auto& f : net.tx[0])
        {
            if (prev.IsPositive())
            {
                NS_TEST_ASSERT_MSG_EQ(f.at - prev, Tx(1048, rate), "one packet per interval");
            }
            prev = f.at;
        }
        Simulator::Destroy();
        // a rate change on an ACK applies to the gap already running (the
        // original's ChangeRate): 1 Gbps -> 10 Gbps at the first ACK, so the
        // second packet leaves with that ACK instead of 8.4 us after the first
        {
            TwoHosts net2;
            net2.nic[0]->SetCcAttribute("Rate", DataRateValue(DataRate("1Gbps")));
            net2.nic[0]->SetCcAttribute("RateOnFirstAck", DataRateValue(DataRate("10Gbps")));
            net2.Add(0, MakeFlow(0, 3, 10000, 3000, 0));
            net2.Run();
            Time firstAck = Tx(1048) + kDelay + Tx(60) + kDelay;
            NS_TEST_ASSERT_MSG_EQ(net2.tx[0].size(), 3, "three data frames");
            NS_TEST_ASSERT_MSG_EQ(net2.tx[0][1].at, firstAck, "sent when the faster rate arrives");
            NS_TEST_ASSERT_MSG_EQ(net2.tx[0][2].at - net2.tx[0][1].at, Tx(1048), "then at 10 Gbps");
            Simulator::Destroy();
        }
    }
};

/** (e) one lost data packet: NACK, go-back-N, the flow finishes. */
class M3NicNackTest : public TestCase
{
  public:
    M3NicNackTest()
        : TestCase("loss: a NACK (rate-limited) and go-back-N recover dropped packets")
    {
    }

  private:
    /** Drops data packets whose seq is in m_drop, each once. */
    bool DropData(Ptr<Packet> p)
    {
        M3Header h = Peek(p);
        if (h.kind == M3Header::DATA && m_drop.erase(h.seq))
        {
            ++m_dropped;
            return true;
        }
        return false;
    }

    void DoRun() override
    {
        for (uint32_t drops = 1; drops <= 2; ++drops)
        {
            TwoHosts net;
            m_drop = drops == 1 ? std::set<uint32_t>{9000} : std::set<uint32_t>{9000, 50000};
            m_dropped = 0;
            net.nic[1]->SetReceiveDropCallback(MakeCallback(&M3NicNackTest::DropData, this));
            net.Add(0, MakeFlow(0, 3, 10000, 100000, 0));
            net.Run();
            NS_TEST_ASSERT_MSG_EQ(m_dropped, drops, "the seam dropped the packets");
            NS_TEST_ASSERT_MSG_EQ(net.fct.count(0), 1, "the flow still finishes");
            NS_TEST_ASSERT_MSG_EQ(net.senderFct.count(0), 1, "and the sender sees it");
            // many packets arrive out of order behind each hole, yet one NACK each
            NS_TEST_ASSERT_MSG_EQ(net.nic[1]->GetNacksSent(), drops, "one NACK per hole");
            NS_TEST_ASSERT_MSG_EQ(net.probe->nacks, drops, "the CC saw each NACK");
            const M3RdmaSender* s = net.nic[0]->GetSender(0);
            NS_TEST_ASSERT_MSG_EQ(s->retransmits, drops, "one go-back-N per NACK");
            NS_TEST_ASSERT_MSG_EQ(s->timeouts, 0, "no timeout needed");
            uint64_t retx = net.nic[0]->GetRetransmittedPackets();
            NS_TEST_ASSERT_MSG_GT(retx, 0, "packets were sent again");
            NS_TEST_ASSERT_MSG_EQ(net.nic[0]->GetDataPacketsSent(), 100 + retx, "100 new + retx");
            // go-back-N resends from the hole: the first resent seq is the dropped one
            bool sawResend = false;
            uint32_t highest = 0;
            for (const auto& f : net.tx[0])
            {
                if (f.h.seq < highest && !sawResend)
                {
                    NS_TEST_ASSERT_MSG_EQ(f.h.seq, 9000, "go back to the NACKed seq");
                    sawResend = true;
                }
                highest = std::max(highest, static_cast<uint32_t>(f.h.seq));
            }
            NS_TEST_ASSERT_MSG_EQ(sawResend, true, "a rewind happened");
            NS_TEST_ASSERT_MSG_GT(net.fct[0].GetNanoSeconds(), IdealNs(100000), "loss costs time");
            Simulator::Destroy();
        }
    }

    std::set<uint32_t> m_drop;
    uint32_t m_dropped = 0;
};

/** (f) the retransmission timeout: lost NACKs, a lost tail, a lost last ACK. */
class M3NicTimeoutTest : public TestCase
{
  public:
    M3NicTimeoutTest()
        : TestCase("timeout: recovers lost NACKs, tail and last ACK; off = unfinished, no hang")
    {
    }

  private:
    bool DropData(Ptr<Packet> p)
    {
        M3Header h = Peek(p);
        if (h.kind == M3Header::DATA && h.seq == m_dropSeq && m_dataLeft > 0)
        {
            --m_dataLeft;
            return true;
        }
        return false;
    }

    bool DropAcks(Ptr<Packet> p)
    {
        M3Header h = Peek(p);
        if (h.kind == M3Header::NACK)
        {
            return true; // every NACK is lost
        }
        if (h.kind == M3Header::ACK && h.seq == m_dropAckSeq && m_acksLeft > 0)
        {
            --m_acksLeft;
            return true;
        }
        return false;
    }

    /** One 100 KB flow; returns the network after Run (caller destroys). */
    void RunCase(TwoHosts& net, Time rto, uint32_t dropSeq, uint32_t dropAckSeq)
    {
        m_dropSeq = dropSeq;
        m_dataLeft = 1;
        m_dropAckSeq = dropAckSeq;
        m_acksLeft = 1;
        net.nic[0]->SetAttribute("RetransmitTimeout", TimeValue(rto));
        net.nic[1]->SetReceiveDropCallback(MakeCallback(&M3NicTimeoutTest::DropData, this));
        net.nic[0]->SetReceiveDropCallback(MakeCallback(&M3NicTimeoutTest::DropAcks, this));
        net.Add(0, MakeFlow(0, 3, 10000, 100000, 0));
        net.Run();
    }

    void DoRun() override
    {
        const uint32_t none = UINT32_MAX;
        {
            // a hole whose NACK is lost: only the timeout recovers it
            TwoHosts net;
            RunCase(net, MilliSeconds(1), 9000, none);
            NS_TEST_ASSERT_MSG_EQ(net.fct.count(0), 1, "finished thanks to the timeout");
            NS_TEST_ASSERT_MSG_EQ(net.nic[1]->GetNacksSent(), 1, "the NACK was sent (and lost)");
            NS_TEST_ASSERT_MSG_EQ(net.nic[0]->GetTimeouts(), 1, "one timeout");
            // the window is open, so everything was sent before the timer ran
            NS_TEST_ASSERT_MSG_GT(net.fct[0], MilliSeconds(1), "recovery waited one RTO");
            NS_TEST_ASSERT_MSG_LT(net.fct[0], MilliSeconds(1) + MicroSeconds(200), "not two");
            Simulator::Destroy();
        }
        {
            // the same with the timeout off: the flow never finishes, and the
            // simulation runs out of events instead of hanging
            TwoHosts net;
            RunCase(net, Time(0), 9000, none);
            NS_TEST_ASSERT_MSG_EQ(net.fct.count(0), 0, "no FCT without a timeout");
            NS_TEST_ASSERT_MSG_EQ(net.senderFct.count(0), 0, "sender not done");
            NS_TEST_ASSERT_MSG_EQ(net.nic[0]->GetSender(0)->done, false, "sender not done");
            NS_TEST_ASSERT_MSG_EQ(net.nic[0]->GetTimeouts(), 0, "no timeouts");
            NS_TEST_ASSERT_MSG_LT(net.lastFrame, MicroSeconds(200), "no frames after the stall");
            NS_TEST_ASSERT_MSG_EQ(net.drained, true, "no timer left running");
            NS_TEST_ASSERT_MSG_LT(net.events, 2000, "no busy loop of events");
            Simulator::Destroy();
        }
        {
            // the last packet lost: no later packet, so no NACK at all
            TwoHosts net;
            RunCase(net, MilliSeconds(1), 99000, none);
            NS_TEST_ASSERT_MSG_EQ(net.fct.count(0), 1, "tail loss recovered");
            NS_TEST_ASSERT_MSG_EQ(net.nic[1]->GetNacksSent(), 0, "no NACK for a tail loss");
            NS_TEST_ASSERT_MSG_EQ(net.nic[0]->GetTimeouts(), 1, "one timeout");
            NS_TEST_ASSERT_MSG_EQ(net.nic[0]->GetRetransmittedPackets(), 1, "only the tail resent");
            Simulator::Destroy();
        }
        {
            // the receiver has everything but the last ACK is lost: the
            // resent duplicate is ACKed, so the sender finishes too
            TwoHosts net;
            RunCase(net, MilliSeconds(1), none, 100000);
            NS_TEST_ASSERT_MSG_EQ(net.fct.count(0), 1, "receiver done");
            NS_TEST_ASSERT_MSG_LT(net.fct[0], MicroSeconds(100), "receiver done on time");
            NS_TEST_ASSERT_MSG_EQ(net.senderFct.count(0), 1, "sender done after a timeout");
            NS_TEST_ASSERT_MSG_GT(net.senderFct[0], MilliSeconds(1), "after one RTO");
            NS_TEST_ASSERT_MSG_EQ(net.nic[0]->GetTimeouts(), 1, "one timeout");
            Simulator::Destroy();
        }
    }

    uint32_t m_dropSeq = 0;
    uint32_t m_dataLeft = 0;
    uint32_t m_dropAckSeq = 0;
    uint32_t m_acksLeft = 0;
};

/** (g) flows of one NIC share the line rate round robin. */
class M3NicRoundRobinTest : public TestCase
{
  public:
    M3NicRoundRobinTest()
        : TestCase("two flows of one NIC alternate packets and share the line rate")
    {
    }

  private:
    void DoRun() override
    {
        TwoHosts net;
        net.Add(0, MakeFlow(0, 3, 10000, 100000, 0));
        net.Add(1, MakeFlow(1, 3, 10001, 100000, 0));
        net.Run();
        NS_TEST_ASSERT_MSG_EQ(net.fct.count(0) + net.fct.count(1), 2, "both finish");
        Time both = 200 * Tx(1048) + kDelay;
        Time last = std::max(net.fct[0], net.fct[1]);
        NS_TEST_ASSERT_MSG_EQ(last, both, "together they use the full line rate");
        Time gap = last - std::min(net.fct[0], net.fct[1]);
        NS_TEST_ASSERT_MSG_EQ(gap, Tx(1048), "they finish one packet apart");
        // strict alternation on the wire
        uint32_t prevSport = 0;
        for (const auto& f : net.tx[0])
        {
            NS_TEST_ASSERT_MSG_NE(f.h.sport, prevSport, "round robin alternates");
            prevSport = f.h.sport;
        }
        Simulator::Destroy();
    }
};

/** PFC: a paused priority waits, others go; ACKs obey the pause unless high priority. */
class M3NicPauseTest : public TestCase
{
  public:
    M3NicPauseTest()
        : TestCase("PFC: paused data and ACK priorities wait; resume restarts them")
    {
    }

  private:
    void DoRun() override
    {
        {
            // host 1 pauses host 0's priority 3 from t = 0 to t = 200 us
            TwoHosts net;
            net.Add(0, MakeFlow(0, 3, 10000, 100000, 5000));
            net.Add(1, MakeFlow(1, 4, 10001, 100000, 5000));
            Simulator::Schedule(Time(0), &M3PortDevice::SendPfc, net.dev[1], 3, true);
            Simulator::Schedule(MicroSeconds(200), &M3PortDevice::SendPfc, net.dev[1], 3, false);
            net.Run();
            NS_TEST_ASSERT_MSG_EQ(net.fct.count(0) + net.fct.count(1), 2, "both finish");
            NS_TEST_ASSERT_MSG_EQ_TOL(net.fct[1].GetNanoSeconds(),
                                      IdealNs(100000),
                                      100,
                                      "the unpaused priority runs alone at line rate");
            // the resume frame (64 B) arrives at 200 us + 51 ns + 1 us
            Time resumeAt = MicroSeconds(200) + Tx(64) + kDelay;
            Time expect = resumeAt + 100 * Tx(1048) + kDelay - MicroSeconds(5);
            NS_TEST_ASSERT_MSG_EQ(net.fct[0], expect, "the paused flow starts at the resume");
            Simulator::Destroy();
        }
        for (bool high : {false, true})
        {
            // host 0 pauses host 1's priority 3: ACKs on pg 3 wait, on pg 0 they go
            TwoHosts net;
            net.nic[1]->SetAttribute("AckHighPriority", BooleanValue(high));
            net.Add(0, MakeFlow(0, 3, 10000, 10000, 5000));
            Simulator::Schedule(Time(0), &M3PortDevice::SendPfc, net.dev[0], 3, true);
            Simulator::Schedule(MicroSeconds(100), &M3PortDevice::SendPfc, net.dev[0], 3, false);
            net.Run();
            NS_TEST_ASSERT_MSG_EQ(net.fct.count(0), 1, "receiver done");
            NS_TEST_ASSERT_MSG_EQ(net.fct[0], 10 * Tx(1048) + kDelay, "data unaffected");
            NS_TEST_ASSERT_MSG_EQ(net.senderFct.count(0), 1, "sender done");
            uint32_t ackPg = high ? 0 : 3;
            for (const auto& f : net.tx[1])
            {
                NS_TEST_ASSERT_MSG_EQ(f.h.pg, ackPg, "ACK priority");
            }
            if (high)
            {
                NS_TEST_ASSERT_MSG_EQ(net.senderFct[0],
                                      net.fct[0] + Tx(60) + kDelay,
                                      "high-priority ACKs pass the pause");
            }
            else
            {
                NS_TEST_ASSERT_MSG_GT(net.senderFct[0],
                                      MicroSeconds(95),
                                      "ACKs on the paused priority wait for the resume");
            }
            Simulator::Destroy();
        }
    }
};

/** ECN codepoint and echo, INT/timestamp modes and their wire sizes. */
class M3NicEcnIntTest : public TestCase
{
  public:
    M3NicEcnIntTest()
        : TestCase("ECN: ECT when the CC uses it, CE echoed; TIMELY timestamps; HPCC INT size")
    {
    }

  private:
    /** Marks CE on data packets whose seq is a multiple of 3000. */
    bool MarkCe(Ptr<Packet> p)
    {
        M3Header h;
        p->RemoveHeader(h);
        if (h.kind == M3Header::DATA && h.seq % 3000 == 0)
        {
            h.ecn = M3Header::ECN_CE;
        }
        p->AddHeader(h);
        return false;
    }

    void DoRun() override
    {
        {
            TwoHosts net;
            net.nic[0]->SetCcAttribute("Ecn", BooleanValue(true));
            net.nic[1]->SetReceiveDropCallback(MakeCallback(&M3NicEcnIntTest::MarkCe, this));
            net.Add(0, MakeFlow(0, 3, 10000, 10000, 0));
            net.Run();
            for (const auto& f : net.tx[0])
            {
                NS_TEST_ASSERT_MSG_EQ(f.h.ecn, M3Header::ECN_ECT, "data is ECT");
            }
            uint32_t echoes = 0;
            for (const auto& f : net.tx[1])
            {
                echoes += (f.h.flags & M3Header::FLAG_ECN_ECHO) ? 1 : 0;
                NS_TEST_ASSERT_MSG_EQ(f.h.ecn, M3Header::ECN_NOT_ECT, "ACKs are not ECT");
            }
            // seq 0, 3000, 6000, 9000 were marked
            NS_TEST_ASSERT_MSG_EQ(echoes, 4, "one echo per CE packet");
            NS_TEST_ASSERT_MSG_EQ(net.probe->ecnEchoes, 4, "the CC saw them");
            Simulator::Destroy();
        }
        {
            TwoHosts net;
            net.nic[0]->SetCcAttribute("IntMode", UintegerValue(M3IntHeader::TIMELY));
            net.nic[0]->SetAttribute("WindowBytes", UintegerValue(1000));
            net.nic[0]->SetAttribute("VariableWindow", BooleanValue(false));
            net.Add(0, MakeFlow(0, 3, 10000, 5000, 0));
            net.Run();
            NS_TEST_ASSERT_MSG_EQ(net.tx[0][0].size, 1000 + 48 + 8, "timestamp on data");
            NS_TEST_ASSERT_MSG_EQ(net.tx[1][0].size, 60, "ACK 48 + 8 padded to 60");
            NS_TEST_ASSERT_MSG_EQ(net.probe->rtts.size(), 5, "one RTT sample per ACK");
            Time rtt = Tx(1056) + kDelay + Tx(60) + kDelay;
            for (Time r : net.probe->rtts)
            {
                NS_TEST_ASSERT_MSG_EQ(r, rtt, "echoed send time gives the RTT");
            }
            Simulator::Destroy();
        }
        {
            TwoHosts net;
            net.nic[0]->SetCcAttribute("IntMode", UintegerValue(M3IntHeader::HPCC));
            net.Add(0, MakeFlow(0, 3, 10000, 1500, 0));
            net.Run();
            NS_TEST_ASSERT_MSG_EQ(net.tx[0][0].size, 1000 + 48 + 42, "INT space on data");
            NS_TEST_ASSERT_MSG_EQ(net.tx[0][1].size, 500 + 48 + 42, "and on the short tail");
            NS_TEST_ASSERT_MSG_EQ(net.tx[1][0].size, 48 + 42, "ACK carries the INT copy");
            NS_TEST_ASSERT_MSG_EQ(net.tx[0][0].h.intMode, M3IntHeader::HPCC, "mode in header");
            NS_TEST_ASSERT_MSG_EQ(net.tx[1][0].h.intMode, M3IntHeader::HPCC, "echoed mode");
            Simulator::Destroy();
        }
    }
};

/** The suite. */
class M3RdmaNicTestSuite : public TestSuite
{
  public:
    M3RdmaNicTestSuite()
        : TestSuite("m3-rdma-nic", UNIT)
    {
        AddTestCase(new M3NicBasicsTest, TestCase::QUICK);
        AddTestCase(new M3NicSoloFlowTest, TestCase::QUICK);
        AddTestCase(new M3NicWindowTest, TestCase::QUICK);
        AddTestCase(new M3NicPacingTest, TestCase::QUICK);
        AddTestCase(new M3NicNackTest, TestCase::QUICK);
        AddTestCase(new M3NicTimeoutTest, TestCase::QUICK);
        AddTestCase(new M3NicRoundRobinTest, TestCase::QUICK);
        AddTestCase(new M3NicPauseTest, TestCase::QUICK);
        AddTestCase(new M3NicEcnIntTest, TestCase::QUICK);
    }
};

/** Registers the suite. */
static M3RdmaNicTestSuite g_m3RdmaNicTestSuite;

} // namespace ns3

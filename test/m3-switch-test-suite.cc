// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-switch-test-suite.cc - TestSuite "m3-switch": one M3Switch wired by
 * hand (no NIC) to stub endpoints, on small topologies built with the C
 * core, so forwarding, ECN, PFC, INT and the egress scheduler are checked
 * against m3_routing_next and hand-computed numbers.
 */
#include "ns3/boolean.h"
#include "ns3/data-rate.h"
#include "ns3/double.h"
#include "ns3/m3-port-channel.h"
#include "ns3/m3-port-device.h"
#include "ns3/m3-rdma-header.h"
#include "ns3/m3-switch.h"
#include "ns3/m3.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/test.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <vector>

using namespace ns3;

namespace
{

/** One undirected link of a test topology. */
struct LinkSpec
{
    uint32_t a, b;
    double gbps;
    uint64_t delayNs;
};

/**
 * The far end of one switch port: sends the frames queued in \c tx
 * (obeying PFC like a NIC) and keeps every frame it receives.
 */
struct Endpoint
{
    uint32_t nodeId; //!< C-core id of the neighbour
    Ptr<Node> node;
    Ptr<M3PortDevice> dev;
    std::deque<Ptr<Packet>> tx;
    std::vector<Ptr<Packet>> rx;
    std::vector<Time> rxTime;
    uint32_t pfcPauses = 0; //!< PFC pause frames received
    uint32_t pfcResumes = 0;

    Ptr<Packet> Dequeue(uint32_t pausedMask)
    {
        if (tx.empty())
        {
            return nullptr;
        }
        M3Header h;
        tx.front()->PeekHeader(h);
        if (pausedMask & (1u << h.pg))
        {
            return nullptr;
        }
        Ptr<Packet> p = tx.front();
        tx.pop_front();
        return p;
    }

    void Receive(Ptr<M3PortDevice>, Ptr<Packet> p)
    {
        rx.push_back(p);
        rxTime.push_back(Simulator::Now());
    }

    void PfcRx(uint32_t, bool pause)
    {
        (pause ? pfcPauses : pfcResumes)++;
    }

    /** Queues \p frames and starts sending at \p at. */
    void SendAt(Time at, std::vector<Ptr<Packet>> frames)
    {
        Simulator::Schedule(at,
                            [this, frames]()
                            {
                                for (const auto& p : frames)
                                {
                                    tx.push_back(p);
                                }
                                dev->TriggerTransmit();
                            });
    }
};

/** A topology from the C core, one M3Switch on node \c swId, endpoints on all its ports. */
class Bench
{
  public:
    Bench(uint32_t nodes,
          const std::vector<uint32_t>& switches,
          const std::vector<LinkSpec>& links,
          uint32_t swId)
        : swId(swId)
    {
        m3_error err;
        topo = m3_topology_new(nodes, &err);
        NS_ABORT_MSG_IF(!topo, err.msg);
        for (uint32_t s : switches)
        {
            NS_ABORT_MSG_IF(m3_topology_set_switch(topo, s, &err) != 0, err.msg);
        }
        for (const LinkSpec& l : links)
        {
            m3_link ml{l.a, l.b, l.gbps * 1e9, l.delayNs, 0.0};
            NS_ABORT_MSG_IF(m3_topology_add_link(topo, &ml, &err) < 0, err.msg);
        }
        routing = m3_routing_new(topo, &err);
        NS_ABORT_MSG_IF(!routing, err.msg);

        swNode = CreateObject<Node>();
        sw = CreateObject<M3Switch>();
        swNode->AggregateObject(sw);
        sw->SetRouting(swId, routing);
        for (uint32_t i = 0; i < m3_topology_degree(topo, swId); i++)
        {
            uint32_t dl = m3_topology_out_dlink(topo, swId, i);
            const m3_link* l = m3_topology_link(topo, dl >> 1);
            DataRate rate(static_cast<uint64_t>(l->rate_bps));
            Ptr<M3PortChannel> ch = CreateObject<M3PortChannel>();
            ch->SetAttribute("Delay", TimeValue(NanoSeconds(l->delay_ns)));
            Ptr<M3PortDevice> sdev = CreateObject<M3PortDevice>();
            sdev->SetAttribute("DataRate", DataRateValue(rate));
            swNode->AddDevice(sdev);
            auto ep = std::make_unique<Endpoint>();
            ep->nodeId = m3_dlink_dst(topo, dl);
            ep->node = CreateObject<Node>();
            ep->dev = CreateObject<M3PortDevice>();
            ep->dev->SetAttribute("DataRate", DataRateValue(rate));
            ep->node->AddDevice(ep->dev);
            sdev->Attach(ch);
            ep->dev->Attach(ch);
            Endpoint* e = ep.get();
            ep->dev->SetDequeueCallback(MakeCallback(&Endpoint::Dequeue, e));
            ep->dev->SetFrameCallback(MakeCallback(&Endpoint::Receive, e));
            ep->dev->TraceConnectWithoutContext("PfcRx", MakeCallback(&Endpoint::PfcRx, e));
            sw->AddPort(sdev, dl);
            ep_.push_back(std::move(ep));
        }
    }

    ~Bench()
    {
        m3_routing_free(routing);
        m3_topology_free(topo);
    }

    /** The switch port (= endpoint index) that leads to neighbour \p node. */
    uint32_t PortTo(uint32_t node) const
    {
        for (uint32_t i = 0; i < ep_.size(); i++)
        {
            if (ep_[i]->nodeId == node)
            {
                return i;
            }
        }
        NS_ABORT_MSG("no port to node " << node);
        return 0;
    }

    Endpoint& Ep(uint32_t port)
    {
        return *ep_[port];
    }

    /** The port m3_routing_next chooses at the switch for this 5-tuple. */
    uint32_t ExpectedPort(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport) const
    {
        int dl =
            m3_routing_next(routing, swId, dst, m3_node_ip(src), m3_node_ip(dst), sport, dport);
        NS_ABORT_MSG_IF(dl < 0, "unroutable");
        return PortTo(m3_dlink_dst(topo, dl));
    }

    uint32_t swId;
    m3_topology* topo;
    m3_routing* routing;
    Ptr<Node> swNode;
    Ptr<M3Switch> sw;

  private:
    std::vector<std::unique_ptr<Endpoint>> ep_;
};

/** A data frame: M3Header + M3IntHeader(mode) + payload. */
Ptr<Packet>
Data(uint32_t src,
     uint32_t dst,
     uint16_t sport,
     uint16_t pg,
     uint32_t payload,
     uint32_t seq = 0,
     M3IntHeader::Mode mode = M3IntHeader::NONE,
     uint8_t ecn = M3Header::ECN_ECT)
{
    M3Header h;
    h.kind = M3Header::DATA;
    h.srcNode = src;
    h.dstNode = dst;
    h.sip = m3_node_ip(src);
    h.dip = m3_node_ip(dst);
    h.sport = sport;
    h.dport = 100;
    h.pg = pg;
    h.intMode = mode;
    h.ecn = ecn;
    h.seq = seq;
    Ptr<Packet> p = Create<Packet>(payload);
    p->AddHeader(M3IntHeader(mode));
    p->AddHeader(h);
    return p;
}

/** An ACK frame at priority \p pg, padded to 60 B. */
Ptr<Packet>
Ack(uint32_t src, uint32_t dst, uint16_t sport, uint16_t pg)
{
    M3Header h;
    h.kind = M3Header::ACK;
    h.srcNode = src;
    h.dstNode = dst;
    h.sip = m3_node_ip(src);
    h.dip = m3_node_ip(dst);
    h.sport = sport;
    h.dport = 100;
    h.pg = pg;
    Ptr<Packet> p = Create<Packet>(M3Header::kMinFrame - M3Header::kSize);
    p->AddHeader(h);
    return p;
}

M3Header
Hdr(Ptr<Packet> p)
{
    M3Header h;
    p->PeekHeader(h);
    return h;
}

/** Host 0 -- switch 2 -- host 1, 10 Gbps in, \p outGbps out, 1 us. */
std::unique_ptr<Bench>
Line(double inGbps, double outGbps)
{
    return std::make_unique<Bench>(
        3,
        std::vector<uint32_t>{2},
        std::vector<LinkSpec>{{0, 2, inGbps, 1000}, {2, 1, outGbps, 1000}},
        2);
}

/**
 * Hosts 0, 1 on switch 2; switch 2 has two equal paths (switches 3, 4) to
 * switch 5, which holds host 6. Every frame must come out of the port
 * m3_routing_next names, every copy of a 5-tuple on the same port, and
 * the 64 tuples to host 6 must use both uplinks.
 */
class ForwardingTestCase : public TestCase
{
  public:
    ForwardingTestCase()
        : TestCase("forwarding follows m3_routing_next; one 5-tuple, one port; ECMP spreads")
    {
    }

  private:
    void DoRun() override
    {
        Bench b(7,
                {2, 3, 4, 5},
                {{0, 2, 10, 1000},
                 {1, 2, 10, 1000},
                 {2, 3, 40, 1000},
                 {2, 4, 40, 1000},
                 {3, 5, 40, 1000},
                 {4, 5, 40, 1000},
                 {5, 6, 10, 1000}},
                2);
        b.sw->Setup();
        const uint32_t nTuples = 64;
        const uint32_t copies = 3;
        std::vector<Ptr<Packet>> frames;
        for (uint32_t c = 0; c < copies; c++)
        {
            for (uint32_t s = 0; s < nTuples; s++)
            {
                frames.push_back(Data(0, 6, 10000 + s, 3, 100, c));
            }
            frames.push_back(Data(0, 1, 10000 + c, 3, 100, c));
            frames.push_back(Ack(0, 6, 20000 + c, 0));
        }
        uint32_t in = b.PortTo(0);
        b.Ep(in).SendAt(MicroSeconds(1), frames);
        Simulator::Run();

        uint32_t received = 0;
        std::map<uint32_t, std::set<uint32_t>> portsOfTuple;
        std::set<uint32_t> uplinks;
        for (uint32_t port = 0; port < b.sw->GetNPorts(); port++)
        {
            for (const auto& p : b.Ep(port).rx)
            {
                M3Header h = Hdr(p);
                received++;
                NS_TEST_ASSERT_MSG_EQ(port,
                                      b.ExpectedPort(h.srcNode, h.dstNode, h.sport, h.dport),
                                      "frame to node " << h.dstNode << " sport " << h.sport);
                if (h.dstNode == 6 && h.kind == M3Header::DATA)
                {
                    portsOfTuple[h.sport].insert(port);
                    uplinks.insert(port);
                }
            }
        }
        NS_TEST_ASSERT_MSG_EQ(received, frames.size(), "every frame forwarded once");
        NS_TEST_ASSERT_MSG_EQ(b.Ep(b.PortTo(1)).rx.size(), copies, "host 1's frames");
        NS_TEST_ASSERT_MSG_EQ(portsOfTuple.size(), nTuples, "all tuples seen");
        for (const auto& kv : portsOfTuple)
        {
            NS_TEST_ASSERT_MSG_EQ(kv.second.size(), 1u, "sport " << kv.first << " on one port");
        }
        NS_TEST_ASSERT_MSG_EQ(uplinks.size(), 2u, "64 tuples use both equal-cost uplinks");
        NS_TEST_ASSERT_MSG_EQ(b.Ep(in).rx.size(), 0u, "nothing goes back out the ingress");
        Simulator::Destroy();
    }
};

/**
 * ECN on the egress queue after removal. The receiver pauses priority 3,
 * 20 frames of 1048 B queue up, then it resumes: the k-th departure
 * leaves q = (20 - k) x 1048 B. Thresholds at 10 Gbps (egress rate):
 *  - Kmin = Kmax = 5000, Pmax 1: marked iff q > 5000 iff k <= 15;
 *  - Kmin = 4000, Kmax = 10000, Pmax 0: only q > Kmax marks: k <= 10;
 *  - Not-ECT frames are never marked.
 */
class EcnTestCase : public TestCase
{
  public:
    EcnTestCase()
        : TestCase("ECN marks above Kmax, not at or below Kmin, on the queue after removal")
    {
    }

    /** Returns the CE flags of the 20 frames in arrival order. */
    std::vector<bool> RunOnce(uint64_t kmin, uint64_t kmax, double pmax, uint8_t ecn)
    {
        auto b = Line(40, 10);
        b->sw->SetAttribute("EcnKmin", UintegerValue(kmin));
        b->sw->SetAttribute("EcnKmax", UintegerValue(kmax));
        b->sw->SetAttribute("EcnPmax", DoubleValue(pmax));
        b->sw->Setup();
        uint64_t lo;
        uint64_t hi;
        b->sw->GetEcnThresholds(b->PortTo(0), &lo, &hi);
        NS_TEST_EXPECT_MSG_EQ(lo, 4 * kmin, "40 Gbps port: Kmin x 4");
        NS_TEST_EXPECT_MSG_EQ(hi, 4 * kmax, "40 Gbps port: Kmax x 4");
        Endpoint& rx = b->Ep(b->PortTo(1));
        Simulator::Schedule(NanoSeconds(0), &M3PortDevice::SendPfc, rx.dev, 3u, true);
        std::vector<Ptr<Packet>> frames;
        for (uint32_t k = 0; k < 20; k++)
        {
            frames.push_back(Data(0, 1, 10000, 3, 1000, k * 1000, M3IntHeader::NONE, ecn));
        }
        b->Ep(b->PortTo(0)).SendAt(MicroSeconds(5), frames);
        Simulator::Schedule(MicroSeconds(50), &M3PortDevice::SendPfc, rx.dev, 3u, false);
        Simulator::Schedule(
            MicroSeconds(40),
            [this, &b]() {
                NS_TEST_EXPECT_MSG_EQ(b->sw->GetQueueBytes(b->PortTo(1), 3), 20u * 1048, "queued");
            });
        Simulator::Run();
        std::vector<bool> ce;
        for (const auto& p : rx.rx)
        {
            ce.push_back(Hdr(p).ecn == M3Header::ECN_CE);
        }
        Simulator::Destroy();
        return ce;
    }

  private:
    void DoRun() override
    {
        std::vector<bool> ce = RunOnce(5000, 5000, 1.0, M3Header::ECN_ECT);
        NS_TEST_ASSERT_MSG_EQ(ce.size(), 20u, "all delivered");
        for (uint32_t k = 1; k <= 20; k++)
        {
            NS_TEST_ASSERT_MSG_EQ(ce[k - 1], (k <= 15), "departure " << k);
        }
        ce = RunOnce(4000, 10000, 0.0, M3Header::ECN_ECT);
        NS_TEST_ASSERT_MSG_EQ(ce.size(), 20u, "all delivered");
        for (uint32_t k = 1; k <= 20; k++)
        {
            NS_TEST_ASSERT_MSG_EQ(ce[k - 1], (k <= 10), "departure " << k << " (Pmax 0)");
        }
        ce = RunOnce(5000, 5000, 1.0, M3Header::ECN_NOT_ECT);
        NS_TEST_ASSERT_MSG_EQ(ce.size(), 20u, "all delivered");
        for (uint32_t k = 1; k <= 20; k++)
        {
            NS_TEST_ASSERT_MSG_EQ(ce[k - 1], false, "not-ECT departure " << k);
        }
    }
};

/**
 * Two hosts blast 200 frames each into one 10 Gbps egress (all links
 * 10 Gbps, 1 us). Buffer 300,000 B, 3 ports: reserve 98,304, headroom
 * 3 x 10 Gbps x 1 us / 8 + 2244 (HeadroomExtra) = 5994 B per port. PFC on: pauses reach both
 * senders, nothing is dropped, all 400 frames arrive. PFC off: the
 * buffer overflows and drops, and every frame is either delivered or
 * traced as dropped; a drop happens only with that port's headroom full.
 */
class PfcTestCase : public TestCase
{
  public:
    PfcTestCase()
        : TestCase("two-into-one overload: PFC pauses without drops; without PFC, drops")
    {
    }

    struct Result
    {
        uint32_t delivered = 0;
        uint32_t drops = 0;
        uint32_t dropsWithHeadroomRoom = 0;
        uint32_t pauses = 0;
        uint32_t resumes = 0;
        uint32_t sendersPaused = 0;
    };

    Result RunOnce(bool pfc)
    {
        Result r;
        auto b = std::make_unique<Bench>(
            4,
            std::vector<uint32_t>{3},
            std::vector<LinkSpec>{{0, 3, 10, 1000}, {1, 3, 10, 1000}, {3, 2, 10, 1000}},
            3);
        b->sw->SetAttribute("BufferSize", UintegerValue(300000));
        b->sw->SetAttribute("PfcEnabled", BooleanValue(pfc));
        b->sw->Setup();
        Ptr<M3SharedBuffer> buf = b->sw->GetBuffer();
        NS_TEST_EXPECT_MSG_EQ(buf->GetTotalHeadroom(), 3 * 5994, "headroom 3 x (3750 + 2244)");
        Result* rp = &r;
        b->sw->TraceConnectWithoutContext(
            "Drop",
            MakeCallback(+[](Result* r,
                             Ptr<M3SharedBuffer> buf,
                             Ptr<const Packet> p,
                             uint32_t port,
                             uint32_t q)
                         {
                             r->drops++;
                             if (buf->GetHeadroomBytes(port, q) + p->GetSize() <= 5994)
                             {
                                 r->dropsWithHeadroomRoom++;
                             }
                         })
                .Bind(rp, buf));
        b->sw->TraceConnectWithoutContext(
            "PfcTx",
            MakeCallback(+[](Result* r, uint32_t, uint32_t, bool pause) {
                (pause ? r->pauses : r->resumes)++;
            }).Bind(rp));
        for (uint32_t h = 0; h < 2; h++)
        {
            std::vector<Ptr<Packet>> frames;
            for (uint32_t k = 0; k < 200; k++)
            {
                frames.push_back(Data(h, 2, 10000 + h, 3, 1000, k * 1000));
            }
            b->Ep(b->PortTo(h)).SendAt(MicroSeconds(1), frames);
        }
        Simulator::Run();
        r.delivered = b->Ep(b->PortTo(2)).rx.size();
        for (uint32_t h = 0; h < 2; h++)
        {
            r.sendersPaused += b->Ep(b->PortTo(h)).pfcPauses > 0;
        }
        NS_TEST_EXPECT_MSG_EQ(buf->GetTotalUsed(), 0, "buffer empty at the end");
        Simulator::Destroy();
        return r;
    }

  private:
    void DoRun() override
    {
        Result on = RunOnce(true);
        NS_TEST_ASSERT_MSG_EQ(on.drops, 0u, "PFC on: no drops");
        NS_TEST_ASSERT_MSG_EQ(on.delivered, 400u, "PFC on: everything delivered");
        NS_TEST_ASSERT_MSG_GT(on.pauses, 0u, "PFC on: pauses sent");
        NS_TEST_ASSERT_MSG_EQ(on.pauses, on.resumes, "every pause resumed");
        NS_TEST_ASSERT_MSG_EQ(on.sendersPaused, 2u, "both senders got a pause");

        Result off = RunOnce(false);
        NS_TEST_ASSERT_MSG_GT(off.drops, 0u, "PFC off: drops");
        NS_TEST_ASSERT_MSG_EQ(off.delivered + off.drops, 400u, "delivered or traced as dropped");
        NS_TEST_ASSERT_MSG_EQ(off.dropsWithHeadroomRoom, 0u, "drops only with headroom full");
        NS_TEST_ASSERT_MSG_EQ(off.pauses, 0u, "PFC off: no pause frames");
        NS_TEST_ASSERT_MSG_EQ(off.sendersPaused, 0u, "PFC off: no sender saw a pause");
    }
};

/**
 * INT at egress dequeue: 30 HPCC frames of 1000 + 48 + 42 = 1090 B from a
 * 100 Gbps ingress into a 25 Gbps egress. The k-th frame carries one hop
 * with the port's rate, its dequeue time (arrival - 1090 B at 25 Gbps -
 * 1 us), the bytes sent before it, (k - 1) x 1090 in 128-B units, and
 * the port's queue after removal (exact once all frames have arrived).
 * Frames without HPCC INT are left as they are.
 */
class IntTestCase : public TestCase
{
  public:
    IntTestCase()
        : TestCase("INT records carry the port rate, dequeue time, growing tx bytes and qlen")
    {
    }

  private:
    void DoRun() override
    {
        auto b = Line(100, 25);
        b->sw->Setup();
        const uint32_t n = 30;
        std::vector<Ptr<Packet>> frames;
        for (uint32_t k = 0; k < n; k++)
        {
            frames.push_back(Data(0, 1, 10000, 3, 1000, k * 1000, M3IntHeader::HPCC));
        }
        frames.push_back(Data(0, 1, 10000, 3, 1000, n * 1000, M3IntHeader::NONE));
        b->Ep(b->PortTo(0)).SendAt(MicroSeconds(1), frames);
        Simulator::Run();
        Endpoint& rx = b->Ep(b->PortTo(1));
        NS_TEST_ASSERT_MSG_EQ(rx.rx.size(), n + 1, "all delivered");
        Time txTime = DataRate("25Gbps").CalculateBytesTxTime(1090);
        uint64_t lastQ = 0;
        for (uint32_t k = 0; k < n; k++)
        {
            Ptr<Packet> p = rx.rx[k]->Copy();
            NS_TEST_ASSERT_MSG_EQ(p->GetSize(), 1090u, "size unchanged by stamping");
            M3Header h;
            p->RemoveHeader(h);
            NS_TEST_ASSERT_MSG_EQ(h.seq, k * 1000, "FIFO");
            M3IntHeader ih(static_cast<M3IntHeader::Mode>(h.intMode));
            p->RemoveHeader(ih);
            NS_TEST_ASSERT_MSG_EQ(ih.nHops, 1u, "one switch, one record");
            const M3IntHeader::Hop& hop = ih.hops[0];
            NS_TEST_ASSERT_MSG_EQ(hop.rateBps, 25000000000ULL, "egress port rate");
            NS_TEST_ASSERT_MSG_EQ(hop.txBytes,
                                  (k * 1090ULL / 128) * 128,
                                  "bytes before, 128-B units");
            uint64_t deq = (rx.rxTime[k] - txTime - MicroSeconds(1)).GetNanoSeconds();
            NS_TEST_ASSERT_MSG_EQ(hop.timeNs, deq % (1ULL << 24), "dequeue time");
            NS_TEST_ASSERT_MSG_EQ(hop.qlenBytes % 80, 0u, "80-B units");
            if (k == 0)
            {
                NS_TEST_ASSERT_MSG_EQ(hop.qlenBytes, 0u, "first frame found an empty queue");
            }
            if (k < 5)
            {
                NS_TEST_ASSERT_MSG_GT_OR_EQ(hop.qlenBytes, lastQ, "queue grows while 100 > 25");
            }
            if (k >= 10)
            {
                // Everything has arrived: behind frame k wait the other
                // HPCC frames and the 1048-B one.
                uint64_t q = (n - 1 - k) * 1090ULL + 1048;
                NS_TEST_ASSERT_MSG_EQ(hop.qlenBytes, q / 80 * 80, "queue after removal");
            }
            lastQ = hop.qlenBytes;
        }
        NS_TEST_ASSERT_MSG_GT(lastQ, 0u, "a queue was seen");
        NS_TEST_ASSERT_MSG_EQ(rx.rx[n]->GetSize(), 1048u, "no INT header: untouched");
        // Two records of the same port: the delta covers the frames between.
        M3IntHeader a(M3IntHeader::HPCC);
        M3IntHeader z(M3IntHeader::HPCC);
        Ptr<Packet> pa = rx.rx[2]->Copy();
        Ptr<Packet> pz = rx.rx[12]->Copy();
        M3Header h;
        pa->RemoveHeader(h);
        pa->RemoveHeader(a);
        pz->RemoveHeader(h);
        pz->RemoveHeader(z);
        uint64_t d = z.hops[0].BytesDelta(a.hops[0]);
        NS_TEST_ASSERT_MSG_LT_OR_EQ(d, 10 * 1090u + 127, "delta of 10 frames, within 128 B");
        NS_TEST_ASSERT_MSG_GT_OR_EQ(d + 127, 10 * 1090u, "delta of 10 frames, within 128 B");
        Simulator::Destroy();
    }
};

/**
 * Egress scheduling on a 1 Gbps port (a data frame takes 8.4 us): the first
 * data frame (queue 3) starts at once; while it is on the wire 6 more of
 * queue 3, 6 of queue 5 and then 3 ACKs of queue 0 arrive. Queue 0 goes
 * first, then 3 and 5 alternate, starting after 3: 5, 3, 5, ... (6 each).
 * A second round with the receiver pausing queue 5 serves only queue 3.
 */
class SchedulerTestCase : public TestCase
{
  public:
    SchedulerTestCase()
        : TestCase("queue 0 strict priority, round robin over 1..7 skipping paused queues")
    {
    }

  private:
    void DoRun() override
    {
        auto b = Line(100, 1);
        b->sw->Setup();
        std::vector<Ptr<Packet>> frames;
        frames.push_back(Data(0, 1, 10000, 3, 1000, 0));
        for (uint32_t k = 1; k <= 6; k++)
        {
            frames.push_back(Data(0, 1, 10000, 3, 1000, k));
        }
        for (uint32_t k = 1; k <= 6; k++)
        {
            frames.push_back(Data(0, 1, 10001, 5, 1000, k));
        }
        for (uint32_t k = 1; k <= 3; k++)
        {
            frames.push_back(Ack(0, 1, 10002, 0));
        }
        b->Ep(b->PortTo(0)).SendAt(MicroSeconds(1), frames);
        Endpoint& rx = b->Ep(b->PortTo(1));
        // Round 2 at 500 us: queue 5 paused by the receiver.
        Simulator::Schedule(MicroSeconds(500), &M3PortDevice::SendPfc, rx.dev, 5u, true);
        std::vector<Ptr<Packet>> round2;
        for (uint32_t k = 0; k < 4; k++)
        {
            round2.push_back(Data(0, 1, 10001, 5, 1000, 100 + k));
            round2.push_back(Data(0, 1, 10000, 3, 1000, 100 + k));
        }
        b->Ep(b->PortTo(0)).SendAt(MicroSeconds(510), round2);
        Simulator::Schedule(MicroSeconds(700),
                            [&b, &rx]()
                            {
                                // By now every unpaused frame has left; the 4 of queue 5 wait.
                                NS_ABORT_MSG_IF(b->sw->GetQueueBytes(b->PortTo(1), 5) != 4 * 1048,
                                                "queue 5 held");
                                rx.dev->SendPfc(5, false);
                            });
        Simulator::Run();
        std::vector<uint32_t> order;
        for (const auto& p : rx.rx)
        {
            order.push_back(Hdr(p).pg);
        }
        std::vector<uint32_t> expect = {3, 0, 0, 0, 5, 3, 5, 3, 5, 3, 5, 3,
                                        5, 3, 5, 3, 3, 3, 3, 3, 5, 5, 5, 5};
        NS_TEST_ASSERT_MSG_EQ(order.size(), expect.size(), "all delivered");
        for (uint32_t i = 0; i < expect.size(); i++)
        {
            NS_TEST_ASSERT_MSG_EQ(order[i], expect[i], "departure " << i);
        }
        Simulator::Destroy();
    }
};

/**
 * The switch memory layout and the C core's m3_switch_pool_bytes agree, so
 * the path pipeline's pool feature cannot drift from the packet mode: a
 * switch with four ports of different rates and delays (two headrooms
 * need their rounding: 3 x 25 Gbps x 333 ns / 8 = 3121.875 B, and
 * 3 x 100 Gbps x 7 ns / 8 = 262.5 B, an exact half that llround takes up
 * only if both sides compute the delay in seconds alike), buffer
 * 1,000,000 B. With the default attributes the pool B - total headroom -
 * total reserve equals m3_switch_pool_bytes, hand-computed as
 * 1e6 - (3750 + 22500 + 3122 + 263) - 4 x 2244 - 4 x 4096 = 945005 B, and
 * an empty buffer's thresholds are pool x alpha (alpha = 0.25 x rate /
 * 10 Gbps).
 */
class PoolTestCase : public TestCase
{
  public:
    PoolTestCase()
        : TestCase("shared pool = buffer - headroom - reserve = m3_switch_pool_bytes")
    {
    }

  private:
    void DoRun() override
    {
        Bench b(5, {4}, {{0, 4, 10, 1000}, {1, 4, 40, 1500}, {2, 4, 25, 333}, {3, 4, 100, 7}}, 4);
        b.sw->SetAttribute("BufferSize", UintegerValue(1000000));
        b.sw->Setup();
        Ptr<M3SharedBuffer> buf = b.sw->GetBuffer();
        int64_t pool = buf->GetBufferSize() - buf->GetTotalHeadroom() - buf->GetTotalReserve();
        double core = m3_switch_pool_bytes(b.topo, 4, 1000000.0);
        NS_TEST_ASSERT_MSG_EQ(static_cast<double>(pool), core, "ns-3 pool vs the C core");
        NS_TEST_ASSERT_MSG_EQ(pool, 945005, "hand-computed pool");
        for (uint32_t port = 0; port < 4; port++)
        {
            const m3_link* l = m3_topology_link(b.topo, port);
            double alpha = 0.25 * l->rate_bps / 10e9;
            NS_TEST_EXPECT_MSG_EQ(buf->Threshold(b.PortTo(l->a)),
                                  static_cast<int64_t>(std::floor(core * alpha)),
                                  "threshold of the port to node " << l->a);
        }
        Simulator::Destroy();
    }
};

/** TestSuite "m3-switch". */
class M3SwitchTestSuite : public TestSuite
{
  public:
    M3SwitchTestSuite()
        : TestSuite("m3-switch", UNIT)
    {
        AddTestCase(new ForwardingTestCase, TestCase::QUICK);
        AddTestCase(new EcnTestCase, TestCase::QUICK);
        AddTestCase(new PfcTestCase, TestCase::QUICK);
        AddTestCase(new IntTestCase, TestCase::QUICK);
        AddTestCase(new SchedulerTestCase, TestCase::QUICK);
        AddTestCase(new PoolTestCase, TestCase::QUICK);
    }
};

} // namespace

static M3SwitchTestSuite g_m3SwitchTestSuite;

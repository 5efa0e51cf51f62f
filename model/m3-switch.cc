// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-switch.cc - M3Switch: per-packet ECMP with the C core's routing,
 * shared-buffer admission and PFC at ingress, strict/round-robin egress
 * queues, ECN marking and INT stamping at dequeue.
 *
 * Queue 0 (PFC frames never reach the switch; ACKs when the NICs send them
 * at high priority) is not charged to the shared buffer, never paused and
 * never dropped, as in the original simulator, which exempts its highest
 * priority from the MMU: control traffic cannot be blocked by the data it
 * controls.
 */
#include "m3-switch.h"

#include "m3-rdma-header.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/integer.h"
#include "ns3/log.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <cmath>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("M3Switch");

NS_OBJECT_ENSURE_REGISTERED(M3Switch);

TypeId
M3Switch::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::M3Switch")
            .SetParent<Object>()
            .SetGroupName("m3")
            .AddConstructor<M3Switch>()
            .AddAttribute("BufferSize",
                          "Shared buffer memory of the switch in bytes. The default, 32 MiB, "
                          "is the original simulator's configuration; the packet helper sets "
                          "it from the scenario's buffer_kb.",
                          UintegerValue(32 * 1024 * 1024),
                          MakeUintegerAccessor(&M3Switch::m_bufferSize),
                          MakeUintegerChecker<uint64_t>())
            .AddAttribute("Alpha",
                          "Dynamic threshold factor of a port at HostRate; a port's alpha is "
                          "this x port rate / HostRate (1/4: m3's fork; the original used 1/8).",
                          DoubleValue(0.25),
                          MakeDoubleAccessor(&M3Switch::m_alpha),
                          MakeDoubleChecker<double>(0))
            .AddAttribute("HostRate",
                          "Rate at which a port's alpha equals Alpha.",
                          DataRateValue(DataRate("10Gbps")),
                          MakeDataRateAccessor(&M3Switch::m_hostRate),
                          MakeDataRateChecker())
            .AddAttribute("HeadroomRtts",
                          "PFC headroom of a port = this x rate x propagation delay / 8 bytes "
                          "(default: M3_PFC_HEADROOM_RTTS of the C core).",
                          DoubleValue(M3_PFC_HEADROOM_RTTS),
                          MakeDoubleAccessor(&M3Switch::m_headroomRtts),
                          MakeDoubleChecker<double>(0))
            .AddAttribute("HeadroomExtra",
                          "Bytes added to every port's PFC headroom for the frames that "
                          "cannot be stopped: the frame this port is sending when it decides "
                          "to pause, the 64-byte PFC frame, and the frame the upstream is "
                          "sending when the pause arrives (2 x 1090 + 64). Without it a "
                          "1 us link drops under PFC; 0 gives the original's formula "
                          "(default: M3_PFC_HEADROOM_EXTRA_BYTES of the C core).",
                          UintegerValue(M3_PFC_HEADROOM_EXTRA_BYTES),
                          MakeUintegerAccessor(&M3Switch::m_headroomExtra),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("PfcEnabled",
                          "Send PFC pause/resume frames upstream (the buffer still admits "
                          "into headroom and drops when it is full).",
                          BooleanValue(true),
                          MakeBooleanAccessor(&M3Switch::m_pfcEnabled),
                          MakeBooleanChecker())
            .AddAttribute("EcnEnabled",
                          "Mark CE on ECN-capable data at egress dequeue.",
                          BooleanValue(true),
                          MakeBooleanAccessor(&M3Switch::m_ecnEnabled),
                          MakeBooleanChecker())
            .AddAttribute("EcnKmin",
                          "Lower marking threshold in bytes at EcnReferenceRate (scaled "
                          "linearly with the port rate). Default: DCTCP K = 12 KB.",
                          UintegerValue(12000),
                          MakeUintegerAccessor(&M3Switch::m_ecnKmin),
                          MakeUintegerChecker<uint64_t>())
            .AddAttribute("EcnKmax",
                          "Upper marking threshold in bytes at EcnReferenceRate: above it "
                          "every ECT packet is marked.",
                          UintegerValue(12000),
                          MakeUintegerAccessor(&M3Switch::m_ecnKmax),
                          MakeUintegerChecker<uint64_t>())
            .AddAttribute("EcnPmax",
                          "Marking probability at Kmax (linear from 0 at Kmin).",
                          DoubleValue(1.0),
                          MakeDoubleAccessor(&M3Switch::m_ecnPmax),
                          MakeDoubleChecker<double>(0, 1))
            .AddAttribute("EcnReferenceRate",
                          "Port rate at which EcnKmin/EcnKmax apply unscaled.",
                          DataRateValue(DataRate("10Gbps")),
                          MakeDataRateAccessor(&M3Switch::m_ecnRefRate),
                          MakeDataRateChecker())
            .AddAttribute("IntEnabled",
                          "Stamp an INT record into data frames whose INT header is HPCC's.",
                          BooleanValue(true),
                          MakeBooleanAccessor(&M3Switch::m_intEnabled),
                          MakeBooleanChecker())
            .AddTraceSource("Drop",
                            "A frame was dropped at ingress: (packet, ingress port, queue).",
                            MakeTraceSourceAccessor(&M3Switch::m_dropTrace),
                            "ns3::M3Switch::DropTracedCallback")
            .AddTraceSource("PfcTx",
                            "A PFC frame was sent upstream: (ingress port, queue, pause?).",
                            MakeTraceSourceAccessor(&M3Switch::m_pfcTrace),
                            "ns3::M3Switch::PfcTracedCallback");
    return tid;
}

M3Switch::M3Switch()
    : m_nodeId(0)
    , m_routing(nullptr)
    , m_buffer(CreateObject<M3SharedBuffer>())
    , m_rng(CreateObject<UniformRandomVariable>())
    , m_bufferSize(32 * 1024 * 1024)
    , m_alpha(0.25)
    , m_hostRate(DataRate("10Gbps"))
    , m_headroomRtts(M3_PFC_HEADROOM_RTTS)
    , m_headroomExtra(M3_PFC_HEADROOM_EXTRA_BYTES)
    , m_pfcEnabled(true)
    , m_ecnEnabled(true)
    , m_ecnKmin(12000)
    , m_ecnKmax(12000)
    , m_ecnPmax(1.0)
    , m_ecnRefRate(DataRate("10Gbps"))
    , m_intEnabled(true)
{
    NS_LOG_FUNCTION(this);
}

M3Switch::~M3Switch()
{
    NS_LOG_FUNCTION(this);
}

void
M3Switch::DoDispose()
{
    NS_LOG_FUNCTION(this);
    for (Port& pt : m_ports)
    {
        // The devices' callbacks hold a raw pointer to this switch.
        pt.dev->SetDequeueCallback(M3PortDevice::DequeueCallback());
        pt.dev->SetFrameCallback(M3PortDevice::FrameCallback());
        pt.dev = nullptr;
        for (auto& q : pt.q)
        {
            q.clear();
        }
    }
    m_ports.clear();
    m_buffer = nullptr;
    m_rng = nullptr;
    Object::DoDispose();
}

void
M3Switch::SetRouting(uint32_t nodeId, const m3_routing* routing)
{
    NS_LOG_FUNCTION(this << nodeId << routing);
    m_nodeId = nodeId;
    m_routing = routing;
}

void
M3Switch::AddPort(Ptr<M3PortDevice> dev, uint32_t dlink)
{
    NS_LOG_FUNCTION(this << dev << dlink);
    uint32_t port = m_ports.size();
    Port pt;
    pt.dev = dev;
    pt.dlink = dlink;
    m_ports.push_back(pt);
    if (m_portOfDlink.size() <= dlink)
    {
        m_portOfDlink.resize(dlink + 1, -1);
    }
    NS_ASSERT_MSG(m_portOfDlink[dlink] < 0, "directed link " << dlink << " added twice");
    m_portOfDlink[dlink] = port;
    dev->SetDequeueCallback(MakeCallback(&M3Switch::Dequeue, this).Bind(port));
    dev->SetFrameCallback(MakeCallback(&M3Switch::ReceiveFrame, this).Bind(port));
}

void
M3Switch::Setup()
{
    NS_LOG_FUNCTION(this);
    uint32_t n = m_ports.size();
    m_buffer->SetAttribute("BufferSize", IntegerValue(static_cast<int64_t>(m_bufferSize)));
    m_buffer->SetNPorts(n);
    double host = static_cast<double>(m_hostRate.GetBitRate());
    double ref = static_cast<double>(m_ecnRefRate.GetBitRate());
    for (uint32_t i = 0; i < n; ++i)
    {
        Port& pt = m_ports[i];
        double rate = static_cast<double>(pt.dev->GetDataRate().GetBitRate());
        // From whole nanoseconds, as the C core's m3_switch_pool_bytes computes
        // it (Time::GetSeconds() can come out an ulp lower, which moves
        // llround at exact halves): the m3-switch suite checks they agree.
        double delayS = static_cast<double>(pt.dev->GetDelay().GetNanoSeconds()) / 1e9;
        auto headroom = static_cast<int64_t>(std::llround(m_headroomRtts * rate * delayS / 8.0)) +
                        static_cast<int64_t>(m_headroomExtra);
        double alpha = m_alpha * rate / host;
        m_buffer->ConfigurePort(i, headroom, alpha);
        pt.kmin = static_cast<uint64_t>(std::llround(m_ecnKmin * rate / ref));
        pt.kmax = static_cast<uint64_t>(std::llround(m_ecnKmax * rate / ref));
        for (uint32_t q = 0; q < M3PortDevice::kPriorities; ++q)
        {
            pt.qBytes[q] = 0;
            pt.pausedUpstream[q] = false;
        }
        pt.bytes = 0;
        pt.rrNext = 0;
        NS_LOG_LOGIC("node " << m_nodeId << " port " << i << " dlink " << pt.dlink << " rate "
                             << rate << " headroom " << headroom << " alpha " << alpha << " ecn "
                             << pt.kmin << "/" << pt.kmax);
    }
}

uint32_t
M3Switch::GetNPorts() const
{
    return m_ports.size();
}

Ptr<M3PortDevice>
M3Switch::GetPort(uint32_t port) const
{
    return m_ports.at(port).dev;
}

uint64_t
M3Switch::GetQueueBytes(uint32_t port) const
{
    return m_ports.at(port).bytes;
}

uint64_t
M3Switch::GetQueueBytes(uint32_t port, uint32_t queue) const
{
    return m_ports.at(port).qBytes[queue];
}

Ptr<M3SharedBuffer>
M3Switch::GetBuffer() const
{
    return m_buffer;
}

void
M3Switch::GetEcnThresholds(uint32_t port, uint64_t* kmin, uint64_t* kmax) const
{
    const Port& pt = m_ports.at(port);
    *kmin = pt.kmin;
    *kmax = pt.kmax;
}

int64_t
M3Switch::AssignStreams(int64_t stream)
{
    m_rng->SetStream(stream);
    return 1;
}

void
M3Switch::ReceiveFrame(uint32_t inPort, Ptr<M3PortDevice> dev, Ptr<Packet> p)
{
    NS_LOG_FUNCTION(this << inPort << p);
    M3Header h;
    p->PeekHeader(h);
    NS_ASSERT_MSG(m_routing, "M3Switch: SetRouting was not called");
    int dl = m3_routing_next(m_routing, m_nodeId, h.dstNode, h.sip, h.dip, h.sport, h.dport);
    if (dl < 0 || static_cast<uint32_t>(dl) >= m_portOfDlink.size() || m_portOfDlink[dl] < 0)
    {
        // A scenario the helper accepted must be routable: this is a bug, not a drop.
        NS_FATAL_ERROR("M3Switch node " << m_nodeId << ": no port towards node " << h.dstNode
                                        << " (next dlink " << dl << ")");
    }
    uint32_t out = m_portOfDlink[dl];
    uint32_t queue = h.pg;
    NS_ASSERT_MSG(queue < M3PortDevice::kPriorities, "priority " << queue << " out of range");
    uint32_t size = p->GetSize();
    if (queue != 0)
    {
        if (m_buffer->Admit(inPort, queue, size) == M3SharedBuffer::DROP)
        {
            NS_LOG_LOGIC("node " << m_nodeId << " drops " << size << " B on port " << inPort
                                 << " queue " << queue);
            m_dropTrace(p, inPort, queue);
            return;
        }
        Port& in = m_ports[inPort];
        if (m_pfcEnabled && !in.pausedUpstream[queue] && m_buffer->ShouldPause(inPort, queue))
        {
            in.pausedUpstream[queue] = true;
            m_pfcTrace(inPort, queue, true);
            in.dev->SendPfc(queue, true);
        }
    }
    Port& pt = m_ports[out];
    pt.q[queue].push_back(Entry{p, inPort, queue, size});
    pt.qBytes[queue] += size;
    pt.bytes += size;
    pt.dev->TriggerTransmit();
}

bool
M3Switch::ShouldMark(const Port& pt, uint64_t qBytes)
{
    if (qBytes > pt.kmax)
    {
        return true;
    }
    if (qBytes <= pt.kmin)
    {
        return false;
    }
    // kmin < q <= kmax, so kmax > kmin here.
    double prob =
        m_ecnPmax * static_cast<double>(qBytes - pt.kmin) / static_cast<double>(pt.kmax - pt.kmin);
    return m_rng->GetValue() < prob;
}

Ptr<Packet>
M3Switch::Dequeue(uint32_t port, uint32_t pausedMask)
{
    NS_LOG_FUNCTION(this << port << pausedMask);
    Port& pt = m_ports[port];
    int chosen = -1;
    if (!pt.q[0].empty() && !(pausedMask & 1u))
    {
        chosen = 0;
    }
    else
    {
        const uint32_t nRr = M3PortDevice::kPriorities - 1;
        for (uint32_t k = 0; k < nRr; ++k)
        {
            uint32_t qi = 1 + (pt.rrNext + k) % nRr;
            if (!pt.q[qi].empty() && !(pausedMask & (1u << qi)))
            {
                chosen = qi;
                pt.rrNext = qi % nRr; // the queue after qi, as an offset from 1
                break;
            }
        }
    }
    if (chosen < 0)
    {
        return nullptr;
    }
    Entry e = pt.q[chosen].front();
    pt.q[chosen].pop_front();
    pt.qBytes[chosen] -= e.size;
    pt.bytes -= e.size;

    if (e.inQueue != 0)
    {
        m_buffer->Release(e.inPort, e.inQueue, e.size);
        Port& in = m_ports[e.inPort];
        if (m_pfcEnabled && in.pausedUpstream[e.inQueue] &&
            m_buffer->ShouldResume(e.inPort, e.inQueue))
        {
            in.pausedUpstream[e.inQueue] = false;
            m_pfcTrace(e.inPort, e.inQueue, false);
            in.dev->SendPfc(e.inQueue, false);
        }
    }

    Ptr<Packet> p = e.packet;
    M3Header h;
    p->PeekHeader(h);
    if (h.kind != M3Header::DATA)
    {
        return p;
    }
    bool mark = m_ecnEnabled && h.ecn == M3Header::ECN_ECT && ShouldMark(pt, pt.qBytes[chosen]);
    bool stamp = m_intEnabled && h.intMode == M3IntHeader::HPCC;
    if (mark || stamp)
    {
        p->RemoveHeader(h);
        if (stamp)
        {
            M3IntHeader ih(M3IntHeader::HPCC);
            p->RemoveHeader(ih);
            // Tx bytes before this frame: the device counts it only once we return it.
            ih.PushHop(pt.dev->GetDataRate().GetBitRate(),
                       Simulator::Now().GetNanoSeconds(),
                       pt.dev->GetTxBytes(),
                       pt.bytes);
            p->AddHeader(ih);
        }
        if (mark)
        {
            h.ecn = M3Header::ECN_CE;
        }
        p->AddHeader(h);
    }
    return p;
}

} // namespace ns3

// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-rdma-nic.cc - M3RdmaNic: the host NIC of the packet mode
 * (packet-model.md section 2): per-flow senders with pacing, window and
 * congestion control, a receiver that ACKs every packet and NACKs gaps,
 * go-back-N recovery and an optional retransmission timeout.
 */
#include "m3-rdma-nic.h"

#include "m3-cc.h"
#include "m3-port-device.h"

#include "ns3/boolean.h"
#include "ns3/log.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("M3RdmaNic");

NS_OBJECT_ENSURE_REGISTERED(M3RdmaNic);

namespace
{

/** Key of a flow seen from its sender: (dip, sport, dport). */
uint64_t
FlowKey(uint32_t ip, uint16_t sport, uint16_t dport)
{
    return (static_cast<uint64_t>(ip) << 32) | (static_cast<uint64_t>(sport) << 16) | dport;
}

} // namespace

TypeId
M3RdmaNic::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::M3RdmaNic")
            .SetParent<Object>()
            .SetGroupName("m3")
            .AddConstructor<M3RdmaNic>()
            .AddAttribute("Mtu",
                          "Payload bytes per data packet.",
                          UintegerValue(1000),
                          MakeUintegerAccessor(&M3RdmaNic::m_mtu),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("WindowBytes",
                          "Fixed window W in bytes (usually one BDP); 0 = no window.",
                          UintegerValue(0),
                          MakeUintegerAccessor(&M3RdmaNic::m_windowBytes),
                          MakeUintegerChecker<uint64_t>())
            .AddAttribute("VariableWindow",
                          "Effective window W x rate / MaxRate (at least 1 byte) "
                          "instead of W.",
                          BooleanValue(true),
                          MakeBooleanAccessor(&M3RdmaNic::m_variableWindow),
                          MakeBooleanChecker())
            .AddAttribute("MinRate",
                          "Lowest rate a congestion control may set.",
                          DataRateValue(DataRate("1Gbps")),
                          MakeDataRateAccessor(&M3RdmaNic::m_minRate),
                          MakeDataRateChecker())
            .AddAttribute("MaxRate",
                          "Per-flow rate cap; 0 = the port's line rate. Flows start "
                          "at this rate.",
                          DataRateValue(DataRate(0)),
                          MakeDataRateAccessor(&M3RdmaNic::m_maxRate),
                          MakeDataRateChecker())
            .AddAttribute("BaseRtt",
                          "Base RTT handed to the congestion control (HPCC's T).",
                          TimeValue(NanoSeconds(14400)),
                          MakeTimeAccessor(&M3RdmaNic::m_baseRtt),
                          MakeTimeChecker(Time(0)))
            .AddAttribute("AckHighPriority",
                          "Send ACK/NACKs on priority 0 (strict) instead of the "
                          "flow's data priority.",
                          BooleanValue(false),
                          MakeBooleanAccessor(&M3RdmaNic::m_ackHighPriority),
                          MakeBooleanChecker())
            .AddAttribute("NackInterval",
                          "At most one NACK per flow per interval, unless the expected "
                          "sequence changed.",
                          TimeValue(MicroSeconds(500)),
                          MakeTimeAccessor(&M3RdmaNic::m_nackInterval),
                          MakeTimeChecker(Time(0)))
            .AddAttribute("RetransmitTimeout",
                          "Go back to the last acknowledged byte when no ACK advanced "
                          "for this long while data is outstanding; 0 = off (the "
                          "original simulator has none).",
                          TimeValue(MilliSeconds(1)),
                          MakeTimeAccessor(&M3RdmaNic::m_rto),
                          MakeTimeChecker(Time(0)))
            .AddAttribute("CongestionControl",
                          "TypeId name of the per-flow M3CongestionControl subclass. "
                          "Looked up when the first flow starts.",
                          StringValue("ns3::M3CcDctcp"),
                          MakeStringAccessor(&M3RdmaNic::SetCcTypeName, &M3RdmaNic::GetCcTypeName),
                          MakeStringChecker())
            .AddTraceSource("FlowComplete",
                            "The receiver holds every byte of a flow: (flow index, FCT).",
                            MakeTraceSourceAccessor(&M3RdmaNic::m_flowCompleteTrace),
                            "ns3::M3RdmaNic::FlowTracedCallback")
            .AddTraceSource("SenderComplete",
                            "The sender got the last ACK: (flow index, time since start).",
                            MakeTraceSourceAccessor(&M3RdmaNic::m_senderCompleteTrace),
                            "ns3::M3RdmaNic::FlowTracedCallback");
    return tid;
}

M3RdmaNic::M3RdmaNic()
    : m_nodeId(0)
    , m_ccTypeName("ns3::M3CcDctcp")
    , m_ccFactoryReady(false)
    , m_mtu(1000)
    , m_windowBytes(0)
    , m_variableWindow(true)
    , m_ackHighPriority(false)
    , m_rrNext(0)
    , m_dataSent(0)
    , m_retxPackets(0)
    , m_nacksSent(0)
    , m_timeouts(0)
{
    NS_LOG_FUNCTION(this);
}

M3RdmaNic::~M3RdmaNic()
{
    NS_LOG_FUNCTION(this);
}

void
M3RdmaNic::DoDispose()
{
    NS_LOG_FUNCTION(this);
    m_wakeup.Cancel();
    for (auto& s : m_senders)
    {
        s->timeout.Cancel();
        if (s->cc)
        {
            s->cc->Stop();
            s->cc = nullptr;
        }
    }
    if (m_dev)
    {
        // the device holds raw-pointer callbacks into this object
        m_dev->SetDequeueCallback(M3PortDevice::DequeueCallback());
        m_dev->SetFrameCallback(M3PortDevice::FrameCallback());
        m_dev = nullptr;
    }
    m_ackQueue.clear();
    m_dropCb = ReceiveDropCallback();
    Object::DoDispose();
}

void
M3RdmaNic::Setup(uint32_t nodeId, Ptr<M3PortDevice> dev)
{
    NS_LOG_FUNCTION(this << nodeId << dev);
    NS_ASSERT_MSG(dev, "M3RdmaNic::Setup needs a device");
    m_nodeId = nodeId;
    m_dev = dev;
    dev->SetDequeueCallback(MakeCallback(&M3RdmaNic::Dequeue, this));
    dev->SetFrameCallback(MakeCallback(&M3RdmaNic::ReceiveFrame, this));
}

void
M3RdmaNic::SetCcTypeName(std::string name)
{
    NS_ASSERT_MSG(!m_ccFactoryReady, "CongestionControl set after the first flow started");
    m_ccTypeName = name;
}

std::string
M3RdmaNic::GetCcTypeName() const
{
    return m_ccTypeName;
}

void
M3RdmaNic::SetCcAttribute(const std::string& name, const AttributeValue& value)
{
    NS_LOG_FUNCTION(this << name);
    m_ccAttributes.emplace_back(name, value.Copy());
    if (m_ccFactoryReady)
    {
        m_ccFactory.Set(name, value); // flows that start from now on
    }
}

void
M3RdmaNic::EnsureCcFactory()
{
    if (m_ccFactoryReady)
    {
        return;
    }
    // Lazily, so a NIC can be created and configured before (or without)
    // the congestion-control classes being linked in.
    TypeId tid;
    if (!TypeId::LookupByNameFailSafe(m_ccTypeName, &tid))
    {
        NS_FATAL_ERROR("M3RdmaNic: unknown CongestionControl type " << m_ccTypeName);
    }
    if (!tid.IsChildOf(M3CongestionControl::GetTypeId()))
    {
        NS_FATAL_ERROR("M3RdmaNic: " << m_ccTypeName << " is not an M3CongestionControl");
    }
    m_ccFactory.SetTypeId(tid);
    for (const auto& a : m_ccAttributes)
    {
        m_ccFactory.Set(a.first, *a.second);
    }
    m_ccFactoryReady = true;
}

void
M3RdmaNic::SetReceiveDropCallback(ReceiveDropCallback cb)
{
    m_dropCb = cb;
}

void
M3RdmaNic::AddSender(uint32_t index, const m3_flow& f)
{
    NS_LOG_FUNCTION(this << index << f.id);
    NS_ASSERT_MSG(m_dev, "M3RdmaNic::Setup must come before AddSender");
    NS_ABORT_MSG_IF(f.src != m_nodeId,
                    "flow " << f.id << " has source " << f.src << ", not " << m_nodeId);
    NS_ABORT_MSG_IF(f.size > UINT32_MAX, "flow " << f.id << ": 32-bit sequence numbers");
    auto s = std::make_unique<Sender>();
    s->index = index;
    s->id = f.id;
    s->srcNode = f.src;
    s->dstNode = f.dst;
    s->sip = m3_node_ip(f.src);
    s->dip = m3_node_ip(f.dst);
    s->sport = static_cast<uint16_t>(f.sport);
    s->dport = static_cast<uint16_t>(f.dport);
    s->pg = static_cast<uint16_t>(std::min<uint32_t>(std::max<uint32_t>(f.pg, 1), 7));
    s->size = f.size;
    s->start = NanoSeconds(static_cast<int64_t>(f.start_ns));
    s->lineRate = m_dev->GetDataRate();
    // no flow paces faster than its port can send
    s->maxRate = (m_maxRate.GetBitRate() == 0 || m_maxRate > s->lineRate) ? s->lineRate : m_maxRate;
    s->minRate = m_minRate > s->maxRate ? s->maxRate : m_minRate;
    s->rate = s->maxRate;
    s->windowBytes = m_windowBytes;
    s->variableWindow = m_variableWindow;
    s->baseRtt = m_baseRtt;

    uint64_t key = FlowKey(s->dip, s->sport, s->dport);
    NS_ABORT_MSG_IF(m_senderByPort.count(key),
                    "flow " << f.id << ": a flow with the same (dst, sport, dport) exists");
    NS_ABORT_MSG_IF(m_senderSlot.count(index), "flow index " << index << " added twice");
    uint32_t slot = static_cast<uint32_t>(m_senders.size());
    s->slot = slot;
    m_senderByPort[key] = slot;
    m_senderSlot[index] = slot;
    Time at = s->start - Simulator::Now();
    m_senders.push_back(std::move(s));
    Simulator::Schedule(at.IsStrictlyPositive() ? at : Time(0), &M3RdmaNic::StartFlow, this, slot);
}

void
M3RdmaNic::AddReceiver(uint32_t index, const m3_flow& f)
{
    NS_LOG_FUNCTION(this << index << f.id);
    NS_ABORT_MSG_IF(f.dst != m_nodeId,
                    "flow " << f.id << " has destination " << f.dst << ", not " << m_nodeId);
    uint64_t key =
        FlowKey(m3_node_ip(f.src), static_cast<uint16_t>(f.sport), static_cast<uint16_t>(f.dport));
    NS_ABORT_MSG_IF(m_receivers.count(key),
                    "flow " << f.id << ": a flow with the same (src, sport, dport) exists");
    Receiver r;
    r.index = index;
    r.size = f.size;
    r.start = NanoSeconds(static_cast<int64_t>(f.start_ns));
    m_receivers.emplace(key, r);
    if (f.size == 0)
    {
        // nothing will ever arrive: complete at the start with FCT 0
        Time at = r.start - Simulator::Now();
        Simulator::Schedule(at.IsStrictlyPositive() ? at : Time(0),
                            [this, key]()
                            {
                                Receiver& rr = m_receivers.at(key);
                                if (!rr.done)
                                {
                                    rr.done = true;
                                    m_flowCompleteTrace(rr.index, Time(0));
                                }
                            });
    }
}

const M3RdmaSender*
M3RdmaNic::GetSender(uint32_t index) const
{
    auto it = m_senderSlot.find(index);
    return it == m_senderSlot.end() ? nullptr : m_senders[it->second].get();
}

uint32_t
M3RdmaNic::GetNodeId() const
{
    return m_nodeId;
}

uint64_t
M3RdmaNic::GetDataPacketsSent() const
{
    return m_dataSent;
}

uint64_t
M3RdmaNic::GetRetransmittedPackets() const
{
    return m_retxPackets;
}

uint64_t
M3RdmaNic::GetNacksSent() const
{
    return m_nacksSent;
}

uint64_t
M3RdmaNic::GetTimeouts() const
{
    return m_timeouts;
}

void
M3RdmaNic::StartFlow(uint32_t slot)
{
    Sender& s = *m_senders[slot];
    NS_LOG_FUNCTION(this << s.index);
    EnsureCcFactory();
    s.cc = m_ccFactory.Create<M3CongestionControl>();
    s.rate = s.maxRate;
    s.nextAvail = Simulator::Now();
    s.lastAckTime = Simulator::Now();
    s.rtoBase = Simulator::Now();
    s.cc->Start(&s);
    s.intMode = s.cc->GetIntMode();
    s.ecn = s.cc->UsesEcn() ? M3Header::ECN_ECT : M3Header::ECN_NOT_ECT;
    if (s.size == 0)
    {
        FlowDone(s);
        return;
    }
    m_active.push_back(slot);
    m_dev->TriggerTransmit();
}

Ptr<Packet>
M3RdmaNic::Dequeue(uint32_t pausedMask)
{
    // ACK/NACKs first (strict priority), skipping those whose priority is paused
    for (auto it = m_ackQueue.begin(); it != m_ackQueue.end(); ++it)
    {
        if (!(pausedMask & (1u << it->pg)))
        {
            Ptr<Packet> p = it->p;
            m_ackQueue.erase(it);
            return p;
        }
    }
    // then data, round robin over the active flows
    Time now = Simulator::Now();
    std::size_t n = m_active.size();
    for (std::size_t k = 0; k < n; ++k)
    {
        std::size_t pos = (m_rrNext + k) % n;
        Sender& s = *m_senders[m_active[pos]];
        if ((pausedMask & (1u << s.pg)) || !s.CanSend() || s.nextAvail > now)
        {
            continue;
        }
        // not reduced modulo n: a flow appended after the last one served
        // is then the next in turn
        m_rrNext = static_cast<uint32_t>(pos + 1);
        return BuildData(s);
    }
    ScheduleWakeup(pausedMask);
    return nullptr;
}

void
M3RdmaNic::ScheduleWakeup(uint32_t pausedMask)
{
    // Only pacing needs a timer: a paused priority is resumed by the device,
    // a closed window is opened by an ACK, and both trigger a transmit.
    Time now = Simulator::Now();
    Time earliest = Time::Max();
    for (uint32_t slot : m_active)
    {
        const Sender& s = *m_senders[slot];
        if (!(pausedMask & (1u << s.pg)) && s.CanSend() && s.nextAvail > now &&
            s.nextAvail < earliest)
        {
            earliest = s.nextAvail;
        }
    }
    if (earliest == Time::Max())
    {
        return;
    }
    if (m_wakeup.IsRunning())
    {
        if (m_wakeupAt <= earliest)
        {
            return; // the pending wake-up comes first; it will look again
        }
        m_wakeup.Cancel();
    }
    m_wakeupAt = earliest;
    m_wakeup = Simulator::Schedule(earliest - now, &M3RdmaNic::Wakeup, this);
}

void
M3RdmaNic::Wakeup()
{
    NS_LOG_FUNCTION(this);
    m_dev->TriggerTransmit();
}

Ptr<Packet>
M3RdmaNic::BuildData(Sender& s)
{
    Time now = Simulator::Now();
    uint32_t payload = static_cast<uint32_t>(std::min<uint64_t>(m_mtu, s.size - s.sndNxt));
    Ptr<Packet> p = Create<Packet>(payload);
    M3IntHeader ih(s.intMode);
    if (s.intMode == M3IntHeader::TIMELY)
    {
        ih.tsNs = static_cast<uint64_t>(now.GetNanoSeconds());
    }
    p->AddHeader(ih);
    M3Header h;
    h.kind = M3Header::DATA;
    h.flags = (s.sndNxt + payload >= s.size) ? M3Header::FLAG_LAST : 0;
    h.srcNode = s.srcNode;
    h.dstNode = s.dstNode;
    h.pg = s.pg;
    h.intMode = s.intMode;
    h.sip = s.sip;
    h.dip = s.dip;
    h.ecn = s.ecn;
    h.sport = s.sport;
    h.dport = s.dport;
    h.seq = static_cast<uint32_t>(s.sndNxt);
    p->AddHeader(h);

    NS_LOG_LOGIC("flow " << s.index << " data seq " << s.sndNxt << " len " << payload);
    if (s.InFlight() == 0)
    {
        s.rtoBase = now; // the timeout counts from the oldest outstanding packet
    }
    if (s.sndNxt < s.highSent)
    {
        ++m_retxPackets;
    }
    s.sndNxt += payload;
    s.highSent = std::max(s.highSent, s.sndNxt);
    ++m_dataSent;
    s.lastWire = p->GetSize();
    s.nextAvail = now + s.rate.CalculateBytesTxTime(s.lastWire);
    if (!m_rto.IsZero() && !s.timeout.IsRunning())
    {
        s.timeout =
            Simulator::Schedule(s.rtoBase + m_rto - now, &M3RdmaNic::OnTimeout, this, s.slot);
    }
    s.cc->OnSend(payload);
    return p;
}

void
M3RdmaNic::OnTimeout(uint32_t slot)
{
    Sender& s = *m_senders[slot];
    if (s.done || s.InFlight() == 0)
    {
        return; // nothing outstanding: the next send re-arms
    }
    Time now = Simulator::Now();
    Time deadline = s.rtoBase + m_rto;
    if (now < deadline)
    {
        // progress since the timer was set: one event per RTO, not per ACK
        s.timeout = Simulator::Schedule(deadline - now, &M3RdmaNic::OnTimeout, this, slot);
        return;
    }
    NS_LOG_LOGIC("flow " << s.index << " timeout, back to " << s.sndUna << " from " << s.sndNxt);
    s.sndNxt = s.sndUna;
    ++s.retransmits;
    ++s.timeouts;
    ++m_timeouts;
    m_dev->TriggerTransmit();
}

void
M3RdmaNic::ReceiveFrame(Ptr<M3PortDevice> dev, Ptr<Packet> p)
{
    if (!m_dropCb.IsNull() && m_dropCb(p))
    {
        NS_LOG_LOGIC("frame dropped by the test seam");
        return;
    }
    M3Header h;
    p->RemoveHeader(h);
    switch (h.kind)
    {
    case M3Header::DATA:
        ReceiveData(p, h);
        break;
    case M3Header::ACK:
    case M3Header::NACK:
        ReceiveAck(p, h);
        break;
    default:
        NS_LOG_WARN("node " << m_nodeId << ": unexpected frame kind " << int(h.kind));
        break;
    }
}

void
M3RdmaNic::ReceiveData(Ptr<Packet> p, const M3Header& h)
{
    M3IntHeader ih(static_cast<M3IntHeader::Mode>(h.intMode));
    p->RemoveHeader(ih);
    auto it = m_receivers.find(FlowKey(h.sip, h.sport, h.dport));
    if (h.dstNode != m_nodeId || it == m_receivers.end())
    {
        NS_LOG_WARN("node " << m_nodeId << ": data for an unknown flow " << h.sip << ":" << h.sport
                            << " -> " << h.dport);
        return;
    }
    Receiver& r = it->second;
    uint64_t seq = h.seq;
    uint64_t end = seq + p->GetSize();
    if (seq <= r.expected && end > r.expected)
    {
        r.expected = end;
        SendAck(r, h, ih, false);
        if (r.expected >= r.size && !r.done)
        {
            r.done = true;
            Time fct = Simulator::Now() - r.start;
            NS_LOG_LOGIC("flow " << r.index << " complete at receiver, fct " << fct);
            m_flowCompleteTrace(r.index, fct);
        }
    }
    else if (seq > r.expected)
    {
        Time now = Simulator::Now();
        if (r.lastNackSeq != r.expected || now >= r.lastNack + m_nackInterval)
        {
            r.lastNack = now;
            r.lastNackSeq = r.expected;
            ++m_nacksSent;
            SendAck(r, h, ih, true);
        }
    }
    else
    {
        // duplicate: nothing new, but tell the sender where we are
        SendAck(r, h, ih, false);
    }
}

void
M3RdmaNic::SendAck(const Receiver& r, const M3Header& data, const M3IntHeader& ih, bool nack)
{
    uint32_t intSize = M3IntHeader::SizeOf(ih.mode);
    uint32_t used = M3Header::kSize + intSize;
    Ptr<Packet> p = Create<Packet>(used < M3Header::kMinFrame ? M3Header::kMinFrame - used : 0);
    p->AddHeader(ih);
    M3Header h;
    h.kind = nack ? M3Header::NACK : M3Header::ACK;
    h.flags = data.ecn == M3Header::ECN_CE ? M3Header::FLAG_ECN_ECHO : 0;
    h.srcNode = m_nodeId;
    h.dstNode = data.srcNode;
    h.pg = m_ackHighPriority ? 0 : data.pg;
    h.intMode = data.intMode;
    h.sip = data.dip;
    h.dip = data.sip;
    h.ecn = M3Header::ECN_NOT_ECT;
    h.sport = data.dport; // reversed, as the original: ACKs hash on their own tuple
    h.dport = data.sport;
    h.seq = static_cast<uint32_t>(r.expected);
    p->AddHeader(h);
    m_ackQueue.push_back(PendingAck{p, h.pg});
    m_dev->TriggerTransmit();
}

void
M3RdmaNic::ReceiveAck(Ptr<Packet> p, const M3Header& h)
{
    M3IntHeader ih(static_cast<M3IntHeader::Mode>(h.intMode));
    p->RemoveHeader(ih);
    auto it = m_senderByPort.find(FlowKey(h.sip, h.dport, h.sport));
    if (it == m_senderByPort.end())
    {
        NS_LOG_WARN("node " << m_nodeId << ": ACK for an unknown flow");
        return;
    }
    Sender& s = *m_senders[it->second];
    if (s.done || !s.cc)
    {
        return; // late ACK of a finished flow
    }
    Time now = Simulator::Now();
    M3AckInfo info;
    info.ackSeq = h.seq;
    info.ecnEcho = (h.flags & M3Header::FLAG_ECN_ECHO) != 0;
    info.nack = h.kind == M3Header::NACK;
    info.intHeader = &ih;
    info.now = now;
    if (info.ackSeq > s.sndUna)
    {
        info.newlyAcked = info.ackSeq - s.sndUna;
        s.sndUna = std::min<uint64_t>(info.ackSeq, s.size);
        s.lastAckTime = now;
        s.rtoBase = now;
    }
    // an ACK from before a rewind may pass sndNxt: never send below sndUna
    s.sndNxt = std::max(s.sndNxt, s.sndUna);
    if (info.nack && s.sndNxt > s.sndUna)
    {
        NS_LOG_LOGIC("flow " << s.index << " NACK, back to " << s.sndUna << " from " << s.sndNxt);
        s.sndNxt = s.sndUna; // go-back-N
        ++s.retransmits;
    }
    DataRate before = s.rate;
    s.cc->OnAck(info);
    if (s.rate != before && s.lastWire > 0)
    {
        // As the original's ChangeRate: the gap after the last packet takes
        // the new rate at once, not one packet later. Per-ACK controllers
        // (HPCC's fast react) otherwise lag by a packet, which at a few
        // packets per RTT is a large part of their loop delay.
        s.nextAvail = s.nextAvail + s.rate.CalculateBytesTxTime(s.lastWire) -
                      before.CalculateBytesTxTime(s.lastWire);
    }
    if (s.sndUna >= s.size)
    {
        FlowDone(s);
    }
    else if (s.CanSend())
    {
        m_dev->TriggerTransmit();
    }
}

void
M3RdmaNic::FlowDone(Sender& s)
{
    NS_LOG_FUNCTION(this << s.index);
    s.done = true;
    s.timeout.Cancel();
    if (s.cc)
    {
        s.cc->Stop();
        s.cc = nullptr; // a finished flow's CC state is not needed any more
    }
    auto it = std::find(m_active.begin(), m_active.end(), s.slot);
    if (it != m_active.end())
    {
        auto pos = static_cast<uint32_t>(it - m_active.begin());
        m_active.erase(it);
        // keep the round-robin turn on the flow that was next
        if (pos < m_rrNext)
        {
            --m_rrNext;
        }
    }
    m_senderCompleteTrace(s.index, Simulator::Now() - s.start);
}

} // namespace ns3

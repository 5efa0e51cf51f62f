// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-port-device.cc - M3PortDevice: serialises the owner's frames at line
 * rate, sends PFC frames first, and obeys received PFC frames.
 */
#include "m3-port-device.h"

#include "m3-port-channel.h"
#include "m3-rdma-header.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("M3PortDevice");

NS_OBJECT_ENSURE_REGISTERED(M3PortDevice);

TypeId
M3PortDevice::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::M3PortDevice")
            .SetParent<NetDevice>()
            .SetGroupName("m3")
            .AddConstructor<M3PortDevice>()
            .AddAttribute("DataRate",
                          "Line rate: a frame of b bytes occupies the wire b x 8 / rate.",
                          DataRateValue(DataRate("10Gbps")),
                          MakeDataRateAccessor(&M3PortDevice::m_rate),
                          MakeDataRateChecker())
            .AddAttribute("InterframeGap",
                          "Idle time after each frame before the next one starts. The "
                          "original simulator's devices use 0, so that is the default.",
                          TimeValue(Time(0)),
                          MakeTimeAccessor(&M3PortDevice::m_ifg),
                          MakeTimeChecker(Time(0)))
            .AddAttribute("PfcEnabled",
                          "Obey received PFC frames. When false they are traced (PfcRx) "
                          "and otherwise ignored.",
                          BooleanValue(true),
                          MakeBooleanAccessor(&M3PortDevice::m_pfcEnabled),
                          MakeBooleanChecker())
            .AddAttribute("ErrorRate",
                          "Probability that a frame arriving at this device was corrupted "
                          "on the link and is lost (any frame, as the original simulator's "
                          "receive error model; the topology's error_rate).",
                          DoubleValue(0),
                          MakeDoubleAccessor(&M3PortDevice::m_errorRate),
                          MakeDoubleChecker<double>(0, 1))
            .AddTraceSource("RxLoss",
                            "A frame arrived corrupted (ErrorRate) and was dropped.",
                            MakeTraceSourceAccessor(&M3PortDevice::m_rxLossTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("MacTx",
                            "A frame (PFC or owner's) starts transmission.",
                            MakeTraceSourceAccessor(&M3PortDevice::m_macTxTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("MacRx",
                            "A frame has fully arrived (PFC frames included).",
                            MakeTraceSourceAccessor(&M3PortDevice::m_macRxTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("PfcRx",
                            "A PFC frame arrived: (priority, pause?).",
                            MakeTraceSourceAccessor(&M3PortDevice::m_pfcRxTrace),
                            "ns3::M3PortDevice::PfcTracedCallback")
            .AddTraceSource("PfcTx",
                            "A PFC frame starts transmission: (priority, pause?).",
                            MakeTraceSourceAccessor(&M3PortDevice::m_pfcTxTrace),
                            "ns3::M3PortDevice::PfcTracedCallback");
    return tid;
}

M3PortDevice::M3PortDevice()
    : m_rate(DataRate("10Gbps"))
    , m_ifg(Time(0))
    , m_pfcEnabled(true)
    , m_errorRate(0)
    , m_lossRng(CreateObject<UniformRandomVariable>())
    , m_ifIndex(0)
    , m_address(Mac48Address::Allocate())
    , m_mtu(1500)
    , m_busy(false)
    , m_pausedMask(0)
    , m_txBytes(0)
{
    NS_LOG_FUNCTION(this);
}

M3PortDevice::~M3PortDevice()
{
    NS_LOG_FUNCTION(this);
}

void
M3PortDevice::DoDispose()
{
    NS_LOG_FUNCTION(this);
    m_channel = nullptr;
    m_node = nullptr;
    m_control.clear();
    m_dequeue = DequeueCallback();
    m_frame = FrameCallback();
    NetDevice::DoDispose();
}

int64_t
M3PortDevice::AssignStreams(int64_t stream)
{
    m_lossRng->SetStream(stream);
    return 1;
}

void
M3PortDevice::SetDequeueCallback(DequeueCallback cb)
{
    m_dequeue = cb;
}

void
M3PortDevice::SetFrameCallback(FrameCallback cb)
{
    m_frame = cb;
}

bool
M3PortDevice::Attach(Ptr<M3PortChannel> ch)
{
    NS_LOG_FUNCTION(this << ch);
    NS_ASSERT_MSG(ch->GetNDevices() < 2, "M3PortChannel already has two devices");
    m_channel = ch;
    ch->Attach(this);
    return true;
}

void
M3PortDevice::TriggerTransmit()
{
    NS_LOG_FUNCTION(this);
    if (m_busy || !m_channel)
    {
        return;
    }
    Ptr<Packet> p;
    if (!m_control.empty())
    {
        // PFC frames go ahead of everything, and are never paused themselves.
        p = m_control.front();
        m_control.pop_front();
    }
    else if (!m_dequeue.IsNull())
    {
        uint32_t mask = m_pfcEnabled ? m_pausedMask : 0;
        p = m_dequeue(mask);
        if (p && mask != 0)
        {
            M3Header h;
            p->PeekHeader(h);
            NS_ASSERT_MSG(h.pg >= kPriorities || !(mask & (1u << h.pg)),
                          "owner returned a frame of paused priority " << h.pg);
        }
    }
    if (!p)
    {
        return; // idle until the owner or a resume triggers us again
    }
    StartTransmission(p);
}

void
M3PortDevice::StartTransmission(Ptr<Packet> p)
{
    NS_LOG_FUNCTION(this << p);
    m_busy = true;
    m_txBytes += p->GetSize();
    m_macTxTrace(p);
    Time txTime = m_rate.CalculateBytesTxTime(p->GetSize());
    m_channel->Transmit(p, this, txTime);
    Simulator::Schedule(txTime + m_ifg, &M3PortDevice::TransmitComplete, this);
}

void
M3PortDevice::TransmitComplete()
{
    NS_LOG_FUNCTION(this);
    m_busy = false;
    TriggerTransmit();
}

void
M3PortDevice::SendPfc(uint32_t pg, bool pause)
{
    NS_LOG_FUNCTION(this << pg << pause);
    NS_ASSERT(pg < kPriorities);
    M3Header h;
    h.kind = M3Header::PFC;
    h.flags = pause ? M3Header::FLAG_PAUSE : 0;
    h.pg = pg;
    h.pauseUs = pause ? 0xffff : 0;
    Ptr<Packet> p = Create<Packet>(M3Header::kPfcFrame - M3Header::kSize);
    p->AddHeader(h);
    m_control.push_back(p);
    m_pfcTxTrace(pg, pause);
    TriggerTransmit();
}

bool
M3PortDevice::IsPaused(uint32_t pg) const
{
    return m_pfcEnabled && pg < kPriorities && (m_pausedMask & (1u << pg));
}

bool
M3PortDevice::IsBusy() const
{
    return m_busy;
}

DataRate
M3PortDevice::GetDataRate() const
{
    return m_rate;
}

Time
M3PortDevice::GetDelay() const
{
    return m_channel ? m_channel->GetDelay() : Time(0);
}

uint64_t
M3PortDevice::GetTxBytes() const
{
    return m_txBytes;
}

Ptr<M3PortDevice>
M3PortDevice::GetPeer() const
{
    return m_channel ? m_channel->GetPeer(this) : nullptr;
}

void
M3PortDevice::Receive(Ptr<Packet> p)
{
    NS_LOG_FUNCTION(this << p);
    if (m_errorRate > 0 && m_lossRng->GetValue() < m_errorRate)
    {
        m_rxLossTrace(p);
        return;
    }
    m_macRxTrace(p);
    M3Header h;
    p->PeekHeader(h);
    if (h.kind == M3Header::PFC)
    {
        bool pause = h.flags & M3Header::FLAG_PAUSE;
        m_pfcRxTrace(h.pg, pause);
        if (!m_pfcEnabled || h.pg >= kPriorities)
        {
            return;
        }
        if (pause)
        {
            m_pausedMask |= 1u << h.pg;
        }
        else
        {
            m_pausedMask &= ~(1u << h.pg);
            TriggerTransmit();
        }
        return;
    }
    NS_ASSERT_MSG(!m_frame.IsNull(), "M3PortDevice received a frame but has no owner");
    m_frame(this, p);
}

// ------------------------------------------------------------------ NetDevice

void
M3PortDevice::SetIfIndex(const uint32_t index)
{
    m_ifIndex = index;
}

uint32_t
M3PortDevice::GetIfIndex() const
{
    return m_ifIndex;
}

Ptr<Channel>
M3PortDevice::GetChannel() const
{
    return m_channel;
}

void
M3PortDevice::SetAddress(Address address)
{
    m_address = Mac48Address::ConvertFrom(address);
}

Address
M3PortDevice::GetAddress() const
{
    return m_address;
}

bool
M3PortDevice::SetMtu(const uint16_t mtu)
{
    m_mtu = mtu;
    return true;
}

uint16_t
M3PortDevice::GetMtu() const
{
    return m_mtu;
}

bool
M3PortDevice::IsLinkUp() const
{
    return m_channel != nullptr;
}

void
M3PortDevice::AddLinkChangeCallback(Callback<void> callback)
{
}

bool
M3PortDevice::IsBroadcast() const
{
    return false;
}

Address
M3PortDevice::GetBroadcast() const
{
    return Mac48Address::GetBroadcast();
}

bool
M3PortDevice::IsMulticast() const
{
    return false;
}

Address
M3PortDevice::GetMulticast(Ipv4Address multicastGroup) const
{
    return Mac48Address::GetMulticast(multicastGroup);
}

Address
M3PortDevice::GetMulticast(Ipv6Address addr) const
{
    return Mac48Address::GetMulticast(addr);
}

bool
M3PortDevice::IsBridge() const
{
    return false;
}

bool
M3PortDevice::IsPointToPoint() const
{
    return true;
}

bool
M3PortDevice::Send(Ptr<Packet> packet, const Address& dest, uint16_t protocolNumber)
{
    NS_LOG_WARN("M3PortDevice::Send is not supported: frames come from the owner's callback");
    return false;
}

bool
M3PortDevice::SendFrom(Ptr<Packet> packet,
                       const Address& source,
                       const Address& dest,
                       uint16_t protocolNumber)
{
    return Send(packet, dest, protocolNumber);
}

Ptr<Node>
M3PortDevice::GetNode() const
{
    return m_node;
}

void
M3PortDevice::SetNode(Ptr<Node> node)
{
    m_node = node;
}

bool
M3PortDevice::NeedsArp() const
{
    return false;
}

void
M3PortDevice::SetReceiveCallback(NetDevice::ReceiveCallback cb)
{
}

void
M3PortDevice::SetPromiscReceiveCallback(PromiscReceiveCallback cb)
{
}

bool
M3PortDevice::SupportsSendFrom() const
{
    return false;
}

} // namespace ns3

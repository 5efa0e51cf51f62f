// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-port-channel.cc - M3PortChannel: delivers a frame to the other end
 * after its serialisation time plus the propagation delay.
 */
#include "m3-port-channel.h"

#include "m3-port-device.h"

#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("M3PortChannel");

NS_OBJECT_ENSURE_REGISTERED(M3PortChannel);

TypeId
M3PortChannel::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::M3PortChannel")
            .SetParent<Channel>()
            .SetGroupName("m3")
            .AddConstructor<M3PortChannel>()
            .AddAttribute("Delay",
                          "One-way propagation delay (1 us: the m3 scenarios' default link "
                          "delay; the packet helper sets it per link).",
                          TimeValue(MicroSeconds(1)),
                          MakeTimeAccessor(&M3PortChannel::m_delay),
                          MakeTimeChecker(Time(0)));
    return tid;
}

M3PortChannel::M3PortChannel()
    : m_delay(MicroSeconds(1))
    , m_nDevices(0)
{
    NS_LOG_FUNCTION(this);
}

void
M3PortChannel::DoDispose()
{
    NS_LOG_FUNCTION(this);
    m_dev[0] = nullptr;
    m_dev[1] = nullptr;
    m_nDevices = 0;
    Channel::DoDispose();
}

void
M3PortChannel::Attach(Ptr<M3PortDevice> dev)
{
    NS_LOG_FUNCTION(this << dev);
    NS_ASSERT_MSG(m_nDevices < 2, "M3PortChannel: at most two devices");
    m_dev[m_nDevices++] = dev;
}

void
M3PortChannel::Transmit(Ptr<Packet> p, Ptr<M3PortDevice> src, Time txTime)
{
    NS_LOG_FUNCTION(this << p << src << txTime);
    Ptr<M3PortDevice> dst = GetPeer(src);
    // A frame sent into an unconnected port would vanish: refuse loudly.
    NS_ASSERT_MSG(dst, "M3PortChannel::Transmit: no device at the other end");
    Time when = txTime + m_delay;
    Ptr<Node> node = dst->GetNode();
    if (node)
    {
        // Run the receive in the receiving node's context, as ns-3 channels do.
        Simulator::ScheduleWithContext(node->GetId(), when, &M3PortDevice::Receive, dst, p->Copy());
    }
    else
    {
        Simulator::Schedule(when, &M3PortDevice::Receive, dst, p->Copy());
    }
}

Ptr<M3PortDevice>
M3PortChannel::GetPeer(Ptr<const M3PortDevice> dev) const
{
    if (m_nDevices < 2)
    {
        return nullptr;
    }
    if (m_dev[0] == dev)
    {
        return m_dev[1];
    }
    if (m_dev[1] == dev)
    {
        return m_dev[0];
    }
    return nullptr;
}

Time
M3PortChannel::GetDelay() const
{
    return m_delay;
}

std::size_t
M3PortChannel::GetNDevices() const
{
    return m_nDevices;
}

Ptr<NetDevice>
M3PortChannel::GetDevice(std::size_t i) const
{
    return i < m_nDevices ? m_dev[i] : nullptr;
}

} // namespace ns3

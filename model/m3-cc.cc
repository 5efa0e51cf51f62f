// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-cc.cc - M3CongestionControl: the base of the per-flow congestion
 * controls (rate clamping, line-rate scaling, life cycle).
 */
#include "m3-cc.h"

#include "ns3/log.h"

#include <cmath>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("M3CongestionControl");

NS_OBJECT_ENSURE_REGISTERED(M3CongestionControl);

TypeId
M3CongestionControl::GetTypeId()
{
    // Abstract (OnAck is pure): no constructor. The subclasses carry the
    // parameters; the limits (min/max rate) live in the sender state.
    static TypeId tid = TypeId("ns3::M3CongestionControl").SetParent<Object>().SetGroupName("m3");
    return tid;
}

M3CongestionControl::M3CongestionControl()
    : m_sender(nullptr)
{
    NS_LOG_FUNCTION(this);
}

M3CongestionControl::~M3CongestionControl()
{
    NS_LOG_FUNCTION(this);
}

M3IntHeader::Mode
M3CongestionControl::GetIntMode() const
{
    return M3IntHeader::NONE;
}

bool
M3CongestionControl::UsesEcn() const
{
    return false;
}

void
M3CongestionControl::Start(M3RdmaSender* s)
{
    NS_LOG_FUNCTION(this << s);
    m_sender = s;
}

void
M3CongestionControl::OnSend(uint32_t payload)
{
}

void
M3CongestionControl::Stop()
{
    NS_LOG_FUNCTION(this);
    m_sender = nullptr;
}

void
M3CongestionControl::DoDispose()
{
    NS_LOG_FUNCTION(this);
    m_sender = nullptr;
    Object::DoDispose();
}

void
M3CongestionControl::SetRate(DataRate r)
{
    if (!m_sender)
    {
        return; // stopped: a late timer must not touch a finished flow
    }
    // max before min, so a misconfigured minRate > maxRate still ends at maxRate
    if (r < m_sender->minRate)
    {
        r = m_sender->minRate;
    }
    if (r > m_sender->maxRate)
    {
        r = m_sender->maxRate;
    }
    NS_LOG_LOGIC("flow " << m_sender->index << " rate " << m_sender->rate << " -> " << r);
    m_sender->rate = r;
}

DataRate
M3CongestionControl::ScaledIncrease(DataRate perTenGbps) const
{
    if (!m_sender)
    {
        return perTenGbps;
    }
    double scale = static_cast<double>(m_sender->lineRate.GetBitRate()) / 10e9;
    return DataRate(
        static_cast<uint64_t>(std::llround(static_cast<double>(perTenGbps.GetBitRate()) * scale)));
}

} // namespace ns3

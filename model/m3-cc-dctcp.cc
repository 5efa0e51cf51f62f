// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-cc-dctcp.cc - M3CcDctcp: rate-based DCTCP of the RDMA NIC.
 */
#include "m3-cc-dctcp.h"

#include "ns3/double.h"
#include "ns3/log.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("M3CcDctcp");

NS_OBJECT_ENSURE_REGISTERED(M3CcDctcp);

TypeId
M3CcDctcp::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::M3CcDctcp")
            .SetParent<M3CongestionControl>()
            .SetGroupName("m3")
            .AddConstructor<M3CcDctcp>()
            .AddAttribute("G",
                          "Gain of the ECN-fraction estimate alpha (once per window).",
                          DoubleValue(1.0 / 16),
                          MakeDoubleAccessor(&M3CcDctcp::m_g),
                          MakeDoubleChecker<double>(0.0, 1.0))
            .AddAttribute("AiRate",
                          "Additive increase per window of data at a 10 Gbps line "
                          "rate; scaled with the flow's line rate.",
                          DataRateValue(DataRate("615Mbps")),
                          MakeDataRateAccessor(&M3CcDctcp::m_aiRate),
                          MakeDataRateChecker());
    return tid;
}

M3CcDctcp::M3CcDctcp()
    : m_g(1.0 / 16)
    , m_aiRate("615Mbps")
    , m_alpha(1.0)
    , m_windowOpen(false)
    , m_windowEnd(0)
    , m_acks(0)
    , m_marked(0)
    , m_reducing(false)
    , m_reductionEnd(0)
{
    NS_LOG_FUNCTION(this);
}

M3CcDctcp::~M3CcDctcp()
{
    NS_LOG_FUNCTION(this);
}

bool
M3CcDctcp::UsesEcn() const
{
    return true;
}

void
M3CcDctcp::Start(M3RdmaSender* s)
{
    NS_LOG_FUNCTION(this << s);
    M3CongestionControl::Start(s);
    m_alpha = 1.0;
    m_windowOpen = false;
    m_windowEnd = 0;
    m_acks = 0;
    m_marked = 0;
    m_reducing = false;
    m_reductionEnd = 0;
}

void
M3CcDctcp::OnAck(const M3AckInfo& ack)
{
    NS_LOG_FUNCTION(this << ack.ackSeq << ack.ecnEcho);
    if (m_sender == nullptr)
    {
        return;
    }
    M3RdmaSender& s = *m_sender;

    // The counts include the ACK that closes a window, as the original's do.
    m_acks++;
    if (ack.ecnEcho)
    {
        m_marked++;
    }

    bool newWindow = false;
    if (!m_windowOpen)
    {
        // First feedback: only mark where the first window ends.
        m_windowOpen = true;
        m_windowEnd = s.sndNxt;
        newWindow = true;
    }
    else if (ack.ackSeq > m_windowEnd)
    {
        double f = std::min(1.0, static_cast<double>(m_marked) / m_acks);
        m_alpha = (1 - m_g) * m_alpha + m_g * f;
        NS_LOG_LOGIC("window done: F=" << f << " alpha=" << m_alpha);
        m_windowEnd = s.sndNxt;
        m_acks = 0;
        m_marked = 0;
        newWindow = true;
    }

    if (m_reducing && ack.ackSeq > m_reductionEnd)
    {
        m_reducing = false;
    }

    if (ack.ecnEcho && !m_reducing)
    {
        // One cut per window of data in flight, however many ACKs are marked.
        m_reducing = true;
        m_reductionEnd = s.sndNxt;
        double r = static_cast<double>(s.rate.GetBitRate()) * (1 - m_alpha / 2);
        NS_LOG_LOGIC("ECN cut to " << r << " bps");
        SetRate(DataRate(static_cast<uint64_t>(std::max(0.0, r))));
    }
    else if (!m_reducing && newWindow)
    {
        SetRate(DataRate(s.rate.GetBitRate() + ScaledIncrease(m_aiRate).GetBitRate()));
    }
}

double
M3CcDctcp::GetAlpha() const
{
    return m_alpha;
}

bool
M3CcDctcp::InReduction() const
{
    return m_reducing;
}

} // namespace ns3

// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-cc-timely.cc - M3CcTimely: RTT-gradient rate control.
 */
#include "m3-cc-timely.h"

#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/uinteger.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("M3CcTimely");

NS_OBJECT_ENSURE_REGISTERED(M3CcTimely);

TypeId
M3CcTimely::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::M3CcTimely")
            .SetParent<M3CongestionControl>()
            .SetGroupName("m3")
            .AddConstructor<M3CcTimely>()
            .AddAttribute("TLow",
                          "RTT below which the rate always increases.",
                          TimeValue(MicroSeconds(50)),
                          MakeTimeAccessor(&M3CcTimely::m_tLow),
                          MakeTimeChecker(Time(0)))
            .AddAttribute("THigh",
                          "RTT above which the rate is cut by "
                          "Beta (1 - THigh / rtt).",
                          TimeValue(MicroSeconds(125)),
                          MakeTimeAccessor(&M3CcTimely::m_tHigh),
                          MakeTimeChecker(Time(0)))
            .AddAttribute("Beta",
                          "Multiplicative decrease factor.",
                          DoubleValue(0.8),
                          MakeDoubleAccessor(&M3CcTimely::m_beta),
                          MakeDoubleChecker<double>(0.0, 1.0))
            .AddAttribute("Alpha",
                          "EWMA weight of the newest RTT difference.",
                          DoubleValue(0.875),
                          MakeDoubleAccessor(&M3CcTimely::m_alpha),
                          MakeDoubleChecker<double>(0.0, 1.0))
            .AddAttribute("MinRtt",
                          "Normalises the RTT gradient.",
                          TimeValue(MicroSeconds(20)),
                          MakeTimeAccessor(&M3CcTimely::m_minRtt),
                          MakeTimeChecker(NanoSeconds(1)))
            .AddAttribute("AiRate",
                          "Additive increase at a 10 Gbps line rate; scaled with "
                          "the flow's line rate.",
                          DataRateValue(DataRate("10Mbps")),
                          MakeDataRateAccessor(&M3CcTimely::m_aiRate),
                          MakeDataRateChecker())
            .AddAttribute("HyperAiRate",
                          "Hyper additive increase at a 10 Gbps line rate; scaled "
                          "with the flow's line rate.",
                          DataRateValue(DataRate("50Mbps")),
                          MakeDataRateAccessor(&M3CcTimely::m_hyperAiRate),
                          MakeDataRateChecker())
            .AddAttribute("HaiThreshold",
                          "Increases in a row after which HyperAiRate replaces AiRate.",
                          UintegerValue(5),
                          MakeUintegerAccessor(&M3CcTimely::m_haiThreshold),
                          MakeUintegerChecker<uint32_t>());
    return tid;
}

M3CcTimely::M3CcTimely()
    : m_tLow(MicroSeconds(50))
    , m_tHigh(MicroSeconds(125))
    , m_beta(0.8)
    , m_alpha(0.875)
    , m_minRtt(MicroSeconds(20))
    , m_aiRate("10Mbps")
    , m_hyperAiRate("50Mbps")
    , m_haiThreshold(5)
    , m_rc(0)
    , m_sampled(false)
    , m_lastUpdateSeq(0)
    , m_lastRtt(0)
    , m_rttDiff(0)
    , m_incStage(0)
{
    NS_LOG_FUNCTION(this);
}

M3CcTimely::~M3CcTimely()
{
    NS_LOG_FUNCTION(this);
}

M3IntHeader::Mode
M3CcTimely::GetIntMode() const
{
    return M3IntHeader::TIMELY;
}

void
M3CcTimely::Start(M3RdmaSender* s)
{
    NS_LOG_FUNCTION(this << s);
    M3CongestionControl::Start(s);
    m_rc = static_cast<double>(s->rate.GetBitRate());
    m_sampled = false;
    m_lastUpdateSeq = 0;
    m_lastRtt = 0;
    m_rttDiff = 0;
    m_incStage = 0;
}

void
M3CcTimely::OnAck(const M3AckInfo& ack)
{
    NS_LOG_FUNCTION(this << ack.ackSeq);
    if (m_sender == nullptr || ack.intHeader == nullptr ||
        ack.intHeader->mode != M3IntHeader::TIMELY)
    {
        return;
    }
    // Between updates TIMELY does nothing (the original's fast react is empty).
    if (m_sampled && ack.ackSeq <= m_lastUpdateSeq)
    {
        return;
    }
    M3RdmaSender& s = *m_sender;
    int64_t nowNs = ack.now.GetNanoSeconds();
    if (static_cast<uint64_t>(nowNs) < ack.intHeader->tsNs)
    {
        NS_LOG_WARN("echoed timestamp in the future; ACK ignored");
        return;
    }
    double rtt = static_cast<double>(static_cast<uint64_t>(nowNs) - ack.intHeader->tsNs);

    if (m_sampled)
    {
        double diff = rtt - m_lastRtt;
        double smoothed = (1 - m_alpha) * m_rttDiff + m_alpha * diff;
        double gradient = smoothed / static_cast<double>(m_minRtt.GetNanoSeconds());
        double tLow = static_cast<double>(m_tLow.GetNanoSeconds());
        double tHigh = static_cast<double>(m_tHigh.GetNanoSeconds());
        bool increase = false;
        double factor = 1;
        if (rtt < tLow)
        {
            increase = true;
        }
        else if (rtt > tHigh)
        {
            factor = 1 - m_beta * (1 - tHigh / rtt);
        }
        else if (gradient <= 0)
        {
            increase = true;
        }
        else
        {
            factor = std::max(0.0, 1 - m_beta * gradient);
        }

        double r;
        if (increase)
        {
            DataRate step = m_incStage < m_haiThreshold ? m_aiRate : m_hyperAiRate;
            r = m_rc + static_cast<double>(ScaledIncrease(step).GetBitRate());
            m_incStage++;
        }
        else
        {
            r = m_rc * factor;
            m_incStage = 0;
        }
        r = std::max(static_cast<double>(s.minRate.GetBitRate()),
                     std::min(static_cast<double>(s.maxRate.GetBitRate()), r));
        NS_LOG_LOGIC("rtt=" << rtt << " g=" << gradient << " R=" << r);
        SetRate(DataRate(static_cast<uint64_t>(r)));
        m_rc = r;
        m_rttDiff = smoothed;
    }
    m_sampled = true;
    m_lastRtt = rtt;
    m_lastUpdateSeq = s.sndNxt;
}

double
M3CcTimely::GetRttDiff() const
{
    return m_rttDiff;
}

uint32_t
M3CcTimely::GetIncreaseStage() const
{
    return m_incStage;
}

} // namespace ns3

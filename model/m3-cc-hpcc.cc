// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-cc-hpcc.cc - M3CcHpcc: HPCC rate control from echoed INT records.
 */
#include "m3-cc-hpcc.h"

#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/uinteger.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("M3CcHpcc");

NS_OBJECT_ENSURE_REGISTERED(M3CcHpcc);

TypeId
M3CcHpcc::GetTypeId()
{
    static TypeId tid = TypeId("ns3::M3CcHpcc")
                            .SetParent<M3CongestionControl>()
                            .SetGroupName("m3")
                            .AddConstructor<M3CcHpcc>()
                            .AddAttribute("Eta",
                                          "Target utilisation of the busiest hop.",
                                          DoubleValue(0.95),
                                          MakeDoubleAccessor(&M3CcHpcc::m_eta),
                                          MakeDoubleChecker<double>(1e-6, 10.0))
                            .AddAttribute("AiRate",
                                          "Additive increase R_AI at a 10 Gbps line rate; scaled "
                                          "with the flow's line rate.",
                                          DataRateValue(DataRate("750Mbps")),
                                          MakeDataRateAccessor(&M3CcHpcc::m_aiRate),
                                          MakeDataRateChecker())
                            .AddAttribute("MaxStage",
                                          "Additive-increase stages before the multiplicative "
                                          "branch is forced (0: always multiplicative).",
                                          UintegerValue(0),
                                          MakeUintegerAccessor(&M3CcHpcc::m_maxStage),
                                          MakeUintegerChecker<uint32_t>());
    return tid;
}

M3CcHpcc::M3CcHpcc()
    : m_eta(0.95)
    , m_aiRate("750Mbps")
    , m_maxStage(0)
    , m_u(1.0)
    , m_rc(0)
    , m_stage(0)
    , m_recorded(false)
    , m_lastUpdateSeq(0)
    , m_nHops(0)
{
    NS_LOG_FUNCTION(this);
}

M3CcHpcc::~M3CcHpcc()
{
    NS_LOG_FUNCTION(this);
}

M3IntHeader::Mode
M3CcHpcc::GetIntMode() const
{
    return M3IntHeader::HPCC;
}

void
M3CcHpcc::Start(M3RdmaSender* s)
{
    NS_LOG_FUNCTION(this << s);
    M3CongestionControl::Start(s);
    m_u = 1.0;
    m_rc = static_cast<double>(s->rate.GetBitRate());
    m_stage = 0;
    m_recorded = false;
    m_lastUpdateSeq = 0;
    m_nHops = 0;
}

void
M3CcHpcc::Record(const M3IntHeader& h)
{
    m_nHops = std::min<uint16_t>(h.nHops, M3IntHeader::kMaxHops);
    for (uint16_t i = 0; i < m_nHops; i++)
    {
        m_prev[i] = h.hops[i];
    }
    m_recorded = true;
}

void
M3CcHpcc::OnAck(const M3AckInfo& ack)
{
    NS_LOG_FUNCTION(this << ack.ackSeq);
    if (m_sender == nullptr || ack.intHeader == nullptr || ack.intHeader->mode != M3IntHeader::HPCC)
    {
        return;
    }
    M3RdmaSender& s = *m_sender;
    const M3IntHeader& h = *ack.intHeader;
    uint16_t nHops = std::min<uint16_t>(h.nHops, M3IntHeader::kMaxHops);
    bool perRtt = ack.ackSeq > m_lastUpdateSeq;

    if (!m_recorded || nHops != m_nHops)
    {
        // No comparable previous records (first ACK, or the path changed).
        Record(h);
        if (perRtt)
        {
            m_lastUpdateSeq = s.sndNxt;
        }
        return;
    }

    double baseRttNs = s.baseRtt.GetNanoSeconds();
    double baseRttS = s.baseRtt.GetSeconds();
    double bigU = 0;
    uint64_t dt = 0;
    bool updated = false;
    for (uint16_t i = 0; i < nHops; i++)
    {
        const M3IntHeader::Hop& now = h.hops[i];
        uint64_t tau = now.TimeDelta(m_prev[i]);
        if (tau == 0 || now.rateBps == 0)
        {
            // Same dequeue instant (e.g. a duplicate): keep the older record,
            // so the next delta still spans real time.
            continue;
        }
        double b = static_cast<double>(now.rateBps);
        double txRate = static_cast<double>(now.BytesDelta(m_prev[i])) * 8 * 1e9 / tau;
        double qlen = static_cast<double>(std::min(now.qlenBytes, m_prev[i].qlenBytes));
        double ui = txRate / b;
        if (baseRttS > 0)
        {
            ui += qlen * 8 / (b * baseRttS);
        }
        NS_LOG_LOGIC("hop " << i << ": tau " << tau << " ns, " << now.BytesDelta(m_prev[i])
                            << " B, qlen " << qlen << " B, rate " << now.rateBps << " -> u " << ui);
        if (ui > bigU)
        {
            bigU = ui;
            dt = tau;
        }
        updated = true;
        m_prev[i] = now;
    }

    if (updated)
    {
        double tau = std::min(static_cast<double>(dt), baseRttNs);
        if (baseRttNs > 0)
        {
            m_u = (m_u * (baseRttNs - tau) + bigU * tau) / baseRttNs;
        }
        else
        {
            m_u = bigU;
        }
        double k = m_u / m_eta;
        double maxBps = static_cast<double>(s.maxRate.GetBitRate());
        double minBps = static_cast<double>(s.minRate.GetBitRate());
        double ai = static_cast<double>(ScaledIncrease(m_aiRate).GetBitRate());
        double r;
        uint32_t stage;
        if (k >= 1 || m_stage >= m_maxStage)
        {
            // k == 0 means an idle path: as fast as allowed.
            r = k > 0 ? m_rc / k + ai : maxBps;
            stage = 0;
        }
        else
        {
            r = m_rc + ai;
            stage = m_stage + 1;
        }
        r = std::max(minBps, std::min(maxBps, r));
        NS_LOG_LOGIC("U=" << bigU << " u=" << m_u << " k=" << k << " R=" << r);
        SetRate(DataRate(static_cast<uint64_t>(r)));
        if (perRtt)
        {
            m_rc = r;
            m_stage = stage;
        }
    }
    if (perRtt)
    {
        m_lastUpdateSeq = s.sndNxt;
    }
}

double
M3CcHpcc::GetUtilisation() const
{
    return m_u;
}

DataRate
M3CcHpcc::GetReferenceRate() const
{
    return DataRate(static_cast<uint64_t>(m_rc));
}

uint32_t
M3CcHpcc::GetStage() const
{
    return m_stage;
}

} // namespace ns3

// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-cc-dcqcn.cc - M3CcDcqcn: timer-driven DCQCN.
 */
#include "m3-cc-dcqcn.h"

#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("M3CcDcqcn");

NS_OBJECT_ENSURE_REGISTERED(M3CcDcqcn);

TypeId
M3CcDcqcn::GetTypeId()
{
    static TypeId tid = TypeId("ns3::M3CcDcqcn")
                            .SetParent<M3CongestionControl>()
                            .SetGroupName("m3")
                            .AddConstructor<M3CcDcqcn>()
                            .AddAttribute("G",
                                          "Gain of alpha at each alpha-timer tick.",
                                          DoubleValue(1.0 / 256),
                                          MakeDoubleAccessor(&M3CcDcqcn::m_g),
                                          MakeDoubleChecker<double>(0.0, 1.0))
                            .AddAttribute("AlphaTimer",
                                          "Period of the alpha update.",
                                          TimeValue(MicroSeconds(50)),
                                          MakeTimeAccessor(&M3CcDcqcn::m_alphaPeriod),
                                          MakeTimeChecker(NanoSeconds(1)))
                            .AddAttribute("DecreaseTimer",
                                          "Period of the rate-decrease check.",
                                          TimeValue(MicroSeconds(50)),
                                          MakeTimeAccessor(&M3CcDcqcn::m_decreasePeriod),
                                          MakeTimeChecker(NanoSeconds(1)))
                            .AddAttribute("IncreaseTimer",
                                          "Period of the rate-increase events after a decrease.",
                                          TimeValue(MicroSeconds(55)),
                                          MakeTimeAccessor(&M3CcDcqcn::m_increasePeriod),
                                          MakeTimeChecker(NanoSeconds(1)))
                            .AddAttribute("FastRecoveryStages",
                                          "F: increase events that only average toward the target.",
                                          UintegerValue(1),
                                          MakeUintegerAccessor(&M3CcDcqcn::m_fastRecovery),
                                          MakeUintegerChecker<uint32_t>())
                            .AddAttribute("AiRate",
                                          "Active increase of the target at a 10 Gbps line rate; "
                                          "scaled with the flow's line rate.",
                                          DataRateValue(DataRate("2Mbps")),
                                          MakeDataRateAccessor(&M3CcDcqcn::m_aiRate),
                                          MakeDataRateChecker())
                            .AddAttribute("HyperAiRate",
                                          "Hyper increase of the target at a 10 Gbps line rate; "
                                          "scaled with the flow's line rate.",
                                          DataRateValue(DataRate("20Mbps")),
                                          MakeDataRateAccessor(&M3CcDcqcn::m_hyperAiRate),
                                          MakeDataRateChecker());
    return tid;
}

M3CcDcqcn::M3CcDcqcn()
    : m_g(1.0 / 256)
    , m_alphaPeriod(MicroSeconds(50))
    , m_decreasePeriod(MicroSeconds(50))
    , m_increasePeriod(MicroSeconds(55))
    , m_fastRecovery(1)
    , m_aiRate("2Mbps")
    , m_hyperAiRate("20Mbps")
    , m_alpha(1.0)
    , m_target(0)
    , m_stage(0)
    , m_seenEcn(false)
    , m_alphaEcho(false)
    , m_decreaseEcho(false)
{
    NS_LOG_FUNCTION(this);
}

M3CcDcqcn::~M3CcDcqcn()
{
    NS_LOG_FUNCTION(this);
}

bool
M3CcDcqcn::UsesEcn() const
{
    return true;
}

void
M3CcDcqcn::Start(M3RdmaSender* s)
{
    NS_LOG_FUNCTION(this << s);
    CancelTimers();
    M3CongestionControl::Start(s);
    m_alpha = 1.0;
    m_target = static_cast<double>(s->rate.GetBitRate());
    m_stage = 0;
    m_seenEcn = false;
    m_alphaEcho = false;
    m_decreaseEcho = false;
}

void
M3CcDcqcn::OnAck(const M3AckInfo& ack)
{
    NS_LOG_FUNCTION(this << ack.ackSeq << ack.ecnEcho);
    if (m_sender == nullptr || !ack.ecnEcho)
    {
        return;
    }
    m_alphaEcho = true;
    m_decreaseEcho = true;
    if (!m_seenEcn)
    {
        m_seenEcn = true;
        // alpha = 1 already counts this echo, so the first tick only decays.
        m_alpha = 1.0;
        m_alphaEcho = false;
        m_target = static_cast<double>(m_sender->rate.GetBitRate());
        m_alphaEvent = Simulator::Schedule(m_alphaPeriod, &M3CcDcqcn::AlphaTick, this);
        // 1 ns later so that a decrease sees the alpha of the same tick.
        m_decreaseEvent =
            Simulator::Schedule(m_decreasePeriod + NanoSeconds(1), &M3CcDcqcn::DecreaseTick, this);
    }
}

void
M3CcDcqcn::AlphaTick()
{
    NS_LOG_FUNCTION(this);
    m_alpha = (1 - m_g) * m_alpha + (m_alphaEcho ? m_g : 0.0);
    m_alphaEcho = false;
    NS_LOG_LOGIC("alpha=" << m_alpha);
    m_alphaEvent = Simulator::Schedule(m_alphaPeriod, &M3CcDcqcn::AlphaTick, this);
}

void
M3CcDcqcn::DecreaseTick()
{
    NS_LOG_FUNCTION(this);
    m_decreaseEvent = Simulator::Schedule(m_decreasePeriod, &M3CcDcqcn::DecreaseTick, this);
    if (!m_decreaseEcho || m_sender == nullptr)
    {
        return;
    }
    m_decreaseEcho = false;
    double rate = static_cast<double>(m_sender->rate.GetBitRate());
    m_target = rate;
    double cut =
        std::max(static_cast<double>(m_sender->minRate.GetBitRate()), rate * (1 - m_alpha / 2));
    NS_LOG_LOGIC("decrease to " << cut << " bps, target " << m_target);
    SetRate(DataRate(static_cast<uint64_t>(cut)));
    m_stage = 0;
    m_increaseEvent.Cancel();
    m_increaseEvent = Simulator::Schedule(m_increasePeriod, &M3CcDcqcn::IncreaseTick, this);
}

void
M3CcDcqcn::IncreaseTick()
{
    NS_LOG_FUNCTION(this);
    m_increaseEvent = Simulator::Schedule(m_increasePeriod, &M3CcDcqcn::IncreaseTick, this);
    if (m_sender == nullptr)
    {
        return;
    }
    double maxBps = static_cast<double>(m_sender->maxRate.GetBitRate());
    if (m_stage == m_fastRecovery)
    {
        m_target += static_cast<double>(ScaledIncrease(m_aiRate).GetBitRate());
    }
    else if (m_stage > m_fastRecovery)
    {
        m_target += static_cast<double>(ScaledIncrease(m_hyperAiRate).GetBitRate());
    }
    m_target = std::min(m_target, maxBps);
    double rate = static_cast<double>(m_sender->rate.GetBitRate());
    SetRate(DataRate(static_cast<uint64_t>((rate + m_target) / 2)));
    NS_LOG_LOGIC("stage " << m_stage << ": target " << m_target << " rate "
                          << m_sender->rate.GetBitRate());
    m_stage++;
}

void
M3CcDcqcn::CancelTimers()
{
    m_alphaEvent.Cancel();
    m_decreaseEvent.Cancel();
    m_increaseEvent.Cancel();
}

void
M3CcDcqcn::Stop()
{
    NS_LOG_FUNCTION(this);
    CancelTimers();
    M3CongestionControl::Stop();
}

void
M3CcDcqcn::DoDispose()
{
    NS_LOG_FUNCTION(this);
    CancelTimers();
    M3CongestionControl::DoDispose();
}

double
M3CcDcqcn::GetAlpha() const
{
    return m_alpha;
}

DataRate
M3CcDcqcn::GetTargetRate() const
{
    return DataRate(static_cast<uint64_t>(m_target));
}

uint32_t
M3CcDcqcn::GetStage() const
{
    return m_stage;
}

} // namespace ns3

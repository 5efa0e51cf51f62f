/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-cc-dcqcn.h - DCQCN, timer-driven Mellanox flavour, as in the
 * HPCC-paper simulator (packet-model.md section 4).
 */
#ifndef M3_CC_DCQCN_H
#define M3_CC_DCQCN_H

#include "ns3/data-rate.h"
#include "ns3/event-id.h"
#include "ns3/m3-cc.h"
#include "ns3/nstime.h"

#include <cstdint>

namespace ns3
{

/**
 * \ingroup m3
 * \brief DCQCN reaction point driven by three timers.
 *
 * ECN echoes only set "arrived" bits; the first one also sets alpha = 1
 * and starts the alpha timer (every AlphaTimer: alpha = (1 - G) alpha
 * [+ G if an echo arrived since the last tick]) and the decrease timer
 * (every DecreaseTimer, 1 ns after the alpha tick of the same instant, as
 * the original: if an echo arrived, target = rate, rate = rate (1 -
 * alpha / 2), stage = 0, and the increase timer restarts). Every
 * IncreaseTimer: fast recovery (stage < F) averages rate toward target;
 * at stage F the target first grows by AiRate, later by HyperAiRate
 * (both scaled with the line rate, target capped at maxRate); stage + 1.
 * Timers run until Stop().
 */
class M3CcDcqcn : public M3CongestionControl
{
  public:
    static TypeId GetTypeId();
    M3CcDcqcn();
    ~M3CcDcqcn() override;

    bool UsesEcn() const override;
    void Start(M3RdmaSender* s) override;
    void OnAck(const M3AckInfo& ack) override;
    void Stop() override;

    /** The ECN estimate alpha (for tests and logs). */
    double GetAlpha() const;
    /** The target rate of the recovery. */
    DataRate GetTargetRate() const;
    /** Increase events since the last decrease. */
    uint32_t GetStage() const;

  protected:
    void DoDispose() override;

  private:
    void AlphaTick();
    void DecreaseTick();
    void IncreaseTick();
    void CancelTimers();

    double m_g;              //!< alpha gain
    Time m_alphaPeriod;      //!< alpha timer period
    Time m_decreasePeriod;   //!< decrease timer period
    Time m_increasePeriod;   //!< increase timer period
    uint32_t m_fastRecovery; //!< F: fast-recovery stages
    DataRate m_aiRate;       //!< active increase at 10 Gbps
    DataRate m_hyperAiRate;  //!< hyper increase at 10 Gbps

    double m_alpha;      //!< ECN estimate
    double m_target;     //!< target rate, bps
    uint32_t m_stage;    //!< increase events since the last decrease
    bool m_seenEcn;      //!< an echo has arrived (timers running)
    bool m_alphaEcho;    //!< an echo arrived since the last alpha tick
    bool m_decreaseEcho; //!< an echo arrived since the last decrease tick
    EventId m_alphaEvent;
    EventId m_decreaseEvent;
    EventId m_increaseEvent;
};

} // namespace ns3

#endif /* M3_CC_DCQCN_H */

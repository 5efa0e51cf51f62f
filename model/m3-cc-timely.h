/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-cc-timely.h - TIMELY (SIGCOMM 2015) as in the HPCC-paper simulator
 * (packet-model.md section 4): RTT-gradient rate control.
 */
#ifndef M3_CC_TIMELY_H
#define M3_CC_TIMELY_H

#include "ns3/data-rate.h"
#include "ns3/m3-cc.h"
#include "ns3/nstime.h"

#include <cstdint>

namespace ns3
{

/**
 * \ingroup m3
 * \brief TIMELY: one rate update per RTT from the echoed send timestamp.
 *
 * rtt = now - the echoed send time. Once per RTT (an ACK passes sndNxt as
 * recorded at the previous update; the first sample only records):
 * diff = rtt - last rtt; the smoothed difference d = (1 - Alpha) d_prev +
 * Alpha diff is kept in ns and normalised only for the decision, gradient
 * g = d / MinRtt (the original's reading of "((1 - a) g_prev + a diff) /
 * minRtt": the EWMA runs on raw differences). Then, from the reference
 * rate Rc (the rate set at the previous update):
 * rtt < TLow -> increase; rtt > THigh -> Rc (1 - Beta (1 - THigh / rtt));
 * g <= 0 -> increase; else Rc max(0, 1 - Beta g). An increase adds AiRate,
 * or HyperAiRate once HaiThreshold increases in a row have happened (both
 * scaled with the line rate). The result is clamped to [minRate, maxRate].
 */
class M3CcTimely : public M3CongestionControl
{
  public:
    static TypeId GetTypeId();
    M3CcTimely();
    ~M3CcTimely() override;

    M3IntHeader::Mode GetIntMode() const override;
    void Start(M3RdmaSender* s) override;
    void OnAck(const M3AckInfo& ack) override;

    /** The smoothed RTT difference in ns (before normalisation). */
    double GetRttDiff() const;
    /** Increases in a row. */
    uint32_t GetIncreaseStage() const;

  private:
    Time m_tLow;             //!< below: always increase
    Time m_tHigh;            //!< above: multiplicative cut
    double m_beta;           //!< decrease factor
    double m_alpha;          //!< EWMA weight of the new RTT difference
    Time m_minRtt;           //!< normalises the gradient
    DataRate m_aiRate;       //!< additive increase at 10 Gbps
    DataRate m_hyperAiRate;  //!< hyper increase at 10 Gbps
    uint32_t m_haiThreshold; //!< increases in a row before hyper increase

    double m_rc;              //!< reference rate, bps
    bool m_sampled;           //!< a first RTT has been recorded
    uint64_t m_lastUpdateSeq; //!< the next update happens when an ACK passes this
    double m_lastRtt;         //!< ns
    double m_rttDiff;         //!< smoothed RTT difference, ns
    uint32_t m_incStage;      //!< increases in a row
};

} // namespace ns3

#endif /* M3_CC_TIMELY_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-cc-dctcp.h - DCTCP as the NIC-level rate control of the HPCC-paper
 * simulator (packet-model.md section 4), not TCP's window DCTCP.
 */
#ifndef M3_CC_DCTCP_H
#define M3_CC_DCTCP_H

#include "ns3/data-rate.h"
#include "ns3/m3-cc.h"

#include <cstdint>

namespace ns3
{

/**
 * \ingroup m3
 * \brief Rate-based DCTCP: ECN fraction per window, one cut per window.
 *
 * Once per window of data (the first ACK whose sequence passes sndNxt as
 * recorded at the previous update) the marked fraction F of the ACKs seen
 * since that update moves alpha = (1 - G) alpha + G F (alpha starts at 1).
 * An ECN echo outside a reduction period cuts rate to rate (1 - alpha / 2)
 * and opens a reduction period that ends when an ACK passes sndNxt as it
 * was at the cut. Outside reductions, each window adds AiRate (scaled with
 * the line rate). The very first ACK only records where the window ends.
 */
class M3CcDctcp : public M3CongestionControl
{
  public:
    static TypeId GetTypeId();
    M3CcDctcp();
    ~M3CcDctcp() override;

    bool UsesEcn() const override;
    void Start(M3RdmaSender* s) override;
    void OnAck(const M3AckInfo& ack) override;

    /** The current ECN estimate (for tests and logs). */
    double GetAlpha() const;
    /** Whether a reduction period is open. */
    bool InReduction() const;

  private:
    double m_g;        //!< alpha gain G
    DataRate m_aiRate; //!< additive increase per window at 10 Gbps

    double m_alpha;          //!< ECN estimate
    bool m_windowOpen;       //!< a window end has been recorded (first ACK seen)
    uint64_t m_windowEnd;    //!< the next update happens when an ACK passes this
    uint32_t m_acks;         //!< ACKs seen since the last update
    uint32_t m_marked;       //!< of which ECN-echoed
    bool m_reducing;         //!< inside a reduction period
    uint64_t m_reductionEnd; //!< the period ends when an ACK passes this
};

} // namespace ns3

#endif /* M3_CC_DCTCP_H */

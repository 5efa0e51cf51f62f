/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-cc-hpcc.h - HPCC (SIGCOMM 2019) as in the HPCC-paper simulator
 * (packet-model.md section 4): INT-driven, per-ACK "fast react".
 */
#ifndef M3_CC_HPCC_H
#define M3_CC_HPCC_H

#include "ns3/data-rate.h"
#include "ns3/m3-cc.h"

#include <cstdint>

namespace ns3
{

/**
 * \ingroup m3
 * \brief HPCC: rate from the normalised inflight bytes of the busiest hop.
 *
 * Per ACK, each hop's echoed INT record is compared with the previous
 * ACK's record of that hop: u_i = txRate / B_i + min(qlen, qlen_prev) x 8 /
 * (B_i T), T = base RTT. U = max u_i smooths into u = (u (T - tau) + U tau)
 * / T, tau the busiest hop's record interval, capped at T. With k = u / Eta:
 * R = Rc / k + R_AI (stage 0) when k >= 1 or the stage reached MaxStage,
 * else R = Rc + R_AI (stage + 1). R is applied on every ACK; once per RTT
 * (an ACK passes sndNxt as recorded at the previous update) it becomes the
 * reference Rc. The first ACK, and the first after a change in hop count
 * (a new path), only record the INT state.
 */
class M3CcHpcc : public M3CongestionControl
{
  public:
    static TypeId GetTypeId();
    M3CcHpcc();
    ~M3CcHpcc() override;

    M3IntHeader::Mode GetIntMode() const override;
    void Start(M3RdmaSender* s) override;
    void OnAck(const M3AckInfo& ack) override;

    /** The smoothed utilisation u (for tests and logs). */
    double GetUtilisation() const;
    /** The reference rate Rc. */
    DataRate GetReferenceRate() const;
    /** The additive-increase stage of the reference. */
    uint32_t GetStage() const;

  private:
    /** Remembers \p h's hop records as the previous ones. */
    void Record(const M3IntHeader& h);

    double m_eta;        //!< target utilisation
    DataRate m_aiRate;   //!< R_AI at 10 Gbps
    uint32_t m_maxStage; //!< additive stages before the multiplicative branch

    double m_u;                                     //!< smoothed utilisation, starts at 1
    double m_rc;                                    //!< reference rate Rc, bps
    uint32_t m_stage;                               //!< stage of the reference
    bool m_recorded;                                //!< previous records are valid
    uint64_t m_lastUpdateSeq;                       //!< Rc updates when an ACK passes this
    uint16_t m_nHops;                               //!< hop count of the previous records
    M3IntHeader::Hop m_prev[M3IntHeader::kMaxHops]; //!< previous ACK's records
};

} // namespace ns3

#endif /* M3_CC_HPCC_H */

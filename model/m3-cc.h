/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-cc.h - the congestion-control interface of the host NIC
 * (packet-model.md section 4). One object per flow; the subclasses
 * (M3CcDctcp, M3CcHpcc, M3CcDcqcn, M3CcTimely) are small and hold only
 * their own algorithm. All are rate based: the NIC paces at the rate and
 * derives the window from it.
 */
#ifndef M3_CC_H
#define M3_CC_H

#include "ns3/m3-rdma-flow.h"
#include "ns3/m3-rdma-header.h"
#include "ns3/object.h"

namespace ns3
{

/**
 * \ingroup m3
 * \brief Base class of the per-flow congestion controls.
 *
 * Life cycle: the NIC creates one instance per flow from an ObjectFactory,
 * calls Start() when the flow starts (rate = maxRate), OnAck() for every
 * ACK and NACK after it has updated sndUna, OnSend() as each data packet
 * leaves, and Stop() when the flow is done (cancel timers there).
 */
class M3CongestionControl : public Object
{
  public:
    static TypeId GetTypeId();
    M3CongestionControl();
    ~M3CongestionControl() override;

    /** The INT header data packets must carry (HPCC: records, TIMELY: timestamp). */
    virtual M3IntHeader::Mode GetIntMode() const;
    /** Whether switches should ECN-mark for this CC (DCTCP, DCQCN). */
    virtual bool UsesEcn() const;

    /** The flow starts; \p s outlives this object's use (until Stop). */
    virtual void Start(M3RdmaSender* s);
    /** Per ACK or NACK. */
    virtual void OnAck(const M3AckInfo& ack) = 0;
    /** A data packet of \p payload bytes is leaving (sndNxt already advanced). */
    virtual void OnSend(uint32_t payload);
    /** The flow is done or torn down: cancel timers, drop the sender pointer. */
    virtual void Stop();

  protected:
    void DoDispose() override;
    /** Sets the flow's rate clamped to [minRate, maxRate]. */
    void SetRate(DataRate r);
    /** Additive increase scaled with the line rate: \p perTenGbps at 10 Gbps. */
    DataRate ScaledIncrease(DataRate perTenGbps) const;

    M3RdmaSender* m_sender; //!< null before Start and after Stop
};

} // namespace ns3

#endif /* M3_CC_H */

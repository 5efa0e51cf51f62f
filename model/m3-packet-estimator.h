/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-packet-estimator.h - the "packet" mode as an M3Estimator: the
 * packet-level ns-3 network of M3PacketHelper (RDMA NICs, PFC,
 * shared-buffer switches, ECN, INT), the ground truth of the other modes.
 *
 * Design: one Estimate() = one M3PacketHelper: Install, optional PFC log,
 * Run, collect, Simulator::Destroy: the estimate takes the ns-3 simulator
 * for itself (events scheduled before it are run or destroyed with it).
 * Configuration warnings (switches whose
 * PFC headroom and reserve exceed their buffer) are printed on stderr as
 * soon as the network is built, before the long run, and stored in the
 * result. Flows that do not finish (stalled, or past TimeLimit) keep FCT
 * NaN: they are counted in the result's `unfinished`, reported, and left
 * out of the percentiles, never dropped silently. Cost: the packet-level
 * simulation, minutes for m3's 256-host fat-tree with 20k flows.
 */
#ifndef M3_PACKET_ESTIMATOR_H
#define M3_PACKET_ESTIMATOR_H

#include "ns3/m3-estimator.h"
#include "ns3/nstime.h"

namespace ns3
{

/**
 * \ingroup m3
 * \brief The packet-level simulation of a scenario (M3PacketHelper).
 *
 * Attributes: ProgressInterval (wall seconds between progress lines on
 * stderr, 0 = none), StallTime (stop when no flow progresses for this long
 * in simulated time), TimeLimit (stop at this simulated time, 0 = none),
 * PfcLogFile (PFC frames sent, `time_ns node port queue type`).
 */
class M3PacketEstimator : public M3Estimator
{
  public:
    static TypeId GetTypeId();
    M3PacketEstimator();
    ~M3PacketEstimator() override;

    std::string GetModeName() const override;

  protected:
    bool DoEstimate(Ptr<M3Scenario> scenario, M3Result& result, std::string* error) override;
    /** M3PacketHelper::Check, and that PfcLogFile can be written. */
    bool DoCheck(Ptr<M3Scenario> scenario, std::string* error) override;
    /** M3PacketHelper::CheckMemory for \p numFlows flows. */
    bool DoCheckFlowCount(Ptr<M3Scenario> scenario,
                          uint64_t numFlows,
                          const std::string& where,
                          std::string* error) override;

  private:
    double m_progressInterval; //!< wall seconds between progress lines (0 = none)
    Time m_stallTime;          //!< stop after this long without progress
    Time m_timeLimit;          //!< simulated time limit (0 = none)
    std::string m_pfcLogFile;  //!< PFC log file (empty = none)
};

} // namespace ns3

#endif /* M3_PACKET_ESTIMATOR_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-flowsim-estimator.h - the "flowsim" mode as an M3Estimator: max-min
 * fair fluid simulation of the whole routed network by the C core
 * (m3_estimate_flowsim), with per-flow FCTs.
 *
 * Design: a thin wrapper; the core does the work and the summary, so this
 * mode's numbers are the core's exactly (the tests compare flow by flow).
 * Cost: the core's flowSim, O(events x active path classes x path length);
 * about 6 k flows/s on a 256-host fat-tree with bursty arrivals.
 */
#ifndef M3_FLOWSIM_ESTIMATOR_H
#define M3_FLOWSIM_ESTIMATOR_H

#include "ns3/m3-estimator.h"

namespace ns3
{

/**
 * \ingroup m3
 * \brief flowSim over the whole network: fluid FCT plus each path's base
 * delay, divided by the ideal FCT. No attributes: the scenario's
 * configuration (mtu, nic_rate_gbps) is all it reads.
 */
class M3FlowSimEstimator : public M3Estimator
{
  public:
    static TypeId GetTypeId();
    M3FlowSimEstimator();
    ~M3FlowSimEstimator() override;

    std::string GetModeName() const override;

  protected:
    bool DoEstimate(Ptr<M3Scenario> scenario, M3Result& result, std::string* error) override;
};

} // namespace ns3

#endif /* M3_FLOWSIM_ESTIMATOR_H */

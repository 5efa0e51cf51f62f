// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-flowsim-estimator.cc - M3FlowSimEstimator: m3_estimate_flowsim on the
 * scenario (see the header).
 */
#include "m3-flowsim-estimator.h"

#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("M3FlowSimEstimator");
NS_OBJECT_ENSURE_REGISTERED(M3FlowSimEstimator);

TypeId
M3FlowSimEstimator::GetTypeId()
{
    static TypeId tid = TypeId("ns3::M3FlowSimEstimator")
                            .SetParent<M3Estimator>()
                            .SetGroupName("m3")
                            .AddConstructor<M3FlowSimEstimator>();
    return tid;
}

M3FlowSimEstimator::M3FlowSimEstimator()
{
    NS_LOG_FUNCTION(this);
}

M3FlowSimEstimator::~M3FlowSimEstimator()
{
    NS_LOG_FUNCTION(this);
}

std::string
M3FlowSimEstimator::GetModeName() const
{
    return "flowsim";
}

bool
M3FlowSimEstimator::DoEstimate(Ptr<M3Scenario> scenario, M3Result& result, std::string* error)
{
    NS_LOG_FUNCTION(this << scenario);
    m3_error err;
    if (m3_estimate_flowsim(&scenario->GetScenario(), scenario->GetRouting(), result.Raw(), &err) !=
        0)
    {
        *error = err.msg;
        return false;
    }
    return true;
}

} // namespace ns3

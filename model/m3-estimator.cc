// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-estimator.cc - M3Estimator: the checks, error prefix and wall time
 * every mode shares (see the header).
 */
#include "m3-estimator.h"

#include "ns3/log.h"

#include <chrono>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("M3Estimator");
NS_OBJECT_ENSURE_REGISTERED(M3Estimator);

TypeId
M3Estimator::GetTypeId()
{
    static TypeId tid = TypeId("ns3::M3Estimator").SetParent<Object>().SetGroupName("m3");
    return tid;
}

M3Estimator::M3Estimator()
{
    NS_LOG_FUNCTION(this);
}

M3Estimator::~M3Estimator()
{
    NS_LOG_FUNCTION(this);
}

bool
M3Estimator::DoCheck(Ptr<M3Scenario> scenario, std::string* error)
{
    return true;
}

bool
M3Estimator::DoCheckFlowCount(Ptr<M3Scenario> scenario,
                              uint64_t numFlows,
                              const std::string& where,
                              std::string* error)
{
    return true;
}

bool
M3Estimator::CheckFlowCount(Ptr<M3Scenario> scenario,
                            uint64_t numFlows,
                            const std::string& where,
                            std::string* error)
{
    NS_LOG_FUNCTION(this << scenario << numFlows << where);
    const std::string mode = GetModeName();
    std::string msg;
    if (!scenario || !scenario->HasTopology() || !scenario->GetRouting())
    {
        msg = "the scenario has no topology";
    }
    else if (DoCheckFlowCount(scenario, numFlows, where, &msg))
    {
        return true;
    }
    if (msg.compare(0, mode.size() + 2, mode + ": ") != 0)
    {
        msg = mode + ": " + msg;
    }
    if (error)
    {
        *error = msg;
    }
    return false;
}

bool
M3Estimator::Check(Ptr<M3Scenario> scenario, std::string* error)
{
    NS_LOG_FUNCTION(this << scenario);
    const std::string mode = GetModeName();
    std::string msg;
    bool ok = false;
    if (!scenario || !scenario->HasTopology() || !scenario->GetRouting())
    {
        msg = "the scenario has no topology";
    }
    else if (scenario->GetFlows().n == 0)
    {
        msg = "the scenario has no flows";
    }
    else
    {
        ok = DoCheck(scenario, &msg);
    }
    if (ok)
    {
        return true;
    }
    if (msg.compare(0, mode.size() + 2, mode + ": ") != 0)
    {
        msg = mode + ": " + msg;
    }
    if (error)
    {
        *error = msg;
    }
    return false;
}

bool
M3Estimator::Estimate(Ptr<M3Scenario> scenario, M3Result& result, std::string* error)
{
    NS_LOG_FUNCTION(this << scenario);
    const std::string mode = GetModeName();
    result.Reset(mode);
    std::string msg;
    bool ok = false;
    if (!scenario || !scenario->HasTopology() || !scenario->GetRouting())
    {
        msg = "the scenario has no topology";
    }
    else if (scenario->GetFlows().n == 0)
    {
        msg = "the scenario has no flows";
    }
    else
    {
        auto t0 = std::chrono::steady_clock::now();
        ok = DoEstimate(scenario, result, &msg);
        if (ok && !(result.GetWallSeconds() > 0))
        {
            result.SetWallSeconds(
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        }
    }
    if (ok)
    {
        return true;
    }
    // One prefix, whether or not the layer below already named the mode.
    if (msg.compare(0, mode.size() + 2, mode + ": ") != 0)
    {
        msg = mode + ": " + msg;
    }
    NS_LOG_WARN(msg);
    result.Reset(mode);
    if (error)
    {
        *error = msg;
    }
    return false;
}

} // namespace ns3

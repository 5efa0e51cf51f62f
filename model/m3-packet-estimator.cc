// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-packet-estimator.cc - M3PacketEstimator: M3PacketHelper run into an
 * M3Result (see the header).
 */
#include "m3-packet-estimator.h"

#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/m3-packet-helper.h"
#include "ns3/string.h"

#include <cstdio>
#include <iostream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("M3PacketEstimator");
NS_OBJECT_ENSURE_REGISTERED(M3PacketEstimator);

TypeId
M3PacketEstimator::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::M3PacketEstimator")
            .SetParent<M3Estimator>()
            .SetGroupName("m3")
            .AddConstructor<M3PacketEstimator>()
            .AddAttribute("ProgressInterval",
                          "Wall-clock seconds between progress lines on stderr (0 = none).",
                          DoubleValue(0),
                          MakeDoubleAccessor(&M3PacketEstimator::m_progressInterval),
                          MakeDoubleChecker<double>(0))
            .AddAttribute("StallTime",
                          "Stop when no flow makes progress (no ACK advances anywhere) for "
                          "this long in simulated time while flows are unfinished.",
                          TimeValue(MilliSeconds(100)),
                          MakeTimeAccessor(&M3PacketEstimator::m_stallTime),
                          MakeTimeChecker(NanoSeconds(1)))
            .AddAttribute("TimeLimit",
                          "Stop at this simulated time (0 = no limit). Flows unfinished by "
                          "then have no FCT and are left out of the percentiles.",
                          TimeValue(Time(0)),
                          MakeTimeAccessor(&M3PacketEstimator::m_timeLimit),
                          MakeTimeChecker(Time(0)))
            .AddAttribute("PfcLogFile",
                          "File for the PFC frames sent (`time_ns node port queue type`, type "
                          "1 pause, 0 resume), written when the run completes; empty = none.",
                          StringValue(""),
                          MakeStringAccessor(&M3PacketEstimator::m_pfcLogFile),
                          MakeStringChecker());
    return tid;
}

M3PacketEstimator::M3PacketEstimator()
    : m_progressInterval(0)
    , m_stallTime(MilliSeconds(100))
    , m_timeLimit(Time(0))
{
    NS_LOG_FUNCTION(this);
}

M3PacketEstimator::~M3PacketEstimator()
{
    NS_LOG_FUNCTION(this);
}

std::string
M3PacketEstimator::GetModeName() const
{
    return "packet";
}

namespace
{

/** Configuration warnings on stderr: the first three, then a count. */
void
PrintWarnings(const std::vector<std::string>& warnings)
{
    for (size_t i = 0; i < warnings.size() && i < 3; i++)
    {
        std::cerr << "packet: warning: " << warnings[i] << "\n";
    }
    if (warnings.size() > 3)
    {
        std::cerr << "packet: warning: " << warnings.size() - 3 << " more switches like these\n";
    }
}

} // namespace

bool
M3PacketEstimator::DoCheck(Ptr<M3Scenario> scenario, std::string* error)
{
    M3PacketHelper ph;
    if (!ph.Check(scenario, error))
    {
        return false;
    }
    m3_error err;
    if (!m_pfcLogFile.empty() && m3_check_output_path(m_pfcLogFile.c_str(), "--pfc-log", &err) != 0)
    {
        *error = err.msg;
        return false;
    }
    return true;
}

bool
M3PacketEstimator::DoCheckFlowCount(Ptr<M3Scenario> scenario,
                                    uint64_t numFlows,
                                    const std::string& where,
                                    std::string* error)
{
    return M3PacketHelper::CheckMemory(scenario->GetTopology(), numFlows, where, error);
}

bool
M3PacketEstimator::DoEstimate(Ptr<M3Scenario> scenario, M3Result& result, std::string* error)
{
    NS_LOG_FUNCTION(this << scenario);
    if (!DoCheck(scenario, error))
    {
        return false;
    }
    M3PacketHelper ph;
    ph.SetProgress(m_progressInterval);
    ph.SetStopConditions(m_stallTime, m_timeLimit);
    if (!ph.Install(scenario, error))
    {
        ph.Destroy();
        return false;
    }
    std::vector<std::string> warnings = ph.GetWarnings();
    PrintWarnings(warnings);
    for (const auto& w : warnings)
    {
        result.Warn(w);
    }
    if (!m_pfcLogFile.empty() && !ph.EnablePfcLog(m_pfcLogFile, error))
    {
        ph.Destroy();
        return false;
    }
    ph.Run();

    m3_result* r = result.Raw();
    std::snprintf(r->stop_reason, sizeof r->stop_reason, "%s", ph.GetStopReason().c_str());
    r->sim_s = ph.GetSimulatedTime().GetSeconds();
    r->data_packets = ph.GetDataPackets();
    r->pfc_pauses = ph.GetPfcPauses();
    r->drops = ph.GetDrops();
    r->timeouts = ph.GetTimeouts();
    // Copy what the results need before Destroy() frees the network.
    std::vector<double> fct = ph.GetFctNs();
    std::vector<double> ideal = ph.GetIdealNs();
    size_t unfinished = fct.size() - ph.GetNumFinished();
    ph.Destroy();

    if (unfinished > 0)
    {
        std::string line = std::to_string(unfinished) + " of " + std::to_string(fct.size()) +
                           " flows did not finish (" + r->stop_reason +
                           "); they have FCT NaN and are left out of the percentiles";
        std::cerr << "packet: " << line << "\n";
        result.Warn(line);
    }
    return result.SetFcts(scenario->GetFlows(), fct.data(), ideal.data(), nullptr, error);
}

} // namespace ns3

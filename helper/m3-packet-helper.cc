// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-packet-helper.cc - M3PacketHelper: the public face of the packet
 * mode. It keeps the user's attribute settings and delegates each job to
 * its own file: configuration mapping (m3-packet-helper-config.cc),
 * network building (m3-packet-helper-network.cc) and running/collecting
 * (m3-packet-helper-run.cc). Install() checks everything before it
 * builds anything, so a refused scenario creates no ns-3 object.
 */
#include "m3-packet-helper.h"

#include "m3-packet-helper-config.h"
#include "m3-packet-helper-network.h"
#include "m3-packet-helper-run.h"

#include "ns3/log.h"
#include "ns3/m3.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"

#include <cstdio>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("M3PacketHelper");

using namespace m3packet;

struct M3PacketHelper::Impl
{
    AttrList devAttrs;
    AttrList swAttrs;
    AttrList nicAttrs;
    AttrList ccAttrs;

    Ptr<M3Scenario> scenario;
    bool installed = false;
    bool ran = false;

    Network net;
    Runner run;
};

namespace
{

/** Passes a failure on: the message to \p error (if wanted) and the log. */
bool
Fail(std::string* error, const std::string& msg)
{
    if (error)
    {
        *error = msg;
    }
    NS_LOG_WARN(msg);
    return false;
}

} // namespace

M3PacketHelper::M3PacketHelper()
    : m_impl(new Impl)
{
}

M3PacketHelper::~M3PacketHelper()
{
    m_impl->run.AbandonLogs();
    delete m_impl;
}

void
M3PacketHelper::SetDeviceAttribute(const std::string& name, const AttributeValue& value)
{
    AddAttr(m_impl->devAttrs, name, value);
}

void
M3PacketHelper::SetSwitchAttribute(const std::string& name, const AttributeValue& value)
{
    AddAttr(m_impl->swAttrs, name, value);
}

void
M3PacketHelper::SetNicAttribute(const std::string& name, const AttributeValue& value)
{
    AddAttr(m_impl->nicAttrs, name, value);
}

void
M3PacketHelper::SetCcAttribute(const std::string& name, const AttributeValue& value)
{
    AddAttr(m_impl->ccAttrs, name, value);
}

void
M3PacketHelper::SetProgress(double wallSeconds)
{
    m_impl->run.progressWall = wallSeconds;
}

void
M3PacketHelper::SetStopConditions(Time stall, Time limit)
{
    m_impl->run.stall = stall;
    m_impl->run.limit = limit;
}

double
M3PacketHelper::EstimateMemoryBytes(const M3Scenario& s)
{
    return EstimateMemoryBytes(s.GetTopology(), double(s.GetFlows().n));
}

double
M3PacketHelper::EstimateMemoryBytes(const m3_topology* t, double numFlows)
{
    // Measured on k-ary fat-trees (k = 8, 16, 24; max RSS after Install):
    // about 11 KB per link (two devices with 8 queues, a channel), 0.2 KB
    // per pair of ports of a switch (its buffer accounting), 1 KB per flow
    // (sender, receiver, results), 20 MB of ns-3 itself; 25% margin.
    double pairs = 0;
    for (uint32_t n = 0; n < m3_topology_num_nodes(t); n++)
    {
        if (m3_topology_is_switch(t, n))
        {
            double d = m3_topology_degree(t, n);
            pairs += d * d;
        }
    }
    return 1.25 * (20e6 + 11e3 * m3_topology_num_links(t) + 250 * pairs + 1e3 * numFlows) +
           m3_routing_memory_bytes(t);
}

bool
M3PacketHelper::CheckMemory(const m3_topology* t,
                            uint64_t numFlows,
                            const std::string& where,
                            std::string* error)
{
    char detail[128];
    std::snprintf(detail,
                  sizeof detail,
                  "%u links, %llu flows",
                  m3_topology_num_links(t),
                  static_cast<unsigned long long>(numFlows));
    const std::string what = "packet: " + (where.empty() ? "" : where + ": ") + "the network";
    m3_error err;
    if (m3_memory_check(EstimateMemoryBytes(t, double(numFlows)), what.c_str(), detail, &err) != 0)
    {
        return Fail(error, err.msg);
    }
    return true;
}

namespace
{

/** The RngRun value this helper set last: another value was the user's. */
uint64_t g_runSetByHelper = 1;

/** The run number of ns-3's random streams: --RngRun when the user gave one, else the seed. */
bool
RunNumber(const m3_config& cfg, uint64_t* run, std::string* error)
{
    const uint64_t global = RngSeedManager::GetRun();
    const bool userRun = global != 1 && global != g_runSetByHelper;
    if (userRun && cfg.seed != 1 && cfg.seed != global)
    {
        *error = "packet: --RngRun=" + std::to_string(global) + " and the configuration's seed " +
                 std::to_string(cfg.seed) +
                 " disagree (they set the same random streams; "
                 "give one)";
        return false;
    }
    *run = userRun ? global : cfg.seed;
    return true;
}

} // namespace

bool
M3PacketHelper::Check(Ptr<M3Scenario> scenario, std::string* error) const
{
    if (!scenario || !scenario->HasTopology() || !scenario->GetRouting())
    {
        return Fail(error, "packet: the scenario has no topology");
    }
    if (!scenario->ValidateConfig(error))
    {
        return false;
    }
    std::string msg;
    if (!CheckScenario(*scenario, &msg))
    {
        return Fail(error, msg);
    }
    if (!CheckMemory(scenario->GetTopology(), scenario->GetFlows().n, "", error))
    {
        return false;
    }
    uint64_t run;
    if (!RunNumber(scenario->GetConfig(), &run, &msg))
    {
        return Fail(error, msg);
    }
    // Every value the configuration maps to must be one the models accept.
    ConfigMapping cfg;
    if (!MapConfig(scenario->GetConfig(), scenario->GetNicRateBps(), &cfg, &msg) ||
        !CheckAttrs(cfg.sw, "ns3::M3Switch", &msg) ||
        !CheckAttrs(cfg.nic, "ns3::M3RdmaNic", &msg) ||
        !CheckAttrs(cfg.cc, CcTypeName(scenario->GetConfig().cc), &msg))
    {
        return Fail(error, msg);
    }
    return true;
}

bool
M3PacketHelper::Install(Ptr<M3Scenario> scenario, std::string* error)
{
    NS_LOG_FUNCTION(this << scenario);
    Impl& m = *m_impl;
    if (m.installed)
    {
        return Fail(error, "packet: Install() may be called once per helper");
    }
    if (!Check(scenario, error))
    {
        return false;
    }
    std::string msg;
    if (!m.run.Prepare(*scenario, &msg))
    {
        return Fail(error, msg);
    }
    m.scenario = scenario;

    // ns-3's random streams (ECN marking, link losses) follow the
    // scenario's seed, or --RngRun when the user gave one; --RngSeed and
    // the seed manager's seed are left as they are.
    uint64_t run = 1;
    RunNumber(scenario->GetConfig(), &run, &msg);
    RngSeedManager::SetRun(run);
    g_runSetByHelper = run;

    // The configuration mapping (where the user set no default of their
    // own), then the helper's Set*Attribute overrides.
    ConfigMapping cfg;
    if (!MapConfig(scenario->GetConfig(), scenario->GetNicRateBps(), &cfg, &msg))
    {
        return Fail(error, msg);
    }
    KeepUserDefaults(cfg.sw, "ns3::M3Switch");
    KeepUserDefaults(cfg.nic, "ns3::M3RdmaNic");
    KeepUserDefaults(cfg.cc, CcTypeName(scenario->GetConfig().cc));
    cfg.sw.insert(cfg.sw.end(), m.swAttrs.begin(), m.swAttrs.end());
    cfg.nic.insert(cfg.nic.end(), m.nicAttrs.begin(), m.nicAttrs.end());
    cfg.cc.insert(cfg.cc.end(), m.ccAttrs.begin(), m.ccAttrs.end());

    BuildNetwork(*scenario, cfg, m.devAttrs, &m.net);
    m.run.Attach(scenario, &m.net);
    m.installed = true;
    return true;
}

void
M3PacketHelper::Run()
{
    NS_LOG_FUNCTION(this);
    Impl& m = *m_impl;
    NS_ABORT_MSG_IF(!m.installed, "M3PacketHelper::Run() before a successful Install()");
    NS_ABORT_MSG_IF(m.ran, "M3PacketHelper::Run() may be called once");
    m.ran = true;
    m.run.Run();
}

void
M3PacketHelper::Destroy()
{
    NS_LOG_FUNCTION(this);
    m_impl->run.AbandonLogs();
    Simulator::Destroy();
    m_impl->run.Release();
    m_impl->net.Clear();
    m_impl->scenario = nullptr;
}

const std::vector<double>&
M3PacketHelper::GetFctNs() const
{
    return m_impl->run.fct;
}

const std::vector<double>&
M3PacketHelper::GetIdealNs() const
{
    return m_impl->run.ideal;
}

size_t
M3PacketHelper::GetNumFinished() const
{
    return m_impl->run.finished;
}

std::vector<std::string>
M3PacketHelper::GetWarnings() const
{
    return m_impl->net.warnings;
}

std::string
M3PacketHelper::GetStopReason() const
{
    return m_impl->run.stopReason;
}

uint64_t
M3PacketHelper::GetPfcPauses() const
{
    return m_impl->run.pfcPauses;
}

uint64_t
M3PacketHelper::GetDrops() const
{
    return m_impl->run.drops;
}

uint64_t
M3PacketHelper::GetDataPackets() const
{
    uint64_t n = 0;
    for (const auto& nic : m_impl->net.nics)
    {
        if (nic)
        {
            n += nic->GetDataPacketsSent();
        }
    }
    return n;
}

uint64_t
M3PacketHelper::GetTimeouts() const
{
    uint64_t n = 0;
    for (const auto& nic : m_impl->net.nics)
    {
        if (nic)
        {
            n += nic->GetTimeouts();
        }
    }
    return n;
}

Time
M3PacketHelper::GetSimulatedTime() const
{
    return m_impl->ran ? m_impl->run.simEnd : Simulator::Now();
}

bool
M3PacketHelper::EnablePfcLog(const std::string& path, std::string* error)
{
    Impl& m = *m_impl;
    if (!m.installed || m.ran)
    {
        return Fail(error, "packet: enable logs after Install() and before Run()");
    }
    m.run.pfcLog.Abandon();
    std::string msg;
    return m.run.pfcLog.Open(path, &msg) || Fail(error, msg);
}

bool
M3PacketHelper::EnableDropLog(const std::string& path, std::string* error)
{
    Impl& m = *m_impl;
    if (!m.installed || m.ran)
    {
        return Fail(error, "packet: enable logs after Install() and before Run()");
    }
    m.run.dropLog.Abandon();
    std::string msg;
    return m.run.dropLog.Open(path, &msg) || Fail(error, msg);
}

bool
M3PacketHelper::EnableQueueSamples(uint32_t node,
                                   uint32_t port,
                                   Time interval,
                                   const std::string& path,
                                   std::string* error)
{
    Impl& m = *m_impl;
    if (!m.installed || m.ran)
    {
        return Fail(error, "packet: enable logs after Install() and before Run()");
    }
    if (node >= m.net.switches.size() || !m.net.switches[node])
    {
        return Fail(error,
                    "packet: queue samples: node " + std::to_string(node) + " is not a switch");
    }
    if (port >= m.net.switches[node]->GetNPorts())
    {
        return Fail(error,
                    "packet: queue samples: switch " + std::to_string(node) + " has no port " +
                        std::to_string(port));
    }
    if (!interval.IsStrictlyPositive())
    {
        return Fail(error, "packet: queue samples: the interval must be positive");
    }
    auto s = std::make_unique<QueueSampler>();
    s->node = node;
    s->port = port;
    s->interval = interval;
    std::string msg;
    if (!s->log.Open(path, &msg))
    {
        return Fail(error, msg);
    }
    m.run.samplers.push_back(std::move(s));
    return true;
}

NodeContainer
M3PacketHelper::GetNodes() const
{
    return m_impl->net.nodes;
}

Ptr<M3Switch>
M3PacketHelper::GetSwitch(uint32_t node) const
{
    return node < m_impl->net.switches.size() ? m_impl->net.switches[node] : nullptr;
}

Ptr<M3RdmaNic>
M3PacketHelper::GetNic(uint32_t node) const
{
    return node < m_impl->net.nics.size() ? m_impl->net.nics[node] : nullptr;
}

} // namespace ns3

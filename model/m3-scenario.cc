// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-scenario.cc - M3Scenario: ns-3 Object owning the C core's scenario
 * and routing.
 */
#include "m3-scenario.h"

#include "ns3/log.h"
#include "ns3/string.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("M3Scenario");

NS_OBJECT_ENSURE_REGISTERED(M3Scenario);

namespace
{

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

bool
Fail(std::string* error, const m3_error& err)
{
    return Fail(error, std::string(err.msg));
}

} // namespace

TypeId
M3Scenario::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::M3Scenario")
            .SetParent<Object>()
            .SetGroupName("m3")
            .AddConstructor<M3Scenario>()
            .AddAttribute("TopologyFile",
                          "Topology file read by Load() (community text format).",
                          StringValue(""),
                          MakeStringAccessor(&M3Scenario::m_topologyFile),
                          MakeStringChecker())
            .AddAttribute("FlowsFile",
                          "Flows file read by Load().",
                          StringValue(""),
                          MakeStringAccessor(&M3Scenario::m_flowsFile),
                          MakeStringChecker())
            .AddAttribute("ConfigFile",
                          "Optional `key = value` configuration file read by Load().",
                          StringValue(""),
                          MakeStringAccessor(&M3Scenario::m_configFile),
                          MakeStringChecker())
            .AddAttribute("HostRate",
                          "Host link rate of the built-in topologies.",
                          DataRateValue(DataRate("10Gbps")),
                          MakeDataRateAccessor(&M3Scenario::m_hostRate),
                          MakeDataRateChecker())
            .AddAttribute("FabricRate",
                          "Switch-to-switch link rate of the built-in topologies.",
                          DataRateValue(DataRate("40Gbps")),
                          MakeDataRateAccessor(&M3Scenario::m_fabricRate),
                          MakeDataRateChecker())
            .AddAttribute("LinkDelay",
                          "Propagation delay of every link of the built-in topologies.",
                          TimeValue(MicroSeconds(1)),
                          MakeTimeAccessor(&M3Scenario::m_linkDelay),
                          MakeTimeChecker(Time(0)));
    return tid;
}

M3Scenario::M3Scenario()
    : m_routing(nullptr)
{
    NS_LOG_FUNCTION(this);
    m3_scenario_init(&m_scenario);
}

M3Scenario::~M3Scenario()
{
    NS_LOG_FUNCTION(this);
    Clear();
}

void
M3Scenario::DoDispose()
{
    NS_LOG_FUNCTION(this);
    Clear();
    Object::DoDispose();
}

void
M3Scenario::Clear()
{
    m3_routing_free(m_routing);
    m_routing = nullptr;
    m3_scenario_free(&m_scenario);
    m3_scenario_init(&m_scenario);
    m_flowsSource.clear();
}

bool
M3Scenario::AdoptTopology(m3_topology* topo, const m3_error& err, std::string* error)
{
    if (!topo)
    {
        return Fail(error, err);
    }
    m3_error rerr;
    m3_routing* routing = m3_routing_new(topo, &rerr);
    if (!routing)
    {
        m3_topology_free(topo);
        return Fail(error, rerr);
    }
    // The old flows name the old topology's hosts: drop them with it.
    m3_routing_free(m_routing);
    m3_flows_free(&m_scenario.flows);
    m3_flows_init(&m_scenario.flows);
    m_flowsSource.clear();
    m3_topology_free(m_scenario.topo);
    m_scenario.topo = topo;
    m_routing = routing;
    NS_LOG_INFO("topology: " << m3_topology_num_nodes(topo) << " nodes, "
                             << m3_topology_num_hosts(topo) << " hosts, "
                             << m3_topology_num_links(topo) << " links");
    return true;
}

bool
M3Scenario::LoadFromFiles(const std::string& topology,
                          const std::string& flows,
                          const std::string& config,
                          std::string* error)
{
    NS_LOG_FUNCTION(this << topology << flows << config);
    if (topology.empty() || flows.empty())
    {
        return Fail(error, "M3Scenario: a topology file and a flows file are both needed");
    }
    // Load into temporaries first so a bad file leaves this object as it was.
    m3_error err;
    m3_topology* topo = m3_topology_read(topology.c_str(), &err);
    if (!topo)
    {
        return Fail(error, err);
    }
    m3_config cfg = m_scenario.config;
    if (!config.empty() && m3_config_read(config.c_str(), &cfg, &err) != 0)
    {
        m3_topology_free(topo);
        return Fail(error, err);
    }
    m3_routing* routing = m3_routing_new(topo, &err);
    m3_flows fl;
    m3_flows_init(&fl);
    if (!routing || m3_flows_read_routed(flows.c_str(), routing, &fl, &err) != 0)
    {
        m3_routing_free(routing);
        m3_flows_free(&fl);
        m3_topology_free(topo);
        return Fail(error, err);
    }
    m3_routing_free(routing);
    if (!AdoptTopology(topo, err, error))
    {
        m3_flows_free(&fl);
        return false;
    }
    m_topologySource = topology;
    m_scenario.flows = fl;
    m_flowsSource = flows;
    m_scenario.config = cfg;
    NS_LOG_INFO("flows: " << fl.n << " from " << flows);
    return true;
}

bool
M3Scenario::Load(std::string* error)
{
    return LoadFromFiles(m_topologyFile, m_flowsFile, m_configFile, error);
}

bool
M3Scenario::ReadTopology(const std::string& path, std::string* error)
{
    NS_LOG_FUNCTION(this << path);
    m3_error err;
    if (!AdoptTopology(m3_topology_read(path.c_str(), &err), err, error))
    {
        return false;
    }
    m_topologySource = path;
    return true;
}

bool
M3Scenario::BuildParkingLot(uint32_t n, std::string* error)
{
    NS_LOG_FUNCTION(this << n);
    m3_error err;
    // The parking lot of every tool: end links HostRate, inner line links
    // and the mid-path hosts' links FabricRate.
    const double fabric = m_fabricRate.GetBitRate();
    m3_topology* t = m3_topology_parking_lot(n,
                                             m_hostRate.GetBitRate(),
                                             fabric,
                                             fabric,
                                             m_linkDelay.GetNanoSeconds(),
                                             &err);
    return AdoptTopology(t, err, error) && Source("parking-lot=" + std::to_string(n));
}

bool
M3Scenario::BuildFatTree(uint32_t pods,
                         uint32_t racks,
                         uint32_t hosts,
                         uint32_t oversub,
                         std::string* error)
{
    NS_LOG_FUNCTION(this << pods << racks << hosts << oversub);
    m3_error err;
    m3_topology* t = m3_topology_fat_tree_m3(pods,
                                             racks,
                                             hosts,
                                             oversub,
                                             m_hostRate.GetBitRate(),
                                             m_fabricRate.GetBitRate(),
                                             m_linkDelay.GetNanoSeconds(),
                                             &err);
    return AdoptTopology(t, err, error) &&
           Source("fat-tree=" + std::to_string(pods) + "," + std::to_string(racks) + "," +
                  std::to_string(hosts) + "," + std::to_string(oversub));
}

bool
M3Scenario::BuildKAry(uint32_t k, std::string* error)
{
    NS_LOG_FUNCTION(this << k);
    m3_error err;
    m3_topology* t = m3_topology_fat_tree_k(k,
                                            m_hostRate.GetBitRate(),
                                            m_fabricRate.GetBitRate(),
                                            m_linkDelay.GetNanoSeconds(),
                                            &err);
    return AdoptTopology(t, err, error) && Source("k-ary=" + std::to_string(k));
}

bool
M3Scenario::Source(const std::string& source)
{
    m_topologySource = source;
    return true;
}

std::string
M3Scenario::GetTopologySource() const
{
    return m_topologySource;
}

std::string
M3Scenario::GetFlowsSource() const
{
    return m_flowsSource;
}

std::string
M3Scenario::DescribeFlow(size_t i) const
{
    std::string which = "flow " + std::to_string(i);
    if (i < m_scenario.flows.n)
    {
        which += " (id " + std::to_string(m_scenario.flows.v[i].id) + ")";
    }
    if (m_flowsSource.empty())
    {
        return which;
    }
    // The file's field lines: the count first, then flow 0, 1, ... (as
    // m3_flows_read takes them: text after '#' and blank lines skipped).
    std::ifstream in(m_flowsSource, std::ios::binary);
    std::string line;
    size_t lineNo = 0;
    size_t field = 0;
    while (std::getline(in, line))
    {
        lineNo++;
        const size_t hash = line.find('#');
        if (hash != std::string::npos)
        {
            line.resize(hash);
        }
        if (std::all_of(line.begin(), line.end(), [](unsigned char c) { return std::isspace(c); }))
        {
            continue;
        }
        if (field++ == i + 1)
        {
            return m_flowsSource + ":" + std::to_string(lineNo) + ": " + which;
        }
    }
    return m_flowsSource + ": " + which; // the file changed since it was read
}

bool
M3Scenario::SetTopology(m3_topology* topo, std::string* error)
{
    NS_LOG_FUNCTION(this << topo);
    m3_error err;
    std::snprintf(err.msg, sizeof err.msg, "M3Scenario::SetTopology: no topology");
    return AdoptTopology(topo, err, error) && Source("the topology given to SetTopology");
}

bool
M3Scenario::SetFlows(m3_flows* flows, std::string* error)
{
    NS_LOG_FUNCTION(this << flows->n);
    if (!HasTopology())
    {
        return Fail(error, "flows: a topology is needed first");
    }
    const m3_topology* t = m_scenario.topo;
    const uint32_t nodes = m3_topology_num_nodes(t);
    for (size_t i = 0; i < flows->n; i++)
    {
        const m3_flow& f = flows->v[i];
        if (f.src >= nodes || f.dst >= nodes || f.src == f.dst || m3_topology_is_switch(t, f.src) ||
            m3_topology_is_switch(t, f.dst))
        {
            return Fail(error,
                        "flow " + std::to_string(i) + " (id " + std::to_string(f.id) +
                            "): source and destination must be two distinct hosts");
        }
    }
    m3_flows_free(&m_scenario.flows);
    m_scenario.flows = *flows;
    m3_flows_init(flows);
    m_flowsSource.clear();
    return true;
}

bool
M3Scenario::ReadFlows(const std::string& path, std::string* error)
{
    NS_LOG_FUNCTION(this << path);
    if (!HasTopology())
    {
        return Fail(error, path + ": flows need a topology first");
    }
    m3_error err;
    m3_flows fl;
    m3_flows_init(&fl);
    if (m3_flows_read_routed(path.c_str(), m_routing, &fl, &err) != 0)
    {
        m3_flows_free(&fl);
        return Fail(error, err);
    }
    m3_flows_free(&m_scenario.flows);
    m_scenario.flows = fl;
    m_flowsSource = path;
    return true;
}

bool
M3Scenario::GenerateWorkload(const m3_workload_spec& spec, std::string* error)
{
    NS_LOG_FUNCTION(this << spec.load << spec.num_flows);
    if (!HasTopology())
    {
        return Fail(error, "workload: a topology is needed first");
    }
    m3_error err;
    m3_flows fl;
    m3_flows_init(&fl);
    if (m3_workload_generate(m_scenario.topo, m_routing, &spec, &fl, &err) != 0)
    {
        m3_flows_free(&fl);
        return Fail(error, err);
    }
    m3_flows_free(&m_scenario.flows);
    m_scenario.flows = fl;
    m_flowsSource.clear();
    return true;
}

bool
M3Scenario::ReadConfig(const std::string& path, std::string* error)
{
    NS_LOG_FUNCTION(this << path);
    m3_error err;
    m3_config cfg = m_scenario.config;
    if (m3_config_read(path.c_str(), &cfg, &err) != 0)
    {
        return Fail(error, err);
    }
    m_scenario.config = cfg;
    return true;
}

bool
M3Scenario::SetConfigKey(const std::string& key,
                         const std::string& value,
                         const std::string& where,
                         std::string* error)
{
    NS_LOG_FUNCTION(this << key << value << where);
    m3_error err;
    const char* w = where.empty() ? nullptr : where.c_str();
    if (m3_config_set(&m_scenario.config, key.c_str(), value.c_str(), w, &err) != 0)
    {
        return Fail(error, err);
    }
    return true;
}

bool
M3Scenario::SetConfig(const m3_config& config, std::string* error)
{
    NS_LOG_FUNCTION(this);
    m3_error err;
    if (m3_config_validate(&config, &err) != 0)
    {
        return Fail(error, err);
    }
    m_scenario.config = config;
    return true;
}

bool
M3Scenario::ValidateConfig(std::string* error) const
{
    m3_error err;
    if (m3_config_validate(&m_scenario.config, &err) != 0)
    {
        return Fail(error, err);
    }
    return true;
}

bool
M3Scenario::HasTopology() const
{
    return m_scenario.topo != nullptr;
}

const m3_topology*
M3Scenario::GetTopology() const
{
    return m_scenario.topo;
}

const m3_flows&
M3Scenario::GetFlows() const
{
    return m_scenario.flows;
}

const m3_config&
M3Scenario::GetConfig() const
{
    return m_scenario.config;
}

const m3_routing*
M3Scenario::GetRouting() const
{
    return m_routing;
}

const m3_scenario&
M3Scenario::GetScenario() const
{
    return m_scenario;
}

double
M3Scenario::GetHostRateBps() const
{
    // A host's NIC runs at its own link's rate; take the fastest host link
    // so the cap never binds tighter than some host's own link.
    const m3_topology* t = m_scenario.topo;
    if (!t)
    {
        return m_hostRate.GetBitRate();
    }
    double best = 0;
    for (uint32_t i = 0; i < m3_topology_num_hosts(t); i++)
    {
        uint32_t h = m3_topology_host(t, i);
        for (uint32_t j = 0; j < m3_topology_degree(t, h); j++)
        {
            const m3_link* l = m3_topology_link(t, m3_topology_out_dlink(t, h, j) >> 1);
            best = std::max(best, l->rate_bps);
        }
    }
    return best > 0 ? best : m_hostRate.GetBitRate();
}

double
M3Scenario::GetNicRateBps() const
{
    // The core's one definition, shared with flowSim and m3 mode.
    return m3_scenario_nic_bps(&m_scenario);
}

int32_t
M3Scenario::NextHop(uint32_t node,
                    uint32_t dst,
                    uint32_t sip,
                    uint32_t dip,
                    uint16_t sport,
                    uint16_t dport) const
{
    NS_ASSERT_MSG(m_routing, "M3Scenario::NextHop before a topology was set");
    return m3_routing_next(m_routing, node, dst, sip, dip, sport, dport);
}

int32_t
M3Scenario::NextHop(uint32_t node, const m3_flow& f) const
{
    return NextHop(node,
                   f.dst,
                   m3_node_ip(f.src),
                   m3_node_ip(f.dst),
                   static_cast<uint16_t>(f.sport),
                   static_cast<uint16_t>(f.dport));
}

std::vector<uint32_t>
M3Scenario::GetPath(const m3_flow& f) const
{
    std::vector<uint32_t> path;
    uint32_t node = f.src;
    while (node != f.dst)
    {
        int32_t d = NextHop(node, f);
        if (d < 0 || path.size() >= M3_MAX_PATH_LINKS)
        {
            NS_LOG_WARN("flow " << f.id << ": no path from " << f.src << " to " << f.dst);
            return {};
        }
        path.push_back(static_cast<uint32_t>(d));
        node = m3_dlink_dst(m_scenario.topo, static_cast<uint32_t>(d));
    }
    return path;
}

} // namespace ns3

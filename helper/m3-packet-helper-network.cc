// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-packet-helper-network.cc - scenario -> nodes, ports, channels,
 * switches, NICs and flows of the packet mode (see the header).
 */
#include "m3-packet-helper-network.h"

#include "ns3/m3-port-channel.h"
#include "ns3/mac48-address.h"
#include "ns3/node.h"

namespace ns3
{
namespace m3packet
{

void
Network::Clear()
{
    switches.clear();
    nics.clear();
    devOfDlink.clear();
    nodes = NodeContainer();
}

bool
CheckScenario(const M3Scenario& s, std::string* error)
{
    const m3_topology* topo = s.GetTopology();
    const m3_flows& flows = s.GetFlows();
    const uint32_t nNodes = m3_topology_num_nodes(topo);
    const uint32_t nLinks = m3_topology_num_links(topo);
    // messages name the topology ("topo.txt: ...", "fat-tree=2,16,8,1: ...")
    const std::string src = s.GetTopologySource().empty() ? "the topology" : s.GetTopologySource();
    for (uint32_t i = 0; i < nLinks; i++)
    {
        const m3_link* l = m3_topology_link(topo, i);
        if (!(l->rate_bps >= M3_RATE_MIN_BPS) || l->rate_bps > M3_RATE_MAX_BPS ||
            l->delay_ns > M3_DELAY_MAX_NS)
        {
            *error = "packet: " + src + ": link " + std::to_string(i + 1) + " (" +
                     std::to_string(l->a) + "-" + std::to_string(l->b) + "): rate " +
                     std::to_string(l->rate_bps) + " bps or delay " + std::to_string(l->delay_ns) +
                     " ns cannot be simulated (1 Mbps .. 1 Pbps, at most 1 s)";
            return false;
        }
    }
    for (uint32_t n = 0; n < nNodes; n++)
    {
        if (!m3_topology_is_switch(topo, n) && m3_topology_degree(topo, n) != 1)
        {
            *error = "packet: " + src + ": host " + std::to_string(n) + " has " +
                     std::to_string(m3_topology_degree(topo, n)) +
                     " links; the packet mode's NIC has exactly one port (mark the node a "
                     "switch, or give it one link)";
            return false;
        }
    }
    for (size_t i = 0; i < flows.n; i++)
    {
        const m3_flow& f = flows.v[i];
        // "packet: flows.txt:7: flow 5 (id 5)" when the flows came from a file
        std::string which = "packet: " + s.DescribeFlow(i);
        if (f.size == 0)
        {
            *error = which + ": size 0; flows must carry at least one byte";
            return false;
        }
        if (f.size > M3_PACKET_FLOW_MAX_BYTES)
        {
            *error = which + ": size " + std::to_string(f.size) +
                     " bytes is 4 GiB or more; sequence numbers on the wire are 32-bit";
            return false;
        }
        if (f.start_ns > M3_START_MAX_NS)
        {
            *error = which + ": start " + std::to_string(f.start_ns) +
                     " ns is after the latest start (1e6 s)";
            return false;
        }
        if (f.src >= nNodes || f.dst >= nNodes || m3_topology_is_switch(topo, f.src) ||
            m3_topology_is_switch(topo, f.dst) || f.src == f.dst)
        {
            *error = which + ": source and destination must be two distinct hosts";
            return false;
        }
        if (f.sport > 65535 || f.dport > 65535)
        {
            *error = which + ": ports must fit in 16 bits";
            return false;
        }
    }
    return true;
}

namespace
{

/** One channel and two devices per link; devOfDlink[2i + end] sends from that end. */
void
BuildLinks(const m3_topology* topo, bool pfc, const AttrList& devAttrs, Network* net)
{
    const uint32_t nLinks = m3_topology_num_links(topo);
    net->devOfDlink.assign(2 * size_t(nLinks), nullptr);
    for (uint32_t i = 0; i < nLinks; i++)
    {
        const m3_link* l = m3_topology_link(topo, i);
        Ptr<M3PortChannel> ch = CreateObject<M3PortChannel>();
        ch->SetAttribute("Delay", AttrNs(double(l->delay_ns)));
        for (uint32_t end = 0; end < 2; end++)
        {
            Ptr<M3PortDevice> dev = CreateObject<M3PortDevice>();
            dev->SetAttribute("DataRate", AttrRate(l->rate_bps));
            dev->SetAttribute("PfcEnabled", AttrBool(pfc));
            dev->SetAttribute("ErrorRate", AttrDouble(l->error_rate));
            ApplyAttrs(dev, devAttrs);
            // after the switches' streams (one per node)
            dev->AssignStreams(int64_t(m3_topology_num_nodes(topo)) + 2 * int64_t(i) + end);
            dev->SetAddress(Mac48Address::Allocate());
            net->nodes.Get(end ? l->b : l->a)->AddDevice(dev);
            dev->Attach(ch);
            net->devOfDlink[2 * size_t(i) + end] = dev;
        }
    }
}

/** The switch of node \p n with its ports; a warning when its buffer cannot hold its headroom. */
Ptr<M3Switch>
BuildSwitch(const M3Scenario& s, uint32_t n, const ConfigMapping& cfg, Network* net)
{
    const m3_topology* topo = s.GetTopology();
    Ptr<M3Switch> sw = CreateObject<M3Switch>();
    ApplyAttrs(sw, cfg.sw);
    net->nodes.Get(n)->AggregateObject(sw);
    sw->SetRouting(n, s.GetRouting());
    for (uint32_t j = 0; j < m3_topology_degree(topo, n); j++)
    {
        uint32_t d = m3_topology_out_dlink(topo, n, j);
        sw->AddPort(net->devOfDlink[d], d);
    }
    sw->Setup();
    sw->AssignStreams(int64_t(n));
    Ptr<M3SharedBuffer> b = sw->GetBuffer();
    // Nothing is queued yet, so a negative threshold means headroom +
    // reserve alone exceed the buffer.
    if (cfg.pfc && sw->GetNPorts() > 0 && b->Threshold(0) < 0)
    {
        net->warnings.push_back("switch " + std::to_string(n) + " (" +
                                std::to_string(sw->GetNPorts()) + " ports): PFC headroom " +
                                std::to_string(b->GetTotalHeadroom()) + " B + reserve " +
                                std::to_string(b->GetTotalReserve()) + " B exceed the buffer of " +
                                std::to_string(b->GetBufferSize()) +
                                " B; its PFC threshold is negative, so it pauses upstream on every "
                                "packet beyond a queue's reserve (raise buffer_kb for lossless "
                                "operation without pause storms)");
    }
    return sw;
}

/** The NIC of host \p n on its one port. */
Ptr<M3RdmaNic>
BuildNic(const m3_topology* topo, uint32_t n, const ConfigMapping& cfg, Network* net)
{
    Ptr<M3RdmaNic> nic = CreateObject<M3RdmaNic>();
    ApplyAttrs(nic, cfg.nic);
    for (const auto& a : cfg.cc)
    {
        nic->SetCcAttribute(a.name, *a.value);
    }
    net->nodes.Get(n)->AggregateObject(nic);
    nic->Setup(n, net->devOfDlink[m3_topology_out_dlink(topo, n, 0)]);
    return nic;
}

} // namespace

void
BuildNetwork(const M3Scenario& s, const ConfigMapping& cfg, const AttrList& devAttrs, Network* net)
{
    const m3_topology* topo = s.GetTopology();
    const m3_flows& flows = s.GetFlows();
    const uint32_t nNodes = m3_topology_num_nodes(topo);

    net->nodes.Create(nNodes);
    net->switches.assign(nNodes, nullptr);
    net->nics.assign(nNodes, nullptr);
    BuildLinks(topo, cfg.pfc, devAttrs, net);
    for (uint32_t n = 0; n < nNodes; n++)
    {
        if (m3_topology_is_switch(topo, n))
        {
            net->switches[n] = BuildSwitch(s, n, cfg, net);
        }
        else
        {
            net->nics[n] = BuildNic(topo, n, cfg, net);
        }
    }
    // Flows in input order: the flow index is the NICs' key for it.
    for (size_t i = 0; i < flows.n; i++)
    {
        const m3_flow& f = flows.v[i];
        net->nics[f.src]->AddSender(uint32_t(i), f);
        net->nics[f.dst]->AddReceiver(uint32_t(i), f);
    }
}

} // namespace m3packet
} // namespace ns3

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-packet-helper-network.h - builds the packet mode's ns-3 network from
 * a scenario: one node per topology node, one M3PortChannel and two
 * M3PortDevices per link, an M3Switch on every switch node, an M3RdmaNic
 * on every host, and the flows' senders and receivers on the NICs.
 *
 * Private to the packet helper (not an installed header). Design: check
 * everything that would make the simulation meaningless first
 * (CheckScenario), then build without failure paths (BuildNetwork), so a
 * refused scenario creates no ns-3 object. Node ids equal topology ids;
 * port i of a switch is its i-th directed link (m3_topology_out_dlink
 * order), so switches can forward with the scenario's routing. Cost:
 * O(nodes + links + flows) objects and time; no events are scheduled.
 */
#ifndef M3_PACKET_HELPER_NETWORK_H
#define M3_PACKET_HELPER_NETWORK_H

#include "m3-packet-helper-config.h"

#include "ns3/m3-port-device.h"
#include "ns3/m3-rdma-nic.h"
#include "ns3/m3-scenario.h"
#include "ns3/m3-switch.h"
#include "ns3/node-container.h"

#include <string>
#include <vector>

namespace ns3
{
namespace m3packet
{

/** The objects of one built network, indexed by topology ids. */
struct Network
{
    NodeContainer nodes;                       //!< index = topology node id
    std::vector<Ptr<M3Switch>> switches;       //!< by node id (null for hosts)
    std::vector<Ptr<M3RdmaNic>> nics;          //!< by node id (null for switches)
    std::vector<Ptr<M3PortDevice>> devOfDlink; //!< directed link -> its sending device
    std::vector<std::string> warnings;         //!< configuration warnings, one line each

    /** Drops every reference (the objects die with Simulator::Destroy). */
    void Clear();
};

/**
 * Whether the packet mode can simulate \p s: link rates in 1 bps .. 1 Pbps,
 * hosts with exactly one link, flows of 1 byte .. 4 GiB between two
 * distinct hosts, 16-bit ports. False + a "packet: ..." message.
 */
bool CheckScenario(const M3Scenario& s, std::string* error);

/**
 * Builds the network of \p s (CheckScenario must have passed) with the
 * mapped configuration \p cfg and the device attributes \p devAttrs, and
 * installs every flow (input order) on its NICs. Switch warnings (PFC
 * headroom + reserve above the buffer) go to net->warnings.
 */
void BuildNetwork(const M3Scenario& s,
                  const ConfigMapping& cfg,
                  const AttrList& devAttrs,
                  Network* net);

} // namespace m3packet
} // namespace ns3

#endif /* M3_PACKET_HELPER_NETWORK_H */

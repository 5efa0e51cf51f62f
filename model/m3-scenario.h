/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-scenario.h - the ns-3 face of the C core's scenario.
 *
 * M3Scenario is the single owner of one m3_scenario (topology, flows,
 * network configuration) and of the m3_routing built over its topology.
 * Both modes read from it: flowSim through the C core, and (later) the
 * packet mode, which builds its ns-3 nodes and devices from GetTopology()
 * and forwards with NextHop(), so a flow takes the same path in both.
 */
#ifndef M3_SCENARIO_H
#define M3_SCENARIO_H

#include "ns3/data-rate.h"
#include "ns3/m3.h"
#include "ns3/nstime.h"
#include "ns3/object.h"

#include <string>
#include <vector>

namespace ns3
{

/**
 * \defgroup m3 m3: flow-completion-time estimation of datacenter scenarios
 *
 * The m3 module estimates the distribution of FCT slowdown of a scenario
 * (topology, flows, network configuration) three ways: a packet-level
 * simulation (M3PacketHelper, the ground truth), flowSim (max-min fair
 * fluid simulation) and m3 (flowSim on sampled paths corrected by a
 * learned model). M3Scenario holds the scenario; the estimators
 * (M3Estimator and its subclasses, created by M3EstimatorHelper) return
 * one M3Result; M3ScenarioHelper and M3CommandLine give programs their
 * command line. The C core below it (model/core/m3.h) has no ns-3
 * dependency. Documentation: doc/m3.rst.
 */

/**
 * \ingroup m3
 * \brief A datacenter scenario: topology + flows + configuration + routing.
 *
 * Fallible methods return false and, when \p error is given, a message
 * that names file and line for input errors ("flows.txt:7: ...").
 * Replacing the topology drops the flows, since they name its hosts.
 */
class M3Scenario : public Object
{
  public:
    static TypeId GetTypeId();

    M3Scenario();
    ~M3Scenario() override;

    M3Scenario(const M3Scenario&) = delete;
    M3Scenario& operator=(const M3Scenario&) = delete;

    /**
     * Reads a topology, then flows, then (if \p config is not empty) a
     * config file. Nothing changes unless all of them load.
     */
    bool LoadFromFiles(const std::string& topology,
                       const std::string& flows,
                       const std::string& config,
                       std::string* error = nullptr);
    /** LoadFromFiles with the TopologyFile, FlowsFile, ConfigFile attributes. */
    bool Load(std::string* error = nullptr);

    /** Replaces the topology with one read from a file (drops the flows). */
    bool ReadTopology(const std::string& path, std::string* error = nullptr);

    /**
     * The parking lot of \p n positions that every tool builds: end links
     * HostRate, inner line links and the mid-path hosts' links FabricRate,
     * line links LinkDelay (m3_topology_parking_lot).
     */
    bool BuildParkingLot(uint32_t n, std::string* error = nullptr);
    /** m3's evaluation fat-tree (pods x racks x hosts, oversubscription 1, 2, 4). */
    bool BuildFatTree(uint32_t pods,
                      uint32_t racks,
                      uint32_t hosts,
                      uint32_t oversub,
                      std::string* error = nullptr);
    /** The classic k-ary fat-tree (k even). */
    bool BuildKAry(uint32_t k, std::string* error = nullptr);
    /**
     * Takes ownership of a topology built with the C core (any builder or
     * reader) and routes it; drops the flows. \p topo is freed on failure.
     */
    bool SetTopology(m3_topology* topo, std::string* error = nullptr);

    /** Replaces the flows with those of a file (hosts checked against the topology). */
    bool ReadFlows(const std::string& path, std::string* error = nullptr);
    /**
     * Replaces the flows with \p flows, whose storage it takes over (*flows
     * is left empty); every flow must join two distinct hosts.
     */
    bool SetFlows(m3_flows* flows, std::string* error = nullptr);
    /** Replaces the flows with a generated workload routed on this scenario. */
    bool GenerateWorkload(const m3_workload_spec& spec, std::string* error = nullptr);

    /** Reads `key = value` lines over the current configuration. */
    bool ReadConfig(const std::string& path, std::string* error = nullptr);
    /** Sets one configuration key; \p where ("--key", "file:line") prefixes errors. */
    bool SetConfigKey(const std::string& key,
                      const std::string& value,
                      const std::string& where = "",
                      std::string* error = nullptr);
    /** Replaces the whole configuration; refused unless it validates. */
    bool SetConfig(const m3_config& config, std::string* error = nullptr);
    /** Cross-field checks of the configuration (m3_config_validate). */
    bool ValidateConfig(std::string* error = nullptr) const;

    /** True once a topology is present. */
    bool HasTopology() const;
    const m3_topology* GetTopology() const;
    const m3_flows& GetFlows() const;
    const m3_config& GetConfig() const;
    const m3_routing* GetRouting() const;
    const m3_scenario& GetScenario() const;

    /**
     * Where the topology came from, for messages: its file, or the
     * built-in's spec ("fat-tree=2,16,8,1"); empty before one is set.
     */
    std::string GetTopologySource() const;
    /** The flows file the flows came from; empty for generated or given flows. */
    std::string GetFlowsSource() const;
    /**
     * Flow \p i for messages: "flows.txt:7: flow 5 (id 5)" when the flows
     * came from a file (its line found by reading the file again, the
     * reader's way: comments and blank lines skipped), else "flow 5 (id 5)".
     */
    std::string DescribeFlow(size_t i) const;

    /** The fastest host link's rate in bits per second. */
    double GetHostRateBps() const;
    /**
     * The NIC rate in bits per second: every flow's rate cap and the rate
     * at which switches use their base alpha. The configuration's
     * nic_rate_gbps when set (m3's "max rate", e.g. path samples whose
     * mid-path hosts sit on fast links), else GetHostRateBps().
     */
    double GetNicRateBps() const;

    /**
     * Next directed link from \p node towards host \p dst for a packet of
     * this 5-tuple (m3_routing_next); -1 when unreachable.
     */
    int32_t NextHop(uint32_t node,
                    uint32_t dst,
                    uint32_t sip,
                    uint32_t dip,
                    uint16_t sport,
                    uint16_t dport) const;
    /** NextHop for the first packet of flow \p f (its IPs and ports). */
    int32_t NextHop(uint32_t node, const m3_flow& f) const;
    /** The directed links of flow \p f's path, built by walking NextHop. */
    std::vector<uint32_t> GetPath(const m3_flow& f) const;

  protected:
    void DoDispose() override;

  private:
    /** Takes ownership of \p topo and rebuilds routing; frees it on failure. */
    bool AdoptTopology(m3_topology* topo, const m3_error& err, std::string* error);
    void Clear();
    /** Records the topology's source; returns true. */
    bool Source(const std::string& source);

    m3_scenario m_scenario; //!< topology + flows + config (C core)
    m3_routing* m_routing;  //!< routing over m_scenario.topo
    std::string m_topologyFile;
    std::string m_flowsFile;
    std::string m_configFile;
    std::string m_topologySource; //!< file or built-in spec of the topology
    std::string m_flowsSource;    //!< file of the flows, or empty
    DataRate m_hostRate;          //!< host links of the built-in topologies
    DataRate m_fabricRate;        //!< switch-to-switch links
    Time m_linkDelay;             //!< propagation delay of every built-in link
};

} // namespace ns3

#endif /* M3_SCENARIO_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-packet-helper.h - from an M3Scenario to a running packet-level
 * network: nodes, ports, channels, switches and NICs configured from the
 * scenario's m3_config, flows installed at their start times, and per-flow
 * FCTs collected.
 *
 * The scenario (and its routing) must outlive the helper: switches
 * forward with the scenario's m3_routing, so the packet mode and the m3
 * mode route every flow identically.
 */
#ifndef M3_PACKET_HELPER_H
#define M3_PACKET_HELPER_H

#include "ns3/m3-rdma-nic.h"
#include "ns3/m3-scenario.h"
#include "ns3/m3-switch.h"
#include "ns3/node-container.h"
#include "ns3/nstime.h"
#include "ns3/object-factory.h"

#include <cstdio>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup m3
 * \brief Builds and runs the packet mode for one scenario.
 *
 * Configuration mapping (one place): cc -> the NICs' CongestionControl
 * and whether switches mark ECN (DCTCP: Kmin = Kmax = dctcp_k_kb, Pmax 1;
 * DCQCN: dcqcn_kmin_kb/kmax_kb, Pmax 0.2; HPCC: INT, no ECN; TIMELY: no
 * ECN), buffer_kb -> switch BufferSize, window_bytes -> NIC WindowBytes,
 * pfc -> switches send and devices obey PFC, mtu, base_rtt_us, hpcc_eta,
 * hpcc_ai_mbps, timely_tlow_us/thigh_us, seed -> ns-3's run number
 * (RngRun), each link's error_rate -> its devices' ErrorRate (losses).
 * ACKs go at high priority for DCTCP and TIMELY (m3's configurations).
 * Every flow's rate is capped at the NIC rate (M3Scenario::GetNicRateBps:
 * nic_rate_gbps, or the host link rate), which is also the switches'
 * HostRate (the port rate at which alpha is the base alpha).
 * Set*Attribute() values are applied after that mapping, so they win; a
 * model default the user changed (Config::SetDefault) is kept instead of
 * the mapped value.
 */
class M3PacketHelper
{
  public:
    M3PacketHelper();
    ~M3PacketHelper();

    void SetDeviceAttribute(const std::string& name, const AttributeValue& value);
    void SetSwitchAttribute(const std::string& name, const AttributeValue& value);
    void SetNicAttribute(const std::string& name, const AttributeValue& value);
    void SetCcAttribute(const std::string& name, const AttributeValue& value);

    /**
     * Everything Install() refuses, checked without building anything, so
     * that a program can refuse the scenario before any mode runs: the
     * configuration, the topology (hosts with one link, rates and delays
     * the models run), flows (1 byte .. 4 GiB, start times), the memory the
     * network needs (EstimateMemoryBytes against the machine's), every
     * attribute value the configuration maps to, and --RngRun against the
     * seed.
     */
    bool Check(Ptr<M3Scenario> scenario, std::string* error) const;
    /** The memory the packet mode needs for \p s (measured costs per link, port pair, flow). */
    static double EstimateMemoryBytes(const M3Scenario& s);
    /** The same for topology \p t and \p numFlows flows, before the flows exist. */
    static double EstimateMemoryBytes(const m3_topology* t, double numFlows);
    /**
     * Refuses, with the estimate, a network of topology \p t and \p numFlows
     * flows that needs more memory than the machine's (m3_memory_check):
     * "packet: WHERE: the network needs about 134.6 GB (196608 links,
     * 100000000 flows), more than ...". \p where names what set them
     * ("--k-ary=64 --num-flows=1e8"), or is empty. Check() runs it on the
     * scenario's flows; a program can run it before it generates them.
     */
    static bool CheckMemory(const m3_topology* t,
                            uint64_t numFlows,
                            const std::string& where,
                            std::string* error);

    /**
     * Builds the network and installs the flows; false + error on bad
     * input (Check() first). ns-3's run number (RngRun) is the scenario's
     * seed unless the user set --RngRun; model defaults the user set
     * (Config::SetDefault, --ns3::TYPE::ATTRIBUTE) win over the mapping
     * below.
     */
    bool Install(Ptr<M3Scenario> scenario, std::string* error);

    /** Print a progress line on stderr every \p wallSeconds (0 = never). */
    void SetProgress(double wallSeconds);
    /**
     * Stop conditions besides "every flow finished": no flow made progress
     * (no ACK advanced anywhere) for \p stall of simulated time while flows
     * were unfinished, or simulated time reached \p limit (0 = none).
     */
    void SetStopConditions(Time stall, Time limit);
    /** Runs the simulation (Simulator::Run) and collects the results. */
    void Run();
    /** Simulator::Destroy, after which the helper's objects are gone. */
    void Destroy();

    /** FCT per flow in ns (receiver has all bytes), NaN when unfinished. */
    const std::vector<double>& GetFctNs() const;
    /** Ideal FCT per flow (packet-model.md section 5) over its routed path. */
    const std::vector<double>& GetIdealNs() const;
    size_t GetNumFinished() const;
    /**
     * Configuration warnings found by Install(), one line each: switches
     * whose headroom + reserve exceed their buffer (the PFC threshold is
     * then negative and every packet beyond a queue's reserve pauses the
     * upstream, a pause storm the configuration asks for).
     */
    std::vector<std::string> GetWarnings() const;
    /** Why Run() stopped: "all flows finished", "stalled", "time limit". */
    std::string GetStopReason() const;
    /** Totals over the network. */
    uint64_t GetPfcPauses() const;
    uint64_t GetDrops() const;
    uint64_t GetDataPackets() const;
    uint64_t GetTimeouts() const;
    /** Simulated time at the end of Run(). */
    Time GetSimulatedTime() const;

    /** Optional logs (call after Install, before Run). */
    /** PFC frames sent: `time_ns node port queue type` (1 pause, 0 resume). */
    bool EnablePfcLog(const std::string& path, std::string* error);
    /** Drops: `time_ns node port queue size`. */
    bool EnableDropLog(const std::string& path, std::string* error);
    /** Egress queue bytes of (node, port) every \p interval: `time_ns bytes`. */
    bool EnableQueueSamples(uint32_t node,
                            uint32_t port,
                            Time interval,
                            const std::string& path,
                            std::string* error);

    NodeContainer GetNodes() const;
    /** Null when the node is not a switch / host. */
    Ptr<M3Switch> GetSwitch(uint32_t node) const;
    Ptr<M3RdmaNic> GetNic(uint32_t node) const;

  private:
    struct Impl;
    Impl* m_impl;
};

} // namespace ns3

#endif /* M3_PACKET_HELPER_H */

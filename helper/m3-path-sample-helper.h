/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-path-sample-helper.h - the scenario of one training sample
 * (m3-method.md section 7, doc/training.rst): a parking-lot path, a
 * workload drawn with m3's recipe and a configuration drawn over all four
 * CCs and the training ranges, each from its own seed, so a sample is
 * fully described by (n, workload seed, configuration seed, flows).
 *
 * Unlike m3's data, the mid-path hosts sit on finite links with PFC
 * (default 40 Gbps, the inner line rate, so they can load the inner
 * links), and every flow is capped at 10 Gbps through the configuration's
 * nic_rate_gbps: buffer and PFC then act as they do in a fat-tree switch.
 * The line flowSim sees (m3_line_from_path of the foreground route) is
 * exactly the path the packet mode simulates. With midHosts > 1 every
 * mid-path position has that many hosts and its flows are spread over them
 * (m3_parking_lot_spread_flows), as a fat-tree switch receives a path's
 * flows from many ports (doc/m3.rst, "Results").
 *
 * The helper builds; it does not run the simulator (M3PacketHelper does).
 * Cost: the workload draw, O(flows).
 */
#ifndef M3_PATH_SAMPLE_HELPER_H
#define M3_PATH_SAMPLE_HELPER_H

#include "ns3/m3-scenario.h"

#include <string>
#include <vector>

namespace ns3
{

/** What defines one path sample. */
struct M3PathSampleSpec
{
    uint32_t n = 5;            //!< line positions (hosts 0 and n-1 at the ends)
    uint64_t workloadSeed = 1; //!< m3_workload_path_m3 seed
    uint64_t configSeed = 1;   //!< m3_config_sample seed
    size_t numFlows = 20000;
    double edgeBps = 10e9;    //!< first and last line link
    double innerBps = 40e9;   //!< inner line links
    double midHostBps = 40e9; //!< links of the mid-path hosts
    uint32_t midHosts = 1;    //!< hosts per mid-path position (m3_topology_parking_lot_hosts)
    m3_path_recipe recipe = {1.0, 2.0, 0.0}; //!< arrivals (m3_path_recipe_default: m3's)
    uint64_t delayNs = 1000;                 //!< every line link
    double capBps = 10e9;                    //!< every flow's rate cap (nic_rate_gbps)
};

/**
 * \ingroup m3
 * \brief Builds the M3Scenario of one path training sample.
 */
class M3PathSampleHelper
{
  public:
    explicit M3PathSampleHelper(const M3PathSampleSpec& spec);

    /** Topology, flows and configuration; null + error on bad input. */
    Ptr<M3Scenario> Build(std::string* error);

    /** The workload recipe's draws (valid after Build). */
    const m3_path_workload_info& GetWorkloadInfo() const;
    const M3PathSampleSpec& GetSpec() const;

    /**
     * The training target: per output bucket (schema out_bounds), the
     * percentiles p1..p100 of the foreground flows' (host 0 to host \p n - 1)
     * slowdown fct / ideal; flows with a NaN FCT (unfinished) are left
     * out. \p pcts receives out_buckets x pcts values, \p counts the
     * foreground flows per bucket.
     */
    static bool ForegroundTargets(const M3Scenario& scenario,
                                  uint32_t n,
                                  const std::vector<double>& fctNs,
                                  const std::vector<double>& idealNs,
                                  std::vector<double>* pcts,
                                  std::vector<size_t>* counts,
                                  std::string* error);

  private:
    M3PathSampleSpec m_spec;
    m3_path_workload_info m_info;
};

} // namespace ns3

#endif /* M3_PATH_SAMPLE_HELPER_H */

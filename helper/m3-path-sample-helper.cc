// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-path-sample-helper.cc - M3PathSampleHelper: parking lot + m3-recipe
 * workload + sampled configuration -> M3Scenario; foreground targets.
 */
#include "m3-path-sample-helper.h"

#include "ns3/log.h"

#include <cmath>
#include <cstring>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("M3PathSampleHelper");

M3PathSampleHelper::M3PathSampleHelper(const M3PathSampleSpec& spec)
    : m_spec(spec)
{
    std::memset(&m_info, 0, sizeof m_info);
}

const m3_path_workload_info&
M3PathSampleHelper::GetWorkloadInfo() const
{
    return m_info;
}

const M3PathSampleSpec&
M3PathSampleHelper::GetSpec() const
{
    return m_spec;
}

Ptr<M3Scenario>
M3PathSampleHelper::Build(std::string* error)
{
    NS_LOG_FUNCTION(this << m_spec.n << m_spec.workloadSeed << m_spec.configSeed);
    m3_error err;
    const M3PathSampleSpec& s = m_spec;
    if (!(s.capBps > 0) || !std::isfinite(s.capBps))
    {
        *error = "path sample: the rate cap must be a positive rate";
        return nullptr;
    }
    Ptr<M3Scenario> scenario = CreateObject<M3Scenario>();
    m3_topology* topo = m3_topology_parking_lot_hosts(s.n,
                                                      s.edgeBps,
                                                      s.innerBps,
                                                      s.midHostBps,
                                                      s.midHosts,
                                                      s.delayNs,
                                                      &err);
    if (!topo)
    {
        *error = std::string("path sample: ") + err.msg;
        return nullptr;
    }
    if (!scenario->SetTopology(topo, error))
    {
        return nullptr;
    }
    m3_flows flows;
    m3_flows_init(&flows);
    if (m3_workload_path_recipe(s.n,
                                s.numFlows,
                                s.workloadSeed,
                                &s.recipe,
                                &flows,
                                &m_info,
                                &err) != 0)
    {
        m3_flows_free(&flows);
        *error = std::string("path sample: ") + err.msg;
        return nullptr;
    }
    // Positions are hosts 0..n-1 of the parking lot; with several hosts per
    // mid position, each flow end there moves to one of them.
    m3_parking_lot_spread_flows(&flows, s.n, s.midHosts);
    bool ok = scenario->SetFlows(&flows, error);
    m3_flows_free(&flows);
    if (!ok)
    {
        return nullptr;
    }
    m3_config cfg;
    if (m3_config_sample(s.configSeed, &cfg, &err) != 0)
    {
        *error = std::string("path sample: ") + err.msg;
        return nullptr;
    }
    cfg.nic_rate_gbps = s.capBps / 1e9;
    if (!scenario->SetConfig(cfg, error))
    {
        return nullptr;
    }
    return scenario;
}

bool
M3PathSampleHelper::ForegroundTargets(const M3Scenario& scenario,
                                      uint32_t n,
                                      const std::vector<double>& fctNs,
                                      const std::vector<double>& idealNs,
                                      std::vector<double>* pcts,
                                      std::vector<size_t>* counts,
                                      std::string* error)
{
    const m3_flows& flows = scenario.GetFlows();
    if (fctNs.size() != flows.n || idealNs.size() != flows.n)
    {
        *error = "path sample: one FCT and one ideal FCT per flow are needed";
        return false;
    }
    const uint32_t last = n - 1; // hosts 0..n-1 are the positions' first hosts
    std::vector<uint64_t> sizes;
    std::vector<double> slowdown;
    for (size_t i = 0; i < flows.n; i++)
    {
        const m3_flow& f = flows.v[i];
        if (f.src == 0 && f.dst == last && std::isfinite(fctNs[i]))
        {
            sizes.push_back(f.size);
            slowdown.push_back(m3_slowdown(fctNs[i], idealNs[i]));
        }
    }
    const m3_feature_schema* schema = m3_feature_schema_get();
    pcts->assign(size_t(schema->out_buckets) * schema->pcts, 0.0);
    counts->assign(schema->out_buckets, 0);
    m3_error err;
    if (m3_bucket_percentiles(sizes.data(),
                              slowdown.data(),
                              slowdown.size(),
                              schema->out_bounds,
                              schema->out_buckets,
                              schema->pcts,
                              pcts->data(),
                              counts->data(),
                              &err) != 0)
    {
        *error = std::string("path sample: ") + err.msg;
        return false;
    }
    return true;
}

} // namespace ns3

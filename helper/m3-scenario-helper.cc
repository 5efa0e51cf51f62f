/*
 * m3-scenario-helper.cc - M3ScenarioHelper: command-line options -> M3Scenario.
 */
#include "m3-scenario-helper.h"

#include "ns3/abort.h"
#include "ns3/log.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <vector>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("M3ScenarioHelper");

namespace
{

/** Strict unsigned parse of "a,b,c": every field a whole number, count as asked. */
bool
ParseUintList(const std::string& text, size_t count, std::vector<uint32_t>* out)
{
    out->clear();
    std::stringstream ss(text);
    std::string field;
    while (std::getline(ss, field, ','))
    {
        if (field.empty() || field.find_first_not_of("0123456789") != std::string::npos ||
            field.size() > 9)
        {
            return false;
        }
        out->push_back(static_cast<uint32_t>(std::strtoul(field.c_str(), nullptr, 10)));
    }
    return out->size() == count && text.back() != ',';
}

bool
Fail(std::string* error, const std::string& msg)
{
    if (error)
    {
        *error = msg;
    }
    return false;
}

/** RAII for the size distribution, which the workload spec only borrows. */
struct SizeDist
{
    m3_size_dist* d = nullptr;
    ~SizeDist()
    {
        m3_size_dist_free(d);
    }
};

/** "a:b:c" -> {"a", "b", "c"}. */
std::vector<std::string>
SplitColons(const std::string& text)
{
    std::vector<std::string> parts;
    std::stringstream ss(text);
    std::string part;
    while (std::getline(ss, part, ':'))
    {
        parts.push_back(part);
    }
    return parts;
}

bool
ParseDouble(const std::string& text, double* out)
{
    char* end = nullptr;
    *out = std::strtod(text.c_str(), &end);
    return !text.empty() && end && *end == '\0' && std::isfinite(*out);
}

/**
 * The size distribution of --workload, in m3-workload's --sizes syntax:
 * a built-in name, exp:MEAN, gaussian:MEAN[:CV], lognormal:MEAN:SIGMA,
 * pareto:MEAN:XI, or else a CDF file.
 */
m3_size_dist*
MakeSizeDist(const std::string& spec, m3_error* err)
{
    std::vector<std::string> p = SplitColons(spec);
    static const struct
    {
        const char* name;
        m3_size_kind kind;
        size_t minArgs, maxArgs;
    } synthetic[] = {{"exp", M3_SIZE_EXP, 1, 1},
                     {"gaussian", M3_SIZE_GAUSSIAN, 1, 2},
                     {"lognormal", M3_SIZE_LOGNORMAL, 2, 2},
                     {"pareto", M3_SIZE_PARETO, 2, 2}};
    for (const auto& k : synthetic)
    {
        if (p.size() < 2 || p[0] != k.name)
        {
            continue;
        }
        double mean = 0;
        double shape = 0;
        size_t args = p.size() - 1;
        if (args < k.minArgs || args > k.maxArgs || !ParseDouble(p[1], &mean) ||
            (args == 2 && !ParseDouble(p[2], &shape)))
        {
            std::snprintf(err->msg, sizeof err->msg,
                          "expected %s:MEAN%s with numbers", k.name,
                          k.maxArgs == 1 ? "" : (k.minArgs == 1 ? "[:CV]" : ":SHAPE"));
            return nullptr;
        }
        return m3_size_dist_synthetic(k.kind, mean, shape, 50, err);
    }
    for (const char* const* n = m3_size_dist_builtin_names(); *n; n++)
    {
        if (spec == *n)
        {
            return m3_size_dist_builtin(spec.c_str(), err);
        }
    }
    if (spec.find_first_of("/.") == std::string::npos)
    {
        // Not a path: let the core name the built-ins in its error.
        return m3_size_dist_builtin(spec.c_str(), err);
    }
    return m3_size_dist_read(spec.c_str(), err);
}

} // namespace

M3ScenarioHelper::M3ScenarioHelper()
    : m_load(0.5),
      m_numFlows(20000),
      m_burstSigma(0),
      m_workloadSeed(1),
      m_tm("uniform")
{
    m_factory.SetTypeId(M3Scenario::GetTypeId());
    for (const char* const* k = m3_config_keys(); *k; k++)
    {
        m_configKeys[*k] = "";
    }
}

void
M3ScenarioHelper::AddCommandLine(CommandLine& cmd)
{
    cmd.AddValue("topology", "topology file (community text format)", m_topologyFile);
    cmd.AddValue("fat-tree", "m3 fat-tree PODS,RACKS,HOSTS,OVERSUB (oversub 1, 2 or 4)", m_fatTree);
    cmd.AddValue("k-ary", "classic k-ary fat-tree of this (even) K", m_kAry);
    cmd.AddValue("parking-lot", "m3 parking lot of N positions", m_parkingLot);
    cmd.AddValue("flows", "flows file (N, then `id src dst pg dport size start_s` lines)",
                 m_flowsFile);
    std::string names;
    for (const char* const* n = m3_size_dist_builtin_names(); *n; n++)
    {
        names += std::string(names.empty() ? "" : ", ") + *n;
    }
    cmd.AddValue("workload",
                 "generate flows with these sizes: " + names +
                     ", exp:MEAN, gaussian:MEAN[:CV], lognormal:MEAN:SIGMA, pareto:MEAN:XI"
                     " or a CDF file",
                 m_workload);
    cmd.AddValue("tm", "workload traffic matrix: uniform, matrix:FILE (racks x racks) or "
                 "incast:HOST:FRACTION", m_tm);
    cmd.AddValue("load", "workload: target utilisation of the busiest link (0..1)", m_load);
    cmd.AddValue("num-flows", "workload: number of flows", m_numFlows);
    cmd.AddValue("burst-sigma", "workload: log-normal inter-arrival shape (0 = Poisson)",
                 m_burstSigma);
    cmd.AddValue("workload-seed", "workload: random seed", m_workloadSeed);
    cmd.AddValue("config", "network configuration file (`key = value` lines)", m_configFile);
    for (auto& kv : m_configKeys)
    {
        cmd.AddValue(kv.first, "network config key " + kv.first + " (overrides --config)",
                     kv.second);
    }
}

void
M3ScenarioHelper::SetDefaultTopology(const std::string& spec)
{
    m_defaultTopology = spec;
}

void
M3ScenarioHelper::SetDefaultWorkload(const std::string& sizeDist, double load, uint64_t numFlows)
{
    m_workload = sizeDist;
    m_load = load;
    m_numFlows = numFlows;
}

void
M3ScenarioHelper::SetScenarioAttribute(const std::string& name, const AttributeValue& value)
{
    m_factory.Set(name, value);
}

std::string
M3ScenarioHelper::TopologySpec(std::string* error) const
{
    std::vector<std::string> given;
    if (!m_topologyFile.empty())
    {
        given.push_back("topology=" + m_topologyFile);
    }
    if (!m_fatTree.empty())
    {
        given.push_back("fat-tree=" + m_fatTree);
    }
    if (!m_kAry.empty())
    {
        given.push_back("k-ary=" + m_kAry);
    }
    if (!m_parkingLot.empty())
    {
        given.push_back("parking-lot=" + m_parkingLot);
    }
    if (given.size() > 1)
    {
        Fail(error,
             "--" + given[0] + " and --" + given[1] +
                 ": give only one of --topology, --fat-tree, --k-ary, --parking-lot");
        return "";
    }
    if (given.empty())
    {
        if (m_defaultTopology.empty())
        {
            Fail(error, "no topology: give --topology, --fat-tree, --k-ary or --parking-lot");
        }
        return m_defaultTopology;
    }
    return given[0];
}

std::string
M3ScenarioHelper::Describe() const
{
    std::string err;
    std::string topo = TopologySpec(&err);
    std::ostringstream flows;
    if (!m_flowsFile.empty())
    {
        flows << "flows=" << m_flowsFile;
    }
    else
    {
        flows << "workload=" << m_workload << " tm=" << m_tm << " load=" << m_load
              << " flows=" << m_numFlows;
    }
    return (topo.empty() ? "?" : topo) + " " + flows.str();
}

bool
M3ScenarioHelper::BuildTopology(Ptr<M3Scenario> s, std::string* error) const
{
    std::string spec = TopologySpec(error);
    if (spec.empty())
    {
        return false;
    }
    size_t eq = spec.find('=');
    std::string kind = spec.substr(0, eq);
    std::string value = spec.substr(eq + 1);
    std::vector<uint32_t> v;
    if (kind == "topology")
    {
        return s->ReadTopology(value, error);
    }
    if (kind == "fat-tree")
    {
        if (!ParseUintList(value, 4, &v))
        {
            return Fail(error, "--fat-tree=" + value + ": expected PODS,RACKS,HOSTS,OVERSUB");
        }
        return s->BuildFatTree(v[0], v[1], v[2], v[3], error);
    }
    if (kind == "k-ary")
    {
        if (!ParseUintList(value, 1, &v))
        {
            return Fail(error, "--k-ary=" + value + ": expected an even whole number K");
        }
        return s->BuildKAry(v[0], error);
    }
    if (kind == "parking-lot")
    {
        if (!ParseUintList(value, 1, &v))
        {
            return Fail(error, "--parking-lot=" + value + ": expected a whole number N >= 2");
        }
        return s->BuildParkingLot(v[0], error);
    }
    return Fail(error, "unknown topology kind '" + kind + "'");
}

bool
M3ScenarioHelper::BuildFlows(Ptr<M3Scenario> s, std::string* error) const
{
    if (!m_flowsFile.empty())
    {
        return s->ReadFlows(m_flowsFile, error);
    }
    if (m_workload.empty())
    {
        return Fail(error, "no flows: give --flows=FILE or --workload=NAME");
    }
    if (!(m_load > 0 && m_load < 1))
    {
        return Fail(error, "--load=" + std::to_string(m_load) + ": must be in (0, 1)");
    }
    if (m_numFlows == 0)
    {
        return Fail(error, "--num-flows=0: need at least one flow");
    }
    if (m_burstSigma < 0)
    {
        return Fail(error, "--burst-sigma: must be >= 0");
    }
    SizeDist sizes;
    m3_error err;
    sizes.d = MakeSizeDist(m_workload, &err);
    if (!sizes.d)
    {
        return Fail(error, std::string("--workload=") + m_workload + ": " + err.msg);
    }
    m3_workload_spec spec{};
    spec.sizes = sizes.d;
    spec.arrival = m_burstSigma > 0 ? M3_ARRIVAL_LOGNORMAL : M3_ARRIVAL_POISSON;
    spec.burst_sigma = m_burstSigma;
    spec.tm = M3_TM_UNIFORM;
    spec.load = m_load;
    spec.num_flows = m_numFlows;
    spec.seed = m_workloadSeed;

    // --tm: uniform | matrix:FILE | incast:HOST:FRACTION (as m3-workload).
    std::vector<uint32_t> rackOf;
    std::vector<double> matrix;
    std::vector<std::string> tm = SplitColons(m_tm);
    const m3_topology* topo = s->GetTopology();
    if (m_tm == "uniform")
    {
        spec.tm = M3_TM_UNIFORM;
    }
    else if (tm.size() >= 2 && tm[0] == "matrix")
    {
        std::string path = m_tm.substr(7);
        rackOf.resize(m3_topology_num_hosts(topo));
        int racks = m3_host_racks(topo, rackOf.data(), &err);
        if (racks < 0)
        {
            return Fail(error, "--tm=" + m_tm + ": " + err.msg);
        }
        matrix.resize(static_cast<size_t>(racks) * racks);
        if (m3_tm_read(path.c_str(), racks, matrix.data(), &err) != 0)
        {
            return Fail(error, err.msg);
        }
        spec.tm = M3_TM_MATRIX;
        spec.matrix = matrix.data();
        spec.racks = static_cast<uint32_t>(racks);
        spec.rack_of = rackOf.data();
    }
    else if (tm.size() == 3 && tm[0] == "incast")
    {
        std::vector<uint32_t> host;
        double fraction = 0;
        if (!ParseUintList(tm[1], 1, &host) || !ParseDouble(tm[2], &fraction))
        {
            return Fail(error, "--tm=" + m_tm + ": expected incast:HOST:FRACTION");
        }
        spec.tm = M3_TM_INCAST;
        spec.hotspot = host[0];
        spec.incast_fraction = fraction;
    }
    else
    {
        return Fail(error,
                    "--tm=" + m_tm + ": expected uniform, matrix:FILE or incast:HOST:FRACTION");
    }
    return s->GenerateWorkload(spec, error);
}

bool
M3ScenarioHelper::BuildConfig(Ptr<M3Scenario> s, std::string* error) const
{
    if (!m_configFile.empty() && !s->ReadConfig(m_configFile, error))
    {
        return false;
    }
    // Flags override the file; each error names its flag.
    for (const auto& kv : m_configKeys)
    {
        if (!kv.second.empty() && !s->SetConfigKey(kv.first, kv.second, "--" + kv.first, error))
        {
            return false;
        }
    }
    return s->ValidateConfig(error);
}

Ptr<M3Scenario>
M3ScenarioHelper::Build(std::string* error) const
{
    Ptr<M3Scenario> s = m_factory.Create<M3Scenario>();
    if (!BuildTopology(s, error) || !BuildFlows(s, error) || !BuildConfig(s, error))
    {
        s->Dispose();
        return nullptr;
    }
    NS_LOG_INFO("scenario: " << Describe() << ", " << s->GetFlows().n << " flows");
    return s;
}

Ptr<M3Scenario>
M3ScenarioHelper::Build() const
{
    std::string error;
    Ptr<M3Scenario> s = Build(&error);
    if (!s)
    {
        NS_FATAL_ERROR(error);
    }
    return s;
}

} // namespace ns3

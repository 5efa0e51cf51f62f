// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-scenario-helper.cc - M3ScenarioHelper: command-line options -> M3Scenario.
 */
#include "m3-scenario-helper.h"

#include "ns3/abort.h"
#include "ns3/log.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
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

/** Fail for an option's value that cannot be: a usage error (exit 2). */
bool
Usage(std::string* error, bool* usage, const std::string& msg)
{
    *usage = true;
    return Fail(error, msg);
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

/** The core's strict number syntax (m3.h, "numbers in text"). */
bool
ParseDouble(const std::string& text, double* out)
{
    return m3_parse_double(text.c_str(), out) == 0;
}

/**
 * The size distribution of --workload, in m3-workload's --sizes syntax:
 * a built-in name, exp:MEAN, gaussian:MEAN[:CV], lognormal:MEAN:SIGMA,
 * pareto:MEAN:XI, or else a CDF file (*file true: a failure is the file's).
 */
m3_size_dist*
MakeSizeDist(const std::string& spec, uint64_t minSize, m3_error* err, bool* file)
{
    *file = false;
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
            std::snprintf(err->msg,
                          sizeof err->msg,
                          "expected %s:MEAN%s with numbers",
                          k.name,
                          k.maxArgs == 1 ? "" : (k.minArgs == 1 ? "[:CV]" : ":SHAPE"));
            return nullptr;
        }
        return m3_size_dist_synthetic(k.kind, mean, shape, minSize, err);
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
    *file = true;
    return m3_size_dist_read(spec.c_str(), err);
}

} // namespace

M3ScenarioHelper::M3ScenarioHelper()
    : m_load(0.5)
    , m_numFlows(50000)
    , m_burstSigma(0)
    , m_workloadSeed(1)
    , m_minSize(50)
    , m_tm("uniform")
{
    m_factory.SetTypeId(M3Scenario::GetTypeId());
    for (const char* const* k = m3_config_keys(); *k; k++)
    {
        m_configKeys[*k] = "";
    }
}

namespace
{

/** The built-in size distributions, for help texts. */
std::string
SizeNames()
{
    std::string names;
    for (const char* const* n = m3_size_dist_builtin_names(); *n; n++)
    {
        names += std::string(names.empty() ? "" : ", ") + *n;
    }
    return names;
}

} // namespace

void
M3ScenarioHelper::AddCommandLine(CommandLine& cmd)
{
    cmd.AddValue("topology", "topology file (community text format)", m_topologyFile);
    cmd.AddValue("fat-tree", "m3 fat-tree PODS,RACKS,HOSTS,OVERSUB (oversub 1, 2 or 4)", m_fatTree);
    cmd.AddValue("k-ary", "classic k-ary fat-tree of this (even) K", m_kAry);
    cmd.AddValue("parking-lot", "m3 parking lot of N positions", m_parkingLot);
    cmd.AddValue("flows",
                 "flows file (N, then `id src dst pg dport size start_s` lines)",
                 m_flowsFile);
    cmd.AddValue("workload",
                 "generate flows with these sizes: " + SizeNames() +
                     ", exp:MEAN, gaussian:MEAN[:CV], lognormal:MEAN:SIGMA, pareto:MEAN:XI"
                     " or a CDF file",
                 m_workload);
    cmd.AddValue("tm",
                 "workload traffic matrix: uniform, matrix:FILE (racks x racks) or "
                 "incast:HOST:FRACTION",
                 m_tm);
    cmd.AddValue("load", "workload: target utilisation of the busiest link, (0, 1]", m_loadText);
    cmd.AddValue("num-flows", "workload: number of flows", m_numFlowsText);
    cmd.AddValue("burst-sigma",
                 "workload: log-normal inter-arrival shape (0 = Poisson)",
                 m_burstSigmaText);
    cmd.AddValue("workload-seed", "workload: random seed", m_workloadSeedText);
    cmd.AddValue("min-size", "workload: smallest synthetic flow size in bytes", m_minSizeText);
    cmd.AddValue("config", "network configuration file (`key = value` lines)", m_configFile);
    for (auto& kv : m_configKeys)
    {
        cmd.AddValue(kv.first,
                     "network config key " + kv.first + " (overrides --config)",
                     kv.second);
    }
}

namespace
{

/** A whole number lo..hi (1e3 where exact), for parse-time checks. */
std::function<bool(const std::string&, std::string*)>
CountCheck(uint64_t lo, uint64_t hi)
{
    return [lo, hi](const std::string& v, std::string* error)
    {
        uint64_t x;
        int rc = m3_parse_count(v.c_str(), hi, &x);
        if (rc == -1)
        {
            *error = "'" + v + "' is not a whole number";
            return false;
        }
        if (rc != 0 || x < lo)
        {
            *error =
                v + " is out of range (" + std::to_string(lo) + ".." + std::to_string(hi) + ")";
            return false;
        }
        return true;
    };
}

/** A number in [lo, hi] (lo excluded when loOpen). */
std::function<bool(const std::string&, std::string*)>
RealCheck(double lo, bool loOpen, double hi, const std::string& range)
{
    return [lo, loOpen, hi, range](const std::string& v, std::string* error)
    {
        double x;
        if (m3_parse_double(v.c_str(), &x) != 0)
        {
            *error = "'" + v + "' is not a number";
            return false;
        }
        if ((loOpen ? !(x > lo) : !(x >= lo)) || !(x <= hi))
        {
            *error = v + " is out of range (" + range + ")";
            return false;
        }
        return true;
    };
}

/** A built-in topology's numbers: count of them, each in its range. */
std::function<bool(const std::string&, std::string*)>
TopologyCheck(const std::string& kind)
{
    return [kind](const std::string& v, std::string* error)
    {
        std::vector<uint32_t> x;
        if (kind == "fat-tree")
        {
            if (!ParseUintList(v, 4, &x))
            {
                *error = "'" + v + "' is not PODS,RACKS,HOSTS,OVERSUB (four whole numbers)";
                return false;
            }
            if (x[0] < 1 || x[0] > 64 || x[1] < 1 || x[1] > 256 || x[2] < 1 || x[2] > 256 ||
                (x[3] != 1 && x[3] != 2 && x[3] != 4) || x[1] % x[3] != 0)
            {
                *error = v + ": pods 1..64, racks 1..256, hosts 1..256, oversubscription 1, 2 "
                             "or 4 dividing the racks";
                return false;
            }
            return true;
        }
        if (!ParseUintList(v, 1, &x))
        {
            *error = "'" + v + "' is not a whole number";
            return false;
        }
        if (kind == "k-ary" && (x[0] < 2 || x[0] > 64 || x[0] % 2))
        {
            *error = v + " is not an even K in 2..64";
            return false;
        }
        if (kind == "parking-lot" && (x[0] < 2 || x[0] > M3_LINE_MAX_POSITIONS))
        {
            *error = v + " is out of range (2.." + std::to_string(M3_LINE_MAX_POSITIONS) + ")";
            return false;
        }
        return true;
    };
}

} // namespace

void
M3ScenarioHelper::AddCommandLine(M3CommandLine& cmd)
{
    cmd.AddText("topology", "topology file (community text format)", &m_topologyFile);
    cmd.AddChecked("fat-tree",
                   "m3's fat-tree PODS,RACKS,HOSTS,OVERSUB (oversub 1, 2 or 4; host links "
                   "10 Gbps, fabric 40 Gbps, 1 us)",
                   &m_fatTree,
                   TopologyCheck("fat-tree"));
    cmd.AddChecked("k-ary",
                   "classic k-ary fat-tree of this even K, 2..64 (10/40 Gbps, 1 us)",
                   &m_kAry,
                   TopologyCheck("k-ary"));
    cmd.AddChecked("parking-lot",
                   "the parking lot of every tool: N positions 2..65, hosts 0 and N-1 on the "
                   "10 Gbps end links, inner line links and mid-path host links 40 Gbps, 1 us "
                   "per line link",
                   &m_parkingLot,
                   TopologyCheck("parking-lot"));
    cmd.AddText("flows",
                "flows file: N, then `id src dst pg dport size start_s` lines sorted by "
                "start time (the older form without id too)",
                &m_flowsFile);
    cmd.AddText("workload",
                "generate flows with these sizes: " + SizeNames() +
                    ", exp:MEAN, gaussian:MEAN[:CV], lognormal:MEAN:SIGMA, pareto:MEAN:XI or a "
                    "CDF file",
                &m_workload);
    cmd.AddText("tm",
                "workload traffic matrix: uniform (default), matrix:FILE (racks x racks) or "
                "incast:HOST:FRACTION",
                &m_tm);
    cmd.AddChecked("load",
                   "workload: utilisation of the busiest link, (0, 1] (default 0.5)",
                   &m_loadText,
                   RealCheck(0, true, 1, "(0, 1]"));
    cmd.AddChecked("num-flows",
                   "workload: number of flows, 1..1e8 (default 50000)",
                   &m_numFlowsText,
                   CountCheck(1, 100000000));
    cmd.AddChecked("burst-sigma",
                   "workload: log-normal inter-arrival shape in (0, 5]; 0 = Poisson (default)",
                   &m_burstSigmaText,
                   RealCheck(0, false, 5, "0 = Poisson, or (0, 5]"));
    cmd.AddChecked("workload-seed",
                   "workload: random seed (default 1)",
                   &m_workloadSeedText,
                   CountCheck(0, UINT64_MAX));
    cmd.AddChecked("min-size",
                   "workload: smallest synthetic flow size in bytes (default 50)",
                   &m_minSizeText,
                   CountCheck(1, M3_FLOW_MAX_BYTES));
    cmd.AddText("config", "network configuration file (`key = value` lines)", &m_configFile);
    for (auto& kv : m_configKeys)
    {
        const std::string key = kv.first;
        cmd.AddChecked(key,
                       "configuration key " + key + " (overrides --config)",
                       &kv.second,
                       [key](const std::string& v, std::string* error)
                       {
                           // the key's own range, checked on a scratch configuration
                           m3_config c;
                           m3_config_default(&c);
                           m3_error err;
                           if (m3_config_set(&c, key.c_str(), v.c_str(), nullptr, &err) != 0)
                           {
                               *error = err.msg;
                               return false;
                           }
                           return true;
                       });
    }
}

bool
M3ScenarioHelper::ParseWorkloadOptions(double* load,
                                       uint64_t* numFlows,
                                       double* burstSigma,
                                       uint64_t* seed,
                                       uint64_t* minSize,
                                       std::string* error) const
{
    *load = m_load;
    *numFlows = m_numFlows;
    *burstSigma = m_burstSigma;
    *seed = m_workloadSeed;
    *minSize = m_minSize;
    auto real = [error](const std::string& flag,
                        const std::string& text,
                        double lo,
                        bool loOpen,
                        double hi,
                        const std::string& range,
                        double* out)
    {
        if (text.empty())
        {
            return true;
        }
        double v;
        if (m3_parse_double(text.c_str(), &v) != 0)
        {
            return Fail(error, "--" + flag + "=" + text + ": not a number");
        }
        if ((loOpen ? !(v > lo) : !(v >= lo)) || !(v <= hi))
        {
            return Fail(error, "--" + flag + "=" + text + ": out of range (" + range + ")");
        }
        *out = v;
        return true;
    };
    auto count = [error](const std::string& flag,
                         const std::string& text,
                         uint64_t lo,
                         uint64_t hi,
                         uint64_t* out)
    {
        if (text.empty())
        {
            return true;
        }
        uint64_t v;
        int rc = m3_parse_count(text.c_str(), hi, &v);
        if (rc == -1)
        {
            return Fail(error, "--" + flag + "=" + text + ": not a whole number");
        }
        if (rc != 0 || v < lo)
        {
            return Fail(error,
                        "--" + flag + "=" + text + ": out of range (" + std::to_string(lo) + ".." +
                            std::to_string(hi) + ")");
        }
        *out = v;
        return true;
    };
    return real("load", m_loadText, 0, true, 1, "(0, 1]", load) &&
           count("num-flows", m_numFlowsText, 1, 100000000, numFlows) &&
           real("burst-sigma",
                m_burstSigmaText,
                0,
                false,
                5,
                "0 = Poisson, or (0, 5]",
                burstSigma) &&
           count("workload-seed", m_workloadSeedText, 0, UINT64_MAX, seed) &&
           count("min-size", m_minSizeText, 1, M3_FLOW_MAX_BYTES, minSize);
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

void
M3ScenarioHelper::SetFlowCountCheck(FlowCountCheck check)
{
    m_flowCountCheck = check;
}

namespace
{

/**
 * The count line of a flows file, read as m3_flows_read reads it (the
 * first line with a field); false when there is none or it is not one
 * whole number (the reader then says what is wrong).
 */
bool
PeekFlowCount(const std::string& path, uint64_t* count)
{
    std::ifstream in(path, std::ios::binary);
    std::string line;
    while (std::getline(in, line))
    {
        const size_t hash = line.find('#');
        if (hash != std::string::npos)
        {
            line.resize(hash);
        }
        std::istringstream fields(line);
        std::string first;
        std::string more;
        if (!(fields >> first))
        {
            continue;
        }
        return !(fields >> more) && m3_parse_u64(first.c_str(), count) == 0;
    }
    return false;
}

} // namespace

bool
M3ScenarioHelper::CheckFlowCount(Ptr<M3Scenario> s, std::string* error) const
{
    if (!m_flowCountCheck)
    {
        return true;
    }
    uint64_t count = 0;
    std::string ignored;
    // the flags that set the topology and the count: "--k-ary=64 --num-flows=1e8"
    std::string where = "--" + TopologySpec(&ignored);
    if (!m_flowsFile.empty())
    {
        if (!PeekFlowCount(m_flowsFile, &count))
        {
            return true; // the reader refuses the file with its line
        }
        where += " --flows=" + m_flowsFile;
    }
    else
    {
        double load;
        double sigma;
        uint64_t seed;
        uint64_t minSize;
        if (!ParseWorkloadOptions(&load, &count, &sigma, &seed, &minSize, error))
        {
            return false;
        }
        where +=
            " --num-flows=" + (m_numFlowsText.empty() ? std::to_string(count) : m_numFlowsText);
    }
    return m_flowCountCheck(s, count, where, error);
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
        double load;
        double sigma;
        uint64_t n;
        uint64_t seed;
        uint64_t minSize;
        std::string ignored;
        if (!ParseWorkloadOptions(&load, &n, &sigma, &seed, &minSize, &ignored))
        {
            load = m_load;
            n = m_numFlows;
        }
        flows << "workload=" << m_workload << " tm=" << m_tm << " load=" << load << " flows=" << n;
    }
    return (topo.empty() ? "?" : topo) + " " + flows.str();
}

bool
M3ScenarioHelper::BuildTopology(Ptr<M3Scenario> s, std::string* error, bool* usage) const
{
    std::string spec = TopologySpec(error);
    if (spec.empty())
    {
        *usage = true; // two topology options, or none
        return false;
    }
    size_t eq = spec.find('=');
    std::string kind = spec.substr(0, eq);
    std::string value = spec.substr(eq + 1);
    std::vector<uint32_t> v;
    if (kind == "topology")
    {
        std::string msg;
        if (s->ReadTopology(value, &msg))
        {
            return true;
        }
        // the reader's messages start with the file name; others get it
        return Fail(error, msg.compare(0, value.size(), value) == 0 ? msg : value + ": " + msg);
    }
    std::string msg;
    bool ok = false;
    // A value out of the ranges AddCommandLine(M3CommandLine&) checks is a
    // usage error; a builder that fails on a value in range (memory) is not.
    const bool builtin = kind == "fat-tree" || kind == "k-ary" || kind == "parking-lot";
    if (builtin && ParseUintList(value, kind == "fat-tree" ? 4 : 1, &v) &&
        !TopologyCheck(kind)(value, &msg))
    {
        return Usage(error, usage, "--" + kind + ": " + msg);
    }
    if (kind == "fat-tree")
    {
        if (!ParseUintList(value, 4, &v))
        {
            return Usage(error,
                         usage,
                         "--fat-tree=" + value + ": expected PODS,RACKS,HOSTS,OVERSUB");
        }
        ok = s->BuildFatTree(v[0], v[1], v[2], v[3], &msg);
    }
    else if (kind == "k-ary")
    {
        if (!ParseUintList(value, 1, &v))
        {
            return Usage(error, usage, "--k-ary=" + value + ": expected an even whole number K");
        }
        ok = s->BuildKAry(v[0], &msg);
    }
    else if (kind == "parking-lot")
    {
        if (!ParseUintList(value, 1, &v))
        {
            return Usage(error,
                         usage,
                         "--parking-lot=" + value + ": expected a whole number N >= 2");
        }
        ok = s->BuildParkingLot(v[0], &msg);
    }
    else
    {
        return Usage(error, usage, "unknown topology kind '" + kind + "'");
    }
    return ok || Fail(error, "--" + spec + ": " + msg);
}

bool
M3ScenarioHelper::BuildFlows(Ptr<M3Scenario> s, std::string* error, bool* usage) const
{
    if (!m_flowsFile.empty())
    {
        return s->ReadFlows(m_flowsFile, error);
    }
    if (m_workload.empty())
    {
        return Usage(error, usage, "no flows: give --flows=FILE or --workload=NAME");
    }
    double load;
    double burstSigma;
    uint64_t numFlows;
    uint64_t seed;
    uint64_t minSize;
    if (!ParseWorkloadOptions(&load, &numFlows, &burstSigma, &seed, &minSize, error))
    {
        *usage = true;
        return false;
    }
    SizeDist sizes;
    m3_error err;
    bool file = false;
    sizes.d = MakeSizeDist(m_workload, minSize, &err, &file);
    if (!sizes.d)
    {
        // a CDF file's content is an input error; a name or a spec a usage error
        *usage = !file;
        return Fail(error, std::string("--workload=") + m_workload + ": " + err.msg);
    }
    m3_workload_spec spec{};
    spec.sizes = sizes.d;
    spec.arrival = burstSigma > 0 ? M3_ARRIVAL_LOGNORMAL : M3_ARRIVAL_POISSON;
    spec.burst_sigma = burstSigma;
    spec.tm = M3_TM_UNIFORM;
    spec.load = load;
    spec.num_flows = numFlows;
    spec.seed = seed;

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
            return Usage(error, usage, "--tm=" + m_tm + ": " + err.msg);
        }
        matrix.resize(static_cast<size_t>(racks) * racks);
        if (m3_tm_read(path.c_str(), racks, matrix.data(), &err) != 0)
        {
            return Fail(error, "--tm=" + m_tm + ": " + err.msg);
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
            return Usage(error, usage, "--tm=" + m_tm + ": expected incast:HOST:FRACTION");
        }
        if (!(fraction >= 0 && fraction <= 1))
        {
            return Usage(error, usage, "--tm=" + m_tm + ": FRACTION must be in [0, 1]");
        }
        if (host[0] >= m3_topology_num_nodes(topo) || m3_topology_is_switch(topo, host[0]))
        {
            return Usage(error,
                         usage,
                         "--tm=" + m_tm + ": node " + std::to_string(host[0]) +
                             " is not a host of the topology");
        }
        spec.tm = M3_TM_INCAST;
        spec.hotspot = host[0];
        spec.incast_fraction = fraction;
    }
    else
    {
        return Usage(error,
                     usage,
                     "--tm=" + m_tm + ": expected uniform, matrix:FILE or incast:HOST:FRACTION");
    }
    std::string msg;
    if (!s->GenerateWorkload(spec, &msg))
    {
        // name the topology too: a missing or too long route is its doing
        return Fail(error,
                    "--workload=" + m_workload + " on " + s->GetTopologySource() + ": " + msg);
    }
    return true;
}

bool
M3ScenarioHelper::BuildConfig(Ptr<M3Scenario> s, std::string* error, bool* usage) const
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
            *usage = true;
            return false;
        }
    }
    // Keys that do not fit together: the flags' doing when there is no file.
    if (!s->ValidateConfig(error))
    {
        *usage = m_configFile.empty();
        return false;
    }
    return true;
}

Ptr<M3Scenario>
M3ScenarioHelper::Build(std::string* error) const
{
    return Build(error, nullptr);
}

Ptr<M3Scenario>
M3ScenarioHelper::Build(std::string* error, bool* usage) const
{
    bool isUsage = false;
    if (!usage)
    {
        usage = &isUsage;
    }
    *usage = false;
    Ptr<M3Scenario> s = m_factory.Create<M3Scenario>();
    // The cheap checks first (configuration, workload numbers), then the
    // topology and its routing, then the flows.
    double load;
    double sigma;
    uint64_t n;
    uint64_t seed;
    uint64_t minSize;
    bool ok = BuildConfig(s, error, usage);
    if (ok && m_flowsFile.empty() &&
        !ParseWorkloadOptions(&load, &n, &sigma, &seed, &minSize, error))
    {
        *usage = true;
        ok = false;
    }
    if (!ok || !BuildTopology(s, error, usage) || !CheckFlowCount(s, error) ||
        !BuildFlows(s, error, usage))
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

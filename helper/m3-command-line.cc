// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-command-line.cc - M3CommandLine: one command-line convention for the
 * m3 programs (see the header).
 */
#include "m3-command-line.h"

#include "ns3/command-line.h"
#include "ns3/config.h"
#include "ns3/global-value.h"
#include "ns3/m3.h"
#include "ns3/string.h"
#include "ns3/type-id.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>

namespace ns3
{

namespace
{

/** Edit distance (for "did you mean"); long names give a large distance. */
size_t
Distance(const std::string& a, const std::string& b)
{
    if (a.size() > 64 || b.size() > 64)
    {
        return 1000;
    }
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); j++)
    {
        row[j] = j;
    }
    for (size_t i = 1; i <= a.size(); i++)
    {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); j++)
        {
            size_t up = row[j];
            row[j] = std::min({diag + (a[i - 1] != b[j - 1]), up + 1, row[j - 1] + 1});
            diag = up;
        }
    }
    return row[b.size()];
}

/** ns-3's introspection arguments, which print and exit: passed to its CommandLine. */
bool
IsNs3Print(const std::string& name)
{
    static const char* const kPrint[] = {"PrintHelp",
                                         "PrintGlobals",
                                         "PrintGroups",
                                         "PrintGroup",
                                         "PrintTypeIds",
                                         "PrintAttributes",
                                         "PrintVersion"};
    for (const char* p : kPrint)
    {
        if (name == p)
        {
            return true;
        }
    }
    return false;
}

/**
 * The text of an attribute value in the form ns-3's parser of that value
 * type reads without aborting: ns-3's DeserializeFromString stops the
 * program on trailing text ("3x") and Time and DataRate on any malformed
 * value, so numbers, times and rates are checked with the core's strict
 * syntax first and rewritten. False + why when the text is not such a value.
 */
bool
CanonicalValue(const std::string& type, const std::string& text, std::string* out, std::string* why)
{
    auto fail = [why](const std::string& w)
    {
        *why = w;
        return false;
    };
    if (type == "ns3::UintegerValue")
    {
        uint64_t v;
        if (m3_parse_count(text.c_str(), UINT64_MAX, &v) != 0)
        {
            return fail("not a whole number");
        }
        *out = std::to_string(v);
        return true;
    }
    if (type == "ns3::IntegerValue")
    {
        bool neg = !text.empty() && text[0] == '-';
        uint64_t v;
        if (m3_parse_count(text.c_str() + (neg ? 1 : 0), uint64_t(INT64_MAX), &v) != 0)
        {
            return fail("not a whole number");
        }
        *out = (neg && v ? "-" : "") + std::to_string(v);
        return true;
    }
    if (type == "ns3::DoubleValue")
    {
        double v;
        if (m3_parse_double(text.c_str(), &v) != 0)
        {
            return fail("not a number");
        }
        std::ostringstream os;
        os.precision(17);
        os << v;
        *out = os.str();
        return true;
    }
    if (type == "ns3::BooleanValue")
    {
        if (text == "true" || text == "1" || text == "false" || text == "0")
        {
            *out = text;
            return true;
        }
        return fail("not true, false, 1 or 0");
    }
    if (type == "ns3::TimeValue")
    {
        // a number and one of ns-3's units
        static const char* const kUnits[] =
            {"y", "d", "h", "min", "s", "ms", "us", "ns", "ps", "fs"};
        size_t end = text.find_first_not_of("0123456789.eE+-");
        std::string num = text.substr(0, end);
        std::string unit = end == std::string::npos ? "" : text.substr(end);
        double v;
        bool unitOk =
            std::find_if(std::begin(kUnits),
                         std::end(kUnits),
                         [&unit](const char* u) { return unit == u; }) != std::end(kUnits);
        if (m3_parse_double(num.c_str(), &v) != 0 || !unitOk)
        {
            return fail("not a time (a number and a unit: s, ms, us, ns, ...)");
        }
        *out = text;
        return true;
    }
    if (type == "ns3::DataRateValue")
    {
        double bps;
        int rc = m3_parse_rate(text.c_str(), &bps);
        if (rc == -1)
        {
            return fail("not a rate (e.g. 10Gbps)");
        }
        if (rc != 0)
        {
            return fail("outside 1Mbps..1000Tbps");
        }
        *out = std::to_string(static_cast<uint64_t>(std::llround(bps))) + "bps";
        return true;
    }
    if (type == "ns3::TypeIdValue")
    {
        TypeId tid;
        if (!TypeId::LookupByNameFailSafe(text, &tid))
        {
            return fail("no type " + text + " (--PrintTypeIds lists them)");
        }
        *out = text;
        return true;
    }
    if (type == "ns3::StringValue" || type == "ns3::EnumValue")
    {
        *out = text; // these parsers refuse without stopping the program
        return true;
    }
    return fail("an attribute of type " + type +
                ", which this command line does not set (use a program of your own)");
}

} // namespace

M3CommandLine::M3CommandLine(const std::string& program, const std::string& usage)
    : m_program(program)
    , m_usage(usage)
{
}

void
M3CommandLine::AddText(const std::string& name, const std::string& help, std::string* value)
{
    m_options.push_back({name,
                         help,
                         Kind::TEXT,
                         [value](const std::string& v, bool commit, std::string*)
                         {
                             if (commit)
                             {
                                 *value = v;
                             }
                             return true;
                         }});
}

void
M3CommandLine::AddChecked(const std::string& name,
                          const std::string& help,
                          std::string* value,
                          std::function<bool(const std::string&, std::string*)> check)
{
    m_options.push_back({name,
                         help,
                         Kind::TEXT,
                         [value, check](const std::string& v, bool commit, std::string* error)
                         {
                             if (!check(v, error))
                             {
                                 return false;
                             }
                             if (commit)
                             {
                                 *value = v;
                             }
                             return true;
                         }});
}

namespace
{

// A whole number in lo..hi (m3_parse_count), or the reason it is not.
bool
ParseCount(const std::string& v, uint64_t lo, uint64_t hi, uint64_t* x, std::string* error)
{
    int rc = m3_parse_count(v.c_str(), hi, x);
    if (rc == -1)
    {
        *error = "'" + v + "' is not a whole number";
        return false;
    }
    if (rc != 0 || *x < lo)
    {
        *error = v + " is out of range (" + std::to_string(lo) + ".." + std::to_string(hi) + ")";
        return false;
    }
    return true;
}

/**
 * The store function of a count option for either width: the value is
 * parsed as 64 bits against [lo, hi], which the caller's type bounds.
 */
template <typename T>
std::function<bool(const std::string&, bool, std::string*)>
CountStore(T* value, T lo, T hi)
{
    return [value, lo, hi](const std::string& v, bool commit, std::string* error)
    {
        uint64_t x;
        if (!ParseCount(v, lo, hi, &x, error))
        {
            return false;
        }
        if (commit)
        {
            *value = static_cast<T>(x);
        }
        return true;
    };
}

} // namespace

void
M3CommandLine::AddCount(const std::string& name,
                        const std::string& help,
                        uint64_t* value,
                        uint64_t lo,
                        uint64_t hi)
{
    m_options.push_back({name, help, Kind::COUNT, CountStore(value, lo, hi)});
}

void
M3CommandLine::AddCount(const std::string& name,
                        const std::string& help,
                        uint32_t* value,
                        uint32_t lo,
                        uint32_t hi)
{
    m_options.push_back({name, help, Kind::COUNT, CountStore(value, lo, hi)});
}

void
M3CommandLine::AddReal(const std::string& name,
                       const std::string& help,
                       double* value,
                       double lo,
                       bool loOpen,
                       double hi,
                       const std::string& range)
{
    m_options.push_back(
        {name,
         help,
         Kind::REAL,
         [value, lo, loOpen, hi, range](const std::string& v, bool commit, std::string* error)
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
             if (commit)
             {
                 *value = x;
             }
             return true;
         }});
}

void
M3CommandLine::AddFlag(const std::string& name, const std::string& help, bool* value)
{
    m_options.push_back({name,
                         help,
                         Kind::FLAG,
                         [value](const std::string& v, bool commit, std::string* error)
                         {
                             if (v.empty() || v == "1" || v == "true" || v == "0" || v == "false")
                             {
                                 if (commit)
                                 {
                                     *value = v.empty() || v == "1" || v == "true";
                                 }
                                 return true;
                             }
                             *error = "'" + v + "' is not 1, 0, true or false";
                             return false;
                         }});
}

void
M3CommandLine::RefuseAttribute(const std::string& typeName,
                               const std::string& attribute,
                               const std::string& hint)
{
    m_refused[typeName + "::" + attribute] = hint;
}

void
M3CommandLine::RefuseScenarioAttributes()
{
    // Every attribute M3PacketHelper sets from the scenario: its
    // configuration key (which flowSim and m3 see too) or the topology.
    const char* const kKeys[][3] = {
        {"ns3::M3Switch", "BufferSize", "--buffer_kb"},
        {"ns3::M3SharedBuffer", "BufferSize", "--buffer_kb"},
        {"ns3::M3Switch", "PfcEnabled", "--pfc"},
        {"ns3::M3PortDevice", "PfcEnabled", "--pfc"},
        {"ns3::M3Switch", "HostRate", "--nic_rate_gbps"},
        {"ns3::M3RdmaNic", "MaxRate", "--nic_rate_gbps"},
        {"ns3::M3Switch", "EcnEnabled", "--cc"},
        {"ns3::M3Switch", "IntEnabled", "--cc"},
        {"ns3::M3RdmaNic", "CongestionControl", "--cc"},
        {"ns3::M3Switch", "EcnKmin", "--dctcp_k_kb or --dcqcn_kmin_kb"},
        {"ns3::M3Switch", "EcnKmax", "--dctcp_k_kb or --dcqcn_kmax_kb"},
        {"ns3::M3CcHpcc", "Eta", "--hpcc_eta"},
        {"ns3::M3CcHpcc", "AiRate", "--hpcc_ai_mbps"},
        {"ns3::M3CcTimely", "TLow", "--timely_tlow_us"},
        {"ns3::M3CcTimely", "THigh", "--timely_thigh_us"},
        {"ns3::M3RdmaNic", "WindowBytes", "--window_bytes"},
        {"ns3::M3RdmaNic", "BaseRtt", "--base_rtt_us"},
        {"ns3::M3RdmaNic", "Mtu", "--mtu"},
    };
    for (const auto& k : kKeys)
    {
        RefuseAttribute(k[0],
                        k[1],
                        std::string("set by the scenario's configuration: use ") + k[2] +
                            " (the key every mode sees)");
    }
    RefuseAttribute("ns3::M3PortDevice",
                    "DataRate",
                    "set per link from the topology: give the rates in --topology or the "
                    "built-in topology's options");
    RefuseAttribute("ns3::M3PortChannel",
                    "Delay",
                    "set per link from the topology: give the delays in --topology");
}

bool
M3CommandLine::CheckNs3Argument(const std::string& name,
                                const std::string& value,
                                std::string* canonical,
                                std::string* error) const
{
    size_t sep = name.rfind("::");
    if (sep != std::string::npos)
    {
        // --ns3::TYPE::ATTRIBUTE=VALUE (or TYPE::ATTRIBUTE without ns3::)
        std::string type = name.substr(0, sep);
        std::string attr = name.substr(sep + 2);
        if (type.compare(0, 5, "ns3::") != 0)
        {
            type = "ns3::" + type;
        }
        TypeId tid;
        if (!TypeId::LookupByNameFailSafe(type, &tid))
        {
            *error = "--" + name + ": no type " + type + " (--PrintTypeIds lists them)";
            return false;
        }
        TypeId::AttributeInformation info;
        if (!tid.LookupAttributeByName(attr, &info))
        {
            *error = "--" + name + ": " + type + " has no attribute '" + attr +
                     "' (--PrintAttributes=" + type + " lists them)";
            return false;
        }
        // the attribute may be inherited: refusals name the declaring type too
        for (TypeId t = tid;; t = t.GetParent())
        {
            auto it = m_refused.find(t.GetName() + "::" + attr);
            if (it != m_refused.end())
            {
                *error = "--" + name + ": " + it->second;
                return false;
            }
            if (t == t.GetParent())
            {
                break;
            }
        }
        std::string why;
        if (!CanonicalValue(info.checker->GetValueTypeName(), value, canonical, &why) ||
            !info.checker->CreateValidValue(StringValue(*canonical)))
        {
            *error = "--" + name + "=" + value + ": " + (why.empty() ? "not valid" : why) + " (" +
                     type + "::" + attr + ": " + info.checker->GetUnderlyingTypeInformation() + ")";
            return false;
        }
        return true;
    }
    // A global value (RngRun, RngSeed, SchedulerType, ...).
    for (auto it = GlobalValue::Begin(); it != GlobalValue::End(); ++it)
    {
        if ((*it)->GetName() != name)
        {
            continue;
        }
        Ptr<const AttributeChecker> checker = (*it)->GetChecker();
        std::string why;
        if (!CanonicalValue(checker->GetValueTypeName(), value, canonical, &why) ||
            !checker->CreateValidValue(StringValue(*canonical)))
        {
            *error = "--" + name + "=" + value + ": " + (why.empty() ? "not valid" : why) + " (" +
                     checker->GetUnderlyingTypeInformation() + ")";
            return false;
        }
        return true;
    }
    return false; // not ns-3's either: the caller reports an unknown option
}

std::string
M3CommandLine::Nearest(const std::string& name) const
{
    std::string best;
    size_t bd = 1000;
    for (const Option& o : m_options)
    {
        size_t d = Distance(name, o.name);
        if (d < bd)
        {
            bd = d;
            best = o.name;
        }
    }
    return bd <= (name.size() < 9 ? 2 : 3) ? best : "";
}

std::string
M3CommandLine::Help() const
{
    std::ostringstream os;
    os << m_usage << "\n\nOptions (--key=value or --key value):\n";
    for (const Option& o : m_options)
    {
        std::string left = "  --" + o.name + (o.kind == Kind::FLAG ? "" : "=...");
        os << left;
        if (left.size() < 26)
        {
            os << std::string(26 - left.size(), ' ');
        }
        else
        {
            os << "\n" << std::string(26, ' ');
        }
        os << o.help << "\n";
    }
    os << "  -h, --help              this text\n"
          "\nns-3's general arguments: --PrintAttributes=TYPE, --PrintTypeIds, --PrintGroups,\n"
          "--PrintGlobals, --ns3::TYPE::ATTRIBUTE=VALUE (a model default; refused for the\n"
          "attributes the scenario's configuration sets: use its key), --RngRun=N (the\n"
          "packet mode's random streams; the same as the configuration key seed).\n"
          "Exit status: 0 done, 1 bad input or failure, 2 usage error.\n";
    return os.str();
}

int
M3CommandLine::Parse(const std::vector<std::string>& args, std::string* error, std::ostream* out)
{
    for (const std::string& a : args)
    {
        if (a == "-h" || a == "--help" || a == "--PrintHelp")
        {
            if (out)
            {
                *out << Help();
            }
            return 1;
        }
    }
    struct Pending
    {
        const Option* option;
        std::string value;
    };
    std::vector<Pending> pending;
    std::vector<std::pair<std::string, std::string>> ns3Args;
    std::map<std::string, bool> given;
    auto fail = [error](const std::string& msg)
    {
        if (error)
        {
            *error = msg;
        }
        return 2;
    };
    for (size_t i = 0; i < args.size(); i++)
    {
        const std::string& a = args[i];
        if (a.size() < 3 || a.compare(0, 2, "--") != 0)
        {
            return fail("'" + a + "': unexpected argument (options are --key=value; see --help)");
        }
        size_t eq = a.find('=');
        std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
        bool hasValue = eq != std::string::npos;
        std::string value = hasValue ? a.substr(eq + 1) : "";
        auto it = std::find_if(m_options.begin(),
                               m_options.end(),
                               [&name](const Option& o) { return o.name == name; });
        if (it == m_options.end())
        {
            if (IsNs3Print(name))
            {
                continue; // handled after the checks, by ns-3
            }
            if (!hasValue && i + 1 < args.size() && args[i + 1].compare(0, 2, "--") != 0 &&
                name.find("::") != std::string::npos)
            {
                value = args[++i];
                hasValue = true;
            }
            std::string msg;
            std::string canonical;
            if (CheckNs3Argument(name, value, &canonical, &msg))
            {
                if (given[name])
                {
                    return fail("--" + name + ": given twice");
                }
                given[name] = true;
                ns3Args.emplace_back(name, canonical);
                continue;
            }
            if (!msg.empty())
            {
                return fail(msg);
            }
            std::string near = Nearest(name);
            return fail("--" + name + ": unknown option" +
                        (near.empty() ? "" : " (did you mean --" + near + "?)") + " (see --help)");
        }
        if (given[name])
        {
            return fail("--" + name + ": given twice");
        }
        given[name] = true;
        if (!hasValue && it->kind != Kind::FLAG)
        {
            if (i + 1 >= args.size())
            {
                return fail("--" + name + ": missing value");
            }
            value = args[++i];
        }
        if (hasValue && value.empty())
        {
            return fail("--" + name + ": empty value");
        }
        pending.push_back({&*it, value});
    }
    // Check every value first, then store them all: nothing changes on error.
    for (const Pending& p : pending)
    {
        std::string msg;
        if (!p.option->store(p.value, false, &msg))
        {
            return fail("--" + p.option->name + ": " + msg);
        }
    }
    for (const Pending& p : pending)
    {
        std::string msg;
        p.option->store(p.value, true, &msg);
    }
    for (const auto& kv : ns3Args)
    {
        if (kv.first.find("::") != std::string::npos)
        {
            std::string path = kv.first.compare(0, 5, "ns3::") == 0 ? kv.first : "ns3::" + kv.first;
            Config::SetDefault(path, StringValue(kv.second));
        }
        else if (!GlobalValue::BindFailSafe(kv.first, StringValue(kv.second)))
        {
            return fail("--" + kv.first + "=" + kv.second + ": not a valid value");
        }
    }
    m_given = given;
    return 0;
}

void
M3CommandLine::Parse(int argc, char* argv[])
{
    std::vector<std::string> args(argv + 1, argv + argc);
    // ns-3's introspection: print and exit as ns-3 does.
    for (const std::string& a : args)
    {
        size_t eq = a.find('=');
        if (a.compare(0, 2, "--") == 0 && a != "--PrintHelp" &&
            IsNs3Print(a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2)))
        {
            CommandLine cmd;
            cmd.Parse(std::vector<std::string>{m_program, a});
            std::exit(0);
        }
    }
    std::string error;
    int rc = Parse(args, &error, &std::cout);
    if (rc == 1)
    {
        std::exit(0);
    }
    if (rc == 2)
    {
        std::cerr << m_program << ": " << error << "\n";
        std::exit(2);
    }
}

bool
M3CommandLine::IsSet(const std::string& name) const
{
    auto it = m_given.find(name);
    return it != m_given.end() && it->second;
}

} // namespace ns3

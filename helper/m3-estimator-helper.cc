// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-estimator-helper.cc - M3EstimatorHelper: mode names, attribute
 * settings and command-line options -> estimators (see the header).
 */
#include "m3-estimator-helper.h"

#include "ns3/log.h"
#include "ns3/m3.h"
#include "ns3/object-factory.h"
#include "ns3/string.h"

#include <cmath>
#include <cstdlib>
#include <set>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("M3EstimatorHelper");

namespace
{

/** The modes, in the order "all" runs them, and their TypeIds. */
const std::pair<const char*, const char*> kModes[] = {
    {"packet", "ns3::M3PacketEstimator"},
    {"flowsim", "ns3::M3FlowSimEstimator"},
    {"m3", "ns3::M3ModelEstimator"},
};

std::string
ModeList()
{
    std::string s;
    for (const auto& m : kModes)
    {
        s += std::string(s.empty() ? "" : ", ") + m.first;
    }
    return s;
}

} // namespace

M3EstimatorHelper::M3EstimatorHelper()
{
    const std::string m3 = "ns3::M3ModelEstimator";
    const std::string packet = "ns3::M3PacketEstimator";
    // flag, TypeId, attribute, kind, unit appended to the value, range, help
    // flag, TypeId, attribute, kind, unit appended to the value, range (text), help, range
    m_options = {
        {"model",
         m3,
         "Model",
         Kind::TEXT,
         "",
         "",
         "m3: model checkpoint .pt (default: the shipped ckpts/m3-medium.pt)"},
        {"path-samples",
         m3,
         "PathSamples",
         Kind::UNSIGNED,
         "",
         "1 to 1000000",
         "m3: paths drawn, 1..1e6 (default 500)",
         1,
         false,
         1e6},
        {"threads",
         m3,
         "Threads",
         Kind::UNSIGNED,
         "",
         "0 to 256",
         "m3: threads of path flowSim and inference, 0..256 (default 0 = every core)",
         0,
         false,
         256},
        {"m3-seed",
         m3,
         "Seed",
         Kind::UNSIGNED,
         "",
         "an unsigned 64-bit integer",
         "m3: seed of the path draws and the bootstrap (default 1; --seed is the "
         "network configuration's)",
         0,
         false,
         18446744073709551615.0},
        {"ci-level",
         m3,
         "ConfidenceLevel",
         Kind::NUMBER,
         "",
         "in (0, 1)",
         "m3: nominal coverage of the interval (default 0.95)",
         0,
         true,
         1},
        {"bootstrap",
         m3,
         "Bootstrap",
         Kind::UNSIGNED,
         "",
         "0 to 100000",
         "m3: bootstrap replicates of the interval, 0..1e5 (default 200; 0 = no interval)",
         0,
         false,
         1e5},
        {"progress",
         packet,
         "ProgressInterval",
         Kind::NUMBER,
         "",
         "0 to 1e6",
         "packet: a progress line on stderr every this many wall seconds (default 0 = none)",
         0,
         false,
         1e6},
        {"stall-ms",
         packet,
         "StallTime",
         Kind::NUMBER,
         "ms",
         "> 0 and at most 1e9",
         "packet: stop when no flow progresses for this simulated time, ms (default 100)",
         0,
         true,
         1e9},
        {"time-limit",
         packet,
         "TimeLimit",
         Kind::NUMBER,
         "s",
         "0 to 1e6",
         "packet: stop at this simulated time in seconds, at most 1e6 (default 0 = none)",
         0,
         false,
         1e6},
        {"pfc-log",
         packet,
         "PfcLogFile",
         Kind::TEXT,
         "",
         "",
         "packet: write PFC frames sent (`time_ns node port queue type`) to this file"},
    };
}

std::vector<std::string>
M3EstimatorHelper::GetModeNames()
{
    std::vector<std::string> v;
    for (const auto& m : kModes)
    {
        v.emplace_back(m.first);
    }
    return v;
}

std::string
M3EstimatorHelper::GetTypeIdName(const std::string& mode)
{
    for (const auto& m : kModes)
    {
        if (mode == m.first)
        {
            return m.second;
        }
    }
    return "";
}

bool
M3EstimatorHelper::ParseModes(const std::string& list,
                              std::vector<std::string>* modes,
                              std::string* error)
{
    modes->clear();
    if (list == "all")
    {
        *modes = GetModeNames();
        return true;
    }
    std::stringstream ss(list);
    std::string m;
    std::set<std::string> seen;
    while (std::getline(ss, m, ','))
    {
        if (GetTypeIdName(m).empty())
        {
            *error = "--mode: '" + m + "' is not a mode (accepted: " + ModeList() +
                     ", a comma list such as packet,flowsim, or all)";
            return false;
        }
        if (!seen.insert(m).second)
        {
            *error = "--mode: '" + m + "' is listed twice";
            return false;
        }
        modes->push_back(m);
    }
    if (modes->empty())
    {
        *error = "--mode: empty (accepted: " + ModeList() + ", a comma list, or all)";
        return false;
    }
    return true;
}

std::string
M3EstimatorHelper::Resolve(const std::string& modeOrType, std::string* error)
{
    std::string name = GetTypeIdName(modeOrType);
    if (!name.empty())
    {
        return name;
    }
    TypeId tid;
    if (TypeId::LookupByNameFailSafe(modeOrType, &tid) && tid.IsChildOf(M3Estimator::GetTypeId()) &&
        tid.HasConstructor())
    {
        return tid.GetName();
    }
    if (error)
    {
        *error = "unknown estimator '" + modeOrType + "' (modes: " + ModeList() +
                 "; or the TypeId name of an M3Estimator subclass)";
    }
    return "";
}

void
M3EstimatorHelper::SetAttribute(const std::string& modeOrType,
                                const std::string& name,
                                const AttributeValue& value)
{
    std::string error;
    std::string type = Resolve(modeOrType, &error);
    NS_ABORT_MSG_IF(type.empty(), "M3EstimatorHelper::SetAttribute: " << error);
    m_settings[type].push_back({name, value.Copy(), ""});
}

namespace
{
bool IsNumber(const std::string& text, bool digitsOnly, std::string* canonical);
} // namespace

void
M3EstimatorHelper::AddCommandLine(CommandLine& cmd)
{
    for (const Option& o : m_options)
    {
        // map nodes do not move: the reference stays valid for Parse()
        cmd.AddValue(o.flag, o.help, m_optionValues[o.flag]);
    }
}

void
M3EstimatorHelper::AddCommandLine(M3CommandLine& cmd)
{
    for (const Option& o : m_options)
    {
        if (o.kind == Kind::TEXT)
        {
            cmd.AddText(o.flag, o.help, &m_optionValues[o.flag]);
            continue;
        }
        // numbers: syntax and range at parse time (a usage error)
        cmd.AddChecked(o.flag,
                       o.help,
                       &m_optionValues[o.flag],
                       [o](const std::string& v, std::string* error)
                       {
                           // M3CommandLine names the flag itself
                           std::string canonical;
                           std::string why;
                           if (!IsNumber(v, o.kind == Kind::UNSIGNED, &canonical))
                           {
                               *error =
                                   "'" + v + "' is not " +
                                   (o.kind == Kind::UNSIGNED ? "an unsigned integer" : "a number");
                               return false;
                           }
                           if (!CheckOption(o, v, &canonical, &why))
                           {
                               *error = v + " is out of range (" + o.valid + ")";
                               return false;
                           }
                           return true;
                       });
    }
}

namespace
{

/**
 * \p text in the core's strict syntax (m3.h, "numbers in text"): a finite
 * number (NUMBER) or a whole number (UNSIGNED; 1e3 where exact), rewritten
 * into \p canonical, the form ns-3's value parsers read.
 */
bool
IsNumber(const std::string& text, bool digitsOnly, std::string* canonical)
{
    if (digitsOnly)
    {
        uint64_t v;
        if (m3_parse_count(text.c_str(), UINT64_MAX, &v) != 0)
        {
            return false;
        }
        *canonical = std::to_string(v);
        return true;
    }
    double v;
    if (m3_parse_double(text.c_str(), &v) != 0)
    {
        return false;
    }
    std::ostringstream os;
    os.precision(17);
    os << v;
    *canonical = os.str();
    return true;
}

} // namespace

bool
M3EstimatorHelper::CheckOption(const Option& o,
                               const std::string& text,
                               std::string* canonical,
                               std::string* error)
{
    *canonical = text;
    if (o.kind == Kind::TEXT)
    {
        return true;
    }
    const std::string given = "--" + o.flag + "=" + text;
    if (!IsNumber(text, o.kind == Kind::UNSIGNED, canonical))
    {
        *error = given + ": not " + (o.kind == Kind::UNSIGNED ? "an unsigned integer" : "a number");
        return false;
    }
    double v = std::strtod(canonical->c_str(), nullptr);
    if ((o.loOpen ? !(v > o.lo) : !(v >= o.lo)) || !(v <= o.hi))
    {
        *error = given + ": must be " + o.valid;
        return false;
    }
    return true;
}

bool
M3EstimatorHelper::SettingsOf(const std::string& typeName,
                              std::vector<Setting>* settings,
                              std::string* error) const
{
    auto it = m_settings.find(typeName);
    *settings = it != m_settings.end() ? it->second : std::vector<Setting>();
    for (const Option& o : m_options)
    {
        auto val = m_optionValues.find(o.flag);
        if (o.typeName != typeName || val == m_optionValues.end() || val->second.empty())
        {
            continue;
        }
        std::string text;
        std::string given = "--" + o.flag + "=" + val->second;
        if (!CheckOption(o, val->second, &text, error))
        {
            return false;
        }
        settings->push_back({o.attribute, StringValue(text + o.unit).Copy(), given, o.valid});
    }
    return true;
}

Ptr<M3Estimator>
M3EstimatorHelper::Create(const std::string& modeOrType, std::string* error) const
{
    std::string msg;
    std::string type = Resolve(modeOrType, &msg);
    if (type.empty())
    {
        if (error)
        {
            *error = msg;
        }
        return nullptr;
    }
    std::vector<Setting> settings;
    if (!SettingsOf(type, &settings, &msg))
    {
        if (error)
        {
            *error = msg;
        }
        return nullptr;
    }
    TypeId tid = TypeId::LookupByName(type);
    ObjectFactory factory;
    factory.SetTypeId(tid);
    for (const Setting& s : settings)
    {
        // Checked here, so that ObjectFactory::Set (which aborts on a bad
        // name or value) only sees good ones.
        TypeId::AttributeInformation info;
        std::string who = s.option.empty() ? "attribute " + s.name : s.option;
        if (!tid.LookupAttributeByName(s.name, &info))
        {
            msg = who + ": " + type + " has no attribute '" + s.name + "'";
        }
        else if (Ptr<AttributeValue> v = info.checker->CreateValidValue(*s.value))
        {
            factory.Set(s.name, *v);
            continue;
        }
        else if (!s.option.empty())
        {
            msg = s.option + ": must be " + s.valid;
        }
        else
        {
            msg = "attribute " + s.name + " = '" + s.value->SerializeToString(info.checker) +
                  "': not a valid value of " + type + "::" + s.name;
        }
        NS_LOG_WARN(msg);
        if (error)
        {
            *error = msg;
        }
        return nullptr;
    }
    return factory.Create<M3Estimator>();
}

} // namespace ns3

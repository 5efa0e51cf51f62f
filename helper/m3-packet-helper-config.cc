// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-packet-helper-config.cc - m3_config -> attribute values of the packet
 * mode's switches, NICs and congestion controls (see the header).
 */
#include "m3-packet-helper-config.h"

#include <cmath>
#include <sstream>

namespace ns3
{
namespace m3packet
{

void
AddAttr(AttrList& list, const std::string& name, const AttributeValue& value)
{
    list.push_back({name, value.Copy()});
}

void
ApplyAttrs(Ptr<Object> obj, const AttrList& attrs)
{
    for (const auto& a : attrs)
    {
        obj->SetAttribute(a.name, *a.value);
    }
}

StringValue
AttrDouble(double v)
{
    std::ostringstream os;
    os.precision(17);
    os << v;
    return StringValue(os.str());
}

StringValue
AttrUint(uint64_t v)
{
    return StringValue(std::to_string(v));
}

StringValue
AttrRate(double bps)
{
    return StringValue(std::to_string(static_cast<uint64_t>(std::llround(bps))) + "bps");
}

StringValue
AttrNs(double ns)
{
    return StringValue(std::to_string(static_cast<int64_t>(std::llround(ns))) + "ns");
}

StringValue
AttrBool(bool b)
{
    return StringValue(b ? "true" : "false");
}

const char*
CcTypeName(m3_cc cc)
{
    switch (cc)
    {
    case M3_CC_DCTCP:
        return "ns3::M3CcDctcp";
    case M3_CC_HPCC:
        return "ns3::M3CcHpcc";
    case M3_CC_DCQCN:
        return "ns3::M3CcDcqcn";
    case M3_CC_TIMELY:
        return "ns3::M3CcTimely";
    default:
        return "";
    }
}

bool
MapConfig(const m3_config& cfg, double nicBps, ConfigMapping* out, std::string* error)
{
    ConfigMapping m;
    m.pfc = cfg.pfc != 0;
    AddAttr(m.sw,
            "BufferSize",
            AttrUint(static_cast<uint64_t>(std::llround(cfg.buffer_kb * 1000))));
    AddAttr(m.sw, "PfcEnabled", AttrBool(m.pfc));
    AddAttr(m.sw, "HostRate", AttrRate(nicBps));
    switch (cfg.cc)
    {
    case M3_CC_DCTCP:
    {
        // DCTCP marks at one threshold with certainty: Kmin = Kmax, Pmax 1.
        uint64_t k = std::llround(cfg.dctcp_k_kb * 1000);
        AddAttr(m.sw, "EcnEnabled", AttrBool(true));
        AddAttr(m.sw, "EcnKmin", AttrUint(k));
        AddAttr(m.sw, "EcnKmax", AttrUint(k));
        AddAttr(m.sw, "EcnPmax", AttrDouble(1.0));
        AddAttr(m.sw, "IntEnabled", AttrBool(false));
        break;
    }
    case M3_CC_DCQCN:
        AddAttr(m.sw, "EcnEnabled", AttrBool(true));
        AddAttr(m.sw, "EcnKmin", AttrUint(std::llround(cfg.dcqcn_kmin_kb * 1000)));
        AddAttr(m.sw, "EcnKmax", AttrUint(std::llround(cfg.dcqcn_kmax_kb * 1000)));
        AddAttr(m.sw, "EcnPmax", AttrDouble(0.2));
        AddAttr(m.sw, "IntEnabled", AttrBool(false));
        break;
    case M3_CC_HPCC:
        AddAttr(m.sw, "EcnEnabled", AttrBool(false));
        AddAttr(m.sw, "IntEnabled", AttrBool(true));
        AddAttr(m.cc, "Eta", AttrDouble(cfg.hpcc_eta));
        AddAttr(m.cc, "AiRate", AttrRate(cfg.hpcc_ai_mbps * 1e6));
        break;
    case M3_CC_TIMELY:
        AddAttr(m.sw, "EcnEnabled", AttrBool(false));
        AddAttr(m.sw, "IntEnabled", AttrBool(false));
        AddAttr(m.cc, "TLow", AttrNs(cfg.timely_tlow_us * 1000));
        AddAttr(m.cc, "THigh", AttrNs(cfg.timely_thigh_us * 1000));
        break;
    default:
        *error = "packet: unknown congestion control";
        return false;
    }
    AddAttr(m.nic, "CongestionControl", StringValue(CcTypeName(cfg.cc)));
    AddAttr(m.nic, "WindowBytes", AttrUint(static_cast<uint64_t>(std::llround(cfg.window_bytes))));
    AddAttr(m.nic, "MaxRate", AttrRate(nicBps));
    AddAttr(m.nic, "BaseRtt", AttrNs(cfg.base_rtt_us * 1000));
    AddAttr(m.nic, "Mtu", AttrUint(cfg.mtu));
    // m3's configurations send ACKs at high priority for DCTCP and TIMELY.
    AddAttr(m.nic, "AckHighPriority", AttrBool(cfg.cc == M3_CC_DCTCP || cfg.cc == M3_CC_TIMELY));
    *out = std::move(m);
    return true;
}

namespace
{

/** The serialized text of a value for an attribute, to compare two values. */
std::string
Text(const TypeId::AttributeInformation& info, const AttributeValue& v)
{
    return v.SerializeToString(info.checker);
}

} // namespace

void
KeepUserDefaults(AttrList& list, const std::string& typeName)
{
    TypeId tid;
    if (!TypeId::LookupByNameFailSafe(typeName, &tid))
    {
        return;
    }
    AttrList kept;
    for (const auto& a : list)
    {
        TypeId::AttributeInformation info;
        if (tid.LookupAttributeByName(a.name, &info) && info.initialValue &&
            info.originalInitialValue &&
            Text(info, *info.initialValue) != Text(info, *info.originalInitialValue))
        {
            continue; // the user's default stays
        }
        kept.push_back(a);
    }
    list = kept;
}

bool
CheckAttrs(const AttrList& list, const std::string& typeName, std::string* error)
{
    TypeId tid;
    if (!TypeId::LookupByNameFailSafe(typeName, &tid))
    {
        *error = "packet: no type " + typeName;
        return false;
    }
    for (const auto& a : list)
    {
        TypeId::AttributeInformation info;
        if (!tid.LookupAttributeByName(a.name, &info))
        {
            *error = "packet: " + typeName + " has no attribute " + a.name;
            return false;
        }
        if (!info.checker->CreateValidValue(*a.value))
        {
            std::string text = a.value->SerializeToString(info.checker);
            *error = "packet: the configuration gives " + typeName + "::" + a.name + " = " + text +
                     ", which the model does not accept (" +
                     info.checker->GetUnderlyingTypeInformation() + ")";
            return false;
        }
    }
    return true;
}

} // namespace m3packet
} // namespace ns3

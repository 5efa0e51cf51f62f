/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-packet-helper-config.h - the packet mode's configuration mapping:
 * one m3_config (plus the NIC rate) -> the attribute values of the
 * switches, NICs and congestion controls M3PacketHelper creates.
 *
 * Private to the packet helper (not an installed header). Design: the
 * mapping is data (name, value) so that the network builder applies it
 * and the user's Set*Attribute() values after it, in that order, and the
 * mapping can be read in one place. Values are passed as text
 * (StringValue): the attributes' checkers convert them, so the mapping
 * does not depend on each attribute's value class. Cost: a few dozen
 * small allocations per Install(); nothing per packet.
 */
#ifndef M3_PACKET_HELPER_CONFIG_H
#define M3_PACKET_HELPER_CONFIG_H

#include "ns3/attribute.h"
#include "ns3/m3.h"
#include "ns3/object.h"
#include "ns3/ptr.h"
#include "ns3/string.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{
namespace m3packet
{

/** One attribute to apply to objects the helper creates. */
struct AttrSetting
{
    std::string name;
    Ptr<AttributeValue> value;
};

/** Attribute settings in the order they are applied (later ones win). */
using AttrList = std::vector<AttrSetting>;

/** Appends (name, a copy of value) to \p list. */
void AddAttr(AttrList& list, const std::string& name, const AttributeValue& value);
/** Sets every attribute of \p attrs on \p obj, in order (aborts on a bad name, as ns-3 does). */
void ApplyAttrs(Ptr<Object> obj, const AttrList& attrs);

/** A double as text with full precision. */
StringValue AttrDouble(double v);
/** An unsigned integer as text. */
StringValue AttrUint(uint64_t v);
/** A rate in bits per second, rounded to the bit, e.g. "10000000000bps". */
StringValue AttrRate(double bps);
/** A time in nanoseconds, rounded to the ns, e.g. "1000ns". */
StringValue AttrNs(double ns);
/** "true" / "false". */
StringValue AttrBool(bool b);

/** TypeId name of the NIC congestion control class of \p cc ("" when unknown). */
const char* CcTypeName(m3_cc cc);

/** The attributes one m3_config asks for. */
struct ConfigMapping
{
    bool pfc = false; //!< switches send PFC and devices obey it
    AttrList sw;      //!< M3Switch attributes
    AttrList nic;     //!< M3RdmaNic attributes
    AttrList cc;      //!< congestion-control attributes (SetCcAttribute)
};

/**
 * The mapping of M3PacketHelper's class comment: cc -> NIC congestion
 * control and switch ECN/INT, buffer_kb -> BufferSize, pfc, window_bytes,
 * mtu, base_rtt_us, the CC parameters; \p nicBps is every flow's rate cap
 * and the switches' HostRate. False + \p error for an unknown cc.
 */
bool MapConfig(const m3_config& cfg, double nicBps, ConfigMapping* out, std::string* error);

/**
 * Drops from \p list the attributes of \p typeName whose default the user
 * changed (Config::SetDefault, --ns3::TYPE::ATTRIBUTE=VALUE): the
 * scenario's configuration is the default and the user's setting wins.
 */
void KeepUserDefaults(AttrList& list, const std::string& typeName);

/**
 * Whether every value of \p list is one that attribute of \p typeName
 * accepts; false + a message naming the attribute and value otherwise.
 */
bool CheckAttrs(const AttrList& list, const std::string& typeName, std::string* error);

} // namespace m3packet
} // namespace ns3

#endif /* M3_PACKET_HELPER_CONFIG_H */

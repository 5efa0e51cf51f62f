// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-rdma-header.cc - M3Header and M3IntHeader serialization.
 *
 * Precision of the packed INT record (8 bytes per hop, as the original's):
 *  - rate: 3-bit index into kRates (1, 10, 25, 40, 50, 100, 200, 400 Gbps);
 *    any other rate becomes the nearest table rate on a log scale (e.g.
 *    1 Tbps reads back as 400 Gbps, 15 Gbps as 10 Gbps);
 *  - time: exact ns, modulo 2^24 ns (16.78 ms): TimeDelta is exact for
 *    records less than 16.78 ms apart;
 *  - txBytes: floor to 128-byte units, modulo 2^20 units (128 MiB): a
 *    BytesDelta is within +-127 B of the truth and aliases when the port
 *    sent 128 MiB or more between the records (2.7 ms at 400 Gbps);
 *  - qlen: floor to 80-byte units, saturating (not wrapping) at
 *    (2^17 - 1) x 80 B = 10,485,680 B, so a huge queue never reads as a
 *    small one.
 * PushHop quantizes immediately, so a header reads the same before and
 * after a serialization round trip.
 */
#include "m3-rdma-header.h"

#include "ns3/log.h"

#include <cmath>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("M3RdmaHeader");

NS_OBJECT_ENSURE_REGISTERED(M3Header);
NS_OBJECT_ENSURE_REGISTERED(M3IntHeader);

namespace
{

/** Line rates an INT record can name (3-bit index). */
const uint64_t kRates[8] = {
    1000000000ULL,
    10000000000ULL,
    25000000000ULL,
    40000000000ULL,
    50000000000ULL,
    100000000000ULL,
    200000000000ULL,
    400000000000ULL,
};

constexpr uint64_t kTimeBits = 24;
constexpr uint64_t kBytesBits = 20;
constexpr uint64_t kQlenBits = 17;
constexpr uint64_t kTimeMask = (1ULL << kTimeBits) - 1;
constexpr uint64_t kBytesMask = (1ULL << kBytesBits) - 1;
constexpr uint64_t kQlenMax = (1ULL << kQlenBits) - 1;
constexpr uint64_t kBytesUnit = 128;
constexpr uint64_t kQlenUnit = 80;

/** Index of the table rate nearest to \p bps on a log scale. */
uint32_t
RateIndex(uint64_t bps)
{
    if (bps == 0)
    {
        return 0;
    }
    double best = 1e300;
    uint32_t bestI = 0;
    double l = std::log(static_cast<double>(bps));
    for (uint32_t i = 0; i < 8; ++i)
    {
        double d = std::fabs(l - std::log(static_cast<double>(kRates[i])));
        if (d < best)
        {
            best = d;
            bestI = i;
        }
    }
    return bestI;
}

/** The fields of a hop as they travel: unit counts, already masked. */
uint64_t
Pack(const M3IntHeader::Hop& h)
{
    uint64_t rate = RateIndex(h.rateBps);
    uint64_t t = h.timeNs & kTimeMask;
    uint64_t b = (h.txBytes / kBytesUnit) & kBytesMask;
    uint64_t q = std::min<uint64_t>(h.qlenBytes / kQlenUnit, kQlenMax);
    return (rate << 61) | (t << 37) | (b << 17) | q;
}

M3IntHeader::Hop
Unpack(uint64_t v)
{
    M3IntHeader::Hop h;
    h.rateBps = kRates[(v >> 61) & 7];
    h.timeNs = (v >> 37) & kTimeMask;
    h.txBytes = ((v >> 17) & kBytesMask) * kBytesUnit;
    h.qlenBytes = (v & kQlenMax) * kQlenUnit;
    return h;
}

} // namespace

// ------------------------------------------------------------------ M3Header

TypeId
M3Header::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::M3Header").SetParent<Header>().SetGroupName("m3").AddConstructor<M3Header>();
    return tid;
}

TypeId
M3Header::GetInstanceTypeId() const
{
    return GetTypeId();
}

M3Header::M3Header()
    : kind(DATA)
    , flags(0)
    , srcNode(0)
    , dstNode(0)
    , pg(0)
    , intMode(0)
    , sip(0)
    , dip(0)
    , ecn(ECN_NOT_ECT)
    , sport(0)
    , dport(0)
    , seq(0)
    , pauseUs(0)
{
}

uint32_t
M3Header::GetSerializedSize() const
{
    return kSize;
}

void
M3Header::Serialize(Buffer::Iterator i) const
{
    // "L2", 14 bytes
    i.WriteU8(kind);
    i.WriteU8(flags);
    i.WriteHtonU32(srcNode);
    i.WriteHtonU32(dstNode);
    i.WriteHtonU16(pg);
    i.WriteU8(intMode);
    i.WriteU8(0);
    // "IPv4", 20 bytes; ttl and length are not modelled (constant / zero)
    i.WriteHtonU32(sip);
    i.WriteHtonU32(dip);
    i.WriteU8(ecn);
    i.WriteU8(64);
    i.WriteHtonU16(0);
    i.WriteU32(0);
    i.WriteU32(0);
    // "UDP", 8 bytes
    i.WriteHtonU16(sport);
    i.WriteHtonU16(dport);
    i.WriteHtonU16(0);
    i.WriteHtonU16(0);
    // sequence header, 6 bytes
    i.WriteHtonU32(seq);
    i.WriteHtonU16(pauseUs);
}

uint32_t
M3Header::Deserialize(Buffer::Iterator i)
{
    kind = static_cast<Kind>(i.ReadU8());
    flags = i.ReadU8();
    srcNode = i.ReadNtohU32();
    dstNode = i.ReadNtohU32();
    pg = i.ReadNtohU16();
    intMode = i.ReadU8();
    i.Next(1);
    sip = i.ReadNtohU32();
    dip = i.ReadNtohU32();
    ecn = i.ReadU8();
    i.Next(1 + 2 + 8);
    sport = i.ReadNtohU16();
    dport = i.ReadNtohU16();
    i.Next(4);
    seq = i.ReadNtohU32();
    pauseUs = i.ReadNtohU16();
    return kSize;
}

void
M3Header::Print(std::ostream& os) const
{
    static const char* names[] = {"DATA", "ACK", "NACK", "PFC"};
    os << (kind <= PFC ? names[kind] : "?") << " flags=" << uint32_t(flags) << " " << srcNode
       << "->" << dstNode << " pg=" << pg << " int=" << uint32_t(intMode)
       << " ecn=" << uint32_t(ecn) << " ports=" << sport << "->" << dport << " seq=" << seq;
    if (kind == PFC)
    {
        os << " pauseUs=" << pauseUs;
    }
}

// --------------------------------------------------------------- M3IntHeader

uint64_t
M3IntHeader::Hop::TimeDelta(const Hop& older) const
{
    return (timeNs - older.timeNs) & kTimeMask;
}

uint64_t
M3IntHeader::Hop::BytesDelta(const Hop& older) const
{
    uint64_t units = (txBytes / kBytesUnit - older.txBytes / kBytesUnit) & kBytesMask;
    return units * kBytesUnit;
}

TypeId
M3IntHeader::GetTypeId()
{
    static TypeId tid = TypeId("ns3::M3IntHeader")
                            .SetParent<Header>()
                            .SetGroupName("m3")
                            .AddConstructor<M3IntHeader>();
    return tid;
}

TypeId
M3IntHeader::GetInstanceTypeId() const
{
    return GetTypeId();
}

M3IntHeader::M3IntHeader(Mode m)
    : mode(m)
    , nHops(0)
    , hops{}
    , tsNs(0)
{
}

uint32_t
M3IntHeader::SizeOf(Mode m)
{
    switch (m)
    {
    case HPCC:
        return 2 + kMaxHops * 8;
    case TIMELY:
        return 8;
    default:
        return 0;
    }
}

uint32_t
M3IntHeader::GetSerializedSize() const
{
    return SizeOf(mode);
}

void
M3IntHeader::PushHop(uint64_t rateBps, uint64_t timeNs, uint64_t txBytes, uint64_t qlenBytes)
{
    if (nHops >= kMaxHops)
    {
        NS_LOG_LOGIC("INT header full, hop not recorded");
        return;
    }
    Hop h;
    h.rateBps = rateBps;
    h.timeNs = timeNs;
    h.txBytes = txBytes;
    h.qlenBytes = qlenBytes;
    // Keep in memory exactly what a round trip would give back.
    hops[nHops++] = Unpack(Pack(h));
}

void
M3IntHeader::Serialize(Buffer::Iterator i) const
{
    if (mode == HPCC)
    {
        i.WriteHtonU16(nHops);
        for (uint32_t k = 0; k < kMaxHops; ++k)
        {
            i.WriteHtonU64(k < nHops ? Pack(hops[k]) : 0);
        }
    }
    else if (mode == TIMELY)
    {
        i.WriteHtonU64(tsNs);
    }
}

uint32_t
M3IntHeader::Deserialize(Buffer::Iterator i)
{
    nHops = 0;
    if (mode == HPCC)
    {
        nHops = std::min<uint16_t>(i.ReadNtohU16(), kMaxHops);
        for (uint32_t k = 0; k < kMaxHops; ++k)
        {
            uint64_t v = i.ReadNtohU64();
            hops[k] = k < nHops ? Unpack(v) : Hop{};
        }
    }
    else if (mode == TIMELY)
    {
        tsNs = i.ReadNtohU64();
    }
    return SizeOf(mode);
}

void
M3IntHeader::Print(std::ostream& os) const
{
    if (mode == HPCC)
    {
        os << "INT hops=" << nHops;
        for (uint32_t k = 0; k < nHops; ++k)
        {
            os << " [" << hops[k].rateBps << "bps t=" << hops[k].timeNs << " tx=" << hops[k].txBytes
               << " q=" << hops[k].qlenBytes << "]";
        }
    }
    else if (mode == TIMELY)
    {
        os << "ts=" << tsNs;
    }
}

} // namespace ns3

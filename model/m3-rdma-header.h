/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-rdma-header.h - the frames of the packet mode (packet-model.md section 1).
 *
 * A frame is one M3Header (always 48 bytes: the L2 + IPv4 + UDP + sequence
 * header of the original simulator, flattened into one ns-3 Header), then,
 * for data and ACK/NACK frames only, an M3IntHeader whose size depends on
 * the congestion control (HPCC: INT records, TIMELY: a timestamp, others:
 * nothing), then the payload (data) or padding up to the 60-byte minimum
 * frame (ACK/NACK). PFC frames are an M3Header of kind PFC, padded to 64 B.
 *
 * Sizes on the wire therefore match the original's: a data packet of p
 * payload bytes is p + 48 (+ INT) bytes, which is what the ideal FCT uses.
 */
#ifndef M3_RDMA_HEADER_H
#define M3_RDMA_HEADER_H

#include "ns3/header.h"

#include <cstdint>

namespace ns3
{

/**
 * \ingroup m3
 * \brief The fixed 48-byte header of every frame.
 *
 * Field layout on the wire (big endian):
 *  - "L2" 14 B: kind (1), flags (1), src node (4), dst node (4), pg (2), int mode (1), pad (1);
 *  - "IPv4" 20 B: sip (4), dip (4), ecn (1), ttl (1), total length (2), pad (8);
 *  - "UDP" 8 B: sport (2), dport (2), length (2), pad (2);
 *  - "seq" 6 B: seq (4), pause time in us for PFC (2).
 * Node ids are the C core's node ids (m3_topology numbering); switches
 * route on dst node and the 5-tuple (m3_routing_next).
 */
class M3Header : public Header
{
  public:
    /** What the frame is. */
    enum Kind : uint8_t
    {
        DATA = 0,
        ACK = 1,
        NACK = 2,
        PFC = 3,
    };
    /** Flag bits. */
    enum Flag : uint8_t
    {
        FLAG_ECN_ECHO = 1, //!< ACK/NACK: the acknowledged data packet was CE-marked
        FLAG_PAUSE = 2,    //!< PFC: pause (set) or resume (clear)
        FLAG_LAST = 4,     //!< DATA: the flow's last packet
    };
    /** IP ECN codepoints used here. */
    enum Ecn : uint8_t
    {
        ECN_NOT_ECT = 0,
        ECN_ECT = 2,
        ECN_CE = 3,
    };

    static constexpr uint32_t kSize = 48;     //!< serialized size
    static constexpr uint32_t kMinFrame = 60; //!< ACK/NACK frames are padded to this
    static constexpr uint32_t kPfcFrame = 64; //!< PFC frame size

    static TypeId GetTypeId();
    TypeId GetInstanceTypeId() const override;
    uint32_t GetSerializedSize() const override;
    void Serialize(Buffer::Iterator start) const override;
    uint32_t Deserialize(Buffer::Iterator start) override;
    void Print(std::ostream& os) const override;

    M3Header();

    Kind kind;        //!< DATA, ACK, NACK or PFC
    uint8_t flags;    //!< Flag bits
    uint32_t srcNode; //!< sending host (data) / ACKing host (ack); PFC: sender
    uint32_t dstNode; //!< destination host; PFC: unused
    uint16_t pg;      //!< priority group (queue index 0..7)
    uint8_t intMode;  //!< M3IntHeader::Mode of the header that follows (DATA/ACK/NACK)
    uint32_t sip;     //!< m3_node_ip(srcNode)
    uint32_t dip;     //!< m3_node_ip(dstNode)
    uint8_t ecn;      //!< Ecn codepoint (data packets)
    uint16_t sport;
    uint16_t dport;
    uint32_t seq;     //!< DATA: first payload byte; ACK/NACK: next expected byte
    uint16_t pauseUs; //!< PFC: pause time (informational; pause is XOFF/XON)
};

/**
 * \ingroup m3
 * \brief The variable part after M3Header: INT records or a timestamp.
 *
 * Mode NONE serializes to 0 bytes, TIMELY to 8 (the send time in ns),
 * HPCC to 2 + 5 x 8 = 42 bytes (hop count + 5 records), whatever the hop
 * count, like the original. A record packs four values into 8 bytes,
 * so times, byte counters and queue lengths wrap: use the Delta helpers
 * for differences between two records of the same hop.
 */
class M3IntHeader : public Header
{
  public:
    enum Mode : uint8_t
    {
        NONE = 0,
        HPCC = 1,
        TIMELY = 2,
    };
    static constexpr uint32_t kMaxHops = 5;

    /** One hop's telemetry, as stamped by a switch at egress dequeue. */
    struct Hop
    {
        uint64_t rateBps;   //!< port line rate (one of kRates after a round trip)
        uint64_t timeNs;    //!< dequeue time, modulo 2^24 ns after a round trip
        uint64_t txBytes;   //!< port bytes sent before this packet, modulo 2^20 x 128 B
        uint64_t qlenBytes; //!< port queue bytes (all queues) after removal, 80 B units, 17 bits

        /** now - older in ns, wrap-aware (records at most 16 ms apart). */
        uint64_t TimeDelta(const Hop& older) const;
        /** Bytes sent between the two records, wrap-aware. */
        uint64_t BytesDelta(const Hop& older) const;
    };

    static TypeId GetTypeId();
    TypeId GetInstanceTypeId() const override;
    uint32_t GetSerializedSize() const override;
    void Serialize(Buffer::Iterator start) const override;
    uint32_t Deserialize(Buffer::Iterator start) override;
    void Print(std::ostream& os) const override;

    /** Serialized size for a mode without building a header. */
    static uint32_t SizeOf(Mode mode);

    /** Before RemoveHeader, set the mode from M3Header::intMode: it fixes the size. */
    explicit M3IntHeader(Mode mode = NONE);
    /** Appends a hop (HPCC; ignored past kMaxHops). */
    void PushHop(uint64_t rateBps, uint64_t timeNs, uint64_t txBytes, uint64_t qlenBytes);

    Mode mode;
    uint16_t nHops;
    Hop hops[kMaxHops];
    uint64_t tsNs; //!< TIMELY: data packet send time (echoed in the ACK)
};

} // namespace ns3

#endif /* M3_RDMA_HEADER_H */

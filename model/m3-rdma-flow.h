/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-rdma-flow.h - the per-flow sender state of the host NIC (a "queue
 * pair"), shared by the NIC (which sends and receives) and the flow's
 * congestion control (which sets its rate).
 */
#ifndef M3_RDMA_FLOW_H
#define M3_RDMA_FLOW_H

#include "ns3/data-rate.h"
#include "ns3/event-id.h"
#include "ns3/m3-rdma-header.h"
#include "ns3/nstime.h"
#include "ns3/ptr.h"

#include <cstdint>

namespace ns3
{

class M3CongestionControl;

/**
 * \ingroup m3
 * \brief Sender state of one flow. Owned by M3RdmaNic.
 *
 * Rates: every flow starts at maxRate (line rate, or the cap); the CC
 * moves `rate` within [minRate, maxRate] through M3CongestionControl::SetRate.
 */
struct M3RdmaSender
{
    uint32_t index = 0; //!< the flow's index in the scenario (input order)
    uint64_t id = 0;    //!< the flow's id from the flows file
    uint32_t srcNode = 0, dstNode = 0;
    uint32_t sip = 0, dip = 0;
    uint16_t sport = 0, dport = 0;
    uint16_t pg = 3;   //!< data priority
    uint64_t size = 0; //!< bytes
    Time start;

    uint64_t sndNxt = 0; //!< next byte to send
    uint64_t sndUna = 0; //!< bytes acknowledged in order
    DataRate lineRate;   //!< NIC line rate
    DataRate maxRate;    //!< rate cap (line rate unless capped)
    DataRate minRate;
    DataRate rate;              //!< current sending rate
    uint64_t windowBytes = 0;   //!< fixed window W; 0 = no window
    bool variableWindow = true; //!< effective window W x rate / maxRate
    Time baseRtt;               //!< the RTT the window and HPCC refer to
    Time nextAvail;             //!< pacing: may send again at this time
    Time lastAckTime;           //!< last time sndUna advanced (timeout)
    EventId timeout;            //!< retransmission timeout (when enabled)
    uint32_t retransmits = 0;   //!< go-back-N rewinds (NACK or timeout)
    uint32_t timeouts = 0;
    bool done = false; //!< all bytes acknowledged
    Ptr<M3CongestionControl> cc;

    /** The effective window in bytes (0 = unlimited). */
    uint64_t Window() const;
    /** Bytes sent and not yet acknowledged. */
    uint64_t InFlight() const
    {
        return sndNxt - sndUna;
    }
    /** Has bytes left to send and room in its window. */
    bool CanSend() const;
};

/** What an ACK or NACK tells the sender's congestion control. */
struct M3AckInfo
{
    uint64_t ackSeq = 0;     //!< next byte the receiver expects
    uint64_t newlyAcked = 0; //!< bytes this ACK acknowledged (0 for duplicates)
    bool ecnEcho = false;    //!< the acknowledged data packet was CE-marked
    bool nack = false;
    const M3IntHeader* intHeader = nullptr; //!< echoed INT records / timestamp
    Time now;
};

} // namespace ns3

#endif /* M3_RDMA_FLOW_H */

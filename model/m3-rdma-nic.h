/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-rdma-nic.h - the host NIC of the packet mode ("RDMA" transport,
 * packet-model.md section 2), aggregated to a host Node.
 *
 * Sender: one M3RdmaSender per flow, each with its own congestion control.
 * The transmit scheduler serves the ACK/NACK queue first, then round robin
 * over flows that have bytes left, room in their window, and whose pacing
 * time has come; packets are built when the port asks for one. Pacing:
 * after a frame of w bytes the flow may send at now + w x 8 / rate; when
 * the CC changes the rate while handling an ACK, that gap is re-timed at
 * once (the original's ChangeRate); timer-driven changes (DCQCN) apply
 * from the next packet.
 * Receiver: in-order data advances and is ACKed (one ACK per packet); a
 * gap gets a NACK (at most one per NackInterval unless the expected
 * sequence changed); a duplicate is not delivered again but is ACKed with
 * the current expected sequence (the original ignores it silently; the
 * ACK lets a sender whose last ACKs were lost finish after a timeout).
 *
 * Differences from the original simulator:
 *  - FCT is taken when the receiver holds all bytes in order (m3's fork),
 *    not when the sender sees the last ACK; both are reported.
 *  - A retransmission timeout (RetransmitTimeout, default 1 ms, 0 = off as
 *    in the original) goes back to the last acknowledged byte when no ACK
 *    has advanced for that long while data is outstanding, so a flow whose
 *    tail was dropped with PFC off still finishes.
 *  - Duplicates are ACKed (see above).
 */
#ifndef M3_RDMA_NIC_H
#define M3_RDMA_NIC_H

#include "ns3/callback.h"
#include "ns3/data-rate.h"
#include "ns3/event-id.h"
#include "ns3/m3-rdma-flow.h"
#include "ns3/m3.h"
#include "ns3/nstime.h"
#include "ns3/object-factory.h"
#include "ns3/object.h"
#include "ns3/traced-callback.h"

#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace ns3
{

class M3PortDevice;
class Packet;

/**
 * \ingroup m3
 * \brief RDMA-style host NIC with per-flow congestion control.
 *
 * Attributes: Mtu (payload, 1000), WindowBytes (fixed window W, 0 = none),
 * VariableWindow (true), MinRate (1 Gbps), MaxRate (cap, 0 = line rate),
 * BaseRtt (14.4 us), AckHighPriority (ACKs in queue 0), NackInterval
 * (500 us), RetransmitTimeout (1 ms, 0 = off), CongestionControl (TypeId
 * name of an M3CongestionControl subclass, looked up when the first flow
 * starts; its attributes through SetCcAttribute).
 */
class M3RdmaNic : public Object
{
  public:
    static TypeId GetTypeId();
    M3RdmaNic();

    /** Signature of the FlowComplete and SenderComplete traces. */
    typedef void (*FlowTracedCallback)(uint32_t index, Time t);
    ~M3RdmaNic() override;

    /** The host's node id in the C core's topology and its one port. */
    void Setup(uint32_t nodeId, Ptr<M3PortDevice> dev);
    /** Attribute of the per-flow congestion-control objects. */
    void SetCcAttribute(const std::string& name, const AttributeValue& value);

    /**
     * Sends flow \p f (src must be this host); it starts at f.start_ns.
     * \p index is the flow's index in the scenario, used in every report.
     */
    void AddSender(uint32_t index, const m3_flow& f);
    /** Expects flow \p f here (dst must be this host). */
    void AddReceiver(uint32_t index, const m3_flow& f);

    /** Sender state of a flow added here (null if unknown). */
    const M3RdmaSender* GetSender(uint32_t index) const;
    uint32_t GetNodeId() const;

    /** Counters for reports and tests. */
    uint64_t GetDataPacketsSent() const;
    uint64_t GetRetransmittedPackets() const;
    uint64_t GetNacksSent() const;
    uint64_t GetTimeouts() const;

    /**
     * Test seam: \p cb sees every frame this NIC receives, before the NIC
     * does; returning true drops the frame (it may also modify it, e.g.
     * set CE). Tests use it to lose chosen packets on a two-host network.
     */
    typedef Callback<bool, Ptr<Packet>> ReceiveDropCallback;
    void SetReceiveDropCallback(ReceiveDropCallback cb);

  protected:
    void DoDispose() override;

  private:
    /** Receiver state of one flow. */
    struct Receiver
    {
        uint32_t index;
        uint64_t size;
        uint64_t expected = 0; //!< next in-order byte
        Time start;
        Time lastNack;                     //!< when the last NACK was sent
        uint64_t lastNackSeq = UINT64_MAX; //!< the expected sequence it carried
        bool done = false;
    };

    /** Sender state plus what only the NIC needs. */
    struct Sender : public M3RdmaSender
    {
        uint32_t slot = 0;     //!< position in m_senders
        uint64_t highSent = 0; //!< highest byte ever sent (retransmission count)
        uint32_t lastWire = 0; //!< wire bytes of the last data frame (pacing)
        Time rtoBase;          //!< timeout reference: last progress or first send
        M3IntHeader::Mode intMode = M3IntHeader::NONE; //!< from the CC, per flow
        uint8_t ecn = 0;                               //!< ECN codepoint of its data
    };

    /** An ACK/NACK waiting for the port, with the priority it goes out on. */
    struct PendingAck
    {
        Ptr<Packet> p;
        uint16_t pg;
    };

    void StartFlow(uint32_t slot);
    Ptr<Packet> Dequeue(uint32_t pausedMask);
    Ptr<Packet> BuildData(Sender& s);
    void ReceiveFrame(Ptr<M3PortDevice> dev, Ptr<Packet> p);
    void ReceiveData(Ptr<Packet> p, const M3Header& h);
    void ReceiveAck(Ptr<Packet> p, const M3Header& h);
    void SendAck(const Receiver& r, const M3Header& data, const M3IntHeader& ih, bool nack);
    void OnTimeout(uint32_t slot);
    void ScheduleWakeup(uint32_t pausedMask);
    void Wakeup();
    void FlowDone(Sender& s);
    void EnsureCcFactory();
    void SetCcTypeName(std::string name);
    std::string GetCcTypeName() const;

    uint32_t m_nodeId;
    Ptr<M3PortDevice> m_dev;
    std::string m_ccTypeName;  //!< CongestionControl attribute
    ObjectFactory m_ccFactory; //!< built when the first flow starts
    bool m_ccFactoryReady;
    /** SetCcAttribute values, applied when the factory is built. */
    std::vector<std::pair<std::string, Ptr<AttributeValue>>> m_ccAttributes;
    uint32_t m_mtu;
    uint64_t m_windowBytes;
    bool m_variableWindow;
    DataRate m_minRate;
    DataRate m_maxRate;
    Time m_baseRtt;
    bool m_ackHighPriority;
    Time m_nackInterval;
    Time m_rto;
    ReceiveDropCallback m_dropCb;

    std::vector<std::unique_ptr<Sender>> m_senders;        //!< by slot
    std::unordered_map<uint32_t, uint32_t> m_senderSlot;   //!< flow index -> slot
    std::unordered_map<uint64_t, uint32_t> m_senderByPort; //!< (dip, sport, dport) -> slot
    std::unordered_map<uint64_t, Receiver> m_receivers;    //!< (sip, sport, dport) -> state
    std::vector<uint32_t> m_active;                        //!< slots of started, unfinished flows
    uint32_t m_rrNext; //!< position in m_active after the last flow served (modulo size)
    std::deque<PendingAck> m_ackQueue;
    EventId m_wakeup;
    Time m_wakeupAt;

    uint64_t m_dataSent;
    uint64_t m_retxPackets;
    uint64_t m_nacksSent;
    uint64_t m_timeouts;

    /** Receiver holds every byte of a flow: (flow index, FCT). */
    TracedCallback<uint32_t, Time> m_flowCompleteTrace;
    /** Sender got the last ACK: (flow index, time since start). */
    TracedCallback<uint32_t, Time> m_senderCompleteTrace;
};

} // namespace ns3

#endif /* M3_RDMA_NIC_H */

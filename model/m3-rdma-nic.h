/*
 * m3-rdma-nic.h - the host NIC of the packet mode ("RDMA" transport,
 * packet-model.md section 2), aggregated to a host Node.
 *
 * Sender: one M3RdmaSender per flow, each with its own congestion control.
 * The transmit scheduler serves the ACK/NACK queue first, then round robin
 * over flows that have bytes left, room in their window, and whose pacing
 * time has come; packets are built when the port asks for one.
 * Receiver: in-order data advances and is ACKed (one ACK per packet); a
 * gap gets a NACK (at most one per NackInterval unless the expected
 * sequence changed); duplicates are dropped.
 *
 * Differences from the original simulator, both switchable:
 *  - FCT is taken when the receiver holds all bytes in order (m3's fork),
 *    not when the sender sees the last ACK; both are reported.
 *  - A retransmission timeout (RetransmitTimeout, 0 = off as in the
 *    original) goes back to the last acknowledged byte when no ACK has
 *    advanced for that long, so a flow whose tail was dropped with PFC off
 *    still finishes.
 */
#ifndef M3_RDMA_NIC_H
#define M3_RDMA_NIC_H

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
 * (500 us), RetransmitTimeout (0 = off), CongestionControl (TypeId name of
 * an M3CongestionControl subclass; its attributes through SetCcAttribute).
 */
class M3RdmaNic : public Object
{
  public:
    static TypeId GetTypeId();
    M3RdmaNic();
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

  protected:
    void DoDispose() override;

  private:
    /** Receiver state of one flow. */
    struct Receiver
    {
        uint32_t index;
        uint64_t size;
        uint64_t expected = 0;  //!< next in-order byte
        Time start;
        Time lastNack;
        uint64_t lastNackSeq = UINT64_MAX;
        bool done = false;
    };

    void StartFlow(uint32_t slot);
    Ptr<Packet> Dequeue(uint32_t pausedMask);
    Ptr<Packet> BuildData(M3RdmaSender& s);
    void ReceiveFrame(Ptr<M3PortDevice> dev, Ptr<Packet> p);
    void ReceiveData(Ptr<Packet> p);
    void ReceiveAck(Ptr<Packet> p);
    void SendAck(const Receiver& r, Ptr<Packet> data, bool nack);
    void OnTimeout(uint32_t slot);
    void ScheduleWakeup();
    void FlowDone(M3RdmaSender& s);

    uint32_t m_nodeId;
    Ptr<M3PortDevice> m_dev;
    ObjectFactory m_ccFactory;
    uint32_t m_mtu;
    uint64_t m_windowBytes;
    bool m_variableWindow;
    DataRate m_minRate;
    DataRate m_maxRate;
    Time m_baseRtt;
    bool m_ackHighPriority;
    Time m_nackInterval;
    Time m_rto;

    std::vector<std::unique_ptr<M3RdmaSender>> m_senders; //!< by slot
    std::unordered_map<uint32_t, uint32_t> m_senderSlot;   //!< flow index -> slot
    std::unordered_map<uint64_t, uint32_t> m_senderByPort; //!< (dip, sport, dport) -> slot
    std::unordered_map<uint64_t, Receiver> m_receivers;    //!< (sip, sport, dport) -> state
    std::vector<uint32_t> m_active;                        //!< slots of started, unfinished flows
    uint32_t m_rrNext;
    std::deque<Ptr<Packet>> m_ackQueue;
    EventId m_wakeup;

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

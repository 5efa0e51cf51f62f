/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-switch.h - a shared-buffer datacenter switch (packet-model.md
 * section 3), aggregated to an ns-3 Node.
 *
 * Forwarding asks the C core's routing (m3_routing_next) for the next
 * directed link of every packet, exactly as the m3 mode routes flows.
 * Each port has 8 egress FIFOs: queue 0 strict priority, 1..7 round robin
 * skipping paused queues. Ingress admission and PFC use M3SharedBuffer;
 * ECN marking and INT stamping happen at dequeue.
 */
#ifndef M3_SWITCH_H
#define M3_SWITCH_H

#include "ns3/data-rate.h"
#include "ns3/m3-port-device.h"
#include "ns3/m3-shared-buffer.h"
#include "ns3/m3.h"
#include "ns3/object.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <deque>
#include <vector>

namespace ns3
{

class Packet;

/**
 * \ingroup m3
 * \brief Shared-buffer switch with ECMP, PFC, ECN and INT.
 *
 * Attributes:
 *  - BufferSize (bytes, shared memory of the switch),
 *  - Alpha (dynamic threshold factor at HostRate; doubles per doubling of
 *    a port's rate; m3's fork: 1/4), HostRate,
 *  - HeadroomRtts (headroom per port = this x rate x delay / 8; 3) plus
 *    HeadroomExtra (2244 B: the frames already committed when a pause is decided),
 *  - PfcEnabled (send PFC frames),
 *  - EcnEnabled, EcnKmin, EcnKmax (bytes at EcnReferenceRate, scaled with
 *    the port rate), EcnPmax, EcnReferenceRate (10 Gbps),
 *  - IntEnabled (stamp INT records into data frames that carry an HPCC INT header).
 */
class M3Switch : public Object
{
  public:
    /** Signature of the Drop trace: (packet, ingress port, queue). */
    typedef void (*DropTracedCallback)(Ptr<const Packet> p, uint32_t port, uint32_t queue);
    /** Signature of the PfcTx trace: (ingress port, queue, pause?). */
    typedef void (*PfcTracedCallback)(uint32_t port, uint32_t queue, bool pause);

    static TypeId GetTypeId();
    M3Switch();
    ~M3Switch() override;

    /**
     * Sets the switch's node id in the C core's topology and the routing it
     * forwards with (owned by the caller, must outlive the simulation).
     */
    void SetRouting(uint32_t nodeId, const m3_routing* routing);
    /**
     * Adds a port for directed link \p dlink (leaving this switch). Call
     * for every port before the first packet; Setup() finishes the job.
     */
    void AddPort(Ptr<M3PortDevice> dev, uint32_t dlink);
    /** Sizes the shared buffer and per-port headroom/alpha from the ports' rates and delays. */
    void Setup();

    uint32_t GetNPorts() const;
    Ptr<M3PortDevice> GetPort(uint32_t port) const;
    /** Bytes queued at egress on \p port (all queues, or one queue). */
    uint64_t GetQueueBytes(uint32_t port) const;
    uint64_t GetQueueBytes(uint32_t port, uint32_t queue) const;
    Ptr<M3SharedBuffer> GetBuffer() const;
    /** ECN marking thresholds of a port (bytes, after rate scaling). */
    void GetEcnThresholds(uint32_t port, uint64_t* kmin, uint64_t* kmax) const;

    /** Assigns the stream of the ECN marking random variable; returns streams used. */
    int64_t AssignStreams(int64_t stream);

  protected:
    void DoDispose() override;

  private:
    /** A frame waiting at egress with the ingress (port, queue) it is charged to. */
    struct Entry
    {
        Ptr<Packet> packet;
        uint32_t inPort;
        uint32_t inQueue;
        uint32_t size;
    };
    struct Port
    {
        Ptr<M3PortDevice> dev;
        uint32_t dlink;
        std::deque<Entry> q[M3PortDevice::kPriorities];
        uint64_t qBytes[M3PortDevice::kPriorities];
        uint64_t bytes;                                 //!< all queues
        uint32_t rrNext;                                //!< round-robin position among queues 1..7
        bool pausedUpstream[M3PortDevice::kPriorities]; //!< we sent a pause on this ingress
        uint64_t kmin, kmax;                            //!< ECN thresholds, bytes
    };

    /** Frame callback of port \p inPort (bound at AddPort). */
    void ReceiveFrame(uint32_t inPort, Ptr<M3PortDevice> dev, Ptr<Packet> p);
    /** Dequeue callback of port \p port (bound at AddPort). */
    Ptr<Packet> Dequeue(uint32_t port, uint32_t pausedMask);
    /** ECN marking decision for an egress queue holding \p qBytes after removal. */
    bool ShouldMark(const Port& pt, uint64_t qBytes);

    uint32_t m_nodeId;
    const m3_routing* m_routing;
    std::vector<Port> m_ports;
    std::vector<int32_t> m_portOfDlink; //!< directed link -> port (-1: not ours)
    Ptr<M3SharedBuffer> m_buffer;
    Ptr<UniformRandomVariable> m_rng; //!< ECN marking draws

    uint64_t m_bufferSize;
    double m_alpha;
    DataRate m_hostRate;
    double m_headroomRtts;
    uint32_t m_headroomExtra; //!< bytes added to each port's headroom
    bool m_pfcEnabled;
    bool m_ecnEnabled;
    uint64_t m_ecnKmin, m_ecnKmax;
    double m_ecnPmax;
    DataRate m_ecnRefRate;
    bool m_intEnabled;

    /** A frame was dropped at ingress: (packet, ingress port, queue). */
    TracedCallback<Ptr<const Packet>, uint32_t, uint32_t> m_dropTrace;
    /** PFC frame sent upstream: (ingress port, queue, pause?). */
    TracedCallback<uint32_t, uint32_t, bool> m_pfcTrace;
};

} // namespace ns3

#endif /* M3_SWITCH_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-port-device.h - a full-duplex point-to-point port with 8 priorities
 * and PFC (packet-model.md section 1).
 *
 * The device does not own data queues: its owner (a switch port or a host
 * NIC) keeps them and hands over one frame at a time through the dequeue
 * callback, so frames are built or accounted at the moment they leave,
 * as the original does. The device keeps only the PFC state: which of the
 * 8 priorities the peer has paused (pure XOFF/XON, no timeout), and a
 * control queue for outgoing PFC frames, served before anything else.
 */
#ifndef M3_PORT_DEVICE_H
#define M3_PORT_DEVICE_H

#include "ns3/callback.h"
#include "ns3/data-rate.h"
#include "ns3/mac48-address.h"
#include "ns3/net-device.h"
#include "ns3/nstime.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <deque>

namespace ns3
{

class M3PortChannel;
class Packet;
class Node;

/**
 * \ingroup m3
 * \brief Point-to-point port device with 8 priorities and PFC.
 *
 * Attributes: DataRate, InterframeGap, PfcEnabled (obey received pause
 * frames; when false they are counted and ignored).
 */
class M3PortDevice : public NetDevice
{
  public:
    static constexpr uint32_t kPriorities = 8;

    static TypeId GetTypeId();
    M3PortDevice();
    ~M3PortDevice() override;

    /**
     * The owner's egress: returns the next frame to send, or null when it
     * has nothing eligible now. Bit i of \p pausedMask is set when priority
     * i is paused by the peer (always 0 when PfcEnabled is false). The
     * owner must not return a frame of a paused priority.
     */
    typedef Callback<Ptr<Packet>, uint32_t> DequeueCallback;
    /** The owner's ingress for every frame that is not PFC. */
    typedef Callback<void, Ptr<M3PortDevice>, Ptr<Packet>> FrameCallback;
    /** Signature of the PfcRx / PfcTx traces: (priority, pause?). */
    typedef void (*PfcTracedCallback)(uint32_t pg, bool pause);

    void SetDequeueCallback(DequeueCallback cb);
    void SetFrameCallback(FrameCallback cb);

    /** Connects this device to \p ch (two devices per channel). */
    bool Attach(Ptr<M3PortChannel> ch);

    /**
     * The owner has (or may have) frames: start sending if idle. Safe to
     * call at any time and repeatedly.
     */
    void TriggerTransmit();

    /**
     * Sends a PFC frame for priority \p pg to the peer: pause when \p pause,
     * else resume. It goes ahead of all data at the next transmit slot.
     */
    void SendPfc(uint32_t pg, bool pause);

    /** True when the peer has paused priority \p pg (and PFC is enabled). */
    bool IsPaused(uint32_t pg) const;
    /** True while a frame is on the wire (transmission + gap). */
    bool IsBusy() const;
    DataRate GetDataRate() const;
    /** Propagation delay of the attached channel (zero when detached). */
    Time GetDelay() const;
    /** Bytes transmitted so far (frames whose transmission started). */
    uint64_t GetTxBytes() const;
    /** The device at the other end of the channel (null when detached). */
    Ptr<M3PortDevice> GetPeer() const;

    /**
     * Called by the channel when a frame has fully arrived; with
     * probability ErrorRate it is lost instead (traced as RxLoss).
     */
    void Receive(Ptr<Packet> p);
    /** Uses stream \p stream for the losses; returns 1 (streams used). */
    int64_t AssignStreams(int64_t stream);

    // NetDevice. The device is driven by its owner through the calls
    // above; Send() is accepted only for completeness and always fails.
    void SetIfIndex(const uint32_t index) override;
    uint32_t GetIfIndex() const override;
    Ptr<Channel> GetChannel() const override;
    void SetAddress(Address address) override;
    Address GetAddress() const override;
    bool SetMtu(const uint16_t mtu) override;
    uint16_t GetMtu() const override;
    bool IsLinkUp() const override;
    void AddLinkChangeCallback(Callback<void> callback) override;
    bool IsBroadcast() const override;
    Address GetBroadcast() const override;
    bool IsMulticast() const override;
    Address GetMulticast(Ipv4Address multicastGroup) const override;
    Address GetMulticast(Ipv6Address addr) const override;
    bool IsBridge() const override;
    bool IsPointToPoint() const override;
    bool Send(Ptr<Packet> packet, const Address& dest, uint16_t protocolNumber) override;
    bool SendFrom(Ptr<Packet> packet,
                  const Address& source,
                  const Address& dest,
                  uint16_t protocolNumber) override;
    Ptr<Node> GetNode() const override;
    void SetNode(Ptr<Node> node) override;
    bool NeedsArp() const override;
    void SetReceiveCallback(NetDevice::ReceiveCallback cb) override;
    void SetPromiscReceiveCallback(PromiscReceiveCallback cb) override;
    bool SupportsSendFrom() const override;

  protected:
    void DoDispose() override;

  private:
    void StartTransmission(Ptr<Packet> p);
    void TransmitComplete();

    DataRate m_rate;
    Time m_ifg;                           //!< interframe gap
    bool m_pfcEnabled;                    //!< obey received PFC frames
    double m_errorRate;                   //!< probability an arriving frame is lost
    Ptr<UniformRandomVariable> m_lossRng; //!< draws the losses
    Ptr<M3PortChannel> m_channel;
    Ptr<Node> m_node;
    uint32_t m_ifIndex;
    Mac48Address m_address;
    uint16_t m_mtu;
    bool m_busy;
    uint32_t m_pausedMask;             //!< bit i: the peer paused priority i
    std::deque<Ptr<Packet>> m_control; //!< PFC frames waiting to go out
    uint64_t m_txBytes;
    DequeueCallback m_dequeue;
    FrameCallback m_frame;

    TracedCallback<Ptr<const Packet>> m_macTxTrace;  //!< a frame starts transmission
    TracedCallback<Ptr<const Packet>> m_macRxTrace;  //!< a frame arrived
    TracedCallback<Ptr<const Packet>> m_rxLossTrace; //!< a frame lost on the link
    /** PFC frame received: (priority, pause?) */
    TracedCallback<uint32_t, bool> m_pfcRxTrace;
    /** PFC frame sent: (priority, pause?) */
    TracedCallback<uint32_t, bool> m_pfcTxTrace;
};

} // namespace ns3

#endif /* M3_PORT_DEVICE_H */

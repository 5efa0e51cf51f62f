/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-port-channel.h - the wire between two M3PortDevices: a frame reaches
 * the peer after its transmission time plus the propagation delay.
 */
#ifndef M3_PORT_CHANNEL_H
#define M3_PORT_CHANNEL_H

#include "ns3/channel.h"
#include "ns3/nstime.h"
#include "ns3/ptr.h"

namespace ns3
{

class M3PortDevice;
class Packet;

/**
 * \ingroup m3
 * \brief Full-duplex point-to-point channel for M3PortDevice.
 *
 * Attribute: Delay (propagation).
 */
class M3PortChannel : public Channel
{
  public:
    static TypeId GetTypeId();
    M3PortChannel();

    /** Adds one end; at most two. */
    void Attach(Ptr<M3PortDevice> dev);
    /**
     * Sends \p p from \p src: the peer's Receive() runs after \p txTime
     * (serialisation at the sender's rate) plus the propagation delay.
     */
    void Transmit(Ptr<Packet> p, Ptr<M3PortDevice> src, Time txTime);
    /** The other end of \p dev (null if not attached). */
    Ptr<M3PortDevice> GetPeer(Ptr<const M3PortDevice> dev) const;
    Time GetDelay() const;

    std::size_t GetNDevices() const override;
    Ptr<NetDevice> GetDevice(std::size_t i) const override;

  protected:
    void DoDispose() override;

  private:
    Time m_delay;
    Ptr<M3PortDevice> m_dev[2];
    uint32_t m_nDevices;
};

} // namespace ns3

#endif /* M3_PORT_CHANNEL_H */

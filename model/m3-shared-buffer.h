/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-shared-buffer.h - a switch's shared-buffer memory accounting
 * (packet-model.md section 3): per (port, queue) reserve, per port
 * headroom, a shared pool with a dynamic threshold, and the PFC
 * pause/resume decisions that follow from it.
 *
 * Pure bookkeeping, no events: M3Switch calls it on ingress and at
 * dequeue; the unit tests drive it directly. All arithmetic is in int64_t,
 * so a headroom larger than the buffer makes the threshold negative (and
 * PFC fire early) instead of wrapping around as the original's unsigned
 * arithmetic did (m3-method.md section 7, pitfall).
 */
#ifndef M3_SHARED_BUFFER_H
#define M3_SHARED_BUFFER_H

#include "ns3/object.h"

#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * \ingroup m3
 * \brief Ingress admission and PFC thresholds of a shared-buffer switch.
 *
 * Ports are 0..n-1, queues (priorities) 0..7. Attributes: BufferSize,
 * ReservePerQueue (4 KB), ResumeOffset (3 KB).
 *
 * Ingress accounting of a packet of s bytes on (port, queue):
 *  - while the queue's ingress bytes stay within the reserve: reserve;
 *  - else if the queue's shared use + s would exceed the port's threshold
 *    T: headroom, when the port's headroom has room, else drop;
 *  - else: shared pool.
 * T(port) = (B - total headroom - total reserve - shared used) x alpha(port),
 * where the total reserve counts one reserve per port, as the original does.
 * Removal takes bytes from headroom first, then shared, then reserve.
 */
class M3SharedBuffer : public Object
{
  public:
    static constexpr uint32_t kQueues = 8;

    /** Where an admitted packet's bytes were charged. */
    enum Admission
    {
        DROP = 0,
        RESERVE,
        SHARED,
        HEADROOM,
    };

    static TypeId GetTypeId();
    M3SharedBuffer();

    /** Sets the port count (clears all state). */
    void SetNPorts(uint32_t n);
    uint32_t GetNPorts() const;
    /** Per-port headroom (bytes) and dynamic-threshold alpha. */
    void ConfigurePort(uint32_t port, int64_t headroomBytes, double alpha);

    /** Charges \p bytes to (port, queue); DROP leaves everything unchanged. */
    Admission Admit(uint32_t port, uint32_t queue, uint32_t bytes);
    /** Releases \p bytes of (port, queue) at dequeue. */
    void Release(uint32_t port, uint32_t queue, uint32_t bytes);

    /** The port's dynamic threshold T (may be negative). */
    int64_t Threshold(uint32_t port) const;
    /** Pause after an admission: headroom in use, or shared use >= T. */
    bool ShouldPause(uint32_t port, uint32_t queue) const;
    /** Resume after a release: no headroom in use and shared + offset <= T, or shared 0. */
    bool ShouldResume(uint32_t port, uint32_t queue) const;

    int64_t GetBufferSize() const;
    int64_t GetIngressBytes(uint32_t port, uint32_t queue) const; //!< all bytes of (port, queue)
    int64_t GetSharedBytes(uint32_t port, uint32_t queue) const;
    int64_t GetHeadroomBytes(uint32_t port, uint32_t queue) const;
    int64_t GetTotalShared() const;   //!< shared pool in use, all ports
    int64_t GetTotalHeadroom() const; //!< configured headroom, all ports
    int64_t GetTotalReserve() const;  //!< reserve set aside in T: one per port (as the original)
    int64_t GetTotalUsed() const;     //!< every byte held, all ports

  private:
    struct Queue
    {
        int64_t ingress = 0;  //!< all bytes charged to this queue
        int64_t shared = 0;   //!< of which in the shared pool
        int64_t headroom = 0; //!< of which in the port's headroom
    };
    struct Port
    {
        int64_t headroom = 0; //!< configured headroom bytes
        double alpha = 0.25;
        int64_t headroomUsed = 0;
        Queue q[kQueues];
    };

    int64_t m_bufferSize;
    int64_t m_reserve; //!< per (port, queue)
    int64_t m_resumeOffset;
    int64_t m_totalShared;
    int64_t m_totalHeadroom;
    std::vector<Port> m_ports;
};

} // namespace ns3

#endif /* M3_SHARED_BUFFER_H */

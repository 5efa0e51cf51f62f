// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-shared-buffer.cc - M3SharedBuffer: ingress admission, release and
 * PFC decisions of a shared-buffer switch, in signed 64-bit arithmetic.
 */
#include "m3-shared-buffer.h"

#include "ns3/integer.h"
#include "ns3/log.h"
#include "ns3/m3.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("M3SharedBuffer");

NS_OBJECT_ENSURE_REGISTERED(M3SharedBuffer);

TypeId
M3SharedBuffer::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::M3SharedBuffer")
            .SetParent<Object>()
            .SetGroupName("m3")
            .AddConstructor<M3SharedBuffer>()
            .AddAttribute("BufferSize",
                          "Switch memory B in bytes (reserve + headroom + shared pool). "
                          "32 MB as in the original simulator's configurations; M3Switch "
                          "sets it from its own BufferSize.",
                          IntegerValue(32 * 1024 * 1024),
                          MakeIntegerAccessor(&M3SharedBuffer::m_bufferSize),
                          MakeIntegerChecker<int64_t>(0))
            .AddAttribute("ReservePerQueue",
                          "Bytes guaranteed to every (port, queue) before the shared pool "
                          "(default: M3_RESERVE_BYTES of the C core, which counts one per "
                          "port in the pool as this class does).",
                          IntegerValue(M3_RESERVE_BYTES),
                          MakeIntegerAccessor(&M3SharedBuffer::m_reserve),
                          MakeIntegerChecker<int64_t>(0))
            .AddAttribute("ResumeOffset",
                          "A paused queue resumes once its shared use + this <= threshold.",
                          IntegerValue(3 * 1024),
                          MakeIntegerAccessor(&M3SharedBuffer::m_resumeOffset),
                          MakeIntegerChecker<int64_t>(0));
    return tid;
}

M3SharedBuffer::M3SharedBuffer()
    : m_bufferSize(32 * 1024 * 1024)
    , m_reserve(M3_RESERVE_BYTES)
    , m_resumeOffset(3 * 1024)
    , m_totalShared(0)
    , m_totalHeadroom(0)
{
    NS_LOG_FUNCTION(this);
}

void
M3SharedBuffer::SetNPorts(uint32_t n)
{
    NS_LOG_FUNCTION(this << n);
    m_ports.assign(n, Port());
    m_totalShared = 0;
    m_totalHeadroom = 0;
}

uint32_t
M3SharedBuffer::GetNPorts() const
{
    return m_ports.size();
}

void
M3SharedBuffer::ConfigurePort(uint32_t port, int64_t headroomBytes, double alpha)
{
    NS_LOG_FUNCTION(this << port << headroomBytes << alpha);
    NS_ASSERT(port < m_ports.size());
    NS_ASSERT_MSG(headroomBytes >= 0, "negative headroom");
    m_totalHeadroom += headroomBytes - m_ports[port].headroom;
    m_ports[port].headroom = headroomBytes;
    m_ports[port].alpha = alpha;
}

M3SharedBuffer::Admission
M3SharedBuffer::Admit(uint32_t port, uint32_t queue, uint32_t bytes)
{
    NS_LOG_FUNCTION(this << port << queue << bytes);
    NS_ASSERT(port < m_ports.size() && queue < kQueues);
    Port& pt = m_ports[port];
    Queue& q = pt.q[queue];
    int64_t s = bytes;
    int64_t inReserve = q.ingress - q.shared - q.headroom;
    if (inReserve + s <= m_reserve)
    {
        q.ingress += s;
        return RESERVE;
    }
    // Only the part beyond the reserve needs the shared pool.
    int64_t need = std::min(s, inReserve + s - m_reserve);
    if (q.shared + need > Threshold(port))
    {
        if (pt.headroomUsed + s > pt.headroom)
        {
            NS_LOG_LOGIC("drop: port " << port << " queue " << queue << " headroom "
                                       << pt.headroomUsed << "/" << pt.headroom);
            return DROP;
        }
        q.ingress += s;
        q.headroom += s;
        pt.headroomUsed += s;
        return HEADROOM;
    }
    q.ingress += s;
    q.shared += need;
    m_totalShared += need;
    return SHARED;
}

void
M3SharedBuffer::Release(uint32_t port, uint32_t queue, uint32_t bytes)
{
    NS_LOG_FUNCTION(this << port << queue << bytes);
    NS_ASSERT(port < m_ports.size() && queue < kQueues);
    Port& pt = m_ports[port];
    Queue& q = pt.q[queue];
    int64_t rest = bytes;
    NS_ASSERT_MSG(rest <= q.ingress, "releasing more than was admitted");
    int64_t fromHeadroom = std::min(rest, q.headroom);
    q.headroom -= fromHeadroom;
    pt.headroomUsed -= fromHeadroom;
    rest -= fromHeadroom;
    int64_t fromShared = std::min(rest, q.shared);
    q.shared -= fromShared;
    m_totalShared -= fromShared;
    // What is left comes out of the reserve.
    q.ingress -= bytes;
}

int64_t
M3SharedBuffer::Threshold(uint32_t port) const
{
    NS_ASSERT(port < m_ports.size());
    int64_t free = m_bufferSize - m_totalHeadroom - GetTotalReserve() - m_totalShared;
    // floor, like the original's shift, also for a negative free space
    return static_cast<int64_t>(std::floor(static_cast<double>(free) * m_ports[port].alpha));
}

bool
M3SharedBuffer::ShouldPause(uint32_t port, uint32_t queue) const
{
    const Queue& q = m_ports[port].q[queue];
    return q.headroom > 0 || q.shared >= Threshold(port);
}

bool
M3SharedBuffer::ShouldResume(uint32_t port, uint32_t queue) const
{
    const Queue& q = m_ports[port].q[queue];
    if (q.headroom > 0)
    {
        return false;
    }
    return q.shared == 0 || q.shared + m_resumeOffset <= Threshold(port);
}

int64_t
M3SharedBuffer::GetBufferSize() const
{
    return m_bufferSize;
}

int64_t
M3SharedBuffer::GetIngressBytes(uint32_t port, uint32_t queue) const
{
    return m_ports[port].q[queue].ingress;
}

int64_t
M3SharedBuffer::GetSharedBytes(uint32_t port, uint32_t queue) const
{
    return m_ports[port].q[queue].shared;
}

int64_t
M3SharedBuffer::GetHeadroomBytes(uint32_t port, uint32_t queue) const
{
    return m_ports[port].q[queue].headroom;
}

int64_t
M3SharedBuffer::GetTotalShared() const
{
    return m_totalShared;
}

int64_t
M3SharedBuffer::GetTotalHeadroom() const
{
    return m_totalHeadroom;
}

int64_t
M3SharedBuffer::GetTotalReserve() const
{
    // One reserve per port, as the original counts it: reserving all 8
    // queues of every port would leave small buffers no shared pool at all
    // (a 10-port switch would set aside 320 KB of a 400 KB buffer).
    return m_reserve * static_cast<int64_t>(m_ports.size());
}

int64_t
M3SharedBuffer::GetTotalUsed() const
{
    int64_t sum = 0;
    for (const Port& p : m_ports)
    {
        for (const Queue& q : p.q)
        {
            sum += q.ingress;
        }
    }
    return sum;
}

} // namespace ns3

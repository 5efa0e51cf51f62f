// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-rdma-flow.cc - M3RdmaSender: the window and send eligibility of one
 * flow (packet-model.md section 2).
 */
#include "m3-rdma-flow.h"

namespace ns3
{

uint64_t
M3RdmaSender::Window() const
{
    if (windowBytes == 0)
    {
        return 0;
    }
    if (!variableWindow || maxRate.GetBitRate() == 0)
    {
        return windowBytes;
    }
    // W x rate / maxRate in 128-bit integers: exact, and no overflow for
    // any window and rate that fit in 64 bits.
    unsigned __int128 w =
        static_cast<unsigned __int128>(windowBytes) * rate.GetBitRate() / maxRate.GetBitRate();
    if (w == 0)
    {
        return 1; // a window of 0 would mean "no window"
    }
    return w > windowBytes ? windowBytes : static_cast<uint64_t>(w);
}

bool
M3RdmaSender::CanSend() const
{
    if (done || sndNxt >= size)
    {
        return false;
    }
    uint64_t w = Window();
    return w == 0 || InFlight() < w;
}

} // namespace ns3

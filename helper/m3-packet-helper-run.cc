// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-packet-helper-run.cc - stop conditions, progress, FCTs, counters and
 * logs of one packet-mode run (see the header).
 */
#include "m3-packet-helper-run.h"

#include "ns3/log.h"
#include "ns3/simulator.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <limits>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("M3PacketHelperRun");

namespace m3packet
{

bool
AtomicLog::Open(const std::string& p, std::string* error)
{
    m3_error err;
    if (m3_atomic_open(&file, p.c_str(), &err) != 0)
    {
        *error = err.msg;
        return false;
    }
    fp = file.fp;
    return true;
}

bool
AtomicLog::Commit(std::string* error)
{
    if (!fp)
    {
        return true;
    }
    fp = nullptr;
    m3_error err;
    if (m3_atomic_commit(&file, &err) != 0)
    {
        *error = err.msg;
        return false;
    }
    return true;
}

void
AtomicLog::Abandon()
{
    if (fp)
    {
        fp = nullptr;
        m3_atomic_abort(&file);
    }
}

bool
Runner::Prepare(const M3Scenario& s, std::string* error)
{
    const m3_flows& flows = s.GetFlows();
    std::vector<double> idealNs(flows.n, 0);
    m3_error err;
    if (flows.n > 0 && m3_ideal_fcts(s.GetTopology(),
                                     s.GetRouting(),
                                     &flows,
                                     s.GetConfig().mtu,
                                     M3_HEADER_BYTES,
                                     s.GetNicRateBps(),
                                     idealNs.data(),
                                     &err) != 0)
    {
        *error = std::string("packet: ") + err.msg;
        return false;
    }
    ideal = std::move(idealNs);
    fct.assign(flows.n, std::numeric_limits<double>::quiet_NaN());
    return true;
}

void
Runner::Attach(Ptr<M3Scenario> s, Network* net)
{
    m_scenario = s;
    m_net = net;
    for (uint32_t n = 0; n < net->switches.size(); n++)
    {
        if (Ptr<M3Switch> sw = net->switches[n])
        {
            sw->TraceConnectWithoutContext("PfcTx", MakeBoundCallback(&Runner::PfcSink, this, n));
            sw->TraceConnectWithoutContext("Drop", MakeBoundCallback(&Runner::DropSink, this, n));
        }
    }
    for (const auto& dev : net->devOfDlink)
    {
        if (dev)
        {
            // frames lost on a link (its error_rate) count as drops
            dev->TraceConnectWithoutContext("RxLoss", MakeBoundCallback(&Runner::LossSink, this));
        }
    }
    for (const auto& nic : net->nics)
    {
        if (nic)
        {
            nic->TraceConnectWithoutContext("FlowComplete",
                                            MakeCallback(&Runner::OnFlowComplete, this));
        }
    }
    // The check event follows the flows by start time.
    const m3_flows& flows = s->GetFlows();
    m_startOrder.resize(flows.n);
    for (size_t i = 0; i < flows.n; i++)
    {
        m_startOrder[i] = uint32_t(i);
    }
    std::stable_sort(m_startOrder.begin(),
                     m_startOrder.end(),
                     [&flows](uint32_t a, uint32_t b)
                     { return flows.v[a].start_ns < flows.v[b].start_ns; });
}

void
Runner::OnFlowComplete(uint32_t index, Time t)
{
    if (index >= fct.size() || !std::isnan(fct[index]))
    {
        return; // not ours, or reported twice
    }
    fct[index] = double(t.GetNanoSeconds());
    finished++;
    if (finished == fct.size())
    {
        StopWith("all flows finished");
    }
}

void
Runner::StopWith(const std::string& reason)
{
    if (stopReason == "running")
    {
        stopReason = reason;
    }
    Simulator::Stop();
}

uint64_t
Runner::Signature()
{
    // Started flows join the active list; finished ones leave it. The sum
    // of acknowledged bytes over active flows plus the finished count
    // changes whenever any flow makes progress.
    const m3_flows& flows = m_scenario->GetFlows();
    uint64_t now = Simulator::Now().GetNanoSeconds();
    while (m_nextStart < m_startOrder.size() && flows.v[m_startOrder[m_nextStart]].start_ns <= now)
    {
        m_active.push_back(m_startOrder[m_nextStart++]);
    }
    uint64_t sig = finished * 0x9e3779b97f4a7c15ULL;
    size_t keep = 0;
    for (size_t i = 0; i < m_active.size(); i++)
    {
        uint32_t f = m_active[i];
        if (!std::isnan(fct[f]))
        {
            continue;
        }
        m_active[keep++] = f;
        const M3RdmaSender* s = m_net->nics[flows.v[f].src]->GetSender(f);
        if (s)
        {
            sig += s->sndUna;
        }
    }
    m_active.resize(keep);
    return sig;
}

void
Runner::Check()
{
    Time now = Simulator::Now();
    uint64_t sig = Signature();
    if (m_active.empty() || sig != m_lastSignature)
    {
        m_lastSignature = sig;
        m_lastProgress = now;
    }
    else if (now - m_lastProgress >= stall)
    {
        NS_LOG_WARN("no flow progress for " << (now - m_lastProgress).As(Time::MS) << " with "
                                            << m_active.size() << " flows active");
        StopWith("stalled");
        return;
    }
    if (progressWall > 0)
    {
        PrintProgress(now);
    }
    Simulator::Schedule(checkInterval, &Runner::Check, this);
}

void
Runner::PrintProgress(Time now)
{
    auto w = std::chrono::steady_clock::now();
    double since = std::chrono::duration<double>(w - m_lastPrint).count();
    if (since < progressWall)
    {
        return;
    }
    uint64_t ev = Simulator::GetEventCount();
    double wall = std::chrono::duration<double>(w - m_wallStart).count();
    std::fprintf(stderr,
                 "packet: sim %.3f ms, wall %.1f s, flows %zu/%zu finished, %zu active, "
                 "%.3g events/s\n",
                 now.GetSeconds() * 1e3,
                 wall,
                 finished,
                 fct.size(),
                 m_active.size(),
                 (ev - m_lastPrintEvents) / since);
    m_lastPrint = w;
    m_lastPrintEvents = ev;
}

void
Runner::Sample(QueueSampler* s)
{
    Ptr<M3Switch> sw = m_net->switches[s->node];
    std::fprintf(s->log.fp,
                 "%" PRId64 " %" PRIu64 "\n",
                 Simulator::Now().GetNanoSeconds(),
                 sw->GetQueueBytes(s->port));
    Simulator::Schedule(s->interval, &Runner::Sample, this, s);
}

void
Runner::PfcSink(Runner* r, uint32_t node, uint32_t port, uint32_t queue, bool pause)
{
    if (pause)
    {
        r->pfcPauses++;
    }
    if (r->pfcLog.fp)
    {
        std::fprintf(r->pfcLog.fp,
                     "%" PRId64 " %u %u %u %d\n",
                     Simulator::Now().GetNanoSeconds(),
                     node,
                     port,
                     queue,
                     pause ? 1 : 0);
    }
}

void
Runner::LossSink(Runner* r, Ptr<const Packet> p)
{
    r->drops++;
    r->linkLosses++;
}

void
Runner::DropSink(Runner* r, uint32_t node, Ptr<const Packet> p, uint32_t port, uint32_t queue)
{
    r->drops++;
    if (r->dropLog.fp)
    {
        std::fprintf(r->dropLog.fp,
                     "%" PRId64 " %u %u %u %u\n",
                     Simulator::Now().GetNanoSeconds(),
                     node,
                     port,
                     queue,
                     p->GetSize());
    }
}

void
Runner::Run()
{
    stopReason = "running";
    m_wallStart = std::chrono::steady_clock::now();
    m_lastPrint = m_wallStart;
    m_lastPrintEvents = Simulator::GetEventCount();
    m_lastProgress = Simulator::Now();
    if (fct.empty())
    {
        stopReason = "all flows finished";
    }
    else
    {
        Simulator::Schedule(checkInterval, &Runner::Check, this);
        if (limit.IsStrictlyPositive())
        {
            Simulator::Schedule(limit, &Runner::StopWith, this, std::string("time limit"));
        }
        for (auto& s : samplers)
        {
            Simulator::Schedule(Time(0), &Runner::Sample, this, s.get());
        }
        Simulator::Run();
    }
    simEnd = Simulator::Now();
    if (stopReason == "running")
    {
        stopReason = "no events left";
    }
    size_t unfinished = fct.size() - finished;
    if (progressWall > 0 || unfinished > 0)
    {
        double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - m_wallStart).count();
        std::fprintf(stderr,
                     "packet: done (%s): sim %.3f ms, wall %.1f s, %zu/%zu flows finished%s\n",
                     stopReason.c_str(),
                     simEnd.GetSeconds() * 1e3,
                     wall,
                     finished,
                     fct.size(),
                     unfinished ? " (unfinished flows have FCT NaN)" : "");
    }
    std::string error;
    bool ok = pfcLog.Commit(&error);
    ok = dropLog.Commit(&error) && ok;
    for (auto& s : samplers)
    {
        ok = s->log.Commit(&error) && ok;
    }
    if (!ok)
    {
        std::fprintf(stderr, "packet: %s\n", error.c_str());
    }
}

void
Runner::AbandonLogs()
{
    pfcLog.Abandon();
    dropLog.Abandon();
    for (auto& s : samplers)
    {
        s->log.Abandon();
    }
}

void
Runner::Release()
{
    m_scenario = nullptr;
    m_net = nullptr;
}

} // namespace m3packet
} // namespace ns3

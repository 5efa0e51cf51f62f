/*
 * m3-packet-helper.cc - M3PacketHelper: scenario -> packet-level network,
 * run with stop conditions and progress, results and logs.
 */
#include "m3-packet-helper.h"

#include "ns3/boolean.h"
#include "ns3/log.h"
#include "ns3/m3-port-channel.h"
#include "ns3/m3-port-device.h"
#include "ns3/mac48-address.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/string.h"

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("M3PacketHelper");

namespace
{

/** One attribute to apply to objects the helper creates. */
struct AttrSetting
{
    std::string name;
    Ptr<AttributeValue> value;
};

bool
Fail(std::string* error, const std::string& msg)
{
    if (error)
    {
        *error = msg;
    }
    NS_LOG_WARN(msg);
    return false;
}

/** Attribute values as text: the checkers convert, so the exact value class does not matter. */
StringValue
Str(double v)
{
    std::ostringstream os;
    os.precision(17);
    os << v;
    return StringValue(os.str());
}

StringValue
StrU(uint64_t v)
{
    return StringValue(std::to_string(v));
}

StringValue
StrRate(double bps)
{
    return StringValue(std::to_string(static_cast<uint64_t>(std::llround(bps))) + "bps");
}

StringValue
StrNs(double ns)
{
    return StringValue(std::to_string(static_cast<int64_t>(std::llround(ns))) + "ns");
}

StringValue
StrBool(bool b)
{
    return StringValue(b ? "true" : "false");
}

const char*
CcTypeName(m3_cc cc)
{
    switch (cc)
    {
    case M3_CC_DCTCP:
        return "ns3::M3CcDctcp";
    case M3_CC_HPCC:
        return "ns3::M3CcHpcc";
    case M3_CC_DCQCN:
        return "ns3::M3CcDcqcn";
    case M3_CC_TIMELY:
        return "ns3::M3CcTimely";
    default:
        return "";
    }
}

/**
 * A log written to "<path>.tmp" and renamed to <path> only when the run
 * completes, so a failed or abandoned run leaves no partial file.
 */
struct AtomicLog
{
    std::string path;
    std::string tmp;
    FILE* fp = nullptr;
    bool failed = false;

    bool Open(const std::string& p, std::string* error)
    {
        path = p;
        tmp = p + ".tmp";
        fp = std::fopen(tmp.c_str(), "w");
        if (!fp)
        {
            return Fail(error, tmp + ": cannot open for writing");
        }
        return true;
    }

    /** Closes and renames; false (and no file at path) when anything failed. */
    bool Commit(std::string* error)
    {
        if (!fp)
        {
            return true;
        }
        bool ok = !failed && !std::ferror(fp);
        ok = std::fclose(fp) == 0 && ok;
        fp = nullptr;
        if (ok && std::rename(tmp.c_str(), path.c_str()) == 0)
        {
            return true;
        }
        std::remove(tmp.c_str());
        return Fail(error, path + ": cannot write");
    }

    void Abandon()
    {
        if (fp)
        {
            std::fclose(fp);
            fp = nullptr;
            std::remove(tmp.c_str());
        }
    }
};

/** One queue-sampling job of EnableQueueSamples. */
struct QueueSampler
{
    uint32_t node;
    uint32_t port;
    Time interval;
    AtomicLog log;
};

} // namespace

struct M3PacketHelper::Impl
{
    std::vector<AttrSetting> devAttrs;
    std::vector<AttrSetting> swAttrs;
    std::vector<AttrSetting> nicAttrs;
    std::vector<AttrSetting> ccAttrs;

    Ptr<M3Scenario> scenario;
    bool installed = false;
    bool ran = false;

    NodeContainer nodes;                    //!< index = topology node id
    std::vector<Ptr<M3Switch>> switches;    //!< by node id (null for hosts)
    std::vector<Ptr<M3RdmaNic>> nics;       //!< by node id (null for switches)
    std::vector<Ptr<M3PortDevice>> devOfDlink; //!< directed link -> its sending device

    std::vector<double> fct;
    std::vector<double> ideal;
    size_t finished = 0;
    std::vector<uint32_t> startOrder; //!< flow indices by start time
    size_t nextStart = 0;             //!< first flow of startOrder not yet started
    std::vector<uint32_t> active;     //!< started flows, possibly finished (pruned per check)

    // stop conditions and progress
    double progressWall = 0;
    Time stall = MilliSeconds(100);
    Time limit = Time(0);
    Time checkInterval = MilliSeconds(1);
    std::string stopReason = "not run";
    std::vector<std::string> warnings;
    uint64_t lastSignature = 0;
    Time lastProgress;
    std::chrono::steady_clock::time_point wallStart;
    std::chrono::steady_clock::time_point lastPrint;
    uint64_t lastPrintEvents = 0;
    Time simEnd;

    // counters from traces
    uint64_t pfcPauses = 0;
    uint64_t drops = 0;

    // logs
    AtomicLog pfcLog;
    AtomicLog dropLog;
    std::vector<std::unique_ptr<QueueSampler>> samplers;

    void OnFlowComplete(uint32_t index, Time t);
    void Check();
    void Sample(QueueSampler* s);
    void StopWith(const std::string& reason);
    uint64_t Signature();
    void AbandonLogs();

    /** Trace sinks of the switches, bound to (helper state, node id). */
    static void PfcSink(Impl* impl, uint32_t node, uint32_t port, uint32_t queue, bool pause);
    static void DropSink(Impl* impl,
                         uint32_t node,
                         Ptr<const Packet> p,
                         uint32_t port,
                         uint32_t queue);
};

void
M3PacketHelper::Impl::OnFlowComplete(uint32_t index, Time t)
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
M3PacketHelper::Impl::StopWith(const std::string& reason)
{
    if (stopReason == "running")
    {
        stopReason = reason;
    }
    Simulator::Stop();
}

uint64_t
M3PacketHelper::Impl::Signature()
{
    // Started flows join the active list; finished ones leave it. The sum
    // of acknowledged bytes over active flows plus the finished count
    // changes whenever any flow makes progress.
    const m3_flows& flows = scenario->GetFlows();
    uint64_t now = Simulator::Now().GetNanoSeconds();
    while (nextStart < startOrder.size() && flows.v[startOrder[nextStart]].start_ns <= now)
    {
        active.push_back(startOrder[nextStart++]);
    }
    uint64_t sig = finished * 0x9e3779b97f4a7c15ULL;
    size_t keep = 0;
    for (size_t i = 0; i < active.size(); i++)
    {
        uint32_t f = active[i];
        if (!std::isnan(fct[f]))
        {
            continue;
        }
        active[keep++] = f;
        const M3RdmaSender* s = nics[flows.v[f].src]->GetSender(f);
        if (s)
        {
            sig += s->sndUna;
        }
    }
    active.resize(keep);
    return sig;
}

void
M3PacketHelper::Impl::Check()
{
    Time now = Simulator::Now();
    uint64_t sig = Signature();
    if (active.empty() || sig != lastSignature)
    {
        lastSignature = sig;
        lastProgress = now;
    }
    else if (now - lastProgress >= stall)
    {
        NS_LOG_WARN("no flow progress for " << (now - lastProgress).As(Time::MS) << " with "
                                            << active.size() << " flows active");
        StopWith("stalled");
        return;
    }
    if (progressWall > 0)
    {
        auto w = std::chrono::steady_clock::now();
        double since = std::chrono::duration<double>(w - lastPrint).count();
        if (since >= progressWall)
        {
            uint64_t ev = Simulator::GetEventCount();
            double wall = std::chrono::duration<double>(w - wallStart).count();
            std::fprintf(stderr,
                         "packet: sim %.3f ms, wall %.1f s, flows %zu/%zu finished, %zu active, "
                         "%.3g events/s\n",
                         now.GetSeconds() * 1e3,
                         wall,
                         finished,
                         fct.size(),
                         active.size(),
                         (ev - lastPrintEvents) / since);
            lastPrint = w;
            lastPrintEvents = ev;
        }
    }
    Simulator::Schedule(checkInterval, &Impl::Check, this);
}

void
M3PacketHelper::Impl::Sample(QueueSampler* s)
{
    Ptr<M3Switch> sw = switches[s->node];
    std::fprintf(s->log.fp,
                 "%" PRId64 " %" PRIu64 "\n",
                 Simulator::Now().GetNanoSeconds(),
                 sw->GetQueueBytes(s->port));
    Simulator::Schedule(s->interval, &Impl::Sample, this, s);
}

void
M3PacketHelper::Impl::AbandonLogs()
{
    pfcLog.Abandon();
    dropLog.Abandon();
    for (auto& s : samplers)
    {
        s->log.Abandon();
    }
}

void
M3PacketHelper::Impl::PfcSink(Impl* impl, uint32_t node, uint32_t port, uint32_t queue, bool pause)
{
    if (pause)
    {
        impl->pfcPauses++;
    }
    if (impl->pfcLog.fp)
    {
        std::fprintf(impl->pfcLog.fp,
                     "%" PRId64 " %u %u %u %d\n",
                     Simulator::Now().GetNanoSeconds(),
                     node,
                     port,
                     queue,
                     pause ? 1 : 0);
    }
}

void
M3PacketHelper::Impl::DropSink(Impl* impl,
                               uint32_t node,
                               Ptr<const Packet> p,
                               uint32_t port,
                               uint32_t queue)
{
    impl->drops++;
    if (impl->dropLog.fp)
    {
        std::fprintf(impl->dropLog.fp,
                     "%" PRId64 " %u %u %u %u\n",
                     Simulator::Now().GetNanoSeconds(),
                     node,
                     port,
                     queue,
                     p->GetSize());
    }
}

namespace
{

void
Apply(Ptr<Object> obj, const std::vector<AttrSetting>& attrs)
{
    for (const auto& a : attrs)
    {
        obj->SetAttribute(a.name, *a.value);
    }
}

} // namespace

M3PacketHelper::M3PacketHelper()
    : m_impl(new Impl)
{
}

M3PacketHelper::~M3PacketHelper()
{
    m_impl->AbandonLogs();
    delete m_impl;
}

void
M3PacketHelper::SetDeviceAttribute(const std::string& name, const AttributeValue& value)
{
    m_impl->devAttrs.push_back({name, value.Copy()});
}

void
M3PacketHelper::SetSwitchAttribute(const std::string& name, const AttributeValue& value)
{
    m_impl->swAttrs.push_back({name, value.Copy()});
}

void
M3PacketHelper::SetNicAttribute(const std::string& name, const AttributeValue& value)
{
    m_impl->nicAttrs.push_back({name, value.Copy()});
}

void
M3PacketHelper::SetCcAttribute(const std::string& name, const AttributeValue& value)
{
    m_impl->ccAttrs.push_back({name, value.Copy()});
}

void
M3PacketHelper::SetProgress(double wallSeconds)
{
    m_impl->progressWall = wallSeconds;
}

void
M3PacketHelper::SetStopConditions(Time stall, Time limit)
{
    m_impl->stall = stall;
    m_impl->limit = limit;
}

bool
M3PacketHelper::Install(Ptr<M3Scenario> scenario, std::string* error)
{
    NS_LOG_FUNCTION(this << scenario);
    Impl& m = *m_impl;
    if (m.installed)
    {
        return Fail(error, "packet: Install() may be called once per helper");
    }
    if (!scenario || !scenario->HasTopology() || !scenario->GetRouting())
    {
        return Fail(error, "packet: the scenario has no topology");
    }
    if (!scenario->ValidateConfig(error))
    {
        return false;
    }
    const m3_topology* topo = scenario->GetTopology();
    const m3_flows& flows = scenario->GetFlows();
    const m3_config& cfg = scenario->GetConfig();
    const uint32_t nNodes = m3_topology_num_nodes(topo);
    const uint32_t nLinks = m3_topology_num_links(topo);

    // Check everything before building anything.
    for (uint32_t i = 0; i < nLinks; i++)
    {
        const m3_link* l = m3_topology_link(topo, i);
        if (!(l->rate_bps >= 1) || l->rate_bps > 1e15)
        {
            return Fail(error,
                        "packet: link " + std::to_string(i) + " (" + std::to_string(l->a) + "-" +
                            std::to_string(l->b) + "): rate " + std::to_string(l->rate_bps) +
                            " bps cannot be simulated (1 bps .. 1 Pbps)");
        }
    }
    for (uint32_t n = 0; n < nNodes; n++)
    {
        if (!m3_topology_is_switch(topo, n) && m3_topology_degree(topo, n) != 1)
        {
            return Fail(error,
                        "packet: host " + std::to_string(n) + " has " +
                            std::to_string(m3_topology_degree(topo, n)) +
                            " links; the packet mode's NIC has exactly one port");
        }
    }
    for (size_t i = 0; i < flows.n; i++)
    {
        const m3_flow& f = flows.v[i];
        std::string which = "packet: flow " + std::to_string(i) + " (id " + std::to_string(f.id) +
                            ")";
        if (f.size == 0)
        {
            return Fail(error, which + ": size 0; flows must carry at least one byte");
        }
        if (f.size >= (uint64_t(1) << 32))
        {
            return Fail(error,
                        which + ": size " + std::to_string(f.size) +
                            " bytes is 4 GiB or more; sequence numbers on the wire are 32-bit");
        }
        if (f.src >= nNodes || f.dst >= nNodes || m3_topology_is_switch(topo, f.src) ||
            m3_topology_is_switch(topo, f.dst) || f.src == f.dst)
        {
            return Fail(error, which + ": source and destination must be two distinct hosts");
        }
        if (f.sport > 65535 || f.dport > 65535)
        {
            return Fail(error, which + ": ports must fit in 16 bits");
        }
    }
    std::vector<double> ideal(flows.n, 0);
    const double hostBps = scenario->GetNicRateBps();
    m3_error err;
    if (flows.n > 0 && m3_ideal_fcts(topo,
                                     scenario->GetRouting(),
                                     &flows,
                                     cfg.mtu,
                                     M3_HEADER_BYTES,
                                     hostBps,
                                     ideal.data(),
                                     &err) != 0)
    {
        return Fail(error, std::string("packet: ") + err.msg);
    }

    m.scenario = scenario;
    m.ideal = std::move(ideal);
    m.fct.assign(flows.n, std::numeric_limits<double>::quiet_NaN());

    // ns-3's random streams (ECN marking) follow the scenario's seed.
    RngSeedManager::SetSeed(1);
    RngSeedManager::SetRun(cfg.seed);

    // The configuration mapping of the header comment, then user overrides.
    const bool pfc = cfg.pfc != 0;
    std::vector<AttrSetting> sw;
    std::vector<AttrSetting> nic;
    std::vector<AttrSetting> cc;
    auto add = [](std::vector<AttrSetting>& v, const std::string& n, const AttributeValue& val) {
        v.push_back({n, val.Copy()});
    };
    add(sw, "BufferSize", StrU(static_cast<uint64_t>(std::llround(cfg.buffer_kb * 1000))));
    add(sw, "PfcEnabled", StrBool(pfc));
    add(sw, "HostRate", StrRate(hostBps));
    switch (cfg.cc)
    {
    case M3_CC_DCTCP: {
        uint64_t k = std::llround(cfg.dctcp_k_kb * 1000);
        add(sw, "EcnEnabled", StrBool(true));
        add(sw, "EcnKmin", StrU(k));
        add(sw, "EcnKmax", StrU(k));
        add(sw, "EcnPmax", Str(1.0));
        add(sw, "IntEnabled", StrBool(false));
        break;
    }
    case M3_CC_DCQCN:
        add(sw, "EcnEnabled", StrBool(true));
        add(sw, "EcnKmin", StrU(std::llround(cfg.dcqcn_kmin_kb * 1000)));
        add(sw, "EcnKmax", StrU(std::llround(cfg.dcqcn_kmax_kb * 1000)));
        add(sw, "EcnPmax", Str(0.2));
        add(sw, "IntEnabled", StrBool(false));
        break;
    case M3_CC_HPCC:
        add(sw, "EcnEnabled", StrBool(false));
        add(sw, "IntEnabled", StrBool(true));
        add(cc, "Eta", Str(cfg.hpcc_eta));
        add(cc, "AiRate", StrRate(cfg.hpcc_ai_mbps * 1e6));
        break;
    case M3_CC_TIMELY:
        add(sw, "EcnEnabled", StrBool(false));
        add(sw, "IntEnabled", StrBool(false));
        add(cc, "TLow", StrNs(cfg.timely_tlow_us * 1000));
        add(cc, "THigh", StrNs(cfg.timely_thigh_us * 1000));
        break;
    default:
        return Fail(error, "packet: unknown congestion control");
    }
    add(nic, "CongestionControl", StringValue(CcTypeName(cfg.cc)));
    add(nic, "WindowBytes", StrU(static_cast<uint64_t>(std::llround(cfg.window_bytes))));
    add(nic, "MaxRate", StrRate(hostBps));
    add(nic, "BaseRtt", StrNs(cfg.base_rtt_us * 1000));
    add(nic, "Mtu", StrU(cfg.mtu));
    add(nic, "AckHighPriority", StrBool(cfg.cc == M3_CC_DCTCP || cfg.cc == M3_CC_TIMELY));
    sw.insert(sw.end(), m.swAttrs.begin(), m.swAttrs.end());
    nic.insert(nic.end(), m.nicAttrs.begin(), m.nicAttrs.end());
    cc.insert(cc.end(), m.ccAttrs.begin(), m.ccAttrs.end());

    // Nodes, then one channel and two devices per link.
    m.nodes.Create(nNodes);
    m.switches.assign(nNodes, nullptr);
    m.nics.assign(nNodes, nullptr);
    m.devOfDlink.assign(2 * size_t(nLinks), nullptr);
    for (uint32_t i = 0; i < nLinks; i++)
    {
        const m3_link* l = m3_topology_link(topo, i);
        Ptr<M3PortChannel> ch = CreateObject<M3PortChannel>();
        ch->SetAttribute("Delay", StrNs(double(l->delay_ns)));
        for (uint32_t end = 0; end < 2; end++)
        {
            Ptr<M3PortDevice> dev = CreateObject<M3PortDevice>();
            dev->SetAttribute("DataRate", StrRate(l->rate_bps));
            dev->SetAttribute("PfcEnabled", StrBool(pfc));
            Apply(dev, m.devAttrs);
            dev->SetAddress(Mac48Address::Allocate());
            m.nodes.Get(end ? l->b : l->a)->AddDevice(dev);
            dev->Attach(ch);
            m.devOfDlink[2 * size_t(i) + end] = dev;
        }
    }

    // Switches and NICs, aggregated to their nodes.
    for (uint32_t n = 0; n < nNodes; n++)
    {
        Ptr<Node> node = m.nodes.Get(n);
        if (m3_topology_is_switch(topo, n))
        {
            Ptr<M3Switch> s = CreateObject<M3Switch>();
            Apply(s, sw);
            node->AggregateObject(s);
            s->SetRouting(n, scenario->GetRouting());
            // Port i is the node's i-th directed link (m3_topology_out_dlink order).
            for (uint32_t j = 0; j < m3_topology_degree(topo, n); j++)
            {
                uint32_t d = m3_topology_out_dlink(topo, n, j);
                s->AddPort(m.devOfDlink[d], d);
            }
            s->Setup();
            s->AssignStreams(int64_t(n));
            Ptr<M3SharedBuffer> b = s->GetBuffer();
            // Nothing is queued yet, so a negative threshold means headroom +
            // reserve alone exceed the buffer.
            if (cfg.pfc && s->GetNPorts() > 0 && b->Threshold(0) < 0)
            {
                m.warnings.push_back(
                    "switch " + std::to_string(n) + " (" + std::to_string(s->GetNPorts()) +
                    " ports): PFC headroom " + std::to_string(b->GetTotalHeadroom()) +
                    " B + reserve " + std::to_string(b->GetTotalReserve()) +
                    " B exceed the buffer of " + std::to_string(b->GetBufferSize()) +
                    " B; its PFC threshold is negative, so it pauses upstream on every "
                    "packet beyond a queue's reserve (raise buffer_kb for lossless "
                    "operation without pause storms)");
            }
            s->TraceConnectWithoutContext("PfcTx", MakeBoundCallback(&Impl::PfcSink, &m, n));
            s->TraceConnectWithoutContext("Drop", MakeBoundCallback(&Impl::DropSink, &m, n));
            m.switches[n] = s;
        }
        else
        {
            Ptr<M3RdmaNic> nicObj = CreateObject<M3RdmaNic>();
            Apply(nicObj, nic);
            for (const auto& a : cc)
            {
                nicObj->SetCcAttribute(a.name, *a.value);
            }
            node->AggregateObject(nicObj);
            nicObj->Setup(n, m.devOfDlink[m3_topology_out_dlink(topo, n, 0)]);
            nicObj->TraceConnectWithoutContext("FlowComplete",
                                               MakeCallback(&Impl::OnFlowComplete, &m));
            m.nics[n] = nicObj;
        }
    }

    // Flows, in input order; the check event follows them by start time.
    m.startOrder.resize(flows.n);
    for (size_t i = 0; i < flows.n; i++)
    {
        const m3_flow& f = flows.v[i];
        m.nics[f.src]->AddSender(uint32_t(i), f);
        m.nics[f.dst]->AddReceiver(uint32_t(i), f);
        m.startOrder[i] = uint32_t(i);
    }
    std::stable_sort(m.startOrder.begin(), m.startOrder.end(), [&flows](uint32_t a, uint32_t b) {
        return flows.v[a].start_ns < flows.v[b].start_ns;
    });
    m.installed = true;
    return true;
}

void
M3PacketHelper::Run()
{
    NS_LOG_FUNCTION(this);
    Impl& m = *m_impl;
    NS_ABORT_MSG_IF(!m.installed, "M3PacketHelper::Run() before a successful Install()");
    NS_ABORT_MSG_IF(m.ran, "M3PacketHelper::Run() may be called once");
    m.ran = true;
    m.stopReason = "running";
    m.wallStart = std::chrono::steady_clock::now();
    m.lastPrint = m.wallStart;
    m.lastPrintEvents = Simulator::GetEventCount();
    m.lastProgress = Simulator::Now();
    if (m.fct.empty())
    {
        m.stopReason = "all flows finished";
    }
    else
    {
        Simulator::Schedule(m.checkInterval, &Impl::Check, &m);
        if (m.limit.IsStrictlyPositive())
        {
            Simulator::Schedule(m.limit, &Impl::StopWith, &m, std::string("time limit"));
        }
        for (auto& s : m.samplers)
        {
            Simulator::Schedule(Time(0), &Impl::Sample, &m, s.get());
        }
        Simulator::Run();
    }
    m.simEnd = Simulator::Now();
    if (m.stopReason == "running")
    {
        m.stopReason = "no events left";
    }
    size_t unfinished = m.fct.size() - m.finished;
    if (m.progressWall > 0 || unfinished > 0)
    {
        double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - m.wallStart).count();
        std::fprintf(stderr,
                     "packet: done (%s): sim %.3f ms, wall %.1f s, %zu/%zu flows finished%s\n",
                     m.stopReason.c_str(),
                     m.simEnd.GetSeconds() * 1e3,
                     wall,
                     m.finished,
                     m.fct.size(),
                     unfinished ? " (unfinished flows have FCT NaN)" : "");
    }
    std::string error;
    bool ok = m.pfcLog.Commit(&error);
    ok = m.dropLog.Commit(&error) && ok;
    for (auto& s : m.samplers)
    {
        ok = s->log.Commit(&error) && ok;
    }
    if (!ok)
    {
        std::fprintf(stderr, "packet: %s\n", error.c_str());
    }
}

void
M3PacketHelper::Destroy()
{
    NS_LOG_FUNCTION(this);
    m_impl->AbandonLogs();
    Simulator::Destroy();
    m_impl->switches.clear();
    m_impl->nics.clear();
    m_impl->devOfDlink.clear();
    m_impl->nodes = NodeContainer();
    m_impl->scenario = nullptr;
}

const std::vector<double>&
M3PacketHelper::GetFctNs() const
{
    return m_impl->fct;
}

const std::vector<double>&
M3PacketHelper::GetIdealNs() const
{
    return m_impl->ideal;
}

size_t
M3PacketHelper::GetNumFinished() const
{
    return m_impl->finished;
}

std::vector<std::string>
M3PacketHelper::GetWarnings() const
{
    return m_impl->warnings;
}

std::string
M3PacketHelper::GetStopReason() const
{
    return m_impl->stopReason;
}

uint64_t
M3PacketHelper::GetPfcPauses() const
{
    return m_impl->pfcPauses;
}

uint64_t
M3PacketHelper::GetDrops() const
{
    return m_impl->drops;
}

uint64_t
M3PacketHelper::GetDataPackets() const
{
    uint64_t n = 0;
    for (const auto& nic : m_impl->nics)
    {
        if (nic)
        {
            n += nic->GetDataPacketsSent();
        }
    }
    return n;
}

uint64_t
M3PacketHelper::GetTimeouts() const
{
    uint64_t n = 0;
    for (const auto& nic : m_impl->nics)
    {
        if (nic)
        {
            n += nic->GetTimeouts();
        }
    }
    return n;
}

Time
M3PacketHelper::GetSimulatedTime() const
{
    return m_impl->ran ? m_impl->simEnd : Simulator::Now();
}

bool
M3PacketHelper::EnablePfcLog(const std::string& path, std::string* error)
{
    if (!m_impl->installed || m_impl->ran)
    {
        return Fail(error, "packet: enable logs after Install() and before Run()");
    }
    m_impl->pfcLog.Abandon();
    return m_impl->pfcLog.Open(path, error);
}

bool
M3PacketHelper::EnableDropLog(const std::string& path, std::string* error)
{
    if (!m_impl->installed || m_impl->ran)
    {
        return Fail(error, "packet: enable logs after Install() and before Run()");
    }
    m_impl->dropLog.Abandon();
    return m_impl->dropLog.Open(path, error);
}

bool
M3PacketHelper::EnableQueueSamples(uint32_t node,
                                   uint32_t port,
                                   Time interval,
                                   const std::string& path,
                                   std::string* error)
{
    Impl& m = *m_impl;
    if (!m.installed || m.ran)
    {
        return Fail(error, "packet: enable logs after Install() and before Run()");
    }
    if (node >= m.switches.size() || !m.switches[node])
    {
        return Fail(error, "packet: queue samples: node " + std::to_string(node) +
                               " is not a switch");
    }
    if (port >= m.switches[node]->GetNPorts())
    {
        return Fail(error, "packet: queue samples: switch " + std::to_string(node) + " has no port " +
                               std::to_string(port));
    }
    if (!interval.IsStrictlyPositive())
    {
        return Fail(error, "packet: queue samples: the interval must be positive");
    }
    auto s = std::make_unique<QueueSampler>();
    s->node = node;
    s->port = port;
    s->interval = interval;
    if (!s->log.Open(path, error))
    {
        return false;
    }
    m.samplers.push_back(std::move(s));
    return true;
}

NodeContainer
M3PacketHelper::GetNodes() const
{
    return m_impl->nodes;
}

Ptr<M3Switch>
M3PacketHelper::GetSwitch(uint32_t node) const
{
    return node < m_impl->switches.size() ? m_impl->switches[node] : nullptr;
}

Ptr<M3RdmaNic>
M3PacketHelper::GetNic(uint32_t node) const
{
    return node < m_impl->nics.size() ? m_impl->nics[node] : nullptr;
}

} // namespace ns3

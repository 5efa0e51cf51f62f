// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench-packet - speed and memory of the packet mode, per congestion
 * control, on (a) m3's 7-host parking lot with m3's path workload recipe and
 * (b) a 128-host k = 8 fat-tree with a generated workload at load 0.5, and
 * flowSim's wall time on the same scenario for the ratio. Every case runs
 * in a forked child, so its peak RSS (getrusage ru_maxrss) is its own.
 * Prints numbers and asserts nothing about time.
 *
 *   bench-packet [--quick] [--json=FILE] [--cc=dctcp,hpcc,...] [--progress=S]
 */
#include "ns3/m3-command-line.h"
#include "ns3/m3-packet-helper.h"
#include "ns3/m3-port-device.h"
#include "ns3/m3-scenario.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

using namespace ns3;

namespace
{

/** One benchmark case. */
struct Case
{
    std::string name; //!< "parking-lot-7" or "k-ary-8"
    m3_cc cc;
    size_t flows;
};

/** What a child reports back (one line on a pipe). */
struct Result
{
    bool ok = false;
    double wallS = 0;  //!< simulation (Run) only
    double setupS = 0; //!< scenario + Install
    double simS = 0;   //!< simulated seconds
    uint64_t data = 0; //!< data packets sent by NICs
    uint64_t acks = 0; //!< ACK/NACK frames sent by NICs
    uint64_t events = 0;
    uint64_t finished = 0;
    uint64_t total = 0;
    long rssKb = 0;
    double maxLoad = 0; //!< parking lot: the recipe's busiest-link load
    std::string error;
};

double
Since(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/** The scenario of a case, with its cc; false + error on failure. */
bool
BuildScenario(const Case& c, Ptr<M3Scenario> s, double* maxLoad, std::string* error)
{
    if (c.name == "parking-lot-7")
    {
        if (!s->BuildParkingLot(7, error))
        {
            return false;
        }
        // m3's path recipe, through a flows file (the scenario reads files).
        m3_flows f;
        m3_flows_init(&f);
        m3_path_workload_info info;
        m3_error err;
        char path[] = "/tmp/bench-packet-flows-XXXXXX";
        int fd = mkstemp(path);
        if (fd < 0)
        {
            *error = "cannot create a temporary flows file";
            return false;
        }
        close(fd);
        bool ok = m3_workload_path_m3_ex(7, c.flows, 1, &f, &info, &err) == 0 &&
                  m3_flows_write(&f, path, &err) == 0;
        m3_flows_free(&f);
        if (!ok)
        {
            *error = err.msg;
            std::remove(path);
            return false;
        }
        *maxLoad = info.max_load;
        ok = s->ReadFlows(path, error);
        std::remove(path);
        if (!ok)
        {
            return false;
        }
    }
    else
    {
        if (!s->BuildKAry(8, error))
        {
            return false;
        }
        m3_error err;
        m3_size_dist* d = m3_size_dist_synthetic(M3_SIZE_LOGNORMAL, 10000, 1.5, 50, &err);
        if (!d)
        {
            *error = err.msg;
            return false;
        }
        m3_workload_spec w;
        std::memset(&w, 0, sizeof w);
        w.sizes = d;
        w.arrival = M3_ARRIVAL_LOGNORMAL;
        w.burst_sigma = 1.0;
        w.tm = M3_TM_UNIFORM;
        w.load = 0.5;
        w.num_flows = c.flows;
        w.seed = 1;
        bool ok = s->GenerateWorkload(w, error);
        m3_size_dist_free(d);
        *maxLoad = 0.5;
        if (!ok)
        {
            return false;
        }
    }
    return s->SetConfigKey("cc", m3_cc_name(c.cc), "bench", error);
}

/** Counts frames sent by host ports (data + ACK/NACK; hosts send no PFC). */
void
CountFrame(uint64_t* n, Ptr<const Packet>)
{
    (*n)++;
}

/** The packet mode of one case (runs in the child). */
Result
RunPacket(const Case& c, double progress)
{
    Result r;
    auto t0 = std::chrono::steady_clock::now();
    Ptr<M3Scenario> s = CreateObject<M3Scenario>();
    if (!BuildScenario(c, s, &r.maxLoad, &r.error))
    {
        return r;
    }
    M3PacketHelper h;
    h.SetProgress(progress);
    if (!h.Install(s, &r.error))
    {
        return r;
    }
    uint64_t hostFrames = 0;
    const m3_topology* t = s->GetTopology();
    for (uint32_t n = 0; n < m3_topology_num_nodes(t); n++)
    {
        if (!m3_topology_is_switch(t, n))
        {
            h.GetNodes().Get(n)->GetDevice(0)->TraceConnectWithoutContext(
                "MacTx",
                MakeBoundCallback(&CountFrame, &hostFrames));
        }
    }
    r.setupS = Since(t0);
    uint64_t ev0 = Simulator::GetEventCount();
    auto t1 = std::chrono::steady_clock::now();
    h.Run();
    r.wallS = Since(t1);
    r.events = Simulator::GetEventCount() - ev0;
    r.simS = h.GetSimulatedTime().GetSeconds();
    r.data = h.GetDataPackets();
    r.acks = hostFrames >= r.data ? hostFrames - r.data : 0;
    r.finished = h.GetNumFinished();
    r.total = s->GetFlows().n;
    h.Destroy();
    s->Dispose();
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    r.rssKb = ru.ru_maxrss;
    r.ok = true;
    return r;
}

/** flowSim (m3_flowsim_estimate) on the same scenario (runs in the child). */
Result
RunFlowSim(const Case& c)
{
    Result r;
    Ptr<M3Scenario> s = CreateObject<M3Scenario>();
    if (!BuildScenario(c, s, &r.maxLoad, &r.error))
    {
        return r;
    }
    const m3_flows& f = s->GetFlows();
    m3_flowsim_opts o;
    m3_flowsim_opts_default(&o);
    o.rate_cap_bps = s->GetNicRateBps();
    o.mtu = s->GetConfig().mtu;
    o.header_bytes = M3_HEADER_BYTES;
    std::vector<double> fluid(f.n), fct(f.n), ideal(f.n);
    m3_error err;
    auto t0 = std::chrono::steady_clock::now();
    if (m3_flowsim_estimate(s->GetTopology(),
                            s->GetRouting(),
                            &f,
                            &o,
                            fluid.data(),
                            fct.data(),
                            ideal.data(),
                            &err) != 0)
    {
        r.error = err.msg;
        return r;
    }
    r.wallS = Since(t0);
    r.total = f.n;
    r.finished = f.n;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    r.rssKb = ru.ru_maxrss;
    s->Dispose();
    r.ok = true;
    return r;
}

/**
 * Runs \p packet ? RunPacket : RunFlowSim in a forked child and reads its
 * result line back, so each case starts from a clean process.
 */
Result
InChild(const Case& c, bool packet, double progress)
{
    Result r;
    int fds[2];
    if (pipe(fds) != 0)
    {
        r.error = "pipe failed";
        return r;
    }
    std::fflush(stdout);
    std::fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
    {
        r.error = "fork failed";
        return r;
    }
    if (pid == 0)
    {
        close(fds[0]);
        Result x = packet ? RunPacket(c, progress) : RunFlowSim(c);
        char line[1024];
        int n = std::snprintf(line,
                              sizeof line,
                              "%d %.9g %.9g %.9g %llu %llu %llu %llu %llu %ld %.6g %s\n",
                              x.ok ? 1 : 0,
                              x.wallS,
                              x.setupS,
                              x.simS,
                              static_cast<unsigned long long>(x.data),
                              static_cast<unsigned long long>(x.acks),
                              static_cast<unsigned long long>(x.events),
                              static_cast<unsigned long long>(x.finished),
                              static_cast<unsigned long long>(x.total),
                              x.rssKb,
                              x.maxLoad,
                              x.error.c_str());
        if (write(fds[1], line, n) != n)
        {
            _exit(2);
        }
        close(fds[1]);
        _exit(0);
    }
    close(fds[1]);
    std::string text;
    char buf[512];
    ssize_t k;
    while ((k = read(fds[0], buf, sizeof buf)) > 0)
    {
        text.append(buf, k);
    }
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    {
        r.error = "child failed (status " + std::to_string(status) + ")";
        return r;
    }
    std::istringstream is(text);
    int ok = 0;
    unsigned long long data, acks, events, fin, tot;
    is >> ok >> r.wallS >> r.setupS >> r.simS >> data >> acks >> events >> fin >> tot >> r.rssKb >>
        r.maxLoad;
    std::getline(is, r.error);
    r.ok = ok == 1 && !is.fail();
    r.data = data;
    r.acks = acks;
    r.events = events;
    r.finished = fin;
    r.total = tot;
    return r;
}

std::string
Num(double v)
{
    if (!std::isfinite(v))
    {
        return "null";
    }
    char b[64];
    std::snprintf(b, sizeof b, "%.6g", v);
    return b;
}

} // namespace

int
main(int argc, char* argv[])
{
    bool quick = false;
    std::string json;
    std::string ccList = "dctcp,hpcc,dcqcn,timely";
    std::string only;
    double progress = 10;
    M3CommandLine cmd("bench-packet",
                      "usage: bench-packet [--quick] [--json=FILE] [--cc=LIST] [--case=NAME] "
                      "[--progress=S]\n"
                      "Packet-mode speed and memory per CC, with flowSim's time on the same "
                      "scenario.");
    cmd.AddFlag("quick", "small version (500 / 2000 flows)", &quick);
    cmd.AddText("json", "also write the results as JSON to this file", &json);
    cmd.AddText("cc", "comma list of congestion controls (default all four)", &ccList);
    cmd.AddChecked("case",
                   "only this case: parking-lot-7 or k-ary-8 (default both)",
                   &only,
                   [](const std::string& v, std::string* error)
                   {
                       if (v == "parking-lot-7" || v == "k-ary-8")
                       {
                           return true;
                       }
                       *error = "'" + v + "' is not parking-lot-7 or k-ary-8";
                       return false;
                   });
    cmd.AddReal("progress",
                "packet progress line every this many wall seconds (0 = none; default 10)",
                &progress,
                0,
                false,
                1e6,
                "0..1e6");
    cmd.Parse(argc, argv);

    std::vector<m3_cc> ccs;
    std::stringstream ss(ccList);
    std::string name;
    while (std::getline(ss, name, ','))
    {
        m3_config tmp;
        m3_config_default(&tmp);
        m3_error err;
        if (m3_config_set(&tmp, "cc", name.c_str(), "--cc", &err) != 0)
        {
            std::fprintf(stderr, "bench-packet: %s\n", err.msg);
            return 1;
        }
        ccs.push_back(tmp.cc);
    }
    std::vector<Case> cases;
    for (const char* topo : {"parking-lot-7", "k-ary-8"})
    {
        if (!only.empty() && only != topo)
        {
            continue;
        }
        for (m3_cc cc : ccs)
        {
            size_t n = std::string(topo) == "parking-lot-7" ? (quick ? 500 : 5000)
                                                            : (quick ? 2000 : 20000);
            cases.push_back({topo, cc, n});
        }
    }
    if (cases.empty())
    {
        std::fprintf(stderr, "bench-packet: --case=%s: no such case\n", only.c_str());
        return 1;
    }

    std::printf("%-14s %-7s %7s %9s %10s %9s %9s %11s %8s %10s %9s %9s\n",
                "case",
                "cc",
                "flows",
                "finished",
                "packets",
                "sim_ms",
                "wall_s",
                "pkts/s",
                "rss_MB",
                "events/s",
                "flowsim_s",
                "ratio");
    std::string js = "{\"quick\": " + std::string(quick ? "true" : "false") + ", \"cases\": [";
    bool first = true;
    int failures = 0;
    for (const Case& c : cases)
    {
        std::fprintf(stderr,
                     "bench-packet: %s %s, %zu flows: packet mode...\n",
                     c.name.c_str(),
                     m3_cc_name(c.cc),
                     c.flows);
        Result p = InChild(c, true, progress);
        std::fprintf(stderr, "bench-packet: %s %s: flowSim...\n", c.name.c_str(), m3_cc_name(c.cc));
        Result f = InChild(c, false, 0);
        if (!p.ok || !f.ok)
        {
            std::fprintf(stderr,
                         "bench-packet: %s %s failed: %s%s\n",
                         c.name.c_str(),
                         m3_cc_name(c.cc),
                         p.error.c_str(),
                         f.error.c_str());
            failures++;
            continue;
        }
        uint64_t pkts = p.data + p.acks;
        double pps = p.wallS > 0 ? pkts / p.wallS : 0;
        double eps = p.wallS > 0 ? p.events / p.wallS : 0;
        double ratio = f.wallS > 0 ? p.wallS / f.wallS : NAN;
        std::printf("%-14s %-7s %7zu %9llu %10llu %9.3f %9.2f %11.4g %8.1f %10.4g %9.4f %9.4g\n",
                    c.name.c_str(),
                    m3_cc_name(c.cc),
                    c.flows,
                    static_cast<unsigned long long>(p.finished),
                    static_cast<unsigned long long>(pkts),
                    p.simS * 1e3,
                    p.wallS,
                    pps,
                    p.rssKb / 1024.0,
                    eps,
                    f.wallS,
                    ratio);
        std::fflush(stdout);
        js += std::string(first ? "\n  " : ",\n  ") + "{\"case\": \"" + c.name + "\", \"cc\": \"" +
              m3_cc_name(c.cc) + "\", \"flows\": " + std::to_string(c.flows) +
              ", \"finished\": " + std::to_string(p.finished) +
              ", \"data_packets\": " + std::to_string(p.data) +
              ", \"ack_packets\": " + std::to_string(p.acks) + ", \"sim_s\": " + Num(p.simS) +
              ", \"setup_s\": " + Num(p.setupS) + ", \"wall_s\": " + Num(p.wallS) +
              ", \"packets_per_s\": " + Num(pps) + ", \"events\": " + std::to_string(p.events) +
              ", \"events_per_s\": " + Num(eps) + ", \"peak_rss_mb\": " + Num(p.rssKb / 1024.0) +
              ", \"max_link_load\": " + Num(p.maxLoad) + ", \"flowsim_wall_s\": " + Num(f.wallS) +
              ", \"flowsim_peak_rss_mb\": " + Num(f.rssKb / 1024.0) +
              ", \"packet_over_flowsim\": " + Num(ratio) + "}";
        first = false;
    }
    js += "\n]}\n";
    std::printf("packets = data + ACK/NACK frames sent by hosts; wall_s = Simulator::Run only; "
                "ratio = packet wall / flowSim wall\n");
    if (!json.empty())
    {
        std::string tmp = json + ".tmp";
        FILE* fp = std::fopen(tmp.c_str(), "w");
        bool ok = fp && std::fputs(js.c_str(), fp) >= 0;
        ok = fp && std::fclose(fp) == 0 && ok;
        if (!ok || std::rename(tmp.c_str(), json.c_str()) != 0)
        {
            std::remove(tmp.c_str());
            std::fprintf(stderr, "bench-packet: %s: cannot write\n", json.c_str());
            return 1;
        }
    }
    return failures ? 1 : 0;
}

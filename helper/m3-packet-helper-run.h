/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-packet-helper-run.h - runs a built packet-mode network and collects
 * what it measured: per-flow FCTs (and the ideal FCTs they are divided
 * by), why the run stopped, network-wide counters, and the optional logs.
 *
 * Private to the packet helper (not an installed header). Design: one
 * periodic check event (every CheckInterval of simulated time) decides
 * the stop conditions and prints progress. "Progress" is a signature: the
 * finished count plus the acknowledged bytes of the active flows (started,
 * unfinished); it is kept cheap by walking only the active list, which
 * gains flows in start order and drops finished ones at each check. Logs
 * are written to a "<path>.tmp.XXXXXX" temporary and renamed when the run
 * completes, so an abandoned run leaves no partial file. Cost per check: O(active flows);
 * per trace event (PFC frame, drop): a counter and one optional line.
 */
#ifndef M3_PACKET_HELPER_RUN_H
#define M3_PACKET_HELPER_RUN_H

#include "m3-packet-helper-network.h"

#include "ns3/nstime.h"
#include "ns3/packet.h"

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace ns3
{
namespace m3packet
{

/**
 * A log file written through the core's atomic writer (a "<path>.tmp.XXXXXX"
 * temporary of its own, so no existing file is truncated or removed) and
 * renamed only on Commit().
 */
struct AtomicLog
{
    m3_atomic_file file = {nullptr, nullptr, nullptr};
    FILE* fp = nullptr; //!< file.fp while open

    /** Opens the temporary for writing; false + error when it cannot. */
    bool Open(const std::string& p, std::string* error);
    /** Closes and renames; false (and no file at path) when anything failed. */
    bool Commit(std::string* error);
    /** Closes and removes the temporary file, if open. */
    void Abandon();
};

/** One queue-sampling job of EnableQueueSamples. */
struct QueueSampler
{
    uint32_t node;
    uint32_t port;
    Time interval;
    AtomicLog log;
};

/** Run state and results of one packet-mode simulation. */
class Runner
{
  public:
    // Stop conditions and progress (set before Run).
    double progressWall = 0;              //!< wall seconds between progress lines (0 = none)
    Time stall = MilliSeconds(100);       //!< stop after this long without progress
    Time limit = Time(0);                 //!< stop at this simulated time (0 = none)
    Time checkInterval = MilliSeconds(1); //!< period of the check event

    /**
     * Computes the ideal FCT of every flow (its routed path, the NIC cap)
     * and marks every FCT unfinished. False + error when the core refuses.
     */
    bool Prepare(const M3Scenario& s, std::string* error);
    /** Connects the FCT, PFC and drop traces of \p net, which must outlive the run. */
    void Attach(Ptr<M3Scenario> s, Network* net);
    /** Simulator::Run with the stop conditions, then commits the logs. */
    void Run();
    /** Closes and removes every log not committed. */
    void AbandonLogs();
    /** Drops the scenario and network references (after Simulator::Destroy). */
    void Release();

    // Results.
    std::vector<double> fct;   //!< ns per flow, NaN when unfinished
    std::vector<double> ideal; //!< ideal FCT per flow, ns
    size_t finished = 0;
    std::string stopReason = "not run";
    uint64_t pfcPauses = 0;
    uint64_t drops = 0;      //!< switch buffer drops and frames lost on links
    uint64_t linkLosses = 0; //!< frames lost on links (their error_rate)
    Time simEnd;

    // Logs.
    AtomicLog pfcLog;
    AtomicLog dropLog;
    std::vector<std::unique_ptr<QueueSampler>> samplers;

  private:
    void OnFlowComplete(uint32_t index, Time t);
    void Check();
    void PrintProgress(Time now);
    void Sample(QueueSampler* s);
    void StopWith(const std::string& reason);
    uint64_t Signature();

    /** Trace sinks of the switches, bound to (runner, node id). */
    static void PfcSink(Runner* r, uint32_t node, uint32_t port, uint32_t queue, bool pause);
    /** RxLoss of a device: a frame lost on a link. */
    static void LossSink(Runner* r, Ptr<const Packet> p);
    static void DropSink(Runner* r,
                         uint32_t node,
                         Ptr<const Packet> p,
                         uint32_t port,
                         uint32_t queue);

    Ptr<M3Scenario> m_scenario;
    Network* m_net = nullptr;
    std::vector<uint32_t> m_startOrder; //!< flow indices by start time
    size_t m_nextStart = 0;             //!< first flow of m_startOrder not yet started
    std::vector<uint32_t> m_active;     //!< started flows, possibly finished (pruned per check)
    uint64_t m_lastSignature = 0;
    Time m_lastProgress;
    std::chrono::steady_clock::time_point m_wallStart;
    std::chrono::steady_clock::time_point m_lastPrint;
    uint64_t m_lastPrintEvents = 0;
};

} // namespace m3packet
} // namespace ns3

#endif /* M3_PACKET_HELPER_RUN_H */

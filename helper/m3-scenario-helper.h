/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-scenario-helper.h - builds an M3Scenario from command-line options.
 */
#ifndef M3_SCENARIO_HELPER_H
#define M3_SCENARIO_HELPER_H

#include "ns3/command-line.h"
#include "ns3/m3-command-line.h"
#include "ns3/m3-scenario.h"
#include "ns3/object-factory.h"
#include "ns3/ptr.h"

#include <functional>
#include <map>
#include <string>

namespace ns3
{

/**
 * \ingroup m3
 * \brief Turns CommandLine options into an M3Scenario.
 *
 * Topology: one of --topology=FILE, --fat-tree=P,R,H,O, --k-ary=K,
 * --parking-lot=N (or the default set with SetDefaultTopology).
 * Flows: --flows=FILE, or a generated workload (--workload=NAME|CDF-FILE
 * or a synthetic family, with --tm, --load, --num-flows, --burst-sigma,
 * --workload-seed, --min-size; m3-workload's names and defaults).
 * Configuration: --config=FILE, then every core config key as --<key>.
 */
class M3ScenarioHelper
{
  public:
    M3ScenarioHelper();

    /**
     * Registers the options above on \p cmd; call before cmd.Parse(). Every
     * value is taken as text and checked strictly by Build(), whose
     * messages name the flag ("--num-flows=10abc: not a whole number").
     */
    void AddCommandLine(CommandLine& cmd);
    /** The same on the m3 programs' command line. */
    void AddCommandLine(M3CommandLine& cmd);

    /** Topology used when no topology option is given, e.g. "fat-tree=2,16,8,1". */
    void SetDefaultTopology(const std::string& spec);
    /** Workload used when neither --flows nor --workload is given. */
    void SetDefaultWorkload(const std::string& sizeDist, double load, uint64_t numFlows);
    /** Sets an M3Scenario attribute (HostRate, FabricRate, LinkDelay, ...). */
    void SetScenarioAttribute(const std::string& name, const AttributeValue& value);

    /**
     * A check of the flow count, given the scenario with its topology and
     * no flows yet, the count, and the flags that set them ("--k-ary=64
     * --num-flows=1e8", "--topology=t.txt --flows=f.txt"); false plus an
     * error refuses the scenario.
     */
    typedef std::function<bool(Ptr<M3Scenario> scenario,
                               uint64_t numFlows,
                               const std::string& where,
                               std::string* error)>
        FlowCountCheck;
    /**
     * Build() calls \p check between the topology and the flows, with the
     * count the options give (--num-flows, or the count line of --flows),
     * so that what the flows will need (the packet network's memory,
     * M3Estimator::CheckFlowCount) is refused before a large workload is
     * generated or read. A refusal is not a usage error.
     */
    void SetFlowCountCheck(FlowCountCheck check);

    /**
     * The workload options as numbers, checked strictly; false + an error
     * naming the flag. Build() calls it before anything is built.
     */
    bool ParseWorkloadOptions(double* load,
                              uint64_t* numFlows,
                              double* burstSigma,
                              uint64_t* seed,
                              uint64_t* minSize,
                              std::string* error) const;

    /** Builds the scenario; on bad input stops with NS_FATAL_ERROR naming the problem. */
    Ptr<M3Scenario> Build() const;
    /** Same, but returns null and fills \p error instead of stopping. */
    Ptr<M3Scenario> Build(std::string* error) const;
    /**
     * Same, and \p usage (when given) tells the kind of failure, for the
     * programs' exit status: true for a usage error, an option's value
     * that cannot be (two topology options, an unknown size distribution,
     * a synthetic size out of range, a --tm host that is not a host), exit
     * 2; false for a file's content or a failure (memory, no route), exit 1.
     */
    Ptr<M3Scenario> Build(std::string* error, bool* usage) const;

    /** A one-line description of what Build() makes, for logs and tables. */
    std::string Describe() const;

  private:
    // Each sets *usage (never null) to true when it fails on an option's value.
    bool BuildTopology(Ptr<M3Scenario> s, std::string* error, bool* usage) const;
    bool BuildFlows(Ptr<M3Scenario> s, std::string* error, bool* usage) const;
    bool BuildConfig(Ptr<M3Scenario> s, std::string* error, bool* usage) const;
    /** The flow count check (SetFlowCountCheck) on the built topology. */
    bool CheckFlowCount(Ptr<M3Scenario> s, std::string* error) const;
    /** The topology option in effect as "kind=value"; empty plus error if ambiguous. */
    std::string TopologySpec(std::string* error) const;

    ObjectFactory m_factory;
    std::string m_topologyFile;
    std::string m_fatTree;
    std::string m_kAry;
    std::string m_parkingLot;
    std::string m_defaultTopology;
    std::string m_flowsFile;
    std::string m_configFile;
    std::string m_workload; //!< size distribution: built-in name or CDF file
    double m_load;          //!< busiest-link utilisation target (default)
    uint64_t m_numFlows;    //!< (default)
    double m_burstSigma;    //!< 0 = Poisson arrivals, else log-normal shape
    uint64_t m_workloadSeed;
    uint64_t m_minSize;             //!< smallest synthetic flow, bytes
    std::string m_loadText;         //!< --load as given; empty = the default above
    std::string m_numFlowsText;     //!< --num-flows as given
    std::string m_burstSigmaText;   //!< --burst-sigma as given
    std::string m_workloadSeedText; //!< --workload-seed as given
    std::string m_minSizeText;      //!< --min-size as given
    std::string m_tm;               //!< uniform | matrix:FILE | incast:HOST:FRACTION
    std::map<std::string, std::string> m_configKeys; //!< --<key> values; empty = unset
    FlowCountCheck m_flowCountCheck;                 //!< see SetFlowCountCheck; may be empty
};

} // namespace ns3

#endif /* M3_SCENARIO_HELPER_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-estimator.h - the one abstraction over the modes: an estimator takes
 * a scenario and fills an M3Result.
 *
 * Design (as ns-3's QueueDisc): the public Estimate() is not virtual; it
 * checks what every mode needs (a scenario with a topology, routing and
 * flows), resets the result to the estimator's mode, calls the subclass's
 * DoEstimate(), prefixes its error with the mode name, and sets the wall
 * time when the subclass left it at zero. One subclass per mode, chosen by
 * TypeId (M3EstimatorHelper creates them by mode name): M3FlowSimEstimator
 * ("flowsim"), M3PacketEstimator ("packet"), M3ModelEstimator ("m3").
 * Estimators keep no per-run state except caches (the m3 model), so one
 * estimator can run many scenarios. Cost: the base adds two clock reads.
 */
#ifndef M3_ESTIMATOR_H
#define M3_ESTIMATOR_H

#include "ns3/m3-result.h"
#include "ns3/m3-scenario.h"
#include "ns3/object.h"
#include "ns3/ptr.h"

#include <string>

namespace ns3
{

/**
 * \ingroup m3
 * \brief Base class of the FCT slowdown estimators.
 */
class M3Estimator : public Object
{
  public:
    static TypeId GetTypeId();
    M3Estimator();
    ~M3Estimator() override;

    /** The mode this estimator implements: "flowsim", "packet", "m3". */
    virtual std::string GetModeName() const = 0;

    /**
     * Estimates \p scenario into \p result (replacing what it held). False
     * and a message that starts with the mode name ("m3: ...") on failure;
     * \p result then holds no numbers.
     */
    bool Estimate(Ptr<M3Scenario> scenario, M3Result& result, std::string* error = nullptr);

    /**
     * Checks, without running, what Estimate would refuse up front (the
     * scenario, files to write, a model to load), so that a program that
     * runs several estimators refuses bad input before the first one runs.
     * False and a message that starts with the mode name on failure.
     */
    bool Check(Ptr<M3Scenario> scenario, std::string* error = nullptr);

    /**
     * Checks what this mode would need for \p numFlows flows on the
     * scenario's topology before the flows exist (the packet network's
     * memory), so that a program refuses a scenario before it generates a
     * large workload; \p where names what set the count and topology
     * ("--k-ary=64 --num-flows=1e8") for the message. Check() still runs on
     * the flows. False and a message that starts with the mode name.
     */
    bool CheckFlowCount(Ptr<M3Scenario> scenario,
                        uint64_t numFlows,
                        const std::string& where,
                        std::string* error = nullptr);

  protected:
    /** The mode's checks for Check(); the default accepts. */
    virtual bool DoCheck(Ptr<M3Scenario> scenario, std::string* error);
    /** The mode's checks for CheckFlowCount() (a topology, no flows yet); the default accepts. */
    virtual bool DoCheckFlowCount(Ptr<M3Scenario> scenario,
                                  uint64_t numFlows,
                                  const std::string& where,
                                  std::string* error);

    /**
     * The mode's work: \p result is a fresh result of GetModeName(), the
     * scenario has a topology, routing and at least one flow. Messages need
     * not name the mode (Estimate adds it).
     */
    virtual bool DoEstimate(Ptr<M3Scenario> scenario, M3Result& result, std::string* error) = 0;
};

} // namespace ns3

#endif /* M3_ESTIMATOR_H */

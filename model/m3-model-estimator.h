/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-model-estimator.h - the "m3" mode as an M3Estimator: flowSim on
 * sampled paths, corrected by a learned model, aggregated into the
 * network's slowdown distribution with a bootstrap interval
 * (m3_estimate_m3; doc/m3.rst).
 *
 * Design: the model is a checkpoint (ckpts/NAME.pt with NAME.json and
 * NAME.check.bin beside it) loaded through the inference shim
 * (model/infer/m3-infer.h, m3_model_load), lazily at the first Estimate
 * and kept across calls, with one intra-op thread; it is reloaded only when
 * the Model attribute changed since. A model that cannot be loaded (missing file,
 * build without libtorch, wrong schema) fails Estimate with the shim's
 * message, which names the file. The result has no per-flow FCTs: m3
 * estimates the distribution, not each flow. Cost: the load (once, about
 * a second), then per estimate PathSamples path flowSims and one model
 * forward per distinct path, independent of the scenario's size beyond
 * routing and indexing its flows.
 */
#ifndef M3_MODEL_ESTIMATOR_H
#define M3_MODEL_ESTIMATOR_H

#include "ns3/m3-estimator.h"

#include <string>

// The inference shim's types (ns3/m3-infer.h, included by the .cc only,
// so that users of this header need nothing of the shim).
struct m3_model;
struct m3_model_info;

namespace ns3
{

/**
 * \ingroup m3
 * \brief The m3 estimator: sampled paths, flowSim, a learned correction.
 *
 * Attributes: Model (checkpoint path; default the shipped m3-medium),
 * PathSamples (500), Threads (0 = every core), Seed (1), ConfidenceLevel
 * (0.95), Bootstrap (200 replicates; 0 = no interval).
 */
class M3ModelEstimator : public M3Estimator
{
  public:
    static TypeId GetTypeId();
    M3ModelEstimator();
    ~M3ModelEstimator() override;

    std::string GetModeName() const override;

    /** The shipped checkpoint, ckpts/m3-medium.pt of the module's source directory. */
    static std::string GetDefaultModelPath();

    /**
     * Loads the Model now (if not loaded yet, or if Model changed);
     * Estimate does it when needed. False + error naming the file.
     */
    bool LoadModel(std::string* error);
    /** The loaded model's metadata, or null before a successful load. */
    const struct m3_model_info* GetModelInfo() const;

  protected:
    void DoDispose() override;
    bool DoEstimate(Ptr<M3Scenario> scenario, M3Result& result, std::string* error) override;
    /** LoadModel, and that no flow's route is longer than the model takes. */
    bool DoCheck(Ptr<M3Scenario> scenario, std::string* error) override;

  private:
    void FreeModel();

    std::string m_modelPath; //!< checkpoint (.pt or .json)
    uint32_t m_pathSamples;  //!< path draws
    uint32_t m_threads;      //!< path threads, 0 = every core
    uint64_t m_seed;         //!< path draws and bootstrap
    double m_ciLevel;        //!< nominal coverage of the interval
    uint32_t m_bootstrap;    //!< bootstrap replicates, 0 = no interval

    struct m3_model* m_model; //!< loaded model, or null
    std::string m_loadedPath; //!< m_modelPath when m_model was loaded
};

} // namespace ns3

#endif /* M3_MODEL_ESTIMATOR_H */

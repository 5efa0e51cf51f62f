// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-model-estimator.cc - M3ModelEstimator: model cache and the core's
 * m3_estimate_m3 (see the header).
 */
#include "m3-model-estimator.h"

#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/m3-infer.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <chrono>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("M3ModelEstimator");
NS_OBJECT_ENSURE_REGISTERED(M3ModelEstimator);

std::string
M3ModelEstimator::GetDefaultModelPath()
{
#ifdef M3_SOURCE_DIR
    return std::string(M3_SOURCE_DIR) + "/ckpts/m3-medium.pt";
#else
    // waf builds do not define it; they run from ns-3's top directory.
    return "contrib/m3/ckpts/m3-medium.pt";
#endif
}

TypeId
M3ModelEstimator::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::M3ModelEstimator")
            .SetParent<M3Estimator>()
            .SetGroupName("m3")
            .AddConstructor<M3ModelEstimator>()
            .AddAttribute("Model",
                          "Checkpoint of the learned model: NAME.pt (or NAME.json) with "
                          "NAME.json and NAME.check.bin beside it, as gen/export.py writes "
                          "them. The default is the shipped ckpts/m3-medium.pt.",
                          StringValue(GetDefaultModelPath()),
                          MakeStringAccessor(&M3ModelEstimator::m_modelPath),
                          MakeStringChecker())
            .AddAttribute("PathSamples",
                          "Paths drawn (each the path of a uniformly drawn flow); m3 uses 500.",
                          UintegerValue(500),
                          MakeUintegerAccessor(&M3ModelEstimator::m_pathSamples),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("Threads",
                          "Threads of the path flowSims; 0 = every online core. The "
                          "model predicts on one thread, while the others run the next "
                          "paths. The results do not depend on it.",
                          UintegerValue(0),
                          MakeUintegerAccessor(&M3ModelEstimator::m_threads),
                          MakeUintegerChecker<uint32_t>(0, 256))
            .AddAttribute("Seed",
                          "Seed of the path draws and of the bootstrap.",
                          UintegerValue(1),
                          MakeUintegerAccessor(&M3ModelEstimator::m_seed),
                          MakeUintegerChecker<uint64_t>())
            .AddAttribute("ConfidenceLevel",
                          "Nominal coverage of the bootstrap interval of each percentile.",
                          DoubleValue(0.95),
                          MakeDoubleAccessor(&M3ModelEstimator::m_ciLevel),
                          MakeDoubleChecker<double>(0.0, 1.0))
            .AddAttribute("Bootstrap",
                          "Bootstrap replicates (resampled path multiplicities) of the "
                          "interval; 0 = no interval.",
                          UintegerValue(200),
                          MakeUintegerAccessor(&M3ModelEstimator::m_bootstrap),
                          MakeUintegerChecker<uint32_t>());
    return tid;
}

M3ModelEstimator::M3ModelEstimator()
    : m_pathSamples(500)
    , m_threads(0)
    , m_seed(1)
    , m_ciLevel(0.95)
    , m_bootstrap(200)
    , m_model(nullptr)
{
    NS_LOG_FUNCTION(this);
}

M3ModelEstimator::~M3ModelEstimator()
{
    NS_LOG_FUNCTION(this);
    FreeModel();
}

void
M3ModelEstimator::DoDispose()
{
    FreeModel();
    M3Estimator::DoDispose();
}

void
M3ModelEstimator::FreeModel()
{
    if (m_model)
    {
        m3_model_free(m_model);
        m_model = nullptr;
    }
    m_loadedPath.clear();
}

std::string
M3ModelEstimator::GetModeName() const
{
    return "m3";
}

bool
M3ModelEstimator::LoadModel(std::string* error)
{
    NS_LOG_FUNCTION(this);
    // Checked here too, so that a caller that loads the model before a long
    // run (m3-compare) learns of a bad interval level before, not after.
    if (m_bootstrap > 0 && !(m_ciLevel > 0 && m_ciLevel < 1))
    {
        if (error)
        {
            *error = "m3: ConfidenceLevel (--ci-level) is " + std::to_string(m_ciLevel) +
                     "; it must lie in (0, 1) while Bootstrap > 0";
        }
        return false;
    }
    if (m_model && m_loadedPath == m_modelPath)
    {
        return true;
    }
    FreeModel();
    if (m_modelPath.empty())
    {
        if (error)
        {
            *error = "m3: no model: set the Model attribute (--model) to a checkpoint .pt";
        }
        return false;
    }
    auto t0 = std::chrono::steady_clock::now();
    m3_error err;
    // One intra-op thread (libtorch's and OpenBLAS's): m3_estimate_m3 runs
    // the paths of the next batch on the other threads while the model
    // predicts, and threads of libtorch and OpenBLAS would spin against them
    // (model/infer/README.md).
    m_model = m3_model_load(m_modelPath.c_str(), 1, &err);
    if (!m_model)
    {
        // The shim names the file at fault; say which model was asked for
        // when that is another file (e.g. NAME.json of NAME.pt).
        std::string msg = err.msg;
        if (msg.find(m_modelPath) == std::string::npos)
        {
            msg = m_modelPath + ": " + msg;
        }
        if (error)
        {
            *error = "m3: cannot load the model: " + msg;
        }
        return false;
    }
    m_loadedPath = m_modelPath;
    const m3_model_info* info = m3_model_get_info(m_model);
    NS_LOG_INFO(
        "loaded " << m_modelPath << " (" << (info ? info->name : "?") << ") in "
                  << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()
                  << " s");
    return true;
}

const m3_model_info*
M3ModelEstimator::GetModelInfo() const
{
    return m_model ? m3_model_get_info(m_model) : nullptr;
}

bool
M3ModelEstimator::DoCheck(Ptr<M3Scenario> scenario, std::string* error)
{
    if (!LoadModel(error))
    {
        return false;
    }
    const int maxLinks = m3_model_get_info(m_model)->max_links;
    const m3_flows& flows = scenario->GetFlows();
    for (size_t i = 0; i < flows.n; i++)
    {
        int d = m3_routing_distance(scenario->GetRouting(), flows.v[i].src, flows.v[i].dst);
        if (d > maxLinks)
        {
            *error = "m3: flow " + std::to_string(flows.v[i].id) + " (host " +
                     std::to_string(flows.v[i].src) + " to " + std::to_string(flows.v[i].dst) +
                     ") crosses " + std::to_string(d) +
                     " links; the model takes paths of at "
                     "most " +
                     std::to_string(maxLinks);
            return false;
        }
    }
    return true;
}

bool
M3ModelEstimator::DoEstimate(Ptr<M3Scenario> scenario, M3Result& result, std::string* error)
{
    NS_LOG_FUNCTION(this << scenario);
    if (!LoadModel(error))
    {
        return false;
    }
    m3_predictor predictor;
    m3_model_predictor(m_model, &predictor);
    m3_m3_opts opts;
    m3_m3_opts_default(&opts);
    opts.path_samples = m_pathSamples;
    opts.seed = m_seed;
    opts.threads = int(m_threads);
    opts.bootstrap = m_bootstrap;
    opts.ci_level = m_ciLevel;
    m3_error err;
    if (m3_estimate_m3(&scenario->GetScenario(),
                       scenario->GetRouting(),
                       &predictor,
                       &opts,
                       result.Raw(),
                       &err) != 0)
    {
        *error = err.msg;
        return false;
    }
    return true;
}

} // namespace ns3

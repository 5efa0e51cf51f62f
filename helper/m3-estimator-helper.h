/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-estimator-helper.h - creates M3Estimators by mode name or TypeId,
 * with attribute settings, as ns-3's traffic-control helpers create queue
 * discs. It creates; it runs nothing (M3Estimator::Estimate does).
 *
 * Design: one table maps mode names to TypeIds ("flowsim" ->
 * ns3::M3FlowSimEstimator, "packet" -> ns3::M3PacketEstimator, "m3" ->
 * ns3::M3ModelEstimator); any other TypeId derived from M3Estimator is
 * accepted by name. Attribute settings are kept per TypeId and applied
 * through an ObjectFactory at Create(); names and values are checked there
 * so a bad one is an error message, not an abort. AddCommandLine() adds
 * the estimators' options (--model, --path-samples, ... , --stall-ms, ...)
 * as attribute settings of their TypeId, so a program gets them with one
 * call. Cost: nothing beyond the objects created.
 */
#ifndef M3_ESTIMATOR_HELPER_H
#define M3_ESTIMATOR_HELPER_H

#include "ns3/attribute.h"
#include "ns3/command-line.h"
#include "ns3/m3-command-line.h"
#include "ns3/m3-estimator.h"
#include "ns3/ptr.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ns3
{

/**
 * \ingroup m3
 * \brief Creates estimators by mode name ("flowsim", "packet", "m3") or TypeId.
 *
 * \code
 *   M3EstimatorHelper h;
 *   h.SetAttribute("m3", "PathSamples", UintegerValue(200));
 *   Ptr<M3Estimator> e = h.Create("m3", &error);   // null + error if refused
 *   M3Result r;
 *   e->Estimate(scenario, r, &error);
 * \endcode
 */
class M3EstimatorHelper
{
  public:
    M3EstimatorHelper();

    /** The mode names, in the order "all" runs them: packet, flowsim, m3. */
    static std::vector<std::string> GetModeNames();
    /** The TypeId name of mode \p mode; empty when it is not a mode name. */
    static std::string GetTypeIdName(const std::string& mode);
    /**
     * A --mode value -> mode names: one mode, a comma list
     * ("packet,flowsim"), or "all" (= packet,flowsim,m3). False + error
     * on an unknown, repeated or empty entry.
     */
    static bool ParseModes(const std::string& list,
                           std::vector<std::string>* modes,
                           std::string* error);

    /**
     * Sets attribute \p name to \p value on every estimator of
     * \p modeOrType (a mode name or TypeId name) this helper creates;
     * later settings win. Checked at Create().
     */
    void SetAttribute(const std::string& modeOrType,
                      const std::string& name,
                      const AttributeValue& value);

    /**
     * Registers the estimators' options on \p cmd (call before
     * cmd.Parse()); the ones given become attribute settings:
     * m3: --model, --path-samples, --threads, --m3-seed, --ci-level,
     * --bootstrap; packet: --progress, --stall-ms, --time-limit, --pfc-log.
     */
    void AddCommandLine(CommandLine& cmd);
    /** The same on the m3 programs' command line (M3CommandLine). */
    void AddCommandLine(M3CommandLine& cmd);

    /**
     * Creates the estimator of \p modeOrType with its attribute settings.
     * Null + error when the name is neither a mode nor a TypeId derived
     * from M3Estimator, or when an attribute name or value is refused
     * (the message names the option or attribute and the value).
     */
    Ptr<M3Estimator> Create(const std::string& modeOrType, std::string* error = nullptr) const;

  private:
    /** One attribute setting; \p option is the command-line flag it came from ("" if none). */
    struct Setting
    {
        std::string name;
        Ptr<AttributeValue> value;
        std::string option; //!< "--flag=value", or empty
        std::string valid;  //!< the option's accepted range, or empty
    };

    /** What text an option takes (checked before ns-3 parses it, which aborts on bad text). */
    enum class Kind
    {
        TEXT,     //!< any text (a file name)
        NUMBER,   //!< a finite decimal number
        UNSIGNED, //!< digits only
    };

    /** One command-line option that sets an attribute. */
    struct Option
    {
        std::string flag;      //!< without the leading --
        std::string typeName;  //!< TypeId it applies to
        std::string attribute; //!< attribute it sets
        Kind kind;             //!< text it takes
        std::string unit;      //!< appended to the value ("ms", "s") for Time attributes
        std::string valid;     //!< the accepted range, for messages ("> 0")
        std::string help;
        double lo = 0;       //!< NUMBER, UNSIGNED: smallest value
        bool loOpen = false; //!< lo itself excluded
        double hi = 0;       //!< largest value
    };

    /**
     * \p text as option \p o takes it: its kind, its range; the form ns-3
     * reads into \p canonical. False + "--flag=text: why" otherwise.
     */
    static bool CheckOption(const Option& o,
                            const std::string& text,
                            std::string* canonical,
                            std::string* error);

    /** TypeId name of a mode or TypeId name; empty + error when unknown. */
    static std::string Resolve(const std::string& modeOrType, std::string* error);
    /**
     * The settings of \p typeName: SetAttribute's, then the command line's.
     * False + error when an option's text is not of its kind.
     */
    bool SettingsOf(const std::string& typeName,
                    std::vector<Setting>* settings,
                    std::string* error) const;

    std::map<std::string, std::vector<Setting>> m_settings; //!< by TypeId name (or as given)
    std::vector<Option> m_options;                          //!< AddCommandLine's options
    std::map<std::string, std::string> m_optionValues;      //!< flag -> value ("" = not given)
};

} // namespace ns3

#endif /* M3_ESTIMATOR_HELPER_H */

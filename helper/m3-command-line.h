// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-command-line.h - the command line of the m3 programs (m3-compare,
 * m3-gen-path, m3-estimators-example): one convention, shared with the C
 * tools (tools/m3-cli.h).
 *
 *   --key=value or --key value; -h and --help print the options on stdout
 *   and exit 0. A usage error prints one line "PROGRAM: --key: what is
 *   wrong" on stderr and exits 2: an unknown option (with the nearest known
 *   one suggested), a stray positional argument, an option given twice, an
 *   empty or malformed value. Numbers follow the C core's one syntax (m3.h,
 *   "numbers in text"): no trailing text, exponents only where a whole
 *   number stays exact.
 *
 * ns-3's general arguments keep working: --PrintAttributes=TYPE,
 * --PrintTypeIds, --PrintGroups, --PrintGroup=G, --PrintGlobals and
 * --PrintVersion print and exit 0; --ns3::TYPE::ATTRIBUTE=VALUE sets a
 * model default (Config::SetDefault) after checking that the type, the
 * attribute and the value exist and are valid, and is refused when the
 * scenario sets that attribute from its own configuration (the message
 * names the key to use instead: --hpcc_eta for ns3::M3CcHpcc::Eta);
 * global values (--RngRun, --RngSeed, ...) are checked and bound. The
 * packet mode never overrides a default set this way (M3PacketHelper).
 *
 * Design: the options are kept here (name, kind, help, destination); ns-3's
 * CommandLine is used only for its Print* output. Nothing is written to a
 * destination unless the whole command line is valid.
 */
#ifndef M3_COMMAND_LINE_H
#define M3_COMMAND_LINE_H

#include <cstdint>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup m3
 * \brief The m3 programs' command line (see the file comment).
 */
class M3CommandLine
{
  public:
    /** \p program names messages ("m3-compare"); \p usage is the first help line. */
    M3CommandLine(const std::string& program, const std::string& usage);

    /** A text option; an empty value is refused. */
    void AddText(const std::string& name, const std::string& help, std::string* value);
    /**
     * A text option whose value \p check accepts at parse time (a usage
     * error with check's message otherwise): helpers that keep their
     * options as text check numbers this way.
     */
    void AddChecked(const std::string& name,
                    const std::string& help,
                    std::string* value,
                    std::function<bool(const std::string&, std::string*)> check);
    /** A whole number in lo..hi (1e3 accepted where exact). */
    void AddCount(const std::string& name,
                  const std::string& help,
                  uint64_t* value,
                  uint64_t lo,
                  uint64_t hi);
    /** Same for a 32-bit destination. */
    void AddCount(const std::string& name,
                  const std::string& help,
                  uint32_t* value,
                  uint32_t lo,
                  uint32_t hi);
    /** A finite number in [lo, hi] (lo excluded when \p loOpen); \p range words it. */
    void AddReal(const std::string& name,
                 const std::string& help,
                 double* value,
                 double lo,
                 bool loOpen,
                 double hi,
                 const std::string& range);
    /** A switch: --name (or --name=1/0/true/false). */
    void AddFlag(const std::string& name, const std::string& help, bool* value);

    /**
     * Refuses --ns3::\p typeName::\p attribute (typeName with its "ns3::")
     * with \p hint, e.g. "use --hpcc_eta (the configuration key every
     * mode sees)".
     */
    void RefuseAttribute(const std::string& typeName,
                         const std::string& attribute,
                         const std::string& hint);
    /** Refuses these attribute overrides of the packet mode: those its helper maps from m3_config.
     */
    void RefuseScenarioAttributes();

    /**
     * Parses \p argc / \p argv: on --help prints the options and exits 0;
     * on a usage error prints one line and exits 2.
     */
    void Parse(int argc, char* argv[]);
    /**
     * The same without exiting: 0 parsed, 1 help asked (printed to
     * \p out when given), 2 usage error (\p error set, nothing written).
     */
    int Parse(const std::vector<std::string>& args, std::string* error, std::ostream* out);

    /** True when option \p name was given. */
    bool IsSet(const std::string& name) const;
    /** The help text. */
    std::string Help() const;

  private:
    enum class Kind
    {
        TEXT,
        COUNT,
        REAL,
        FLAG,
    };

    struct Option
    {
        std::string name;
        std::string help;
        Kind kind;
        /**
         * Parses a value and, when \p commit, stores it; false + message
         * (without the flag) when refused.
         */
        std::function<bool(const std::string&, bool commit, std::string*)> store;
    };

    /**
     * Checks one --ns3::T::A=V or global value; true + the value as ns-3
     * reads it in \p canonical, or false + error when refused (false with
     * an empty error: not ns-3's either).
     */
    bool CheckNs3Argument(const std::string& name,
                          const std::string& value,
                          std::string* canonical,
                          std::string* error) const;
    /** The registered option nearest to \p name, for "did you mean". */
    std::string Nearest(const std::string& name) const;

    std::string m_program;
    std::string m_usage;
    std::vector<Option> m_options;
    std::map<std::string, std::string> m_refused; //!< "ns3::T::A" -> hint
    std::map<std::string, bool> m_given;
};

} // namespace ns3

#endif /* M3_COMMAND_LINE_H */

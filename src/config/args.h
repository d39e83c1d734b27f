// Args: Bitcoin Core compatible option handling (the ArgsManager behaviour) for `tonari node`
// and `tonari cli`, without globals. The caller registers every option up front, then feeds
// the command line and the configuration file text; lookups merge the sources the way
// bitcoind does:
//   command line  >  [network] section of the file  >  top level of the file
// where the network is chosen by -regtest / -testnet4 / -signet / -chain=<name> (Tonari's
// default is regtest, Core's is main). NETWORK_ONLY options (port, bind, rpcport, connect...)
// written at the top level of the file apply to main only; for other networks they are
// ignored with a warning.
//
// Deliberate differences from Core (each is a safer or clearer choice; see README.md):
// - GetIntArg parses strictly and returns an error instead of atoi()'s silent 0 / prefix.
// - -testnet (testnet3) and includeconf= are rejected with an explanatory error.
// - A negated multi-value option (-noaddnode) drops every lower-priority value for good
//   (Core revives config values when a later -addnode=x follows on the command line).
// - A negated -regtest/-signet/-testnet4 on the command line overrides the config file.
// - `-regtest.port=1` on the command line is accepted (as Core 0.17-0.19 did).
//
// Thread-safety: a plain value. Registration and parsing mutate it and need exclusive access;
// once parsing is finished, const lookups may run concurrently from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace tonari::config {

// A configuration file bigger than this is refused: the file is read whole into memory, so
// a mistaken -conf=/dev/zero or a huge file would otherwise exhaust memory (resource
// exhaustion). Real tonari.conf / bitcoin.conf files are a few KiB.
inline constexpr std::size_t MAX_CONFIG_FILE_BYTES = 1024 * 1024;

// Longest accepted configuration line. Long enough for rpcauth= lines and long paths; a
// longer line is almost certainly a binary file given by mistake, and is reported instead
// of being echoed into error messages and warnings (log flooding).
inline constexpr std::size_t MAX_CONFIG_LINE_LENGTH = 16 * 1024;

// The network Tonari runs on when none is selected (Core's default is "main").
inline constexpr std::string_view DEFAULT_CHAIN = "regtest";

struct ArgsError {
    std::string message;
};

// Registration flags. Use designated initializers: {.network_only = true, .multi = true}.
struct ArgFlags {
    // Core's NETWORK_ONLY: from the top level of the config file this option applies to main
    // only; other networks need it in their [section] or on the command line.
    bool network_only = false;
    // May be given several times and read with GetArgs (-debug, -rpcallowip, -addnode...).
    // A single-value option given twice in one source draws a warning.
    bool multi = false;
    // Accepted but left out of HelpMessage() (aliases such as -h and -?).
    bool hidden = false;
};

class Args {
public:
    // Registers an option. `name` is without the dash and may carry a help parameter after
    // '=' as Core writes it: "dbcache=<n>". `category` groups --help output ("Connection
    // options"); categories print in the order they were first used. Registering a name twice,
    // an empty name, or a name with '.' or a leading '-' is a programming error (asserts).
    void AddArg(std::string_view name, std::string help, std::string category, ArgFlags flags = {});

    // Parses argv[1..argc). Accepts -name, --name, -name=value, -name= (empty), -noname
    // (negation), -noname=0 (double negative: true) and -<network>.name=value. The first
    // argument that does not start with '-' (or "-" alone) and everything after it are
    // returned as positionals; "--" ends the options and is not returned. Unknown options
    // fail with "Invalid parameter -foo". Replaces any earlier command line; re-selects the
    // network, so a bad combination of network options is reported here.
    util::Result<std::vector<std::string>, ArgsError> ParseCommandLine(int argc, const char* const argv[]);

    // Parses configuration file text (bitcoin.conf syntax). `source_name` prefixes warnings
    // and errors (the file name). Replaces any earlier configuration file contents. Unknown
    // options and unknown [sections] become warnings; malformed lines, conf=, includeconf=
    // and '#' after rpcpassword= are errors naming the line. Re-selects the network.
    // After an error from either parser the object's state is unspecified (lookups stay
    // safe but meaningless): report the error and stop.
    util::Result<void, ArgsError> ReadConfigFile(std::string_view text,
                                                 std::string_view source_name = "tonari.conf");

    // "main", "testnet4", "signet" or "regtest": the selected network, which is also the
    // config file section whose values apply.
    const std::string& ChainName() const { return m_network; }

    // The effective value: the last one on the command line, else the FIRST one in the
    // network section, else the first at the top level (Core's order). A negated option
    // reads as "0". Names may be given with or without the leading dash.
    std::optional<std::string> GetArg(std::string_view name) const;
    std::string GetArg(std::string_view name, std::string_view fallback) const;
    // Strict decimal int64 (surrounding spaces and a sign allowed). "abc", "12x", "" and
    // values out of range are errors naming the option; negated reads as 0; unset gives
    // `fallback`.
    util::Result<int64_t, ArgsError> GetIntArg(std::string_view name, int64_t fallback) const;
    // Core semantics: "" (bare -name) is true, otherwise the leading integer decides, so
    // "1", "5", "-1" are true and "0", "abc", "false" are false; negated is false.
    bool GetBoolArg(std::string_view name, bool fallback) const;
    // Every value, command line first, then network section, then top level; a negation
    // discards what came before it and every lower-priority source.
    std::vector<std::string> GetArgs(std::string_view name) const;
    // Set at all, including negated (-noname).
    bool IsArgSet(std::string_view name) const;
    bool IsArgNegated(std::string_view name) const;

    // Names of NETWORK_ONLY options set only at the top level of the config file and
    // therefore ignored on the selected (non-main) network. Older Core versions warned about
    // these, current Core refuses to start; the caller decides. Each also appears in
    // Warnings().
    std::vector<std::string> IgnoredNetworkOnlyArgs() const;
    // Human-readable warnings from parsing (unknown config options and sections, repeated
    // single-value options, double negatives) plus ignored network-only options.
    std::vector<std::string> Warnings() const;

    // Help grouped by category, options sorted by name, texts wrapped to 79 columns.
    std::string HelpMessage() const;

private:
    struct ArgInfo {
        std::string help_param;  // "=<n>" or empty
        std::string help;
        std::string category;
        ArgFlags flags;
    };
    // One assignment; `negated` means the option was switched off (-noname) and `text` is
    // unused.
    struct Setting {
        std::string text;
        bool negated = false;
    };
    struct CommandLineSetting {
        std::string section;  // "" or the network of -<network>.name=value
        Setting setting;
    };
    struct ConfigSetting {
        Setting setting;
        int line = 0;
    };
    enum class Source { COMMAND_LINE, NETWORK_SECTION, TOP_LEVEL };
    struct SourceValues {
        Source source;
        std::vector<Setting> values;
    };
    struct Key {
        std::string section;
        std::string name;
        bool qualified = false;  // had a '.', even with an empty section
        bool negated = false;
        bool known = false;
    };

    Key InterpretKey(std::string_view key) const;
    bool IsKnown(std::string_view name) const;
    bool IgnoresTopLevel(const std::string& name) const;
    std::vector<SourceValues> Collect(const std::string& name) const;
    std::optional<Setting> GetSetting(std::string_view name) const;
    std::optional<Setting> GetChainSetting(const std::string& name) const;
    util::Result<void, ArgsError> SelectNetwork();
    util::Result<void, ArgsError> ParseConfigLine(std::string_view line, int line_number,
                                                  std::string_view source_name, std::string& section);

    std::map<std::string, ArgInfo, std::less<>> m_args;
    std::vector<std::string> m_categories;  // in first-use order, for HelpMessage()

    std::map<std::string, std::vector<CommandLineSetting>, std::less<>> m_command_line;
    // section ("" for the top level) -> option name -> values in file order
    std::map<std::string, std::map<std::string, std::vector<ConfigSetting>, std::less<>>, std::less<>>
        m_config;
    std::vector<std::string> m_command_line_warnings;
    std::vector<std::string> m_config_warnings;
    std::string m_network{DEFAULT_CHAIN};
};

// Reads a configuration file whole, refusing directories and files larger than
// MAX_CONFIG_FILE_BYTES. A missing file gives "" when !must_exist (the default tonari.conf
// is optional, an explicit -conf=<file> is not) and an error otherwise.
util::Result<std::string, ArgsError> ReadConfigFileText(const std::filesystem::path& path, bool must_exist);

}  // namespace tonari::config

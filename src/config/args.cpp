// Args: registration, command line and config file parsing, network selection and the merged
// lookups. The merge rules mirror Bitcoin Core's settings code (command line, then the
// network's section, then the top level; first value wins inside the file, last on the
// command line); where this file departs from Core the comment says why.
#include "config/args.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <fstream>
#include <limits>
#include <system_error>
#include <utility>

namespace tonari::config {
namespace {

using util::Fail;
using util::Result;

// Section names a config file may use. "test" (testnet3) is recognised so a bitcoin.conf
// shared with Core does not draw warnings, but that network can never be selected.
constexpr std::string_view NETWORK_SECTIONS[] = {"main", "test", "testnet4", "signet", "regtest"};
// Networks Tonari can run on, i.e. the values -chain accepts.
constexpr std::string_view SELECTABLE_CHAINS[] = {"main", "testnet4", "signet", "regtest"};
// Options that choose the network: read only from the command line and the top level of the
// file (a network section cannot choose the network it belongs to).
constexpr std::string_view CHAIN_OPTIONS[] = {"regtest", "testnet4", "signet", "testnet", "chain"};
// Names this class understands without registration, so that it can explain why they are
// refused instead of calling them unknown.
constexpr std::string_view RESERVED_NAMES[] = {"testnet", "includeconf"};

constexpr std::string_view CONFIG_WHITESPACE = " \t\r\n";
constexpr std::string_view ATOI_WHITESPACE = " \f\n\r\t\v";

// Help layout, Core's: 79 columns, option at 2, text at 7.
constexpr std::size_t HELP_SCREEN_WIDTH = 79;
constexpr std::size_t HELP_OPTION_INDENT = 2;
constexpr std::size_t HELP_TEXT_INDENT = 7;

// Echoed config lines are cut to this length, so an error message stays one readable line.
constexpr std::size_t MAX_ECHOED_LINE = 80;

// Each source keeps at most this many warnings: a 1 MiB file of unknown options would
// otherwise print 100,000 lines at every start (log flooding).
constexpr std::size_t MAX_WARNINGS_PER_SOURCE = 50;

void AddWarning(std::vector<std::string>& warnings, std::string warning) {
    if (warnings.size() < MAX_WARNINGS_PER_SOURCE) {
        warnings.push_back(std::move(warning));
    } else if (warnings.size() == MAX_WARNINGS_PER_SOURCE) {
        warnings.push_back("further warnings suppressed");
    }
}

template <std::size_t N>
bool Contains(const std::string_view (&list)[N], std::string_view s) {
    return std::find(std::begin(list), std::end(list), s) != std::end(list);
}

std::string_view Trim(std::string_view s, std::string_view chars) {
    const std::size_t first = s.find_first_not_of(chars);
    if (first == std::string_view::npos) return {};
    const std::size_t last = s.find_last_not_of(chars);
    return s.substr(first, last - first + 1);
}

std::string_view StripDash(std::string_view name) {
    if (!name.empty() && name.front() == '-') name.remove_prefix(1);
    return name;
}

std::string Echo(std::string_view line) {
    if (line.size() <= MAX_ECHOED_LINE) return std::string(line);
    return std::string(line.substr(0, MAX_ECHOED_LINE)) + "...";
}

// Core's boolean reading: an empty value (bare -name) is true; otherwise atoi() under the C
// locale decides, so the leading integer counts and anything non-numeric is false. Values
// out of int range saturate in Core, so they are non-zero and therefore true.
bool InterpretBool(std::string_view text) {
    if (text.empty()) return true;
    std::string_view s = Trim(text, ATOI_WHITESPACE);
    if (!s.empty() && s.front() == '+') {
        if (s.size() >= 2 && s[1] == '-') return false;
        s.remove_prefix(1);
    }
    int value = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    (void)ptr;
    if (ec == std::errc::result_out_of_range) return true;
    if (ec != std::errc{}) return false;
    return value != 0;
}

std::string Location(std::string_view source_name, int line_number) {
    std::string out(source_name);
    if (!out.empty()) out += ':';
    out += std::to_string(line_number);
    out += ": ";
    return out;
}

// Greedy word wrap; explicit newlines in the help text start new paragraphs.
std::string WrapParagraphs(std::string_view text, std::size_t width, std::size_t indent) {
    std::string out;
    const std::string pad(indent, ' ');
    bool first_line = true;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view paragraph = text.substr(start, end - start);
        std::string line;
        auto flush = [&] {
            if (!first_line) out += '\n';
            if (!line.empty()) out += pad + line;
            first_line = false;
            line.clear();
        };
        std::size_t pos = 0;
        bool any_word = false;
        while (pos < paragraph.size()) {
            const std::size_t word_start = paragraph.find_first_not_of(' ', pos);
            if (word_start == std::string_view::npos) break;
            std::size_t word_end = paragraph.find(' ', word_start);
            if (word_end == std::string_view::npos) word_end = paragraph.size();
            const std::string_view word = paragraph.substr(word_start, word_end - word_start);
            if (!line.empty() && line.size() + 1 + word.size() > width) flush();
            if (!line.empty()) line += ' ';
            line += word;
            any_word = true;
            pos = word_end;
        }
        if (!line.empty() || !any_word) flush();
        if (end == text.size()) break;
        start = end + 1;
    }
    return out;
}

}  // namespace

void Args::AddArg(std::string_view name, std::string help, std::string category, ArgFlags flags) {
    const std::size_t eq = name.find('=');
    const std::string_view arg_name = name.substr(0, eq);
    // Registration comes from the program, never from input: a bad name is a bug.
    assert(!arg_name.empty() && arg_name.front() != '-');
    assert(arg_name.find('.') == std::string_view::npos);
    assert(!Contains(RESERVED_NAMES, arg_name));
    const auto [it, inserted] =
        m_args.emplace(std::string(arg_name),
                       ArgInfo{eq == std::string_view::npos ? std::string() : std::string(name.substr(eq)),
                               std::move(help), std::move(category), flags});
    assert(inserted);
    (void)inserted;
    if (std::find(m_categories.begin(), m_categories.end(), it->second.category) == m_categories.end()) {
        m_categories.push_back(it->second.category);
    }
}

bool Args::IsKnown(std::string_view name) const {
    return m_args.find(name) != m_args.end() || Contains(RESERVED_NAMES, name);
}

// Splits "section.name", "noname" and "section.noname". A registered name is taken
// literally before the "no" prefix is considered, so an option that itself begins with "no"
// still works (Core strips "no" unconditionally).
Args::Key Args::InterpretKey(std::string_view key) const {
    Key out;
    const std::size_t dot = key.find('.');
    if (dot != std::string_view::npos) {
        out.section = std::string(key.substr(0, dot));
        out.qualified = true;
        key.remove_prefix(dot + 1);
    }
    if (IsKnown(key)) {
        out.name = std::string(key);
        out.known = true;
    } else if (key.starts_with("no") && IsKnown(key.substr(2))) {
        out.name = std::string(key.substr(2));
        out.negated = true;
        out.known = true;
    } else {
        out.name = std::string(key);
    }
    return out;
}

Result<std::vector<std::string>, ArgsError> Args::ParseCommandLine(int argc, const char* const argv[]) {
    m_command_line.clear();
    m_command_line_warnings.clear();
    std::vector<std::string> positionals;

    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i] != nullptr ? argv[i] : "";
        if (arg == "--") {
            for (int j = i + 1; j < argc; ++j) positionals.emplace_back(argv[j] ? argv[j] : "");
            break;
        }
        if (arg.empty() || arg.front() != '-' || arg == "-") {
            for (int j = i; j < argc; ++j) positionals.emplace_back(argv[j] ? argv[j] : "");
            break;
        }
        std::string_view key = arg;
        std::optional<std::string_view> value;
        if (const std::size_t eq = key.find('='); eq != std::string_view::npos) {
            value = key.substr(eq + 1);
            key = key.substr(0, eq);
        }
        // The error names the option but not its value: a mistyped -rpcpasword=secret must
        // not put the secret into a terminal log (Core echoes the whole argument).
        const std::string shown(key);
        if (key.size() > 1 && key[1] == '-') key.remove_prefix(1);
        key.remove_prefix(1);

        const Key k = InterpretKey(key);
        const bool bad_section =
            k.qualified && (!Contains(NETWORK_SECTIONS, k.section) || Contains(CHAIN_OPTIONS, k.name));
        if (!k.known || bad_section) return Fail(ArgsError{"Invalid parameter " + Echo(shown)});
        if (k.name == "includeconf") {
            if (k.negated) continue;  // -noincludeconf: nothing to switch off
            return Fail(
                ArgsError{"-includeconf is not supported by Tonari; put all options in one "
                          "configuration file"});
        }

        // -noname is off; -noname=0 is Core's supported (but discouraged) double negative.
        Setting setting;
        if (k.negated) {
            setting.negated = !(value && !InterpretBool(*value));
            if (!setting.negated) {
                setting.text = "1";
                AddWarning(m_command_line_warnings,
                           "Parsed potentially confusing double-negative -" + k.name + "=" + Echo(*value));
            }
        } else {
            setting.text = value ? std::string(*value) : std::string();
        }
        m_command_line[k.name].push_back(CommandLineSetting{k.section, std::move(setting)});
    }

    for (const auto& [name, values] : m_command_line) {
        const auto info = m_args.find(name);
        if (info == m_args.end() || info->second.flags.multi || Contains(CHAIN_OPTIONS, name)) {
            continue;
        }
        std::map<std::string, int> per_section;
        for (const auto& v : values) {
            if (!v.setting.negated && ++per_section[v.section] == 2) {
                AddWarning(m_command_line_warnings,
                           "-" + (v.section.empty() ? "" : v.section + ".") + name +
                               " was given more than once on the command line; the last value is used");
            }
        }
    }

    if (auto selected = SelectNetwork(); !selected) return Fail(selected.error());
    return positionals;
}

Result<void, ArgsError> Args::ReadConfigFile(std::string_view text, std::string_view source_name) {
    m_config.clear();
    m_config_warnings.clear();
    const std::string where = source_name.empty() ? std::string() : std::string(source_name) + ": ";
    if (text.size() > MAX_CONFIG_FILE_BYTES) {
        return Fail(ArgsError{where + "configuration file is larger than " +
                              std::to_string(MAX_CONFIG_FILE_BYTES) + " bytes"});
    }

    std::string section;
    int line_number = 0;
    std::size_t pos = 0;
    while (true) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        ++line_number;
        const std::string_view line = text.substr(pos, end - pos);
        if (line.size() > MAX_CONFIG_LINE_LENGTH) {
            return Fail(ArgsError{where + "line " + std::to_string(line_number) + " is longer than " +
                                  std::to_string(MAX_CONFIG_LINE_LENGTH) + " characters"});
        }
        if (auto ok = ParseConfigLine(line, line_number, source_name, section); !ok) {
            return Fail(ok.error());
        }
        if (end == text.size()) break;
        pos = end + 1;
    }

    // Inside a file the FIRST value of a single-value option wins (Core keeps this for
    // compatibility); a second one is almost always a mistake worth pointing at.
    for (const auto& [section_name, options] : m_config) {
        for (const auto& [name, values] : options) {
            const auto info = m_args.find(name);
            if (info == m_args.end() || info->second.flags.multi || Contains(CHAIN_OPTIONS, name)) {
                continue;
            }
            const ConfigSetting* first = nullptr;
            for (const auto& v : values) {
                if (v.setting.negated) {
                    first = nullptr;
                    continue;
                }
                if (first == nullptr) {
                    first = &v;
                    continue;
                }
                AddWarning(m_config_warnings,
                           Location(source_name, v.line) + name + " is set again" +
                               (section_name.empty() ? std::string() : " in [" + section_name + "]") +
                               "; the first value (line " + std::to_string(first->line) + ") is used");
                break;  // once per option and section is enough
            }
        }
    }
    return SelectNetwork();
}

Result<void, ArgsError> Args::ParseConfigLine(std::string_view line, int line_number,
                                              std::string_view source_name, std::string& section) {
    const std::string where = source_name.empty() ? std::string() : std::string(source_name) + ": ";
    const std::string at_line = "line " + std::to_string(line_number);
    bool used_hash = false;
    if (const std::size_t hash = line.find('#'); hash != std::string_view::npos) {
        line = line.substr(0, hash);
        used_hash = true;
    }
    line = Trim(line, CONFIG_WHITESPACE);
    if (line.empty()) return {};

    if (line.front() == '[' && line.back() == ']') {
        section = std::string(line.substr(1, line.size() - 2));
        if (!Contains(NETWORK_SECTIONS, section)) {
            AddWarning(m_config_warnings, Location(source_name, line_number) + "Section [" + Echo(section) +
                                              "] is not recognized.");
        }
        return {};
    }
    if (line.front() == '-') {
        return Fail(ArgsError{where + "parse error on " + at_line + ": " + Echo(line) +
                              ", options in configuration file must be specified without "
                              "leading -"});
    }
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
        std::string message = where + "parse error on " + at_line + ": " + Echo(line);
        if (line.size() >= 2 && line.starts_with("no")) {
            message += ", if you intended to specify a negated option, use " + Echo(line) + "=1 instead";
        }
        return Fail(ArgsError{std::move(message)});
    }
    const std::string_view key_text = Trim(line.substr(0, eq), CONFIG_WHITESPACE);
    const std::string_view value = Trim(line.substr(eq + 1), CONFIG_WHITESPACE);
    if (key_text.empty()) {
        return Fail(ArgsError{where + "parse error on " + at_line + ": missing option name before '='"});
    }
    const std::string full_key =
        section.empty() ? std::string(key_text) : section + "." + std::string(key_text);
    // '#' starts a comment, so "rpcpassword=ab#cd" would silently become "ab": refuse.
    if (used_hash && full_key.find("rpcpassword") != std::string::npos) {
        return Fail(ArgsError{where + "parse error on " + at_line +
                              ", using # in rpcpassword can be ambiguous and should be avoided"});
    }

    const Key k = InterpretKey(full_key);
    if (k.name == "conf") {
        return Fail(ArgsError{where + "conf cannot be set in the configuration file (" + at_line +
                              "); give -conf on the command line"});
    }
    if (k.name == "includeconf") {
        if (k.negated) return {};
        return Fail(ArgsError{where + "includeconf is not supported by Tonari (" + at_line +
                              "); put all options in this one file"});
    }
    if (!k.known) {
        AddWarning(m_config_warnings, Location(source_name, line_number) +
                                          "Ignoring unknown configuration value " + Echo(full_key));
        return {};
    }
    if (!k.section.empty() && section.empty() && !Contains(NETWORK_SECTIONS, k.section)) {
        AddWarning(m_config_warnings, Location(source_name, line_number) + "Section [" + Echo(k.section) +
                                          "] is not recognized.");
    }
    if (!k.section.empty() && Contains(CHAIN_OPTIONS, k.name)) {
        AddWarning(m_config_warnings, Location(source_name, line_number) + k.name +
                                          " has no effect inside section [" + Echo(k.section) +
                                          "]; select the network at the top of the file");
        return {};
    }

    Setting setting;
    if (k.negated) {
        setting.negated = InterpretBool(value);
        if (!setting.negated) {
            setting.text = "1";
            AddWarning(m_config_warnings, Location(source_name, line_number) +
                                              "Parsed potentially confusing double-negative -" + k.name +
                                              "=" + Echo(value));
        }
    } else {
        setting.text = std::string(value);
    }
    m_config[k.section][k.name].push_back(ConfigSetting{std::move(setting), line_number});
    return {};
}

// The chain options merge differently from everything else (Core's get_chain_type path):
// only the command line and the top level count, and inside the file the LAST value wins.
std::optional<Args::Setting> Args::GetChainSetting(const std::string& name) const {
    if (const auto it = m_command_line.find(name); it != m_command_line.end()) {
        for (auto v = it->second.rbegin(); v != it->second.rend(); ++v) {
            if (v->section.empty()) return v->setting;
        }
    }
    if (const auto top = m_config.find(""); top != m_config.end()) {
        if (const auto it = top->second.find(name); it != top->second.end() && !it->second.empty()) {
            return it->second.back().setting;
        }
    }
    return std::nullopt;
}

Result<void, ArgsError> Args::SelectNetwork() {
    auto is_on = [&](const std::string& name) {
        const auto s = GetChainSetting(name);
        return s && !s->negated && InterpretBool(s->text);
    };
    const bool regtest = is_on("regtest");
    const bool signet = is_on("signet");
    const bool testnet = is_on("testnet");
    const bool testnet4 = is_on("testnet4");
    const auto chain = GetChainSetting("chain");
    // -nochain is read as "not given" (Core would try a chain named "0").
    const bool has_chain = chain && !chain->negated;

    if (int(has_chain) + int(regtest) + int(signet) + int(testnet) + int(testnet4) > 1) {
        return Fail(
            ArgsError{"Invalid combination of -regtest, -signet, -testnet, -testnet4 and "
                      "-chain. Can use at most one."});
    }
    if (testnet || (has_chain && chain->text == "test")) {
        return Fail(
            ArgsError{"-testnet (testnet3) is not supported by Tonari; use -testnet4 "
                      "(or -chain=testnet4)"});
    }
    if (has_chain) {
        if (!Contains(SELECTABLE_CHAINS, chain->text)) {
            return Fail(ArgsError{"Unknown chain " + Echo(chain->text) +
                                  ". Use -chain=main, testnet4, signet or regtest."});
        }
        m_network = chain->text;
    } else if (regtest) {
        m_network = "regtest";
    } else if (signet) {
        m_network = "signet";
    } else if (testnet4) {
        m_network = "testnet4";
    } else {
        m_network = std::string(DEFAULT_CHAIN);
    }
    return {};
}

bool Args::IgnoresTopLevel(const std::string& name) const {
    if (m_network == "main") return false;
    const auto it = m_args.find(name);
    return it != m_args.end() && it->second.flags.network_only;
}

std::vector<Args::SourceValues> Args::Collect(const std::string& name) const {
    std::vector<SourceValues> out;
    if (const auto it = m_command_line.find(name); it != m_command_line.end()) {
        SourceValues cmd{Source::COMMAND_LINE, {}};
        for (const auto& v : it->second) {
            if (v.section.empty() || v.section == m_network) cmd.values.push_back(v.setting);
        }
        if (!cmd.values.empty()) out.push_back(std::move(cmd));
    }
    auto add_section = [&](const std::string& section, Source source) {
        const auto sec = m_config.find(section);
        if (sec == m_config.end()) return;
        const auto it = sec->second.find(name);
        if (it == sec->second.end() || it->second.empty()) return;
        SourceValues values{source, {}};
        for (const auto& v : it->second) values.values.push_back(v.setting);
        out.push_back(std::move(values));
    };
    add_section(m_network, Source::NETWORK_SECTION);
    add_section("", Source::TOP_LEVEL);
    return out;
}

namespace {
// Index just past the last negation: the values that survive it.
template <typename Values>
std::size_t AfterLastNegation(const Values& values) {
    for (std::size_t i = values.size(); i > 0; --i) {
        if (values[i - 1].negated) return i;
    }
    return 0;
}
}  // namespace

std::optional<Args::Setting> Args::GetSetting(std::string_view name_in) const {
    const std::string name(StripDash(name_in));
    const bool ignore_top = IgnoresTopLevel(name);
    for (const auto& src : Collect(name)) {
        const auto& v = src.values;
        const bool last_negated = v.back().negated;
        // Core applies a top-level negation even to a network-only option it would otherwise
        // ignore there: switching something off is always safe.
        if (src.source == Source::TOP_LEVEL && ignore_top && !last_negated) continue;
        const std::size_t start = AfterLastNegation(v);
        if (start < v.size()) return src.source == Source::COMMAND_LINE ? v.back() : v[start];
        return Setting{{}, true};
    }
    return std::nullopt;
}

std::optional<std::string> Args::GetArg(std::string_view name) const {
    const auto s = GetSetting(name);
    if (!s) return std::nullopt;
    return s->negated ? std::string("0") : s->text;
}

std::string Args::GetArg(std::string_view name, std::string_view fallback) const {
    auto v = GetArg(name);
    return v ? std::move(*v) : std::string(fallback);
}

Result<int64_t, ArgsError> Args::GetIntArg(std::string_view name, int64_t fallback) const {
    const auto s = GetSetting(name);
    if (!s) return fallback;
    if (s->negated) return int64_t{0};
    const std::string shown = "-" + std::string(StripDash(name));
    std::string_view text = Trim(s->text, ATOI_WHITESPACE);
    if (text.empty()) return Fail(ArgsError{shown + " needs an integer value"});
    std::string_view digits = text;
    if (digits.front() == '+') digits.remove_prefix(1);
    int64_t value = 0;
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec == std::errc::result_out_of_range) {
        return Fail(ArgsError{"Value for " + shown + " is out of range: " + Echo(text)});
    }
    const bool sign_twice = text.front() == '+' && !digits.empty() && digits.front() == '-';
    if (ec != std::errc{} || ptr != digits.data() + digits.size() || sign_twice) {
        return Fail(ArgsError{"Invalid integer value for " + shown + ": '" + Echo(text) + "'"});
    }
    return value;
}

bool Args::GetBoolArg(std::string_view name, bool fallback) const {
    const auto s = GetSetting(name);
    if (!s) return fallback;
    return !s->negated && InterpretBool(s->text);
}

std::vector<std::string> Args::GetArgs(std::string_view name_in) const {
    const std::string name(StripDash(name_in));
    const bool ignore_top = IgnoresTopLevel(name);
    std::vector<std::string> out;
    for (const auto& src : Collect(name)) {
        if (src.source == Source::TOP_LEVEL && ignore_top) continue;
        const std::size_t start = AfterLastNegation(src.values);
        for (std::size_t i = start; i < src.values.size(); ++i) out.push_back(src.values[i].text);
        // A negation ends the list: lower-priority sources are dropped too.
        if (start > 0) break;
    }
    return out;
}

bool Args::IsArgSet(std::string_view name) const {
    return GetSetting(name).has_value();
}

bool Args::IsArgNegated(std::string_view name) const {
    const auto s = GetSetting(name);
    return s && s->negated;
}

std::vector<std::string> Args::IgnoredNetworkOnlyArgs() const {
    std::vector<std::string> out;
    if (m_network == "main") return out;
    for (const auto& [name, info] : m_args) {
        if (!info.flags.network_only) continue;
        bool top_level = false;
        bool elsewhere = false;
        for (const auto& src : Collect(name)) {
            if (src.values.back().negated) continue;
            (src.source == Source::TOP_LEVEL ? top_level : elsewhere) = true;
        }
        if (top_level && !elsewhere) out.push_back(name);
    }
    return out;
}

std::vector<std::string> Args::Warnings() const {
    std::vector<std::string> out = m_command_line_warnings;
    out.insert(out.end(), m_config_warnings.begin(), m_config_warnings.end());
    for (const auto& name : IgnoredNetworkOnlyArgs()) {
        out.push_back("Config setting for -" + name + " only applied on " + m_network + " network when in [" +
                      m_network + "] section.");
    }
    return out;
}

std::string Args::HelpMessage() const {
    std::string out;
    for (const auto& category : m_categories) {
        std::string group;
        for (const auto& [name, info] : m_args) {
            if (info.category != category || info.flags.hidden) continue;
            group += std::string(HELP_OPTION_INDENT, ' ') + "-" + name + info.help_param + "\n";
            group += WrapParagraphs(info.help, HELP_SCREEN_WIDTH - HELP_TEXT_INDENT, HELP_TEXT_INDENT);
            group += "\n\n";
        }
        if (!group.empty()) out += category + ":\n\n" + group;
    }
    return out;
}

Result<std::string, ArgsError> ReadConfigFileText(const std::filesystem::path& path, bool must_exist) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (status.type() == std::filesystem::file_type::not_found) {
        if (!must_exist) return std::string();
        return Fail(ArgsError{"specified config file \"" + path.string() + "\" could not be opened."});
    }
    if (std::filesystem::is_directory(status)) {
        return Fail(ArgsError{"Config file \"" + path.string() + "\" is a directory."});
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return Fail(ArgsError{"specified config file \"" + path.string() + "\" could not be opened."});
    }
    // Read one byte past the limit to tell "exactly at the limit" from "too big" without
    // trusting a size the file system reports (pipes and /dev files report none).
    std::string text(MAX_CONFIG_FILE_BYTES + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (in.bad()) {
        return Fail(ArgsError{"error reading config file \"" + path.string() + "\""});
    }
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > MAX_CONFIG_FILE_BYTES) {
        return Fail(ArgsError{"config file \"" + path.string() + "\" is larger than " +
                              std::to_string(MAX_CONFIG_FILE_BYTES) + " bytes"});
    }
    return text;
}

}  // namespace tonari::config

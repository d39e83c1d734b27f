// Flag names for the command line, configuration and test vectors.
#include "bitcoin/script/script_flags.h"

#include <array>
#include <bit>

namespace tonari::bitcoin::script {
namespace {

// Indexed by bit position.
constexpr std::array<std::string_view, 21> FLAG_NAMES = {
    "P2SH",
    "STRICTENC",
    "DERSIG",
    "LOW_S",
    "NULLDUMMY",
    "SIGPUSHONLY",
    "MINIMALDATA",
    "DISCOURAGE_UPGRADABLE_NOPS",
    "CLEANSTACK",
    "CHECKLOCKTIMEVERIFY",
    "CHECKSEQUENCEVERIFY",
    "WITNESS",
    "DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM",
    "MINIMALIF",
    "NULLFAIL",
    "WITNESS_PUBKEYTYPE",
    "CONST_SCRIPTCODE",
    "TAPROOT",
    "DISCOURAGE_UPGRADABLE_TAPROOT_VERSION",
    "DISCOURAGE_OP_SUCCESS",
    "DISCOURAGE_UPGRADABLE_PUBKEYTYPE",
};
static_assert(SCRIPT_VERIFY_ALL_KNOWN == (1u << FLAG_NAMES.size()) - 1);

std::string_view Trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

util::Result<ScriptFlags, std::string> ParseScriptFlags(std::string_view text) {
    ScriptFlags flags = 0;
    if (Trim(text).empty()) return flags;
    while (true) {
        const size_t comma = text.find(',');
        const std::string_view name = Trim(text.substr(0, comma));
        if (name != "NONE") {
            bool found = false;
            for (size_t bit = 0; bit < FLAG_NAMES.size(); ++bit) {
                if (FLAG_NAMES[bit] == name) {
                    flags |= 1u << bit;
                    found = true;
                    break;
                }
            }
            if (!found) return util::Fail("unknown script verification flag '" + std::string(name) + "'");
        }
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    return flags;
}

std::string FormatScriptFlags(ScriptFlags flags) {
    std::string out;
    for (size_t bit = 0; bit < FLAG_NAMES.size(); ++bit) {
        if ((flags & (1u << bit)) == 0) continue;
        if (!out.empty()) out += ',';
        out += FLAG_NAMES[bit];
    }
    return out.empty() ? "NONE" : out;
}

}  // namespace tonari::bitcoin::script

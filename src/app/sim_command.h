// `tonari sim`: runs a simulation scenario (src/sim) and prints a summary; the JSON report to
// a file or stdout.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

namespace tonari::app {

struct SimCommandOptions {
    std::string scenario = "ci-100";  // a built-in name, or a file's path ending in .json
    std::optional<uint64_t> seed;
    std::optional<int> nodes;
    std::optional<int64_t> minutes;
    std::optional<std::string> validation;  // none | cached | full
    std::string json_file;  // empty: the report goes to stdout after the summary
    std::string svg_prefix;  // non-empty: PREFIX-cdf.svg and PREFIX-reach.svg are written
};

// Exit status: 0 on success, 1 for an unknown scenario, a file that cannot be read or is not a
// valid scenario, options that contradict the file, or a report or plot file it cannot write.
int RunSimCommand(const SimCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace tonari::app

// libFuzzer target for ParseScenarioFile: any bytes either give an error or a scenario whose
// every setting lies within the file bounds and whose links, delays and schedule fit its nodes.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "bitcoin/sim/scenario_file.h"

using namespace tonari::bitcoin::sim;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto r = ParseScenarioFile(std::string_view(reinterpret_cast<const char*>(data), size));
    if (!r) {
        if (r.error().rfind("scenario file: ", 0) != 0) std::abort();
        return 0;
    }
    const Scenario& s = *r;
    if (s.nodes < 2 || s.nodes > MAX_FILE_NODES || s.duration_s > MAX_FILE_DURATION_S) std::abort();
    if (!s.send_delay_us.empty() && s.send_delay_us.size() != static_cast<size_t>(s.nodes)) std::abort();
    for (const auto& [from, to] : s.links) {
        if (from < 0 || to < 0 || from >= s.nodes || to >= s.nodes || from == to) std::abort();
    }
    for (const ScheduledBlock& b : s.schedule) {
        if (b.miner < 0 || b.miner >= s.nodes || b.at_s < 0 || b.at_s >= s.duration_s) std::abort();
    }
    return 0;
}

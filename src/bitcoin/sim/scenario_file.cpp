// Reading a scenario file: every key checked against its type and bounds, then the cross-key
// rules (links between existing nodes and towards reachable ones, one delay per node).
#include "bitcoin/sim/scenario_file.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <utility>

#include "util/json.h"

namespace tonari::bitcoin::sim {
namespace {

using Error = std::optional<std::string>;

std::string Range(double lo, double hi) {
    const auto text = [](double v) {
        std::string s = std::to_string(v);
        s.erase(s.find_last_not_of('0') + 1);
        if (!s.empty() && s.back() == '.') s.pop_back();
        return s;
    };
    return text(lo) + " to " + text(hi);
}

Error ReadInt(const util::Json& v, std::string_view key, int64_t lo, int64_t hi, int64_t& out) {
    const auto n = v.IsNumber() ? v.GetInt64() : std::nullopt;
    if (!n || *n < lo || *n > hi) {
        return "'" + std::string(key) + "' must be a whole number from " + std::to_string(lo) + " to " +
               std::to_string(hi);
    }
    out = *n;
    return std::nullopt;
}

Error ReadDouble(const util::Json& v, std::string_view key, double lo, double hi, double& out) {
    const auto n = v.IsNumber() ? v.GetDouble() : std::nullopt;
    if (!n || !std::isfinite(*n) || *n < lo || *n > hi) {
        return "'" + std::string(key) + "' must be a number from " + Range(lo, hi);
    }
    out = *n;
    return std::nullopt;
}

template <typename T>
Error ReadIntInto(const util::Json& v, std::string_view key, int64_t lo, int64_t hi, T& out) {
    int64_t n = 0;
    if (auto e = ReadInt(v, key, lo, hi, n)) return e;
    out = static_cast<T>(n);
    return std::nullopt;
}

Error ReadLinks(const util::Json& v, Scenario& sc) {
    constexpr std::string_view HINT = "'links' must be a list of [from, to] node index pairs";
    if (!v.IsArray()) return std::string(HINT);
    if (v.size() > MAX_FILE_LINKS) return "'links' lists more than " + std::to_string(MAX_FILE_LINKS);
    sc.links.clear();
    for (size_t i = 0; i < v.size(); ++i) {
        const util::Json& pair = v[i];
        int64_t from = 0, to = 0;
        if (!pair.IsArray() || pair.size() != 2 || ReadInt(pair[0], "links", 0, MAX_FILE_NODES - 1, from) ||
            ReadInt(pair[1], "links", 0, MAX_FILE_NODES - 1, to)) {
            return std::string(HINT) + " (entry " + std::to_string(i) + ")";
        }
        sc.links.emplace_back(static_cast<int>(from), static_cast<int>(to));
    }
    return std::nullopt;
}

Error ReadDelays(const util::Json& v, Scenario& sc, std::optional<double>& all) {
    constexpr std::string_view KEY = "send_delay_ms";
    double ms = 0;
    if (v.IsNumber()) {
        if (auto e = ReadDouble(v, KEY, 0, MAX_FILE_SEND_DELAY_MS, ms)) return e;
        all = ms;
        return std::nullopt;
    }
    if (!v.IsArray()) return "'send_delay_ms' must be a number or a list with one per node";
    if (v.size() > static_cast<size_t>(MAX_FILE_NODES)) return "'send_delay_ms' lists more delays than nodes";
    sc.send_delay_us.clear();
    for (size_t i = 0; i < v.size(); ++i) {
        if (auto e = ReadDouble(v[i], KEY, 0, MAX_FILE_SEND_DELAY_MS, ms)) return *e + " (entry " + std::to_string(i) + ")";
        sc.send_delay_us.push_back(std::llround(ms * 1000));
    }
    return std::nullopt;
}

Error ReadBlocks(const util::Json& v, Scenario& sc) {
    constexpr std::string_view HINT = "'blocks' must be a list of {\"at_s\": seconds, \"miner\": node index}";
    if (!v.IsArray()) return std::string(HINT);
    if (v.size() > MAX_FILE_BLOCKS) return "'blocks' lists more than " + std::to_string(MAX_FILE_BLOCKS);
    sc.schedule.clear();
    for (size_t i = 0; i < v.size(); ++i) {
        const util::Json& b = v[i];
        const util::Json* at = b.IsObject() ? b.Find("at_s") : nullptr;
        const util::Json* miner = b.IsObject() ? b.Find("miner") : nullptr;
        ScheduledBlock block;
        if (at == nullptr || miner == nullptr || b.size() != 2 ||
            ReadIntInto(*at, "at_s", 0, MAX_FILE_DURATION_S, block.at_s) ||
            ReadIntInto(*miner, "miner", 0, MAX_FILE_NODES - 1, block.miner)) {
            return std::string(HINT) + " (entry " + std::to_string(i) + ")";
        }
        sc.schedule.push_back(block);
    }
    return std::nullopt;
}

// The rules between keys, once all are read.
Error CheckWhole(const Scenario& sc) {
    if (sc.nodes < 2 || sc.nodes > MAX_FILE_NODES) {
        return "a network of " + std::to_string(sc.nodes) + " nodes (from 2 to " + std::to_string(MAX_FILE_NODES) + ")";
    }
    const int reachable = ReachableCount(sc);
    std::set<std::pair<int, int>> seen;
    for (const auto& [from, to] : sc.links) {
        const std::string which = "link [" + std::to_string(from) + ", " + std::to_string(to) + "]";
        if (from >= sc.nodes || to >= sc.nodes) return which + " names a node past the last (" + std::to_string(sc.nodes - 1) + ")";
        if (from == to) return which + " joins a node to itself";
        if (to >= reachable) {
            return which + " dials node " + std::to_string(to) + ", which does not accept connections (nodes 0 to " +
                   std::to_string(reachable - 1) + " do, by 'reachable_share')";
        }
        if (!seen.emplace(from, to).second) return which + " is listed twice";
    }
    if (!sc.send_delay_us.empty() && sc.send_delay_us.size() != static_cast<size_t>(sc.nodes)) {
        return "'send_delay_ms' has " + std::to_string(sc.send_delay_us.size()) + " delays for " +
               std::to_string(sc.nodes) + " nodes";
    }
    const int attackers = AttackerCount(sc);
    for (const ScheduledBlock& b : sc.schedule) {
        if (b.miner >= reachable - attackers && b.miner < reachable) {
            return "block at " + std::to_string(b.at_s) + " s: miner " + std::to_string(b.miner) +
                   " is run by the attacker, which mines nothing";
        }
        if (b.miner >= sc.nodes) return "block at " + std::to_string(b.at_s) + " s: miner " + std::to_string(b.miner) + " is past the last node";
        if (b.at_s >= sc.duration_s) {
            return "block at " + std::to_string(b.at_s) + " s is not within 'duration_s' (" + std::to_string(sc.duration_s) + ")";
        }
    }
    if (sc.report_arrivals && sc.nodes > MAX_ARRIVAL_NODES) {
        return "'report_arrivals' is for networks of up to " + std::to_string(MAX_ARRIVAL_NODES) + " nodes";
    }
    return std::nullopt;
}

}  // namespace

util::Result<Scenario, std::string> ParseScenarioFile(std::string_view text) {
    const auto fail = [](const std::string& why) { return util::Fail("scenario file: " + why); };
    if (text.size() > MAX_FILE_BYTES) return fail("larger than " + std::to_string(MAX_FILE_BYTES) + " bytes");
    auto parsed = util::ParseJson(text);
    if (!parsed) {
        return fail("not JSON (" + parsed.error().message + " at byte " + std::to_string(parsed.error().offset) + ")");
    }
    const util::Json& root = *parsed;
    if (!root.IsObject()) return fail("must be a JSON object");

    Scenario sc;
    sc.name = "file";
    if (const util::Json* base = root.Find("base")) {
        std::optional<Scenario> builtin = base->IsString() ? BuiltinScenario(base->GetString()) : std::nullopt;
        if (!builtin) {
            std::string names;
            for (const auto& n : BuiltinScenarioNames()) names += (names.empty() ? "" : ", ") + n;
            return fail("'base' must name a built-in scenario (" + names + ")");
        }
        sc = *builtin;
    }
    std::optional<double> all_delays_ms;
    for (const auto& [key, v] : root.GetObject()) {
        Error e;
        if (key == "base") {
            continue;
        } else if (key == "name") {
            if (!v.IsString() || v.GetString().empty() || v.GetString().size() > 64) {
                e = "'name' must be a text of 1 to 64 characters";
            } else {
                sc.name = v.GetString();
            }
        } else if (key == "nodes") {
            e = ReadIntInto(v, key, 2, MAX_FILE_NODES, sc.nodes);
        } else if (key == "reachable_share") {
            e = ReadDouble(v, key, 0, 1, sc.reachable_share);
        } else if (key == "outbound_full_relay") {
            e = ReadIntInto(v, key, 0, 16, sc.outbound_full_relay);
        } else if (key == "block_relay_only") {
            e = ReadIntInto(v, key, 0, 8, sc.block_relay_only);
        } else if (key == "regions") {
            if (v.IsString() && v.GetString() == "2015") {
                sc.model = &Model2015();
            } else if (v.IsString() && v.GetString() == "2019") {
                sc.model = &Model2019();
            } else {
                e = "'regions' must be \"2015\" or \"2019\" (SimBlock's tables of that year)";
            }
        } else if (key == "jitter") {
            e = ReadDouble(v, key, 0, 1, sc.jitter);
        } else if (key == "miners") {
            e = ReadIntInto(v, key, 1, MAX_FILE_NODES, sc.miners);
        } else if (key == "block_interval_s") {
            e = ReadIntInto(v, key, 1, 24 * 3600, sc.block_interval_s);
        } else if (key == "duration_s") {
            e = ReadIntInto(v, key, 60, MAX_FILE_DURATION_S, sc.duration_s);
        } else if (key == "warmup_s") {
            e = ReadIntInto(v, key, 0, 24 * 3600, sc.warmup_s);
        } else if (key == "attacker_share") {
            e = ReadDouble(v, key, 0, 1, sc.attacker_share);
        } else if (key == "churn_per_hour") {
            e = ReadDouble(v, key, 0, 60, sc.churn_per_hour);
        } else if (key == "block_bytes") {
            e = ReadIntInto(v, key, 0, 4'000'000, sc.block_bytes);
        } else if (key == "protocol_version") {
            e = ReadIntInto(v, key, 70002, 70016, sc.protocol_version);
        } else if (key == "validation") {
            const auto model = v.IsString() ? ParseValidationModel(v.GetString()) : std::nullopt;
            if (!model) {
                e = "'validation' must be \"none\", \"cached\" or \"full\"";
            } else {
                sc.validation = *model;
            }
        } else if (key == "seed") {
            const auto n = v.IsNumber() ? v.GetInt64() : std::nullopt;
            if (!n || *n < 0) {
                e = "'seed' must be a whole number from 0";
            } else {
                sc.seed = static_cast<uint64_t>(*n);
            }
        } else if (key == "links") {
            e = ReadLinks(v, sc);
        } else if (key == "send_delay_ms") {
            e = ReadDelays(v, sc, all_delays_ms);
        } else if (key == "blocks") {
            e = ReadBlocks(v, sc);
        } else if (key == "report_arrivals") {
            if (!v.IsBool()) {
                e = "'report_arrivals' must be true or false";
            } else {
                sc.report_arrivals = v.GetBool();
            }
        } else if (key == "monitor") {
            if (!v.IsBool()) {
                e = "'monitor' must be true or false";
            } else {
                sc.monitor = v.GetBool();
            }
        } else {
            e = "unknown key '" + key + "'";
        }
        if (e) return fail(*e);
    }
    if (all_delays_ms) sc.send_delay_us.assign(static_cast<size_t>(sc.nodes), std::llround(*all_delays_ms * 1000));
    if (auto e = CheckWhole(sc)) return fail(*e);
    return sc;
}

util::Result<void, std::string> ValidateScenario(const Scenario& scenario) {
    if (auto e = CheckWhole(scenario)) return util::Fail(*e);
    return {};
}

}  // namespace tonari::bitcoin::sim

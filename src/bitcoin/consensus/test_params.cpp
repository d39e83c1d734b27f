// -testactivationheight and -vbparams, parsed as Core's ReadRegTestArgs parses them.
#include "bitcoin/consensus/test_params.h"

#include <limits>
#include <vector>

#include "util/parse.h"

namespace tonari::bitcoin::consensus {
namespace {

using util::ToIntegral;

}  // namespace

util::Result<void, std::string> ApplyTestActivationHeight(ConsensusParams& params, std::string_view arg) {
    const std::string text(arg);
    const size_t at = arg.find('@');
    if (at == std::string_view::npos) {
        return util::Fail("Invalid format (" + text + ") for -testactivationheight=name@height.");
    }
    const auto height = ToIntegral<int32_t>(arg.substr(at + 1));
    if (!height || *height < 0 || *height >= std::numeric_limits<int>::max()) {
        return util::Fail("Invalid height value (" + text + ") for -testactivationheight=name@height.");
    }
    const std::string_view name = arg.substr(0, at);
    if (name == "segwit") {
        params.segwit_height = *height;
    } else if (name == "bip34") {
        params.bip34_height = *height;
        params.bip34_hash = {};  // as Core's regtest: no known activation block
    } else if (name == "dersig") {
        params.bip66_height = *height;
    } else if (name == "cltv") {
        params.bip65_height = *height;
    } else if (name == "csv") {
        params.csv_height = *height;
    } else {
        return util::Fail("Invalid name (" + text + ") for -testactivationheight=name@height.");
    }
    return {};
}

util::Result<void, std::string> ApplyVbParams(ConsensusParams& params, std::string_view arg) {
    const std::vector<std::string_view> parts = util::Split(arg, ':');
    if (parts.size() < 3 || parts.size() > 4) {
        return util::Fail(std::string("Version bits parameters malformed, expecting deployment:start:end[:min_activation_height]"));
    }
    const auto start = ToIntegral<int64_t>(parts[1]);
    if (!start) return util::Fail("Invalid nStartTime (" + std::string(parts[1]) + ")");
    const auto timeout = ToIntegral<int64_t>(parts[2]);
    if (!timeout) return util::Fail("Invalid nTimeout (" + std::string(parts[2]) + ")");
    int64_t min_height = 0;
    if (parts.size() == 4) {
        const auto parsed = ToIntegral<int64_t>(parts[3]);
        if (!parsed) return util::Fail("Invalid min_activation_height (" + std::string(parts[3]) + ")");
        min_height = *parsed;
    }
    Bip9Deployment* deployment = nullptr;
    if (parts[0] == "testdummy") deployment = &params.testdummy;
    if (parts[0] == "taproot") deployment = &params.taproot;
    if (!deployment) return util::Fail("Invalid deployment (" + std::string(parts[0]) + ")");
    deployment->start_time = *start;
    deployment->timeout = *timeout;
    // Core stores it as an int; heights beyond that cannot be reached anyway.
    deployment->min_activation_height =
        static_cast<int>(std::min<int64_t>(std::max<int64_t>(min_height, 0), std::numeric_limits<int>::max()));
    return {};
}

}  // namespace tonari::bitcoin::consensus

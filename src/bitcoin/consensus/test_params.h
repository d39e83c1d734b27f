// Bitcoin Core's regtest options for test chains: -testactivationheight=NAME@HEIGHT moves a
// buried deployment (bip34, dersig, cltv, csv, segwit) and -vbparams=NAME:START:END[:MIN_HEIGHT]
// reschedules a version-bits deployment (testdummy, taproot), so that chains built by Core's
// functional test framework under those options load and validate here under the same ones.
// Pure functions over a copy of the regtest parameters; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "bitcoin/consensus/params.h"
#include "util/result.h"

namespace tonari::bitcoin::consensus {

// Errors carry Core's texts: "Invalid format (X) for -testactivationheight=name@height.",
// "Invalid height value (X) ...", "Invalid name (X) ...".
util::Result<void, std::string> ApplyTestActivationHeight(ConsensusParams& params, std::string_view arg);

// Errors: "Version bits parameters malformed, expecting deployment:start:end[:min_activation_height]",
// "Invalid nStartTime (X)", "Invalid nTimeout (X)", "Invalid min_activation_height (X)",
// "Invalid deployment (X)".
util::Result<void, std::string> ApplyVbParams(ConsensusParams& params, std::string_view arg);

}  // namespace tonari::bitcoin::consensus

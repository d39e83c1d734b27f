// Descriptor inference, as Core's InferScript with an empty (or one-script) signing provider.
#include "bitcoin/descriptor/infer.h"

#include <optional>

#include "bitcoin/descriptor/checksum.h"
#include "bitcoin/encoding/address.h"
#include "bitcoin/script/solver.h"
#include "crypto/keys.h"
#include "crypto/sha256.h"
#include "util/hex.h"

namespace tonari::bitcoin::descriptor {
namespace {

using script::TxoutType;

// Core's CPubKey::IsValidNonHybrid: a 02/03/04 header with the length it implies; the point
// itself is not checked.
bool ValidNonHybrid(util::ByteSpan key) {
    if (key.empty()) return false;
    if (key[0] == 0x02 || key[0] == 0x03) return key.size() == 33;
    if (key[0] == 0x04) return key.size() == 65;
    return false;
}

enum class Ctx { Top, P2WSH };

std::optional<std::string> InferKey(util::ByteSpan key, Ctx ctx) {
    if (!ValidNonHybrid(key)) return std::nullopt;
    if (ctx == Ctx::P2WSH && key.size() != 33) return std::nullopt;  // segwit keys are compressed
    return util::HexEncode(key);
}

std::optional<std::string> InferScript(util::ByteSpan script, Ctx ctx, encoding::Network network,
                                       util::ByteSpan witness_script) {
    const script::SolverResult solved = script::Solver(script);
    const auto& data = solved.solutions;
    if (solved.type == TxoutType::PUBKEY) {
        if (auto key = InferKey(data[0], ctx)) return "pk(" + *key + ")";
    }
    if (solved.type == TxoutType::MULTISIG) {
        std::string keys;
        bool ok = true;
        for (size_t i = 1; i + 1 < data.size() && ok; ++i) {
            auto key = InferKey(data[i], ctx);
            ok = key.has_value();
            if (ok) keys += "," + *key;
        }
        if (ok) return "multi(" + std::to_string(data[0][0]) + keys + ")";
    }
    if (solved.type == TxoutType::WITNESS_V0_SCRIPTHASH && ctx == Ctx::Top && !witness_script.empty()) {
        const auto digest = crypto::Sha256Hash(witness_script);
        if (util::ByteSpan(digest).size() == data[0].size() &&
            std::equal(digest.begin(), digest.end(), data[0].begin())) {
            if (auto sub = InferScript(witness_script, Ctx::P2WSH, network, {})) return "wsh(" + *sub + ")";
        }
    }
    if (solved.type == TxoutType::WITNESS_V1_TAPROOT && ctx == Ctx::Top) {
        if (crypto::XOnlyPubKey::Parse(data[0])) return "rawtr(" + util::HexEncode(data[0]) + ")";
    }
    if (ctx != Ctx::Top) return std::nullopt;
    // P2PK has no address: an invalid key there falls through to raw(), as in Core.
    if (solved.type != TxoutType::PUBKEY) {
        if (auto address = encoding::EncodeAddress(script, network)) return "addr(" + *address + ")";
    }
    return "raw(" + util::HexEncode(script) + ")";
}

}  // namespace

std::string InferDescriptor(util::ByteSpan script_pubkey, encoding::Network network) {
    return InferDescriptor(script_pubkey, network, {});
}

std::string InferDescriptor(util::ByteSpan script_pubkey, encoding::Network network, util::ByteSpan witness_script) {
    return AddChecksum(*InferScript(script_pubkey, Ctx::Top, network, witness_script));
}

}  // namespace tonari::bitcoin::descriptor

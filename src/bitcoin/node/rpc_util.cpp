// RPC helpers: hash parameters, Core-style doubles, difficulty.
#include "bitcoin/node/rpc_util.h"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "bitcoin/chain/chainstate.h"
#include "bitcoin/consensus/pow.h"
#include "util/blob.h"

namespace tonari::bitcoin::node {
namespace {

util::Result<util::Uint256, rpc::RpcError> ParseHash(const util::Json& value, std::string_view name) {
    if (!value.IsString()) {
        return util::Fail(RpcFail(rpc::RpcErrorCode::TYPE_ERROR, std::string(name) + " must be a hexadecimal string"));
    }
    const std::string& text = value.GetString();
    if (text.size() != 64) {
        return util::Fail(RpcFail(rpc::RpcErrorCode::INVALID_PARAMETER,
                                  std::string(name) + " must be of length 64 (not " + std::to_string(text.size()) +
                                      ", for '" + text.substr(0, 100) + "')"));
    }
    auto hash = util::Uint256::FromHex(text);
    if (!hash) {
        return util::Fail(RpcFail(rpc::RpcErrorCode::INVALID_PARAMETER,
                                  std::string(name) + " must be hexadecimal string (not '" + text + "')"));
    }
    return *hash;
}

}  // namespace

util::Result<primitives::BlockHash, rpc::RpcError> ParseBlockHash(const util::Json& value, std::string_view name) {
    auto h = ParseHash(value, name);
    if (!h) return util::Fail(h.error());
    return primitives::BlockHash(*h);
}

util::Result<primitives::Txid, rpc::RpcError> ParseTxid(const util::Json& value, std::string_view name) {
    auto h = ParseHash(value, name);
    if (!h) return util::Fail(h.error());
    return primitives::Txid(*h);
}

util::Json DoubleJson(double v) {
    if (!std::isfinite(v)) return util::Json();
    char buf[40];
    std::snprintf(buf, sizeof(buf), "%.16g", v);
    return util::Json::RawNumber(buf);
}

double DifficultyFromBits(uint32_t bits) {
    int shift = static_cast<int>((bits >> 24) & 0xff);
    double diff = static_cast<double>(0x0000ffff) / static_cast<double>(bits & 0x00ffffff);
    while (shift < 29) {
        diff *= 256.0;
        ++shift;
    }
    while (shift > 29) {
        diff /= 256.0;
        --shift;
    }
    return diff;
}

int64_t UnixNow() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string TargetHex(uint32_t bits) { return consensus::CompactToTarget(bits).target.ToHex(); }

std::optional<rpc::RpcError> CheckBlockDataAvailable(const chain::Chainstate& chainstate,
                                                     const chain::BlockIndex& index, bool undo) {
    const bool stored = undo ? index.HasStatus(chain::BLOCK_HAVE_UNDO) : index.HaveData();
    if (stored) return std::nullopt;
    // Undo records are pruned on their own files: one is gone when its block was connected
    // (which wrote it) and a pruning node no longer has it.
    const bool undo_pruned = undo && chainstate.IsPruneMode() && index.HasStatus(chain::BLOCK_SCRIPTS_VALID);
    if (chainstate.IsBlockPruned(index) || undo_pruned) {
        return RpcFail(rpc::RpcErrorCode::MISC_ERROR, std::string(undo ? "Undo data" : "Block") + " not available (pruned data)");
    }
    if (undo) return RpcFail(rpc::RpcErrorCode::MISC_ERROR, "Undo data not available");
    return RpcFail(rpc::RpcErrorCode::MISC_ERROR, "Block not available (not fully downloaded)");
}

}  // namespace tonari::bitcoin::node

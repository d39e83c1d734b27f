// Small pieces shared by the node's RPC methods: errors, hashes and numbers in Bitcoin
// Core's JSON forms.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "bitcoin/primitives/ids.h"
#include "bitcoin/rpc/errors.h"
#include "bitcoin/rpc/method_table.h"
#include "util/json.h"
#include "util/result.h"

namespace tonari::bitcoin::chain {
class Chainstate;
struct BlockIndex;
}  // namespace tonari::bitcoin::chain

namespace tonari::bitcoin::node {

inline rpc::RpcError RpcFail(rpc::RpcErrorCode code, std::string message) { return {code, std::move(message)}; }

// A 64-digit hex hash parameter; Core's ParseHashV errors on anything else.
util::Result<primitives::BlockHash, rpc::RpcError> ParseBlockHash(const util::Json& value, std::string_view name);
util::Result<primitives::Txid, rpc::RpcError> ParseTxid(const util::Json& value, std::string_view name);

// Core's CheckBlockDataAvailability: nullopt when the block (its undo record, with `undo`) is
// stored, otherwise Core's error: pruned, or never fully downloaded.
std::optional<rpc::RpcError> CheckBlockDataAvailable(const chain::Chainstate& chainstate,
                                                     const chain::BlockIndex& index, bool undo);

// A double the way Bitcoin Core's JSON writer prints it (16 significant digits).
util::Json DoubleJson(double v);

// Registers methods into a table and keeps the first failure (a duplicate name is a
// programming error the node reports at start-up).
class Registrar {
public:
    explicit Registrar(rpc::MethodTable& table) : m_table(table) {}
    void Add(rpc::Method method) {
        if (auto r = m_table.Register(std::move(method)); !r && m_failed.empty()) m_failed = r.error();
    }
    util::Result<void, std::string> Finish() const {
        if (!m_failed.empty()) return util::Fail(m_failed);
        return {};
    }

private:
    rpc::MethodTable& m_table;
    std::string m_failed;
};

// Core's GetDifficulty: how many times harder than the minimum mainnet target.
double DifficultyFromBits(uint32_t bits);

// Seconds since the epoch, the clock block times and mempool entries are measured against.
int64_t UnixNow();

// The target nBits stands for, as the 64 hex digits Core's `target` fields print.
std::string TargetHex(uint32_t bits);

}  // namespace tonari::bitcoin::node

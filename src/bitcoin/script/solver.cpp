// Template matching for standard output scripts.
#include "bitcoin/script/solver.h"

#include <optional>

#include "bitcoin/script/opcodes.h"
#include "bitcoin/script/script.h"
#include "bitcoin/script/script_num.h"

namespace tonari::bitcoin::script {
namespace {

constexpr size_t COMPRESSED_PUBKEY_SIZE = 33;
constexpr size_t UNCOMPRESSED_PUBKEY_SIZE = 65;

// The length a serialized key with this first byte must have (0x06/0x07 are the hybrid forms).
size_t PubKeyLengthForHeader(uint8_t header) {
    if (header == 2 || header == 3) return COMPRESSED_PUBKEY_SIZE;
    if (header == 4 || header == 6 || header == 7) return UNCOMPRESSED_PUBKEY_SIZE;
    return 0;
}

bool IsPlausiblePubKey(util::ByteSpan key) {
    return !key.empty() && PubKeyLengthForHeader(key[0]) == key.size();
}

std::optional<util::Bytes> MatchPayToPubkey(util::ByteSpan s) {
    for (const size_t key_size : {UNCOMPRESSED_PUBKEY_SIZE, COMPRESSED_PUBKEY_SIZE}) {
        if (s.size() == key_size + 2 && s[0] == key_size && s.back() == ToByte(Opcode::OP_CHECKSIG)) {
            const util::ByteSpan key = s.subspan(1, key_size);
            if (!IsPlausiblePubKey(key)) return std::nullopt;
            return util::Bytes(key.begin(), key.end());
        }
    }
    return std::nullopt;
}

std::optional<util::Bytes> MatchPayToPubkeyHash(util::ByteSpan s) {
    if (s.size() == 25 && s[0] == ToByte(Opcode::OP_DUP) && s[1] == ToByte(Opcode::OP_HASH160) &&
        s[2] == 20 && s[23] == ToByte(Opcode::OP_EQUALVERIFY) && s[24] == ToByte(Opcode::OP_CHECKSIG)) {
        return util::Bytes(s.begin() + 3, s.begin() + 23);
    }
    return std::nullopt;
}

// A count in [min, max] written either as OP_1..OP_16 or as a minimal numeric push (so that
// multisig with 17..20 keys has a standard form).
std::optional<int> GetScriptNumber(const ScriptOp& op, int min, int max) {
    int count = 0;
    if (IsSmallInteger(op.op)) {
        count = DecodeOpN(op.op);
    } else if (IsDataPush(op.op) && op.op != Opcode::OP_0) {
        if (!CheckMinimalPush(op.data, op.op)) return std::nullopt;
        const auto n = DecodeScriptNum(op.data, /*require_minimal=*/true);
        if (!n) return std::nullopt;
        count = ScriptNumToInt32(*n);
    } else {
        return std::nullopt;
    }
    if (count < min || count > max) return std::nullopt;
    return count;
}

bool MatchMultisig(util::ByteSpan s, SolverResult& out) {
    if (s.empty() || s.back() != ToByte(Opcode::OP_CHECKMULTISIG)) return false;
    size_t pc = 0;
    const auto first = GetOp(s, pc);
    if (!first) return false;
    const auto required = GetScriptNumber(*first, 1, MAX_PUBKEYS_PER_MULTISIG);
    if (!required) return false;
    std::vector<util::Bytes> keys;
    std::optional<ScriptOp> op;
    while ((op = GetOp(s, pc)) && IsPlausiblePubKey(op->data)) {
        keys.emplace_back(op->data.begin(), op->data.end());
    }
    if (!op) return false;  // ran off the end (or a truncated push) before the key count
    const auto total = GetScriptNumber(*op, *required, MAX_PUBKEYS_PER_MULTISIG);
    if (!total || keys.size() != static_cast<size_t>(*total)) return false;
    // Exactly one byte, the OP_CHECKMULTISIG checked above, may follow the key count.
    if (pc + 1 != s.size()) return false;
    out.solutions.push_back({static_cast<uint8_t>(*required)});
    for (auto& key : keys) out.solutions.push_back(std::move(key));
    out.solutions.push_back({static_cast<uint8_t>(*total)});
    return true;
}

}  // namespace

std::string_view GetTxoutTypeName(TxoutType type) {
    switch (type) {
        case TxoutType::NONSTANDARD: return "nonstandard";
        case TxoutType::PUBKEY: return "pubkey";
        case TxoutType::PUBKEYHASH: return "pubkeyhash";
        case TxoutType::SCRIPTHASH: return "scripthash";
        case TxoutType::MULTISIG: return "multisig";
        case TxoutType::NULL_DATA: return "nulldata";
        case TxoutType::WITNESS_V0_KEYHASH: return "witness_v0_keyhash";
        case TxoutType::WITNESS_V0_SCRIPTHASH: return "witness_v0_scripthash";
        case TxoutType::WITNESS_V1_TAPROOT: return "witness_v1_taproot";
        case TxoutType::ANCHOR: return "anchor";
        case TxoutType::WITNESS_UNKNOWN: return "witness_unknown";
    }
    return "nonstandard";
}

SolverResult Solver(util::ByteSpan s) {
    SolverResult r;
    // P2SH first: its template is the most constrained and it is checked byte-exact.
    if (IsPayToScriptHash(s)) {
        r.type = TxoutType::SCRIPTHASH;
        r.solutions.emplace_back(s.begin() + 2, s.begin() + 22);
        return r;
    }
    if (const auto wp = GetWitnessProgram(s)) {
        const util::Bytes program(wp->program.begin(), wp->program.end());
        if (wp->version == 0 && program.size() == WITNESS_V0_KEYHASH_SIZE) {
            r.type = TxoutType::WITNESS_V0_KEYHASH;
            r.solutions.push_back(program);
        } else if (wp->version == 0 && program.size() == WITNESS_V0_SCRIPTHASH_SIZE) {
            r.type = TxoutType::WITNESS_V0_SCRIPTHASH;
            r.solutions.push_back(program);
        } else if (wp->version == 1 && program.size() == WITNESS_V1_TAPROOT_SIZE) {
            r.type = TxoutType::WITNESS_V1_TAPROOT;
            r.solutions.push_back(program);
        } else if (IsPayToAnchor(s)) {
            r.type = TxoutType::ANCHOR;
        } else if (wp->version != 0) {
            r.type = TxoutType::WITNESS_UNKNOWN;
            r.solutions.push_back({static_cast<uint8_t>(wp->version)});
            r.solutions.push_back(program);
        }
        // A v0 program of any other length is NONSTANDARD (and unspendable).
        return r;
    }
    // Data carrier: whatever follows OP_RETURN must parse as pushes only.
    if (!s.empty() && s[0] == ToByte(Opcode::OP_RETURN) && IsPushOnly(s.subspan(1))) {
        r.type = TxoutType::NULL_DATA;
        return r;
    }
    if (auto key = MatchPayToPubkey(s)) {
        r.type = TxoutType::PUBKEY;
        r.solutions.push_back(std::move(*key));
        return r;
    }
    if (auto hash = MatchPayToPubkeyHash(s)) {
        r.type = TxoutType::PUBKEYHASH;
        r.solutions.push_back(std::move(*hash));
        return r;
    }
    if (MatchMultisig(s, r)) {
        r.type = TxoutType::MULTISIG;
        return r;
    }
    r.solutions.clear();
    return r;
}

}  // namespace tonari::bitcoin::script

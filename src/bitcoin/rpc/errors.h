// JSON-RPC error codes with Bitcoin Core's numbers, and the error value handlers return.
//
// Clients (bitcoin-cli, python-bitcoinlib, test frameworks) switch on these numbers, so they
// must stay exactly Core's (src/rpc/protocol.h). Enumerator names are Core's without the
// RPC_ prefix. Plain values; thread-safe.
#pragma once

#include <string>
#include <utility>

namespace tonari::bitcoin::rpc {

enum class RpcErrorCode : int {
    // Standard JSON-RPC 2.0 errors. INVALID_REQUEST maps to HTTP 400 and METHOD_NOT_FOUND to
    // HTTP 404 for legacy (1.x) requests, so neither should be used for application errors.
    INVALID_REQUEST = -32600,
    METHOD_NOT_FOUND = -32601,
    INVALID_PARAMS = -32602,
    INTERNAL_ERROR = -32603,  // genuine node faults only (e.g. data directory corruption)
    PARSE_ERROR = -32700,

    // General application errors.
    MISC_ERROR = -1,              // an exception in command handling; also wrong arg count
    TYPE_ERROR = -3,              // a parameter of the wrong JSON type, or a bad amount
    INVALID_ADDRESS_OR_KEY = -5,
    OUT_OF_MEMORY = -7,
    INVALID_PARAMETER = -8,       // invalid, missing or duplicate parameter
    DATABASE_ERROR = -20,
    DESERIALIZATION_ERROR = -22,  // raw transaction or block that does not decode
    VERIFY_ERROR = -25,           // general failure submitting a transaction or block
    VERIFY_REJECTED = -26,        // rejected by network rules
    VERIFY_ALREADY_IN_CHAIN = -27,
    IN_WARMUP = -28,
    METHOD_DEPRECATED = -32,

    // P2P client errors.
    CLIENT_NOT_CONNECTED = -9,
    CLIENT_IN_INITIAL_DOWNLOAD = -10,
    CLIENT_NODE_ALREADY_ADDED = -23,
    CLIENT_NODE_NOT_ADDED = -24,
    CLIENT_NODE_NOT_CONNECTED = -29,
    CLIENT_INVALID_IP_OR_SUBNET = -30,
    CLIENT_P2P_DISABLED = -31,
    CLIENT_NODE_CAPACITY_REACHED = -34,

    // Chain errors.
    CLIENT_MEMPOOL_DISABLED = -33,

    // Wallet errors.
    WALLET_ERROR = -4,
    WALLET_INSUFFICIENT_FUNDS = -6,
    WALLET_INVALID_LABEL_NAME = -11,
    WALLET_KEYPOOL_RAN_OUT = -12,
    WALLET_UNLOCK_NEEDED = -13,
    WALLET_PASSPHRASE_INCORRECT = -14,
    WALLET_WRONG_ENC_STATE = -15,
    WALLET_ENCRYPTION_FAILED = -16,
    WALLET_ALREADY_UNLOCKED = -17,
    WALLET_NOT_FOUND = -18,
    WALLET_NOT_SPECIFIED = -19,
    WALLET_ALREADY_LOADED = -35,
    WALLET_ALREADY_EXISTS = -36,

    // Reserved by Core for backwards compatibility; never emitted.
    FORBIDDEN_BY_SAFE_MODE = -2,
};

// Core's historical aliases, so code ported from Core reads the same.
inline constexpr RpcErrorCode TRANSACTION_ERROR = RpcErrorCode::VERIFY_ERROR;
inline constexpr RpcErrorCode TRANSACTION_REJECTED = RpcErrorCode::VERIFY_REJECTED;
inline constexpr RpcErrorCode TRANSACTION_ALREADY_IN_CHAIN = RpcErrorCode::VERIFY_ALREADY_IN_CHAIN;

struct RpcError {
    RpcErrorCode code = RpcErrorCode::MISC_ERROR;
    std::string message;

    RpcError() = default;
    RpcError(RpcErrorCode c, std::string m) : code(c), message(std::move(m)) {}

    int Number() const { return static_cast<int>(code); }
    friend bool operator==(const RpcError&, const RpcError&) = default;
};

}  // namespace tonari::bitcoin::rpc

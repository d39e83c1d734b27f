// getdescriptorinfo and deriveaddresses over the descriptor module.
#include "bitcoin/node/rpc_descriptor.h"

#include <utility>

#include "bitcoin/descriptor/checksum.h"
#include "bitcoin/descriptor/descriptor.h"
#include "bitcoin/encoding/address.h"
#include "bitcoin/node/rpc_util.h"
#include "bitcoin/script/solver.h"

namespace tonari::bitcoin::node {
namespace {

using rpc::ParamType;
using rpc::RpcError;
using rpc::RpcErrorCode;
using util::Json;
using Reply = util::Result<Json, RpcError>;

// Positions one deriveaddresses call may ask for (Core's bound): each costs BIP32 derivations
// and an address in the reply, so a caller cannot pin the RPC thread or build a reply of
// unbounded size with one request.
constexpr int64_t MAX_DERIVE_RANGE = 1'000'000;

RpcError InvalidParameter(std::string message) { return RpcFail(RpcErrorCode::INVALID_PARAMETER, std::move(message)); }

// Core's ParseDescriptorRange: N means [0, N]; [begin, end] otherwise.
util::Result<std::pair<int64_t, int64_t>, RpcError> ParseRange(const Json& value) {
    int64_t low = 0;
    int64_t high = 0;
    if (value.IsNumber() && value.GetInt64()) {
        high = *value.GetInt64();
    } else if (value.IsArray() && value.GetArray().size() == 2 && value.GetArray()[0].GetInt64() &&
               value.GetArray()[1].GetInt64()) {
        low = *value.GetArray()[0].GetInt64();
        high = *value.GetArray()[1].GetInt64();
        if (low > high) return util::Fail(InvalidParameter("Range specified as [begin,end] must not have begin after end"));
    } else {
        return util::Fail(InvalidParameter("Range must be specified as end or as [begin,end]"));
    }
    if (low < 0) return util::Fail(InvalidParameter("Range should be greater or equal than 0"));
    if ((high >> 31) != 0) return util::Fail(InvalidParameter("End of range is too high"));
    if (high >= low + MAX_DERIVE_RANGE) return util::Fail(InvalidParameter("Range is too large"));
    return std::pair{low, high};
}

Reply GetDescriptorInfo(const rpc::Request& req, encoding::Network network) {
    const std::string& text = req.Arg("descriptor").GetString();
    const crypto::KeyContext key_ctx;
    auto desc = descriptor::Descriptor::Parse(text, network, false, key_ctx);
    if (!desc) return util::Fail(RpcFail(RpcErrorCode::INVALID_ADDRESS_OR_KEY, desc.error()));
    Json o = Json::MakeObject();
    o.Set("descriptor", desc->ToString());
    // The checksum of the text as given (private keys included), as Core reports it.
    o.Set("checksum", descriptor::CheckChecksum(text, false)->checksum);
    o.Set("isrange", desc->IsRange());
    o.Set("issolvable", desc->IsSolvable());
    o.Set("hasprivatekeys", desc->HasPrivateKeys());
    return o;
}

Reply DeriveAddresses(const rpc::Request& req, encoding::Network network) {
    const std::string& text = req.Arg("descriptor").GetString();
    int64_t begin = 0;
    int64_t end = 0;
    const bool has_range = req.Has("range");
    if (has_range) {
        auto range = ParseRange(req.Arg("range"));
        if (!range) return util::Fail(range.error());
        std::tie(begin, end) = *range;
    }
    const crypto::KeyContext key_ctx;
    auto desc = descriptor::Descriptor::Parse(text, network, true, key_ctx);
    if (!desc) return util::Fail(RpcFail(RpcErrorCode::INVALID_ADDRESS_OR_KEY, desc.error()));
    if (!desc->IsRange() && req.size() > 1) {
        return util::Fail(InvalidParameter("Range should not be specified for an un-ranged descriptor"));
    }
    // As Core: an explicit null range counts as given (and derives position 0).
    if (desc->IsRange() && req.size() < 2) {
        return util::Fail(InvalidParameter("Range must be specified for a ranged descriptor"));
    }
    Json addresses = Json::MakeArray();
    for (int64_t i = begin; i <= end; ++i) {
        auto scripts = desc->Expand(static_cast<uint32_t>(i), key_ctx);
        if (!scripts) {
            return util::Fail(RpcFail(RpcErrorCode::INVALID_ADDRESS_OR_KEY, "Cannot derive script without private keys"));
        }
        for (const auto& script : *scripts) {
            auto address = encoding::EncodeAddress(script, network);
            if (!address) {
                // combo() gives a P2PK script beside the others; it has no address and is skipped.
                if (scripts->size() > 1 && script::Solver(script).type == script::TxoutType::PUBKEY) continue;
                return util::Fail(
                    RpcFail(RpcErrorCode::INVALID_ADDRESS_OR_KEY, "Descriptor does not have a corresponding address"));
            }
            addresses.PushBack(*address);
        }
    }
    return addresses;
}

}  // namespace

util::Result<void, std::string> RegisterDescriptorRpcs(rpc::MethodTable& table, NodeContext& node) {
    Registrar registrar(table);
    registrar.Add({.name = "getdescriptorinfo",
                   .category = "Util",
                   .description = "Analyses a descriptor.",
                   .params = {{.name = "descriptor", .type = ParamType::STRING, .help = "The descriptor."}},
                   .result_help = "{\n"
                                  "  \"descriptor\" : \"str\",    (string) The descriptor in canonical form, without private keys. "
                                  "For a multipath descriptor, only the first will be returned.\n"
                                  "  \"checksum\" : \"str\",      (string) The checksum for the input descriptor\n"
                                  "  \"isrange\" : true|false,  (boolean) Whether the descriptor is ranged\n"
                                  "  \"issolvable\" : true|false, (boolean) Whether the descriptor is solvable\n"
                                  "  \"hasprivatekeys\" : true|false (boolean) Whether the input descriptor contained at least one private key\n"
                                  "}",
                   .examples = "> tonari-cli getdescriptorinfo \"wpkh([d34db33f/84h/0h/0h]0279be667ef9dcbbac55a06295Ce870b07029Bfcdb2dce28d959f2815b16f81798)\"",
                   .handler = [&node](const rpc::Request& req) { return GetDescriptorInfo(req, node.Network()); }});
    registrar.Add({.name = "deriveaddresses",
                   .category = "Util",
                   .description = "Derives one or more addresses corresponding to an output descriptor.\n"
                                  "Examples of output descriptors are:\n"
                                  "    pkh(<pubkey>)                                     P2PKH outputs for the given pubkey\n"
                                  "    wpkh(<pubkey>)                                    Native segwit P2PKH outputs for the given pubkey\n"
                                  "    sh(multi(<n>,<pubkey>,<pubkey>,...))              P2SH-multisig outputs for the given threshold and pubkeys\n"
                                  "    raw(<hex script>)                                 Outputs whose output script equals the specified hex-encoded bytes\n"
                                  "    tr(<pubkey>,multi_a(<n>,<pubkey>,<pubkey>,...))   P2TR-multisig outputs for the given threshold and pubkeys\n"
                                  "\nIn the above, <pubkey> either refers to a fixed public key in hexadecimal notation, or to an xpub/xprv optionally followed by one\n"
                                  "or more path elements separated by \"/\", where \"h\" represents a hardened child key.\n"
                                  "For more information on output descriptors, see the documentation in the doc/descriptors.md file.",
                   .params = {{.name = "descriptor", .type = ParamType::STRING, .help = "The descriptor."},
                              {.name = "range", .type = ParamType::RANGE, .required = false,
                               .help = "If a ranged descriptor is used, this specifies the end or the range (in [begin,end] "
                                       "notation) to derive."}},
                   .result_help = "[\n  \"str\",    (string) the derived addresses\n  ...\n]",
                   .examples = "> tonari-cli deriveaddresses \"wpkh([d34db33f/84h/0h/0h]xpub6DJ2dNUysrn5Vt36jH2KLBT2i1auw1tTSSomg8PhqNiUtx8QX2SvC9nrHu81fT41fvDUnhMjEzQgXnQjKEu3oaqMSzhSrHMxyyoEAmUHQbY/0/*)#cjjspncu\" \"[0,2]\"",
                   .handler = [&node](const rpc::Request& req) { return DeriveAddresses(req, node.Network()); }});
    return registrar.Finish();
}

}  // namespace tonari::bitcoin::node

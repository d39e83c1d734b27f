// Implementation of the offline `tonari util` commands.
#include "app/util_commands.h"

#include <filesystem>
#include <fstream>
#include <iterator>

#include "bitcoin/node/json_views.h"
#include "bitcoin/consensus/block_check.h"
#include "bitcoin/consensus/params.h"
#include "bitcoin/encoding/address.h"
#include "bitcoin/primitives/block.h"
#include "bitcoin/primitives/transaction.h"
#include "util/hex.h"

namespace tonari::app {
namespace {

using util::Fail;
using util::Json;
using bitcoin::node::AmountToJson;
using bitcoin::node::BlockToJson;
using bitcoin::node::ScriptPubKeyToJson;
using bitcoin::node::TxToJson;

// A block is at most 4 MB on the wire (as hex, twice that); anything much larger is not a
// block, and reading it whole would only let a mistaken argument exhaust memory.
constexpr uintmax_t MAX_BLOCK_INPUT_BYTES = 32 * 1024 * 1024;

std::string_view Trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

util::Result<util::Bytes, std::string> ReadBlockSource(std::string_view source) {
    std::error_code ec;
    const std::filesystem::path path{std::string(source)};
    if (source.size() < 4096 && std::filesystem::is_regular_file(path, ec)) {
        const uintmax_t size = std::filesystem::file_size(path, ec);
        if (ec) return Fail("cannot read " + path.string() + ": " + ec.message());
        if (size > MAX_BLOCK_INPUT_BYTES) return Fail("file too large to be a block: " + path.string());
        std::ifstream in(path, std::ios::binary);
        if (!in) return Fail("cannot open " + path.string());
        std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const std::string_view trimmed = Trim(content);
        if (util::IsHex(trimmed)) return *util::HexDecode(trimmed);
        return util::Bytes(content.begin(), content.end());
    }
    const std::string_view hex = Trim(source);
    auto bytes = util::HexDecode(hex);
    if (!bytes || hex.empty()) return Fail(std::string("not a file and not valid hex (odd length or non-hex characters)"));
    return *bytes;
}

}  // namespace

CommandResult ValidateAddress(std::string_view address, bitcoin::encoding::Network network) {
    Json o = Json::MakeObject();
    auto script = bitcoin::encoding::DecodeAddress(address, network);
    if (!script) {
        o.Set("isvalid", false);
        Json locations = Json::MakeArray();
        if (script.error().position) locations.PushBack(static_cast<int64_t>(*script.error().position));
        o.Set("error_locations", std::move(locations));
        o.Set("error", script.error().message);
        return o;
    }
    const auto info = bitcoin::encoding::DescribeScript(*script);
    o.Set("isvalid", true);
    o.Set("address", std::string(address));
    o.Set("scriptPubKey", util::HexEncode(*script));
    o.Set("isscript", info.is_script);
    o.Set("iswitness", info.is_witness);
    if (info.is_witness) {
        o.Set("witness_version", static_cast<int64_t>(info.witness_version));
        o.Set("witness_program", util::HexEncode(info.witness_program));
    }
    return o;
}

CommandResult DecodeRawTransaction(std::string_view hex, bitcoin::encoding::Network network) {
    auto bytes = util::HexDecode(Trim(hex));
    if (!bytes) return Fail(std::string("TX decode failed: not valid hex (odd length or non-hex characters)"));
    auto tx = bitcoin::primitives::DecodeTx(*bytes);
    if (!tx) {
        return Fail("TX decode failed: " + std::string(bitcoin::primitives::DecodeErrorMessage(tx.error())));
    }
    return TxToJson(*tx, network);
}

CommandResult DecodeBlock(std::string_view source, bitcoin::encoding::Network network) {
    auto bytes = ReadBlockSource(source);
    if (!bytes) return Fail(bytes.error());
    auto block = bitcoin::primitives::DecodeBlock(*bytes);
    if (!block) {
        return Fail("Block decode failed: " + std::string(bitcoin::primitives::DecodeErrorMessage(block.error())));
    }
    Json o = BlockToJson(*block);
    const auto& params = bitcoin::consensus::GetParams(network);
    Json checks = Json::MakeObject();
    checks.Set("network", std::string(bitcoin::encoding::NetworkName(network)));
    auto header_ok = bitcoin::consensus::CheckBlockHeader(block->header, params);
    auto block_ok = bitcoin::consensus::CheckBlock(*block, params, true, true);
    checks.Set("valid", static_cast<bool>(block_ok));
    checks.Set("pow", static_cast<bool>(header_ok));
    if (!block_ok) checks.Set("reject_reason", std::string(bitcoin::consensus::ReasonString(block_ok.error())));
    o.Set("checks", std::move(checks));
    return o;
}

}  // namespace tonari::app

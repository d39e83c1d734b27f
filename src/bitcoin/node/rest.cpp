// The REST endpoints, following Core's rest.cpp: path parsing, formats, errors and the binary
// layouts; JSON through the RPC methods.
#include "bitcoin/node/rest.h"

#include <cctype>
#include <vector>

#include "bitcoin/chain/block_index.h"
#include "bitcoin/encoding/compact_size.h"
#include "bitcoin/mempool/accept.h"
#include "bitcoin/node/json_views.h"
#include "bitcoin/primitives/block.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"
#include "util/hex.h"
#include "util/parse.h"

namespace tonari::bitcoin::node {
namespace {

using util::Json;

enum class Format { Undef, Binary, Hex, Json };

constexpr std::string_view AVAILABLE = "output format not found (available: .bin, .hex, .json)";
// A serialized outpoint: txid and output index.
constexpr size_t OUTPOINT_SIZE = 32 + 4;

RestResponse Error(int status, std::string message) { return {status, "text/plain", std::move(message) + "\r\n"}; }

RestResponse Binary(util::ByteSpan bytes) {
    return {200, "application/octet-stream", std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size())};
}
RestResponse Hex(util::ByteSpan bytes) { return {200, "text/plain", util::HexEncode(bytes) + "\n"}; }
RestResponse JsonAnswer(const Json& value) { return {200, "application/json", value.Dump() + "\n"}; }

RestResponse InFormat(Format f, util::ByteSpan bytes) {
    return f == Format::Binary ? Binary(bytes) : Hex(bytes);
}

// Core's ParseDataFormat: the query is cut off, then a known ".ext" suffix.
Format ParseDataFormat(std::string& param, std::string_view uri_part) {
    param = std::string(uri_part.substr(0, uri_part.rfind('?')));
    const size_t dot = param.rfind('.');
    if (dot == std::string::npos) return Format::Undef;
    const std::string suffix = param.substr(dot + 1);
    Format f = Format::Undef;
    if (suffix == "bin") f = Format::Binary;
    if (suffix == "hex") f = Format::Hex;
    if (suffix == "json") f = Format::Json;
    if (f != Format::Undef) param.erase(dot);
    return f;
}

// Core's UrlDecode: %XX escapes decoded, everything else (a malformed escape, '+') literal.
std::string UrlDecode(std::string_view text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && util::HexDigitValue(text[i + 1]) >= 0 &&
            util::HexDigitValue(text[i + 2]) >= 0) {
            out += static_cast<char>(util::HexDigitValue(text[i + 1]) * 16 + util::HexDigitValue(text[i + 2]));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

// One query parameter (Core's GetQueryParameterFromUri): the query runs from '?' to '#'.
std::optional<std::string> QueryParameter(std::string_view target, std::string_view key) {
    const size_t q = target.find('?');
    if (q == std::string_view::npos) return std::nullopt;
    std::string_view query = target.substr(q + 1);
    query = query.substr(0, query.find('#'));
    for (const std::string_view pair : util::Split(query, '&')) {
        const size_t eq = pair.find('=');
        if (UrlDecode(pair.substr(0, eq)) != key) continue;
        return eq == std::string_view::npos ? std::string() : UrlDecode(pair.substr(eq + 1));
    }
    return std::nullopt;
}

std::vector<std::string> SplitSlash(const std::string& s) {
    std::vector<std::string> out;
    for (const auto piece : util::Split(s, '/')) out.emplace_back(piece);
    return out;
}

using util::ToIntegral;

std::optional<util::Uint256> ParseHash(const std::string& hex) {
    if (hex.size() != 64) return std::nullopt;
    return util::Uint256::FromHex(hex);
}

// A JSON answer from the RPC method of the same meaning.
RestResponse FromRpc(const rpc::MethodTable& table, std::string_view method, Json params) {
    auto result = table.Execute(method, params, rpc::CallContext{});
    if (!result) return Error(500, result.error().message);
    return JsonAnswer(*result);
}

// ---------------------------------------------------------------------------------------------

RestResponse Block(NodeContext& node, const rpc::MethodTable& table, std::string_view uri_part, int verbosity) {
    std::string hash_text;
    const Format f = ParseDataFormat(hash_text, uri_part);
    const auto hash = ParseHash(hash_text);
    if (!hash) return Error(400, "Invalid hash: " + hash_text);
    const bool want_bytes = f == Format::Binary || f == Format::Hex;
    auto block = node.WithChain([&](NodeStorage& s) -> util::Result<std::optional<primitives::Block>, RestResponse> {
        const chain::BlockIndex* index = s.Chain().Tree().Lookup(primitives::BlockHash(*hash));
        if (!index) return util::Fail(Error(404, hash_text + " not found"));
        if (s.Chain().IsBlockPruned(*index)) return util::Fail(Error(404, hash_text + " not available (pruned data)"));
        if (!index->HaveData()) return util::Fail(Error(404, hash_text + " not available (not fully downloaded)"));
        if (!want_bytes) return std::optional<primitives::Block>();  // JSON: getblock reads it
        auto read = s.Blocks().ReadBlock(index->data_pos);
        if (!read) return util::Fail(Error(500, "I/O error reading " + hash_text));
        return std::optional<primitives::Block>(std::move(*read));
    });
    if (!block) return block.error();
    // Serialized off the strand: the strand is the chain's one thread.
    if (want_bytes) return InFormat(f, primitives::SerializeBlock(**block));
    if (f == Format::Json) {
        Json params = Json::MakeArray();
        params.PushBack(hash_text);
        params.PushBack(int64_t{verbosity});
        return FromRpc(table, "getblock", std::move(params));
    }
    return Error(404, std::string(AVAILABLE));
}

RestResponse Headers(NodeContext& node, std::string_view uri_part, std::string_view target) {
    std::string param;
    const Format f = ParseDataFormat(param, uri_part);
    const std::vector<std::string> path = SplitSlash(param);
    std::string raw_count;
    std::string hash_text;
    if (path.size() == 2) {  // the older form: /rest/headers/<count>/<hash>
        raw_count = path[0];
        hash_text = path[1];
    } else if (path.size() == 1) {
        hash_text = path[0];
        raw_count = QueryParameter(target, "count").value_or("5");
    } else {
        return Error(400, "Invalid URI format. Expected /rest/headers/<hash>.<ext>?count=<count>");
    }
    const auto count = ToIntegral<size_t>(raw_count);
    if (!count || *count < 1 || *count > MAX_REST_HEADERS_RESULTS) {
        return Error(400, "Header count is invalid or out of acceptable range (1-2000): " + raw_count);
    }
    const auto hash = ParseHash(hash_text);
    if (!hash) return Error(400, "Invalid hash: " + hash_text);
    if (f == Format::Undef) return Error(404, std::string(AVAILABLE));
    // The headers from `hash` along the active chain (none if it is not on it), in one visit
    // to the strand, so a reorganisation cannot split the answer.
    const auto [bytes, json] = node.WithChain([&](NodeStorage& s) {
        util::Bytes all;
        Json out = Json::MakeArray();
        const auto& active = s.Chain().Chain();
        const chain::BlockIndex* index = s.Chain().Tree().Lookup(primitives::BlockHash(*hash));
        for (size_t n = 0; index && active.Contains(index) && n < *count; ++n, index = active.Next(index)) {
            if (f == Format::Json) {
                out.PushBack(HeaderToJson(s.Chain(), *index));
            } else {
                const util::Bytes header = primitives::SerializeHeader(index->GetHeader());
                all.insert(all.end(), header.begin(), header.end());
            }
        }
        return std::pair(std::move(all), std::move(out));
    });
    if (f == Format::Json) return JsonAnswer(json);
    return InFormat(f, bytes);
}

RestResponse BlockHashByHeight(NodeContext& node, std::string_view uri_part) {
    std::string height_text;
    const Format f = ParseDataFormat(height_text, uri_part);
    const auto height = ToIntegral<int32_t>(height_text);
    if (!height || *height < 0) {
        std::string safe;  // Core's SanitizeString(SAFE_CHARS_URI)
        for (const char c : height_text) {
            if (std::isalnum(static_cast<unsigned char>(c)) || std::string_view("-_.~:/?#[]@!$&'()*+,;=%").find(c) != std::string_view::npos) safe += c;
        }
        return Error(400, "Invalid height: " + safe);
    }
    const auto hash = node.WithChain([&](NodeStorage& s) -> std::optional<primitives::BlockHash> {
        const auto& active = s.Chain().Chain();
        if (*height > active.Height()) return std::nullopt;
        return active[*height]->hash;
    });
    if (!hash) return Error(404, "Block height out of range");
    if (f == Format::Binary) return Binary(hash->get().span());
    if (f == Format::Hex) return {200, "text/plain", hash->ToHex() + "\n"};
    if (f == Format::Json) {
        Json o = Json::MakeObject();
        o.Set("blockhash", hash->ToHex());
        return JsonAnswer(o);
    }
    return Error(404, std::string(AVAILABLE));
}

RestResponse Tx(NodeContext& node, std::string_view uri_part) {
    std::string hash_text;
    const Format f = ParseDataFormat(hash_text, uri_part);
    const auto hash = ParseHash(hash_text);
    if (!hash) return Error(400, "Invalid hash: " + hash_text);
    // Without a transaction index only the mempool is searched (as Core without -txindex).
    const auto tx = node.WithChain([&](NodeStorage& s) -> std::optional<primitives::Tx> {
        if (const auto* e = s.Mempool().Get(primitives::Txid(*hash))) return *e->tx;
        return std::nullopt;
    });
    if (!tx) return Error(404, hash_text + " not found");
    if (f == Format::Binary || f == Format::Hex) return InFormat(f, primitives::SerializeTx(*tx));
    if (f == Format::Json) {
        Json o = TxToJson(*tx, node.Network());
        o.Set("hex", util::HexEncode(primitives::SerializeTx(*tx)));
        return JsonAnswer(o);
    }
    return Error(404, std::string(AVAILABLE));
}

RestResponse Mempool(const rpc::MethodTable& table, std::string_view uri_part, std::string_view target) {
    std::string param;
    const Format f = ParseDataFormat(param, uri_part);
    if (param != "contents" && param != "info") {
        return Error(400, "Invalid URI format. Expected /rest/mempool/<info|contents>.json");
    }
    if (f != Format::Json) return Error(404, "output format not found (available: json)");
    if (param == "info") return FromRpc(table, "getmempoolinfo", Json::MakeArray());
    const std::string verbose = QueryParameter(target, "verbose").value_or("true");
    if (verbose != "true" && verbose != "false") {
        return Error(400, "The \"verbose\" query parameter must be either \"true\" or \"false\".");
    }
    const std::string sequence = QueryParameter(target, "mempool_sequence").value_or("false");
    if (sequence != "true" && sequence != "false") {
        return Error(400, "The \"mempool_sequence\" query parameter must be either \"true\" or \"false\".");
    }
    if (verbose == "true" && sequence == "true") {
        return Error(400, "Verbose results cannot contain mempool sequence values. (hint: set \"verbose=false\")");
    }
    Json params = Json::MakeArray();
    params.PushBack(verbose == "true");
    params.PushBack(sequence == "true");
    return FromRpc(table, "getrawmempool", std::move(params));
}

RestResponse GetUtxos(NodeContext& node, std::string_view uri_part, std::string_view body) {
    std::string param;
    const Format f = ParseDataFormat(param, uri_part);
    std::vector<std::string> parts;
    if (param.size() > 1) parts = SplitSlash(param.substr(1));
    if (body.empty() && parts.empty()) return Error(400, "Error: empty request");
    bool check_mempool = false;
    bool from_uri = false;
    std::vector<primitives::OutPoint> outpoints;
    if (!parts.empty()) {
        check_mempool = parts[0] == "checkmempool";
        for (size_t i = check_mempool ? 1 : 0; i < parts.size(); ++i) {
            const size_t dash = parts[i].find('-');
            if (dash == std::string::npos || parts[i].find('-', dash + 1) != std::string::npos) return Error(400, "Parse error");
            const auto txid = ParseHash(parts[i].substr(0, dash));
            const auto n = ToIntegral<uint32_t>(std::string_view(parts[i]).substr(dash + 1));
            if (!txid || !n) return Error(400, "Parse error");
            outpoints.push_back({primitives::Txid(*txid), *n});
            // Counted as they come, so a long URI is refused before it is all parsed.
            if (outpoints.size() > MAX_GETUTXOS_OUTPOINTS) break;
        }
        if (outpoints.empty()) return Error(400, "Error: empty request");
        from_uri = true;
    }
    if (f == Format::Binary || f == Format::Hex) {
        util::Bytes decoded;
        util::ByteSpan raw(reinterpret_cast<const uint8_t*>(body.data()), body.size());
        if (f == Format::Hex) {
            // Core's TryParseHex skips whitespace (a body sent from a file ends in a newline).
            std::string hex;
            for (const char c : body) {
                if (!std::isspace(static_cast<unsigned char>(c))) hex += c;
            }
            decoded = util::HexDecode(hex).value_or(util::Bytes{});
            raw = decoded;
        }
        if (!raw.empty()) {
            if (from_uri) return Error(400, "Combination of URI scheme inputs and raw post data is not allowed");
            util::ByteReader r(raw);
            check_mempool = r.ReadU8() != 0;
            const uint64_t count = encoding::ReadCompactSize(r);
            if (r.failed()) return Error(400, "Parse error");
            // Refused before anything is read or allocated: an unauthenticated body may claim
            // any count.
            if (count > MAX_GETUTXOS_OUTPOINTS) {
                return Error(400, "Error: max outpoints exceeded (max: " + std::to_string(MAX_GETUTXOS_OUTPOINTS) +
                                      ", tried: " + std::to_string(count) + ")");
            }
            if (count > r.remaining() / OUTPOINT_SIZE) return Error(400, "Parse error");
            for (uint64_t i = 0; i < count; ++i) {
                const auto txid = util::Uint256::FromBytes(r.ReadSpan(32));
                const uint32_t n = r.ReadU32LE();
                if (!txid || r.failed()) return Error(400, "Parse error");
                outpoints.push_back({primitives::Txid(*txid), n});
            }
        }
    } else if (f == Format::Json) {
        if (!from_uri) return Error(400, "Error: empty request");
    } else {
        return Error(404, std::string(AVAILABLE));
    }
    if (outpoints.size() > MAX_GETUTXOS_OUTPOINTS) {
        return Error(400, "Error: max outpoints exceeded (max: " + std::to_string(MAX_GETUTXOS_OUTPOINTS) +
                              ", tried: " + std::to_string(outpoints.size()) + ")");
    }

    struct Found {
        int32_t height = 0;
        primitives::BlockHash tip{};
        std::vector<bool> hits;
        std::vector<chain::Coin> coins;
    };
    const Found found = node.WithChain([&](NodeStorage& s) {
        Found out;
        const auto& pool = s.Mempool();
        for (const auto& op : outpoints) {
            std::optional<chain::Coin> coin;
            if (!check_mempool || !pool.Spender(op)) {
                coin = s.Chain().Coins().GetCoin(op);
                // With checkmempool, outputs of mempool transactions count too (Core's
                // CCoinsViewMemPool), at the mempool's pseudo-height.
                if (!coin && check_mempool) {
                    if (const auto* created = pool.Output(op)) coin = chain::Coin{*created, mempool::MEMPOOL_HEIGHT, false};
                }
            }
            out.hits.push_back(coin.has_value());
            if (coin) out.coins.push_back(*coin);
        }
        out.height = s.Chain().Chain().Height();
        out.tip = s.Chain().Tip()->hash;
        return out;
    });
    util::Bytes bitmap((found.hits.size() + 7) / 8, 0);
    std::string bitmap_text;
    for (size_t i = 0; i < found.hits.size(); ++i) {
        bitmap_text += found.hits[i] ? '1' : '0';
        if (found.hits[i]) bitmap[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
    }
    if (f == Format::Json) {
        Json o = Json::MakeObject();
        o.Set("chainHeight", int64_t{found.height});
        o.Set("chaintipHash", found.tip.ToHex());
        o.Set("bitmap", bitmap_text);
        Json utxos = Json::MakeArray();
        for (const auto& coin : found.coins) {
            Json u = Json::MakeObject();
            u.Set("height", uint64_t{coin.height});
            u.Set("value", AmountToJson(coin.out.value));
            u.Set("scriptPubKey", ScriptPubKeyToJson(coin.out.script_pubkey, node.Network()));
            utxos.PushBack(std::move(u));
        }
        o.Set("utxos", std::move(utxos));
        return JsonAnswer(o);
    }
    // Core's layout: height, tip hash, bitmap (CompactSize-prefixed), then per coin a zero
    // version word, the height and the output.
    util::ByteWriter w;
    w.WriteI32LE(found.height);
    w.WriteBytes(found.tip.get().span());
    encoding::WriteCompactSize(w, bitmap.size());
    w.WriteBytes(bitmap);
    encoding::WriteCompactSize(w, found.coins.size());
    for (const auto& coin : found.coins) {
        w.WriteU32LE(0);
        w.WriteU32LE(coin.height);
        w.WriteI64LE(coin.out.value);
        encoding::WriteCompactSize(w, coin.out.script_pubkey.size());
        w.WriteBytes(coin.out.script_pubkey);
    }
    return InFormat(f, w.data());
}

}  // namespace

std::optional<RestResponse> HandleRest(NodeContext& node, const rpc::MethodTable& table, std::string_view target,
                                       std::string_view body) {
    auto after = [&](std::string_view prefix) -> std::optional<std::string_view> {
        if (!target.starts_with(prefix)) return std::nullopt;
        return target.substr(prefix.size());
    };
    // Order matters where one prefix starts another (Core's uri_prefixes table).
    if (auto part = after("/rest/tx/")) return Tx(node, *part);
    if (auto part = after("/rest/block/notxdetails/")) return Block(node, table, *part, 1);
    if (auto part = after("/rest/block/")) return Block(node, table, *part, 3);
    if (auto part = after("/rest/chaininfo")) {
        std::string param;
        if (ParseDataFormat(param, *part) != Format::Json) return Error(404, "output format not found (available: json)");
        return FromRpc(table, "getblockchaininfo", Json::MakeArray());
    }
    if (auto part = after("/rest/mempool/")) return Mempool(table, *part, target);
    if (auto part = after("/rest/headers/")) return Headers(node, *part, target);
    if (auto part = after("/rest/getutxos")) return GetUtxos(node, *part, body);
    if (auto part = after("/rest/blockhashbyheight/")) return BlockHashByHeight(node, *part);
    return std::nullopt;
}

}  // namespace tonari::bitcoin::node

// Output descriptor parsing (Core's ParseScript grammar and context rules), canonical text and
// expansion to scriptPubKeys.
#include "bitcoin/descriptor/descriptor.h"

#include <algorithm>
#include <optional>

#include "bitcoin/descriptor/checksum.h"
#include "bitcoin/encoding/address.h"
#include "bitcoin/script/opcodes.h"
#include "bitcoin/script/script.h"
#include "bitcoin/script/sighash.h"
#include "crypto/ripemd160.h"
#include "crypto/sha256.h"
#include "util/hex.h"
#include "util/parse.h"

namespace tonari::bitcoin::descriptor {
namespace {

using script::Opcode;
using script::ScriptBuilder;
using util::Fail;
using Error = std::string;

// BIP342 tapscript leaves use leaf version 0xc0.
constexpr uint8_t TAPROOT_LEAF_TAPSCRIPT = 0xc0;

// Core's script/parsing.h helpers over a shrinking view.
bool Const(std::string_view str, std::string_view& sp) {
    if (sp.substr(0, str.size()) != str) return false;
    sp.remove_prefix(str.size());
    return true;
}

bool Func(std::string_view name, std::string_view& sp) {
    if (sp.size() < name.size() + 2 || sp[name.size()] != '(' || sp.back() != ')' ||
        sp.substr(0, name.size()) != name) {
        return false;
    }
    sp = sp.substr(name.size() + 1, sp.size() - name.size() - 2);
    return true;
}

std::string_view Expr(std::string_view& sp) {
    int level = 0;
    size_t i = 0;
    for (; i < sp.size(); ++i) {
        const char c = sp[i];
        if (c == '(' || c == '{') {
            ++level;
        } else if (level && (c == ')' || c == '}')) {
            --level;
        } else if (level == 0 && (c == ')' || c == '}' || c == ',')) {
            break;
        }
    }
    const std::string_view out = sp.substr(0, i);
    sp.remove_prefix(i);
    return out;
}

class Parser {
public:
    Parser(encoding::Network network, const crypto::KeyContext& key_ctx) : m_network(network), m_key_ctx(key_ctx) {}

    util::Result<Node, Error> ParseScript(std::string_view& sp, Context ctx);

private:
    util::Result<KeyExpression, Error> Key(std::string_view text, Context ctx, std::string_view fn) {
        auto key = ParseKeyExpression(text, ctx, m_network, m_key_ctx);
        if (!key) return Fail(std::string(fn) + key.error());
        return key;
    }
    util::Result<Node, Error> ParseMulti(std::string_view expr, Context ctx, Kind kind);
    util::Result<Node, Error> ParseTr(std::string_view expr);

    encoding::Network m_network;
    const crypto::KeyContext& m_key_ctx;
};

util::Result<Node, Error> Parser::ParseMulti(std::string_view expr, Context ctx, Kind kind) {
    const bool is_multi_a = kind == Kind::MultiA || kind == Kind::SortedMultiA;
    const std::string_view threshold_text = Expr(expr);
    const auto parsed_threshold = util::ToIntegral<uint32_t>(threshold_text);
    if (!parsed_threshold) return Fail("Multi threshold '" + std::string(threshold_text) + "' is not valid");
    const uint32_t threshold = *parsed_threshold;
    Node node{.kind = kind, .threshold = threshold};
    size_t script_size = 0;
    while (!expr.empty()) {
        if (!Const(",", expr)) return Fail(std::string("Multi: expected ',', got '") + expr[0] + "'");
        auto key = Key(Expr(expr), ctx, "Multi: ");
        if (!key) return Fail(key.error());
        script_size += key->ScriptSize() + 1;
        node.keys.push_back(std::move(*key));
    }
    const size_t n = node.keys.size();
    if (!is_multi_a && (n == 0 || n > MAX_PUBKEYS_PER_MULTISIG)) {
        return Fail("Cannot have " + std::to_string(n) +
                    " keys in multisig; must have between 1 and 20 keys, inclusive");
    }
    if (is_multi_a && (n == 0 || n > MAX_PUBKEYS_PER_MULTI_A)) {
        return Fail("Cannot have " + std::to_string(n) +
                    " keys in multi_a; must have between 1 and 999 keys, inclusive");
    }
    if (threshold < 1) return Fail("Multisig threshold cannot be 0, must be at least 1");
    if (threshold > n) {
        return Fail("Multisig threshold cannot be larger than the number of keys; threshold is " +
                    std::to_string(threshold) + " but only " + std::to_string(n) + " keys specified");
    }
    if (ctx == Context::Top && n > MAX_BARE_MULTISIG_KEYS) {
        return Fail("Cannot have " + std::to_string(n) + " pubkeys in bare multisig; only at most 3 pubkeys");
    }
    if (ctx == Context::P2SH && script_size + 3 > MAX_SCRIPT_ELEMENT_SIZE) {
        return Fail("P2SH script is too large, " + std::to_string(script_size + 3) + " bytes is larger than 520 bytes");
    }
    return node;
}

util::Result<Node, Error> Parser::ParseTr(std::string_view expr) {
    auto internal = Key(Expr(expr), Context::P2TR, "tr(): ");
    if (!internal) return Fail(internal.error());
    Node node{.kind = Kind::Tr};
    node.keys.push_back(std::move(*internal));
    if (expr.empty()) return node;
    if (!Const(",", expr)) return Fail(std::string("tr: expected ',', got '") + expr[0] + "'");
    // branches[i]: false while in the left branch at depth i, true in the right one.
    std::vector<bool> branches;
    do {
        while (Const("{", expr)) {
            branches.push_back(false);
            if (branches.size() > TAPROOT_CONTROL_MAX_NODE_COUNT) {
                return Fail(std::string("tr() supports at most 128 nesting levels"));
            }
        }
        std::string_view leaf_text = Expr(expr);
        auto leaf = ParseScript(leaf_text, Context::P2TR);
        if (!leaf) return Fail(leaf.error());
        if (!leaf_text.empty()) return Fail(std::string("tr(): expected ')' after script expression"));
        node.subs.push_back(std::move(*leaf));
        node.depths.push_back(static_cast<int>(branches.size()));
        while (!branches.empty() && branches.back()) {
            if (!Const("}", expr)) return Fail(std::string("tr(): expected '}' after script expression"));
            branches.pop_back();
        }
        if (!branches.empty() && !branches.back()) {
            if (!Const(",", expr)) return Fail(std::string("tr(): expected ',' after script expression"));
            branches.back() = true;
        }
    } while (!branches.empty());
    if (!expr.empty()) return Fail(std::string("tr(): expected ')' after script expression"));
    return node;
}

util::Result<Node, Error> Parser::ParseScript(std::string_view& sp, Context ctx) {
    std::string_view expr = Expr(sp);
    const bool top = ctx == Context::Top;
    const bool script_ctx = top || ctx == Context::P2SH || ctx == Context::P2WSH;
    auto single_key = [&](Kind kind, Context key_ctx, std::string_view fn) -> util::Result<Node, Error> {
        auto key = Key(expr, key_ctx, fn);
        if (!key) return Fail(key.error());
        Node node{.kind = kind, .tapscript = ctx == Context::P2TR};
        node.keys.push_back(std::move(*key));
        return node;
    };
    if (Func("pk", expr)) return single_key(Kind::Pk, ctx, "pk(): ");
    if (script_ctx && Func("pkh", expr)) return single_key(Kind::Pkh, ctx, "pkh(): ");
    if (top && Func("combo", expr)) return single_key(Kind::Combo, ctx, "combo(): ");
    if (Func("combo", expr)) return Fail(std::string("Can only have combo() at top level"));

    std::optional<Kind> multi;
    if (Func("multi", expr)) {
        multi = Kind::Multi;
    } else if (Func("sortedmulti", expr)) {
        multi = Kind::SortedMulti;
    } else if (Func("multi_a", expr)) {
        multi = Kind::MultiA;
    } else if (Func("sortedmulti_a", expr)) {
        multi = Kind::SortedMultiA;
    }
    if (multi) {
        const bool is_multi_a = *multi == Kind::MultiA || *multi == Kind::SortedMultiA;
        if (!is_multi_a && script_ctx) return ParseMulti(expr, ctx, *multi);
        if (is_multi_a && ctx == Context::P2TR) return ParseMulti(expr, ctx, *multi);
        if (!is_multi_a) return Fail(std::string("Can only have multi/sortedmulti at top level, in sh(), or in wsh()"));
        return Fail(std::string("Can only have multi_a/sortedmulti_a inside tr()"));
    }
    if ((top || ctx == Context::P2SH) && Func("wpkh", expr)) return single_key(Kind::Wpkh, Context::P2WPKH, "wpkh(): ");
    if (Func("wpkh", expr)) return Fail(std::string("Can only have wpkh() at top level or inside sh()"));
    if (top && Func("sh", expr)) {
        auto sub = ParseScript(expr, Context::P2SH);
        if (!sub) return Fail(sub.error());
        if (!expr.empty()) return Fail("sh(): unexpected '" + std::string(expr) + "'");
        Node node{.kind = Kind::Sh};
        node.subs.push_back(std::move(*sub));
        return node;
    }
    if (Func("sh", expr)) return Fail(std::string("Can only have sh() at top level"));
    if ((top || ctx == Context::P2SH) && Func("wsh", expr)) {
        auto sub = ParseScript(expr, Context::P2WSH);
        if (!sub) return Fail(sub.error());
        if (!expr.empty()) return Fail("wsh(): unexpected '" + std::string(expr) + "'");
        Node node{.kind = Kind::Wsh};
        node.subs.push_back(std::move(*sub));
        return node;
    }
    if (Func("wsh", expr)) return Fail(std::string("Can only have wsh() at top level or inside sh()"));
    if (top && Func("addr", expr)) {
        auto script = encoding::DecodeAddress(expr, m_network);
        if (!script) return Fail(std::string("Address is not valid"));
        return Node{.kind = Kind::Addr, .script = std::move(*script)};
    }
    if (Func("addr", expr)) return Fail(std::string("Can only have addr() at top level"));
    if (top && Func("tr", expr)) return ParseTr(expr);
    if (Func("tr", expr)) return Fail(std::string("Can only have tr at top level"));
    if (top && Func("rawtr", expr)) {
        const std::string_view arg = Expr(expr);
        if (!expr.empty()) return Fail(std::string("rawtr(): only one key expected."));
        expr = arg;
        return single_key(Kind::RawTr, Context::P2TR, "rawtr(): ");
    }
    if (Func("rawtr", expr)) return Fail(std::string("Can only have rawtr at top level"));
    if (top && Func("raw", expr)) {
        if (expr.empty() || !util::IsHex(expr)) return Fail(std::string("Raw script is not hex"));
        return Node{.kind = Kind::Raw, .script = *util::HexDecode(expr)};
    }
    if (Func("raw", expr)) return Fail(std::string("Can only have raw() at top level"));
    if (ctx == Context::P2SH) return Fail(std::string("A function is needed within P2SH"));
    if ((ctx == Context::P2WSH || ctx == Context::P2TR) && expr.find('(') != std::string_view::npos) {
        return Fail("'" + std::string(expr) + "' is a miniscript expression or not a descriptor function; "
                    "miniscript is not supported");
    }
    if (ctx == Context::P2WSH) return Fail(std::string("A function is needed within P2WSH"));
    return Fail("'" + std::string(expr) + "' is not a valid descriptor function");
}

// ---------------------------------------------------------------------------------------------
// Text

std::string KeysText(const Node& node, encoding::Network network) {
    std::string out;
    for (size_t i = 0; i < node.keys.size(); ++i) {
        if (i) out += ',';
        out += node.keys[i].ToString(network);
    }
    return out;
}

std::string NodeText(const Node& node, encoding::Network network) {
    switch (node.kind) {
        case Kind::Pk:
            return "pk(" + KeysText(node, network) + ")";
        case Kind::Pkh:
            return "pkh(" + KeysText(node, network) + ")";
        case Kind::Wpkh:
            return "wpkh(" + KeysText(node, network) + ")";
        case Kind::Combo:
            return "combo(" + KeysText(node, network) + ")";
        case Kind::RawTr:
            return "rawtr(" + KeysText(node, network) + ")";
        case Kind::Multi:
        case Kind::SortedMulti:
        case Kind::MultiA:
        case Kind::SortedMultiA: {
            const char* name = node.kind == Kind::Multi         ? "multi"
                               : node.kind == Kind::SortedMulti ? "sortedmulti"
                               : node.kind == Kind::MultiA      ? "multi_a"
                                                                : "sortedmulti_a";
            return std::string(name) + "(" + std::to_string(node.threshold) + "," + KeysText(node, network) + ")";
        }
        case Kind::Sh:
            return "sh(" + NodeText(node.subs[0], network) + ")";
        case Kind::Wsh:
            return "wsh(" + NodeText(node.subs[0], network) + ")";
        case Kind::Tr: {
            std::string out = "tr(" + KeysText(node, network);
            if (node.subs.empty()) return out + ")";
            out += ',';
            std::vector<bool> path;
            for (size_t pos = 0; pos < node.depths.size(); ++pos) {
                if (pos) out += ',';
                while (static_cast<int>(path.size()) <= node.depths[pos]) {
                    if (!path.empty()) out += '{';
                    path.push_back(false);
                }
                out += NodeText(node.subs[pos], network);
                while (!path.empty() && path.back()) {
                    if (path.size() > 1) out += '}';
                    path.pop_back();
                }
                if (!path.empty()) path.back() = true;
            }
            return out + ")";
        }
        case Kind::Addr:
            return "addr(" + encoding::EncodeAddress(node.script, network).value_or("") + ")";
        case Kind::Raw:
            return "raw(" + util::HexEncode(node.script) + ")";
    }
    return "";
}

// ---------------------------------------------------------------------------------------------
// Scripts

util::Bytes P2pk(util::ByteSpan key) { return ScriptBuilder().Push(key).Op(Opcode::OP_CHECKSIG).Take(); }

util::Bytes P2pkh(const crypto::PubKey& key) {
    return ScriptBuilder()
        .Op(Opcode::OP_DUP)
        .Op(Opcode::OP_HASH160)
        .Push(key.GetId().span())
        .Op(Opcode::OP_EQUALVERIFY)
        .Op(Opcode::OP_CHECKSIG)
        .Take();
}

util::Bytes P2wpkh(const crypto::PubKey& key) { return ScriptBuilder().Op(Opcode::OP_0).Push(key.GetId().span()).Take(); }

util::Bytes P2sh(util::ByteSpan redeem) {
    return ScriptBuilder().Op(Opcode::OP_HASH160).Push(crypto::Hash160(redeem).span()).Op(Opcode::OP_EQUAL).Take();
}

util::Bytes P2wsh(util::ByteSpan witness_script) {
    const auto digest = crypto::Sha256Hash(witness_script);
    return ScriptBuilder().Op(Opcode::OP_0).Push(digest).Take();
}

util::Bytes P2tr(util::ByteSpan xonly) { return ScriptBuilder().Op(Opcode::OP_1).Push(xonly).Take(); }

util::Uint256 TapBranch(const util::Uint256& a, const util::Uint256& b) {
    crypto::Sha256 h = crypto::TaggedHasher("TapBranch");
    const bool a_first = std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
    h.Write(a_first ? a.span() : b.span());
    h.Write(a_first ? b.span() : a.span());
    return util::Uint256(h.Finalize());
}

class Expander {
public:
    Expander(uint32_t pos, const crypto::KeyContext& ctx) : m_pos(pos), m_ctx(ctx) {}

    util::Result<std::vector<util::Bytes>, Error> Scripts(const Node& node) {
        std::vector<util::Bytes> out;
        if (node.kind == Kind::Combo) {
            auto key = node.keys[0].GetPubKey(m_pos, m_ctx);
            if (!key) return Fail(key.error());
            out.push_back(P2pk(key->bytes()));
            out.push_back(P2pkh(*key));
            if (key->IsCompressed()) {
                out.push_back(P2wpkh(*key));
                out.push_back(P2sh(out.back()));
            }
            return out;
        }
        auto script = Script(node);
        if (!script) return Fail(script.error());
        out.push_back(std::move(*script));
        return out;
    }

private:
    util::Result<util::Bytes, Error> Script(const Node& node) {
        std::vector<crypto::PubKey> keys;
        for (const auto& k : node.keys) {
            auto key = k.GetPubKey(m_pos, m_ctx);
            if (!key) return Fail(key.error());
            keys.push_back(*key);
        }
        switch (node.kind) {
            case Kind::Pk:
                if (node.tapscript) return P2pk(keys[0].XOnly().bytes());
                return P2pk(keys[0].bytes());
            case Kind::Pkh:
                return P2pkh(keys[0]);
            case Kind::Wpkh:
                return P2wpkh(keys[0]);
            case Kind::Combo:
                return Fail(std::string("combo() is only valid at top level"));
            case Kind::Multi:
            case Kind::SortedMulti: {
                std::vector<util::Bytes> serialized;
                for (const auto& key : keys) serialized.emplace_back(key.bytes().begin(), key.bytes().end());
                if (node.kind == Kind::SortedMulti) std::sort(serialized.begin(), serialized.end());
                ScriptBuilder b;
                b.PushInt(node.threshold);
                for (const auto& key : serialized) b.Push(key);
                b.PushInt(static_cast<int64_t>(serialized.size())).Op(Opcode::OP_CHECKMULTISIG);
                return b.Take();
            }
            case Kind::MultiA:
            case Kind::SortedMultiA: {
                std::vector<util::Bytes> xonly;
                for (const auto& key : keys) {
                    const crypto::XOnlyPubKey x = key.XOnly();
                    xonly.emplace_back(x.bytes().begin(), x.bytes().end());
                }
                if (node.kind == Kind::SortedMultiA) std::sort(xonly.begin(), xonly.end());
                ScriptBuilder b;
                for (size_t i = 0; i < xonly.size(); ++i) {
                    b.Push(xonly[i]).Op(i == 0 ? Opcode::OP_CHECKSIG : Opcode::OP_CHECKSIGADD);
                }
                b.PushInt(node.threshold).Op(Opcode::OP_NUMEQUAL);
                return b.Take();
            }
            case Kind::Sh: {
                auto sub = Script(node.subs[0]);
                if (!sub) return sub;
                return P2sh(*sub);
            }
            case Kind::Wsh: {
                auto sub = Script(node.subs[0]);
                if (!sub) return sub;
                return P2wsh(*sub);
            }
            case Kind::RawTr:
                return P2tr(keys[0].XOnly().bytes());
            case Kind::Tr:
                return TrScript(node, keys[0]);
            case Kind::Addr:
            case Kind::Raw:
                return node.script;
        }
        return Fail(std::string("unknown descriptor"));
    }

    // BIP341's merkle root over the leaves in depth-first order (Core's TaprootBuilder).
    util::Result<util::Bytes, Error> TrScript(const Node& node, const crypto::PubKey& internal) {
        std::vector<std::optional<util::Uint256>> branch;
        for (size_t i = 0; i < node.subs.size(); ++i) {
            auto leaf = Script(node.subs[i]);
            if (!leaf) return leaf;
            util::Uint256 hash = script::ComputeTapleafHash(TAPROOT_LEAF_TAPSCRIPT, *leaf);
            int depth = node.depths[i];
            if (static_cast<size_t>(depth) + 1 < branch.size()) return Fail(std::string("Invalid tr() tree"));
            while (branch.size() > static_cast<size_t>(depth) && branch[depth].has_value()) {
                hash = TapBranch(hash, *branch[depth]);
                branch.pop_back();
                if (depth == 0) return Fail(std::string("Invalid tr() tree"));
                --depth;
            }
            if (branch.size() <= static_cast<size_t>(depth)) branch.resize(depth + 1);
            branch[depth] = hash;
        }
        const util::Uint256* root = nullptr;
        if (!node.subs.empty()) {
            if (branch.size() != 1 || !branch[0]) return Fail(std::string("Invalid tr() tree"));
            root = &*branch[0];
        }
        auto tweaked = internal.XOnly().CreateTapTweak(root);
        if (!tweaked) return Fail(std::string("Invalid taproot tweak"));
        return P2tr(tweaked->first.bytes());
    }

    uint32_t m_pos;
    const crypto::KeyContext& m_ctx;
};

bool AnyKey(const Node& node, bool (*pred)(const KeyExpression&)) {
    for (const auto& key : node.keys) {
        if (pred(key)) return true;
    }
    for (const auto& sub : node.subs) {
        if (AnyKey(sub, pred)) return true;
    }
    return false;
}

}  // namespace

util::Result<Descriptor, std::string> Descriptor::Parse(std::string_view text, encoding::Network network,
                                                        bool require_checksum, const crypto::KeyContext& key_ctx) {
    auto checked = CheckChecksum(text, require_checksum);
    if (!checked) return Fail(checked.error());
    std::string_view sp = checked->payload;
    Parser parser(network, key_ctx);
    auto root = parser.ParseScript(sp, Context::Top);
    if (!root) return Fail(root.error());
    if (!sp.empty()) return Fail("Unexpected '" + std::string(sp) + "' after the descriptor");
    return Descriptor(std::move(*root), network);
}

std::string Descriptor::ToString() const { return AddChecksum(NodeText(m_root, m_network)); }

bool Descriptor::IsRange() const {
    return AnyKey(m_root, [](const KeyExpression& k) { return k.IsRange(); });
}

bool Descriptor::HasPrivateKeys() const {
    return AnyKey(m_root, [](const KeyExpression& k) { return k.has_private; });
}

bool Descriptor::IsSolvable() const {
    const Node* node = &m_root;
    while (node->kind == Kind::Sh || node->kind == Kind::Wsh) node = &node->subs[0];
    return node->kind != Kind::Addr && node->kind != Kind::Raw;
}

util::Result<std::vector<util::Bytes>, std::string> Descriptor::Expand(uint32_t pos,
                                                                      const crypto::KeyContext& key_ctx) const {
    return Expander(pos, key_ctx).Scripts(m_root);
}

}  // namespace tonari::bitcoin::descriptor

// Bitcoin Core-shaped JSON for transactions, scripts and blocks.
#include "bitcoin/node/json_views.h"

#include <cinttypes>
#include <cstdio>

#include "bitcoin/encoding/address.h"
#include "bitcoin/primitives/merkle.h"
#include "bitcoin/script/asm.h"
#include "bitcoin/script/solver.h"
#include "util/hex.h"

namespace tonari::bitcoin::node {

using primitives::Amount;
using util::Json;

std::string HexU32(uint32_t value) {
    char hex[9];
    std::snprintf(hex, sizeof(hex), "%08x", value);
    return hex;
}

Json AmountToJson(Amount sats) {
    const bool negative = sats < 0;
    const uint64_t abs = negative ? static_cast<uint64_t>(-(sats + 1)) + 1 : static_cast<uint64_t>(sats);
    char buf[40];
    std::snprintf(buf, sizeof(buf), "%s%" PRIu64 ".%08" PRIu64, negative ? "-" : "", abs / 100000000,
                  abs % 100000000);
    return Json::RawNumber(buf);
}

Json ScriptPubKeyToJson(util::ByteSpan script, encoding::Network network) {
    Json o = Json::MakeObject();
    o.Set("asm", script::ScriptToAsm(script, false));
    o.Set("hex", util::HexEncode(script));
    if (auto address = encoding::EncodeAddress(script, network)) o.Set("address", *address);
    o.Set("type", std::string(script::GetTxoutTypeName(script::Solver(script).type)));
    return o;
}

Json TxToJson(const primitives::Tx& tx, encoding::Network network) {
    Json o = Json::MakeObject();
    o.Set("txid", primitives::ComputeTxid(tx).ToHex());
    o.Set("hash", primitives::ComputeWtxid(tx).ToHex());
    o.Set("version", static_cast<uint64_t>(tx.version));
    o.Set("size", static_cast<uint64_t>(primitives::SerializedSize(tx)));
    o.Set("vsize", primitives::TxVirtualSize(tx));
    o.Set("weight", primitives::TxWeight(tx));
    o.Set("locktime", static_cast<uint64_t>(tx.locktime));

    Json vin = Json::MakeArray();
    for (const auto& in : tx.inputs) {
        Json i = Json::MakeObject();
        if (tx.IsCoinbase()) {
            i.Set("coinbase", util::HexEncode(in.script_sig));
        } else {
            i.Set("txid", in.prevout.txid.ToHex());
            i.Set("vout", static_cast<uint64_t>(in.prevout.index));
            Json sig = Json::MakeObject();
            sig.Set("asm", script::ScriptToAsm(in.script_sig, true));
            sig.Set("hex", util::HexEncode(in.script_sig));
            i.Set("scriptSig", std::move(sig));
        }
        if (!in.witness.empty()) {
            Json w = Json::MakeArray();
            for (const auto& item : in.witness) w.PushBack(util::HexEncode(item));
            i.Set("txinwitness", std::move(w));
        }
        i.Set("sequence", static_cast<uint64_t>(in.sequence));
        vin.PushBack(std::move(i));
    }
    o.Set("vin", std::move(vin));

    Json vout = Json::MakeArray();
    for (size_t n = 0; n < tx.outputs.size(); ++n) {
        Json out = Json::MakeObject();
        out.Set("value", AmountToJson(tx.outputs[n].value));
        out.Set("n", static_cast<uint64_t>(n));
        out.Set("scriptPubKey", ScriptPubKeyToJson(tx.outputs[n].script_pubkey, network));
        vout.PushBack(std::move(out));
    }
    o.Set("vout", std::move(vout));
    return o;
}

Json BlockToJson(const primitives::Block& block) {
    const auto& h = block.header;
    Json o = Json::MakeObject();
    o.Set("hash", h.ComputeHash().ToHex());
    o.Set("version", static_cast<int64_t>(h.version));
    o.Set("versionHex", HexU32(static_cast<uint32_t>(h.version)));
    o.Set("merkleroot", h.merkle_root.ToHex());
    o.Set("time", static_cast<uint64_t>(h.time));
    o.Set("nonce", static_cast<uint64_t>(h.nonce));
    o.Set("bits", HexU32(h.bits));
    o.Set("nTx", static_cast<uint64_t>(block.txs.size()));
    if (!h.prev_block.IsNull()) o.Set("previousblockhash", h.prev_block.ToHex());
    o.Set("strippedsize", static_cast<uint64_t>(primitives::SerializedSize(block, false)));
    o.Set("size", static_cast<uint64_t>(primitives::SerializedSize(block, true)));
    o.Set("weight", primitives::BlockWeight(block));
    Json txs = Json::MakeArray();
    for (const auto& tx : block.txs) txs.PushBack(primitives::ComputeTxid(tx).ToHex());
    o.Set("tx", std::move(txs));
    return o;
}

}  // namespace tonari::bitcoin::node

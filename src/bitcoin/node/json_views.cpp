// Bitcoin Core-shaped JSON for transactions, scripts and blocks.
#include "bitcoin/node/json_views.h"

#include <cinttypes>
#include <cstdio>

#include "bitcoin/descriptor/infer.h"
#include "bitcoin/encoding/address.h"
#include "bitcoin/node/rpc_util.h"
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
    o.Set("desc", descriptor::InferDescriptor(script, network));
    o.Set("hex", util::HexEncode(script));
    if (auto address = encoding::EncodeAddress(script, network)) o.Set("address", *address);
    o.Set("type", std::string(script::GetTxoutTypeName(script::Solver(script).type)));
    return o;
}

namespace {

Json TxJson(const primitives::Tx& tx, encoding::Network network, const std::vector<chain::Coin>* spent, bool prevout) {
    Json o = Json::MakeObject();
    o.Set("txid", primitives::ComputeTxid(tx).ToHex());
    o.Set("hash", primitives::ComputeWtxid(tx).ToHex());
    o.Set("version", static_cast<uint64_t>(tx.version));
    o.Set("size", static_cast<uint64_t>(primitives::SerializedSize(tx)));
    o.Set("vsize", primitives::TxVirtualSize(tx));
    o.Set("weight", primitives::TxWeight(tx));
    o.Set("locktime", static_cast<uint64_t>(tx.locktime));

    Json vin = Json::MakeArray();
    for (size_t n = 0; n < tx.inputs.size(); ++n) {
        const auto& in = tx.inputs[n];
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
        if (prevout && spent && n < spent->size()) {
            const chain::Coin& coin = (*spent)[n];
            Json p = Json::MakeObject();
            p.Set("generated", coin.coinbase);
            p.Set("height", static_cast<uint64_t>(coin.height));
            p.Set("value", AmountToJson(coin.out.value));
            p.Set("scriptPubKey", ScriptPubKeyToJson(coin.out.script_pubkey, network));
            i.Set("prevout", std::move(p));
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
    if (spent && spent->size() == tx.inputs.size()) {
        Amount in_total = 0;
        for (const auto& coin : *spent) in_total += coin.out.value;
        Amount out_total = 0;
        for (const auto& out : tx.outputs) out_total += out.value;
        o.Set("fee", AmountToJson(in_total - out_total));
    }
    return o;
}

}  // namespace

Json TxToJson(const primitives::Tx& tx, encoding::Network network) { return TxJson(tx, network, nullptr, false); }

Json BlockTxToJson(const primitives::Tx& tx, encoding::Network network, const std::vector<chain::Coin>* spent,
                   bool prevout) {
    Json o = TxJson(tx, network, spent, prevout);
    o.Set("hex", util::HexEncode(primitives::SerializeTx(tx)));
    return o;
}

Json CoinbaseTxToJson(const primitives::Tx& coinbase) {
    Json o = Json::MakeObject();
    o.Set("version", static_cast<uint64_t>(coinbase.version));
    o.Set("locktime", static_cast<uint64_t>(coinbase.locktime));
    if (coinbase.inputs.empty()) return o;
    const auto& in = coinbase.inputs[0];
    o.Set("sequence", static_cast<uint64_t>(in.sequence));
    o.Set("coinbase", util::HexEncode(in.script_sig));
    if (!in.witness.empty()) o.Set("witness", util::HexEncode(in.witness[0]));
    return o;
}

// Core's blockheaderToJSON fields, in Core's order (nTx and the chain links included).
Json HeaderToJson(const chain::Chainstate& chain, const chain::BlockIndex& index) {
    Json o = Json::MakeObject();
    const auto& active = chain.Chain();
    const bool in_chain = active.Contains(&index);
    o.Set("hash", index.hash.ToHex());
    o.Set("confirmations", in_chain ? int64_t{active.Height() - index.height + 1} : int64_t{-1});
    o.Set("height", int64_t{index.height});
    o.Set("version", int64_t{index.version});
    o.Set("versionHex", HexU32(static_cast<uint32_t>(index.version)));
    o.Set("merkleroot", index.merkle_root.ToHex());
    o.Set("time", int64_t{index.time});
    o.Set("mediantime", index.GetMedianTimePast());
    o.Set("nonce", uint64_t{index.nonce});
    o.Set("bits", HexU32(index.bits));
    o.Set("target", TargetHex(index.bits));
    o.Set("difficulty", DoubleJson(DifficultyFromBits(index.bits)));
    o.Set("chainwork", index.chain_work.ToHex());
    o.Set("nTx", uint64_t{index.tx_count});
    if (index.prev) o.Set("previousblockhash", index.prev->hash.ToHex());
    if (in_chain && index.height < active.Height()) o.Set("nextblockhash", active[index.height + 1]->hash.ToHex());
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

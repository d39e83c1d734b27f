// `tonari demo`: builds every network's genesis block, decodes and checks real mainnet and
// regtest blocks, verifies the scripts of real segwit and taproot spends, and derives keys
// and addresses from a BIP32 seed, printing what it did.
#include "app/demo.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include "bitcoin/consensus/block_check.h"
#include "bitcoin/consensus/params.h"
#include "bitcoin/encoding/address.h"
#include "bitcoin/encoding/bip32.h"
#include "bitcoin/primitives/block.h"
#include "bitcoin/primitives/merkle.h"
#include "bitcoin/script/batch_verify.h"
#include "bitcoin/script/script.h"
#include "bitcoin/script/script_flags.h"
#include "bitcoin/script/sig_cache.h"
#include "crypto/keys.h"
#include "crypto/random.h"
#include "crypto/ripemd160.h"
#include "crypto/sha256.h"
#include "util/hex.h"
#include "util/json.h"
#include "util/worker_pool.h"

namespace tonari::app {
namespace {

using bitcoin::encoding::Network;
namespace consensus = bitcoin::consensus;
namespace primitives = bitcoin::primitives;

class Steps {
public:
    explicit Steps(std::ostream& out) : m_out(out) {}

    void Section(const std::string& title) { m_out << "\n== " << title << "\n"; }
    void Check(bool ok, const std::string& what) {
        m_out << (ok ? "  [ok]   " : "  [FAIL] ") << what << "\n";
        ok ? ++m_passed : ++m_failed;
    }
    void Info(const std::string& line) { m_out << "         " << line << "\n"; }
    int Finish() {
        m_out << "\n" << m_passed << " passed, " << m_failed << " failed\n";
        return m_failed == 0 ? 0 : 1;
    }

private:
    std::ostream& m_out;
    int m_passed = 0;
    int m_failed = 0;
};

std::optional<std::string> ReadFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

double MillisSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

std::string Fmt(const char* fmt, double v) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), fmt, v);
    return buf;
}

void GenesisBlocks(Steps& s) {
    s.Section("Genesis blocks, built from their definitions");
    for (Network n : {Network::Main, Network::Testnet4, Network::Signet, Network::Regtest}) {
        const auto& p = consensus::GetParams(n);
        const auto hash = p.genesis.header.ComputeHash();
        const bool merkle_ok = primitives::BlockMerkleRoot(p.genesis).root == p.genesis.header.merkle_root;
        s.Check(hash == p.genesis_hash && merkle_ok && consensus::CheckBlock(p.genesis, p, true, true),
                std::string(bitcoin::encoding::NetworkName(n)) + ": " + hash.ToHex());
    }
}

void MainnetBlock(Steps& s, const std::filesystem::path& data) {
    s.Section("Mainnet block 413567 (999,887 bytes, 1,557 transactions)");
    auto raw = ReadFile(data / "blocks" / "block413567.raw");
    if (!raw) {
        s.Check(false, "read " + (data / "blocks" / "block413567.raw").string());
        return;
    }
    const auto start = std::chrono::steady_clock::now();
    auto block = primitives::DecodeBlock(util::AsBytes(*raw));
    const double decode_ms = MillisSince(start);
    if (!block) {
        s.Check(false, "decode: " + std::string(primitives::DecodeErrorMessage(block.error())));
        return;
    }
    const auto check_start = std::chrono::steady_clock::now();
    auto checked = consensus::CheckBlock(*block, consensus::GetParams(Network::Main), true, true);
    const double check_ms = MillisSince(check_start);
    s.Check(block->header.ComputeHash().ToHex() ==
                "0000000000000000025aff8be8a55df8f89c77296db6198f272d6577325d4069",
            "hash " + block->header.ComputeHash().ToHex());
    s.Check(block->txs.size() == 1557, std::to_string(block->txs.size()) + " transactions decoded in " +
                                           Fmt("%.2f ms", decode_ms));
    s.Check(static_cast<bool>(checked), "proof of work, merkle root, sizes, coinbase, sigops and every "
                                        "transaction's checks pass in " + Fmt("%.2f ms", check_ms));
    block->txs[700].outputs[0].value += 1;  // one satoshi moved in one transaction
    auto tampered = consensus::CheckBlock(*block, consensus::GetParams(Network::Main), true, true);
    s.Check(!tampered && consensus::ReasonString(tampered.error()) == "bad-txnmrklroot",
            "the same block with one satoshi changed in tx 700 is rejected: " +
                std::string(tampered ? "accepted!" : consensus::ReasonString(tampered.error())));
}

// Verifies the scripts of every non-coinbase transaction of the chain against the outputs
// they spend (kept in memory, in block order), in one batch over a worker pool.
void VerifyChainScripts(Steps& s, const std::vector<primitives::Block>& chain) {
    std::map<primitives::OutPoint, primitives::TxOut> outputs;
    std::vector<const primitives::Tx*> spends;
    bool all_found = true;
    for (const auto& block : chain) {
        for (const auto& tx : block.txs) {
            const primitives::Txid txid = primitives::ComputeTxid(tx);
            if (!tx.IsCoinbase()) {
                for (const auto& in : tx.inputs) all_found = all_found && outputs.count(in.prevout) > 0;
                spends.push_back(&tx);
            }
            for (uint32_t i = 0; i < tx.outputs.size(); ++i) outputs[{txid, i}] = tx.outputs[i];
        }
    }
    if (!all_found || spends.empty()) {
        s.Check(false, "every spent output is found earlier in the chain");
        return;
    }
    std::vector<bitcoin::script::PrecomputedTxData> txdata(spends.size());
    std::vector<bitcoin::script::TxToVerify> batch;
    size_t inputs = 0;
    for (size_t i = 0; i < spends.size(); ++i) {
        std::vector<primitives::TxOut> spent;
        for (const auto& in : spends[i]->inputs) spent.push_back(outputs.at(in.prevout));
        inputs += spent.size();
        txdata[i].Init(*spends[i], std::move(spent));
        batch.push_back({spends[i], &txdata[i]});
    }
    util::WorkerPool pool;
    bitcoin::script::SignatureCache cache;
    const auto flags = bitcoin::script::STANDARD_SCRIPT_VERIFY_FLAGS;
    auto start = std::chrono::steady_clock::now();
    const auto verified = bitcoin::script::VerifyInputs(batch, flags, &cache, true, &pool);
    const double first_ms = MillisSince(start);
    s.Check(static_cast<bool>(verified),
            std::to_string(inputs) + " inputs of " + std::to_string(spends.size()) +
                " transactions pass every script check (standard flags) on " +
                std::to_string(pool.ThreadCount()) + " threads in " + Fmt("%.2f ms", first_ms));
    start = std::chrono::steady_clock::now();
    const auto again = bitcoin::script::VerifyInputs(batch, flags, &cache, false, &pool);
    s.Check(static_cast<bool>(again), "verified again from the signature cache (" + std::to_string(cache.Size()) +
                                          " entries) in " + Fmt("%.2f ms", MillisSince(start)));

    // One bit of one signature changed: that input, and only that one, must fail.
    primitives::Tx tampered = *spends.back();
    for (auto& in : tampered.inputs) {
        if (!in.witness.empty() && in.witness[0].size() > 10) {
            in.witness[0][10] ^= 1;
            break;
        }
    }
    bitcoin::script::PrecomputedTxData tampered_data;
    tampered_data.Init(tampered, txdata.back().spent_outputs);
    const bitcoin::script::TxToVerify one[] = {{&tampered, &tampered_data}};
    const auto bad = bitcoin::script::VerifyInputs(one, flags, nullptr, false, &pool);
    s.Check(!bad, std::string("the last transaction with one signature bit flipped is rejected: ") +
                      (bad ? "accepted!" : std::string(bitcoin::script::ScriptErrorName(bad.error().error))));
}

void RegtestChain(Steps& s, const std::filesystem::path& data) {
    s.Section("206 real regtest blocks (segwit transactions included)");
    auto text = ReadFile(data / "blocks" / "regtest_block_data.txt");
    if (!text) {
        s.Check(false, "read regtest_block_data.txt");
        return;
    }
    const auto& params = consensus::GetParams(Network::Regtest);
    std::istringstream lines(*text);
    std::string line;
    primitives::BlockHash prev = params.genesis_hash;
    size_t txs = 0, witness_txs = 0;
    std::vector<primitives::Block> chain;
    bool ok = true;
    while (std::getline(lines, line)) {
        if (line.empty()) continue;
        auto bytes = util::HexDecode(line);
        auto block = bytes ? primitives::DecodeBlock(*bytes) : util::Fail(primitives::DecodeError::Truncated);
        if (!block || block->header.prev_block != prev || !consensus::CheckBlock(*block, params, true, true)) {
            ok = false;
            break;
        }
        prev = block->header.ComputeHash();
        for (const auto& tx : block->txs) {
            ++txs;
            witness_txs += tx.HasWitness();
        }
        chain.push_back(std::move(*block));
    }
    s.Check(ok && chain.size() == 206,
            std::to_string(chain.size()) + " blocks chain from the regtest genesis and pass the checks");
    s.Info(std::to_string(txs) + " transactions, " + std::to_string(witness_txs) + " with witnesses; tip " +
           prev.ToHex());
    if (ok) VerifyChainScripts(s, chain);
}

// BIP341's fully signed example: seven taproot key-path inputs (every sighash type) plus a
// P2PKH and a P2WPKH input; taproot signatures commit to every input's spent output.
void TaprootSpend(Steps& s, const std::filesystem::path& data) {
    s.Section("Taproot: the fully signed transaction from BIP341's wallet vectors");
    const auto text = ReadFile(data / "bitcoin-core" / "bip341_wallet_vectors.json");
    const auto doc = text ? util::ParseJson(*text) : util::Fail(util::JsonParseError{});
    const util::Json* spending = doc ? doc->Find("keyPathSpending") : nullptr;
    const util::Json* first = spending && spending->IsArray() && spending->size() > 0 ? &(*spending)[0] : nullptr;
    const util::Json* given = first ? first->Find("given") : nullptr;
    const util::Json* utxos = given ? given->Find("utxosSpent") : nullptr;
    const util::Json* aux = first ? first->Find("auxiliary") : nullptr;
    const util::Json* signed_hex = aux ? aux->Find("fullySignedTx") : nullptr;
    if (!utxos || !signed_hex) {
        s.Check(false, "read bip341_wallet_vectors.json");
        return;
    }
    const auto raw = util::HexDecode(signed_hex->GetString());
    auto tx = raw ? primitives::DecodeTx(*raw) : util::Fail(primitives::DecodeError::Truncated);
    std::vector<primitives::TxOut> spent;
    for (const util::Json& u : utxos->GetArray()) {
        const util::Json* spk = u.Find("scriptPubKey");
        const util::Json* amount = u.Find("amountSats");
        const auto script = spk ? util::HexDecode(spk->GetString()) : std::nullopt;
        if (!script || !amount || !amount->GetInt64()) break;
        spent.push_back({*amount->GetInt64(), *script});
    }
    if (!tx || spent.size() != tx->inputs.size()) {
        s.Check(false, "decode the signed transaction and its spent outputs");
        return;
    }
    bitcoin::script::PrecomputedTxData txdata;
    txdata.Init(*tx, spent);
    const bitcoin::script::TxToVerify one[] = {{&*tx, &txdata}};
    const auto flags = bitcoin::script::STANDARD_SCRIPT_VERIFY_FLAGS;
    const auto ok = bitcoin::script::VerifyInputs(one, flags, nullptr, false, nullptr);
    s.Check(static_cast<bool>(ok), "all " + std::to_string(tx->inputs.size()) + " inputs verify, txid " +
                                       primitives::ComputeTxid(*tx).ToHex().substr(0, 16) + "...");
    // Taproot signatures commit to the amounts of all inputs: change one, and the others fail.
    spent.back().value += 1;
    bitcoin::script::PrecomputedTxData changed;
    changed.Init(*tx, spent);
    const bitcoin::script::TxToVerify other[] = {{&*tx, &changed}};
    const auto bad = bitcoin::script::VerifyInputs(other, flags, nullptr, false, nullptr);
    s.Check(!bad && bad.error().input_index == 0,
            std::string("one satoshi more on the last spent output makes input 0 fail: ") +
                (bad ? "accepted!" : std::string(bitcoin::script::ScriptErrorName(bad.error().error))));
}

void Keys(Steps& s) {
    s.Section("Keys and addresses from BIP32 seed 000102030405060708090a0b0c0d0e0f");
    const crypto::KeyContext ctx;
    const auto seed = *util::HexDecode("000102030405060708090a0b0c0d0e0f");
    auto master = bitcoin::encoding::ExtKey::FromSeed(seed);
    if (!master) {
        s.Check(false, "master key from seed");
        return;
    }
    const std::string xprv = master->Encode(Network::Main);
    s.Check(xprv == "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi",
            "master key matches the BIP32 vector: " + xprv.substr(0, 24) + "...");

    struct Want {
        const char* path;
        bool taproot;
    };
    for (const Want& w : {Want{"m/84'/0'/0'/0/0", false}, Want{"m/86'/0'/0'/0/0", true}}) {
        auto path = bitcoin::encoding::ParseDerivationPath(w.path);
        auto child = path ? master->DerivePath(ctx, *path) : std::nullopt;
        if (!child) {
            s.Check(false, std::string("derive ") + w.path);
            continue;
        }
        const crypto::PubKey pub = child->key.GetPubKey(ctx);
        util::Bytes script;
        if (w.taproot) {
            auto tweaked = pub.XOnly().CreateTapTweak(nullptr);
            script = {0x51, 0x20};
            script.insert(script.end(), tweaked->first.bytes().begin(), tweaked->first.bytes().end());
        } else {
            const util::Uint160 id = pub.GetId();
            script = {0x00, 0x14};
            script.insert(script.end(), id.begin(), id.end());
        }
        for (Network n : {Network::Main, Network::Regtest}) {
            auto address = bitcoin::encoding::EncodeAddress(script, n);
            auto back = address ? bitcoin::encoding::DecodeAddress(*address, n) : util::Fail(bitcoin::encoding::AddressError{});
            s.Check(address && back && *back == script,
                    std::string(w.path) + (w.taproot ? " taproot " : " segwit  ") +
                        std::string(bitcoin::encoding::NetworkName(n)) + ": " + address.value_or("?"));
        }
    }

    auto key = crypto::PrivKey::Generate();
    const auto msg = crypto::Sha256d(util::AsBytes("A pays B 1 BTC"));
    const util::Bytes der = key.SignEcdsa(ctx, msg);
    const crypto::PubKey pub = key.GetPubKey(ctx);
    auto other = crypto::Sha256d(util::AsBytes("A pays B 2 BTC"));
    s.Check(pub.VerifyEcdsa(msg, der) && !pub.VerifyEcdsa(other, der),
            "ECDSA: a fresh key signs (" + std::to_string(der.size()) + "-byte DER, low S); a changed message fails");
    const auto sig = key.SignSchnorr(ctx, msg, crypto::RandomUint256());
    s.Check(pub.XOnly().VerifySchnorr(msg.span(), sig) && !pub.XOnly().VerifySchnorr(other.span(), sig),
            "BIP340 Schnorr: sign and verify; a changed message fails");
}

}  // namespace

int RunDemo(const std::string& data_dir, std::ostream& out) {
    const std::filesystem::path data(data_dir);
    out << "Tonari demo: the Bitcoin foundation on real data (SHA-256 backend: "
        << crypto::Sha256Implementation() << ")\n";
    if (!std::filesystem::is_directory(data / "blocks")) {
        out << "error: no vector files under " << data_dir << " (pass --data DIR, e.g. --data test/data)\n";
        return 1;
    }
    Steps s(out);
    GenesisBlocks(s);
    MainnetBlock(s, data);
    RegtestChain(s, data);
    TaprootSpend(s, data);
    Keys(s);
    return s.Finish();
}

}  // namespace tonari::app

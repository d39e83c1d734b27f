// libFuzzer target: the script interpreter on arbitrary scripts, witnesses and flags must never
// crash, hang or read out of bounds, and must keep the invariants below.
//
// Input layout (chosen so seeds can be written by hand; see fuzz/corpus/interpreter_fuzz/):
//   [flags: u32 LE] [mode: u8] then chunks of [length: u16 LE][bytes]:
//   chunk 0 = scriptSig, chunk 1 = scriptPubKey, chunks 2.. = witness items.
//   mode bits 0-1: sigversion of the bare EvalScript run (BASE, WITNESS_V0, TAPSCRIPT, BASE);
//   bit 2: which fixed transaction is spent; bits 3-7: the input index (mod its input count).
//
// Each input runs
//   1. EvalScript(scriptPubKey) on the witness items with the default (always failing) checker,
//      twice: the outcome must be deterministic;
//   2. VerifyScript with the default checker;
//   3. VerifyTxInput on a real transaction from the BIP vectors, whose chosen input gets the
//      fuzzed scriptSig and witness and whose spent output the fuzzed scriptPubKey, so valid
//      signatures (in the seeds) reach the real sighash and curve code; also through an
//      explicit TransactionSignatureChecker and through a SignatureCache, which must agree.
// A successful spend under consensus flags only must stay successful with any one of them
// removed: every consensus flag is a soft fork, i.e. only ever forbids.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <utility>
#include <vector>

#include "bitcoin/primitives/transaction.h"
#include "bitcoin/script/interpreter.h"
#include "bitcoin/script/script.h"
#include "bitcoin/script/script_error.h"
#include "bitcoin/script/script_flags.h"
#include "bitcoin/script/sig_cache.h"
#include "bitcoin/script/sighash.h"
#include "util/hex.h"

using namespace tonari::bitcoin::script;
using tonari::bitcoin::primitives::Amount;
using tonari::bitcoin::primitives::DecodeTx;
using tonari::bitcoin::primitives::Tx;
using tonari::bitcoin::primitives::TxOut;
using tonari::util::Bytes;
using tonari::util::ByteSpan;

namespace {

struct FixedSpend {
    Tx tx;
    std::vector<TxOut> spent_outputs;
};

FixedSpend MakeFixedSpend(const char* tx_hex, std::vector<std::pair<Amount, const char*>> outputs) {
    FixedSpend f;
    const auto bytes = tonari::util::HexDecode(tx_hex);
    if (!bytes) std::abort();
    auto tx = DecodeTx(*bytes);
    if (!tx || tx->inputs.size() != outputs.size()) std::abort();
    f.tx = std::move(*tx);
    for (const auto& [amount, spk] : outputs)
        f.spent_outputs.push_back(TxOut{amount, *tonari::util::HexDecode(spk)});
    return f;
}

// The unsigned transactions of BIP143's "Native P2WPKH" example and of BIP341's key-path
// wallet vector (bip341_wallet_vectors.json), with the outputs they spend.
const std::vector<FixedSpend>& FixedSpends() {
    static const std::vector<FixedSpend> spends = {
        MakeFixedSpend("0100000002fff7f7881a8099afa6940d42d1e7f6362bec38171ea3edf433541db4e4ad969f0000000000e"
                       "effffffef51e1"
                       "b804cc89d182d279655c3aa89e815b1b309fe287d9b2b55d57b90ec68a0100000000ffffffff02202cb20"
                       "600000000197"
                       "6a9148280b37df378db99f66f85c95a783a76ac7a6d5988ac9093510d000000001976a9143bde42dbee7e"
                       "4dbe6a21b2d5"
                       "0ce2f0167faa815988ac11000000",
                       {{625000000, "2103c9f4836b9a4f77fc0d81f7bcb01b7f1b35916864b9476c241ce9fc198bd25432ac"},
                        {600000000, "00141d0f172a0ecb48aee1be1f2687d2963ae33f71a1"}}),
        MakeFixedSpend(
            "02000000097de20cbff686da83a54981d2b9bab3586f4ca7e48f57f5b55963115f3b334e9c010000000000000000d7b7"
            "cab57b1393ace2d064f4d4a2cb8af6def61273e127517d44759b6dafdd990000000000fffffffff8e1f5833843336892"
            "28c5d28eac13366be082dc57441760d957275419a418420000000000fffffffff0689180aa63b30cb162a73c6d2a38b7"
            "eeda2a83ece74310fda0843ad604853b0100000000feffffffaa5202bdf6d8ccd2ee0f0202afbbb7461d9264a25e5bfd"
            "3c5a52ee1239e0ba6c0000000000feffffff956149bdc66faa968eb2be2d2faa29718acbfe3941215893a2a3446d32ac"
            "d050000000000000000000e664b9773b88c09c32cb70a2a3e4da0ced63b7ba3b22f848531bbb1d5d5f4c940100000000"
            "00000000e9aa6b8e6c9de67619e6a3924ae25696bb7b694bb677a632a74ef7eadfd4eabf0000000000ffffffffa778eb"
            "6a263dc090464cd125c466b5a99667720b1c110468831d058aa1b82af10100000000ffffffff0200ca9a3b0000000019"
            "76a91406afd46bcdfd22ef94ac122aa11f241244a37ecc88ac807840cb0000000020ac9a87f5594be208f8532db38cff"
            "670c450ed2fea8fcdefcc9a663f78bab962b0065cd1d",
            {{420000000, "512053a1f6e454df1aa2776a2814a721372d6258050de330b3c6d10ee8f4e0dda343"},
             {462000000, "5120147c9c57132f6e7ecddba9800bb0c4449251c92a1e60371ee77557b6620f3ea3"},
             {294000000, "76a914751e76e8199196d454941c45d1b3a323f1433bd688ac"},
             {504000000, "5120e4d810fd50586274face62b8a807eb9719cef49c04177cc6b76a9a4251d5450e"},
             {630000000, "512091b64d5324723a985170e4dc5a0f84c041804f2cd12660fa5dec09fc21783605"},
             {378000000, "00147dd65592d0ab2fe0d0257d571abf032cd9db93dc"},
             {672000000, "512075169f4001aa68f15bbed28b218df1d0a62cbbcf1188c6665110c293c907b831"},
             {546000000, "5120712447206d7a5238acc7ff53fbe94a3b64539ad291c7cdbc490b7577e4b17df5"},
             {588000000, "512077e30a5522dd9f894c3f8b8bd4c4b2cf82ca7da8a3ea6a239655c39c050ab220"}}),
    };
    return spends;
}

// Splits the input into length-prefixed chunks; a length past the end takes what is left.
std::vector<ByteSpan> ReadChunks(ByteSpan data) {
    std::vector<ByteSpan> chunks;
    size_t pos = 0;
    while (pos < data.size()) {
        size_t len = data[pos];
        if (pos + 1 < data.size()) len |= static_cast<size_t>(data[pos + 1]) << 8;
        pos = std::min(pos + 2, data.size());
        len = std::min(len, data.size() - pos);
        chunks.push_back(data.subspan(pos, len));
        pos += len;
    }
    return chunks;
}

using VerifyResult = tonari::util::Result<void, ScriptError>;

ScriptError ErrorOf(const VerifyResult& r) {
    return r ? ScriptError::OK : r.error();
}

// Every failure names a real reason: never OK, never outside the enumeration.
void CheckOutcome(const VerifyResult& r) {
    if (r) return;
    if (r.error() == ScriptError::OK || static_cast<size_t>(r.error()) >= SCRIPT_ERROR_COUNT) std::abort();
    if (ScriptErrorName(r.error()).empty()) std::abort();
}

// Bitcoin Core rejects these combinations outright (its interpreter asserts): without P2SH a
// wrapped witness program is indistinguishable from stray witness data.
bool IsSaneFlagCombination(ScriptFlags flags) {
    if ((flags & SCRIPT_VERIFY_WITNESS) && !(flags & SCRIPT_VERIFY_P2SH)) return false;
    if ((flags & SCRIPT_VERIFY_CLEANSTACK) && (~flags & (SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_WITNESS)))
        return false;
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 5) return 0;
    ScriptFlags flags = (static_cast<ScriptFlags>(data[0]) | static_cast<ScriptFlags>(data[1]) << 8 |
                         static_cast<ScriptFlags>(data[2]) << 16 | static_cast<ScriptFlags>(data[3]) << 24) &
                        SCRIPT_VERIFY_ALL_KNOWN;
    // Make the combination sane by adding what is implied, so every input bit pattern counts.
    if (flags & SCRIPT_VERIFY_CLEANSTACK) flags |= SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_WITNESS;
    if (flags & SCRIPT_VERIFY_WITNESS) flags |= SCRIPT_VERIFY_P2SH;
    const uint8_t mode = data[4];
    const std::vector<ByteSpan> chunks = ReadChunks(ByteSpan(data + 5, size - 5));
    const ByteSpan script_sig = chunks.size() > 0 ? chunks[0] : ByteSpan();
    const ByteSpan script_pubkey = chunks.size() > 1 ? chunks[1] : ByteSpan();
    std::vector<Bytes> witness;
    for (size_t i = 2; i < chunks.size(); ++i) witness.emplace_back(chunks[i].begin(), chunks[i].end());

    // 1. A bare EvalScript with the default checker, twice.
    static constexpr SigVersion SIGVERSIONS[4] = {SigVersion::BASE, SigVersion::WITNESS_V0,
                                                  SigVersion::TAPSCRIPT, SigVersion::BASE};
    const SigVersion sigversion = SIGVERSIONS[mode & 3];
    const SignatureChecker default_checker;
    ScriptStack stacks[2] = {ScriptStack(witness.begin(), witness.end()),
                             ScriptStack(witness.begin(), witness.end())};
    VerifyResult eval[2];
    for (int run = 0; run < 2; ++run) {
        ScriptExecutionData execdata;
        if (sigversion == SigVersion::TAPSCRIPT)
            execdata.sighash.tapleaf_hash = ComputeTapleafHash(0xc0, script_pubkey);
        execdata.validation_weight_left = 50 + static_cast<int64_t>(size);
        eval[run] = EvalScript(stacks[run], script_pubkey, flags, default_checker, sigversion, execdata);
        CheckOutcome(eval[run]);
    }
    if (ErrorOf(eval[0]) != ErrorOf(eval[1]) || stacks[0] != stacks[1]) std::abort();
    // The stack limit is checked after every executed or skipped operation.
    if (eval[0] && !script_pubkey.empty() && stacks[0].size() > MAX_STACK_SIZE) std::abort();
    if (sigversion != SigVersion::TAPSCRIPT && script_pubkey.size() > MAX_SCRIPT_SIZE &&
        ErrorOf(eval[0]) != ScriptError::SCRIPT_SIZE)
        std::abort();

    // 2. A complete spend check with the default checker.
    CheckOutcome(VerifyScript(script_sig, script_pubkey, witness, flags, default_checker));

    // 3. The same spend against a real transaction.
    const FixedSpend& fixed = FixedSpends()[(mode >> 2) & 1];
    const size_t index = static_cast<size_t>(mode >> 3) % fixed.tx.inputs.size();
    Tx tx = fixed.tx;
    tx.inputs[index].script_sig.assign(script_sig.begin(), script_sig.end());
    tx.inputs[index].witness = witness;
    std::vector<TxOut> spent = fixed.spent_outputs;
    spent[index].script_pubkey.assign(script_pubkey.begin(), script_pubkey.end());
    PrecomputedTxData txdata;
    txdata.Init(tx, spent, true);

    const VerifyResult result = VerifyTxInput(tx, index, txdata, flags);
    CheckOutcome(result);
    const TransactionSignatureChecker checker(tx, index, spent[index].value, txdata);
    if (ErrorOf(VerifyScript(script_sig, script_pubkey, witness, flags, checker)) != ErrorOf(result))
        std::abort();

    // A cache only ever remembers signatures that verified, so it never changes an answer:
    // neither when storing, nor when a later check finds the entry.
    static SignatureCache cache(4096);
    if (ErrorOf(VerifyTxInput(tx, index, txdata, flags, &cache, true)) != ErrorOf(result)) std::abort();
    if (ErrorOf(VerifyTxInput(tx, index, txdata, flags, &cache, false)) != ErrorOf(result)) std::abort();

    // Soft-fork monotonicity, for consensus flags only (policy flags interact: removing TAPROOT
    // turns a v1 program into an "upgradable" one that DISCOURAGE_... then rejects).
    if (result && (flags & ~MANDATORY_SCRIPT_VERIFY_FLAGS) == 0) {
        for (ScriptFlags bit = 1; bit <= flags; bit <<= 1) {
            if ((flags & bit) == 0) continue;
            const ScriptFlags fewer = flags & ~bit;
            if (!IsSaneFlagCombination(fewer)) continue;
            if (!VerifyTxInput(tx, index, txdata, fewer)) std::abort();
        }
    }
    return 0;
}

// Coin stored format (varints, amount and script compression), the in-memory view, the
// salted outpoint hasher and AddCoins. The cache itself is in coins_cache.cpp.
#include "bitcoin/chain/coins.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <span>

#include "bitcoin/primitives/amount.h"
#include "bitcoin/script/script.h"
#include "crypto/random.h"
#include "crypto/siphash.h"

namespace tonari::bitcoin::chain {
namespace {

using primitives::Amount;
using primitives::MAX_MONEY;

// --- amounts -----------------------------------------------------------------------------

constexpr int MAX_AMOUNT_EXPONENT = 9;

constexpr uint64_t Pow10(int e) {
    uint64_t v = 1;
    for (int i = 0; i < e; ++i) v *= 10;
    return v;
}

uint64_t CompressAmount(Amount value) {
    assert(primitives::MoneyRange(value));
    auto v = static_cast<uint64_t>(value);
    if (v == 0) return 0;
    int e = 0;
    while (e < MAX_AMOUNT_EXPONENT && v % 10 == 0) {
        v /= 10;
        ++e;
    }
    return v * 10 + static_cast<uint64_t>(e);
}

util::Result<Amount, CoinsDecodeError> DecompressAmount(uint64_t code) {
    const int e = static_cast<int>(code % 10);
    const uint64_t m = code / 10;
    // Canonical: zero only as code 0; below the top exponent, the mantissa has no trailing 0.
    if (m == 0 && e != 0) return util::Fail(CoinsDecodeError::NonCanonical);
    if (e < MAX_AMOUNT_EXPONENT && m != 0 && m % 10 == 0) return util::Fail(CoinsDecodeError::NonCanonical);
    if (m > static_cast<uint64_t>(MAX_MONEY) / Pow10(e)) return util::Fail(CoinsDecodeError::ValueOutOfRange);
    return static_cast<Amount>(m * Pow10(e));
}

// --- scripts -------------------------------------------------------------------------------

// A standard output script reduced to its variable part (a hash or key) between fixed bytes.
struct ScriptTemplate {
    std::span<const uint8_t> prefix;
    size_t payload;
    std::span<const uint8_t> suffix;
    size_t size() const { return prefix.size() + payload + suffix.size(); }
};

constexpr uint8_t P2PKH_PREFIX[] = {0x76, 0xa9, 0x14};  // OP_DUP OP_HASH160 push20
constexpr uint8_t P2PKH_SUFFIX[] = {0x88, 0xac};        // OP_EQUALVERIFY OP_CHECKSIG
constexpr uint8_t P2SH_PREFIX[] = {0xa9, 0x14};         // OP_HASH160 push20
constexpr uint8_t P2SH_SUFFIX[] = {0x87};               // OP_EQUAL
constexpr uint8_t P2WPKH_PREFIX[] = {0x00, 0x14};       // OP_0 push20
constexpr uint8_t P2WSH_PREFIX[] = {0x00, 0x20};        // OP_0 push32
constexpr uint8_t P2TR_PREFIX[] = {0x51, 0x20};         // OP_1 push32

// Index = script code. Changing this table changes the stored format.
constexpr std::array<ScriptTemplate, 5> TEMPLATES = {{
    {P2PKH_PREFIX, 20, P2PKH_SUFFIX},
    {P2SH_PREFIX, 20, P2SH_SUFFIX},
    {P2WPKH_PREFIX, 20, {}},
    {P2WSH_PREFIX, 32, {}},
    {P2TR_PREFIX, 32, {}},
}};
constexpr uint64_t RAW_SCRIPT_BASE = TEMPLATES.size();

bool Matches(const ScriptTemplate& t, util::ByteSpan script) {
    return script.size() == t.size() && std::equal(t.prefix.begin(), t.prefix.end(), script.begin()) &&
           std::equal(t.suffix.begin(), t.suffix.end(), script.end() - static_cast<std::ptrdiff_t>(t.suffix.size()));
}

std::optional<size_t> FindTemplate(util::ByteSpan script) {
    for (size_t i = 0; i < TEMPLATES.size(); ++i) {
        if (Matches(TEMPLATES[i], script)) return i;
    }
    return std::nullopt;
}

util::Result<util::Bytes, CoinsDecodeError> ReadScript(util::ByteReader& r) {
    auto code = ReadVarInt(r);
    if (!code) return util::Fail(code.error());
    if (*code < RAW_SCRIPT_BASE) {
        const ScriptTemplate& t = TEMPLATES[*code];
        const util::ByteSpan payload = r.ReadSpan(t.payload);
        if (r.failed()) return util::Fail(CoinsDecodeError::Truncated);
        util::Bytes script;
        script.reserve(t.size());
        script.insert(script.end(), t.prefix.begin(), t.prefix.end());
        script.insert(script.end(), payload.begin(), payload.end());
        script.insert(script.end(), t.suffix.begin(), t.suffix.end());
        return script;
    }
    const uint64_t size = *code - RAW_SCRIPT_BASE;
    // Larger scripts are unspendable and never stored; refusing them also bounds the
    // allocation a corrupt length could ask for.
    if (size > script::MAX_SCRIPT_SIZE) {
        r.Fail();
        return util::Fail(CoinsDecodeError::ScriptTooLarge);
    }
    if (!r.CheckCount(size, 1)) return util::Fail(CoinsDecodeError::Truncated);
    util::Bytes script = r.ReadBytes(size);
    if (FindTemplate(script)) {
        r.Fail();
        return util::Fail(CoinsDecodeError::NonCanonical);
    }
    return script;
}

}  // namespace

std::string_view CoinsDecodeErrorMessage(CoinsDecodeError e) {
    switch (e) {
        case CoinsDecodeError::Truncated:
            return "truncated coin data";
        case CoinsDecodeError::TrailingBytes:
            return "trailing bytes after coin data";
        case CoinsDecodeError::NonCanonical:
            return "non-canonical coin encoding";
        case CoinsDecodeError::ValueOutOfRange:
            return "coin value out of range";
        case CoinsDecodeError::HeightOutOfRange:
            return "coin height out of range";
        case CoinsDecodeError::ScriptTooLarge:
            return "coin script too large";
        case CoinsDecodeError::EmptyTxUndo:
            return "undo entry without spent coins";
        case CoinsDecodeError::ChecksumMismatch:
            return "undo checksum mismatch";
    }
    return "unknown coin decode error";
}

void WriteVarInt(util::ByteWriter& w, uint64_t v) {
    while (v >= 0x80) {
        w.WriteU8(static_cast<uint8_t>(v | 0x80));
        v >>= 7;
    }
    w.WriteU8(static_cast<uint8_t>(v));
}

util::Result<uint64_t, CoinsDecodeError> ReadVarInt(util::ByteReader& r) {
    // 64 bits need 10 groups of 7; the tenth may only carry the top bit.
    constexpr int MAX_VARINT_BYTES = 10;
    uint64_t v = 0;
    for (int i = 0; i < MAX_VARINT_BYTES; ++i) {
        const uint8_t b = r.ReadU8();
        if (r.failed()) return util::Fail(CoinsDecodeError::Truncated);
        if (i == MAX_VARINT_BYTES - 1 && b > 1) {
            r.Fail();
            return util::Fail(CoinsDecodeError::NonCanonical);
        }
        v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
        if ((b & 0x80) == 0) {
            if (b == 0 && i > 0) {  // a zero top group: the value had a shorter encoding
                r.Fail();
                return util::Fail(CoinsDecodeError::NonCanonical);
            }
            return v;
        }
    }
    r.Fail();
    return util::Fail(CoinsDecodeError::NonCanonical);
}

void EncodeCoin(util::ByteWriter& w, const Coin& coin) {
    assert(coin.height <= MAX_COIN_HEIGHT);
    assert(coin.out.script_pubkey.size() <= script::MAX_SCRIPT_SIZE);
    WriteVarInt(w, static_cast<uint64_t>(coin.height) * 2 + (coin.coinbase ? 1 : 0));
    WriteVarInt(w, CompressAmount(coin.out.value));
    const util::Bytes& script = coin.out.script_pubkey;
    if (const auto t = FindTemplate(script)) {
        WriteVarInt(w, *t);
        w.WriteBytes(util::ByteSpan(script).subspan(TEMPLATES[*t].prefix.size(), TEMPLATES[*t].payload));
    } else {
        WriteVarInt(w, RAW_SCRIPT_BASE + script.size());
        w.WriteBytes(script);
    }
}

util::Bytes SerializeCoin(const Coin& coin) {
    util::ByteWriter w;
    EncodeCoin(w, coin);
    return w.Take();
}

util::Result<Coin, CoinsDecodeError> DecodeCoin(util::ByteReader& r) {
    Coin coin;
    auto code = ReadVarInt(r);
    if (!code) return util::Fail(code.error());
    if (*code / 2 > MAX_COIN_HEIGHT) {
        r.Fail();
        return util::Fail(CoinsDecodeError::HeightOutOfRange);
    }
    coin.height = static_cast<uint32_t>(*code / 2);
    coin.coinbase = (*code & 1) != 0;

    auto amount_code = ReadVarInt(r);
    if (!amount_code) return util::Fail(amount_code.error());
    auto value = DecompressAmount(*amount_code);
    if (!value) {
        r.Fail();
        return util::Fail(value.error());
    }
    coin.out.value = *value;

    auto script = ReadScript(r);
    if (!script) return util::Fail(script.error());
    coin.out.script_pubkey = std::move(*script);
    return coin;
}

util::Result<Coin, CoinsDecodeError> DecodeCoin(util::ByteSpan bytes) {
    util::ByteReader r(bytes);
    auto coin = DecodeCoin(r);
    if (!coin) return coin;
    if (!r.empty()) return util::Fail(CoinsDecodeError::TrailingBytes);
    return coin;
}

// --- MemoryCoinsView ---------------------------------------------------------------------

std::optional<Coin> MemoryCoinsView::GetCoin(const primitives::OutPoint& outpoint) const {
    const auto it = m_coins.find(outpoint);
    if (it == m_coins.end()) return std::nullopt;
    return it->second;
}

bool MemoryCoinsView::HaveCoin(const primitives::OutPoint& outpoint) const {
    return m_coins.contains(outpoint);
}

util::Result<void, CoinsIoError> MemoryCoinsView::BatchWrite(CoinsBatch& changes,
                                                             const primitives::BlockHash& best_block) {
    if (m_fail_writes) return util::Fail(CoinsIoError{"memory view: write failure injected"});
    changes.ForEach([&](CoinChange& change) {
        if (change.coin == nullptr) {
            m_coins.erase(change.outpoint);
        } else if (change.movable) {
            m_coins.insert_or_assign(change.outpoint, std::move(*change.coin));
        } else {
            m_coins.insert_or_assign(change.outpoint, *change.coin);
        }
    });
    m_best_block = best_block;
    return {};
}

void MemoryCoinsView::ForEachCoin(
    const std::function<void(const primitives::OutPoint&, const Coin&)>& fn) const {
    for (const auto& [outpoint, coin] : m_coins) fn(outpoint, coin);
}

// --- hashing -----------------------------------------------------------------------------

SaltedOutPointHasher::SaltedOutPointHasher() : m_k0(crypto::RandomU64()), m_k1(crypto::RandomU64()) {}

size_t SaltedOutPointHasher::operator()(const primitives::OutPoint& outpoint) const noexcept {
    // The index selects a different key, so outputs of one transaction spread like unrelated
    // outpoints while the txid bytes still go through the unrolled 32-byte path.
    const uint64_t k0 = m_k0 ^ (static_cast<uint64_t>(outpoint.index) * 0x9e3779b97f4a7c15ULL);
    return static_cast<size_t>(crypto::SipHash24Uint256(k0, m_k1, outpoint.txid.get()));
}

// --- AddCoins ----------------------------------------------------------------------------

bool AddCoins(CoinsViewCache& cache, const primitives::Tx& tx, const primitives::Txid& txid, uint32_t height,
              bool check_for_overwrite) {
    const bool coinbase = tx.IsCoinbase();
    for (size_t i = 0; i < tx.outputs.size(); ++i) {
        const primitives::OutPoint outpoint{txid, static_cast<uint32_t>(i)};
        // Coinbases may always overwrite: two pre-BIP30 mainnet coinbases duplicate earlier ones.
        const bool overwrite = check_for_overwrite ? cache.HaveCoin(outpoint) : coinbase;
        if (!cache.AddCoin(outpoint, Coin{tx.outputs[i], height, coinbase}, overwrite)) return false;
    }
    return true;
}

}  // namespace tonari::bitcoin::chain

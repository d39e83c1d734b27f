// BIP39 encoding, decoding and seed derivation (see bip39.h).
#include "bitcoin/wallet/bip39.h"

#include <algorithm>
#include <vector>

#include "bitcoin/wallet/secure_wipe.h"
#include "crypto/hmac.h"
#include "crypto/sha256.h"

namespace tonari::bitcoin::wallet {
namespace {

constexpr size_t BITS_PER_WORD = 11;

bool IsAsciiSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool IsAscii(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::vector<std::string_view> SplitWords(std::string_view text) {
    std::vector<std::string_view> words;
    size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && IsAsciiSpace(text[i])) ++i;
        const size_t start = i;
        while (i < text.size() && !IsAsciiSpace(text[i])) ++i;
        if (i > start) words.push_back(text.substr(start, i - start));
    }
    return words;
}

bool GetBit(util::ByteSpan bytes, size_t bit) {
    return (bytes[bit / 8] >> (7 - bit % 8)) & 1;
}

void SetBit(util::Bytes& bytes, size_t bit) {
    bytes[bit / 8] |= static_cast<uint8_t>(0x80 >> (bit % 8));
}

}  // namespace

std::string_view Bip39ErrorName(Bip39Error e) {
    switch (e) {
        case Bip39Error::BadEntropyLength:
            return "Entropy must be 16 to 32 bytes, a multiple of 4";
        case Bip39Error::WrongWordCount:
            return "Mnemonic must have 12, 15, 18, 21 or 24 words";
        case Bip39Error::UnknownWord:
            return "Mnemonic contains a word that is not in the BIP39 English wordlist";
        case Bip39Error::BadChecksum:
            return "Mnemonic checksum is invalid";
        case Bip39Error::NonAsciiMnemonic:
            return "Mnemonic must be ASCII (Unicode normalization is not supported)";
        case Bip39Error::NonAsciiPassphrase:
            return "Passphrase must be ASCII (Unicode normalization is not supported)";
        case Bip39Error::PassphraseTooLong:
            return "Passphrase is too long";
    }
    return "unknown BIP39 error";
}

std::optional<uint16_t> Bip39WordIndex(std::string_view word) {
    const auto& words = Bip39EnglishWords();
    const auto it = std::lower_bound(words.begin(), words.end(), word);
    if (it == words.end() || *it != word) return std::nullopt;
    return static_cast<uint16_t>(it - words.begin());
}

std::string NormalizeMnemonic(std::string_view text) {
    std::string out;
    for (std::string_view w : SplitWords(text)) {
        if (!out.empty()) out.push_back(' ');
        out.append(w);
    }
    return out;
}

util::Result<std::string, Bip39Error> MnemonicFromEntropy(util::ByteSpan entropy) {
    if (entropy.size() < BIP39_MIN_ENTROPY_BYTES || entropy.size() > BIP39_MAX_ENTROPY_BYTES ||
        entropy.size() % 4 != 0) {
        return util::Fail(Bip39Error::BadEntropyLength);
    }
    const size_t ent_bits = entropy.size() * 8;
    const size_t cs_bits = ent_bits / 32;
    const auto checksum = crypto::Sha256Hash(entropy);
    const auto& words = Bip39EnglishWords();
    std::string out;
    const size_t word_count = (ent_bits + cs_bits) / BITS_PER_WORD;
    for (size_t w = 0; w < word_count; ++w) {
        uint32_t index = 0;
        for (size_t b = 0; b < BITS_PER_WORD; ++b) {
            const size_t bit = w * BITS_PER_WORD + b;
            const bool v = bit < ent_bits ? GetBit(entropy, bit) : GetBit(checksum, bit - ent_bits);
            index = (index << 1) | (v ? 1u : 0u);
        }
        if (w > 0) out.push_back(' ');
        out.append(words[index]);
    }
    return out;
}

util::Result<util::Bytes, Bip39Error> EntropyFromMnemonic(std::string_view mnemonic) {
    if (mnemonic.size() > MAX_MNEMONIC_CHARS) return util::Fail(Bip39Error::WrongWordCount);
    if (!IsAscii(mnemonic)) return util::Fail(Bip39Error::NonAsciiMnemonic);
    const std::vector<std::string_view> words = SplitWords(mnemonic);
    if (words.size() < 12 || words.size() > 24 || words.size() % 3 != 0) {
        return util::Fail(Bip39Error::WrongWordCount);
    }
    const size_t total_bits = words.size() * BITS_PER_WORD;
    const size_t cs_bits = total_bits / 33;
    const size_t ent_bits = total_bits - cs_bits;
    // Entropy then checksum, bit-packed; sized for both (the checksum is at most 8 bits).
    util::Bytes bits((total_bits + 7) / 8, 0);
    for (size_t w = 0; w < words.size(); ++w) {
        const auto index = Bip39WordIndex(words[w]);
        if (!index) {
            detail::SecureWipe(bits);
            return util::Fail(Bip39Error::UnknownWord);
        }
        for (size_t b = 0; b < BITS_PER_WORD; ++b) {
            if ((*index >> (BITS_PER_WORD - 1 - b)) & 1) SetBit(bits, w * BITS_PER_WORD + b);
        }
    }
    util::Bytes entropy(bits.begin(), bits.begin() + static_cast<std::ptrdiff_t>(ent_bits / 8));
    const auto checksum = crypto::Sha256Hash(entropy);
    bool ok = true;
    for (size_t b = 0; b < cs_bits; ++b) {
        if (GetBit(bits, ent_bits + b) != GetBit(checksum, b)) ok = false;
    }
    detail::SecureWipe(bits);
    if (!ok) {
        detail::SecureWipe(entropy);
        return util::Fail(Bip39Error::BadChecksum);
    }
    return entropy;
}

util::Result<void, Bip39Error> ValidateMnemonic(std::string_view mnemonic) {
    auto entropy = EntropyFromMnemonic(mnemonic);
    if (!entropy) return util::Fail(entropy.error());
    detail::SecureWipe(*entropy);
    return {};
}

util::Result<std::array<uint8_t, BIP39_SEED_SIZE>, Bip39Error> MnemonicToSeed(std::string_view mnemonic,
                                                                              std::string_view passphrase) {
    if (mnemonic.size() > MAX_MNEMONIC_CHARS) return util::Fail(Bip39Error::WrongWordCount);
    if (passphrase.size() > MAX_BIP39_PASSPHRASE_CHARS) return util::Fail(Bip39Error::PassphraseTooLong);
    if (!IsAscii(mnemonic)) return util::Fail(Bip39Error::NonAsciiMnemonic);
    if (!IsAscii(passphrase)) return util::Fail(Bip39Error::NonAsciiPassphrase);
    std::string normalized = NormalizeMnemonic(mnemonic);
    std::string salt = "mnemonic";
    salt.append(passphrase);
    const auto seed =
        crypto::Pbkdf2HmacSha512(util::AsBytes(normalized), util::AsBytes(salt), BIP39_PBKDF2_ROUNDS);
    detail::SecureWipe(normalized);
    detail::SecureWipe(salt);
    return seed;
}

}  // namespace tonari::bitcoin::wallet

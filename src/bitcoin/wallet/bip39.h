// BIP39 mnemonic codes: entropy <-> English words (11 bits per word, the last word carrying a
// SHA-256 checksum of the entropy) and the 64-byte BIP32 seed PBKDF2-HMAC-SHA512(mnemonic,
// "mnemonic" || passphrase, 2048 rounds).
//
// ASCII only. BIP39 normalizes both strings with Unicode NFKD before hashing; for ASCII text
// NFKD is the identity, so skipping it is exact there. Non-ASCII text is refused with a typed
// error instead of being hashed unnormalized (which would give a seed other wallets do not
// derive from the same words). Whitespace between words is normalized to single spaces.
//
// Secret material: returned entropy and seeds are the caller's to wipe; scratch buffers
// holding words or seed bytes are wiped here. Pure functions; thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/bytes.h"
#include "util/result.h"

namespace tonari::bitcoin::wallet {

inline constexpr size_t BIP39_WORDLIST_SIZE = 2048;
// Entropy sizes BIP39 defines: 128..256 bits in steps of 32 (12..24 words).
inline constexpr size_t BIP39_MIN_ENTROPY_BYTES = 16;
inline constexpr size_t BIP39_MAX_ENTROPY_BYTES = 32;
inline constexpr size_t BIP39_SEED_SIZE = 64;
inline constexpr uint32_t BIP39_PBKDF2_ROUNDS = 2048;
// Longest mnemonic text looked at: 24 words of at most 8 letters need 215 characters; the
// slack allows generous spacing. Bounds the work and memory a pasted blob (an RPC argument)
// can make the word splitter and PBKDF2 spend.
inline constexpr size_t MAX_MNEMONIC_CHARS = 1024;
// Longest passphrase accepted, for the same reason (it is hashed into every derivation).
inline constexpr size_t MAX_BIP39_PASSPHRASE_CHARS = 1024;

enum class Bip39Error {
    BadEntropyLength,    // entropy not 16..32 bytes or not a multiple of 4
    WrongWordCount,      // not 12, 15, 18, 21 or 24 words (or the text is over the size cap)
    UnknownWord,         // a word outside the English list (exact, lower-case match)
    BadChecksum,         // words valid, checksum bits wrong (a mistyped or swapped word)
    NonAsciiMnemonic,    // mnemonic text with a byte >= 0x80 (NFKD not implemented)
    NonAsciiPassphrase,  // passphrase with a byte >= 0x80 (NFKD not implemented)
    PassphraseTooLong,   // over MAX_BIP39_PASSPHRASE_CHARS
};

std::string_view Bip39ErrorName(Bip39Error e);

// The 2048 words, sorted (bip39_english.cpp).
const std::array<std::string_view, BIP39_WORDLIST_SIZE>& Bip39EnglishWords();
// Index of an exact (lower-case) word, or nullopt.
std::optional<uint16_t> Bip39WordIndex(std::string_view word);

// Words separated by single spaces, no leading/trailing whitespace. Any run of ASCII
// whitespace (space, tab, CR, LF) counts as one separator.
std::string NormalizeMnemonic(std::string_view text);

// 16..32 bytes, a multiple of 4 -> 12..24 words.
util::Result<std::string, Bip39Error> MnemonicFromEntropy(util::ByteSpan entropy);
// The entropy a mnemonic encodes, after checking word count, words and checksum.
util::Result<util::Bytes, Bip39Error> EntropyFromMnemonic(std::string_view mnemonic);
util::Result<void, Bip39Error> ValidateMnemonic(std::string_view mnemonic);

// The BIP32 seed. Like BIP39, this does not require a valid mnemonic (any ASCII text is
// hashed after whitespace normalization); callers that take user input validate first.
util::Result<std::array<uint8_t, BIP39_SEED_SIZE>, Bip39Error> MnemonicToSeed(std::string_view mnemonic,
                                                                              std::string_view passphrase);

}  // namespace tonari::bitcoin::wallet

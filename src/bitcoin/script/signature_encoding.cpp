// BIP66 DER shape check and hash-type check for script signatures.
#include "bitcoin/script/signature_encoding.h"

namespace tonari::bitcoin::script {

bool IsValidSignatureEncoding(util::ByteSpan sig) {
    // Shortest: 0x30 0x06 0x02 0x01 R 0x02 0x01 S hashtype (9). Longest: 33-byte R and S (73).
    if (sig.size() < 9 || sig.size() > 73) return false;
    if (sig[0] != 0x30) return false;                 // compound structure
    if (sig[1] != sig.size() - 3) return false;       // length covers everything but the hashtype
    const size_t len_r = sig[3];
    if (5 + len_r >= sig.size()) return false;        // S length byte must be inside
    const size_t len_s = sig[5 + len_r];
    if (len_r + len_s + 7 != sig.size()) return false;  // lengths add up exactly

    if (sig[2] != 0x02) return false;                 // R is an integer
    if (len_r == 0) return false;
    if (sig[4] & 0x80) return false;                  // R non-negative
    if (len_r > 1 && sig[4] == 0x00 && !(sig[5] & 0x80)) return false;  // no padding zero

    if (sig[len_r + 4] != 0x02) return false;         // S is an integer
    if (len_s == 0) return false;
    if (sig[len_r + 6] & 0x80) return false;          // S non-negative
    if (len_s > 1 && sig[len_r + 6] == 0x00 && !(sig[len_r + 7] & 0x80)) return false;
    return true;
}

bool IsDefinedHashtypeSignature(util::ByteSpan sig) {
    if (sig.empty()) return false;
    const uint8_t base = sig.back() & static_cast<uint8_t>(~0x80u);
    return base >= 1 && base <= 3;  // SIGHASH_ALL .. SIGHASH_SINGLE
}

}  // namespace tonari::bitcoin::script

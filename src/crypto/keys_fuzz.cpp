// libFuzzer target for the parsers of untrusted key material: lax DER signatures and public
// keys. Neither may crash; a parsed public key survives compressed/uncompressed round trips,
// and a lax-parsed signature verifies the same way whatever its quirks.
#include <cstdint>
#include <cstdlib>

#include "crypto/keys.h"
#include "crypto/sha256.h"

using namespace tonari;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const util::ByteSpan in(data, size);

    const auto rs = crypto::ParseDerLax(in);
    if (rs && in.size() >= 1) {
        // Trailing bytes are ignored by the lax rules, so appending some must not change r||s.
        util::Bytes longer(in.begin(), in.end());
        longer.push_back(0xAA);
        const auto again = crypto::ParseDerLax(longer);
        if (!again || *again != *rs) std::abort();
    }

    if (const auto pub = crypto::PubKey::Parse(in)) {
        const crypto::PubKey c = pub->Compressed();
        const crypto::PubKey u = pub->Uncompressed();
        if (!(u.Compressed() == c) || !(c.Uncompressed() == u)) std::abort();
        if (!(c.XOnly() == pub->XOnly())) std::abort();
        // Any signature bytes: verification may fail but must not crash.
        (void)pub->VerifyEcdsa(util::Uint256(crypto::Sha256Hash(in)), in);
    }

    // x-only key || 64-byte signature || message.
    if (size >= 96) {
        if (const auto x = crypto::XOnlyPubKey::Parse(in.first(32))) {
            (void)x->VerifySchnorr(in.subspan(96), in.subspan(32, 64));
        }
    }
    return 0;
}

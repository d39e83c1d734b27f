// libFuzzer target for every text decoder in the module (addresses, bech32, Base58, WIF,
// extended keys, derivation paths): none may crash, and whatever decodes must re-encode to
// the same value (the encodings are canonical up to case and Base58's skipped whitespace).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bitcoin/encoding/address.h"
#include "bitcoin/encoding/base58.h"
#include "bitcoin/encoding/bech32.h"
#include "bitcoin/encoding/bip32.h"
#include "bitcoin/encoding/wif.h"

using namespace tonari::bitcoin::encoding;

namespace {

void Require(bool ok) {
    if (!ok) std::abort();
}

std::string Lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

// Base58 decoders skip surrounding whitespace; the re-encoding has none.
std::string_view Trim(std::string_view s) {
    const std::string_view ws = " \t\n\v\f\r";
    const size_t b = s.find_first_not_of(ws);
    if (b == std::string_view::npos) return {};
    return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view str(reinterpret_cast<const char*>(data), size);

    if (auto b = bech32::Decode(str)) {
        Require(bech32::Encode(b->encoding, b->hrp, b->data) == Lower(str));
    }
    if (auto raw = DecodeBase58(str, 128)) {
        Require(EncodeBase58(*raw) == Trim(str));
    }
    for (Network net : ALL_NETWORKS) {
        if (auto spk = DecodeAddress(str, net)) {
            const auto again = EncodeAddress(*spk, net);
            Require(again.has_value());
            const auto spk2 = DecodeAddress(*again, net);
            Require(spk2.has_value() && *spk2 == *spk);
        }
        if (auto key = DecodeWif(str, net)) Require(EncodeWif(*key, net) == Trim(str));
        if (auto xprv = ExtKey::Decode(str, net)) Require(xprv->Encode(net) == Trim(str));
        if (auto xpub = ExtPubKey::Decode(str, net)) Require(xpub->Encode(net) == Trim(str));
    }
    if (auto path = ParseDerivationPath(str)) {
        const auto again = ParseDerivationPath(FormatDerivationPath(*path));
        Require(again.has_value() && *again == *path);
    }
    return 0;
}

// WIF private keys (see wif.h).
#include "bitcoin/encoding/wif.h"

#include "bitcoin/encoding/address_params.h"
#include "bitcoin/encoding/base58.h"
#include "bitcoin/encoding/wipe.h"

namespace tonari::bitcoin::encoding {
namespace {

constexpr size_t KEY_SIZE = 32;
constexpr uint8_t COMPRESSED_FLAG = 0x01;
// prefix + key + compression flag: anything longer is rejected before the checksum is even
// computed.
constexpr size_t MAX_WIF_PAYLOAD = 1 + KEY_SIZE + 1;

}  // namespace

std::string_view WifErrorName(WifError e) {
    switch (e) {
        case WifError::InvalidEncoding:
            return "invalid Base58Check encoding";
        case WifError::WrongPrefix:
            return "wrong network prefix";
        case WifError::WrongLength:
            return "wrong length or compression flag";
        case WifError::InvalidKey:
            return "key out of range";
    }
    return "unknown";
}

std::string EncodeWif(std::span<const uint8_t, 32> key, bool compressed, Network network) {
    util::Bytes payload;
    payload.reserve(MAX_WIF_PAYLOAD);
    payload.push_back(GetAddressParams(network).secret_prefix);
    payload.insert(payload.end(), key.begin(), key.end());
    if (compressed) payload.push_back(COMPRESSED_FLAG);
    std::string out = EncodeBase58Check(payload);
    detail::Wipe(payload);
    return out;
}

std::string EncodeWif(const crypto::PrivKey& key, Network network) {
    return EncodeWif(std::span<const uint8_t, 32>(key.bytes()), key.IsCompressed(), network);
}

util::Result<crypto::PrivKey, WifError> DecodeWif(std::string_view str, Network network) {
    auto payload = DecodeBase58Check(str, MAX_WIF_PAYLOAD);
    if (!payload) return util::Fail(WifError::InvalidEncoding);
    util::Bytes& data = *payload;
    struct WipeOnExit {
        util::Bytes& bytes;
        ~WipeOnExit() { detail::Wipe(bytes); }
    } wipe{data};

    if (data.empty() || data[0] != GetAddressParams(network).secret_prefix) {
        return util::Fail(WifError::WrongPrefix);
    }
    const bool compressed = data.size() == 1 + KEY_SIZE + 1;
    if (!(data.size() == 1 + KEY_SIZE || (compressed && data.back() == COMPRESSED_FLAG))) {
        return util::Fail(WifError::WrongLength);
    }
    auto key = crypto::PrivKey::FromBytes(util::ByteSpan(data).subspan(1, KEY_SIZE), compressed);
    if (!key) return util::Fail(WifError::InvalidKey);
    return *key;
}

}  // namespace tonari::bitcoin::encoding

// Tox IDs.
#include "tox/profile/tox_id.h"

#include <algorithm>
#include <cctype>

#include "util/hex.h"

namespace tonari::tox::profile {

namespace {
std::string UpperHex(util::ByteSpan bytes) {
    std::string hex = util::HexEncode(bytes);
    std::transform(hex.begin(), hex.end(), hex.begin(), [](unsigned char c) { return std::toupper(c); });
    return hex;
}
}  // namespace

std::string KeyHex(const crypto::BoxPublicKey& key) { return UpperHex(key.span()); }

std::array<uint8_t, 2> ToxId::Checksum() const {
    std::array<uint8_t, 2> sum{};
    for (size_t i = 0; i < crypto::BOX_KEY_SIZE; ++i) sum[i % 2] ^= public_key.data()[i];
    for (size_t i = 0; i < nospam.size(); ++i) sum[(crypto::BOX_KEY_SIZE + i) % 2] ^= nospam[i];
    return sum;
}

std::string ToxId::ToString() const {
    util::Bytes bytes(public_key.begin(), public_key.end());
    bytes.insert(bytes.end(), nospam.begin(), nospam.end());
    const auto sum = Checksum();
    bytes.insert(bytes.end(), sum.begin(), sum.end());
    return UpperHex(bytes);
}

util::Result<ToxId, std::string> ToxId::Parse(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    if (text.size() != 2 * TOX_ID_SIZE) {
        return util::Fail("a Tox ID has " + std::to_string(2 * TOX_ID_SIZE) + " hex digits, not " +
                          std::to_string(text.size()));
    }
    const auto bytes = util::HexDecode(text);
    if (!bytes) return util::Fail(std::string("a Tox ID is hex digits only"));
    ToxId id;
    id.public_key = *crypto::BoxPublicKey::FromBytes(util::ByteSpan(*bytes).first(crypto::BOX_KEY_SIZE));
    std::copy_n(bytes->begin() + crypto::BOX_KEY_SIZE, id.nospam.size(), id.nospam.begin());
    const auto sum = id.Checksum();
    if ((*bytes)[TOX_ID_SIZE - 2] != sum[0] || (*bytes)[TOX_ID_SIZE - 1] != sum[1]) {
        return util::Fail(std::string("the Tox ID's checksum does not match: a digit was mistyped"));
    }
    return id;
}

}  // namespace tonari::tox::profile

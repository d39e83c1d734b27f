// File offers and safe names.
#include "tox/messenger/file_transfer.h"

#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace tonari::tox::messenger {

util::Bytes EncodeFileOffer(const FileOffer& offer) {
    util::ByteWriter out;
    out.WriteU8(offer.number);
    out.WriteU32BE(offer.kind);
    out.WriteU64BE(offer.size);
    out.WriteBytes(offer.id);
    const size_t n = std::min(offer.name.size(), MAX_FILE_NAME);
    out.WriteBytes(util::ByteSpan(reinterpret_cast<const uint8_t*>(offer.name.data()), n));
    return out.Take();
}

std::optional<FileOffer> DecodeFileOffer(util::ByteSpan body) {
    constexpr size_t head = 1 + 4 + 8 + FILE_ID_SIZE;
    if (body.size() < head || body.size() - head > MAX_FILE_NAME) return std::nullopt;
    util::ByteReader in(body);
    FileOffer o;
    o.number = in.ReadU8();
    o.kind = in.ReadU32BE();
    o.size = in.ReadU64BE();
    const auto id = in.ReadSpan(FILE_ID_SIZE);
    std::copy(id.begin(), id.end(), o.id.begin());
    o.name.assign(body.begin() + head, body.end());
    return o;
}

std::string SafeFileName(const std::string& offered) {
    std::string name;
    for (unsigned char c : offered) {
        if (c < 0x20 || c == 0x7f || c == '/' || c == '\\' || c == ':') continue;
        name.push_back(static_cast<char>(c));
    }
    while (!name.empty() && (name.front() == '.' || name.front() == ' ')) name.erase(name.begin());
    while (!name.empty() && (name.back() == '.' || name.back() == ' ')) name.pop_back();
    return name.empty() ? "file" : name;
}

std::filesystem::path FreePath(const std::filesystem::path& folder, const std::string& name) {
    std::error_code ec;
    std::filesystem::path path = folder / name;
    for (int i = 1; std::filesystem::exists(path, ec) && i < 10'000; ++i) {
        path = folder / (name + " (" + std::to_string(i) + ")");
    }
    return path;
}

}  // namespace tonari::tox::messenger

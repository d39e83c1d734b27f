// ut_metadata message encoding and strict decoding.
#include "torrent/peer/ut_metadata.h"

#include "torrent/bencode/bencode.h"

namespace tonari::torrent::peer {

util::Bytes EncodeMetadataMessage(const MetadataMessage& m) {
    bencode::Value head = bencode::Value::Dict();
    head.Set("msg_type", bencode::Value::Int(static_cast<int64_t>(m.type)));
    head.Set("piece", bencode::Value::Int(m.piece));
    if (m.type == MetadataMessageType::Data) head.Set("total_size", bencode::Value::Int(static_cast<int64_t>(m.total_size)));
    const std::string text = bencode::Encode(head);
    util::Bytes out(text.begin(), text.end());
    out.insert(out.end(), m.data.begin(), m.data.end());
    return out;
}

util::Result<MetadataMessage, std::string> DecodeMetadataMessage(util::ByteSpan payload) {
    bencode::Limits limits;
    limits.max_depth = 2;
    limits.max_items = 16;
    size_t used = 0;
    auto head = bencode::DecodePrefix(payload, &used, limits);
    if (!head || !head->IsDict()) return util::Fail(std::string("ut_metadata: malformed head"));
    const auto* type = head->FindInt("msg_type");
    const auto* piece = head->FindInt("piece");
    if (!type || !piece) return util::Fail(std::string("ut_metadata: no msg_type or piece"));
    if (type->AsInt() < 0 || type->AsInt() > 2) return util::Fail(std::string("ut_metadata: unknown msg_type"));
    if (piece->AsInt() < 0 || static_cast<uint64_t>(piece->AsInt()) >= MetadataPieceCount(MAX_METADATA_SIZE)) {
        return util::Fail(std::string("ut_metadata: piece out of range"));
    }
    MetadataMessage m;
    m.type = static_cast<MetadataMessageType>(type->AsInt());
    m.piece = static_cast<uint32_t>(piece->AsInt());
    if (m.type == MetadataMessageType::Data) {
        const auto* total = head->FindInt("total_size");
        if (!total || total->AsInt() <= 0 || static_cast<uint64_t>(total->AsInt()) > MAX_METADATA_SIZE) {
            return util::Fail(std::string("ut_metadata: total_size missing or too large"));
        }
        m.total_size = static_cast<uint64_t>(total->AsInt());
        if (payload.size() - used > METADATA_PIECE_SIZE) return util::Fail(std::string("ut_metadata: piece too large"));
        m.data.assign(payload.begin() + static_cast<std::ptrdiff_t>(used), payload.end());
    } else if (used != payload.size()) {
        return util::Fail(std::string("ut_metadata: bytes after a request or reject"));
    }
    return m;
}

}  // namespace tonari::torrent::peer

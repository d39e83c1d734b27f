// The BitTorrent peer-wire codec (see message.h): framing, the handshake, the strict payload
// decoder, the frame encoder and the bitfield helpers.
#include "torrent/wire/message.h"

#include <algorithm>
#include <string_view>

#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace tonari::torrent::wire {
namespace {

constexpr std::string_view PROTOCOL = "BitTorrent protocol";
// The handshake's first four bytes: pstrlen (19) and "Bit".
constexpr std::array<uint8_t, FRAME_HEADER_SIZE> HANDSHAKE_HEADER = {0x13, 'B', 'i', 't'};
constexpr size_t BLOCK_REF_SIZE = 12;          // index, begin, length
constexpr size_t HASH_REQUEST_SIZE = 32 + 16;  // pieces root, then four u32

static_assert(1 + PROTOCOL.size() + 8 + 20 + 20 == HANDSHAKE_SIZE);

util::Unexpected<WireError> Error(WireErrorCode code, std::string message) {
    return util::Fail(WireError{code, std::move(message)});
}

util::Unexpected<WireError> WrongSize(const char* name, size_t got, std::string_view expected) {
    return Error(WireErrorCode::WrongSize,
                 std::string(name) + ": body of " + std::to_string(got) + " bytes, expected " + std::string(expected));
}

uint8_t IdByte(MessageId id) { return static_cast<uint8_t>(id); }

BlockRef ReadBlockRef(util::ByteReader& r) {
    BlockRef b;
    b.piece = r.ReadU32BE();
    b.offset = r.ReadU32BE();
    b.length = r.ReadU32BE();
    return b;
}

HashRequestFields ReadHashFields(util::ByteReader& r) {
    HashRequestFields f;
    r.ReadInto(f.pieces_root);
    f.base_layer = r.ReadU32BE();
    f.index = r.ReadU32BE();
    f.length = r.ReadU32BE();
    f.proof_layers = r.ReadU32BE();
    return f;
}

// request, cancel and reject_request share one body. A zero-length block is meaningless and
// a longer one than BLOCK_SIZE is one we would never serve (and a peer could make us buffer
// it), so both are refused here rather than in every caller.
template <typename T>
WireResult<Message> DecodeBlockRef(util::ByteReader& r, const char* name) {
    if (r.remaining() != BLOCK_REF_SIZE) return WrongSize(name, r.remaining(), "12");
    T msg;
    msg.block = ReadBlockRef(r);
    if (msg.block.length == 0 || msg.block.length > BLOCK_SIZE) {
        return Error(WireErrorCode::BadValue,
                     std::string(name) + ": block length " + std::to_string(msg.block.length) + " not in 1.." +
                         std::to_string(BLOCK_SIZE));
    }
    return Message{std::move(msg)};
}

template <typename T>
WireResult<Message> DecodeEmpty(util::ByteReader& r, const char* name) {
    if (r.remaining() != 0) return WrongSize(name, r.remaining(), "0");
    return Message{T{}};
}

template <typename T>
WireResult<Message> DecodePieceIndex(util::ByteReader& r, const char* name) {
    if (r.remaining() != 4) return WrongSize(name, r.remaining(), "4");
    T msg;
    msg.piece = r.ReadU32BE();
    return Message{msg};
}

template <typename T>
WireResult<Message> DecodeHashFields(util::ByteReader& r, const char* name) {
    if (r.remaining() != HASH_REQUEST_SIZE) return WrongSize(name, r.remaining(), "48");
    T msg;
    msg.fields = ReadHashFields(r);
    return Message{msg};
}

WireResult<Message> DecodePiece(util::ByteReader& r) {
    if (r.remaining() < 8) return WrongSize("piece", r.remaining(), "at least 8");
    Piece msg;
    msg.piece = r.ReadU32BE();
    msg.offset = r.ReadU32BE();
    const size_t length = r.remaining();
    if (length == 0 || length > BLOCK_SIZE) {
        return Error(WireErrorCode::BadValue,
                     "piece: block of " + std::to_string(length) + " bytes not in 1.." + std::to_string(BLOCK_SIZE));
    }
    msg.data = r.ReadBytes(length);
    return Message{std::move(msg)};
}

WireResult<Message> DecodeHashes(util::ByteReader& r) {
    if (r.remaining() < HASH_REQUEST_SIZE || (r.remaining() - HASH_REQUEST_SIZE) % 32 != 0) {
        return WrongSize("hashes", r.remaining(), "48 + a multiple of 32");
    }
    Hashes msg;
    msg.fields = ReadHashFields(r);
    // The count comes from the body's size, which FrameLength has already bounded, but it is
    // still capped: no honest answer carries more than a request may ask for.
    const size_t count = r.remaining() / 32;
    if (count > MAX_HASHES_PER_MESSAGE) {
        return Error(WireErrorCode::BadValue, "hashes: " + std::to_string(count) + " hashes, at most " +
                                                  std::to_string(MAX_HASHES_PER_MESSAGE));
    }
    msg.hashes.resize(count);
    for (Hash32& h : msg.hashes) r.ReadInto(h);
    return Message{std::move(msg)};
}

// Encoding: one overload per message kind writes the id and the body (the keep-alive has
// neither); EncodeMessage adds the length prefix.
void WriteFields(util::ByteWriter& w, const HashRequestFields& f) {
    w.WriteBytes(f.pieces_root);
    w.WriteU32BE(f.base_layer);
    w.WriteU32BE(f.index);
    w.WriteU32BE(f.length);
    w.WriteU32BE(f.proof_layers);
}

void WriteBlockRef(util::ByteWriter& w, MessageId id, const BlockRef& b) {
    w.WriteU8(IdByte(id));
    w.WriteU32BE(b.piece);
    w.WriteU32BE(b.offset);
    w.WriteU32BE(b.length);
}

void WritePieceIndex(util::ByteWriter& w, MessageId id, uint32_t piece) {
    w.WriteU8(IdByte(id));
    w.WriteU32BE(piece);
}

void WritePayload(util::ByteWriter&, const KeepAlive&) {}
void WritePayload(util::ByteWriter& w, const Choke&) { w.WriteU8(IdByte(MessageId::Choke)); }
void WritePayload(util::ByteWriter& w, const Unchoke&) { w.WriteU8(IdByte(MessageId::Unchoke)); }
void WritePayload(util::ByteWriter& w, const Interested&) { w.WriteU8(IdByte(MessageId::Interested)); }
void WritePayload(util::ByteWriter& w, const NotInterested&) { w.WriteU8(IdByte(MessageId::NotInterested)); }
void WritePayload(util::ByteWriter& w, const HaveAll&) { w.WriteU8(IdByte(MessageId::HaveAll)); }
void WritePayload(util::ByteWriter& w, const HaveNone&) { w.WriteU8(IdByte(MessageId::HaveNone)); }
void WritePayload(util::ByteWriter& w, const Have& m) { WritePieceIndex(w, MessageId::Have, m.piece); }
void WritePayload(util::ByteWriter& w, const SuggestPiece& m) { WritePieceIndex(w, MessageId::SuggestPiece, m.piece); }
void WritePayload(util::ByteWriter& w, const AllowedFast& m) { WritePieceIndex(w, MessageId::AllowedFast, m.piece); }
void WritePayload(util::ByteWriter& w, const Bitfield& m) {
    w.WriteU8(IdByte(MessageId::Bitfield));
    w.WriteBytes(m.bits);
}
void WritePayload(util::ByteWriter& w, const Request& m) { WriteBlockRef(w, MessageId::Request, m.block); }
void WritePayload(util::ByteWriter& w, const Cancel& m) { WriteBlockRef(w, MessageId::Cancel, m.block); }
void WritePayload(util::ByteWriter& w, const RejectRequest& m) {
    WriteBlockRef(w, MessageId::RejectRequest, m.block);
}
void WritePayload(util::ByteWriter& w, const Piece& m) {
    w.WriteU8(IdByte(MessageId::Piece));
    w.WriteU32BE(m.piece);
    w.WriteU32BE(m.offset);
    w.WriteBytes(m.data);
}
void WritePayload(util::ByteWriter& w, const Port& m) {
    w.WriteU8(IdByte(MessageId::Port));
    w.WriteU16BE(m.port);
}
void WritePayload(util::ByteWriter& w, const Extended& m) {
    w.WriteU8(IdByte(MessageId::Extended));
    w.WriteU8(m.id);
    w.WriteBytes(m.payload);
}
void WritePayload(util::ByteWriter& w, const HashRequest& m) {
    w.WriteU8(IdByte(MessageId::HashRequest));
    WriteFields(w, m.fields);
}
void WritePayload(util::ByteWriter& w, const HashReject& m) {
    w.WriteU8(IdByte(MessageId::HashReject));
    WriteFields(w, m.fields);
}
void WritePayload(util::ByteWriter& w, const Hashes& m) {
    w.WriteU8(IdByte(MessageId::Hashes));
    WriteFields(w, m.fields);
    for (const Hash32& h : m.hashes) w.WriteBytes(h);
}

// Names in the variant's order, so MessageName is one lookup by index.
constexpr const char* NAMES[] = {
    "keep_alive", "choke", "unchoke", "interested", "not_interested", "have", "bitfield", "request", "piece",
    "cancel", "port", "suggest_piece", "have_all", "have_none", "reject_request", "allowed_fast", "extended",
    "hash_request", "hashes", "hash_reject",
};
static_assert(std::size(NAMES) == std::variant_size_v<Message>);

}  // namespace

bool IsHandshakeHeader(util::ByteSpan header) {
    return header.size() >= FRAME_HEADER_SIZE &&
           std::equal(HANDSHAKE_HEADER.begin(), HANDSHAKE_HEADER.end(), header.begin());
}

WireResult<size_t> FrameLength(util::ByteSpan header) {
    if (header.size() != FRAME_HEADER_SIZE) {
        return Error(WireErrorCode::WrongSize,
                     "frame header of " + std::to_string(header.size()) + " bytes, expected 4");
    }
    // "\x13Bit" read as a length is 0x13426974, far past MAX_MESSAGE_LENGTH, so no honest
    // message header can be mistaken for a handshake.
    if (IsHandshakeHeader(header)) return size_t{HANDSHAKE_SIZE - FRAME_HEADER_SIZE};
    util::ByteReader r(header);
    const uint32_t length = r.ReadU32BE();
    if (length > MAX_MESSAGE_LENGTH) {
        return Error(WireErrorCode::TooLong, "message length " + std::to_string(length) + " over " +
                                                 std::to_string(MAX_MESSAGE_LENGTH));
    }
    return size_t{length};
}

util::Bytes EncodeHandshake(const Handshake& h) {
    util::ByteWriter w(HANDSHAKE_SIZE);
    w.WriteU8(static_cast<uint8_t>(PROTOCOL.size()));
    w.WriteBytes(util::AsBytes(PROTOCOL));
    w.WriteBytes(h.reserved);
    w.WriteBytes(h.info_hash);
    w.WriteBytes(h.peer_id);
    return w.Take();
}

WireResult<Handshake> DecodeHandshake(util::ByteSpan bytes) {
    if (bytes.size() != HANDSHAKE_SIZE) {
        return Error(WireErrorCode::BadHandshake,
                     "handshake of " + std::to_string(bytes.size()) + " bytes, expected 68");
    }
    util::ByteReader r(bytes);
    const uint8_t pstrlen = r.ReadU8();
    const util::ByteSpan pstr = r.ReadSpan(PROTOCOL.size());
    // Other protocol strings (MSE's obfuscated streams, other protocols on the same port) are
    // not ours to speak; refusing them here keeps the rest of the handshake's layout certain.
    if (pstrlen != PROTOCOL.size() || !std::equal(pstr.begin(), pstr.end(), PROTOCOL.begin(), PROTOCOL.end())) {
        return Error(WireErrorCode::BadHandshake, "handshake: protocol is not \"BitTorrent protocol\"");
    }
    Handshake h;
    r.ReadInto(h.reserved);
    r.ReadInto(h.info_hash);
    r.ReadInto(h.peer_id);
    return h;
}

WireResult<Message> DecodeMessage(util::ByteSpan payload) {
    if (payload.empty()) return Message{KeepAlive{}};
    // Callers normally frame with FrameLength first; this keeps the decoder safe on its own.
    if (payload.size() > MAX_MESSAGE_LENGTH) {
        return Error(WireErrorCode::TooLong, "message of " + std::to_string(payload.size()) + " bytes over " +
                                                 std::to_string(MAX_MESSAGE_LENGTH));
    }
    // Fixed-size bodies must match exactly: trailing bytes are refused rather than skipped, so
    // what we accept is exactly what EncodeMessage would write.
    util::ByteReader r(payload);
    const uint8_t id = r.ReadU8();
    switch (static_cast<MessageId>(id)) {
    case MessageId::Choke: return DecodeEmpty<Choke>(r, "choke");
    case MessageId::Unchoke: return DecodeEmpty<Unchoke>(r, "unchoke");
    case MessageId::Interested: return DecodeEmpty<Interested>(r, "interested");
    case MessageId::NotInterested: return DecodeEmpty<NotInterested>(r, "not_interested");
    case MessageId::HaveAll: return DecodeEmpty<HaveAll>(r, "have_all");
    case MessageId::HaveNone: return DecodeEmpty<HaveNone>(r, "have_none");
    case MessageId::Have: return DecodePieceIndex<Have>(r, "have");
    case MessageId::SuggestPiece: return DecodePieceIndex<SuggestPiece>(r, "suggest_piece");
    case MessageId::AllowedFast: return DecodePieceIndex<AllowedFast>(r, "allowed_fast");
    case MessageId::Bitfield: {
        // Its right size depends on the torrent's piece count, which only the caller knows
        // (BitfieldValid); here it only has to be non-empty.
        if (r.empty()) return WrongSize("bitfield", 0, "at least 1");
        Bitfield msg;
        msg.bits = r.ReadBytes(r.remaining());
        return Message{std::move(msg)};
    }
    case MessageId::Request: return DecodeBlockRef<Request>(r, "request");
    case MessageId::Cancel: return DecodeBlockRef<Cancel>(r, "cancel");
    case MessageId::RejectRequest: return DecodeBlockRef<RejectRequest>(r, "reject_request");
    case MessageId::Piece: return DecodePiece(r);
    case MessageId::Port: {
        if (r.remaining() != 2) return WrongSize("port", r.remaining(), "2");
        return Message{Port{r.ReadU16BE()}};
    }
    case MessageId::Extended: {
        if (r.empty()) return WrongSize("extended", 0, "at least 1");
        Extended msg;
        msg.id = r.ReadU8();
        msg.payload = r.ReadBytes(r.remaining());
        return Message{std::move(msg)};
    }
    case MessageId::HashRequest: return DecodeHashFields<HashRequest>(r, "hash_request");
    case MessageId::HashReject: return DecodeHashFields<HashReject>(r, "hash_reject");
    case MessageId::Hashes: return DecodeHashes(r);
    }
    return Error(WireErrorCode::UnknownId, "unknown message id " + std::to_string(id));
}

util::Bytes EncodeMessage(const Message& m) {
    util::ByteWriter w;
    // The length is patched in once the payload is written, so no message kind has to know
    // its own size in advance.
    w.WriteU32BE(0);
    std::visit([&w](const auto& msg) { WritePayload(w, msg); }, m);
    util::Bytes out = w.Take();
    const uint32_t length = static_cast<uint32_t>(out.size() - FRAME_HEADER_SIZE);
    out[0] = static_cast<uint8_t>(length >> 24);
    out[1] = static_cast<uint8_t>(length >> 16);
    out[2] = static_cast<uint8_t>(length >> 8);
    out[3] = static_cast<uint8_t>(length);
    return out;
}

bool BitfieldValid(util::ByteSpan bits, uint32_t pieces) {
    const size_t bytes = (static_cast<size_t>(pieces) + 7) / 8;
    if (bits.size() != bytes) return false;
    const uint32_t used = pieces % 8;  // bits of the last byte that name pieces; 0 = all eight
    if (used == 0) return true;
    const uint8_t spare = static_cast<uint8_t>(0xff >> used);  // low bits past the last piece
    return (bits.back() & spare) == 0;
}

bool BitfieldGet(util::ByteSpan bits, uint32_t piece) {
    const size_t byte = piece / 8;
    if (byte >= bits.size()) return false;
    return bits[byte] & (0x80 >> (piece % 8));
}

void BitfieldSet(util::Bytes& bits, uint32_t piece) {
    // Never grows the bitfield: `piece` often comes from a peer (a have message), and growing
    // to fit it would let one message allocate up to 512 MiB. Callers size the bitfield to
    // ceil(pieces / 8) bytes first and check the index against their piece count.
    const size_t byte = piece / 8;
    if (byte >= bits.size()) return;
    bits[byte] = static_cast<uint8_t>(bits[byte] | (0x80 >> (piece % 8)));
}

const char* MessageName(const Message& m) { return NAMES[m.index()]; }

}  // namespace tonari::torrent::wire

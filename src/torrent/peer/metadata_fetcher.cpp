// Fetching a torrent's metadata from peers (BEP 9 over BEP 10).
#include "torrent/peer/metadata_fetcher.h"

#include <algorithm>

#include "crypto/hmac.h"
#include "crypto/sha256.h"
#include "torrent/bencode/bencode.h"
#include "torrent/metainfo/metainfo.h"
#include "torrent/peer/ban_key.h"
#include "torrent/peer/ut_metadata.h"

namespace tonari::torrent::peer {

struct MetadataFetcher::Conn {
    netcore::ConnectionId id = 0;
    bool inbound = false;
    netcore::PeerEndpoint remote;
    uint64_t tag = 0;
    int64_t connected_us = 0;
    bool handshaken = false;
    bool dropped = false;
    uint8_t ut_metadata = 0;       // its id for our requests; 0 until its extension handshake
    std::set<uint32_t> asked;      // pieces asked of it, not yet answered
    int rejects_sent = 0;          // its requests we turned down (bounded: a flood is ignored)
    std::vector<wire::HashRequestFields> hashes_asked;  // BEP 52 requests open with it
};

MetadataFetcher::MetadataFetcher(FetcherOptions options, LogFn log) : m_options(options), m_log(std::move(log)) {}
MetadataFetcher::~MetadataFetcher() = default;

MetadataFetcher::Conn* MetadataFetcher::Find(netcore::ConnectionId id) {
    const auto it = m_conns.find(id);
    return it == m_conns.end() || it->second->dropped ? nullptr : it->second.get();
}

void MetadataFetcher::Drop(Conn& c, const std::string& reason) {
    if (c.dropped) return;
    c.dropped = true;
    for (const uint32_t piece : c.asked) m_asked_at.erase(piece);
    c.asked.clear();
    if (m_layers) m_layers->OnPeerGone(c.id);
    m_log("peer " + c.remote.ToString() + ": disconnecting: " + reason);
    if (m_net) m_net->Disconnect(c.id, reason);
}

// The extension protocol only: no fast extension, since we have no pieces to speak of.
util::Bytes MetadataFetcher::OurHandshake() const {
    wire::Handshake h;
    h.reserved[wire::RESERVED_EXTENSION_BYTE] |= wire::RESERVED_EXTENSION_BIT;
    h.info_hash = m_options.info_hashes.HandshakeHash();
    h.peer_id = m_options.peer_id;
    return wire::EncodeHandshake(h);
}

void MetadataFetcher::AddCandidates(const std::vector<netcore::PeerEndpoint>& peers, bool keep) {
    for (const auto& e : peers) {
        if (e.port == 0) continue;
        if (m_candidates.size() >= MAX_FETCH_CANDIDATES && !m_candidates.count(e.ToString())) break;
        Candidate& c = m_candidates[e.ToString()];
        c.endpoint = e;
        c.keep = c.keep || keep;
    }
}

void MetadataFetcher::Dial(int64_t now_us) {
    if (!m_net || m_torrent_file) return;
    const auto listening = m_net->ListenEndpoints();
    size_t outbound = m_tags.size();
    for (auto& [key, c] : m_candidates) {
        if (outbound >= m_options.max_outbound) break;
        if (c.tag != 0 || c.next_try_us > now_us) continue;
        const netcore::PeerEndpoint& e = c.endpoint;  // (clang 14 cannot capture a structured binding)
        const bool us = std::any_of(listening.begin(), listening.end(), [&e](const auto& l) {
            return l.port == e.port && (l.address == e.address || l.address == "0.0.0.0" || l.address == "::");
        });
        if (us || m_banned.count(AddressKey(e))) continue;
        c.tag = m_next_tag++;
        m_tags[c.tag] = key;
        ++outbound;
        m_net->Connect(c.endpoint, c.tag);
    }
}

void MetadataFetcher::OnConnected(const netcore::ConnectionInfo& info, uint64_t tag, int64_t now_us) {
    m_now_us = now_us;
    auto c = std::make_unique<Conn>();
    c->id = info.id;
    c->inbound = info.inbound;
    c->remote = info.remote;
    c->tag = tag;
    c->connected_us = now_us;
    Conn& conn = *c;
    m_conns[info.id] = std::move(c);
    if (m_torrent_file) return Drop(conn, "metadata complete");
    if (m_banned.count(AddressKey(info.remote))) return Drop(conn, "sent bad metadata before");
    if (!info.inbound && m_net) {
        m_net->Send(conn.id, OurHandshake());
    }
}

void MetadataFetcher::OnConnectFailed(const netcore::PeerEndpoint&, uint64_t tag, const std::string&) {
    const auto it = m_tags.find(tag);
    if (it == m_tags.end()) return;
    const std::string key = it->second;
    m_tags.erase(it);
    auto c = m_candidates.find(key);
    if (c == m_candidates.end()) return;
    c->second.tag = 0;
    c->second.next_try_us = m_now_us + FETCH_RETRY_US * (1 + c->second.failures);
    if (++c->second.failures >= 3 && !c->second.keep) m_candidates.erase(c);
}

void MetadataFetcher::OnDisconnected(netcore::ConnectionId id, const std::string& reason) {
    const auto it = m_conns.find(id);
    if (it == m_conns.end()) return;
    Conn& c = *it->second;
    for (const uint32_t piece : c.asked) m_asked_at.erase(piece);
    if (m_layers) m_layers->OnPeerGone(c.id);
    if (c.handshaken && !c.dropped) m_log("peer " + c.remote.ToString() + ": disconnected: " + reason);
    // The candidate may be tried again later; only a connection that never got as far as a
    // handshake counts as a failure.
    if (const auto t = m_tags.find(c.tag); t != m_tags.end() && c.handshaken) {
        if (auto cand = m_candidates.find(t->second); cand != m_candidates.end()) {
            cand->second.tag = 0;
            cand->second.next_try_us = m_now_us + FETCH_RETRY_US;
        }
        m_tags.erase(t);
    } else {
        OnConnectFailed(c.remote, c.tag, reason);
    }
    m_conns.erase(it);
}

void MetadataFetcher::OnHandshake(Conn& c, util::ByteSpan frame) {
    auto h = wire::DecodeHandshake(frame);
    if (!h) return Drop(c, "bad handshake: " + h.error().message);
    if (h->info_hash != m_options.info_hashes.HandshakeHash()) return Drop(c, "handshake for another torrent");
    if (h->peer_id == m_options.peer_id) return Drop(c, "connected to ourselves");
    // Once the metadata is in, a peer is wanted for the piece layers alone.
    if (!h->SupportsExtensions() && !m_layers) return Drop(c, "no extension protocol, so no metadata to give");
    if (c.inbound && m_net) {
        m_net->Send(c.id, OurHandshake());
    }
    c.handshaken = true;
    if (!h->SupportsExtensions()) return RequestHashes(c);
    bencode::Value hs = bencode::Value::Dict();
    bencode::Value m = bencode::Value::Dict();
    m.Set("ut_metadata", bencode::Value::Int(OUR_UT_METADATA_ID));
    hs.Set("m", std::move(m));
    hs.Set("v", bencode::Value::Str("Tonari 0.1.0"));
    const std::string body = bencode::Encode(hs);
    if (m_net) m_net->Send(c.id, wire::EncodeMessage(wire::Extended{0, util::Bytes(body.begin(), body.end())}));
    RequestHashes(c);
}

void MetadataFetcher::OnExtensionHandshake(Conn& c, util::ByteSpan payload) {
    bencode::Limits limits;
    limits.max_depth = 8;
    limits.max_items = 4096;
    auto v = bencode::Decode(payload, limits);
    if (!v || !v->IsDict()) return Drop(c, "malformed extension handshake");
    if (m_metadata) return;  // past the metadata: nothing to ask by extension
    const auto* m = v->FindDict("m");
    const auto* id = m ? m->FindInt("ut_metadata") : nullptr;
    if (!id || id->AsInt() <= 0 || id->AsInt() > 255) return Drop(c, "no ut_metadata: cannot give the metadata");
    const auto* size = v->FindInt("metadata_size");
    if (!size || size->AsInt() <= 0) return Drop(c, "no metadata_size");
    if (static_cast<uint64_t>(size->AsInt()) > MAX_METADATA_SIZE) {
        return Drop(c, "metadata size " + std::to_string(size->AsInt()) + " over the limit of " + std::to_string(MAX_METADATA_SIZE));
    }
    const uint64_t said = static_cast<uint64_t>(size->AsInt());
    if (m_size == 0) {
        m_size = said;
        m_buffer.assign(said, '\0');
        m_have.assign(MetadataPieceCount(said), false);
        m_sender.assign(m_have.size(), 0);
        m_log("metadata: " + std::to_string(said) + " bytes in " + std::to_string(m_have.size()) + " pieces, from " +
              c.remote.ToString());
    } else if (said != m_size) {
        return Drop(c, "metadata size " + std::to_string(said) + " disagrees with " + std::to_string(m_size));
    }
    c.ut_metadata = static_cast<uint8_t>(id->AsInt());
    RequestMore(c);
}

void MetadataFetcher::RequestMore(Conn& c) {
    if (m_metadata || c.ut_metadata == 0 || c.dropped || m_size == 0) return;
    // After a copy failed its hash, one peer at a time gives the whole of it, so the next
    // failure names its sender.
    if (m_single_source) {
        for (const auto& [id, other] : m_conns) {
            if (!other->dropped && other->ut_metadata != 0 && !other->asked.empty() && other.get() != &c) return;
        }
    }
    for (uint32_t piece = 0; piece < m_have.size() && c.asked.size() < METADATA_PIPELINE; ++piece) {
        if (m_have[piece] || m_asked_at.count(piece)) continue;
        MetadataMessage request;
        request.type = MetadataMessageType::Request;
        request.piece = piece;
        if (m_net) m_net->Send(c.id, wire::EncodeMessage(wire::Extended{c.ut_metadata, EncodeMetadataMessage(request)}));
        c.asked.insert(piece);
        m_asked_at[piece] = m_now_us;
    }
}

void MetadataFetcher::OnMetadata(Conn& c, util::ByteSpan payload) {
    auto m = DecodeMetadataMessage(payload);
    if (!m) return Drop(c, m.error());
    if (m->type == MetadataMessageType::Request) {  // nothing to give yet: BEP 9 says so with a reject
        if (c.ut_metadata == 0 || ++c.rejects_sent > static_cast<int>(METADATA_PIPELINE) * 4) return;
        MetadataMessage reject;
        reject.type = MetadataMessageType::Reject;
        reject.piece = m->piece;
        if (m_net) m_net->Send(c.id, wire::EncodeMessage(wire::Extended{c.ut_metadata, EncodeMetadataMessage(reject)}));
        return;
    }
    if (!c.asked.erase(m->piece)) return Drop(c, "metadata piece nobody asked for");
    m_asked_at.erase(m->piece);
    // A peer that will not give the metadata only holds a slot another peer could use.
    if (m->type == MetadataMessageType::Reject) return Drop(c, "it rejected a metadata request");
    if (m->total_size != m_size) return Drop(c, "metadata total_size disagrees");
    const size_t from = static_cast<size_t>(m->piece) * METADATA_PIECE_SIZE;
    const size_t expected = std::min<size_t>(METADATA_PIECE_SIZE, m_size - from);
    if (m->data.size() != expected) return Drop(c, "metadata piece of the wrong length");
    std::copy(m->data.begin(), m->data.end(), m_buffer.begin() + static_cast<std::ptrdiff_t>(from));
    m_have[m->piece] = true;
    m_sender[m->piece] = c.id;
    if (std::all_of(m_have.begin(), m_have.end(), [](bool b) { return b; })) return Verify();
    RequestMore(c);
}

void MetadataFetcher::Verify() {
    const auto& want = m_options.info_hashes;
    const bool good = want.v1 ? crypto::Sha1(util::AsBytes(m_buffer)) == *want.v1
                              : want.v2 && crypto::Sha256Hash(util::AsBytes(m_buffer)) == *want.v2;
    if (good) {
        m_metadata = std::move(m_buffer);
        m_log(std::string("metadata: complete, and its ") + (want.v1 ? "SHA-1" : "SHA-256") + " is the info-hash");
        // A v2 torrent's info dictionary has no piece layers: they are asked of the same peers.
        auto meta = metainfo::ParseInfoDictionary(util::AsBytes(*m_metadata));
        if (meta && meta->version == metainfo::TorrentVersion::V2) {
            auto layers = std::make_unique<PieceLayerFetch>(*meta);
            if (!layers->Done()) {
                m_layers = std::move(layers);
                m_log("piece layers: asking peers for " + std::to_string(m_layers->RunsTotal()) +
                      " run(s) of piece hashes (BEP 52)");
                for (auto& [id, c] : m_conns) RequestHashes(*c);
                return;
            }
        }
        return Finish();
    }
    // Somebody lied; without a second copy nobody can tell who, so everyone who sent a piece
    // goes and the fetch starts over.
    m_log("metadata: failed its hash check; starting again without the peers that sent it");
    const std::set<netcore::ConnectionId> senders(m_sender.begin(), m_sender.end());
    for (auto& [id, c] : m_conns) {
        if (!senders.count(id)) continue;
        // Alone responsible for the copy: that address is not heard again.
        if (senders.size() == 1 && m_banned.size() < MAX_FETCH_CANDIDATES) m_banned.insert(AddressKey(c->remote));
        Drop(*c, "sent metadata that failed its hash check");
    }
    m_single_source = true;
    m_size = 0;
    m_buffer.clear();
    m_have.clear();
    m_sender.clear();
    m_asked_at.clear();
}

void MetadataFetcher::Finish() {
    // The .torrent around the info dictionary exactly as received (so its hashes are the
    // link's), with the piece layers when there are any; bencode keys in byte order.
    std::string file = "d4:info" + *m_metadata;
    if (m_layers) {
        file += "12:piece layersd";
        for (const auto& [root, layer] : m_layers->Layers()) {
            file += "32:" + std::string(root.begin(), root.end());
            file += std::to_string(layer.size() * root.size()) + ":";
            for (const auto& h : layer) file.append(h.begin(), h.end());
        }
        file += "e";
        m_log("piece layers: complete, every run proven against its file's root");
    }
    file += "e";
    m_torrent_file = std::move(file);
    for (auto& [id, c] : m_conns) Drop(*c, "metadata complete");
}

void MetadataFetcher::RequestHashes(Conn& c) {
    if (!m_layers || c.dropped || !c.handshaken || m_torrent_file) return;
    while (auto fields = m_layers->Next(c.id, m_now_us)) {
        c.hashes_asked.push_back(*fields);
        if (m_net) m_net->Send(c.id, wire::EncodeMessage(wire::HashRequest{*fields}));
    }
}

void MetadataFetcher::OnHashMessage(Conn& c, const wire::Message& m) {
    if (const auto* request = std::get_if<wire::HashRequest>(&m)) {
        // BEP 52: every request is answered; we have no hashes to give yet. A peer that keeps
        // asking is only costing us.
        if (++c.rejects_sent > static_cast<int>(METADATA_PIPELINE) * 4) return Drop(c, "hash request flood");
        if (m_net) m_net->Send(c.id, wire::EncodeMessage(wire::HashReject{request->fields}));
        return;
    }
    const wire::HashRequestFields& fields =
        std::holds_alternative<wire::Hashes>(m) ? std::get<wire::Hashes>(m).fields : std::get<wire::HashReject>(m).fields;
    const auto asked = std::find(c.hashes_asked.begin(), c.hashes_asked.end(), fields);
    if (!m_layers || asked == c.hashes_asked.end()) return Drop(c, "hashes nobody asked for");
    c.hashes_asked.erase(asked);
    if (const auto* reject = std::get_if<wire::HashReject>(&m)) {
        m_layers->OnReject(c.id, reject->fields, m_now_us);
        RequestHashes(c);
        // Refused everything we still need: the slot is better used by another peer.
        if (!m_layers->Asking(c.id)) Drop(c, "has none of the piece layers we need");
        return;
    }
    switch (m_layers->OnHashes(c.id, std::get<wire::Hashes>(m))) {
    case PieceLayerFetch::Answer::BadProof:
        if (m_banned.size() < MAX_FETCH_CANDIDATES) m_banned.insert(AddressKey(c.remote));
        return Drop(c, "sent piece hashes that do not prove against their file's root");
    case PieceLayerFetch::Answer::NotAsked:
        return Drop(c, "hashes nobody asked for");
    case PieceLayerFetch::Answer::Accepted:
        break;
    }
    if (m_layers->Done()) return Finish();
    RequestHashes(c);
}

void MetadataFetcher::OnFrame(netcore::ConnectionId id, util::ByteSpan header, util::ByteSpan payload, int64_t now_us) {
    m_now_us = now_us;
    Conn* c = Find(id);
    if (c == nullptr) return;
    const bool handshake = wire::IsHandshakeHeader(header);
    if (!c->handshaken) {
        if (!handshake) return Drop(*c, "expected a handshake");
        util::Bytes frame(header.begin(), header.end());
        frame.insert(frame.end(), payload.begin(), payload.end());
        return OnHandshake(*c, frame);
    }
    if (handshake) return Drop(*c, "a second handshake");
    auto m = wire::DecodeMessage(payload);
    if (!m) {
        if (m.error().code == wire::WireErrorCode::UnknownId) return;
        return Drop(*c, "malformed message: " + m.error().message);
    }
    if (std::holds_alternative<wire::HashRequest>(*m) || std::holds_alternative<wire::Hashes>(*m) ||
        std::holds_alternative<wire::HashReject>(*m)) {
        return OnHashMessage(*c, *m);
    }
    const auto* ext = std::get_if<wire::Extended>(&*m);
    if (ext == nullptr) return;  // bitfields, haves and the like mean nothing before the metadata
    if (ext->id == 0) return OnExtensionHandshake(*c, ext->payload);
    if (ext->id == OUR_UT_METADATA_ID) return OnMetadata(*c, ext->payload);
}

void MetadataFetcher::Tick(int64_t now_us) {
    m_now_us = now_us;
    std::vector<netcore::ConnectionId> late;
    for (auto& [id, c] : m_conns) {
        if (c->dropped) continue;
        if (!c->handshaken && now_us - c->connected_us > FETCH_HANDSHAKE_TIMEOUT_US) late.push_back(id);
    }
    for (const auto id : late) {
        if (Conn* c = Find(id)) Drop(*c, "no handshake in time");
    }
    late.clear();
    // A peer too slow with a piece, or silent after its handshake, makes room for another.
    for (auto& [id, c] : m_conns) {
        if (c->dropped || !c->handshaken) continue;
        const bool late_piece = std::any_of(c->asked.begin(), c->asked.end(), [&](uint32_t piece) {
            const auto at = m_asked_at.find(piece);
            return at != m_asked_at.end() && now_us - at->second > METADATA_REQUEST_TIMEOUT_US;
        });
        if (late_piece) late.push_back(id);
        if (!m_metadata && c->ut_metadata == 0 && now_us - c->connected_us > FETCH_HANDSHAKE_TIMEOUT_US) late.push_back(id);
    }
    for (const auto id : late) {
        if (Conn* c = Find(id)) Drop(*c, "no metadata in time");
    }
    if (m_layers) {
        for (const auto id : m_layers->Late(now_us)) {
            if (Conn* c = Find(id)) Drop(*c, "no piece hashes in time");
        }
        for (auto& [id, c] : m_conns) RequestHashes(*c);
    }
    // The size a peer claimed is forgotten once nobody left agrees and nothing came of it, so a
    // liar's size cannot keep honest peers out.
    if (!m_metadata && m_size != 0 && PiecesHave() == 0 && PeersWithMetadata() == 0) {
        m_size = 0;
        m_buffer.clear();
        m_have.clear();
        m_sender.clear();
        m_asked_at.clear();
    }
    for (auto& [id, c] : m_conns) RequestMore(*c);
    Dial(now_us);
}

uint32_t MetadataFetcher::PiecesHave() const {
    return static_cast<uint32_t>(std::count(m_have.begin(), m_have.end(), true));
}

size_t MetadataFetcher::PeersWithMetadata() const {
    return static_cast<size_t>(std::count_if(m_conns.begin(), m_conns.end(), [](const auto& e) {
        return !e.second->dropped && e.second->ut_metadata != 0;
    }));
}

}  // namespace tonari::torrent::peer

// The BitTorrent peer protocol for one torrent: handshakes, state messages, requests,
// uploads, piece checks, metadata for magnet downloads, choking and timers. Finding peers is in
// swarm_discovery.cpp.
#include "torrent/peer/swarm.h"

#include <algorithm>
#include <cmath>
#include <variant>

#include "crypto/hmac.h"
#include "torrent/peer/swarm_peer.h"
#include "torrent/peer/ut_metadata.h"
#include "torrent/peer/ut_pex.h"
#include "torrent/storage/piece_check.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace tonari::torrent::peer {

Swarm::Swarm(const metainfo::Metainfo& meta, storage::PieceStore& store, SwarmOptions options, LogFn log)
    : m_meta(meta),
      m_store(store),
      m_options(std::move(options)),
      m_log(std::move(log)),
      m_picker(meta, m_options.seed, m_options.sequential) {
    for (const auto& key : m_options.banned) BanKey(key);
}

Swarm::~Swarm() = default;

void Swarm::MarkHave(uint64_t piece) {
    if (piece >= m_picker.PieceCount() || m_picker.Have(piece)) return;
    m_picker.SetHave(piece);
    m_bytes_have += m_meta.PieceDataSize(piece);
}

Swarm::Peer* Swarm::Find(netcore::ConnectionId id) {
    auto it = m_peers.find(id);
    return it == m_peers.end() ? nullptr : it->second.get();
}

bool Swarm::Send(Peer& p, const wire::Message& m) {
    p.last_send_us = m_now_us;
    return m_net != nullptr && !p.dropped && m_net->Send(p.id, wire::EncodeMessage(m));
}

void Swarm::Drop(Peer& p, const std::string& reason) {
    if (p.dropped) return;
    p.dropped = true;
    m_log("peer " + p.remote.ToString() + ": disconnecting: " + reason);
    ReturnRequests(p);
    if (m_net) m_net->Disconnect(p.id, reason);
}

void Swarm::BanKey(const std::string& key) {
    if (m_banned.size() < MAX_BANNED) m_banned.insert(key);
}

void Swarm::Ban(Peer& p, const std::string& reason) {
    BanKey(AddressKey(p.remote));
    // Its blocks in unfinished pieces would otherwise complete them and get others blamed.
    m_picker.DiscardBlocksFrom(p.id);
    Drop(p, "banned: " + reason);
}

// --- connections ------------------------------------------------------------------------

void Swarm::OnConnected(const netcore::ConnectionInfo& info, uint64_t tag, int64_t now_us) {
    m_now_us = now_us;
    auto p = std::make_unique<Peer>();
    p->id = info.id;
    p->inbound = info.inbound;
    p->remote = info.remote;
    p->transport = info.transport;
    p->tag = tag;
    p->connected_us = now_us;
    p->last_send_us = now_us;
    p->has.assign(m_picker.PieceCount(), false);
    Peer& peer = *p;
    m_peers[info.id] = std::move(p);
    if (m_banned.count(AddressKey(info.remote))) return Drop(peer, "banned address");
    if (!info.inbound && m_net) m_net->Send(peer.id, wire::EncodeHandshake(OurHandshake(m_meta.info_hashes.HandshakeHash())));
}

void Swarm::OnConnectFailed(const netcore::PeerEndpoint& remote, uint64_t tag, const std::string& reason) {
    m_dialling.erase(tag);
    if (Candidate* c = CandidateOf(tag)) {
        m_candidate_tags.erase(tag);
        c->tag = 0;
        if (++c->failures >= MAX_CANDIDATE_FAILURES) {
            m_candidates.erase(c->endpoint.ToString());
        } else {
            c->next_try_us = m_now_us + (CANDIDATE_RETRY_US << (c->failures - 1));
        }
    }
    m_log("peer " + remote.ToString() + ": connect failed: " + reason);
}

void Swarm::OnStreamHandshakeFailed(const netcore::PeerEndpoint& remote, bool inbound, const std::string& reason) {
    m_log("peer " + remote.ToString() + ": " + (inbound ? "inbound " : "outbound ") + reason);
}

void Swarm::OnDisconnected(netcore::ConnectionId id, const std::string& reason) {
    auto it = m_peers.find(id);
    if (it == m_peers.end()) return;
    Peer& p = *it->second;
    if (p.handshaken) m_log("peer " + p.remote.ToString() + ": disconnected: " + reason);
    ReturnRequests(p);
    m_picker.RemovePeerPieces(p.has);
    if (p.tag != 0) m_dialling.erase(p.tag);
    if (Candidate* c = CandidateOf(p.tag)) {
        m_candidate_tags.erase(p.tag);
        c->tag = 0;
        c->seed = p.handshaken && p.has_count == m_picker.PieceCount();
        // Closed before a handshake (ourselves behind another address, a peer refusing this
        // torrent) or soon after one (a peer whose slots are full): a failure, so it is tried
        // less and less often and given up after a few.
        const bool short_lived = !p.handshaken || m_now_us - p.connected_us < CANDIDATE_RETRY_US;
        if (short_lived && ++c->failures >= MAX_CANDIDATE_FAILURES) {
            m_candidates.erase(c->endpoint.ToString());
        } else {
            c->next_try_us = m_now_us + (CANDIDATE_RETRY_US << std::max(c->failures - 1, 0));
        }
    }
    if (m_optimistic == id) m_optimistic = 0;
    const bool had_slot = p.handshaken && !p.am_choking;
    m_peers.erase(it);
    if (had_slot) UnchokeNext();
}

bool Swarm::OnHandshake(Peer& p, util::ByteSpan frame, int64_t now_us) {
    auto h = wire::DecodeHandshake(frame);
    if (!h) {
        Drop(p, "bad handshake: " + h.error().message);
        return false;
    }
    // A hybrid torrent is reachable under both hashes (v2 truncated to 20 bytes).
    wire::Hash20 ours = m_meta.info_hashes.HandshakeHash();
    bool match = h->info_hash == ours;
    if (!match && m_meta.info_hashes.v2) {
        wire::Hash20 v2{};
        std::copy_n(m_meta.info_hashes.v2->begin(), 20, v2.begin());
        match = h->info_hash == v2;
        ours = v2;
    }
    if (!match) {
        Drop(p, "handshake for another torrent");
        return false;
    }
    if (h->peer_id == m_options.peer_id) {
        // A tracker lists us among the peers; remember not to dial that address again.
        if (Candidate* c = CandidateOf(p.tag)) c->self = true;
        Drop(p, "connected to ourselves");
        return false;
    }
    for (auto& [id, other] : m_peers) {
        if (other.get() == &p || !other->handshaken || other->dropped || other->peer_id != h->peer_id) continue;
        // Two connections to one peer (both dialled at once): both sides keep the one opened
        // by the lower peer id, so they never drop both.
        const bool keep_ours = m_options.peer_id < h->peer_id;
        if (p.inbound == keep_ours) {
            Drop(p, "already connected to this peer");
            return false;
        }
        Drop(*other, "already connected to this peer");
        break;
    }
    p.peer_id = h->peer_id;
    if (p.inbound && m_net) m_net->Send(p.id, wire::EncodeHandshake(OurHandshake(ours)));
    p.handshaken = true;
    m_log("peer " + p.remote.ToString() + ": connected (" + (p.inbound ? "inbound" : "outbound") + ", " +
          p.transport + ")");
    p.fast = h->SupportsFast();
    p.extensions = h->SupportsExtensions();
    p.last_send_us = now_us;
    if (p.extensions) {
        // BEP 10: who we are, how many requests we take, and that we hand out the metadata
        // (BEP 9) to peers that came with a magnet link.
        bencode::Value hs = bencode::Value::Dict();
        bencode::Value m = bencode::Value::Dict();
        m.Set("ut_metadata", bencode::Value::Int(OUR_UT_METADATA_ID));
        if (PexAllowed()) m.Set("ut_pex", bencode::Value::Int(OUR_UT_PEX_ID));
        hs.Set("m", std::move(m));
        if (!m_meta.info_bytes.empty()) {
            hs.Set("metadata_size", bencode::Value::Int(static_cast<int64_t>(m_meta.info_bytes.size())));
        }
        hs.Set("reqq", bencode::Value::Int(static_cast<int64_t>(OUR_REQQ)));
        // Our listening port, so a peer that we dialled (or that saw an ephemeral port) can
        // pass on an address where we take connections.
        if (m_net) {
            const auto listening = m_net->ListenEndpoints();
            if (!listening.empty() && listening.front().port != 0) hs.Set("p", bencode::Value::Int(listening.front().port));
        }
        hs.Set("v", bencode::Value::Str("Tonari 0.1.0"));
        const std::string body = bencode::Encode(hs);
        Send(p, wire::Extended{0, util::Bytes(body.begin(), body.end())});
    }
    SendOurState(p);
    return true;
}

wire::Handshake Swarm::OurHandshake(const wire::Hash20& info_hash) const {
    wire::Handshake h;
    h.reserved[wire::RESERVED_FAST_BYTE] |= wire::RESERVED_FAST_BIT;
    h.reserved[wire::RESERVED_EXTENSION_BYTE] |= wire::RESERVED_EXTENSION_BIT;
    h.info_hash = info_hash;
    h.peer_id = m_options.peer_id;
    return h;
}

void Swarm::OnExtensionHandshake(Peer& p, util::ByteSpan payload) {
    if (payload.size() > MAX_EXTENSION_HANDSHAKE) return Drop(p, "oversized extension handshake");
    bencode::Limits limits;
    limits.max_depth = 8;
    limits.max_items = 4096;
    auto v = bencode::Decode(payload, limits);
    if (!v || !v->IsDict()) return Drop(p, "malformed extension handshake");
    if (const auto* reqq = v->FindInt("reqq"); reqq && reqq->AsInt() > 0) {
        p.reqq = static_cast<size_t>(std::min<int64_t>(reqq->AsInt(), MAX_PIPELINE));
    }
    if (const auto* client = v->FindString("v")) p.client = client->AsString().substr(0, 64);
    if (const auto* m = v->FindDict("m")) {
        const auto* id = m->FindInt("ut_metadata");
        p.ut_metadata = id && id->AsInt() > 0 && id->AsInt() < 256 ? static_cast<uint8_t>(id->AsInt()) : 0;
        const auto* pex = m->FindInt("ut_pex");
        p.ut_pex = PexAllowed() && pex && pex->AsInt() > 0 && pex->AsInt() < 256 ? static_cast<uint8_t>(pex->AsInt()) : 0;
        if (p.ut_pex) p.next_pex_us = m_now_us + PEX_FIRST_US;
    }
    if (const auto* port = v->FindInt("p"); port && port->AsInt() > 0 && port->AsInt() < 65536) {
        p.listen_port = static_cast<uint16_t>(port->AsInt());
    }
}

void Swarm::OnMetadataMessage(Peer& p, util::ByteSpan payload) {
    auto m = DecodeMetadataMessage(payload);
    if (!m) return Drop(p, m.error());
    // Data and rejects are answers to requests we never make once we have the metadata.
    if (m->type != MetadataMessageType::Request || p.ut_metadata == 0) return;
    const std::string& info = m_meta.info_bytes;
    const uint32_t pieces = MetadataPieceCount(info.size());
    MetadataMessage answer;
    answer.piece = m->piece;
    answer.type = MetadataMessageType::Reject;
    // Counted by address across connections (a reconnect does not buy a fresh allowance); the
    // table is bounded like the ban list.
    const int limit = METADATA_REQUEST_ROUNDS * static_cast<int>(pieces);
    int* served = nullptr;
    if (auto it = m_metadata_served.find(AddressKey(p.remote)); it != m_metadata_served.end()) {
        served = &it->second;
    } else if (m_metadata_served.size() < MAX_BANNED) {
        served = &m_metadata_served[AddressKey(p.remote)];
    }
    if (m->piece < pieces && ++p.metadata_requests <= limit && served && ++*served <= limit) {
        answer.type = MetadataMessageType::Data;
        answer.total_size = info.size();
        const size_t from = static_cast<size_t>(m->piece) * METADATA_PIECE_SIZE;
        const size_t n = std::min(METADATA_PIECE_SIZE, info.size() - from);
        answer.data.assign(info.begin() + static_cast<std::ptrdiff_t>(from), info.begin() + static_cast<std::ptrdiff_t>(from + n));
    }
    Send(p, wire::Extended{p.ut_metadata, EncodeMetadataMessage(answer)});
}

void Swarm::SendOurState(Peer& p) {
    if (SuperSeeding()) {
        p.super = true;
        if (p.fast) Send(p, wire::HaveNone{});
        return OfferPieces(p);
    }
    if (p.fast && m_picker.Complete()) {
        Send(p, wire::HaveAll{});
    } else if (p.fast && m_picker.HaveCount() == 0) {
        Send(p, wire::HaveNone{});
    } else if (m_picker.HaveCount() > 0) {
        wire::Bitfield bf;
        bf.bits.assign((m_picker.PieceCount() + 7) / 8, 0);
        for (uint64_t i = 0; i < m_picker.PieceCount(); ++i) {
            if (m_picker.Have(i)) wire::BitfieldSet(bf.bits, static_cast<uint32_t>(i));
        }
        Send(p, bf);
    }
}

void Swarm::OfferPieces(Peer& p) {
    if (p.dropped || !p.super) return;
    if (m_offered_count.size() != m_picker.PieceCount()) m_offered_count.assign(m_picker.PieceCount(), 0);
    while (p.offered.size() + p.passing_on.size() < SUPER_SEED_OFFERS) {
        // The piece offered least often (the lowest index among equals) that the peer lacks.
        uint64_t best = m_offered_count.size();
        for (uint64_t i = 0; i < m_offered_count.size(); ++i) {
            if (p.has[i] || p.offered.count(static_cast<uint32_t>(i))) continue;
            if (best == m_offered_count.size() || m_offered_count[i] < m_offered_count[best]) best = i;
        }
        if (best == m_offered_count.size()) return;
        ++m_offered_count[best];
        p.offered.insert(static_cast<uint32_t>(best));
        Send(p, wire::Have{static_cast<uint32_t>(best)});
    }
}

// --- messages ---------------------------------------------------------------------------

void Swarm::OnFrame(netcore::ConnectionId id, util::ByteSpan header, util::ByteSpan payload, int64_t now_us) {
    m_now_us = now_us;
    Peer* p = Find(id);
    if (p == nullptr || p->dropped) return;
    const bool handshake = wire::IsHandshakeHeader(header);
    if (!p->handshaken) {
        if (!handshake) return Drop(*p, "expected a handshake");
        util::Bytes frame(header.begin(), header.end());
        frame.insert(frame.end(), payload.begin(), payload.end());
        OnHandshake(*p, frame, now_us);
        return;
    }
    if (handshake) return Drop(*p, "a second handshake");
    // Blocks are nearly all the bytes a download moves: read in place, not copied into a
    // decoded message first.
    if (payload.size() > 9 && payload[0] == static_cast<uint8_t>(wire::MessageId::Piece) &&
        payload.size() - 9 <= wire::BLOCK_SIZE) {
        util::ByteReader r(payload.subspan(1));
        const uint32_t piece = r.ReadU32BE();
        const uint32_t offset = r.ReadU32BE();
        OnPiece(*p, piece, offset, payload.subspan(9));
        if (Peer* still = Find(id)) still->got_first_message = true;
        return;
    }
    auto m = wire::DecodeMessage(payload);
    if (!m) {
        if (m.error().code == wire::WireErrorCode::UnknownId) return;  // BEP 3: ignore unknown messages
        return Drop(*p, "malformed message: " + m.error().message);
    }
    OnMessage(*p, *m, now_us);
    // A keep-alive, a DHT port or the extension handshake (BEP 10 sends it straight after the
    // handshake too) may come before the bitfield without taking its place.
    const bool counts = !std::holds_alternative<wire::KeepAlive>(*m) && !std::holds_alternative<wire::Port>(*m) &&
                        !std::holds_alternative<wire::Extended>(*m);
    if (Peer* still = Find(id); still != nullptr && counts) still->got_first_message = true;
}

void Swarm::OnMessage(Peer& p, const wire::Message& msg, int64_t now_us) {
    const uint64_t pieces = m_picker.PieceCount();
    if (const auto* bf = std::get_if<wire::Bitfield>(&msg)) {
        if (!wire::BitfieldValid(bf->bits, static_cast<uint32_t>(pieces))) return Drop(p, "bitfield of the wrong size");
        if (p.got_first_message) {
            // aria2 sends a fresh bitfield instead of a run of haves. Accepted as a batch of
            // haves; one that takes pieces back is a lie about availability.
            std::vector<bool> added(pieces, false);
            for (uint64_t i = 0; i < pieces; ++i) {
                const bool bit = wire::BitfieldGet(bf->bits, static_cast<uint32_t>(i));
                if (p.has[i] && !bit) return Drop(p, "bitfield takes back pieces");
                added[i] = bit && !p.has[i];
            }
            for (uint64_t i = 0; i < pieces; ++i) {
                if (added[i]) p.has[i] = true;
            }
            p.has_count = static_cast<uint64_t>(std::count(p.has.begin(), p.has.end(), true));
            m_picker.AddPeerPieces(added);
            return UpdateInterest(p);
        }
        for (uint64_t i = 0; i < pieces; ++i) p.has[i] = wire::BitfieldGet(bf->bits, static_cast<uint32_t>(i));
        p.has_count = static_cast<uint64_t>(std::count(p.has.begin(), p.has.end(), true));
        m_picker.AddPeerPieces(p.has);
        return UpdateInterest(p);
    }
    if (std::holds_alternative<wire::HaveAll>(msg) || std::holds_alternative<wire::HaveNone>(msg)) {
        if (!p.fast) return Drop(p, "fast-extension message without the extension");
        if (p.got_first_message) return Drop(p, "have_all/have_none after other messages");
        if (std::holds_alternative<wire::HaveAll>(msg)) {
            std::fill(p.has.begin(), p.has.end(), true);
            p.has_count = pieces;
            m_picker.AddPeerPieces(p.has);
        }
        return UpdateInterest(p);
    }
    if (const auto* have = std::get_if<wire::Have>(&msg)) {
        if (have->piece >= pieces) return Drop(p, "have for a piece that does not exist");
        if (!p.has[have->piece]) {
            p.has[have->piece] = true;
            ++p.has_count;
            m_picker.AddPeerPiece(have->piece);
            if (!p.am_interested && !m_picker.Have(have->piece)) UpdateInterest(p);
        }
        if (p.super) {
            // It got a piece we offered: the next comes once it has passed this one on.
            if (p.offered.erase(have->piece) > 0) p.passing_on[have->piece] = now_us;
            // Whoever had this piece from us has passed it on (here, to p).
            for (auto& [id, other] : m_peers) {
                if (other.get() != &p && other->passing_on.erase(have->piece) > 0) OfferPieces(*other);
            }
        }
        return;
    }
    if (std::holds_alternative<wire::Interested>(msg)) {
        p.peer_interested = true;
        // A free upload slot is given at once rather than at the next rechoke.
        const size_t unchoked = static_cast<size_t>(std::count_if(
            m_peers.begin(), m_peers.end(), [](const auto& e) { return !e.second->am_choking; }));
        if (p.am_choking && unchoked < m_options.unchoke_slots) {
            SetChoked(p, false);
        } else if (p.am_choking && m_optimistic == 0) {
            m_optimistic = p.id;  // the optimistic slot is free: no need to wait for a rechoke
            SetChoked(p, false);
        }
        return;
    }
    if (std::holds_alternative<wire::NotInterested>(msg)) {
        p.peer_interested = false;
        if (m_optimistic == p.id) m_optimistic = 0;
        // Its upload slot goes at once to someone who wants it, not at the next rechoke.
        if (!p.am_choking) {
            SetChoked(p, true);
            UnchokeNext();
        }
        return;
    }
    if (std::holds_alternative<wire::Choke>(msg)) {
        if (now_us - p.chokes_since_us > 60'000'000) {
            p.chokes_since_us = now_us;
            p.chokes = 0;
        }
        if (++p.chokes > MAX_CHOKES_PER_MINUTE) return Drop(p, "choke flood");
        p.peer_choking = true;
        // Without the fast extension a choke cancels every request. With it the peer rejects
        // each one it will not serve (BEP 6), so the requests stay until the rejects come.
        if (!p.fast) ReturnRequests(p);
        return;
    }
    if (std::holds_alternative<wire::Unchoke>(msg)) {
        p.peer_choking = false;
        return RequestMore(p);
    }
    if (const auto* req = std::get_if<wire::Request>(&msg)) return OnRequest(p, req->block);
    if (const auto* piece = std::get_if<wire::Piece>(&msg)) return OnPiece(p, piece->piece, piece->offset, piece->data);
    if (const auto* rej = std::get_if<wire::RejectRequest>(&msg)) {
        if (p.requested.erase(rej->block) > 0) m_picker.Unrequest(rej->block, p.id);
        return;
    }
    if (const auto* ext = std::get_if<wire::Extended>(&msg)) {
        if (!p.extensions) return Drop(p, "extension message without the extension protocol");
        if (ext->id == 0) return OnExtensionHandshake(p, ext->payload);
        if (ext->id == OUR_UT_METADATA_ID && !m_meta.info_bytes.empty()) return OnMetadataMessage(p, ext->payload);
        if (ext->id == OUR_UT_PEX_ID && PexAllowed()) return OnPex(p, ext->payload);
        return;  // an extension we did not offer
    }
    if (const auto* hr = std::get_if<wire::HashRequest>(&msg)) return OnHashRequest(p, hr->fields);
    // Cancel (uploads are served at once), keep-alive, port, suggest, allowed-fast, and hashes
    // or hash rejects (the swarm asks for none: a magnet's layers come before it starts) need
    // nothing from us.
}

void Swarm::OnRequest(Peer& p, const wire::BlockRef& b) {
    if (m_error) return;
    auto reject = [&] {
        if (p.fast) Send(p, wire::RejectRequest{b});
    };
    if (p.am_choking) return reject();  // a request in flight when we choked
    if (p.super && !p.offered.count(b.piece)) return reject();  // not offered (yet)
    if (b.piece >= m_picker.PieceCount() || !m_picker.Have(b.piece)) {
        if (p.fast) return reject();
        return Drop(p, "request for a piece we do not have");
    }
    // In v2 a file's last piece is padded to a whole piece (as libtorrent counts it, asking
    // for full blocks that run into the padding): those bytes read as zeros.
    const uint64_t limit = m_meta.HasV2() ? m_meta.piece_length : m_meta.PieceSize(b.piece);
    if (uint64_t{b.offset} + b.length > limit) {
        return Drop(p, "request past the end of piece " + std::to_string(b.piece) + " (offset " +
                           std::to_string(b.offset) + ", length " + std::to_string(b.length) + ")");
    }
    if (SendQueueFull(p)) return Drop(p, "request flood");
    // The piece message is built around the block read straight into it (one copy, not three).
    util::ByteWriter head(13);
    head.WriteU32BE(9 + b.length);
    head.WriteU8(static_cast<uint8_t>(wire::MessageId::Piece));
    head.WriteU32BE(b.piece);
    head.WriteU32BE(b.offset);
    util::Bytes frame = head.Take();
    frame.resize(13 + b.length);
    if (auto read = m_store.ReadHeld(b.piece, b.offset, std::span<uint8_t>(frame).subspan(13)); !read) {
        m_error = "reading the torrent's files: " + read.error().message;
        m_log(*m_error);
        return;
    }
    p.last_send_us = m_now_us;
    if (m_net == nullptr || !m_net->Send(p.id, std::move(frame))) return;
    p.window_up += b.length;
    p.total_up += b.length;
    TotalsOf(p).uploaded += b.length;
    m_window_up += b.length;
    m_uploaded += b.length;
}

bool Swarm::SendQueueFull(Peer& p) {
    if (m_net == nullptr) return false;
    const auto stats = m_net->Stats(p.id);
    // Twice the queue a peer may legitimately keep (its frames carry headers too).
    return stats && stats->send_queue_bytes > 2 * MAX_QUEUED_REQUESTS * wire::BLOCK_SIZE;
}

void Swarm::OnPiece(Peer& p, uint32_t piece, uint32_t offset, util::ByteSpan data) {
    const wire::BlockRef ref{piece, offset, static_cast<uint32_t>(data.size())};
    if (p.requested.erase(ref) == 0) {
        // Not asked of this peer (or no longer): never stored, never counted as giving.
        if (++p.unrequested_blocks > MAX_UNREQUESTED_BLOCKS) Drop(p, "blocks nobody asked for");
        return;
    }
    p.window_down += data.size();
    p.total_down += data.size();
    TotalsOf(p).downloaded += data.size();
    m_window_down += data.size();
    m_downloaded += data.size();
    if (p.slow_start && p.slow_start_pipeline < MAX_PIPELINE) ++p.slow_start_pipeline;
    const auto result = m_picker.AddBlock(piece, offset, data, p.id);
    if (result != picker::PiecePicker::BlockResult::Unwanted) {
        // End game: whoever else was asked for this block need not send it.
        for (picker::PeerKey other : m_picker.OtherRequesters(ref, p.id)) {
            if (Peer* o = Find(other); o != nullptr && o->requested.erase(ref) > 0) Send(*o, wire::Cancel{ref});
        }
    }
    if (result == picker::PiecePicker::BlockResult::PieceDone) PieceFinished(piece);
    if (Peer* still = Find(p.id); still != nullptr && !still->dropped) RequestMore(*still);
}

void Swarm::PieceFinished(uint64_t piece) {
    const auto blocks = m_picker.Senders(piece);
    std::vector<picker::PeerKey> senders;
    const util::Bytes data = m_picker.TakePiece(piece, &senders);
    const auto check = storage::CheckPiece(m_meta, piece, data);
    if (check != storage::PieceCheck::Good) {
        ++m_hash_failures;
        m_log("piece " + std::to_string(piece) + " failed its hash check (" + std::to_string(senders.size()) +
              " peer(s) sent it)");
        std::vector<SuspectBlock> record;
        std::set<std::string> addresses;
        for (const auto& b : blocks) {
            const Peer* s = Find(b.sender);
            record.push_back({b.offset, b.length, crypto::Sha1(util::ByteSpan(data).subspan(b.offset, b.length)),
                              s ? AddressKey(s->remote) : std::string(), b.sender});
            if (s) addresses.insert(AddressKey(s->remote));
        }
        // One address behind every block (one peer, or one peer's several connections):
        // it alone is responsible.
        if (addresses.size() == 1) {
            const std::string key = *addresses.begin();
            BanKey(key);
            for (auto& [id, peer] : m_peers) {
                if (AddressKey(peer->remote) == key) Ban(*peer, "sent a piece that failed its hash check");
            }
            return;
        }
        // Several senders: who was wrong is known once a good copy arrives; meanwhile an
        // address in too many failures is banned anyway.
        for (const auto& key : addresses) {
            if (++m_failures_by_address[key] < MAX_FAILED_PIECES_PER_ADDRESS) continue;
            BanKey(key);
            for (auto& [id, peer] : m_peers) {
                if (AddressKey(peer->remote) == key) Ban(*peer, "in too many pieces that failed their hash check");
            }
        }
        if (m_suspects.size() < MAX_SUSPECT_PIECES || m_suspects.count(piece)) m_suspects[piece] = std::move(record);
        return;
    }
    if (auto it = m_suspects.find(piece); it != m_suspects.end()) {
        for (const auto& b : it->second) {
            if (crypto::Sha1(util::ByteSpan(data).subspan(b.offset, b.length)) == b.hash) continue;
            if (Peer* s = Find(b.sender)) {
                Ban(*s, "sent data that differs from the verified piece " + std::to_string(piece));
            } else if (!b.ban_key.empty()) {
                BanKey(b.ban_key);
            }
        }
        m_suspects.erase(it);
    }
    if (auto written = m_store.WritePiece(piece, data); !written) {
        m_error = "writing the torrent's files: " + written.error().message;
        m_log(*m_error);
        return;
    }
    MarkHave(piece);
    for (auto& [id, peer] : m_peers) {
        if (!peer->handshaken) continue;
        Send(*peer, wire::Have{static_cast<uint32_t>(piece)});
        if (peer->am_interested) UpdateInterest(*peer);
    }
    if (m_picker.Complete()) {
        if (auto synced = m_store.Sync(); !synced) {
            m_error = "syncing the torrent's files: " + synced.error().message;
            m_log(*m_error);
            return;
        }
        m_log("download complete: every piece checked");
    }
}

void Swarm::UpdateInterest(Peer& p) {
    const bool want = !m_picker.Complete() && m_picker.Wants(p.has);
    if (want != p.am_interested) {
        p.am_interested = want;
        if (want) {
            Send(p, wire::Interested{});
        } else {
            Send(p, wire::NotInterested{});
        }
    }
    if (want) RequestMore(p);
}

void Swarm::RequestMore(Peer& p) {
    if (!p.handshaken || p.dropped || p.peer_choking || !p.am_interested || m_error) return;
    // About two seconds of this peer's recent rate in flight.
    const double blocks = p.down_rate * 2.0 / wire::BLOCK_SIZE;
    size_t target = std::clamp<size_t>(static_cast<size_t>(blocks), MIN_PIPELINE, MAX_PIPELINE);
    if (p.slow_start) target = std::max(target, p.slow_start_pipeline);
    target = std::min(target, p.reqq);  // more would be dropped by the peer, or count as a flood
    if (p.requested.size() >= target) return;
    // The origin's upload is the swarm's scarcest resource: from a seed, open only pieces
    // that no downloader we know has, while some other peer is giving us data. That way each
    // piece leaves the seed about once and the downloaders spread it among themselves.
    uint32_t max_availability = UINT32_MAX;
    if (p.has_count == m_picker.PieceCount()) {
        uint32_t seeds = 0;
        bool others_serving = false;
        for (const auto& [id, o] : m_peers) {
            if (!o->handshaken) continue;
            if (o->has_count == m_picker.PieceCount()) {
                ++seeds;
            } else if (!o->peer_choking && o->am_interested) {
                others_serving = true;
            }
        }
        if (others_serving) max_availability = seeds;
    }
    for (const auto& b : m_picker.Pick(p.has, p.id, target - p.requested.size(), max_availability)) {
        p.requested.emplace(b, m_now_us);
        Send(p, wire::Request{b});
    }
}

void Swarm::ReturnRequests(Peer& p) {
    for (const auto& [b, when] : p.requested) m_picker.Unrequest(b, p.id);
    p.requested.clear();
}

// --- choking and timers -----------------------------------------------------------------

void Swarm::SetChoked(Peer& p, bool choked) {
    if (p.am_choking == choked) return;
    p.am_choking = choked;
    if (choked) {
        Send(p, wire::Choke{});
    } else {
        Send(p, wire::Unchoke{});
    }
}

void Swarm::UnchokeNext() {
    Peer* best = nullptr;
    for (auto& [id, p] : m_peers) {
        if (!p->handshaken || p->dropped || !p->peer_interested || !p->am_choking) continue;
        const double rate = Seeding() ? p->up_rate : p->down_rate;
        if (best == nullptr || rate > (Seeding() ? best->up_rate : best->down_rate)) best = p.get();
    }
    if (best != nullptr) SetChoked(*best, false);
}

void Swarm::Rechoke(int64_t now_us) {
    std::vector<Peer*> interested;
    for (auto& [id, p] : m_peers) {
        if (p->handshaken && !p->dropped && p->peer_interested) interested.push_back(p.get());
    }
    // Tit-for-tat: a downloader rewards the peers that give it most; a seed, the peers that
    // take most (they spread the data fastest).
    const bool seeding = Seeding();
    std::sort(interested.begin(), interested.end(), [seeding](const Peer* a, const Peer* b) {
        return seeding ? a->up_rate > b->up_rate : a->down_rate > b->down_rate;
    });
    if (now_us >= m_next_optimistic_us) {
        m_next_optimistic_us = now_us + OPTIMISTIC_INTERVAL_US;
        std::vector<Peer*> choked(interested.begin() + static_cast<long>(std::min(interested.size(), m_options.unchoke_slots)),
                                  interested.end());
        m_optimistic = choked.empty() ? 0 : choked[static_cast<size_t>(now_us / 1000) % choked.size()]->id;
    }
    std::set<netcore::ConnectionId> unchoke;
    for (size_t i = 0; i < interested.size() && i < m_options.unchoke_slots; ++i) unchoke.insert(interested[i]->id);
    if (m_optimistic != 0) unchoke.insert(m_optimistic);
    for (auto& [id, p] : m_peers) {
        if (p->handshaken) SetChoked(*p, unchoke.count(id) == 0);
    }
}

void Swarm::Tick(int64_t now_us) {
    m_now_us = now_us;
    if (m_last_rate_us == 0) m_last_rate_us = now_us;
    const int64_t elapsed = now_us - m_last_rate_us;
    if (elapsed >= 1'000'000) {
        const double secs = static_cast<double>(elapsed) / 1e6;
        auto blend = [secs](double rate, uint64_t window) { return 0.5 * rate + 0.5 * static_cast<double>(window) / secs; };
        for (auto& [id, p] : m_peers) {
            const double before = p->down_rate;
            p->down_rate = blend(p->down_rate, p->window_down);
            if (p->slow_start && before > 0 && p->down_rate < before * 1.1) p->slow_start = false;
            p->up_rate = blend(p->up_rate, p->window_up);
            p->window_down = p->window_up = 0;
        }
        m_down_rate = blend(m_down_rate, m_window_down);
        m_up_rate = blend(m_up_rate, m_window_up);
        m_window_down = m_window_up = 0;
        m_last_rate_us = now_us;
    }

    std::vector<std::pair<netcore::ConnectionId, std::string>> drops;
    for (auto& [id, p] : m_peers) {
        if (!p->handshaken) {
            if (now_us - p->connected_us > HANDSHAKE_TIMEOUT_US) drops.emplace_back(id, "no handshake in time");
            continue;
        }
        // Two seeds have nothing to say; a peer we found ourselves is not kept for nothing.
        if (Seeding() && p->has_count == m_picker.PieceCount() && m_candidate_tags.count(p->tag)) {
            drops.emplace_back(id, "both seeds");
            continue;
        }
        for (auto it = p->requested.begin(); it != p->requested.end();) {
            if (now_us - it->second > REQUEST_TIMEOUT_US) {
                m_picker.Unrequest(it->first, id);
                it = p->requested.erase(it);
            } else {
                ++it;
            }
        }
        if (now_us - p->last_send_us > KEEPALIVE_INTERVAL_US) Send(*p, wire::KeepAlive{});
        if (p->ut_pex != 0 && now_us >= p->next_pex_us) {
            p->next_pex_us = now_us + PEX_INTERVAL_US;
            SendPex(*p);
        }
        if (p->super) {
            const size_t before = p->passing_on.size();
            std::erase_if(p->passing_on, [now_us](const auto& e) { return now_us - e.second > SUPER_SEED_GRACE_US; });
            if (p->passing_on.size() != before) OfferPieces(*p);
        }
    }
    for (const auto& [id, why] : drops) {
        if (Peer* p = Find(id)) Drop(*p, why);
    }
    if (now_us >= m_next_rechoke_us) {
        m_next_rechoke_us = now_us + RECHOKE_INTERVAL_US;
        Rechoke(now_us);
    }
    if (now_us >= m_next_candidate_dial_us) {
        m_next_candidate_dial_us = now_us + CANDIDATE_DIAL_INTERVAL_US;
        DialCandidates(now_us);
    }
    if (m_net && now_us >= m_next_reconnect_us) {
        m_next_reconnect_us = now_us + RECONNECT_INTERVAL_US;
        for (size_t i = 0; i < m_options.keep_connected.size(); ++i) {
            const uint64_t tag = i + 1;
            if (m_dialling.insert(tag).second) m_net->Connect(m_options.keep_connected[i], tag);
        }
    }
    for (auto& [id, p] : m_peers) RequestMore(*p);
}

}  // namespace tonari::torrent::peer

// BEP 15 packets.
#include "torrent/tracker/udp_protocol.h"

#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace tonari::torrent::tracker::udp {
namespace {

// A client event as BEP 15 numbers it (none 0, completed 1, started 2, stopped 3).
uint32_t EventNumber(AnnounceEvent e) { return static_cast<uint32_t>(e); }

// An error message longer than this is cut: it is read into a log line.
constexpr size_t MAX_ERROR_TEXT = 512;

}  // namespace

util::Bytes Encode(const Request& request) {
    util::ByteWriter w(100);
    if (const auto* c = std::get_if<ConnectRequest>(&request)) {
        w.WriteU64BE(PROTOCOL_ID);
        w.WriteU32BE(static_cast<uint32_t>(Action::Connect));
        w.WriteU32BE(c->transaction);
    } else if (const auto* a = std::get_if<AnnouncePacket>(&request)) {
        const AnnounceRequest& r = a->request;
        w.WriteU64BE(a->connection_id);
        w.WriteU32BE(static_cast<uint32_t>(Action::Announce));
        w.WriteU32BE(a->transaction);
        w.WriteBytes(r.info_hash);
        w.WriteBytes(r.peer_id);
        w.WriteU64BE(r.downloaded);
        w.WriteU64BE(r.left);
        w.WriteU64BE(r.uploaded);
        w.WriteU32BE(EventNumber(r.event));
        w.WriteU32BE(0);  // IP: the sender's address
        w.WriteU32BE(r.key);
        w.WriteU32BE(static_cast<uint32_t>(r.numwant));
        w.WriteU16BE(r.port);
    } else {
        const auto& s = std::get<ScrapePacket>(request);
        w.WriteU64BE(s.connection_id);
        w.WriteU32BE(static_cast<uint32_t>(Action::Scrape));
        w.WriteU32BE(s.transaction);
        for (const auto& h : s.info_hashes) w.WriteBytes(h);
    }
    return w.Take();
}

util::Bytes Encode(const Reply& reply, bool ipv6) {
    util::ByteWriter w(64);
    if (const auto* c = std::get_if<ConnectResponse>(&reply)) {
        w.WriteU32BE(static_cast<uint32_t>(Action::Connect));
        w.WriteU32BE(c->transaction);
        w.WriteU64BE(c->connection_id);
    } else if (const auto* a = std::get_if<AnnounceReply>(&reply)) {
        w.WriteU32BE(static_cast<uint32_t>(Action::Announce));
        w.WriteU32BE(a->transaction);
        w.WriteU32BE(a->interval);
        w.WriteU32BE(a->leechers);
        w.WriteU32BE(a->seeders);
        for (const auto& p : a->peers) {
            const std::string compact = netcore::EncodeCompactEndpoint(p, ipv6);
            w.WriteBytes(util::AsBytes(compact));
        }
    } else if (const auto* s = std::get_if<ScrapeReply>(&reply)) {
        w.WriteU32BE(static_cast<uint32_t>(Action::Scrape));
        w.WriteU32BE(s->transaction);
        for (const auto& e : s->entries) {
            w.WriteU32BE(static_cast<uint32_t>(e.complete));
            w.WriteU32BE(static_cast<uint32_t>(e.downloaded));
            w.WriteU32BE(static_cast<uint32_t>(e.incomplete));
        }
    } else {
        const auto& e = std::get<ErrorReply>(reply);
        w.WriteU32BE(static_cast<uint32_t>(Action::Error));
        w.WriteU32BE(e.transaction);
        w.WriteBytes(util::AsBytes(e.message));
    }
    return w.Take();
}

std::optional<Request> DecodeRequest(util::ByteSpan packet) {
    util::ByteReader r(packet);
    const uint64_t connection_id = r.ReadU64BE();
    const uint32_t action = r.ReadU32BE();
    const uint32_t transaction = r.ReadU32BE();
    if (r.failed()) return std::nullopt;
    switch (static_cast<Action>(action)) {
        case Action::Connect:
            if (connection_id != PROTOCOL_ID) return std::nullopt;
            return ConnectRequest{transaction};
        case Action::Announce: {
            AnnouncePacket a;
            a.connection_id = connection_id;
            a.transaction = transaction;
            r.ReadInto(a.request.info_hash);
            r.ReadInto(a.request.peer_id);
            a.request.downloaded = r.ReadU64BE();
            a.request.left = r.ReadU64BE();
            a.request.uploaded = r.ReadU64BE();
            const uint32_t event = r.ReadU32BE();
            (void)r.ReadU32BE();  // IP: ignored, a sender may not name another address
            a.request.key = r.ReadU32BE();
            a.request.numwant = static_cast<int32_t>(r.ReadU32BE());
            a.request.port = r.ReadU16BE();
            if (r.failed() || event > 3) return std::nullopt;  // BEP 41 options after it are ignored
            a.request.event = static_cast<AnnounceEvent>(event);
            return a;
        }
        case Action::Scrape: {
            ScrapePacket s;
            s.connection_id = connection_id;
            s.transaction = transaction;
            if (r.remaining() % 20 != 0 || r.remaining() == 0 || r.remaining() / 20 > MAX_SCRAPE_HASHES) return std::nullopt;
            while (!r.empty()) {
                Hash20 h{};
                r.ReadInto(h);
                s.info_hashes.push_back(h);
            }
            return s;
        }
        case Action::Error: break;
    }
    return std::nullopt;
}

std::optional<Reply> DecodeReply(util::ByteSpan packet, bool ipv6) {
    util::ByteReader r(packet);
    const uint32_t action = r.ReadU32BE();
    const uint32_t transaction = r.ReadU32BE();
    if (r.failed()) return std::nullopt;
    switch (static_cast<Action>(action)) {
        case Action::Connect: {
            const uint64_t id = r.ReadU64BE();
            if (r.failed()) return std::nullopt;
            return ConnectResponse{transaction, id};
        }
        case Action::Announce: {
            AnnounceReply a;
            a.transaction = transaction;
            a.interval = r.ReadU32BE();
            a.leechers = r.ReadU32BE();
            a.seeders = r.ReadU32BE();
            if (r.failed()) return std::nullopt;
            a.peers = netcore::DecodeCompactEndpoints(r.ReadSpan(r.remaining()), ipv6, MAX_PEERS_PER_RESPONSE);
            return a;
        }
        case Action::Scrape: {
            ScrapeReply s;
            s.transaction = transaction;
            while (r.remaining() >= 12) {
                ScrapeEntry e;
                e.complete = r.ReadU32BE();
                e.downloaded = r.ReadU32BE();
                e.incomplete = r.ReadU32BE();
                s.entries.push_back(e);
            }
            return s;
        }
        case Action::Error: {
            ErrorReply e;
            e.transaction = transaction;
            const auto text = r.ReadSpan(std::min(r.remaining(), MAX_ERROR_TEXT));
            e.message.assign(text.begin(), text.end());
            return e;
        }
    }
    return std::nullopt;
}

}  // namespace tonari::torrent::tracker::udp

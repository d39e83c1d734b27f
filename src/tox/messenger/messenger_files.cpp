// Messenger's file transfers: offers, controls and data both ways.
#include <algorithm>

#include "crypto/random.h"
#include "tox/messenger/messenger.h"
#include "util/hex.h"

namespace tonari::tox::messenger {

bool Messenger::SendFileControl(size_t n, bool about_incoming, uint8_t file, uint8_t control, int64_t now_us) {
    // [1 if the file is one the sender of this packet receives][file][control]
    const uint8_t body[] = {static_cast<uint8_t>(about_incoming ? 1 : 0), file, control};
    return SendPacket(n, PACKET_ID_FILE_CONTROL, body, now_us);
}

util::Result<uint8_t, std::string> Messenger::SendFile(size_t n, const std::filesystem::path& path, int64_t now_us) {
    if (n >= m_state.size() || !m_state[n].online) return util::Fail(std::string("the friend is not online"));
    auto& st = m_state[n];
    if (st.sending.size() >= MAX_FILES_PER_DIRECTION) return util::Fail(std::string("too many files on the way"));
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec || !std::filesystem::is_regular_file(path, ec)) return util::Fail("cannot read " + path.string());
    uint8_t number = 0;
    while (st.sending.count(number) != 0) ++number;
    OutgoingFile f;
    f.offer.number = number;
    f.offer.size = size;
    crypto::RandomBytes(f.offer.id);
    f.offer.name = path.filename().string().substr(0, MAX_FILE_NAME);
    f.in.open(path, std::ios::binary);
    if (!f.in) return util::Fail("cannot open " + path.string());
    if (!SendPacket(n, PACKET_ID_FILE_SENDREQUEST, EncodeFileOffer(f.offer), now_us)) {
        return util::Fail(std::string("the connection's send window is full"));
    }
    st.sending.emplace(number, std::move(f));
    return number;
}

util::Result<void, std::string> Messenger::AcceptFile(size_t n, uint8_t file, int64_t now_us) {
    if (n >= m_state.size()) return util::Fail(std::string("no such friend"));
    auto it = m_state[n].receiving.find(file);
    if (it == m_state[n].receiving.end() || it->second.accepted) return util::Fail(std::string("no such offer"));
    IncomingFile& f = it->second;
    std::error_code ec;
    std::filesystem::create_directories(m_downloads, ec);
    f.path = FreePath(m_downloads, SafeFileName(f.offer.name));
    f.out.open(f.path, std::ios::binary | std::ios::trunc);
    if (!f.out) return util::Fail("cannot write " + f.path.string());
    f.accepted = true;
    SendFileControl(n, true, file, FILE_CONTROL_ACCEPT, now_us);
    return {};
}

util::Result<void, std::string> Messenger::CancelFile(size_t n, uint8_t file, bool incoming, int64_t now_us) {
    if (n >= m_state.size()) return util::Fail(std::string("no such friend"));
    auto& st = m_state[n];
    const bool known = incoming ? st.receiving.erase(file) != 0 : st.sending.erase(file) != 0;
    if (!known) return util::Fail(std::string("no such transfer"));
    SendFileControl(n, incoming, file, FILE_CONTROL_KILL, now_us);
    return {};
}

void Messenger::OnFilePacket(size_t n, uint8_t id, util::ByteSpan body, int64_t now_us) {
    auto& st = m_state[n];
    const auto& key = m_profile.friends[n].public_key;
    if (id == PACKET_ID_FILE_SENDREQUEST) {
        auto offer = DecodeFileOffer(body);
        if (!offer || st.receiving.count(offer->number) != 0) return;
        if (st.receiving.size() >= MAX_FILES_PER_DIRECTION) {
            SendFileControl(n, true, offer->number, FILE_CONTROL_KILL, now_us);
            return;
        }
        Event e = MakeEvent("file_offer", n, key, offer->name, offer->number, offer->size, "");
        IncomingFile f;
        f.offer = std::move(*offer);
        st.receiving.emplace(f.offer.number, std::move(f));
        m_on_event(e);
        return;
    }
    if (id == PACKET_ID_FILE_CONTROL) {
        if (body.size() < 3) return;
        // Their "incoming" is our outgoing.
        const bool ours_outgoing = body[0] == 1;
        const uint8_t file = body[1];
        const uint8_t control = body[2];
        if (ours_outgoing) {
            auto it = st.sending.find(file);
            if (it == st.sending.end()) return;
            OutgoingFile& f = it->second;
            if (control == FILE_CONTROL_ACCEPT) {
                if (!f.accepted) m_on_event(MakeEvent("file_accepted", n, key, f.offer.name, file, f.offer.size, ""));
                f.accepted = true;
                f.paused_by_them = false;
            } else if (control == FILE_CONTROL_PAUSE) {
                f.paused_by_them = true;
            } else if (control == FILE_CONTROL_KILL) {
                const Event e = MakeEvent("file_cancelled", n, key, f.offer.name, file, f.offer.size, "");
                st.sending.erase(it);  // before the event: its handler may act on the transfers
                m_on_event(e);
            } else if (control == FILE_CONTROL_SEEK && body.size() == 3 + 8 && !f.accepted) {
                // A receiver resuming a broken transfer starts from where it has the file.
                uint64_t position = 0;
                for (size_t i = 0; i < 8; ++i) position = (position << 8) | body[3 + i];
                if (position < f.offer.size) {
                    f.sent = position;
                    f.in.seekg(static_cast<std::streamoff>(position));
                }
            }
        } else {
            auto it = st.receiving.find(file);
            if (it == st.receiving.end()) return;
            if (control == FILE_CONTROL_KILL) {
                const Event e = MakeEvent("file_cancelled", n, key, it->second.offer.name, file, it->second.offer.size, "");
                st.receiving.erase(it);
                m_on_event(e);
            }
        }
        return;
    }
    // File data: [file][bytes]; a short or empty chunk, or reaching the size, ends it.
    if (body.empty()) return;
    auto it = st.receiving.find(body[0]);
    if (it == st.receiving.end() || !it->second.accepted) return;
    IncomingFile& f = it->second;
    util::ByteSpan chunk = body.subspan(1);
    // Nothing past the size it announced reaches the disk.
    if (chunk.size() > f.offer.size - f.received) chunk = chunk.first(static_cast<size_t>(f.offer.size - f.received));
    f.out.write(reinterpret_cast<const char*>(chunk.data()), static_cast<std::streamsize>(chunk.size()));
    f.hash.Write(chunk);
    f.received += chunk.size();
    if (body.size() - 1 < MAX_FILE_DATA || f.received >= f.offer.size) {
        f.out.close();
        const auto digest = f.hash.Finalize();
        Event e = MakeEvent("file_done", n, key, f.path.string(), body[0], f.received, util::HexEncode(digest));
        if (!f.out) e.type = "file_error";
        st.receiving.erase(it);
        m_on_event(e);
    }
}

void Messenger::PumpFiles(size_t n, int64_t now_us) {
    auto& st = m_state[n];
    if (!st.online) return;
    const auto& key = m_profile.friends[n].public_key;
    const size_t window = m_crypto.Direct(key) ? FILE_WINDOW_PACKETS : RELAY_FILE_WINDOW_PACKETS;
    for (auto it = st.sending.begin(); it != st.sending.end();) {
        OutgoingFile& f = it->second;
        bool done = false;
        while (f.accepted && !f.paused_by_them && m_crypto.QueuedPackets(key) < window) {
            util::Bytes packet(2 + MAX_FILE_DATA);
            packet[0] = PACKET_ID_FILE_DATA;
            packet[1] = f.offer.number;
            const uint64_t want = std::min<uint64_t>(MAX_FILE_DATA, f.offer.size - f.sent);
            f.in.read(reinterpret_cast<char*>(packet.data() + 2), static_cast<std::streamsize>(want));
            const auto got = static_cast<size_t>(f.in.gcount());
            packet.resize(2 + got);
            if (!m_crypto.SendLossless(key, packet, now_us)) {
                // The window filled between the check and now: read it again next time.
                f.in.clear();
                f.in.seekg(static_cast<std::streamoff>(f.sent));
                break;
            }
            f.sent += got;
            if (got < MAX_FILE_DATA || f.sent >= f.offer.size) {
                done = true;
                break;
            }
        }
        if (done) {
            const Event e = MakeEvent("file_sent", n, key, f.offer.name, f.offer.number, f.sent, "");
            st.sending.erase(it);
            m_on_event(e);
            return;  // the handler may have changed the transfers: the rest go next time
        }
        ++it;
    }
}

void Messenger::EndFiles(size_t n) {
    auto& st = m_state[n];
    const auto key = m_profile.friends[n].public_key;
    std::vector<Event> events;
    for (auto& [number, f] : st.sending) events.push_back(MakeEvent("file_cancelled", n, key, f.offer.name, number, f.offer.size, ""));
    for (auto& [number, f] : st.receiving) events.push_back(MakeEvent("file_cancelled", n, key, f.offer.name, number, f.offer.size, ""));
    st.sending.clear();
    st.receiving.clear();
    for (const auto& e : events) m_on_event(e);
}

}  // namespace tonari::tox::messenger

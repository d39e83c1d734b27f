// The Tox save format.
#include "tox/profile/state_format.h"

#include <algorithm>

#include "crypto/random.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace tonari::tox::profile {
namespace {

constexpr uint32_t STATE_MAGIC = 0x15ED1B1F;
constexpr uint16_t SECTION_COOKIE = 0x01CE;
constexpr uint32_t DHT_MAGIC = 0x0159000D;
constexpr uint16_t DHT_SECTION_COOKIE = 0x11CE;
constexpr uint16_t DHT_NODES_TYPE = 0x04;
constexpr size_t NOSPAM_KEYS_SIZE = 4 + 2 * crypto::BOX_KEY_SIZE;

void WriteSection(util::ByteWriter& out, uint16_t type, util::ByteSpan data) {
    out.WriteU32LE(static_cast<uint32_t>(data.size()));
    out.WriteU16LE(type);
    out.WriteU16LE(SECTION_COOKIE);
    out.WriteBytes(data);
}

util::Bytes PackNodes(const std::vector<wire::NodeInfo>& nodes) {
    util::ByteWriter out;
    for (const auto& n : nodes) wire::PackNode(n, out);
    return out.Take();
}

// The whole records of a node list, up to `max`: a damaged record ends the list.
std::vector<wire::NodeInfo> ReadNodes(util::ByteSpan data, size_t max, bool udp_only) {
    std::vector<wire::NodeInfo> nodes;
    while (!data.empty() && nodes.size() < max) {
        const size_t record = (data[0] & 0x7f) == 10 ? wire::PACKED_NODE_SIZE_IP6 : wire::PACKED_NODE_SIZE_IP4;
        if (record > data.size()) break;
        auto one = wire::UnpackNodes(data.first(record), 1, 1);
        if (!one) break;
        if (!udp_only || !one->front().tcp) nodes.push_back(one->front());
        data = data.subspan(record);
    }
    return nodes;
}

// The DHT section: a magic, then sub-sections; only the nodes one is defined. What cannot be
// read is left out.
std::vector<wire::NodeInfo> DecodeDhtSection(util::ByteSpan data) {
    util::ByteReader in(data);
    std::vector<wire::NodeInfo> nodes;
    if (in.ReadU32LE() != DHT_MAGIC || in.failed()) return nodes;
    while (!in.empty()) {
        const uint32_t length = in.ReadU32LE();
        const uint16_t type = in.ReadU16LE();
        const uint16_t cookie = in.ReadU16LE();
        const util::ByteSpan body = in.ReadSpan(length);
        if (in.failed() || cookie != DHT_SECTION_COOKIE) break;
        if (type != DHT_NODES_TYPE) continue;
        auto list = ReadNodes(body, MAX_SAVED_NODES - nodes.size(), true);
        nodes.insert(nodes.end(), list.begin(), list.end());
    }
    return nodes;
}

// A string field of fixed size in a friend record, with its big-endian length elsewhere.
util::Result<std::string, std::string> FixedString(util::ByteSpan field, uint16_t length) {
    if (length > field.size()) return util::Fail(std::string("friend record with a length past its field"));
    return std::string(field.begin(), field.begin() + length);
}

void WriteFixed(util::ByteWriter& out, const std::string& s, size_t field) {
    const size_t n = std::min(s.size(), field);
    out.WriteBytes(util::ByteSpan(reinterpret_cast<const uint8_t*>(s.data()), n));
    for (size_t i = n; i < field; ++i) out.WriteU8(0);
}

util::Result<std::vector<SavedFriend>, std::string> DecodeFriends(util::ByteSpan data) {
    if (data.size() % SAVED_FRIEND_SIZE != 0) return util::Fail(std::string("friends section is not whole records"));
    if (data.size() / SAVED_FRIEND_SIZE > MAX_SAVED_FRIENDS) return util::Fail(std::string("too many friends"));
    std::vector<SavedFriend> friends;
    for (size_t at = 0; at < data.size(); at += SAVED_FRIEND_SIZE) {
        util::ByteReader in(data.subspan(at, SAVED_FRIEND_SIZE));
        SavedFriend f;
        f.status = in.ReadU8();
        f.public_key = *crypto::BoxPublicKey::FromBytes(in.ReadSpan(crypto::BOX_KEY_SIZE));
        const auto request = in.ReadSpan(MAX_FRIEND_REQUEST_SIZE);
        in.ReadU8();  // padding
        const uint16_t request_size = in.ReadU16BE();
        const auto name = in.ReadSpan(MAX_NAME_SIZE);
        const uint16_t name_size = in.ReadU16BE();
        const auto status = in.ReadSpan(MAX_STATUS_MESSAGE_SIZE);
        in.ReadU8();  // padding
        const uint16_t status_size = in.ReadU16BE();
        f.user_status = in.ReadU8();
        in.ReadSpan(3);  // padding
        const auto nospam = in.ReadSpan(4);
        f.last_seen = in.ReadU64BE();
        if (in.failed()) return util::Fail(std::string("friend record cut short"));
        std::copy(nospam.begin(), nospam.end(), f.request_nospam.begin());
        auto r = FixedString(request, request_size);
        auto n = FixedString(name, name_size);
        auto m = FixedString(status, status_size);
        if (!r || !n || !m) return util::Fail("friend " + std::to_string(friends.size()) + ": a length past its field");
        f.request_message = std::move(*r);
        f.name = std::move(*n);
        f.status_message = std::move(*m);
        friends.push_back(std::move(f));
    }
    return friends;
}

util::Bytes EncodeFriends(const std::vector<SavedFriend>& friends) {
    util::ByteWriter out;
    for (const auto& f : friends) {
        out.WriteU8(f.status);
        out.WriteBytes(f.public_key.span());
        WriteFixed(out, f.request_message, MAX_FRIEND_REQUEST_SIZE);
        out.WriteU8(0);
        out.WriteU16BE(static_cast<uint16_t>(std::min(f.request_message.size(), MAX_FRIEND_REQUEST_SIZE)));
        WriteFixed(out, f.name, MAX_NAME_SIZE);
        out.WriteU16BE(static_cast<uint16_t>(std::min(f.name.size(), MAX_NAME_SIZE)));
        WriteFixed(out, f.status_message, MAX_STATUS_MESSAGE_SIZE);
        out.WriteU8(0);
        out.WriteU16BE(static_cast<uint16_t>(std::min(f.status_message.size(), MAX_STATUS_MESSAGE_SIZE)));
        out.WriteU8(f.user_status);
        out.WriteBytes(util::Bytes(3, 0));
        out.WriteBytes(f.request_nospam);
        out.WriteU64BE(f.last_seen);
    }
    return out.Take();
}

}  // namespace

Profile NewProfile() {
    Profile p;
    p.keys = crypto::BoxGenerateKeyPair();
    crypto::RandomBytes(p.nospam);
    return p;
}

util::Bytes EncodeState(const Profile& profile) {
    util::ByteWriter out;
    out.WriteU32LE(0);
    out.WriteU32LE(STATE_MAGIC);
    // Sections in c-toxcore's order: by type, kept ones in their place.
    std::vector<std::pair<uint16_t, util::Bytes>> sections;
    {
        util::ByteWriter keys;
        keys.WriteBytes(profile.nospam);
        keys.WriteBytes(profile.keys.public_key.span());
        keys.WriteBytes(profile.keys.secret_key.span());
        sections.emplace_back(static_cast<uint16_t>(SectionType::NOSPAM_KEYS), keys.Take());
    }
    {
        util::ByteWriter dht;
        dht.WriteU32LE(DHT_MAGIC);
        const util::Bytes nodes = PackNodes(profile.dht_nodes);
        dht.WriteU32LE(static_cast<uint32_t>(nodes.size()));
        dht.WriteU16LE(DHT_NODES_TYPE);
        dht.WriteU16LE(DHT_SECTION_COOKIE);
        dht.WriteBytes(nodes);
        sections.emplace_back(static_cast<uint16_t>(SectionType::DHT), dht.Take());
    }
    sections.emplace_back(static_cast<uint16_t>(SectionType::FRIENDS), EncodeFriends(profile.friends));
    sections.emplace_back(static_cast<uint16_t>(SectionType::NAME), util::Bytes(profile.name.begin(), profile.name.end()));
    sections.emplace_back(static_cast<uint16_t>(SectionType::STATUS_MESSAGE),
                          util::Bytes(profile.status_message.begin(), profile.status_message.end()));
    sections.emplace_back(static_cast<uint16_t>(SectionType::STATUS), util::Bytes{profile.user_status});
    sections.emplace_back(static_cast<uint16_t>(SectionType::TCP_RELAYS), PackNodes(profile.tcp_relays));
    sections.emplace_back(static_cast<uint16_t>(SectionType::PATH_NODES), PackNodes(profile.path_nodes));
    for (const auto& k : profile.kept) sections.emplace_back(k.type, k.data);
    std::stable_sort(sections.begin(), sections.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [type, data] : sections) WriteSection(out, type, data);
    WriteSection(out, static_cast<uint16_t>(SectionType::END), {});
    return out.Take();
}

util::Result<Profile, std::string> DecodeState(util::ByteSpan data) {
    if (data.size() > MAX_STATE_SIZE) return util::Fail(std::string("a profile larger than 16 MiB is not a Tox profile"));
    util::ByteReader in(data);
    const uint32_t zero = in.ReadU32LE();
    const uint32_t magic = in.ReadU32LE();
    if (in.failed() || zero != 0 || magic != STATE_MAGIC) {
        return util::Fail(std::string("not a Tox profile (no save-file magic; an encrypted profile must be "
                                      "decrypted by the client that made it first)"));
    }
    Profile p;
    bool have_keys = false;
    while (!in.empty()) {
        const size_t at = in.position();
        const uint32_t length = in.ReadU32LE();
        const uint16_t type = in.ReadU16LE();
        const uint16_t cookie = in.ReadU16LE();
        if (in.failed() || cookie != SECTION_COOKIE) {
            return util::Fail("damaged section header at byte " + std::to_string(at));
        }
        const util::ByteSpan body = in.ReadSpan(length);
        if (in.failed()) {
            return util::Fail("section at byte " + std::to_string(at) + " runs past the end of the file");
        }
        const auto where = " (section at byte " + std::to_string(at) + ")";
        switch (static_cast<SectionType>(type)) {
            case SectionType::NOSPAM_KEYS: {
                if (body.size() != NOSPAM_KEYS_SIZE) return util::Fail("keys section of the wrong size" + where);
                std::copy_n(body.begin(), 4, p.nospam.begin());
                p.keys.public_key = *crypto::BoxPublicKey::FromBytes(body.subspan(4, crypto::BOX_KEY_SIZE));
                p.keys.secret_key = *crypto::BoxSecretKey::FromBytes(body.subspan(4 + crypto::BOX_KEY_SIZE));
                if (crypto::BoxPublicKeyOf(p.keys.secret_key) != p.keys.public_key) {
                    return util::Fail("the profile's public key does not belong to its secret key" + where);
                }
                have_keys = true;
                break;
            }
            case SectionType::DHT:
                p.dht_nodes = DecodeDhtSection(body);
                break;
            case SectionType::FRIENDS: {
                auto friends = DecodeFriends(body);
                if (!friends) return util::Fail(friends.error() + where);
                p.friends = std::move(*friends);
                break;
            }
            case SectionType::NAME:
                if (body.size() <= MAX_NAME_SIZE) p.name.assign(body.begin(), body.end());
                break;
            case SectionType::STATUS_MESSAGE:
                if (body.size() <= MAX_STATUS_MESSAGE_SIZE) p.status_message.assign(body.begin(), body.end());
                break;
            case SectionType::STATUS:
                if (body.size() == 1) p.user_status = body[0];
                break;
            case SectionType::TCP_RELAYS:
                p.tcp_relays = ReadNodes(body, MAX_SAVED_NODES, false);
                break;
            case SectionType::PATH_NODES:
                p.path_nodes = ReadNodes(body, MAX_SAVED_NODES, false);
                break;
            case SectionType::END:
                if (!have_keys) return util::Fail(std::string("the profile has no keys section"));
                return p;
            default:
                p.kept.push_back({type, util::Bytes(body.begin(), body.end())});
                break;
        }
    }
    // c-toxcore writes an EOF section, but reads a file without one; so do we.
    if (!have_keys) return util::Fail(std::string("the profile has no keys section"));
    return p;
}

}  // namespace tonari::tox::profile

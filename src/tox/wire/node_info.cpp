// The packed node format, reusing netcore's compact address+port encoding for the middle part.
#include "tox/wire/node_info.h"

#include "netcore/compact_endpoint.h"
#include "util/byte_reader.h"

namespace tonari::tox::wire {
namespace {

constexpr uint8_t FAMILY_IP4 = 2;
constexpr uint8_t FAMILY_IP6 = 10;
constexpr uint8_t TCP_FLAG = 0x80;

// One record from the reader; an error text when it is not one.
util::Result<NodeInfo, std::string> UnpackOne(util::ByteReader& in) {
    const uint8_t type = in.ReadU8();
    if (in.failed()) return util::Fail(std::string("node record cut short"));
    const uint8_t family = type & ~TCP_FLAG;
    if (family != FAMILY_IP4 && family != FAMILY_IP6) {
        return util::Fail("unknown address family " + std::to_string(type) + " in a node record");
    }
    const size_t address_size = family == FAMILY_IP4 ? netcore::COMPACT_V4_SIZE : netcore::COMPACT_V6_SIZE;
    const util::ByteSpan address = in.ReadSpan(address_size);
    const util::ByteSpan key = in.ReadSpan(crypto::BOX_KEY_SIZE);
    if (in.failed()) return util::Fail(std::string("node record cut short"));
    auto endpoint = netcore::DecodeCompactEndpoint(address);
    if (!endpoint) return util::Fail(std::string("node record with port 0"));
    NodeInfo node;
    node.tcp = (type & TCP_FLAG) != 0;
    node.endpoint = std::move(*endpoint);
    node.public_key = *PublicKey::FromBytes(key);
    return node;
}

}  // namespace

bool PackNode(const NodeInfo& node, util::ByteWriter& out) {
    const bool ipv6 = netcore::IsIpv6Literal(node.endpoint.address);
    const std::string compact = netcore::EncodeCompactEndpoint(node.endpoint, ipv6);
    if (compact.empty()) return false;
    out.WriteU8(static_cast<uint8_t>((ipv6 ? FAMILY_IP6 : FAMILY_IP4) | (node.tcp ? TCP_FLAG : 0)));
    out.WriteBytes(util::ByteSpan(reinterpret_cast<const uint8_t*>(compact.data()), compact.size()));
    out.WriteBytes(node.public_key.span());
    return true;
}

util::Result<std::vector<NodeInfo>, std::string> UnpackNodes(util::ByteSpan data, size_t count, size_t max_count) {
    if (count > max_count) {
        return util::Fail(std::to_string(count) + " nodes where at most " + std::to_string(max_count) + " may come");
    }
    util::ByteReader in(data);
    std::vector<NodeInfo> nodes;
    nodes.reserve(count);
    for (size_t i = 0; i < count; ++i) {
        auto node = UnpackOne(in);
        if (!node) return util::Fail(node.error());
        nodes.push_back(std::move(*node));
    }
    if (!in.empty()) return util::Fail(std::to_string(in.remaining()) + " bytes after the last node");
    return nodes;
}

util::Result<std::vector<NodeInfo>, std::string> UnpackNodeList(util::ByteSpan data, size_t max_count) {
    util::ByteReader in(data);
    std::vector<NodeInfo> nodes;
    while (!in.empty()) {
        if (nodes.size() == max_count) return util::Fail("more than " + std::to_string(max_count) + " nodes");
        auto node = UnpackOne(in);
        if (!node) return util::Fail(node.error());
        nodes.push_back(std::move(*node));
    }
    return nodes;
}

}  // namespace tonari::tox::wire

// The network RPC methods (Bitcoin Core's names, parameters and result fields):
// getconnectioncount, getpeerinfo, getnetworkinfo, addnode, disconnectnode,
// getaddednodeinfo, setban, listbanned, clearbanned.
#pragma once

#include <optional>
#include <string>

#include "bitcoin/node/node_context.h"
#include "bitcoin/node/p2p_service.h"
#include "bitcoin/rpc/method_table.h"

namespace tonari::bitcoin::node {

// "1.2.3.4", "1.2.3.4:8333", "[::1]:18444", "::1", "localhost:18444" into an endpoint
// (`default_port` when none is given); nullopt for an empty host or a bad port.
std::optional<netcore::PeerEndpoint> ParsePeerEndpoint(const std::string& text, uint16_t default_port);

// `p2p` may be null (networking off: the methods then fail with Core's -31 "P2P disabled").
// The handlers keep references to both, which must outlive the table's use.
util::Result<void, std::string> RegisterNetRpcs(rpc::MethodTable& table, NodeContext& node, P2pService* p2p);

}  // namespace tonari::bitcoin::node

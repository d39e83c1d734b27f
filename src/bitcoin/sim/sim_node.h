// SimNode: one simulated Bitcoin node — the real PeerManager, address manager, mempool and
// chainstate (every consensus check real; blocks and coins in memory) — on a SimNetwork, with
// its timers run by the Simulation. It records when each block first reached its active chain,
// which is what the propagation figures are made of.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>
#include <string>

#include "bitcoin/addrman/addrman.h"
#include "bitcoin/chain/block_store.h"
#include "bitcoin/chain/block_tree.h"
#include "bitcoin/chain/chainstate.h"
#include "bitcoin/chain/coins.h"
#include "bitcoin/mempool/accept.h"
#include "bitcoin/mempool/tx_mempool.h"
#include "bitcoin/p2p/ban_list.h"
#include "bitcoin/p2p/peer_manager.h"
#include "bitcoin/sim/silent_network.h"
#include "bitcoin/sim/validation_cost.h"
#include "bitcoin/wire/protocol.h"
#include "sim/sim_network.h"
#include "sim/simulation.h"

namespace tonari::bitcoin::sim {

// The simulator's floor, used by name here.
using ::tonari::sim::EventId;
using ::tonari::sim::Region;
using ::tonari::sim::RegionModel;
using ::tonari::sim::SimNetwork;
using ::tonari::sim::Simulation;

// How often the node's PeerManager::Tick runs (the real node's timer period).
inline constexpr int64_t TICK_INTERVAL_US = 100'000;

struct SimNodeOptions {
    const bitcoin::consensus::ConsensusParams* params = nullptr;
    int outbound_full_relay = bitcoin::p2p::MAX_OUTBOUND_FULL_RELAY;
    int block_relay_only = bitcoin::p2p::MAX_BLOCK_RELAY_ONLY;
    uint64_t seed = 0;  // this node's randomness (derived from the scenario's seed)
    int32_t protocol_version = bitcoin::wire::PROTOCOL_VERSION;
    uint32_t block_bytes = 0;  // blocks it mines are padded to about this size
    // What checking a block received from a peer costs it (its own blocks cost nothing).
    ValidationModel validation = ValidationModel::Cached;
    // Peers to keep connected (`-connect`): with automatic_outbound false, the only ones dialled.
    std::vector<netcore::PeerEndpoint> manual{};
    bool automatic_outbound = true;
    // An attacker: it relays nothing (SilentNetwork) and mines nothing.
    bool silent = false;
};

class SimNode final : public netcore::PeerNetworkEvents, public bitcoin::chain::ChainObserver {
public:
    SimNode(Simulation& sim, SimNetwork& net, size_t index, const SimNodeOptions& options);
    ~SimNode() override;
    SimNode(const SimNode&) = delete;
    SimNode& operator=(const SimNode&) = delete;

    // Starts the timers (the first tick at a random phase within one period).
    void Start();
    // The node goes: its timers stop and its links drop. Start again to bring it back (as a
    // restart would: its chain and address table kept, its connections gone).
    void Stop();
    bool Running() const { return m_running; }

    // Addresses to dial, as a DNS seed would give them.
    void AddAddresses(const std::vector<bitcoin::wire::AddrEntry>& entries);
    // Mines a block on the node's tip now (regtest proof of work) and relays it; returns its hash.
    bitcoin::primitives::BlockHash MineBlock(uint32_t salt);

    // When each block first joined this node's active chain (simulated microseconds).
    const std::map<bitcoin::primitives::BlockHash, int64_t>& FirstConnected() const { return m_first_connected; }
    // Why this node's connections ended, by reason, with how many times each.
    const std::map<std::string, int>& DisconnectReasons() const { return m_disconnect_reasons; }
    // The address of the peer each block new to this node came from (none for its own blocks).
    const std::map<bitcoin::primitives::BlockHash, std::string>& BlockSources() const { return m_block_sources; }
    const bitcoin::chain::Chainstate& Chain() const { return m_chain; }
    bitcoin::p2p::PeerManager& Peers() { return *m_peers; }
    size_t Index() const { return m_index; }
    bool Silent() const { return m_silent != nullptr; }

    // netcore::PeerNetworkEvents
    void OnConnected(const netcore::ConnectionInfo& info, uint64_t tag) override;
    void OnConnectFailed(const netcore::PeerEndpoint& remote, uint64_t tag, const std::string& reason) override;
    void OnFrame(netcore::ConnectionId id, util::Bytes header, util::Bytes payload) override;
    void OnDisconnected(netcore::ConnectionId id, const std::string& reason) override;

    // chain::ChainObserver
    void BlockConnected(const bitcoin::primitives::Block& block, const bitcoin::chain::BlockIndex& index) override;
    void BlockDisconnected(const bitcoin::primitives::Block& block, const bitcoin::chain::BlockIndex& index) override;

private:
    void Tick();

    Simulation& m_sim;
    SimNetwork& m_net;
    size_t m_index;
    SimNodeOptions m_options;
    bitcoin::chain::BlockTree m_tree;
    std::unique_ptr<bitcoin::chain::BlockStore> m_store;
    bitcoin::chain::MemoryCoinsView m_coins;
    bitcoin::chain::Chainstate m_chain;
    bitcoin::mempool::TxMempool m_pool;
    bitcoin::mempool::MempoolAccept m_accept;
    bitcoin::addrman::AddrMan m_addrman;
    bitcoin::p2p::BanList m_bans;
    std::unique_ptr<SilentNetwork> m_silent;  // an attacker's filter, between its PeerManager and the network
    std::unique_ptr<bitcoin::p2p::PeerManager> m_peers;
    std::map<bitcoin::primitives::BlockHash, int64_t> m_first_connected;
    std::map<bitcoin::primitives::BlockHash, std::string> m_block_sources;
    std::map<std::string, int> m_disconnect_reasons;
    EventId m_tick = 0;
    bool m_running = false;
    bitcoin::primitives::BlockHash m_own_block;  // the block MineBlock is connecting: it costs no check
};

}  // namespace tonari::bitcoin::sim

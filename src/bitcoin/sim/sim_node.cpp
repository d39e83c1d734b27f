// A simulated node: the real peer, mempool and chain logic wired to the simulated network and
// clock.
#include "bitcoin/sim/sim_node.h"

#include "bitcoin/chain/block_assembler.h"
#include "bitcoin/primitives/merkle.h"
#include "bitcoin/wire/protocol.h"

namespace tonari::bitcoin::sim {

SimNode::SimNode(Simulation& sim, SimNetwork& net, size_t index, const SimNodeOptions& options)
    : m_sim(sim),
      m_net(net),
      m_index(index),
      m_options(options),
      m_tree(*options.params),
      m_store(bitcoin::chain::MakeMemoryBlockStore()),
      m_chain(m_tree, *m_store, m_coins, {}),
      m_accept(m_chain, m_pool, {}),
      m_addrman({.key0 = options.seed ^ 0x5eed, .key1 = options.seed * 31 + 7, .rng_seed = options.seed + 1}) {
    (void)m_chain.Load();  // the genesis block, in memory: cannot fail
    m_chain.SetObserver(this);
    m_addrman.SetAllowLocal(false);
    bitcoin::p2p::PeerManagerDeps deps{
        m_chain,
        *m_store,
        m_accept,
        m_pool,
        m_addrman,
        m_bans,
        [this](int64_t now) {
            m_accept.ChainSettled(now);
            if (m_peers) m_peers->TipChanged();
        },
        [this] { return m_sim.Now(); },
        {},
        {},
        {}};
    deps.watch.block_from = [this](const bitcoin::primitives::BlockHash& hash, const bitcoin::p2p::Peer& peer) {
        m_block_sources.try_emplace(hash, peer.remote.address);
    };
    bitcoin::p2p::PeerManagerOptions pm;
    pm.params = options.params;
    pm.local_services = bitcoin::wire::NODE_NETWORK | bitcoin::wire::NODE_WITNESS;
    pm.max_outbound_full_relay = options.outbound_full_relay;
    pm.max_block_relay_only = options.block_relay_only;
    pm.dns_seed = false;
    pm.fixed_seeds = false;
    pm.rng_seed = options.seed;
    pm.protocol_version = options.protocol_version;
    pm.manual = options.manual;
    pm.automatic_outbound = options.automatic_outbound;
    m_peers = std::make_unique<bitcoin::p2p::PeerManager>(std::move(deps), pm);
    if (options.silent) m_silent = std::make_unique<SilentNetwork>(m_net.Network(index));
    m_peers->SetNetwork(m_silent ? static_cast<netcore::PeerNetwork*>(m_silent.get()) : &m_net.Network(index));
    m_net.SetEvents(index, this);
}

SimNode::~SimNode() {
    m_chain.SetObserver(nullptr);
    m_sim.Cancel(m_tick);
    m_net.SetEvents(m_index, nullptr);
}

void SimNode::Start() {
    m_running = true;
    m_net.ReviveNode(m_index);
    const auto phase = static_cast<int64_t>(m_options.seed % static_cast<uint64_t>(TICK_INTERVAL_US));
    m_tick = m_sim.After(phase, [this] { Tick(); });
}

void SimNode::Stop() {
    if (!m_running) return;
    m_running = false;
    m_sim.Cancel(m_tick);
    m_net.RemoveNode(m_index);
}

void SimNode::Tick() {
    m_peers->Tick();
    m_tick = m_sim.After(TICK_INTERVAL_US, [this] { Tick(); });
}

void SimNode::AddAddresses(const std::vector<bitcoin::wire::AddrEntry>& entries) {
    const auto source = bitcoin::wire::NetAddress::Parse("0.0.0.0", 0);
    (void)m_addrman.Add(entries, *source, 0, m_sim.Now() / 1'000'000);
}

bitcoin::primitives::BlockHash SimNode::MineBlock(uint32_t salt) {
    const bitcoin::chain::BlockIndex* tip = m_chain.Tip();
    bitcoin::chain::BlockTemplate t;
    t.prev_hash = tip->hash;
    t.height = tip->height + 1;
    t.time = static_cast<uint32_t>(std::max<int64_t>(m_sim.Now() / 1'000'000, tip->GetMedianTimePast() + 1));
    t.bits = m_options.params->genesis.header.bits;
    t.payout_script = util::Bytes{0x51};
    t.coinbase_extra = {static_cast<uint8_t>(salt), static_cast<uint8_t>(salt >> 8), static_cast<uint8_t>(salt >> 16),
                        static_cast<uint8_t>(m_index), static_cast<uint8_t>(m_index >> 8)};
    bitcoin::primitives::Block block = bitcoin::chain::AssembleBlock(t, *m_options.params);
    if (m_options.block_bytes > 0) {
        // Stands in for the transactions of a full block: an unspendable output of zero bytes
        // (OP_0s after OP_RETURN: nothing to count as sigops), which costs the same to send.
        util::Bytes padding(m_options.block_bytes, 0x00);
        padding[0] = 0x6a;
        block.txs[0].outputs.push_back({0, std::move(padding)});
        block.header.merkle_root = bitcoin::primitives::BlockMerkleRoot(block).root;
    }
    auto solved = bitcoin::chain::SolveBlock(std::move(block), *m_options.params);
    const bitcoin::primitives::BlockHash hash = solved->header.ComputeHash();
    m_own_block = hash;
    (void)m_chain.ProcessBlock(*solved, m_sim.Now() / 1'000'000);
    m_accept.ChainSettled(m_sim.Now() / 1'000'000);
    m_peers->TipChanged();
    return hash;
}

void SimNode::OnConnected(const netcore::ConnectionInfo& info, uint64_t tag) { m_peers->OnConnected(info, tag); }

void SimNode::OnConnectFailed(const netcore::PeerEndpoint& remote, uint64_t tag, const std::string& reason) {
    m_peers->OnConnectFailed(remote, tag, reason);
}

void SimNode::OnFrame(netcore::ConnectionId id, util::Bytes header, util::Bytes payload) {
    m_peers->OnFrame(id, header, payload);
}

void SimNode::OnDisconnected(netcore::ConnectionId id, const std::string& reason) {
    ++m_disconnect_reasons[reason];
    m_peers->OnDisconnected(id, reason);
}

void SimNode::BlockConnected(const bitcoin::primitives::Block& block, const bitcoin::chain::BlockIndex& index) {
    m_accept.BlockConnected(block);
    // The check runs now; what the node does next (relaying, reading its next message) waits
    // for it, and the block counts as the node's once checked, when it could announce it.
    int64_t had_it = m_sim.Now();
    if (index.hash != m_own_block) {
        m_net.Busy(m_index, ValidationUs(m_options.validation, bitcoin::primitives::SerializedSize(block)));
        had_it = m_net.BusyUntil(m_index);
    }
    m_first_connected.try_emplace(index.hash, had_it);
    uint64_t h = 0;
    for (size_t i = 0; i < 8; ++i) h |= uint64_t{index.hash.get().span()[i]} << (8 * i);
    m_sim.Trace(h ^ m_index);
}

void SimNode::BlockDisconnected(const bitcoin::primitives::Block& block, const bitcoin::chain::BlockIndex&) {
    m_accept.BlockDisconnected(block);
}

}  // namespace tonari::bitcoin::sim

// ZMQ publishing over libzmq: sockets per address, Core's three-frame messages, and which
// chain and mempool events become which topics.
#include "bitcoin/node/zmq_notifier.h"

#include <zmq.h>

#include <map>

#include "bitcoin/node/node_storage.h"
#include "bitcoin/node/rpc_util.h"

namespace tonari::bitcoin::node {
namespace {

constexpr std::string_view UNIX_PREFIX = "unix:";
constexpr std::string_view IPC_PREFIX = "ipc://";

// A hash in the order Core's uint256::GetHex prints it (reversed from the stored bytes).
std::array<uint8_t, 32> DisplayOrder(util::ByteSpan hash) {
    std::array<uint8_t, 32> out{};
    for (size_t i = 0; i < 32; ++i) out[31 - i] = hash[i];
    return out;
}

bool IsIpv6Tcp(const std::string& address) {
    // tcp://[::1]:28332 or tcp://::1:28332: more than one ':' after the scheme.
    if (!address.starts_with("tcp://")) return false;
    const std::string host = address.substr(6);
    return host.find(':') != host.rfind(':') || host.starts_with("[");
}

}  // namespace

struct ZmqNotifier::Impl {
    struct Publisher {
        std::string type;
        void* socket = nullptr;  // owned by `sockets`
        uint32_t sequence = 0;   // messages sent by this notifier
        bool failed = false;
    };
    void* context = nullptr;
    std::map<std::string, void*> sockets;  // address -> PUB socket
    std::vector<Publisher> publishers;
    bool connected_since_tip = false;

    ~Impl() {
        for (auto& [address, socket] : sockets) {
            int linger = 0;
            zmq_setsockopt(socket, ZMQ_LINGER, &linger, sizeof(linger));
            zmq_close(socket);
        }
        if (context) zmq_ctx_term(context);
    }

    bool Wants(std::string_view type) const {
        for (const auto& p : publishers) {
            if (p.type == type && !p.failed) return true;
        }
        return false;
    }

    // Core's SendZmqMessage: topic, body, then the notifier's counter (LE32), which counts
    // only messages that went out.
    void Send(std::string_view type, std::string_view topic, util::ByteSpan body) {
        for (auto& p : publishers) {
            if (p.type != type || p.failed) continue;
            uint8_t seq[4];
            for (int i = 0; i < 4; ++i) seq[i] = static_cast<uint8_t>(p.sequence >> (8 * i));
            const bool ok = zmq_send(p.socket, topic.data(), topic.size(), ZMQ_SNDMORE) >= 0 &&
                            zmq_send(p.socket, body.data(), body.size(), ZMQ_SNDMORE) >= 0 &&
                            zmq_send(p.socket, seq, sizeof(seq), 0) >= 0;
            // As Core: a notifier whose socket fails is dropped; the others carry on.
            if (!ok) {
                p.failed = true;
                continue;
            }
            ++p.sequence;
        }
    }

    void SendSequence(util::ByteSpan hash, char label, std::optional<uint64_t> mempool_sequence) {
        util::Bytes body(32 + 1 + (mempool_sequence ? 8 : 0));
        const auto display = DisplayOrder(hash);
        std::copy(display.begin(), display.end(), body.begin());
        body[32] = static_cast<uint8_t>(label);
        if (mempool_sequence) {
            for (int i = 0; i < 8; ++i) body[33 + i] = static_cast<uint8_t>(*mempool_sequence >> (8 * i));
        }
        Send("pubsequence", "sequence", body);
    }

    void Transaction(const primitives::Tx& tx) {
        if (Wants("pubhashtx")) {
            const auto txid = primitives::ComputeTxid(tx);
            Send("pubhashtx", "hashtx", DisplayOrder(txid.get().span()));
        }
        if (Wants("pubrawtx")) Send("pubrawtx", "rawtx", primitives::SerializeTx(tx));
    }
};

const std::vector<std::string>& ZmqNotifierTypes() {
    static const std::vector<std::string> types = {"pubhashblock", "pubhashtx", "pubrawblock", "pubrawtx",
                                                   "pubsequence"};
    return types;
}

ZmqNotifier::ZmqNotifier(std::vector<ZmqEndpoint> endpoints)
    : m_endpoints(std::move(endpoints)), m_impl(std::make_unique<Impl>()) {}

ZmqNotifier::~ZmqNotifier() = default;

util::Result<std::unique_ptr<ZmqNotifier>, std::string> ZmqNotifier::Create(std::vector<ZmqEndpoint> endpoints) {
    for (auto& e : endpoints) {
        // libzmq names UNIX domain sockets ipc://; Core accepts unix: as well.
        if (e.address.starts_with(UNIX_PREFIX)) e.address = std::string(IPC_PREFIX) + e.address.substr(UNIX_PREFIX.size());
    }
    std::unique_ptr<ZmqNotifier> notifier(new ZmqNotifier(std::move(endpoints)));
    Impl& impl = *notifier->m_impl;
    impl.context = zmq_ctx_new();
    if (!impl.context) return util::Fail(std::string("Unable to initialize ZMQ context: ") + zmq_strerror(zmq_errno()));
    for (const auto& e : notifier->m_endpoints) {
        void*& socket = impl.sockets[e.address];
        if (!socket) {
            socket = zmq_socket(impl.context, ZMQ_PUB);
            if (!socket) return util::Fail("Failed to create ZMQ socket: " + std::string(zmq_strerror(zmq_errno())));
            const int keepalive = 1;
            const int ipv6 = IsIpv6Tcp(e.address) ? 1 : 0;
            if (zmq_setsockopt(socket, ZMQ_SNDHWM, &e.hwm, sizeof(e.hwm)) != 0 ||
                zmq_setsockopt(socket, ZMQ_TCP_KEEPALIVE, &keepalive, sizeof(keepalive)) != 0 ||
                zmq_setsockopt(socket, ZMQ_IPV6, &ipv6, sizeof(ipv6)) != 0) {
                return util::Fail("Failed to set ZMQ socket options for " + e.address + ": " + zmq_strerror(zmq_errno()));
            }
            if (zmq_bind(socket, e.address.c_str()) != 0) {
                return util::Fail("Failed to bind ZMQ address " + e.address + " (-zmq" + e.type + "): " +
                                  zmq_strerror(zmq_errno()));
            }
        }
        impl.publishers.push_back({.type = e.type, .socket = socket});
    }
    return notifier;
}

void ZmqNotifier::Attach(NodeStorage& storage) {
    using Slot = NodeStorage::ListenerSlot;
    storage.SetChainListener(Slot::Notify, this);
    storage.SetSettledListener(Slot::Notify, [this, &storage] {
        // As Core: no hashblock/rawblock while catching up.
        if (storage.Chain().IsInitialBlockDownload(UnixNow())) {
            m_impl->connected_since_tip = false;
            return;
        }
        const chain::BlockIndex& tip = *storage.Chain().Tip();
        std::optional<primitives::Block> block;
        if (m_impl->Wants("pubrawblock")) {
            if (auto read = storage.Blocks().ReadBlock(tip.data_pos)) block = std::move(*read);
        }
        TipSettled(tip, block ? &*block : nullptr);
    });
    storage.SetTxAddedListener(Slot::Notify,
                               [this](const mempool::MempoolEntry& e) { TransactionAdded(*e.tx, e.sequence); });
    storage.SetTxRemovedListener(Slot::Notify, [this, &storage](const mempool::MempoolEntry& e, mempool::RemovalReason r) {
        // A transaction mined in a block is told by its block, not as a removal (as Core).
        if (r != mempool::RemovalReason::Block) TransactionRemoved(*e.tx, storage.Mempool().RemovalSequence());
    });
}

void ZmqNotifier::Detach(NodeStorage& storage) {
    using Slot = NodeStorage::ListenerSlot;
    storage.SetChainListener(Slot::Notify, nullptr);
    storage.SetSettledListener(Slot::Notify, {});
    storage.SetTxAddedListener(Slot::Notify, {});
    storage.SetTxRemovedListener(Slot::Notify, {});
}

void ZmqNotifier::TransactionAdded(const primitives::Tx& tx, uint64_t mempool_sequence) {
    m_impl->Transaction(tx);
    if (m_impl->Wants("pubsequence")) m_impl->SendSequence(primitives::ComputeTxid(tx).get().span(), 'A', mempool_sequence);
}

void ZmqNotifier::TransactionRemoved(const primitives::Tx& tx, uint64_t mempool_sequence) {
    if (m_impl->Wants("pubsequence")) m_impl->SendSequence(primitives::ComputeTxid(tx).get().span(), 'R', mempool_sequence);
}

void ZmqNotifier::BlockConnected(const primitives::Block& block, const chain::BlockIndex& index) {
    for (const auto& tx : block.txs) m_impl->Transaction(tx);
    if (m_impl->Wants("pubsequence")) m_impl->SendSequence(index.hash.get().span(), 'C', std::nullopt);
    m_impl->connected_since_tip = true;
}

void ZmqNotifier::BlockDisconnected(const primitives::Block& block, const chain::BlockIndex& index) {
    for (const auto& tx : block.txs) m_impl->Transaction(tx);
    if (m_impl->Wants("pubsequence")) m_impl->SendSequence(index.hash.get().span(), 'D', std::nullopt);
}

void ZmqNotifier::TipSettled(const chain::BlockIndex& tip, const primitives::Block* block) {
    Impl& impl = *m_impl;
    if (!impl.connected_since_tip) return;
    impl.connected_since_tip = false;
    if (impl.Wants("pubhashblock")) impl.Send("pubhashblock", "hashblock", DisplayOrder(tip.hash.get().span()));
    // Core drops a rawblock notifier whose block cannot be read; here it is skipped once.
    if (impl.Wants("pubrawblock") && block) impl.Send("pubrawblock", "rawblock", primitives::SerializeBlock(*block));
}

}  // namespace tonari::bitcoin::node

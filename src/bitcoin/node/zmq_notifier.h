// ZMQ notifications as Bitcoin Core publishes them (-zmqpubhashblock, -zmqpubhashtx,
// -zmqpubrawblock, -zmqpubrawtx, -zmqpubsequence): one ZMQ PUB socket per address (shared by
// the topics bound to it), each message three frames: the topic, the body, and that
// notifier's message counter as 4 bytes little-endian.
//
// Bodies: hashblock/hashtx the 32-byte hash in display order; rawblock/rawtx the serialized
// block/transaction (with witness); sequence the hash, a label ('C' block connected, 'D'
// disconnected, 'A' added to the mempool, 'R' removed for any reason but a block) and, for A
// and R, the mempool sequence number as 8 bytes little-endian.
//
// When: hashtx/rawtx for every transaction entering the mempool and every transaction of a
// connected or disconnected block; hashblock/rawblock for each new tip once out of initial
// block download; sequence as above.
//
// Slow subscribers cost nothing: a PUB socket drops messages for a subscriber whose queue is
// full (-zmqpub*hwm, default 1000 messages). libzmq's headers stay in zmq_notifier.cpp.
// Thread-safety: the notify calls run on the validation strand (one thread); Endpoints() may
// be read from any thread (immutable after Create).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bitcoin/chain/block_index.h"
#include "bitcoin/chain/chain_observer.h"
#include "bitcoin/primitives/block.h"
#include "bitcoin/primitives/transaction.h"
#include "util/result.h"

namespace tonari::bitcoin::node {

class NodeStorage;

// Core's DEFAULT_ZMQ_SNDHWM: messages queued per subscriber before the socket drops them, so a
// subscriber that stops reading cannot grow the node's memory.
inline constexpr int DEFAULT_ZMQ_SNDHWM = 1000;

struct ZmqEndpoint {
    std::string type;     // "pubhashblock", "pubhashtx", "pubrawblock", "pubrawtx", "pubsequence"
    std::string address;  // e.g. tcp://127.0.0.1:28332 (unix: is accepted for ipc:)
    int hwm = DEFAULT_ZMQ_SNDHWM;
};

// The topic types, as -zmq<type> option names and getzmqnotifications print them.
const std::vector<std::string>& ZmqNotifierTypes();

class ZmqNotifier final : public chain::ChainObserver {
public:
    // Binds every endpoint; an error names the address that could not be bound.
    static util::Result<std::unique_ptr<ZmqNotifier>, std::string> Create(std::vector<ZmqEndpoint> endpoints);
    ~ZmqNotifier() override;
    ZmqNotifier(const ZmqNotifier&) = delete;
    ZmqNotifier& operator=(const ZmqNotifier&) = delete;

    const std::vector<ZmqEndpoint>& Endpoints() const { return m_endpoints; }

    // Listens to the storage's chain and mempool (on the strand); Detach before destroying.
    void Attach(NodeStorage& storage);
    void Detach(NodeStorage& storage);

    void TransactionAdded(const primitives::Tx& tx, uint64_t mempool_sequence);
    void TransactionRemoved(const primitives::Tx& tx, uint64_t mempool_sequence);
    void BlockConnected(const primitives::Block& block, const chain::BlockIndex& index) override;
    void BlockDisconnected(const primitives::Block& block, const chain::BlockIndex& index) override;
    // After blocks were processed: publishes hashblock and rawblock (`block`, the tip's, when
    // rawblock is published) for the tip when a block was connected since the last call (not
    // when blocks were only disconnected, nor during initial block download, as Core).
    void TipSettled(const chain::BlockIndex& tip, const primitives::Block* block);

    struct Impl;

private:
    explicit ZmqNotifier(std::vector<ZmqEndpoint> endpoints);
    std::vector<ZmqEndpoint> m_endpoints;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace tonari::bitcoin::node

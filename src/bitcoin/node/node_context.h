// NodeContext: what a running node owns — its chain storage (on the validation strand), the
// miner's threads, the start time and the shutdown signal — handed to the RPC methods
// instead of globals.
//
// Thread-safety: the chainstate is touched only through WithChain(), which runs the given
// function on the validation strand (one thread), so RPC threads never race on it. The
// shutdown signal may be raised and awaited from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "bitcoin/node/node_storage.h"
#include "util/result.h"
#include "util/serial_executor.h"
#include "util/worker_pool.h"

namespace tonari::bitcoin::node {

class NodeContext {
public:
    // Opens the storage (on the validation strand, where it will live).
    static util::Result<std::unique_ptr<NodeContext>, std::string> Open(const NodeStorageOptions& options);
    ~NodeContext();

    // Runs f(NodeStorage&) on the validation strand and returns its result.
    template <class F>
    auto WithChain(F&& f) {
        return m_strand.Run([this, &f] { return f(*m_storage); });
    }

    // Queues f(NodeStorage&) on the validation strand and returns at once (network events).
    void PostToChain(std::function<void(NodeStorage&)> f) {
        m_strand.Post([this, f = std::move(f)] { f(*m_storage); });
    }

    encoding::Network Network() const { return m_network; }
    const consensus::ConsensusParams& Params() const;
    util::WorkerPool& MinerPool() { return m_miner_pool; }
    int64_t StartTime() const { return m_start_time; }

    void RequestShutdown();
    bool ShutdownRequested() const { return m_shutdown; }
    // Core's AbortNode: the node cannot go on (its storage failed: a full disk, an I/O error).
    // Keeps the first message and requests the shutdown; the node exits with it and status 1.
    void AbortNode(const std::string& message);
    std::optional<std::string> FatalError() const;
    void WaitForShutdown();

    // Flushes the chainstate to disk (on the strand); the error text when that fails.
    util::Result<void, std::string> Flush();

    NodeContext(encoding::Network network, int64_t start_time) : m_network(network), m_start_time(start_time) {}

private:
    encoding::Network m_network;
    int64_t m_start_time;
    util::WorkerPool m_miner_pool;
    std::atomic<bool> m_shutdown{false};
    mutable std::mutex m_shutdown_mutex;
    std::condition_variable m_shutdown_cv;
    std::optional<std::string> m_fatal_error;  // guarded by m_shutdown_mutex
    std::unique_ptr<NodeStorage> m_storage;  // lives and dies on the strand
    util::SerialExecutor m_strand;           // last: destroyed first, after its queue drains
};

}  // namespace tonari::bitcoin::node

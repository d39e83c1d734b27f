// MempoolPersister: keeps `<netdir>/mempool.dat` (Bitcoin Core's -persistmempool). The node
// reads it back at start (before its network starts; Core loads it in the background), so a
// restart does not forget the payments that were waiting for a block, and writes it when it
// stops and on the savemempool RPC.
//
// Core writes the file only then, so a node killed outright comes back with the pool of its
// last clean stop, and learns only the transactions made after its return: its peers announced
// the others once and will not again. Tonari also saves every -mempoolsaveinterval seconds
// while the pool changes, so a kill -9 loses at most that much.
//
// A save snapshots the pool on the validation strand (shared pointers, no copies) and encodes
// and writes off it, atomically (a crash leaves the old file or the new one). A file that
// cannot be read is logged and ignored: the node starts with an empty pool, as Core does.
//
// Thread-safety: Save may be called from any thread (RPC, the saver's own thread, shutdown);
// saves are serialized.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>

#include "bitcoin/node/node_context.h"
#include "util/result.h"
#include "util/ticker_thread.h"

namespace tonari::bitcoin::node {

// Tonari's -mempoolsaveinterval default: at a full 300 MB pool that is a 100 MB file every ten
// minutes, a small cost next to the block files, for a crash losing ten minutes of the pool
// instead of all of it.
inline constexpr int64_t DEFAULT_MEMPOOL_SAVE_INTERVAL_SECONDS = 600;

struct MempoolPersistOptions {
    bool persist = true;   // -persistmempool: read at start, write at shutdown and periodically
    bool write_v1 = false;  // -persistmempoolv1: the format without the XOR key (older readers)
    std::chrono::seconds save_interval{DEFAULT_MEMPOOL_SAVE_INTERVAL_SECONDS};  // 0: only at shutdown
};

class MempoolPersister {
public:
    using LogFn = std::function<void(const std::string&)>;
    MempoolPersister(NodeContext& node, MempoolPersistOptions options, LogFn log);
    ~MempoolPersister();
    MempoolPersister(const MempoolPersister&) = delete;
    MempoolPersister& operator=(const MempoolPersister&) = delete;

    const std::filesystem::path& Path() const { return m_path; }
    bool Enabled() const { return m_options.persist; }

    // Reads the file into the pool (with -persistmempool; nothing otherwise), a thousand
    // transactions per trip to the validation strand, and removes what a save cut short by a
    // crash left. Never fails the node: what cannot be read is logged and skipped. (Not
    // interruptible: the node's signal handling starts after it.)
    void Load();
    // Writes the pool now; the file's path, or why it could not be written.
    util::Result<std::filesystem::path, std::string> Save();
    // Saves every save_interval while the pool changes (with -persistmempool and an interval).
    void StartPeriodic();
    void StopPeriodic();

private:
    NodeContext& m_node;
    MempoolPersistOptions m_options;
    LogFn m_log;
    std::filesystem::path m_path;
    std::mutex m_save_mutex;         // one save at a time
    uint64_t m_saved_sequence = 0;   // the pool's Sequence() at the last save (m_save_mutex)
    std::mutex m_ticker_mutex;
    util::TickerThread m_ticker;
};

}  // namespace tonari::bitcoin::node

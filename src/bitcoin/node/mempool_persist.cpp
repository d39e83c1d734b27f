// Reading and writing mempool.dat for a running node (see mempool_persist.h).
#include "bitcoin/node/mempool_persist.h"

#include "bitcoin/mempool/mempool_file.h"
#include "bitcoin/node/rpc_util.h"
#include "crypto/random.h"
#include "storage/whole_file.h"

namespace tonari::bitcoin::node {
namespace {

// A file bigger than this is not read into memory (one damaged, or grown by hand, to gigabytes
// would take the node down at start): a pool's file is never larger than its memory use
// (-maxmempool), so this is twice that, room for a lowered -maxmempool, and some slack.
constexpr uint64_t MEMPOOL_FILE_SLACK_BYTES = uint64_t{1} << 20;
uint64_t MaxFileBytes(size_t max_mempool_bytes) { return uint64_t{max_mempool_bytes} * 2 + MEMPOOL_FILE_SLACK_BYTES; }

// Transactions re-accepted per trip to the validation strand, so a large file does not hold it
// for minutes at a stretch.
constexpr size_t LOAD_BATCH = 1000;

// A save cut short by a kill -9 leaves its temporary sibling (storage::ReplaceFile's
// "mempool.dat.new.XXXXXX"), as large as the pool: removed at the next start.
void RemoveLeftovers(const std::filesystem::path& path) {
    std::error_code ec;
    const std::string prefix = path.filename().string() + ".new.";
    for (const auto& entry : std::filesystem::directory_iterator(path.parent_path(), ec)) {
        if (entry.path().filename().string().starts_with(prefix)) std::filesystem::remove(entry.path(), ec);
    }
}

}  // namespace

MempoolPersister::MempoolPersister(NodeContext& node, MempoolPersistOptions options, LogFn log)
    : m_node(node), m_options(options), m_log(std::move(log)) {
    m_node.WithChain([this](NodeStorage& s) {
        m_path = s.NetworkDir() / "mempool.dat";
        // What is in the pool already (the wallets' resubmissions) is no reason for a save.
        m_saved_sequence = s.Mempool().Sequence();
        return 0;
    });
}

MempoolPersister::~MempoolPersister() { StopPeriodic(); }

void MempoolPersister::Load() {
    if (!m_options.persist) return;
    RemoveLeftovers(m_path);
    const uint64_t limit = m_node.WithChain([](NodeStorage& s) { return MaxFileBytes(s.MempoolGate().Options().max_bytes); });
    std::error_code ec;
    if (!std::filesystem::exists(m_path, ec)) return;
    util::Result<mempool::MempoolFile, std::string> file = util::Fail(std::string());
    {
        // The raw bytes go before the transactions are re-accepted.
        const auto bytes = storage::ReadSmallFile(m_path, limit);
        if (!bytes) {
            m_log("Failed to read mempool file " + m_path.string() + " (unreadable or over " + std::to_string(limit >> 20) +
                  " MiB). Continuing anyway.");
            return;
        }
        file = mempool::DecodeMempoolFile(util::ByteSpan(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size()));
    }
    if (!file) {
        m_log("Failed to deserialize mempool data on file: " + file.error() + ". Continuing anyway.");
        return;
    }
    const size_t total = file->entries.size();
    m_log("Loading " + std::to_string(total) + " mempool transactions from file...");
    mempool::MempoolLoadStats stats;
    uint64_t sequence = 0;
    size_t next_tenth = 1;
    for (size_t begin = 0; begin < total || begin == 0; begin += LOAD_BATCH) {
        const auto batch = m_node.WithChain([&file, &sequence, begin](NodeStorage& s) {
            auto loaded = mempool::LoadMempoolFile(s.MempoolGate(), *file, UnixNow(), begin, begin + LOAD_BATCH);
            sequence = s.Mempool().Sequence();
            return loaded;
        });
        stats.accepted += batch.accepted;
        stats.failed += batch.failed;
        stats.expired += batch.expired;
        stats.already_there += batch.already_there;
        stats.unbroadcast += batch.unbroadcast;
        stats.ignored_deltas += batch.ignored_deltas;
        const size_t done = std::min(total, begin + LOAD_BATCH);
        if (done < total && done * 10 >= next_tenth * total) {
            m_log("Progress loading mempool transactions from file: " + std::to_string(done * 100 / total) + "% (tried " +
                  std::to_string(done) + ", " + std::to_string(total - done) + " remaining)");
            next_tenth = done * 10 / total + 1;
        }
        if (total == 0) break;
    }
    {
        // What was just read needs no saving until the pool changes.
        std::lock_guard lock(m_save_mutex);
        m_saved_sequence = sequence;
    }
    m_log("Imported mempool transactions from file: " + std::to_string(stats.accepted) + " succeeded, " +
          std::to_string(stats.failed) + " failed, " + std::to_string(stats.expired) + " expired, " +
          std::to_string(stats.already_there) + " already there, " + std::to_string(stats.unbroadcast) +
          " waiting for initial broadcast" +
          (stats.ignored_deltas > 0 ? "; " + std::to_string(stats.ignored_deltas) + " fee deltas not applied (no prioritisetransaction here)"
                                    : std::string()));
}

util::Result<std::filesystem::path, std::string> MempoolPersister::Save() {
    std::lock_guard lock(m_save_mutex);
    const auto start = std::chrono::steady_clock::now();
    uint64_t sequence = 0;
    mempool::MempoolFile file = m_node.WithChain([&sequence](NodeStorage& s) {
        sequence = s.Mempool().Sequence();
        // Without a P2P layer (-networkactive=0) nothing tracks what peers fetched: our own
        // transactions all still wait for a first peer.
        const bool tracked = s.HasUnbroadcastView();
        return mempool::SnapshotMempool(s.Mempool(), [&s, tracked](const mempool::MempoolEntry& e) {
            return tracked ? s.IsUnbroadcast(e.txid) : e.origin == mempool::TX_ORIGIN_LOCAL;
        });
    });
    const auto copied = std::chrono::steady_clock::now();
    if (m_options.write_v1) {
        file.version = mempool::MEMPOOL_DUMP_VERSION_NO_XOR_KEY;
    } else {
        crypto::RandomBytes(file.xor_key);
    }
    const util::Bytes bytes = mempool::EncodeMempoolFile(file);
    if (const std::string error = storage::ReplaceFile(
            m_path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
        !error.empty()) {
        return util::Fail("Unable to dump mempool to disk: " + error);
    }
    m_saved_sequence = sequence;
    const auto written = std::chrono::steady_clock::now();
    using Ms = std::chrono::milliseconds;
    m_log("Dumped mempool: " + std::to_string(file.entries.size()) + " transactions (" +
          std::to_string(file.unbroadcast.size()) + " unbroadcast), " + std::to_string(bytes.size()) + " bytes, " +
          std::to_string(std::chrono::duration_cast<Ms>(copied - start).count()) + " ms to copy, " +
          std::to_string(std::chrono::duration_cast<Ms>(written - copied).count()) + " ms to write");
    return m_path;
}

void MempoolPersister::StartPeriodic() {
    if (!m_options.persist || m_options.save_interval.count() <= 0) return;
    m_ticker.Start(m_ticker_mutex, std::chrono::duration_cast<std::chrono::milliseconds>(m_options.save_interval), [this] {
        const uint64_t now_sequence = m_node.WithChain([](NodeStorage& s) { return s.Mempool().Sequence(); });
        {
            std::lock_guard lock(m_save_mutex);
            if (now_sequence == m_saved_sequence) return;
        }
        if (auto saved = Save(); !saved) m_log(saved.error());
    });
}

void MempoolPersister::StopPeriodic() { m_ticker.Stop(); }

}  // namespace tonari::bitcoin::node

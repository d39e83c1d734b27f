// The `tonari chain` commands over NodeStorage.
#include "app/chain_commands.h"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>

#include "bitcoin/chain/chain_generator.h"
#include "bitcoin/chain/utxo_digest.h"
#include "bitcoin/primitives/block.h"
#include "util/hex.h"

namespace tonari::app {
namespace {

using bitcoin::primitives::Block;
using Clock = std::chrono::steady_clock;

// A block larger than this cannot be valid (4,000,000 weight units); refusing it up front
// stops a corrupt length field from making us allocate gigabytes.
constexpr uint32_t MAX_BLOCK_RECORD_BYTES = 4'000'000;
// Progress lines at most this often.
constexpr auto PROGRESS_INTERVAL = std::chrono::seconds(2);
// Blocks whose parent has not been seen yet, kept while reindexing out-of-order files;
// beyond this the scan stops holding them (a damaged file cannot fill memory).
constexpr size_t MAX_PENDING_ORPHANS = 10'000;

int64_t WallClockNow() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string Fmt(const char* fmt, double v) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), fmt, v);
    return buf;
}

// Reads the blocks of a file one at a time: hex text (one block per line) or binary records.
class BlockFileReader {
public:
    explicit BlockFileReader(const std::string& path) : m_in(path, std::ios::binary) {
        if (m_in) {
            // Hex text when the first 16 bytes are hex digits: a binary record starts with its
            // length and the block version, which are not all printable digits.
            char head[16];
            m_in.read(head, sizeof(head));
            const auto got = m_in.gcount();
            m_hex = got > 0;
            for (std::streamsize i = 0; i < got; ++i) {
                const bool line_end = head[i] == '\n' || head[i] == '\r';
                if (!line_end && std::isxdigit(static_cast<unsigned char>(head[i])) == 0) m_hex = false;
            }
            m_in.clear();
            m_in.seekg(0);
        }
    }
    bool IsOpen() const { return static_cast<bool>(m_in); }

    // The next block, nullopt at the end, or an error naming the bad record.
    util::Result<std::optional<Block>, std::string> Next() {
        ++m_record;
        util::Bytes raw;
        if (m_hex) {
            std::string line;
            do {
                if (!std::getline(m_in, line)) return std::optional<Block>();
                if (!line.empty() && line.back() == '\r') line.pop_back();
            } while (line.empty());
            if (line.size() > 2 * size_t{MAX_BLOCK_RECORD_BYTES}) return util::Fail(Where() + "line too long for a block");
            auto bytes = util::HexDecode(line);
            if (!bytes) return util::Fail(Where() + "not valid hex");
            raw = std::move(*bytes);
        } else {
            uint8_t len_bytes[4];
            if (!m_in.read(reinterpret_cast<char*>(len_bytes), 4)) {
                if (m_in.gcount() == 0) return std::optional<Block>();
                return util::Fail(Where() + "truncated length field");
            }
            const uint32_t len = len_bytes[0] | (uint32_t{len_bytes[1]} << 8) | (uint32_t{len_bytes[2]} << 16) |
                                 (uint32_t{len_bytes[3]} << 24);
            if (len > MAX_BLOCK_RECORD_BYTES) return util::Fail(Where() + "record length " + std::to_string(len) + " too large");
            raw.resize(len);
            if (!m_in.read(reinterpret_cast<char*>(raw.data()), len)) return util::Fail(Where() + "truncated record");
        }
        auto block = bitcoin::primitives::DecodeBlock(raw);
        if (!block) {
            return util::Fail(Where() + "does not decode as a block (" +
                              std::string(bitcoin::primitives::DecodeErrorMessage(block.error())) + ")");
        }
        return std::optional<Block>(std::move(*block));
    }

private:
    std::string Where() const { return "block record " + std::to_string(m_record) + ": "; }

    std::ifstream m_in;
    bool m_hex = false;
    size_t m_record = 0;
};

// Periodic "height N, X blocks/s" lines while a long job runs.
class Progress {
public:
    Progress(std::ostream& log, std::string what) : m_log(log), m_what(std::move(what)) {}

    void Tick(const bitcoin::chain::Chainstate& chain, const bitcoin::primitives::Block& block) {
        ++m_blocks;
        m_txs += block.txs.size();
        for (size_t t = 1; t < block.txs.size(); ++t) m_inputs += block.txs[t].inputs.size();
        const auto now = Clock::now();
        if (now - m_last < PROGRESS_INTERVAL) return;
        m_last = now;
        m_log << m_what << ": height " << chain.Chain().Height() << ", " << m_blocks << " blocks, "
              << Fmt("%.1f blocks/s", BlocksPerSecond()) << Fmt(", %.0f inputs/s", InputsPerSecond()) << std::endl;
    }
    double Seconds() const { return std::chrono::duration<double>(Clock::now() - m_start).count(); }
    double BlocksPerSecond() const { return m_blocks / std::max(Seconds(), 1e-9); }
    double InputsPerSecond() const { return m_inputs / std::max(Seconds(), 1e-9); }
    uint64_t Blocks() const { return m_blocks; }
    uint64_t Transactions() const { return m_txs; }
    uint64_t Inputs() const { return m_inputs; }  // spent outputs: coinbase inputs not counted

private:
    std::ostream& m_log;
    std::string m_what;
    const Clock::time_point m_start = Clock::now();
    Clock::time_point m_last = Clock::now();
    uint64_t m_blocks = 0;
    uint64_t m_txs = 0;
    uint64_t m_inputs = 0;
};

util::Json TipJson(bitcoin::chain::Chainstate& chain) {
    util::Json o = util::Json::MakeObject();
    o.Set("blocks", static_cast<int64_t>(chain.Chain().Height()));
    o.Set("bestblockhash", chain.Tip() ? chain.Tip()->hash.ToHex() : std::string());
    return o;
}

}  // namespace

util::Result<util::Json, std::string> ImportBlocks(const NodeStorageOptions& options, const std::string& file,
                                                   std::ostream& log) {
    BlockFileReader reader(file);
    if (!reader.IsOpen()) return util::Fail("cannot open " + file);
    auto node = NodeStorage::Open(options);
    if (!node) return util::Fail(node.error());
    auto& chain = (*node)->Chain();
    log << "importing " << file << " into " << (*node)->NetworkDir().string() << " (tip height "
        << chain.Chain().Height() << ")" << std::endl;
    Progress progress(log, "import");
    uint64_t rejected = 0;
    std::string first_rejection;
    while (true) {
        auto next = reader.Next();
        if (!next) return util::Fail(next.error());
        if (!next->has_value()) break;
        auto processed = chain.ProcessBlock(**next, WallClockNow());
        if (!processed) {
            if (!processed.error().IsInvalid()) return util::Fail(processed.error().message);
            if (rejected++ == 0) first_rejection = (*next)->header.ComputeHash().ToHex() + ": " + processed.error().message;
        }
        progress.Tick(chain, **next);
    }
    if (auto flushed = chain.Flush(true); !flushed) return util::Fail(flushed.error().message);
    util::Json o = TipJson(chain);
    o.Set("processed", static_cast<int64_t>(progress.Blocks()));
    o.Set("transactions", static_cast<int64_t>(progress.Transactions()));
    o.Set("inputs", static_cast<int64_t>(progress.Inputs()));
    o.Set("rejected", static_cast<int64_t>(rejected));
    if (rejected > 0) o.Set("first_rejection", first_rejection);
    o.Set("seconds", progress.Seconds());
    o.Set("blocks_per_second", progress.BlocksPerSecond());
    o.Set("inputs_per_second", progress.InputsPerSecond());
    return o;
}

util::Result<util::Json, std::string> ChainInfo(const NodeStorageOptions& options) {
    auto node = NodeStorage::Open(options);
    if (!node) return util::Fail(node.error());
    auto& chain = (*node)->Chain();
    auto stats = (*node)->ComputeUtxoStats();
    if (!stats) return util::Fail(stats.error());
    util::Json o = TipJson(chain);
    o.Set("chain", std::string(bitcoin::encoding::NetworkName(options.network)));
    o.Set("txouts", static_cast<int64_t>(stats->coins));
    o.Set("transactions", static_cast<int64_t>(stats->transactions));
    o.Set("hash_serialized_3", stats->hash_serialized.ToHex());
    if (stats->total_amount) o.Set("total_amount_sats", static_cast<int64_t>(*stats->total_amount));
    return o;
}

util::Result<util::Json, std::string> GenerateChain(const std::string& file, uint32_t blocks, uint32_t txs_per_block,
                                                    uint32_t outputs_per_tx, uint64_t seed, std::ostream& log) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    if (!out) return util::Fail("cannot create " + file);
    bitcoin::chain::ChainGeneratorOptions options;
    options.seed = seed;
    options.txs_per_block = txs_per_block;
    options.outputs_per_tx = outputs_per_tx;
    bitcoin::chain::ChainGenerator generator(bitcoin::consensus::GetParams(bitcoin::encoding::Network::Regtest), options);
    const auto start = Clock::now();
    auto last = start;
    util::Bytes record;
    for (uint32_t i = 0; i < blocks; ++i) {
        record.clear();
        bitcoin::chain::AppendBlockRecord(record, generator.Next());
        if (!out.write(reinterpret_cast<const char*>(record.data()), static_cast<std::streamsize>(record.size()))) {
            return util::Fail("cannot write " + file);
        }
        if (Clock::now() - last >= PROGRESS_INTERVAL) {
            last = Clock::now();
            log << "generate: " << i + 1 << " of " << blocks << " blocks" << std::endl;
        }
    }
    out.close();
    if (!out) return util::Fail("cannot write " + file);
    const auto stats = generator.Stats();
    util::Json o = util::Json::MakeObject();
    o.Set("file", file);
    o.Set("blocks", static_cast<int64_t>(blocks));
    o.Set("tip", generator.TipHash().ToHex());
    o.Set("transactions", static_cast<int64_t>(stats.txs));
    o.Set("inputs", static_cast<int64_t>(stats.inputs));
    o.Set("seconds", std::chrono::duration<double>(Clock::now() - start).count());
    return o;
}

util::Result<util::Json, std::string> Reindex(NodeStorageOptions options, std::ostream& log) {
    options.reindex = true;
    auto node = NodeStorage::Open(options);
    if (!node) return util::Fail(node.error());
    auto& chain = (*node)->Chain();
    const auto& files = (*node)->Blocks().Blocks();
    log << "reindexing from " << (*node)->NetworkDir().string() << "/blocks" << std::endl;
    Progress progress(log, "reindex");
    // Blocks met before their parent, keyed by the parent's hash (files written by a node
    // that downloads in parallel are not in chain order).
    std::multimap<bitcoin::primitives::BlockHash, std::pair<Block, bitcoin::chain::DiskPos>> orphans;
    std::string fatal;
    auto process = [&](const Block& block, bitcoin::chain::DiskPos pos) -> bool {
        auto processed = chain.ProcessBlock(block, WallClockNow(), &pos);
        if (!processed && !processed.error().IsInvalid()) {
            fatal = processed.error().message;
            return false;
        }
        if (!processed && processed.error().invalid.reason == bitcoin::consensus::BlockError::PrevBlockNotFound) {
            if (orphans.size() < MAX_PENDING_ORPHANS) orphans.emplace(block.header.prev_block, std::make_pair(block, pos));
            return true;
        }
        progress.Tick(chain, block);
        // Children waiting for this block.
        std::vector<bitcoin::primitives::BlockHash> ready = {block.header.ComputeHash()};
        while (!ready.empty() && fatal.empty()) {
            const auto parent = ready.back();
            ready.pop_back();
            auto range = orphans.equal_range(parent);
            std::vector<std::pair<Block, bitcoin::chain::DiskPos>> children;
            for (auto it = range.first; it != range.second; ++it) children.push_back(std::move(it->second));
            orphans.erase(range.first, range.second);
            for (auto& [child, child_pos] : children) {
                auto r = chain.ProcessBlock(child, WallClockNow(), &child_pos);
                if (!r && !r.error().IsInvalid()) {
                    fatal = r.error().message;
                    return false;
                }
                progress.Tick(chain, child);
                ready.push_back(child.header.ComputeHash());
            }
        }
        return true;
    };
    // Only the files on disk: a pruned node has deleted its oldest (their blocks come again
    // from peers).
    for (const auto& [f, size] : files.FileSizes()) {
        auto report = files.ScanFile(f, [&](storage::FlatFilePos pos, util::ByteSpan bytes) {
            auto block = bitcoin::primitives::DecodeBlock(bytes);
            if (!block) return true;  // not a block (damaged record): skip it
            return process(*block, bitcoin::chain::DiskPos{static_cast<int32_t>(pos.file),
                                                           static_cast<uint32_t>(pos.offset)});
        });
        if (!fatal.empty()) return util::Fail(fatal);
        if (!report) return util::Fail("cannot scan block file " + std::to_string(f) + ": " + report.error().message);
    }
    if (auto flushed = chain.Flush(true); !flushed) return util::Fail(flushed.error().message);
    util::Json o = TipJson(chain);
    o.Set("processed", static_cast<int64_t>(progress.Blocks()));
    o.Set("inputs", static_cast<int64_t>(progress.Inputs()));
    o.Set("orphans_left", static_cast<int64_t>(orphans.size()));
    o.Set("seconds", progress.Seconds());
    return o;
}

}  // namespace tonari::app

// Ancestor-feerate package selection with a lazily updated priority queue: when a package is
// chosen, each of its descendants' remaining-ancestor totals shrink and it is queued again
// with its new score; stale queue items are skipped when they surface.
#include "bitcoin/miner/tx_selection.h"

#include <algorithm>
#include <queue>
#include <unordered_map>
#include <unordered_set>

namespace tonari::bitcoin::miner {
namespace {

using mempool::MempoolEntry;
using mempool::PackageTotals;

struct Candidate {
    const MempoolEntry* entry;
    PackageTotals package;  // the entry with its ancestors not yet in the block
    uint64_t version;
};

// Higher fee rate first; on ties the smaller package, then the earlier arrival.
struct WorseThan {
    bool operator()(const Candidate& a, const Candidate& b) const {
        const __int128 lhs = static_cast<__int128>(a.package.fees) * std::max<int64_t>(b.package.vsize, 1);
        const __int128 rhs = static_cast<__int128>(b.package.fees) * std::max<int64_t>(a.package.vsize, 1);
        if (lhs != rhs) return lhs < rhs;
        if (a.package.vsize != b.package.vsize) return a.package.vsize > b.package.vsize;
        return a.entry->sequence > b.entry->sequence;
    }
};

}  // namespace

Selection SelectTransactions(const mempool::TxMempool& pool, const SelectionOptions& options) {
    Selection out;
    std::priority_queue<Candidate, std::vector<Candidate>, WorseThan> queue;
    std::unordered_map<const MempoolEntry*, std::pair<PackageTotals, uint64_t>> modified;
    std::unordered_set<const MempoolEntry*> in_block;
    std::unordered_set<const MempoolEntry*> failed;
    for (const MempoolEntry* e : pool.Entries()) queue.push({e, e->ancestors, 0});

    int64_t weight = COINBASE_RESERVED_WEIGHT;
    int64_t sigops = COINBASE_RESERVED_SIGOPS;
    int consecutive_failures = 0;
    while (!queue.empty()) {
        const Candidate c = queue.top();
        queue.pop();
        if (in_block.contains(c.entry) || failed.contains(c.entry)) continue;
        const auto mod = modified.find(c.entry);
        if (mod != modified.end() && mod->second.second != c.version) continue;  // stale

        if (c.package.fees < options.min_fee_rate.GetFee(c.package.vsize)) break;  // all later are worse
        if (weight + c.package.vsize * primitives::WITNESS_SCALE_FACTOR >= options.max_weight ||
            sigops + c.package.sigop_cost >= options.max_sigops_cost) {
            failed.insert(c.entry);
            if (++consecutive_failures > MAX_CONSECUTIVE_FAILURES &&
                weight > options.max_weight - BLOCK_FULL_ENOUGH_WEIGHT_DELTA) {
                break;
            }
            continue;
        }
        consecutive_failures = 0;

        // The package: the candidate and its ancestors not yet chosen, parents first (an
        // ancestor always has fewer ancestors than its descendant).
        std::vector<const MempoolEntry*> package;
        for (const MempoolEntry* a : pool.AncestorsOf(c.entry->tx->inputs)) {
            if (!in_block.contains(a)) package.push_back(a);
        }
        package.push_back(c.entry);
        std::sort(package.begin(), package.end(), [](const MempoolEntry* a, const MempoolEntry* b) {
            if (a->ancestors.count != b->ancestors.count) return a->ancestors.count < b->ancestors.count;
            return a->sequence < b->sequence;
        });
        for (const MempoolEntry* p : package) {
            in_block.insert(p);
            out.entries.push_back(p);
            out.fees += p->fee;
            out.weight += p->weight;
            out.sigops_cost += p->sigop_cost;
        }
        weight += c.package.vsize * primitives::WITNESS_SCALE_FACTOR;
        sigops += c.package.sigop_cost;

        // Descendants of what was just chosen now have fewer ancestors left to pay for.
        for (const MempoolEntry* d : pool.WithDescendants(package)) {
            if (in_block.contains(d)) continue;
            auto [it, inserted] = modified.try_emplace(d, d->ancestors, 0);
            PackageTotals& totals = it->second.first;
            // Subtract the chosen ancestors of d: those in `package` that d descends from.
            const auto ancestors = pool.AncestorsOf(d->tx->inputs);
            const std::unordered_set<const MempoolEntry*> ancestor_set(ancestors.begin(), ancestors.end());
            for (const MempoolEntry* p : package) {
                if (!ancestor_set.contains(p)) continue;
                --totals.count;
                totals.vsize -= p->vsize;
                totals.fees -= p->fee;
                totals.sigop_cost -= p->sigop_cost;
            }
            ++it->second.second;
            queue.push({d, totals, it->second.second});
        }
    }
    return out;
}

}  // namespace tonari::bitcoin::miner

// ActiveChain: the chain the node currently follows, as an array of block index entries by
// height (genesis at 0, tip at the end), so "the block at height h" and "is this block on our
// chain" are O(1). Also builds and reads block locators, the compact "where am I" summary
// peers exchange in getheaders/getblocks.
//
// Holds non-owning pointers into a BlockTree, which must outlive it. Not thread-safe: owned
// by the validation strand, like the tree.
#pragma once

#include <cstddef>
#include <vector>

#include "bitcoin/chain/block_index.h"
#include "bitcoin/primitives/ids.h"

namespace tonari::bitcoin::chain {

class BlockTree;

// Block hashes from a tip back to the genesis: ten one block apart, then twice as far apart
// each step, always ending with the genesis. About 10 + log2(height) entries.
using BlockLocator = std::vector<primitives::BlockHash>;

class ActiveChain {
public:
    // Empty chain (no tip) until SetTip.
    ActiveChain() = default;

    // Makes `tip` and its ancestors the chain (nullptr empties it). O(blocks that change).
    void SetTip(const BlockIndex* tip);

    const BlockIndex* Tip() const { return m_chain.empty() ? nullptr : m_chain.back(); }
    const BlockIndex* Genesis() const { return m_chain.empty() ? nullptr : m_chain.front(); }
    // Height of the tip; -1 when empty.
    int Height() const { return static_cast<int>(m_chain.size()) - 1; }
    // The block at `height`, or nullptr when outside the chain.
    const BlockIndex* At(int height) const;
    const BlockIndex* operator[](int height) const { return At(height); }

    bool Contains(const BlockIndex* index) const;
    // The successor of `index` on this chain, or nullptr when it is the tip or not on it.
    const BlockIndex* Next(const BlockIndex* index) const;
    // The deepest block of this chain that is an ancestor of (or equal to) `index`: where a
    // branch leaves the active chain. nullptr when the chain is empty or index is null.
    const BlockIndex* FindFork(const BlockIndex* index) const;

    // Locator starting at `from` (the tip when null); empty when there is nothing to start at.
    BlockLocator Locator(const BlockIndex* from = nullptr) const;
    // The first locator entry that is in `tree` and on this chain; the genesis when none is
    // (a peer's locator always ends with it, but a hostile one may not). Answers getheaders.
    const BlockIndex* FindLocatorFork(const BlockTree& tree, const BlockLocator& locator) const;

private:
    std::vector<const BlockIndex*> m_chain;
};

// The locator for a chain ending at `from` (which need not be on any active chain).
BlockLocator LocatorFor(const BlockIndex* from);

}  // namespace tonari::bitcoin::chain

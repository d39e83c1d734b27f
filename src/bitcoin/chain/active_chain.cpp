// The active chain array and block locators.
#include "bitcoin/chain/active_chain.h"

#include <algorithm>

#include "bitcoin/chain/block_tree.h"

namespace tonari::bitcoin::chain {

void ActiveChain::SetTip(const BlockIndex* tip) {
    if (tip == nullptr) {
        m_chain.clear();
        return;
    }
    m_chain.resize(static_cast<size_t>(tip->height) + 1);
    // Walk back until the entry already in place: only the part that changed is rewritten.
    for (const BlockIndex* p = tip; p != nullptr && m_chain[static_cast<size_t>(p->height)] != p;
         p = p->prev) {
        m_chain[static_cast<size_t>(p->height)] = p;
    }
}

const BlockIndex* ActiveChain::At(int height) const {
    if (height < 0 || height > Height()) return nullptr;
    return m_chain[static_cast<size_t>(height)];
}

bool ActiveChain::Contains(const BlockIndex* index) const {
    return index != nullptr && At(index->height) == index;
}

const BlockIndex* ActiveChain::Next(const BlockIndex* index) const {
    return Contains(index) ? At(index->height + 1) : nullptr;
}

const BlockIndex* ActiveChain::FindFork(const BlockIndex* index) const {
    if (index == nullptr || m_chain.empty()) return nullptr;
    if (index->height > Height()) index = index->GetAncestor(Height());
    while (index != nullptr && !Contains(index)) index = index->prev;
    return index;
}

BlockLocator LocatorFor(const BlockIndex* from) {
    BlockLocator out;
    if (from == nullptr) return out;
    int step = 1;
    for (const BlockIndex* p = from; p != nullptr;) {
        out.push_back(p->hash);
        if (p->height == 0) break;
        p = p->GetAncestor(std::max(p->height - step, 0));
        if (out.size() > 10) step *= 2;
    }
    return out;
}

BlockLocator ActiveChain::Locator(const BlockIndex* from) const {
    return LocatorFor(from != nullptr ? from : Tip());
}

const BlockIndex* ActiveChain::FindLocatorFork(const BlockTree& tree, const BlockLocator& locator) const {
    for (const auto& hash : locator) {
        const BlockIndex* index = tree.Lookup(hash);
        if (index == nullptr) continue;
        if (Contains(index)) return index;
        // A known block off our chain: the fork point is where its branch leaves ours.
        if (index->GetAncestor(Height()) == Tip()) return Tip();
    }
    return Genesis();
}

}  // namespace tonari::bitcoin::chain

// ChainObserver: how the layers above the chain (mempool, wallet) hear that the active chain
// moved, without the chain depending on them. The chainstate calls it on the validation
// strand, once per block, in chain order: disconnections from the old tip down to the fork,
// then connections up to the new tip.
#pragma once

#include "bitcoin/chain/block_index.h"
#include "bitcoin/primitives/block.h"

namespace tonari::bitcoin::chain {

class ChainObserver {
public:
    virtual ~ChainObserver() = default;
    // `block` (entry `index`) is now the tip; its coins are in the chainstate's view.
    virtual void BlockConnected(const primitives::Block& block, const BlockIndex& index) = 0;
    // `block` (entry `index`) is no longer on the active chain; the tip is its parent.
    virtual void BlockDisconnected(const primitives::Block& block, const BlockIndex& index) = 0;
};

}  // namespace tonari::bitcoin::chain

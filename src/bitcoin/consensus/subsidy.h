// Block subsidy: the new coins a block's coinbase may claim (on top of the fees), halving
// every subsidy_halving_interval blocks until it reaches zero. Pure function.
#pragma once

#include "bitcoin/consensus/params.h"
#include "bitcoin/primitives/amount.h"

namespace tonari::bitcoin::consensus {

// 50 BTC shifted right once per completed halving interval; zero from the 64th halving on
// (a shift of 64 or more would be undefined, and the amount is long since zero anyway).
// Heights below zero are a caller bug.
primitives::Amount GetBlockSubsidy(int height, const ConsensusParams& params);

}  // namespace tonari::bitcoin::consensus

// Block subsidy schedule.
#include "bitcoin/consensus/subsidy.h"

#include <cassert>

namespace tonari::bitcoin::consensus {

primitives::Amount GetBlockSubsidy(int height, const ConsensusParams& params) {
    assert(height >= 0 && params.subsidy_halving_interval > 0);
    const int halvings = height / params.subsidy_halving_interval;
    if (halvings >= 64) return 0;
    const primitives::Amount initial = 50 * primitives::COIN;
    return initial >> halvings;
}

}  // namespace tonari::bitcoin::consensus

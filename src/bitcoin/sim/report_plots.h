// A simulation report's plots, as SVG documents (`tonari sim --svg PREFIX`): the propagation
// CDF (the share of (block, node) pairs that had the block by each delay, from mining and from
// the first node to have it, on a logarithmic time axis) and the nodes each block reached
// against time.
#pragma once

#include <string>

#include "bitcoin/sim/scenario.h"

namespace tonari::bitcoin::sim {

std::string PropagationCdfSvg(const Report& report);
std::string NodesReachedSvg(const Report& report);

}  // namespace tonari::bitcoin::sim

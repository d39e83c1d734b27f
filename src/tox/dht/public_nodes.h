// The public Tox bootstrap nodes a client starts from when none are given, from the list the
// Tox project publishes (nodes.tox.chat), as Bitcoin's fixed seeds are. Any one answering is
// enough: the DHT then finds the rest.
#pragma once

#include <vector>

#include "tox/dht/dht_service.h"

namespace tonari::tox::dht {

std::vector<BootstrapNode> PublicBootstrapNodes();

}  // namespace tonari::tox::dht

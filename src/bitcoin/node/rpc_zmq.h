// getzmqnotifications: the active ZMQ notifiers (type, address, high-water mark), as Core.
#pragma once

#include <string>

#include "bitcoin/node/zmq_notifier.h"
#include "bitcoin/rpc/method_table.h"
#include "util/result.h"

namespace tonari::bitcoin::node {

// `notifier` may be null (no -zmqpub* option): the method then answers an empty list. It must
// outlive the table's use.
util::Result<void, std::string> RegisterZmqRpcs(rpc::MethodTable& table, const ZmqNotifier* notifier);

}  // namespace tonari::bitcoin::node

// getzmqnotifications over the notifier's endpoints.
#include "bitcoin/node/rpc_zmq.h"

#include "bitcoin/node/rpc_util.h"

namespace tonari::bitcoin::node {

util::Result<void, std::string> RegisterZmqRpcs(rpc::MethodTable& table, const ZmqNotifier* notifier) {
    Registrar registrar(table);
    registrar.Add({.name = "getzmqnotifications",
                   .category = "Zmq",
                   .description = "Returns information about the active ZeroMQ notifications.",
                   .params = {},
                   .result_help = "[\n  {\n    \"type\" : \"str\",    (string) Type of notification\n"
                                  "    \"address\" : \"str\", (string) Address of the publisher\n"
                                  "    \"hwm\" : n            (numeric) Outbound message high water mark\n  },\n  ...\n]",
                   .examples = "> tonari-cli getzmqnotifications",
                   .handler = [notifier](const rpc::Request&) -> util::Result<util::Json, rpc::RpcError> {
                       util::Json out = util::Json::MakeArray();
                       if (!notifier) return out;
                       for (const auto& e : notifier->Endpoints()) {
                           util::Json o = util::Json::MakeObject();
                           o.Set("type", e.type);
                           o.Set("address", e.address);
                           o.Set("hwm", int64_t{e.hwm});
                           out.PushBack(std::move(o));
                       }
                       return out;
                   }});
    return registrar.Finish();
}

}  // namespace tonari::bitcoin::node

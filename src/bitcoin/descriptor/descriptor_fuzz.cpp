// libFuzzer target for descriptor text (getdescriptorinfo and deriveaddresses take it from any
// RPC caller) and for inference over arbitrary scripts: nothing may crash; whatever parses must
// print to text that parses again to the same text and expands at two positions; whatever is
// inferred parses back to the same script, except where Core's inference is looser than its
// parser (a bare key not on the curve, the empty raw()).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bitcoin/descriptor/descriptor.h"
#include "bitcoin/descriptor/infer.h"

using namespace tonari::bitcoin::descriptor;
using tonari::bitcoin::encoding::Network;

namespace {
void Require(bool ok) {
    if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const tonari::crypto::KeyContext ctx;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    for (const Network network : {Network::Main, Network::Regtest}) {
        auto parsed = Descriptor::Parse(text, network, false, ctx);
        if (parsed) {
            const std::string printed = parsed->ToString();
            auto again = Descriptor::Parse(printed, network, true, ctx);
            Require(again.has_value());
            Require(again->ToString() == printed);
            (void)parsed->Expand(0, ctx);
            (void)parsed->Expand(0x7fffffff, ctx);
        }
        const std::string inferred = InferDescriptor({data, size}, network);
        auto back = Descriptor::Parse(inferred, network, true, ctx);
        if (back) {
            auto scripts = back->Expand(0, ctx);
            Require(scripts && scripts->size() == 1 && (*scripts)[0] == tonari::util::Bytes(data, data + size));
        } else {
            Require(inferred.starts_with("pk(") || inferred.starts_with("multi(") || inferred.starts_with("raw()"));
        }
    }
    return 0;
}

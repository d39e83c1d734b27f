// libFuzzer target: ParseScriptText on arbitrary text must never crash, must be
// deterministic, must agree with itself on raw hex (a parsed script written back as one 0x
// token parses to the same bytes), and must treat a separator as pure concatenation.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bitcoin/script/script_text.h"
#include "util/hex.h"

using tonari::bitcoin::script::ParseScriptText;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    const auto first = ParseScriptText(text);
    const auto second = ParseScriptText(text);
    if (first.has_value() != second.has_value()) std::abort();
    if (first) {
        if (*first != *second) std::abort();
        // Output grows at most linearly: a 1-byte token yields at most 1 byte, a longer one
        // at most its own length plus a push prefix.
        if (first->size() > 3 * size + 8) std::abort();
        if (!first->empty()) {
            const auto raw = ParseScriptText("0x" + tonari::util::HexEncode(*first));
            if (!raw || *raw != *first) std::abort();
        }
    } else if (first.error().empty()) {
        std::abort();  // errors must say something
    }

    // Splitting at a separator: the two halves parse to the pieces of the whole.
    if (size >= 1) {
        const size_t cut = data[0] % size;
        const std::string joined = std::string(text.substr(0, cut)) + " " + std::string(text.substr(cut));
        const auto whole = ParseScriptText(joined);
        const auto left = ParseScriptText(text.substr(0, cut));
        const auto right = ParseScriptText(text.substr(cut));
        if (whole.has_value() != (left.has_value() && right.has_value())) std::abort();
        if (whole) {
            tonari::util::Bytes concat = *left;
            concat.insert(concat.end(), right->begin(), right->end());
            if (concat != *whole) std::abort();
        }
    }
    return 0;
}

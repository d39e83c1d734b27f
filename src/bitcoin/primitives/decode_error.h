// Why a byte string failed to decode as a transaction or block. Peer scoring and user-facing
// messages switch on the reason; DecodeErrorMessage gives Bitcoin Core-like wording.
#pragma once

#include <string_view>

namespace tonari::bitcoin::primitives {

enum class DecodeError {
    Truncated,           // ran out of bytes, or a length/count field larger than the input
    TrailingBytes,       // bytes left after a complete object
    UnknownWitnessFlag,  // BIP144 flag byte other than 1
    SuperfluousWitness,  // witness flag set but every input's witness is empty
};

std::string_view DecodeErrorMessage(DecodeError e);

}  // namespace tonari::bitcoin::primitives

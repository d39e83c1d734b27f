// WireError descriptions (see protocol.h).
#include "bitcoin/wire/protocol.h"

namespace tonari::bitcoin::wire {

const char* ToString(WireError e) {
    switch (e) {
        case WireError::BadMagic: return "bad magic";
        case WireError::BadCommand: return "bad command";
        case WireError::Oversized: return "oversized message";
        case WireError::BadChecksum: return "bad checksum";
        case WireError::Truncated: return "truncated";
        case WireError::TrailingBytes: return "trailing bytes";
        case WireError::TooMany: return "too many items";
        case WireError::Malformed: return "malformed";
    }
    return "unknown wire error";
}

}  // namespace tonari::bitcoin::wire

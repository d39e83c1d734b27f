// CompactSize decoding (see compact_size.h).
#include "bitcoin/encoding/compact_size.h"

namespace tonari::bitcoin::encoding {

uint64_t ReadCompactSize(util::ByteReader& r, bool range_check) {
    const uint8_t marker = r.ReadU8();
    uint64_t value = 0;
    uint64_t min_value = 0;  // smallest value that needs this marker
    switch (marker) {
        case 0xfd:
            value = r.ReadU16LE();
            min_value = 0xfd;
            break;
        case 0xfe:
            value = r.ReadU32LE();
            min_value = 0x10000;
            break;
        case 0xff:
            value = r.ReadU64LE();
            min_value = 0x100000000;
            break;
        default:
            value = marker;
            break;
    }
    if (r.failed()) return 0;
    if (value < min_value || (range_check && value > MAX_COMPACT_SIZE)) {
        r.Fail();
        return 0;
    }
    return value;
}

}  // namespace tonari::bitcoin::encoding

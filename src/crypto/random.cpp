// Random bytes straight from the kernel's CSPRNG via getrandom(2). No user-space pool: the
// kernel's is already fast enough for key generation and nonces, and a pool would be state
// to seed, fork-protect and wipe.
#include "crypto/random.h"

#include <sys/random.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace tonari::crypto {

void RandomBytes(std::span<uint8_t> out) {
    size_t done = 0;
    while (done < out.size()) {
        // Blocks only until the kernel pool is first initialised at boot; large requests may
        // return short, and a signal may interrupt the call, so loop until all bytes arrive.
        const ssize_t n = getrandom(out.data() + done, out.size() - done, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            std::abort();  // ENOSYS and the like: no safe source of entropy at all
        }
        done += static_cast<size_t>(n);
    }
}

uint64_t RandomU64() {
    uint8_t buf[8];
    RandomBytes(buf);
    uint64_t v;
    std::memcpy(&v, buf, sizeof(v));
    return v;
}

util::Uint256 RandomUint256() {
    util::Uint256 v;
    RandomBytes(v.mutable_span());
    return v;
}

}  // namespace tonari::crypto

// The attacker's filter: every message that carries blocks, headers, transactions or addresses
// is a relay command; the handshake, keep-alives and requests are not, so a silent node stays
// connected and can still ask.
#include "bitcoin/sim/silent_network.h"

#include <gtest/gtest.h>

namespace tonari::bitcoin::sim {
namespace {

TEST(SilentNetwork, RelayCommandsAreExactlyTheOnesThatCarryData) {
    for (const char* c : {"inv", "headers", "block", "cmpctblock", "blocktxn", "tx", "addr", "addrv2", "notfound"}) {
        EXPECT_TRUE(IsRelayCommand(c)) << c;
    }
    for (const char* c : {"version", "verack", "ping", "pong", "sendheaders", "sendcmpct", "wtxidrelay", "sendaddrv2",
                          "feefilter", "getdata", "getheaders", "getblocks", "getblocktxn", "getaddr", "mempool"}) {
        EXPECT_FALSE(IsRelayCommand(c)) << c;
    }
    EXPECT_FALSE(IsRelayCommand("invx"));
    EXPECT_FALSE(IsRelayCommand(""));
}

}  // namespace
}  // namespace tonari::bitcoin::sim

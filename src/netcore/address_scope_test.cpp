// Local-network address ranges: each private, loopback, link-local and CGNAT range in and just
// outside its edges, IPv6 unique-local and link-local, public addresses out.
#include "netcore/address_scope.h"

#include <gtest/gtest.h>

namespace tonari::netcore {
namespace {

TEST(AddressScope, LocalRanges) {
    for (const char* local : {"127.0.0.1", "10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.254", "192.168.1.1",
                              "169.254.3.4", "100.64.0.1", "100.127.255.255", "0.0.0.0", "::1", "fd00::1", "fc12::5",
                              "fe80::1", "not-an-address"}) {
        EXPECT_TRUE(IsLocalAddress(local)) << local;
    }
    for (const char* pub : {"8.8.8.8", "172.15.255.255", "172.32.0.0", "192.169.0.1", "100.63.255.255", "100.128.0.0",
                            "203.0.113.5", "2001:db8::1", "fec0::1"}) {
        EXPECT_FALSE(IsLocalAddress(pub)) << pub;
    }
}

}  // namespace
}  // namespace tonari::netcore

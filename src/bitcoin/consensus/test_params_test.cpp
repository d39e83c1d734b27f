// -testactivationheight and -vbparams: the heights and schedules land in the parameters, and
// malformed values get Core's error texts.
#include "bitcoin/consensus/test_params.h"

#include <gtest/gtest.h>

namespace tonari::bitcoin::consensus {
namespace {

ConsensusParams Regtest() { return GetParams(encoding::Network::Regtest); }

TEST(TestParams, ActivationHeights) {
    ConsensusParams p = Regtest();
    ASSERT_TRUE(ApplyTestActivationHeight(p, "bip34@2"));
    ASSERT_TRUE(ApplyTestActivationHeight(p, "dersig@3"));
    ASSERT_TRUE(ApplyTestActivationHeight(p, "cltv@4"));
    ASSERT_TRUE(ApplyTestActivationHeight(p, "csv@5"));
    ASSERT_TRUE(ApplyTestActivationHeight(p, "segwit@6"));
    EXPECT_EQ(p.bip34_height, 2);
    EXPECT_TRUE(p.bip34_hash.IsNull());
    EXPECT_EQ(p.bip66_height, 3);
    EXPECT_EQ(p.bip65_height, 4);
    EXPECT_EQ(p.csv_height, 5);
    EXPECT_EQ(p.segwit_height, 6);
    // The shared regtest parameters are untouched.
    EXPECT_EQ(GetParams(encoding::Network::Regtest).bip34_height, 1);
}

TEST(TestParams, ActivationHeightErrorsAreCores) {
    ConsensusParams p = Regtest();
    EXPECT_EQ(ApplyTestActivationHeight(p, "bip34").error(), "Invalid format (bip34) for -testactivationheight=name@height.");
    EXPECT_EQ(ApplyTestActivationHeight(p, "bip34@-1").error(),
              "Invalid height value (bip34@-1) for -testactivationheight=name@height.");
    EXPECT_EQ(ApplyTestActivationHeight(p, "bip34@x").error(),
              "Invalid height value (bip34@x) for -testactivationheight=name@height.");
    EXPECT_EQ(ApplyTestActivationHeight(p, "bip34@2147483647").error(),
              "Invalid height value (bip34@2147483647) for -testactivationheight=name@height.");
    EXPECT_EQ(ApplyTestActivationHeight(p, "taproot@2").error(),
              "Invalid name (taproot@2) for -testactivationheight=name@height.");
}

TEST(TestParams, VersionBits) {
    ConsensusParams p = Regtest();
    ASSERT_TRUE(ApplyVbParams(p, "testdummy:10:20"));
    EXPECT_EQ(p.testdummy.start_time, 10);
    EXPECT_EQ(p.testdummy.timeout, 20);
    EXPECT_EQ(p.testdummy.min_activation_height, 0);
    ASSERT_TRUE(ApplyVbParams(p, "taproot:-2:-2:432"));
    EXPECT_EQ(p.taproot.start_time, Bip9Deployment::NEVER_ACTIVE);
    EXPECT_EQ(p.taproot.min_activation_height, 432);
    EXPECT_EQ(ApplyVbParams(p, "taproot:1").error(),
              "Version bits parameters malformed, expecting deployment:start:end[:min_activation_height]");
    EXPECT_EQ(ApplyVbParams(p, "taproot:a:1").error(), "Invalid nStartTime (a)");
    EXPECT_EQ(ApplyVbParams(p, "taproot:1:b").error(), "Invalid nTimeout (b)");
    EXPECT_EQ(ApplyVbParams(p, "taproot:1:2:c").error(), "Invalid min_activation_height (c)");
    EXPECT_EQ(ApplyVbParams(p, "segwit:1:2").error(), "Invalid deployment (segwit)");
}

}  // namespace
}  // namespace tonari::bitcoin::consensus

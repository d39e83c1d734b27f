// The RPC helpers: numbers printed as Core prints them, hashes parsed strictly.
#include "bitcoin/node/rpc_util.h"

#include <gtest/gtest.h>

namespace tonari::bitcoin::node {
namespace {

TEST(RpcNumbers, DifficultyAndDoublesAsCorePrintsThem) {
    EXPECT_EQ(DoubleJson(DifficultyFromBits(0x207fffff)).Dump(), "4.656542373906925e-10");
    EXPECT_EQ(DoubleJson(DifficultyFromBits(0x1d00ffff)).Dump(), "1");
    // Mainnet block 100,000's bits.
    EXPECT_EQ(DoubleJson(DifficultyFromBits(0x1b04864c)).Dump(), "14484.1623612254");
    EXPECT_TRUE(DoubleJson(DifficultyFromBits(0x1d000000)).IsNull());  // zero mantissa: no finite value
}

TEST(RpcHashes, ParsedStrictly) {
    EXPECT_TRUE(ParseBlockHash(util::Json(std::string(64, 'a')), "blockhash"));
    const auto short_hash = ParseBlockHash(util::Json("abcd"), "blockhash");
    ASSERT_FALSE(short_hash);
    EXPECT_EQ(short_hash.error().code, rpc::RpcErrorCode::INVALID_PARAMETER);
    EXPECT_EQ(short_hash.error().message, "blockhash must be of length 64 (not 4, for 'abcd')");
    EXPECT_FALSE(ParseBlockHash(util::Json(std::string(64, 'g')), "blockhash"));
    const auto not_string = ParseTxid(util::Json(5), "txid");
    ASSERT_FALSE(not_string);
    EXPECT_EQ(not_string.error().code, rpc::RpcErrorCode::TYPE_ERROR);
}

}  // namespace
}  // namespace tonari::bitcoin::node

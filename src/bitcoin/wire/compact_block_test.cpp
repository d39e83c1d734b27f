// Tests for BIP152 messages: a published compact block (header, salt, one short id, the
// prefilled coinbase) with its short id recomputed from scratch, the differential index
// encoding and its overflow edges, and the count limits.
#include <gtest/gtest.h>

#include "bitcoin/wire/compact_block.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::bitcoin::wire {
namespace {

util::Bytes H(std::string_view hex) { return test::ParseHexOrFail(hex); }

// A regtest block of two transactions and its compact form with nonce 18053200567810711460,
// from rust-bitcoin's bip152 tests (cross-checked there against the Elements implementation).
constexpr std::string_view VECTOR_BLOCK =
    "000000206c750a364035aefd5f81508a08769975116d9195312ee4520dceac39e1fdc62c4dc67473b8e354358c1e610a"
    "feaff7410858bd45df43e2940f8a62bd3d5e3ac943c2975cffff7f200000000002020000000001010000000000000000"
    "000000000000000000000000000000000000000000000000ffffffff04016b0101ffffffff020006062a010000000151"
    "0000000000000000266a24aa21a9ed4a3d9f3343dafcc0d6f6d4310f2ee5ce273ed34edca6c75db3a73e7f3687342001"
    "20000000000000000000000000000000000000000000000000000000000000000000000000020000000001021fc20ba2"
    "bd745507b8e00679e3b362558f9457db374ca28ffa5243f4c23a4d5f00000000171600147c9dea14ffbcaec4b575e03f"
    "05ceb7a81cd3fcbffdffffff915d689be87b43337f42e26033df59807b768223368f189a023d0242d837768900000000"
    "171600147c9dea14ffbcaec4b575e03f05ceb7a81cd3fcbffdffffff0200cdf5050000000017a9146803c72d9154a6a2"
    "0f404bed6d3dcee07986235a8700e1f5050000000017a9144e6a4c7cb5b5562904843bdf816342f4db9f579787024730"
    "4402205e9bf6e70eb0e4b495bf483fd8e6e02da64900f290ef8aaa64bb32600d973c450220670896f5d0e5f33473e5f3"
    "99ab680cc1d25c2d2afd15abd722f04978f28be887012103e4e4d9312b2261af508b367d8ba9be4f01b61d6d6e78bec4"
    "99845b4f410bcf2702473044022045ac80596a6ac9c8c572f94708709adaf106677221122e08daf8b9741a04f66a0220"
    "03ccd52a3b78f8fd08058fc04fc0cffa5f4c196c84eae9e37e2a85babe731b57012103e4e4d9312b2261af508b367d8b"
    "a9be4f01b61d6d6e78bec499845b4f410bcf276a000000";
constexpr std::string_view VECTOR_COMPACT =
    "000000206c750a364035aefd5f81508a08769975116d9195312ee4520dceac39e1fdc62c4dc67473b8e354358c1e610a"
    "feaff7410858bd45df43e2940f8a62bd3d5e3ac943c2975cffff7f2000000000a4df3c3744da89fa010a6979e9714501"
    "00020000000001010000000000000000000000000000000000000000000000000000000000000000ffffffff04016b01"
    "01ffffffff020006062a0100000001510000000000000000266a24aa21a9ed4a3d9f3343dafcc0d6f6d4310f2ee5ce27"
    "3ed34edca6c75db3a73e7f36873420012000000000000000000000000000000000000000000000000000000000000000"
    "0000000000";
constexpr uint64_t VECTOR_NONCE = 18053200567810711460ULL;

primitives::Tx SmallTx(uint8_t tag) {
    primitives::Tx tx;
    tx.inputs.resize(1);
    tx.inputs[0].prevout.index = tag;
    tx.outputs.resize(1);
    tx.outputs[0].value = tag;
    return tx;
}

TEST(CompactBlock, PublishedVector) {
    const auto block = primitives::DecodeBlock(H(VECTOR_BLOCK));
    ASSERT_TRUE(block);
    ASSERT_EQ(block->txs.size(), 2u);
    const util::Bytes raw = H(VECTOR_COMPACT);
    const auto m = CmpctBlockMsg::Decode(raw);
    ASSERT_TRUE(m) << ToString(m.error());
    EXPECT_EQ(m->header, block->header);
    EXPECT_EQ(m->nonce, VECTOR_NONCE);
    ASSERT_EQ(m->short_ids.size(), 1u);
    EXPECT_EQ(m->short_ids[0], 0x4571e979690aULL);  // bytes 0a 69 79 e9 71 45, little-endian
    ASSERT_EQ(m->prefilled.size(), 1u);
    EXPECT_EQ(m->prefilled[0].index, 0u);
    EXPECT_EQ(m->prefilled[0].tx, block->txs[0]);
    EXPECT_EQ(m->Encode(), raw);

    // The short id, recomputed: SipHash keyed by SHA256(header || nonce) over the wtxid.
    const ShortIdKeys keys = ComputeShortIdKeys(block->header, VECTOR_NONCE);
    EXPECT_EQ(ShortTxId(keys, primitives::ComputeWtxid(block->txs[1]).get()), m->short_ids[0]);
    // The txid differs (segwit spend), and so does its short id: version 2 uses the wtxid.
    EXPECT_NE(ShortTxId(keys, primitives::ComputeTxid(block->txs[1]).get()), m->short_ids[0]);
    // A different nonce changes every key.
    const ShortIdKeys other = ComputeShortIdKeys(block->header, VECTOR_NONCE + 1);
    EXPECT_NE(other.k0, keys.k0);
    EXPECT_NE(other.k1, keys.k1);
}

TEST(CompactBlock, CmpctBlockRoundTripAndDifferentialIndexes) {
    CmpctBlockMsg m;
    m.header.version = 4;
    m.header.time = 1234;
    m.nonce = 99;
    m.short_ids = {0, 1, SHORT_ID_MASK, 0x123456789abcULL};
    m.prefilled = {{0, SmallTx(1)}, {5, SmallTx(2)}, {6, SmallTx(3)}, {300, SmallTx(4)}};
    const util::Bytes raw = m.Encode();
    const auto back = CmpctBlockMsg::Decode(raw);
    ASSERT_TRUE(back) << ToString(back.error());
    EXPECT_EQ(*back, m);
    // Wire gaps: 0, 4, 0, 293 (fd2501).
    const size_t prefilled_at = 80 + 8 + 1 + 4 * SHORT_ID_SIZE + 1;
    const size_t tx_size = primitives::SerializeTx(SmallTx(1)).size();
    EXPECT_EQ(raw[prefilled_at], 0);
    EXPECT_EQ(raw[prefilled_at + 1 + tx_size], 4);
    EXPECT_EQ(raw[prefilled_at + 2 * (1 + tx_size)], 0);
    EXPECT_EQ(util::HexEncode(util::ByteSpan(raw).subspan(prefilled_at + 3 * (1 + tx_size), 3)), "fd2501");
    EXPECT_EQ(CmpctBlockMsg::COMMAND, "cmpctblock");
}

TEST(CompactBlock, CmpctBlockErrors) {
    CmpctBlockMsg m;
    m.short_ids = {7};
    m.prefilled = {{0, SmallTx(1)}};
    const util::Bytes raw = m.Encode();
    for (size_t len = 0; len < raw.size(); ++len) {
        const auto r = CmpctBlockMsg::Decode(util::ByteSpan(raw).first(len));
        ASSERT_FALSE(r) << len;
        EXPECT_EQ(r.error(), WireError::Truncated) << len;
    }
    util::Bytes extra = raw;
    extra.push_back(0);
    EXPECT_EQ(CmpctBlockMsg::Decode(extra).error(), WireError::TrailingBytes);

    const util::Bytes head(88, 0);  // header + nonce
    // 65,536 short ids announced: the block could not be indexed in 16 bits.
    util::Bytes many = head;
    util::Append(many, H("fe00000100"));
    EXPECT_EQ(CmpctBlockMsg::Decode(many).error(), WireError::TooMany);
    // 65,535 short ids + 1 prefilled: total over 65,535.
    util::Bytes sum = head;
    util::Append(sum, H("fdffff"));
    sum.resize(sum.size() + 0xffff * SHORT_ID_SIZE, 0);
    util::Append(sum, H("01"));
    util::Append(sum, util::Bytes{0});
    util::Append(sum, primitives::SerializeTx(SmallTx(1)));
    EXPECT_EQ(CmpctBlockMsg::Decode(sum).error(), WireError::TooMany);
    // Prefilled index past 65535.
    util::Bytes overflow = head;
    util::Append(overflow, H("00" "01" "fe00000100"));
    util::Append(overflow, primitives::SerializeTx(SmallTx(1)));
    EXPECT_EQ(CmpctBlockMsg::Decode(overflow).error(), WireError::Malformed);
    // A bad prefilled transaction.
    util::Bytes bad_tx = head;
    util::Append(bad_tx, H("00" "01" "00" "02000000" "0002" "00" "00" "00000000"));
    EXPECT_EQ(CmpctBlockMsg::Decode(bad_tx).error(), WireError::Malformed);
}

// Differential encodings and the absolute indexes they stand for (getblocktxn).
TEST(CompactBlock, GetBlockTxnDifferentialEncoding) {
    const struct {
        std::string_view wire;  // after the block hash
        std::vector<uint32_t> indexes;
    } cases[] = {
        {"00", {}},
        {"0100", {0}},
        {"040005010a", {0, 6, 8, 19}},
        {"050000000000", {0, 1, 2, 3, 4}},
        {"03010101", {1, 3, 5}},
        {"030000fd0001", {0, 1, 258}},
        {"01fdffff", {65535}},
        {"02fdfeff00", {65534, 65535}},
    };
    for (const auto& c : cases) {
        util::Bytes raw(32, 0xab);
        util::Append(raw, H(c.wire));
        const auto m = GetBlockTxnMsg::Decode(raw);
        ASSERT_TRUE(m) << c.wire;
        EXPECT_EQ(m->indexes, c.indexes) << c.wire;
        EXPECT_EQ(m->block_hash.get().bytes()[0], 0xab);
        GetBlockTxnMsg built;
        built.block_hash = m->block_hash;
        built.indexes = c.indexes;
        EXPECT_EQ(built.Encode(), raw) << c.wire;
    }
    EXPECT_EQ(GetBlockTxnMsg::COMMAND, "getblocktxn");
}

TEST(CompactBlock, GetBlockTxnErrors) {
    const std::string_view bad_overflow[] = {
        "01fe00000100",              // 65536
        "02fdffff00",                // 65535 then 65536
        "02fffeffffffffffffff00",    // near u64 max
        "01ffffffffffffffffff",      // u64 max
    };
    for (std::string_view wire : bad_overflow) {
        util::Bytes raw(32, 0);
        util::Append(raw, H(wire));
        const auto m = GetBlockTxnMsg::Decode(raw);
        ASSERT_FALSE(m) << wire;
        EXPECT_EQ(m.error(), WireError::Malformed) << wire;
    }
    util::Bytes raw(32, 0);
    util::Append(raw, H("02" "00"));  // second index missing
    EXPECT_EQ(GetBlockTxnMsg::Decode(raw).error(), WireError::Truncated);
    raw = util::Bytes(31, 0);
    EXPECT_EQ(GetBlockTxnMsg::Decode(raw).error(), WireError::Truncated);
    raw = util::Bytes(32, 0);
    util::Append(raw, H("01" "00" "00"));
    EXPECT_EQ(GetBlockTxnMsg::Decode(raw).error(), WireError::TrailingBytes);
    raw = util::Bytes(32, 0);
    util::Append(raw, H("01" "fd0100"));  // non-canonical gap
    EXPECT_EQ(GetBlockTxnMsg::Decode(raw).error(), WireError::Malformed);
    // More indexes than 16 bits can hold, all present as bytes: refused on the count.
    raw = util::Bytes(32, 0);
    util::Append(raw, H("fe01000100"));
    raw.resize(raw.size() + 65537, 0);
    EXPECT_EQ(GetBlockTxnMsg::Decode(raw).error(), WireError::Malformed);
}

TEST(CompactBlock, BlockTxn) {
    BlockTxnMsg m;
    m.block_hash = primitives::BlockHash(util::Uint256(std::array<uint8_t, 32>{1, 2, 3}));
    m.txs = {SmallTx(5), SmallTx(6)};
    const util::Bytes raw = m.Encode();
    const auto back = BlockTxnMsg::Decode(raw);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, m);
    EXPECT_EQ(BlockTxnMsg::COMMAND, "blocktxn");

    const auto empty = BlockTxnMsg::Decode(BlockTxnMsg{}.Encode());
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->txs.empty());

    util::Bytes extra = raw;
    extra.push_back(0);
    EXPECT_EQ(BlockTxnMsg::Decode(extra).error(), WireError::TrailingBytes);
    EXPECT_EQ(BlockTxnMsg::Decode(util::ByteSpan(raw).first(raw.size() - 1)).error(), WireError::Truncated);
    // A million transactions announced in a short message: refused before reserving.
    util::Bytes many(32, 0);
    util::Append(many, H("fe40420f00"));
    EXPECT_EQ(BlockTxnMsg::Decode(many).error(), WireError::Truncated);
}

TEST(CompactBlock, EncodeAssertsIndexOrder) {
#ifndef NDEBUG
    GetBlockTxnMsg m;
    m.indexes = {3, 3};
    EXPECT_DEATH((void)m.Encode(), "");
    m.indexes = {70000};
    EXPECT_DEATH((void)m.Encode(), "");
#else
    GTEST_SKIP() << "asserts compiled out";
#endif
}

}  // namespace
}  // namespace tonari::bitcoin::wire

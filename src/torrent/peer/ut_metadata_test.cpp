// ut_metadata (BEP 9) messages: the layouts peers send, and what is refused.
#include "torrent/peer/ut_metadata.h"

#include <gtest/gtest.h>

namespace tonari::torrent::peer {
namespace {

util::Bytes B(const std::string& s) { return util::Bytes(s.begin(), s.end()); }

TEST(UtMetadata, EncodesAsBep9Shows) {
    MetadataMessage request;
    request.piece = 0;
    EXPECT_EQ(EncodeMetadataMessage(request), B("d8:msg_typei0e5:piecei0ee"));
    MetadataMessage data;
    data.type = MetadataMessageType::Data;
    data.piece = 1;
    data.total_size = 16390;
    data.data = B("abcdef");
    EXPECT_EQ(EncodeMetadataMessage(data), B("d8:msg_typei1e5:piecei1e10:total_sizei16390eeabcdef"));
}

TEST(UtMetadata, DecodesDataWithItsTrailingBytes) {
    auto m = DecodeMetadataMessage(B("d8:msg_typei1e5:piecei0e10:total_sizei3ee" "xyz"));
    ASSERT_TRUE(m) << m.error();
    EXPECT_EQ(m->type, MetadataMessageType::Data);
    EXPECT_EQ(m->total_size, 3u);
    EXPECT_EQ(m->data, B("xyz"));
    auto reject = DecodeMetadataMessage(B("d8:msg_typei2e5:piecei4ee"));
    ASSERT_TRUE(reject);
    EXPECT_EQ(reject->type, MetadataMessageType::Reject);
    EXPECT_EQ(reject->piece, 4u);
}

TEST(UtMetadata, RefusesBombsAndJunk) {
    EXPECT_FALSE(DecodeMetadataMessage(B("d8:msg_typei1e5:piecei0e10:total_sizei999999999999ee")));  // size bomb
    EXPECT_FALSE(DecodeMetadataMessage(B("d8:msg_typei0e5:piecei99999999ee")));                      // piece far away
    EXPECT_FALSE(DecodeMetadataMessage(B("d8:msg_typei7e5:piecei0ee")));                             // unknown type
    EXPECT_FALSE(DecodeMetadataMessage(B("d5:piecei0ee")));                                          // no type
    EXPECT_FALSE(DecodeMetadataMessage(B("d8:msg_typei0e5:piecei0eeextra")));                        // junk after a request
    EXPECT_FALSE(DecodeMetadataMessage(B("d8:msg_typei1e5:piecei0ee")));                             // data without a size
    EXPECT_FALSE(DecodeMetadataMessage(B("li1ee")));
    EXPECT_FALSE(DecodeMetadataMessage(B("")));
    std::string big = "d8:msg_typei1e5:piecei0e10:total_sizei40000ee" + std::string(METADATA_PIECE_SIZE + 1, 'x');
    EXPECT_FALSE(DecodeMetadataMessage(B(big)));  // a piece bigger than a piece
}

TEST(UtMetadata, CountsPieces) {
    EXPECT_EQ(MetadataPieceCount(1), 1u);
    EXPECT_EQ(MetadataPieceCount(METADATA_PIECE_SIZE), 1u);
    EXPECT_EQ(MetadataPieceCount(METADATA_PIECE_SIZE + 1), 2u);
}

}  // namespace
}  // namespace tonari::torrent::peer

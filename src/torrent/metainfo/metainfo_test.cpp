// Metainfo: v1, v2 and hybrid info dictionaries built by hand, info-hashes over the raw
// bytes, path safety, every consistency rule, and the BEP 52 merkle helpers.
#include <gtest/gtest.h>

#include "crypto/hmac.h"
#include "crypto/sha256.h"
#include "torrent/metainfo/metainfo.h"

namespace tonari::torrent::metainfo {
namespace {

using bencode::Value;

std::string Pieces(size_t n) { return std::string(20 * n, '\x11'); }

Value V1Single(int64_t length, int64_t piece_length) {
    Value info = Value::Dict();
    info.Set("name", Value::Str("file.bin"));
    info.Set("length", Value::Int(length));
    info.Set("piece length", Value::Int(piece_length));
    info.Set("pieces", Value::Str(Pieces(static_cast<size_t>((length + piece_length - 1) / piece_length))));
    return info;
}

Value PathOf(std::initializer_list<const char*> parts) {
    Value p = Value::List();
    for (const char* s : parts) p.Push(Value::Str(s));
    return p;
}

Value FileEntryValue(int64_t length, Value path) {
    Value f = Value::Dict();
    f.Set("length", Value::Int(length));
    f.Set("path", std::move(path));
    return f;
}

MetainfoResult<Metainfo> ParseTorrent(const Value& info, Value top = Value::Dict()) {
    top.Set("info", info);
    const std::string bytes = bencode::Encode(top);
    return ParseTorrentFile(util::AsBytes(bytes));
}

MetainfoErrorCode CodeOf(const MetainfoResult<Metainfo>& r) {
    EXPECT_FALSE(r);
    return r ? MetainfoErrorCode::NotBencode : r.error().code;
}

TEST(Metainfo, V1SingleFile) {
    Value top = Value::Dict();
    top.Set("announce", Value::Str("http://127.0.0.1:6969/announce"));
    top.Set("comment", Value::Str("hello"));
    auto m = ParseTorrent(V1Single(100'000, 32768), top);
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_EQ(m->version, TorrentVersion::V1);
    EXPECT_TRUE(m->single_file);
    ASSERT_EQ(m->files.size(), 1u);
    EXPECT_EQ(m->files[0].JoinedPath(), "file.bin");
    EXPECT_EQ(m->PieceCount(), 4u);
    EXPECT_EQ(m->PieceSize(3), 100'000u - 3 * 32768);
    EXPECT_EQ(m->PieceSize(4), 0u);
    ASSERT_EQ(m->trackers.size(), 1u);
    EXPECT_EQ(m->trackers[0][0], "http://127.0.0.1:6969/announce");
    EXPECT_EQ(m->comment, "hello");
    EXPECT_FALSE(m->info_hashes.v2);
}

TEST(Metainfo, InfoHashIsOverTheRawBytes) {
    // Keys out of order inside info: a re-encoding would sort them and change the hash.
    const std::string info = "d6:lengthi5e4:name1:x6:pieces20:aaaaaaaaaaaaaaaaaaaa12:piece lengthi16384ee";
    const std::string file = "d4:info" + info + "e";
    auto m = ParseTorrentFile(util::AsBytes(file));
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_EQ(*m->info_hashes.v1, crypto::Sha1(util::AsBytes(info)));
    EXPECT_EQ(m->info_bytes, info);
    EXPECT_NE(bencode::Encode(*bencode::Decode(info)), info);
}

TEST(Metainfo, V1MultiFileWithPaddingAndAnnounceList) {
    Value info = Value::Dict();
    info.Set("name", Value::Str("folder"));
    info.Set("piece length", Value::Int(16384));
    Value files = Value::List();
    files.Push(FileEntryValue(10, PathOf({"a", "one.txt"})));
    Value pad = FileEntryValue(16374, PathOf({".pad", "16374"}));
    pad.Set("attr", Value::Str("p"));
    files.Push(pad);
    Value exe = FileEntryValue(20000, PathOf({"b.sh"}));
    exe.Set("attr", Value::Str("x"));
    files.Push(exe);
    info.Set("files", files);
    info.Set("pieces", Value::Str(Pieces(3)));
    Value top = Value::Dict();
    Value tiers = Value::List();
    Value t1 = Value::List();
    t1.Push(Value::Str("udp://127.0.0.1:1/announce"));
    t1.Push(Value::Str("http://127.0.0.1:2/announce"));
    tiers.Push(t1);
    tiers.Push(Value::List());  // empty tier dropped
    top.Set("announce-list", tiers);
    top.Set("announce", Value::Str("http://ignored/"));
    auto m = ParseTorrent(info, top);
    ASSERT_TRUE(m) << m.error().message;
    ASSERT_EQ(m->files.size(), 3u);
    EXPECT_EQ(m->files[0].JoinedPath(), "folder/a/one.txt");
    EXPECT_TRUE(m->files[1].pad);
    EXPECT_EQ(m->files[2].offset, 16384u);
    EXPECT_TRUE(m->files[2].executable);
    EXPECT_EQ(m->ContentSize(), 20010u);
    ASSERT_EQ(m->trackers.size(), 1u);
    EXPECT_EQ(m->trackers[0].size(), 2u);
}

TEST(Metainfo, RefusesUnsafePaths) {
    for (auto parts : {PathOf({"..", "..", "etc", "passwd"}), PathOf({"a", ".."}), PathOf({"/etc"}),
                       PathOf({"a\\..\\b"}), PathOf({"C:", "x"}), PathOf({""}), PathOf({})}) {
        Value info = Value::Dict();
        info.Set("name", Value::Str("n"));
        info.Set("piece length", Value::Int(16384));
        Value files = Value::List();
        files.Push(FileEntryValue(5, parts));
        info.Set("files", files);
        info.Set("pieces", Value::Str(Pieces(1)));
        EXPECT_EQ(CodeOf(ParseTorrent(info)), MetainfoErrorCode::UnsafePath) << bencode::Encode(parts);
    }
    Value bad_name = V1Single(5, 16384);
    bad_name.Set("name", Value::Str(".."));
    EXPECT_EQ(CodeOf(ParseTorrent(bad_name)), MetainfoErrorCode::UnsafePath);
}

TEST(Metainfo, RefusesCollidingPaths) {
    auto with_files = [](std::vector<Value> entries) {
        Value info = Value::Dict();
        info.Set("name", Value::Str("n"));
        info.Set("piece length", Value::Int(16384));
        Value files = Value::List();
        for (auto& e : entries) files.Push(e);
        info.Set("files", files);
        info.Set("pieces", Value::Str(Pieces(1)));
        return info;
    };
    EXPECT_EQ(CodeOf(ParseTorrent(with_files({FileEntryValue(1, PathOf({"a"})), FileEntryValue(1, PathOf({"a"}))}))),
              MetainfoErrorCode::UnsafePath);
    EXPECT_EQ(CodeOf(ParseTorrent(with_files({FileEntryValue(1, PathOf({"a"})), FileEntryValue(1, PathOf({"a", "b"}))}))),
              MetainfoErrorCode::UnsafePath);
}

TEST(Metainfo, SanitizesNames) {
    EXPECT_EQ(*SanitizePathComponent("con"), "con_");
    EXPECT_EQ(*SanitizePathComponent("LPT3.txt"), "LPT3_.txt");  // still a device name with "_" after
    EXPECT_FALSE(SanitizePathComponent(std::string(300, '\x80')));        // shortens to nothing
    EXPECT_EQ(*SanitizePathComponent("console"), "console");
    const std::string long_name = std::string(300, 'a') + ".mkv";
    const std::string shortened = *SanitizePathComponent(long_name);
    EXPECT_EQ(shortened.size(), MAX_NAME_BYTES);
    EXPECT_TRUE(shortened.ends_with(".mkv"));
    // A multi-byte character is never cut in half.
    std::string utf8;
    for (int i = 0; i < 200; ++i) utf8 += "\xc3\xa9";  // é
    const std::string cut = *SanitizePathComponent(utf8);
    EXPECT_LE(cut.size(), MAX_NAME_BYTES);
    EXPECT_EQ(cut.size() % 2, 0u);
    EXPECT_FALSE(SanitizePathComponent(std::string("a\0b", 3)));
}

TEST(Metainfo, RefusesInconsistentSizes) {
    Value wrong_count = V1Single(100'000, 32768);
    wrong_count.Set("pieces", Value::Str(Pieces(3)));
    EXPECT_EQ(CodeOf(ParseTorrent(wrong_count)), MetainfoErrorCode::Inconsistent);
    Value odd = V1Single(100, 32768);
    odd.Set("pieces", Value::Str("short"));
    EXPECT_EQ(CodeOf(ParseTorrent(odd)), MetainfoErrorCode::BadField);
    Value huge_piece = V1Single(100, 32768);
    huge_piece.Set("piece length", Value::Int(1ll << 40));
    EXPECT_EQ(CodeOf(ParseTorrent(huge_piece)), MetainfoErrorCode::TooLarge);
    Value negative = V1Single(100, 32768);
    negative.Set("length", Value::Int(-1));
    EXPECT_EQ(CodeOf(ParseTorrent(negative)), MetainfoErrorCode::BadField);
    Value empty = V1Single(0, 32768);
    EXPECT_EQ(CodeOf(ParseTorrent(empty)), MetainfoErrorCode::BadField);
    Value no_pieces = V1Single(100, 32768);
    no_pieces.Set("pieces", Value::Int(1));
    EXPECT_EQ(CodeOf(ParseTorrent(no_pieces)), MetainfoErrorCode::BadField);
    EXPECT_EQ(CodeOf(ParseTorrentFile(util::AsBytes(std::string("d4:infoi1ee")))), MetainfoErrorCode::MissingField);
    EXPECT_EQ(CodeOf(ParseTorrentFile(util::AsBytes(std::string("d4:info")))), MetainfoErrorCode::NotBencode);
}

// A v2 file tree of one folder with files of the given lengths; roots are made up, so the
// torrent is only well formed, not downloadable.
Value V2Info(const std::vector<std::pair<std::string, int64_t>>& files, int64_t piece_length) {
    Value info = Value::Dict();
    info.Set("name", Value::Str("v2"));
    info.Set("piece length", Value::Int(piece_length));
    info.Set("meta version", Value::Int(2));
    Value tree = Value::Dict();
    for (const auto& [name, len] : files) {
        Value leaf = Value::Dict();
        leaf.Set("length", Value::Int(len));
        if (len > 0) leaf.Set("pieces root", Value::Str(std::string(32, static_cast<char>(name[0]))));
        Value node = Value::Dict();
        node.Set("", leaf);
        tree.Set(name, node);
    }
    info.Set("file tree", tree);
    return info;
}

TEST(Metainfo, V2FileTreeAlignsFiles) {
    auto m = ParseTorrent(V2Info({{"b", 20000}, {"a", 100}, {"c", 0}, {"d", 5}}, 16384));
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_EQ(m->version, TorrentVersion::V2);
    ASSERT_EQ(m->files.size(), 4u);
    EXPECT_EQ(m->files[0].JoinedPath(), "v2/a");  // sorted
    EXPECT_EQ(m->files[1].offset, 16384u);
    EXPECT_EQ(m->files[2].JoinedPath(), "v2/c");
    EXPECT_FALSE(m->files[2].pieces_root);
    EXPECT_EQ(m->files[3].offset, 3 * 16384u);
    EXPECT_EQ(m->PieceCount(), 4u);

    EXPECT_EQ(CodeOf(ParseTorrent(V2Info({{"a", 100}}, 20000))), MetainfoErrorCode::BadField);  // not a power of 2
    Value no_root = V2Info({{"a", 100}}, 16384);
    no_root.Find("file tree")->Find("a")->Find("")->Set("pieces root", Value::Str("short"));
    EXPECT_EQ(CodeOf(ParseTorrent(no_root)), MetainfoErrorCode::MissingField);
    Value bad_version = V2Info({{"a", 100}}, 16384);
    bad_version.Set("meta version", Value::Int(3));
    EXPECT_EQ(CodeOf(ParseTorrent(bad_version)), MetainfoErrorCode::BadField);
    Value dotdot = V2Info({{"..", 100}}, 16384);
    EXPECT_EQ(CodeOf(ParseTorrent(dotdot)), MetainfoErrorCode::UnsafePath);
    // Keys out of order inside "file tree" would make clients disagree on the piece layout.
    const std::string unsorted = "d4:infod9:file treed1:bd0:d6:lengthi1e11:pieces root32:" + std::string(32, 'b') +
                                 "ee1:ad0:d6:lengthi1e11:pieces root32:" + std::string(32, 'a') +
                                 "eee12:meta versioni2e4:name1:n12:piece lengthi16384eee";
    EXPECT_EQ(CodeOf(ParseTorrentFile(util::AsBytes(unsorted))), MetainfoErrorCode::BadField);
    Value zero_root = V2Info({{"a", 100}}, 16384);
    zero_root.Find("file tree")->Find("a")->Find("")->Set("pieces root", Value::Str(std::string(32, '\0')));
    EXPECT_EQ(CodeOf(ParseTorrent(zero_root)), MetainfoErrorCode::BadField);
}

TEST(Metainfo, PieceLayersAreChecked) {
    // One file of 3 pieces of 16 KiB (one block each): its leaves are its piece layer.
    std::vector<Sha256Hash> leaves;
    for (int i = 0; i < 3; ++i) leaves.push_back(crypto::Sha256Hash(util::AsBytes(std::string(1, char('a' + i)))));
    const Sha256Hash root = RootFromLeaves(leaves);
    Value info = V2Info({{"f", 3 * 16384}}, 16384);
    info.Find("file tree")->Find("f")->Find("")->Set("pieces root", Value::Str(util::ByteSpan(root.data(), 32)));
    std::string layer;
    for (const auto& h : leaves) layer.append(reinterpret_cast<const char*>(h.data()), 32);
    Value top = Value::Dict();
    Value layers = Value::Dict();
    layers.Set(std::string(reinterpret_cast<const char*>(root.data()), 32), Value::Str(layer));
    top.Set("piece layers", layers);
    auto m = ParseTorrent(info, top);
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_EQ(m->piece_layers.at(root).size(), 3u);

    layer[0] ^= 1;
    layers.Set(std::string(reinterpret_cast<const char*>(root.data()), 32), Value::Str(layer));
    top.Set("piece layers", layers);
    EXPECT_EQ(CodeOf(ParseTorrent(info, top)), MetainfoErrorCode::Inconsistent);
}

TEST(Metainfo, BoundsPathsAndPieces) {
    Value long_path = Value::List();
    for (size_t i = 0; i <= MAX_PATH_COMPONENTS; ++i) long_path.Push(Value::Str("a"));
    Value info = Value::Dict();
    info.Set("name", Value::Str("n"));
    info.Set("piece length", Value::Int(16384));
    Value files = Value::List();
    files.Push(FileEntryValue(5, long_path));
    info.Set("files", files);
    info.Set("pieces", Value::Str(Pieces(1)));
    EXPECT_EQ(CodeOf(ParseTorrent(info)), MetainfoErrorCode::TooLarge);

    // A petabyte in 16 KiB pieces from a few hundred bytes of v2 metadata.
    Value huge = V2Info({{"f", 1ll << 50}}, 16384);
    EXPECT_EQ(CodeOf(ParseTorrent(huge)), MetainfoErrorCode::TooLarge);
}

TEST(Merkle, PieceLayerAndLeavesGiveTheSameRoot) {
    for (size_t blocks : {1u, 2u, 3u, 5u, 8u, 17u, 64u, 100u}) {
        std::vector<Sha256Hash> leaves(blocks);
        for (size_t i = 0; i < blocks; ++i) leaves[i] = crypto::Sha256Hash(util::AsBytes(std::to_string(i)));
        for (uint64_t per_piece : {1u, 2u, 4u, 16u}) {
            if (blocks <= per_piece) continue;  // files of one piece have no layer
            EXPECT_EQ(RootFromPieceLayer(PieceLayerFromLeaves(leaves, per_piece), per_piece), RootFromLeaves(leaves))
                << blocks << " blocks, " << per_piece << " per piece";
        }
    }
    // Two leaves: the root is their pair hash; one leaf is its own root.
    const Sha256Hash a = crypto::Sha256Hash(util::AsBytes(std::string("a")));
    const Sha256Hash b = crypto::Sha256Hash(util::AsBytes(std::string("b")));
    std::string ab(reinterpret_cast<const char*>(a.data()), 32);
    ab.append(reinterpret_cast<const char*>(b.data()), 32);
    EXPECT_EQ(RootFromLeaves({a, b}), crypto::Sha256Hash(util::AsBytes(ab)));
    EXPECT_EQ(RootFromLeaves({a}), a);
    // Three leaves pad with a zero hash.
    const Sha256Hash zero{};
    std::string c0(reinterpret_cast<const char*>(a.data()), 32);
    c0.append(32, '\0');
    const Sha256Hash right = crypto::Sha256Hash(util::AsBytes(c0));
    std::string top(reinterpret_cast<const char*>(RootFromLeaves({a, b}).data()), 32);
    top.append(reinterpret_cast<const char*>(right.data()), 32);
    EXPECT_EQ(RootFromLeaves({a, b, a}), crypto::Sha256Hash(util::AsBytes(top)));
    EXPECT_EQ(ZeroSubtreeHash(0), zero);
}

}  // namespace
}  // namespace tonari::torrent::metainfo

// BIP39: the English wordlist against the official file's hash, the Trezor reference vectors
// (entropy <-> mnemonic, seed with passphrase "TREZOR", BIP32 root key), and every rejection.
#include <gtest/gtest.h>

#include <iostream>
#include <set>

#include "bitcoin/encoding/bip32.h"
#include "bitcoin/wallet/bip39.h"
#include "crypto/sha256.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::bitcoin::wallet {
namespace {

TEST(Bip39, WordlistIsTheOfficialFile) {
    const auto& words = Bip39EnglishWords();
    std::string file;
    std::set<std::string_view> prefixes;
    for (std::string_view w : words) {
        file.append(w);
        file.push_back('\n');
        prefixes.insert(w.substr(0, 4));
    }
    // SHA-256 of bitcoin/bips bip-0039/english.txt.
    EXPECT_EQ(util::HexEncode(crypto::Sha256Hash(util::AsBytes(file))),
              "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda");
    EXPECT_TRUE(std::is_sorted(words.begin(), words.end()));
    EXPECT_EQ(prefixes.size(), BIP39_WORDLIST_SIZE);  // the first four letters identify a word
    EXPECT_EQ(Bip39WordIndex("abandon"), 0);
    EXPECT_EQ(Bip39WordIndex("zoo"), 2047);
    EXPECT_EQ(Bip39WordIndex("satoshi"), 1531);
    EXPECT_FALSE(Bip39WordIndex("Abandon").has_value());
    EXPECT_FALSE(Bip39WordIndex("aban").has_value());
    EXPECT_FALSE(Bip39WordIndex("").has_value());
}

TEST(Bip39, TrezorVectors) {
    const auto json = test::ReadTestJson("bips/bip39_vectors.json").as_object();
    size_t cases = 0;
    for (const auto& row : json.at("english").as_array()) {
        const auto& v = row.as_array();
        ASSERT_EQ(v.size(), 4u);
        const util::Bytes entropy = test::ParseHexOrFail(v[0].as_string());
        const std::string mnemonic(v[1].as_string());
        const std::string seed_hex(v[2].as_string());
        const std::string xprv(v[3].as_string());

        auto made = MnemonicFromEntropy(entropy);
        ASSERT_TRUE(made.has_value());
        EXPECT_EQ(*made, mnemonic);
        auto back = EntropyFromMnemonic(mnemonic);
        ASSERT_TRUE(back.has_value()) << mnemonic;
        EXPECT_EQ(*back, entropy);
        EXPECT_TRUE(ValidateMnemonic(mnemonic).has_value());

        auto seed = MnemonicToSeed(mnemonic, "TREZOR");
        ASSERT_TRUE(seed.has_value());
        EXPECT_EQ(util::HexEncode(*seed), seed_hex) << mnemonic;
        const auto master = encoding::ExtKey::FromSeed(*seed);
        ASSERT_TRUE(master.has_value());
        EXPECT_EQ(master->Encode(encoding::Network::Main), xprv);
        ++cases;
    }
    std::cout << "[vectors] bip39_vectors.json: " << cases << " cases passed\n";
    EXPECT_EQ(cases, 24u);
}

TEST(Bip39, EntropyLengthsAreChecked) {
    for (size_t n : {0, 4, 12, 15, 17, 20, 28, 33, 36, 64}) {
        const util::Bytes entropy(n, 0x11);
        const bool valid = n >= 16 && n <= 32 && n % 4 == 0;
        auto m = MnemonicFromEntropy(entropy);
        EXPECT_EQ(m.has_value(), valid) << n;
        if (!valid) {
            EXPECT_EQ(m.error(), Bip39Error::BadEntropyLength);
        } else {
            EXPECT_EQ(std::count(m->begin(), m->end(), ' ') + 1, static_cast<long>(n * 3 / 4)) << n;
        }
    }
}

TEST(Bip39, RejectsWrongWordCountUnknownWordsAndBadChecksum) {
    const std::string eleven =
        "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
    EXPECT_EQ(ValidateMnemonic(eleven).error(), Bip39Error::WrongWordCount);
    EXPECT_EQ(ValidateMnemonic("").error(), Bip39Error::WrongWordCount);
    EXPECT_EQ(ValidateMnemonic(eleven + " abandon abandon").error(), Bip39Error::WrongWordCount);  // 13
    // 12 known words whose last word carries the wrong checksum.
    EXPECT_EQ(ValidateMnemonic(eleven.substr(0, eleven.rfind(' ')) + " abandon abandon").error(),
              Bip39Error::BadChecksum);
    // Swapping two words keeps every word valid but breaks the checksum.
    EXPECT_EQ(ValidateMnemonic("legal winner thank year wave sausage worth useful legal winner yellow thank")
                  .error(),
              Bip39Error::BadChecksum);
    EXPECT_EQ(
        ValidateMnemonic("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
                         "abandon bitcoin")
            .error(),
        Bip39Error::UnknownWord);
    // Case matters: the list is lower case and BIP39 does not fold case.
    EXPECT_EQ(
        ValidateMnemonic("Abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
                         "abandon about")
            .error(),
        Bip39Error::UnknownWord);
    EXPECT_EQ(ValidateMnemonic(std::string(MAX_MNEMONIC_CHARS + 1, 'a')).error(), Bip39Error::WrongWordCount);
    EXPECT_EQ(
        ValidateMnemonic("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
                         "abandon \xc3\xa1\x62out")
            .error(),
        Bip39Error::NonAsciiMnemonic);
}

TEST(Bip39, WhitespaceIsNormalizedBeforeHashing) {
    const std::string clean = "legal winner thank year wave sausage worth useful legal winner thank yellow";
    const std::string messy =
        "  legal\twinner  thank year\nwave sausage worth useful legal winner thank   yellow\r\n";
    EXPECT_EQ(NormalizeMnemonic(messy), clean);
    EXPECT_TRUE(ValidateMnemonic(messy).has_value());
    EXPECT_EQ(*MnemonicToSeed(messy, "TREZOR"), *MnemonicToSeed(clean, "TREZOR"));
    // The passphrase is part of the seed; its spaces are not normalized.
    EXPECT_NE(*MnemonicToSeed(clean, "TREZOR"), *MnemonicToSeed(clean, "TREZOR "));
    EXPECT_NE(*MnemonicToSeed(clean, ""), *MnemonicToSeed(clean, "TREZOR"));
}

TEST(Bip39, NonAsciiPassphraseIsRefused) {
    const std::string m =
        "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
    // "pässword": NFKD would decompose the a-umlaut; refusing beats hashing it unnormalized.
    auto seed = MnemonicToSeed(m, "p\xc3\xa4ssword");
    ASSERT_FALSE(seed.has_value());
    EXPECT_EQ(seed.error(), Bip39Error::NonAsciiPassphrase);
    EXPECT_EQ(MnemonicToSeed(m, std::string(MAX_BIP39_PASSPHRASE_CHARS + 1, 'x')).error(),
              Bip39Error::PassphraseTooLong);
    EXPECT_TRUE(MnemonicToSeed(m, std::string(MAX_BIP39_PASSPHRASE_CHARS, 'x')).has_value());
    EXPECT_FALSE(Bip39ErrorName(Bip39Error::NonAsciiPassphrase).empty());
}

}  // namespace
}  // namespace tonari::bitcoin::wallet

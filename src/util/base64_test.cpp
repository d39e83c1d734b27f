// Strict base64: RFC 4648's vectors, every byte value round-tripped, and the encodings the
// decoder must refuse.
#include "util/base64.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace tonari::util {
namespace {

TEST(Base64, Rfc4648Vectors) {
    const std::pair<const char*, const char*> cases[] = {
        {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
    };
    size_t checked = 0;
    for (const auto& [plain, encoded] : cases) {
        EXPECT_EQ(EncodeBase64(std::string_view(plain)), encoded);
        EXPECT_EQ(DecodeBase64(encoded), std::optional<std::string>(plain));
        ++checked;
    }
    std::cout << "[vectors] RFC 4648 section 10 base64: " << checked << " cases passed\n";
    EXPECT_EQ(checked, 7u);
    // Every byte value survives.
    std::string all;
    for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
    EXPECT_EQ(DecodeBase64(EncodeBase64(std::string_view(all))), all);
}

TEST(Base64, DecodingIsStrict) {
    for (const char* bad : {"Zg=", "Zg", "Z", "Zh==", "Zm9=", "Zm9v\n", " Zm9v", "Zm9v Zm9v", "Z===", "====",
                            "Zm=v", "Zg==Zg==", "Zm9-", "Zm9_", "Zm9v====", "\xff\xff\xff\xff"}) {
        EXPECT_EQ(DecodeBase64(bad), std::nullopt) << bad;
    }
}

}  // namespace
}  // namespace tonari::util

// Profile and key files.
#include "tox/profile/profile_file.h"

#include <system_error>

#include "storage/whole_file.h"

namespace tonari::tox::profile {
namespace {

constexpr size_t KEY_FILE_SIZE = 2 * crypto::BOX_KEY_SIZE;

util::Result<void, std::string> WritePrivate(const std::filesystem::path& path, util::ByteSpan bytes) {
    std::error_code ec;
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
    const std::string error =
        storage::ReplaceFile(path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), 0600);
    if (!error.empty()) return util::Fail("cannot write " + path.string() + ": " + error);
    return {};
}

}  // namespace

util::Result<Profile, std::string> LoadProfile(const std::filesystem::path& path) {
    auto bytes = storage::ReadSmallFile(path, MAX_STATE_SIZE);
    if (!bytes) return util::Fail("cannot read the profile " + path.string() + " (missing, unreadable or over 16 MiB)");
    auto profile = DecodeState(util::ByteSpan(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size()));
    if (!profile) return util::Fail(path.string() + ": " + profile.error());
    return profile;
}

util::Result<LoadedProfile, std::string> LoadOrCreateProfile(const std::filesystem::path& path) {
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) {
        auto profile = LoadProfile(path);
        if (!profile) return util::Fail(profile.error());
        return LoadedProfile{std::move(*profile), false};
    }
    Profile fresh = NewProfile();
    if (auto saved = SaveProfile(path, fresh); !saved) return util::Fail(saved.error());
    return LoadedProfile{std::move(fresh), true};
}

util::Result<void, std::string> SaveProfile(const std::filesystem::path& path, const Profile& profile) {
    return WritePrivate(path, EncodeState(profile));
}

util::Result<crypto::BoxKeyPair, std::string> LoadOrCreateKeyFile(const std::filesystem::path& path) {
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) {
        auto bytes = storage::ReadSmallFile(path, KEY_FILE_SIZE);
        if (!bytes || bytes->size() != KEY_FILE_SIZE) {
            return util::Fail(path.string() + " is not a key file (64 bytes: public key, secret key)");
        }
        const util::ByteSpan span(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size());
        crypto::BoxKeyPair keys{*crypto::BoxPublicKey::FromBytes(span.first(crypto::BOX_KEY_SIZE)),
                                *crypto::BoxSecretKey::FromBytes(span.subspan(crypto::BOX_KEY_SIZE))};
        if (crypto::BoxPublicKeyOf(keys.secret_key) != keys.public_key) {
            return util::Fail(path.string() + ": the public key does not belong to the secret key");
        }
        return keys;
    }
    const crypto::BoxKeyPair keys = crypto::BoxGenerateKeyPair();
    util::Bytes bytes(keys.public_key.begin(), keys.public_key.end());
    bytes.insert(bytes.end(), keys.secret_key.begin(), keys.secret_key.end());
    if (auto written = WritePrivate(path, bytes); !written) return util::Fail(written.error());
    return keys;
}

}  // namespace tonari::tox::profile

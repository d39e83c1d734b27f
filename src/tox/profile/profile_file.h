// A profile on disk: loaded, or made on first use, and saved atomically (a crash mid-save
// leaves the old file or the new one) with owner-only permissions, since it holds the secret
// key. Also the bootstrap node's key file, which is tox-bootstrapd's: the public key then the
// secret key, 64 bytes.
#pragma once

#include <filesystem>

#include "tox/profile/state_format.h"

namespace tonari::tox::profile {

struct LoadedProfile {
    Profile profile;
    bool created = false;
};

util::Result<LoadedProfile, std::string> LoadOrCreateProfile(const std::filesystem::path& path);
util::Result<Profile, std::string> LoadProfile(const std::filesystem::path& path);
util::Result<void, std::string> SaveProfile(const std::filesystem::path& path, const Profile& profile);

util::Result<crypto::BoxKeyPair, std::string> LoadOrCreateKeyFile(const std::filesystem::path& path);

}  // namespace tonari::tox::profile

// TestTempDir: a uniquely named directory under the system temp dir, removed (with everything
// in it) when the object dies. Test-only; included by the storage *_test.cpp files.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <random>
#include <string>
#include <system_error>

namespace tonari::storage::test {

class TestTempDir {
public:
    TestTempDir() {
        static std::atomic<unsigned> counter{0};
        std::random_device rd;
        const std::string name = "tonari_storage_" + std::to_string(::getpid()) + "_" +
                                 std::to_string(counter++) + "_" + std::to_string(rd());
        m_path = std::filesystem::temp_directory_path() / name;
        std::error_code ec;
        std::filesystem::create_directories(m_path, ec);
    }
    ~TestTempDir() {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    TestTempDir(const TestTempDir&) = delete;
    TestTempDir& operator=(const TestTempDir&) = delete;

    const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

}  // namespace tonari::storage::test

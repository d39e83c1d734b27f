// Logger: line formatting, category filter, and the startup trim of a large debug.log.
#include "app/logger.h"

#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>
#include <vector>

namespace tonari::app {
namespace {

// Keeps the last part of a log that grew too large (as Bitcoin Core's ShrinkDebugFile).
void TrimLog(const std::filesystem::path& file) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (ec || size <= MAX_LOG_FILE_BYTES + MAX_LOG_FILE_BYTES / 10) return;
    std::vector<char> tail(MAX_LOG_FILE_BYTES);
    {
        std::ifstream in(file, std::ios::binary);
        in.seekg(static_cast<std::streamoff>(size - tail.size()));
        in.read(tail.data(), static_cast<std::streamsize>(tail.size()));
        tail.resize(static_cast<size_t>(in.gcount()));
    }
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(tail.data(), static_cast<std::streamsize>(tail.size()));
}

std::string Timestamp() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace

Logger::Logger(const std::filesystem::path& file, bool console, std::set<std::string> categories)
    : m_console(console), m_categories(std::move(categories)) {
    if (!file.empty()) {
        TrimLog(file);
        m_file = std::fopen(file.c_str(), "a");
    }
}

Logger::~Logger() {
    if (m_file) std::fclose(m_file);
}

bool Logger::Enabled(std::string_view category) const {
    return m_categories.contains(std::string(category)) || m_categories.contains("1") || m_categories.contains("all");
}

void Logger::Info(std::string_view message) { Write(message); }

void Logger::Error(std::string_view message) {
    Write(message);
    if (!m_console) std::cerr << message << "\n";
}

void Logger::Debug(std::string_view category, std::string_view message) {
    if (!Enabled(category)) return;
    Write("[" + std::string(category) + "] " + std::string(message));
}

void Logger::Write(std::string_view message) {
    const std::string line = Timestamp() + " " + std::string(message) + "\n";
    std::lock_guard lock(m_mutex);
    if (m_file) {
        std::fwrite(line.data(), 1, line.size(), m_file);
        std::fflush(m_file);
    }
    if (m_console) std::cerr << line << std::flush;
}

}  // namespace tonari::app

// Logger: timestamped lines to debug.log in the network's data folder and, with
// -printtoconsole, to standard error; -debug=<category> lines only when that category (or
// "1"/"all") is enabled. Startup trims a debug.log that grew past MAX_LOG_FILE_BYTES to its
// last part, so the log cannot fill a disk over months of running.
// Thread-safety: every method may be called from any thread.
#pragma once

#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

namespace tonari::app {

inline constexpr size_t MAX_LOG_FILE_BYTES = 10 * 1024 * 1024;

class Logger {
public:
    // file empty: no file. Categories as given to -debug ("rpc", "1", "all", ...).
    Logger(const std::filesystem::path& file, bool console, std::set<std::string> categories);
    ~Logger();
    Logger(const Logger&) = delete;
    Logger& operator=(const Logger&) = delete;

    void Info(std::string_view message);
    // A fatal error: logged, and also written to stderr when the console is off, so that a
    // node that refuses to start always says why where its caller can see it (Core's InitError).
    void Error(std::string_view message);
    void Debug(std::string_view category, std::string_view message);
    bool Enabled(std::string_view category) const;

private:
    void Write(std::string_view line);

    std::mutex m_mutex;
    std::FILE* m_file = nullptr;
    bool m_console;
    std::set<std::string> m_categories;
};

}  // namespace tonari::app

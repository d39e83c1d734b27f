// ProgressLine: the live status line of a long command (hashing, downloading). On a terminal
// it redraws one line in place at most a few times a second; otherwise (a pipe, a log file,
// a test) it writes a plain line at most every few seconds, so logs stay readable and small.
// Thread-safe: Update may be called from any thread.
#pragma once

#include <chrono>
#include <mutex>
#include <ostream>
#include <string>

namespace tonari::app {

class ProgressLine {
public:
    // `interactive`: whether `out` is a terminal (isatty of its file descriptor).
    ProgressLine(std::ostream& out, bool interactive);
    // Shows `text` if enough time has passed since the last line (always when `force`).
    void Update(const std::string& text, bool force = false);
    // Ends the line: a final text on its own line.
    void Finish(const std::string& text);

private:
    std::ostream& m_out;
    const bool m_interactive;
    std::mutex m_mutex;
    std::chrono::steady_clock::time_point m_last{};
    size_t m_width = 0;
};

// "12.3 MiB", "1.20 GiB": sizes for people.
std::string FormatBytes(double bytes);

}  // namespace tonari::app

// Terminal and plain-line progress output.
#include "app/progress_line.h"

#include <cstdio>

namespace tonari::app {

namespace {
constexpr auto TERMINAL_INTERVAL = std::chrono::milliseconds(200);
constexpr auto PLAIN_INTERVAL = std::chrono::seconds(5);
}  // namespace

ProgressLine::ProgressLine(std::ostream& out, bool interactive) : m_out(out), m_interactive(interactive) {}

void ProgressLine::Update(const std::string& text, bool force) {
    std::lock_guard lock(m_mutex);
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - m_last < (m_interactive ? TERMINAL_INTERVAL : PLAIN_INTERVAL)) return;
    m_last = now;
    if (m_interactive) {
        // Pad over the remains of a longer previous line.
        m_out << '\r' << text << std::string(m_width > text.size() ? m_width - text.size() : 0, ' ') << std::flush;
        m_width = text.size();
    } else {
        m_out << text << '\n' << std::flush;
    }
}

void ProgressLine::Finish(const std::string& text) {
    std::lock_guard lock(m_mutex);
    if (m_interactive && m_width > 0) m_out << '\r' << std::string(m_width, ' ') << '\r';
    m_out << text << '\n' << std::flush;
    m_width = 0;
}

std::string FormatBytes(double bytes) {
    static constexpr const char* UNITS[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    size_t unit = 0;
    while (bytes >= 1024 && unit + 1 < std::size(UNITS)) {
        bytes /= 1024;
        ++unit;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, unit == 0 ? "%.0f %s" : "%.2f %s", bytes, UNITS[unit]);
    return buf;
}

}  // namespace tonari::app

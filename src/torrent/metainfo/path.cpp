// Path safety for names that come from a .torrent file: a hostile torrent must not be able
// to write outside the download folder or onto a device name.
#include <algorithm>
#include <array>
#include <cctype>

#include "torrent/metainfo/metainfo.h"

namespace tonari::torrent::metainfo {

namespace {

// Windows device names, refused there with any extension; renamed here so a torrent made on
// one system downloads the same everywhere.
bool IsReservedName(std::string_view name) {
    std::string stem(name.substr(0, name.find('.')));
    std::transform(stem.begin(), stem.end(), stem.begin(), [](unsigned char c) { return std::toupper(c); });
    static constexpr std::array<std::string_view, 4> plain{"CON", "PRN", "AUX", "NUL"};
    if (std::find(plain.begin(), plain.end(), stem) != plain.end()) return true;
    return stem.size() == 4 && (stem.starts_with("COM") || stem.starts_with("LPT")) && stem[3] >= '1' &&
           stem[3] <= '9';
}

// Shortens to MAX_NAME_BYTES, keeping a short extension, without splitting a UTF-8 sequence.
std::string Shorten(std::string_view name) {
    std::string_view ext;
    const size_t dot = name.rfind('.');
    if (dot != std::string_view::npos && dot > 0 && name.size() - dot <= 16) ext = name.substr(dot);
    size_t keep = MAX_NAME_BYTES - ext.size();
    while (keep > 0 && (static_cast<unsigned char>(name[keep]) & 0xC0) == 0x80) --keep;
    return std::string(name.substr(0, keep)) + std::string(ext);
}

}  // namespace

MetainfoResult<std::string> SanitizePathComponent(std::string_view c) {
    auto unsafe = [&](const char* why) {
        return util::Fail(MetainfoError{MetainfoErrorCode::UnsafePath,
                                        std::string("unsafe path component '") + std::string(c.substr(0, 64)) +
                                            "': " + why});
    };
    if (c.empty()) return unsafe("empty");
    if (c == "." || c == "..") return unsafe("refers to a parent or the current folder");
    if (c.find('/') != std::string_view::npos || c.find('\\') != std::string_view::npos) {
        return unsafe("contains a path separator");
    }
    if (c.find('\0') != std::string_view::npos) return unsafe("contains a NUL byte");
    if (c.size() >= 2 && std::isalpha(static_cast<unsigned char>(c[0])) && c[1] == ':') {
        return unsafe("is a drive path");
    }
    std::string out(c);
    if (out.size() > MAX_NAME_BYTES) {
        out = Shorten(out);
        // Shortening can leave nothing usable (a name of continuation bytes, or of dots).
        if (out.empty() || out == "." || out == "..") return unsafe("over-long and nothing usable when shortened");
    }
    if (IsReservedName(out)) out.insert(std::min(out.find('.'), out.size()), "_");
    return out;
}

std::string FileEntry::JoinedPath() const {
    std::string out;
    for (const auto& p : path) {
        if (!out.empty()) out += '/';
        out += p;
    }
    return out;
}

}  // namespace tonari::torrent::metainfo

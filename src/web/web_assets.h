// The dashboard's page and assets, compiled into the binary from src/web/assets/ by
// tools/embed_assets.py (a generated web_assets.cpp), so the node serves them with nothing to
// install and nothing fetched at run time.
#pragma once

#include <string_view>

namespace tonari::web {

struct Asset {
    std::string_view path;          // "/index.html"
    std::string_view content_type;  // "text/html; charset=utf-8"
    std::string_view body;
};

// The asset at `path`, or nullptr.
const Asset* FindAsset(std::string_view path);

}  // namespace tonari::web

// Reading of the test vector files for unit tests.
#include "test_data.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <fstream>
#include <sstream>

#include "util/hex.h"

namespace tonari::test {

std::filesystem::path TestDataPath(std::string_view relative) {
    return std::filesystem::path(TONARI_TEST_DATA_DIR) / std::string(relative);
}

std::string ReadTestFile(std::string_view relative) {
    std::ifstream in(TestDataPath(relative), std::ios::binary);
    if (!in) {
        ADD_FAILURE() << "cannot open test data file " << TestDataPath(relative);
        return {};
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

util::Bytes ReadTestFileBytes(std::string_view relative) {
    const std::string s = ReadTestFile(relative);
    return util::Bytes(s.begin(), s.end());
}

boost::json::value ReadTestJson(std::string_view relative) {
    boost::json::error_code ec;
    auto v = boost::json::parse(ReadTestFile(relative), ec);
    if (ec) ADD_FAILURE() << "bad JSON in " << relative << ": " << ec.message();
    return v;
}

std::vector<std::vector<std::string>> ReadTestCsv(std::string_view relative) {
    std::vector<std::vector<std::string>> rows;
    std::istringstream in(ReadTestFile(relative));
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        std::vector<std::string> cells;
        size_t start = 0;
        while (true) {
            const size_t comma = line.find(',', start);
            cells.push_back(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
        rows.push_back(std::move(cells));
    }
    return rows;
}

std::vector<util::Bytes> ReadTestHexLines(std::string_view relative) {
    std::vector<util::Bytes> out;
    const std::string text = ReadTestFile(relative);
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string_view line(text.data() + start, end - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (!line.empty()) out.push_back(ParseHexOrFail(line));
        start = end + 1;
    }
    return out;
}

util::Bytes ParseHexOrFail(std::string_view hex) {
    auto b = util::HexDecode(hex);
    if (!b) {
        ADD_FAILURE() << "malformed hex in test data: " << hex.substr(0, 80);
        return {};
    }
    return *b;
}

}  // namespace tonari::test

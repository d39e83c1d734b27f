// Access to the vector files copied into test/data (see test/data/PROVENANCE.md).
// Test-only; the node never reads test/data at run time.
#pragma once

#include <boost/json/value.hpp>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "util/bytes.h"

namespace tonari::test {

std::filesystem::path TestDataPath(std::string_view relative);

// Whole file as text / bytes; fails the calling test (ADD_FAILURE) and returns empty if absent.
std::string ReadTestFile(std::string_view relative);
util::Bytes ReadTestFileBytes(std::string_view relative);

// Parses a JSON vector file.
boost::json::value ReadTestJson(std::string_view relative);

// Lines of a CSV file split on commas (no quoting is used by the vector files), header row
// included.
std::vector<std::vector<std::string>> ReadTestCsv(std::string_view relative);

// The non-empty lines of a file of hex strings (e.g. blocks/regtest_block_data.txt), decoded;
// fails the calling test on malformed hex.
std::vector<util::Bytes> ReadTestHexLines(std::string_view relative);

// Hex string -> bytes; fails the calling test on malformed hex.
util::Bytes ParseHexOrFail(std::string_view hex);

}  // namespace tonari::test

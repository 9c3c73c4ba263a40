// SPDX-License-Identifier: MIT
// Reading merchant files safely: a size limit, byte-order marks, and Windows-1252 files saved by spreadsheet tools.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace cartcore::import {

struct DecodedText {
  std::string utf8;
  /** Set when some bytes were not UTF-8 and were read as Windows-1252: the line of the first such byte. */
  std::optional<std::size_t> windows1252Line;
  std::size_t windows1252Bytes = 0;
};

/** Reads a whole file of at most maxBytes; throws ImportError naming the file when it is missing or too big. */
std::string readFileLimited(const std::string& path, std::size_t maxBytes);

/**
 * UTF-8 text from a file's bytes: a UTF-8 byte-order mark is dropped; UTF-16 or UTF-32 (by their marks) is an
 * ImportError asking for UTF-8; bytes that are not valid UTF-8 are read as Windows-1252, the usual encoding of a CSV
 * re-saved by a spreadsheet on Windows (valid UTF-8 around them is kept).
 */
DecodedText decodeText(std::string bytes, const std::string& source);

}  // namespace cartcore::import

// SPDX-License-Identifier: MIT
#include "text_input.hpp"

#include <cstdint>
#include <fstream>
#include <string_view>

#include "import_report.hpp"

namespace cartcore::import {

namespace {

/** The length of the valid UTF-8 sequence at `at`, or 0 (overlongs, surrogates and > U+10FFFF are invalid). */
std::size_t utf8SequenceLength(std::string_view s, std::size_t at) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = byte(at);
  if (c < 0x80) return 1;
  std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
  if (len == 0 || c > 0xF4 || at + len > s.size()) return 0;
  for (std::size_t i = 1; i < len; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) return 0;
  }
  unsigned char next = byte(at + 1);
  if (c == 0xE0 && next < 0xA0) return 0;   // overlong
  if (c == 0xED && next >= 0xA0) return 0;  // UTF-16 surrogate
  if (c == 0xF0 && next < 0x90) return 0;   // overlong
  if (c == 0xF4 && next >= 0x90) return 0;  // above U+10FFFF
  return len;
}

void appendCodePoint(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Windows-1252 bytes 0x80-0x9F (https://www.unicode.org/Public/MAPPINGS/VENDORS/MICSFT/WINDOWS/CP1252.TXT); the five
// undefined bytes become U+FFFD. Bytes 0xA0-0xFF are the Latin-1 code points of the same value.
constexpr uint32_t kWindows1252High[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
    0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

}  // namespace

std::string readFileLimited(const std::string& path, std::size_t maxBytes) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw ImportError(path + ": cannot be read (missing, or no permission)");
  auto size = static_cast<std::size_t>(in.tellg());
  if (size > maxBytes) {
    throw ImportError(path + ": " + std::to_string(size) + " bytes is more than the import limit of " + std::to_string(maxBytes) +
                      " bytes; split the export (e.g. by category) and import the parts into separate configs");
  }
  in.seekg(0);
  std::string bytes(size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (!in) throw ImportError(path + ": reading failed");
  return bytes;
}

DecodedText decodeText(std::string bytes, const std::string& source) {
  auto startsWith = [&](std::string_view mark) { return std::string_view(bytes).substr(0, mark.size()) == mark; };
  if (startsWith("\xFF\xFE") || startsWith("\xFE\xFF") || startsWith(std::string_view("\x00\x00\xFE\xFF", 4))) {
    throw ImportError(source + ": the file is UTF-16 or UTF-32; save it as UTF-8 (WooCommerce's own export is UTF-8)");
  }
  if (startsWith("\xEF\xBB\xBF")) bytes.erase(0, 3);  // WooCommerce's CSV export starts with one
  DecodedText out;
  out.utf8.reserve(bytes.size());
  std::size_t line = 1;
  for (std::size_t i = 0; i < bytes.size();) {
    std::size_t len = utf8SequenceLength(bytes, i);
    if (len > 0) {
      if (bytes[i] == '\n') ++line;
      out.utf8.append(bytes, i, len);
      i += len;
      continue;
    }
    // Not UTF-8: read this byte as Windows-1252. Valid UTF-8 around it stays as it is, so a file that mixes both
    // (a UTF-8 export edited in a Windows spreadsheet) keeps every character.
    if (!out.windows1252Line) out.windows1252Line = line;
    ++out.windows1252Bytes;
    auto c = static_cast<unsigned char>(bytes[i++]);
    appendCodePoint(out.utf8, c < 0xA0 ? kWindows1252High[c - 0x80] : c);
  }
  return out;
}

}  // namespace cartcore::import

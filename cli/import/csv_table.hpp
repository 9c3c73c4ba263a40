// SPDX-License-Identifier: MIT
// RFC 4180 CSV as WooCommerce writes it (PHP fputcsv: comma, double quotes doubled, newlines inside quotes).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cartcore::import {

struct CsvRecord {
  std::size_t line = 0;  // the 1-based line the record starts on, as a text editor counts
  std::vector<std::string> fields;
};

struct CsvLimits {
  std::size_t maxRecords = 1'000'000;
  std::size_t maxFieldBytes = 1 << 20;
};

/**
 * Splits text into records. Blank lines are skipped; a quote that never closes, or a record or field past the
 * limits, is an ImportError naming `source` and the line. One pass over the text.
 */
std::vector<CsvRecord> parseCsv(std::string_view text, const std::string& source, const CsvLimits& limits = {});

/**
 * Splits a multi-value cell the way WooCommerce's importer does: on commas not escaped as "\,", trimming spaces,
 * dropping empty values ("Black, White\, Cream" → "Black", "White, Cream").
 */
std::vector<std::string> splitCellValues(std::string_view cell);

}  // namespace cartcore::import

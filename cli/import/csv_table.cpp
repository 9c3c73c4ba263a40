// SPDX-License-Identifier: MIT
#include "csv_table.hpp"

#include "import_report.hpp"

namespace cartcore::import {

std::vector<CsvRecord> parseCsv(std::string_view text, const std::string& source, const CsvLimits& limits) {
  std::vector<CsvRecord> records;
  CsvRecord record;
  std::string field;
  std::size_t line = 1;
  std::size_t quoteOpenedOn = 0;
  bool inQuotes = false;
  bool fieldWasQuoted = false;
  bool recordHasContent = false;
  auto where = [&](std::size_t at) { return source + " line " + std::to_string(at); };
  auto endField = [&] {
    if (field.size() > limits.maxFieldBytes) {
      throw ImportError(where(record.line) + ": a field of " + std::to_string(field.size()) + " bytes is over the limit of " +
                        std::to_string(limits.maxFieldBytes));
    }
    record.fields.push_back(std::move(field));
    field.clear();
    fieldWasQuoted = false;
  };
  auto endRecord = [&] {
    endField();
    bool blank = record.fields.size() == 1 && record.fields[0].empty() && !recordHasContent;
    if (!blank) {
      if (records.size() >= limits.maxRecords) {
        throw ImportError(source + ": more than " + std::to_string(limits.maxRecords) + " rows; split the export and import the parts");
      }
      records.push_back(std::move(record));
    }
    record = CsvRecord{};
    recordHasContent = false;
  };
  record.line = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (inQuotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          inQuotes = false;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == '"' && field.empty() && !fieldWasQuoted) {
      inQuotes = true;
      fieldWasQuoted = true;
      recordHasContent = true;
      quoteOpenedOn = line;
    } else if (c == ',') {
      recordHasContent = true;
      endField();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++line;
      endRecord();
      record.line = line;
    } else {
      // A stray quote inside an unquoted field is kept as text, as PHP's fgetcsv does.
      recordHasContent = true;
      field.push_back(c);
    }
  }
  if (inQuotes) {
    throw ImportError(where(quoteOpenedOn) + ": a quoted field opens here and never closes (a missing \" in the file?)");
  }
  if (recordHasContent || !field.empty()) endRecord();
  return records;
}

std::vector<std::string> splitCellValues(std::string_view cell) {
  std::vector<std::string> values;
  std::string current;
  auto flush = [&] {
    std::size_t first = current.find_first_not_of(" \t");
    std::size_t last = current.find_last_not_of(" \t");
    if (first != std::string::npos) values.push_back(current.substr(first, last - first + 1));
    current.clear();
  };
  for (std::size_t i = 0; i < cell.size(); ++i) {
    if (cell[i] == '\\' && i + 1 < cell.size() && cell[i + 1] == ',') {
      current.push_back(',');
      ++i;
    } else if (cell[i] == ',') {
      flush();
    } else {
      current.push_back(cell[i]);
    }
  }
  flush();
  return values;
}

}  // namespace cartcore::import

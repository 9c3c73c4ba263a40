// SPDX-License-Identifier: MIT
// The mapping report: every object an import skipped or approximated, and why, for a person and for a program.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cartcore::import {

/** A problem that stops the import (unreadable file, malformed JSON, an unclosed CSV quote): nothing is written. */
class ImportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Severity {
  Skipped,       // not in the config at all
  Approximated,  // in the config, but Cartcore will not price it exactly as WooCommerce does in every cart
  Warning,       // imported, but the source looks wrong (e.g. a duplicate SKU) and a person should check it
};

struct ReportEntry {
  Severity severity = Severity::Warning;
  std::string object;   // what it is about, e.g. `product 42 "Hoodie"` or `products.csv line 7`
  std::string code;     // stable, e.g. "grouped_product"
  std::string message;  // why, in a sentence
};

class ImportReport {
 public:
  void add(Severity severity, std::string object, std::string code, std::string message);
  /** Counts what was imported, e.g. count("variants", 12); shown in the summary. */
  void count(const std::string& what, int64_t n) { counts_[what] += n; }

  const std::vector<ReportEntry>& entries() const { return entries_; }
  std::size_t countOf(Severity severity) const;
  bool has(const std::string& code) const;

  /** {"summary": {...counts, skipped, approximated, warnings}, "entries": [{severity, object, code, message}]} */
  nlohmann::ordered_json toJson() const;
  /** The same as readable text: a summary line, then the entries grouped by severity. */
  std::string toText() const;

 private:
  std::vector<ReportEntry> entries_;
  std::map<std::string, int64_t> counts_;
};

const char* severityName(Severity severity);

}  // namespace cartcore::import

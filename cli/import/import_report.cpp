// SPDX-License-Identifier: MIT
#include "import_report.hpp"

#include <sstream>

namespace cartcore::import {

const char* severityName(Severity severity) {
  switch (severity) {
    case Severity::Skipped: return "skipped";
    case Severity::Approximated: return "approximated";
    case Severity::Warning: return "warning";
  }
  return "warning";
}

void ImportReport::add(Severity severity, std::string object, std::string code, std::string message) {
  entries_.push_back({severity, std::move(object), std::move(code), std::move(message)});
}

std::size_t ImportReport::countOf(Severity severity) const {
  std::size_t n = 0;
  for (const auto& e : entries_) n += e.severity == severity;
  return n;
}

bool ImportReport::has(const std::string& code) const {
  for (const auto& e : entries_) {
    if (e.code == code) return true;
  }
  return false;
}

nlohmann::ordered_json ImportReport::toJson() const {
  nlohmann::ordered_json summary = nlohmann::ordered_json::object();
  for (const auto& [what, n] : counts_) summary[what] = n;
  summary["skipped"] = countOf(Severity::Skipped);
  summary["approximated"] = countOf(Severity::Approximated);
  summary["warnings"] = countOf(Severity::Warning);
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& e : entries_) {
    list.push_back({{"severity", severityName(e.severity)}, {"object", e.object}, {"code", e.code}, {"message", e.message}});
  }
  return {{"summary", summary}, {"entries", list}};
}

std::string ImportReport::toText() const {
  std::ostringstream out;
  out << "Imported:";
  bool first = true;
  for (const auto& [what, n] : counts_) {
    out << (first ? " " : ", ") << n << " " << what;
    first = false;
  }
  if (first) out << " nothing";
  out << ".\n";
  for (Severity severity : {Severity::Skipped, Severity::Approximated, Severity::Warning}) {
    std::size_t n = countOf(severity);
    if (n == 0) continue;
    static const char* const kHeadings[] = {"Skipped (not in the config)", "Approximated (check these)", "Warnings"};
    out << "\n" << kHeadings[static_cast<int>(severity)] << ": " << n << "\n";
    for (const auto& e : entries_) {
      if (e.severity == severity) out << "  - " << e.object << ": " << e.message << " [" << e.code << "]\n";
    }
  }
  return out.str();
}

}  // namespace cartcore::import

// SPDX-License-Identifier: MIT
#include "woo_import.hpp"

#include <cartcore/engine.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <ostream>

#include "exit_codes.hpp"
#include "woo_dates.hpp"

namespace cartcore::import {

namespace {

using namespace cartcore::cli;

const char* kImportUsage =
    "usage: cartcore import woocommerce [--api DIR] [--csv products.csv] --out store.json [--report report.json]\n"
    "           [--stock stock.json]\n"
    "           [--currency CODE] [--weight-unit kg|g|lbs|oz] [--utc-offset +HH:MM] [--decimal-separator ,]\n"
    "           [--name \"Store name\"] [--max-file-mb N]\n"
    "  --api DIR   REST API v3 responses saved under DIR at their endpoint paths (products.json, coupons.json, ...)\n"
    "  --csv FILE  the product CSV of Products -> Export (used instead of DIR/products.json)\n"
    "  Prints the mapping report; --report also writes it as JSON. See docs/woocommerce-import.md.\n"
    "  --stock FILE  also write each variant's WooCommerce ids and stock level: the body of PUT /v1/admin/stock\n";

/** Writes `text` next to `path` and renames it over `path`, so a reader sees the old file or the new one. */
std::string stagedWrite(const std::string& path, const std::string& text) {
  std::string temporary = path + ".partial-" + std::to_string(::getpid());
  std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
  if (!file) throw ImportError(path + ": cannot be written");
  file << text;
  file.close();
  if (!file) {
    std::filesystem::remove(temporary);
    throw ImportError(path + ": writing failed (disk full?)");
  }
  return temporary;
}

}  // namespace

WooImportResult importWooCommerce(const WooImportInputs& inputs) {
  if (inputs.apiDirectory.empty() && inputs.csvPath.empty()) throw ImportError("nothing to import: give --api DIR, --csv FILE, or both");
  WooImportResult result;
  WooStore store;
  // The REST files first: the CSV's category names resolve through products/categories.json when it is there.
  if (!inputs.apiDirectory.empty()) readRestExport(inputs.apiDirectory, inputs.csvPath.empty(), inputs.read, store, result.report);
  if (!inputs.csvPath.empty()) readProductCsv(inputs.csvPath, inputs.read, store, result.report);
  std::map<int64_t, std::string> variantByWooId;
  result.config = mapToConfig(store, inputs.map, result.report, &variantByWooId);
  result.stock = stockLinks(store, variantByWooId, result.report);
  return result;
}

int runImportCommand(int argc, char** argv, std::ostream& out, std::ostream& err) {
  if (argc < 1 || std::string(argv[0]) != "woocommerce") {
    err << kImportUsage;
    return kExitUsage;
  }
  WooImportInputs inputs;
  std::string outPath, reportPath, stockPath;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (i + 1 >= argc) {
      err << "missing value for " << arg << "\n" << kImportUsage;
      return kExitUsage;
    }
    std::string value = argv[++i];
    if (arg == "--api") inputs.apiDirectory = value;
    else if (arg == "--csv") inputs.csvPath = value;
    else if (arg == "--out") outPath = value;
    else if (arg == "--report") reportPath = value;
    else if (arg == "--stock") stockPath = value;
    else if (arg == "--currency") inputs.map.currency = value;
    else if (arg == "--weight-unit") inputs.map.weightUnit = value;
    else if (arg == "--name") inputs.map.storeName = value;
    else if (arg == "--decimal-separator" && value.size() == 1) inputs.read.decimalSeparator = value[0];
    else if (arg == "--utc-offset" && parseUtcOffset(value)) inputs.read.utcOffsetMinutes = *parseUtcOffset(value);
    else if (arg == "--max-file-mb" && !value.empty() && value.size() < 6 && value.find_first_not_of("0123456789") == std::string::npos) {
      inputs.read.maxFileBytes = std::stoul(value) << 20;
    } else {
      err << "unknown or malformed argument: " << arg << " " << value << "\n" << kImportUsage;
      return kExitUsage;
    }
  }
  if (outPath.empty()) {
    err << "--out is required\n" << kImportUsage;
    return kExitUsage;
  }
  try {
    WooImportResult result = importWooCommerce(inputs);
    std::string configText = result.config.dump(2) + "\n";
    auto validation = nlohmann::json::parse(validateConfigJson(configText));
    if (!validation.value("ok", false)) {
      err << "error: the generated config does not validate, which is a bug in the importer: " << validation["error"].dump() << "\n";
      return kExitInternal;
    }
    // Every file is staged before any is renamed into place, so a failure leaves all of them as they were.
    std::vector<std::pair<std::string, std::string>> files = {{outPath, configText}};
    if (!reportPath.empty()) files.emplace_back(reportPath, result.report.toJson().dump(2) + "\n");
    if (!stockPath.empty()) files.emplace_back(stockPath, stockDocument(result.stock).dump(2) + "\n");
    std::vector<std::string> staged;
    try {
      for (const auto& [path, text] : files) staged.push_back(stagedWrite(path, text));
    } catch (...) {
      for (const auto& temporary : staged) std::filesystem::remove(temporary);
      throw;
    }
    std::string written;
    for (std::size_t i = 0; i < files.size(); ++i) {
      std::filesystem::rename(staged[i], files[i].first);
      written += (i == 0 ? "" : i + 1 == files.size() ? " and " : ", ") + files[i].first;
    }
    out << result.report.toText() << "\nWrote " << written << "; check it with: cartcore validate --config " << outPath << "\n";
    return kExitOk;
  } catch (const ImportError& e) {
    err << "error: " << e.what() << "\nNothing was written.\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    err << "error: " << e.what() << "\nNothing was written.\n";
    return kExitInternal;
  }
}

}  // namespace cartcore::import

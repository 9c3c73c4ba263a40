// SPDX-License-Identifier: MIT
// `cartcore import woocommerce`: a WooCommerce store (REST API v3 files and/or the product CSV) to a Cartcore config
// and a mapping report. See docs/woocommerce-import.md.
#pragma once

#include <iosfwd>
#include <string>

#include <nlohmann/json.hpp>

#include "import_report.hpp"
#include "woo_mapper.hpp"
#include "woo_readers.hpp"
#include "woo_stock_links.hpp"

namespace cartcore::import {

struct WooImportInputs {
  std::string apiDirectory;  // saved REST API responses; may be empty when csvPath is given
  std::string csvPath;       // the product CSV; replaces products.json when given
  ReadOptions read;
  MapOptions map;
};

struct WooImportResult {
  nlohmann::ordered_json config;
  ImportReport report;
  std::map<std::string, WooStockLink> stock;  // per variant: the WooCommerce object holding its stock
};

/** Reads and maps a store. Throws ImportError for problems that stop the import. */
WooImportResult importWooCommerce(const WooImportInputs& inputs);

/**
 * The command line after "import": parses its arguments, imports, checks the config with the engine's validator, and
 * writes the config (and the JSON report) through temporary files renamed into place, so nothing is ever
 * half-written. Prints the readable report on `out`. Returns the CLI's exit code (0, 1 bad input, 2 usage, 3 bug).
 */
int runImportCommand(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace cartcore::import

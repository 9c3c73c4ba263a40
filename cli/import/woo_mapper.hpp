// SPDX-License-Identifier: MIT
// WooStore → Cartcore store config, noting in the report everything skipped or approximated.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "import_report.hpp"
#include "woo_store.hpp"

namespace cartcore::import {

struct MapOptions {
  std::string currency;    // overrides woocommerce_currency
  std::string weightUnit;  // overrides woocommerce_weight_unit and the CSV header's unit
  std::string storeName = "WooCommerce store";
};

/**
 * The config, ready for `cartcore validate`. Throws ImportError when the store cannot be priced at all (no
 * currency, an unknown currency, an unknown weight unit). `variantByWooId`, when given, receives the variant id each
 * imported WooCommerce product or variation id became.
 */
nlohmann::ordered_json mapToConfig(const WooStore& store, const MapOptions& options, ImportReport& report,
                                   std::map<int64_t, std::string>* variantByWooId = nullptr);

}  // namespace cartcore::import

// SPDX-License-Identifier: MIT
// Readers for the two ways a WooCommerce store leaves WordPress: REST API v3 responses saved to files, and the
// product CSV of Products → Export. Both fill a WooStore and note in the report what they could not read.
#pragma once

#include <cstddef>
#include <string>

#include "import_report.hpp"
#include "woo_store.hpp"

namespace cartcore::import {

struct ReadOptions {
  std::size_t maxFileBytes = 256u << 20;  // per file: a store of ~100,000 products exports to well under this
  std::size_t maxCsvRows = 1'000'000;
  int utcOffsetMinutes = 0;  // the shop's timezone, for dates given in local time (the CSV's sale dates)
  char decimalSeparator = '.';  // the CSV's prices follow the shop's "Decimal separator" setting
};

/**
 * Reads a directory holding REST API v3 responses, each saved at its endpoint's path with ".json" (see
 * docs/woocommerce-import.md): products.json, products/<id>/variations.json, products/categories.json,
 * coupons.json, taxes.json, shipping/zones.json, shipping/zones/<id>/{locations,methods}.json and
 * settings/{general,products,tax}.json. Missing files are allowed (that part of the store is not imported);
 * `withProducts` false skips the product files (the CSV supplies them). Throws ImportError on unreadable files.
 */
void readRestExport(const std::string& directory, bool withProducts, const ReadOptions& options, WooStore& store, ImportReport& report);

/** Reads the product CSV that WooCommerce's exporter writes (English headers or the exporter's column ids). */
void readProductCsv(const std::string& path, const ReadOptions& options, WooStore& store, ImportReport& report);

/** A name as a slug, roughly as WordPress's sanitize_title makes one: "T-Shirts & Tops" → "t-shirts-tops". */
std::string slugify(const std::string& name);

/** The cost of goods among a product's meta keys (the common cost plugins), or nullopt. */
std::optional<std::string> costFromMeta(const std::vector<std::pair<std::string, std::string>>& meta);

}  // namespace cartcore::import

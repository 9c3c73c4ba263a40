// SPDX-License-Identifier: MIT
// Which WooCommerce object holds each imported variant's stock, and the level to start from: the stock document
// the server takes (`PUT /v1/admin/stock`), so its stock pushes reach the right product or variation.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "import_report.hpp"
#include "woo_store.hpp"

namespace cartcore::import {

/** Where one variant's stock lives in WooCommerce. */
struct WooStockLink {
  int64_t productId = 0;                // the product; for stock kept on a variable product, that product
  std::optional<int64_t> variationId;   // the variation, when it keeps its own stock
  std::optional<int64_t> onHand;        // WooCommerce's quantity, when it counts one
};

/**
 * The stock link of every imported variant (`variantByWooId` from mapToConfig). A variation whose stock its
 * product keeps (`manage_stock: "parent"`) links to the product without a variation id: WooCommerce has one
 * number for all such variations, so the product's quantity is split over them (report `parent_stock_split`)
 * and the server pushes back their sum. An object that does not manage stock links with no level (report
 * `stock_not_managed`): the first push turns stock management on with Cartcore's level.
 */
std::map<std::string, WooStockLink> stockLinks(const WooStore& store, const std::map<int64_t, std::string>& variantByWooId,
                                               ImportReport& report);

/** {"levels": {variant: {"wooProductId", "wooVariationId", "onHand"?}}}: the body of PUT /v1/admin/stock. */
nlohmann::ordered_json stockDocument(const std::map<std::string, WooStockLink>& links);

}  // namespace cartcore::import

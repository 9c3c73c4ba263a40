// SPDX-License-Identifier: MIT
#include "woo_stock_links.hpp"

#include <vector>

namespace cartcore::import {

std::map<std::string, WooStockLink> stockLinks(const WooStore& store, const std::map<int64_t, std::string>& variantByWooId,
                                               ImportReport& report) {
  std::map<int64_t, const WooProduct*> products;
  for (const auto& p : store.products) {
    if (p.type != "variation") products.emplace(p.id, &p);
  }
  std::map<std::string, WooStockLink> links;
  std::map<int64_t, std::vector<std::string>> sharedByProduct;  // variable product -> variants using its stock
  for (const auto& p : store.products) {
    auto variant = variantByWooId.find(p.id);
    // Rows of a CSV without an ID have negative stand-in ids: WooCommerce knows them by no id we could push to.
    if (variant == variantByWooId.end() || p.id <= 0) continue;
    const bool isVariation = p.type == "variation";
    auto parent = isVariation ? products.find(p.parentId) : products.end();
    const bool parentKeepsStock = isVariation && parent != products.end() &&
                                  (p.manageStock == "parent" || (p.manageStock == "false" && parent->second->manageStock == "true"));
    WooStockLink link;
    if (parentKeepsStock) {
      link.productId = p.parentId;
      sharedByProduct[p.parentId].push_back(variant->second);
    } else {
      link.productId = isVariation ? p.parentId : p.id;
      if (isVariation) link.variationId = p.id;
      if (p.manageStock == "true" && p.stockQuantity) {
        link.onHand = std::max<int64_t>(0, *p.stockQuantity);  // WooCommerce allows negative stock with backorders
      } else {
        report.add(Severity::Warning, p.where, "stock_not_managed",
                   "WooCommerce does not count its stock; the stock file gives it no level, and the first stock push "
                   "turns WooCommerce's stock management on with Cartcore's level (set it first)");
      }
    }
    links[variant->second] = link;
  }
  for (const auto& [productId, variants] : sharedByProduct) {
    const WooProduct& product = *products.at(productId);
    int64_t total = product.stockQuantity ? std::max<int64_t>(0, *product.stockQuantity) : 0;
    const int64_t count = static_cast<int64_t>(variants.size());
    for (int64_t i = 0; i < count; ++i) links[variants[i]].onHand = total / count + (i < total % count ? 1 : 0);
    report.add(Severity::Approximated, product.where, "parent_stock_split",
               "WooCommerce keeps one stock of " + std::to_string(total) + " for " + std::to_string(count) +
                   " variation(s); Cartcore counts stock per variant, so it is split evenly and the server pushes "
                   "back their sum");
  }
  return links;
}

nlohmann::ordered_json stockDocument(const std::map<std::string, WooStockLink>& links) {
  nlohmann::ordered_json levels = nlohmann::ordered_json::object();
  for (const auto& [variant, link] : links) {
    nlohmann::ordered_json level;
    level["wooProductId"] = link.productId;
    level["wooVariationId"] = link.variationId ? nlohmann::ordered_json(*link.variationId) : nlohmann::ordered_json(nullptr);
    if (link.onHand) level["onHand"] = *link.onHand;
    levels[variant] = std::move(level);
  }
  return {{"levels", std::move(levels)}};
}

}  // namespace cartcore::import

// SPDX-License-Identifier: MIT
// The server's copy of a WooCommerce store's catalog: the directory of saved REST API responses that
// `cartcore import woocommerce --api DIR` reads, kept current by WooCommerce's webhooks. Each change is applied
// to the one object it names, and the same importer then turns the directory into the next config.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

namespace cartcore::server {

/** What a webhook delivery did to the mirror. */
enum class MirrorChange {
  Applied,    // an object was added, replaced or removed: the catalog must be imported again
  Echo,       // only stock fields and modification dates differ: no catalog change (see stockChange() for the stock)
  Unchanged,  // the object is already as delivered (a repeated delivery)
  Stale,      // older than the copy we have (date_modified_gmt): a late or repeated delivery, ignored
  Ignored,    // a resource or event the catalog does not use (e.g. order.created), or a deletion of nothing
};
const char* mirrorChangeName(MirrorChange change);

/** A managed stock_quantity that a delivery changed on an object the mirror already had. */
struct WooStockChange {
  int64_t productId = 0;                // the object holding the stock: a product, or a variation's parent
  std::optional<int64_t> variationId;   // the variation, when the stock is its own
  std::optional<int64_t> previous;      // the mirror's copy's quantity, if it had one
  int64_t quantity = 0;
  std::string modified;                 // date_modified_gmt of the delivered object
};

/** A delivery as WooCommerce sends it: the topic's resource and event, and the body as parsed JSON. */
struct WooDelivery {
  std::string resource;  // "product", "coupon", ...
  std::string event;     // "created", "updated", "deleted", "restored"
  nlohmann::json body;
};

/**
 * The mirror directory, loaded once and written back file by file (each through a temporary file renamed into
 * place). Not thread-safe: one worker owns it. Products are `products.json`, a variation (a product of type
 * "variation" with its `parent_id`) lives in `products/<parent>/variations.json`, coupons in `coupons.json`.
 */
class WooCatalogMirror {
 public:
  /** Reads the directory's product and coupon files (missing files are empty lists); throws on unreadable ones. */
  explicit WooCatalogMirror(std::filesystem::path directory);

  MirrorChange apply(const WooDelivery& delivery);
  /** The stock change of the last apply() (Applied or Echo on an object already in the mirror), if any. */
  const std::optional<WooStockChange>& stockChange() const { return stockChange_; }
  /** Writes the files changed since the last save. */
  void save();
  const std::filesystem::path& directory() const { return directory_; }

 private:
  nlohmann::json& listFor(const std::string& file);
  MirrorChange upsert(const std::string& file, const nlohmann::json& object);
  MirrorChange erase(int64_t id, const std::string& resource);

  std::filesystem::path directory_;
  std::map<std::string, nlohmann::json> lists_;  // relative file path -> JSON array, loaded on first use
  std::set<std::string> dirty_;
  std::optional<WooStockChange> stockChange_;
};

}  // namespace cartcore::server

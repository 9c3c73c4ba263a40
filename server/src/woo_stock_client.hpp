// SPDX-License-Identifier: MIT
// Sets absolute stock levels in WooCommerce through the REST API's batch endpoints, and reads back, item by item,
// whether WooCommerce really applied each one (a batch answers 200 even when items fail).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "http_client.hpp"

namespace cartcore::server {

/** The WooCommerce object that holds a stock level: a product, or one variation of a product. */
struct WooStockTarget {
  int64_t productId = 0;
  std::optional<int64_t> variationId;
  bool operator<(const WooStockTarget& other) const {
    return productId != other.productId ? productId < other.productId : variationId < other.variationId;
  }
  bool operator==(const WooStockTarget& other) const = default;
};

/** One absolute level to set. */
struct WooStockPush {
  WooStockTarget target;
  int64_t quantity = 0;
};

/** What became of one push: applied, or why not (to log with the retry). */
struct WooPushOutcome {
  bool applied = false;
  std::string error;
};

/** WooCommerce's limit on the objects of one batch request (create + update + delete). */
constexpr std::size_t kWooBatchLimit = 100;

/**
 * Pushes stock levels to one store's REST API (`baseUrl` is the wc/v3 root, e.g.
 * https://shop.example/wp-json/wc/v3). Each level goes out as `{"id", "manage_stock": true, "stock_quantity"}`:
 * WooCommerce ignores stock_quantity on an object that does not manage stock, so turning it on in the same
 * update is what makes the level stick. Products go to `products/batch`, variations to
 * `products/<parent>/variations/batch`, at most 100 objects a request. A push counts as applied only when the
 * 200 answer's item at its index has its id, no `error`, `manage_stock` true and the quantity sent; anything
 * else (an item error, a non-2xx answer, no answer) is a failure of that push alone, for the caller to retry.
 */
class WooStockClient {
 public:
  WooStockClient(std::string baseUrl, std::string authorization, HttpClient& http);

  /** One outcome per push, in the same order. Pushes naming the same target: the last one wins, the earlier ones
   *  share its outcome. */
  std::vector<WooPushOutcome> push(const std::vector<WooStockPush>& pushes);

 private:
  /** Sends one batch (at most kWooBatchLimit items) to `path` and fills the outcomes of `indexes`. */
  void sendBatch(const std::string& path, const std::vector<WooStockPush>& pushes,
                 const std::vector<std::size_t>& indexes, std::vector<WooPushOutcome>& outcomes);

  std::string baseUrl_;
  std::string authorization_;
  HttpClient& http_;
};

}  // namespace cartcore::server

// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cartcore/engine.hpp"
#include "cartcore/replay.hpp"
#include "customer_context.hpp"
#include "metrics.hpp"
#include "outbox.hpp"
#include "rate_limiter.hpp"
#include "server_clock.hpp"
#include "stock_watch.hpp"
#include "storage.hpp"

namespace cartcore::server {

class StreamSubscription;

/** An HTTP-shaped answer: status and JSON body. The HTTP layer adds transport headers. */
struct ApiResponse {
  ApiResponse() = default;
  ApiResponse(int statusCode, std::string text, const char* type = "application/json")
      : status(statusCode), body(std::move(text)), contentType(type) {}

  int status = 200;
  std::string body;
  const char* contentType = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra response headers, e.g. Retry-After
  std::shared_ptr<StreamSubscription> stream;  // set: the body is an event stream the transport keeps writing
};

/** `{"ok":false,"error":{"code","message",...details}}` with the given status. */
ApiResponse errorResponse(int status, std::string_view code, std::string_view message,
                          nlohmann::json details = nlohmann::json::object());

/** Who is asking, as far as the server can tell. */
struct Client {
  std::string address;                      // the peer's IP address
  std::optional<CustomerContext> customer;  // from a verified Cartcore-Customer token
  std::string keyId;                        // the API key the request authenticated with, if any
  /** "customer:<id>" for a verified customer, else "ip:<address>": whom per-client limits count against. */
  std::string key() const { return customer ? "customer:" + customer->customer : "ip:" + address; }
};

/** Tunables of the commerce rules (not of the transport). */
struct ShopOptions {
  int64_t defaultHoldTtlMillis = 15 * 60 * 1000;
  int64_t maxHoldTtlMillis = 24 * 60 * 60 * 1000;
  std::size_t maxCartLines = 100;
  std::size_t maxBodyBytes = 1 << 20;  // the HTTP layer refuses larger bodies first; the parser checks again
  int64_t retentionMillis = 30LL * 24 * 60 * 60 * 1000;  // idempotency records and dead holds are kept this long
  // Today's behaviour for trusted backends: take customer.segments from the cart as sent. Otherwise segments
  // come only from a verified Cartcore-Customer token.
  bool trustCartSegments = false;
  // Fair access in a flash sale, per client (a verified customer, else the IP address); 0 turns a limit off.
  int64_t maxHoldsPerClient = 5;                 // active holds at once
  int64_t maxUnitsPerVariantPerClient = 50;      // units of one variant across a client's active holds
  int64_t maxExtensionMillisPerClient = 60LL * 60 * 1000;  // extension granted to a client's active holds
  int64_t purchaseLimitWindowMillis = 24LL * 60 * 60 * 1000;  // a customer's bought units count this long
  int64_t holdsPerMinutePerIp = 30;              // hold creation rate per IP (per server instance)
  int64_t holdBurstPerIp = 10;
  bool recordAnalytics = true;  // false (benchmarks only): no order facts, no stock switches
};

/** One compiled config version and what the server derives from it. Immutable once published. */
struct CatalogState {
  int64_t version = 0;
  std::string configJson;
  std::string configDigest;
  int64_t createdAt = 0;
  std::optional<cartcore::Engine> engine;  // always set; optional only because Engine has no default constructor
  std::vector<std::string> variantIds;     // sorted
  VariantFactsMap facts;
  std::unordered_map<std::string, int64_t> purchaseLimits;  // the variants' `purchaseLimit`, where set
  std::string currency;
  std::shared_ptr<const analytics::CompiledConfig> reporting;  // the same engine, with per-currency costs cached
  std::vector<cartcore::PromotionSummary> promotions;           // by id: names and stock guards
  std::vector<cartcore::PromotionSummary> guardedPromotions;    // the stock-guarded ones (watched at every quote)
  std::vector<std::string> guardedVariants;                      // sorted: every variant some stock guard watches
};

/**
 * The commerce service: config versions, live stock, quotes, holds, checkout and stock administration. It reads
 * requests, prices with the core and answers; every stored change is one atomic operation of the Storage seam,
 * so this class never knows which database it talks to.
 */
class Shop {
 public:
  Shop(Storage& storage, ServerClock& clock, Metrics& metrics, ShopOptions options);

  /** Loads the newest config and stock; seeds the store on first start. Returns an error message or "". */
  std::string start(const std::string& configFileText, const std::string& seedConfigText,
                    const std::string& seedStockText);

  // Config (admin)
  ApiResponse putConfig(std::string_view body);
  /** Switches to the database's active config version if another server stored a newer one. */
  void followActiveConfig();
  ApiResponse getConfig();

  // Quotes (public, read-only)
  ApiResponse quote(std::string_view body, const Client& client);

  // Holds (public; the hold id is the capability)
  ApiResponse createHold(std::string_view body, const Client& client);
  ApiResponse getHold(const std::string& holdId);
  ApiResponse extendHold(const std::string& holdId, std::string_view body);
  ApiResponse releaseHold(const std::string& holdId);
  /** Expires every hold whose time has come; returns how many this call expired. */
  int expireDueHolds();
  /** Deletes idempotency records and released/expired holds older than the retention; returns rows deleted. */
  int64_t purgeExpiredRecords();
  /** Folds the UTC days that ended (an hour ago or more) into the analytics rollups; returns the days rolled. */
  int rollUpAnalytics();

  // Checkout (public) and orders (admin)
  ApiResponse checkout(std::string_view body, const std::string& idempotencyKey, const Client& client);
  ApiResponse getOrder(const std::string& orderId);
  ApiResponse listOrders(int64_t after, int limit);

  // Stock (admin)
  ApiResponse getStock(const std::string& variant);
  ApiResponse listStock();
  ApiResponse putStock(const std::string& variant, std::string_view body);
  ApiResponse putStockBulk(std::string_view body);
  ApiResponse adjustStock(const std::string& variant, std::string_view body);
  /**
   * A managed stock quantity WooCommerce reported for one of its objects: our own push coming back (the quantity
   * was sent to that object within the echo window) changes nothing; anything else is a merchant's edit in
   * WooCommerce, applied once as an adjustment of the one variant linked to the object by the quantity's difference
   * from what the object held. Returns the outcome for the log: "echo", "stock_edit_applied", "stock_edit_repeat",
   * "stock_edit_unknown_before", "stock_edit_unlinked" or "stock_edit_shared" (several variants share the object).
   */
  std::string applyWooStockReport(int64_t productId, std::optional<int64_t> variationId,
                                  std::optional<int64_t> previous, int64_t quantity, const std::string& modified);

  // Events (admin) and test clock (admin, only with --test-clock)
  ApiResponse listEvents(int64_t after, int limit);
  ApiResponse moveClock(std::string_view body);

  ApiResponse health();
  /** After an unexpected failure: the storage drops any per-process state that may disagree with the database. */
  void recoverAfterFailure();
  /** The server clock (the test clock when enabled), in epoch milliseconds. */
  int64_t nowMillis() const { return clock_.nowMillis(); }
  /** Prometheus gauges read at scrape time. */
  std::string renderGauges();
  /** Called after a commit that wrote outbox events. */
  std::function<void()> onEventsWritten;
  /** Called with the stock switches just recorded (for the live admin stream). */
  std::function<void(const std::vector<StockSwitch>&)> onStockSwitches;
  /** The active config version and what the server derived from it. */
  std::shared_ptr<const CatalogState> currentCatalog() const { return catalog(); }

 private:
  struct PreparedCart {
    std::string storedText;  // the cart without "now" and "stock", with a currency: what a hold stores
    cartcore::QuoteRequest request;
  };
  /** What a prepared cart is for: a quote keeps the cart's held facts (they change only that answer); a hold
   *  drops them, since it keeps the facts of the server's own quote. */
  enum class CartUse { Quote, Hold };
  std::shared_ptr<const CatalogState> catalog() const;
  std::shared_ptr<CatalogState> buildCatalog(const ConfigRecord& record, std::string& error) const;
  /** Parses a cart's text with the core, with the server's clock as "now" (see the edits in shop.cpp), the
   *  segments the client may claim and, re-pricing a hold, the held facts (`heldFacts`: their JSON text). */
  std::optional<PreparedCart> prepareCart(const CatalogState& catalog, std::string_view cartText, int64_t now,
                                          const Client& client, ApiResponse& error, CartUse use = CartUse::Quote,
                                          std::string_view heldFacts = {}) const;
  /** Reads a `levels` document ({variant: {onHand, reserved, ...}}) whole, refusing bad input with a
   *  RequestError before anything is written. */
  std::vector<StockUpdate> parseStockDocument(const CatalogState& catalog, const nlohmann::json& levels) const;
  nlohmann::json stockJson(const CatalogState& catalog, const std::string& variant, const StockLevel& level) const;
  nlohmann::json holdJson(const HoldRecord& hold) const;
  /** The answer to a checkout that cannot proceed. */
  ApiResponse checkoutRefusal(const CheckoutCheck& check);
  void eventsWritten();
  /** Records the stock switches a quote or hold saw (shop_analytics.cpp). `seen` is general-pool availability when
   *  the caller has it (a quote without segments), else it is read for the variants concerned. */
  void watchStock(const CatalogState& catalog, const std::map<std::string, int64_t>* seen,
                  const std::vector<std::string>& variants);
  /** The analytics facts of an order, from the quote it commits at and the request it was priced with. */
  OrderAnalytics orderAnalytics(const CatalogState& catalog, const cartcore::Quote& quote,
                                const cartcore::QuoteRequest& request) const;

  Storage& storage_;
  ServerClock& clock_;
  Metrics& metrics_;
  ShopOptions options_;
  RateLimiter holdRate_;  // hold creation per IP
  mutable std::mutex catalogMutex_;
  std::shared_ptr<const CatalogState> catalog_;
  StockWatch stockWatch_;
};

/** HTTP status for a core error code: 413 for size, 422 for references that name nothing, else 400. */
int statusForCoreError(const cartcore::Error& error);
/** The `{"quote":…}` object's text out of a rendered `{"ok":true,"quote":…}`. */
std::string quoteObjectText(const std::string& renderedQuote);

}  // namespace cartcore::server

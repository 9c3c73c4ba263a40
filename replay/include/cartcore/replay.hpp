// SPDX-License-Identifier: MIT
// Replay: price committed carts again, under the config version each was committed with and under a draft, with
// the stock and time each order saw, and report what the draft would have changed. Shared by `cartcore replay`
// (over an orders export) and the server's replay jobs, so both report the same figures.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cartcore/engine.hpp"
#include "cartcore/order_facts.hpp"

namespace cartcore::analytics {

/** One committed order as the export carries it: enough to price it again exactly as it was priced. */
struct ReplayOrder {
  std::string id;
  int64_t createdAt = 0;  // the checkout time: the `now` its quote was priced at (epoch ms)
  int64_t configVersion = 0;
  std::string currency;
  std::string quoteDigest;                           // the committed quote's digest
  std::string cartJson;                              // the normalized cart (no "now", no "stock")
  std::map<std::string, int64_t> stock;              // units available as the checkout quote saw them
  std::optional<std::vector<std::string>> segments;  // the segments it was priced for, when not the cart's own
};

/** A compiled config and the per-currency catalogs reporting reads, built once and shared by every thread. */
class CompiledConfig {
 public:
  explicit CompiledConfig(Engine engine) : engine_(std::move(engine)) {}
  const Engine& engine() const { return engine_; }
  /** Variants with costs in `currency` (computed once per currency); empty when the store cannot price it. */
  const std::vector<CatalogVariant>& catalog(const std::string& currency) const;

 private:
  Engine engine_;
  mutable std::mutex mutex_;
  mutable std::map<std::string, std::shared_ptr<const std::vector<CatalogVariant>>> catalogs_;
};

/** Revenue, discount and margin of one priced order (or a sum of them), minor units. */
struct ReplayFigures {
  int64_t revenue = 0;
  int64_t discount = 0;
  int64_t costedRevenue = 0;
  int64_t cost = 0;
  int64_t margin() const { return costedRevenue - cost; }
  ReplayFigures& operator+=(const ReplayFigures& other);
};
ReplayFigures operator-(const ReplayFigures& a, const ReplayFigures& b);

/** A promotion's outcome in one quote: the engine's reason code and the rule it lost to. */
struct PromotionOutcome {
  bool applied = false;
  std::string reason;
  std::string by;
};

/** One order priced under both configs; `error` names the side and code when one could not price it. */
struct OrderReplay {
  bool priced = false;
  std::string failedSide;  // "baseline" or "draft"
  std::string errorCode;
  bool baselineMatches = false;  // the baseline's digest equals the committed one
  ReplayFigures baseline;
  ReplayFigures draft;
  std::map<std::string, PromotionOutcome> baselinePromotions;  // every promotion the quote lists
  std::map<std::string, PromotionOutcome> draftPromotions;
};

/** Prices one order under `baseline` (its own version) and `draft`, with its time and stock. Thread-safe. */
OrderReplay replayOrder(const ReplayOrder& order, const CompiledConfig& baseline, const CompiledConfig& draft);

struct ReplayOptions {
  std::size_t top = 20;  // most-changed orders kept in the report
  unsigned threads = 1;  // pricing threads per batch
};

/**
 * Accumulates replays of many orders (fed in batches) into one report. Sums are integers and the most-changed
 * list has a total order (ties by order id), so the report does not depend on the thread count or batch sizes.
 */
class Replay {
 public:
  Replay(std::shared_ptr<const CompiledConfig> draft, ReplayOptions options);

  /** Makes a committed config version available as the baseline of its orders. */
  void addVersion(int64_t version, std::shared_ptr<const CompiledConfig> config);
  bool hasVersion(int64_t version) const { return versions_.count(version) > 0; }

  /**
   * Prices `batch` on the configured threads and adds it to the report. Checks `cancel` before every order and
   * stops early when it is set; `done` counts the orders taken (priced or skipped).
   */
  void run(const std::vector<ReplayOrder>& batch, const std::atomic<bool>& cancel, std::atomic<int64_t>& done);

  /** The report so far as JSON (keys sorted); see server/openapi.yaml ReplayReport. */
  std::string reportJson() const;

  struct Totals {
    int64_t orders = 0;
    ReplayFigures baseline;
    ReplayFigures draft;
  };
  /** Sums per currency of the orders priced under both configs (what the report's byCurrency shows). */
  const std::map<std::string, Totals>& totals() const { return state_.totals; }

  /** One most-changed order as the report keeps it. */
  struct Change {
    std::string orderId;
    int64_t createdAt = 0;
    std::string currency;
    ReplayFigures baseline;
    ReplayFigures draft;
    std::vector<std::pair<std::string, std::pair<std::optional<PromotionOutcome>, std::optional<PromotionOutcome>>>>
        promotions;  // outcomes that differ: id -> (before, after)
  };

  /** Everything the report is built from; partial states (one per thread) merge into one. */
  struct State {
    int64_t orders = 0;
    int64_t repriced = 0;
    int64_t baselineMatches = 0;
    std::map<std::pair<std::string, std::string>, std::pair<int64_t, std::string>>
        skipped;  // (side, code) -> n, example
    std::map<std::string, Totals> totals;
    std::map<std::string, std::pair<int64_t, int64_t>> promotionOrders;  // id -> (baseline, draft) orders applied
    std::vector<Change> top;                                             // most changed first, at most options.top
    void merge(State&& other, std::size_t top);
  };

 private:
  void add(const ReplayOrder& order, State& state) const;

  std::shared_ptr<const CompiledConfig> draft_;
  std::map<int64_t, std::shared_ptr<const CompiledConfig>> versions_;
  ReplayOptions options_;
  State state_;
};

/** Reads one line of an orders export (NDJSON). Returns the line's type ("config", "order", "end") or an error. */
struct ExportLine {
  std::string type;
  std::optional<ReplayOrder> order;
  int64_t configVersion = 0;  // type "config"
  std::string configJson;     // type "config"
  std::string error;          // non-empty when the line is not a valid export line
};
ExportLine parseExportLine(std::string_view line);

}  // namespace cartcore::analytics

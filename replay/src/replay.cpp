// SPDX-License-Identifier: MIT
#include "cartcore/replay.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <tuple>

namespace cartcore::analytics {

using nlohmann::json;

namespace {

/** The cart text with a placeholder "now" first: the request reader requires one, and replay sets the real time
 *  on the parsed request (the order's checkout time), so no time is ever formatted and parsed again. */
std::string withPlaceholderNow(const std::string& cart) {
  std::size_t open = cart.find_first_not_of(" \t\r\n");
  if (open == std::string::npos || cart[open] != '{') return cart;  // not an object: the reader says why
  std::size_t next = cart.find_first_not_of(" \t\r\n", open + 1);
  bool empty = next != std::string::npos && cart[next] == '}';
  return cart.substr(0, open + 1) + R"("now":"1970-01-01T00:00:00Z")" + (empty ? "" : ",") + cart.substr(open + 1);
}

struct Priced {
  bool ok = false;
  std::string errorCode;
  std::string digest;
  ReplayFigures figures;
  std::map<std::string, PromotionOutcome> promotions;
};

Priced priceUnder(const CompiledConfig& config, const std::string& requestText, const ReplayOrder& order) {
  Priced out;
  auto request = config.engine().parseRequest(requestText);
  if (!request) {
    out.errorCode = errorCodeName(request.error().code);
    return out;
  }
  QuoteRequest& typed = request.value();
  typed.now = order.createdAt;
  typed.stock = order.stock;
  if (order.segments) typed.segments = *order.segments;  // the server prices verified segments, not the cart's
  auto quote = config.engine().quote(typed);
  if (!quote) {
    out.errorCode = errorCodeName(quote.error().code);
    return out;
  }
  const Quote& q = quote.value();
  OrderFacts facts = orderFacts(q, config.catalog(q.currency));
  out.ok = true;
  out.digest = q.digest;
  out.figures = {facts.revenue, facts.discount, facts.costedRevenue, facts.cost};
  for (const auto& p : q.promotions) out.promotions[p.id] = {p.applied, p.reason, p.by};
  return out;
}

int exponentOf(const std::string& currency) { return currencyMinorDigits(currency).value_or(2); }

json figuresJson(const ReplayFigures& f, int exponent) {
  auto percent = formatPercent(f.margin(), f.costedRevenue);
  return {{"revenue", formatMoney(f.revenue, exponent)},
          {"discount", formatMoney(f.discount, exponent)},
          {"cost", formatMoney(f.cost, exponent)},
          {"margin", formatMoney(f.margin(), exponent)},
          {"marginPercent", percent ? json(*percent) : json()}};
}

/** The difference's marginPercent is the change in percentage points, so it is computed from both sides. */
json differenceJson(const ReplayFigures& baseline, const ReplayFigures& draft, int exponent) {
  json out = figuresJson(draft - baseline, exponent);
  auto before = formatPercent(baseline.margin(), baseline.costedRevenue);
  auto after = formatPercent(draft.margin(), draft.costedRevenue);
  out["marginPercent"] = json();
  if (before && after) {
    // Percentages with two decimals are exact integers of hundredths, so their difference is exact too.
    auto hundredths = [](const std::string& text) {
      bool negative = text[0] == '-';
      std::string digits;
      for (char c : text)
        if (c >= '0' && c <= '9') digits += c;
      int64_t value = std::stoll(digits);
      return negative ? -value : value;
    };
    out["marginPercent"] = formatMoney(hundredths(*after) - hundredths(*before), 2);
  }
  return out;
}

int64_t magnitude(int64_t v) { return v < 0 ? -v : v; }

/** Most changed first: revenue, then margin, then discount difference (magnitudes), then order id. */
bool changedMore(const Replay::Change& a, const Replay::Change& b) {
  ReplayFigures da = a.draft - a.baseline, db = b.draft - b.baseline;
  auto key = [](const ReplayFigures& d) {
    return std::make_tuple(magnitude(d.revenue), magnitude(d.margin()), magnitude(d.discount));
  };
  if (key(da) != key(db)) return key(da) > key(db);
  return a.orderId < b.orderId;
}

json outcomeReason(const std::optional<PromotionOutcome>& outcome) { return outcome ? json(outcome->reason) : json(); }

}  // namespace

const std::vector<CatalogVariant>& CompiledConfig::catalog(const std::string& currency) const {
  std::lock_guard lock(mutex_);
  auto& slot = catalogs_[currency];
  if (!slot) {
    auto variants = engine_.catalogVariants(currency);
    slot = std::make_shared<const std::vector<CatalogVariant>>(variants ? std::move(variants).value()
                                                                        : std::vector<CatalogVariant>());
  }
  return *slot;
}

ReplayFigures& ReplayFigures::operator+=(const ReplayFigures& other) {
  revenue += other.revenue;
  discount += other.discount;
  costedRevenue += other.costedRevenue;
  cost += other.cost;
  return *this;
}

ReplayFigures operator-(const ReplayFigures& a, const ReplayFigures& b) {
  return {a.revenue - b.revenue, a.discount - b.discount, a.costedRevenue - b.costedRevenue, a.cost - b.cost};
}

OrderReplay replayOrder(const ReplayOrder& order, const CompiledConfig& baseline, const CompiledConfig& draft) {
  OrderReplay out;
  std::string requestText = withPlaceholderNow(order.cartJson);
  Priced before = priceUnder(baseline, requestText, order);
  if (!before.ok) {
    out.failedSide = "baseline";
    out.errorCode = before.errorCode;
    return out;
  }
  Priced after = priceUnder(draft, requestText, order);
  if (!after.ok) {
    out.failedSide = "draft";
    out.errorCode = after.errorCode;
    return out;
  }
  out.priced = true;
  out.baselineMatches = before.digest == order.quoteDigest;
  out.baseline = before.figures;
  out.draft = after.figures;
  out.baselinePromotions = std::move(before.promotions);
  out.draftPromotions = std::move(after.promotions);
  return out;
}

Replay::Replay(std::shared_ptr<const CompiledConfig> draft, ReplayOptions options)
    : draft_(std::move(draft)), options_(options) {
  options_.threads = std::max(1u, options_.threads);
}

void Replay::addVersion(int64_t version, std::shared_ptr<const CompiledConfig> config) {
  versions_[version] = std::move(config);
}

void Replay::add(const ReplayOrder& order, State& state) const {
  state.orders += 1;
  auto skip = [&](const std::string& side, const std::string& code) {
    auto& entry = state.skipped[{side, code}];
    if (entry.first == 0 || order.id < entry.second) entry.second = order.id;  // the smallest id: deterministic
    entry.first += 1;
  };
  auto version = versions_.find(order.configVersion);
  if (version == versions_.end()) return skip("baseline", "unknown_config_version");
  OrderReplay replayed = replayOrder(order, *version->second, *draft_);
  if (!replayed.priced) return skip(replayed.failedSide, replayed.errorCode);
  state.repriced += 1;
  if (replayed.baselineMatches) state.baselineMatches += 1;
  Totals& totals = state.totals[order.currency];
  totals.orders += 1;
  totals.baseline += replayed.baseline;
  totals.draft += replayed.draft;
  for (const auto& [id, outcome] : replayed.baselinePromotions)
    if (outcome.applied) state.promotionOrders[id].first += 1;
  for (const auto& [id, outcome] : replayed.draftPromotions)
    if (outcome.applied) state.promotionOrders[id].second += 1;

  Change change;
  change.orderId = order.id;
  change.createdAt = order.createdAt;
  change.currency = order.currency;
  change.baseline = replayed.baseline;
  change.draft = replayed.draft;
  ReplayFigures difference = replayed.draft - replayed.baseline;
  if (difference.revenue == 0 && difference.discount == 0 && difference.margin() == 0 && difference.cost == 0) return;
  if (options_.top == 0) return;
  if (state.top.size() == options_.top && !changedMore(change, state.top.back())) return;
  std::set<std::string> ids;
  for (const auto& [id, _] : replayed.baselinePromotions) ids.insert(id);
  for (const auto& [id, _] : replayed.draftPromotions) ids.insert(id);
  for (const auto& id : ids) {
    std::optional<PromotionOutcome> before, after;
    if (auto it = replayed.baselinePromotions.find(id); it != replayed.baselinePromotions.end()) before = it->second;
    if (auto it = replayed.draftPromotions.find(id); it != replayed.draftPromotions.end()) after = it->second;
    bool same = before && after && before->applied == after->applied && before->reason == after->reason &&
                before->by == after->by;
    if (!same) change.promotions.push_back({id, {before, after}});
  }
  auto at = std::lower_bound(state.top.begin(), state.top.end(), change, changedMore);
  state.top.insert(at, std::move(change));
  if (state.top.size() > options_.top) state.top.pop_back();
}

void Replay::State::merge(State&& other, std::size_t topLimit) {
  orders += other.orders;
  repriced += other.repriced;
  baselineMatches += other.baselineMatches;
  for (auto& [key, entry] : other.skipped) {
    auto& mine = skipped[key];
    if (mine.first == 0 || entry.second < mine.second) mine.second = entry.second;
    mine.first += entry.first;
  }
  for (auto& [currency, t] : other.totals) {
    Totals& mine = totals[currency];
    mine.orders += t.orders;
    mine.baseline += t.baseline;
    mine.draft += t.draft;
  }
  for (auto& [id, counts] : other.promotionOrders) {
    promotionOrders[id].first += counts.first;
    promotionOrders[id].second += counts.second;
  }
  for (auto& change : other.top) top.push_back(std::move(change));
  std::sort(top.begin(), top.end(), changedMore);
  if (top.size() > topLimit) top.resize(topLimit);
}

void Replay::run(const std::vector<ReplayOrder>& batch, const std::atomic<bool>& cancel, std::atomic<int64_t>& done) {
  const std::size_t threads = std::min<std::size_t>(options_.threads, std::max<std::size_t>(1, batch.size()));
  std::vector<State> partial(threads);
  std::atomic<std::size_t> next{0};
  auto work = [&](State& state) {
    // Orders are taken one at a time from a shared counter, so a slow order never leaves other threads idle.
    for (std::size_t i = next.fetch_add(1); i < batch.size() && !cancel.load(); i = next.fetch_add(1)) {
      add(batch[i], state);
      done.fetch_add(1);
    }
  };
  if (threads == 1) {
    work(partial[0]);
  } else {
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work, std::ref(partial[t]));
    work(partial[0]);
    for (auto& thread : pool) thread.join();
  }
  for (auto& state : partial) state_.merge(std::move(state), options_.top);
}

std::string Replay::reportJson() const {
  json skipped = json::array();
  for (const auto& [key, entry] : state_.skipped)
    skipped.push_back({{"side", key.first}, {"code", key.second}, {"orders", entry.first}, {"example", entry.second}});
  json byCurrency = json::array();
  for (const auto& [currency, t] : state_.totals) {
    int exponent = exponentOf(currency);
    byCurrency.push_back({{"currency", currency},
                          {"orders", t.orders},
                          {"baseline", figuresJson(t.baseline, exponent)},
                          {"draft", figuresJson(t.draft, exponent)},
                          {"difference", differenceJson(t.baseline, t.draft, exponent)}});
  }
  json promotions = json::array(), newlyFiring = json::array(), stoppedFiring = json::array();
  for (const auto& [id, counts] : state_.promotionOrders) {
    std::string change = counts.first == 0              ? "new"
                         : counts.second == 0           ? "stopped"
                         : counts.second > counts.first ? "more"
                         : counts.second < counts.first ? "fewer"
                                                        : "same";
    if (change == "new") newlyFiring.push_back(id);
    if (change == "stopped") stoppedFiring.push_back(id);
    promotions.push_back(
        {{"promotion", id}, {"baselineOrders", counts.first}, {"draftOrders", counts.second}, {"change", change}});
  }
  json top = json::array();
  for (const auto& c : state_.top) {
    int exponent = exponentOf(c.currency);
    json changed = json::array();
    for (const auto& [id, outcomes] : c.promotions) {
      const auto& after = outcomes.second;
      changed.push_back({{"promotion", id},
                         {"before", outcomeReason(outcomes.first)},
                         {"after", outcomeReason(after)},
                         {"by", after && !after->by.empty() ? json(after->by) : json()}});
    }
    top.push_back({{"orderId", c.orderId},
                   {"createdAt", formatTimestamp(c.createdAt)},
                   {"currency", c.currency},
                   {"baseline", figuresJson(c.baseline, exponent)},
                   {"draft", figuresJson(c.draft, exponent)},
                   {"difference", differenceJson(c.baseline, c.draft, exponent)},
                   {"promotions", std::move(changed)}});
  }
  json report = {{"orders", state_.orders},
                 {"repriced", state_.repriced},
                 {"baselineMatches", state_.baselineMatches},
                 {"skipped", std::move(skipped)},
                 {"byCurrency", std::move(byCurrency)},
                 {"promotions", std::move(promotions)},
                 {"newlyFiring", std::move(newlyFiring)},
                 {"stoppedFiring", std::move(stoppedFiring)},
                 {"topChanges", std::move(top)}};
  return report.dump(-1, ' ', false, json::error_handler_t::replace);
}

ExportLine parseExportLine(std::string_view text) {
  ExportLine out;
  json line = json::parse(text, nullptr, false);
  if (!line.is_object() || !line.value("type", json()).is_string()) {
    out.error = "not an export line (a JSON object with a \"type\")";
    return out;
  }
  out.type = line["type"].get<std::string>();
  try {
    if (out.type == "config") {
      out.configVersion = line.at("version").get<int64_t>();
      out.configJson = line.at("config").dump();
    } else if (out.type == "order") {
      ReplayOrder order;
      order.id = line.at("id").get<std::string>();
      auto created = parseUtcTimestamp(line.at("createdAt").get<std::string>());
      if (!created) throw std::invalid_argument("createdAt is not an ISO 8601 UTC time");
      order.createdAt = *created;
      order.configVersion = line.at("configVersion").get<int64_t>();
      order.currency = line.at("currency").get<std::string>();
      order.quoteDigest = line.at("quoteDigest").get<std::string>();
      order.cartJson = line.at("cart").dump();
      for (const auto& [variant, units] : line.at("stock").items()) order.stock[variant] = units.get<int64_t>();
      if (line.contains("segments")) order.segments = line["segments"].get<std::vector<std::string>>();
      out.order = std::move(order);
    } else if (out.type != "end") {
      out.error = "unknown line type \"" + out.type + "\"";
    }
  } catch (const std::exception& e) {
    out.error = std::string("malformed ") + out.type + " line: " + e.what();
  }
  return out;
}

}  // namespace cartcore::analytics

// SPDX-License-Identifier: MIT
// Structure-aware fuzz target: the bytes choose a golden case and mutate its request (quantities, lines added and
// removed, codes held, best deal and nudges, time, segments, stock), then the quote must keep the engine's promises:
// - line order and code order never change a byte;
// - the totals add up: the lines sum to the total, each line's adjustments and units to its total, the grand total
//   is items + shipping (+ tax when prices exclude it), the tax shares to the tax total;
// - no unit costs more than its list price or less than zero;
// - the best deal over up to 6 held codes is as cheap as the cheapest subset found by brute force.
#include <algorithm>
#include <numeric>
#include <set>

#include "fuzz_support.hpp"
#include "store.hpp"  // normalizeCoupon: the same normalization the engine applies

namespace {

using cartcore::fuzz::ByteReader;
using cartcore::fuzz::GoldenStore;

constexpr int64_t kMinute = 60'000;

cartcore::QuoteRequest mutate(const GoldenStore& golden, ByteReader& bytes) {
  cartcore::QuoteRequest request = golden.request;
  for (auto& line : request.lines) {
    if (bytes.boolean()) line.quantity = bytes.boolean() ? bytes.integer(1, 12) : bytes.integer(1, cartcore::kMaxLineQuantity);
  }
  if (!request.lines.empty() && bytes.boolean()) request.lines.erase(request.lines.begin() + static_cast<std::ptrdiff_t>(bytes.index(request.lines.size())));
  for (int64_t added = bytes.integer(0, 3); added > 0; --added) {
    const std::string& variant = golden.variants[bytes.index(golden.variants.size())];
    request.lines.push_back({"fuzz-" + std::to_string(request.lines.size()) + "-" + variant, variant, bytes.integer(1, 25)});
  }
  if (bytes.boolean()) {
    request.coupons.clear();
    for (const auto& code : golden.couponCodes) {
      if (request.coupons.size() < 6 && bytes.boolean()) request.coupons.push_back(bytes.boolean() ? code : " " + code + " ");
    }
    if (bytes.boolean()) request.coupons.push_back("NO-SUCH-CODE");
  }
  if (bytes.boolean()) request.bestDeal = !request.bestDeal;
  if (bytes.boolean()) request.nudges = !request.nudges;
  if (bytes.boolean()) request.now += bytes.integer(-60 * 24 * 30, 60 * 24 * 30) * kMinute;
  if (bytes.boolean() && !golden.segments.empty()) request.segments = {golden.segments[bytes.index(golden.segments.size())]};
  for (int64_t stocked = bytes.integer(0, 2); stocked > 0; --stocked) {
    request.stock[golden.variants[bytes.index(golden.variants.size())]] = bytes.integer(0, 50);
  }
  return request;
}

int64_t payable(const cartcore::Quote& q) { return q.grandTotal ? *q.grandTotal : q.total; }

void checkTotals(const cartcore::Quote& q, const std::string& where) {
  int64_t linesTotal = 0, linesTax = 0;
  for (const auto& line : q.lines) {
    int64_t adjusted = line.listTotal, units = 0, count = 0;
    for (const auto& a : line.adjustments) adjusted += a.amount;
    for (const auto& u : line.unitPrices) {
      FUZZ_CHECK(u.unitPrice >= 0 && u.unitPrice <= line.listUnitPrice, where + " line " + line.id);
      units += u.unitPrice * u.quantity;
      count += u.quantity;
    }
    FUZZ_CHECK(line.listTotal == line.listUnitPrice * line.quantity, where + " line " + line.id);
    FUZZ_CHECK(adjusted == line.total && units == line.total && count == line.quantity, where + " line " + line.id);
    linesTotal += line.total;
    linesTax += line.tax.value_or(0);
  }
  FUZZ_CHECK(linesTotal == q.total, where);
  FUZZ_CHECK(q.listSubtotal - q.priceRuleSavings - q.promotionSavings == q.total, where);
  int64_t rates = 0;
  for (const auto& t : q.taxes) rates += t.amount;
  FUZZ_CHECK(rates == q.taxTotal, where);
  int64_t shipping = q.shipping ? q.shipping->chosen.amount : 0;
  if (q.taxConfigured) FUZZ_CHECK(linesTax + (q.shipping ? q.shipping->tax.value_or(0) : 0) == q.taxTotal, where);
  if (q.grandTotal) FUZZ_CHECK(*q.grandTotal == q.total + shipping + (q.taxIncluded ? 0 : q.taxTotal), where);
  FUZZ_CHECK(shipping >= 0 && q.total >= 0, where);
}

/** The cheapest total over every subset of the held codes that the store accepts, by pricing each one. */
std::optional<int64_t> bruteForceBest(const cartcore::Engine& engine, cartcore::QuoteRequest request) {
  std::set<std::string> held;
  for (const auto& code : request.coupons) {
    if (!cartcore::normalizeCoupon(code).empty()) held.insert(cartcore::normalizeCoupon(code));
  }
  std::vector<std::string> codes(held.begin(), held.end());
  request.bestDeal = false;
  request.nudges = false;
  std::optional<int64_t> best;
  for (uint32_t mask = 0; mask < (1u << codes.size()); ++mask) {
    request.coupons.clear();
    for (std::size_t i = 0; i < codes.size(); ++i) {
      if (mask & (1u << i)) request.coupons.push_back(codes[i]);
    }
    auto quoted = engine.quote(request);
    if (!quoted) continue;  // e.g. more codes than maxCodesPerOrder
    if (!best || payable(quoted.value()) < *best) best = payable(quoted.value());
  }
  return best;
}

}  // namespace

// Compiling and quoting every golden store is start-up, not an input's time: loaded here, before libFuzzer's
// per-input -timeout starts counting (at -O0 under ASan on a loaded machine it took over 10 s).
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  cartcore::fuzz::goldenStores();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const auto& stores = cartcore::fuzz::goldenStores();
  ByteReader bytes(data, size);
  const GoldenStore& golden = stores[bytes.index(stores.size())];
  const cartcore::Engine& engine = *golden.engine;
  cartcore::QuoteRequest request = mutate(golden, bytes);
  const std::string where = golden.name;

  auto quoted = engine.quote(request);
  cartcore::QuoteRequest reordered = request;
  std::reverse(reordered.lines.begin(), reordered.lines.end());
  std::reverse(reordered.coupons.begin(), reordered.coupons.end());
  if (reordered.lines.size() > 2) std::rotate(reordered.lines.begin(), reordered.lines.begin() + 1, reordered.lines.end());
  auto again = engine.quote(reordered);
  if (!quoted) {
    FUZZ_CHECK(!again && again.error().code == quoted.error().code, where + ": the same error in any order");
    return 0;
  }
  FUZZ_CHECK(again.ok(), where + ": reordering must not make a quote fail");
  const std::string bytesOut = cartcore::renderQuote(quoted.value());
  FUZZ_CHECK(bytesOut == cartcore::renderQuote(again.value()), where + ": line and code order change nothing");
  checkTotals(quoted.value(), where);
  if (request.bestDeal && quoted.value().bestDeal) {
    std::set<std::string> held;
    for (const auto& code : request.coupons) held.insert(cartcore::normalizeCoupon(code));
    if (held.size() <= 6) {
      auto best = bruteForceBest(engine, request);
      FUZZ_CHECK(best && *best == quoted.value().bestDeal->chosen.total, where + ": best deal is the brute-force best");
      FUZZ_CHECK(payable(quoted.value()) == quoted.value().bestDeal->chosen.total, where + ": the quote is the chosen deal");
    }
  }
  return 0;
}

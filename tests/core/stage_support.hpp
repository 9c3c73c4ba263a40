// SPDX-License-Identifier: MIT
// For the pipeline-stage suites: a compiled store and a parsed request, built from JSON the way merchants write
// them, and the cart a stage starts from, so one stage can be called alone through its own interface.
#pragma once

#include <numeric>
#include <ostream>

#include "input_error.hpp"
#include "request_parser.hpp"
#include "stages/cart.hpp"
#include "store.hpp"
#include "test_support.hpp"

namespace cartcore {

// So Boost.Test can print what it compares.
inline std::ostream& operator<<(std::ostream& os, Reason reason) { return os << reasonCode(reason); }
inline std::ostream& operator<<(std::ostream& os, Message message) { return os << "Message#" << static_cast<int>(message); }
inline std::ostream& operator<<(std::ostream& os, ExplainLevel level) { return os << "ExplainLevel#" << static_cast<int>(level); }

}  // namespace cartcore

namespace cartcore::test {

struct StageFixture {
  StageFixture(const json& storeJson, const json& requestJson)
      : store(compileStore(storeJson)), request(parseQuoteRequest(store, requestJson)) {}

  /** The cart at list price, as the first stage builds it. */
  Cart cart() const { return buildCart(store, request); }

  const Promotion& promotion(const std::string& id) const {
    for (const auto& p : store.promotions) {
      if (p.id == id) return p;
    }
    BOOST_FAIL("no promotion " + id);
    return store.promotions.front();
  }

  CompiledStore store;
  QuoteRequest request;
};

/** Every line index of a cart: the scope of a promotion selecting everything. */
inline std::vector<std::size_t> allLines(const Cart& cart) {
  std::vector<std::size_t> lines(cart.lines.size());
  std::iota(lines.begin(), lines.end(), std::size_t{0});
  return lines;
}

/** The cart line with this id. */
inline const LineState& line(const Cart& cart, const std::string& id) {
  for (const auto& l : cart.lines) {
    if (l.line->id == id) return l;
  }
  BOOST_FAIL("no line " + id);
  return cart.lines.front();
}

/** What each unit of a line costs now: {count, price} pairs, dearest first. */
inline std::vector<std::pair<int64_t, Minor>> unitPrices(const LineState& line) {
  std::vector<std::pair<int64_t, Minor>> out;
  for (const auto& g : line.groups) out.emplace_back(g.count, g.price);
  return out;
}

using Units = std::vector<std::pair<int64_t, Minor>>;

/** The error code name and pointer an InputError carries, or {"", ""} when `body` does not throw one. */
template <class F>
std::pair<std::string, std::string> inputErrorOf(F&& body) {
  try {
    body();
  } catch (const InputError& e) {
    return {std::string(errorCodeName(e.error.code)), e.error.pointer};
  }
  return {"", ""};
}

}  // namespace cartcore::test

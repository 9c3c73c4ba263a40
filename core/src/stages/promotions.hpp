// SPDX-License-Identifier: MIT
// Pipeline stage "promotions": which promotions can matter to this cart, the minimums every kind shares, and the
// interface each kind implements in its own file (item_discount, buy_x_get_y, bundle, spend_threshold, free_shipping).
// The order they apply in is the stacking policy's business (stacking.hpp).
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "stages/cart.hpp"
#include "stages/unit_picks.hpp"

namespace cartcore {

/** A promotion judged on the cart as it stands: whether it applies, what it would change, and why. */
struct Evaluation {
  bool applies = false;
  std::optional<Reason> reason;  // set by a kind that finds it cannot apply; Applied or NoSaving otherwise
  Explanation why;
  std::optional<Minor> amountNeeded;
  std::optional<int64_t> quantityNeeded;
  std::vector<LineChange> changes;  // new unit groups for the lines it touches
  Minor savings = 0;
  bool freeShipping = false;
  int64_t applications = 0;
};

/** The lines a promotion can touch, with their current subtotal and quantity. */
struct PromotionScope {
  std::span<const std::size_t> lines;  // indexes into Cart::lines, ascending
  Minor subtotal = 0;
  int64_t quantity = 0;
};

/** One promotion kind: how it judges a cart and how its judgement changes the cart. */
struct PromotionKind {
  /** Fills `e` for the cart as it stands, once the shared minimums hold; never changes the cart. */
  void (*evaluate)(const Cart& cart, const Promotion& promo, const PromotionScope& scope, Evaluation& e);
  /** Makes an applying evaluation real. */
  void (*apply)(Cart& cart, const Promotion& promo, const Evaluation& e);
};

// Defined one per file: item_discount.cpp, buy_x_get_y.cpp, bundle.cpp, spend_threshold.cpp, free_shipping.cpp.
extern const PromotionKind kItemDiscount;
extern const PromotionKind kBuyXGetY;
extern const PromotionKind kBundle;
extern const PromotionKind kSpendThreshold;
extern const PromotionKind kFreeShipping;

const PromotionKind& promotionKind(Promotion::Type type);

/** The apply of every kind that changes prices: each touched line takes its new groups and an adjustment. */
void applyLineChanges(Cart& cart, const Promotion& promo, const Evaluation& e);

/**
 * The promotions that can matter to a cart, in priority order, and the lines each can touch: those indexed under
 * the cart's variants, the cart-wide ones, and any an entered code unlocks (so a code for absent items is still
 * explained). A cart-wide promotion touches every line through one shared run of line indexes, so a rule book full
 * of thresholds and free-shipping offers costs no per-line bookkeeping.
 */
class RelevantPromotions {
 public:
  explicit RelevantPromotions(const Cart& cart);

  /** Promotion indexes, ascending (= priority order). */
  const std::vector<uint32_t>& promotions() const { return relevant_; }
  /** Position of a promotion in promotions(), which must hold it. */
  std::size_t position(uint32_t promotion) const;
  bool contains(uint32_t promotion) const;
  /** The lines the promotion at `position` can touch, ascending. */
  std::span<const std::size_t> linesAt(std::size_t position) const;

 private:
  struct LineRun {  // a run of lineIndexes_
    std::size_t offset = 0;
    std::size_t count = 0;
  };
  std::vector<uint32_t> relevant_;
  std::vector<LineRun> runs_;             // one per relevant promotion
  std::vector<std::size_t> lineIndexes_;  // [0, n) for cart-wide promotions, then each other promotion's run
};

/**
 * Judges one promotion on the cart as it stands: the minimum quantity and subtotal every kind shares, then the
 * kind's own rules. Never changes the cart.
 */
Evaluation evaluatePromotion(const Cart& cart, const Promotion& promo, std::span<const std::size_t> lines);

/** Makes an applying evaluation real through its kind. */
void applyPromotion(Cart& cart, const Promotion& promo, const Evaluation& e);

}  // namespace cartcore

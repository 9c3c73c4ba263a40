// SPDX-License-Identifier: MIT
// Promotion kind "freeShipping": changes no price; the shipping stage makes the methods it names free.
#include "stages/promotions.hpp"

namespace cartcore {
namespace {

void evaluateFreeShipping(const Cart&, const Promotion&, const PromotionScope&, Evaluation& e) {
  e.freeShipping = true;
  e.applications = 1;
  e.why = {Message::FreeShippingApplied};
}

void applyFreeShipping(Cart& cart, const Promotion& promo, const Evaluation&) { cart.freeShipping.push_back(&promo); }

}  // namespace

const PromotionKind kFreeShipping{evaluateFreeShipping, applyFreeShipping};

}  // namespace cartcore

// SPDX-License-Identifier: MIT
// The config section for conditional stacking (stacking_rules.hpp): a promotion's discountClass, combinesWith,
// tags, notWith, onlyWith, stacksWhen and priorityBySegment. Ids and tags can name promotions listed later, so
// they are read with each promotion and resolved once every promotion is known.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "json_reader.hpp"
#include "store.hpp"

namespace cartcore {

class StackingRulesReader {
 public:
  /** Reads the stacking fields of one promotion whose type is already known (amounts in `exponent`); references are
   *  checked by resolve(). */
  void read(ObjectReader& promo, Promotion& out, int exponent);

  /**
   * After every promotion is read and sorted: ids and tags become indexes, and names that match no promotion
   * (unknown_reference), a promotion naming itself, and a pair both excluded and required (invalid_value) fail.
   * Also sets the store's conditionalStacking and priorityBySegment flags.
   */
  void resolve(CompiledStore& store);

 private:
  struct Name {
    std::string text;
    std::string pointer;
  };
  struct PendingRefs {
    std::string owner;     // the promotion id
    bool onlyWith = false;  // else notWith
    std::vector<Name> promotions;
    std::vector<Name> tags;
  };
  struct PendingTags {
    std::string owner;
    std::vector<std::string> tags;
  };

  PendingRefs readRefs(const Json& value, const std::string& pointer, const std::string& owner, bool onlyWith);
  StackingCondition readCondition(const Json& value, const std::string& pointer);

  int exponent_ = 2;  // the store currency's, for stacksWhen.minSubtotal
  std::vector<PendingRefs> refs_;
  std::vector<PendingTags> tags_;
  std::vector<Name> conditionCoupons_;  // codes stacksWhen names: each must unlock some promotion
};

}  // namespace cartcore

// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store.hpp"

namespace cartcore {

/** Validates a parsed request document against the store; throws InputError naming the bad field. */
QuoteRequest parseQuoteRequest(const CompiledStore& store, const Json& document);

// The rules of a request's fields, shared by the strict reader and the DOM-free one (request_fast_path.cpp), so the
// two cannot drift apart.

/** An ISO 3166-1 alpha-2 code in capitals, e.g. "DE". */
bool isCountryCode(std::string_view text);

/** The currency of a request that names none: the store's for `country`, else the store currency. */
const std::string& currencyForCountry(const CompiledStore& store, const std::string& country);

/** Whether the store has a shipping method with this id. */
bool isShippingMethod(const CompiledStore& store, std::string_view id);

/** The explanation level named "all", "applied" or "none". */
std::optional<ExplainLevel> explainLevelNamed(std::string_view name);

/** The position of the earliest line whose id an earlier line already has, if any (O(n log n)). */
std::optional<std::size_t> firstRepeatedLineId(const std::vector<CartLine>& lines);

}  // namespace cartcore

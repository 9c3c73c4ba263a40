// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <vector>

#include "store.hpp"

namespace cartcore {

/** Validates a parsed request document against the store; throws InputError naming the bad field. */
QuoteRequest parseQuoteRequest(const CompiledStore& store, const Json& document);

/** The position of the earliest line whose id an earlier line already has, if any (O(n log n)). */
std::optional<std::size_t> firstRepeatedLineId(const std::vector<CartLine>& lines);

}  // namespace cartcore

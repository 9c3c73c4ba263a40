// SPDX-License-Identifier: MIT
#pragma once

#include "store.hpp"

namespace cartcore {

/** Validates a parsed request document against the store; throws InputError naming the bad field. */
QuoteRequest parseQuoteRequest(const CompiledStore& store, const Json& document);

}  // namespace cartcore

// SPDX-License-Identifier: MIT
// Quote requests of the everyday shape read straight from their text, without building a DOM. Anything unusual
// (an escape, non-ASCII text, a fraction, held facts) and anything wrong is left to the strict DOM reader
// (request_parser.cpp), so every error, its code and its JSON pointer come from that one reader.
#pragma once

#include <optional>
#include <string_view>

#include "store.hpp"

namespace cartcore {

/**
 * The request parseQuoteRequest would give for `text`, when the text is a valid request of the everyday shape;
 * nullopt otherwise (then the caller parses it the strict way, which names the error). Never throws. One pass over
 * the text, no recursion (the shape nests three levels at most), no allocation besides the request's own strings.
 */
std::optional<QuoteRequest> readEverydayRequest(const CompiledStore& store, std::string_view text);

}  // namespace cartcore

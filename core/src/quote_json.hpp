// SPDX-License-Identifier: MIT
#pragma once

#include "cartcore/engine.hpp"
#include "json_reader.hpp"

namespace cartcore {

/** The quote as canonical JSON (sorted keys, decimal-string money). */
Json quoteToJson(const Quote& quote);

/** "sha256:…" over the config digest and the priced outcome, excluding explanations and stock display. */
std::string quoteDigest(const Quote& quote);

}  // namespace cartcore
